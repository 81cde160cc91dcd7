/* SPDX-License-Identifier: Apache-2.0 */
/* The descriptors as documents: enum labels (isms_entity.c), GET v1/schema (isms_schema.c)
 * and the OpenAPI contract (isms_openapi.c, isms_jsonschema.c). No database. */
#include "tests.h"

#include <string.h>

#include "isms_json.h"
#include "isms_openapi.h"
#include "isms_workflow.h"

static int count(const char *const *list)
{
    int n = 0;

    while (list && list[n]) n++;
    return n;
}

/* Every field with enum values (of every kind, sub-object and request body) has a label for
 * each value, not empty, not the value itself, unique within the field. */
static void labels_of(const char *what, const isms_field *fields)
{
    const isms_field *f;
    int i, k;

    for (f = fields; f->name; f++) {
        if (f->sub) labels_of(f->name, f->sub);
        if (!f->enums) continue;
        ck_assert_msg(f->labels, "%s.%s has enum values but no labels", what, f->name);
        ck_assert_msg(count(f->enums) == count(f->labels), "%s.%s: %d values, %d labels", what,
                      f->name, count(f->enums), count(f->labels));
        for (i = 0; f->enums[i]; i++) {
            ck_assert_msg(f->labels[i][0] && strcmp(f->labels[i], f->enums[i]) != 0,
                          "%s.%s: %s has no human label", what, f->name, f->enums[i]);
            ck_assert_str_eq(isms_enum_label(f, f->enums[i]), f->labels[i]);
            for (k = 0; k < i; k++) {
                ck_assert_msg(strcmp(f->labels[k], f->labels[i]) != 0, "%s.%s: label %s twice",
                              what, f->name, f->labels[i]);
            }
        }
    }
}

START_TEST(every_enum_value_has_a_label)
{
    int i;

    labels_of("review", isms_entity_review.fields);
    labels_of("person", isms_entity_person.fields);
    for (i = 0; isms_item_entities[i]; i++) {
        labels_of(isms_item_entities[i]->kind, isms_item_entities[i]->fields);
    }
    for (i = 0; isms_body_entities[i]; i++) {
        labels_of(isms_body_entities[i]->kind, isms_body_entities[i]->fields);
    }
    ck_assert_str_eq(isms_enum_label(isms_entity_field(isms_entity_by_kind("decision"),
                                                       "category"), "ISMS_CHANGE"),
                     "Change to the ISMS");
    ck_assert_str_eq(isms_enum_label(isms_entity_field(isms_entity_by_kind("communication"),
                                                       "what_type"), "EXEC_SUMMARY"),
                     "Executive summary");
    /* an unknown value is shown as it is */
    ck_assert_str_eq(isms_enum_label(isms_entity_field(isms_entity_by_kind("action"),
                                                       "status"), "NOPE"), "NOPE");
}
END_TEST

static size_t nfields(const isms_entity *e)
{
    size_t n = 0;

    while (e->fields[n].name) n++;
    return n;
}

static const json_t *field_of(const json_t *kind, const char *name)
{
    const json_t *f;
    size_t i;

    json_array_foreach(json_object_get(kind, "fields"), i, f) {
        if (!strcmp(json_string_value(json_object_get(f, "name")), name)) return f;
    }
    return NULL;
}

/* v1/schema lists each kind with each field of its descriptor and its flags. */
START_TEST(schema_lists_the_descriptors)
{
    json_t *doc = isms_json_pool(tpool, isms_schema_json()), *kinds = json_object_get(doc,
                                                                                      "kinds");
    const json_t *k, *f, *v;
    const isms_field *d;
    size_t i;

    ck_assert_int_eq(json_array_size(kinds), 11);         /* review, the 9 items, person */
    for (i = 0; isms_body_entities[i]; i++) {}
    ck_assert_int_eq(i, 7);      /* updates, measurements, transition, waiver, ack, snapshot,
                                  * previous_external */
    ck_assert_int_eq(json_array_size(json_object_get(doc, "request_bodies")), i);
    json_array_foreach(kinds, i, k) {
        const isms_entity *e = isms_entity_by_kind(json_string_value(json_object_get(k,
                                                                                     "kind")));
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(json_array_size(json_object_get(k, "fields")), nfields(e));
        for (d = e->fields; d->name; d++) {
            f = field_of(k, d->name);
            ck_assert_msg(f != NULL, "%s.%s missing", e->kind, d->name);
            ck_assert_int_eq(json_is_true(json_object_get(f, "required")),
                             (d->flags & ISMS_REQ) != 0);
            ck_assert_int_eq(json_is_true(json_object_get(f, "server_owned")),
                             (d->flags & ISMS_SERVER) != 0);
            ck_assert_int_eq(json_is_true(json_object_get(f, "tracking")),
                             (d->flags & ISMS_TRACKING) != 0);
            if (e != &isms_entity_person) {     /* the register is not sealed */
                ck_assert_int_eq(json_is_true(json_object_get(f, "sealed")),
                                 isms_field_sealed(e, d));
            }
            ck_assert_str_eq(json_string_value(json_object_get(f, "type")),
                             isms_ftype_name(d->type));
        }
    }
    /* a label, tracking and sealed as a client sees them */
    k = json_array_get(kinds, 4);         /* review, attendee, input, decision, action */
    ck_assert_str_eq(json_string_value(json_object_get(k, "kind")), "action");
    f = field_of(k, "status");
    ck_assert(json_is_true(json_object_get(f, "tracking")));
    ck_assert(json_is_false(json_object_get(f, "sealed")));
    ck_assert(json_is_true(json_object_get(field_of(k, "title"), "sealed")));
    v = json_array_get(json_object_get(f, "enum"), 4);
    ck_assert_str_eq(json_string_value(json_object_get(v, "value")), "VERIFIED_EFFECTIVE");
    ck_assert_str_eq(json_string_value(json_object_get(v, "label")), "Verified effective");
    /* sub-objects and list elements carry theirs */
    f = field_of(json_array_get(kinds, 0), "suitability");
    v = json_array_get(json_object_get(json_array_get(json_object_get(f, "fields"), 0),
                                       "enum"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(v, "label")), "Partially confirmed");
    f = field_of(json_array_get(kinds, 0), "standards");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "items"), "type")),
                     "enum");
}
END_TEST

