/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence side: canonical JSON and SHA-256 (isms_canon), the hash-chained audit trail
 * and its tamper detection (isms_audit), the completeness rules (isms_rules) over crafted
 * documents, and the approval workflow on a migrated SQLite database (isms_workflow):
 * submission gated by findings, waivers, separation of duties, quorum, sealing, the guards
 * below the API, amendment. */
#include "tests.h"

#include <apr_strings.h>
#include <stdlib.h>

#include "isms_audit.h"
#include "isms_canon.h"
#include "isms_json.h"
#include "isms_rules.h"
#include "isms_validate.h"
#include "isms_workflow.h"
#include "isms_report.h"
#include "isms_approvals.h"
#include "isms_gates.h"
#include "isms_guards.h"
#include "isms_transitions.h"

#define J(text) isms_test_json(text)
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static const char *canon(const json_t *j)
{
    size_t len = 0;
    const char *c = isms_canon(tpool, j, &len);

    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(len, strlen(c));
    return c;
}

static const char *sha(const char *s)
{
    return isms_sha256_hex(tpool, s, strlen(s), NULL, 0);
}

/* ---- canonical JSON and SHA-256 */

START_TEST(canon_sorted_compact)
{
    json_t *a = isms_json_pool(tpool, json_object()), *b = isms_json_pool(tpool, json_object());
    json_t *na = json_object(), *nb = json_object(), *arr = json_array();

    json_object_set_new(na, "z", json_true());
    json_object_set_new(na, "y", json_null());
    json_object_set_new(nb, "y", json_null());
    json_object_set_new(nb, "z", json_true());
    json_array_append_new(arr, json_integer(1));
    json_array_append_new(arr, json_real(2.5));
    json_array_append_new(arr, json_string("x"));
    json_object_set_new(a, "c", json_string("\xc3\xbc \xe2\x82\xac"));
    json_object_set_new(a, "b", na);
    json_object_set(a, "a", arr);
    json_object_set_new(a, "B", json_integer(-7));
    json_object_set_new(b, "B", json_integer(-7));
    json_object_set_new(b, "a", arr);
    json_object_set_new(b, "b", nb);
    json_object_set_new(b, "c", json_string("\xc3\xbc \xe2\x82\xac"));

    /* keys by byte value ("B" < "a"), no whitespace, UTF-8 as is, arrays in order */
    ck_assert_str_eq(canon(a), "{\"B\":-7,\"a\":[1,2.5,\"x\"],\"b\":{\"y\":null,\"z\":true},"
                               "\"c\":\"\xc3\xbc \xe2\x82\xac\"}");
    ck_assert_str_eq(canon(a), canon(b));
    ck_assert_str_eq(canon(J("{\"k\":\"a\\\"b\\\\c\\nd\\u0001\"}")),
                     "{\"k\":\"a\\\"b\\\\c\\nd\\u0001\"}");
    ck_assert_str_eq(canon(J("[]")), "[]");
    ck_assert_str_eq(canon(J("{}")), "{}");
    ck_assert_str_eq(canon(J("\"scalar\"")), "\"scalar\"");
    ck_assert_str_eq(canon(J("{\"a\":{\"d\":[{\"f\":1,\"e\":2}],\"c\":0}}")),
                     "{\"a\":{\"c\":0,\"d\":[{\"e\":2,\"f\":1}]}}");
}
END_TEST

START_TEST(canon_reals_stable)
{
    json_t *eight = isms_json_pool(tpool, json_real(8.0));
    json_t *doc = isms_json_pool(tpool, json_pack("{s:f,s:f,s:f,s:i}", "t", 8.0, "p", 0.1,
                                                  "big", 1e20, "n", 8));
    const char *first = canon(doc);
    json_t *m1, *m2;
    isms_verrors e1 = {isms_json_pool(tpool, json_array())};
    isms_verrors e2 = {isms_json_pool(tpool, json_array())};
    int i;

    ck_assert_str_eq(canon(eight), "8.0");
    ck_assert_str_eq(canon(J("8")), "8");
    ck_assert_str_eq(canon(J("-0.5")), "-0.5");
    ck_assert_str_eq(canon(J("[8.0, 8.00, 80e-1]")), "[8.0,8.0,8.0]");
    /* the same bytes every time, keys sorted, and the reals read back exactly */
    ck_assert_msg(strncmp(first, "{\"big\":1", 8) == 0 && strstr(first, ",\"n\":8,\"p\":0.1") &&
                  strstr(first, ",\"t\":8.0}"), "%s", first);
    for (i = 0; i < 50; i++) ck_assert_str_eq(canon(doc), first);
    ck_assert(json_equal(J(first), doc));
    ck_assert(json_real_value(json_object_get(J(first), "p")) == 0.1);
    ck_assert(json_real_value(json_object_get(J(first), "big")) == 1e20);
    /* 8 and 8.0 as a KPI target validate to the same document, hence the same bytes */
    m1 = isms_json_pool(tpool, isms_validate(isms_entity_by_kind("objective"), J(
        "{\"statement\":\"s\",\"kpi\":{\"name\":\"k\",\"direction\":\"LOWER_BETTER\","
        "\"target\":8}}"), ISMS_V_CREATE, NULL, NULL, &e1));
    m2 = isms_json_pool(tpool, isms_validate(isms_entity_by_kind("objective"), J(
        "{\"kpi\":{\"target\":8.0,\"direction\":\"LOWER_BETTER\",\"name\":\"k\"},"
        "\"statement\":\"s\"}"), ISMS_V_CREATE, NULL, NULL, &e2));
    ck_assert_ptr_nonnull(m1);
    ck_assert_ptr_nonnull(m2);
    ck_assert_str_eq(canon(m1), canon(m2));
    ck_assert_str_eq(sha(canon(m1)), sha(canon(m2)));
}
END_TEST

