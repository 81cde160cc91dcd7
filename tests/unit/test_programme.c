/* SPDX-License-Identifier: Apache-2.0 */
/* The review programme's rules as pure functions of a record (isms_rules_programme.c):
 * MR-02 against the programme's interval and tolerance (and without any programme), MR-40
 * (scope version), MR-41 (a mandatory catalogue requirement of a standard in scope), MR-P1
 * (the sessions of a cycle); the form of an input's requirement_codes. */
#include "tests.h"

#include <apr_strings.h>
#include <string.h>

#include "isms_json.h"
#include "isms_programme.h"
#include "isms_rules.h"

#define PREV "{\"held_from\":\"2025-09-01\"}"

/* A catalogue: ISO 27001's a, b, d1, d3, g; ISO 9001's c4 (mapped), c7 (not), the
 * resource output, and an optional row. */
#define CATALOGUE \
    "[{\"standard\":\"ISO27001_2022\",\"code\":\"A_PREV_ACTIONS\",\"kind\":\"INPUT\"," \
    "\"mandatory\":true,\"maps_to_27001_code\":\"A_PREV_ACTIONS\",\"label\":\"a\"}," \
    "{\"standard\":\"ISO27001_2022\",\"code\":\"B_ISSUES_CHANGES\",\"kind\":\"INPUT\"," \
    "\"mandatory\":true,\"maps_to_27001_code\":\"B_ISSUES_CHANGES\",\"label\":\"b\"}," \
    "{\"standard\":\"ISO27001_2022\",\"code\":\"D3_AUDITS\",\"kind\":\"INPUT\"," \
    "\"mandatory\":true,\"maps_to_27001_code\":\"D3_AUDITS\",\"label\":\"d3\"}," \
    "{\"standard\":\"ISO27001_2022\",\"code\":\"G_IMPROVEMENT\",\"kind\":\"INPUT\"," \
    "\"mandatory\":true,\"maps_to_27001_code\":\"G_IMPROVEMENT\",\"label\":\"g\"}," \
    "{\"standard\":\"ISO9001_2015\",\"code\":\"C4_NC_CA\",\"kind\":\"INPUT\",\"clause\":" \
    "\"9.3.2 c4\",\"mandatory\":true,\"maps_to_27001_code\":\"D1_NC_CA\",\"label\":\"NC\"}," \
    "{\"standard\":\"ISO9001_2015\",\"code\":\"C7_EXT_PROVIDERS\",\"kind\":\"INPUT\"," \
    "\"clause\":\"9.3.2 c7\",\"mandatory\":true,\"maps_to_27001_code\":null,\"label\":" \
    "\"Performance of external providers\"}," \
    "{\"standard\":\"ISO9001_2015\",\"code\":\"O_RESOURCE_NEEDS\",\"kind\":\"OUTPUT\"," \
    "\"mandatory\":true,\"maps_to_27001_code\":\"resources\",\"label\":\"resources\"}," \
    "{\"standard\":\"ISO9001_2015\",\"code\":\"O_QMS_CHANGES\",\"kind\":\"OUTPUT\"," \
    "\"mandatory\":false,\"maps_to_27001_code\":\"changes\",\"label\":\"changes\"}]"

static json_t *run(const char *review, const char *previous)
{
    return isms_json_pool(tpool, isms_rules_run(tpool, isms_test_json(review),
                                                previous ? isms_test_json(previous) : NULL,
                                                isms_test_json("[]"), NULL, "2026-04-01"));
}

/* "subject severity" of each finding of rule, sorted, comma-separated. */
static const char *found(const json_t *doc, const char *rule)
{
    const char *items[32], *out = "";
    const json_t *f;
    size_t i, n = 0, k, j;

    json_array_foreach(json_object_get(doc, "findings"), i, f) {
        if (strcmp(json_string_value(json_object_get(f, "rule")), rule) || n == 32) continue;
        items[n++] = apr_pstrcat(tpool, json_string_value(json_object_get(f, "subject")), " ",
                                 json_string_value(json_object_get(f, "severity")), NULL);
    }
    for (k = 1; k < n; k++) {                 /* insertion sort: a handful of items */
        const char *x = items[k];
        for (j = k; j > 0 && strcmp(items[j - 1], x) > 0; j--) items[j] = items[j - 1];
        items[j] = x;
    }
    for (k = 0; k < n; k++) out = apr_pstrcat(tpool, out, k ? ", " : "", items[k], NULL);
    return out;
}

