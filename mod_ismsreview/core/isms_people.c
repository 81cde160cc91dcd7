/* SPDX-License-Identifier: Apache-2.0 */
/* The people register's operations: v1/people and the admin tool's CSV import. The
 * descriptor is isms_entity_person (isms_entity.c); rows go through isms_record.c. */
#include "isms_people.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <string.h>

/* Cross-field rule of a person: periods run forward, an e-mail address looks like one. */
void isms_check_person(const isms_entity *e, const json_t *m, const json_t *review,
                       isms_verrors *errs)
{
    const char *mail = isms_jstr(m, "email");
    const json_t *p;
    size_t i;

    (void)e;
    (void)review;
    json_array_foreach(json_object_get(m, "top_management"), i, p) {
        const char *from = isms_jstr(p, "from"), *to = isms_jstr(p, "to");
        if (from && to && strcmp(to, from) < 0) {
            isms_verr(errs, "top_management", "period_order",
                      "period %d ends (%s) before it starts (%s)", (int)i + 1, to, from);
        }
    }
    if (mail && *mail && (!strchr(mail, '@') || strchr(mail, ' ') || mail[0] == '@' ||
                          strchr(mail, '@')[1] == '\0')) {
        isms_verr(errs, "email", "invalid_format", "must be an e-mail address");
    }
}

static isms_result load_person(isms_ctx *ctx, long long id, json_t **row)
{
    return isms_load_record(ctx, &isms_entity_person, "person", id, row);
}

isms_result isms_person_get(isms_ctx *ctx, long long id)
{
    json_t *row;
    isms_result r = load_person(ctx, id, &row);

    if (r.status) return r;
    return isms_res_ok(ctx, 200, isms_present(ctx, &isms_entity_person, row),
                       isms_rec_etag(ctx->pool, &isms_entity_person, row), NULL);
}

static isms_result bad_param(isms_ctx *ctx, const char *detail)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter", detail);
}

isms_result isms_people_list(isms_ctx *ctx, const isms_query *qs)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_person);
    const char *login = apr_table_get(qs, "login"), *active = apr_table_get(qs, "active");
    long long limit, after;
    isms_result r = isms_page_params(ctx, qs, &limit, &after);

    if (r.status) return r;
    isms_sql_appendf(q, " WHERE id > %d", after);
    if (login) {
        if (isms_check_string(isms_entity_field(&isms_entity_person, "login"), login,
                              strlen(login))) {
            return bad_param(ctx, "login is not a valid value for this filter");
        }
        isms_sql_appendf(q, " AND login_key = %s", isms_user_key(ctx->pool, login));
    }
    if (active) {
        if (strcmp(active, "true") && strcmp(active, "false")) {
            return bad_param(ctx, "active must be true or false");
        }
        isms_sql_appendf(q, " AND active = %d", (long long)(strcmp(active, "true") == 0));
    }
    return isms_page_result(ctx, &isms_entity_person, q, limit, NULL);
}

isms_db_status isms_people_all(isms_ctx *ctx, json_t **out, const char **err)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_person);

    isms_sql_appendf(q, " ORDER BY login_key");
    return isms_rec_fetch(ctx, &isms_entity_person, q, out, err);
}

/* The id of the person under this login's key other than `except` (0: none). */
static isms_db_status key_taken(isms_ctx *ctx, const char *key, long long except,
                                long long *id, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM person WHERE login_key = %s AND id <> %d", key, except);
    st = isms_query_sql(ctx, q, &rs, err);
    *id = st == ISMS_DB_OK && rs->nrows ? isms_ll(ISMS_ROW(rs, 0, 0)) : 0;
    return st;
}

static isms_result login_conflict(isms_ctx *ctx, const char *login, long long other)
{
    isms_result r = isms_res_problem(ctx->pool, 409, "login-registered", "Login registered",
                                     apr_psprintf(ctx->pool, "%s is already in the people "
                                                  "register (person %" APR_INT64_T_FMT ")",
                                                  login, (apr_int64_t)other));
    json_object_set_new(r.body, "person_id", json_integer(other));
    return r;
}