START_TEST(sha256_vectors)
{
    ck_assert_str_eq(sha(""),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_str_eq(sha("abc"),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_str_eq(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* two parts hash as their concatenation */
    ck_assert_str_eq(isms_sha256_hex(tpool, "ab", 2, "c", 1), sha("abc"));
    ck_assert_str_eq(isms_sha256_hex(tpool, "", 0, "abc", 3), sha("abc"));
    ck_assert_str_eq(isms_sha256_hex(tpool, "abc", 3, "", 0), sha("abc"));
    ck_assert_str_eq(isms_sha256_hex(tpool, ZERO_HASH, 64, "{\"a\":1}", 7),
                     sha(ZERO_HASH "{\"a\":1}"));
    /* only len bytes, embedded NULs included */
    ck_assert_str_eq(isms_sha256_hex(tpool, "abcdef", 3, NULL, 99), sha("abc"));
    ck_assert_str_ne(isms_sha256_hex(tpool, "a\0c", 3, NULL, 0), sha("a"));
}
END_TEST

/* ---- the audit chain */

static isms_ctx actx;

static void append_events(int n)
{
    int i;

    for (i = 1; i <= n; i++) {
        isms_audit_event ev = {"POST", "v1/reviews/from/items", "POST v1/reviews/{id}/{coll}",
                               "action", 0, 0, 0, NULL, NULL};
        const char *err = NULL;
        ev.entity_id = 100 + i;
        ev.review_id = i % 2 ? 1 : 0;
        ev.status = i == 3 ? 403 : 201;
        ev.after = isms_json_pool(tpool, json_pack("{s:i,s:s,s:f}", "n", i, "title",
                                                   "caf\xc3\xa9 from 'x'", "v", 8.0));
        ev.before = i == 2 ? ev.after : NULL;
        ck_assert_int_eq(isms_conn_begin(tconn, 1, &err), ISMS_DB_OK);
        ck_assert_msg(isms_audit_append(&actx, &ev, &err) == ISMS_DB_OK, "append: %s", err);
        ck_assert_int_eq(isms_conn_commit(tconn, &err), ISMS_DB_OK);
    }
}

static json_t *verify(void)
{
    isms_result r = isms_audit_verify(&actx);

    ck_assert_status(r, 200);
    return r.body;
}

static const char *hash_of(int seq)
{
    return isms_test_scalar(tconn, tpool, isms_test_printf("SELECT hash FROM audit_event "
                                                           "WHERE seq = %d", seq));
}

/* The documented link: hash_i = SHA-256(hash_{i-1} || canonical(columns of event i)). */
static const char *recompute(int seq)
{
    static const char *const names[] = {"seq", "created_at", "actor", "roles", "client",
                                        "request_id", "method", "path", "action", "entity",
                                        "entity_id", "review_id", "status", "before_state",
                                        "after_state", "prev_hash"};
    isms_rows *rs;
    const char *err = NULL, *c;
    json_t *j = isms_json_pool(tpool, json_object());
    int i;

    ck_assert_int_eq(isms_conn_query(tconn, tpool, isms_test_printf(
        "SELECT seq, created_at, actor, roles, client, request_id, method, path, action, "
        "entity, entity_id, review_id, status, before_state, after_state, prev_hash FROM "
        "audit_event WHERE seq = %d", seq), &rs, &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, 1);
    for (i = 0; i < 16; i++) {
        const char *v = ISMS_ROW(rs, 0, i);
        int num = i == 0 || i == 10 || i == 11 || i == 12;
        json_object_set_new(j, names[i], !v ? json_null() : num ? json_integer(atoll(v))
                                                               : json_string(v));
    }
    c = canon(j);
    return isms_sha256_hex(tpool, ISMS_ROW(rs, 0, 15), strlen(ISMS_ROW(rs, 0, 15)), c,
                           strlen(c));
}

static void audit_setup(void)
{
    isms_test_ctx(&actx, "alice", ISMS_R_AUTHOR | ISMS_R_APPROVER);
}

START_TEST(audit_chain_valid)
{
    json_t *v = verify();
    isms_rows *rs;
    const char *err = NULL;
    int i;

    /* the empty chain ends at the zero hash */
    ck_assert(json_is_true(json_object_get(v, "valid")));
    ck_assert_int_eq(isms_test_jint(v, "events"), 0);
    ck_assert_str_eq(isms_jstr(v, "head"), ZERO_HASH);

    append_events(5);
    v = verify();
    ck_assert_msg(json_is_true(json_object_get(v, "valid")), "%s", isms_test_dump(v));
    ck_assert_int_eq(isms_test_jint(v, "events"), 5);
    ck_assert_str_eq(isms_jstr(v, "head"), hash_of(5));
    ck_assert_str_eq(isms_jstr(v, "head"), isms_test_scalar(tconn, tpool, "SELECT hash FROM "
                                                       "audit_head WHERE id = 1"));
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT seq FROM audit_head"), "5");
    ck_assert(json_is_null(json_object_get(v, "first_bad")));
    ck_assert(json_is_null(json_object_get(v, "reason")));

    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT seq, prev_hash, hash, actor, roles, "
                                     "client, request_id, status, before_state, after_state "
                                     "FROM audit_event ORDER BY seq", &rs, &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, 5);
    for (i = 0; i < 5; i++) {
        ck_assert_str_eq(ISMS_ROW(rs, i, 1), i ? ISMS_ROW(rs, i - 1, 2) : ZERO_HASH);
        ck_assert_int_eq(strlen(ISMS_ROW(rs, i, 2)), 64);
        ck_assert_str_eq(ISMS_ROW(rs, i, 2), recompute(i + 1));
        ck_assert_str_eq(ISMS_ROW(rs, i, 3), "alice");
        ck_assert_str_eq(ISMS_ROW(rs, i, 4), "author,approver");
        ck_assert_str_eq(ISMS_ROW(rs, i, 5), "192.0.2.7");
        ck_assert_str_eq(ISMS_ROW(rs, i, 6), "unit-test");
    }
    ck_assert_str_eq(ISMS_ROW(rs, 2, 7), "403");
    ck_assert_ptr_null(ISMS_ROW(rs, 0, 8));
    ck_assert_str_eq(ISMS_ROW(rs, 1, 8), ISMS_ROW(rs, 1, 9));
    /* states are stored canonically */
    ck_assert_str_eq(ISMS_ROW(rs, 0, 9), "{\"n\":1,\"title\":\"caf\xc3\xa9 from 'x'\","
                                         "\"v\":8.0}");
    ck_assert_str_ne(hash_of(1), hash_of(3));
}
END_TEST

START_TEST(audit_triggers_refuse_changes)
{
    const char *err = NULL;

    append_events(2);
    err = NULL;
    ck_assert_int_eq(isms_conn_exec(tconn, "UPDATE audit_event SET actor = 'mallory' WHERE "
                                    "seq = 1", NULL, &err), ISMS_DB_ERROR);
    ck_assert_contains(err, "append-only");
    err = NULL;
    ck_assert_int_eq(isms_conn_exec(tconn, "DELETE FROM audit_event WHERE seq = 2", NULL,
                                    &err), ISMS_DB_ERROR);
    ck_assert_contains(err, "append-only");
    ck_assert_int_eq(isms_conn_exec(tconn, "DELETE FROM audit_event", NULL, &err),
                     ISMS_DB_ERROR);
    ck_assert_int_eq(isms_test_count("audit_event"), 2);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT actor FROM audit_event WHERE "
                                      "seq = 1"), "alice");
    ck_assert(json_is_true(json_object_get(verify(), "valid")));
}
END_TEST

/* Each tampering, with the triggers dropped: the event where verification must stop. */
static const struct {
    const char *what;
    const char *sql, *sql2, *sql3;
    int first_bad;
} tampers[] = {
    {"a changed column", "UPDATE audit_event SET actor = 'mallory' WHERE seq = 3", NULL, NULL,
     3},
    {"a changed state", "UPDATE audit_event SET after_state = '{\"n\":0}' WHERE seq = 1", NULL,
     NULL, 1},
    {"a changed status", "UPDATE audit_event SET status = 200 WHERE seq = 3", NULL, NULL, 3},
    {"a changed hash", "UPDATE audit_event SET hash = '" ZERO_HASH "' WHERE seq = 4", NULL,
     NULL, 4},
    {"a deleted middle row", "DELETE FROM audit_event WHERE seq = 3", NULL, NULL, 3},
    {"a deleted first row", "DELETE FROM audit_event WHERE seq = 1", NULL, NULL, 1},
    {"a deleted last row", "DELETE FROM audit_event WHERE seq = 5", NULL, NULL, 5},
    {"two rows swapped", "UPDATE audit_event SET seq = 100 WHERE seq = 2",
     "UPDATE audit_event SET seq = 2 WHERE seq = 3",
     "UPDATE audit_event SET seq = 3 WHERE seq = 100", 2},
    {"a forged row", "INSERT INTO audit_event SELECT 6, created_at, 'mallory', roles, "
                     "client, request_id, method, path, action, entity, entity_id, "
                     "review_id, status, before_state, after_state, hash, hash FROM "
                     "audit_event WHERE seq = 5", NULL, NULL, 6},
    {"a renumbered chain", "UPDATE audit_event SET seq = seq + 10", NULL, NULL, 1},
};

START_TEST(audit_tamper_detected)
{
    json_t *v;
    const char *err = NULL;

    append_events(5);
    ck_assert(json_is_true(json_object_get(verify(), "valid")));
    isms_test_exec(tconn, "DROP TRIGGER audit_event_no_update");
    isms_test_exec(tconn, "DROP TRIGGER audit_event_no_delete");
    ck_assert_msg(isms_conn_exec(tconn, tampers[_i].sql, NULL, &err) == ISMS_DB_OK, "%s: %s",
                  tampers[_i].sql, err);
    if (tampers[_i].sql2) isms_test_exec(tconn, tampers[_i].sql2);
    if (tampers[_i].sql3) isms_test_exec(tconn, tampers[_i].sql3);
    v = verify();
    ck_assert_msg(json_is_false(json_object_get(v, "valid")), "%s not detected: %s",
                  tampers[_i].what, isms_test_dump(v));
    ck_assert_msg(isms_test_jint(v, "first_bad") == tampers[_i].first_bad, "%s: %s",
                  tampers[_i].what, isms_test_dump(v));
    ck_assert_msg(isms_jstr(v, "reason") && *isms_jstr(v, "reason"), "%s: no reason",
                  tampers[_i].what);
    ck_assert(json_is_null(json_object_get(v, "head")));
}
END_TEST

/* An insider recomputes the hash of the row they changed: the next link breaks. */
START_TEST(audit_recomputed_hash_detected)
{
    json_t *v;

    append_events(5);
    isms_test_exec(tconn, "DROP TRIGGER audit_event_no_update");
    isms_test_exec(tconn, "UPDATE audit_event SET actor = 'mallory' WHERE seq = 2");
    isms_test_exec(tconn, isms_test_printf("UPDATE audit_event SET hash = '%s' WHERE "
                                           "seq = 2", recompute(2)));
    v = verify();
    ck_assert(json_is_false(json_object_get(v, "valid")));
    ck_assert_int_eq(isms_test_jint(v, "first_bad"), 3);
    ck_assert_contains(isms_jstr(v, "reason"), "link");
}
END_TEST

/* A forged event appended with a correct link and hash, the head left alone: the chain
 * extends past the head, and the first event it does not cover is 6. */
START_TEST(audit_forged_append_first_bad)
{
    json_t *v;
    const char *head;

    append_events(5);
    head = hash_of(5);
    append_events(1);
    isms_test_exec(tconn, isms_test_printf("UPDATE audit_head SET seq = 5, hash = '%s' "
                                           "WHERE id = 1", head));
    v = verify();
    ck_assert(json_is_false(json_object_get(v, "valid")));
    ck_assert_int_eq(isms_test_jint(v, "events"), 6);
    ck_assert_msg(isms_test_jint(v, "first_bad") == 6,
                  "first_bad should name the forged event 6: %s", isms_test_dump(v));
}
END_TEST

/* ---- the completeness rules over crafted documents */

static const char *const complete_doc =
    "{\"id\":7,\"ref\":\"MR-2026-01\",\"title\":\"Management review\",\"author\":\"alice\","
    "\"planned_date\":\"2026-03-10\",\"held_from\":\"2026-03-10\",\"held_to\":\"2026-03-10\","
    "\"chair\":\"ceo\",\"standards\":[\"ISO27001_2022\"],\"classification\":\"INTERNAL\","
    "\"retention_until\":\"2033-12-31\",\"planned_interval_months\":12,"
    "\"suitability\":{\"rating\":\"CONFIRMED\"},\"adequacy\":{\"rating\":\"CONFIRMED\"},"
    "\"effectiveness\":{\"rating\":\"PARTIALLY\",\"rationale\":\"late patches\"},"
    "\"attendees\":[{\"id\":1,\"person\":\"ceo\",\"is_top_management\":true,"
    "\"attendance\":\"PRESENT\"},{\"id\":2,\"person\":\"alice\",\"is_top_management\":false,"
    "\"attendance\":\"PRESENT\"}],"
    "\"inputs\":["
    "{\"id\":11,\"category\":\"B_ISSUES_CHANGES\",\"status\":\"PRESENTED\",\"evidence_refs\":"
    "[\"e\"],\"climate_change_relevance\":\"RELEVANT\"},"
    "{\"id\":12,\"category\":\"C_IP_NEEDS_CHANGES\",\"status\":\"PRESENTED\","
    "\"evidence_refs\":[\"e\"]},"
    "{\"id\":13,\"category\":\"D1_NC_CA\",\"status\":\"PRESENTED\",\"evidence_refs\":[\"e\"],"
    "\"trend\":\"STABLE\"},"
    "{\"id\":14,\"category\":\"D2_MONITORING\",\"status\":\"PRESENTED\",\"evidence_refs\":"
    "[\"e\"],\"trend\":\"IMPROVING\"},"
    "{\"id\":15,\"category\":\"D3_AUDITS\",\"status\":\"PRESENTED\",\"evidence_refs\":[\"e\"],"
    "\"trend\":\"STABLE\"},"
    "{\"id\":16,\"category\":\"D4_OBJECTIVES\",\"status\":\"PRESENTED\",\"evidence_refs\":"
    "[\"e\"],\"trend\":\"MIXED\"},"
    "{\"id\":17,\"category\":\"E_IP_FEEDBACK\",\"status\":\"PRESENTED\",\"evidence_refs\":"
    "[\"e\"]},"
    "{\"id\":18,\"category\":\"F_RISK_RTP\",\"status\":\"PRESENTED\",\"evidence_refs\":[\"e\"],"
    "\"risk_assessment_date\":\"2026-02-01\",\"rtp_completion_pct\":80},"
    "{\"id\":19,\"category\":\"G_IMPROVEMENT\",\"status\":\"PRESENTED\",\"evidence_refs\":"
    "[\"e\"]}],"
    "\"decisions\":["
    "{\"id\":21,\"category\":\"CONTINUAL_IMPROVEMENT\",\"clause_933_aspect\":\"IMPROVEMENT\","
    "\"outcome\":\"APPROVED\",\"basis_input_ids\":[19]},"
    "{\"id\":22,\"category\":\"SCOPE\",\"clause_933_aspect\":\"ISMS_CHANGE\","
    "\"outcome\":\"APPROVED\",\"basis_input_ids\":[11]}],"
    "\"actions\":["
    "{\"id\":31,\"ref\":\"MR-2026-01-A01\",\"owner\":\"bob\",\"due_date\":\"2026-06-30\","
    "\"description\":\"d\",\"expected_outcome\":\"o\",\"decision_id\":21},"
    "{\"id\":32,\"ref\":\"MR-2026-01-A02\",\"owner\":\"carol\",\"due_date\":\"2026-05-31\","
    "\"description\":\"d\",\"expected_outcome\":\"o\",\"decision_id\":22}],"
    "\"objectives\":[{\"id\":41,\"policy_ref\":\"P-1\",\"owner\":\"bob\",\"target_date\":"
    "\"2026-12-31\",\"resources_ref\":\"R-1\",\"evaluation_method\":\"monthly report\","
    "\"status\":\"PROPOSED\",\"decision_id\":21,\"kpi\":{\"name\":\"MTTP\",\"direction\":"
    "\"LOWER_BETTER\",\"target\":10.0},\"measurement_count\":0}],"
    "\"changes\":[{\"id\":51,\"change_type\":\"SCOPE\",\"purpose\":\"p\",\"consequences\":"
    "\"c\",\"owner\":\"bob\",\"planned_date\":\"2026-05-01\"}],"
    "\"improvements\":[],\"resources\":[],\"communications\":[{\"id\":61,\"what_type\":"
    "\"MINUTES\",\"audience_type\":\"MANAGEMENT\",\"how\":\"EMAIL\",\"when\":\"2026-03-20\"}]}";

static json_t *rules(const json_t *doc, const json_t *prev, const json_t *waivers)
{
    json_t *out = isms_json_pool(tpool, isms_rules_run(tpool, doc, prev, waivers, NULL,
                                                       "2026-04-01"));
    const json_t *f;
    size_t i;
    int e = 0, w = 0, b = 0;

    /* the counts agree with the findings */
    json_array_foreach(json_object_get(out, "findings"), i, f) {
        int err = !strcmp(isms_jstr(f, "severity"), "E");
        ck_assert_msg(err || !strcmp(isms_jstr(f, "severity"), "W"), "%s", isms_test_dump(f));
        e += err;
        w += !err;
        b += err && !json_is_true(json_object_get(f, "waived"));
        ck_assert_ptr_nonnull(isms_jstr(f, "clause"));
        ck_assert_ptr_nonnull(isms_jstr(f, "message"));
    }
    ck_assert_int_eq(isms_test_jint(out, "errors"), e);
    ck_assert_int_eq(isms_test_jint(out, "warnings"), w);
    ck_assert_int_eq(isms_test_jint(out, "blocking"), b);
    return out;
}

/* The finding of a rule on a field (field NULL: any), or NULL. */
static const json_t *finding(const json_t *out, const char *rule, const char *field)
{
    const json_t *f;
    size_t i;

    json_array_foreach(json_object_get(out, "findings"), i, f) {
        if (!strcmp(isms_jstr(f, "rule"), rule) &&
            (!field || (isms_jstr(f, "field") && !strcmp(isms_jstr(f, "field"), field)))) {
            return f;
        }
    }
    return NULL;
}

static json_t *doc_copy(void)
{
    return isms_json_pool(tpool, json_deep_copy(J(complete_doc)));
}

START_TEST(rules_complete_document_clean)
{
    json_t *out = rules(J(complete_doc), NULL, NULL);

    ck_assert_msg(json_array_size(json_object_get(out, "findings")) == 0, "%s",
                  isms_test_dump(out));
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 0);
}
END_TEST

