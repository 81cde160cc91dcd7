/* SPDX-License-Identifier: Apache-2.0 */
/* The review programme (domain-model.md A.1): v1/programmes, and what a review takes from
 * its programme (programme_id, scope_ref_snapshot, planned_interval_months). Rows go through
 * isms_record.c like the people register's. */
#include "isms_programme.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_report.h"

#include <apr_strings.h>
#include <string.h>

static const char *const coverage_modes[] = {"SINGLE_MEETING", "SEQUENCED_SESSIONS", NULL};

static void check_programme(const isms_entity *e, const json_t *m, const json_t *review,
                            isms_verrors *errs);

#define F(n, t, fl, ...) {.name = n, .type = t, .flags = fl, __VA_ARGS__}
static const isms_field programme_fields[] = {
    ISMS_STAMP_FIELDS,
    F("name", ISMS_F_STRING, ISMS_REQ, .max_chars = 200, .max_bytes = 600),
    F("scope_ref", ISMS_F_STRING, 0, .max_chars = 200, .max_bytes = 600),
    F("scope_version", ISMS_F_STRING, 0, .max_chars = 40, .max_bytes = 120),
    F("standards", ISMS_F_LIST, 0, .item_type = ISMS_F_ENUM, .enums = isms_standards,
      .max_items = 8),
    F("interval_months", ISMS_F_INT, ISMS_REQ, .min = 1, .max = 60),
    F("tolerance_days", ISMS_F_INT, ISMS_REQ, .min = 0, .max = 366),
    F("chair_role", ISMS_F_STRING, 0, .max_chars = 200, .max_bytes = 600),
    F("coverage_mode", ISMS_F_ENUM, 0, .enums = coverage_modes,
      .default_value = "SINGLE_MEETING"),
    F("cycle_length_months", ISMS_F_INT, 0, .min = 1, .max = 60),
    F("active", ISMS_F_BOOL, 0, .default_value = "true"),
    F("next_due_date", ISMS_F_DATE, ISMS_SERVER | ISMS_NOCOL),
    F("last_held", ISMS_F_DATE, ISMS_SERVER | ISMS_NOCOL),
    {.name = NULL}};
#undef F

const isms_entity isms_entity_programme = {"programme", "programmes", "review_programme", "",
                                           programme_fields, check_programme};

/* A sequenced programme covers its inputs over a cycle of several sessions. */
static void check_programme(const isms_entity *e, const json_t *m, const json_t *review,
                            isms_verrors *errs)
{
    const char *mode = isms_jstr(m, "coverage_mode");
    json_int_t cycle = json_integer_value(json_object_get(m, "cycle_length_months"));

    (void)e;
    (void)review;
    if (mode && !strcmp(mode, "SEQUENCED_SESSIONS") &&
        cycle < json_integer_value(json_object_get(m, "interval_months"))) {
        isms_verr(errs, "cycle_length_months", "required",
                  "a programme of SEQUENCED_SESSIONS needs a cycle at least as long as its "
                  "interval");
    }
}

const char *isms_programme_due(apr_pool_t *p, const json_t *programme, const char *held)
{
    return held ? isms_add_months(p, held, (int)json_integer_value(
                      json_object_get(programme, "interval_months"))) : NULL;
}

const char *isms_programme_scope(apr_pool_t *p, const json_t *programme)
{
    const char *ref = isms_jstr(programme, "scope_ref"), *v = isms_jstr(programme,
                                                                         "scope_version");

    if (!ref || !*ref) return NULL;
    return v && *v ? apr_pstrcat(p, ref, " v", v, NULL) : ref;
}

/* The default programme (the lowest id: the one migration 011 created), or the first active
 * one (a new review's when it names none). */
static isms_db_status first_id(isms_ctx *ctx, int active, long long *id, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT MIN(id) FROM review_programme");
    if (active) isms_sql_appendf(q, " WHERE active = 1");
    st = isms_query_sql(ctx, q, &rs, err);
    *id = st == ISMS_DB_OK && rs->nrows && ISMS_ROW(rs, 0, 0) ? isms_ll(ISMS_ROW(rs, 0, 0)) : 0;
    return st;
}

static isms_db_status default_id(isms_ctx *ctx, long long *id, const char **err)
{
    return first_id(ctx, 0, id, err);
}

isms_db_status isms_programme_last_held(isms_ctx *ctx, long long id, const char *before,
                                        long long except, const char **held, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    long long def = 0;
    isms_db_status st = default_id(ctx, &def, err);

    if (st != ISMS_DB_OK) return st;
    isms_sql_appendf(q, "SELECT MAX(held_frm) FROM review WHERE status <> 'CANCELLED' AND "
                        "id <> %d AND (programme_id = %d", except, id);
    if (id == def) isms_sql_appendf(q, " OR programme_id IS NULL");
    isms_sql_appendf(q, ")");
    if (before) isms_sql_appendf(q, " AND held_frm < %s", before);
    st = isms_query_sql(ctx, q, &rs, err);
    *held = st == ISMS_DB_OK && rs->nrows ? ISMS_ROW(rs, 0, 0) : NULL;
    return st;
}

static isms_db_status derive(isms_ctx *ctx, const isms_entity *e, json_t *items,
                             const char **err)
{
    json_t *p;
    size_t i;

    (void)e;
    json_array_foreach(items, i, p) {
        const char *held = NULL;
        isms_db_status st = isms_programme_last_held(ctx, json_integer_value(
                                json_object_get(p, "id")), NULL, 0, &held, err);
        const char *due = isms_programme_due(ctx->pool, p, held);
        if (st != ISMS_DB_OK) return st;
        json_object_set_new(p, "last_held", held ? json_string(held) : json_null());
        json_object_set_new(p, "next_due_date", due ? json_string(due) : json_null());
    }
    return ISMS_DB_OK;
}

