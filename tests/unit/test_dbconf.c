/* SPDX-License-Identifier: Apache-2.0 */
/* isms_dbconf: parsing and validating "driver key=value ...", the SQLite directory check,
 * the masked description and the installed-driver check. */
#include "tests.h"

#include <apr_strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms_dbconf.h"

static isms_dbconf *parse_ok(const char *line)
{
    isms_dbconf *c = NULL;
    const char *err = isms_dbconf_parse_line(tpool, line, &c);

    ck_assert_msg(err == NULL, "'%s' rejected: %s", line, err);
    ck_assert_ptr_nonnull(c);
    return c;
}

static const char *parse_err(const char *line)
{
    isms_dbconf *c = NULL;
    const char *err = isms_dbconf_parse_line(tpool, line, &c);

    ck_assert_msg(err != NULL, "'%s' was accepted", line);
    ck_assert_msg(c == NULL, "'%s': *out set although parsing failed", line);
    return err;
}

static const isms_dbopt *find_opt(const isms_dbconf *c, const char *key, int *count)
{
    const isms_dbopt *o = (const isms_dbopt *)c->opts->elts, *found = NULL;
    int i;

    *count = 0;
    for (i = 0; i < c->opts->nelts; i++) {
        if (strcmp(o[i].key, key) == 0) {
            found = &o[i];
            ++*count;
        }
    }
    return found;
}

/* ---- parsing: accepted lines */

START_TEST(sqlite3_good_line)
{
    isms_dbconf *c = parse_ok("sqlite3 sqlite3_dbdir=/var/lib/ismsreview dbname=isms.db");
    const isms_dbopt *o;
    int n;

    ck_assert_str_eq(c->driver, "sqlite3");
    ck_assert_str_eq(c->sqlite_dir, "/var/lib/ismsreview");
    ck_assert_str_eq(c->sqlite_file, "isms.db");
    ck_assert_str_eq(isms_dbconf_get(c, "dbname"), "isms.db");
    ck_assert_int_eq(c->durability, ISMS_DURABILITY_FULL);
    ck_assert_ptr_null(isms_dbconf_get(c, "password"));
    /* sqlite3_timeout is added when absent: concurrent writers would fail without it */
    ck_assert_str_eq(isms_dbconf_get(c, "sqlite3_timeout"), "10000");
    o = find_opt(c, "sqlite3_timeout", &n);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(o->numeric, 1);
    ck_assert_int_eq(o->ivalue, 10000);
    ck_assert_int_eq(c->opts->nelts, 3);
}
END_TEST

START_TEST(sqlite3_explicit_timeout_kept)
{
    isms_dbconf *c = parse_ok("sqlite3 sqlite3_dbdir=/srv/db dbname=a.db sqlite3_timeout=2500 "
                              "timeout=3");
    const isms_dbopt *o;
    int n;

    o = find_opt(c, "sqlite3_timeout", &n);
    ck_assert_int_eq(n, 1);   /* no default appended */
    ck_assert_int_eq(o->numeric, 1);
    ck_assert_int_eq(o->ivalue, 2500);
    ck_assert_str_eq(o->value, "2500");
    o = find_opt(c, "timeout", &n);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(o->numeric, 1);
    ck_assert_int_eq(o->ivalue, 3);
}
END_TEST

START_TEST(pgsql_good_line_user_alias)
{
    isms_dbconf *c = parse_ok("pgsql host=/run/postgresql port=5432 dbname=isms user=review "
                              "password=s3cret");
    const isms_dbopt *o;
    int n;

    ck_assert_str_eq(c->driver, "pgsql");
    ck_assert_str_eq(isms_dbconf_get(c, "host"), "/run/postgresql");
    ck_assert_str_eq(isms_dbconf_get(c, "dbname"), "isms");
    ck_assert_str_eq(isms_dbconf_get(c, "password"), "s3cret");
    /* user= is an alias: it is stored (and passed to libdbi) as username */
    ck_assert_str_eq(isms_dbconf_get(c, "username"), "review");
    ck_assert_ptr_null(isms_dbconf_get(c, "user"));
    o = find_opt(c, "port", &n);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(o->numeric, 1);
    ck_assert_int_eq(o->ivalue, 5432);
    o = find_opt(c, "host", &n);
    ck_assert_int_eq(o->numeric, 0);
    /* no SQLite defaults for other drivers */
    ck_assert_ptr_null(isms_dbconf_get(c, "sqlite3_timeout"));
    ck_assert_ptr_null(c->sqlite_dir);
}
END_TEST

