/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/reports/dashboard: what top management looks at between reviews. Overdue actions,
 * actions by status and by owner, live objectives with RAG and trend, when the next review
 * is due (with an overdue alert), reviews awaiting approval, reviews by status; the burn-down
 * of open actions. JSON by default, HTML with ?format=html. */
#include "isms_report.h"
#include "isms_cache.h"
#include "isms_escape.h"
#include "isms_html.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_people.h"
#include "isms_svg.h"

#include <apr_strings.h>
#include <string.h>

#define CLOSED "('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')"
#define LIVE_REVIEW "r.status <> 'CANCELLED'"
#define OVERDUE_LIST_MAX 100
#define KPI_CHARTS_MAX 24

static isms_db_status counts(isms_ctx *ctx, isms_sql *q, json_t **out, const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_query_sql(ctx, q, &rs, err);
    int i;

    if (st != ISMS_DB_OK) return st;
    *out = json_object();
    for (i = 0; i < rs->nrows; i++) {
        json_object_set_new(*out, ISMS_ROW(rs, i, 0) ? ISMS_ROW(rs, i, 0) : "",
                            json_integer(isms_ll(ISMS_ROW(rs, i, 1))));
    }
    return ISMS_DB_OK;
}

static isms_db_status review_counts(isms_ctx *ctx, json_t *d, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *list;
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT status, COUNT(*) AS n FROM review GROUP BY status");
    if ((st = counts(ctx, q, &list, err)) != ISMS_DB_OK) return st;
    json_object_set_new(d, "reviews_by_status", list);
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT r.id, r.ref, r.title, r.version, r.submitted_at, "
                        "r.submitted_by, (SELECT COUNT(*) FROM approval p WHERE p.review_id = "
                        "r.id AND p.version = r.version) AS approvals_count FROM review r "
                        "WHERE r.status = 'SUBMITTED' ORDER BY r.submitted_at, r.id");
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    json_object_set_new(d, "awaiting_approval", list = json_array());
    for (i = 0; i < rs->nrows; i++) {
        json_array_append_new(list, json_pack("{s:I,s:s?,s:s?,s:I,s:s?,s:s?,s:I}", "id",
            (json_int_t)isms_ll(ISMS_ROW(rs, i, 0)), "ref", ISMS_ROW(rs, i, 1), "title",
            ISMS_ROW(rs, i, 2), "version", (json_int_t)isms_ll(ISMS_ROW(rs, i, 3)),
            "submitted_at", ISMS_ROW(rs, i, 4), "submitted_by", ISMS_ROW(rs, i, 5),
            "approvals_count", (json_int_t)isms_ll(ISMS_ROW(rs, i, 6))));
    }
    return ISMS_DB_OK;
}

/* Published reviews whose results are not yet communicated: a communication still PLANNED
 * (publishing does not distribute the results; a recorded sending does). */
static isms_db_status not_communicated(isms_ctx *ctx, json_t *d, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *list, *row;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, "SELECT r.id, r.ref, r.title, r.version, COUNT(*) AS planned_count, "
                        "MIN(c.\"when\") AS first_planned FROM review r JOIN communication c "
                        "ON c.review_id = r.id WHERE r.status = 'PUBLISHED' AND c.status = "
                        "'PLANNED' GROUP BY r.id, r.ref, r.title, r.version ORDER BY "
                        "first_planned, r.id");
    if ((st = isms_rows_json(ctx, q, &list, err)) != ISMS_DB_OK) return st;
    json_array_foreach(list, i, row) {
        const json_t *n = json_object_get(row, "planned_count");
        json_object_set_new(row, "planned_count", json_integer(json_is_string(n) ?
            isms_ll(json_string_value(n)) : json_integer_value(n)));
    }
    json_object_set_new(d, "published_not_communicated", list);
    return ISMS_DB_OK;
}

static isms_db_status overdue_actions(isms_ctx *ctx, json_t *d, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *list, *a;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, "SELECT a.id, a.ref, a.title, a.owner, a.priority, a.status, "
                        "a.progress, a.due_date, a.review_id FROM action a JOIN review r ON "
                        "r.id = a.review_id WHERE " LIVE_REVIEW " AND a.status NOT IN " CLOSED
                        " AND a.due_date < %s ORDER BY a.due_date, a.id LIMIT %d", ctx->today,
                     (long long)OVERDUE_LIST_MAX);
    if ((st = isms_rows_json(ctx, q, &list, err)) != ISMS_DB_OK) return st;
    json_array_foreach(list, i, a) {
        json_object_set_new(a, "days_overdue", json_integer(isms_days_between(
            json_string_value(json_object_get(a, "due_date")), ctx->today)));
    }
    json_object_set_new(d, "overdue_actions", list);
    return ISMS_DB_OK;
}

