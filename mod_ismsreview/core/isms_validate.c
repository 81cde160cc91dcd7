/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_validate.h"
#include "isms_programme.h"
#include "isms_sql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int isms_date_valid(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, i, leap;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    }
    y = atoi(s);
    m = atoi(s + 5);
    d = atoi(s + 8);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return 0;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    }
    return n;
}

const char *isms_check_string(const isms_field *f, const char *s, size_t len)
{
    if (isms_text_check(s, len)) return "invalid_characters";
    if (f->type != ISMS_F_TEXT && strpbrk(s, "\r\n\t")) return "invalid_characters";
    if (f->max_bytes && len > (size_t)f->max_bytes) return "too_long_bytes";
    if (f->max_chars && utf8_chars(s, len) > (size_t)f->max_chars) return "too_long";
    return NULL;
}

int isms_json_depth(const char *buf, size_t len, int limit)
{
    int depth = 0, max = 0, in_str = 0;
    size_t i;

    for (i = 0; i < len && max <= limit; i++) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
        }
        else if (c == '"') in_str = 1;
        else if (c == '{' || c == '[') {
            if (++depth > max) max = depth;
        }
        else if (c == '}' || c == ']') depth--;
    }
    return max;
}

static void check_value(const isms_field *f, isms_ftype type, const json_t *v,
                        const char *path, isms_verrors *errs);

static const char *type_name(isms_ftype t)
{
    switch (t) {
    case ISMS_F_BOOL: return "true or false";
    case ISMS_F_INT: case ISMS_F_REF: return "an integer";
    case ISMS_F_NUMBER: return "a number";
    case ISMS_F_OBJECT: case ISMS_F_JSON: return "an object";
    case ISMS_F_LIST: return "an array";
    case ISMS_F_DATE: return "a date YYYY-MM-DD";
    default: return "a string";
    }
}

static void check_object(const isms_field *sub, const json_t *v, const char *path,
                         isms_verrors *errs)
{
    const char *key;
    const json_t *val;
    const isms_field *f;
    char p[256];

    json_object_foreach((json_t *)v, key, val) {
        for (f = sub; f->name && strcmp(f->name, key) != 0; f++)
            ;
        snprintf(p, sizeof(p), "%s.%s", path, key);
        if (!f->name) isms_verr(errs, p, "unknown_field", "is not a field of %s", path);
        else if (!json_is_null(val)) check_value(f, f->type, val, p, errs);
    }
    for (f = sub; f->name; f++) {
        const json_t *m = json_object_get(v, f->name);
        snprintf(p, sizeof(p), "%s.%s", path, f->name);
        if ((f->flags & ISMS_REQ) && (!m || json_is_null(m))) {
            isms_verr(errs, p, "required", "is required");
        }
    }
}

static void check_list(const isms_field *f, const json_t *v, const char *path,
                       isms_verrors *errs)
{
    size_t i;
    char p[256];

    if (f->max_items && json_array_size(v) > (size_t)f->max_items) {
        isms_verr(errs, path, "too_many_items", "has more than %d items", f->max_items);
        return;
    }
    for (i = 0; i < json_array_size(v); i++) {
        snprintf(p, sizeof(p), "%s[%zu]", path, i);
        check_value(f, f->item_type, json_array_get(v, i), p, errs);
    }
}

/* A free-form object: only its size, as the compact JSON text it is stored as. */
static void check_json_size(const isms_field *f, const json_t *v, const char *path,
                            isms_verrors *errs)
{
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENSURE_ASCII);

    if (f->max_bytes && n > (size_t)f->max_bytes) {
        isms_verr(errs, path, "too_long_bytes", "is longer than %d bytes", f->max_bytes);
    }
}

static void check_string_value(const isms_field *f, isms_ftype type, const json_t *v,
                               const char *path, isms_verrors *errs)
{
    const char *s = json_string_value(v), *code;
    size_t len = json_string_length(v);

    if (type == ISMS_F_ENUM) {
        if (!isms_enum_valid(f->enums, s)) isms_verr(errs, path, "invalid_enum",
                                                     "is not one of the allowed values");
        return;
    }
    if (type == ISMS_F_DATE) {
        if (!isms_date_valid(s)) isms_verr(errs, path, "invalid_date",
                                           "must be a real calendar date YYYY-MM-DD");
        return;
    }
    if ((code = isms_check_string(f, s, len)) != NULL) {
        isms_verr(errs, path, code, "%s", strcmp(code, "invalid_characters") == 0
                  ? "contains NUL, control characters, line breaks where none are allowed, "
                    "or invalid UTF-8"
                  : "is too long");
    }
    else if (type == ISMS_F_USER && len == 0) {
        isms_verr(errs, path, "required", "must not be empty");
    }
}

