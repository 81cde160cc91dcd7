/* SPDX-License-Identifier: Apache-2.0 */
/* What the completeness check reads of the review programme and the IMS catalogue
 * (isms_rules_programme.c): the review's programme, the catalogue, and for a programme of
 * sequenced sessions the other sessions of the review's cycle with what they covered. */
#include "isms_programme.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_report.h"

#include <apr_strings.h>
#include <string.h>

/* The result collections an output of the catalogue can map to (one {} per item). */
static const char *const result_colls[] = {"actions", "improvements", "changes",
                                           "objectives", "resources", "communications", NULL};

/* " IN (id, ...)" of the sessions. */
static void in_ids(isms_sql *q, const json_t *sessions)
{
    const json_t *s;
    size_t i;

    isms_sql_appendf(q, " IN (0");
    json_array_foreach(sessions, i, s) {
        isms_sql_appendf(q, ", %d", (long long)json_integer_value(json_object_get(s, "id")));
    }
    isms_sql_appendf(q, ")");
}

static json_t *session_by_id(const json_t *sessions, const char *id)
{
    const json_t *s;
    size_t i;

    json_array_foreach(sessions, i, s) {
        if (json_integer_value(json_object_get(s, "id")) == isms_ll(id)) return (json_t *)s;
    }
    return NULL;
}

/* The sessions' rows of table: appended to each session's coll as {k1: .., k2: (JSON)}. */
static isms_db_status add_rows(isms_ctx *ctx, json_t *sessions, const char *table,
                               const char *coll, const char *k1, const char *k2,
                               const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT review_id");
    if (k1) isms_sql_appendf(q, ", %k", k1);
    if (k2) isms_sql_appendf(q, ", %k", k2);
    isms_sql_appendf(q, " FROM %k WHERE review_id", table);
    in_ids(q, sessions);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        json_t *s = session_by_id(sessions, ISMS_ROW(rs, i, 0)), *it = json_object();
        if (k1 && ISMS_ROW(rs, i, 1)) json_object_set_new(it, k1, json_string(ISMS_ROW(rs, i, 1)));
        if (k2 && ISMS_ROW(rs, i, 2)) {
            json_t *v = json_loads(ISMS_ROW(rs, i, 2), 0, NULL);
            json_object_set_new(it, k2, v ? v : json_null());
        }
        json_array_append_new(json_object_get(s, coll), it);
    }
    return ISMS_DB_OK;
}

/* What each session covered: its inputs, decisions and one {} per result item. */
static isms_db_status session_items(isms_ctx *ctx, json_t *sessions, const char **err)
{
    isms_db_status st;
    int i;

    st = add_rows(ctx, sessions, "input_item", "inputs", "category", "requirement_codes",
                  err);
    if (st == ISMS_DB_OK) {
        st = add_rows(ctx, sessions, "decision", "decisions", "category", NULL, err);
    }
    for (i = 0; result_colls[i] && st == ISMS_DB_OK; i++) {
        st = add_rows(ctx, sessions, isms_entity_by_collection(result_colls[i])->table,
                      result_colls[i], NULL, NULL, err);
    }
    return st;
}

/* The programme's reviews, other than this one, held from `from` to `to`. */
static isms_db_status sessions_of(isms_ctx *ctx, const json_t *prog, long long self,
                                  const char *from, const char *to, json_t **out,
                                  const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i, k;

    isms_sql_appendf(q, "SELECT id, ref, held_frm, suitability_rating, adequacy_rating, "
                        "effectiveness_rating FROM review WHERE status <> 'CANCELLED' AND "
                        "programme_id = %d AND id <> %d AND held_frm >= %s AND held_frm <= %s "
                        "ORDER BY held_frm, id",
                     (long long)json_integer_value(json_object_get(prog, "id")), self, from,
                     to);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < rs->nrows; i++) {
        json_t *s = json_pack("{s:I,s:s?,s:s?,s:[],s:[]}", "id",
                              (json_int_t)isms_ll(ISMS_ROW(rs, i, 0)), "ref",
                              ISMS_ROW(rs, i, 1), "held_from", ISMS_ROW(rs, i, 2), "inputs",
                              "decisions");
        static const char *const concl[] = {"suitability", "adequacy", "effectiveness"};
        for (k = 0; k < 3; k++) {
            if (ISMS_ROW(rs, i, 3 + k)) {
                json_object_set_new(s, concl[k], json_pack("{s:s}", "rating",
                                                           ISMS_ROW(rs, i, 3 + k)));
            }
        }
        for (k = 0; result_colls[k]; k++) json_object_set_new(s, result_colls[k], json_array());
        json_array_append_new(*out, s);
    }
    return json_array_size(*out) ? session_items(ctx, *out, err) : ISMS_DB_OK;
}

/* The cycle of a review held on `held`: cycles of cycle_length_months from the first
 * session the programme held. */
static isms_db_status cycle_of(isms_ctx *ctx, const json_t *review, const json_t *prog,
                               const char *held, json_t **cycle, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    int len = (int)json_integer_value(json_object_get(prog, "cycle_length_months")), k = 0;
    const char *anchor, *start, *end;
    json_t *sessions = NULL;
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT MIN(held_frm) FROM review WHERE status <> 'CANCELLED' AND "
                        "programme_id = %d",
                     (long long)json_integer_value(json_object_get(prog, "id")));
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    anchor = rs->nrows && ISMS_ROW(rs, 0, 0) && strcmp(ISMS_ROW(rs, 0, 0), held) < 0
             ? ISMS_ROW(rs, 0, 0) : held;
    if (len < 1) len = 12;
    while (strcmp(isms_add_months(ctx->pool, anchor, (k + 1) * len), held) <= 0) k++;
    start = isms_add_months(ctx->pool, anchor, k * len);
    end = isms_add_months(ctx->pool, anchor, (k + 1) * len);
    st = sessions_of(ctx, prog, json_integer_value(json_object_get(review, "id")), start, held,
                     &sessions, err);
    if (st != ISMS_DB_OK) return st;
    *cycle = json_pack("{s:s,s:s,s:O}", "start", start, "end", end, "sessions", sessions);
    return ISMS_DB_OK;
}

isms_db_status isms_programme_rules_view(isms_ctx *ctx, json_t *review, const char **err)
{
    json_t *prog = NULL, *cat = NULL, *cycle = NULL;
    const char *mode, *held = isms_jstr(review, "held_from");
    isms_db_status st = isms_programme_of(ctx, review, &prog, err);

    if (st == ISMS_DB_OK) st = isms_catalogue_all(ctx, &cat, err);
    if (st != ISMS_DB_OK) {
        json_decref(prog);
        return st;
    }
    json_object_set_new(review, "_programme", prog ? prog : json_null());
    json_object_set_new(review, "_catalogue", cat);
    if (prog && held) {
        const char *prev = NULL;
        st = isms_programme_last_held(ctx, json_integer_value(json_object_get(prog, "id")),
                                      held, json_integer_value(json_object_get(review, "id")),
                                      &prev, err);
        if (st != ISMS_DB_OK) return st;
        json_object_set_new(review, "_programme_previous", prev ? json_string(prev)
                                                                : json_null());
    }
    mode = isms_jstr(prog, "coverage_mode");
    if (mode && !strcmp(mode, "SEQUENCED_SESSIONS") && held) {
        if ((st = cycle_of(ctx, review, prog, held, &cycle, err)) != ISMS_DB_OK) return st;
        json_object_set_new(review, "_cycle", cycle);
    }
    return ISMS_DB_OK;
}