/* The measurements of the live objectives, grouped onto them; then RAG and trend. By the
 * objectives' ids, not by their query again: PostgreSQL estimated that subquery at one row
 * and joined it in a loop with every measurement (380 ms for 150 objectives and 12,000
 * measurements); a list of ids is an index probe each. */
static isms_db_status attach_measurements(isms_ctx *ctx, json_t *objs, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *all, *o, *m;
    isms_db_status st;
    size_t i, k = 0;

    if (!json_array_size(objs)) return ISMS_DB_OK;
    isms_sql_appendf(q, "SELECT m.objective_id, m.period_frm, m.period_to, m.value, "
                        "m.target_at_time, m.rag FROM kpi_measurement m WHERE m.objective_id "
                        "IN (");
    json_array_foreach(objs, i, o) {
        isms_sql_appendf(q, i ? ", %d" : "%d", (long long)json_integer_value(
                         json_object_get(o, "objective_id")));
    }
    isms_sql_appendf(q, ") ORDER BY m.objective_id, m.period_to, m.id");
    if ((st = isms_rows_json(ctx, q, &all, err)) != ISMS_DB_OK) return st;
    json_array_foreach(objs, i, o) {
        json_int_t id = json_integer_value(json_object_get(o, "objective_id"));
        json_t *list = json_array();
        for (; k < json_array_size(all) && json_integer_value(json_object_get(
                   m = json_array_get(all, k), "objective_id")) == id; k++) {
            json_array_append(list, m);
        }
        isms_kpi_status(o, list);
        json_object_set_new(o, "measurements", list);
    }
    json_decref(all);
    return ISMS_DB_OK;
}

static isms_db_status objectives(isms_ctx *ctx, json_t *d, const char **err)
{
    const isms_entity *e = &isms_entity_objective;
    isms_sql *q = isms_rec_select_sql(ctx, e);
    json_t *rows, *objs = json_array(), *rag = json_object();
    isms_db_status st;
    size_t i;

    /* the register: each live objective once, as its current revision */
    isms_sql_appendf(q, " WHERE status IN ('PROPOSED', 'ACTIVE') AND ");
    isms_objective_current_sql(q, 0);
    isms_sql_appendf(q, " ORDER BY objective_id");
    if ((st = isms_rec_fetch(ctx, e, q, &rows, err)) == ISMS_DB_OK) {
        for (i = 0; i < json_array_size(rows); i++) {
            json_array_append_new(objs, isms_present(ctx, e, json_array_get(rows, i)));
        }
        json_decref(rows);
        st = attach_measurements(ctx, objs, err);
    }
    for (i = 0; st == ISMS_DB_OK && i < json_array_size(objs); i++) {
        const char *r = json_string_value(json_object_get(json_array_get(objs, i), "rag"));
        r = r ? r : "NONE";
        json_object_set_new(rag, r, json_integer(json_integer_value(json_object_get(rag, r))
                                                 + 1));
    }
    json_object_set_new(d, "objectives", objs);
    json_object_set_new(d, "objectives_by_rag", rag);
    return st;
}

/* "<login>_display" (name and title from the people register) beside the logins of the
 * lists. The JSON is cached by the audit head, which every register write moves. */
static isms_db_status label_people(isms_ctx *ctx, json_t *d, const char **err)
{
    static const char *const lists[] = {"awaiting_approval", "actions_by_owner",
                                        "overdue_actions", "objectives", NULL};
    static const char *const fields[] = {"owner", "submitted_by", NULL};
    json_t *names, *item;
    isms_db_status st = isms_people_names(ctx, &names, err);
    size_t i;
    int k;

    for (k = 0; st == ISMS_DB_OK && lists[k]; k++) {
        json_array_foreach(json_object_get(d, lists[k]), i, item) {
            isms_people_label_fields(ctx->pool, names, item, fields);
        }
    }
    return st;
}

