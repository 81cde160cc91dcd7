/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_audit.h"
#include "isms_canon.h"
#include "isms_json.h"
#include "isms_ops.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_COLS "seq, created_at, actor, roles, client, request_id, method, path, action, " \
                   "entity, entity_id, review_id, status, before_state, after_state, " \
                   "prev_hash, hash"

static const char *roles_text(apr_pool_t *p, int roles)
{
    static const char *const names[] = {"author", "approver", "auditor", "admin"};
    const char *s = "";
    int i;

    for (i = 0; i < 4; i++) {
        if (roles & (1 << i)) s = apr_pstrcat(p, s, *s ? "," : "", names[i], NULL);
    }
    return s;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The columns that are chained, in this order: every column but the hash. */
static const char *const chained_names[] = {"seq", "created_at", "actor", "roles", "client",
                                            "request_id", "method", "path", "action", "entity",
                                            "entity_id", "review_id", "status", "before_state",
                                            "after_state", "prev_hash"};
#define BEFORE_COL 13
#define AFTER_COL 14
#define PREV_COL 15

/* An integer column: an integer only when the stored text is exactly an integer's form, so
 * that a value changed below the API to "12x" or " 12" does not hash like 12 (found by
 * tests/fuzz/fuzz_audit.c); anything else stays the text it is. */
static json_t *int_column(const char *v)
{
    char canon[32];
    long long n = atoll(v);

    snprintf(canon, sizeof(canon), "%lld", n);
    return strcmp(canon, v) == 0 ? json_integer(n) : json_string(v);
}

/* The chained form of an event: every column but the hash, as strings/integers/null. */
static json_t *event_json(const char *const *col)
{
    json_t *j = json_object();
    int i;

    for (i = 0; i < 16; i++) {
        int num = i == 0 || i == 10 || i == 11 || i == 12;
        json_object_set_new(j, chained_names[i], !col[i] ? json_null()
                                                : num ? int_column(col[i])
                                                      : json_string(col[i]));
    }
    return j;
}

/* hash_i = SHA-256(prev_hash || canonical(chained form)); the one place the link is made. */
static const char *hash_chained(apr_pool_t *p, const json_t *chained)
{
    const char *prev = json_string_value(json_object_get(chained, "prev_hash"));
    size_t len;
    const char *c = prev ? isms_canon(p, chained, &len) : NULL;

    return c ? isms_sha256_hex(p, prev, strlen(prev), c, len) : NULL;
}

static const char *chain_hash(apr_pool_t *p, const char *const *col)
{
    json_t *j = event_json(col);
    const char *h = hash_chained(p, j);

    json_decref(j);
    return h;
}

/* A stored state column from the JSON form: the canonical text of the value, or null. */
static json_t *state_column(apr_pool_t *p, const json_t *v)
{
    const char *c = v && !json_is_null(v) ? isms_canon(p, v, NULL) : NULL;

    return c ? json_string(c) : json_null();
}

const char *isms_audit_event_hash(apr_pool_t *p, const json_t *event)
{
    json_t *j = json_object();
    const char *h;
    int i;

    for (i = 0; i < 16; i++) {
        const char *name = chained_names[i];
        json_t *v = json_object_get(event, name);
        if (i == BEFORE_COL) v = state_column(p, json_object_get(event, "before"));
        else if (i == AFTER_COL) v = state_column(p, json_object_get(event, "after"));
        else v = v ? json_incref(v) : json_null();
        json_object_set_new(j, name, v);
    }
    h = hash_chained(p, j);
    json_decref(j);
    return h;
}

static const char *state_text(apr_pool_t *p, const json_t *j)
{
    return j && !json_is_null(j) ? isms_canon(p, j, NULL) : NULL;
}

/* The event's INSERT and the head's new hash, then (commit) the COMMIT: in one round trip
 * where the dialect batches, so the head row stays locked for one round trip after the one
 * that locked it. */
static isms_db_status insert_event(isms_ctx *ctx, const char *const *col, const char *hash,
                                   int commit, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn), *h = isms_sql_new(ctx->pool, ctx->conn);
    const char *stmts[3];
    isms_db_status st;

    isms_sql_appendf(q, "INSERT INTO audit_event (" AUDIT_COLS ") VALUES (%d, %s, %s, %s, %s, "
                        "%s, %s, %s, %s, %s, ", atoll(col[0]), col[1], col[2], col[3], col[4],
                     col[5], col[6], col[7], col[8], col[9]);
    isms_sql_appendf(q, col[10] ? "%d, " : "NULL, ", col[10] ? atoll(col[10]) : 0LL);
    isms_sql_appendf(q, col[11] ? "%d, " : "NULL, ", col[11] ? atoll(col[11]) : 0LL);
    isms_sql_appendf(q, "%d, %s, %s, %s, %s)", atoll(col[12]), col[13], col[14], col[15], hash);
    isms_sql_appendf(h, "UPDATE audit_head SET hash = %s WHERE id = 1", hash);
    if (!(stmts[0] = isms_sql_text(q)) || !(stmts[1] = isms_sql_text(h))) {
        *err = isms_sql_error(stmts[0] ? h : q);
        return ISMS_DB_ERROR;
    }
    stmts[2] = NULL;
    if (commit) return isms_conn_exec_commit(ctx->conn, ctx->pool, stmts, err);
    if ((st = isms_conn_exec(ctx->conn, stmts[0], NULL, err)) != ISMS_DB_OK) return st;
    return isms_conn_exec(ctx->conn, stmts[1], NULL, err);
}