static const char *na(const json_t *doc, const char *rule)
{
    return json_string_value(json_object_get(json_object_get(doc, "not_evaluated"), rule));
}

static const char *with_programme(const char *held, int months, int tolerance)
{
    return isms_test_printf("{\"ref\":\"MR-1\",\"held_from\":\"%s\",\"_programme\":{\"id\":1,"
                            "\"name\":\"P\",\"interval_months\":%d,\"tolerance_days\":%d}}",
                            held, months, tolerance);
}

START_TEST(mr02_interval_and_tolerance)
{
    /* 2025-09-01 + 6 months = 2026-03-01, + 10 days = 2026-03-11 */
    ck_assert_str_eq(found(run(with_programme("2026-03-11", 6, 10), PREV), "MR-02"), "");
    ck_assert_str_eq(found(run(with_programme("2026-03-12", 6, 10), PREV), "MR-02"),
                     "review:MR-1:held_from E");
    ck_assert_str_eq(found(run(with_programme("2026-03-10", 6, 5), PREV), "MR-02"),
                     "review:MR-1:held_from E");
    ck_assert_str_eq(found(run(with_programme("2026-03-01", 6, 0), PREV), "MR-02"), "");
    /* calendar months: 31 August + 6 months is the last day of February */
    ck_assert_str_eq(found(run(with_programme("2026-03-01", 6, 0),
                               "{\"held_from\":\"2025-08-31\"}"), "MR-02"),
                     "review:MR-1:held_from E");
    ck_assert_ptr_null(na(run(with_programme("2026-03-01", 6, 0), PREV), "MR-02"));
    /* the programme's own previous review, not another programme's */
    ck_assert_str_eq(found(run(isms_test_printf("{\"ref\":\"MR-1\",\"held_from\":"
                                                "\"2026-03-10\",\"_programme_previous\":"
                                                "\"2025-12-01\",\"_programme\":{\"id\":1,"
                                                "\"interval_months\":6,\"tolerance_days\":5}}"),
                               PREV), "MR-02"), "");
    ck_assert_str_eq(na(run("{\"ref\":\"MR-1\",\"held_from\":\"2026-03-10\","
                            "\"_programme_previous\":null,\"_programme\":{\"id\":1,"
                            "\"interval_months\":6,\"tolerance_days\":5}}", PREV), "MR-02"),
                     "the programme's first review held: no previous review of it");
    /* the first review: nothing to measure from */
    ck_assert_str_eq(na(run(with_programme("2026-03-01", 6, 0), NULL), "MR-02"),
                     "the first review: no previous review");
}
END_TEST

START_TEST(mr02_without_programme)
{
    /* the database knows no programme: the planned intervals are not defined (E), also for
     * a first review */
    json_t *doc = run("{\"ref\":\"MR-1\",\"held_from\":\"2026-03-10\",\"_programme\":null}",
                      NULL);

    ck_assert_str_eq(found(doc, "MR-02"), "review:MR-1:programme_id E");
    ck_assert_ptr_null(na(doc, "MR-02"));
    /* a record read without the programme view: its own planned interval, as before */
    doc = run("{\"ref\":\"MR-1\",\"held_from\":\"2026-03-10\",\"planned_interval_months\":6}",
              PREV);
    ck_assert_str_eq(found(doc, "MR-02"), "");
    doc = run("{\"ref\":\"MR-1\",\"held_from\":\"2026-04-10\",\"planned_interval_months\":6}",
              PREV);
    ck_assert_str_eq(found(doc, "MR-02"), "review:MR-1:held_from E");
    ck_assert_str_eq(na(doc, "MR-41"), "the catalogue was not read");
    ck_assert_str_eq(na(doc, "MR-40"), "no review programme");
    ck_assert_str_eq(na(doc, "MR-P1"), "not a programme of sequenced sessions");
}
END_TEST

