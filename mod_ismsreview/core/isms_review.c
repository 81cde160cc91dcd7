/* SPDX-License-Identifier: Apache-2.0 */
/* Reviews: create (reference, carry-over of open actions), read with every item embedded,
 * change while a draft, list. */
#include "isms_ops.h"
#include "isms_prior.h"
#include "isms_json.h"
#include "isms_cache.h"
#include "isms_people.h"
#include "isms_programme.h"
#include "isms_workflow.h"
#include "isms_migrate.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

/* MR-<year>-<NN>: a counter per year, incremented under the row lock of its counter row. */
static isms_db_status next_review_ref(isms_ctx *ctx, const char *planned, const char **ref,
                                      const char **err)
{
    const char *scope = apr_pstrcat(ctx->pool, "MR-", apr_pstrndup(ctx->pool, planned, 4),
                                    NULL);
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    const isms_dialect *d = isms_conn_dialect(ctx->conn);
    int returning = d->update_returning;

    isms_sql_appendf(q, "INSERT INTO ref_counter (scope, last_value) VALUES (%s, 0)", scope);
    isms_sql_appendf(q, d->insert_keep_tail, "last_value", "last_value");
    if ((st = isms_exec_sql(ctx, q, NULL, err)) != ISMS_DB_OK) return st;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "UPDATE ref_counter SET last_value = last_value + 1 WHERE scope = %s",
                     scope);
    if (returning) isms_sql_appendf(q, " RETURNING last_value");
    if (!returning) {
        /* MariaDB: no UPDATE ... RETURNING; the row stays locked by this transaction, so
         * the read that follows sees this increment and no other */
        if ((st = isms_exec_sql(ctx, q, NULL, err)) != ISMS_DB_OK) return st;
        q = isms_sql_new(ctx->pool, ctx->conn);
        isms_sql_appendf(q, "SELECT last_value FROM ref_counter WHERE scope = %s", scope);
    }
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *ref = apr_psprintf(ctx->pool, "%s-%02" APR_INT64_T_FMT "", scope,
                        (apr_int64_t)isms_ll(ISMS_ROW(rs, 0, 0)));
    return ISMS_DB_OK;
}

/* The latest review planned before this one (by date; not cancelled). */
static isms_db_status previous_review(isms_ctx *ctx, const char *planned, long long *prev,
                                      const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM review WHERE status <> 'CANCELLED' AND planned_date "
                        "<= %s ORDER BY planned_date DESC, id DESC LIMIT 1", planned);
    st = isms_query_sql(ctx, q, &rs, err);

    *prev = st == ISMS_DB_OK && rs->nrows ? isms_ll(ISMS_ROW(rs, 0, 0)) : 0;
    return st;
}

static void set_server_fields(isms_ctx *ctx, json_t *doc, const char *ref, long long prev)
{
    json_object_set_new(doc, "ref", json_string(ref));
    json_object_set_new(doc, "status", json_string("DRAFT"));
    json_object_set_new(doc, "version", json_integer(1));
    json_object_set_new(doc, "author", json_string(ctx->user));
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    json_object_set_new(doc, "planned_interval_months", json_integer(ctx->interval_months));
    json_object_set_new(doc, "previous_review_id", prev ? json_integer(prev) : json_null());
}

