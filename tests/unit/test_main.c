/* SPDX-License-Identifier: Apache-2.0 */
/* The unit test runner: one suite per file, run with srunner; exit status is the verdict. */
#include "tests.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms_dbconf.h"

/* The run's directories live in the build tree, unless its path has white space (a clone in
 * "/root/my project"): a database option value cannot hold a space (ISMSReviewDatabase's
 * key=value list), so they go under /tmp then. */
#define TMP_BASE (strpbrk(ISMS_TEST_TMPDIR, " \t") ? "/tmp/isms-unit-tests" : ISMS_TEST_TMPDIR "/tmp")

static char run_dir[sizeof(ISMS_TEST_TMPDIR "/tmp/isms-unit-tests/run-XXXXXX")];

apr_pool_t *tpool;
const char *tdir;
isms_store *tstore;
isms_conn *tconn;

void isms_test_setup(void)
{
    tpool = NULL;
    tdir = NULL;
    tstore = NULL;
    tconn = NULL;
    ck_assert_int_eq(apr_pool_create(&tpool, NULL), APR_SUCCESS);
}

void isms_test_setup_db(void)
{
    isms_test_setup();
    tdir = isms_test_tmpdir(tpool);
    tstore = isms_test_store(tpool, tdir, "", 2);
    tconn = isms_test_acquire(tstore, tpool);
}

void isms_test_teardown(void)
{
    /* Destroys, in order: connections (their cleanups return them to the store), the store,
     * then the temporary directory. */
    if (tpool) apr_pool_destroy(tpool);
    tpool = NULL;
    tdir = NULL;
    tstore = NULL;
    tconn = NULL;
}

TCase *isms_test_tcase(const char *name, int db)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, db ? isms_test_setup_db : isms_test_setup,
                              isms_test_teardown);
    tcase_set_timeout(tc, 30);
    return tc;
}

apr_pool_t *isms_test_subpool(void)
{
    apr_pool_t *p = NULL;

    ck_assert_ptr_nonnull(tpool);
    ck_assert_int_eq(apr_pool_create(&p, tpool), APR_SUCCESS);
    return p;
}

static void remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char child[PATH_MAX];

    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    chmod(path, 0700);   /* tests make directories read-only */
    if ((d = opendir(path)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) < (int)sizeof(child)) {
                remove_tree(child);
            }
        }
        closedir(d);
    }
    rmdir(path);
}

static apr_status_t tmpdir_cleanup(void *data)
{
    remove_tree(data);
    return APR_SUCCESS;
}

const char *isms_test_tmpdir(apr_pool_t *p)
{
    char *dir = apr_pstrcat(p, run_dir, "/XXXXXX", NULL);

    ck_assert_msg(run_dir[0] != '\0', "no run directory (main did not run?)");
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp under %s: %s", run_dir, strerror(errno));
    apr_pool_cleanup_register(p, dir, tmpdir_cleanup, apr_pool_cleanup_null);
    return dir;
}

void isms_test_write_file(const char *path, const char *contents)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
    fputs(contents, f);
    ck_assert_int_eq(fclose(f), 0);
}

isms_store *isms_test_store(apr_pool_t *p, const char *dir, const char *extra, int max)
{
    isms_dbconf *conf = NULL;
    isms_store *s = NULL;
    const char *line = apr_psprintf(p, "sqlite3 sqlite3_dbdir=%s dbname=test.db %s", dir,
                                    extra ? extra : "");
    const char *err = isms_dbconf_parse_line(p, line, &conf);

    ck_assert_msg(err == NULL, "configuration '%s': %s", line, err);
    err = NULL;
    ck_assert_msg(isms_store_create(p, conf, max, &s, &err) == ISMS_DB_OK,
                  "isms_store_create: %s", err ? err : "(no message)");
    ck_assert_ptr_nonnull(s);
    return s;
}

isms_conn *isms_test_acquire(isms_store *s, apr_pool_t *p)
{
    isms_conn *c = NULL;
    const char *err = NULL;

    ck_assert_msg(isms_store_acquire(s, p, &c, &err) == ISMS_DB_OK, "isms_store_acquire: %s",
                  err ? err : "(no message)");
    ck_assert_ptr_nonnull(c);
    return c;
}

void isms_test_exec(isms_conn *c, const char *sql)
{
    const char *err = NULL;
    isms_db_status st = isms_conn_exec(c, sql, NULL, &err);

    ck_assert_msg(st == ISMS_DB_OK, "'%s' failed (status %d): %s", sql, (int)st,
                  err ? err : "(no message)");
}

const char *isms_test_scalar(isms_conn *c, apr_pool_t *p, const char *sql)
{
    isms_rows *rs = NULL;
    const char *err = NULL;
    isms_db_status st = isms_conn_query(c, p, sql, &rs, &err);

    ck_assert_msg(st == ISMS_DB_OK, "'%s' failed (status %d): %s", sql, (int)st,
                  err ? err : "(no message)");
    ck_assert_msg(rs->nrows >= 1 && rs->ncols >= 1, "'%s' returned no value", sql);
    return ISMS_ROW(rs, 0, 0);
}

int main(void)
{
    SRunner *sr;
    int run, failed, attempt;

    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "apr_initialize failed\n");
        return EXIT_FAILURE;
    }
    /* With CK_FORK a failed assertion _exits the test's child without its teardown, so the
     * directories of failed tests are left behind: all of this run's go into one directory,
     * removed at the end (concurrent runs, e.g. make check and check-valgrind, have their
     * own). */
    for (attempt = 0; attempt < 5; attempt++) {   /* another run may rmdir TMP_BASE */
        snprintf(run_dir, sizeof run_dir, "%s/run-XXXXXX", TMP_BASE);
        if (mkdir(TMP_BASE, 0755) != 0 && errno != EEXIST) continue;
        if (mkdtemp(run_dir)) break;
    }
    if (attempt == 5) {
        fprintf(stderr, "cannot create a directory in %s: %s\n", TMP_BASE, strerror(errno));
        return EXIT_FAILURE;
    }
    sr = srunner_create(dbconf_suite());
    srunner_add_suite(sr, sql_suite());
    srunner_add_suite(sr, store_suite());
    srunner_add_suite(sr, dialect_suite());
    srunner_add_suite(sr, migrate_suite());
    srunner_add_suite(sr, json_suite());
    srunner_add_suite(sr, entity_suite());
    srunner_add_suite(sr, records_suite());
    srunner_add_suite(sr, graded_suite());
    srunner_add_suite(sr, workflow_suite());
    srunner_add_suite(sr, reports_suite());
    srunner_add_suite(sr, evidence_suite());
    srunner_add_suite(sr, schema_suite());
    srunner_add_suite(sr, attach_suite());
    srunner_add_suite(sr, people_suite());
    srunner_add_suite(sr, programme_suite());
    srunner_add_suite(sr, directives_suite());
    srunner_run_all(sr, CK_NORMAL);
    run = srunner_ntests_run(sr);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("test_core: %d passed, %d failed\n", run - failed, failed);
    remove_tree(run_dir);
    rmdir(TMP_BASE);   /* only if empty: concurrent runs keep theirs */
    apr_terminate();
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
