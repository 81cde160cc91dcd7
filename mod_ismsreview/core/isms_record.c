/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_record.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

long long isms_ll(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

/* SQL spells "from" in names as "frm" (the libdbi sqlite3 driver loops on statements with
 * "from" inside a word): held_from is the column held_frm. */
const char *isms_column(apr_pool_t *p, const char *name)
{
    const char *hit = strstr(name, "from");

    if (!hit) return name;
    return apr_pstrcat(p, apr_pstrmemdup(p, name, (apr_size_t)(hit - name)), "frm",
                       isms_column(p, hit + 4), NULL);
}

const char *isms_json_name(apr_pool_t *p, const char *column)
{
    const char *hit = strstr(column, "frm");

    if (!hit) return column;
    return apr_pstrcat(p, apr_pstrmemdup(p, column, (apr_size_t)(hit - column)), "from",
                       isms_json_name(p, hit + 3), NULL);
}

static int is_item(const isms_entity *e)
{
    return e->ref_code && *e->ref_code;   /* items have a reference code; the review, people,
                                             programmes and the catalogue do not */
}

isms_db_status isms_exec_sql(isms_ctx *ctx, isms_sql *q, long long *affected,
                             const char **err)
{
    return isms_conn_run_sql(ctx->conn, ctx->pool, q, NULL, affected, err);
}

isms_db_status isms_query_sql(isms_ctx *ctx, isms_sql *q, isms_rows **rs, const char **err)
{
    return isms_conn_run_sql(ctx->conn, ctx->pool, q, rs, NULL, err);
}

/* The columns of a row as row_json reads them, after lead ("SELECT " or " RETURNING "). */
static void column_list(isms_sql *q, const isms_entity *e, apr_pool_t *p, const char *lead)
{
    const isms_field *f, *s;

    isms_sql_appendf(q, lead);
    isms_sql_appendf(q, "id, row_version");
    if (is_item(e)) isms_sql_appendf(q, ", review_id, seq");
    for (f = e->fields; f->name; f++) {
        if ((f->flags & ISMS_NOCOL) || strcmp(f->name, "id") == 0) continue;
        if (f->type != ISMS_F_OBJECT) {
            isms_sql_appendf(q, ", \"%k\"", isms_column(p, f->name));
            continue;
        }
        for (s = f->sub; s->name; s++) isms_sql_appendf(q, ", %k_%k", f->name, s->name);
    }
}

isms_sql *isms_rec_select_sql(isms_ctx *ctx, const isms_entity *e)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    column_list(q, e, ctx->pool, "SELECT ");
    isms_sql_appendf(q, " FROM %k", e->table);
    return q;
}

static json_t *value_json(isms_ftype t, const char *v)
{
    if (!v) return json_null();
    switch (t) {
    case ISMS_F_INT: case ISMS_F_REF: return json_integer(isms_ll(v));
    case ISMS_F_BOOL: return json_boolean(isms_ll(v) != 0);
    case ISMS_F_NUMBER: return json_real(strtod(v, NULL));
    case ISMS_F_LIST: {
        json_t *j = json_loads(v, JSON_REJECT_DUPLICATES, NULL);
        return j ? j : json_array();
    }
    case ISMS_F_JSON: {
        json_t *j = json_loads(v, JSON_REJECT_DUPLICATES, NULL);
        if (j && json_is_object(j)) return j;
        json_decref(j);
        return json_null();
    }
    default: return json_string(v);
    }
}

static json_t *object_json(const isms_field *f, const isms_rows *rs, int row, int *col)
{
    json_t *o = json_object();
    const isms_field *s;
    int any = 0;

    for (s = f->sub; s->name; s++) {
        const char *v = ISMS_ROW(rs, row, (*col)++);
        any |= v != NULL;
        if (v) json_object_set_new(o, s->name, value_json(s->type, v));
    }
    if (any) return o;
    json_decref(o);
    return json_null();
}

