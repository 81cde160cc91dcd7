/* SPDX-License-Identifier: Apache-2.0 */
/* isms_store over libdbi/sqlite3: the connection pool, transactions, SQLite settings, results
 * and error classification. */
#include "tests.h"

#include <apr_strings.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <dbi/dbi.h>

#include "isms_dbconf.h"
#include "isms_ops.h"
#include "isms_cache.h"
#include "isms_budget.h"

static const char *count_rows(isms_conn *c, apr_pool_t *p)
{
    return isms_test_scalar(c, p, "SELECT count(*) FROM t");
}

/* ---- the pool */

START_TEST(release_returns_connection)
{
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "", 2);
    apr_pool_t *a = isms_test_subpool(), *b;
    isms_conn *c1, *c2;

    c1 = isms_test_acquire(s, a);
    isms_test_exec(c1, "CREATE TABLE t (v TEXT)");
    apr_pool_destroy(a);
    /* the idle connection is handed out again (with room for a second one, a connection that
     * was not returned would show as a new one) */
    b = isms_test_subpool();
    c2 = isms_test_acquire(s, b);
    ck_assert_ptr_eq(c1, c2);
    ck_assert_str_eq(count_rows(c2, b), "0");
    ck_assert_str_eq(isms_store_conf(s)->driver, "sqlite3");
    ck_assert_str_eq(isms_store_conf(s)->sqlite_dir, dir);
    ck_assert_str_eq(isms_store_dialect(s)->begin_write, "BEGIN IMMEDIATE");
    ck_assert_str_eq(isms_store_dialect(s)->name, "sqlite3");
    ck_assert_ptr_eq(isms_conn_dialect(c2), isms_store_dialect(s));
    apr_pool_destroy(b);
}
END_TEST

START_TEST(two_held_connections_are_distinct)
{
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "", 2);
    apr_pool_t *a = isms_test_subpool(), *b = isms_test_subpool();
    isms_conn *c1 = isms_test_acquire(s, a), *c2 = isms_test_acquire(s, b);

    ck_assert_ptr_ne(c1, c2);
    ck_assert_ptr_ne(c1->handle, c2->handle);
    isms_test_exec(c1, "CREATE TABLE t (v TEXT)");
    isms_test_exec(c1, "INSERT INTO t VALUES ('x')");
    ck_assert_str_eq(count_rows(c2, b), "1");   /* autocommit: visible to the other one */
}
END_TEST

START_TEST(invalidated_connection_is_replaced)
{
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "", 1);
    apr_pool_t *a = isms_test_subpool(), *b;
    isms_conn *c1, *c2;

    c1 = isms_test_acquire(s, a);
    isms_conn_invalidate(c1);
    apr_pool_destroy(a);
    /* max 1: this blocks forever if the invalidated connection still counts */
    b = isms_test_subpool();
    c2 = isms_test_acquire(s, b);
    ck_assert_ptr_ne(c2, c1);
    ck_assert_ptr_nonnull(c2->handle);
    ck_assert_str_eq(isms_test_scalar(c2, b, "SELECT 1 + 1"), "2");
}
END_TEST

START_TEST(unavailable_database)
{
    const char *base = isms_test_tmpdir(tpool);
    const char *dir = apr_pstrcat(tpool, base, "/not-yet", NULL);
    isms_store *s = isms_test_store(tpool, dir, "", 1);
    apr_pool_t *a = isms_test_subpool();
    isms_conn *c = NULL;
    const char *err = NULL;

    ck_assert_int_eq(isms_store_acquire(s, a, &c, &err), ISMS_DB_UNAVAILABLE);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(*err != '\0', "empty error message");
    /* nothing is opened at creation: once the database can be reached, acquire works */
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    c = isms_test_acquire(s, a);
    ck_assert_str_eq(isms_test_scalar(c, a, "SELECT 'up'"), "up");
}
END_TEST

