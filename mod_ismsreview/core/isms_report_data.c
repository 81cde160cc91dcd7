/* SPDX-License-Identifier: Apache-2.0 */
/* Derived data more than one report shows: when the next review is due, and the burn-down of
 * open actions. */
#include "isms_report.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_programme.h"
#include "isms_dialect.h"
#include "isms_store.h"

#include <apr_strings.h>
#include <string.h>

#define EPOCH "1970-01-01"

static json_t *latest_json(isms_rows *rs)
{
    return json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "id",
                     (json_int_t)isms_ll(ISMS_ROW(rs, 0, 0)), "ref", ISMS_ROW(rs, 0, 1),
                     "title", ISMS_ROW(rs, 0, 2), "status", ISMS_ROW(rs, 0, 3),
                     "planned_date", ISMS_ROW(rs, 0, 4), "held_from", ISMS_ROW(rs, 0, 5),
                     "next_review_date", ISMS_ROW(rs, 0, 6));
}

/* The review programme of the latest review (its programme_id, else the default): the
 * interval comes from it. */
static isms_db_status programme_of_latest(isms_ctx *ctx, const char *programme_id,
                                          json_t **prog, const char **err)
{
    json_t *r = json_pack("{s:I}", "programme_id",
                          (json_int_t)(programme_id ? isms_ll(programme_id) : 0));
    isms_db_status st = isms_programme_of(ctx, r, prog, err);

    json_decref(r);
    isms_json_pool(ctx->pool, *prog);
    return st;
}

isms_db_status isms_next_review_due(isms_ctx *ctx, json_t **out, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const char *next, *base, *due;
    json_t *prog = NULL;
    isms_rows *rs;
    long late;
    int months;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id, ref, title, status, planned_date, held_frm, "
                        "next_review_date, planned_interval_months, programme_id FROM review "
                        "WHERE status "
                        "<> 'CANCELLED' ORDER BY COALESCE(held_frm, planned_date) DESC, id DESC "
                        "LIMIT 1");
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    if (!rs->nrows) {
        *out = json_pack("{s:n,s:n,s:n,s:b,s:i}", "latest_review", "due_date", "basis",
                         "overdue", 0, "days_overdue", 0);
        return ISMS_DB_OK;
    }
    next = ISMS_ROW(rs, 0, 6);
    base = ISMS_ROW(rs, 0, 5) ? ISMS_ROW(rs, 0, 5) : ISMS_ROW(rs, 0, 4);
    if ((st = programme_of_latest(ctx, ISMS_ROW(rs, 0, 8), &prog, err)) != ISMS_DB_OK) {
        return st;
    }
    months = prog ? (int)json_integer_value(json_object_get(prog, "interval_months"))
             : ISMS_ROW(rs, 0, 7) ? (int)isms_ll(ISMS_ROW(rs, 0, 7)) : ctx->interval_months;
    due = next ? next : isms_add_months(ctx->pool, base, months);
    late = isms_days_between(due, ctx->today);
    *out = json_pack("{s:o,s:s,s:s,s:i,s:b,s:i}", "latest_review", latest_json(rs), "due_date",
                     due, "basis", next ? "next_review_date" : "interval", "interval_months",
                     months, "overdue", late > 0, "days_overdue", late > 0 ? (int)late : 0);
    /* the programme the interval is from (domain-model.md A.1), with its tolerance */
    json_object_set(*out, "programme_id", prog ? json_object_get(prog, "id") : json_null());
    json_object_set(*out, "programme", prog ? json_object_get(prog, "name") : json_null());
    json_object_set(*out, "tolerance_days", prog ? json_object_get(prog, "tolerance_days")
                                                 : json_null());
    return ISMS_DB_OK;
}

/* Days since 1970-01-01 of the date at the start of s (YYYY-MM-DD...), read digit by digit:
 * this runs twice per action in a burn-down over tens of thousands of them. */
static long day_number(const char *s)
{
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    long era, yoe, doy;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

isms_db_status isms_action_scan(isms_ctx *ctx, long long review_id, isms_rows **rs,
                                const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "SELECT a.owner, a.status, a.due_date, a.created_at, a.completed_at, "
                        "a.updated_at FROM action a WHERE ");
    if (review_id > 0) isms_sql_appendf(q, "a.review_id = %d", review_id);
    else isms_sql_appendf(q, "a.review_id NOT IN (SELECT id FROM review WHERE status = "
                             "'CANCELLED')");
    return isms_query_sql(ctx, q, rs, err);
}

/* Openings and closings per day from d0 to d1 (days clamped into the range). */
typedef struct {
    long d0, d1;
    int *opened, *closed;
} day_counts;

static long clamp_day(const day_counts *c, long d)
{
    return (d > c->d1 ? c->d1 : d < c->d0 ? c->d0 : d) - c->d0;
}

static void alloc_days(apr_pool_t *p, day_counts *c)
{
    c->opened = apr_pcalloc(p, sizeof(int) * (size_t)(c->d1 - c->d0 + 1));
    c->closed = apr_pcalloc(p, sizeof(int) * (size_t)(c->d1 - c->d0 + 1));
}

