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
Suite *json_suite(void);

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

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