START_TEST(store_without_dialect)
{
    isms_dbconf conf;
    isms_store *s = NULL;
    const char *err = NULL;

    memset(&conf, 0, sizeof(conf));
    conf.driver = "nosuch";
    conf.opts = apr_array_make(tpool, 1, sizeof(isms_dbopt));
    ck_assert_int_eq(isms_store_create(tpool, &conf, 1, &s, &err), ISMS_DB_ERROR);
    ck_assert_contains(err, "nosuch");
}
END_TEST

/* ---- transactions */

START_TEST(commit_persists)
{
    apr_pool_t *b = isms_test_subpool();
    isms_conn *other = isms_test_acquire(tstore, b);
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    ck_assert_int_eq(isms_conn_begin(tconn, 1, &err), ISMS_DB_OK);
    ck_assert_int_eq(tconn->in_txn, 1);
    isms_test_exec(tconn, "INSERT INTO t VALUES ('a')");
    ck_assert_str_eq(count_rows(other, b), "0");   /* not visible before commit */
    ck_assert_int_eq(isms_conn_commit(tconn, &err), ISMS_DB_OK);
    ck_assert_int_eq(tconn->in_txn, 0);
    ck_assert_str_eq(count_rows(other, b), "1");
    ck_assert_str_eq(count_rows(tconn, tpool), "1");
}
END_TEST

START_TEST(rollback_discards)
{
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    ck_assert_int_eq(isms_conn_begin(tconn, 1, &err), ISMS_DB_OK);
    isms_test_exec(tconn, "INSERT INTO t VALUES ('a')");
    ck_assert_str_eq(count_rows(tconn, tpool), "1");
    isms_conn_rollback(tconn);
    ck_assert_int_eq(tconn->in_txn, 0);
    ck_assert_str_eq(count_rows(tconn, tpool), "0");
    /* a read transaction commits too */
    ck_assert_int_eq(isms_conn_begin(tconn, 0, &err), ISMS_DB_OK);
    ck_assert_str_eq(count_rows(tconn, tpool), "0");
    ck_assert_int_eq(isms_conn_commit(tconn, &err), ISMS_DB_OK);
}
END_TEST

START_TEST(pool_destroy_rolls_back)
{
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "sqlite3_timeout=100", 2);
    apr_pool_t *a = isms_test_subpool(), *b = isms_test_subpool();
    isms_conn *c1 = isms_test_acquire(s, a), *c2 = isms_test_acquire(s, b);
    const char *err = NULL;

    isms_test_exec(c1, "CREATE TABLE t (v TEXT)");
    ck_assert_int_eq(isms_conn_begin(c1, 1, &err), ISMS_DB_OK);
    isms_test_exec(c1, "INSERT INTO t VALUES ('uncommitted')");
    apr_pool_destroy(a);   /* no commit */
    /* the row is gone and the write lock was released */
    ck_assert_str_eq(count_rows(c2, b), "0");
    ck_assert_msg(isms_conn_begin(c2, 1, &err) == ISMS_DB_OK, "begin after release: %s", err);
    isms_conn_rollback(c2);
    /* the returned connection is clean: not inside a transaction any more */
    a = isms_test_subpool();
    c1 = isms_test_acquire(s, a);
    ck_assert_str_eq(count_rows(c1, a), "0");
    ck_assert_msg(isms_conn_begin(c1, 1, &err) == ISMS_DB_OK, "begin on reused conn: %s", err);
    isms_test_exec(c1, "INSERT INTO t VALUES ('committed')");
    ck_assert_int_eq(isms_conn_commit(c1, &err), ISMS_DB_OK);
    ck_assert_str_eq(count_rows(c2, b), "1");
}
END_TEST