/* The register changed: the drafts' snapshots follow it. */
static isms_result after_write(isms_ctx *ctx, long long id, int status)
{
    const char *err = NULL;
    isms_db_status st = isms_people_refresh_drafts(ctx, &err);
    isms_result r;

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    r = isms_person_get(ctx, id);
    if (r.status == 200 && status == 201) {
        r.status = 201;
        r.location = apr_psprintf(ctx->pool, "people/%" APR_INT64_T_FMT, (apr_int64_t)id);
    }
    return r;
}

static isms_result insert_person(isms_ctx *ctx, json_t *doc, long long *id)
{
    isms_result ok = {0};
    const char *key = isms_user_key(ctx->pool, isms_jstr(doc, "login")), *err = NULL;
    long long other = 0;
    isms_db_status st = key_taken(ctx, key, 0, &other, &err);

    if (st == ISMS_DB_OK && other) return login_conflict(ctx, isms_jstr(doc, "login"), other);
    json_object_set_new(doc, "login_key", json_string(key));
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    if (st == ISMS_DB_OK) st = isms_rec_insert(ctx, &isms_entity_person, doc, 0, 0, id, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return ok;
}

isms_result isms_person_create(isms_ctx *ctx, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *doc = isms_validate(&isms_entity_person, in, ISMS_V_CREATE, NULL, NULL, &errs);
    long long id = 0;
    isms_result r;

    if (!doc) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, doc);
    if ((r = insert_person(ctx, doc, &id)).status) return r;
    return after_write(ctx, id, 201);
}

