/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the record operations (isms_review.c, isms_items.c, isms_register.c). */
#ifndef ISMS_OPS_H
#define ISMS_OPS_H

#include "isms_api.h"
#include "isms_record.h"
#include "isms_validate.h"

#define ISMS_PAGE_DEFAULT 50
#define ISMS_PAGE_MAX 200

isms_result isms_res_ok(isms_ctx *ctx, int status, json_t *body, const char *etag,
                        const char *location);
isms_result isms_res_not_found(isms_ctx *ctx, const char *what);

/* The API form of a stored row: internal keys removed, "etag" added. New reference. */
json_t *isms_present(isms_ctx *ctx, const isms_entity *e, const json_t *row);
/* The review's ETag: its row_version and the day, which its representation shows (an open
 * action's days_overdue), so a validator from yesterday never gets a 304 today. If-Match
 * compares the row part only (isms_check_if_match): a write conflicts with writes, not with
 * midnight. */
const char *isms_review_etag(isms_ctx *ctx, const json_t *row);
/* The ETag of e's row as GET shows it: isms_rec_etag, with the day (as the review's) when the
 * representation shows a date-derived figure (an action's days_overdue). */
const char *isms_etag(isms_ctx *ctx, const isms_entity *e, const json_t *row);

/* If-Match: 428 when absent, 412 when it names another version; status 0 when it matches. */
isms_result isms_check_if_match(isms_ctx *ctx, const char *if_match, const char *etag);

/* The same, for a decision about what the client read (approve): If-Match must name the
 * version's ETag; "*" (any version) is a 428 too. */
isms_result isms_check_if_match_read(isms_ctx *ctx, const char *if_match, const char *etag);

/* The row of e with this id (with _row_version, tied to the request pool), a 404 naming
 * what, or the database's problem. */
isms_result isms_load_record(isms_ctx *ctx, const isms_entity *e, const char *what,
                             long long id, json_t **row);

/* The review row (with _row_version) or a 404 result. */
isms_result isms_load_review(isms_ctx *ctx, long long id, json_t **review);

/* DRAFT and RETURNED reviews can be edited. */
int isms_review_editable(const json_t *review);

/* Marks the review changed (its ETag covers its items): row_version + 1, updated_*. */
isms_db_status isms_touch_review(isms_ctx *ctx, long long id, const char **err);
/* The touch's statement, for a caller that appends to it (RETURNING the row it locked). */
isms_sql *isms_touch_review_sql(isms_ctx *ctx, long long id);

/* Pagination: limit (1..ISMS_PAGE_MAX) and cursor (the last id seen) from the query.
 * Returns a 400 result on bad values, status 0 otherwise. */
isms_result isms_page_params(isms_ctx *ctx, const isms_query *q, long long *limit,
                             long long *after);
/* The review filters of a list: "review" (a review id) appends " AND review_id = id",
 * "review_ref" (MR-2026-01, any case) " AND review_id IN (the reviews of that reference)".
 * A bad value gives a 400 result, status 0 otherwise. */
isms_result isms_review_filter(isms_ctx *ctx, const isms_query *qs, isms_sql *q);
/* {"items": [...], "next_cursor": "..."|null}; takes ownership of items. */
json_t *isms_page_body(isms_ctx *ctx, json_t *items, long long limit);

/* Appends " ORDER BY id LIMIT limit + 1" to a SELECT of e's rows, runs it and answers the
 * page: 200 {"items": [presented rows, with extras(...) when given], "next_cursor"}. */
typedef isms_db_status isms_extras_fn(isms_ctx *ctx, const isms_entity *e, json_t *items,
                                      const char **err);
isms_result isms_page_result(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                             long long limit, isms_extras_fn *extras);

/* Appends " AND col = value" for every ISMS_FILTER field of e given in the query; a value
 * that is not valid for the field gives a 400 result. */
isms_result isms_filters(isms_ctx *ctx, const isms_entity *e, const isms_query *q,
                         isms_sql *sql, const char *prefix);

/* Reference checks: REF fields and lists of REF point at items of the same review. */
isms_result isms_check_refs(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                            long long review_id);

/* Next item number in a review and its reference (MR-2026-01-A03). */
isms_db_status isms_next_seq(isms_ctx *ctx, const isms_entity *e, long long review_id,
                             long long *seq, const char **err);

/* The same, summary form (full = 0), for a list of items: one query per kind. */
isms_db_status isms_items_extras(isms_ctx *ctx, const isms_entity *e, json_t *items,
                                 const char **err);

/* The columns of a progress update as the API shows it (an action's "updates", the "update"
 * of a progress update's 201). */
#define ISMS_ACTION_UPDATE_COLS "id, status, progress, note, evidence_ref, due_date, reason, " \
    "created_at, created_by, effectiveness_required, effectiveness_method, " \
    "effectiveness_due, effectiveness_result"

/* Objective revisions (isms_register.c). */
isms_db_status isms_objective_revise(isms_ctx *ctx, long long objective_id,
                                     long long review_id, const json_t *before,
                                     const json_t *after, const char *reason,
                                     const char **err);

/* The objective register (isms_objective.c). */
/* Appends the condition "this objective row is its identity's current revision" (the
 * highest revision in a review that is not cancelled; review skip_review ignored). */
