/* SPDX-License-Identifier: Apache-2.0 */
/* isms_migrate: the statement splitter, the embedded migrations and applying them. */
#include "tests.h"

#include <apr_strings.h>
#include <stdio.h>

#include "isms_migrate.h"

/* ---- isms_sql_split */

#define MAX_STMTS 4

static const struct {
    const char *name;
    const char *script;
    int n;
    const char *stmts[MAX_STMTS];
} split_cases[] = {
    {"two simple statements",
     "CREATE TABLE a (x INT); INSERT INTO a VALUES (1);",
     2, {"CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)"}},
    {"no final semicolon",
     "SELECT 1;\nSELECT 2",
     2, {"SELECT 1", "SELECT 2"}},
    {"semicolons in quotes",
     "INSERT INTO a VALUES ('x;y'); INSERT INTO \"we;ird\" VALUES ('it''s; ok', ';');",
     2, {"INSERT INTO a VALUES ('x;y')", "INSERT INTO \"we;ird\" VALUES ('it''s; ok', ';')"}},
    {"doubled quote at the end of a string",
     "SELECT 'a'''; SELECT '''b'';'",
     2, {"SELECT 'a'''", "SELECT '''b'';'"}},
    {"comments with semicolons",
     "-- header; not a statement\nSELECT 1; /* a; b; */ SELECT 2; -- tail ;\nSELECT 3;",
     3, {"-- header; not a statement\nSELECT 1", "/* a; b; */ SELECT 2",
         "-- tail ;\nSELECT 3"}},
    {"trigger block kept whole",
     "CREATE TABLE a (x INT);\n"
     "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
     "  UPDATE a SET x = 1;\n"
     "  DELETE FROM a WHERE x = 2;\n"
     "END;\n"
     "SELECT 1;",
     3, {"CREATE TABLE a (x INT)",
         "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
         "  UPDATE a SET x = 1;\n"
         "  DELETE FROM a WHERE x = 2;\n"
         "END",
         "SELECT 1"}},
    {"lower-case trigger with a quoted END",
     "create trigger if not exists tr after delete on a begin insert into log values ('END;'); end ;"
     "select 1",
     2, {"create trigger if not exists tr after delete on a begin insert into log values "
         "('END;'); end", "select 1"}},
    {"dollar-quoted body",
     "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := 1; RETURN NEW; END; $$ "
     "LANGUAGE plpgsql; SELECT 1;",
     2, {"CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := 1; RETURN NEW; END; $$ "
         "LANGUAGE plpgsql", "SELECT 1"}},
    {"tagged dollar-quoted body containing $$",
     "CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'a;'; SELECT $$x;$$; $body$ "
     "LANGUAGE sql;\nSELECT 2",
     2, {"CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'a;'; SELECT $$x;$$; $body$ "
         "LANGUAGE sql", "SELECT 2"}},
    {"positional parameter is not a dollar quote",
     "SELECT $1; SELECT 2",
     2, {"SELECT $1", "SELECT 2"}},
    {"empty statements and trailing whitespace dropped",
     " ;; SELECT 1 ;  ;\n\t ; \n",
     1, {"SELECT 1"}},
    {"MariaDB trigger: END IF closes no BEGIN",
     "CREATE TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a FOR EACH ROW\nBEGIN\n"
     "    IF NOT (OLD.x <=> NEW.x) THEN\n"
     "        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed; no';\n"
     "    END IF;\nEND;\nSELECT 1;",
     2, {"CREATE TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a FOR EACH ROW\nBEGIN\n"
         "    IF NOT (OLD.x <=> NEW.x) THEN\n"
         "        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed; no';\n"
         "    END IF;\nEND", "SELECT 1"}},
    {"empty script", "", 0, {NULL}},
    {"only whitespace and semicolons", " \n ; \t;\n", 0, {NULL}},
};

START_TEST(split)
{
    apr_array_header_t *a = isms_sql_split(tpool, split_cases[_i].script);
    int k;

    ck_assert_msg(a->nelts == split_cases[_i].n, "%s: %d statements, expected %d",
                  split_cases[_i].name, a->nelts, split_cases[_i].n);
    for (k = 0; k < a->nelts; k++) {
        ck_assert_msg(strcmp(APR_ARRAY_IDX(a, k, char *), split_cases[_i].stmts[k]) == 0,
                      "%s: statement %d is [%s], expected [%s]", split_cases[_i].name, k + 1,
                      APR_ARRAY_IDX(a, k, char *), split_cases[_i].stmts[k]);
    }
}
END_TEST

START_TEST(split_trigger_after_comment)
{
    /* BUG (isms_migrate.c in_trigger): the trigger test looks at the start of the statement
     * text, which still holds the comments before it; a migration that documents its trigger
     * with a comment ("-- keep updated_at current\nCREATE TRIGGER ...") is cut at the first
     * ';' inside the trigger body and the migration fails with a syntax error. */
    const char *script = "CREATE TABLE a (x INT);\n"
                         "-- keep x at 1\n"
                         "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
                         "  UPDATE a SET x = 1;\n"
                         "END;\n";
    apr_array_header_t *a = isms_sql_split(tpool, script);

    ck_assert_int_eq(a->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(a, 1, char *),
                     "-- keep x at 1\nCREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
                     "  UPDATE a SET x = 1;\nEND");
}
END_TEST

