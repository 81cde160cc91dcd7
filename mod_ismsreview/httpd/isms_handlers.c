/* SPDX-License-Identifier: Apache-2.0 */
/* Endpoint handlers: a few lines each; the work is in the core. */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_json.h"
#include "isms_sql.h"
#include "isms_txn.h"
#include "isms_entity.h"
#include "isms_people.h"

#include <unistd.h>

APLOG_USE_MODULE(ismsreview);

/* GET v1/health: the real state of the database, for load balancers and monitoring. */
int isms_handle_health(isms_req *q)
{
    isms_conn *c;
    const char *err = NULL;
    isms_db_status st;
    int version = 0;
    json_t *j;

    st = isms_acquire_unchecked(q, &c, &err);
    if (st == ISMS_DB_OK) st = isms_schema_check(q->sconf, c, q->r->pool, &version, &err);
    if (st != ISMS_DB_OK) return isms_respond_db(q, st, err);
    j = isms_json_pool(q->r->pool, json_object());
    json_object_set_new(j, "status", json_string("ok"));
    json_object_set_new(j, "database", json_string("ok"));
    json_object_set_new(j, "schema_version", json_integer(version));
    return isms_respond(q, isms_res_json(HTTP_OK, j));
}

/* GET v1/me: the user Apache authenticated, the roles ISMSReviewRole grants, and who the
 * people register says they are. */
int isms_handle_me(isms_req *q)
{
    json_t *j = isms_json_pool(q->r->pool, json_object());
    const json_t *person = NULL;
    const char *err = NULL;
    isms_conn *c;
    isms_ctx ctx;
    isms_result res = {0};

    if (isms_acquire(q, &c, &err) == ISMS_DB_OK) {
        isms_ctx_init(&ctx, q->r->pool, c, q->id.user);
        res = isms_txn_read(&ctx, isms_people_me, q);
        if (res.status == 200) person = res.body;
    }
    json_object_set_new(j, "user", json_string(q->id.user));
    json_object_set_new(j, "display_name", json_string(json_is_object(person)
        ? json_string_value(json_object_get(person, "display_name")) : q->id.user));
    json_object_set(j, "job_title", json_is_object(person) ? json_object_get(person,
                    "job_title") : json_null());
    json_object_set(j, "function", json_is_object(person) ? json_object_get(person,
                    "function") : json_null());
    json_object_set_new(j, "in_people_register", json_boolean(json_is_object(person)));
    json_object_set_new(j, "roles", isms_identity_roles_json(&q->id));
    json_object_set_new(j, "auth_type",
                        q->r->ap_auth_type ? json_string(q->r->ap_auth_type) : json_null());
    return isms_respond(q, isms_res_json(HTTP_OK, j));
}

static int role_mask(const isms_identity *id)
{
    return (id->roles[ISMS_ROLE_AUTHOR] ? ISMS_R_AUTHOR : 0) |
           (id->roles[ISMS_ROLE_APPROVER] ? ISMS_R_APPROVER : 0) |
           (id->roles[ISMS_ROLE_AUDITOR] ? ISMS_R_AUDITOR : 0) |
           (id->roles[ISMS_ROLE_ADMIN] ? ISMS_R_ADMIN : 0);
}

static const char *request_id(request_rec *r)
{
    const char *id = apr_table_get(r->subprocess_env, "UNIQUE_ID");

    if (id) return id;
    if (r->log_id) return r->log_id;
    return apr_psprintf(r->pool, "%" APR_PID_T_FMT "-%ld-%" APR_TIME_T_FMT, getpid(),
                        r->connection->id, r->request_time);
}

void isms_make_ctx(isms_req *q, isms_conn *c, isms_ctx *ctx)
{
    isms_ctx_init(ctx, q->r->pool, c, q->id.user);
    ctx->is_author = q->id.roles[ISMS_ROLE_AUTHOR];
    ctx->roles = role_mask(&q->id);
    ctx->interval_months = isms_dir_interval(q->dconf);
    ctx->approvals = isms_dir_approvals(q->dconf);
    ctx->refusal_budget = isms_dir_refusal_budget(q->dconf);
    ctx->client = q->r->useragent_ip;
    ctx->request_id = request_id(q->r);
    ctx->evidence_dir = q->sconf->evidence_dir;
}

/* The audit event of this request: the route as the action, the entity from the route. */
static void make_event(isms_req *q, isms_audit_event *ev)
{
    const char *p = q->pattern ? q->pattern : "";
    const isms_entity *e = q->coll ? isms_entity_by_collection(q->coll) : NULL;

    memset(ev, 0, sizeof(*ev));
    ev->method = q->r->method;
    ev->path = q->route ? q->route : q->r->uri;
    ev->action = q->wf ? q->wf : apr_pstrcat(q->r->pool, q->r->method, " ", p, NULL);
    if (strstr(p, "attachments")) {
        ev->entity = "attachment";
        ev->review_id = !strncmp(p, "v1/reviews", 10) ? q->ids[0] : 0;
        ev->entity_id = !strncmp(p, "v1/attachments", 14) ? q->ids[0] : 0;
    }
    else if (!strncmp(p, "v1/reviews", 10)) {
        ev->review_id = q->ids[0];
        ev->entity = e ? e->kind : "review";
        ev->entity_id = e ? q->ids[1] : q->ids[0];
    }
    else if (!strncmp(p, "v1/actions", 10) || !strncmp(p, "v1/objectives", 13)) {
        ev->entity = p[3] == 'a' ? "action" : "objective";
        ev->entity_id = q->ids[0];
    }
    else if (!strncmp(p, "v1/people", 9)) {
        ev->entity = "person";
        ev->entity_id = q->ids[0];
    }
    else if (!strncmp(p, "v1/programmes", 13) || !strncmp(p, "v1/catalogue", 12)) {
        ev->entity = p[3] == 'p' ? "programme" : "requirement";
        ev->entity_id = q->ids[0];
    }
}