#define REMOVE "\x01remove"

/* Each case breaks the complete document in one place: a finding of severity E (W for the
 * fields helper_field names). */
static const struct {
    const char *rule, *field;
    const char *coll;       /* NULL: the review itself */
    int index;
    const char *key;        /* NULL with value REMOVE: remove the element */
    const char *value;      /* JSON to set; NULL: delete the key */
} e_cases[] = {
    {"MR-01", "is_top_management", "attendees", 0, NULL, REMOVE},
    {"MR-01", "is_top_management", "attendees", 0, "attendance", "\"APOLOGIES\""},
    {"MR-01", "is_top_management", "attendees", 0, "is_top_management", "false"},
    {"MR-01", "chair", NULL, 0, "chair", "\"someone.else\""},
    {"MR-08", "category", "inputs", 0, NULL, REMOVE},
    {"MR-10", "category", "inputs", 1, NULL, REMOVE},
    {"MR-11", "category", "inputs", 2, NULL, REMOVE},
    {"MR-11", "category", "inputs", 3, NULL, REMOVE},
    {"MR-11", "category", "inputs", 4, NULL, REMOVE},
    {"MR-11", "category", "inputs", 5, NULL, REMOVE},
    {"MR-14", "category", "inputs", 6, NULL, REMOVE},
    {"MR-15", "category", "inputs", 7, NULL, REMOVE},
    {"MR-15", "rtp_completion_pct", "inputs", 7, "rtp_completion_pct", NULL},
    {"MR-15", "risk_assessment_date", "inputs", 7, "risk_assessment_date", "null"},
    {"MR-16", "category", "inputs", 8, NULL, REMOVE},
    {"MR-20", "clause_933_aspect", "decisions", 0, NULL, REMOVE},
    {"MR-20", "clause_933_aspect", "decisions", 0, "clause_933_aspect", "\"NONE\""},
    {"MR-21", "clause_933_aspect", "decisions", 1, NULL, REMOVE},
    {"MR-21", "clause_933_aspect", "decisions", 1, "clause_933_aspect", "\"IMPROVEMENT\""},
    {"MR-24", "owner", "actions", 0, "owner", NULL},
    {"MR-24", "due_date", "actions", 1, "due_date", NULL},
    {"MR-24", "description", "actions", 0, "description", "\"\""},
    {"MR-24", "expected_outcome", "actions", 1, "expected_outcome", "null"},
    {"MR-28", "policy_ref", "objectives", 0, "policy_ref", NULL},
    {"MR-28", "owner", "objectives", 0, "owner", "\"\""},
    {"MR-28", "target_date", "objectives", 0, "target_date", NULL},
    {"MR-28", "resources_ref", "objectives", 0, "resources_ref", NULL},
    {"MR-28", "evaluation_method", "objectives", 0, "evaluation_method", NULL},
    {"MR-28", "kpi", "objectives", 0, "kpi", "null"},
    {"MR-34", "ref", NULL, 0, "ref", NULL},
    {"MR-34", "title", NULL, 0, "title", "\"\""},
    {"MR-34", "held_from", NULL, 0, "held_from", NULL},
    {"MR-34", "author", NULL, 0, "author", NULL},
};

/* The fields that are W when missing (issue 12 section 4): the rest are E. */
static int helper_field(const char *rule, const char *field)
{
    static const char *const w[] = {"MR-15 rtp_completion_pct", "MR-15 risk_assessment_date",
                                    "MR-24 description", "MR-24 expected_outcome",
                                    "MR-28 policy_ref", "MR-28 resources_ref", NULL};
    const char *key = apr_pstrcat(tpool, rule, " ", field, NULL);
    int i;

    for (i = 0; w[i]; i++) {
        if (!strcmp(w[i], key)) return 1;
    }
    return 0;
}

START_TEST(rules_error_fires_and_clears)
{
    json_t *doc = doc_copy(), *target = doc, *out;
    const json_t *f;
    const char *removed_cat = NULL;

    if (e_cases[_i].coll) {
        json_t *list = json_object_get(doc, e_cases[_i].coll);
        target = json_array_get(list, (size_t)e_cases[_i].index);
        ck_assert_ptr_nonnull(target);
        if (!e_cases[_i].key) {
            removed_cat = apr_pstrdup(tpool, isms_jstr(target, "category"));
            json_array_remove(list, (size_t)e_cases[_i].index);
            target = NULL;
        }
    }
    if (target && !e_cases[_i].value) json_object_del(target, e_cases[_i].key);
    else if (target) json_object_set(target, e_cases[_i].key, J(e_cases[_i].value));

    out = rules(doc, NULL, NULL);
    f = finding(out, e_cases[_i].rule, e_cases[_i].field);
    ck_assert_msg(f != NULL, "%s on %s did not fire: %s", e_cases[_i].rule,
                  e_cases[_i].field, isms_test_dump(out));
    if (helper_field(e_cases[_i].rule, e_cases[_i].field)) {
        /* the structured fields that help are warnings: prose is evidence too */
        ck_assert_str_eq(isms_jstr(f, "severity"), "W");
        ck_assert(json_is_false(json_object_get(f, "acknowledged")));
        ck_assert_int_ge(isms_test_jint(out, "unacknowledged"), 1);
    }
    else {
        ck_assert_str_eq(isms_jstr(f, "severity"), "E");
        ck_assert(json_is_false(json_object_get(f, "waived")));
        ck_assert_int_ge(isms_test_jint(out, "blocking"), 1);
    }
    if (removed_cat && !strcmp(e_cases[_i].coll, "inputs")) {
        ck_assert_contains(isms_jstr(f, "message"), removed_cat);
    }
    if (target && e_cases[_i].coll && (!strcmp(e_cases[_i].rule, "MR-15") ||
                                       !strcmp(e_cases[_i].rule, "MR-24") ||
                                       !strcmp(e_cases[_i].rule, "MR-28"))) {
        ck_assert_int_eq(isms_test_jint(f, "entity_id"), isms_test_jint(target, "id"));
        ck_assert_str_eq(isms_jstr(f, "entity"), !strcmp(e_cases[_i].rule, "MR-15") ? "input"
                         : !strcmp(e_cases[_i].rule, "MR-24") ? "action" : "objective");
    }
    /* fixed again: gone */
    out = rules(J(complete_doc), NULL, NULL);
    ck_assert_ptr_null(finding(out, e_cases[_i].rule, NULL));
}
END_TEST

START_TEST(rules_alternatives_clear)
{
    json_t *doc = doc_copy(), *out;

    /* MR-21: an explicit NO_CHANGE_REQUIRED with a rationale instead of a change */
    json_array_remove(json_object_get(doc, "decisions"), 1);
    ck_assert_ptr_nonnull(finding(rules(doc, NULL, NULL), "MR-21", NULL));
    json_array_append(json_object_get(doc, "decisions"), J(
        "{\"id\":23,\"category\":\"NO_CHANGE_REQUIRED\",\"clause_933_aspect\":\"NONE\","
        "\"outcome\":\"NOTED\",\"basis_input_ids\":[11]}"));
    ck_assert_ptr_nonnull(finding(rules(doc, NULL, NULL), "MR-21", NULL));
    json_object_set_new(json_array_get(json_object_get(doc, "decisions"), 1), "rationale",
                        json_string("the ISMS is fit as it is"));
    ck_assert_ptr_null(finding(rules(doc, NULL, NULL), "MR-21", NULL));
    /* MR-20 / MR-21: one decision on BOTH covers both */
    doc = doc_copy();
    json_array_remove(json_object_get(doc, "decisions"), 1);
    json_object_set_new(json_array_get(json_object_get(doc, "decisions"), 0),
                        "clause_933_aspect", json_string("BOTH"));
    out = rules(doc, NULL, NULL);
    ck_assert_ptr_null(finding(out, "MR-20", NULL));
    ck_assert_ptr_null(finding(out, "MR-21", NULL));
    /* MR-01: top management taking part remotely or in writing */
    doc = doc_copy();
    json_object_set_new(json_array_get(json_object_get(doc, "attendees"), 0), "attendance",
                        json_string("WRITTEN_CONTRIBUTION"));
    ck_assert_ptr_null(finding(rules(doc, NULL, NULL), "MR-01", NULL));
    json_object_del(doc, "chair");      /* no chair named: nothing to check */
    json_object_set_new(json_array_get(json_object_get(doc, "attendees"), 0), "attendance",
                        json_string("REMOTE"));
    ck_assert_ptr_null(finding(rules(doc, NULL, NULL), "MR-01", NULL));
    /* MR-28: a justification instead of a KPI */
    doc = doc_copy();
    json_object_del(json_array_get(json_object_get(doc, "objectives"), 0), "kpi");
    ck_assert_ptr_nonnull(finding(rules(doc, NULL, NULL), "MR-28", "kpi"));
    json_object_set_new(json_array_get(json_object_get(doc, "objectives"), 0),
                        "evaluation_if_not_measurable", json_string("survey"));
    ck_assert_ptr_null(finding(rules(doc, NULL, NULL), "MR-28", NULL));
}
END_TEST

START_TEST(rules_waivers)
{
    json_t *doc = doc_copy(), *out, *waivers;
    const json_t *f;

    json_array_remove(json_object_get(doc, "inputs"), 8);        /* no input g: MR-16 */
    json_object_del(doc, "suitability");                          /* MR-31 (W) */
    out = rules(doc, NULL, NULL);
    ck_assert_int_eq(isms_test_jint(out, "errors"), 1);
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 1);
    ck_assert_int_eq(isms_test_jint(out, "warnings"), 1);
    /* a waiver of another rule changes nothing */
    out = rules(doc, NULL, J("[{\"rule_id\":\"MR-14\",\"justification\":\"j\"}]"));
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 1);
    ck_assert(json_is_false(json_object_get(finding(out, "MR-16", NULL), "waived")));
    ck_assert(json_is_null(json_object_get(finding(out, "MR-16", NULL), "waiver")));
    waivers = J("[{\"rule_id\":\"MR-14\",\"justification\":\"j\"},{\"rule_id\":\"MR-16\","
                "\"justification\":\"improvement is covered by the CI board\",\"waived_by\":"
                "\"bob\"}]");
    out = rules(doc, NULL, waivers);
    f = finding(out, "MR-16", NULL);
    ck_assert(json_is_true(json_object_get(f, "waived")));
    ck_assert(json_equal(json_object_get(f, "waiver"), json_array_get(waivers, 1)));
    ck_assert_str_eq(isms_jstr(f, "severity"), "E");
    ck_assert_int_eq(isms_test_jint(out, "errors"), 1);           /* still an error, not blocking */
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 0);
    /* warnings are acknowledged, not waived: a waiver of a W rule changes nothing */
    out = rules(doc, NULL, J("[{\"rule_id\":\"MR-31\",\"justification\":\"j\"}]"));
    ck_assert(json_is_false(json_object_get(finding(out, "MR-31", NULL), "waived")));
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 1);
    ck_assert_int_eq(isms_test_jint(out, "unacknowledged"), 1);
}
END_TEST