START_TEST(split_trigger_with_case_end)
{
    /* BUG (isms_migrate.c ends_trigger): any "END" before a ';' ends the trigger, so a
     * trigger body using CASE ... END; is cut in the middle. */
    const char *script = "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
                         "  UPDATE a SET x = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END;\n"
                         "  DELETE FROM a WHERE x < 0;\n"
                         "END;\n"
                         "SELECT 1;";
    apr_array_header_t *a = isms_sql_split(tpool, script);

    ck_assert_int_eq(a->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(a, 1, char *), "SELECT 1");
}
END_TEST

START_TEST(split_statements_run_on_sqlite)
{
    /* the pieces are valid SQL: a trigger split from a script works */
    const char *script = "CREATE TABLE a (x INT, note TEXT DEFAULT 'a;b');\n"
                         "/* audit; every insert */\n"
                         "CREATE TABLE log (msg TEXT);\n"
                         "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
                         "  INSERT INTO log VALUES ('inserted; ' || NEW.x);\n"
                         "  UPDATE a SET note = 'seen' WHERE rowid = NEW.rowid;\n"
                         "END;\n"
                         "INSERT INTO a (x) VALUES (5);\n";
    apr_array_header_t *a = isms_sql_split(tpool, script);
    int k;

    ck_assert_int_eq(a->nelts, 4);
    for (k = 0; k < a->nelts; k++) isms_test_exec(tconn, APR_ARRAY_IDX(a, k, char *));
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT msg FROM log"), "inserted; 5");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT note FROM a"), "seen");
}
END_TEST

/* ---- the embedded migrations */

START_TEST(expected_versions)
{
    ck_assert_int_ge(isms_migrate_expected("sqlite3"), 1);
    ck_assert_int_ge(isms_migrate_expected("pgsql"), 1);
    ck_assert_int_eq(isms_migrate_expected("mysql"), isms_migrate_expected("pgsql"));
    ck_assert_int_eq(isms_migrate_expected("nosuch"), 0);
}
END_TEST

START_TEST(migrations_well_formed)
{
    /* applied in array order: per driver the versions must increase from 1 (numbers are
     * assigned to parallel work up front, so one may be absent), named NNN_..., and each
     * must contain at least one statement */
    const char *drivers[] = {"sqlite3", "pgsql", "mysql"};
    int d;

    for (d = 0; d < N_ELEMS(drivers); d++) {
        const isms_migration *m;
        int next = 1, last = 0;

        for (m = isms_migrations; m->driver; m++) {
            char prefix[16];
            if (strcmp(m->driver, drivers[d]) != 0) continue;
            ck_assert_msg(next == 1 ? m->version == 1 : m->version > last,
                          "%s: migration %s has version %d after %d", m->driver, m->name,
                          m->version, last);
            last = m->version;
            snprintf(prefix, sizeof(prefix), "%03d_", m->version);
            ck_assert_msg(strncmp(m->name, prefix, 4) == 0, "%s: name %s", m->driver, m->name);
            ck_assert_int_ge(isms_sql_split(tpool, m->sql)->nelts, 1);
            next++;
        }
        ck_assert_int_eq(next - 1, isms_migrate_count(drivers[d]));
        ck_assert_int_eq(last, isms_migrate_expected(drivers[d]));
    }
}
END_TEST

/* ---- applying (fixture: tconn on a fresh sqlite3 database) */

START_TEST(apply_fresh_database)
{
    int expected = isms_migrate_expected("sqlite3"), version = -1, applied = -1;
    const char *err = NULL;
    isms_rows *rs = NULL;

    ck_assert_int_eq(isms_migrate_current(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, 0);
    ck_assert_msg(isms_migrate_apply(tconn, tpool, &applied, &err) == ISMS_DB_OK, "apply: %s",
                  err);
    ck_assert_int_eq(applied, isms_migrate_count("sqlite3"));
    ck_assert_int_eq(tconn->in_txn, 0);
    ck_assert_int_eq(isms_migrate_current(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, expected);
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT version, name, applied_at FROM "
                                     "schema_version ORDER BY version", &rs, &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, isms_migrate_count("sqlite3"));
    ck_assert_str_eq(ISMS_ROW(rs, 0, 0), "1");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 1), "001_schema_version");
    ck_assert_ptr_nonnull(ISMS_ROW(rs, 0, 2));
    ck_assert_str_eq(ISMS_ROW(rs, rs->nrows - 1, 0), apr_itoa(tpool, expected));
}
END_TEST