START_TEST(mr40_scope_version)
{
    const char *tmpl = "{\"ref\":\"MR-1\",\"scope_ref_snapshot\":%s,\"_programme\":{\"id\":1,"
                       "\"interval_months\":12,\"tolerance_days\":30,\"scope_ref\":%s,"
                       "\"scope_version\":\"3\"}}";

    ck_assert_str_eq(found(run(isms_test_printf(tmpl, "\"ISMS v3\"", "\"ISMS\""), NULL),
                           "MR-40"), "");
    ck_assert_str_eq(found(run(isms_test_printf(tmpl, "\"ISMS v2\"", "\"ISMS\""), NULL),
                           "MR-40"), "review:MR-1:scope_ref_snapshot W");
    ck_assert_str_eq(found(run(isms_test_printf(tmpl, "null", "\"ISMS\""), NULL), "MR-40"),
                     "review:MR-1:scope_ref_snapshot W");
    ck_assert_str_eq(na(run(isms_test_printf(tmpl, "null", "null"), NULL), "MR-40"),
                     "the programme names no scope");
}
END_TEST

static const char *imsreview(const char *standards, const char *inputs, const char *extra)
{
    return isms_test_printf("{\"ref\":\"MR-1\",\"standards\":%s,\"inputs\":%s%s,"
                            "\"_programme\":{\"id\":1,\"interval_months\":12,"
                            "\"tolerance_days\":30,\"coverage_mode\":\"SINGLE_MEETING\"},"
                            "\"_catalogue\":" CATALOGUE "}", standards, inputs, extra);
}

#define S27_9 "[\"ISO27001_2022\",\"ISO9001_2015\"]"
#define C7 "input:ISO9001_2015:C7_EXT_PROVIDERS:requirement_codes E"
#define C4 "input:ISO9001_2015:C4_NC_CA:requirement_codes E"
#define RES "result:ISO9001_2015:O_RESOURCE_NEEDS:resources E"

START_TEST(mr41_catalogue)
{
    const char *d1 = "[{\"category\":\"D1_NC_CA\"}]";
    json_t *doc = run(imsreview(S27_9, d1, ""), PREV);

    /* 27001's own inputs and the 9001 ones mapped onto them are judged by MR-04 .. MR-16 */
    ck_assert_str_eq(found(doc, "MR-41"), C7 ", " RES);
    /* without 27001 in scope the mapped 9001 input is judged here: covered by d1 ... */
    ck_assert_str_eq(found(run(imsreview("[\"ISO9001_2015\"]", d1, ""), PREV), "MR-41"),
                     C7 ", " RES);
    /* ... and missing without it */
    ck_assert_str_eq(found(run(imsreview("[\"ISO9001_2015\"]", "[]", ""), PREV), "MR-41"),
                     C4 ", " C7 ", " RES);
    /* an input naming the code covers it; a resource requirement or a RESOURCE decision the
     * output */
    doc = run(imsreview(S27_9, "[{\"category\":\"D2_MONITORING\",\"requirement_codes\":"
                        "[\"ISO9001_2015:C7_EXT_PROVIDERS\"]}]", ",\"resources\":[{}]"), PREV);
    ck_assert_str_eq(found(doc, "MR-41"), "");
    doc = run(imsreview(S27_9, "[]", ",\"decisions\":[{\"category\":\"RESOURCE\","
                        "\"clause_933_aspect\":\"NONE\",\"outcome\":\"APPROVED\"}]"), PREV);
    ck_assert_str_eq(found(doc, "MR-41"), C7);
    /* a code of another standard covers nothing here */
    doc = run(imsreview(S27_9, "[{\"category\":\"D2_MONITORING\",\"requirement_codes\":"
                        "[\"ISO14001_2015:C7_EXT_PROVIDERS\"]}]", ",\"resources\":[{}]"),
              PREV);
    ck_assert_str_eq(found(doc, "MR-41"), C7);
    ck_assert_str_eq(na(run(imsreview("[]", "[]", ""), PREV), "MR-41"),
                     "no standards in scope");
    /* the message names the requirement */
    doc = run(imsreview(S27_9, d1, ",\"resources\":[{}]"), PREV);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(
        json_object_get(doc, "findings"), json_array_size(json_object_get(doc, "findings")) -
        1), "message")), "Performance of external providers"));
}
END_TEST