static json_t *row_json(const isms_entity *e, const isms_rows *rs, int row)
{
    json_t *j = json_object();
    const isms_field *f;
    int col = 2;

    json_object_set_new(j, "id", json_integer(isms_ll(ISMS_ROW(rs, row, 0))));
    json_object_set_new(j, "_row_version", json_integer(isms_ll(ISMS_ROW(rs, row, 1))));
    if (is_item(e)) {
        json_object_set_new(j, "review_id", json_integer(isms_ll(ISMS_ROW(rs, row, 2))));
        col = 4;
    }
    for (f = e->fields; f->name; f++) {
        if ((f->flags & ISMS_NOCOL) || strcmp(f->name, "id") == 0) continue;
        json_object_set_new(j, f->name, f->type == ISMS_F_OBJECT
                                            ? object_json(f, rs, row, &col)
                                            : value_json(f->type, ISMS_ROW(rs, row, col++)));
    }
    return j;
}

isms_db_status isms_rec_fetch(isms_ctx *ctx, const isms_entity *e, isms_sql *q, json_t **out,
                              const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_query_sql(ctx, q, &rs, err);
    int i;

    if (st != ISMS_DB_OK) return st;
    *out = json_array();
    for (i = 0; i < rs->nrows; i++) json_array_append_new(*out, row_json(e, rs, i));
    return ISMS_DB_OK;
}

/* The one row a statement built with isms_rec_returning returned, as isms_rec_fetch reads
 * it; NULL when it returned none. */
static isms_db_status fetch_one(isms_ctx *ctx, const isms_entity *e, isms_sql *q, json_t **row,
                                const char **err)
{
    json_t *all;
    isms_db_status st = isms_rec_fetch(ctx, e, q, &all, err);

    if (st != ISMS_DB_OK) return st;
    *row = json_array_size(all) ? json_incref(json_array_get(all, 0)) : NULL;
    json_decref(all);
    return ISMS_DB_OK;
}

isms_db_status isms_rec_get(isms_ctx *ctx, const isms_entity *e, long long review_id,
                            long long id, json_t **out, const char **err)
{
    isms_sql *q = isms_rec_select_sql(ctx, e);

    isms_sql_appendf(q, " WHERE id = %d", id);
    if (is_item(e)) isms_sql_appendf(q, " AND review_id = %d", review_id);
    return fetch_one(ctx, e, q, out, err);
}

/* One value in SQL form; OBJECT and NOCOL fields are handled by the callers. */
static void put_value(isms_sql *q, isms_ftype t, const json_t *v, apr_pool_t *p)
{
    if (!v || json_is_null(v)) {
        isms_sql_appendf(q, "NULL");
        return;
    }
    switch (t) {
    case ISMS_F_INT: case ISMS_F_REF: isms_sql_appendf(q, "%d", (long long)json_integer_value(v));
        break;
    case ISMS_F_BOOL: isms_sql_appendf(q, "%d", (long long)json_is_true(v)); break;
    case ISMS_F_NUMBER: isms_sql_appendf(q, "%f", json_number_value(v)); break;
    case ISMS_F_LIST: case ISMS_F_JSON: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
        isms_sql_appendf(q, "%s", s ? apr_pstrdup(p, s) : "[]");
        free(s);
        break;
    }
    default: isms_sql_appendf(q, "%s", json_string_value(v)); break;
    }
}

typedef void column_fn(isms_sql *q, const char *col, isms_ftype t, const json_t *v,
                       int *n, apr_pool_t *p);

/* Calls fn for each column that doc sets (objects expand to their members' columns). */
static void each_column(const isms_entity *e, const json_t *doc, isms_sql *q, column_fn *fn,
                        apr_pool_t *p)
{
    const isms_field *f, *s;
    int n = 0;

    for (f = e->fields; f->name; f++) {
        const json_t *v = json_object_get(doc, f->name);
        if (!v || (f->flags & ISMS_NOCOL) || strcmp(f->name, "id") == 0) continue;
        if (f->type != ISMS_F_OBJECT) {
            fn(q, f->name, f->type, v, &n, p);
            continue;
        }
        for (s = f->sub; s->name; s++) {
            fn(q, apr_pstrcat(p, f->name, "_", s->name, NULL), s->type,
               json_is_object(v) ? json_object_get(v, s->name) : NULL, &n, p);
        }
    }
}

static void col_name(isms_sql *q, const char *col, isms_ftype t, const json_t *v, int *n,
                     apr_pool_t *p)
{
    isms_sql_appendf(q, ", \"%k\"", isms_column(p, col));
}

