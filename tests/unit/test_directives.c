/* SPDX-License-Identifier: Apache-2.0 */
/* The directive table (core/isms_directives.c) that both the module's command_rec table and
 * `ismsreview-admin check-config` are built from: every row is complete and unique, and
 * every directive accepts a good value and refuses a bad one and a wrong argument count. */
#include "tests.h"

#include <apr_strings.h>
#include <strings.h>

#include "isms_directives.h"

/* A good and a bad value of each directive (one string per argument, '|' separated); a
 * directive added to the table without a row here fails directive_has_examples. */
static const char *const good[ISMS_D_COUNT] = {
    [ISMS_D_DATABASE] = "sqlite3|dbname=isms.db|sqlite3_dbdir=/var/lib/isms",
    [ISMS_D_DURABILITY] = "normal",
    [ISMS_D_ROLE] = "auditor|%{REMOTE_USER} == 'ann'",
    [ISMS_D_APPROVALS] = "20",
    [ISMS_D_MAX_BODY] = "1024",
    [ISMS_D_REQUIRE_TLS] = "On",
    [ISMS_D_INTERVAL] = "36",
    [ISMS_D_EVIDENCE_DIR] = "/var/lib/isms/evidence/",
    [ISMS_D_MAX_ATTACHMENT] = "4294967296",
    [ISMS_D_ATTACHMENT_TYPES] = "application/pdf|text/plain",
    [ISMS_D_REFUSAL_BUDGET] = "0",
    [ISMS_D_CACHE_SIZE] = "1048576",
    [ISMS_D_WRITE_QUEUE] = "8",
    [ISMS_D_CONNECTIONS] = "4",
    [ISMS_D_SQLITE_CACHE] = "512",
};
static const char *const bad[ISMS_D_COUNT] = {
    [ISMS_D_DATABASE] = "nosuchdriver|dbname=x",
    [ISMS_D_DURABILITY] = "Sometimes",
    [ISMS_D_ROLE] = "owner|true",
    [ISMS_D_APPROVALS] = "21",
    [ISMS_D_MAX_BODY] = "1023",
    [ISMS_D_REQUIRE_TLS] = "yes",
    [ISMS_D_INTERVAL] = "0",
    [ISMS_D_EVIDENCE_DIR] = "relative/dir",
    [ISMS_D_MAX_ATTACHMENT] = "4294967297",
    [ISMS_D_ATTACHMENT_TYPES] = "application/pdf|text/plain; charset=utf-8",
    [ISMS_D_REFUSAL_BUDGET] = "1000001",
    [ISMS_D_CACHE_SIZE] = "-1",
    [ISMS_D_WRITE_QUEUE] = "100001",
    [ISMS_D_CONNECTIONS] = "0",
    [ISMS_D_SQLITE_CACHE] = "15",
};

static int split(const char *s, const char **argv)
{
    char *copy = apr_pstrdup(tpool, s), *last, *tok;
    int n = 0;

    for (tok = apr_strtok(copy, "|", &last); tok; tok = apr_strtok(NULL, "|", &last)) {
        argv[n++] = tok;
    }
    return n;
}

START_TEST(directive_row_complete)
{
    const isms_directive *d = &isms_directives[_i];

    ck_assert_int_eq(d->id, _i);
    ck_assert_msg(strncmp(d->name, "ISMSReview", 10) == 0, "%s", d->name);
    ck_assert_ptr_nonnull(d->parse);
    ck_assert_msg(d->help && strlen(d->help) > 10, "%s has no help", d->name);
    ck_assert_ptr_eq(isms_directive_find(d->name), d);
    ck_assert_contains(isms_directive_names(tpool), d->name);
}
END_TEST

START_TEST(directive_find_is_case_insensitive)
{
    ck_assert_ptr_eq(isms_directive_find("ismsreviewAPPROVALS"),
                     &isms_directives[ISMS_D_APPROVALS]);
    ck_assert_ptr_null(isms_directive_find("ISMSReviewDurabilty"));
    ck_assert_ptr_null(isms_directive_find(""));
}
END_TEST

