/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations for the check unit tests of the core library (tests/unit/test_core).
 *
 * Every test runs between isms_test_setup() and isms_test_teardown() (checked fixtures), so it
 * gets a fresh pool, tpool, that is destroyed after the test even when an assertion fails.
 * Nothing may depend on fork isolation: the suite also runs with CK_FORK=no under valgrind. */
#ifndef ISMS_TESTS_H
#define ISMS_TESTS_H

#include <check.h>
#include <string.h>

#include <apr_pools.h>

#include "isms_store.h"

#ifndef ISMS_TEST_TMPDIR
#error "ISMS_TEST_TMPDIR must be defined (Makefile.am passes the absolute build directory)"
#endif

/* One suite per test file. */
Suite *dbconf_suite(void);
Suite *sql_suite(void);
Suite *migrate_suite(void);
Suite *store_suite(void);
Suite *dialect_suite(void);
Suite *json_suite(void);
Suite *entity_suite(void);
Suite *records_suite(void);
Suite *workflow_suite(void);
Suite *reports_suite(void);
Suite *evidence_suite(void);
Suite *graded_suite(void);
Suite *schema_suite(void);
Suite *attach_suite(void);
Suite *people_suite(void);
Suite *programme_suite(void);
Suite *directives_suite(void);

/* The pool of the running test (created by isms_test_setup, destroyed by the teardown). */
extern apr_pool_t *tpool;

/* With isms_test_setup_db: a fresh directory, a sqlite3 store in it (created in tpool, at most
 * 2 connections) and one connection acquired for the life of tpool. */
extern const char *tdir;
extern isms_store *tstore;
extern isms_conn *tconn;

void isms_test_setup(void);
void isms_test_setup_db(void);
void isms_test_teardown(void);

/* A TCase with the tpool fixture (db: the database fixture too). */
TCase *isms_test_tcase(const char *name, int db);

/* A new empty directory (mkdtemp) in this run's directory ISMS_TEST_TMPDIR "/tmp/run-XXXXXX";
 * it and everything in it is removed when p is destroyed (and the run's directory when the
 * run ends, for tests that failed under CK_FORK). Create it before anything in p that uses
 * it: cleanups run in reverse order of registration. */
const char *isms_test_tmpdir(apr_pool_t *p);

/* Creates a file (with contents, may be "") and fails the test if it cannot. */
void isms_test_write_file(const char *path, const char *contents);

/* A sqlite3 store on dir/test.db; extra is appended to the configuration line ("" or e.g.
 * "sqlite3_timeout=100"); max connections. Fails the test on error. */
isms_store *isms_test_store(apr_pool_t *p, const char *dir, const char *extra, int max);

/* Acquires a connection for the life of p; fails the test on error. */
isms_conn *isms_test_acquire(isms_store *s, apr_pool_t *p);

/* A subpool of tpool (destroyed with it at the latest). */
apr_pool_t *isms_test_subpool(void);

/* Runs a statement that must succeed. */
void isms_test_exec(isms_conn *c, const char *sql);

/* The first column of the first row of a query that must succeed and return a row. */
const char *isms_test_scalar(isms_conn *c, apr_pool_t *p, const char *sql);

#define ck_assert_contains(haystack, needle)                                               \
    do {                                                                                   \
        const char *hay_ = (haystack), *needle_ = (needle);                                \
        ck_assert_msg(hay_ != NULL && strstr(hay_, needle_) != NULL,                       \
                      "expected '%s' to contain '%s'", hay_ ? hay_ : "(null)", needle_);   \
    } while (0)

#define ck_assert_not_contains(haystack, needle)                                           \
    do {                                                                                   \
        const char *hay_ = (haystack), *needle_ = (needle);                                \
        ck_assert_msg(hay_ != NULL && strstr(hay_, needle_) == NULL,                       \
                      "expected '%s' not to contain '%s'", hay_ ? hay_ : "(null)",         \
                      needle_);                                                            \
    } while (0)