static void count_days(apr_pool_t *p, isms_rows *rs, long today, day_counts *c)
{
    int i;

    c->d0 = c->d1 = today;
    for (i = 0; i < rs->nrows; i++) {
        long d = day_number(ISMS_ROW(rs, i, ISMS_SCAN_CREATED));
        if (d < c->d0) c->d0 = d;
    }
    alloc_days(p, c);
    for (i = 0; i < rs->nrows; i++) {
        const char *created = ISMS_ROW(rs, i, ISMS_SCAN_CREATED), *closed;
        c->opened[clamp_day(c, day_number(created))]++;
        if (isms_report_action_open(ISMS_ROW(rs, i, ISMS_SCAN_STATUS))) continue;
        closed = ISMS_ROW(rs, i, ISMS_SCAN_COMPLETED);
        if (!closed) closed = ISMS_ROW(rs, i, ISMS_SCAN_UPDATED);
        c->closed[clamp_day(c, day_number(closed ? closed : created))]++;
    }
}

/* The open count at evenly spaced days (at most max of them) from the first opening to
 * today. */
static int samples(long d0, long d1, int max)
{
    return d1 - d0 + 1 < max ? (int)(d1 - d0) + 1 : max;
}

/* The k-th of n sample days from d0 to d1 (the last one is d1). */
static long sample_day(long d0, long d1, int k, int n)
{
    return n > 1 ? d0 + (long)((double)(d1 - d0) * k / (n - 1) + 0.5) : d0;
}

static json_t *sample(isms_ctx *ctx, const day_counts *c, int max)
{
    long day, next = 0, open = 0;
    int k, n = samples(c->d0, c->d1, max);
    json_t *list = json_array();

    for (k = 0; k < n; k++) {
        day = sample_day(c->d0, c->d1, k, n);
        for (; next <= day - c->d0; next++) open += c->opened[next] - c->closed[next];
        json_array_append_new(list, json_pack("{s:s,s:I}", "date", isms_date_add(ctx->pool,
                                              EPOCH, day), "open", (json_int_t)open));
    }
    return list;
}

json_t *isms_burn_down_of(isms_ctx *ctx, isms_rows *rs, int max)
{
    day_counts c;

    if (!rs->nrows || max < 1) return json_array();
    count_days(ctx->pool, rs, day_number(ctx->today), &c);
    return sample(ctx, &c, max);
}

isms_db_status isms_burn_down(isms_ctx *ctx, long long review_id, int max, json_t **out,
                              const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_action_scan(ctx, review_id, &rs, err);

    if (st == ISMS_DB_OK) *out = isms_burn_down_of(ctx, rs, max);
    return st;
}

/* From the per-day summary (action_day, migration 013), with the days summed by the
 * database into the sample points' buckets: bucket k holds the days after sample k - 1 up to
 * sample k, the first one also the days before the first opening, the last one (today) also
 * the days after today, as count_days clamps them; at most 180 rows instead of one per day.
 * The bucket is integer arithmetic on the day number (day_no, migration 015), so the
 * statement's text (and what PostgreSQL takes to plan it) does not grow with the buckets:
 * with m = n - 1 and D = d1 - d0,
 * sample k is s(k) = floor((2Dk + m) / 2m) days after d0 (sample_day), and a day x = day_no - d0
 * days after d0 (0 < x < D) belongs to the first k with s(k) >= x, k = ceil(m(2x - 1) / 2D)
 * = (m(2x - 1) + 2D - 1) div 2D. (It was 180 UNION ALL rows: 8.6 ms to plan on PostgreSQL.) */
static isms_db_status summary_buckets(isms_ctx *ctx, long d0, long d1, int n, isms_rows **rs,
                                      const char **err)
{
    const isms_dialect *dl = isms_conn_dialect(ctx->conn);
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    long long m = n - 1, w = d1 > d0 ? 2 * (long long)(d1 - d0) : 1;

    isms_sql_appendf(q, "SELECT k, SUM(net) FROM (SELECT CASE WHEN day_no <= %d THEN 0 WHEN "
                        "day_no >= %d THEN %d ELSE (%d * (2 * (day_no - %d) - 1) + %d) ",
                     (long long)d0, (long long)d1, m, m, (long long)d0, w - 1);
    isms_sql_appendf(q, dl->int_div);
    isms_sql_appendf(q, " %d END AS k, opened - closed AS net FROM action_day) u GROUP BY k "
                        "ORDER BY k", w);
    return isms_query_sql(ctx, q, rs, err);
}

isms_db_status isms_burn_down_summary(isms_ctx *ctx, int max, json_t **out, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    long d0, d1 = day_number(ctx->today), open = 0;
    isms_rows *rs;
    isms_db_status st;
    int n, k, i = 0;
    json_t *list;

    isms_sql_appendf(q, "SELECT MIN(day) FROM action_day WHERE opened > 0");
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    if (max < 1 || !rs->nrows || !ISMS_ROW(rs, 0, 0)) {
        *out = json_array();
        return ISMS_DB_OK;
    }
    d0 = day_number(ISMS_ROW(rs, 0, 0));
    if (d0 > d1) d0 = d1;
    n = samples(d0, d1, max);
    if ((st = summary_buckets(ctx, d0, d1, n, &rs, err)) != ISMS_DB_OK) return st;
    *out = list = json_array();
    for (k = 0; k < n; k++) {
        for (; i < rs->nrows && isms_ll(ISMS_ROW(rs, i, 0)) <= k; i++) {
            if (ISMS_ROW(rs, i, 1)) open += (long)isms_ll(ISMS_ROW(rs, i, 1));
        }
        json_array_append_new(list, json_pack("{s:s,s:I}", "date", isms_date_add(ctx->pool,
                              EPOCH, sample_day(d0, d1, k, n)), "open", (json_int_t)open));
    }
    return ISMS_DB_OK;
}