isms_result isms_review_create(isms_ctx *ctx, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *doc = isms_validate(&isms_entity_review, in, ISMS_V_CREATE, NULL, NULL, &errs);
    const char *ref, *err = NULL;
    long long id, prev;
    isms_db_status st;
    isms_result r;

    if (!doc) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, doc);
    st = next_review_ref(ctx, json_string_value(json_object_get(doc, "planned_date")), &ref,
                         &err);
    if (st == ISMS_DB_OK) {
        st = previous_review(ctx, json_string_value(json_object_get(doc, "planned_date")), &prev,
                             &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    set_server_fields(ctx, doc, ref, prev);
    if ((r = isms_programme_assign(ctx, doc, doc)).status) return r;
    st = isms_rec_insert(ctx, &isms_entity_review, doc, 0, 0, &id, &err);
    json_object_set_new(doc, "id", json_integer(id));
    if (st == ISMS_DB_OK && prev) st = isms_carry_over(ctx, doc, &err);
    if (st == ISMS_DB_OK) st = isms_d4_refresh(ctx, doc, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    r = isms_review_get(ctx, id);
    r.status = r.status == 200 ? 201 : r.status;
    r.location = apr_psprintf(ctx->pool, "reviews/%" APR_INT64_T_FMT "", (apr_int64_t)id);
    return r;
}

/* Every item of the review, by kind, in the order they were added. */
static isms_db_status embed_items(isms_ctx *ctx, json_t *out, long long id, const char **err)
{
    int i;

    for (i = 0; isms_item_entities[i]; i++) {
        const isms_entity *e = isms_item_entities[i];
        isms_sql *q = isms_rec_select_sql(ctx, e);
        json_t *rows, *list = json_array();
        isms_db_status st;
        size_t k;

        isms_sql_appendf(q, " WHERE review_id = %d ORDER BY seq", id);
        if ((st = isms_rec_fetch(ctx, e, q, &rows, err)) != ISMS_DB_OK) {
            json_decref(list);
            return st;
        }
        for (k = 0; k < json_array_size(rows); k++) {
            json_array_append_new(list, isms_present(ctx, e, json_array_get(rows, k)));
        }
        json_decref(rows);
        st = isms_items_extras(ctx, e, list, err);
        json_object_set_new(out, e->collection, list);
        if (st != ISMS_DB_OK) return st;
    }
    return ISMS_DB_OK;
}

isms_result isms_review_get(isms_ctx *ctx, long long id)
{
    json_t *row, *out;
    const char *err = NULL;
    isms_result r = isms_load_review(ctx, id, &row);
    isms_db_status st;

    if (r.status) return r;
    out = isms_json_pool(ctx->pool, isms_present(ctx, &isms_entity_review, row));
    if ((st = embed_items(ctx, out, id, &err)) != ISMS_DB_OK ||
        (st = isms_prior_embed(ctx, out, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    r.status = 200;
    r.body = out;
    r.etag = isms_review_etag(ctx, row);
    r.location = NULL;
    return r;
}

isms_result isms_review_patch(isms_ctx *ctx, long long id, const json_t *in,
                              const char *if_match)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *row, *merged, *set;
    const char *err = NULL;
    long long affected = 0;
    isms_db_status st;
    isms_result r = isms_load_review(ctx, id, &row);

    if (r.status) return r;
    r = isms_check_if_match(ctx, if_match, isms_review_etag(ctx, row));
    if (r.status) return r;
    if (!isms_review_editable(row)) {
        return isms_res_problem(ctx->pool, 409, "not-editable", "Review not editable",
                                "only a DRAFT or RETURNED review can be changed");
    }
    merged = isms_validate(&isms_entity_review, in, ISMS_V_PATCH, row, NULL, &errs);
    if (!merged) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, merged);
    set = isms_json_pool(ctx->pool, json_deep_copy(in));
    /* a programme set (again) brings its interval and current scope */
    if (json_object_get(in, "programme_id") &&
        (r = isms_programme_assign(ctx, merged, set)).status) {
        return r;
    }
    json_object_set_new(set, "updated_at", json_string(ctx->now));
    json_object_set_new(set, "updated_by", json_string(ctx->user));
    st = isms_rec_update(ctx, &isms_entity_review, id, set,
                         json_integer_value(json_object_get(row, "_row_version")), &affected,
                         &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (affected != 1) {
        return isms_res_problem(ctx->pool, 412, "stale", "Precondition failed",
                                "the review changed while this request ran; reload it");
    }
    /* the meeting date may have moved: the attendees' top-management snapshots follow */
    if ((st = isms_people_refresh(ctx, merged, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    r = isms_review_get(ctx, id);
    r.before = isms_json_pool(ctx->pool, isms_present(ctx, &isms_entity_review, row));
    return r;
}

isms_result isms_review_list(isms_ctx *ctx, const isms_query *qs)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_review);
    const char *year = apr_table_get(qs, "year");
    long long limit, after;
    isms_result r = isms_page_params(ctx, qs, &limit, &after);

    if (r.status) return r;
    isms_sql_appendf(q, " WHERE id > %d", after);
    r = isms_filters(ctx, &isms_entity_review, qs, q, "");
    if (r.status) return r;
    if (year) {
        if (strlen(year) != 4 || !isms_date_valid(apr_pstrcat(ctx->pool, year, "-01-01",
                                                              NULL))) {
            return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                    "year must be four digits");
        }
        isms_sql_appendf(q, " AND planned_date LIKE %s", apr_pstrcat(ctx->pool, year, "-%",
                                                                     NULL));
    }
    return isms_page_result(ctx, &isms_entity_review, q, limit, NULL);
}

/* ---- the rendered review, cached per process and validated in every read ---- */

/* What the rendered review depends on, read in the request's read transaction: its
 * row_version, bumped in the same transaction as every write to the review, its items, its
 * actions' progress updates, its objectives' measurements, and the creation or cancellation
 * of a later review that carries its actions over (carry_over_count; isms_touch_carried);
 * and the day (an open action's days_overdue). NULL when there is no such review. */
/* The schema version read along with a validator is the one this build expects. */
static int schema_current(isms_ctx *ctx, const char *version)
{
    return version && atoi(version) ==
           isms_migrate_expected(isms_conn_dialect(ctx->conn)->name);
}

static isms_db_status review_validator(isms_ctx *ctx, long long id, const char **v,
                                       int *schema_ok, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    /* the schema version rides along: the fast path needs no statement of its own to see
     * another front end's migration (isms_schema_check) */
    isms_sql_appendf(q, "SELECT row_version, status, (SELECT MAX(version) FROM schema_version) "
                        "FROM review WHERE id = %d", id);
    *v = NULL;
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    if (rs->nrows == 1) {
        *v = apr_pstrcat(ctx->pool, ISMS_ROW(rs, 0, 0), "|", ISMS_ROW(rs, 0, 1), "|",
                         ctx->today, NULL);
        *schema_ok = schema_current(ctx, ISMS_ROW(rs, 0, 2));
    }
    return ISMS_DB_OK;
}

/* A 200 result as the bytes it is sent as (isms_json_dump of the body). */
static void as_raw(isms_result *r, const char *body, size_t len)
{
    r->raw = body;
    r->raw_len = len;
    r->content_type = "application/json; charset=utf-8";
}

static isms_result cached_or(isms_ctx *ctx, const char *key, const char *validator,
                             isms_result (*render)(isms_ctx *, long long, long long),
                             long long id, long long arg)
{
    isms_cache *cache = isms_conn_cache(ctx->conn);
    isms_result r = {0};
    const char *body;
    size_t len;
    int claimed = 0;

    if (validator && isms_cache_get_or_claim(cache, ctx->pool, key, validator, &r.etag, &body,
                                             &len, &claimed)) {
        r.status = 200;
        as_raw(&r, body, len);
        return r;
    }
    r = render(ctx, id, arg);
    if (r.status == 200 && r.body && !r.raw && (body = isms_json_dump(ctx->pool, r.body,
                                                                      &len)) != NULL) {
        if (validator) isms_cache_put(cache, key, validator, r.etag, body, len);
        as_raw(&r, body, len);
    }
    else if (claimed) {
        isms_cache_abandon(cache, key, validator);
    }
    return r;
}

static isms_result render_review(isms_ctx *ctx, long long id, long long unused)
{
    (void)unused;
    return isms_review_get(ctx, id);
}

static const char *review_key(isms_ctx *ctx, long long id, long long version)
{
    return version ? apr_psprintf(ctx->pool, "version:%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT,
                                  (apr_int64_t)id, (apr_int64_t)version)
                   : apr_psprintf(ctx->pool, "review:%" APR_INT64_T_FMT, (apr_int64_t)id);
}

/* Outside a transaction, one statement, the schema check included (the caller acquired the
 * connection without it). */
isms_result isms_review_get_fast(isms_ctx *ctx, long long id)
{
    isms_result r = {0};
    const char *v = NULL, *err = NULL, *body;
    int schema_ok = 0;
    isms_db_status st = review_validator(ctx, id, &v, &schema_ok, &err);
    size_t len;

    if (st != ISMS_DB_OK || !v || !schema_ok) return r;       /* the full path reports it */
    if (isms_cache_get(isms_conn_cache(ctx->conn), ctx->pool, review_key(ctx, id, 0), v,
                       &r.etag, &body, &len)) {
        r.status = 200;
        as_raw(&r, body, len);
    }
    return r;
}

/* A sealed version never changes (triggers refuse it) and its representation holds nothing
 * that does (its status is the review's history): once rendered, its bytes are valid for
 * ever, under one validator. */
#define SEALED "sealed"

isms_result isms_review_version_from_cache(isms_cache *cache, apr_pool_t *p, long long id,
                                           long long version)
{
    isms_result r = {0};
    const char *body;
    size_t len;
    char *key = apr_psprintf(p, "version:%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT,
                             (apr_int64_t)id, (apr_int64_t)version);

    if (cache && isms_cache_get(cache, p, key, SEALED, &r.etag, &body, &len)) {
        r.status = 200;
        as_raw(&r, body, len);
    }
    return r;
}

isms_result isms_review_get_cached(isms_ctx *ctx, long long id)
{
    const char *v = NULL, *err = NULL;
    int schema_ok = 0;
    isms_db_status st = review_validator(ctx, id, &v, &schema_ok, &err);

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return cached_or(ctx, review_key(ctx, id, 0), v, render_review, id, 0);
}

static isms_result render_version(isms_ctx *ctx, long long id, long long version)
{
    return isms_review_version_get(ctx, id, version);
}

/* Rendered once per process, in a read transaction, then served without the database. */
isms_result isms_review_version_get_cached(isms_ctx *ctx, long long id, long long version)
{
    return cached_or(ctx, review_key(ctx, id, version), SEALED, render_version, id, version);
}
