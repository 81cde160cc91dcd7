/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/reports/compliance: the clause 9.3 compliance matrix for auditors. Rows are the
 * reviews of the audit period (?year=YYYY or ?from=&to= on the date held, else planned;
 * cancelled reviews left out); columns are the rules of the completeness check
 * (isms_rules.c); each cell is pass, fail or waived, with the severity (E/W) of its
 * findings. JSON, HTML or CSV. */
#include "isms_report.h"
#include "isms_escape.h"
#include "isms_html.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_rules.h"
#include "isms_validate.h"

#include <apr_strings.h>
#include <string.h>

/* The rules isms_rules.c checks (domain-model.md §C), in order; the severity is the usual
 * one (a cell shows the severity its findings had). */
static const struct {
    const char *id, *clause, *sev, *what;
} rules[] = {
    {"MR-01", "9.3.1 / 5.1", "E", "Top management took part; the chair is top management"},
    {"MR-02", "9.3.1", "E", "Held within the review programme's interval and tolerance"},
    {"MR-03", "9.3.1", "E", "At most 12 months after the previous review"},
    {"MR-04", "9.3.2 a", "E", "Input a: status of actions from previous reviews"},
    {"MR-05", "9.3.2 a", "E", "Every action open at the previous review has a snapshot"},
    {"MR-06", "9.3.2 a", "W", "Overdue prior actions re-planned (ACTION_REPLAN), closed or "
     "cancelled"},
    {"MR-07", "9.3.2 a", "W", "No action carried over three times without progress"},
    {"MR-08", "9.3.2 b", "E", "Input b: changes in external and internal issues"},
    {"MR-09", "4.1 (Amd 1) / 9.3.2 b", "W", "Climate change relevance assessed"},
    {"MR-10", "9.3.2 c", "E", "Input c: needs and expectations of interested parties"},
    {"MR-11", "9.3.2 d1-d4", "E", "Inputs d1-d4: information security performance"},
    {"MR-12", "9.3.2 d", "E", "Performance inputs d1-d4 show trends (W while the derived d4 "
     "has no data for one)"},
    {"MR-13", "9.3.2 d4 / 6.2 d", "W", "Active objectives measured in the period"},
    {"MR-14", "9.3.2 e", "E", "Input e: feedback from interested parties"},
    {"MR-15", "9.3.2 f", "E/W", "Input f: risk assessment and risk treatment plan (E); its "
     "assessment date and plan completion recorded (W)"},
    {"MR-16", "9.3.2 g", "E", "Input g: opportunities for continual improvement"},
    {"MR-17", "9.3.2", "W", "Not-applicable inputs justified"},
    {"MR-18", "9.3.2 / 7.5", "W", "Presented inputs have evidence"},
    {"MR-19", "9.3.2", "W", "The period covered continues from the previous review's"},
    {"MR-20", "9.3.3", "E", "Decision on continual improvement"},
    {"MR-21", "9.3.3", "E", "Decision on changes to the ISMS"},
    {"MR-22", "9.3.3", "W", "Decisions traced to inputs"},
    {"MR-23", "9.3.3 / 10.1", "W", "Approved decisions have actions"},
    {"MR-24", "9.3.3", "E/W", "Actions have an owner and a due date (E), a description and "
     "an expected outcome (W)"},
    {"MR-25", "9.3.3", "W", "Actions due after the review"},
    {"MR-26", "6.3", "W", "ISMS changes planned (purpose, consequences, owner, date)"},
    {"MR-27", "6.3 / 7.5", "W", "Policy and document changes name the documents"},
    {"MR-28", "6.2", "E/W", "Objectives planned: measure, owner, target date, evaluation (E); "
     "policy and resources references (W)"},
    {"MR-29", "6.2 f", "W", "Objectives not achieved, and objective revisions, have a "
     "decision (E with 14001/45001)"},
    {"MR-30", "7.1", "W", "Resource requirements decided, approved ones by someone with budget "
     "authority (E with 9001)"},
    {"MR-31", "9.3.1", "W", "Suitability, adequacy and effectiveness concluded (E with 14001)"},
    {"MR-32", "7.4", "W", "Communication of the results planned (E with 22301/45001)"},
    {"MR-33", "7.4", "W", "Communications say what, when, to whom and how"},
    {"MR-34", "9.3.3 / 7.5.2", "E", "Identification, approval and date of the record"},
    {"MR-35", "7.5.3", "W", "Classification and retention set"},
    {"MR-36", "7.5.2", "W", "Approved by someone other than the author"},
    {"MR-37", "7.5.3", "W", "Approved within 30 days of the meeting"},
    {"MR-38", "6.1.3 f", "W", "Risk decisions approved by the risk owner"},
    {"MR-39", "10.2", "W", "Corrective actions name the nonconformity they correct"},
    {"MR-40", "ISO 27000 / 9.3", "W", "The review's scope is the programme's current scope "
     "version"},
    {"MR-41", "9.3 (IMS)", "E", "Each standard in scope: its mandatory catalogue inputs and "
     "outputs covered"},
    {"MR-P1", "9.3.2 (sequenced)", "E", "Sequenced sessions: the sessions of a cycle cover "
     "every mandatory catalogue requirement"},
};
#define NRULES ((int)(sizeof(rules) / sizeof(rules[0])))

