/* SPDX-License-Identifier: Apache-2.0 */
/* The entity descriptors as documents: GET v1/schema (isms_schema.c) and the OpenAPI 3.1
 * contract of the whole API, GET v1/openapi.json and docs/openapi.json (isms_openapi.c). */
#ifndef ISMS_SCHEMA_H
#define ISMS_SCHEMA_H

#include "isms_entity.h"

#include <jansson.h>

/* "string", "text", "enum" ... as v1/schema names the field types. */
const char *isms_ftype_name(isms_ftype t);

/* {"version":1, "kinds":[{kind, collection, ref_code, fields:[...]}], "request_bodies":[...]} */
json_t *isms_schema_json(void);

/* The form of docs/openapi.json and of both documents as served. */
#define ISMS_DOC_DUMP_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII)
/* The server URL of the committed contract: the API root of the packaged configuration. */
#define ISMS_OPENAPI_SERVER "/isms/api"

/* The OpenAPI 3.1 document; server_url is the API root without "v1" ("/isms/api"). */
json_t *isms_openapi_json(const char *server_url);

/* The routes the contract describes, by the module's route patterns ("v1/reviews/{id}/{coll}")
 * and method names ("GET"): i from 0 on until it returns NULL. */
const char *isms_openapi_route(int i, const char **method);

#endif
