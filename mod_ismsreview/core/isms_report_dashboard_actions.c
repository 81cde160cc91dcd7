/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's action figures: counts by status and by owner (total, open, overdue), the
 * totals and the burn-down. Read from the summary tables that migration 013's triggers keep
 * current in every write's transaction (a few thousand rows for 50,000 actions: the figures
 * no longer cost a pass over every action), or computed from scratch from every action, which
 * is what the summary must equal (the tests; ismsreview-admin verify). */
#include "isms_report.h"
#include "isms_json.h"
#include "isms_ops.h"

#include <apr_hash.h>
#include <stdlib.h>
#include <string.h>

#define BURN_DOWN_POINTS 180

typedef struct {
    json_int_t total, open, overdue;
} owner_counts;

typedef struct {
    apr_pool_t *pool;
    apr_hash_t *owners;
    json_t *by_status;
} tally;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *owner_list(apr_pool_t *p, apr_hash_t *owners, json_int_t *sum)
{
    const char **keys = apr_palloc(p, sizeof(char *) * (apr_hash_count(owners) + 1));
    json_t *list = json_array();
    apr_hash_index_t *hi;
    size_t n = 0, i;

    for (hi = apr_hash_first(p, owners); hi; hi = apr_hash_next(hi)) {
        keys[n++] = apr_hash_this_key(hi);
    }
    qsort(keys, n, sizeof(*keys), cmp_str);
    for (i = 0; i < n; i++) {
        owner_counts *c = apr_hash_get(owners, keys[i], APR_HASH_KEY_STRING);
        json_array_append_new(list, json_pack("{s:s,s:I,s:I,s:I}", "owner", keys[i],
                              "total_count", c->total, "open_count", c->open,
                              "overdue_count", c->overdue));
        sum[0] += c->total;
        sum[1] += c->open;
        sum[2] += c->overdue;
    }
    return list;
}

/* n actions of owner in status st, overdue of them overdue. */
static void tally_add(tally *t, const char *owner, const char *st, json_int_t n,
                      json_int_t overdue)
{
    owner_counts *c = apr_hash_get(t->owners, owner, APR_HASH_KEY_STRING);

    json_object_set_new(t->by_status, st, json_integer(json_integer_value(
                        json_object_get(t->by_status, st)) + n));
    if (!c) apr_hash_set(t->owners, owner, APR_HASH_KEY_STRING,
                         c = apr_pcalloc(t->pool, sizeof(*c)));
    c->total += n;
    c->open += isms_report_action_open(st) ? n : 0;
    c->overdue += overdue;
}

static void tally_put(tally *t, json_t *d)
{
    json_int_t sum[3] = {0, 0, 0};

    json_object_set_new(d, "actions_by_status", t->by_status);
    json_object_set_new(d, "actions_by_owner", owner_list(t->pool, t->owners, sum));
    json_object_set_new(d, "actions_total", json_integer(sum[0]));
    json_object_set_new(d, "actions_open", json_integer(sum[1]));
    json_object_set_new(d, "actions_overdue", json_integer(sum[2]));
}

static void tally_init(tally *t, apr_pool_t *p)
{
    t->pool = p;
    t->owners = apr_hash_make(p);
    t->by_status = json_object();
}

/* ---- from scratch: one pass over every action of a review not cancelled ---- */

static isms_db_status from_scratch(isms_ctx *ctx, json_t *d, const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_action_scan(ctx, 0, &rs, err);
    tally t;
    int i;

    if (st != ISMS_DB_OK) return st;
    tally_init(&t, ctx->pool);
    for (i = 0; i < rs->nrows; i++) {
        const char *status = ISMS_ROW(rs, i, ISMS_SCAN_STATUS);
        tally_add(&t, ISMS_ROW(rs, i, ISMS_SCAN_OWNER), status, 1,
                  isms_report_action_open(status) &&
                  strcmp(ISMS_ROW(rs, i, ISMS_SCAN_DUE), ctx->today) < 0);
    }
    tally_put(&t, d);
    json_object_set_new(d, "burn_down", isms_burn_down_of(ctx, rs, BURN_DOWN_POINTS));
    return ISMS_DB_OK;
}