/* The columns that do not depend on the chain head (all but seq and prev_hash): computed
 * before the head row is locked, so that the canonical JSON of the states is not made while
 * every other writer waits for the head. */
static void event_columns(isms_ctx *ctx, const isms_audit_event *ev, const char **col)
{
    apr_pool_t *p = ctx->pool;

    col[1] = ctx->now;
    col[2] = ctx->user;
    col[3] = roles_text(p, ctx->roles);
    col[4] = ctx->client;
    col[5] = ctx->request_id;
    col[6] = ev->method;
    col[7] = ev->path;
    col[8] = ev->action;
    col[9] = ev->entity;
    col[10] = ev->entity_id ? apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)ev->entity_id)
                            : NULL;
    col[11] = ev->review_id ? apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)ev->review_id)
                            : NULL;
    col[12] = apr_itoa(p, ev->status);
    col[13] = state_text(p, ev->before);
    col[14] = state_text(p, ev->after);
}

/* ctx->last_sql, before the head is locked: where the dialect batches, *lead is its text and
 * "; ", sent in the round trip that locks the head; else it runs here and *lead is "". */
static isms_db_status last_sql(isms_ctx *ctx, const char **lead, const char **err)
{
    const isms_dialect *d = isms_conn_dialect(ctx->conn);

    *lead = "";
    if (!ctx->last_sql) return ISMS_DB_OK;
    if (d->batch && d->update_returning) {
        *lead = apr_pstrcat(ctx->pool, ctx->last_sql, "; ", NULL);
        return ISMS_DB_OK;
    }
    return isms_conn_exec(ctx->conn, ctx->last_sql, NULL, err);
}