static const char *session(const char *held, const char *inputs)
{
    return isms_test_printf(
        "{\"ref\":\"MR-2\",\"held_from\":\"%s\",\"standards\":[\"ISO27001_2022\"],"
        "\"inputs\":%s,\"_programme\":{\"id\":2,\"interval_months\":6,\"tolerance_days\":15,"
        "\"coverage_mode\":\"SEQUENCED_SESSIONS\",\"cycle_length_months\":12,\"standards\":"
        "[\"ISO27001_2022\"]},\"_catalogue\":" CATALOGUE ",\"_cycle\":{\"start\":"
        "\"2026-01-15\",\"end\":\"2027-01-15\",\"sessions\":[{\"ref\":\"MR-1\",\"inputs\":"
        "[{\"category\":\"B_ISSUES_CHANGES\"},{\"category\":\"A_PREV_ACTIONS\"}]}]}}", held,
        inputs);
}

START_TEST(mr_p1_cycle)
{
    const char *d3 = "[{\"category\":\"D3_AUDITS\"}]";
    /* 2026-07-20 + 6 months falls after the cycle's end: this session closes it */
    json_t *doc = run(session("2026-07-20", d3), PREV);

    ck_assert_str_eq(found(doc, "MR-P1"),
                     "input:ISO27001_2022:G_IMPROVEMENT:requirement_codes E");
    ck_assert_ptr_null(na(doc, "MR-P1"));
    doc = run(session("2026-07-20", "[{\"category\":\"D3_AUDITS\"},{\"category\":"
                      "\"G_IMPROVEMENT\"}]"), PREV);
    ck_assert_str_eq(found(doc, "MR-P1"), "");
    /* an earlier session: not failed for what a later one will cover */
    doc = run(session("2026-03-01", d3), PREV);
    ck_assert_str_eq(found(doc, "MR-P1"), "");
    ck_assert_str_eq(na(doc, "MR-P1"), "the cycle 2026-01-15 to 2027-01-15 is still open: 3 "
                     "of 4 mandatory requirements covered so far");
    /* a session's inputs are judged over the cycle, not one by one */
    ck_assert_str_eq(found(doc, "MR-08"), "");
    ck_assert_ptr_nonnull(na(doc, "MR-08"));
    ck_assert_ptr_nonnull(na(doc, "MR-04"));
    ck_assert_ptr_nonnull(na(doc, "MR-41"));
}
END_TEST

START_TEST(requirement_code_form)
{
    ck_assert(isms_requirement_code_valid("ISO9001_2015:C7_EXT_PROVIDERS"));
    ck_assert(isms_requirement_code_valid("CUSTOM:CUSTOM_X1"));
    ck_assert(!isms_requirement_code_valid("ISO9001_2015:"));
    ck_assert(!isms_requirement_code_valid("ISO9001:C7"));
    ck_assert(!isms_requirement_code_valid("C7_EXT_PROVIDERS"));
    ck_assert(!isms_requirement_code_valid("ISO9001_2015:c7 providers"));
    ck_assert(!isms_requirement_code_valid(NULL));
}
END_TEST

Suite *programme_suite(void)
{
    Suite *s = suite_create("programme");
    TCase *tc = isms_test_tcase("rules", 0);

    tcase_add_test(tc, mr02_interval_and_tolerance);
    tcase_add_test(tc, mr02_without_programme);
    tcase_add_test(tc, mr40_scope_version);
    tcase_add_test(tc, mr41_catalogue);
    tcase_add_test(tc, mr_p1_cycle);
    tcase_add_test(tc, requirement_code_form);
    suite_add_tcase(s, tc);
    return s;
}
