/* SPDX-License-Identifier: Apache-2.0 */
/* JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of the records, from the entity
 * descriptors: what the API returns for a kind, and what it accepts on create and patch. */
#include "isms_jsonschema.h"

#include <string.h>

/* type "x" -> ["x", "null"]; an enum also lists null. */
static json_t *nullable(json_t *s)
{
    json_t *t = json_object_get(s, "type"), *e = json_object_get(s, "enum");

    if (json_is_string(t)) {
        json_object_set_new(s, "type", json_pack("[s, s]", json_string_value(t), "null"));
    }
    if (e) json_array_append_new(e, json_null());
    return s;
}

static json_t *enum_values(const char *const *enums)
{
    json_t *a = json_array();

    for (; *enums; enums++) json_array_append_new(a, json_string(*enums));
    return a;
}

static json_t *enum_labels(const isms_field *f)
{
    json_t *o = json_object();
    int i;

    for (i = 0; f->enums[i]; i++) {
        json_object_set_new(o, f->enums[i], json_string(isms_enum_label(f, f->enums[i])));
    }
    return o;
}

static json_t *string_schema(const isms_field *f, const char *format)
{
    json_t *s = json_pack("{s:s}", "type", "string");

    if (format) json_object_set_new(s, "format", json_string(format));
    if (f->max_chars) json_object_set_new(s, "maxLength", json_integer(f->max_chars));
    return s;
}

static json_t *number_schema(const isms_field *f, const char *type)
{
    json_t *s = json_pack("{s:s}", "type", type);

    if (f->min < f->max) {
        json_object_set_new(s, "minimum", json_integer((json_int_t)f->min));
        json_object_set_new(s, "maximum", json_integer((json_int_t)f->max));
    }
    return s;
}

static json_t *value_schema(const isms_field *f, isms_ftype t, isms_js_mode mode)
{
    switch (t) {
    case ISMS_F_ENUM:          /* the labels as Redoc shows them */
        return json_pack("{s:s, s:o, s:o}", "type", "string", "enum", enum_values(f->enums),
                         "x-enumDescriptions", enum_labels(f));
    case ISMS_F_DATE: return string_schema(f, "date");
    case ISMS_F_TIMESTAMP: return string_schema(f, "date-time");
    case ISMS_F_BOOL: return json_pack("{s:s}", "type", "boolean");
    case ISMS_F_INT: return number_schema(f, "integer");
    case ISMS_F_NUMBER: return number_schema(f, "number");
    case ISMS_F_REF: return json_pack("{s:s, s:i}", "type", "integer", "minimum", 1);
    case ISMS_F_JSON: return json_pack("{s:s}", "type", "object");   /* free-form */
    case ISMS_F_OBJECT:      /* a request sends the whole object: its required members */
        return isms_js_object(NULL, f->sub, mode == ISMS_JS_RESPONSE || mode == ISMS_JS_SEALED
                                            ? ISMS_JS_RESPONSE : ISMS_JS_CREATE);
    case ISMS_F_LIST: {
        json_t *s = json_pack("{s:s, s:o}", "type", "array", "items",
                              value_schema(f, f->item_type, mode));
        if (f->max_items && mode != ISMS_JS_RESPONSE) {
            json_object_set_new(s, "maxItems", json_integer(f->max_items));
        }
        return s;
    }
    default: return string_schema(f, NULL);
    }
}

/* One property: in a response every value may be null (not set); in a request only the
 * required ones of a create may not. Server-owned fields are readOnly. */
static json_t *property(const isms_field *f, isms_js_mode mode)
{
    json_t *s = value_schema(f, f->type, mode);
    int required = (f->flags & ISMS_REQ) && mode == ISMS_JS_CREATE;

    if (mode == ISMS_JS_SEALED) mode = ISMS_JS_RESPONSE;

    if (!required) nullable(s);
    if (f->flags & ISMS_SERVER) json_object_set_new(s, "readOnly", json_true());
    if (f->flags & ISMS_TRACKING) json_object_set_new(s, "x-tracking", json_true());
    if (f->only_for) json_object_set_new(s, "x-only-for-category", json_string(f->only_for));
    return s;
}

static int is_item(const isms_entity *e)
{
    int i;

    for (i = 0; isms_item_entities[i]; i++) {
        if (isms_item_entities[i] == e) return 1;
    }
    return 0;
}

/* Requests carry no server-owned field, a sealed version only the sealed ones. */
static int field_in(const isms_entity *e, const isms_field *f, isms_js_mode mode)
{
    if (mode == ISMS_JS_SEALED) return !e || isms_field_sealed(e, f);
    return mode == ISMS_JS_RESPONSE || !(f->flags & ISMS_SERVER);
}

/* A response has every column of a record; a sealed version leaves out a field added after
 * it was sealed while it is null (isms_seal_content); a create needs the required ones. */
static int required_in(const isms_entity *e, const isms_field *f, isms_js_mode mode)
{
    if (mode == ISMS_JS_SEALED && (f->flags & ISMS_ADDED)) return 0;
    if (mode == ISMS_JS_RESPONSE || mode == ISMS_JS_SEALED) return e && !(f->flags & ISMS_NOCOL);
    return mode == ISMS_JS_CREATE && (f->flags & ISMS_REQ);
}

json_t *isms_js_object(const isms_entity *e, const isms_field *fields, isms_js_mode mode)
{
    json_t *props = json_object(), *req = json_array();
    const isms_field *f;

    for (f = fields; f->name; f++) {
        if (!field_in(e, f, mode)) continue;
        json_object_set_new(props, f->name, property(f, mode));
        if (required_in(e, f, mode)) {
            json_array_append_new(req, json_string(f->name));
        }
    }
    if (e && mode == ISMS_JS_RESPONSE) {
        json_object_set_new(props, "etag", json_pack("{s:s, s:b}", "type", "string",
                                                     "readOnly", 1));
        json_array_append_new(req, json_string("etag"));
    }
    if (e && (mode == ISMS_JS_RESPONSE || mode == ISMS_JS_SEALED)) {
        if (is_item(e)) {
            json_object_set_new(props, "review_id", json_pack("{s:s, s:b}", "type", "integer",
                                                              "readOnly", 1));
            json_array_append_new(req, json_string("review_id"));
        }
    }
    return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props,
                     "required", req, "additionalProperties", 0);
}