START_TEST(version_shortcut)
{
    int expected = isms_migrate_expected("sqlite3"), version = -1, applied = -1;
    const char *err = NULL;

    /* no ledger yet: falls back to isms_migrate_current */
    ck_assert_int_eq(isms_migrate_version(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, 0);
    ck_assert_int_eq(isms_migrate_apply(tconn, tpool, &applied, &err), ISMS_DB_OK);
    version = -1;
    ck_assert_int_eq(isms_migrate_version(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, expected);
}
END_TEST

START_TEST(apply_twice_is_noop)
{
    int expected = isms_migrate_expected("sqlite3"), version = -1, applied = -1;
    const char *err = NULL;

    ck_assert_int_eq(isms_migrate_apply(tconn, tpool, &applied, &err), ISMS_DB_OK);
    ck_assert_int_eq(applied, isms_migrate_count("sqlite3"));
    applied = -1;
    ck_assert_msg(isms_migrate_apply(tconn, tpool, &applied, &err) == ISMS_DB_OK, "%s", err);
    ck_assert_int_eq(applied, 0);
    ck_assert_int_eq(isms_migrate_current(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, expected);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT count(*) FROM schema_version"),
                     apr_itoa(tpool, isms_migrate_count("sqlite3")));
}
END_TEST

START_TEST(current_with_empty_ledger)
{
    int version = -1;
    const char *err = NULL;

    isms_test_exec(tconn, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                          "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    ck_assert_int_eq(isms_migrate_current(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, 0);
    isms_test_exec(tconn, "INSERT INTO schema_version VALUES (99, 'x', 'now')");
    ck_assert_int_eq(isms_migrate_current(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, 0);           /* migration 1 of this build is not applied */
}
END_TEST

/* Numbers are assigned to parallel work and may land out of order: the applied version
 * stops below the first migration of this build that the ledger lacks, so that migrate (and
 * the module's schema check) see it pending even though a higher number is applied. */
START_TEST(current_stops_below_a_missing_migration)
{
    const isms_migration *m, *last = NULL;
    int version = -1, applied = -1;
    const char *err = NULL;

    ck_assert_int_eq(isms_migrate_apply(tconn, tpool, &applied, &err), ISMS_DB_OK);
    for (m = isms_migrations; m->driver; m++) {
        if (strcmp(m->driver, "sqlite3") == 0 && m->version > 1) last = m;
    }
    ck_assert_ptr_nonnull(last);
    /* a ledger without the build's last migration but with a higher number */
    isms_test_exec(tconn, isms_test_printf("DELETE FROM schema_version WHERE version = %d",
                                           last->version));
    isms_test_exec(tconn, isms_test_printf("INSERT INTO schema_version VALUES (%d, 'later', "
                                           "'now')", last->version + 10));
    ck_assert_int_eq(isms_migrate_current(tconn, tpool, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, last->version - 1);
}
END_TEST

START_TEST(apply_busy_applies_nothing)
{
    const char *dir = isms_test_tmpdir(tpool);
    isms_store *s = isms_test_store(tpool, dir, "sqlite3_timeout=100", 2);
    apr_pool_t *a = isms_test_subpool(), *b = isms_test_subpool();
    isms_conn *c1 = isms_test_acquire(s, a), *c2 = isms_test_acquire(s, b);
    int applied = -1, version = -1;
    const char *err = NULL;

    ck_assert_int_eq(isms_conn_begin(c2, 1, &err), ISMS_DB_OK);   /* another writer */
    ck_assert_int_eq(isms_migrate_apply(c1, a, &applied, &err), ISMS_DB_BUSY);
    ck_assert_int_eq(applied, 0);
    ck_assert_int_eq(c1->in_txn, 0);
    isms_conn_rollback(c2);
    ck_assert_int_eq(isms_migrate_current(c1, a, &version, &err), ISMS_DB_OK);
    ck_assert_int_eq(version, 0);
    ck_assert_int_eq(isms_migrate_apply(c1, a, &applied, &err), ISMS_DB_OK);
    ck_assert_int_eq(applied, isms_migrate_count("sqlite3"));
}
END_TEST

Suite *migrate_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc;

    tc = isms_test_tcase("split", 0);
    tcase_add_loop_test(tc, split, 0, N_ELEMS(split_cases));
    tcase_add_test(tc, expected_versions);
    tcase_add_test(tc, migrations_well_formed);
    tcase_add_test(tc, apply_busy_applies_nothing);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("apply", 1);
    tcase_add_test(tc, split_statements_run_on_sqlite);
    tcase_add_test(tc, apply_fresh_database);
    tcase_add_test(tc, apply_twice_is_noop);
    tcase_add_test(tc, version_shortcut);
    tcase_add_test(tc, current_with_empty_ledger);
    tcase_add_test(tc, current_stops_below_a_missing_migration);
    suite_add_tcase(s, tc);

    /* failing because of bugs in the core (see the comments); CK_EXCLUDE_TAGS=regression
     * skips them */
    tc = isms_test_tcase("known_bugs", 0);
    tcase_set_tags(tc, "regression");
    tcase_add_test(tc, split_trigger_after_comment);
    tcase_add_test(tc, split_trigger_with_case_end);
    suite_add_tcase(s, tc);
    return s;
}
