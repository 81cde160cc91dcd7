/* SPDX-License-Identifier: Apache-2.0 */
/* The URL space of product.md as data: pattern, methods, the permission each needs, and
 * the core operation behind it. */
#include "mod_ismsreview.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_entity.h"
#include "isms_schema.h"
#include "isms_path.h"
#include "isms_workflow.h"
#include "isms_route_ops.h"

APLOG_USE_MODULE(ismsreview);

#define RD(fn) {M_GET, isms_handle_record, ISMS_P_READ, 0, (void *)(fn)}
#define WR(m, fn) {m, isms_handle_record, ISMS_P_AUTHOR, 1, (void *)(fn)}
#define TR(m, fn) {m, isms_handle_record, ISMS_P_USER, 1, (void *)(fn)}
/* readable by any authenticated user; without a role the core shows only what is theirs */
#define OWN(fn) {M_GET, isms_handle_record, ISMS_P_USER, 0, (void *)(fn)}
/* the people register: read with any role, written by admins */
#define AD(m, fn) {m, isms_handle_record, ISMS_P_ADMIN, 1, (void *)(fn)}
#define AU(fn) {M_GET, isms_handle_record, ISMS_P_AUDIT, 0, (void *)(fn)}

static const isms_route routes[] = {
    {"v1/health", {{M_GET, isms_handle_health, ISMS_P_NONE, 0, NULL}}},
    {"v1/me", {{M_GET, isms_handle_me, ISMS_P_USER, 0, NULL}}},
    {"v1/schema", {{M_GET, isms_handle_schema, ISMS_P_USER, 0, NULL}}},
    {"v1/openapi.json", {{M_GET, isms_handle_openapi, ISMS_P_USER, 0, NULL}}},
    {"v1/reviews", {RD(isms_op_review_list), WR(M_POST, isms_op_review_create)}},
    {"v1/reviews/{id}", {{M_GET, isms_handle_review_get, ISMS_P_READ, 0,
                          (void *)isms_op_review_get}, WR(M_PATCH, isms_op_review_patch)}},
    {"v1/reviews/{id}/check", {RD(isms_op_check)}},
    {"v1/reviews/{id}/history", {RD(isms_op_history)}},
    {"v1/reviews/{id}/report", {RD(isms_op_report_review)}},
    {"v1/reviews/{id}/evidence", {RD(isms_op_evidence)}},
    {"v1/reviews/{id}/waivers", {TR(M_POST, isms_op_waive)}},
    {"v1/reviews/{id}/attachments", {RD(isms_op_attach_list),
                                     {M_POST, isms_handle_attach_upload, ISMS_P_USER,
                                      ISMS_WRITE_RAW, (void *)isms_op_attach_create}}},
    {"v1/attachments/{id}", {{M_GET, isms_handle_attach_download, ISMS_P_READ, 0,
                              (void *)isms_op_attach_get}, WR(M_DELETE, isms_op_attach_delete)}},
    {"v1/reviews/{id}/{wf}", {TR(M_POST, isms_op_workflow)}},
    {"v1/reviews/{id}/{coll}", {RD(isms_op_item_list), WR(M_POST, isms_op_item_create)}},
    {"v1/reviews/{id}/{coll}/{id}", {RD(isms_op_item_get), WR(M_PATCH, isms_op_item_patch),
                                     WR(M_DELETE, isms_op_item_delete)}},
    {"v1/actions", {OWN(isms_op_actions)}},
    {"v1/actions/{id}/updates", {OWN(isms_op_action_updates),
                                 TR(M_POST, isms_op_action_update)}},
    {"v1/objectives", {OWN(isms_op_objectives)}},
    {"v1/people", {RD(isms_op_people_list), AD(M_POST, isms_op_person_create)}},
    {"v1/people/{id}", {RD(isms_op_person_get), AD(M_PATCH, isms_op_person_patch),
                        AD(M_PUT, isms_op_person_put), AD(M_DELETE, isms_op_person_delete)}},
    {"v1/audit", {AU(isms_op_audit)}},
    {"v1/audit/verify", {AU(isms_op_audit_verify)}},
    {"v1/reports/dashboard", {RD(isms_op_report_dashboard)}},
    {"v1/reports/actions", {RD(isms_op_report_actions)}},
    {"v1/reports/compliance", {RD(isms_op_report_compliance)}},
    {"v1/calendar.ics", {RD(isms_op_calendar)}},
    {"v1/objectives/{id}/measurements", {OWN(isms_op_measurements),
                                         TR(M_POST, isms_op_measurement_create)}},
};