/* A field added by a later migration (ISMS_ADDED) is in the sealed content only when set: a
 * review sealed before the migration still matches its seal. Tracking fields never are. */
START_TEST(seal_content_late_fields)
{
    json_t *doc = J("{\"id\":7,\"resources\":[{\"id\":1,\"description\":\"licences\","
                    "\"approved_by\":null,\"provided_at\":\"2026-04-01\"},{\"id\":2,"
                    "\"description\":\"staff\",\"approved_by\":\"cfo\"}],\"changes\":[{\"id\":3,"
                    "\"approved_by\":null,\"implemented_at\":\"2026-05-01\"}]}");
    json_t *sealed = isms_json_pool(tpool, isms_seal_content(doc, J("[]")));
    const json_t *r1 = json_array_get(json_object_get(sealed, "resources"), 0);
    const json_t *r2 = json_array_get(json_object_get(sealed, "resources"), 1);
    const json_t *c1 = json_array_get(json_object_get(sealed, "changes"), 0);

    ck_assert_ptr_null(json_object_get(r1, "approved_by"));       /* unset: as before 006 */
    ck_assert_str_eq(isms_jstr(r2, "approved_by"), "cfo");             /* set: sealed */
    ck_assert_ptr_null(json_object_get(r1, "provided_at"));       /* tracking */
    ck_assert_ptr_null(json_object_get(c1, "approved_by"));
    ck_assert_ptr_null(json_object_get(c1, "implemented_at"));
    ck_assert_str_eq(isms_jstr(r1, "description"), "licences");
}
END_TEST

/* Waivers and acknowledgements are per finding: rule and subject. */
START_TEST(rules_per_finding)
{
    json_t *doc = doc_copy(), *out;
    const json_t *f;
    const char *d2 = "input:9.3.2 d2:category", *d3 = "input:9.3.2 d3:category";
    size_t i;

    json_array_remove(json_object_get(doc, "inputs"), 4);        /* D3 */
    json_array_remove(json_object_get(doc, "inputs"), 3);        /* D2 */
    json_object_del(doc, "suitability");                          /* MR-31 W */
    json_object_del(doc, "adequacy");                             /* MR-31 W */
    out = isms_json_pool(tpool, isms_rules_run(tpool, doc, NULL, isms_json_pool(tpool,
        json_pack("[{s:s,s:s,s:s}]", "rule_id", "MR-11", "subject", d2, "justification",
                  "monitoring reviewed by the board in January")), isms_json_pool(tpool,
        json_pack("[{s:s,s:s}]", "rule_id", "MR-31", "subject", "review:MR-2026-01:adequacy")),
        "2026-04-01"));
    ck_assert_int_eq(isms_test_jint(out, "errors"), 2);
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 1);             /* d3 is not waived with d2 */
    ck_assert_int_eq(isms_test_jint(out, "warnings"), 2);
    ck_assert_int_eq(isms_test_jint(out, "unacknowledged"), 1);       /* suitability still open */
    json_array_foreach(json_object_get(out, "findings"), i, f) {
        const char *s = isms_jstr(f, "subject");
        if (!strcmp(isms_jstr(f, "rule"), "MR-11")) {
            ck_assert(!strcmp(s, d2) || !strcmp(s, d3));
            ck_assert_int_eq(json_is_true(json_object_get(f, "waived")), !strcmp(s, d2));
        }
        if (!strcmp(isms_jstr(f, "rule"), "MR-31")) {
            ck_assert_int_eq(json_is_true(json_object_get(f, "acknowledged")),
                             !strcmp(s, "review:MR-2026-01:adequacy"));
        }
    }
    /* a waiver from before subjects (migration 006) covers its rule as it did */
    out = rules(doc, NULL, J("[{\"rule_id\":\"MR-11\",\"justification\":\"old\"}]"));
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 0);
    /* the first review: the interval and input a rules are not evaluated */
    ck_assert_ptr_nonnull(json_object_get(json_object_get(out, "not_evaluated"), "MR-02"));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(out, "not_evaluated"), "MR-04"));
    ck_assert_ptr_null(json_object_get(json_object_get(out, "not_evaluated"), "MR-11"));
}
END_TEST

START_TEST(rules_severity_by_standard)
{
    json_t *doc = doc_copy(), *out;

    json_object_del(doc, "suitability");
    out = rules(doc, NULL, NULL);
    ck_assert_str_eq(isms_jstr(finding(out, "MR-31", "suitability"), "severity"), "W");
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 0);
    json_array_append_new(json_object_get(doc, "standards"), json_string("ISO14001_2015"));
    out = rules(doc, NULL, NULL);
    ck_assert_str_eq(isms_jstr(finding(out, "MR-31", "suitability"), "severity"), "E");
    ck_assert_int_eq(isms_test_jint(out, "blocking"), 1);

    /* MR-29: a not-achieved objective without a decision (14001 / 45001: E) */
    doc = doc_copy();
    json_object_set_new(json_array_get(json_object_get(doc, "objectives"), 0), "status",
                        json_string("NOT_ACHIEVED"));
    json_object_del(json_array_get(json_object_get(doc, "objectives"), 0), "decision_id");
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-29", NULL), "severity"), "W");
    json_object_set_new(doc, "standards", json_pack("[s]", "ISO45001_2018"));
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-29", NULL), "severity"), "E");

    /* MR-30: a resource without an outcome (9001: E) */
    doc = doc_copy();
    json_object_set(doc, "resources", J("[{\"id\":71,\"resource_type\":\"OTHER\"}]"));
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-30", "outcome"), "severity"),
                     "W");
    json_object_set_new(doc, "standards", json_pack("[s,s]", "ISO27001_2022", "ISO9001_2015"));
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-30", "outcome"), "severity"),
                     "E");
    json_object_set(json_array_get(json_object_get(doc, "resources"), 0), "outcome",
                    J("\"APPROVED\""));
    /* approved: by whom, with budget authority */
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-30", "approved_by"),
                          "severity"), "E");
    json_object_set(json_array_get(json_object_get(doc, "resources"), 0), "approved_by",
                    J("\"cfo\""));
    ck_assert_ptr_null(finding(rules(doc, NULL, NULL), "MR-30", NULL));

    /* MR-32: no communication planned (22301 / 45001: E) */
    doc = doc_copy();
    json_object_set_new(doc, "communications", json_array());
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-32", NULL), "severity"), "W");
    json_object_set_new(doc, "standards", json_pack("[s]", "ISO22301_2019"));
    ck_assert_str_eq(isms_jstr(finding(rules(doc, NULL, NULL), "MR-32", NULL), "severity"), "E");

    /* warnings without an upgrade */
    doc = doc_copy();
    json_object_del(json_array_get(json_object_get(doc, "inputs"), 0),
                    "climate_change_relevance");
    json_object_del(doc, "retention_until");
    json_object_set_new(json_array_get(json_object_get(doc, "actions"), 0), "due_date",
                        json_string("2026-03-10"));
    out = rules(doc, NULL, NULL);
    ck_assert_str_eq(isms_jstr(finding(out, "MR-09", NULL), "severity"), "W");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-35", "retention_until"), "severity"), "W");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-25", "due_date"), "severity"), "W");
    ck_assert_int_eq(isms_test_jint(out, "errors"), 0);
}
END_TEST

START_TEST(rules_previous_review)
{
    json_t *doc = doc_copy(), *out;

    /* 424 days after the previous review, with a 12-month interval */
    out = rules(doc, J("{\"held_from\":\"2025-01-10\"}"), NULL);
    ck_assert_str_eq(isms_jstr(finding(out, "MR-02", "held_from"), "severity"), "E");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-03", "held_from"), "severity"), "E");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-04", "category"), "severity"), "E");
    out = rules(doc, J("{\"held_from\":\"2025-03-12\"}"), NULL);
    ck_assert_ptr_null(finding(out, "MR-02", NULL));
    ck_assert_ptr_null(finding(out, "MR-03", NULL));
    /* with input a: MR-04 clears; its snapshots give MR-06 and MR-07 */
    json_array_append(json_object_get(doc, "inputs"), J(
        "{\"id\":10,\"category\":\"A_PREV_ACTIONS\",\"status\":\"PRESENTED\","
        "\"action_snapshots\":[{\"action_ref\":\"MR-2025-01-A01\",\"days_overdue\":5,"
        "\"replan_decision_id\":null,\"carry_over_count\":3},{\"action_ref\":"
        "\"MR-2025-01-A02\",\"days_overdue\":0,\"replan_decision_id\":null,"
        "\"carry_over_count\":1}]}"));
    out = rules(doc, J("{\"held_from\":\"2025-03-12\"}"), NULL);
    ck_assert_ptr_null(finding(out, "MR-04", NULL));
    ck_assert_str_eq(isms_jstr(finding(out, "MR-06", NULL), "severity"), "W");
    ck_assert_contains(isms_jstr(finding(out, "MR-06", NULL), "message"), "MR-2025-01-A01");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-07", NULL), "severity"), "W");
    ck_assert_int_eq(isms_test_jint(out, "errors"), 0);
    /* no previous review: none of these rules apply */
    out = rules(J(complete_doc), NULL, NULL);
    ck_assert_ptr_null(finding(out, "MR-04", NULL));
}
END_TEST

/* A previous review held outside the system (review.previous_external) stands in for one in
 * it: the interval, period and input-a rules judge against it instead of reading n/a. */