START_TEST(mysql_good_line)
{
    isms_dbconf *c = parse_ok("mysql host=127.0.0.1 port=3306 dbname=isms username=u "
                              "password=p encoding=UTF-8");
    const isms_dbopt *o;
    int n;

    ck_assert_str_eq(c->driver, "mysql");
    ck_assert_str_eq(isms_dbconf_get(c, "username"), "u");
    ck_assert_str_eq(isms_dbconf_get(c, "encoding"), "UTF-8");
    o = find_opt(c, "port", &n);
    ck_assert_int_eq(o->ivalue, 3306);
    ck_assert_int_eq(c->opts->nelts, 6);
}
END_TEST

START_TEST(parse_argv_form)
{
    const char *argv[] = {"sqlite3_dbdir=/data", "dbname=x.db", "sqlite3_timeout=0"};
    isms_dbconf *c = NULL;
    const char *err = isms_dbconf_parse(tpool, "sqlite3", 3, argv, &c);

    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_str_eq(c->sqlite_dir, "/data");
    ck_assert_str_eq(isms_dbconf_get(c, "sqlite3_timeout"), "0");
    /* a NULL driver is an error, not a crash */
    c = NULL;
    ck_assert_ptr_nonnull(isms_dbconf_parse(tpool, NULL, 0, NULL, &c));
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(driver_prefixed_option_passes)
{
    /* keys starting with "<driver>_" are driver extras and pass through */
    isms_dbconf *c = parse_ok("sqlite3 sqlite3_dbdir=/d dbname=a.db sqlite3_extra=1");

    ck_assert_str_eq(isms_dbconf_get(c, "sqlite3_extra"), "1");
}
END_TEST

START_TEST(quoted_value_in_line)
{
    isms_dbconf *c = parse_ok("pgsql dbname=isms \"password=with space\"");

    ck_assert_str_eq(isms_dbconf_get(c, "password"), "with space");
}
END_TEST

/* ---- parsing: rejected lines, with a word the message must contain */

static const struct {
    const char *line;
    const char *expect;
} bad_lines[] = {
    {"", "empty"},
    {"nosuch dbname=x", "unknown libdbi driver 'nosuch'"},
    {"sql-ite dbname=x", "malformed driver"},
    {"sqlite3 sqlite3_dbdir=/d dbname", "malformed option 'dbname'"},
    {"sqlite3 =x sqlite3_dbdir=/d dbname=a.db", "malformed option '=x'"},
    {"pgsql dbname=x bad-key=1", "malformed option name"},
    {"pgsql dbname=x hots=localhost", "unknown option 'hots' for driver pgsql"},
    {"sqlite3 sqlite3_dbdir=/d dbname=a.db port=5432", "unknown option 'port' for driver sqlite3"},
    {"mysql dbname=x options=-c", "unknown option 'options' for driver mysql"},
    {"pgsql dbname=x port=abc", "port needs a non-negative number"},
    {"pgsql dbname=x port=", "port needs a non-negative number"},
    {"pgsql dbname=x port=54x", "port needs a non-negative number"},
    {"sqlite3 sqlite3_dbdir=/d dbname=a.db sqlite3_timeout=-1", "non-negative number"},
    {"sqlite3 sqlite3_dbdir=/d dbname=a.db sqlite3_timeout=99999999999", "non-negative number"},
    {"sqlite3 dbname=a.db", "sqlite3_dbdir"},
    {"sqlite3 sqlite3_dbdir= dbname=a.db", "sqlite3_dbdir"},
    {"sqlite3 sqlite3_dbdir=var/lib dbname=a.db", "absolute"},
    {"sqlite3 sqlite3_dbdir=/d dbname=sub/a.db", "dbname"},
    {"sqlite3 sqlite3_dbdir=/d dbname=", "dbname"},
    {"sqlite3 sqlite3_dbdir=/d", "dbname"},
    {"pgsql host=localhost user=u", "driver pgsql needs dbname"},
    {"mysql host=localhost", "driver mysql needs dbname"},
};

START_TEST(bad_line_rejected)
{
    const char *err = parse_err(bad_lines[_i].line);

    ck_assert_contains(err, bad_lines[_i].expect);
}
END_TEST

START_TEST(typo_without_underscore_rejected)
{
    /* "sqlite3timeout" is a typo of sqlite3_timeout; only "<driver>_" keys are extras (see
     * the comment on the option tables), so it must not be silently passed to libdbi.
     * BUG (isms_dbconf.c add_option): the prefix check compares strlen(driver)
     * characters and does not require the '_', so "sqlite3timeout=100" is accepted. */
    const char *err = parse_err("sqlite3 sqlite3_dbdir=/d dbname=a.db sqlite3timeout=100");

    ck_assert_contains(err, "unknown option");
}
END_TEST

/* ---- isms_dbconf_check_sqlite_dir */

static isms_dbconf *sqlite_conf(const char *dir)
{
    return parse_ok(apr_psprintf(tpool, "sqlite3 sqlite3_dbdir=%s dbname=isms.db", dir));
}

START_TEST(sqlite_dir_missing)
{
    const char *base = isms_test_tmpdir(tpool);
    const char *dir = apr_pstrcat(tpool, base, "/missing", NULL);
    const char *err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), (uid_t)-1,
                                                   (gid_t)-1);

    ck_assert_contains(err, dir);
    ck_assert_contains(err, "No such file or directory");
}
END_TEST