START_TEST(begin_write_busy)
{
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "sqlite3_timeout=100", 2);
    apr_pool_t *a = isms_test_subpool(), *b = isms_test_subpool();
    isms_conn *c1 = isms_test_acquire(s, a), *c2 = isms_test_acquire(s, b);
    const char *err = NULL;
    isms_db_status st;

    isms_test_exec(c1, "CREATE TABLE t (v TEXT)");
    ck_assert_int_eq(isms_conn_begin(c1, 1, &err), ISMS_DB_OK);
    err = NULL;
    st = isms_conn_begin(c2, 1, &err);
    ck_assert_msg(st == ISMS_DB_BUSY, "second BEGIN IMMEDIATE: status %d (%s)", (int)st,
                  err ? err : "no message");
    ck_assert_contains(err, "locked");
    ck_assert_int_eq(c2->in_txn, 0);
    ck_assert_int_eq(c2->broken, 0);
    /* readers are not blocked in WAL mode */
    ck_assert_str_eq(count_rows(c2, b), "0");
    /* once the writer is done the other may write */
    ck_assert_int_eq(isms_conn_commit(c1, &err), ISMS_DB_OK);
    ck_assert_int_eq(isms_conn_begin(c2, 1, &err), ISMS_DB_OK);
    isms_conn_rollback(c2);
}
END_TEST

START_TEST(failed_nested_begin_keeps_txn_tracked)
{
    /* BUG (isms_store.c isms_conn_begin): `c->in_txn = st == ISMS_DB_OK` clears the flag when
     * a BEGIN fails inside an open transaction ("cannot start a transaction within a
     * transaction"), although the first transaction is still open. conn_release then does
     * not roll back, and the connection goes back to the pool inside a transaction holding
     * the write lock, so every other connection gets BUSY. */
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "sqlite3_timeout=100", 2);
    apr_pool_t *a = isms_test_subpool(), *b = isms_test_subpool();
    isms_conn *c1 = isms_test_acquire(s, a), *c2 = isms_test_acquire(s, b);
    const char *err = NULL;
    isms_db_status st;

    isms_test_exec(c1, "CREATE TABLE t (v TEXT)");
    ck_assert_int_eq(isms_conn_begin(c1, 1, &err), ISMS_DB_OK);
    isms_test_exec(c1, "INSERT INTO t VALUES ('x')");
    ck_assert_int_eq(isms_conn_begin(c1, 1, &err), ISMS_DB_ERROR);
    apr_pool_destroy(a);   /* must roll back the still open transaction */
    err = NULL;
    st = isms_conn_begin(c2, 1, &err);
    ck_assert_msg(st == ISMS_DB_OK, "the released connection still holds the write lock: "
                  "status %d (%s)", (int)st, err ? err : "no message");
    isms_conn_rollback(c2);
    ck_assert_str_eq(count_rows(c2, b), "0");
}
END_TEST

/* ---- SQLite settings */

START_TEST(sqlite_pragmas)
{
    ck_assert_str_eq(isms_test_scalar(tconn, tpool,
                                      "SELECT journal_mode FROM pragma_journal_mode"), "wal");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool,
                                      "SELECT foreign_keys FROM pragma_foreign_keys"), "1");
    /* durability FULL is the default: synchronous=FULL (2) */
    ck_assert_str_eq(isms_test_scalar(tconn, tpool,
                                      "SELECT synchronous FROM pragma_synchronous"), "2");
    /* the page cache: ISMS_SQLITE_CACHE_DEFAULT_KIB, set by the module (-KiB) */
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT cache_size FROM pragma_cache_size"),
                     apr_psprintf(tpool, "%d", -ISMS_SQLITE_CACHE_DEFAULT_KIB));
}
END_TEST

/* The configuration of a SQLite database file dbname in a fresh directory. */
static isms_dbconf *sqlite_conf(const char *dbname)
{
    isms_dbconf *conf = NULL;

    ck_assert_ptr_null(isms_dbconf_parse_line(
        tpool, apr_psprintf(tpool, "sqlite3 sqlite3_dbdir=%s dbname=%s",
                            isms_test_tmpdir(tpool), dbname), &conf));
    return conf;
}

/* ISMSReviewSQLiteCache: every connection the pool opens has that page cache, and the
 * child's memory budget counts it once per connection. */