static void col_value(isms_sql *q, const char *col, isms_ftype t, const json_t *v, int *n,
                      apr_pool_t *p)
{
    isms_sql_appendf(q, ", ");
    put_value(q, t, v, p);
}

static void col_assign(isms_sql *q, const char *col, isms_ftype t, const json_t *v, int *n,
                       apr_pool_t *p)
{
    isms_sql_appendf(q, ", \"%k\" = ", isms_column(p, col));
    put_value(q, t, v, p);
}

void isms_rec_returning(isms_ctx *ctx, const isms_entity *e, isms_sql *q)
{
    column_list(q, e, ctx->pool, " RETURNING ");
}

isms_db_status isms_rec_write_get(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                                  json_t **row, const char **err)
{
    isms_rec_returning(ctx, e, q);
    return fetch_one(ctx, e, q, row, err);
}

/* "INSERT INTO <table> (...) VALUES (...)" of doc, for the caller's RETURNING. */
static isms_sql *insert_sql(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                            long long review_id, long long seq)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "INSERT INTO %k (row_version", e->table);
    if (is_item(e)) isms_sql_appendf(q, ", review_id, seq");
    each_column(e, doc, q, col_name, ctx->pool);
    isms_sql_appendf(q, ") VALUES (1");
    if (is_item(e)) isms_sql_appendf(q, ", %d, %d", review_id, seq);
    each_column(e, doc, q, col_value, ctx->pool);
    isms_sql_appendf(q, ")");
    return q;
}

isms_db_status isms_rec_insert_row(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                                   long long review_id, long long seq, json_t **row,
                                   const char **err)
{
    isms_db_status st = isms_rec_write_get(ctx, e, insert_sql(ctx, e, doc, review_id, seq),
                                           row, err);

    if (st == ISMS_DB_OK && !*row) {
        *err = "INSERT returned no row";
        return ISMS_DB_ERROR;
    }
    return st;
}

isms_db_status isms_rec_insert(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                               long long review_id, long long seq, long long *id,
                               const char **err)
{
    isms_sql *q = insert_sql(ctx, e, doc, review_id, seq);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, " RETURNING id");
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    if (rs->nrows != 1) {
        *err = "INSERT returned no id";
        return ISMS_DB_ERROR;
    }
    *id = isms_ll(ISMS_ROW(rs, 0, 0));
    return ISMS_DB_OK;
}

isms_sql *isms_rec_update_sql(isms_ctx *ctx, const isms_entity *e, long long id,
                             const json_t *doc, long long expected_version)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE %k SET row_version = row_version + 1", e->table);
    each_column(e, doc, q, col_assign, ctx->pool);
    isms_sql_appendf(q, " WHERE id = %d", id);
    if (expected_version >= 0) isms_sql_appendf(q, " AND row_version = %d", expected_version);
    return q;
}

isms_db_status isms_rec_update(isms_ctx *ctx, const isms_entity *e, long long id,
                               const json_t *doc, long long expected_version,
                               long long *affected, const char **err)
{
    return isms_exec_sql(ctx, isms_rec_update_sql(ctx, e, id, doc, expected_version), affected,
                         err);
}

isms_db_status isms_rec_update_run(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                                   long long *affected, json_t **row, const char **err)
{
    long long n = 0;
    isms_db_status st;

    *row = NULL;
    if (!isms_conn_dialect(ctx->conn)->update_returning) {
        return isms_exec_sql(ctx, q, affected ? affected : &n, err);
    }
    if ((st = isms_rec_write_get(ctx, e, q, row, err)) != ISMS_DB_OK) return st;
    if (affected) *affected = *row != NULL;
    if (*row) isms_json_pool(ctx->pool, *row);
    return ISMS_DB_OK;
}

const char *isms_rec_etag(apr_pool_t *p, const isms_entity *e, const json_t *row)
{
    return apr_psprintf(p, "\"%s-%" APR_INT64_T_FMT "-%" APR_INT64_T_FMT "\"", e->kind,
                        (apr_int64_t)json_integer_value(json_object_get(row, "id")),
                        (apr_int64_t)json_integer_value(json_object_get(row, "_row_version")));
}
