/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check against an auditor: the records of data/graded_records.json, each
 * graded by hand before the check ran on it, must get exactly the findings (rule and
 * severity, one entry per finding) the auditor wrote down. ISMS_GRADED_TABLE=1 prints the
 * auditor's verdicts next to the check's for every record. */
#include "tests.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>

#include "isms_json.h"
#include "isms_rules.h"

#define GRADED ISMS_TEST_SRCDIR "/data/graded_records.json"

static json_t *load_graded(void)
{
    json_error_t e;
    json_t *d = json_load_file(GRADED, JSON_REJECT_DUPLICATES, &e);

    ck_assert_msg(d != NULL, "%s: %s (line %d)", GRADED, e.text, e.line);
    return d;
}

/* The item of a collection whose fields include all of match. */
static json_t *item_of(json_t *list, const json_t *match, size_t *at)
{
    const char *k;
    json_t *it, *v;
    size_t i;

    json_array_foreach(list, i, it) {
        int all = 1;
        json_object_foreach((json_t *)match, k, v) all &= json_equal(json_object_get(it, k), v);
        if (all) {
            if (at) *at = i;
            return it;
        }
    }
    ck_abort_msg("no item matches %s", isms_test_dump(match));
    return NULL;
}

static void apply(json_t *doc, const json_t *op)
{
    const char *what = isms_jstr(op, "op"), *coll = isms_jstr(op, "coll");
    const char *key = isms_jstr(op, "key");
    json_t *target = doc, *list = coll ? json_object_get(doc, coll) : NULL;
    size_t at = 0;

    if (!strcmp(what, "add")) {
        json_array_append(list, json_object_get(op, "value"));
        return;
    }
    if (coll) target = item_of(list, json_object_get(op, "match"), &at);
    if (!strcmp(what, "remove")) json_array_remove(list, at);
    else if (!strcmp(what, "del")) json_object_del(target, key);
    else json_object_set(target, key, json_object_get(op, "value"));
}

/* "MR-01 E" per finding, sorted, as one string. */
static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *verdicts(const json_t *list, int findings)
{
    const char *items[64], *out = "";
    const json_t *v;
    size_t i, n = 0;

    json_array_foreach(list, i, v) {
        if (n == 64) break;
        items[n++] = findings ? apr_pstrcat(tpool, isms_jstr(v, "rule"), " ",
                                            isms_jstr(v, "severity"), NULL)
                              : json_string_value(v);
    }
    qsort(items, n, sizeof(items[0]), by_text);
    for (i = 0; i < n; i++) out = apr_pstrcat(tpool, out, i ? ", " : "", items[i], NULL);
    return *out ? out : "(none)";
}

START_TEST(graded_record)
{
    json_t *all = isms_json_pool(tpool, load_graded());
    const json_t *c = json_array_get(json_object_get(all, "cases"), (size_t)_i), *op;
    json_t *doc = isms_json_pool(tpool, json_deep_copy(json_object_get(all, "base")));
    const json_t *prev = json_object_get(all, "previous");
    json_t *out;
    const char *want, *got;
    size_t i;

    ck_assert_ptr_nonnull(c);
    if (json_object_get(c, "previous") && json_is_null(json_object_get(c, "previous"))) {
        prev = NULL;
    }
    json_array_foreach(json_object_get(c, "ops"), i, op) apply(doc, op);
    out = isms_json_pool(tpool, isms_rules_run(tpool, doc, prev, NULL, NULL, isms_jstr(c, "today")
                                               ? isms_jstr(c, "today") : "2026-04-01"));
    want = verdicts(json_object_get(c, "expect"), 0);
    got = verdicts(json_object_get(out, "findings"), 1);
    if (getenv("ISMS_GRADED_TABLE")) {
        printf("| %s | %s | %s | %s | %s |\n", isms_jstr(c, "id"), isms_jstr(c, "title"), want, got,
               strcmp(want, got) ? "differs" : "agrees");
        fflush(stdout);
    }
    ck_assert_msg(!strcmp(want, got), "%s (%s): the auditor wrote [%s], the check found [%s]: %s",
                  isms_jstr(c, "id"), isms_jstr(c, "title"), want, got, isms_test_dump(out));
}
END_TEST

/* At least twenty records, each with a verdict and a reason. */
START_TEST(graded_set_is_complete)
{
    json_t *all = isms_json_pool(tpool, load_graded());
    const json_t *c;
    size_t i;

    ck_assert_uint_ge(json_array_size(json_object_get(all, "cases")), 20);
    json_array_foreach(json_object_get(all, "cases"), i, c) {
        ck_assert_ptr_nonnull(isms_jstr(c, "id"));
        ck_assert_ptr_nonnull(isms_jstr(c, "why"));
        ck_assert(json_is_array(json_object_get(c, "expect")));
    }
}
END_TEST

Suite *graded_suite(void)
{
    Suite *s = suite_create("graded");
    TCase *tc = isms_test_tcase("graded", 0);
    json_t *all = json_load_file(GRADED, 0, NULL);
    int n = all ? (int)json_array_size(json_object_get(all, "cases")) : 1;

    json_decref(all);
    tcase_add_test(tc, graded_set_is_complete);
    tcase_add_loop_test(tc, graded_record, 0, n);
    suite_add_tcase(s, tc);
    return s;
}
