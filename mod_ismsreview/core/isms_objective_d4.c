/* Input d4 is derived (domain-model.md A.4 "D4: auto-populated from Objective/KPI data"):
 * when a review is created, and on POST v1/reviews/{id}/refresh-d4 while it is a draft,
 * every live objective's current revision (from other reviews), its latest measurement, RAG
 * and its trend over the review period are snapshotted into the review's d4 input
 * (objective_snapshot, sealed with the review), and the input's metrics are the counts. The
 * author writes the discussion and the conclusion, not the numbers. */
#include "isms_ops.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <string.h>

#define LIVE_OBJECTIVE "('PROPOSED', 'ACTIVE', 'NOT_ACHIEVED')"

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* The review period, or the year before the review date when it has none. */
static void review_period(isms_ctx *ctx, const json_t *review, const char **from,
                          const char **to)
{
    *to = isms_jstr(review, "period_to");
    if (!*to) *to = isms_review_date(review);
    *from = isms_jstr(review, "period_from");
    if (!*from || strcmp(*from, *to) > 0) *from = isms_date_add(ctx->pool, *to, -364);
}

/* The current revision of every live objective, as the other reviews left it. */
static isms_db_status live_objectives(isms_ctx *ctx, long long rid, json_t **out,
                                      const char **err)
{
    const isms_entity *e = &isms_entity_objective;
    isms_sql *q = isms_rec_select_sql(ctx, e);
    json_t *rows;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, " WHERE review_id <> %d AND status IN " LIVE_OBJECTIVE " AND ", rid);
    isms_objective_current_sql(q, rid);
    isms_sql_appendf(q, " ORDER BY objective_id");
    if ((st = isms_rec_fetch(ctx, e, q, &rows, err)) != ISMS_DB_OK) return st;
    isms_json_pool(ctx->pool, rows);
    *out = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < json_array_size(rows); i++) {
        json_array_append_new(*out, isms_present(ctx, e, json_array_get(rows, i)));
    }
    return isms_items_extras(ctx, e, *out, err);
}

static isms_db_status find_input(isms_ctx *ctx, long long rid, long long *input_id,
                                 const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM input_item WHERE review_id = %d AND category = "
                        "'D4_OBJECTIVES' ORDER BY seq LIMIT 1", rid);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *input_id = rs->nrows ? isms_ll(ISMS_ROW(rs, 0, 0)) : 0;
    return ISMS_DB_OK;
}

static isms_db_status create_input(isms_ctx *ctx, const json_t *review, long long *input_id,
                                   const char **err)
{
    const isms_entity *e = &isms_entity_input;
    long long rid = jint(review, "id"), seq;
    json_t *doc = isms_json_pool(ctx->pool, json_object());
    isms_db_status st = isms_next_seq(ctx, e, rid, &seq, err);

    if (st != ISMS_DB_OK) return st;
    json_object_set_new(doc, "category", json_string("D4_OBJECTIVES"));
    json_object_set_new(doc, "title", json_string("Fulfilment of information security "
                                                  "objectives"));
    json_object_set_new(doc, "status", json_string("PRESENTED"));
    json_object_set_new(doc, "ref", json_string(apr_psprintf(ctx->pool, "%s-IN%02"
                                                APR_INT64_T_FMT, isms_jstr(review, "ref"),
                                                (apr_int64_t)seq)));
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    return isms_rec_insert(ctx, e, doc, rid, seq, input_id, err);
}

static void put_real(isms_sql *q, const json_t *v)
{
    if (json_is_number(v)) isms_sql_appendf(q, ", %f", json_number_value(v));
    else isms_sql_appendf(q, ", NULL");
}

static isms_db_status insert_snapshot(isms_ctx *ctx, long long rid, long long input_id,
                                      const json_t *o, const json_t *period, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const json_t *kpi = json_object_get(o, "kpi"), *last = json_object_get(o,
                                                                          "latest_measurement");

    isms_sql_appendf(q, "INSERT INTO objective_snapshot (review_id, input_id, objective_id, "
                        "revision_no, objective_ref, statement, owner, status, kpi_name, "
                        "kpi_unit, kpi_direction, kpi_target, latest_value, latest_period_to, "
                        "latest_rag, period_count, period_mean, previous_mean, trend) VALUES "
                        "(%d, %d, %d, %d, %s, %s, %s, %s, %s, %s, %s", rid, input_id,
                     jint(o, "objective_id"), jint(o, "revision_no"), isms_jstr(o, "ref"),
                     isms_jstr(o, "statement"), isms_jstr(o, "owner"), isms_jstr(o, "status"),
                     isms_jstr(kpi, "name"), isms_jstr(kpi, "unit"), isms_jstr(kpi, "direction"));
    put_real(q, json_object_get(kpi, "target"));
    put_real(q, json_object_get(last, "value"));
    isms_sql_appendf(q, ", %s, %s, %d", isms_jstr(last, "period_to"), isms_jstr(last, "rag"),
                     (long long)json_array_size(json_object_get(period, "items")));
    put_real(q, json_object_get(period, "mean"));
    put_real(q, json_object_get(period, "previous_mean"));
    isms_sql_appendf(q, ", %s)", isms_jstr(period, "trend"));
    return isms_exec_sql(ctx, q, NULL, err);
}

