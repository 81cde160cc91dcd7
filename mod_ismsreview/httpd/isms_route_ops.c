/* SPDX-License-Identifier: Apache-2.0 */
#include "mod_ismsreview.h"
#include "isms_route_ops.h"

#include "apr_strings.h"
#include "isms_audit.h"
#include "isms_rules.h"
#include "isms_workflow.h"
#include "isms_snapshots.h"
#include "isms_prior.h"

#define REQ(arg) ((isms_req *)(arg))
#define IF_MATCH(arg) apr_table_get(REQ(arg)->r->headers_in, "If-Match")

isms_result isms_op_review_list(isms_ctx *c, void *a)
{
    return isms_review_list(c, REQ(a)->query);
}

isms_result isms_op_review_create(isms_ctx *c, void *a)
{
    return isms_review_create(c, REQ(a)->body);
}

/* ?version=n reads a sealed version as it was approved. */
isms_result isms_op_review_get(isms_ctx *c, void *a)
{
    const char *v = apr_table_get(REQ(a)->query, "version");
    char *end;
    long long n;

    if (!v) return isms_review_get_cached(c, REQ(a)->ids[0]);
    n = strtoll(v, &end, 10);
    if (!*v || *end || n < 1) {
        return isms_res_problem(c->pool, 400, "bad-parameter", "Bad parameter",
                                "version must be a version number");
    }
    return isms_review_version_get_cached(c, REQ(a)->ids[0], n);
}

isms_result isms_op_review_patch(isms_ctx *c, void *a)
{
    return isms_review_patch(c, REQ(a)->ids[0], REQ(a)->body, IF_MATCH(a));
}

isms_result isms_op_item_list(isms_ctx *c, void *a)
{
    return isms_item_list(c, REQ(a)->ids[0], REQ(a)->coll, REQ(a)->query);
}

isms_result isms_op_item_create(isms_ctx *c, void *a)
{
    return isms_item_create(c, REQ(a)->ids[0], REQ(a)->coll, REQ(a)->body);
}

isms_result isms_op_item_get(isms_ctx *c, void *a)
{
    return isms_item_get(c, REQ(a)->ids[0], REQ(a)->coll, REQ(a)->ids[1]);
}

isms_result isms_op_item_patch(isms_ctx *c, void *a)
{
    return isms_item_patch(c, REQ(a)->ids[0], REQ(a)->coll, REQ(a)->ids[1], REQ(a)->body,
                           IF_MATCH(a));
}

isms_result isms_op_item_delete(isms_ctx *c, void *a)
{
    return isms_item_delete(c, REQ(a)->ids[0], REQ(a)->coll, REQ(a)->ids[1], IF_MATCH(a));
}

isms_result isms_op_actions(isms_ctx *c, void *a)
{
    return isms_actions_register(c, REQ(a)->query);
}

isms_result isms_op_action_updates(isms_ctx *c, void *a)
{
    return isms_action_updates(c, REQ(a)->ids[0]);
}

isms_result isms_op_action_update(isms_ctx *c, void *a)
{
    return isms_action_update(c, REQ(a)->ids[0], REQ(a)->body);
}

isms_result isms_op_objectives(isms_ctx *c, void *a)
{
    return isms_objectives_register(c, REQ(a)->query);
}

isms_result isms_op_measurements(isms_ctx *c, void *a)
{
    return isms_measurements_list(c, REQ(a)->ids[0], REQ(a)->query);
}

isms_result isms_op_measurement_create(isms_ctx *c, void *a)
{
    return isms_measurement_create(c, REQ(a)->ids[0], REQ(a)->body);
}

isms_result isms_op_objective_revisions(isms_ctx *c, void *a)
{
    return isms_objective_revisions(c, REQ(a)->ids[0]);
}

isms_result isms_op_objective_revision_create(isms_ctx *c, void *a)
{
    return isms_objective_revision_create(c, REQ(a)->ids[0], REQ(a)->body);
}

isms_result isms_op_d4_refresh(isms_ctx *c, void *a)
{
    return isms_d4_refresh_op(c, REQ(a)->ids[0]);
}

isms_result isms_op_check(isms_ctx *c, void *a)
{
    return isms_review_check(c, REQ(a)->ids[0]);
}

isms_result isms_op_history(isms_ctx *c, void *a)
{
    return isms_review_history(c, REQ(a)->ids[0]);
}

isms_result isms_op_waive(isms_ctx *c, void *a)
{
    return isms_waive(c, REQ(a)->ids[0], REQ(a)->body);
}

isms_result isms_op_acknowledge(isms_ctx *c, void *a)
{
    return isms_acknowledge(c, REQ(a)->ids[0], REQ(a)->body);
}

isms_result isms_op_snapshot_conclude(isms_ctx *c, void *a)
{
    return isms_snapshot_conclude(c, REQ(a)->ids[0], REQ(a)->ids[1], REQ(a)->body,
                                  IF_MATCH(a));
}

isms_result isms_op_prior_line_conclude(isms_ctx *c, void *a)
{
    return isms_prior_line_conclude(c, REQ(a)->ids[0], REQ(a)->ids[1], REQ(a)->body,
                                    IF_MATCH(a));
}

isms_result isms_op_prior_put(isms_ctx *c, void *a)
{
    return isms_prior_put(c, REQ(a)->ids[0], REQ(a)->body, IF_MATCH(a));
}

isms_result isms_op_prior_delete(isms_ctx *c, void *a)
{
    return isms_prior_delete(c, REQ(a)->ids[0], IF_MATCH(a));
}

isms_result isms_op_workflow(isms_ctx *c, void *a)
{
    return isms_workflow(c, REQ(a)->ids[0], REQ(a)->wf, REQ(a)->body, IF_MATCH(a));
}

isms_result isms_op_audit(isms_ctx *c, void *a)
{
    return isms_audit_list(c, REQ(a)->query);
}

isms_result isms_op_audit_verify(isms_ctx *c, void *a)
{
    return isms_audit_verify_query(c, REQ(a)->query);
}