static isms_result dashboard_data(isms_ctx *ctx, json_t **out)
{
    isms_result ok = {0};
    json_t *d = isms_json_pool(ctx->pool, json_object()), *next;
    const char *err = NULL;
    isms_db_status st = isms_next_review_due(ctx, &next, &err);

    if (st == ISMS_DB_OK) {
        json_object_set_new(d, "next_review", next);
        st = review_counts(ctx, d, &err);
    }
    if (st == ISMS_DB_OK) st = not_communicated(ctx, d, &err);
    if (st == ISMS_DB_OK) st = isms_dashboard_actions(ctx, d, 0, &err);
    if (st == ISMS_DB_OK) st = overdue_actions(ctx, d, &err);
    if (st == ISMS_DB_OK) st = objectives(ctx, d, &err);
    if (st == ISMS_DB_OK) st = label_people(ctx, d, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    json_object_set_new(d, "report", json_string("dashboard"));
    json_object_set_new(d, "generated_at", json_string(ctx->now));
    json_object_set_new(d, "today", json_string(ctx->today));
    *out = d;
    return ok;
}

/* ---- HTML ---- */

#define T(h, k) {h, k, ISMS_COL_TEXT, NULL, NULL}
#define E(h, k) {h, k, ISMS_COL_ENUM, NULL, NULL}
#define D(h, k) {h, k, ISMS_COL_DATE, NULL, NULL}
#define R(h, k) {h, k, ISMS_COL_REF, NULL, NULL}
#define END {NULL, NULL, ISMS_COL_TEXT, NULL, NULL}

static const isms_col overdue_cols[] = {
    R("Ref", "ref"), T("Action", "title"), T("Owner", "owner_display"), E("Priority", "priority"),
    E("Status", "status"), T("Progress %", "progress"), D("Due", "due_date"),
    T("Days overdue", "days_overdue"), END};
static const isms_col owner_cols[] = {
    T("Owner", "owner_display"), T("Actions", "total_count"), T("Open", "open_count"),
    T("Overdue", "overdue_count"), END};
static const isms_col objective_cols[] = {
    R("Ref", "ref"), T("Objective", "statement"), T("Owner", "owner_display"),
    E("Status", "status"), T("Revision", "revision_no"), T("KPI", "kpi.name"),
    T("Target", "kpi.target"),
    T("Unit", "kpi.unit"), T("Latest", "latest_measurement.value"),
    {"RAG", "rag", ISMS_COL_CLASS, NULL, NULL}, E("Trend", "trend"), END};
static const isms_col comm_cols[] = {
    R("Ref", "ref"), T("Title", "title"), T("Version", "version"),
    T("Communications planned", "planned_count"), D("First planned for", "first_planned"),
    END};
static const isms_col awaiting_cols[] = {
    R("Ref", "ref"), T("Title", "title"), T("Version", "version"),
    D("Submitted", "submitted_at"), T("By", "submitted_by_display"),
    T("Approvals so far", "approvals_count"), END};

/* {"A": 1, "B": 2} as a two-column table. */
static void count_table(isms_buf *b, apr_pool_t *p, const json_t *obj, const char *head)
{
    const char *key;
    json_t *v, *rows = json_array();
    isms_col cols[] = {E(head, "k"), T("Count", "n"), END};

    json_object_foreach((json_t *)obj, key, v) {
        json_array_append_new(rows, json_pack("{s:s,s:O}", "k", key, "n", v));
    }
    isms_html_table(b, p, cols, rows, "None.");
    json_decref(rows);
}

static void next_review_html(isms_buf *b, apr_pool_t *p, const json_t *d)
{
    const json_t *n = json_object_get(d, "next_review");
    const char *due = isms_report_field(p, n, "due_date");

    isms_html_section(b, "next-review", "Next management review");
    if (!*due) isms_html_el(b, "p", "muted", "No review recorded yet.");
    else if (json_is_true(json_object_get(n, "overdue"))) {
        isms_html_el(b, "p", "alert", apr_pstrcat(p, "Overdue: the next management review was "
                     "due on ", due, " (", isms_report_field(p, n, "days_overdue"),
                     " days ago), after ", isms_report_field(p, n, "latest_review.ref"), ".",
                     NULL));
    }
    else {
        isms_html_el(b, "p", "ok", apr_pstrcat(p, "Next management review due on ", due,
                     " (after ", isms_report_field(p, n, "latest_review.ref"), ", ",
                     isms_report_field(p, n, "basis"), ").", NULL));
    }
    isms_html_section_end(b);
}

static void kpi_charts(isms_buf *b, apr_pool_t *p, const json_t *objs)
{
    const json_t *o;
    size_t i;
    int n = 0;

    json_array_foreach(objs, i, o) {
        if (n >= KPI_CHARTS_MAX) break;
        if (!json_array_size(json_object_get(o, "measurements"))) continue;
        isms_html_el(b, "h3", NULL, apr_pstrcat(p, isms_report_field(p, o, "ref"), " ",
                                                isms_report_field(p, o, "statement"), NULL));
        isms_svg_kpi(b, p, o);
        n++;
    }
}

static void dashboard_html(isms_buf *b, apr_pool_t *p, const json_t *d)
{
    isms_html_begin(b, "ISMS management review dashboard");
    isms_html_el(b, "p", "muted", apr_pstrcat(p, "As of ", isms_report_field(p, d,
                 "generated_at"), ".", NULL));
    next_review_html(b, p, d);
    isms_html_section(b, "awaiting-approval", "Reviews awaiting approval");
    isms_html_table(b, p, awaiting_cols, json_object_get(d, "awaiting_approval"), "None.");
    count_table(b, p, json_object_get(d, "reviews_by_status"), "Review status");
    isms_html_section_end(b);
    isms_html_section(b, "not-communicated", "Published, results not yet communicated");
    isms_html_table(b, p, comm_cols, json_object_get(d, "published_not_communicated"),
                    "None: every published review's communications went out.");
    isms_html_section_end(b);
    isms_html_section(b, "actions", "Actions");
    isms_html_el(b, "p", NULL, apr_pstrcat(p, isms_report_field(p, d, "actions_total"),
                 " actions, ", isms_report_field(p, d, "actions_open"), " open, ",
                 isms_report_field(p, d, "actions_overdue"), " overdue.", NULL));
    isms_svg_burn_down(b, p, json_object_get(d, "burn_down"), "Open actions over time");
    count_table(b, p, json_object_get(d, "actions_by_status"), "Action status");
    isms_html_el(b, "h3", NULL, "By owner");
    isms_html_table(b, p, owner_cols, json_object_get(d, "actions_by_owner"), "None.");
    isms_html_el(b, "h3", NULL, "Overdue actions (most overdue first)");
    isms_html_table(b, p, overdue_cols, json_object_get(d, "overdue_actions"), "None.");
    isms_html_section_end(b);
    isms_html_section(b, "objectives", "Objectives");
    count_table(b, p, json_object_get(d, "objectives_by_rag"), "RAG");
    isms_html_table(b, p, objective_cols, json_object_get(d, "objectives"),
                    "No active or proposed objectives.");
    kpi_charts(b, p, json_object_get(d, "objectives"));
    isms_html_section_end(b);
    isms_html_end(b);
}

/* The JSON dashboard aggregates every action, objective and review (~60 ms of CPU for 1,000
 * reviews and 50,000 actions), yet changes only with a write or with the day. Every write
 * through the API appends to the audit chain in its own transaction, moving the chain head
 * (audit_head.seq): (head, today, interval) read in this read transaction validates a rendering kept in
 * the store's cache (isms_cache.h), which is then sent with the generated_at of when it was
 * computed. Data changed below the API (SQL by hand, a restore) is seen on the next write or
 * the next day. NULL if the head cannot be read (then nothing is cached). */
static const char *dashboard_validator(isms_ctx *ctx)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    const char *err = NULL;

    isms_sql_appendf(q, "SELECT seq FROM audit_head WHERE id = 1");
    if (isms_query_sql(ctx, q, &rs, &err) != ISMS_DB_OK || rs->nrows != 1) return NULL;
    /* the next review's due date follows ISMSReviewInterval, which may differ by location */
    return apr_psprintf(ctx->pool, "%s|%s|%d", ISMS_ROW(rs, 0, 0), ctx->today,
                        ctx->interval_months);
}