START_TEST(sqlite_cache_configured)
{
    isms_dbconf *conf = sqlite_conf("c.db");
    isms_store *s = NULL;
    const char *err = NULL;
    isms_conn *a, *b;
    isms_budget budget;

    conf->sqlite_cache_kib = 384;
    conf->cache_bytes = 1 << 20;
    ck_assert_int_eq(isms_store_create(tpool, conf, 2, &s, &err), ISMS_DB_OK);
    a = isms_test_acquire(s, tpool);
    b = isms_test_acquire(s, tpool);
    ck_assert_ptr_ne(a, b);
    ck_assert_str_eq(isms_test_scalar(a, tpool, "SELECT cache_size FROM pragma_cache_size"),
                     "-384");
    ck_assert_str_eq(isms_test_scalar(b, tpool, "SELECT cache_size FROM pragma_cache_size"),
                     "-384");
    isms_budget_of(s, 8, 256 * 1024, &budget);
    ck_assert_int_eq(budget.conns, 2);
    ck_assert_uint_eq(budget.per_conn, 384 * 1024);
    ck_assert_uint_eq(isms_budget_total(&budget), (1 << 20) + 2 * 384 * 1024 + 8 * 256 * 1024);
    ck_assert_contains(isms_budget_describe(tpool, &budget),
                       "render cache 1024 KiB + 2 connections x 384 KiB sqlite3 page cache + "
                       "8 threads x 256 KiB MaxMemFree = 3840 KiB (3.8 MiB)");
    /* MaxMemFree 0 is httpd's "unlimited": no bound, and the line says so */
    isms_budget_of(s, 8, 0, &budget);
    ck_assert_uint_eq(isms_budget_total(&budget), 0);
    ck_assert_contains(isms_budget_describe(tpool, &budget), "no bound: set MaxMemFree");
}
END_TEST

START_TEST(foreign_keys_enforced)
{
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    isms_test_exec(tconn, "CREATE TABLE child (pid INTEGER REFERENCES parent(id))");
    ck_assert_int_eq(isms_conn_exec(tconn, "INSERT INTO child VALUES (42)", NULL, &err),
                     ISMS_DB_ERROR);
    ck_assert_contains(err, "FOREIGN KEY");
}
END_TEST

START_TEST(durability_normal)
{
    isms_dbconf *conf = sqlite_conf("n.db");
    isms_store *s = NULL;
    const char *err = NULL;
    isms_conn *c;

    conf->durability = ISMS_DURABILITY_NORMAL;
    ck_assert_int_eq(isms_store_create(tpool, conf, 1, &s, &err), ISMS_DB_OK);
    c = isms_test_acquire(s, tpool);
    ck_assert_str_eq(isms_test_scalar(c, tpool, "SELECT synchronous FROM pragma_synchronous"),
                     "1");
}
END_TEST

/* ---- statements and results */

START_TEST(query_rows_as_strings)
{
    isms_rows *rs = NULL;
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score INTEGER)");
    isms_test_exec(tconn, "INSERT INTO t VALUES (1, 'alice', 42), (2, NULL, -7), (3, 'c', NULL)");
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT id, name, score FROM t ORDER BY id",
                                     &rs, &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, 3);
    ck_assert_int_eq(rs->ncols, 3);
    ck_assert_str_eq(rs->names[0], "id");
    ck_assert_str_eq(rs->names[1], "name");
    ck_assert_str_eq(rs->names[2], "score");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 0), "1");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 1), "alice");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 2), "42");
    ck_assert_str_eq(ISMS_ROW(rs, 1, 0), "2");
    ck_assert_ptr_null(ISMS_ROW(rs, 1, 1));
    ck_assert_str_eq(ISMS_ROW(rs, 1, 2), "-7");
    ck_assert_str_eq(ISMS_ROW(rs, 2, 1), "c");
    ck_assert_ptr_null(ISMS_ROW(rs, 2, 2));
    /* an empty result still has its columns */
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT id, name FROM t WHERE id > 99", &rs,
                                     &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, 0);
    ck_assert_int_eq(rs->ncols, 2);
    ck_assert_str_eq(rs->names[1], "name");
}
END_TEST

