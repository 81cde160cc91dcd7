/* SPDX-License-Identifier: Apache-2.0 */
/* Adapters for v1/people (the people register, isms_people.c). */
#include "mod_ismsreview.h"
#include "isms_route_ops.h"

#include "isms_people.h"

#define REQ(arg) ((isms_req *)(arg))
#define IF_MATCH(arg) apr_table_get(REQ(arg)->r->headers_in, "If-Match")

isms_result isms_op_people_list(isms_ctx *c, void *a)
{
    return isms_people_list(c, REQ(a)->query);
}

isms_result isms_op_person_get(isms_ctx *c, void *a)
{
    return isms_person_get(c, REQ(a)->ids[0]);
}

isms_result isms_op_person_create(isms_ctx *c, void *a)
{
    return isms_person_create(c, REQ(a)->body);
}

isms_result isms_op_person_patch(isms_ctx *c, void *a)
{
    return isms_person_patch(c, REQ(a)->ids[0], REQ(a)->body, IF_MATCH(a));
}

isms_result isms_op_person_put(isms_ctx *c, void *a)
{
    return isms_person_put(c, REQ(a)->ids[0], REQ(a)->body, IF_MATCH(a));
}

isms_result isms_op_person_delete(isms_ctx *c, void *a)
{
    return isms_person_delete(c, REQ(a)->ids[0], IF_MATCH(a));
}
