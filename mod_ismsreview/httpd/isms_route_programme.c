/* SPDX-License-Identifier: Apache-2.0 */
/* Adapters for v1/programmes and v1/catalogue (the review programme and the IMS input
 * catalogue, isms_programme.c and isms_catalogue.c). */
#include "mod_ismsreview.h"
#include "isms_route_ops.h"

#include "isms_programme.h"

#define REQ(arg) ((isms_req *)(arg))

isms_result isms_op_programmes_list(isms_ctx *c, void *a)
{
    return isms_programmes_list(c, REQ(a)->query);
}

isms_result isms_op_programme_get(isms_ctx *c, void *a)
{
    return isms_programme_get(c, REQ(a)->ids[0]);
}

isms_result isms_op_programme_create(isms_ctx *c, void *a)
{
    return isms_programme_create(c, REQ(a)->body);
}

isms_result isms_op_programme_patch(isms_ctx *c, void *a)
{
    return isms_programme_patch(c, REQ(a)->ids[0], REQ(a)->body,
                                apr_table_get(REQ(a)->r->headers_in, "If-Match"));
}

isms_result isms_op_catalogue_list(isms_ctx *c, void *a)
{
    return isms_catalogue_list(c, REQ(a)->query);
}

isms_result isms_op_catalogue_get(isms_ctx *c, void *a)
{
    return isms_catalogue_get(c, REQ(a)->ids[0]);
}

isms_result isms_op_catalogue_create(isms_ctx *c, void *a)
{
    return isms_catalogue_create(c, REQ(a)->body);
}

isms_result isms_op_catalogue_delete(isms_ctx *c, void *a)
{
    return isms_catalogue_delete(c, REQ(a)->ids[0]);
}