void isms_objective_current_sql(isms_sql *q, long long skip_review);
/* The current revision of objective oid (ignoring review skip_review), or a 404 result. */
isms_result isms_objective_current(isms_ctx *ctx, long long oid, long long skip_review,
                                   json_t **row);
/* The state of an objective row (its content, reference, revision and review). New ref. */
json_t *isms_objective_state(const json_t *row);
/* A create with objective_id revises that objective: *merged_in is its current state with
 * the request on top, *prior the state it replaces; otherwise *merged_in = in. */
isms_result isms_objective_base(isms_ctx *ctx, long long rid, const json_t *in,
                                json_t **merged_in, json_t **prior);
/* revision_no, revision_type and prior_state of a new row (prior NULL: CREATED). */
isms_db_status isms_objective_number(isms_ctx *ctx, json_t *doc, const json_t *prior,
                                     const char **err);
/* After the insert: a created objective is its own identity. */
isms_db_status isms_objective_created(isms_ctx *ctx, long long id, const json_t *doc,
                                      const char **err);
/* A PATCH: objective_id cannot change; the revision type follows the changes. */
void isms_objective_patch(const json_t *row, const json_t *in, const json_t *merged,
                          json_t *set, isms_verrors *errs);
/* The row that created an objective other reviews revise or report cannot be deleted. */
isms_result isms_objective_deletable(isms_ctx *ctx, const json_t *row);
isms_db_status isms_objective_touch(isms_ctx *ctx, long long oid, const char **err);
/* {field: {old, new}} between two states, and the revision type that names the change. */
json_t *isms_objective_changes(const json_t *before, const json_t *after);
const char *isms_objective_revision_type(const json_t *before, const json_t *after);
/* Input d4 (isms_objective_d4.c): the live objectives' current revision, latest measurement,
 * RAG and trend over the review period, snapshotted into the review's d4 input. */
isms_db_status isms_d4_refresh(isms_ctx *ctx, const json_t *review, const char **err);
isms_db_status isms_d4_snapshots(isms_ctx *ctx, json_t *input, const char **err);

/* What items show beyond their rows (isms_register.c; the kinds' hooks, isms_kinds.c): the
 * action snapshots of input a; an action's carry-over count, days overdue (full: its
 * progress updates); an objective's measurements, RAG and trend (full: its revisions);
 * the same for lists at once. */
isms_db_status isms_input_a_snapshots(isms_ctx *ctx, json_t *item, const char **err);
isms_db_status isms_action_extras(isms_ctx *ctx, json_t *item, int full, const char **err);
void isms_action_new_extras(isms_ctx *ctx, json_t *item);
/* days_overdue of an action as presented, today (0 once it is no longer open). */
void isms_action_days_overdue(isms_ctx *ctx, json_t *item);
/* How many live later reviews carried the action (%d) over, as a scalar subquery. */
#define ISMS_CARRY_OVER_SQL "(SELECT COUNT(*) FROM action_snapshot s JOIN review r ON r.id = " \
    "s.review_id WHERE s.action_id = %d AND r.status <> 'CANCELLED')"
isms_db_status isms_objective_extras(isms_ctx *ctx, json_t *item, int full, const char **err);
isms_db_status isms_actions_extras(isms_ctx *ctx, json_t *items, const char **err);
isms_db_status isms_objectives_extras(isms_ctx *ctx, json_t *items, const char **err);
/* The objective register shows each objective once, by identity: id is the objective_id,
 * revision_id the row (isms_registers.c). */
void isms_objectives_by_identity(json_t *items);

/* KPI measurements of an objective in [from, to] with the trend against the previous
 * period of equal length (isms_register.c). */
isms_db_status isms_kpi_period(isms_ctx *ctx, const json_t *objective, const char *from,
                               const char *to, json_t **out, const char **err);

/* Sets measurement_count, latest_measurement, rag and trend of an objective from its
 * measurements (ordered by period_to; isms_register.c). */
void isms_kpi_status(json_t *item, const json_t *measurements);

/* Runs a query and maps each row to an object keyed by column ("frm" read back as "from");
 * ids, counts, versions and progress as integers, KPI values as reals, stored JSON parsed. */
isms_db_status isms_rows_json(isms_ctx *ctx, isms_sql *q, json_t **out, const char **err);

/* Carry-over: input a of a new review (isms_register.c). */
isms_db_status isms_carry_over(isms_ctx *ctx, const json_t *review, const char **err);
/* The generated input a of a review: open and overdue actions counted in its metrics. */
isms_db_status isms_input_a_insert(isms_ctx *ctx, const json_t *review, int open,
                                   int overdue, long long *input_id, const char **err);
/* row_version + 1 for the reviews whose actions review rid carries over (on its creation
 * and its cancellation: their carry_over_count changes). */
isms_db_status isms_touch_carried(isms_ctx *ctx, long long rid, const char **err);

/* Embeds the extra data of an item kind (snapshots of input a, action history, objective
 * revisions and measurements). */
isms_db_status isms_item_extras(isms_ctx *ctx, const isms_entity *e, json_t *item,
                                int full, const char **err);

#endif
