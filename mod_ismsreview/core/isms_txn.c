/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_txn.h"
#include "isms_ops.h"
#include "isms_log.h"
#include "isms_json.h"
#include "isms_canon.h"
#include "isms_userkey.h"

#include <apr_strings.h>
#include <string.h>

/* Keys are per person: the user name under the identity normalisation (isms_userkey.h). */
static const char *idem_user(isms_ctx *ctx)
{
    return isms_user_key(ctx->pool, ctx->user);
}

isms_result isms_idem_lookup(isms_ctx *ctx, const char *key, const char *method,
                             const char *path, const char *body, size_t len)
{
    isms_result r = {0};
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    const char *err = NULL;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT method, path, body_hash, status, location, etag, response "
                        "FROM idempotency WHERE user_name = %s AND idem_key = %s",
                     idem_user(ctx), key);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (rs->nrows == 0) return r;
    if (strcmp(ISMS_ROW(rs, 0, 0), method) || strcmp(ISMS_ROW(rs, 0, 1), path) ||
        strcmp(ISMS_ROW(rs, 0, 2), isms_sha256_hex(ctx->pool, body, len, NULL, 0))) {
        return isms_res_problem(ctx->pool, 422, "idempotency-key-reused",
                                "Idempotency-Key reused",
                                "this Idempotency-Key was used for a different request");
    }
    r.status = (int)isms_ll(ISMS_ROW(rs, 0, 3));
    r.location = ISMS_ROW(rs, 0, 4);
    r.etag = ISMS_ROW(rs, 0, 5);
    r.body = isms_json_pool(ctx->pool, json_loads(ISMS_ROW(rs, 0, 6), 0, NULL));
    return r;
}

/* sql/mysql/002_records.sql: idempotency.user_name VARCHAR(512) */
#define ISMS_IDEM_USER_MAX 512

