/* SPDX-License-Identifier: Apache-2.0 */
/* The entity descriptors (isms_entity.c) and the validation they drive (isms_validate.c): for
 * every entity a document synthesized from its descriptor alone is valid (so the descriptors
 * are self-consistent), and every kind of error is reported with its code and field path. No
 * database. */
#include "tests.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>

#include "isms_json.h"
#include "isms_validate.h"

/* The review and the nine item kinds: loop tests run over these indexes. */
#define N_ENTITIES 10

/* ---- documents synthesized from a descriptor */

static int utf8_len(const char *s)
{
    int n = 0;

    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Whether an only_for list ("C_IP_NEEDS_CHANGES E_IP_FEEDBACK") names a category. */
static int only_for_allows(const char *only_for, const char *cat)
{
    char *list = apr_pstrdup(tpool, only_for), *last, *tok;

    if (!cat) return 0;
    for (tok = apr_strtok(list, " ", &last); tok; tok = apr_strtok(NULL, " ", &last)) {
        if (strcmp(tok, cat) == 0) return 1;
    }
    return 0;
}

static json_t *synth_fields(const isms_field *fields, int full, long long dec, long long inp);

static json_t *synth_value(const isms_field *f, isms_ftype t, int full, long long dec,
                           long long inp)
{
    switch (t) {
    case ISMS_F_STRING: {
        const char *s = isms_test_printf("%s from \xc3\xbc", f->name);
        if (strcmp(f->name, "requirement_codes") == 0) {      /* STANDARD:CODE */
            return json_string(full ? "ISO9001_2015:C7_EXT_PROVIDERS" : "CUSTOM:CUSTOM_X");
        }
        if (!full) return json_string("x");
        if (f->max_chars && utf8_len(s) > f->max_chars) {
            s = apr_pstrndup(tpool, f->name, (apr_size_t)f->max_chars);
        }
        return json_string(s);
    }
    case ISMS_F_TEXT:
        return json_string(full ? isms_test_printf("Text of %s:\n\"quoted\" 'single' FROM "
                                                   "fromage \xe2\x82\xac", f->name) : "x");
    case ISMS_F_ENUM:
        return json_string(full && f->enums[1] ? f->enums[1] : f->enums[0]);
    case ISMS_F_DATE:
        return json_string(strcmp(f->name, "next_review_date") == 0 ? "2032-01-15"
                                                                     : "2031-01-15");
    case ISMS_F_USER:
        return json_string(full ? apr_pstrndup(tpool, apr_pstrcat(tpool, "user.", f->name,
                                                                   NULL),
                                               (apr_size_t)f->max_chars)
                                : "alice");
    case ISMS_F_BOOL: return json_true();
    case ISMS_F_INT:
        if (strcmp(f->name, "programme_id") == 0) return json_integer(1);  /* 011's default */
        return json_integer(f->min < f->max ? (json_int_t)((f->min + f->max) / 2) : 7);
    case ISMS_F_NUMBER: return json_real(12.5);
    case ISMS_F_REF:
        return json_integer(f->ref_kind && strcmp(f->ref_kind, "input") == 0 ? inp : dec);
    case ISMS_F_OBJECT: return synth_fields(f->sub, full, dec, inp);
    case ISMS_F_LIST: {
        json_t *a = json_array();
        if (full) {
            json_array_append_new(a, synth_value(f, f->item_type, 1, dec, inp));
            if (f->item_type != ISMS_F_REF) {
                json_array_append_new(a, synth_value(f, f->item_type, 0, dec, inp));
            }
        }
        return a;
    }
    default:
        return json_string("2026-01-01T00:00:00Z");
    }
}

static json_t *synth_fields(const isms_field *fields, int full, long long dec, long long inp)
{
    json_t *o = json_object();
    const isms_field *f;

    for (f = fields; f->name; f++) {
        if ((f->flags & ISMS_SERVER) || f->type == ISMS_F_TIMESTAMP) continue;
        if (!full && !(f->flags & ISMS_REQ)) continue;
        if (f->only_for &&
            !only_for_allows(f->only_for, json_string_value(json_object_get(o, "category")))) {
            continue;
        }
        json_object_set_new(o, f->name, synth_value(f, f->type, full, dec, inp));
    }
    return o;
}

json_t *isms_test_synth(const isms_entity *e, int full, long long decision_id,
                        long long input_id)
{
    return isms_json_pool(tpool, synth_fields(e->fields, full, decision_id, input_id));
}

/* ---- validation helpers */

static json_t *run(const isms_entity *e, const json_t *in, isms_vmode mode,
                   const json_t *current, const json_t *review, json_t **errs)
{
    isms_verrors ve = {isms_json_pool(tpool, json_array())};
    json_t *m = isms_validate(e, in, mode, current, review, &ve);

    *errs = ve.list;
    return isms_json_pool(tpool, m);
}

static json_t *valid_at(int line, const isms_entity *e, const json_t *in, isms_vmode mode,
                        const json_t *current, const json_t *review)
{
    json_t *errs, *m = run(e, in, mode, current, review, &errs);

    ck_assert_msg(m != NULL, "line %d: %s %s rejected: %s", line, e->kind, isms_test_dump(in),
                  isms_test_dump(errs));
    ck_assert_int_eq(json_array_size(errs), 0);
    return m;
}

static void invalid_at(int line, const isms_entity *e, const json_t *in, isms_vmode mode,
                       const json_t *current, const json_t *review, const char *field,
                       const char *code)
{
    json_t *errs, *m = run(e, in, mode, current, review, &errs);

    ck_assert_msg(m == NULL, "line %d: %s %s accepted, expected %s on %s: %s", line, e->kind,
                  isms_test_dump(in), code, field, isms_test_dump(m));
    ck_assert_msg(isms_test_has_error(errs, field, code),
                  "line %d: %s %s: expected %s on %s, got %s", line, e->kind,
                  isms_test_dump(in), code, field, isms_test_dump(errs));
}

#define VALID(e, in) valid_at(__LINE__, e, in, ISMS_V_CREATE, NULL, NULL)
#define INVALID(e, in, field, code) \
    invalid_at(__LINE__, e, in, ISMS_V_CREATE, NULL, NULL, field, code)
#define J(text) isms_test_json(text)

static const isms_entity *kind(const char *k)
{
    const isms_entity *e = isms_entity_by_kind(k);

    ck_assert_ptr_nonnull(e);
    return e;
}

/* A minimal valid document plus one field: for an only_for field the category is one it
 * applies to. */
static json_t *with_field(const isms_entity *e, const isms_field *f, json_t *v)
{
    json_t *doc = isms_test_synth(e, 0, 1, 1);

    if (f->only_for) {
        json_object_set_new(doc, "category", json_string(apr_pstrndup(
            tpool, f->only_for, strcspn(f->only_for, " "))));
    }
    json_object_set_new(doc, f->name, v);
    return doc;
}

/* ---- the descriptors themselves */

START_TEST(descriptors_consistent)
{
    const isms_field *f, *s;
    int i, k;

    for (i = 0; i < N_ENTITIES; i++) {
        const isms_entity *e = isms_test_entity_at(i);
        ck_assert_ptr_nonnull(e);
        ck_assert_ptr_eq(isms_entity_by_kind(e->kind), e);
        if (i > 0) {
            ck_assert_ptr_eq(isms_entity_by_collection(e->collection), e);
            ck_assert_msg(*e->ref_code != '\0', "%s has no reference code", e->kind);
        }
        for (k = 0; k < i; k++) {
            ck_assert_str_ne(isms_test_entity_at(k)->kind, e->kind);
            ck_assert_str_ne(isms_test_entity_at(k)->table, e->table);
            if (k > 0) ck_assert_str_ne(isms_test_entity_at(k)->ref_code, e->ref_code);
        }
        for (f = e->fields; f->name; f++) {
            const char *what = apr_pstrcat(tpool, e->kind, ".", f->name, NULL);
            ck_assert_ptr_eq(isms_entity_field(e, f->name), f);
            ck_assert_msg(!((f->flags & ISMS_REQ) && (f->flags & ISMS_SERVER)),
                          "%s is required and server-owned", what);
            if ((f->flags & ISMS_SERVER) && (f->flags & ISMS_NOCOL)) continue;   /* derived */
            if (f->type == ISMS_F_ENUM || (f->type == ISMS_F_LIST &&
                                           f->item_type == ISMS_F_ENUM)) {
                ck_assert_msg(f->enums && f->enums[0], "%s has no enum values", what);
            }
            if (f->type == ISMS_F_OBJECT || (f->type == ISMS_F_LIST &&
                                             f->item_type == ISMS_F_OBJECT)) {
                ck_assert_msg(f->sub && f->sub[0].name, "%s has no members", what);
                for (s = f->sub; s->name; s++) {
                    ck_assert_msg(s->type != ISMS_F_OBJECT && s->type != ISMS_F_LIST,
                                  "%s.%s nests too deep", what, s->name);
                }
            }
            if (f->type == ISMS_F_LIST && !(f->flags & ISMS_SERVER)) {
                ck_assert_msg(f->max_items > 0, "%s has no max_items", what);
            }
            if (f->type == ISMS_F_STRING || f->type == ISMS_F_USER ||
                (f->type == ISMS_F_LIST && f->item_type == ISMS_F_STRING)) {
                ck_assert_msg(f->max_chars > 0 && f->max_bytes >= f->max_chars,
                              "%s has no limits", what);
            }
            if (f->type == ISMS_F_REF || (f->type == ISMS_F_LIST &&
                                          f->item_type == ISMS_F_REF)) {
                ck_assert_msg(f->ref_kind && isms_entity_by_kind(f->ref_kind),
                              "%s refers to an unknown kind", what);
            }
            if (f->default_value && f->type == ISMS_F_ENUM) {
                ck_assert_msg(isms_enum_valid(f->enums, f->default_value),
                              "%s: default %s is not one of its values", what,
                              f->default_value);
            }
            if (f->default_value && f->type == ISMS_F_INT) {
                double d = atof(f->default_value);
                ck_assert_msg(!(f->min < f->max) || (d >= f->min && d <= f->max),
                              "%s: default out of range", what);
            }
            if (f->only_for) {
                char *list = apr_pstrdup(tpool, f->only_for), *last, *tok;
                ck_assert_str_eq(e->kind, "input");
                for (tok = apr_strtok(list, " ", &last); tok;
                     tok = apr_strtok(NULL, " ", &last)) {
                    ck_assert_msg(isms_enum_valid(isms_entity_field(e, "category")->enums,
                                                  tok), "%s: only_for %s", what, tok);
                }
            }
        }
    }
    ck_assert_ptr_null(isms_item_entities[N_ENTITIES - 1]);
    ck_assert_ptr_null(isms_entity_by_kind("nosuch"));
    ck_assert_ptr_null(isms_entity_by_collection("reviews"));
    ck_assert_ptr_null(isms_entity_field(&isms_entity_review, "nosuch"));
    ck_assert(isms_enum_valid(isms_entity_field(kind("action"), "status")->enums, "OPEN"));
    ck_assert(!isms_enum_valid(isms_entity_field(kind("action"), "status")->enums, "open"));
    ck_assert(!isms_enum_valid(NULL, "OPEN"));
}
END_TEST

/* ---- documents from the descriptor */

START_TEST(minimal_document_valid)
{
    const isms_entity *e = isms_test_entity_at(_i);
    json_t *in = isms_test_synth(e, 0, 1, 1), *m = VALID(e, in);
    const isms_field *f;
    const char *key;
    json_t *v;
    int required = 0;

    /* every required field is in the document, every other field is absent unless it has
     * a default, and the defaults have their type */
    for (f = e->fields; f->name; f++) {
        v = json_object_get(m, f->name);
        if (f->flags & ISMS_REQ) {
            required++;
            ck_assert_msg(json_equal(v, json_object_get(in, f->name)), "%s.%s changed",
                          e->kind, f->name);
        }
        else if (f->default_value) {
            ck_assert_msg(v != NULL, "%s.%s: default not applied", e->kind, f->name);
            if (f->type == ISMS_F_INT) {
                ck_assert(json_is_integer(v));
                ck_assert_int_eq(json_integer_value(v), atoll(f->default_value));
            }
            else if (f->type == ISMS_F_BOOL) {
                ck_assert(json_is_boolean(v));
                ck_assert_int_eq(json_is_true(v), strcmp(f->default_value, "true") == 0);
            }
            else {
                ck_assert_str_eq(json_string_value(v), f->default_value);
            }
        }
        else {
            ck_assert_msg(v == NULL, "%s.%s appeared: %s", e->kind, f->name,
                          isms_test_dump(m));
        }
    }
    ck_assert_int_gt(required, 0);
    json_object_foreach(m, key, v) {
        ck_assert_msg(isms_entity_field(e, key) != NULL, "%s: unknown key %s", e->kind, key);
    }
}
END_TEST

START_TEST(full_document_valid)
{
    const isms_entity *e = isms_test_entity_at(_i);
    json_t *in = isms_test_synth(e, 1, 3, 4), *m = VALID(e, in);
    const char *key;
    json_t *v;
    const isms_field *f;
    int n = 0;

    json_object_foreach(in, key, v) {
        ck_assert_msg(json_equal(v, json_object_get(m, key)), "%s.%s: %s became %s", e->kind,
                      key, isms_test_dump(v), isms_test_dump(json_object_get(m, key)));
        n++;
    }
    /* every client field is in it (inputs: the fields of one category) */
    for (f = e->fields; f->name; f++) {
        if ((f->flags & ISMS_SERVER) || f->only_for) continue;
        ck_assert_msg(json_object_get(in, f->name) != NULL, "%s.%s not synthesized", e->kind,
                      f->name);
    }
    ck_assert_int_eq(json_object_size(m), n);
}
END_TEST

START_TEST(defaults_applied)
{
    json_t *m;

    m = VALID(kind("action"), J("{\"title\":\"t\",\"type\":\"CORRECTIVE\",\"owner\":\"bob\","
                                "\"due_date\":\"2026-05-01\",\"priority\":\"LOW\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "OPEN");
    ck_assert(json_is_integer(json_object_get(m, "progress")));
    ck_assert_int_eq(json_integer_value(json_object_get(m, "progress")), 0);
    ck_assert_ptr_null(json_object_get(m, "completed_at"));
    m = VALID(&isms_entity_review, J("{\"title\":\"t\",\"review_type\":\"SCHEDULED\","
                                     "\"planned_date\":\"2026-03-10\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "classification")), "INTERNAL");
    m = VALID(&isms_entity_review, J("{\"title\":\"t\",\"review_type\":\"SCHEDULED\","
                                     "\"planned_date\":\"2026-03-10\",\"classification\":"
                                     "\"RESTRICTED\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "classification")), "RESTRICTED");
    /* a value sent is kept, and null counts as absent */
    m = VALID(kind("action"), J("{\"title\":\"t\",\"type\":\"CORRECTIVE\",\"owner\":\"bob\","
                                "\"due_date\":\"2026-05-01\",\"priority\":\"LOW\",\"status\":"
                                "null,\"progress\":40}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "OPEN");
    ck_assert_int_eq(json_integer_value(json_object_get(m, "progress")), 40);
    m = VALID(kind("improvement"), J("{\"description\":\"d\",\"source\":\"INCIDENT\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "OPEN");
    m = VALID(kind("change"), J("{\"description\":\"d\",\"change_type\":\"SCOPE\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "PROPOSED");
    m = VALID(kind("objective"), J("{\"statement\":\"s\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "PROPOSED");
    m = VALID(kind("resource"), J("{\"description\":\"d\",\"resource_type\":\"OTHER\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "provision_status")), "PENDING");
    m = VALID(kind("communication"), J("{\"what_type\":\"OTHER\",\"audience_type\":\"TEAMS\","
                                       "\"how\":\"EMAIL\",\"when\":\"2026-04-01\"}"));
    ck_assert_str_eq(json_string_value(json_object_get(m, "status")), "PLANNED");
    /* no defaults on PATCH */
    m = valid_at(__LINE__, kind("action"), J("{\"title\":\"u\"}"), ISMS_V_PATCH,
                 J("{\"title\":\"t\"}"), NULL);
    ck_assert_ptr_null(json_object_get(m, "status"));
}
END_TEST

/* ---- field errors, for every field of every entity */

START_TEST(required_missing)
{
    const isms_entity *e = isms_test_entity_at(_i);
    const isms_field *f;
    int n = 0;

    for (f = e->fields; f->name; f++) {
        json_t *doc;
        if (!(f->flags & ISMS_REQ)) continue;
        doc = isms_test_synth(e, 0, 1, 1);
        json_object_del(doc, f->name);
        INVALID(e, doc, f->name, "required");
        json_object_set_new(doc, f->name, json_null());
        INVALID(e, doc, f->name, "required");
        /* PATCH: absent is fine, null is not */
        valid_at(__LINE__, e, J("{}"), ISMS_V_PATCH, isms_test_synth(e, 0, 1, 1), NULL);
        invalid_at(__LINE__, e, J(isms_test_printf("{\"%s\":null}", f->name)),
                   ISMS_V_PATCH, isms_test_synth(e, 0, 1, 1), NULL, f->name, "required");
        n++;
    }
    ck_assert_int_gt(n, 0);
    /* all missing at once: one error per required field */
    {
        json_t *errs, *m = run(e, J("{}"), ISMS_V_CREATE, NULL, NULL, &errs);
        ck_assert_ptr_null(m);
        ck_assert_int_eq(json_array_size(errs), n);
    }
}
END_TEST

START_TEST(server_owned_refused)
{
    const isms_entity *e = isms_test_entity_at(_i);
    const isms_field *f;
    int n = 0;

    for (f = e->fields; f->name; f++) {
        json_t *doc, *v;
        if (!(f->flags & ISMS_SERVER)) continue;
        v = f->type == ISMS_F_INT ? json_integer(1)
          : f->type == ISMS_F_LIST ? json_array()
          : json_string(f->type == ISMS_F_TIMESTAMP ? "2026-01-01T00:00:00Z" : "x");
        doc = isms_test_synth(e, 0, 1, 1);
        json_object_set(doc, f->name, v);
        INVALID(e, doc, f->name, "server_owned");
        invalid_at(__LINE__, e, isms_json_pool(tpool, json_pack("{s:O}", f->name, v)),
                   ISMS_V_PATCH, isms_test_synth(e, 0, 1, 1), NULL, f->name, "server_owned");
        /* even null */
        json_object_set_new(doc, f->name, json_null());
        INVALID(e, doc, f->name, "server_owned");
        json_decref(v);
        n++;
    }
    ck_assert_int_ge(n, 6);   /* id, ref, created_*, updated_* at least */
}
END_TEST

START_TEST(unknown_field_refused)
{
    const isms_entity *e = isms_test_entity_at(_i);
    json_t *doc = isms_test_synth(e, 0, 1, 1);

    json_object_set_new(doc, "no_such_field", json_integer(1));
    INVALID(e, doc, "no_such_field", "unknown_field");
    invalid_at(__LINE__, e, J("{\"Title\":\"x\"}"), ISMS_V_PATCH, doc, NULL, "Title",
               "unknown_field");
    /* internal keys of a stored row are not fields either */
    invalid_at(__LINE__, e, J("{\"_row_version\":1}"), ISMS_V_PATCH, doc, NULL,
               "_row_version", "unknown_field");
    if (e != &isms_entity_review) {
        invalid_at(__LINE__, e, J("{\"review_id\":1}"), ISMS_V_PATCH, doc, NULL, "review_id",
                   "unknown_field");
    }
}
END_TEST

static json_t *wrong_type(isms_ftype t)
{
    switch (t) {
    case ISMS_F_BOOL: return json_string("true");
    case ISMS_F_INT: case ISMS_F_REF: return json_real(1.5);
    case ISMS_F_NUMBER: return json_string("1");
    case ISMS_F_OBJECT: return json_array();
    case ISMS_F_LIST: return json_object();
    case ISMS_F_JSON: return json_array();
    default: return json_integer(1);
    }
}

START_TEST(wrong_json_type)
{
    const isms_entity *e = isms_test_entity_at(_i);
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        if (f->flags & ISMS_SERVER) continue;
        INVALID(e, with_field(e, f, wrong_type(f->type)), f->name, "invalid_type");
        /* a boolean is never a string, a number or a list */
        if (f->type != ISMS_F_BOOL) {
            INVALID(e, with_field(e, f, json_true()), f->name, "invalid_type");
        }
        /* a list of the wrong elements names the element */
        if (f->type == ISMS_F_LIST) {
            json_t *a = json_array();
            json_array_append_new(a, synth_value(f, f->item_type, 1, 1, 1));
            json_array_append_new(a, wrong_type(f->item_type));
            INVALID(e, with_field(e, f, a), apr_pstrcat(tpool, f->name, "[1]", NULL),
                    "invalid_type");
        }
        /* members of objects too */
        if (f->type == ISMS_F_OBJECT) {
            const isms_field *s;
            for (s = f->sub; s->name; s++) {
                json_t *o = synth_fields(f->sub, 0, 1, 1);
                json_object_set_new(o, s->name, wrong_type(s->type));
                INVALID(e, with_field(e, f, o), apr_pstrcat(tpool, f->name, ".", s->name,
                                                            NULL), "invalid_type");
            }
        }
    }
    /* an integer written as a real is not an integer */
    if (e == kind("action")) {
        INVALID(e, with_field(e, isms_entity_field(e, "progress"), json_real(5.0)), "progress",
                "invalid_type");
    }
}
END_TEST

START_TEST(bad_enum)
{
    const isms_entity *e = isms_test_entity_at(_i);
    const isms_field *f;
    int k;

    for (f = e->fields; f->name; f++) {
        if (f->flags & ISMS_SERVER) continue;
        if (f->type == ISMS_F_ENUM) {
            char *lower = apr_pstrdup(tpool, f->enums[0]), *c;
            INVALID(e, with_field(e, f, json_string("NOT_A_VALUE")), f->name, "invalid_enum");
            for (c = lower; *c; c++) *c = (char)apr_tolower(*c);
            INVALID(e, with_field(e, f, json_string(lower)), f->name, "invalid_enum");
            INVALID(e, with_field(e, f, json_string("")), f->name, "invalid_enum");
            INVALID(e, with_field(e, f, json_string(apr_pstrcat(tpool, f->enums[0], " ",
                                                                NULL))), f->name,
                    "invalid_enum");
            /* every listed value is accepted */
            for (k = 0; f->enums[k]; k++) {
                json_t *doc = with_field(e, f, json_string(f->enums[k]));
                if (strcmp(f->enums[k], "EXTRAORDINARY") == 0) {
                    json_object_set_new(doc, "trigger", json_string("OTHER"));
                }
                if (strcmp(f->enums[k], "NOT_APPLICABLE") == 0 &&
                    strcmp(f->name, "status") == 0) {
                    json_object_set_new(doc, "na_justification", json_string("n/a"));
                }
                if (strcmp(f->enums[k], "NO_CHANGE_REQUIRED") == 0) {
                    json_object_set_new(doc, "rationale", json_string("r"));
                }
                if (!strcmp(e->kind, "communication") && (!strcmp(f->enums[k], "SENT") ||
                                                          !strcmp(f->enums[k], "ACKNOWLEDGED"))) {
                    json_object_set_new(doc, "sent_at", json_string("2031-01-16"));
                    json_object_set_new(doc, "sent_by", json_string("bob"));
                }
                VALID(e, doc);
            }
        }
        if (f->type == ISMS_F_LIST && f->item_type == ISMS_F_ENUM) {
            json_t *a = json_array();
            json_array_append_new(a, json_string(f->enums[0]));
            json_array_append_new(a, json_string("BAD"));
            INVALID(e, with_field(e, f, a), apr_pstrcat(tpool, f->name, "[1]", NULL),
                    "invalid_enum");
        }
        if (f->type == ISMS_F_OBJECT || (f->type == ISMS_F_LIST &&
                                         f->item_type == ISMS_F_OBJECT)) {
            const isms_field *s;
            for (s = f->sub; s->name; s++) {
                json_t *o, *v;
                if (s->type != ISMS_F_ENUM) continue;
                o = synth_fields(f->sub, 0, 1, 1);
                json_object_set_new(o, s->name, json_string("BAD"));
                if (f->type == ISMS_F_LIST) {
                    v = json_array();
                    json_array_append_new(v, synth_fields(f->sub, 0, 1, 1));
                    json_array_append_new(v, o);
                    INVALID(e, with_field(e, f, v), isms_test_printf("%s[1].%s", f->name,
                                                                     s->name), "invalid_enum");
                }
                else {
                    INVALID(e, with_field(e, f, o), isms_test_printf("%s.%s", f->name,
                                                                     s->name), "invalid_enum");
                }
            }
        }
    }
}
END_TEST

START_TEST(date_validity)
{
    static const char *const good[] = {"2024-02-29", "2000-02-29", "2026-01-01", "2026-12-31",
                                       "1900-01-01", "2999-12-31", "2026-04-30"};
    static const char *const bad[] = {"2026-02-30", "2025-02-29", "1900-02-29", "2100-02-29",
                                      "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31",
                                      "26-01-01", "2026-1-01", "2026-01-1", "2026/01/01",
                                      "2026-01-01T00:00:00Z", "1899-12-31", "3000-01-01",
                                      "", "abcd-ef-gh", "+026-01-01", "2026-01-0a",
                                      " 2026-01-01", "2026-01-01 "};
    const isms_entity *a = kind("action");
    int i;

    for (i = 0; i < N_ELEMS(good); i++) {
        ck_assert_msg(isms_date_valid(good[i]), "%s should be valid", good[i]);
    }
    for (i = 0; i < N_ELEMS(bad); i++) {
        ck_assert_msg(!isms_date_valid(bad[i]), "'%s' should be invalid", bad[i]);
    }
    /* in documents: every DATE field of every entity */
    for (i = 0; i < N_ENTITIES; i++) {
        const isms_entity *e = isms_test_entity_at(i);
        const isms_field *f;
        for (f = e->fields; f->name; f++) {
            if (f->type != ISMS_F_DATE || (f->flags & ISMS_SERVER)) continue;
            INVALID(e, with_field(e, f, json_string("2026-02-30")), f->name, "invalid_date");
            INVALID(e, with_field(e, f, json_string("26-01-01")), f->name, "invalid_date");
        }
    }
    VALID(a, J("{\"title\":\"t\",\"type\":\"CORRECTIVE\",\"owner\":\"bob\","
               "\"due_date\":\"2028-02-29\",\"priority\":\"LOW\"}"));
    /* dates the review rules compare */
    ck_assert_str_eq(isms_review_date(J("{\"planned_date\":\"2026-01-01\"}")), "2026-01-01");
    ck_assert_str_eq(isms_review_date(J("{\"planned_date\":\"2026-01-01\",\"held_from\":"
                                        "\"2026-01-05\"}")), "2026-01-05");
    ck_assert_str_eq(isms_review_date(J("{\"planned_date\":\"2026-01-01\",\"held_from\":"
                                        "\"2026-01-05\",\"held_to\":\"2026-01-06\"}")),
                     "2026-01-06");
    ck_assert_ptr_null(isms_review_date(J("{}")));
    ck_assert_int_eq(isms_days_between("2026-02-28", "2026-03-01"), 1);
    ck_assert_int_eq(isms_days_between("2024-02-28", "2024-03-01"), 2);
    ck_assert_int_eq(isms_days_between("2026-06-01", "2027-03-01"), 273);
    ck_assert_int_eq(isms_days_between("2027-03-01", "2026-06-01"), -273);
}
END_TEST

/* ---- strings */

static const char *repeat(const char *unit, int n)
{
    size_t u = strlen(unit);
    char *s = apr_palloc(tpool, u * (size_t)n + 1);
    int i;

    for (i = 0; i < n; i++) memcpy(s + u * (size_t)i, unit, u);
    s[u * (size_t)n] = '\0';
    return s;
}

START_TEST(string_limits)
{
    const isms_entity *e = isms_test_entity_at(_i);
    const isms_field *f;
    int n = 0;

    for (f = e->fields; f->name; f++) {
        int c = f->max_chars, nb;
        if ((f->flags & ISMS_SERVER) || !c ||
            (f->type != ISMS_F_STRING && f->type != ISMS_F_TEXT && f->type != ISMS_F_USER)) {
            continue;
        }
        /* exactly the limit in characters and in bytes: accepted */
        VALID(e, with_field(e, f, json_string(repeat("a", c))));
        VALID(e, with_field(e, f, json_string(repeat("\xc3\xa9", c))));     /* 2 bytes each */
        if (f->max_bytes >= 3 * c) {
            VALID(e, with_field(e, f, json_string(repeat("\xe2\x82\xac", c))));   /* 3 */
        }
        /* one character too many */
        INVALID(e, with_field(e, f, json_string(repeat("a", c + 1))), f->name, "too_long");
        INVALID(e, with_field(e, f, json_string(repeat("\xc3\xa9", c + 1))), f->name,
                f->max_bytes >= 2 * (c + 1) ? "too_long" : "too_long_bytes");
        /* few characters, too many bytes: 4-byte characters */
        nb = f->max_bytes / 4 + 1;
        ck_assert_int_le(nb, c);
        INVALID(e, with_field(e, f, json_string(repeat("\xf0\x9f\x8e\x89", nb))), f->name,
                "too_long_bytes");
        VALID(e, with_field(e, f, json_string(repeat("\xf0\x9f\x8e\x89", f->max_bytes / 4))));
        n++;
    }
    ck_assert_int_gt(n, 0);
}
END_TEST

START_TEST(string_characters)
{
    const isms_entity *e = isms_test_entity_at(_i);
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        if ((f->flags & ISMS_SERVER) ||
            (f->type != ISMS_F_STRING && f->type != ISMS_F_TEXT && f->type != ISMS_F_USER)) {
            continue;
        }
        if (f->type == ISMS_F_TEXT) {
            json_t *m = VALID(e, with_field(e, f, json_string("line 1\nline 2\r\n\tindented")));
            ck_assert_str_eq(json_string_value(json_object_get(m, f->name)),
                             "line 1\nline 2\r\n\tindented");
        }
        else {
            INVALID(e, with_field(e, f, json_string("a\nb")), f->name, "invalid_characters");
            INVALID(e, with_field(e, f, json_string("a\rb")), f->name, "invalid_characters");
            INVALID(e, with_field(e, f, json_string("a\tb")), f->name, "invalid_characters");
        }
        /* control characters, NUL and invalid UTF-8 nowhere */
        INVALID(e, with_field(e, f, json_string("a\x01" "b")), f->name, "invalid_characters");
        INVALID(e, with_field(e, f, json_string("a\x7f")), f->name, "invalid_characters");
        INVALID(e, with_field(e, f, json_stringn("a\0b", 3)), f->name, "invalid_characters");
        INVALID(e, with_field(e, f, json_string_nocheck("a\xff")), f->name,
                "invalid_characters");
        INVALID(e, with_field(e, f, json_string_nocheck("\xed\xa0\x80")), f->name,
                "invalid_characters");      /* a surrogate */
        VALID(e, with_field(e, f, json_string(f->max_chars >= 8 ? "caf\xc3\xa9 \xe2\x82\xac "
                                              "\xf0\x9f\x8e\x89" : "\xc3\xa9\xe2\x82\xac")));
        if (f->type == ISMS_F_USER) {
            INVALID(e, with_field(e, f, json_string("")), f->name, "required");
        }
    }
}
END_TEST

/* ---- nested objects and lists */

START_TEST(nested_object_errors)
{
    const isms_entity *r = &isms_entity_review, *o = kind("objective");
    json_t *doc = isms_test_synth(r, 0, 1, 1);

    json_object_set(doc, "suitability", J("{\"rating\":\"GREAT\"}"));
    INVALID(r, doc, "suitability.rating", "invalid_enum");
    json_object_set(doc, "suitability", J("{}"));
    INVALID(r, doc, "suitability.rating", "required");
    json_object_set(doc, "suitability", J("{\"rationale\":\"r\",\"rating\":null}"));
    INVALID(r, doc, "suitability.rating", "required");
    json_object_set(doc, "suitability", J("{\"rating\":1}"));
    INVALID(r, doc, "suitability.rating", "invalid_type");
    json_object_set(doc, "suitability", J("{\"rating\":\"CONFIRMED\",\"score\":1}"));
    INVALID(r, doc, "suitability.score", "unknown_field");
    json_object_set(doc, "suitability", J("{\"rating\":\"CONFIRMED\",\"rationale\":5}"));
    INVALID(r, doc, "suitability.rationale", "invalid_type");
    json_object_set(doc, "suitability", J("{\"rating\":\"CONFIRMED\"}"));
    json_object_set(doc, "effectiveness", J("{\"rating\":\"PARTIALLY\",\"rationale\":"
                                                "\"two\\nlines\"}"));
    VALID(r, doc);
    json_object_set(doc, "adequacy", J("\"CONFIRMED\""));
    INVALID(r, doc, "adequacy", "invalid_type");

    doc = J("{\"statement\":\"s\",\"measurable\":true,\"kpi\":{\"name\":\"k\","
            "\"direction\":\"UP\",\"target\":1}}");
    INVALID(o, doc, "kpi.direction", "invalid_enum");
    json_object_set(doc, "kpi", J("{\"name\":\"k\",\"direction\":\"LOWER_BETTER\"}"));
    INVALID(o, doc, "kpi.target", "required");
    json_object_set(doc, "kpi", J("{\"name\":\"k\",\"direction\":\"LOWER_BETTER\","
                                      "\"target\":\"10\"}"));
    INVALID(o, doc, "kpi.target", "invalid_type");
    json_object_set(doc, "kpi", J("{\"name\":\"k\",\"direction\":\"LOWER_BETTER\","
                                      "\"target\":1e16}"));
    INVALID(o, doc, "kpi.target", "out_of_range");
    json_object_set(doc, "kpi", J(isms_test_printf("{\"name\":\"%s\",\"direction\":"
                                                   "\"LOWER_BETTER\",\"target\":1}",
                                                   repeat("k", 201))));
    INVALID(o, doc, "kpi.name", "too_long");
}
END_TEST

START_TEST(list_item_errors)
{
    const isms_entity *in = kind("input"), *d = kind("decision"), *c = kind("change");
    json_t *doc = J("{\"category\":\"D2_MONITORING\",\"title\":\"t\",\"status\":"
                    "\"PRESENTED\"}");
    json_t *refs = json_array();
    int i;

    json_object_set(doc, "metrics", J("[{\"name\":\"a\"},{\"value\":1}]"));
    INVALID(in, doc, "metrics[1].name", "required");
    json_object_set(doc, "metrics", J("[{\"name\":\"a\"},{\"name\":\"b\\nc\"}]"));
    INVALID(in, doc, "metrics[1].name", "invalid_characters");
    json_object_set(doc, "metrics", J("[{\"name\":\"a\",\"value\":\"1\"}]"));
    INVALID(in, doc, "metrics[0].value", "invalid_type");
    json_object_set(doc, "metrics", J("[{\"name\":\"a\",\"colour\":\"red\"}]"));
    INVALID(in, doc, "metrics[0].colour", "unknown_field");
    json_object_set(doc, "metrics", J("[{\"name\":\"a\"},\"b\"]"));
    INVALID(in, doc, "metrics[1]", "invalid_type");
    json_object_set(doc, "metrics", J("[{\"name\":\"a\",\"value\":1.5,\"target\":2}]"));
    VALID(in, doc);
    json_object_del(doc, "metrics");
    json_object_set(doc, "evidence_refs", J("[\"ok\",5]"));
    INVALID(in, doc, "evidence_refs[1]", "invalid_type");
    json_object_set(doc, "evidence_refs", J(isms_test_printf("[\"ok\",\"%s\"]",
                                                             repeat("x", 501))));
    INVALID(in, doc, "evidence_refs[1]", "too_long");
    for (i = 0; i < 50; i++) json_array_append_new(refs, json_string("r"));
    json_object_set(doc, "evidence_refs", refs);
    VALID(in, doc);
    json_array_append_new(refs, json_string("r"));
    json_object_set(doc, "evidence_refs", refs);
    INVALID(in, doc, "evidence_refs", "too_many_items");
    json_decref(refs);

    doc = isms_test_synth(d, 0, 1, 1);
    json_object_set(doc, "basis_input_ids", J("[1,0]"));
    INVALID(d, doc, "basis_input_ids[1]", "invalid_reference");
    json_object_set(doc, "basis_input_ids", J("[\"1\"]"));
    INVALID(d, doc, "basis_input_ids[0]", "invalid_type");
    json_object_set(doc, "basis_input_ids", J("[3,4]"));
    VALID(d, doc);
    doc = isms_test_synth(kind("action"), 0, 1, 1);
    json_object_set_new(doc, "decision_id", json_integer(0));
    INVALID(kind("action"), doc, "decision_id", "invalid_reference");
    json_object_set_new(doc, "decision_id", json_integer(-3));
    INVALID(kind("action"), doc, "decision_id", "invalid_reference");

    doc = isms_test_synth(c, 0, 1, 1);
    json_object_set(doc, "affected_documents",
                        J("[{\"doc_id\":\"P-1\",\"from_version\":\"1\"},"
                          "{\"doc_id\":\"P-2\",\"doc_status\":\"NOPE\"}]"));
    INVALID(c, doc, "affected_documents[1].doc_status", "invalid_enum");
    json_object_set(doc, "affected_documents", J("[{\"title\":\"no id\"}]"));
    INVALID(c, doc, "affected_documents[0].doc_id", "required");
}
END_TEST

START_TEST(numbers_and_ranges)
{
    const isms_entity *a = kind("action"), *in = kind("input"), *res = kind("resource");
    json_t *doc = isms_test_synth(a, 0, 1, 1);

    json_object_set_new(doc, "progress", json_integer(101));
    INVALID(a, doc, "progress", "out_of_range");
    json_object_set_new(doc, "progress", json_integer(-1));
    INVALID(a, doc, "progress", "out_of_range");
    json_object_set_new(doc, "progress", json_integer(100));
    VALID(a, doc);
    json_object_set_new(doc, "progress", json_integer(0));
    VALID(a, doc);
    doc = J("{\"category\":\"F_RISK_RTP\",\"title\":\"t\",\"status\":\"PRESENTED\","
            "\"rtp_completion_pct\":101}");
    INVALID(in, doc, "rtp_completion_pct", "out_of_range");
    doc = isms_test_synth(res, 0, 1, 1);
    json_object_set_new(doc, "amount", json_real(1e16));
    INVALID(res, doc, "amount", "out_of_range");
    json_object_set_new(doc, "amount", json_real(-1e16));
    INVALID(res, doc, "amount", "out_of_range");
    json_object_set_new(doc, "amount", json_real(1e15));
    VALID(res, doc);
}
END_TEST

/* Numbers are reals however they were written, top level, in objects and in lists of
 * objects; integers stay integers. */
START_TEST(integers_become_reals)
{
    json_t *m;

    m = VALID(kind("resource"), J("{\"resource_type\":\"BUDGET_OPEX\",\"description\":\"d\","
                                  "\"quantity\":3,\"amount\":1000,\"approved_amount\":0.5}"));
    ck_assert(json_is_real(json_object_get(m, "quantity")));
    ck_assert(json_real_value(json_object_get(m, "quantity")) == 3.0);
    ck_assert(json_is_real(json_object_get(m, "amount")));
    ck_assert(json_real_value(json_object_get(m, "amount")) == 1000.0);
    ck_assert(json_real_value(json_object_get(m, "approved_amount")) == 0.5);
    m = VALID(kind("objective"), J("{\"statement\":\"s\",\"measurable\":true,\"kpi\":{"
                                   "\"name\":\"k\",\"direction\":\"LOWER_BETTER\","
                                   "\"baseline\":21,\"target\":10}}"));
    ck_assert(json_is_real(json_object_get(json_object_get(m, "kpi"), "target")));
    ck_assert(json_real_value(json_object_get(json_object_get(m, "kpi"), "target")) == 10.0);
    ck_assert(json_is_real(json_object_get(json_object_get(m, "kpi"), "baseline")));
    ck_assert_str_eq(isms_json_dump(tpool, json_object_get(m, "kpi"), NULL),
                     "{\"baseline\":21.0,\"direction\":\"LOWER_BETTER\",\"name\":\"k\","
                     "\"target\":10.0}");
    m = VALID(kind("input"), J("{\"category\":\"D2_MONITORING\",\"title\":\"t\",\"status\":"
                               "\"PRESENTED\",\"metrics\":[{\"name\":\"a\",\"value\":12,"
                               "\"previous_value\":17,\"target\":10},{\"name\":\"b\"}]}"));
    ck_assert(json_is_real(json_object_get(json_array_get(json_object_get(m, "metrics"), 0),
                                           "value")));
    ck_assert(json_is_real(json_object_get(json_array_get(json_object_get(m, "metrics"), 0),
                                           "previous_value")));
    ck_assert(json_is_real(json_object_get(json_array_get(json_object_get(m, "metrics"), 0),
                                           "target")));
    /* INT fields keep integers */
    m = VALID(kind("input"), J("{\"category\":\"F_RISK_RTP\",\"title\":\"t\",\"status\":"
                               "\"PRESENTED\",\"rtp_completion_pct\":78}"));
    ck_assert(json_is_integer(json_object_get(m, "rtp_completion_pct")));
    /* on PATCH, the merged document too (a stored integer is normalized) */
    m = valid_at(__LINE__, kind("resource"), J("{\"amount\":7}"), ISMS_V_PATCH,
                 J("{\"resource_type\":\"OTHER\",\"description\":\"d\",\"quantity\":2}"),
                 NULL);
    ck_assert(json_is_real(json_object_get(m, "amount")));
    ck_assert(json_is_real(json_object_get(m, "quantity")));
}
END_TEST

/* ---- category-specific input fields */

START_TEST(only_for_category)
{
    const isms_entity *in = kind("input");
    const char *const *cats = isms_entity_field(in, "category")->enums;
    const isms_field *f;
    int k, n = 0;

    for (f = in->fields; f->name; f++) {
        if (!f->only_for) continue;
        n++;
        for (k = 0; cats[k]; k++) {
            json_t *doc = J("{\"title\":\"t\",\"status\":\"PRESENTED\"}");
            json_object_set_new(doc, "category", json_string(cats[k]));
            json_object_set_new(doc, f->name, synth_value(f, f->type, 1, 1, 1));
            if (only_for_allows(f->only_for, cats[k])) VALID(in, doc);
            else INVALID(in, doc, f->name, "not_for_category");
            /* null is absence, whatever the category */
            json_object_set_new(doc, f->name, json_null());
            VALID(in, doc);
        }
    }
    ck_assert_int_eq(n, 7);
}
END_TEST

START_TEST(only_for_on_patch)
{
    const isms_entity *in = kind("input");
    json_t *cur = VALID(in, J("{\"category\":\"B_ISSUES_CHANGES\",\"title\":\"t\",\"status\":"
                              "\"PRESENTED\",\"climate_change_relevance\":\"RELEVANT\"}"));
    json_t *m;

    invalid_at(__LINE__, in, J("{\"category\":\"C_IP_NEEDS_CHANGES\"}"), ISMS_V_PATCH, cur,
               NULL, "climate_change_relevance", "not_for_category");
    /* changing the category and clearing the field together is fine */
    m = valid_at(__LINE__, in, J("{\"category\":\"C_IP_NEEDS_CHANGES\","
                                 "\"climate_change_relevance\":null,"
                                 "\"interested_party_refs\":[\"IP-1\"]}"), ISMS_V_PATCH, cur,
                 NULL);
    ck_assert_str_eq(json_string_value(json_object_get(m, "category")), "C_IP_NEEDS_CHANGES");
    /* a field of another category on an unchanged category */
    invalid_at(__LINE__, in, J("{\"audit_refs\":[\"IA-1\"]}"), ISMS_V_PATCH, cur, NULL,
               "audit_refs", "not_for_category");
    valid_at(__LINE__, in, J("{\"context_register_ref\":\"CTX-4\"}"), ISMS_V_PATCH, cur,
             NULL);
}
END_TEST

/* ---- cross-field rules */

START_TEST(review_rules)
{
    const isms_entity *r = &isms_entity_review;
    json_t *base = J("{\"title\":\"t\",\"review_type\":\"SCHEDULED\",\"planned_date\":"
                     "\"2026-03-10\"}");
    json_t *doc;

#define WITH(text) (doc = json_deep_copy(base), json_object_update(doc, J(text)), \
                    isms_json_pool(tpool, doc))
    INVALID(r, WITH("{\"held_from\":\"2026-03-10\",\"held_to\":\"2026-03-09\"}"), "held_to",
            "date_order");
    VALID(r, WITH("{\"held_from\":\"2026-03-10\",\"held_to\":\"2026-03-10\"}"));
    VALID(r, WITH("{\"held_from\":\"2026-03-10\",\"held_to\":\"2026-03-11\"}"));
    INVALID(r, WITH("{\"period_from\":\"2025-01-02\",\"period_to\":\"2025-01-01\"}"),
            "period_to", "date_order");
    VALID(r, WITH("{\"period_from\":\"2025-01-01\",\"period_to\":\"2025-12-31\"}"));
    /* a period ending after the review date: a Q4 review of the fiscal year (issue 12) */
    VALID(r, WITH("{\"period_to\":\"2026-03-11\"}"));
    VALID(r, WITH("{\"period_to\":\"2026-03-10\"}"));
    INVALID(r, WITH("{\"review_type\":\"EXTRAORDINARY\"}"), "trigger", "required");
    INVALID(r, WITH("{\"review_type\":\"EXTRAORDINARY\",\"trigger\":null}"), "trigger",
            "required");
    VALID(r, WITH("{\"review_type\":\"EXTRAORDINARY\",\"trigger\":\"MAJOR_INCIDENT\"}"));
    VALID(r, WITH("{\"trigger\":\"AUDIT_FINDING\"}"));    /* a trigger may be given anyway */
    INVALID(r, WITH("{\"next_review_date\":\"2026-03-10\"}"), "next_review_date",
            "date_order");
    INVALID(r, WITH("{\"next_review_date\":\"2026-03-09\"}"), "next_review_date",
            "date_order");
    VALID(r, WITH("{\"next_review_date\":\"2026-03-11\"}"));
    /* the review date is held_to, else held_from, else planned_date */
    INVALID(r, WITH("{\"held_from\":\"2026-04-01\",\"next_review_date\":\"2026-03-20\"}"),
            "next_review_date", "date_order");
    INVALID(r, WITH("{\"held_from\":\"2026-04-01\",\"held_to\":\"2026-04-02\","
                    "\"next_review_date\":\"2026-04-02\"}"), "next_review_date",
            "date_order");
    VALID(r, WITH("{\"held_from\":\"2026-04-01\",\"held_to\":\"2026-04-02\","
                  "\"next_review_date\":\"2026-04-03\",\"period_to\":\"2026-04-02\"}"));
#undef WITH
}
END_TEST

START_TEST(item_rules)
{
    const isms_entity *in = kind("input"), *a = kind("action"), *o = kind("objective"),
                      *d = kind("decision");
    json_t *review = J("{\"planned_date\":\"2026-03-10\"}");
    json_t *held = J("{\"planned_date\":\"2026-03-10\",\"held_from\":\"2026-03-11\","
                     "\"held_to\":\"2026-03-12\"}");
    json_t *act = J("{\"title\":\"t\",\"type\":\"CORRECTIVE\",\"owner\":\"bob\","
                    "\"priority\":\"LOW\"}");
    json_t *doc;

    INVALID(in, J("{\"category\":\"D1_NC_CA\",\"title\":\"t\",\"status\":\"NOT_APPLICABLE\"}"),
            "na_justification", "required");
    INVALID(in, J("{\"category\":\"D1_NC_CA\",\"title\":\"t\",\"status\":\"NOT_APPLICABLE\","
                  "\"na_justification\":\"\"}"), "na_justification", "required");
    VALID(in, J("{\"category\":\"D1_NC_CA\",\"title\":\"t\",\"status\":\"NOT_APPLICABLE\","
                "\"na_justification\":\"no NCs this year\"}"));
    INVALID(in, J("{\"category\":\"D1_NC_CA\",\"title\":\"t\",\"status\":\"PRESENTED\","
                  "\"data_period_from\":\"2026-01-02\",\"data_period_to\":\"2026-01-01\"}"),
            "data_period_to", "date_order");

    /* an action is due after the review date */
    doc = isms_json_pool(tpool, json_deep_copy(act));
    json_object_set_new(doc, "due_date", json_string("2026-03-10"));
    invalid_at(__LINE__, a, doc, ISMS_V_CREATE, NULL, review, "due_date", "date_order");
    json_object_set_new(doc, "due_date", json_string("2026-03-09"));
    invalid_at(__LINE__, a, doc, ISMS_V_CREATE, NULL, review, "due_date", "date_order");
    json_object_set_new(doc, "due_date", json_string("2026-03-11"));
    valid_at(__LINE__, a, doc, ISMS_V_CREATE, NULL, review);
    invalid_at(__LINE__, a, doc, ISMS_V_CREATE, NULL, held, "due_date", "date_order");
    json_object_set_new(doc, "due_date", json_string("2026-03-13"));
    valid_at(__LINE__, a, doc, ISMS_V_CREATE, NULL, held);
    json_object_set_new(doc, "due_date", json_string("2020-01-01"));
    VALID(a, doc);      /* no review given: nothing to compare with */

    INVALID(o, J("{\"statement\":\"s\",\"measurable\":false}"), "evaluation_if_not_measurable",
            "required");
    INVALID(o, J("{\"statement\":\"s\",\"measurable\":false,\"evaluation_if_not_measurable\":"
                 "\"\"}"), "evaluation_if_not_measurable", "required");
    VALID(o, J("{\"statement\":\"s\",\"measurable\":false,\"evaluation_if_not_measurable\":"
               "\"qualitative survey\"}"));
    INVALID(o, J("{\"statement\":\"s\",\"measurable\":true}"), "kpi", "required");
    VALID(o, J("{\"statement\":\"s\",\"measurable\":true,\"kpi\":{\"name\":\"k\","
               "\"direction\":\"HIGHER_BETTER\",\"target\":95}}"));
    VALID(o, J("{\"statement\":\"s\"}"));

    INVALID(d, J("{\"statement\":\"s\",\"category\":\"NO_CHANGE_REQUIRED\","
                 "\"clause_933_aspect\":\"ISMS_CHANGE\",\"outcome\":\"APPROVED\"}"),
            "rationale", "required");
    INVALID(d, J("{\"statement\":\"s\",\"category\":\"NO_CHANGE_REQUIRED\","
                 "\"clause_933_aspect\":\"ISMS_CHANGE\",\"outcome\":\"APPROVED\","
                 "\"rationale\":\"\"}"), "rationale", "required");
    VALID(d, J("{\"statement\":\"s\",\"category\":\"NO_CHANGE_REQUIRED\","
               "\"clause_933_aspect\":\"ISMS_CHANGE\",\"outcome\":\"APPROVED\","
               "\"rationale\":\"the ISMS is fit\"}"));
}
END_TEST

/* A stored objective without a KPI reads back with "kpi": null (isms_record.c object_json);
 * the rule "measurable needs a KPI" must see that as missing, on create and on PATCH. */
START_TEST(objective_measurable_kpi_null)
{
    const isms_entity *o = kind("objective");
    json_t *stored = J("{\"statement\":\"s\",\"measurable\":null,\"kpi\":null,"
                       "\"status\":\"PROPOSED\"}");

    INVALID(o, J("{\"statement\":\"s\",\"measurable\":true,\"kpi\":null}"), "kpi",
            "required");
    invalid_at(__LINE__, o, J("{\"measurable\":true}"), ISMS_V_PATCH, stored, NULL, "kpi",
               "required");
}
END_TEST

START_TEST(patch_validates_merged)
{
    const isms_entity *a = kind("action"), *r = &isms_entity_review, *in = kind("input");
    json_t *review = J("{\"planned_date\":\"2026-03-10\"}");
    json_t *act = valid_at(__LINE__, a, J("{\"title\":\"t\",\"type\":\"CORRECTIVE\",\"owner\":"
                                          "\"bob\",\"due_date\":\"2026-06-30\",\"priority\":"
                                          "\"LOW\"}"), ISMS_V_CREATE, NULL, review);
    json_t *rev = VALID(r, J("{\"title\":\"t\",\"review_type\":\"SCHEDULED\",\"planned_date\":"
                             "\"2026-03-10\",\"held_from\":\"2026-03-10\"}"));
    json_t *inp = VALID(in, J("{\"category\":\"D1_NC_CA\",\"title\":\"t\",\"status\":"
                              "\"PRESENTED\"}"));
    json_t *m;

    invalid_at(__LINE__, a, J("{\"due_date\":\"2026-03-01\"}"), ISMS_V_PATCH, act, review,
               "due_date", "date_order");
    m = valid_at(__LINE__, a, J("{\"due_date\":\"2026-07-31\",\"progress\":20}"),
                 ISMS_V_PATCH, act, review);
    ck_assert_str_eq(json_string_value(json_object_get(m, "due_date")), "2026-07-31");
    ck_assert_str_eq(json_string_value(json_object_get(m, "title")), "t");    /* kept */
    ck_assert_int_eq(json_integer_value(json_object_get(m, "progress")), 20);
    ck_assert_str_eq(json_string_value(json_object_get(act, "due_date")), "2026-06-30");

    invalid_at(__LINE__, r, J("{\"held_to\":\"2026-03-09\"}"), ISMS_V_PATCH, rev, NULL,
               "held_to", "date_order");
    invalid_at(__LINE__, r, J("{\"review_type\":\"EXTRAORDINARY\"}"), ISMS_V_PATCH, rev, NULL,
               "trigger", "required");
    valid_at(__LINE__, r, J("{\"review_type\":\"EXTRAORDINARY\",\"trigger\":\"OTHER\"}"),
             ISMS_V_PATCH, rev, NULL);
    invalid_at(__LINE__, r, J("{\"next_review_date\":\"2026-03-10\"}"), ISMS_V_PATCH, rev,
               NULL, "next_review_date", "date_order");

    invalid_at(__LINE__, in, J("{\"status\":\"NOT_APPLICABLE\"}"), ISMS_V_PATCH, inp, NULL,
               "na_justification", "required");
    valid_at(__LINE__, in, J("{\"status\":\"NOT_APPLICABLE\",\"na_justification\":\"none\"}"),
             ISMS_V_PATCH, inp, NULL);
    /* a justification stored earlier counts */
    m = valid_at(__LINE__, in, J("{\"na_justification\":\"none\"}"), ISMS_V_PATCH, inp, NULL);
    valid_at(__LINE__, in, J("{\"status\":\"NOT_APPLICABLE\"}"), ISMS_V_PATCH, m, NULL);
    /* field errors of the patch itself come first */
    invalid_at(__LINE__, in, J("{\"status\":\"MAYBE\"}"), ISMS_V_PATCH, inp, NULL, "status",
               "invalid_enum");
}
END_TEST

/* ---- JSON nesting depth */

START_TEST(json_depth)
{
    static const struct { const char *doc; int depth; } cases[] = {
        {"", 0}, {"1", 0}, {"\"x\"", 0}, {"{}", 1}, {"[]", 1}, {"[[]]", 2},
        {"{\"a\":[{\"b\":[1]}]}", 4}, {"[[],[],[[]]]", 3}, {"[1,2,3]", 1},
        {"\"[[[[\"", 0}, {"{\"a\":\"}}}{{{[[[\"}", 1}, {"[\"\\\"[[\"]", 1},
        {"[\"\\\\\",[[]]]", 3}, {"{\"k\\\"{\":[]}", 2},
    };
    int i;

    for (i = 0; i < N_ELEMS(cases); i++) {
        ck_assert_msg(isms_json_depth(cases[i].doc, strlen(cases[i].doc), 64) ==
                      cases[i].depth, "%s: depth %d, expected %d", cases[i].doc,
                      isms_json_depth(cases[i].doc, strlen(cases[i].doc), 64),
                      cases[i].depth);
    }
    /* counting stops one past the limit */
    ck_assert_int_eq(isms_json_depth(repeat("[", 1000), 1000, 32), 33);
    ck_assert_int_eq(isms_json_depth(repeat("[", 10), 10, 32), 10);
    /* only len bytes are read */
    ck_assert_int_eq(isms_json_depth("[[[[", 2, 32), 2);
}
END_TEST

/* ISMS_F_JSON: a free-form object, not a list (objective.prior_state is one); its size
 * is bounded as the compact JSON text it is stored as. */
START_TEST(json_object_field)
{
    static const isms_field fields[] = {
        {.name = "blob", .type = ISMS_F_JSON, .max_bytes = 20}, {.name = NULL}};
    static const isms_entity e = {"thing", "things", "thing", "", fields, NULL};
    const isms_field *prior = isms_entity_field(isms_entity_by_kind("objective"),
                                                "prior_state");
    json_t *errs;

    ck_assert_int_eq(prior->type, ISMS_F_JSON);
    ck_assert_ptr_nonnull(run(&e, J("{\"blob\":{\"a\":[1,2]}}"), ISMS_V_CREATE, NULL, NULL,
                              &errs));
    invalid_at(__LINE__, &e, J("{\"blob\":[1]}"), ISMS_V_CREATE, NULL, NULL, "blob",
               "invalid_type");
    invalid_at(__LINE__, &e, J("{\"blob\":\"{}\"}"), ISMS_V_CREATE, NULL, NULL, "blob",
               "invalid_type");
    invalid_at(__LINE__, &e, J("{\"blob\":{\"a\":\"0123456789abcdef\"}}"), ISMS_V_CREATE,
               NULL, NULL, "blob", "too_long_bytes");
}
END_TEST

Suite *entity_suite(void)
{
    Suite *s = suite_create("entity");
    TCase *tc;

    tc = isms_test_tcase("descriptors", 0);
    tcase_add_test(tc, descriptors_consistent);
    tcase_add_loop_test(tc, minimal_document_valid, 0, N_ENTITIES);
    tcase_add_loop_test(tc, full_document_valid, 0, N_ENTITIES);
    tcase_add_test(tc, defaults_applied);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("field_errors", 0);
    tcase_add_loop_test(tc, required_missing, 0, N_ENTITIES);
    tcase_add_loop_test(tc, server_owned_refused, 0, N_ENTITIES);
    tcase_add_loop_test(tc, unknown_field_refused, 0, N_ENTITIES);
    tcase_add_loop_test(tc, wrong_json_type, 0, N_ENTITIES);
    tcase_add_loop_test(tc, bad_enum, 0, N_ENTITIES);
    tcase_add_test(tc, date_validity);
    tcase_add_loop_test(tc, string_limits, 0, N_ENTITIES);
    tcase_add_loop_test(tc, string_characters, 0, N_ENTITIES);
    tcase_add_test(tc, nested_object_errors);
    tcase_add_test(tc, list_item_errors);
    tcase_add_test(tc, numbers_and_ranges);
    tcase_add_test(tc, integers_become_reals);
    tcase_add_test(tc, json_object_field);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("rules", 0);
    tcase_add_test(tc, only_for_category);
    tcase_add_test(tc, only_for_on_patch);
    tcase_add_test(tc, review_rules);
    tcase_add_test(tc, item_rules);
    tcase_add_test(tc, patch_validates_merged);
    tcase_add_test(tc, json_depth);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("entity_regression", 0);
    tcase_set_tags(tc, "regression");
    tcase_add_test(tc, objective_measurable_kpi_null);
    suite_add_tcase(s, tc);
    return s;
}