START_TEST(directive_has_examples)
{
    ck_assert_msg(good[_i] && bad[_i], "%s: no example values in test_directives.c",
                  isms_directives[_i].name);
}
END_TEST

/* The error of parsing example i of good or bad. */
static const char *parse_example(const char *const *examples, int i)
{
    const char *argv[8];
    isms_dir_value v;
    int argc = split(examples[i], argv);

    return isms_directive_parse(tpool, &isms_directives[i], argc, argv, &v);
}

START_TEST(directive_accepts_good_value)
{
    const char *err = parse_example(good, _i);

    ck_assert_msg(err == NULL, "%s %s: %s", isms_directives[_i].name, good[_i], err);
}
END_TEST

START_TEST(directive_refuses_bad_value)
{
    ck_assert_msg(parse_example(bad, _i) != NULL, "%s %s accepted", isms_directives[_i].name,
                  bad[_i]);
}
END_TEST

/* Too few arguments for every syntax, and one too many for the fixed ones. */
START_TEST(directive_refuses_wrong_count)
{
    const isms_directive *d = &isms_directives[_i];
    const char *argv[8];
    isms_dir_value v;
    int argc = split(good[_i], argv);

    ck_assert_msg(isms_directive_parse(tpool, d, 0, argv, &v) != NULL, "%s: no arguments",
                  d->name);
    if (d->syntax != ISMS_DSYN_ARGV) {
        argv[argc] = "extra";
        ck_assert_msg(isms_directive_parse(tpool, d, argc + 1, argv, &v) != NULL,
                      "%s: an extra argument accepted", d->name);
    }
}
END_TEST

/* The converted values the module stores. */
START_TEST(directive_values_converted)
{
    const char *argv[3] = {"/srv/isms//", NULL, NULL};
    isms_dir_value v;

    ck_assert_ptr_null(isms_directive_parse(tpool, &isms_directives[ISMS_D_EVIDENCE_DIR], 1,
                                            argv, &v));
    ck_assert_str_eq(v.s, "/srv/isms");
    argv[0] = "Off";
    ck_assert_ptr_null(isms_directive_parse(tpool, &isms_directives[ISMS_D_REQUIRE_TLS], 1,
                                            argv, &v));
    ck_assert_int_eq(v.n, 0);
    argv[0] = "approver";
    argv[1] = "true";
    ck_assert_ptr_null(isms_directive_parse(tpool, &isms_directives[ISMS_D_ROLE], 2, argv,
                                            &v));
    ck_assert_str_eq(isms_role_names[v.n], "approver");
    ck_assert_str_eq(v.s, "true");
    argv[0] = "IMAGE/PNG";
    ck_assert_ptr_null(isms_directive_parse(tpool, &isms_directives[ISMS_D_ATTACHMENT_TYPES],
                                            1, argv, &v));
    ck_assert_str_eq(v.list[0], "image/png");
    ck_assert_ptr_null(v.list[1]);
    argv[0] = "4294967297";
    ck_assert_contains(isms_directive_parse(tpool, &isms_directives[ISMS_D_MAX_ATTACHMENT], 1,
                                            argv, &v),
                       "'4294967297' is not a whole number from 1024 to 4294967296");
}
END_TEST

Suite *directives_suite(void)
{
    Suite *s = suite_create("directives");
    TCase *tc = isms_test_tcase("table", 0);

    tcase_add_loop_test(tc, directive_row_complete, 0, ISMS_D_COUNT);
    tcase_add_test(tc, directive_find_is_case_insensitive);
    tcase_add_loop_test(tc, directive_has_examples, 0, ISMS_D_COUNT);
    tcase_add_loop_test(tc, directive_accepts_good_value, 0, ISMS_D_COUNT);
    tcase_add_loop_test(tc, directive_refuses_bad_value, 0, ISMS_D_COUNT);
    tcase_add_loop_test(tc, directive_refuses_wrong_count, 0, ISMS_D_COUNT);
    tcase_add_test(tc, directive_values_converted);
    suite_add_tcase(s, tc);
    return s;
}