START_TEST(sqlite_dir_not_a_directory)
{
    const char *base = isms_test_tmpdir(tpool);
    const char *file = apr_pstrcat(tpool, base, "/plain", NULL);
    const char *err;

    isms_test_write_file(file, "x");
    err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(file), (uid_t)-1, (gid_t)-1);
    ck_assert_contains(err, "is not a directory");
}
END_TEST

START_TEST(sqlite_dir_unwritable)
{
    const char *base = isms_test_tmpdir(tpool);
    const char *dir = apr_pstrcat(tpool, base, "/ro", NULL);
    const char *err;

    ck_assert_int_eq(mkdir(dir, 0755), 0);
    if (getuid() == 0) {
        /* owned by root, 0755: not writable for www-data (33:33) */
        ck_assert_int_eq(chown(dir, 0, 0), 0);
        ck_assert_int_eq(chmod(dir, 0755), 0);
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 33, 33);
        ck_assert_contains(err, "not writable");
        ck_assert_contains(err, "uid 33");
        /* group www-data without group write: still not writable */
        ck_assert_int_eq(chown(dir, 0, 33), 0);
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 33, 33);
        ck_assert_contains(err, "not writable");
    }
    else {
        ck_assert_int_eq(chmod(dir, 0555), 0);
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), (uid_t)-1, (gid_t)-1);
        ck_assert_contains(err, "not writable");
    }
}
END_TEST

START_TEST(sqlite_dir_writable)
{
    const char *dir = isms_test_tmpdir(tpool);

    ck_assert_ptr_null(isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), (uid_t)-1,
                                                    (gid_t)-1));
    if (getuid() == 0) {
        const char *err;
        /* owned by the serving user */
        ck_assert_int_eq(chown(dir, 33, 33), 0);
        ck_assert_int_eq(chmod(dir, 0755), 0);
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 33, 33);
        ck_assert_msg(err == NULL, "%s", err);
        /* writable through the group */
        ck_assert_int_eq(chown(dir, 0, 33), 0);
        ck_assert_int_eq(chmod(dir, 0775), 0);
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 34, 33);
        ck_assert_msg(err == NULL, "%s", err);
        /* uid 0 may always write */
        ck_assert_int_eq(chmod(dir, 0555), 0);
        ck_assert_ptr_null(isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 0, 0));
    }
    else {
        ck_assert_ptr_null(isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), getuid(),
                                                        getgid()));
    }
}
END_TEST

