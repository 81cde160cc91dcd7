/* SPDX-License-Identifier: Apache-2.0 */
/* The review programme (domain-model.md A.1) and the IMS input catalogue (A.4, the
 * InputRequirement table). isms_programme.c: v1/programmes and what a review takes from its
 * programme; isms_catalogue.c: v1/catalogue; isms_programme_view.c: what the completeness
 * check reads of both (MR-02, MR-40, MR-41, MR-P1 in isms_rules_programme.c). */
#ifndef ISMS_PROGRAMME_H
#define ISMS_PROGRAMME_H

#include "isms_api.h"
#include "isms_entity.h"
#include "isms_sql.h"

extern const isms_entity isms_entity_programme;      /* review_programme */
extern const isms_entity isms_entity_requirement;    /* input_requirement */

/* v1/programmes: list (?active=true|false), one, create, PATCH (If-Match). Each with its
 * derived next_due_date (the last review of the programme held + interval_months; null
 * before the first) and last_held. Admins write; there is no DELETE (reviews name it):
 * "active": false retires a programme. */
isms_result isms_programmes_list(isms_ctx *ctx, const isms_query *q);
isms_result isms_programme_get(isms_ctx *ctx, long long id);
isms_result isms_programme_create(isms_ctx *ctx, const json_t *in);
isms_result isms_programme_patch(isms_ctx *ctx, long long id, const json_t *in,
                                 const char *if_match);

/* A review being created (doc) or changed (set: the columns to write; doc: the merged
 * review): programme_id (when absent on create: the default programme, the one with the
 * first active one, if any), and from the programme scope_ref_snapshot and
 * planned_interval_months written into set. A 422 when the programme does not exist or is
 * not active. Status 0 otherwise. */
isms_result isms_programme_assign(isms_ctx *ctx, const json_t *doc, json_t *set);

/* The programme of a review: its programme_id, else (reviews sealed before migration 011)
 * the default programme. *out NULL when there is none (new reference otherwise). */
isms_db_status isms_programme_of(isms_ctx *ctx, const json_t *review, json_t **out,
                                 const char **err);

/* The latest held_from of the programme's reviews (cancelled ones and `except` left out;
 * before `before` when not NULL); reviews sealed before migration 011 (no programme_id)
 * count for the default programme. *held NULL when there is none. */
isms_db_status isms_programme_last_held(isms_ctx *ctx, long long id, const char *before,
                                        long long except, const char **held,
                                        const char **err);

/* The date a review of this programme held on `held` is next due: held + interval_months. */
const char *isms_programme_due(apr_pool_t *p, const json_t *programme, const char *held);

/* "scope_ref vVERSION" (or scope_ref alone; NULL without a scope_ref): the text a review
 * snapshots and MR-40 compares. */
const char *isms_programme_scope(apr_pool_t *p, const json_t *programme);

/* v1/catalogue: every requirement (?standard=, ?kind=, ?mandatory=true|false), ordered by
 * standard and id; one row; POST adds a CUSTOM_* row (admins); DELETE removes a CUSTOM_*
 * row. */
isms_result isms_catalogue_list(isms_ctx *ctx, const isms_query *q);
isms_result isms_catalogue_get(isms_ctx *ctx, long long id);
isms_result isms_catalogue_create(isms_ctx *ctx, const json_t *in);
isms_result isms_catalogue_delete(isms_ctx *ctx, long long id);

/* "STANDARD:CODE" with a StandardCode and a code of capitals, digits and underscores: the
 * form of an input's requirement_codes. */
int isms_requirement_code_valid(const char *s);

/* ?name=true|false on a boolean column: " AND name = 1|0"; a 400 result for another value. */
isms_result isms_bool_filter(isms_ctx *ctx, const isms_query *qs, isms_sql *q,
                             const char *name);

/* Every catalogue row, ordered by standard and id (the rules view, export). */
isms_db_status isms_catalogue_all(isms_ctx *ctx, json_t **out, const char **err);

/* For the completeness check: review["_programme"] (the programme or null),
 * review["_catalogue"] (every requirement), review["_programme_previous"] (the latest
 * held_from of the programme's other reviews before this one, or null: MR-02) and, for a
 * programme of SEQUENCED_SESSIONS, review["_cycle"] {"start", "end", "sessions": [the other reviews of
 * the programme held in this cycle before this one: {"id", "ref", "held_from", "inputs":
 * [{"category", "requirement_codes"}], "decisions": [{"category"}], and one {} per item of
 * each result collection}]}. */
isms_db_status isms_programme_rules_view(isms_ctx *ctx, json_t *review, const char **err);

#endif
