/* SPDX-License-Identifier: Apache-2.0 */
/* One request path: route -> TLS -> method -> identity -> handler -> response. */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "http_ssl.h"
#include "util_filter.h"

#include "isms_json.h"
#include "isms_path.h"
#include "isms_userkey.h"

APLOG_USE_MODULE(ismsreview);

static isms_result method_not_allowed(isms_req *q, const isms_route *rt)
{
    const char *allow = isms_route_allow(q->r->pool, rt);

    apr_table_setn(q->r->headers_out, "Allow", allow);
    return isms_req_problem(q, HTTP_METHOD_NOT_ALLOWED, "method-not-allowed",
                            "Method not allowed", apr_psprintf(q->r->pool, "%s is not "
                            "allowed here; use %s", q->r->method, allow));
}

static int has_any_role(const isms_identity *id)
{
    int i;

    for (i = 0; i < ISMS_ROLE_COUNT; i++) {
        if (id->roles[i]) return 1;
    }
    return 0;
}

/* One person, one identity: a user name with a control character or a default-ignorable
 * code point (ZERO WIDTH SPACE ...) would compare equal to another under the normalisation
 * (isms_userkey.h) while looking different in every record: refused, 403, numbered log. */
static isms_result refuse_user_name(isms_req *q)
{
    const char *why = isms_user_name_check(q->r->pool, q->id.user);

    if (!why) return isms_res_pass();
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, q->r, ISMS_LOGNO(21021)
                  "user name \"%s\" refused: it %s", ap_escape_logitem(q->r->pool, q->id.user),
                  why);
    q->id.user = NULL;                                     /* not an actor on record */
    return isms_req_problem(q, HTTP_FORBIDDEN, "user-name-refused", "User name refused",
                            "the authenticated user name contains a control character or an "
                            "invisible (default-ignorable) character; ask the administrator "
                            "to pin the canonical user name in the authentication module");
}

/* A known user: a name that can be on record, and the role the method needs. */
static isms_result permitted(isms_req *q, const isms_method *m)
{
    isms_result res = refuse_user_name(q);

    if (res.status) return res;
    if ((m->perm == ISMS_P_READ && !has_any_role(&q->id)) ||
        (m->perm == ISMS_P_AUTHOR && !q->id.roles[ISMS_ROLE_AUTHOR]) ||
        (m->perm == ISMS_P_ADMIN && !q->id.roles[ISMS_ROLE_ADMIN]) ||
        (m->perm == ISMS_P_AUDIT && !q->id.roles[ISMS_ROLE_AUDITOR] &&
         !q->id.roles[ISMS_ROLE_ADMIN])) {
        return isms_req_problem(q, HTTP_FORBIDDEN, "forbidden", "Forbidden",
                                m->perm == ISMS_P_AUTHOR
                                    ? "this change needs the author role"
                                : m->perm == ISMS_P_ADMIN
                                    ? "the people register, review programmes and the "
                                      "catalogue are maintained by admins"
                                : m->perm == ISMS_P_AUDIT
                                    ? "the audit trail is for auditors and admins"
                                    : "reading the management review needs a role");
    }
    return isms_res_pass();
}

/* Deny by default: each route method names the permission it needs. */
static isms_result authorize(isms_req *q, const isms_method *m)
{
    int known = isms_identity_get(q->r, q->dconf, &q->id);

    if (m->perm == ISMS_P_NONE) return isms_res_pass();
    if (known) return permitted(q, m);
    return isms_req_problem(q, HTTP_UNAUTHORIZED, "unauthenticated",
                            "Authentication required", "Apache passed no authenticated user "
                            "to mod_ismsreview; configure authentication for this location");
}

/* The checks every route method passes before its handler; status 0, or the problem. */
static isms_result check(isms_req *q, const isms_method *m)
{
    isms_result res = authorize(q, m);

    if (!res.status) res = isms_parse_query(q);
    if (!res.status && m->write) res = isms_check_origin(q);
    if (!res.status && m->write == 1 && m->method != M_DELETE) res = isms_read_json_body(q);
    return res;
}