static isms_result load(isms_ctx *ctx, long long id, json_t **row)
{
    return isms_load_record(ctx, &isms_entity_programme, "programme", id, row);
}

isms_result isms_programme_get(isms_ctx *ctx, long long id)
{
    json_t *row, *list;
    const char *err = NULL;
    isms_result r = load(ctx, id, &row);
    isms_db_status st;

    if (r.status) return r;
    list = isms_json_pool(ctx->pool, json_pack("[O]", row));
    if ((st = derive(ctx, NULL, list, &err)) != ISMS_DB_OK) return isms_res_db(ctx->pool, st,
                                                                                err);
    return isms_res_ok(ctx, 200, isms_present(ctx, &isms_entity_programme,
                                              json_array_get(list, 0)),
                       isms_rec_etag(ctx->pool, &isms_entity_programme, row), NULL);
}

isms_result isms_programmes_list(isms_ctx *ctx, const isms_query *qs)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_programme);
    long long limit, after;
    isms_result r = isms_page_params(ctx, qs, &limit, &after);

    if (r.status) return r;
    isms_sql_appendf(q, " WHERE id > %d", after);
    if ((r = isms_bool_filter(ctx, qs, q, "active")).status) return r;
    return isms_page_result(ctx, &isms_entity_programme, q, limit, derive);
}

isms_result isms_programme_create(isms_ctx *ctx, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *doc = isms_validate(&isms_entity_programme, in, ISMS_V_CREATE, NULL, NULL, &errs);
    const char *err = NULL;
    long long id = 0;
    isms_db_status st;
    isms_result r;

    if (!doc) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, doc);
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    if ((st = isms_rec_insert(ctx, &isms_entity_programme, doc, 0, 0, &id, &err)) !=
        ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    r = isms_programme_get(ctx, id);
    if (r.status == 200) {
        r.status = 201;
        r.location = apr_psprintf(ctx->pool, "programmes/%" APR_INT64_T_FMT, (apr_int64_t)id);
    }
    return r;
}

isms_result isms_programme_patch(isms_ctx *ctx, long long id, const json_t *in,
                                 const char *if_match)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *row, *merged, *set;
    const char *err = NULL;
    long long affected = 0;
    isms_db_status st;
    isms_result r = load(ctx, id, &row);

    if (r.status) return r;
    r = isms_check_if_match(ctx, if_match, isms_rec_etag(ctx->pool, &isms_entity_programme,
                                                         row));
    if (r.status) return r;
    merged = isms_validate(&isms_entity_programme, in, ISMS_V_PATCH, row, NULL, &errs);
    if (!merged) return isms_res_invalid(ctx->pool, errs.list);
    json_decref(merged);
    set = isms_json_pool(ctx->pool, json_deep_copy(in));
    json_object_set_new(set, "updated_at", json_string(ctx->now));
    json_object_set_new(set, "updated_by", json_string(ctx->user));
    st = isms_rec_update(ctx, &isms_entity_programme, id, set, json_integer_value(
                         json_object_get(row, "_row_version")), &affected, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (affected != 1) {
        return isms_res_problem(ctx->pool, 412, "stale", "Precondition failed",
                                "the programme changed while this request ran; reload it");
    }
    r = isms_programme_get(ctx, id);
    r.before = isms_json_pool(ctx->pool, isms_present(ctx, &isms_entity_programme, row));
    return r;
}

isms_db_status isms_programme_of(isms_ctx *ctx, const json_t *review, json_t **out,
                                 const char **err)
{
    long long id = json_integer_value(json_object_get(review, "programme_id"));
    isms_db_status st = id ? ISMS_DB_OK : default_id(ctx, &id, err);

    *out = NULL;
    if (st != ISMS_DB_OK || !id) return st;
    return isms_rec_get(ctx, &isms_entity_programme, 0, id, out, err);
}

static isms_result unknown_programme(isms_ctx *ctx, long long id, const char *why)
{
    json_t *errs = isms_json_pool(ctx->pool, json_array());
    isms_verrors e = {errs};

    isms_verr(&e, "programme_id", "unknown_programme", "programme %" APR_INT64_T_FMT " %s",
              (apr_int64_t)id, why);
    return isms_res_invalid(ctx->pool, errs);
}

isms_result isms_programme_assign(isms_ctx *ctx, const json_t *doc, json_t *set)
{
    isms_result ok = {0};
    long long id = json_integer_value(json_object_get(doc, "programme_id"));
    json_t *p = NULL;
    const char *err = NULL, *scope;
    long long use = id;
    isms_db_status st = use ? ISMS_DB_OK : first_id(ctx, 1, &use, &err);

    if (st == ISMS_DB_OK && use) {
        st = isms_rec_get(ctx, &isms_entity_programme, 0, use, &p, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    isms_json_pool(ctx->pool, p);
    if (!p && id) return unknown_programme(ctx, id, "does not exist");
    if (!p) return ok;                     /* no programme at all: MR-02 says so */
    if (!json_is_true(json_object_get(p, "active"))) {
        return unknown_programme(ctx, id, "is not active");
    }
    scope = isms_programme_scope(ctx->pool, p);
    json_object_set(set, "programme_id", json_object_get(p, "id"));
    json_object_set_new(set, "scope_ref_snapshot", scope ? json_string(scope) : json_null());
    json_object_set(set, "planned_interval_months", json_object_get(p, "interval_months"));
    return ok;
}