START_TEST(rules_previous_external)
{
    json_t *doc = doc_copy(), *out;
    const json_t *na;

    out = rules(doc, NULL, NULL);
    na = json_object_get(out, "not_evaluated");
    ck_assert_ptr_nonnull(json_object_get(na, "MR-03"));
    ck_assert_ptr_nonnull(json_object_get(na, "MR-04"));
    ck_assert_ptr_nonnull(json_object_get(na, "MR-19"));
    /* held 16 months before, its period ending 3 months before this one's starts; no input
     * a: its open typed-in action has no line (MR-05), the completed one needs none */
    json_object_set_new(doc, "period_from", json_string("2025-01-01"));
    json_object_set_new(doc, "previous_external", json_deep_copy(J(
        "{\"held_from\":\"2024-11-04\",\"reference\":\"paper minutes\",\"period_to\":"
        "\"2024-09-30\",\"actions\":[{\"ref\":\"P-1\",\"status\":\"OPEN\"},"
        "{\"ref\":\"P-2\",\"status\":\"COMPLETED\"}]}")));
    out = rules(doc, NULL, NULL);
    na = json_object_get(out, "not_evaluated");
    ck_assert_ptr_null(json_object_get(na, "MR-03"));
    ck_assert_ptr_null(json_object_get(na, "MR-04"));
    ck_assert_ptr_null(json_object_get(na, "MR-19"));
    ck_assert_str_eq(isms_jstr(finding(out, "MR-03", "held_from"), "severity"), "E");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-19", "period_from"), "severity"), "W");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-04", "category"), "severity"), "E");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-05", NULL), "subject"),
                     "action:P-1:action_snapshots");
    ck_assert_int_eq(isms_test_jint(out, "errors"), 4);          /* MR-02, MR-03, MR-04, one MR-05 */
    /* within the interval, the period continued, input a with the typed-in line: the
     * overdue line needs a conclusion (MR-06) until it is closed */
    json_object_set_new(json_object_get(doc, "previous_external"), "held_from",
                        json_string("2025-03-12"));
    json_object_set_new(json_object_get(doc, "previous_external"), "period_to",
                        json_string("2024-12-31"));
    json_array_append(json_object_get(doc, "inputs"), J(
        "{\"id\":10,\"category\":\"A_PREV_ACTIONS\",\"status\":\"PRESENTED\","
        "\"action_snapshots\":[{\"action_ref\":\"P-1\",\"external\":true,"
        "\"days_overdue\":40,\"replan_decision_id\":null,\"carry_over_count\":1}]}"));
    out = rules(doc, NULL, NULL);
    ck_assert_int_eq(isms_test_jint(out, "errors"), 0);
    ck_assert_ptr_null(finding(out, "MR-19", NULL));
    ck_assert_contains(isms_jstr(finding(out, "MR-06", NULL), "subject"), "P-1");
    json_object_set_new(json_array_get(json_object_get(json_array_get(json_object_get(
        doc, "inputs"), json_array_size(json_object_get(doc, "inputs")) - 1),
        "action_snapshots"), 0), "conclusion", json_string("CLOSE"));
    out = rules(doc, NULL, NULL);
    ck_assert_ptr_null(finding(out, "MR-06", NULL));
    /* with a review programme whose first review this is, the declared one is the previous */
    json_object_set_new(doc, "_programme", json_deep_copy(J(
        "{\"name\":\"ISMS\",\"interval_months\":12,\"tolerance_days\":30}")));
    json_object_set_new(doc, "_programme_previous", json_null());
    out = rules(doc, NULL, NULL);
    ck_assert_ptr_null(json_object_get(json_object_get(out, "not_evaluated"), "MR-02"));
    ck_assert_ptr_null(finding(out, "MR-02", NULL));
    json_object_set_new(json_object_get(doc, "previous_external"), "held_from",
                        json_string("2024-11-04"));
    out = rules(doc, NULL, NULL);
    ck_assert_str_eq(isms_jstr(finding(out, "MR-02", "held_from"), "severity"), "E");
    json_object_del(doc, "_programme");
    json_object_del(doc, "_programme_previous");
    /* a previous review in the system wins over a declared one */
    out = rules(doc, J("{\"held_from\":\"2024-01-10\"}"), NULL);
    ck_assert_ptr_nonnull(finding(out, "MR-03", NULL));
}
END_TEST

/* MR-39 (10.2): a corrective action names the nonconformity it corrects. */
START_TEST(rules_mr39_corrective_nc_ref)
{
    json_t *doc = doc_copy(), *out, *a;

    a = json_array_get(json_object_get(doc, "actions"), 0);
    out = rules(doc, NULL, NULL);
    ck_assert_ptr_null(finding(out, "MR-39", NULL));      /* not corrective */
    json_object_set_new(a, "type", json_string("CORRECTIVE"));
    out = rules(doc, NULL, NULL);
    ck_assert_str_eq(isms_jstr(finding(out, "MR-39", "nc_ref"), "severity"), "W");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-39", "nc_ref"), "clause"), "10.2");
    ck_assert_str_eq(isms_jstr(finding(out, "MR-39", "nc_ref"), "subject"),
                     "action:MR-2026-01-A01:nc_ref");
    json_object_set_new(a, "nc_ref", json_string("NC-2026-004"));
    out = rules(doc, NULL, NULL);
    ck_assert_ptr_null(finding(out, "MR-39", NULL));
}
END_TEST

/* ---- the workflow on a database */

static isms_ctx alice, bob, carol;

static void workflow_setup(void)
{
    isms_test_ctx(&alice, "alice", ISMS_R_AUTHOR);
    isms_test_ctx(&bob, "bob", ISMS_R_APPROVER);
    isms_test_ctx(&carol, "carol", ISMS_R_APPROVER);
}

static long long item(long long rid, const char *coll, const char *text)
{
    return isms_test_created_id(isms_test_item_create(&alice, rid, coll, J(text)));
}

/* A review through the API that passes every rule of severity E (complete), or one
 * without input g (MR-16). */
static long long build_review(int complete)
{
    static const char *const cats[] = {"B_ISSUES_CHANGES", "C_IP_NEEDS_CHANGES", "D1_NC_CA",
                                       "D2_MONITORING", "D3_AUDITS", "D4_OBJECTIVES",
                                       "E_IP_FEEDBACK"};
    long long rid, b, d1, d2;
    int i;

    rid = isms_test_created_id(isms_test_review_create(&alice, J(
        "{\"title\":\"Management review 2026\",\"review_type\":\"SCHEDULED\","
        "\"planned_date\":\"2026-03-10\",\"held_from\":\"2026-03-10\",\"held_to\":"
        "\"2026-03-10\",\"period_from\":\"2025-01-01\",\"period_to\":\"2025-12-31\","
        "\"chair\":\"ceo\",\"standards\":[\"ISO27001_2022\"],\"classification\":"
        "\"CONFIDENTIAL\",\"retention_until\":\"2033-12-31\",\"suitability\":{\"rating\":"
        "\"CONFIRMED\"},\"adequacy\":{\"rating\":\"CONFIRMED\"},\"effectiveness\":{"
        "\"rating\":\"PARTIALLY\",\"rationale\":\"patching is late\"},\"next_review_date\":"
        "\"2027-03-09\"}")));
    item(rid, "attendees", "{\"person\":\"ceo\",\"name\":\"Helga Brandt\",\"is_top_management\""
                           ":true,\"participation_role\":\"CHAIR\",\"attendance\":\"PRESENT\"}");
    b = item(rid, "inputs", "{\"category\":\"B_ISSUES_CHANGES\",\"title\":\"Issues\","
                            "\"status\":\"PRESENTED\",\"trend\":\"MIXED\","
                            "\"climate_change_relevance\":\"RELEVANT\",\"evidence_refs\":"
                            "[\"CTX.pdf\"]}");
    for (i = 1; i < N_ELEMS(cats); i++) {
        item(rid, "inputs", isms_test_printf("{\"category\":\"%s\",\"title\":\"%s\","
                                             "\"status\":\"PRESENTED\",\"trend\":\"STABLE\","
                                             "\"evidence_refs\":[\"EV.pdf\"]}", cats[i], cats[i]));
    }
    item(rid, "inputs", "{\"category\":\"F_RISK_RTP\",\"title\":\"Risk\",\"status\":"
                        "\"PRESENTED\",\"evidence_refs\":[\"RA.pdf\"],\"risk_assessment_date\":"
                        "\"2025-11-20\",\"rtp_completion_pct\":78}");
    if (complete) {
        item(rid, "inputs", "{\"category\":\"G_IMPROVEMENT\",\"title\":\"OFI\",\"status\":"
                            "\"PRESENTED\",\"evidence_refs\":[\"OFI.pdf\"]}");
    }
    d1 = item(rid, "decisions", isms_test_printf("{\"statement\":\"Patch window\","
              "\"category\":\"CONTINUAL_IMPROVEMENT\",\"clause_933_aspect\":\"IMPROVEMENT\","
              "\"outcome\":\"APPROVED\",\"basis_input_ids\":[%lld]}", b));
    d2 = item(rid, "decisions", isms_test_printf("{\"statement\":\"Scope\",\"category\":"
              "\"SCOPE\",\"clause_933_aspect\":\"ISMS_CHANGE\",\"outcome\":\"APPROVED\","
              "\"basis_input_ids\":[%lld]}", b));
    item(rid, "actions", isms_test_printf("{\"title\":\"Set up the patch window\",\"type\":"
         "\"CORRECTIVE\",\"owner\":\"dave\",\"due_date\":\"2026-06-30\",\"priority\":\"HIGH\","
         "\"description\":\"weekly\",\"expected_outcome\":\"MTTP <= 10\",\"nc_ref\":\"NC-7\","
         "\"decision_id\":%lld}",
         d1));
    item(rid, "actions", isms_test_printf("{\"title\":\"Update the scope\",\"type\":"
         "\"CHANGE_IMPLEMENTATION\",\"owner\":\"alice\",\"due_date\":\"2026-05-15\","
         "\"priority\":\"MEDIUM\",\"description\":\"Lisbon\",\"expected_outcome\":\"scope v4\","
         "\"decision_id\":%lld}", d2));
    item(rid, "improvements", "{\"description\":\"Automate patching\",\"source\":"
                              "\"MONITORING\"}");
    item(rid, "communications", "{\"what_type\":\"EXEC_SUMMARY\",\"audience_type\":"
                                "\"ALL_EMPLOYEES\",\"how\":\"INTRANET\",\"when\":\"2026-03-20\"}");
    return rid;
}

static const char *etag(long long rid)
{
    isms_result r = isms_test_review_get(&alice, rid);

    ck_assert_status(r, 200);
    return r.etag;
}

static isms_result move(isms_ctx *ctx, long long rid, const char *action, const char *comment)
{
    json_t *in = comment ? isms_json_pool(tpool, json_pack("{s:s}", "comment", comment))
                         : J("{}");

    return isms_test_workflow(ctx, rid, action, in, etag(rid));
}

static const char *status_of(long long rid)
{
    return isms_test_scalar(tconn, tpool, isms_test_printf("SELECT status FROM review "
                                                           "WHERE id = %lld", rid));
}

static long long action_id(long long rid)
{
    return atoll(isms_test_scalar(tconn, tpool, isms_test_printf("SELECT MIN(id) FROM "
                                                                 "action WHERE review_id = %lld",
                                                                 rid)));
}