static isms_result bad(isms_ctx *ctx, const char *msg)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter", msg);
}

/* The period filter; *label names it in the file name. */
static isms_result period(isms_ctx *ctx, const isms_query *qs, isms_sql *q, json_t *filter,
                          const char **label)
{
    isms_result ok = {0};
    const char *year = apr_table_get(qs, "year"), *from = apr_table_get(qs, "from");
    const char *to = apr_table_get(qs, "to");

    if (year && (strlen(year) != 4 || !isms_date_valid(apr_pstrcat(ctx->pool, year, "-01-01",
                                                                    NULL)))) {
        return bad(ctx, "year must be four digits");
    }
    if ((from && !isms_date_valid(from)) || (to && !isms_date_valid(to))) {
        return bad(ctx, "from and to must be dates YYYY-MM-DD");
    }
    if (year) {
        from = apr_pstrcat(ctx->pool, year, "-01-01", NULL);
        to = apr_pstrcat(ctx->pool, year, "-12-31", NULL);
    }
    if (from) isms_sql_appendf(q, " AND COALESCE(held_frm, planned_date) >= %s", from);
    if (to) isms_sql_appendf(q, " AND COALESCE(held_frm, planned_date) <= %s", to);
    json_object_set_new(filter, "from", from ? json_string(from) : json_null());
    json_object_set_new(filter, "to", to ? json_string(to) : json_null());
    *label = year ? year : (from || to) ? apr_pstrcat(ctx->pool, from ? from : "start", "_",
                                                      to ? to : ctx->today, NULL) : ctx->today;
    return ok;
}

static int rule_index(const char *id)
{
    int i;

    for (i = 0; id && i < NRULES; i++) {
        if (!strcmp(rules[i].id, id)) return i;
    }
    return -1;
}

/* One cell per rule from the findings: fail when an E finding is not waived or a W finding
 * not acknowledged; waived when each is, at least one by a waiver; acknowledged when all are
 * W and acknowledged; n/a when the rule had nothing to judge (no interval before the first
 * review). */
static json_t *cells(const json_t *findings, const json_t *na)
{
    int n[NRULES] = {0}, open[NRULES] = {0}, err[NRULES] = {0}, waived[NRULES] = {0}, i;
    json_t *out = json_object(), *f;
    size_t k;

    json_array_foreach(findings, k, f) {
        int e = !strcmp(json_string_value(json_object_get(f, "severity")), "E");
        int w = json_is_true(json_object_get(f, "waived"));
        i = rule_index(json_string_value(json_object_get(f, "rule")));
        if (i < 0) continue;
        n[i]++;
        open[i] += !w && !json_is_true(json_object_get(f, "acknowledged"));
        waived[i] += w;
        err[i] |= e;
    }
    for (i = 0; i < NRULES; i++) {
        const char *pass = json_object_get(na, rules[i].id) ? "n/a" : "pass";
        const char *closed = waived[i] ? "waived" : "acknowledged";
        json_object_set_new(out, rules[i].id, json_pack("{s:s,s:s?,s:i}", "result",
                            !n[i] ? pass : open[i] ? "fail" : closed, "severity",
                            !n[i] ? NULL : err[i] ? "E" : "W", "findings", n[i]));
    }
    return out;
}

static isms_result row_for(isms_ctx *ctx, const json_t *review, json_t *rows)
{
    json_t *doc;
    isms_result r = isms_review_findings(ctx, json_integer_value(json_object_get(review,
                                                                                 "id")), &doc);
    const char *date = json_string_value(json_object_get(review, "held_from"));

    if (r.status != 200) return r;
    json_array_append_new(rows, json_pack("{s:O,s:O,s:O,s:O,s:O,s:s,s:o,s:O,s:O,s:O}",
        "review_id", json_object_get(review, "id"), "ref", json_object_get(review, "ref"),
        "title", json_object_get(review, "title"), "status", json_object_get(review, "status"),
        "version", json_object_get(review, "version"), "date", date ? date
        : json_string_value(json_object_get(review, "planned_date")), "cells",
        cells(json_object_get(doc, "findings"), json_object_get(doc, "not_evaluated")),
        "errors", json_object_get(doc, "errors"),
        "warnings", json_object_get(doc, "warnings"), "blocking",
        json_object_get(doc, "blocking")));
    r.status = 0;
    return r;
}

