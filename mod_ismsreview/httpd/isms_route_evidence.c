/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/reviews/{id}/evidence[?version=n]: the evidence pack (core/isms_evidence.c). */
#include "mod_ismsreview.h"
#include "isms_route_ops.h"

#include "isms_evidence.h"

#include <stdlib.h>

#define REQ(arg) ((isms_req *)(arg))

isms_result isms_op_evidence(isms_ctx *c, void *a)
{
    const char *v = apr_table_get(REQ(a)->query, "version");
    char *end = NULL;
    long long n = 0;

    if (v) {
        n = strtoll(v, &end, 10);
        if (!*v || *end || n < 1) {
            return isms_res_problem(c->pool, 400, "bad-parameter", "Bad parameter",
                                    "version must be a version number");
        }
    }
    return isms_review_evidence(c, REQ(a)->ids[0], n);
}