static int dispatch(isms_req *q)
{
    request_rec *r = q->r;
    const isms_route *rt;
    const isms_method *m;
    isms_result res;

    if (q->dconf->require_tls == 1 && !ap_ssl_conn_is_ssl(r->connection)) {
        return isms_respond(q, isms_req_problem(q, HTTP_FORBIDDEN, "tls-required",
                                                "TLS required", "ISMSReviewRequireTLS is On: "
                                                "use https://"));
    }
    if (!(rt = isms_route_match(q))) {
        return isms_respond(q, isms_req_problem(q, HTTP_NOT_FOUND, "not-found", "Not found",
                                                "no such resource in the ISMS review API"));
    }
    if (!(m = isms_route_method(rt, r->method_number))) {
        return isms_respond(q, method_not_allowed(q, rt));
    }
    q->method = m;
    res = check(q, m);
    return res.status ? isms_respond(q, res) : m->fn(q);
}

int isms_handle_request(request_rec *r)
{
    isms_req *q = apr_pcalloc(r->pool, sizeof(*q));

    q->r = r;
    q->sconf = ap_get_module_config(r->server->module_config, &ismsreview_module);
    q->dconf = ap_get_module_config(r->per_dir_config, &ismsreview_module);
    q->route = isms_dir_route(r, q->dconf, &q->base);   /* below the handler's location */
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    return dispatch(q);
}

/* A connection without a statement: no liveness probe (the store retries a first statement
 * that finds its idle connection lost on a fresh one) and no schema check; the caller checks
 * the schema itself (health, or a statement that reads it along, as the review GET's
 * validator does) or calls isms_acquire. */
isms_db_status isms_acquire_unchecked(isms_req *q, isms_conn **c, const char **err)
{
    isms_server_conf *sc = q->sconf;
    isms_db_status st;

    if (!sc->db) {
        *err = "no ISMSReviewDatabase is configured for this server";
        return ISMS_DB_UNAVAILABLE;
    }
    if (!sc->proc->store) {
        *err = sc->proc->init_error ? sc->proc->init_error : "the store is not initialised";
        return ISMS_DB_UNAVAILABLE;
    }
    /* one connection per request: a second acquire (the refusal's audit) takes the same,
     * never a second one of a pool that may have only one (ISMSReviewConnections) */
    if (q->conn) {
        *c = q->conn;
        if ((*c)->in_txn) isms_conn_rollback(*c);
        return ISMS_DB_OK;
    }
    st = isms_store_acquire(sc->proc->store, q->r->pool, c, err);
    if (st == ISMS_DB_OK) q->conn = *c;
    return st;
}

/* The request's connection back to the pool once its answer is made: the response is then
 * sent while another request works on the database (with ISMSReviewConnections a few per
 * child, holding one while a large body is written would make the others wait for it). */
void isms_release(isms_req *q)
{
    if (!q->conn) return;
    isms_conn_release(q->conn, q->r->pool);
    q->conn = NULL;
}

isms_db_status isms_acquire(isms_req *q, isms_conn **c, const char **err)
{
    int version;
    isms_db_status st = isms_acquire_unchecked(q, c, err);

    if (st != ISMS_DB_OK) return st;
    /* Checked on every request, not remembered per child: with several front ends on one
     * database another node's `ismsreview-admin migrate` moves the schema under this child,
     * which must then answer 503 (ISMS21011) instead of writing with the wrong schema. One
     * indexed query (SELECT MAX(version) FROM schema_version) while the versions match. */
    return isms_schema_check(q->sconf, *c, q->r->pool, &version, err);
}

/* The numbered line of a connection that cannot be had (the problem is isms_db_problem). */
static void log_db(isms_req *q, isms_db_status st, const char *err)
{
    request_rec *r = q->r;

    if (st == ISMS_DB_SCHEMA) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ISMS_LOGNO(21011) "%s", err);
    }
    else if (st == ISMS_DB_BUSY) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ISMS_LOGNO(21012)
                      "database busy, request refused (client may retry): %s", err);
    }
    else if (st == ISMS_DB_ERROR) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ISMS_LOGNO(21013) "database error: %s", err);
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ISMS_LOGNO(21010)
                      "database %s unavailable: %s",
                      q->sconf->db ? isms_dbconf_describe(r->pool, q->sconf->db) : "(none)",
                      err ? err : "unknown error");
    }
}

int isms_respond_db(isms_req *q, isms_db_status st, const char *err)
{
    log_db(q, st, err);
    /* a connection lost, read-only or full is "unavailable" to a request that has none */
    if (st != ISMS_DB_SCHEMA && st != ISMS_DB_BUSY && st != ISMS_DB_ERROR) {
        st = ISMS_DB_UNAVAILABLE;
    }
    return isms_respond(q, isms_db_problem(q->r->pool, st, err));
}
