/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/reports/actions: the action register across reviews with its ageing (days since
 * created, days overdue), how many reviews each action has been carried into, and the
 * closure rate; HTML (with the burn-down), CSV or JSON. Rows are rendered straight from the
 * result set, so a register of tens of thousands of actions stays cheap. */
#include "isms_report.h"
#include "isms_escape.h"
#include "isms_html.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_people.h"
#include "isms_svg.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_ID, C_REF, C_TITLE, C_OWNER, C_TYPE, C_PRIORITY, C_STATUS, C_PROGRESS, C_ODUE, C_DUE,
       C_CREATED, C_COMPLETED, C_RID, C_RREF, C_CARRY, C_EFF_DUE, C_EFF_RESULT, C_EFF_BY,
       C_EFF_AT, D_AGE = 100, D_OVERDUE, D_OWNER };

/* The columns of the CSV and the JSON items. */
static const struct {
    const char *key;
    int col;
    int number;
} cols[] = {
    {"ref", C_REF, 0}, {"title", C_TITLE, 0}, {"review_ref", C_RREF, 0}, {"owner", C_OWNER, 0},
    {"owner_display", D_OWNER, 0},
    {"type", C_TYPE, 0}, {"priority", C_PRIORITY, 0}, {"status", C_STATUS, 0},
    {"progress", C_PROGRESS, 1}, {"created_at", C_CREATED, 0},
    {"original_due_date", C_ODUE, 0}, {"due_date", C_DUE, 0}, {"completed_at", C_COMPLETED, 0},
    {"days_since_created", D_AGE, 1}, {"days_overdue", D_OVERDUE, 1},
    {"carry_over_count", C_CARRY, 1}, {"effectiveness_due", C_EFF_DUE, 0},
    {"effectiveness_result", C_EFF_RESULT, 0}, {"effectiveness_verified_by", C_EFF_BY, 0},
    {"effectiveness_verified_at", C_EFF_AT, 0}};
#define NCOLS ((int)(sizeof(cols) / sizeof(cols[0])))

typedef struct {
    isms_rows *rs;
    long *age, *overdue;
    json_t *summary;
    long long review_id;        /* ?review= (0: all) */
    apr_pool_t *p;
    json_t *names;              /* the people register's names (isms_people_names) */
} reg;

static const char *val(const reg *g, int row, int col, char *num, size_t n)
{
    if (col == D_OWNER) return isms_people_label(g->p, g->names, ISMS_ROW(g->rs, row, C_OWNER));
    if (col == D_AGE || col == D_OVERDUE) {
        snprintf(num, n, "%ld", (col == D_AGE ? g->age : g->overdue)[row]);
        return num;
    }
    return ISMS_ROW(g->rs, row, col);
}

static isms_result bad(isms_ctx *ctx, const char *msg)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter", msg);
}

static isms_result filters(isms_ctx *ctx, const isms_query *qs, isms_sql *q, reg *g)
{
    isms_result ok = {0};
    const char *status = apr_table_get(qs, "status"), *owner = apr_table_get(qs, "owner");
    const char *overdue = apr_table_get(qs, "overdue"), *review = apr_table_get(qs, "review");
    long long rid = 0;
    char *end = NULL;
    const isms_field *sf = isms_entity_field(&isms_entity_action, "status");

    if (status && !isms_enum_valid(sf->enums, status)) {
        return bad(ctx, "status must be an action status (OPEN, IN_PROGRESS ...)");
    }
    if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false")) {
        return bad(ctx, "overdue must be true or false");
    }
    if (review && (!*review || (rid = strtoll(review, &end, 10)) < 1 || *end)) {
        return bad(ctx, "review must be a review id");
    }
    if (owner && isms_text_check(owner, strlen(owner))) return bad(ctx, "owner is not text");
    if (status) isms_sql_appendf(q, " AND a.status = %s", status);
    if (owner) isms_sql_appendf(q, " AND a.owner = %s", owner);
    if (rid) isms_sql_appendf(q, " AND a.review_id = %d", rid);
    g->review_id = rid;
    if (overdue) {
        isms_sql_appendf(q, !strcmp(overdue, "true") ? " AND " : " AND NOT ");
        isms_sql_appendf(q, "(a.due_date < %s AND a.status NOT IN ('COMPLETED', "
                            "'VERIFIED_EFFECTIVE', 'CANCELLED'))", ctx->today);
    }
    return ok;
}

