/* SPDX-License-Identifier: Apache-2.0 */
/* isms_json (pool-tied values, compact sorted dumps, problem documents) and isms_log. */
#include "tests.h"

#include <apr_strings.h>

#include "isms_api.h"
#include "isms_json.h"
#include "isms_log.h"

/* ---- problem documents */

START_TEST(problem_fields)
{
    json_t *p = isms_problem(tpool, 409, "version-conflict", "Version conflict",
                             "The risk was changed by someone else.");

    ck_assert_ptr_nonnull(p);
    ck_assert(json_is_object(p));
    ck_assert_str_eq(json_string_value(json_object_get(p, "type")),
                     "urn:ismsreview:problem:version-conflict");
    ck_assert_str_eq(json_string_value(json_object_get(p, "title")), "Version conflict");
    ck_assert(json_is_integer(json_object_get(p, "status")));
    ck_assert_int_eq(json_integer_value(json_object_get(p, "status")), 409);
    ck_assert_str_eq(json_string_value(json_object_get(p, "detail")),
                     "The risk was changed by someone else.");
    ck_assert_ptr_null(json_object_get(p, "errors"));
    ck_assert_int_eq(json_object_size(p), 4);
}
END_TEST

START_TEST(problem_without_detail)
{
    json_t *p = isms_problem(tpool, 404, "not-found", "Not found", NULL);

    ck_assert_ptr_null(json_object_get(p, "detail"));
    ck_assert_int_eq(json_object_size(p), 3);
    ck_assert_str_eq(isms_json_dump(tpool, p, NULL),
                     "{\"status\":404,\"title\":\"Not found\","
                     "\"type\":\"urn:ismsreview:problem:not-found\"}");
}
END_TEST

START_TEST(problem_errors_array)
{
    json_t *p = isms_problem(tpool, 422, "validation", "Invalid input", NULL);
    json_t *errors, *e;

    isms_problem_add_error(p, "title", "required", "title is required");
    isms_problem_add_error(p, "likelihood", "range", "likelihood must be 1..5");
    errors = json_object_get(p, "errors");
    ck_assert(json_is_array(errors));
    ck_assert_int_eq(json_array_size(errors), 2);
    e = json_array_get(errors, 0);
    ck_assert(json_is_object(e));
    ck_assert_int_eq(json_object_size(e), 3);
    ck_assert_str_eq(json_string_value(json_object_get(e, "field")), "title");
    ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "required");
    ck_assert_str_eq(json_string_value(json_object_get(e, "message")), "title is required");
    e = json_array_get(errors, 1);
    ck_assert_str_eq(json_string_value(json_object_get(e, "field")), "likelihood");
    ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "range");
    ck_assert_str_eq(isms_json_dump(tpool, p, NULL),
                     "{\"errors\":[{\"code\":\"required\",\"field\":\"title\","
                     "\"message\":\"title is required\"},{\"code\":\"range\","
                     "\"field\":\"likelihood\",\"message\":\"likelihood must be 1..5\"}],"
                     "\"status\":422,\"title\":\"Invalid input\","
                     "\"type\":\"urn:ismsreview:problem:validation\"}");
}
END_TEST

/* ---- dump */

START_TEST(dump_compact_sorted)
{
    json_t *j = isms_json_pool(tpool, json_object());
    size_t len = 0;
    const char *s;

    json_object_set_new(j, "b", json_integer(2));
    json_object_set_new(j, "a", json_integer(1));
    s = isms_json_dump(tpool, j, &len);
    ck_assert_str_eq(s, "{\"a\":1,\"b\":2}");
    ck_assert_uint_eq(len, strlen(s));
    json_object_set_new(j, "n", json_pack("{s:[i,i], s:s}", "z", 1, 2, "m", "caf\xC3\xA9"));
    ck_assert_str_eq(isms_json_dump(tpool, j, NULL),
                     "{\"a\":1,\"b\":2,\"n\":{\"m\":\"caf\xC3\xA9\",\"z\":[1,2]}}");
}
END_TEST

START_TEST(dump_scalars)
{
    json_t *j = isms_json_pool(tpool, json_string("x\"y"));

    ck_assert_str_eq(isms_json_dump(tpool, j, NULL), "\"x\\\"y\"");
    ck_assert_str_eq(isms_json_dump(tpool, isms_json_pool(tpool, json_integer(-5)), NULL),
                     "-5");
}
END_TEST

/* ---- pool-tied values */

START_TEST(pool_drops_reference)
{
    apr_pool_t *p = isms_test_subpool();
    json_t *j = json_object();

    ck_assert_ptr_eq(isms_json_pool(p, j), j);
    json_incref(j);                     /* keep it alive past the pool */
    ck_assert_int_eq((int)j->refcount, 2);
    apr_pool_destroy(p);
    ck_assert_int_eq((int)j->refcount, 1);
    json_decref(j);
}
END_TEST

