/* SPDX-License-Identifier: Apache-2.0 */
/* The dialect table (isms_dialect.c): every dialect complete, error classification as the
 * store reports it, and the insert-or-ignore shapes run on SQLite. */
#include "tests.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

#include "isms_sql.h"

static const char *const names[] = {"sqlite3", "pgsql", "mysql"};

START_TEST(every_dialect_is_complete)
{
    const isms_dialect *d = isms_dialect_find(names[_i]);

    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->name, names[_i]);
    ck_assert_ptr_nonnull(d->options);
    ck_assert_ptr_nonnull(d->alive);
    ck_assert_ptr_nonnull(d->classify);
    ck_assert_ptr_nonnull(d->begin_write);
    ck_assert_ptr_nonnull(d->begin_read);
    ck_assert_ptr_nonnull(d->table_exists);
    ck_assert_ptr_nonnull(d->seal_trigger_drop);
    ck_assert_ptr_nonnull(d->seal_trigger);
    ck_assert_ptr_nonnull(d->now_utc);
    ck_assert_ptr_nonnull(d->insert_ignore);
    ck_assert_ptr_nonnull(d->insert_ignore_tail);
    ck_assert_ptr_nonnull(d->insert_keep_tail);
    ck_assert_ptr_nonnull(d->export.list_tables);
    ck_assert_ptr_nonnull(d->export.list_columns);
    ck_assert_ptr_nonnull(d->export.ident);
    ck_assert_ptr_nonnull(d->export.real_text);
    ck_assert_ptr_nonnull(d->export.key_order);
    /* a file database checks its own options; the servers need dbname and a privileges
     * check, and a database whose writers queue in the process has a lock timeout */
    ck_assert_int_eq(d->check_conf == NULL, d->missing_privileges != NULL);
    ck_assert_int_eq(d->lock_timeout_option == NULL, d->missing_privileges != NULL);
    ck_assert_int_eq(d->superuser == NULL, d->missing_privileges == NULL);
    /* the MariaDB fallbacks go together */
    ck_assert_int_eq(d->update_returning, !d->ignore_truncates);
}
END_TEST

START_TEST(unknown_driver)
{
    ck_assert_ptr_null(isms_dialect_find("nosuch"));
    ck_assert_ptr_null(isms_dialect_find(NULL));
    ck_assert_str_eq(isms_dialect_names(tpool), "sqlite3, pgsql, mysql");
}
END_TEST

typedef struct {
    const char *dialect;
    int code, sys;
    const char *msg;
    isms_db_status status;
    int broken;
} case_t;