static void derive(isms_ctx *ctx, reg *g)
{
    long open = 0, late = 0, done = 0, cancelled = 0, age_sum = 0;
    int i;

    g->age = apr_pcalloc(ctx->pool, sizeof(long) * (size_t)(g->rs->nrows + 1));
    g->overdue = apr_pcalloc(ctx->pool, sizeof(long) * (size_t)(g->rs->nrows + 1));
    for (i = 0; i < g->rs->nrows; i++) {
        const char *st = ISMS_ROW(g->rs, i, C_STATUS), *due = ISMS_ROW(g->rs, i, C_DUE);
        long d = isms_days_between(due, ctx->today);
        g->age[i] = isms_days_between(ISMS_ROW(g->rs, i, C_CREATED), ctx->today);
        if (isms_report_action_open(st)) {
            open++;
            age_sum += g->age[i];
            g->overdue[i] = d > 0 ? d : 0;
            late += d > 0;
        }
        else if (!strcmp(st, "CANCELLED")) cancelled++;
        else done++;
    }
    g->summary = json_pack("{s:i,s:i,s:i,s:i,s:i}", "total", g->rs->nrows, "open", (int)open,
                           "overdue", (int)late, "closed", (int)done, "cancelled",
                           (int)cancelled);
    json_object_set_new(g->summary, "closure_rate_pct", done + open ? json_real(
        (double)(100 * done) / (double)(done + open)) : json_null());
    json_object_set_new(g->summary, "average_age_open_days", open ? json_real(
        (double)age_sum / (double)open) : json_null());
}