static isms_db_status append(isms_ctx *ctx, const isms_audit_event *ev, int commit,
                             const char **err)
{
    apr_pool_t *p = ctx->pool;
    const char *col[16], *hash, *lead;
    isms_rows *rs;
    isms_db_status st;

    event_columns(ctx, ev, col);
    st = last_sql(ctx, &lead, err);
    /* locks the head row: appends are serialized, the chain cannot fork */
    if (st == ISMS_DB_OK && isms_conn_dialect(ctx->conn)->update_returning) {
        st = isms_conn_query(ctx->conn, p, apr_pstrcat(p, lead, "UPDATE audit_head "
                                           "SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                                           NULL), &rs, err);
    }
    else if (st == ISMS_DB_OK) {   /* MariaDB: the UPDATE takes the row lock, the SELECT
                                    * then reads the locked row */
        st = isms_conn_exec(ctx->conn, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1",
                            NULL, err);
        if (st == ISMS_DB_OK) {
            st = isms_conn_query(ctx->conn, p, "SELECT seq, hash FROM audit_head WHERE id = 1",
                                 &rs, err);
        }
    }
    if (st == ISMS_DB_OK && rs->nrows != 1) {
        *err = "the audit head row is missing";
        st = ISMS_DB_ERROR;
    }
    if (st == ISMS_DB_OK) {
        col[0] = ISMS_ROW(rs, 0, 0);
        col[PREV_COL] = ISMS_ROW(rs, 0, 1);
        if (!(hash = chain_hash(p, col))) {
            *err = "cannot serialize the audit event";
            st = ISMS_DB_ERROR;
        }
    }
    if (st != ISMS_DB_OK) {
        if (commit) isms_conn_rollback(ctx->conn);
        return st;
    }
    return insert_event(ctx, col, hash, commit, err);
}

isms_db_status isms_audit_append(isms_ctx *ctx, const isms_audit_event *ev, const char **err)
{
    return append(ctx, ev, 0, err);
}

isms_db_status isms_audit_append_commit(isms_ctx *ctx, const isms_audit_event *ev,
                                        const char **err)
{
    return append(ctx, ev, 1, err);
}

static json_t *row_out(const isms_rows *rs, int i)
{
    json_t *j = event_json(rs->values + (size_t)i * (size_t)rs->ncols);
    const char *b = ISMS_ROW(rs, i, 13), *a = ISMS_ROW(rs, i, 14);

    json_object_set_new(j, "before", b ? json_loads(b, 0, NULL) : json_null());
    json_object_set_new(j, "after", a ? json_loads(a, 0, NULL) : json_null());
    json_object_del(j, "before_state");
    json_object_del(j, "after_state");
    json_object_set_new(j, "hash", str_or_null(ISMS_ROW(rs, i, 16)));
    return j;
}

isms_db_status isms_audit_of_review(isms_ctx *ctx, long long review_id, json_t **out,
                                    const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT " AUDIT_COLS " FROM audit_event WHERE review_id = %d "
                        "ORDER BY seq", review_id);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = json_array();
    for (i = 0; i < rs->nrows; i++) json_array_append_new(*out, row_out(rs, i));
    return ISMS_DB_OK;
}

isms_db_status isms_audit_head(isms_ctx *ctx, long long *events, const char **hash,
                               const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_conn_query(ctx->conn, ctx->pool, "SELECT seq, hash FROM "
                                        "audit_head WHERE id = 1", &rs, err);

    if (st != ISMS_DB_OK) return st;
    if (rs->nrows != 1) {
        *err = "the audit head row is missing";
        return ISMS_DB_ERROR;
    }
    *events = atoll(ISMS_ROW(rs, 0, 0));
    *hash = ISMS_ROW(rs, 0, 1);
    return ISMS_DB_OK;
}

isms_result isms_audit_list(isms_ctx *ctx, const isms_query *qs)
{
    static const char *const text_filters[] = {"actor", "entity", "action", NULL};
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const char *err = NULL;
    long long limit, after;
    isms_rows *rs;
    json_t *items;
    isms_db_status st;
    isms_result r = isms_page_params(ctx, qs, &limit, &after);
    int i;

    if (r.status) return r;
    isms_sql_appendf(q, "SELECT " AUDIT_COLS " FROM audit_event WHERE seq > %d", after);
    if ((r = isms_review_filter(ctx, qs, q)).status) return r;
    for (i = 0; text_filters[i]; i++) {
        const char *v = apr_table_get(qs, text_filters[i]);
        if (v) isms_sql_appendf(q, " AND %k = %s", text_filters[i], v);
    }
    isms_sql_appendf(q, " ORDER BY seq LIMIT %d", limit + 1);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    items = json_array();
    for (i = 0; i < rs->nrows; i++) {
        json_t *e = row_out(rs, i);
        json_object_set(e, "id", json_object_get(e, "seq"));   /* the page cursor */
        json_array_append_new(items, e);
    }
    return isms_res_ok(ctx, 200, isms_page_body(ctx, items, limit), NULL, NULL);
}

static isms_result verdict(isms_ctx *ctx, int valid, long long events, const char *head,
                           long long first_bad, const char *reason)
{
    json_t *j = json_object();

    json_object_set_new(j, "valid", json_boolean(valid));
    json_object_set_new(j, "events", json_integer(events));
    json_object_set_new(j, "head", str_or_null(head));
    json_object_set_new(j, "first_bad", first_bad ? json_integer(first_bad) : json_null());
    json_object_set_new(j, "reason", str_or_null(reason));
    return isms_res_ok(ctx, 200, j, NULL, NULL);
}

/* The verification walks the chain a page at a time (memory stays bounded whatever its
 * length); from a checkpoint (after, hash) it reads only the events after it. */
#define VERIFY_PAGE 5000

typedef struct {
    long long at;                /* the last event checked (its seq) */
    const char *prev;            /* its hash: the link the next event must carry */
    const char *why;             /* set when the chain is broken */
} walk;

static isms_db_status walk_page(isms_ctx *ctx, walk *w, int *more, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT " AUDIT_COLS " FROM audit_event WHERE seq > %d ORDER BY seq "
                        "LIMIT %d", w->at, (long long)VERIFY_PAGE);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *more = rs->nrows == VERIFY_PAGE;
    for (i = 0; i < rs->nrows && !w->why; i++) {
        const char *const *col = rs->values + (size_t)i * (size_t)rs->ncols;
        const char *h = chain_hash(ctx->pool, col);
        if (atoll(col[0]) != w->at + 1) w->why = "an event is missing or out of order";
        else if (!col[15] || strcmp(col[15], w->prev) != 0) {
            w->why = "the link to the previous event does not match";
        }
        else if (!h || !col[16] || strcmp(h, col[16]) != 0) w->why = "the event was changed";
        else {
            w->at++;
            w->prev = apr_pstrdup(ctx->pool, col[16]);
        }
    }
    return ISMS_DB_OK;
}