static void check_number(const isms_field *f, isms_ftype type, const json_t *v,
                         const char *path, isms_verrors *errs)
{
    double d = json_number_value(v);

    if (!isfinite(d)) {
        isms_verr(errs, path, "invalid_number", "must be a finite number");
    }
    else if (type == ISMS_F_REF && json_integer_value(v) < 1) {
        isms_verr(errs, path, "invalid_reference", "must be the id of a %s", f->ref_kind);
    }
    else if (type != ISMS_F_REF && f->min < f->max && (d < f->min || d > f->max)) {
        isms_verr(errs, path, "out_of_range", "must be between %g and %g", f->min, f->max);
    }
}

static int type_matches(isms_ftype type, const json_t *v)
{
    switch (type) {
    case ISMS_F_BOOL: return json_is_boolean(v);
    case ISMS_F_INT: case ISMS_F_REF: return json_is_integer(v);
    case ISMS_F_NUMBER: return json_is_number(v);
    case ISMS_F_OBJECT: case ISMS_F_JSON: return json_is_object(v);
    case ISMS_F_LIST: return json_is_array(v);
    default: return json_is_string(v);
    }
}

static void check_value(const isms_field *f, isms_ftype type, const json_t *v,
                        const char *path, isms_verrors *errs)
{
    if (!type_matches(type, v)) {
        isms_verr(errs, path, "invalid_type", "must be %s", type_name(type));
        return;
    }
    switch (type) {
    case ISMS_F_OBJECT: check_object(f->sub, v, path, errs); break;
    case ISMS_F_JSON: check_json_size(f, v, path, errs); break;
    case ISMS_F_LIST: check_list(f, v, path, errs); break;
    case ISMS_F_INT: case ISMS_F_NUMBER: case ISMS_F_REF:
        check_number(f, type, v, path, errs);
        break;
    case ISMS_F_BOOL: break;
    default: check_string_value(f, type, v, path, errs); break;
    }
}

static int category_allows(const isms_field *f, const json_t *merged)
{
    const char *cat = json_string_value(json_object_get(merged, "category"));
    const char *hit;
    size_t n;

    if (!f->only_for) return 1;
    if (!cat) return 0;
    n = strlen(cat);
    for (hit = strstr(f->only_for, cat); hit; hit = strstr(hit + 1, cat)) {
        if ((hit == f->only_for || hit[-1] == ' ') && (hit[n] == '\0' || hit[n] == ' ')) {
            return 1;
        }
    }
    return 0;
}

static void check_fields(const isms_entity *e, const json_t *in, isms_verrors *errs)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)in, key, v) {
        const isms_field *f = isms_entity_field(e, key);
        if (!f) {
            isms_verr(errs, key, "unknown_field", "is not a field of a %s", e->kind);
        }
        else if (f->flags & ISMS_SERVER) {
            isms_verr(errs, key, "server_owned", "is set by the server and cannot be sent");
        }
        else if (json_is_null(v)) {
            if (f->flags & ISMS_REQ) isms_verr(errs, key, "required", "is required");
        }
        else {
            check_value(f, f->type, v, key, errs);
        }
    }
}

/* Numbers are reals however the client wrote them (8 and 8.0 are the same target), so
 * stored documents, revisions and content hashes compare equal. */
static void normalize_numbers(const isms_field *fields, json_t *obj)
{
    const isms_field *f;
    size_t i;

    for (f = fields; f && f->name; f++) {
        json_t *v = json_object_get(obj, f->name);
        if (!v) continue;
        if (f->type == ISMS_F_NUMBER && json_is_integer(v)) {
            json_object_set_new(obj, f->name, json_real((double)json_integer_value(v)));
        }
        else if (f->type == ISMS_F_OBJECT && json_is_object(v)) {
            normalize_numbers(f->sub, v);
        }
        else if (f->type == ISMS_F_LIST && f->item_type == ISMS_F_OBJECT) {
            for (i = 0; i < json_array_size(v); i++) {
                if (json_is_object(json_array_get(v, i))) {
                    normalize_numbers(f->sub, json_array_get(v, i));
                }
            }
        }
    }
}

static json_t *merge(const isms_entity *e, const json_t *in, isms_vmode mode,
                     const json_t *current, isms_verrors *errs)
{
    json_t *m = mode == ISMS_V_PATCH && current ? json_deep_copy(current) : json_object();
    const isms_field *f;

    json_object_update(m, (json_t *)in);
    normalize_numbers(e->fields, m);
    for (f = e->fields; f->name; f++) {
        const json_t *v = json_object_get(m, f->name);
        if (mode == ISMS_V_CREATE && (f->flags & ISMS_REQ) && (!v || json_is_null(v))) {
            if (!json_object_get(in, f->name)) isms_verr(errs, f->name, "required",
                                                         "is required");
        }
        if (mode == ISMS_V_CREATE && f->default_value && (!v || json_is_null(v))) {
            json_object_set_new(m, f->name, f->type == ISMS_F_INT
                                ? json_integer(atoll(f->default_value))
                                : f->type == ISMS_F_BOOL
                                ? json_boolean(strcmp(f->default_value, "true") == 0)
                                : json_string(f->default_value));
        }
        if (v && !json_is_null(v) && !category_allows(f, m)) {
            isms_verr(errs, f->name, "not_for_category",
                      "only applies to inputs of category %s", f->only_for);
        }
    }
    return m;
}