static isms_result load(isms_ctx *ctx, const isms_query *qs, reg *g)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const char *err = NULL;
    isms_db_status st;
    isms_result r;

    isms_sql_appendf(q, "SELECT a.id, a.ref, a.title, a.owner, a.type, a.priority, a.status, "
                        "a.progress, a.original_due_date, a.due_date, a.created_at, "
                        "a.completed_at, a.review_id, r.ref AS review_ref, COALESCE(s.n, 0) "
                        "AS carry_over_count, a.effectiveness_check_due, "
                        "a.effectiveness_check_result, a.effectiveness_check_verified_by, "
                        "a.effectiveness_check_at FROM action a JOIN review r ON r.id = "
                        "a.review_id "
                        "LEFT JOIN (SELECT action_id, COUNT(*) AS n FROM action_snapshot GROUP "
                        "BY action_id) s ON s.action_id = a.id WHERE r.status <> 'CANCELLED'");
    if ((r = filters(ctx, qs, q, g)).status) return r;
    isms_sql_appendf(q, " ORDER BY a.id");
    if ((st = isms_query_sql(ctx, q, &g->rs, &err)) != ISMS_DB_OK ||
        (st = isms_people_names(ctx, &g->names, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    g->p = ctx->pool;
    derive(ctx, g);
    isms_json_pool(ctx->pool, g->summary);
    return r;
}

/* ---- renderings ---- */

/* JSON written directly (jansson would build an object per row first). */
static void row_json(isms_buf *b, const reg *g, int i)
{
    char num[32];
    int c;

    isms_buf_printf(b, "{\"id\":%lld,\"review_id\":%lld", isms_ll(ISMS_ROW(g->rs, i, C_ID)),
                    isms_ll(ISMS_ROW(g->rs, i, C_RID)));
    for (c = 0; c < NCOLS; c++) {
        const char *v = val(g, i, cols[c].col, num, sizeof(num));
        isms_buf_putc(b, ',');
        isms_esc_json(b, cols[c].key);
        isms_buf_putc(b, ':');
        if (v && cols[c].number) isms_buf_printf(b, "%lld", isms_ll(v));
        else isms_esc_json(b, v);
    }
    isms_buf_putc(b, '}');
}

static isms_result as_json(isms_ctx *ctx, const reg *g, const char *name)
{
    isms_buf *b = isms_buf_new(ctx->pool, 512 + (size_t)g->rs->nrows * 450);
    int i;

    isms_buf_puts(b, "{\"report\":\"action-register\",\"generated_at\":");
    isms_esc_json(b, ctx->now);
    isms_buf_puts(b, ",\"today\":");
    isms_esc_json(b, ctx->today);
    isms_buf_puts(b, ",\"summary\":");
    isms_buf_puts(b, isms_json_dump(ctx->pool, g->summary, NULL));
    isms_buf_puts(b, ",\"items\":[");
    for (i = 0; i < g->rs->nrows; i++) {
        if (i) isms_buf_putc(b, ',');
        row_json(b, g, i);
    }
    isms_buf_puts(b, "]}");
    return isms_report_raw(ctx, b, "application/json; charset=utf-8",
                           isms_report_filename(ctx->pool, name, ISMS_FMT_JSON), NULL);
}

static void csv(isms_buf *b, const reg *g)
{
    char num[32];
    int i, c;

    for (c = 0; c < NCOLS; c++) {
        isms_buf_puts(b, c ? "," : "");
        isms_buf_puts(b, cols[c].key);
    }
    isms_csv_eol(b);
    for (i = 0; i < g->rs->nrows; i++) {
        for (c = 0; c < NCOLS; c++) {
            const char *v = val(g, i, cols[c].col, num, sizeof(num));
            if (c) isms_buf_putc(b, ',');
            if (cols[c].number) isms_buf_puts(b, v);
            else isms_esc_csv(b, v);
        }
        isms_csv_eol(b);
    }
}

/* The HTML table: the columns of the CSV, with the secondary ones below the main ones. */
static const char *const html_heads[] = {"Ref", "Action", "Review", "Owner", "Type",
                                         "Priority", "Status", "Created", "Due",
                                         "Days overdue", "Reviews carried into", NULL};

/* The date of a timestamp, into buf (at least 11 bytes). */
static const char *day(char *buf, const char *ts)
{
    snprintf(buf, 11, "%s", ts ? ts : "");
    return buf;
}

static void td(isms_buf *b, const reg *g, int i, int col, isms_colfmt fmt)
{
    const char *v = ISMS_ROW(g->rs, i, col);

    isms_html_td(b, v ? v : "", fmt);
}

/* The effectiveness check below the status: its result and who verified it when, else
 * when it is due. */
static void effectiveness_sub(isms_buf *b, const reg *g, int i)
{
    const char *result = ISMS_ROW(g->rs, i, C_EFF_RESULT), *due = ISMS_ROW(g->rs, i, C_EFF_DUE);
    char at[16];

    if (result) {
        isms_html_sub(b, "effectiveness: ", result);
        isms_html_sub(b, "verified by ", apr_pstrcat(g->p, isms_people_label(g->p, g->names,
            ISMS_ROW(g->rs, i, C_EFF_BY)), " on ", day(at, ISMS_ROW(g->rs, i, C_EFF_AT)),
            NULL));
    }
    else if (due) {
        isms_html_sub(b, "effectiveness check due ", due);
    }
}

static void html_row(isms_buf *b, const reg *g, int i)
{
    const char *due = ISMS_ROW(g->rs, i, C_DUE), *first = ISMS_ROW(g->rs, i, C_ODUE);
    const char *done = ISMS_ROW(g->rs, i, C_COMPLETED);
    char num[48];

    isms_buf_puts(b, g->overdue[i] > 0 ? "<tr class=\"fail\">" : "<tr>");
    td(b, g, i, C_REF, ISMS_COL_REF);
    td(b, g, i, C_TITLE, ISMS_COL_TEXT);
    td(b, g, i, C_RREF, ISMS_COL_REF);
    isms_html_td(b, isms_people_label(g->p, g->names, ISMS_ROW(g->rs, i, C_OWNER)),
                 ISMS_COL_TEXT);
    td(b, g, i, C_TYPE, ISMS_COL_ENUM);
    td(b, g, i, C_PRIORITY, ISMS_COL_ENUM);
    isms_html_cell(b, ISMS_ROW(g->rs, i, C_STATUS), ISMS_COL_ENUM);
    isms_html_sub(b, "progress ", ISMS_ROW(g->rs, i, C_PROGRESS) ? ISMS_ROW(g->rs, i,
                                                                              C_PROGRESS) : "0");
    if (done) isms_html_sub(b, "completed ", day(num, done));
    effectiveness_sub(b, g, i);
    isms_html_cell_end(b);
    isms_html_cell(b, day(num, ISMS_ROW(g->rs, i, C_CREATED)), ISMS_COL_DATE);
    snprintf(num, sizeof(num), "%ld days ago", g->age[i]);
    isms_html_sub(b, "", num);
    isms_html_cell_end(b);
    isms_html_cell(b, due, ISMS_COL_DATE);
    if (first && strcmp(first, due) != 0) isms_html_sub(b, "first ", first);
    isms_html_cell_end(b);
    snprintf(num, sizeof(num), "%ld", g->overdue[i]);
    isms_html_td(b, num, ISMS_COL_TEXT);
    td(b, g, i, C_CARRY, ISMS_COL_TEXT);
    isms_buf_puts(b, "</tr>\n");
}

static void html_rows(isms_buf *b, const reg *g)
{
    int i;

    isms_buf_puts(b, "<div>\n<table>\n<thead><tr>");
    for (i = 0; html_heads[i]; i++) {
        isms_buf_puts(b, "<th scope=\"col\">");
        isms_esc_html(b, html_heads[i]);
        isms_buf_puts(b, "</th>");
    }
    isms_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (i = 0; i < g->rs->nrows; i++) html_row(b, g, i);
    isms_buf_puts(b, "</tbody>\n</table>\n</div>\n");
}

static void html(isms_ctx *ctx, isms_buf *b, const reg *g, const json_t *burn)
{
    apr_pool_t *p = ctx->pool;
    const json_t *s = g->summary;

    isms_html_begin_as(b, "Action register", 1);
    isms_html_el(b, "p", "muted", apr_pstrcat(p, "As of ", ctx->now, ".", NULL));
    isms_buf_puts(b, "<table class=\"kv\">\n");
    isms_html_kv(b, "Actions", isms_report_field(p, s, "total"));
    isms_html_kv(b, "Open", isms_report_field(p, s, "open"));
    isms_html_kv(b, "Overdue", isms_report_field(p, s, "overdue"));
    isms_html_kv(b, "Closed (completed or verified)", isms_report_field(p, s, "closed"));
    isms_html_kv(b, "Cancelled", isms_report_field(p, s, "cancelled"));
    isms_html_kv(b, "Closure rate %", apr_psprintf(p, "%.1f", json_number_value(
                 json_object_get(s, "closure_rate_pct"))));
    isms_html_kv(b, "Average age of open actions (days)", apr_psprintf(p, "%.1f",
                 json_number_value(json_object_get(s, "average_age_open_days"))));
    isms_buf_puts(b, "</table>\n");
    isms_svg_burn_down(b, p, burn, "Open actions over time");
    if (g->rs->nrows) html_rows(b, g);
    else isms_html_el(b, "p", "muted", "No actions.");
    isms_html_end(b);
}

isms_result isms_report_actions(isms_ctx *ctx, const isms_query *q, const char *accept)
{
    const char *name = apr_pstrcat(ctx->pool, "action-register-", ctx->today, NULL);
    const char *err = NULL;
    json_t *burn;
    isms_buf *b;
    isms_fmt fmt;
    reg g = {0};
    isms_db_status st;
    isms_result r = isms_report_pick(ctx, q, accept, ISMS_FMT_HTML | ISMS_FMT_JSON |
                                     ISMS_FMT_CSV, ISMS_FMT_HTML, &fmt);

    if (r.status || (r = load(ctx, q, &g)).status) return r;
    if (fmt == ISMS_FMT_JSON) return as_json(ctx, &g, name);
    b = isms_buf_new(ctx->pool, 256 + (size_t)g.rs->nrows * (fmt == ISMS_FMT_CSV ? 200 : 500));
    if (fmt == ISMS_FMT_CSV) {
        csv(b, &g);
        return isms_report_csv(ctx, b, isms_report_filename(ctx->pool, name, fmt));
    }
    if ((st = isms_burn_down(ctx, g.review_id, 180, &burn, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    html(ctx, b, &g, isms_json_pool(ctx->pool, burn));
    return isms_html_result(ctx, b, isms_report_filename(ctx->pool, name, fmt));
}