START_TEST(submit_blocked_then_waived)
{
    long long rid = build_review(0);
    isms_result r;
    const json_t *f;
    size_t i;
    int mr16 = 0;

    r = move(&bob, rid, "submit", NULL);
    ck_assert_status(r, 403);                       /* approvers do not submit */
    r = isms_test_workflow(&alice, rid, "submit", J("{}"), NULL);
    ck_assert_status(r, 428);
    r = move(&alice, rid, "submit", NULL);
    ck_assert_status(r, 422);
    ck_assert_str_eq(isms_jstr(r.body, "type"), "urn:ismsreview:problem:incomplete");
    ck_assert_int_eq(isms_test_jint(r.body, "blocking"), 1);
    json_array_foreach(json_object_get(r.body, "findings"), i, f) {
        if (!strcmp(isms_jstr(f, "severity"), "E")) {
            ck_assert_str_eq(isms_jstr(f, "rule"), "MR-16");
            mr16++;
        }
    }
    ck_assert_int_eq(mr16, 1);
    ck_assert_str_eq(status_of(rid), "DRAFT");
    ck_assert_int_eq(isms_test_count("workflow_transition"), 0);

    /* waivers: approvers only, E findings only, once */
    r = isms_test_waive(&alice, rid, J("{\"rule\":\"MR-16\",\"justification\":\"j\"}"));
    ck_assert_status(r, 403);
    r = isms_test_waive(&bob, rid, J("{\"rule\":\"MR-16\"}"));
    ck_assert_status(r, 422);
    r = isms_test_waive(&bob, rid, J("{\"rule\":\"MR-14\",\"justification\":\"j\"}"));
    ck_assert_status(r, 422);
    ck_assert_int_eq(isms_test_count("waiver"), 0);
    r = isms_test_waive(&bob, rid, J("{\"rule\":\"MR-16\",\"justification\":\"improvement "
                                     "opportunities are handled by the CI board\"}"));
    ck_assert_status(r, 201);
    ck_assert_str_eq(r.location, isms_test_printf("reviews/%lld/check", rid));
    ck_assert_int_eq(isms_test_jint(r.body, "blocking"), 0);
    ck_assert_int_eq(isms_test_jint(r.body, "errors"), 1);
    json_array_foreach(json_object_get(r.body, "findings"), i, f) {
        if (!strcmp(isms_jstr(f, "rule"), "MR-16")) {
            ck_assert(json_is_true(json_object_get(f, "waived")));
            ck_assert_str_eq(isms_jstr(json_object_get(f, "waiver"), "waived_by"), "bob");
        }
    }
    r = isms_test_waive(&bob, rid, J("{\"rule\":\"MR-16\",\"justification\":\"again\"}"));
    ck_assert_status(r, 409);
    ck_assert_int_eq(isms_test_count("waiver"), 1);

    r = move(&alice, rid, "submit", NULL);
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "SUBMITTED");
    ck_assert_str_eq(isms_jstr(r.body, "submitted_by"), "alice");
    ck_assert_str_eq(isms_jstr(r.body, "submitted_at"), alice.now);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT action || ':' || prior_status || "
                                      "'>' || to_status || ':' || actor FROM "
                                      "workflow_transition"), "submit:DRAFT>SUBMITTED:alice");
    /* a submitted review is not edited, nor are findings waived any more */
    r = isms_test_waive(&bob, rid, J("{\"rule\":\"MR-16\",\"justification\":\"j\"}"));
    ck_assert_status(r, 409);
    r = isms_test_item_create(&alice, rid, "improvements", J("{\"description\":\"d\","
                                                             "\"source\":\"OTHER\"}"));
    ck_assert_status(r, 409);
    r = move(&alice, rid, "submit", NULL);
    ck_assert_status(r, 409);
}
END_TEST

START_TEST(approval_separation_of_duties)
{
    long long rid = build_review(1);
    isms_ctx self, shout;
    isms_result r;

    ck_assert_str_eq(isms_user_key(tpool, " Alice "), "alice");
    ck_assert_str_eq(isms_user_key(tpool, "\tALICE\n"), "alice");
    ck_assert_str_eq(isms_user_key(tpool, "bob"), "bob");
    ck_assert_str_eq(isms_user_key(tpool, NULL), "");
    ck_assert_str_eq(isms_user_key(tpool, "  "), "");
    /* one person, one identity (issue 15): NFKC, case folding, ignorables, any white space */
    ck_assert_str_eq(isms_user_key(tpool, "\xef\xbd\x81pprover"), "approver");  /* full-width */
    ck_assert_str_eq(isms_user_key(tpool, "approver\xc2\xa0"), "approver");      /* NBSP */
    ck_assert_str_eq(isms_user_key(tpool, "appro\xe2\x80\x8bver"), "approver"); /* ZWSP */
    ck_assert_str_eq(isms_user_key(tpool, "\xe3\x80\x80" "APPROVER\xe2\x80\xa8"), "approver");
    ck_assert_str_eq(isms_user_key(tpool, "Stra\xc3\x9f" "e"), "strasse");
    ck_assert_str_eq(isms_user_key(tpool, "\xc3\x85" "sa"), isms_user_key(tpool, "A\xcc\x8a" "sa"));
    ck_assert(isms_same_user(tpool, "Approver", "\xef\xbc\xa1pprover"));
    ck_assert(!isms_same_user(tpool, "approver", "approver2"));
    ck_assert_ptr_null(isms_user_name_check(tpool, "j\xc3\xb6rg.m\xc3\xbcller@example.org"));
    ck_assert_ptr_nonnull(isms_user_name_check(tpool, "appro\xe2\x80\x8bver"));
    ck_assert_ptr_nonnull(isms_user_name_check(tpool, "approver\x01"));
    ck_assert_ptr_nonnull(isms_user_name_check(tpool, "approver\xc2\x85"));
    ck_assert_ptr_nonnull(isms_user_name_check(tpool, "approver\xc2\xad"));      /* SHY */
    ck_assert_ptr_nonnull(isms_user_name_check(tpool, "approver\xff"));

    r = move(&alice, rid, "submit", NULL);
    ck_assert_status(r, 200);
    /* the author, even holding the approver role and under another spelling */
    isms_test_ctx(&self, " Alice ", ISMS_R_AUTHOR | ISMS_R_APPROVER);
    r = move(&self, rid, "approve", NULL);
    ck_assert_status(r, 403);
    ck_assert_str_eq(isms_jstr(r.body, "type"), "urn:ismsreview:problem:separation-of-duties");
    isms_test_ctx(&shout, "ALICE", ISMS_R_APPROVER);
    r = move(&shout, rid, "approve", NULL);
    ck_assert_status(r, 403);
    r = move(&alice, rid, "approve", NULL);         /* no approver role */
    ck_assert_status(r, 403);
    ck_assert_str_eq(isms_jstr(r.body, "type"), "urn:ismsreview:problem:forbidden");
    ck_assert_int_eq(isms_test_count("approval"), 0);
    ck_assert_str_eq(status_of(rid), "SUBMITTED");

    r = move(&bob, rid, "approve", NULL);
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "APPROVED");
    ck_assert_str_eq(isms_jstr(r.body, "approved_by"), "bob");
    ck_assert_int_eq(isms_test_count("approval"), 1);
    ck_assert_int_eq(isms_test_count("review_version"), 1);
    r = move(&carol, rid, "approve", NULL);
    ck_assert_status(r, 409);
}
END_TEST

START_TEST(approval_quorum_two)
{
    long long rid = build_review(1);
    isms_result r;

    bob.approvals = carol.approvals = 2;
    ck_assert_status((r = move(&alice, rid, "submit", NULL)), 200);
    r = move(&bob, rid, "approve", "fine with me");
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "SUBMITTED");
    ck_assert_int_eq(isms_test_count("approval"), 1);
    ck_assert_int_eq(isms_test_count("review_version"), 0);
    r = move(&bob, rid, "approve", NULL);           /* the same person twice */
    ck_assert_status(r, 409);
    ck_assert_int_eq(isms_test_count("approval"), 1);
    /* returning drops the approvals of this version */
    r = move(&carol, rid, "return", NULL);
    ck_assert_status(r, 422);
    r = move(&carol, rid, "return", "the budget is missing");
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "RETURNED");
    ck_assert_int_eq(isms_test_count("approval"), 0);
    ck_assert_status((r = move(&alice, rid, "submit", NULL)), 200);
    ck_assert_status((r = move(&bob, rid, "approve", NULL)), 200);
    ck_assert_str_eq(status_of(rid), "SUBMITTED");
    r = move(&carol, rid, "approve", "agreed");
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "APPROVED");
    ck_assert_str_eq(isms_jstr(r.body, "approved_by"), "carol");
    ck_assert_int_eq(isms_test_count("approval"), 2);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT group_concat(to_status, ',') FROM "
                                      "workflow_transition"),
                     "SUBMITTED,SUBMITTED,RETURNED,SUBMITTED,SUBMITTED,APPROVED");
}
END_TEST

static json_t *approvals_of(long long rid, int version)
{
    isms_rows *rs;
    const char *err = NULL;
    json_t *a = isms_json_pool(tpool, json_array());
    int i;

    ck_assert_int_eq(isms_conn_query(tconn, tpool, isms_test_printf("SELECT approver, "
                     "comment, created_at FROM approval WHERE review_id = %lld AND version = %d "
                     "ORDER BY id", rid, version), &rs, &err), ISMS_DB_OK);
    for (i = 0; i < rs->nrows; i++) {
        json_t *o = json_pack("{s:s,s:s}", "approver", ISMS_ROW(rs, i, 0), "approved_at",
                              ISMS_ROW(rs, i, 2));
        json_object_set_new(o, "comment", ISMS_ROW(rs, i, 1) ? json_string(ISMS_ROW(rs, i, 1))
                                                             : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static void refused_sql(const char *sql, const char *msg)
{
    const char *err = NULL;

    ck_assert_msg(isms_conn_exec(tconn, sql, NULL, &err) == ISMS_DB_ERROR, "accepted: %s",
                  sql);
    ck_assert_contains(err, msg);
}

START_TEST(seal_and_guards)
{
    long long rid = build_review(1), aid = action_id(rid);
    long long oid = atoll(isms_test_scalar(tconn, tpool, "SELECT MIN(id) FROM improvement"));
    isms_result r;
    isms_rows *rs;
    const char *err = NULL, *content, *hash;
    json_t *sealed, *hist, *ver;

    ck_assert_status((r = move(&alice, rid, "submit", NULL)), 200);
    r = move(&bob, rid, "approve", NULL);
    ck_assert_status(r, 200);
    hash = isms_jstr(r.body, "content_hash");
    ck_assert_ptr_nonnull(hash);
    ck_assert_int_eq(strlen(hash), 64);
    ck_assert_int_eq(isms_conn_query(tconn, tpool, isms_test_printf("SELECT content, "
                     "content_hash, status, approved_by, version FROM review_version WHERE "
                     "review_id = %lld", rid), &rs, &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, 1);
    content = ISMS_ROW(rs, 0, 0);
    ck_assert_str_eq(ISMS_ROW(rs, 0, 1), hash);
    ck_assert_str_eq(ISMS_ROW(rs, 0, 2), "APPROVED");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 3), "bob");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 4), "1");
    /* content_hash = SHA-256 of the canonical sealed content */
    ck_assert_str_eq(sha(content), hash);
    sealed = isms_json_pool(tpool, isms_seal_content(r.body, approvals_of(rid, 1)));
    ck_assert_str_eq(canon(sealed), content);
    ck_assert_str_eq(sha(canon(sealed)), hash);
    /* what the seal holds, and what it leaves out */
    sealed = J(content);
    ck_assert_str_eq(isms_jstr(sealed, "title"), "Management review 2026");
    ck_assert_str_eq(isms_jstr(sealed, "approved_by"), "bob");
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(sealed, "approvals"), 0), "approver"),
                     "bob");
    ck_assert_ptr_null(json_object_get(sealed, "status"));
    ck_assert_ptr_null(json_object_get(sealed, "etag"));
    ck_assert_ptr_null(json_object_get(sealed, "content_hash"));
    ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(sealed, "actions"), 0),
                                       "status"));
    ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(sealed, "actions"), 0),
                                       "days_overdue"));
    ck_assert_int_eq(json_array_size(json_object_get(sealed, "inputs")), 9);

    ver = isms_review_version_get(&alice, rid, 1).body;
    ck_assert(json_is_true(json_object_get(ver, "sealed")));
    ck_assert_str_eq(isms_jstr(ver, "content_hash"), hash);
    ck_assert_str_eq(isms_review_version_get(&alice, rid, 1).etag,
                     isms_test_printf("\"sha256-%s\"", hash));
    ck_assert_int_eq(isms_review_version_get(&alice, rid, 2).status, 404);

    /* below the API: sealed content cannot change; tracking data can */
    refused_sql(isms_test_printf("UPDATE review SET title = 'Changed' WHERE id = %lld", rid),
                "sealed");
    refused_sql(isms_test_printf("UPDATE review SET suitability_rating = 'NOT_CONFIRMED' "
                                 "WHERE id = %lld", rid), "sealed");
    refused_sql(isms_test_printf("DELETE FROM action WHERE id = %lld", aid), "sealed");
    refused_sql(isms_test_printf("UPDATE action SET title = 'x' WHERE id = %lld", aid),
                "sealed");
    refused_sql(isms_test_printf("DELETE FROM input_item WHERE review_id = %lld", rid),
                "sealed");
    refused_sql(isms_test_printf("INSERT INTO attendee (review_id, seq, created_at, "
                                 "created_by, name, is_top_management, participation_role, "
                                 "attendance) VALUES (%lld, 9, 'now', 'x', 'n', 0, 'MEMBER', "
                                 "'ABSENT')", rid), "sealed");
    refused_sql(isms_test_printf("UPDATE review_version SET content = '{}' WHERE "
                                 "review_id = %lld", rid), "sealed");
    refused_sql("DELETE FROM review_version", "cannot be deleted");
    refused_sql(isms_test_printf("DELETE FROM review WHERE id = %lld", rid), "draft");
    refused_sql(isms_test_printf("UPDATE review SET status = 'SUBMITTED' WHERE id = %lld",
                                 rid), "illegal");
    refused_sql(isms_test_printf("UPDATE review SET status = 'DRAFT' WHERE id = %lld", rid),
                "amendment");
    isms_test_exec(tconn, isms_test_printf("UPDATE action SET status = 'IN_PROGRESS', "
                                           "progress = 20 WHERE id = %lld", aid));
    /* through the API: no content change either */
    r = isms_test_item_create(&alice, rid, "improvements", J("{\"description\":\"d\","
                                                             "\"source\":\"OTHER\"}"));
    ck_assert_status(r, 409);
    r = isms_test_item_patch(&alice, rid, "actions", aid, J("{\"title\":\"x\"}"), "*");
    ck_assert_status(r, 409);
    r = isms_test_item_delete(&alice, rid, "actions", aid, "*");
    ck_assert_status(r, 409);

    /* tracking data after approval: action updates, tracking fields of other items */
    r = isms_test_action_update(&alice, aid, J("{\"status\":\"COMPLETED\",\"note\":\"done\"}"));
    ck_assert_status(r, 201);
    ck_assert_int_eq(isms_test_jint(r.body, "progress"), 100);
    r = isms_test_item_patch(&alice, rid, "improvements", oid, J("{\"status\":"
                                                               "\"IN_IMPLEMENTATION\"}"), "*");
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "IN_IMPLEMENTATION");
    r = isms_test_item_patch(&alice, rid, "improvements", oid, J("{\"status\":\"CLOSED\","
                                                               "\"description\":\"x\"}"), "*");
    ck_assert_status(r, 409);
    /* the live record still matches its seal (tracking data is not sealed) */
    hist = isms_review_history(&alice, rid).body;
    ck_assert(json_is_true(json_object_get(hist, "live_matches_seal")));
    /* the sealed copy re-hashes to its hash; "intact" also needs the hash on record in the
     * audit trail, which these direct calls (no audit events) do not write */
    {
        const json_t *v0 = json_array_get(json_object_get(hist, "versions"), 0);
        const char *content = isms_test_scalar(tconn, tpool, "SELECT content FROM "
                                               "review_version ORDER BY id LIMIT 1");
        ck_assert_str_eq(isms_sha256_hex(tpool, content, strlen(content), NULL, 0),
                         json_string_value(json_object_get(v0, "content_hash")));
        ck_assert(json_is_false(json_object_get(v0, "hash_in_audit_trail")));
        ck_assert(json_is_false(json_object_get(v0, "intact")));
    }
    /* until someone goes around the guards */
    isms_test_exec(tconn, "DROP TRIGGER review_sealed_update");
    isms_test_exec(tconn, isms_test_printf("UPDATE review SET title = 'Rewritten' WHERE "
                                           "id = %lld", rid));
    hist = isms_review_history(&alice, rid).body;
    ck_assert(json_is_false(json_object_get(hist, "live_matches_seal")));
    /* the sealed copy itself was not touched: it still re-hashes to its hash */
    {
        const char *content = isms_test_scalar(tconn, tpool, "SELECT content FROM "
                                               "review_version ORDER BY id LIMIT 1");
        ck_assert_str_eq(isms_sha256_hex(tpool, content, strlen(content), NULL, 0),
                         json_string_value(json_object_get(json_array_get(
                             json_object_get(hist, "versions"), 0), "content_hash")));
    }
}
END_TEST