START_TEST(exec_reports_affected_rows)
{
    long long affected = -1;
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE t (v INTEGER)");
    isms_test_exec(tconn, "INSERT INTO t VALUES (1), (2), (3), (4)");
    ck_assert_int_eq(isms_conn_exec(tconn, "UPDATE t SET v = v + 10 WHERE v > 1", &affected,
                                    &err), ISMS_DB_OK);
    ck_assert_int_eq(affected, 3);
    ck_assert_int_eq(isms_conn_exec(tconn, "DELETE FROM t WHERE v > 100", &affected, &err),
                     ISMS_DB_OK);
    ck_assert_int_eq(affected, 0);
}
END_TEST

START_TEST(syntax_error)
{
    const char *err = NULL;
    isms_rows *rs = NULL;

    ck_assert_int_eq(isms_conn_exec(tconn, "SELEC 1", NULL, &err), ISMS_DB_ERROR);
    ck_assert_contains(err, "syntax error");
    err = NULL;
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT * FROM nosuch", &rs, &err),
                     ISMS_DB_ERROR);
    ck_assert_contains(err, "no such table");
    /* the connection stays usable */
    ck_assert_int_eq(tconn->broken, 0);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT 'still ok'"), "still ok");
}
END_TEST

START_TEST(error_mentioning_lock_words_is_not_busy)
{
    /* BUG (isms_store_dbi.c classify): errors are classified by substring of the message,
     * which quotes the user's identifiers: "table t has no column named blocked" contains
     * "locked" and is reported as ISMS_DB_BUSY (safe to retry) instead of ISMS_DB_ERROR. */
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    ck_assert_int_eq(isms_conn_exec(tconn, "INSERT INTO t (v) VALUES (1)", NULL, &err),
                     ISMS_DB_OK);
    err = NULL;
    ck_assert_int_eq(isms_conn_exec(tconn, "SELECT * FROM busy_jobs", NULL, &err),
                     ISMS_DB_ERROR);
    err = NULL;
    ck_assert_int_eq(isms_conn_exec(tconn, "INSERT INTO t (blocked) VALUES (1)", NULL, &err),
                     ISMS_DB_ERROR);
}
END_TEST

START_TEST(exec_error_is_a_copy)
{
    /* dbi_conn_error() frees the string it returned before on its next call: an exec error
     * must be copied (it was not, before commit 1e53dbb; valgrind then reports an invalid
     * read here). It is one line, and valid until the next statement on the connection. */
    const char *err = NULL, *m1 = NULL, *m2 = NULL;
    char saved[512];

    ck_assert_int_eq(isms_conn_exec(tconn, "SELEC 1", NULL, &err), ISMS_DB_ERROR);
    ck_assert_contains(err, "syntax error");
    ck_assert_ptr_null(strpbrk(err, "\n\t\r"));
    apr_cpystrn(saved, err, sizeof(saved));
    dbi_conn_error((dbi_conn)tconn->handle, &m1);   /* frees libdbi's previous string */
    dbi_conn_error((dbi_conn)tconn->handle, &m2);
    ck_assert_str_eq(err, saved);
}
END_TEST

START_TEST(quote_via_connection)
{
    ck_assert_str_eq(isms_conn_quote(tconn, tpool, "it's"), "'it''s'");
    ck_assert_str_eq(isms_conn_quote(tconn, tpool, ""), "''");
}
END_TEST

START_TEST(acquire_does_not_leak)
{
    /* isms_store_acquire checks liveness on every acquire; on sqlite3 dbi_conn_ping runs
     * "SELECT 1" in libdbd-sqlite3 (dbd_ping) and never frees the result: ~400 bytes of heap
     * per acquire, i.e. per request, for the life of the Apache child (fixed in 1e53dbb by
     * not pinging SQLite). Measured with glibc's mallinfo2; elsewhere (and under valgrind,
     * whose leak check shows it as "definitely lost" under dbd_ping) this checks nothing. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    struct mallinfo2 before, after;
    int i;

    for (i = 0; i < 50; i++) {   /* warm up pools and allocator free lists */
        apr_pool_t *p = isms_test_subpool();
        (void)isms_test_acquire(tstore, p);
        apr_pool_destroy(p);
    }
    before = mallinfo2();
    for (i = 0; i < 2000; i++) {
        apr_pool_t *p = isms_test_subpool();
        (void)isms_test_acquire(tstore, p);
        apr_pool_destroy(p);
    }
    after = mallinfo2();
    ck_assert_msg(after.uordblks < before.uordblks + 64 * 1024,
                  "2000 acquire/release cycles kept %ld more bytes allocated",
                  (long)after.uordblks - (long)before.uordblks);