static isms_result dashboard_json(isms_ctx *ctx)
{
    isms_cache *cache = isms_conn_cache(ctx->conn);
    const char *v = dashboard_validator(ctx), *etag = NULL, *body;
    size_t len;
    int claimed = 0;
    json_t *d = NULL;
    isms_result r = {0};

    if (v && isms_cache_get_or_claim(cache, ctx->pool, "dashboard:json", v, &etag, &body, &len,
                                     &claimed)) {
        r.status = 200;
    }
    else if ((r = dashboard_data(ctx, &d)).status == 0 &&
             (body = isms_json_dump(ctx->pool, d, &len)) != NULL) {
        r.status = 200;
        if (v) isms_cache_put(cache, "dashboard:json", v, NULL, body, len);
        claimed = 0;
    }
    else if (r.status == 0) {
        r = isms_res_db(ctx->pool, ISMS_DB_ERROR, "cannot serialize the dashboard");
    }
    if (claimed) isms_cache_abandon(cache, "dashboard:json", v);
    if (r.status == 200) {
        r.raw = body;
        r.raw_len = len;
        r.content_type = "application/json; charset=utf-8";
    }
    return r;
}

isms_result isms_report_dashboard(isms_ctx *ctx, const isms_query *q, const char *accept)
{
    const char *name = apr_pstrcat(ctx->pool, "dashboard-", ctx->today, NULL);
    json_t *d = NULL;
    isms_buf *b;
    isms_fmt fmt;
    isms_result r = isms_report_pick(ctx, q, accept, ISMS_FMT_HTML | ISMS_FMT_JSON,
                                     ISMS_FMT_JSON, &fmt);

    if (r.status) return r;
    if (fmt == ISMS_FMT_JSON) return dashboard_json(ctx);
    if ((r = dashboard_data(ctx, &d)).status) return r;
    b = isms_buf_new(ctx->pool, 65536);
    dashboard_html(b, ctx->pool, d);
    return isms_html_result(ctx, b, isms_report_filename(ctx->pool, name, fmt));
}