static long utf8_chars(const char *s)
{
    long n = 0;

    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Claims the key first thing in the transaction: a placeholder row (status 0) inserted with
 * the dialect's insert-or-ignore (ON CONFLICT DO NOTHING; MariaDB: INSERT IGNORE). A second
 * request with the same key -- a client's or a load balancer's retry, on this front end or on another one -- waits on that row until the first
 * commits (nothing inserted: it then replays the stored answer) or rolls back (inserted: it
 * runs itself). Without the claim both ran and the second died on the primary key (500). */
isms_db_status isms_idem_claim(isms_ctx *ctx, const char *key, const char *method,
                               const char *path, const char *body, size_t len, int *claimed,
                               const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    long long affected = 0;
    isms_db_status st;
    const isms_dialect *d = isms_conn_dialect(ctx->conn);

    /* MariaDB: INSERT IGNORE, which also waits for the other transaction's row. IGNORE
     * would truncate a value too long for its column instead of failing: the user name is
     * the only one not bounded before (the key is), so it is checked here. */
    if (d->ignore_truncates && utf8_chars(idem_user(ctx)) > ISMS_IDEM_USER_MAX) {
        *err = apr_psprintf(ctx->pool, "a user name of more than %d characters cannot hold an "
                            "Idempotency-Key on MariaDB", ISMS_IDEM_USER_MAX);
        return ISMS_DB_ERROR;
    }
    isms_sql_appendf(q, d->insert_ignore);
    isms_sql_appendf(q, "idempotency (user_name, idem_key, method, path, "
                        "body_hash, status, location, etag, response, created_at) VALUES "
                        "(%s, %s, %s, %s, %s, 0, NULL, NULL, 'null', %s)",
                     idem_user(ctx), key, method, path,
                     isms_sha256_hex(ctx->pool, body, len, NULL, 0), ctx->now);
    isms_sql_appendf(q, d->insert_ignore_tail);
    st = isms_exec_sql(ctx, q, &affected, err);
    *claimed = affected == 1;
    return st;
}

/* The claimed row gets the answer, in the transaction that made it. */
isms_db_status isms_idem_store(isms_ctx *ctx, const char *key, const isms_result *res,
                               const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    long long affected = 0;
    isms_db_status st;

    isms_sql_appendf(q, "UPDATE idempotency SET status = %d, location = %s, etag = %s, "
                        "response = %s WHERE user_name = %s AND idem_key = %s",
                     (long long)res->status, res->location, res->etag,
                     res->body ? isms_json_dump(ctx->pool, res->body, NULL) : "null",
                     idem_user(ctx), key);
    st = isms_exec_sql(ctx, q, &affected, err);
    if (st == ISMS_DB_OK && affected != 1) {
        *err = "the claimed Idempotency-Key row is missing";
        return ISMS_DB_ERROR;
    }
    return st;
}

/* What the audit trail keeps of a response: the resource, without the items a full
 * review embeds (each item write is audited on its own), and of an action's progress history
 * (append-only rows of their own) only its length and the latest entry: the whole history in
 * every event made each progress update cost, and store, as much as all the earlier ones. */
static json_t *audit_state(const json_t *body)
{
    json_t *j, *updates;
    size_t n;
    int i;

    if (!body || !json_is_object(body)) return NULL;
    j = json_deep_copy(body);
    for (i = 0; isms_item_entities[i]; i++) {
        json_object_del(j, isms_item_entities[i]->collection);
    }
    if (json_is_array(updates = json_object_get(j, "updates"))) {
        n = json_array_size(updates);
        json_object_set_new(j, "updates_count", json_integer((json_int_t)n));
        json_object_set(j, "latest_update", n ? json_array_get(updates, n - 1) : json_null());
        json_object_del(j, "updates");
    }
    return j;
}

static void fill_event(isms_ctx *ctx, isms_audit_event *ev, const isms_result *r)
{
    const json_t *id = r->body ? json_object_get(r->body, "id") : NULL;
    const json_t *rid = r->body ? json_object_get(r->body, "review_id")
                        : r->before ? json_object_get(r->before, "review_id") : NULL;

    ev->status = r->status;
    ev->before = r->before;
    ev->after = r->status < 300 ? isms_json_pool(ctx->pool, audit_state(r->body)) : NULL;
    if (!ev->entity_id && json_is_integer(id)) ev->entity_id = json_integer_value(id);
    if (!ev->review_id && json_is_integer(rid)) ev->review_id = json_integer_value(rid);
    if (!ev->review_id && ev->entity && !strcmp(ev->entity, "review")) {
        ev->review_id = ev->entity_id;
    }
}

/* Refusals of this user (NULL: of requests without a user) on record in the last minute. */
static isms_db_status recent_refusals(isms_ctx *ctx, long long *n, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    apr_time_exp_t t;
    isms_rows *rs;
    isms_db_status st;

    apr_time_exp_gmt(&t, apr_time_now() - apr_time_from_sec(60));
    isms_sql_appendf(q, "SELECT COUNT(*) FROM audit_event WHERE status >= 400 AND "
                        "created_at >= %s AND ", apr_psprintf(ctx->pool, "%04d-%02d-%02dT"
                        "%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                        t.tm_hour, t.tm_min, t.tm_sec));
    if (ctx->user) isms_sql_appendf(q, "actor = %s", ctx->user);
    else isms_sql_appendf(q, "actor IS NULL");
    if ((st = isms_query_sql(ctx, q, &rs, err)) == ISMS_DB_OK) *n = isms_ll(ISMS_ROW(rs, 0, 0));
    return st;
}

/* A refused write is recorded in its own transaction. Refusals cost an append each, so they
 * are bounded per user: within a minute the first ISMSReviewRefusalBudget are recorded, the
 * next one is recorded as the marker "refusal-budget-exceeded" (and ISMS21104 logged), and the
 * rest are not recorded until the minute has passed. */
isms_db_status isms_audit_refusal(isms_ctx *ctx, isms_audit_event *ev, const char **err)
{
    isms_db_status st = isms_conn_begin(ctx->conn, 1, err);
    long long n = 0;

    if (st != ISMS_DB_OK) return st;
    if (ctx->refusal_budget > 0 && (st = recent_refusals(ctx, &n, err)) != ISMS_DB_OK) {
        isms_conn_rollback(ctx->conn);
        return st;
    }
    if (ctx->refusal_budget > 0 && n > ctx->refusal_budget) {
        isms_conn_rollback(ctx->conn);
        return ISMS_DB_OK;
    }
    if (ctx->refusal_budget > 0 && n == ctx->refusal_budget) {
        ev->action = "refusal-budget-exceeded";
        isms_log(ISMS_LOG_WARN, 21104, "user %s: more than %d refused requests within a "
                 "minute; further refusals of this user are not recorded in the audit trail "
                 "until the minute has passed (ISMSReviewRefusalBudget)",
                 ctx->user ? ctx->user : "(none)", ctx->refusal_budget);
    }
    return isms_audit_append_commit(ctx, ev, err);
}

static isms_result refused(isms_ctx *ctx, isms_result r, isms_audit_event *ev)
{
    const char *err = NULL;

    isms_conn_rollback(ctx->conn);
    ctx->last_sql = NULL;         /* rolled back with the rest */
    if (ev && r.status < 500) {
        fill_event(ctx, ev, &r);
        if (isms_audit_refusal(ctx, ev, &err) != ISMS_DB_OK) {
            isms_log(ISMS_LOG_ERR, 21103, "cannot record a refused request in the audit "
                     "trail: %s", err ? err : "unknown error");
        }
    }
    return r;
}

static isms_result write_txn(isms_ctx *ctx, isms_op_fn *fn, void *arg, const isms_idem *idem,
                             isms_audit_event *ev)
{
    const char *err = NULL;
    isms_db_status st = isms_conn_begin(ctx->conn, 1, &err);
    isms_result r;

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (idem && idem->key) {
        int claimed = 0;

        st = isms_idem_claim(ctx, idem->key, idem->method, idem->path, idem->body, idem->len,
                             &claimed, &err);
        if (st != ISMS_DB_OK) {
            isms_conn_rollback(ctx->conn);
            return isms_res_db(ctx->pool, st, err);
        }
        if (!claimed) {     /* committed by an earlier request: replay it, or 422 */
            r = isms_idem_lookup(ctx, idem->key, idem->method, idem->path, idem->body,
                                 idem->len);
            isms_conn_rollback(ctx->conn);
            if (r.status) return r;
            return isms_res_problem(ctx->pool, 409, "idempotency-key-in-use",
                                    "Idempotency-Key in use", "another request with this "
                                    "Idempotency-Key has not finished; retry it");
        }
    }
    r = fn(ctx, arg);
    if (r.status >= 300) return refused(ctx, r, ev);
    if (idem && idem->key) {
        st = isms_idem_store(ctx, idem->key, &r, &err);
    }
    if (st != ISMS_DB_OK) {
        isms_conn_rollback(ctx->conn);
        return isms_res_db(ctx->pool, st, err);
    }
    if (ev) {
        fill_event(ctx, ev, &r);
        st = isms_audit_append_commit(ctx, ev, &err);
    }
    else {
        const char *stmts[2] = {ctx->last_sql, NULL};
        st = isms_conn_exec_commit(ctx->conn, ctx->pool, ctx->last_sql ? stmts : stmts + 1,
                                   &err);
    }
    ctx->last_sql = NULL;
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return r;
}

/* ISMSReviewWriteQueue write requests of this process already run or wait: this one is
 * answered at once, before anything is read or written, rather than after seconds in the
 * queue (a client or load balancer retries it). */
static isms_result queue_full(isms_ctx *ctx)
{
    isms_result r = isms_res_problem(ctx->pool, 503, "write-queue-full", "Too many writes "
                                     "waiting", "this server has as many write requests "
                                     "waiting for the database as it lets wait "
                                     "(ISMSReviewWriteQueue); nothing was written; retry "
                                     "after Retry-After seconds");

    isms_log(ISMS_LOG_WARN, 21700, "write refused with 503: the write queue of this process "
             "is full (ISMSReviewWriteQueue)");
    r.retry_after = 1;
    return r;
}

isms_result isms_txn_write(isms_ctx *ctx, isms_op_fn *fn, void *arg, const isms_idem *idem,
                           isms_audit_event *ev)
{
    isms_result r;

    if (!isms_conn_write_enter(ctx->conn)) return queue_full(ctx);
    r = write_txn(ctx, fn, arg, idem, ev);
    isms_conn_write_leave(ctx->conn);
    return r;
}

isms_result isms_txn_read(isms_ctx *ctx, isms_op_fn *fn, void *arg)
{
    const char *err = NULL;
    isms_db_status st = isms_conn_begin(ctx->conn, 0, &err);
    isms_result r;

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    r = fn(ctx, arg);
    isms_conn_rollback(ctx->conn);
    return r;
}
