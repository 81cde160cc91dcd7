#include "isms_txn.h"
#include "isms_ops.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <string.h>

static const char *sha256_hex(apr_pool_t *p, const char *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    char *hex;

    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    hex = apr_palloc(p, n * 2 + 1);
    for (i = 0; i < n; i++) apr_snprintf(hex + i * 2, 3, "%02x", md[i]);
    hex[n * 2] = '\0';
    return hex;
}

isms_result isms_idem_lookup(isms_ctx *ctx, const char *key, const char *method,
                             const char *path, const char *body, size_t len)
{
    isms_result r = {0, NULL, NULL, NULL};
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    const char *err = NULL;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT method, path, body_hash, status, location, etag, response "
                        "FROM idempotency WHERE user_name = %s AND idem_key = %s",
                     ctx->user, key);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (rs->nrows == 0) return r;
    if (strcmp(ISMS_ROW(rs, 0, 0), method) || strcmp(ISMS_ROW(rs, 0, 1), path) ||
        strcmp(ISMS_ROW(rs, 0, 2), sha256_hex(ctx->pool, body, len))) {
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

isms_db_status isms_idem_store(isms_ctx *ctx, const char *key, const char *method,
                               const char *path, const char *body, size_t len,
                               const isms_result *res, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "INSERT INTO idempotency (user_name, idem_key, method, path, "
                        "body_hash, status, location, etag, response, created_at) VALUES "
                        "(%s, %s, %s, %s, %s, %d, %s, %s, %s, %s)", ctx->user, key, method,
                     path, sha256_hex(ctx->pool, body, len), (long long)res->status,
                     res->location, res->etag,
                     res->body ? isms_json_dump(ctx->pool, res->body, NULL) : "null",
                     ctx->now);
    return isms_exec_sql(ctx, q, NULL, err);
}

isms_result isms_txn_write(isms_ctx *ctx, isms_op_fn *fn, void *arg, const isms_idem *idem)
{
    const char *err = NULL;
    isms_db_status st = isms_conn_begin(ctx->conn, 1, &err);
    isms_result r;

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (idem && idem->key) {
        r = isms_idem_lookup(ctx, idem->key, idem->method, idem->path, idem->body, idem->len);
        if (r.status) {
            isms_conn_rollback(ctx->conn);
            return r;
        }
    }
    r = fn(ctx, arg);
    if (r.status >= 300) {
        isms_conn_rollback(ctx->conn);
        return r;
    }
    if (idem && idem->key) {
        st = isms_idem_store(ctx, idem->key, idem->method, idem->path, idem->body, idem->len,
                             &r, &err);
        if (st != ISMS_DB_OK) {
            isms_conn_rollback(ctx->conn);
            return isms_res_db(ctx->pool, st, err);
        }
    }
    if ((st = isms_conn_commit(ctx->conn, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
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