/* The input's metrics: how many objectives, how many of each RAG, and without data. */
static json_t *counts(const json_t *objs)
{
    static const char *const rags[] = {"GREEN", "AMBER", "RED", NULL};
    json_t *m = json_array(), *o;
    size_t i;
    int k, n, none = 0;

    json_array_append_new(m, json_pack("{s:s,s:I}", "name", "objectives reviewed", "value",
                                       (json_int_t)json_array_size(objs)));
    for (k = 0; rags[k]; k++) {
        n = 0;
        json_array_foreach(objs, i, o) n += isms_jstr(o, "rag") && !strcmp(isms_jstr(o, "rag"), rags[k]);
        json_array_append_new(m, json_pack("{s:s,s:i}", "name", rags[k], "value", n));
    }
    json_array_foreach(objs, i, o) none += !isms_jstr(o, "rag");
    json_array_append_new(m, json_pack("{s:s,s:i}", "name", "without measurement", "value",
                                       none));
    return m;
}

/* The input's trend: the objectives' common trend over the period, MIXED when they differ,
 * none while no objective has data in both periods. */
static const char *overall_trend(const json_t *trends)
{
    const char *t = NULL, *u;
    size_t i;
    json_t *v;

    json_array_foreach(trends, i, v) {
        u = json_string_value(v);
        if (!strcmp(u, "INSUFFICIENT_DATA")) continue;
        if (t && strcmp(t, u) != 0) return "MIXED";
        t = u;
    }
    return t;
}

static isms_db_status set_metrics(isms_ctx *ctx, long long input_id, const json_t *objs,
                                  const json_t *trends, const char **err)
{
    json_t *set = isms_json_pool(ctx->pool, json_object());
    const char *t = overall_trend(trends);

    json_object_set_new(set, "metrics", counts(objs));
    if (t) json_object_set_new(set, "trend", json_string(t));
    return isms_rec_update(ctx, &isms_entity_input, input_id, set, -1, NULL, err);
}

isms_db_status isms_d4_refresh(isms_ctx *ctx, const json_t *review, const char **err)
{
    long long rid = jint(review, "id"), input_id;
    const char *from, *to;
    json_t *objs, *o, *period, *trends;
    isms_sql *q;
    isms_db_status st = live_objectives(ctx, rid, &objs, err);
    size_t i;

    if (st == ISMS_DB_OK) st = find_input(ctx, rid, &input_id, err);
    if (st != ISMS_DB_OK || (!input_id && !json_array_size(objs))) return st;
    if (!input_id && (st = create_input(ctx, review, &input_id, err)) != ISMS_DB_OK) return st;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "DELETE FROM objective_snapshot WHERE input_id = %d", input_id);
    if ((st = isms_exec_sql(ctx, q, NULL, err)) != ISMS_DB_OK) return st;
    review_period(ctx, review, &from, &to);
    trends = isms_json_pool(ctx->pool, json_array());
    json_array_foreach(objs, i, o) {
        if ((st = isms_kpi_period(ctx, o, from, to, &period, err)) != ISMS_DB_OK) return st;
        isms_json_pool(ctx->pool, period);
        json_array_append(trends, json_object_get(period, "trend"));
        if ((st = insert_snapshot(ctx, rid, input_id, o, period, err)) != ISMS_DB_OK) return st;
    }
    return set_metrics(ctx, input_id, objs, trends, err);
}

isms_db_status isms_d4_snapshots(isms_ctx *ctx, json_t *input, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *list;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT objective_id, revision_no, objective_ref, statement, owner, "
                        "status, kpi_name, kpi_unit, kpi_direction, kpi_target, latest_value, "
                        "latest_period_to, latest_rag, period_count, period_mean, "
                        "previous_mean, trend FROM objective_snapshot WHERE input_id = %d "
                        "ORDER BY objective_id", jint(input, "id"));
    if ((st = isms_rows_json(ctx, q, &list, err)) == ISMS_DB_OK) {
        json_object_set_new(input, "objective_snapshots", list);
    }
    return st;
}

/* POST v1/reviews/{id}/refresh-d4 */
isms_result isms_d4_refresh_op(isms_ctx *ctx, long long rid)
{
    const char *err = NULL;
    json_t *review;
    isms_db_status st = isms_touch_review(ctx, rid, &err);
    isms_result r;

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if ((r = isms_load_review(ctx, rid, &review)).status) return r;
    if (!isms_review_editable(review)) {
        return isms_res_problem(ctx->pool, 409, "not-editable", "Review not editable",
                                "input d4 is refreshed only while the review is a draft; a "
                                "submitted or approved review keeps the numbers it was "
                                "decided on");
    }
    if ((st = isms_d4_refresh(ctx, review, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return isms_review_get(ctx, rid);
}