static const case_t cases[] = {
    {"sqlite3", SQLITE_BUSY, 0, "database is locked", ISMS_DB_BUSY, 0},
    {"sqlite3", SQLITE_LOCKED, 0, "database table is locked", ISMS_DB_BUSY, 0},
    {"sqlite3", SQLITE_BUSY_SNAPSHOT, 0, "database is locked", ISMS_DB_BUSY, 0},
    {"sqlite3", SQLITE_READONLY, 0, "attempt to write a readonly database",
     ISMS_DB_READONLY, 1},
    {"sqlite3", SQLITE_FULL, 0, "database or disk is full", ISMS_DB_FULL, 0},
    {"sqlite3", SQLITE_IOERR_WRITE, EROFS, "disk I/O error", ISMS_DB_READONLY, 1},
    {"sqlite3", SQLITE_IOERR_WRITE, ENOSPC, "disk I/O error", ISMS_DB_FULL, 0},
    {"sqlite3", SQLITE_IOERR_READ, EIO, "disk I/O error", ISMS_DB_UNAVAILABLE, 0},
    {"sqlite3", SQLITE_NOTADB, 0, "file is not a database", ISMS_DB_UNAVAILABLE, 0},
    {"sqlite3", SQLITE_CONSTRAINT_UNIQUE, 0, "UNIQUE constraint failed", ISMS_DB_ERROR, 0},
    {"pgsql", 0, 0, "ERROR:  could not serialize access due to concurrent update",
     ISMS_DB_BUSY, 0},
    {"pgsql", 0, 0, "ERROR:  deadlock detected", ISMS_DB_BUSY, 0},
    {"pgsql", 0, 0, "ERROR:  cannot execute INSERT in a read-only transaction",
     ISMS_DB_READONLY, 1},
    {"pgsql", 0, 0, "ERROR:  could not extend file \"base/1/2\": No space left on device",
     ISMS_DB_FULL, 0},
    {"pgsql", 0, 0, "ERROR:  relation \"deadlock detected\" does not exist", ISMS_DB_ERROR, 0},
    {"pgsql", 0, 0, "ERROR:  duplicate key value violates unique constraint", ISMS_DB_ERROR,
     0},
    {"mysql", 1205, 0, "Lock wait timeout exceeded", ISMS_DB_BUSY, 0},
    {"mysql", 1213, 0, "Deadlock found when trying to get lock", ISMS_DB_BUSY, 0},
    {"mysql", 2006, 0, "MySQL server has gone away", ISMS_DB_UNAVAILABLE, 1},
    {"mysql", 2013, 0, "Lost connection to server during query", ISMS_DB_UNAVAILABLE, 1},
    {"mysql", 1290, 0, "The MariaDB server is running with the --read-only option",
     ISMS_DB_READONLY, 0},
    {"mysql", 1114, 0, "The table 'audit_event' is full", ISMS_DB_FULL, 0},
    {"mysql", 1062, 0, "Duplicate entry '1' for key 'PRIMARY'", ISMS_DB_ERROR, 0},
    {"mysql", 1205, 0, "", ISMS_DB_BUSY, 0},
};

START_TEST(classification)
{
    const case_t *k = &cases[_i];
    int broken = 0;

    ck_assert_msg(k->status == isms_dialect_find(k->dialect)->classify(k->code, k->sys, k->msg,
                                                                        &broken),
                  "%s: %d %s", k->dialect, k->code, k->msg);
    ck_assert_int_eq(broken, k->broken);
}
END_TEST

static long long run(const char *sql)
{
    long long affected = -1;
    const char *err = NULL;

    ck_assert_msg(isms_conn_exec(tconn, sql, &affected, &err) == ISMS_DB_OK, "%s: %s", sql,
                  err ? err : "");
    return affected;
}

/* The shapes as the idempotency claim and the review counter write them. */
START_TEST(insert_or_ignore_shapes)
{
    const isms_dialect *d = isms_conn_dialect(tconn);
    isms_sql *q;
    int i;

    run("CREATE TABLE k (scope TEXT PRIMARY KEY, last_value INTEGER NOT NULL)");
    for (i = 0; i < 2; i++) {
        q = isms_sql_new(tpool, tconn);
        isms_sql_appendf(q, d->insert_ignore);
        isms_sql_appendf(q, "k (scope, last_value) VALUES (%s, %d)", "a", i + 1);
        isms_sql_appendf(q, d->insert_ignore_tail);
        ck_assert_int_eq(run(isms_sql_text(q)), i == 0);
        q = isms_sql_new(tpool, tconn);
        isms_sql_appendf(q, "INSERT INTO k (scope, last_value) VALUES (%s, %d)", "b", i + 5);
        isms_sql_appendf(q, d->insert_keep_tail, "last_value", "last_value");
        ck_assert_ptr_nonnull(isms_sql_text(q));
        run(isms_sql_text(q));
    }
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT last_value FROM k WHERE scope "
                                                    "= 'a'"), "1");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT last_value FROM k WHERE scope "
                                                    "= 'b'"), "5");
}
END_TEST

Suite *dialect_suite(void)
{
    Suite *s = suite_create("dialect");
    TCase *tc = isms_test_tcase("table", 0);

    tcase_add_loop_test(tc, every_dialect_is_complete, 0, 3);
    tcase_add_test(tc, unknown_driver);
    tcase_add_loop_test(tc, classification, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, tc);
    tc = isms_test_tcase("sqlite3", 1);
    tcase_add_test(tc, insert_or_ignore_shapes);
    suite_add_tcase(s, tc);
    return s;
}
