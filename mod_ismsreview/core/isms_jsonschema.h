/* SPDX-License-Identifier: Apache-2.0 */
/* JSON Schema (2020-12) of records and request bodies from the entity descriptors. */
#ifndef ISMS_JSONSCHEMA_H
#define ISMS_JSONSCHEMA_H

#include "isms_entity.h"

#include <jansson.h>

typedef enum {
    ISMS_JS_RESPONSE,   /* as the API returns it: every field, null when not set */
    ISMS_JS_CREATE,     /* a POST body: no server-owned field, the required ones */
    ISMS_JS_PATCH,      /* a PATCH body: no server-owned field, none required */
    ISMS_JS_SEALED      /* a sealed version (?version=n): the sealed fields only */
} isms_js_mode;

/* The object schema of fields (e: the kind, for a record's own members id/etag/review_id and
 * its required list; NULL for a sub-object). additionalProperties is false: a member the
 * descriptor does not name is not part of the contract. */
json_t *isms_js_object(const isms_entity *e, const isms_field *fields, isms_js_mode mode);

#endif