START_TEST(amend_supersedes)
{
    long long rid = build_review(1);
    isms_ctx dave;
    isms_result r;
    const char *hash1, *status = NULL, *err = NULL;

    isms_test_ctx(&dave, "dave", ISMS_R_AUTHOR | ISMS_R_APPROVER);
    ck_assert_status((r = move(&alice, rid, "submit", NULL)), 200);
    ck_assert_status((r = move(&bob, rid, "approve", NULL)), 200);
    hash1 = isms_jstr(r.body, "content_hash");
    r = move(&alice, rid, "publish", NULL);
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "PUBLISHED");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT status FROM review_version"),
                     "PUBLISHED");

    r = move(&dave, rid, "amend", NULL);
    ck_assert_status(r, 422);                       /* a reason is required */
    r = move(&dave, rid, "amend", "the budget figures were wrong");
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "DRAFT");
    ck_assert_int_eq(isms_test_jint(r.body, "version"), 2);
    ck_assert_str_eq(isms_jstr(r.body, "version_reason"), "the budget figures were wrong");
    ck_assert(json_is_null(json_object_get(r.body, "content_hash")));
    ck_assert(json_is_null(json_object_get(r.body, "approved_by")));
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT status FROM review_version WHERE "
                                      "version = 1"), "PUBLISHED");
    /* version 2 can be edited */
    item(rid, "resources", "{\"resource_type\":\"BUDGET_OPEX\",\"description\":\"tooling\","
                           "\"amount\":25000,\"currency\":\"EUR\",\"outcome\":\"APPROVED\","
                           "\"approved_by\":\"carol\"}");
    ck_assert_status((r = move(&alice, rid, "submit", NULL)), 200);
    /* whoever opened the amendment does not approve it */
    r = move(&dave, rid, "approve", NULL);
    ck_assert_status(r, 403);
    r = move(&carol, rid, "approve", NULL);
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "APPROVED");
    ck_assert_int_eq(isms_test_jint(r.body, "version"), 2);
    ck_assert_str_ne(isms_jstr(r.body, "content_hash"), hash1);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT group_concat(version || ':' || "
                                      "status, ',') FROM review_version ORDER BY version"),
                     "1:SUPERSEDED,2:APPROVED");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_test_printf("SELECT content_hash "
                     "FROM review_version WHERE version = 1 AND review_id = %lld", rid)),
                     hash1);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT group_concat(action, ',') FROM "
                                      "workflow_transition"),
                     "submit,approve,publish,amend,submit,approve");
    r = isms_review_history(&alice, rid);
    ck_assert_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.body, "versions")), 2);
    ck_assert(json_is_true(json_object_get(r.body, "live_matches_seal")));
    ck_assert_int_eq(isms_test_jint(r.body, "current_version"), 2);
    /* the first seal is still readable as it was */
    r = isms_review_version_get(&alice, rid, 1);
    ck_assert_status(r, 200);
    ck_assert_ptr_null(json_object_get(r.body, "status"));     /* immutable: not in it */
    ck_assert_int_eq(isms_review_version_status(&alice, rid, 1, &status, &err), ISMS_DB_OK);
    ck_assert_str_eq(status, "SUPERSEDED");
    ck_assert_int_eq(json_array_size(json_object_get(r.body, "resources")), 0);
}
END_TEST

/* ---- the dashboard's action figures: the summary that triggers keep (migration 013)
 * equals a computation from scratch after every kind of write */

static void dashboard_matches(isms_ctx *ctx, long long total)
{
    json_t *summary = isms_json_pool(tpool, json_object());
    json_t *scratch = isms_json_pool(tpool, json_object());
    const char *err = NULL;

    ck_assert_int_eq(isms_dashboard_actions(ctx, summary, 0, &err), ISMS_DB_OK);
    ck_assert_int_eq(isms_dashboard_actions(ctx, scratch, 1, &err), ISMS_DB_OK);
    ck_assert_msg(json_equal(summary, scratch), "summary %s\nfrom scratch %s",
                  isms_test_dump(summary), isms_test_dump(scratch));
    ck_assert_int_eq(isms_test_jint(summary, "actions_total"), total);
}

static const char *item_etag(long long rid, const char *coll, long long id)
{
    isms_result r = isms_test_item_get(&alice, rid, coll, id);

    ck_assert_status(r, 200);
    return r.etag;
}

START_TEST(dashboard_summary_follows_writes)
{
    long long rid, r2, aid, extra, late;
    isms_result r;

    dashboard_matches(&alice, 0);
    rid = build_review(1);                                  /* new review, new actions */
    aid = action_id(rid);
    dashboard_matches(&alice, 2);
    ck_assert_status(isms_test_action_update(&alice, aid, J("{\"status\":\"IN_PROGRESS\","
                                                            "\"progress\":40}")), 201);
    dashboard_matches(&alice, 2);
    r = isms_test_item_patch(&alice, rid, "actions", aid, J("{\"owner\":\"erin\"}"),
                             item_etag(rid, "actions", aid));
    ck_assert_status(r, 200);
    dashboard_matches(&alice, 2);
    ck_assert_status(isms_test_action_update(&alice, aid, J("{\"due_date\":\"2026-03-31\","
                                                            "\"reason\":\"slipped\"}")), 201);
    dashboard_matches(&alice, 2);
    extra = item(rid, "actions", "{\"title\":\"t\",\"type\":\"OTHER\",\"owner\":\"dave\","
                                 "\"due_date\":\"2026-04-30\",\"priority\":\"LOW\"}");
    dashboard_matches(&alice, 3);
    ck_assert_status(isms_test_item_delete(&alice, rid, "actions", extra,
                                           item_etag(rid, "actions", extra)), 204);
    dashboard_matches(&alice, 2);
    ck_assert_status(move(&alice, rid, "submit", NULL), 200);
    ck_assert_status(move(&bob, rid, "approve", NULL), 200);  /* approval */
    dashboard_matches(&alice, 2);
    ck_assert_status(isms_test_action_update(&alice, aid, J("{\"status\":\"COMPLETED\"}")),
                     201);
    dashboard_matches(&alice, 2);
    /* a later review carries the open action over; its own action counts until it is
     * cancelled */
    r2 = isms_test_created_id(isms_test_review_create(&alice, J(
        "{\"title\":\"Extra\",\"review_type\":\"EXTRAORDINARY\",\"planned_date\":"
        "\"2026-04-20\",\"trigger\":\"MAJOR_INCIDENT\"}")));
    late = item(r2, "actions", "{\"title\":\"t\",\"type\":\"OTHER\",\"owner\":\"dave\","
                               "\"due_date\":\"2026-05-30\",\"priority\":\"LOW\"}");
    dashboard_matches(&alice, 3);
    ck_assert_status(isms_test_action_update(&alice, late, J("{\"status\":\"BLOCKED\","
                                                             "\"note\":\"waiting\"}")), 201);
    dashboard_matches(&alice, 3);
    ck_assert_status(move(&alice, r2, "cancel", "duplicate"), 200);
    dashboard_matches(&alice, 2);
    /* the next day: overdue is the request's, not the write's */
    alice.today = "2026-07-01";
    dashboard_matches(&alice, 2);
}
END_TEST