/* A sealed version is immutable: a client may keep it as long as it likes. */
static int send_version(isms_req *q, const isms_result *res)
{
    if (res->status == HTTP_OK) {
        apr_table_setn(q->r->headers_out, "Cache-Control", "private, immutable");
    }
    return isms_respond(q, *res);
}

/* A sealed version, once this process rendered it: no database at all. */
static int sealed_version(isms_req *q, long long n)
{
    isms_result res;

    if (!q->sconf->db || !q->sconf->proc->store) return DECLINED;
    res = isms_review_version_from_cache(isms_store_cache(q->sconf->proc->store), q->r->pool,
                                         q->ids[0], n);
    return res.status ? send_version(q, &res) : DECLINED;
}

/* GET v1/reviews/{id}[?version=n]: first the cached rendering, validated by one indexed
 * SELECT outside a transaction (a single statement reads one consistent state, the schema
 * version with it), or for a sealed version the cached rendering as it is; on a miss the
 * usual read transaction renders it (and validates it again inside). */
int isms_handle_review_get(isms_req *q)
{
    const char *v = apr_table_get(q->query, "version"), *err = NULL;
    isms_conn *c;
    isms_ctx ctx;
    isms_result res;
    long long n = 0;
    int version, rc;
    isms_db_status st;

    if (v) {
        char *end;
        n = strtoll(v, &end, 10);
        if (!*v || *end || n < 1) n = -1;        /* the full path answers the 400 */
    }
    if (n > 0 && (rc = sealed_version(q, n)) != DECLINED) return rc;
    if ((st = isms_acquire_unchecked(q, &c, &err)) != ISMS_DB_OK) {
        return isms_respond_db(q, st, err);
    }
    isms_make_ctx(q, c, &ctx);
    if (n == 0 && (res = isms_review_get_fast(&ctx, q->ids[0])).status) {
        return isms_respond(q, res);
    }
    st = isms_schema_check(q->sconf, c, q->r->pool, &version, &err);
    if (st != ISMS_DB_OK) return isms_respond_db(q, st, err);
    res = isms_txn_read(&ctx, (isms_op_fn *)q->method->op, q);
    return n > 0 ? send_version(q, &res) : isms_respond(q, res);
}

void isms_audit_refused(isms_req *q, int status)
{
    isms_audit_event ev;
    isms_conn *c;
    isms_ctx ctx;
    const char *err = NULL;

    if (isms_acquire(q, &c, &err) != ISMS_DB_OK) return;   /* the 503 is logged already */
    isms_make_ctx(q, c, &ctx);
    make_event(q, &ev);
    ev.status = status;
    if (isms_audit_refusal(&ctx, &ev, &err) != ISMS_DB_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r, ISMS_LOGNO(21030)
                      "cannot record a refused request in the audit trail: %s", err);
    }
}

/* Every record route: one connection, one transaction (a write transaction for writes, with
 * the Idempotency-Key and the audit event), the core operation, the response only after
 * COMMIT. */
int isms_handle_record(isms_req *q)
{
    const isms_method *m = q->method;
    isms_audit_event ev;
    isms_conn *c;
    isms_ctx ctx;
    isms_idem idem;
    isms_result res;
    const char *err = NULL;
    isms_db_status st = isms_acquire(q, &c, &err);

    if (st != ISMS_DB_OK) return isms_respond_db(q, st, err);
    isms_make_ctx(q, c, &ctx);
    if (!m->write) {
        res = isms_txn_read(&ctx, (isms_op_fn *)m->op, q);
        return isms_respond(q, res);
    }
    idem.key = apr_table_get(q->r->headers_in, "Idempotency-Key");
    if (idem.key && (strlen(idem.key) > 200 || isms_text_check(idem.key, strlen(idem.key)))) {
        return isms_respond(q, isms_res_problem(q->r->pool, HTTP_BAD_REQUEST, "bad-header",
                                "Bad request", "Idempotency-Key must be at most 200 "
                                "printable characters"));
    }
    idem.method = q->r->method;
    idem.path = q->route;
    idem.body = q->raw ? q->raw : "";
    idem.len = q->raw ? q->raw_len : 0;
    make_event(q, &ev);
    res = isms_txn_write(&ctx, (isms_op_fn *)m->op, q, m->method == M_POST ? &idem : NULL,
                         &ev);
    q->audited = res.status < 500;
    return isms_respond(q, res);
}