json_t *isms_validate(const isms_entity *e, const json_t *in, isms_vmode mode,
                      const json_t *current, const json_t *review, isms_verrors *errs)
{
    json_t *merged;

    check_fields(e, in, errs);
    if (json_array_size(errs->list)) return NULL;
    merged = merge(e, in, mode, current, errs);
    if (!json_array_size(errs->list) && e->crossfield) e->crossfield(e, merged, review, errs);
    if (json_array_size(errs->list)) {
        json_decref(merged);
        return NULL;
    }
    return merged;
}

/* ---- cross-field rules ---- */

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void not_before(const json_t *m, const char *from, const char *to, isms_verrors *errs)
{
    const char *a = str(m, from), *b = str(m, to);

    if (a && b && strcmp(b, a) < 0) {
        isms_verr(errs, to, "date_order", "must not be before %s", from);
    }
}

/* The date a review was held (or is planned): what action due dates are compared with. */
const char *isms_review_date(const json_t *review)
{
    const char *d = str(review, "held_to");

    if (!d) d = str(review, "held_from");
    if (!d) d = str(review, "planned_date");
    return d;
}

void isms_check_review(const isms_entity *e, const json_t *m, const json_t *review,
                       isms_verrors *errs)
{
    const char *type = str(m, "review_type"), *next = str(m, "next_review_date");
    const char *date = isms_review_date(m);

    not_before(m, "held_from", "held_to", errs);
    not_before(m, "period_from", "period_to", errs);
    if (type && strcmp(type, "EXTRAORDINARY") == 0 && !str(m, "trigger")) {
        isms_verr(errs, "trigger", "required", "is required for an EXTRAORDINARY review");
    }
    if (next && date && strcmp(next, date) <= 0) {
        isms_verr(errs, "next_review_date", "date_order", "must be after the review date");
    }
    /* a period ending after the review date is allowed: a Q4 review of the fiscal year */
}

void isms_check_input(const isms_entity *e, const json_t *m, const json_t *review,
                      isms_verrors *errs)
{
    const char *status = str(m, "status"), *just = str(m, "na_justification");
    const json_t *code;
    size_t i;

    if (status && strcmp(status, "NOT_APPLICABLE") == 0 && (!just || !*just)) {
        isms_verr(errs, "na_justification", "required",
                  "is required when the input is NOT_APPLICABLE");
    }
    not_before(m, "data_period_from", "data_period_to", errs);
    json_array_foreach(json_object_get(m, "requirement_codes"), i, code) {
        if (!isms_requirement_code_valid(json_string_value(code))) {
            isms_verr(errs, "requirement_codes", "invalid_format", "item %d is not "
                      "STANDARD:CODE (a code of v1/catalogue)", (int)i + 1);
        }
    }
}

void isms_check_action(const isms_entity *e, const json_t *m, const json_t *review,
                       isms_verrors *errs)
{
    const char *due = str(m, "due_date"), *date = review ? isms_review_date(review) : NULL;

    if (due && date && strcmp(due, date) <= 0) {
        isms_verr(errs, "due_date", "date_order", "must be after the review date (%s)", date);
    }
}

void isms_check_objective(const isms_entity *e, const json_t *m, const json_t *review,
                          isms_verrors *errs)
{
    const json_t *measurable = json_object_get(m, "measurable");
    const char *why = str(m, "evaluation_if_not_measurable");

    if (json_is_false(measurable) && (!why || !*why)) {
        isms_verr(errs, "evaluation_if_not_measurable", "required",
                  "is required when the objective is not measurable (6.2 b)");
    }
    if (json_is_true(measurable) && (!json_object_get(m, "kpi") ||
                                     json_is_null(json_object_get(m, "kpi")))) {
        isms_verr(errs, "kpi", "required", "is required for a measurable objective");
    }
}

void isms_check_decision(const isms_entity *e, const json_t *m, const json_t *review,
                         isms_verrors *errs)
{
    const char *cat = str(m, "category"), *rationale = str(m, "rationale");

    if (cat && strcmp(cat, "NO_CHANGE_REQUIRED") == 0 && (!rationale || !*rationale)) {
        isms_verr(errs, "rationale", "required",
                  "is required for a NO_CHANGE_REQUIRED decision");
    }
}

/* A communication marked SENT or ACKNOWLEDGED says when it went out and who sent it:
 * publishing a review does not distribute its results, a recorded sending does. */
void isms_check_communication(const isms_entity *e, const json_t *m, const json_t *review,
                              isms_verrors *errs)
{
    const char *status = str(m, "status");

    if (!status || (strcmp(status, "SENT") && strcmp(status, "ACKNOWLEDGED"))) return;
    if (!str(m, "sent_at")) {
        isms_verr(errs, "sent_at", "required", "is required when the communication is %s",
                  status);
    }
    if (!str(m, "sent_by")) {
        isms_verr(errs, "sent_by", "required", "is required when the communication is %s",
                  status);
    }
}