/* ---- from the summary: action_tally grouped by owner and status, action_day ---- */

static isms_db_status from_summary(isms_ctx *ctx, json_t *d, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *burn = NULL;
    isms_rows *rs;
    isms_db_status st;
    tally t;
    int i;

    /* an open action's row has its due date, a closed one's '' */
    isms_sql_appendf(q, "SELECT owner, \"status\", SUM(n), SUM(CASE WHEN due <> '' AND due < "
                        "%s THEN n ELSE 0 END) FROM action_tally GROUP BY owner, \"status\" "
                        "HAVING SUM(n) <> 0", ctx->today);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    if ((st = isms_burn_down_summary(ctx, BURN_DOWN_POINTS, &burn, err)) != ISMS_DB_OK) {
        return st;
    }
    tally_init(&t, ctx->pool);
    for (i = 0; i < rs->nrows; i++) {
        tally_add(&t, ISMS_ROW(rs, i, 0), ISMS_ROW(rs, i, 1), isms_ll(ISMS_ROW(rs, i, 2)),
                  isms_ll(ISMS_ROW(rs, i, 3)));
    }
    tally_put(&t, d);
    json_object_set_new(d, "burn_down", burn);
    return ISMS_DB_OK;
}

isms_db_status isms_dashboard_actions(isms_ctx *ctx, json_t *d, int scratch, const char **err)
{
    return scratch ? from_scratch(ctx, d, err) : from_summary(ctx, d, err);
}

/* ---- checking and rebuilding the summary ---- */

isms_db_status isms_dashboard_summary_check(isms_ctx *ctx, int *same, const char **err)
{
    json_t *summary = isms_json_pool(ctx->pool, json_object());
    json_t *scratch = isms_json_pool(ctx->pool, json_object());
    isms_db_status st = from_summary(ctx, summary, err);

    if (st == ISMS_DB_OK) st = from_scratch(ctx, scratch, err);
    *same = st == ISMS_DB_OK && json_equal(summary, scratch);
    return st;
}

/* What migration 013 fills the tables with (the same SQL on the three databases). */
static const char *const rebuild_sql[] = {
    "DELETE FROM action_tally",
    "DELETE FROM action_day",
    "INSERT INTO action_tally (owner, \"status\", due, n) SELECT a.owner, COALESCE(a.\"status\", "
    "''), CASE WHEN a.\"status\" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' "
    "ELSE a.due_date END, COUNT(*) FROM action a JOIN review r ON r.id = a.review_id WHERE "
    "r.\"status\" <> 'CANCELLED' GROUP BY 1, 2, 3",
    "INSERT INTO action_day (day, opened, closed) SELECT day, SUM(opened), SUM(closed) FROM ("
    "SELECT substr(a.created_at, 1, 10) AS day, 1 AS opened, 0 AS closed FROM action a JOIN "
    "review r ON r.id = a.review_id WHERE r.\"status\" <> 'CANCELLED' UNION ALL SELECT "
    "substr(COALESCE(a.completed_at, a.updated_at, a.created_at), 1, 10), 0, 1 FROM action a "
    "JOIN review r ON r.id = a.review_id WHERE r.\"status\" <> 'CANCELLED' AND a.\"status\" IN "
    "('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')) t GROUP BY day",
    NULL};

isms_db_status isms_dashboard_summary_rebuild(isms_ctx *ctx, const char **err)
{
    isms_db_status st = ISMS_DB_OK;
    int i;

    for (i = 0; rebuild_sql[i] && st == ISMS_DB_OK; i++) {
        st = isms_conn_exec(ctx->conn, rebuild_sql[i], NULL, err);
    }
    return st;
}