static json_t *rule_list(void)
{
    json_t *list = json_array();
    int i;

    for (i = 0; i < NRULES; i++) {
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "id", rules[i].id,
                              "clause", rules[i].clause, "severity", rules[i].sev,
                              "description", rules[i].what));
    }
    return list;
}

static isms_result matrix(isms_ctx *ctx, const isms_query *qs, json_t **out,
                          const char **label)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_review);
    json_t *reviews, *rows, *filter = json_object();
    const char *err = NULL;
    isms_db_status st;
    size_t i;
    isms_result r;

    *out = isms_json_pool(ctx->pool, json_pack("{s:s,s:s,s:o,s:o}", "report",
                          "compliance-matrix", "generated_at", ctx->now, "filter", filter,
                          "rules", rule_list()));
    isms_sql_appendf(q, " WHERE status <> 'CANCELLED'");
    if ((r = period(ctx, qs, q, filter, label)).status) return r;
    isms_sql_appendf(q, " ORDER BY COALESCE(held_frm, planned_date), id");
    if ((st = isms_rec_fetch(ctx, &isms_entity_review, q, &reviews, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    isms_json_pool(ctx->pool, reviews);
    json_object_set_new(*out, "rows", rows = json_array());
    for (i = 0; i < json_array_size(reviews); i++) {
        if ((r = row_for(ctx, json_array_get(reviews, i), rows)).status) return r;
    }
    return r;
}

/* ---- renderings ---- */

static const char *cell_text(apr_pool_t *p, const json_t *cell)
{
    const char *res = json_string_value(json_object_get(cell, "result"));
    const char *sev = json_string_value(json_object_get(cell, "severity"));

    return sev ? apr_pstrcat(p, res, " (", sev, ")", NULL) : res ? res : "";
}

static const char *const row_keys[] = {"ref", "title", "status", "version", "date", NULL};

static void csv(isms_buf *b, apr_pool_t *p, const json_t *m)
{
    json_t *row;
    size_t k;
    int i;

    isms_buf_puts(b, "review,title,status,version,date");
    for (i = 0; i < NRULES; i++) {
        isms_buf_putc(b, ',');
        isms_esc_csv(b, apr_pstrcat(p, rules[i].id, " (", rules[i].clause, ")", NULL));
    }
    isms_csv_eol(b);
    json_array_foreach(json_object_get(m, "rows"), k, row) {
        for (i = 0; row_keys[i]; i++) {
            if (i) isms_buf_putc(b, ',');
            isms_esc_csv(b, isms_report_field(p, row, row_keys[i]));
        }
        for (i = 0; i < NRULES; i++) {
            isms_buf_putc(b, ',');
            isms_esc_csv(b, cell_text(p, isms_report_get(json_object_get(row, "cells"),
                                                         rules[i].id)));
        }
        isms_csv_eol(b);
    }
}

/* A matrix cell: a mark and the severity (the colour says the same). */
static const char *mark(apr_pool_t *p, const json_t *cell)
{
    const char *res = json_string_value(json_object_get(cell, "result"));
    const char *sev = json_string_value(json_object_get(cell, "severity"));

    if (!res || !strcmp(res, "pass")) return "\xE2\x9C\x93";                     /* ✓ */
    if (!strcmp(res, "n/a")) return "n/a";
    if (!strcmp(res, "acknowledged")) return apr_pstrcat(p, "ack", sev, NULL);
    return apr_pstrcat(p, !strcmp(res, "fail") ? "\xE2\x9C\x97" : "~", sev, NULL);  /* ✗ */
}

static void html_row(isms_buf *b, apr_pool_t *p, const json_t *row)
{
    int i;

    isms_buf_puts(b, "<tr>");
    isms_html_cell(b, isms_report_field(p, row, "ref"), ISMS_COL_REF);
    isms_html_sub(b, "", isms_report_field(p, row, "date"));
    isms_html_cell_end(b);
    for (i = 0; i < NRULES; i++) {
        const json_t *cell = isms_report_get(json_object_get(row, "cells"), rules[i].id);
        const char *cls = isms_html_class(json_string_value(json_object_get(cell, "result")));
        isms_buf_printf(b, "<td class=\"%s\" title=\"", cls ? cls : "muted");
        isms_esc_html(b, apr_pstrcat(p, rules[i].id, " (", rules[i].clause, "): ",
                                     cell_text(p, cell), NULL));
        isms_buf_puts(b, "\">");
        isms_esc_html(b, mark(p, cell));
        isms_buf_puts(b, "</td>");
    }
    isms_buf_puts(b, "</tr>\n");
}

static void matrix_table(isms_buf *b, apr_pool_t *p, const json_t *m)
{
    json_t *row;
    size_t k;
    int i;

    isms_buf_puts(b, "<div>\n<table class=\"matrix\">\n<thead><tr>"
                     "<th scope=\"col\">Review / rule MR-</th>");
    for (i = 0; i < NRULES; i++) {      /* "MR-01" as "01" over its clause: 38 must fit */
        isms_buf_printf(b, "<th scope=\"col\" title=\"%s\">%s<br><small>", rules[i].id,
                        rules[i].id + 3);
        isms_esc_html(b, rules[i].clause);
        isms_buf_puts(b, "</small></th>");
    }
    isms_buf_puts(b, "</tr></thead>\n<tbody>\n");
    json_array_foreach(json_object_get(m, "rows"), k, row) html_row(b, p, row);
    isms_buf_puts(b, "</tbody>\n</table>\n");
    isms_html_el(b, "p", "muted", "\xE2\x9C\x93 pass, \xE2\x9C\x97 fail, ~ waived, ack acknowledged, n/a not evaluated "
                 "(nothing to judge, e.g. no interval before the first review); E error "
                 "(an auditor would likely raise a nonconformity), W warning.");
    isms_buf_puts(b, "</div>\n");
}

static void html(isms_buf *b, apr_pool_t *p, const json_t *m)
{
    static const isms_col review_cols[] = {
        {"Review", "ref", ISMS_COL_REF, NULL, NULL}, {"Title", "title", ISMS_COL_TEXT, NULL, NULL},
        {"Status", "status", ISMS_COL_ENUM, NULL, NULL},
        {"Version", "version", ISMS_COL_TEXT, NULL, NULL},
        {"Held or planned", "date", ISMS_COL_DATE, NULL, NULL},
        {"Errors", "errors", ISMS_COL_TEXT, NULL, NULL},
        {"Warnings", "warnings", ISMS_COL_TEXT, NULL, NULL},
        {"Blocking", "blocking", ISMS_COL_TEXT, NULL, NULL},
        {NULL, NULL, ISMS_COL_TEXT, NULL, NULL}};
    static const isms_col rule_cols[] = {{"Rule", "id", ISMS_COL_REF, NULL, NULL},
        {"Clause", "clause", ISMS_COL_TEXT, NULL, NULL},
        {"Severity", "severity", ISMS_COL_TEXT, NULL, NULL},
        {"Checks that", "description", ISMS_COL_TEXT, NULL, NULL},
        {NULL, NULL, ISMS_COL_TEXT, NULL, NULL}};
    const char *from = isms_report_field(p, m, "filter.from");
    const char *to = isms_report_field(p, m, "filter.to");

    isms_html_begin_as(b, "Clause 9.3 compliance matrix", 1);
    isms_html_el(b, "p", "muted", apr_pstrcat(p, "Reviews held (or planned) from ",
                 *from ? from : "the first", " to ", *to ? to : "today", "; generated ",
                 isms_report_field(p, m, "generated_at"), ".", NULL));
    if (json_array_size(json_object_get(m, "rows"))) matrix_table(b, p, m);
    isms_html_section(b, "reviews", "Reviews");
    isms_html_table(b, p, review_cols, json_object_get(m, "rows"), "No reviews in this period.");
    isms_html_section_end(b);
    isms_html_section(b, "rules", "Rules");
    isms_html_table(b, p, rule_cols, json_object_get(m, "rules"), NULL);
    isms_html_section_end(b);
    isms_html_end(b);
}

isms_result isms_report_compliance(isms_ctx *ctx, const isms_query *q, const char *accept)
{
    const char *label = NULL, *name;
    json_t *m = NULL;
    isms_buf *b;
    isms_fmt fmt;
    isms_result r = isms_report_pick(ctx, q, accept, ISMS_FMT_HTML | ISMS_FMT_JSON |
                                     ISMS_FMT_CSV, ISMS_FMT_HTML, &fmt);

    if (r.status || (r = matrix(ctx, q, &m, &label)).status) return r;
    name = isms_report_filename(ctx->pool, apr_pstrcat(ctx->pool, "compliance-matrix-",
                                                       label, NULL), fmt);
    if (fmt == ISMS_FMT_JSON) return isms_report_json(ctx, m, name);
    b = isms_buf_new(ctx->pool, 16384);
    if (fmt == ISMS_FMT_CSV) {
        csv(b, ctx->pool, m);
        return isms_report_csv(ctx, b, name);
    }
    html(b, ctx->pool, m);
    return isms_html_result(ctx, b, name);
}