#endif
}
END_TEST

/* ---- faults that clear by themselves: read-only and full are their own statuses (503) */

START_TEST(read_only_is_its_own_status)
{
    const char *err = NULL;
    isms_result r;

    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    isms_test_exec(tconn, "PRAGMA query_only = 1");       /* SQLITE_READONLY on writes */
    ck_assert_int_eq(isms_conn_exec(tconn, "INSERT INTO t VALUES ('x')", NULL, &err),
                     ISMS_DB_READONLY);
    ck_assert_contains(err, "readonly");
    /* a handle SQLite opened read-only stays so: it is not handed out again */
    ck_assert_int_eq(tconn->broken, 1);
    r = isms_res_db(tpool, ISMS_DB_READONLY, err);
    ck_assert_int_eq(r.status, 503);
    ck_assert_contains(json_string_value(json_object_get(r.body, "type")),
                       "database-read-only");
}
END_TEST

START_TEST(full_is_its_own_status)
{
    const char *err = NULL;
    isms_result r;

    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    isms_test_exec(tconn, "PRAGMA max_page_count = 1");   /* SQLITE_FULL on growth */
    ck_assert_int_eq(isms_conn_exec(tconn, "INSERT INTO t VALUES (zeroblob(100000))", NULL,
                                    &err), ISMS_DB_FULL);
    ck_assert_contains(err, "full");
    ck_assert_int_eq(tconn->broken, 0);                   /* space may come back */
    r = isms_res_db(tpool, ISMS_DB_FULL, err);
    ck_assert_int_eq(r.status, 503);
    ck_assert_contains(json_string_value(json_object_get(r.body, "type")), "database-full");
    r = isms_res_db(tpool, ISMS_DB_UNAVAILABLE, "gone");
    ck_assert_int_eq(r.status, 503);
    r = isms_res_db(tpool, ISMS_DB_ERROR, "syntax");
    ck_assert_int_eq(r.status, 500);
}
END_TEST

START_TEST(failed_rollback_keeps_the_error)
{
    /* SQLite rolls back by itself after SQLITE_FULL, so the caller's ROLLBACK fails; the
     * error the caller reports must stay the one that made it roll back */
    const char *err = NULL;

    ck_assert_int_eq(isms_conn_exec(tconn, "SELEC 1", NULL, &err), ISMS_DB_ERROR);
    isms_conn_rollback(tconn);                            /* no transaction: fails */
    ck_assert_contains(err, "syntax error");
}
END_TEST

/* ---- the cache of rendered bodies (isms_cache.c) */

START_TEST(cache_hit_needs_the_same_validator)
{
    isms_cache *c = isms_cache_create(tpool, 8, 1024);
    const char *etag = NULL, *body = NULL;
    size_t len = 0;

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(isms_cache_get(c, tpool, "review:1", "3|DRAFT", &etag, &body, &len), 0);
    isms_cache_put(c, "review:1", "3|DRAFT", "\"review-1-3\"", "{\"a\":1}", 7);
    ck_assert_int_eq(isms_cache_get(c, tpool, "review:1", "3|DRAFT", &etag, &body, &len), 1);
    ck_assert_str_eq(etag, "\"review-1-3\"");
    ck_assert_uint_eq(len, 7);
    ck_assert_str_eq(body, "{\"a\":1}");
    /* another validator (a write happened) or another key: a miss */
    ck_assert_int_eq(isms_cache_get(c, tpool, "review:1", "4|DRAFT", &etag, &body, &len), 0);
    ck_assert_int_eq(isms_cache_get(c, tpool, "review:2", "3|DRAFT", &etag, &body, &len), 0);
    /* a newer rendering replaces the older one */
    isms_cache_put(c, "review:1", "4|DRAFT", NULL, "{}", 2);
    ck_assert_int_eq(isms_cache_get(c, tpool, "review:1", "3|DRAFT", &etag, &body, &len), 0);
    ck_assert_int_eq(isms_cache_get(c, tpool, "review:1", "4|DRAFT", &etag, &body, &len), 1);
    ck_assert_ptr_null(etag);
    ck_assert_uint_eq(isms_cache_get_stats(c).hits, 2);
    ck_assert_uint_eq(isms_cache_get_stats(c).stores, 2);
}
END_TEST