START_TEST(cancel_and_illegal_moves)
{
    long long rid = build_review(1);
    isms_result r;

    r = move(&alice, rid, "publish", NULL);
    ck_assert_status(r, 409);
    ck_assert_str_eq(isms_jstr(r.body, "type"), "urn:ismsreview:problem:illegal-transition");
    r = move(&bob, rid, "approve", NULL);
    ck_assert_status(r, 409);
    r = move(&alice, rid, "amend", "why not");
    ck_assert_status(r, 409);
    r = move(&alice, rid, "fly", NULL);
    ck_assert_status(r, 404);
    ck_assert(!isms_workflow_action_known("fly"));
    ck_assert(isms_workflow_action_known("approve"));
    r = isms_test_workflow(&alice, rid, "cancel", J("{\"comment\":\"x\"}"), "\"review-1-1\"");
    ck_assert_status(r, 412);
    r = isms_test_workflow(&alice, rid, "cancel", J("{\"note\":\"x\"}"), etag(rid));
    ck_assert_status(r, 422);
    r = move(&alice, rid, "cancel", "merged into the next review");
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "CANCELLED");
    r = move(&alice, rid, "submit", NULL);
    ck_assert_status(r, 409);
    ck_assert_str_eq(status_of(rid), "CANCELLED");
}
END_TEST

/* MR-05 is of severity E: an approver may waive it like any other (domain-model.md T2), and
 * a waiver the API accepted must count. */
START_TEST(mr05_waiver_counts)
{
    long long r1, r2;
    json_t *doc;
    const json_t *f;
    isms_result r;
    json_int_t blocking;

    r1 = isms_test_created_id(isms_test_review_create(&alice, J(
        "{\"title\":\"2026\",\"review_type\":\"SCHEDULED\",\"planned_date\":\"2026-03-10\"}")));
    r2 = isms_test_created_id(isms_test_review_create(&alice, J(
        "{\"title\":\"2027\",\"review_type\":\"SCHEDULED\",\"planned_date\":\"2027-03-01\"}")));
    /* an action added to the earlier review afterwards: open, not in input a of r2 */
    item(r1, "actions", "{\"title\":\"late\",\"type\":\"OTHER\",\"owner\":\"bob\","
                        "\"due_date\":\"2026-06-30\",\"priority\":\"LOW\"}");
    r = isms_review_findings(&alice, r2, &doc);
    ck_assert_status(r, 200);
    f = finding(doc, "MR-05", NULL);
    ck_assert_msg(f != NULL, "%s", isms_test_dump(doc));
    ck_assert_str_eq(isms_jstr(f, "severity"), "E");
    blocking = isms_test_jint(doc, "blocking");
    r = isms_test_waive(&bob, r2, J("{\"rule\":\"MR-05\",\"justification\":\"the action was "
                                   "added after this review was prepared\"}"));
    ck_assert_status(r, 201);
    f = finding(r.body, "MR-05", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(json_is_true(json_object_get(f, "waived")), "accepted waiver ignored: %s",
                  isms_test_dump(f));
    ck_assert_int_eq(isms_test_jint(r.body, "blocking"), blocking - 1);
}
END_TEST

/* The seal guards are derived (isms_guards.c): a column a later migration adds is sealed
 * as soon as the guards are derived again (after every migrate), without being named; a
 * tracking column of the descriptor stays writable. */
START_TEST(derived_guards_seal_new_columns)
{
    long long rid = build_review(1);
    const char *err = NULL;
    const char *late = isms_test_printf("UPDATE action SET late_note = 'x' WHERE review_id = "
                                        "%lld", rid);

    ck_assert_status(move(&alice, rid, "submit", NULL), 200);
    ck_assert_status(move(&bob, rid, "approve", NULL), 200);
    ck_assert_int_eq(isms_conn_exec(tconn, "ALTER TABLE action ADD COLUMN late_note TEXT", NULL,
                                    &err), ISMS_DB_OK);
    /* the guard derived before the column existed does not know it */
    ck_assert_int_eq(isms_conn_exec(tconn, late, NULL, &err), ISMS_DB_OK);
    ck_assert_int_eq(isms_guards_apply(tconn, tpool, &err), ISMS_DB_OK);
    ck_assert_int_ne(isms_conn_exec(tconn, isms_test_printf("UPDATE action SET late_note = 'y' "
                                    "WHERE review_id = %lld", rid), NULL, &err), ISMS_DB_OK);
    ck_assert_msg(strstr(err, "sealed: action content"), "%s", err);
    ck_assert_int_eq(isms_conn_exec(tconn, isms_test_printf("UPDATE action SET progress = 55 "
                                    "WHERE review_id = %lld", rid), NULL, &err), ISMS_DB_OK);
    ck_assert(isms_guard_may_change(tpool, &isms_entity_action, "progress"));
    ck_assert(!isms_guard_may_change(tpool, &isms_entity_action, "late_note"));
    ck_assert(isms_guard_may_change(tpool, &isms_entity_review, "status"));
    ck_assert(!isms_guard_may_change(tpool, &isms_entity_review, "title"));
}
END_TEST

/* The workflow's rules are pure functions of a record (isms_transitions.c, isms_gates.c,
 * isms_approvals.c): no database, no context. */
START_TEST(transition_rules_pure)
{
    static const struct { const char *action, *status; int version, ok; } cases[] = {
        {"submit", "DRAFT", 1, 1}, {"submit", "RETURNED", 1, 1}, {"submit", "SUBMITTED", 1, 0},
        {"submit", "APPROVED", 1, 0}, {"return", "SUBMITTED", 1, 1}, {"return", "DRAFT", 1, 0},
        {"approve", "SUBMITTED", 1, 1}, {"approve", "APPROVED", 1, 0},
        {"publish", "APPROVED", 1, 1}, {"publish", "SUBMITTED", 1, 0},
        {"cancel", "PLANNED", 1, 1}, {"cancel", "DRAFT", 1, 1}, {"cancel", "RETURNED", 1, 1},
        {"cancel", "DRAFT", 2, 0}, {"cancel", "APPROVED", 1, 0}, {"amend", "APPROVED", 1, 1},
        {"amend", "PUBLISHED", 3, 1}, {"amend", "DRAFT", 1, 0}, {"amend", "CANCELLED", 1, 0},
    };
    int i;

    ck_assert_ptr_null(isms_transition_find("fly"));
    ck_assert_int_eq(isms_transition_find("approve")->role, ISMS_R_APPROVER);
    ck_assert_int_eq(isms_transition_find("cancel")->need_comment, 1);
    ck_assert_str_eq(isms_transition_find("return")->to, "RETURNED");
    for (i = 0; i < N_ELEMS(cases); i++) {
        const isms_transition *t = isms_transition_find(cases[i].action);
        json_t *rv = isms_json_pool(tpool, json_pack("{s:s, s:i}", "status", cases[i].status,
                                                     "version", cases[i].version));
        const char *why = isms_transition_refused(tpool, t, rv);
        ck_assert_msg((why == NULL) == cases[i].ok, "%s from %s v%d: %s", cases[i].action,
                      cases[i].status, cases[i].version, why ? why : "allowed");
    }
    ck_assert_str_eq(isms_transition_refused(tpool, isms_transition_find("submit"),
                                             J("{\"status\":\"APPROVED\"}")),
                     "a APPROVED review cannot be submitted");
    ck_assert_ptr_nonnull(strstr(isms_transition_refused(tpool, isms_transition_find("cancel"),
                                 J("{\"status\":\"DRAFT\",\"version\":2}")),
                                 "an amendment cannot be cancelled"));
}
END_TEST

START_TEST(approval_rules_pure)
{
    const json_t *authors = J("[\"alice\", \"carol\"]");
    const json_t *one = J("[{\"approver\":\"Bob\"}]");

    ck_assert(isms_sod_violated(authors, "alice"));
    ck_assert(isms_sod_violated(authors, "carol"));
    ck_assert(!isms_sod_violated(authors, "bob"));
    ck_assert_ptr_null(isms_quorum_refused(tpool, J("[]"), "bob", 1));
    ck_assert_ptr_null(isms_quorum_refused(tpool, one, "dave", 2));
    /* the same person under another spelling (the user key folds case) */
    ck_assert_ptr_nonnull(strstr(isms_quorum_refused(tpool, one, "bob", 2), "already approved "
                                 "this version"));
    ck_assert_str_eq(isms_quorum_refused(tpool, one, "dave", 1),
                     "the review is already approved");
}
END_TEST

START_TEST(gate_rules_pure)
{
    json_t *open;

    ck_assert(!isms_gate_submit_blocked(J("{\"blocking\":0,\"findings\":[]}")));
    ck_assert(isms_gate_submit_blocked(J("{\"blocking\":2}")));
    ck_assert_ptr_null(isms_gate_unacknowledged(J("{\"unacknowledged\":0,\"findings\":["
        "{\"rule\":\"MR-1\",\"severity\":\"W\",\"acknowledged\":false}]}")));
    open = isms_json_pool(tpool, isms_gate_unacknowledged(J("{\"unacknowledged\":1,"
        "\"findings\":[{\"rule\":\"MR-1\",\"severity\":\"W\",\"acknowledged\":true},"
        "{\"rule\":\"MR-2\",\"severity\":\"E\",\"acknowledged\":false},"
        "{\"rule\":\"MR-3\",\"severity\":\"W\",\"acknowledged\":false}]}")));
    ck_assert_int_eq(json_array_size(open), 1);
    ck_assert_str_eq(isms_jstr(json_array_get(open, 0), "rule"), "MR-3");
}
END_TEST

Suite *workflow_suite(void)
{
    Suite *s = suite_create("workflow");
    TCase *tc;

    tc = isms_test_tcase("canon", 0);
    tcase_add_test(tc, canon_sorted_compact);
    tcase_add_test(tc, canon_reals_stable);
    tcase_add_test(tc, sha256_vectors);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("audit", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_checked_fixture(tc, audit_setup, NULL);
    tcase_add_test(tc, audit_chain_valid);
    tcase_add_test(tc, audit_triggers_refuse_changes);
    tcase_add_loop_test(tc, audit_tamper_detected, 0, N_ELEMS(tampers));
    tcase_add_test(tc, audit_recomputed_hash_detected);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("rules", 0);
    tcase_add_test(tc, rules_complete_document_clean);
    tcase_add_loop_test(tc, rules_error_fires_and_clears, 0, N_ELEMS(e_cases));
    tcase_add_test(tc, rules_alternatives_clear);
    tcase_add_test(tc, rules_waivers);
    tcase_add_test(tc, rules_per_finding);
    tcase_add_test(tc, seal_content_late_fields);
    tcase_add_test(tc, rules_severity_by_standard);
    tcase_add_test(tc, rules_previous_review);
    tcase_add_test(tc, rules_previous_external);
    tcase_add_test(tc, rules_mr39_corrective_nc_ref);
    tcase_add_test(tc, transition_rules_pure);
    tcase_add_test(tc, approval_rules_pure);
    tcase_add_test(tc, gate_rules_pure);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("workflow", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_checked_fixture(tc, workflow_setup, NULL);
    tcase_add_test(tc, submit_blocked_then_waived);
    tcase_add_test(tc, approval_separation_of_duties);
    tcase_add_test(tc, approval_quorum_two);
    tcase_add_test(tc, seal_and_guards);
    tcase_add_test(tc, amend_supersedes);
    tcase_add_test(tc, cancel_and_illegal_moves);
    tcase_add_test(tc, dashboard_summary_follows_writes);
    tcase_add_test(tc, derived_guards_seal_new_columns);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("audit_regression", 1);
    tcase_set_tags(tc, "regression");
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_checked_fixture(tc, audit_setup, NULL);
    tcase_add_test(tc, audit_forged_append_first_bad);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("workflow_regression", 1);
    tcase_set_tags(tc, "regression");
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_checked_fixture(tc, workflow_setup, NULL);
    tcase_add_test(tc, mr05_waiver_counts);
    suite_add_tcase(s, tc);
    return s;
}