/* The checkpoint: event `after` still carries the hash the caller kept. */
static isms_db_status start_at(isms_ctx *ctx, long long after, const char *hash, walk *w,
                               const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    w->at = after;
    w->prev = ZERO_HASH;
    if (after == 0) {
        if (hash && strcmp(hash, ZERO_HASH) != 0) w->why = "the checkpoint does not match";
        return ISMS_DB_OK;
    }
    isms_sql_appendf(q, "SELECT hash FROM audit_event WHERE seq = %d", after);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    if (rs->nrows != 1 || !ISMS_ROW(rs, 0, 0) || !hash || strcmp(ISMS_ROW(rs, 0, 0), hash)) {
        w->why = "the checkpoint does not match (the chain was rewritten or truncated)";
    }
    else w->prev = ISMS_ROW(rs, 0, 0);
    return ISMS_DB_OK;
}

static isms_result broken(isms_ctx *ctx, long long first_bad, const char *why)
{
    isms_rows *rs;
    const char *err = NULL;
    long long n = 0;

    if (isms_conn_query(ctx->conn, ctx->pool, "SELECT COUNT(*) FROM audit_event", &rs,
                        &err) == ISMS_DB_OK) {
        n = atoll(ISMS_ROW(rs, 0, 0));
    }
    return verdict(ctx, 0, n, NULL, first_bad, why);
}

isms_result isms_audit_verify_from(isms_ctx *ctx, long long after, const char *hash)
{
    walk w = {0, ZERO_HASH, NULL};
    const char *err = NULL;
    isms_rows *head;
    isms_db_status st = start_at(ctx, after, hash, &w, &err);
    int more = 1;
    long long hseq;

    if (st == ISMS_DB_OK && w.why) return broken(ctx, after ? after : 1, w.why);
    while (st == ISMS_DB_OK && !w.why && more) st = walk_page(ctx, &w, &more, &err);
    if (st == ISMS_DB_OK) {
        st = isms_conn_query(ctx->conn, ctx->pool, "SELECT seq, hash FROM audit_head "
                                                   "WHERE id = 1", &head, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (w.why) return broken(ctx, w.at + 1, w.why);
    if (head->nrows != 1) return broken(ctx, 1, "the chain head row is missing");
    hseq = atoll(ISMS_ROW(head, 0, 0));
    if (hseq < w.at) {
        return broken(ctx, hseq + 1, "events beyond the head of the chain (appended outside "
                      "the module?)");
    }
    if (hseq != w.at || strcmp(ISMS_ROW(head, 0, 1), w.prev) != 0) {
        return broken(ctx, w.at + 1, "the chain does not end at the head (events removed "
                      "from the end?)");
    }
    return verdict(ctx, 1, w.at, w.prev, 0, NULL);
}

isms_result isms_audit_verify(isms_ctx *ctx)
{
    return isms_audit_verify_from(ctx, 0, NULL);
}

static int is_hash(const char *h)
{
    size_t i;

    for (i = 0; h[i]; i++) {
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) return 0;
    }
    return i == 64;
}

isms_result isms_audit_verify_query(isms_ctx *ctx, const isms_query *qs)
{
    const char *after = apr_table_get(qs, "after"), *head = apr_table_get(qs, "head");
    char *end = NULL;
    long long n = after ? strtoll(after, &end, 10) : 0;

    if (!after && !head) return isms_audit_verify(ctx);
    if (!after || !head || !*after || *end || n < 0 || strlen(after) > 15 || !is_hash(head)) {
        return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                "after and head come together: a checkpoint of an earlier "
                                "verify (its events and its head, 64 hex digits)");
    }
    return isms_audit_verify_from(ctx, n, head);
}