/* ---- records, workflow and validation (helpers defined in test_records.c and test_entity.c) */

#include <jansson.h>

#include "isms_api.h"
#include "isms_entity.h"

/* Checked fixture to add after the database fixture (isms_test_tcase(name, 1)): applies every
 * migration to tconn. */
void isms_test_migrate(void);

/* A JSON document parsed from text and tied to tpool; fails the test on a syntax error. */
json_t *isms_test_json(const char *text);

/* Compact JSON of j for failure messages ("(null)" for NULL). */
const char *isms_test_dump(const json_t *j);

/* A context on tconn and tpool: isms_ctx_init with user, roles (is_author when roles has
 * ISMS_R_AUTHOR), one approval needed and a fixed clock (now 2026-04-01T09:00:00Z). */
void isms_test_ctx(isms_ctx *ctx, const char *user, int roles);

/* printf into tpool (the C library's conversions: %lld, %zu ...). */
const char *isms_test_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* count(*) of a table on tconn. */
long long isms_test_count(const char *table);

/* The record operations, each in its own transaction (isms_txn_write / isms_txn_read). */
isms_result isms_test_review_create(isms_ctx *ctx, const json_t *in);
isms_result isms_test_review_get(isms_ctx *ctx, long long rid);
isms_result isms_test_item_create(isms_ctx *ctx, long long rid, const char *coll,
                                  const json_t *in);
isms_result isms_test_item_get(isms_ctx *ctx, long long rid, const char *coll, long long id);
isms_result isms_test_item_patch(isms_ctx *ctx, long long rid, const char *coll, long long id,
                                 const json_t *in, const char *if_match);
isms_result isms_test_item_delete(isms_ctx *ctx, long long rid, const char *coll, long long id,
                                  const char *if_match);
isms_result isms_test_action_update(isms_ctx *ctx, long long id, const json_t *in);
isms_result isms_test_measurement(isms_ctx *ctx, long long oid, const json_t *in);
isms_result isms_test_workflow(isms_ctx *ctx, long long rid, const char *action,
                               const json_t *in, const char *if_match);
isms_result isms_test_waive(isms_ctx *ctx, long long rid, const json_t *in);
isms_result isms_test_ack(isms_ctx *ctx, long long rid, const json_t *in);
/* ctx (an approver) acknowledges every W finding still open; returns how many. */
int isms_test_ack_all(isms_ctx *ctx, long long rid);
/* ctx (an approver) waives every E finding still open, one waiver per finding (rule and
 * subject) with justification; returns how many. */
int isms_test_waive_all(isms_ctx *ctx, long long rid, const char *justification);

/* The integer member k of o (0 when absent); strings: isms_jstr (isms_json.h). */
long long isms_test_jint(const json_t *o, const char *k);

/* Descriptor i: 0 the review, 1... the item entities (isms_item_entities). */
const isms_entity *isms_test_entity_at(int i);

/* Whether errors (a problem's "errors" list) has an entry for field with code and a
 * message. */
int isms_test_has_error(const json_t *errors, const char *field, const char *code);

/* The id of a created resource (fails the test unless the status is 201). */
long long isms_test_created_id(isms_result r);

/* A document for e synthesized from its descriptor alone (test_entity.c): the required
 * fields (full = 0) or every field a client may send (full = 1), values valid by type,
 * enum, limits and sub-fields; REF fields get decision_id / input_id (by their ref_kind).
 * Tied to tpool. */
json_t *isms_test_synth(const isms_entity *e, int full, long long decision_id,
                        long long input_id);

#define ck_assert_status(r, st)                                                            \
    do {                                                                                   \
        isms_result r_ = (r);                                                              \
        ck_assert_msg(r_.status == (st), "expected status %d, got %d: %s", (int)(st),      \
                      r_.status, isms_test_dump(r_.body));                                 \
    } while (0)

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
