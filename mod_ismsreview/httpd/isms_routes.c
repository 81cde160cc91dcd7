/* SPDX-License-Identifier: Apache-2.0 */
/* The URL space of product.md as data: for each route of the core's table
 * (isms_route_table.c), its methods, the permission each needs, and the core operation
 * behind it. */
#include "mod_ismsreview.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_entity.h"
#include "isms_route_table.h"
#include "isms_schema.h"
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

static const isms_route routes[ISMS_RT_COUNT] = {
    [ISMS_RT_HEALTH] = {{{M_GET, isms_handle_health, ISMS_P_NONE, 0, NULL}}},
    [ISMS_RT_ME] = {{{M_GET, isms_handle_me, ISMS_P_USER, 0, NULL}}},
    [ISMS_RT_SCHEMA] = {{{M_GET, isms_handle_schema, ISMS_P_USER, 0, NULL}}},
    [ISMS_RT_OPENAPI] = {{{M_GET, isms_handle_openapi, ISMS_P_USER, 0, NULL}}},
    [ISMS_RT_REVIEWS] = {{RD(isms_op_review_list), WR(M_POST, isms_op_review_create)}},
    [ISMS_RT_REVIEWS_ID] = {{{M_GET, isms_handle_review_get, ISMS_P_READ, 0,
                            (void *)isms_op_review_get}, WR(M_PATCH, isms_op_review_patch)}},
    [ISMS_RT_REVIEWS_ID_CHECK] = {{RD(isms_op_check)}},
    [ISMS_RT_REVIEWS_ID_HISTORY] = {{RD(isms_op_history)}},
    [ISMS_RT_REVIEWS_ID_REPORT] = {{RD(isms_op_report_review)}},
    [ISMS_RT_REVIEWS_ID_EVIDENCE] = {{RD(isms_op_evidence)}},
    [ISMS_RT_REVIEWS_ID_WAIVERS] = {{TR(M_POST, isms_op_waive)}},
    [ISMS_RT_REVIEWS_ID_ACKNOWLEDGEMENTS] = {{TR(M_POST, isms_op_acknowledge)}},
    [ISMS_RT_REVIEWS_ID_ACTION_SNAPSHOTS_ID] = {{WR(M_PATCH, isms_op_snapshot_conclude)}},
    [ISMS_RT_REVIEWS_ID_REFRESH_D4] = {{WR(M_POST, isms_op_d4_refresh)}},
    [ISMS_RT_REVIEWS_ID_PREVIOUS_EXTERNAL] = {{WR(M_PUT, isms_op_prior_put),
                                             WR(M_DELETE, isms_op_prior_delete)}},
    [ISMS_RT_REVIEWS_ID_PRIOR_ACTIONS_ID] = {{WR(M_PATCH, isms_op_prior_line_conclude)}},
    [ISMS_RT_REVIEWS_ID_ATTACHMENTS] = {{RD(isms_op_attach_list),
                                       {M_POST, isms_handle_attach_upload, ISMS_P_USER,
                                        ISMS_WRITE_RAW, (void *)isms_op_attach_create}}},
    [ISMS_RT_ATTACHMENTS_ID] = {{{M_GET, isms_handle_attach_download, ISMS_P_READ, 0,
                                (void *)isms_op_attach_get},
                               WR(M_DELETE, isms_op_attach_delete)}},
    [ISMS_RT_REVIEWS_ID_WF] = {{TR(M_POST, isms_op_workflow)}},
    [ISMS_RT_REVIEWS_ID_COLL] = {{RD(isms_op_item_list), WR(M_POST, isms_op_item_create)}},
    [ISMS_RT_REVIEWS_ID_COLL_ID] = {{RD(isms_op_item_get), WR(M_PATCH, isms_op_item_patch),
                                   WR(M_DELETE, isms_op_item_delete)}},
    [ISMS_RT_ACTIONS] = {{OWN(isms_op_actions)}},
    [ISMS_RT_ACTIONS_ID_UPDATES] = {{OWN(isms_op_action_updates),
                                   TR(M_POST, isms_op_action_update)}},
    [ISMS_RT_OBJECTIVES] = {{OWN(isms_op_objectives)}},
    [ISMS_RT_PEOPLE] = {{RD(isms_op_people_list), AD(M_POST, isms_op_person_create)}},
    [ISMS_RT_PEOPLE_ID] = {{RD(isms_op_person_get), AD(M_PATCH, isms_op_person_patch),
                          AD(M_PUT, isms_op_person_put), AD(M_DELETE, isms_op_person_delete)}},
    [ISMS_RT_AUDIT] = {{AU(isms_op_audit)}},
    [ISMS_RT_AUDIT_VERIFY] = {{AU(isms_op_audit_verify)}},
    [ISMS_RT_REPORTS_DASHBOARD] = {{RD(isms_op_report_dashboard)}},
    [ISMS_RT_REPORTS_ACTIONS] = {{RD(isms_op_report_actions)}},
    [ISMS_RT_REPORTS_COMPLIANCE] = {{RD(isms_op_report_compliance)}},
    [ISMS_RT_CALENDAR_ICS] = {{RD(isms_op_calendar)}},
    [ISMS_RT_OBJECTIVES_ID_MEASUREMENTS] = {{OWN(isms_op_measurements),
                                           TR(M_POST, isms_op_measurement_create)}},
    [ISMS_RT_OBJECTIVES_ID_REVISIONS] = {{OWN(isms_op_objective_revisions),
                                        WR(M_POST, isms_op_objective_revision_create)}},
    /* the review programme and the IMS catalogue: read with any role, written by admins */
    [ISMS_RT_PROGRAMMES] = {{RD(isms_op_programmes_list), AD(M_POST, isms_op_programme_create)}},
    [ISMS_RT_PROGRAMMES_ID] = {{RD(isms_op_programme_get), AD(M_PATCH, isms_op_programme_patch)}},
    [ISMS_RT_CATALOGUE] = {{RD(isms_op_catalogue_list), AD(M_POST, isms_op_catalogue_create)}},
    [ISMS_RT_CATALOGUE_ID] = {{RD(isms_op_catalogue_get), AD(M_DELETE, isms_op_catalogue_delete)}},
};

const isms_route *isms_route_match(isms_req *q)
{
    isms_path_vars v;
    int i = isms_route_find(q->r->pool, q->route, &v);

    q->ids[0] = v.ids[0];
    q->ids[1] = v.ids[1];
    q->coll = v.coll;
    q->wf = v.wf;
    q->pattern = i < 0 ? NULL : isms_route_patterns[i];
    return i < 0 ? NULL : &routes[i];
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

    for (i = 0; i < ISMS_RT_COUNT; i++) {
        if (strcmp(isms_route_patterns[i], pattern) != 0) continue;
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
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, ISMS_LOGNO(21040)
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

    for (i = 0; i < ISMS_RT_COUNT; i++) {
        for (m = routes[i].methods; m->fn; m++) {
            meth = method_name(p, m->method);
            if (contract_has(isms_route_patterns[i], meth)) continue;
            contract_differs(s, meth, isms_route_patterns[i], "served but not in the contract");
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