/* Writes `set` (client fields) over the row; the login's key follows the login. */
static isms_result update_person(isms_ctx *ctx, const json_t *row, json_t *set)
{
    long long id = json_integer_value(json_object_get(row, "id")), other = 0, affected = 0;
    const char *err = NULL;
    isms_db_status st = ISMS_DB_OK;
    isms_result ok = {0};

    if (isms_jstr(set, "login")) {
        const char *key = isms_user_key(ctx->pool, isms_jstr(set, "login"));
        if ((st = key_taken(ctx, key, id, &other, &err)) == ISMS_DB_OK && other) {
            return login_conflict(ctx, isms_jstr(set, "login"), other);
        }
        json_object_set_new(set, "login_key", json_string(key));
    }
    json_object_set_new(set, "updated_at", json_string(ctx->now));
    json_object_set_new(set, "updated_by", json_string(ctx->user));
    if (st == ISMS_DB_OK) {
        st = isms_rec_update(ctx, &isms_entity_person, id, set, json_integer_value(
                             json_object_get(row, "_row_version")), &affected, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (affected != 1) {
        return isms_res_problem(ctx->pool, 412, "stale", "Precondition failed",
                                "the person changed while this request ran; reload it");
    }
    return ok;
}

static isms_result update_and_show(isms_ctx *ctx, const json_t *row, json_t *set)
{
    isms_result r = update_person(ctx, row, set);

    if (r.status) return r;
    r = after_write(ctx, json_integer_value(json_object_get(row, "id")), 200);
    r.before = isms_json_pool(ctx->pool, isms_present(ctx, &isms_entity_person, row));
    return r;
}

/* PATCH sends some fields; PUT sends the person (absent optional fields are cleared). */
static json_t *replacement(const json_t *in)
{
    json_t *full = json_deep_copy(in);
    const isms_field *f;

    for (f = isms_entity_person.fields; f->name; f++) {
        if (!(f->flags & ISMS_SERVER) && !json_object_get(full, f->name)) {
            json_object_set_new(full, f->name, f->default_value ? json_true() : json_null());
        }
    }
    return full;
}

static isms_result write_person(isms_ctx *ctx, long long id, const json_t *in,
                                const char *if_match, int put)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *row, *merged, *set;
    isms_result r = load_person(ctx, id, &row);

    if (r.status) return r;
    r = isms_check_if_match(ctx, if_match, isms_rec_etag(ctx->pool, &isms_entity_person, row));
    if (r.status) return r;
    if (put) {
        merged = isms_validate(&isms_entity_person, in, ISMS_V_CREATE, NULL, NULL, &errs);
        set = merged ? isms_json_pool(ctx->pool, replacement(merged)) : NULL;
    }
    else {
        merged = isms_validate(&isms_entity_person, in, ISMS_V_PATCH, row, NULL, &errs);
        set = isms_json_pool(ctx->pool, json_deep_copy(in));
    }
    if (!merged) return isms_res_invalid(ctx->pool, errs.list);
    json_decref(merged);
    if (json_is_null(json_object_get(set, "active"))) json_object_set_new(set, "active",
                                                                          json_true());
    return update_and_show(ctx, row, set);
}

isms_result isms_person_patch(isms_ctx *ctx, long long id, const json_t *in,
                              const char *if_match)
{
    return write_person(ctx, id, in, if_match, 0);
}

isms_result isms_person_put(isms_ctx *ctx, long long id, const json_t *in,
                            const char *if_match)
{
    return write_person(ctx, id, in, if_match, 1);
}

/* A person named by records stays: DELETE deactivates (their names and top-management
 * periods still explain the records of their time). */
isms_result isms_person_delete(isms_ctx *ctx, long long id, const char *if_match)
{
    json_t *row, *set = isms_json_pool(ctx->pool, json_pack("{s:b}", "active", 0));
    isms_result r = load_person(ctx, id, &row);

    if (r.status) return r;
    r = isms_check_if_match(ctx, if_match, isms_rec_etag(ctx->pool, &isms_entity_person, row));
    if (r.status) return r;
    r = update_and_show(ctx, row, set);
    if (r.status != 200) return r;
    r.status = 204;
    r.body = NULL;
    r.etag = NULL;
    return r;
}

/* Fields that the CSV import compares: a re-import of the same file changes nothing. */
static int same_person(const json_t *row, const json_t *doc)
{
    const isms_field *f;

    for (f = isms_entity_person.fields; f->name; f++) {
        const json_t *a = json_object_get(row, f->name), *b = json_object_get(doc, f->name);
        if (f->flags & ISMS_SERVER) continue;
        if (!json_equal(a ? a : json_null(), b ? b : json_null()) &&
            !((!a || json_is_null(a)) && (!b || json_is_null(b)))) {
            return 0;
        }
    }
    return 1;
}

isms_result isms_person_upsert(isms_ctx *ctx, const json_t *in, int *created)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *doc = isms_validate(&isms_entity_person, in, ISMS_V_CREATE, NULL, NULL, &errs);
    json_t *row = NULL;
    const char *err = NULL;
    long long id = 0;
    isms_db_status st;
    isms_result r;

    if (!doc) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, doc);
    if ((st = isms_people_find(ctx, isms_jstr(doc, "login"), &row, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    isms_json_pool(ctx->pool, row);
    if (!row) {
        *created = 1;
        if ((r = insert_person(ctx, doc, &id)).status) return r;
        return isms_person_get(ctx, id);
    }
    if (same_person(row, doc)) {
        *created = -1;
        return isms_person_get(ctx, json_integer_value(json_object_get(row, "id")));
    }
    *created = 0;
    if ((r = update_person(ctx, row, isms_json_pool(ctx->pool, replacement(doc)))).status) {
        return r;
    }
    return isms_person_get(ctx, json_integer_value(json_object_get(row, "id")));
}

isms_result isms_people_me(isms_ctx *ctx, void *unused)
{
    json_t *person = NULL;
    const char *err = NULL;
    isms_db_status st = isms_people_find(ctx, ctx->user, &person, &err);

    (void)unused;
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return isms_res_ok(ctx, 200, person ? person : json_null(), NULL, NULL);
}
