/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/schema: the entity descriptors (isms_entity.c) as data for clients. Every kind,
 * its fields with type, limits, enum values with their labels and the flags (required,
 * server-owned, tracking, sealed), so a UI never restates them. */
#include "isms_schema.h"

#include <string.h>

static const char *const type_names[] = {
    [ISMS_F_STRING] = "string", [ISMS_F_TEXT] = "text", [ISMS_F_ENUM] = "enum",
    [ISMS_F_DATE] = "date", [ISMS_F_USER] = "user", [ISMS_F_BOOL] = "bool",
    [ISMS_F_INT] = "int", [ISMS_F_NUMBER] = "number", [ISMS_F_REF] = "ref",
    [ISMS_F_OBJECT] = "object", [ISMS_F_LIST] = "list", [ISMS_F_TIMESTAMP] = "timestamp",
    [ISMS_F_JSON] = "json"};

const char *isms_ftype_name(isms_ftype t)
{
    return type_names[t];
}

static json_t *enum_json(const isms_field *f)
{
    json_t *a = json_array();
    int i;

    for (i = 0; f->enums[i]; i++) {
        json_array_append_new(a, json_pack("{s:s, s:s}", "value", f->enums[i], "label",
                                           isms_enum_label(f, f->enums[i])));
    }
    return a;
}

static json_t *only_for_json(const char *only_for)
{
    json_t *a = json_array();
    const char *p = only_for;

    while (*p) {
        size_t n = strcspn(p, " ");
        json_array_append_new(a, json_stringn(p, n));
        p += n;
        while (*p == ' ') p++;
    }
    return a;
}

static json_t *fields_json(const isms_entity *e, const isms_field *fields);

/* The value constraints of a field (or of the elements of a list). */
static void constraints(json_t *j, const isms_field *f, isms_ftype t)
{
    if (f->max_chars) json_object_set_new(j, "max_chars", json_integer(f->max_chars));
    if (f->max_bytes) json_object_set_new(j, "max_bytes", json_integer(f->max_bytes));
    if ((t == ISMS_F_INT || t == ISMS_F_NUMBER) && f->min < f->max) {
        json_object_set_new(j, "min", json_real(f->min));
        json_object_set_new(j, "max", json_real(f->max));
    }
    if (t == ISMS_F_ENUM && f->enums) json_object_set_new(j, "enum", enum_json(f));
    if (t == ISMS_F_REF && f->ref_kind) {
        json_object_set_new(j, "ref_kind", json_string(f->ref_kind));
    }
    if (t == ISMS_F_OBJECT && f->sub) {
        json_object_set_new(j, "fields", fields_json(NULL, f->sub));
    }
}

static json_t *field_json(const isms_entity *e, const isms_field *f)
{
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b}", "name", f->name, "type",
                          isms_ftype_name(f->type), "required", (f->flags & ISMS_REQ) != 0,
                          "server_owned", (f->flags & ISMS_SERVER) != 0, "tracking",
                          (f->flags & ISMS_TRACKING) != 0, "filter",
                          (f->flags & ISMS_FILTER) != 0);

    if (e) json_object_set_new(j, "sealed", json_boolean(isms_field_sealed(e, f)));
    if (f->type == ISMS_F_LIST) {
        json_t *items = json_pack("{s:s}", "type", isms_ftype_name(f->item_type));
        constraints(items, f, f->item_type);
        json_object_set_new(j, "items", items);
        if (f->max_items) json_object_set_new(j, "max_items", json_integer(f->max_items));
    }
    else {
        constraints(j, f, f->type);
    }
    if (f->only_for) json_object_set_new(j, "only_for", only_for_json(f->only_for));
    if (f->default_value) json_object_set_new(j, "default", json_string(f->default_value));
    return j;
}

static json_t *fields_json(const isms_entity *e, const isms_field *fields)
{
    json_t *a = json_array();
    const isms_field *f;

    for (f = fields; f->name; f++) json_array_append_new(a, field_json(e, f));
    return a;
}

/* sealed: the flag is meaningful for records only (not for request bodies). */
static json_t *entity_json(const isms_entity *e, int sealed)
{
    json_t *j = json_pack("{s:s}", "kind", e->kind);

    if (e->collection[0]) json_object_set_new(j, "collection", json_string(e->collection));
    if (e->ref_code[0]) json_object_set_new(j, "ref_code", json_string(e->ref_code));
    json_object_set_new(j, "fields", fields_json(sealed ? e : NULL, e->fields));
    return j;
}

json_t *isms_schema_json(void)
{
    json_t *kinds = json_array(), *bodies = json_array();
    int i;

    json_array_append_new(kinds, entity_json(&isms_entity_review, 1));
    for (i = 0; isms_item_entities[i]; i++) {
        json_array_append_new(kinds, entity_json(isms_item_entities[i], 1));
    }
    json_array_append_new(kinds, entity_json(&isms_entity_person, 0));
    for (i = 0; isms_body_entities[i]; i++) {
        json_array_append_new(bodies, entity_json(isms_body_entities[i], 0));
    }
    return json_pack("{s:i, s:o, s:o}", "version", 1, "kinds", kinds, "request_bodies",
                     bodies);
}
