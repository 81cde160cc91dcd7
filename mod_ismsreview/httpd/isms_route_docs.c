/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/schema and GET v1/openapi.json: the entity descriptors and the API contract
 * (core/isms_schema.c, core/isms_openapi.c), for any authenticated user. */
#include "mod_ismsreview.h"

#include "apr_strings.h"

#include "isms_json.h"
#include "isms_schema.h"

int isms_handle_schema(isms_req *q)
{
    return isms_respond(q, isms_res_json(HTTP_OK, isms_json_pool(q->r->pool,
                                                                 isms_schema_json())));
}

/* The servers URL is where this server mounts the API ("/isms/api"). */
int isms_handle_openapi(isms_req *q)
{
    size_t n = strlen(q->base);
    const char *root = n > 1 && q->base[n - 1] == '/' ? apr_pstrmemdup(q->r->pool, q->base,
                                                                         n - 1) : q->base;

    return isms_respond(q, isms_res_json(HTTP_OK, isms_json_pool(q->r->pool,
                                                                 isms_openapi_json(root))));
}