static const json_t *op(const json_t *doc, const char *path, const char *method)
{
    return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

/* The contract has a path per item kind and per transition, a schema per kind with every
 * descriptor field, and the request schemas follow the flags. */
START_TEST(contract_follows_the_descriptors)
{
    json_t *doc = isms_json_pool(tpool, isms_openapi_json("/api"));
    const json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    const json_t *s, *create, *patch;
    const char *wf, *to;
    char path[128];
    int i;

    ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(doc,
                     "servers"), 0), "url")), "/api");
    for (i = 0; isms_item_entities[i]; i++) {
        const isms_entity *e = isms_item_entities[i];
        snprintf(path, sizeof(path), "/v1/reviews/{review_id}/%s", e->collection);
        ck_assert_msg(op(doc, path, "get") && op(doc, path, "post"), "%s", path);
        snprintf(path, sizeof(path), "/v1/reviews/{review_id}/%s/{%s_id}", e->collection,
                 e->kind);
        ck_assert_msg(op(doc, path, "get") && op(doc, path, "patch") &&
                      op(doc, path, "delete"), "%s", path);
        ck_assert_ptr_nonnull(json_object_get(json_object_get(op(doc, path, "patch"),
                                                              "responses"), "412"));
    }
    for (i = 0; (wf = isms_workflow_action_at(i, &to)) != NULL; i++) {
        snprintf(path, sizeof(path), "/v1/reviews/{review_id}/%s", wf);
        ck_assert_msg(op(doc, path, "post") != NULL, "%s", path);
    }
    ck_assert_ptr_null(json_object_get(op(doc, "/v1/health", "get"), "responses") ?
                       json_object_get(json_object_get(op(doc, "/v1/health", "get"),
                                                       "responses"), "401") : NULL);
    s = json_object_get(schemas, "Action");
    create = json_object_get(schemas, "ActionCreate");
    patch = json_object_get(schemas, "ActionPatch");
    ck_assert(json_is_false(json_object_get(s, "additionalProperties")));
    for (i = 0; isms_entity_by_kind("action")->fields[i].name; i++) {
        const isms_field *f = &isms_entity_by_kind("action")->fields[i];
        const json_t *in_create = json_object_get(json_object_get(create, "properties"),
                                                  f->name);
        ck_assert_msg(json_object_get(json_object_get(s, "properties"), f->name) != NULL,
                      "Action.%s", f->name);
        ck_assert_int_eq(in_create != NULL, !(f->flags & ISMS_SERVER));
        ck_assert_int_eq(json_object_get(json_object_get(patch, "properties"), f->name) != NULL,
                         !(f->flags & ISMS_SERVER));
    }
    ck_assert_int_eq(json_array_size(json_object_get(patch, "required")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(create, "required")), 5);
    s = json_object_get(json_object_get(json_object_get(schemas, "DecisionCreate"),
                                        "properties"), "category");
    ck_assert_int_eq(json_array_size(json_object_get(s, "enum")),
                     (size_t)count(isms_entity_field(isms_entity_by_kind("decision"),
                                                     "category")->enums));
}
END_TEST

Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = isms_test_tcase("schema", 0);

    tcase_add_test(tc, every_enum_value_has_a_label);
    tcase_add_test(tc, schema_lists_the_descriptors);
    tcase_add_test(tc, contract_follows_the_descriptors);
    suite_add_tcase(s, tc);
    return s;
}
