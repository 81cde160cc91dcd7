/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/calendar.ics: an iCalendar feed (RFC 5545) that Outlook and Thunderbird can
 * subscribe to: the reviews (all-day, on the date held or planned), when the next review is
 * due, and the due dates of open actions (?owner= for one owner's). UIDs are stable
 * (review-12@ismsreview, action-34@ismsreview), so a refresh updates events in place. */
#include "isms_report.h"
#include "isms_escape.h"
#include "isms_json.h"
#include "isms_ops.h"

#include <apr_strings.h>
#include <string.h>

#define UID_DOMAIN "@ismsreview"

typedef struct {
    isms_ctx *ctx;
    isms_buf *out, *line;     /* the feed; scratch for one content line */
    const char *stamp;        /* DTSTAMP */
} ics;

static const char *ics_date(apr_pool_t *p, const char *date)
{
    return apr_pstrcat(p, apr_pstrndup(p, date, 4), apr_pstrndup(p, date + 5, 2),
                       apr_pstrndup(p, date + 8, 2), NULL);
}

static const char *ics_stamp(apr_pool_t *p, const char *now)
{
    return apr_pstrcat(p, ics_date(p, now), "T", apr_pstrndup(p, now + 11, 2),
                       apr_pstrndup(p, now + 14, 2), apr_pstrndup(p, now + 17, 2), "Z", NULL);
}

static void raw(ics *c, const char *line)
{
    isms_ics_line(c->out, line);
}

/* NAME:escaped text, folded. */
static void text(ics *c, const char *name, const char *value)
{
    if (!value || !*value) return;
    c->line->len = 0;
    isms_buf_puts(c->line, name);
    isms_buf_putc(c->line, ':');
    isms_esc_ics_text(c->line, value);
    isms_ics_line(c->out, c->line->s);
}

/* BEGIN:VEVENT with UID, DTSTAMP and an all-day span [first, last]. */
static void begin_event(ics *c, const char *uid, const char *first, const char *last)
{
    apr_pool_t *p = c->ctx->pool;

    raw(c, "BEGIN:VEVENT");
    raw(c, apr_pstrcat(p, "UID:", uid, UID_DOMAIN, NULL));
    raw(c, apr_pstrcat(p, "DTSTAMP:", c->stamp, NULL));
    raw(c, apr_pstrcat(p, "DTSTART;VALUE=DATE:", ics_date(p, first), NULL));
    raw(c, apr_pstrcat(p, "DTEND;VALUE=DATE:", ics_date(p, isms_date_add(p, last, 1)), NULL));
    raw(c, "TRANSP:TRANSPARENT");
}

static void review_event(ics *c, isms_rows *rs, int i)
{
    apr_pool_t *p = c->ctx->pool;
    const char *held = ISMS_ROW(rs, i, 5), *status = ISMS_ROW(rs, i, 3);
    const char *first = held ? held : ISMS_ROW(rs, i, 4);
    const char *last = ISMS_ROW(rs, i, 6) ? ISMS_ROW(rs, i, 6) : first;

    begin_event(c, apr_pstrcat(p, "review-", ISMS_ROW(rs, i, 0), NULL), first, last);
    text(c, "SUMMARY", apr_pstrcat(p, "Management review ", ISMS_ROW(rs, i, 1), ": ",
                                   ISMS_ROW(rs, i, 2), NULL));
    text(c, "DESCRIPTION", apr_pstrcat(p, "ISO/IEC 27001 clause 9.3 management review ",
                                       ISMS_ROW(rs, i, 1), "\nStatus: ", status,
                                       "\nPlanned date: ", ISMS_ROW(rs, i, 4), NULL));
    text(c, "LOCATION", ISMS_ROW(rs, i, 7));
    raw(c, held || strcmp(status, "DRAFT") ? "STATUS:CONFIRMED" : "STATUS:TENTATIVE");
    raw(c, "END:VEVENT");
}

static isms_db_status reviews(ics *c, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT id, ref, title, status, planned_date, held_frm, held_to, "
                        "location FROM review WHERE status <> 'CANCELLED' ORDER BY id");
    if ((st = isms_query_sql(c->ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) review_event(c, rs, i);
    return ISMS_DB_OK;
}

static isms_db_status next_review(ics *c, const char **err)
{
    apr_pool_t *p = c->ctx->pool;
    json_t *n;
    const char *due, *after;
    isms_db_status st = isms_next_review_due(c->ctx, &n, err);

    if (st != ISMS_DB_OK) return st;
    isms_json_pool(p, n);
    if (!(due = json_string_value(json_object_get(n, "due_date")))) return ISMS_DB_OK;
    after = isms_report_field(p, n, "latest_review.ref");
    begin_event(c, apr_pstrcat(p, "next-review-after-", isms_report_field(p, n,
                               "latest_review.id"), NULL), due, due);
    text(c, "SUMMARY", apr_pstrcat(p, "Next ISMS management review due (after ", after, ")",
                                   NULL));
    text(c, "DESCRIPTION", apr_pstrcat(p, "Due ", due, ": ", isms_report_field(p, n, "basis"),
                                       " of ", after, json_is_true(json_object_get(n,
                                       "overdue")) ? ". OVERDUE." : ".", NULL));
    raw(c, "STATUS:TENTATIVE");
    raw(c, "END:VEVENT");
    return ISMS_DB_OK;
}

static void action_event(ics *c, isms_rows *rs, int i)
{
    apr_pool_t *p = c->ctx->pool;
    const char *due = ISMS_ROW(rs, i, 4);

    begin_event(c, apr_pstrcat(p, "action-", ISMS_ROW(rs, i, 0), NULL), due, due);
    text(c, "SUMMARY", apr_pstrcat(p, "Action due: ", ISMS_ROW(rs, i, 1), " ",
                                   ISMS_ROW(rs, i, 2), NULL));
    text(c, "DESCRIPTION", apr_pstrcat(p, "Owner: ", ISMS_ROW(rs, i, 3), "\nStatus: ",
                                       ISMS_ROW(rs, i, 5), " (", ISMS_ROW(rs, i, 6) ?
                                       ISMS_ROW(rs, i, 6) : "0", "% done)\nPriority: ",
                                       ISMS_ROW(rs, i, 7), "\nFrom review: ",
                                       ISMS_ROW(rs, i, 8), NULL));
    raw(c, "STATUS:CONFIRMED");
    raw(c, "END:VEVENT");
}

static isms_db_status actions(ics *c, const char *owner, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT a.id, a.ref, a.title, a.owner, a.due_date, a.status, "
                        "a.progress, a.priority, r.ref AS review_ref FROM action a JOIN review "
                        "r ON r.id = a.review_id WHERE r.status <> 'CANCELLED' AND a.status NOT "
                        "IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')");
    if (owner) isms_sql_appendf(q, " AND a.owner = %s", owner);
    isms_sql_appendf(q, " ORDER BY a.id");
    if ((st = isms_query_sql(c->ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) action_event(c, rs, i);
    return ISMS_DB_OK;
}

static void header(ics *c)
{
    raw(c, "BEGIN:VCALENDAR");
    raw(c, "VERSION:2.0");
    raw(c, "PRODID:-//mod_ismsreview//ISMS management review//EN");
    raw(c, "CALSCALE:GREGORIAN");
    raw(c, "METHOD:PUBLISH");
    raw(c, "X-WR-CALNAME:ISMS management reviews and actions");
    raw(c, "X-PUBLISHED-TTL:PT1H");
    raw(c, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
}

isms_result isms_calendar_ics(isms_ctx *ctx, const isms_query *q)
{
    const char *owner = q ? apr_table_get(q, "owner") : NULL, *err = NULL;
    ics c = {ctx, isms_buf_new(ctx->pool, 16384), isms_buf_new(ctx->pool, 1024),
             ics_stamp(ctx->pool, ctx->now)};
    isms_db_status st;

    if (owner && isms_text_check(owner, strlen(owner))) {
        return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                "owner is not text");
    }
    header(&c);
    if (!owner) st = reviews(&c, &err);
    else st = ISMS_DB_OK;
    if (st == ISMS_DB_OK && !owner) st = next_review(&c, &err);
    if (st == ISMS_DB_OK) st = actions(&c, owner, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    raw(&c, "END:VCALENDAR");
    return isms_report_raw(ctx, c.out, "text/calendar; charset=utf-8", "ismsreview.ics", NULL);
}
