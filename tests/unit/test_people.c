/* SPDX-License-Identifier: Apache-2.0 */
/* The people register (isms_people.c, isms_people_tm.c) and the rules that read it: periods
 * of top management, the snapshot over the author's flag, delegates, MR-34 for approvers;
 * on a database: the register's writes and the snapshot an attendee gets. */
#include "tests.h"

#include <string.h>

#include "isms_json.h"
#include "isms_people.h"
#include "isms_rules.h"
#include "isms_canon.h"
#include "isms_txn.h"
#include "isms_workflow.h"

START_TEST(tm_periods)
{
    json_t *p = isms_test_json("{\"top_management\":[{\"from\":\"2024-01-01\",\"to\":"
                               "\"2024-12-31\"},{\"from\":\"2026-03-01\",\"to\":null}]}");

    ck_assert(!isms_person_tm_on(p, "2023-12-31"));
    ck_assert(isms_person_tm_on(p, "2024-01-01"));
    ck_assert(isms_person_tm_on(p, "2024-12-31"));
    ck_assert(!isms_person_tm_on(p, "2025-06-30"));
    ck_assert(isms_person_tm_on(p, "2026-03-01T08:00:00Z"));   /* a timestamp: its date */
    ck_assert(isms_person_tm_on(p, "2099-01-01"));
    ck_assert(!isms_person_tm_on(NULL, "2026-01-01"));
    ck_assert(!isms_person_tm_on(isms_test_json("{\"top_management\":null}"), "2026-01-01"));
}
END_TEST

/* The findings of rule among the rules run over review (JSON text). */
static int findings_of(const char *review, const char *rule, const char *needle)
{
    json_t *doc = isms_json_pool(tpool, isms_rules_run(tpool, isms_test_json(review), NULL,
                                                       isms_test_json("[]"), "2026-04-01"));
    const json_t *f;
    size_t i;
    int n = 0;

    json_array_foreach(json_object_get(doc, "findings"), i, f) {
        const char *msg = json_string_value(json_object_get(f, "message"));
        n += !strcmp(json_string_value(json_object_get(f, "rule")), rule) &&
             (!needle || strstr(msg, needle));
    }
    return n;
}

#define NOBODY "no member of top management"

START_TEST(snapshot_over_declaration)
{
    /* the author's tick does not count against the snapshot ... */
    ck_assert_int_eq(findings_of("{\"attendees\":[{\"person\":\"a\",\"attendance\":\"PRESENT\","
                                 "\"is_top_management\":true,\"is_top_management_snapshot\":"
                                 "false}]}", "MR-01", NOBODY), 1);
    ck_assert_int_eq(findings_of("{\"attendees\":[{\"person\":\"a\",\"attendance\":\"PRESENT\","
                                 "\"is_top_management\":false,\"is_top_management_snapshot\":"
                                 "true}]}", "MR-01", NOBODY), 0);
    /* ... and a record from before the register (no snapshot) keeps its flag */
    ck_assert_int_eq(findings_of("{\"attendees\":[{\"person\":\"a\",\"attendance\":\"PRESENT\","
                                 "\"is_top_management\":true,\"is_top_management_snapshot\":"
                                 "null}]}", "MR-01", NOBODY), 0);
}
END_TEST

START_TEST(delegates)
{
    /* a delegate counts by being top management, not by whom they stand in for */
    ck_assert_int_eq(findings_of("{\"attendees\":[{\"person\":\"ceo\",\"attendance\":"
                                 "\"APOLOGIES\",\"is_top_management_snapshot\":true},"
                                 "{\"person\":\"pa\",\"attendance\":\"DELEGATE\",\"delegate_for\":"
                                 "\"ceo\",\"is_top_management_snapshot\":false}]}", "MR-01",
                                 NOBODY), 1);
    ck_assert_int_eq(findings_of("{\"attendees\":[{\"person\":\"cfo\",\"attendance\":"
                                 "\"DELEGATE\",\"delegate_for\":\"ceo\","
                                 "\"is_top_management_snapshot\":true}]}", "MR-01", NOBODY), 0);
}
END_TEST

#define TM_PRESENT "\"attendees\":[{\"person\":\"ceo\",\"attendance\":\"PRESENT\"," \
                   "\"is_top_management_snapshot\":true}]"
#define NO_TM "\"attendees\":[{\"person\":\"ceo\",\"attendance\":\"APOLOGIES\"," \
              "\"is_top_management_snapshot\":true}]"

START_TEST(approver_rule)
{
    const char *ok = "{" TM_PRESENT ",\"approvals\":[{\"approver\":\"ceo\",\"approved_at\":"
                     "\"2026-04-01T09:00:00Z\",\"approver_top_management\":true,"
                     "\"approver_attended\":true}]}";

    ck_assert_int_eq(findings_of(ok, "MR-34", "approver"), 0);
    /* not top management on the day of the approval */
    ck_assert_int_eq(findings_of("{" TM_PRESENT ",\"approvals\":[{\"approver\":\"x\","
                                 "\"approved_at\":\"2026-04-01T09:00:00Z\","
                                 "\"approver_top_management\":false,\"approver_attended\":true}]}",
                                 "MR-34", "was not top management on 2026-04-01"), 1);
    /* did not attend, and nobody from top management did: a finding; with someone: none */
    ck_assert_int_eq(findings_of("{" NO_TM ",\"approvals\":[{\"approver\":\"cfo\","
                                 "\"approved_at\":\"2026-04-01T09:00:00Z\","
                                 "\"approver_top_management\":true,\"approver_attended\":false}]}",
                                 "MR-34", "did not attend"), 1);
    ck_assert_int_eq(findings_of("{" TM_PRESENT ",\"approvals\":[{\"approver\":\"cfo\","
                                 "\"approved_at\":\"2026-04-01T09:00:00Z\","
                                 "\"approver_top_management\":true,\"approver_attended\":false}]}",
                                 "MR-34", "did not attend"), 0);
    /* register not in use: the standing is unknown, not a finding */
    ck_assert_int_eq(findings_of("{" TM_PRESENT ",\"approvals\":[{\"approver\":\"x\","
                                 "\"approved_at\":\"2026-04-01T09:00:00Z\","
                                 "\"approver_top_management\":null,\"approver_attended\":true}]}",
                                 "MR-34", "approver"), 0);
}
END_TEST