const isms_route *isms_route_match(isms_req *q)
{
    size_t i;

    for (i = 0; q->route && i < sizeof(routes) / sizeof(routes[0]); i++) {
        isms_path_vars v;
        if (isms_path_match(q->r->pool, routes[i].pattern, q->route, &v)) {
            q->ids[0] = v.ids[0];
            q->ids[1] = v.ids[1];
            q->coll = v.coll;
            q->wf = v.wf;
            q->pattern = routes[i].pattern;
            return &routes[i];
        }
    }
    q->coll = NULL;
    q->wf = NULL;
    q->ids[0] = q->ids[1] = 0;
    return NULL;
}

const isms_method *isms_route_method(const isms_route *rt, int method)
{
    const isms_method *m;

    for (m = rt->methods; m->fn; m++) {
        if (m->method == method) return m;
    }
    return NULL;
}

const char *isms_route_allow(apr_pool_t *p, const isms_route *rt)
{
    const char *allow = NULL;
    const isms_method *m;

    for (m = rt->methods; m->fn; m++) {
        const char *name = m->method == M_GET ? "GET, HEAD" : ap_method_name_of(p, m->method);
        allow = allow ? apr_pstrcat(p, allow, ", ", name, NULL) : name;
    }
    return allow;
}

/* ap_method_name_of gives "HEAD" for M_GET (both map to it) */
static const char *method_name(apr_pool_t *p, int method)
{
    return method == M_GET ? "GET" : ap_method_name_of(p, method);
}

static int route_has(const char *pattern, const char *method, apr_pool_t *p)
{
    size_t i;
    const isms_method *m;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(routes[i].pattern, pattern) != 0) continue;
        for (m = routes[i].methods; m->fn; m++) {
            if (strcmp(method_name(p, m->method), method) == 0) return 1;
        }
    }
    return 0;
}

static int contract_has(const char *pattern, const char *method)
{
    const char *pat, *meth;
    int i;

    for (i = 0; (pat = isms_openapi_route(i, &meth)) != NULL; i++) {
        if (strcmp(pat, pattern) == 0 && strcmp(meth, method) == 0) return 1;
    }
    return 0;
}

static void contract_differs(server_rec *s, const char *method, const char *pattern,
                             const char *where)
{
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, APLOGNO(21040)
                 "%s %s is %s: the OpenAPI contract (core/isms_openapi_routes.c) and the "
                 "routes (httpd/isms_routes.c) must list the same route methods", method,
                 pattern, where);
}

int isms_routes_check_contract(apr_pool_t *p, server_rec *s)
{
    const char *pat, *meth;
    const isms_method *m;
    size_t i;
    int n = 0;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        for (m = routes[i].methods; m->fn; m++) {
            meth = method_name(p, m->method);
            if (contract_has(routes[i].pattern, meth)) continue;
            contract_differs(s, meth, routes[i].pattern, "served but not in the contract");
            n++;
        }
    }
    for (i = 0; (pat = isms_openapi_route((int)i, &meth)) != NULL; i++) {
        if (route_has(pat, meth, p)) continue;
        contract_differs(s, meth, pat, "in the contract but not served");
        n++;
    }
    return n;
}
