/* Endpoint handlers: a few lines each; the work is in the core. */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_json.h"
#include "isms_sql.h"
#include "isms_txn.h"

APLOG_USE_MODULE(ismsreview);

/* GET v1/health: the real state of the database, for load balancers and monitoring. */
int isms_handle_health(isms_req *q)
{
    isms_conn *c;
    const char *err = NULL;
    isms_db_status st;
    int version = 0;
    json_t *j;

    st = isms_acquire(q, &c, &err);
    if (st == ISMS_DB_OK) st = isms_schema_check(q->sconf, c, q->r->pool, &version, &err);
    if (st != ISMS_DB_OK) return isms_send_db_problem(q, st, err);
    j = isms_json_pool(q->r->pool, json_object());
    json_object_set_new(j, "status", json_string("ok"));
    json_object_set_new(j, "database", json_string("ok"));
    json_object_set_new(j, "schema_version", json_integer(version));
    return isms_send_json(q, HTTP_OK, j);
}

/* GET v1/me: the user Apache authenticated and the roles ISMSReviewRole grants. */
int isms_handle_me(isms_req *q)
{
    json_t *j = isms_json_pool(q->r->pool, json_object());

    json_object_set_new(j, "user", json_string(q->id.user));
    json_object_set_new(j, "display_name", json_string(q->id.user));
    json_object_set_new(j, "roles", isms_identity_roles_json(&q->id));
    json_object_set_new(j, "auth_type",
                        q->r->ap_auth_type ? json_string(q->r->ap_auth_type) : json_null());
    return isms_send_json(q, HTTP_OK, j);
}

static const char *if_none_match(isms_req *q)
{
    return apr_table_get(q->r->headers_in, "If-None-Match");
}

static int send_result(isms_req *q, const isms_result *res)
{
    request_rec *r = q->r;

    if (res->etag) apr_table_setn(r->headers_out, "ETag", res->etag);
    if (res->location) {
        apr_table_setn(r->headers_out, "Location",
                       apr_pstrcat(r->pool, q->base, "v1/", res->location, NULL));
    }
    if (res->status == HTTP_OK && res->etag && r->method_number == M_GET && if_none_match(q) &&
        strstr(if_none_match(q), res->etag)) {
        r->status = HTTP_NOT_MODIFIED;
        return OK;
    }
    if (res->status == HTTP_NO_CONTENT || !res->body) {
        r->status = res->status;
        return OK;
    }
    if (res->status >= 400) return isms_send_problem_json(q, res->body);
    return isms_send_json(q, res->status, res->body);
}

/* Every record route: one connection, one transaction (a write transaction for writes, with
 * the Idempotency-Key), the core operation, the response only after COMMIT. */
int isms_handle_record(isms_req *q)
{
    const isms_method *m = q->method;
    isms_conn *c;
    isms_ctx ctx;
    isms_idem idem;
    isms_result res;
    const char *err = NULL;
    isms_db_status st = isms_acquire(q, &c, &err);

    if (st != ISMS_DB_OK) return isms_send_db_problem(q, st, err);
    isms_ctx_init(&ctx, q->r->pool, c, q->id.user);
    ctx.is_author = q->id.roles[ISMS_ROLE_AUTHOR];
    ctx.interval_months = isms_dir_interval(q->dconf);
    if (!m->write) {
        res = isms_txn_read(&ctx, (isms_op_fn *)m->op, q);
        return send_result(q, &res);
    }
    idem.key = apr_table_get(q->r->headers_in, "Idempotency-Key");
    if (idem.key && (strlen(idem.key) > 200 || isms_text_check(idem.key, strlen(idem.key)))) {
        return isms_send_problem(q, HTTP_BAD_REQUEST, "bad-header", "Bad request",
                                 "Idempotency-Key must be at most 200 printable characters");
    }
    idem.method = q->r->method;
    idem.path = q->route;
    idem.body = q->raw ? q->raw : "";
    idem.len = q->raw ? q->raw_len : 0;
    res = isms_txn_write(&ctx, (isms_op_fn *)m->op, q, m->method == M_POST ? &idem : NULL);
    return send_result(q, &res);
}
