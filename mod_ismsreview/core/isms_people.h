/* SPDX-License-Identifier: Apache-2.0 */
/* The people register (issue 12 section 1): who a login is and when they were top
 * management. isms_people.c: the register's operations (v1/people, the admin tool's CSV);
 * isms_people_tm.c: what the records take from it (the attendees' top-management snapshot,
 * the approvers' standing, display names). Logins compare under isms_user_key. */
#ifndef ISMS_PEOPLE_H
#define ISMS_PEOPLE_H

#include "isms_api.h"

/* v1/people: list (?login=, ?active=true|false, ?limit, ?cursor), one, create (409 when the
 * login is registered), PATCH and PUT (If-Match), DELETE (deactivates: active false; the
 * person stays for the records that name them). */
isms_result isms_people_list(isms_ctx *ctx, const isms_query *q);
isms_result isms_person_get(isms_ctx *ctx, long long id);
isms_result isms_person_create(isms_ctx *ctx, const json_t *in);
isms_result isms_person_patch(isms_ctx *ctx, long long id, const json_t *in,
                              const char *if_match);
isms_result isms_person_put(isms_ctx *ctx, long long id, const json_t *in,
                            const char *if_match);
isms_result isms_person_delete(isms_ctx *ctx, long long id, const char *if_match);

/* Create or replace by login (the CSV import): *created 1 for a new person, 0 for an
 * update, -1 when nothing changed. A 4xx result leaves the register as it was. The drafts'
 * snapshots are not refreshed: call isms_people_refresh_drafts after the last row. */
isms_result isms_person_upsert(isms_ctx *ctx, const json_t *in, int *created);

/* The requesting user's person (ctx->user; body null when not registered): for v1/me. */
isms_result isms_people_me(isms_ctx *ctx, void *unused);

/* Every person, ordered by login_key (export). */
isms_db_status isms_people_all(isms_ctx *ctx, json_t **out, const char **err);

/* ---- isms_people_tm.c ---- */

/* The person registered under login (NULL if none; new reference). */
isms_db_status isms_people_find(isms_ctx *ctx, const char *login, json_t **person,
                                const char **err);
/* 1 when the register is in use (holds anyone): top management then comes from it alone. */
isms_db_status isms_people_in_use(isms_ctx *ctx, int *in_use, const char **err);
/* Top management on date (YYYY-MM-DD): a period with from <= date <= to (to null: open). */
int isms_person_tm_on(const json_t *person, const char *date);

/* The meeting date of a review: held_from, else planned_date. */
const char *isms_meeting_date(const json_t *review);

/* An attendee being written (doc: the merged attendee; set: the columns to write): name,
 * title and function from the register when the author left them out, and the server's
 * is_top_management_snapshot. A 422 when there is no name at all. */
isms_result isms_people_attendee(isms_ctx *ctx, const json_t *review, const json_t *doc,
                                 json_t *set);
/* Recomputes the snapshot of every attendee of one editable review (its meeting date may
 * have moved) or of every editable review (the register changed); the reviews changed get
 * their row version bumped. */
isms_db_status isms_people_refresh(isms_ctx *ctx, const json_t *review, const char **err);
isms_db_status isms_people_refresh_drafts(isms_ctx *ctx, const char **err);

/* For the completeness check: review["approvals"] (the current version's, read when the
 * document has none) each with approver_top_management (null while the register is not in
 * use) and approver_attended. */
isms_db_status isms_people_approvals(isms_ctx *ctx, json_t *review, const char **err);

/* Display names: {login_key: {"display_name", "job_title"}} of everyone registered. */
isms_db_status isms_people_names(isms_ctx *ctx, json_t **map, const char **err);
/* "Display Name, Job Title" for a login (the login itself when unknown, NULL for NULL). */
const char *isms_people_label(apr_pool_t *p, const json_t *map, const char *login);
/* Adds "<field>_display" next to every login field of a review document and its items
 * (chair, author, approved_by, submitted_by, person, delegate_for, owner, communicator,
 * requested_by, risk_owner_approval, approvals' approver) for the reports, and each
 * attendee's "top_management" as the check reads it. */
void isms_people_label_review(apr_pool_t *p, const json_t *map, json_t *review);
/* The same for one object's named fields (registers, dashboards). */
void isms_people_label_fields(apr_pool_t *p, const json_t *map, json_t *obj,
                              const char *const *fields);

#endif