START_TEST(cache_bounds_and_clear)
{
    isms_cache *c = isms_cache_create(tpool, 1, 4);
    const char *etag, *body;
    size_t len;

    isms_cache_put(c, "k", "v", NULL, "12345", 5);          /* above max_entry: not kept */
    ck_assert_int_eq(isms_cache_get(c, tpool, "k", "v", &etag, &body, &len), 0);
    isms_cache_put(c, "k", "v", NULL, "1234", 4);
    isms_cache_put(c, "other", "v", NULL, "x", 1);          /* one slot: replaces k */
    ck_assert_int_eq(isms_cache_get(c, tpool, "k", "v", &etag, &body, &len), 0);
    ck_assert_int_eq(isms_cache_get(c, tpool, "other", "v", &etag, &body, &len), 1);
    isms_cache_clear(c);
    ck_assert_int_eq(isms_cache_get(c, tpool, "other", "v", &etag, &body, &len), 0);
    /* a NULL cache (not created) never hits and never crashes */
    isms_cache_put(NULL, "k", "v", NULL, "x", 1);
    ck_assert_int_eq(isms_cache_get(NULL, tpool, "k", "v", &etag, &body, &len), 0);
}
END_TEST

/* ISMSReviewCacheSize: the bodies held never exceed the budget, whatever is stored. */
START_TEST(cache_byte_budget)
{
    isms_cache *c = isms_cache_create(tpool, 64, 4096);
    const char *etag, *body;
    char key[16], big[401];
    size_t len;
    int i, held = 0;

    memset(big, 'x', 400);
    big[400] = '\0';
    ck_assert_uint_eq(isms_cache_bytes(c), 0);
    isms_cache_set_budget(c, 1000);
    for (i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        isms_cache_put(c, key, "v", NULL, big, 400);
        ck_assert_uint_le(isms_cache_bytes(c), 1000);
        /* the body just stored is the one kept */
        ck_assert_int_eq(isms_cache_get(c, tpool, key, "v", &etag, &body, &len), 1);
    }
    for (i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        held += isms_cache_get(c, tpool, key, "v", &etag, &body, &len);
    }
    ck_assert_int_eq(held, 2);                          /* 2 x 400 <= 1000 < 3 x 400 */
    ck_assert_uint_eq(isms_cache_bytes(c), 800);
    isms_cache_put(c, "huge", "v", NULL, big, 400);     /* replaces within the budget */
    isms_cache_set_budget(c, 300);                      /* a lower budget evicts at once */
    ck_assert_uint_le(isms_cache_bytes(c), 300);
    isms_cache_put(c, "over", "v", NULL, big, 400);
    ck_assert_int_eq(isms_cache_get(c, tpool, "over", "v", &etag, &body, &len), 0);
    isms_cache_clear(c);
    ck_assert_uint_eq(isms_cache_bytes(c), 0);
    isms_cache_set_budget(c, 0);                        /* 0: nothing is kept */
    isms_cache_put(c, "k0", "v", NULL, "x", 1);
    ck_assert_int_eq(isms_cache_get(c, tpool, "k0", "v", &etag, &body, &len), 0);
    ck_assert_uint_eq(isms_cache_bytes(c), 0);
}
END_TEST

