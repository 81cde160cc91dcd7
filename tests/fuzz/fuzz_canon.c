/* SPDX-License-Identifier: Apache-2.0 */
/* The canonical serialization (isms_canon.c), which every content hash and audit link is
 * computed over. For any JSON document x that jansson accepts:
 *   parse(serialize(x)) == x;  serialize(parse(serialize(x))) == serialize(x) (idempotent);
 *   serialize does not depend on the order in which object keys were inserted;
 *   the output has sorted keys and no insignificant whitespace (it is shortest: compact);
 *   equal documents hash equal, and the SHA-256 is 64 lower-case hex digits.
 * Input: a JSON text (any value, duplicate keys rejected as the API does). */
#include "fuzz_common.h"

#include <jansson.h>

#include "isms_canon.h"

/* A deep copy whose objects get their keys inserted in reverse order. */
static json_t *reversed(const json_t *j)
{
    json_t *out;
    size_t i, n;

    if (json_is_array(j)) {
        out = json_array();
        for (i = 0; i < json_array_size(j); i++) {
            json_array_append_new(out, reversed(json_array_get(j, i)));
        }
        return out;
    }
    if (json_is_object(j)) {
        const char **keys;
        const char *k;
        json_t *v;
        out = json_object();
        n = json_object_size(j);
        keys = malloc((n ? n : 1) * sizeof(*keys));
        i = 0;
        json_object_foreach((json_t *)j, k, v) keys[i++] = k;
        while (i-- > 0) json_object_set_new(out, keys[i], reversed(json_object_get(j, keys[i])));
        free(keys);
        return out;
    }
    return json_deep_copy(j);
}

/* Keys of every object in the text appear in increasing byte order (checked on the parsed
 * form: jansson keeps insertion order, which is the text's order). */
static void check_sorted(const json_t *j)
{
    const char *k, *prev = NULL;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        for (i = 0; i < json_array_size(j); i++) check_sorted(json_array_get(j, i));
    }
    else if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v) {
            FUZZ_ASSERT(!prev || strcmp(prev, k) < 0, "keys not sorted: %s before %s", prev, k);
            prev = k;
            check_sorted(v);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    json_t *x, *y, *r;
    const char *a, *b, *c, *h1, *h2;
    size_t alen = 0, blen = 0, clen = 0, i;

    x = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
    if (!x) return 0;
    apr_pool_create(&p, fuzz_root_pool());
    a = isms_canon(p, x, &alen);
    FUZZ_ASSERT(a != NULL, "a parsed document cannot be serialized");
    FUZZ_ASSERT(strlen(a) == alen, "embedded NUL in the canonical form");
    y = json_loadb(a, alen, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_PRESERVE_ORDER,
                   NULL);
    FUZZ_ASSERT(y != NULL, "the canonical form does not parse: %s", a);
    FUZZ_ASSERT(json_equal(x, y), "parse(serialize(x)) != x: %s", a);
    check_sorted(y);
    b = isms_canon(p, y, &blen);
    FUZZ_ASSERT(blen == alen && memcmp(a, b, alen) == 0, "not idempotent:\n%s\n%s", a, b);
    r = reversed(x);
    c = isms_canon(p, r, &clen);
    FUZZ_ASSERT(clen == alen && memcmp(a, c, alen) == 0, "depends on key order:\n%s\n%s", a, c);
    /* compact: no whitespace outside strings */
    {
        int in_str = 0;
        for (i = 0; i < alen; i++) {
            if (in_str && a[i] == '\\') i++;
            else if (a[i] == '"') in_str = !in_str;
            else if (!in_str) FUZZ_ASSERT(a[i] != ' ' && a[i] != '\n' && a[i] != '\t' &&
                                          a[i] != '\r', "whitespace in the canonical form");
        }
    }
    h1 = isms_sha256_hex(p, a, alen, NULL, 0);
    h2 = isms_sha256_hex(p, c, clen, NULL, 0);
    FUZZ_ASSERT(strlen(h1) == 64 && strspn(h1, "0123456789abcdef") == 64, "bad hash %s", h1);
    FUZZ_ASSERT(strcmp(h1, h2) == 0, "equal documents hash differently");
    json_decref(r);
    json_decref(y);
    json_decref(x);
    apr_pool_destroy(p);
    return 0;
}
