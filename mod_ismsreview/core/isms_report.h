/* SPDX-License-Identifier: Apache-2.0 */
/* Reports (domain-model.md §D): the review record (minutes), the dashboard, the action
 * register, the clause 9.3 compliance matrix and the iCalendar feed. Each builds its data as
 * JSON once and renders it as HTML (printable, strict CSP, inline SVG, no script), CSV or
 * the JSON itself; every value leaves through the escapers of isms_escape.h. */
#ifndef ISMS_REPORT_H
#define ISMS_REPORT_H

#include "isms_api.h"
#include "isms_buf.h"

typedef enum {
    ISMS_FMT_NONE = 0,
    ISMS_FMT_HTML = 1,
    ISMS_FMT_JSON = 2,
    ISMS_FMT_CSV = 4
} isms_fmt;

/* The format of a report: ?format=html|json|csv wins; else the best of the allowed formats
 * in the Accept header (q-values; a wildcard or no header gives dflt). ISMS_FMT_NONE when
 * ?format names a format the report does not have. */
isms_fmt isms_report_format(apr_pool_t *p, const char *param, const char *accept, int allowed,
                            isms_fmt dflt);

/* The operations (GET, any role). accept is the request's Accept header or NULL. */
isms_result isms_report_review(isms_ctx *ctx, long long id, const isms_query *q,
                               const char *accept);
isms_result isms_report_dashboard(isms_ctx *ctx, const isms_query *q, const char *accept);
isms_result isms_report_actions(isms_ctx *ctx, const isms_query *q, const char *accept);
isms_result isms_report_compliance(isms_ctx *ctx, const isms_query *q, const char *accept);
isms_result isms_calendar_ics(isms_ctx *ctx, const isms_query *q);

/* ---- shared by the report files ---- */

/* The format from the query and Accept, or a 400 result (status set) for a bad ?format. */
isms_result isms_report_pick(isms_ctx *ctx, const isms_query *q, const char *accept,
                             int allowed, isms_fmt dflt, isms_fmt *fmt);

/* A 200 result carrying a document (raw bytes, type, download name, CSP). */
isms_result isms_report_raw(isms_ctx *ctx, const isms_buf *b, const char *type,
                            const char *filename, const char *csp);
isms_result isms_report_csv(isms_ctx *ctx, const isms_buf *b, const char *filename);
isms_result isms_report_json(isms_ctx *ctx, const json_t *doc, const char *filename);

/* "name.ext" made safe; ext without the dot. */
const char *isms_report_filename(apr_pool_t *p, const char *name, isms_fmt fmt);

/* A member by dotted path ("kpi.target"), or NULL. */
const json_t *isms_report_get(const json_t *o, const char *path);
/* A JSON value as text: strings as they are, numbers (reals with up to 15 significant
 * digits), true/false as yes/no, arrays of scalars joined with ", ", null/absent as "". */
const char *isms_report_text(apr_pool_t *p, const json_t *v);
/* The same for a member by dotted path. */
const char *isms_report_field(apr_pool_t *p, const json_t *o, const char *path);

/* YYYY-MM-DD plus n months (the day clamped to the month's length). */
const char *isms_add_months(apr_pool_t *p, const char *date, int months);

/* An action that is still to be done (not COMPLETED, VERIFIED_EFFECTIVE or CANCELLED). */
int isms_report_action_open(const char *status);

/* When the next review is due: {"latest_review": {...}|null, "due_date", "basis",
 * "overdue", "days_overdue"} from the latest review that is not cancelled (its
 * next_review_date, else its held/planned date + planned_interval_months). */
isms_db_status isms_next_review_due(isms_ctx *ctx, json_t **out, const char **err);

/* One pass over the actions of one review (review_id > 0) or of every review not cancelled:
 * the columns ISMS_SCAN_* (owner, status, due date, created, completed, updated). */
enum { ISMS_SCAN_OWNER, ISMS_SCAN_STATUS, ISMS_SCAN_DUE, ISMS_SCAN_CREATED,
       ISMS_SCAN_COMPLETED, ISMS_SCAN_UPDATED };
isms_db_status isms_action_scan(isms_ctx *ctx, long long review_id, isms_rows **rs,
                                const char **err);

/* Open actions over time from created_at and completed_at (or, for an action closed without
 * completed_at, updated_at): [{"date", "open"}], at most max points (sampled evenly up to
 * today); of a scan, or of the actions of one review / all reviews (as isms_action_scan). */
json_t *isms_burn_down_of(isms_ctx *ctx, isms_rows *rs, int max);
isms_db_status isms_burn_down(isms_ctx *ctx, long long review_id, int max, json_t **out,
                              const char **err);
/* The same for every review not cancelled, from the per-day summary that migration 013's
 * triggers keep current (action_day): no pass over the actions. */
isms_db_status isms_burn_down_summary(isms_ctx *ctx, int max, json_t **out, const char **err);

/* The dashboard's action figures into d: actions_by_status, actions_by_owner (total, open,
 * overdue), actions_total, actions_open, actions_overdue and burn_down (180 points). From
 * the summary tables (action_tally, action_day; migration 013), or, with from_scratch, from
 * one pass over every action (what the summary must equal: the tests, ismsreview-admin
 * verify). */
isms_db_status isms_dashboard_actions(isms_ctx *ctx, json_t *d, int from_scratch,
                                      const char **err);
/* *same = whether the summary gives what a computation from scratch gives (today's
 * figures). */
isms_db_status isms_dashboard_summary_check(isms_ctx *ctx, int *same, const char **err);
/* Recomputes the summary from the actions (in the caller's write transaction). */
isms_db_status isms_dashboard_summary_rebuild(isms_ctx *ctx, const char **err);

#endif