START_TEST(pool_drops_problem_reference)
{
    apr_pool_t *p = isms_test_subpool();
    json_t *prob = isms_problem(p, 500, "internal", "Internal error", NULL);

    ck_assert_int_eq((int)prob->refcount, 1);
    json_incref(prob);
    apr_pool_clear(p);                  /* clearing counts as well */
    ck_assert_int_eq((int)prob->refcount, 1);
    json_decref(prob);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(pool_null_is_null)
{
    ck_assert_ptr_null(isms_json_pool(tpool, NULL));
}
END_TEST

/* ---- log callback */

typedef struct {
    int calls;
    isms_log_level level;
    int msgno;
    char msg[4096];
} log_capture;

static void capture(void *baton, isms_log_level level, int msgno, const char *msg)
{
    log_capture *lc = baton;

    lc->calls++;
    lc->level = level;
    lc->msgno = msgno;
    apr_cpystrn(lc->msg, msg, sizeof(lc->msg));
}

static void log_teardown(void)
{
    isms_log_set(NULL, NULL);
}

START_TEST(log_callback_receives_message)
{
    log_capture lc;

    memset(&lc, 0, sizeof(lc));
    isms_log_set(capture, &lc);
    isms_log(ISMS_LOG_WARN, 10042, "store %s: %d of %d busy", "sqlite3", 3, 25);
    ck_assert_int_eq(lc.calls, 1);
    ck_assert_int_eq(lc.level, ISMS_LOG_WARN);
    ck_assert_int_eq(lc.msgno, 10042);
    ck_assert_str_eq(lc.msg, "store sqlite3: 3 of 25 busy");
    isms_log(ISMS_LOG_DEBUG, 7, "%s", "debug lines reach the callback too");
    ck_assert_int_eq(lc.calls, 2);
    ck_assert_int_eq(lc.level, ISMS_LOG_DEBUG);
    ck_assert_int_eq(lc.msgno, 7);
    ck_assert_str_eq(lc.msg, "debug lines reach the callback too");
    /* removing the callback stops delivery */
    isms_log_set(NULL, NULL);
    isms_log(ISMS_LOG_DEBUG, 8, "not delivered");
    ck_assert_int_eq(lc.calls, 2);
}
END_TEST

START_TEST(log_long_message_truncated)
{
    log_capture lc;
    char *big = apr_palloc(tpool, 3001);

    memset(big, 'x', 3000);
    big[3000] = '\0';
    memset(&lc, 0, sizeof(lc));
    isms_log_set(capture, &lc);
    isms_log(ISMS_LOG_ERR, 1, "%s", big);
    ck_assert_int_eq(lc.calls, 1);
    ck_assert_uint_gt(strlen(lc.msg), 1000);
    ck_assert_uint_lt(strlen(lc.msg), 3000);
    ck_assert_int_eq(memcmp(lc.msg, big, strlen(lc.msg)), 0);
}
END_TEST

/* The one database-status -> problem mapping: status, type, the `database` member and the
 * Retry-After seconds (0: none) of each status; anything unknown is a database error. */
static void check_db_problem(isms_db_status st, int status, const char *slug,
                             const char *database, int retry_after)
{
    isms_result r = isms_db_problem(tpool, st, "the store's message");
    const json_t *db = json_object_get(r.body, "database");

    ck_assert_int_eq(r.status, status);
    ck_assert_int_eq(json_integer_value(json_object_get(r.body, "status")), status);
    ck_assert_str_eq(json_string_value(json_object_get(r.body, "type")),
                     apr_pstrcat(tpool, "urn:ismsreview:problem:", slug, NULL));
    if (database) ck_assert_str_eq(json_string_value(db), database);
    else ck_assert_ptr_null(db);
    ck_assert_int_eq(r.retry_after, retry_after);
}

START_TEST(db_problem_mapping)
{
    isms_result r;

    check_db_problem(ISMS_DB_BUSY, 503, "database-busy", "busy", 1);
    check_db_problem(ISMS_DB_READONLY, 503, "database-read-only", NULL, 5);
    check_db_problem(ISMS_DB_FULL, 503, "database-full", NULL, 5);
    check_db_problem(ISMS_DB_UNAVAILABLE, 503, "database-unavailable", "unreachable", 5);
    check_db_problem(ISMS_DB_SCHEMA, 503, "schema-mismatch", "schema_mismatch", 0);
    check_db_problem(ISMS_DB_ERROR, 500, "database-error", NULL, 0);
    check_db_problem((isms_db_status)99, 500, "database-error", NULL, 0);
    /* the schema mismatch says what differs; the others keep the store's words out */
    r = isms_db_problem(tpool, ISMS_DB_SCHEMA, "schema 3, this build needs 4");
    ck_assert_str_eq(json_string_value(json_object_get(r.body, "detail")),
                     "schema 3, this build needs 4");
    r = isms_db_problem(tpool, ISMS_DB_ERROR, "near SELEC: syntax error");
    ck_assert_ptr_null(strstr(json_string_value(json_object_get(r.body, "detail")), "SELEC"));
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc;

    tc = isms_test_tcase("json", 0);
    tcase_add_test(tc, problem_fields);
    tcase_add_test(tc, problem_without_detail);
    tcase_add_test(tc, problem_errors_array);
    tcase_add_test(tc, db_problem_mapping);
    tcase_add_test(tc, dump_compact_sorted);
    tcase_add_test(tc, dump_scalars);
    tcase_add_test(tc, pool_drops_reference);
    tcase_add_test(tc, pool_drops_problem_reference);
    tcase_add_test(tc, pool_null_is_null);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("log", 0);
    tcase_add_checked_fixture(tc, NULL, log_teardown);
    tcase_add_test(tc, log_callback_receives_message);
    tcase_add_test(tc, log_long_message_truncated);
    suite_add_tcase(s, tc);
    return s;
}
