/* SPDX-License-Identifier: Apache-2.0 */
/* Request validation of every entity (isms_validate.c over the descriptors of
 * isms_entity.c), fed the way the module feeds it (isms_body.c: NUL bytes refused, nesting
 * bounded, duplicate keys rejected, an object only):
 *   never crashes; the result is either a merged record with no errors, or errors each naming
 *   a field with a code and a message;
 *   a merged record serialized canonically and parsed again validates again, to the same
 *   record (on create without the server-owned fields; as a PATCH of itself unchanged).
 * Input: "<collection>[ patch]\n<JSON body>", collection "reviews" or an item collection. */
#include "fuzz_common.h"

#include <jansson.h>

#include "isms_canon.h"
#include "isms_entity.h"
#include "isms_sql.h"
#include "isms_validate.h"

#define MAX_DEPTH 8   /* ISMS_MAX_DEPTH of isms_body.c */

/* The parent review that rules such as "due_date after the review date" compare with. */
static const char review_doc[] = "{\"title\": \"Review\", \"review_type\": \"SCHEDULED\", "
    "\"planned_date\": \"2026-03-10\", \"held_from\": \"2026-03-10\", \"held_to\": "
    "\"2026-03-11\"}";

static void check_errors(const isms_entity *e, const json_t *in, const isms_verrors *errs)
{
    size_t i;

    FUZZ_ASSERT(json_array_size(errs->list) > 0, "%s: rejected without an error", e->kind);
    for (i = 0; i < json_array_size(errs->list); i++) {
        json_t *x = json_array_get(errs->list, i);
        const char *f = json_string_value(json_object_get(x, "field"));
        const char *c = json_string_value(json_object_get(x, "code"));
        const char *m = json_string_value(json_object_get(x, "message"));
        FUZZ_ASSERT(f && c && *c && m && *m, "%s: error without field/code/message",
                    e->kind);
        /* an empty field name only for the empty key the client sent */
        FUZZ_ASSERT(*f || (strcmp(c, "unknown_field") == 0 && json_object_get(in, "")),
                    "%s: error %s without a field name", e->kind, c);
    }
}

/* The merged record without what a client may not send (server-owned fields). */
static json_t *client_part(const isms_entity *e, const json_t *merged)
{
    json_t *c = json_deep_copy(merged);
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        if (f->flags & ISMS_SERVER) json_object_del(c, f->name);
    }
    return c;
}

static void check_valid(apr_pool_t *p, const isms_entity *e, const json_t *merged,
                        const json_t *review, int patch)
{
    size_t len = 0;
    const char *text = isms_canon(p, merged, &len);
    json_t *again, *client, *m2, *m3, *empty;
    isms_verrors errs = {json_array()};

    FUZZ_ASSERT(text && isms_text_check(text, len) == NULL, "%s: merged record is not "
                "valid text", e->kind);
    again = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    FUZZ_ASSERT(again && json_equal(again, merged), "%s: canonical form does not parse back",
                e->kind);
    client = client_part(e, again);
    /* a PATCH of an empty record need not be complete: only the PATCH check applies */
    m2 = patch ? json_deep_copy(client)
               : isms_validate(e, client, ISMS_V_CREATE, NULL, review, &errs);
    FUZZ_ASSERT(m2 != NULL, "%s: a validated record does not validate again: %s", e->kind,
                isms_canon(p, errs.list, NULL));
    FUZZ_ASSERT(json_equal(m2, client), "%s: validating a valid record changes it:\n%s\n%s",
                e->kind, isms_canon(p, client, NULL), isms_canon(p, m2, NULL));
    empty = json_object();
    m3 = isms_validate(e, empty, ISMS_V_PATCH, client, review, &errs);
    FUZZ_ASSERT(m3 != NULL && json_equal(m3, client), "%s: an empty PATCH changes the record",
                e->kind);
    json_decref(empty);
    json_decref(m3);
    json_decref(m2);
    json_decref(client);
    json_decref(again);
    json_decref(errs.list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size), *body;
    const isms_entity *e;
    apr_pool_t *p;
    char head[40];
    size_t hlen, blen;
    int patch = 0;
    json_t *in, *review, *merged, *current = NULL;
    isms_verrors errs;

    if (!nl || (hlen = (size_t)(nl - (const char *)data)) >= sizeof(head)) return 0;
    memcpy(head, data, hlen);
    head[hlen] = '\0';
    if (hlen > 6 && strcmp(head + hlen - 6, " patch") == 0) {
        patch = 1;
        head[hlen - 6] = '\0';
    }
    e = strcmp(head, "reviews") == 0 ? &isms_entity_review : isms_entity_by_collection(head);
    if (!e) return 0;
    body = nl + 1;
    blen = size - hlen - 1;
    /* the checks of isms_read_json_body before the parser */
    if (isms_text_check(body, blen) && memchr(body, '\0', blen)) return 0;
    if (isms_json_depth(body, blen, MAX_DEPTH) > MAX_DEPTH) return 0;
    in = json_loadb(body, blen, JSON_REJECT_DUPLICATES, NULL);
    if (!in) return 0;
    if (!json_is_object(in)) {
        json_decref(in);
        return 0;
    }
    apr_pool_create(&p, fuzz_root_pool());
    review = json_loads(review_doc, 0, NULL);
    errs.list = json_array();
    if (patch) current = json_object();
    merged = isms_validate(e, in, patch ? ISMS_V_PATCH : ISMS_V_CREATE, current,
                           e == &isms_entity_review ? NULL : review, &errs);
    if (merged) {
        FUZZ_ASSERT(json_array_size(errs.list) == 0, "%s: a merged record with errors",
                    e->kind);
        check_valid(p, e, merged, e == &isms_entity_review ? NULL : review, patch);
        json_decref(merged);
    }
    else {
        check_errors(e, in, &errs);
    }
    json_decref(current);
    json_decref(errs.list);
    json_decref(review);
    json_decref(in);
    apr_pool_destroy(p);
    return 0;
}
