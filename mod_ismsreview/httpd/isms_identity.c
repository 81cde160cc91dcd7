/* SPDX-License-Identifier: Apache-2.0 */
/* Identity comes only from Apache: r->user as the authentication module set it, and roles
 * from ISMSReviewRole expressions evaluated against the request (which may read the
 * environment that SSO modules set: reqenv('OIDC_CLAIM_groups') ...). Request headers are
 * never consulted here. */
#include "mod_ismsreview.h"

APLOG_USE_MODULE(ismsreview);

int isms_identity_get(request_rec *r, const isms_dir_conf *d, isms_identity *id)
{
    const isms_role_rule *rules;
    int i;

    memset(id, 0, sizeof(*id));
    if (!r->user || !*r->user) return 0;
    id->user = r->user;
    if (!d->roles) return 1;
    rules = (const isms_role_rule *)d->roles->elts;
    for (i = 0; i < d->roles->nelts; i++) {
        const char *err = NULL;
        int rc = ap_expr_exec(r, rules[i].expr, &err);
        if (err) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, APLOGNO(21020)
                          "ISMSReviewRole %s \"%s\" failed to evaluate (role not granted): %s",
                          isms_role_names[rules[i].role], rules[i].source, err);
            continue;
        }
        if (rc > 0) id->roles[rules[i].role] = 1;
    }
    return 1;
}

json_t *isms_identity_roles_json(const isms_identity *id)
{
    json_t *a = json_array();
    int i;

    for (i = 0; i < ISMS_ROLE_COUNT; i++) {
        if (id->roles[i]) json_array_append_new(a, json_string(isms_role_names[i]));
    }
    return a;
}