START_TEST(sqlite_db_file_unwritable)
{
    const char *dir = isms_test_tmpdir(tpool);
    const char *file = apr_pstrcat(tpool, dir, "/isms.db", NULL);
    const char *err;

    isms_test_write_file(file, "");
    if (getuid() == 0) {
        ck_assert_int_eq(chown(dir, 33, 33), 0);
        ck_assert_int_eq(chmod(dir, 0755), 0);
        ck_assert_int_eq(chmod(file, 0644), 0);   /* owned by root */
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 33, 33);
        ck_assert_contains(err, "SQLite database");
        ck_assert_contains(err, "not writable");
        ck_assert_int_eq(chown(file, 33, 33), 0);
        ck_assert_ptr_null(isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), 33, 33));
    }
    else {
        ck_assert_int_eq(chmod(file, 0444), 0);
        err = isms_dbconf_check_sqlite_dir(tpool, sqlite_conf(dir), (uid_t)-1, (gid_t)-1);
        ck_assert_contains(err, "not writable");
    }
}
END_TEST

START_TEST(sqlite_dir_check_ignores_other_drivers)
{
    isms_dbconf *c = parse_ok("pgsql dbname=isms");

    ck_assert_ptr_null(isms_dbconf_check_sqlite_dir(tpool, c, 33, 33));
}
END_TEST

/* ---- describe, check_driver */

START_TEST(describe_masks_password)
{
    isms_dbconf *c = parse_ok("pgsql host=db.example port=5432 dbname=isms user=review "
                              "password=s3cret");
    const char *d = isms_dbconf_describe(tpool, c);

    ck_assert_str_eq(d, "pgsql host=db.example port=5432 dbname=isms username=review "
                        "password=***");
    ck_assert_not_contains(d, "s3cret");
    d = isms_dbconf_describe(tpool, sqlite_conf("/srv/x"));
    ck_assert_str_eq(d, "sqlite3 sqlite3_dbdir=/srv/x dbname=isms.db sqlite3_timeout=10000");
}
END_TEST

START_TEST(check_driver_installed)
{
    const char *err = isms_dbconf_check_driver(tpool, "sqlite3");

    ck_assert_msg(err == NULL, "%s", err);
}
END_TEST

START_TEST(check_driver_missing_lists_installed)
{
    const char *err = isms_dbconf_check_driver(tpool, "nosuch");

    ck_assert_contains(err, "'nosuch' is not installed");
    ck_assert_contains(err, "installed: ");
    ck_assert_contains(err, "sqlite3");
    ck_assert_contains(err, "libdbd-nosuch");
}
END_TEST

Suite *dbconf_suite(void)
{
    Suite *s = suite_create("dbconf");
    TCase *tc;

    tc = isms_test_tcase("parse", 0);
    tcase_add_test(tc, sqlite3_good_line);
    tcase_add_test(tc, sqlite3_explicit_timeout_kept);
    tcase_add_test(tc, pgsql_good_line_user_alias);
    tcase_add_test(tc, mysql_good_line);
    tcase_add_test(tc, parse_argv_form);
    tcase_add_test(tc, driver_prefixed_option_passes);
    tcase_add_test(tc, quoted_value_in_line);
    tcase_add_loop_test(tc, bad_line_rejected, 0, N_ELEMS(bad_lines));
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("sqlite_dir", 0);
    tcase_add_test(tc, sqlite_dir_missing);
    tcase_add_test(tc, sqlite_dir_not_a_directory);
    tcase_add_test(tc, sqlite_dir_unwritable);
    tcase_add_test(tc, sqlite_dir_writable);
    tcase_add_test(tc, sqlite_db_file_unwritable);
    tcase_add_test(tc, sqlite_dir_check_ignores_other_drivers);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("describe", 0);
    tcase_add_test(tc, describe_masks_password);
    tcase_add_test(tc, check_driver_installed);
    tcase_add_test(tc, check_driver_missing_lists_installed);
    suite_add_tcase(s, tc);

    /* failing because of a bug in the core (see the comments); CK_EXCLUDE_TAGS=regression
     * skips them */
    tc = isms_test_tcase("known_bugs", 0);
    tcase_set_tags(tc, "regression");
    tcase_add_test(tc, typo_without_underscore_rejected);
    suite_add_tcase(s, tc);
    return s;
}