START_TEST(cache_claims)
{
    isms_cache *c = isms_cache_create(tpool, 8, 1024);
    const char *etag, *body;
    size_t len;
    int claimed = 0, second = 1;
    apr_time_t t0;

    /* the first miss claims the rendering; the same key and validator asked again while the
     * claim is open waits (here: until ISMS_CACHE_WAIT runs out, no other thread) and does
     * not claim; another validator neither waits nor claims */
    ck_assert_int_eq(isms_cache_get_or_claim(c, tpool, "k", "v1", &etag, &body, &len,
                                             &claimed), 0);
    ck_assert_int_eq(claimed, 1);
    ck_assert_int_eq(isms_cache_get_or_claim(c, tpool, "k", "v2", &etag, &body, &len,
                                             &second), 0);
    ck_assert_int_eq(second, 0);
    t0 = apr_time_now();
    ck_assert_int_eq(isms_cache_get_or_claim(c, tpool, "k", "v1", &etag, &body, &len,
                                             &second), 0);
    ck_assert_int_eq(second, 0);
    ck_assert(apr_time_now() - t0 >= ISMS_CACHE_WAIT / 2);
    ck_assert_uint_ge(isms_cache_get_stats(c).waits, 1);
    /* abandoning ends the claim: the next miss claims again; put ends it and stores */
    isms_cache_abandon(c, "k", "v1");
    ck_assert_int_eq(isms_cache_get_or_claim(c, tpool, "k", "v1", &etag, &body, &len,
                                             &claimed), 0);
    ck_assert_int_eq(claimed, 1);
    isms_cache_put(c, "k", "v1", NULL, "body", 4);
    ck_assert_int_eq(isms_cache_get_or_claim(c, tpool, "k", "v1", &etag, &body, &len,
                                             &claimed), 1);
    ck_assert_int_eq(claimed, 0);
    ck_assert_str_eq(body, "body");
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc;

    tc = isms_test_tcase("pool", 0);
    tcase_add_test(tc, release_returns_connection);
    tcase_add_test(tc, two_held_connections_are_distinct);
    tcase_add_test(tc, invalidated_connection_is_replaced);
    tcase_add_test(tc, unavailable_database);
    tcase_add_test(tc, store_without_dialect);
    tcase_add_test(tc, pool_destroy_rolls_back);
    tcase_add_test(tc, begin_write_busy);
    tcase_add_test(tc, durability_normal);
    tcase_add_test(tc, sqlite_cache_configured);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("statements", 1);
    tcase_add_test(tc, commit_persists);
    tcase_add_test(tc, rollback_discards);
    tcase_add_test(tc, sqlite_pragmas);
    tcase_add_test(tc, foreign_keys_enforced);
    tcase_add_test(tc, query_rows_as_strings);
    tcase_add_test(tc, exec_reports_affected_rows);
    tcase_add_test(tc, syntax_error);
    tcase_add_test(tc, quote_via_connection);
    tcase_add_test(tc, exec_error_is_a_copy);
    tcase_add_test(tc, acquire_does_not_leak);
    tcase_add_test(tc, read_only_is_its_own_status);
    tcase_add_test(tc, full_is_its_own_status);
    tcase_add_test(tc, failed_rollback_keeps_the_error);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("cache", 0);
    tcase_add_test(tc, cache_hit_needs_the_same_validator);
    tcase_add_test(tc, cache_bounds_and_clear);
    tcase_add_test(tc, cache_byte_budget);
    tcase_add_test(tc, cache_claims);
    suite_add_tcase(s, tc);

    /* failing because of bugs in the core (see the comments); CK_EXCLUDE_TAGS=regression
     * skips them */
    tc = isms_test_tcase("known_bugs", 1);
    tcase_set_tags(tc, "regression");
    tcase_add_test(tc, failed_nested_begin_keeps_txn_tracked);
    tcase_add_test(tc, error_mentioning_lock_words_is_not_busy);
    suite_add_tcase(s, tc);
    return s;
}