/* Versions sealed before migration 005 have no snapshot in their content: a live attendee
 * whose snapshot is null (written before it) seals to the same bytes, so they still verify;
 * a snapshot that is set is sealed. */
START_TEST(seal_content_before_migration)
{
    const char *old = "{\"id\":1,\"attendees\":[{\"id\":2,\"name\":\"A\","
                      "\"is_top_management\":true}]}";
    const char *live = "{\"id\":1,\"attendees\":[{\"id\":2,\"name\":\"A\","
                       "\"is_top_management\":true,\"is_top_management_snapshot\":null}]}";
    const char *now = "{\"id\":1,\"attendees\":[{\"id\":2,\"name\":\"A\","
                      "\"is_top_management\":true,\"is_top_management_snapshot\":false}]}";
    json_t *a = isms_json_pool(tpool, isms_seal_content(isms_test_json(old), NULL));
    json_t *b = isms_json_pool(tpool, isms_seal_content(isms_test_json(live), NULL));
    json_t *c = isms_json_pool(tpool, isms_seal_content(isms_test_json(now), NULL));

    ck_assert_str_eq(isms_canon(tpool, a, NULL), isms_canon(tpool, b, NULL));
    ck_assert(json_is_false(json_object_get(json_array_get(json_object_get(c, "attendees"), 0),
                                            "is_top_management_snapshot")));
}
END_TEST

static isms_result people_create(isms_ctx *ctx, void *in)
{
    return isms_person_create(ctx, in);
}

START_TEST(register_and_snapshot)
{
    isms_ctx admin, author;
    isms_result r;
    long long rid, aid;
    json_t *att;

    isms_test_ctx(&admin, "admin", ISMS_R_ADMIN);
    isms_test_ctx(&author, "alice", ISMS_R_AUTHOR);
    rid = isms_test_created_id(isms_test_review_create(&author, isms_test_json(
        "{\"title\":\"t\",\"review_type\":\"SCHEDULED\",\"planned_date\":\"2026-03-10\"}")));
    /* while the register is empty, the author's declaration stands */
    aid = isms_test_created_id(isms_test_item_create(&author, rid, "attendees", isms_test_json(
        "{\"person\":\"Bob\",\"name\":\"Bob\",\"is_top_management\":true,"
        "\"participation_role\":\"CHAIR\",\"attendance\":\"PRESENT\"}")));
    att = isms_test_item_get(&author, rid, "attendees", aid).body;
    ck_assert(json_is_true(json_object_get(att, "is_top_management_snapshot")));
    /* bob is registered, top management only from April: the draft's snapshot follows */
    r = isms_txn_write(&admin, people_create, isms_test_json(
        "{\"login\":\" BOB \",\"display_name\":\"Bob Builder\",\"job_title\":\"COO\","
        "\"top_management\":[{\"from\":\"2026-04-01\"}]}"), NULL, NULL);
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(json_string_value(json_object_get(r.body, "login_key")), "bob");
    att = isms_test_item_get(&author, rid, "attendees", aid).body;
    ck_assert(json_is_false(json_object_get(att, "is_top_management_snapshot")));
    /* the same login again, under the normalisation: 409, nothing stored */
    r = isms_txn_write(&admin, people_create, isms_test_json(
        "{\"login\":\"bob\",\"display_name\":\"B\"}"), NULL, NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_int_eq(isms_test_count("person"), 1);
    /* a registered person needs no name: the register's is taken */
    aid = isms_test_created_id(isms_test_item_create(&author, rid, "attendees", isms_test_json(
        "{\"person\":\"bob\",\"participation_role\":\"MEMBER\",\"attendance\":\"REMOTE\"}")));
    att = isms_test_item_get(&author, rid, "attendees", aid).body;
    ck_assert_str_eq(json_string_value(json_object_get(att, "name")), "Bob Builder");
    ck_assert_str_eq(json_string_value(json_object_get(att, "title")), "COO");
}
END_TEST

Suite *people_suite(void)
{
    Suite *s = suite_create("people");
    TCase *tc = isms_test_tcase("rules", 0);
    TCase *db = isms_test_tcase("on a database", 1);

    tcase_add_test(tc, tm_periods);
    tcase_add_test(tc, snapshot_over_declaration);
    tcase_add_test(tc, delegates);
    tcase_add_test(tc, approver_rule);
    tcase_add_test(tc, seal_content_before_migration);
    tcase_add_checked_fixture(db, isms_test_migrate, NULL);
    tcase_add_test(db, register_and_snapshot);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, db);
    return s;
}
