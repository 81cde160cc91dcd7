/* SPDX-License-Identifier: Apache-2.0 */
/* isms_text_check and the SQL builder. The builder tests run against a real sqlite3
 * connection: values go in through the builder and must come back byte for byte. */
#include "tests.h"

#include <apr_strings.h>
#include <limits.h>
#include <math.h>

#include "isms_sql.h"

/* ---- isms_text_check */

static const struct {
    const char *s;
    const char *what;
} good_texts[] = {
    {"", "empty"},
    {"plain ASCII, punctuation !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "ASCII"},
    {"tab\there", "TAB"},
    {"line\nfeed", "LF"},
    {"carriage\r\nreturn", "CR LF"},
    {"caf\xC3\xA9", "2-byte e acute"},
    {"\xE2\x82\xAC 10", "3-byte euro"},
    {"smile \xF0\x9F\x98\x80", "4-byte emoji"},
    {"\xDF\xBF", "U+07FF"},
    {"\xE0\xA0\x80", "U+0800"},
    {"\xED\x9F\xBF", "U+D7FF"},
    {"\xEE\x80\x80", "U+E000"},
    {"\xEF\xBF\xBF", "U+FFFF"},
    {"\xF0\x90\x80\x80", "U+10000"},
    {"\xF4\x8F\xBF\xBF", "U+10FFFF"},
};

START_TEST(text_check_accepts)
{
    const char *s = good_texts[_i].s;
    const char *why = isms_text_check(s, strlen(s));

    ck_assert_msg(why == NULL, "%s rejected: %s", good_texts[_i].what, why);
}
END_TEST

static const struct {
    const char *s;
    size_t len;
    const char *reason;   /* a word of the expected reason */
} bad_texts[] = {
    {"a\0b", 3, "NUL"},
    {"\0", 1, "NUL"},
    {"\x01", 1, "control"},
    {"esc \x1B[0m", 8, "control"},
    {"bell\x07", 5, "control"},
    {"del\x7F", 4, "control"},
    {"\x80", 1, "UTF-8"},                     /* lone continuation byte */
    {"ab\xBF", 3, "UTF-8"},
    {"caf\xC3", 4, "UTF-8"},                  /* truncated 2-byte sequence */
    {"\xE2\x82", 2, "UTF-8"},                 /* truncated 3-byte sequence */
    {"\xF0\x9F\x98", 3, "UTF-8"},             /* truncated 4-byte sequence */
    {"\xC3(", 2, "UTF-8"},                    /* bad continuation */
    {"\xC0\xAF", 2, "UTF-8"},                 /* overlong '/' */
    {"\xC1\xBF", 2, "UTF-8"},                 /* overlong */
    {"\xE0\x80\xAF", 3, "UTF-8"},             /* overlong '/' in 3 bytes */
    {"\xE0\x9F\xBF", 3, "UTF-8"},             /* overlong U+07FF in 3 bytes */
    {"\xF0\x8F\xBF\xBF", 4, "UTF-8"},         /* overlong U+FFFF in 4 bytes */
    {"\xED\xA0\x80", 3, "UTF-8"},             /* surrogate U+D800 */
    {"\xED\xBF\xBF", 3, "UTF-8"},             /* surrogate U+DFFF */
    {"\xF4\x90\x80\x80", 4, "UTF-8"},         /* U+110000 */
    {"\xF5\x80\x80\x80", 4, "UTF-8"},
    {"\xF8\x88\x80\x80\x80", 5, "UTF-8"},     /* 5-byte form */
    {"\xFF", 1, "UTF-8"},
    {"\xFE", 1, "UTF-8"},
};

START_TEST(text_check_rejects)
{
    const char *why = isms_text_check(bad_texts[_i].s, bad_texts[_i].len);

    ck_assert_msg(why != NULL, "bad text #%d accepted", _i);
    ck_assert_contains(why, bad_texts[_i].reason);
}
END_TEST

START_TEST(text_check_honours_length)
{
    /* only len bytes are looked at */
    ck_assert_ptr_null(isms_text_check("abc\x01", 3));
    ck_assert_ptr_nonnull(isms_text_check("abc\x01", 4));
    ck_assert_ptr_null(isms_text_check("\xC3\xA9", 0));
    /* a sequence cut by len is truncated even if the buffer goes on */
    ck_assert_ptr_nonnull(isms_text_check("\xC3\xA9", 1));
}
END_TEST

/* ---- the builder, against a real sqlite3 connection (fixture: tconn) */

static const char *build1(const char *fmt, const char *v)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, fmt, v);
    return isms_sql_text(q);
}

static const char *const roundtrip_values[] = {
    "O'Brien",
    "''",
    "back\\slash \\' \\\\ \\n",
    "'; DROP TABLE t; --",
    "x' OR '1'='1",
    "\"double\" `back`",
    "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
    "tab\tnewline\ncr\r",
    "100% %s %d %k %%",
    "",
    "/* not a comment */ -- nor this",
    /* the sqlite3 quoting splits every "from" in a literal (libdbd-sqlite3 scans for it) */
    "went from A to B",
    "fromage FROM From fRoM",
    " from ",
    "from",
    "x' from t; --",
};

START_TEST(string_roundtrip)
{
    const char *v = roundtrip_values[_i];
    isms_sql *q;
    const char *got;

    isms_test_exec(tconn, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "INSERT INTO t (id, v) VALUES (%d, %s)", 7LL, v);
    ck_assert_msg(isms_sql_text(q) != NULL, "builder refused value #%d: %s", _i,
                  isms_sql_error(q));
    ck_assert_ptr_null(isms_sql_error(q));
    isms_test_exec(tconn, isms_sql_text(q));
    /* the table survived and holds exactly the same bytes */
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT count(*) FROM t"), "1");
    got = isms_test_scalar(tconn, tpool, "SELECT v FROM t WHERE id = 7");
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(strlen(got), strlen(v));
    ck_assert_mem_eq(got, v, strlen(v));
    /* and the quoted value finds the row again in a WHERE clause */
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "SELECT id FROM t WHERE v = %s", v);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_sql_text(q)), "7");
}
END_TEST

START_TEST(string_quoting_text)
{
    ck_assert_str_eq(build1("SELECT %s", "O'Brien"), "SELECT 'O''Brien'");
    ck_assert_str_eq(build1("SELECT %s", ""), "SELECT ''");
    ck_assert_str_eq(build1("%s", "'; DROP TABLE t; --"), "'''; DROP TABLE t; --'");
}
END_TEST

START_TEST(null_pointer_is_sql_null)
{
    isms_rows *rs = NULL;
    const char *err = NULL;
    const char *sql = build1("INSERT INTO t (v) VALUES (%s)", NULL);

    ck_assert_str_eq(sql, "INSERT INTO t (v) VALUES (NULL)");
    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    isms_test_exec(tconn, sql);
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT v FROM t", &rs, &err), ISMS_DB_OK);
    ck_assert_int_eq(rs->nrows, 1);
    ck_assert_ptr_null(ISMS_ROW(rs, 0, 0));
}
END_TEST

START_TEST(integer_extremes)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT %d, %d, %d, %d", (long long)LLONG_MIN, (long long)LLONG_MAX,
                     0LL, -1LL);
    ck_assert_str_eq(isms_sql_text(q), "SELECT -9223372036854775808, 9223372036854775807, 0, -1");

    isms_test_exec(tconn, "CREATE TABLE n (id INTEGER PRIMARY KEY, v INTEGER)");
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "INSERT INTO n (id, v) VALUES (1, %d), (2, %d)", (long long)LLONG_MIN,
                     (long long)LLONG_MAX);
    isms_test_exec(tconn, isms_sql_text(q));
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT v FROM n WHERE id = 1"),
                     "-9223372036854775808");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT v FROM n WHERE id = 2"),
                     "9223372036854775807");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool,
                                      "SELECT typeof(v) FROM n WHERE id = 1"), "integer");
}
END_TEST

START_TEST(double_values)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT %f, %f", 1.5, 0.0);
    ck_assert_str_eq(isms_sql_text(q), "SELECT 1.5, 0");
    /* exact round trip through SQL text: 0.1 and 1/3 compare equal to themselves */
    isms_test_exec(tconn, "CREATE TABLE r (id INTEGER PRIMARY KEY, v REAL)");
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "INSERT INTO r VALUES (1, %f), (2, %f), (3, %f)", 0.1, 1.0 / 3.0,
                     -2.5e-300);
    isms_test_exec(tconn, isms_sql_text(q));
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "SELECT count(*) FROM r WHERE (id = 1 AND v = %f) OR (id = 2 AND v = %f)"
                        " OR (id = 3 AND v = %f)", 0.1, 1.0 / 3.0, -2.5e-300);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_sql_text(q)), "3");
    /* not finite: error state */
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "SELECT %f", (double)NAN);
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_contains(isms_sql_error(q), "finite");
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "SELECT %f", -(double)INFINITY);
    ck_assert_ptr_null(isms_sql_text(q));
}
END_TEST

START_TEST(identifier_accepted)
{
    ck_assert_str_eq(build1("SELECT * FROM %k", "main.schema_version"),
                     "SELECT * FROM main.schema_version");
    ck_assert_str_eq(build1("ORDER BY %k", "Col_9"), "ORDER BY Col_9");
}
END_TEST

static const char *const bad_identifiers[] = {
    "a;b", "a b", "", "a'b", "a\"b", "a-b", "x)--", "caf\xC3\xA9", "a\nb", NULL,
};

START_TEST(identifier_rejected)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT * FROM %k", bad_identifiers[_i]);
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_contains(isms_sql_error(q), "identifier");
}
END_TEST

START_TEST(unknown_conversion)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT %x", 1);
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_contains(isms_sql_error(q), "conversion");

    q = isms_sql_new(tpool, tconn);   /* a lone '%' at the end */
    isms_sql_appendf(q, "SELECT 1 %");
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_ptr_nonnull(isms_sql_error(q));

    q = isms_sql_new(tpool, tconn);   /* printf-style modifiers are not conversions here */
    isms_sql_appendf(q, "SELECT %lld", 1LL);
    ck_assert_ptr_null(isms_sql_text(q));
}
END_TEST

START_TEST(percent_literal)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT 'a%%b' LIKE %s", "a%b");
    ck_assert_str_eq(isms_sql_text(q), "SELECT 'a%b' LIKE 'a%b'");
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_sql_text(q)), "1");
}
END_TEST

START_TEST(control_char_value_rejected)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT %s", "bell\x07");
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_contains(isms_sql_error(q), "control");
}
END_TEST

START_TEST(error_state_is_sticky)
{
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "SELECT %s", "bad \xC0\xAF utf8");
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_contains(isms_sql_error(q), "UTF-8");
    /* later good appends do not clear the error, and the first reason is kept */
    isms_sql_appendf(q, ", %s, %k", "fine", "also_fine");
    isms_sql_appendf(q, " %x");
    ck_assert_ptr_null(isms_sql_text(q));
    ck_assert_contains(isms_sql_error(q), "UTF-8");
}
END_TEST

START_TEST(appends_concatenate_and_grow)
{
    isms_sql *q = isms_sql_new(tpool, tconn);
    char *expect = apr_pstrdup(tpool, "SELECT count(*) FROM n WHERE v IN (0");
    int i;

    /* (The long part is in the WHERE clause on purpose: libdbd-sqlite3 0.9.0 aborts the
     * process when a computed result column's text is 128 bytes or longer.) */
    isms_test_exec(tconn, "CREATE TABLE n (v INTEGER)");
    isms_test_exec(tconn, "INSERT INTO n VALUES (5), (599), (600), (601), (-1)");
    isms_sql_appendf(q, "SELECT count(*) FROM n WHERE v IN (%d", 0LL);
    for (i = 1; i <= 600; i++) {   /* well past the initial 256-byte buffer */
        isms_sql_appendf(q, ", %d", (long long)i);
        expect = apr_psprintf(tpool, "%s, %d", expect, i);
    }
    isms_sql_appendf(q, ")");
    expect = apr_pstrcat(tpool, expect, ")", NULL);
    ck_assert_ptr_null(isms_sql_error(q));
    ck_assert_str_eq(isms_sql_text(q), expect);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_sql_text(q)), "3");
}
END_TEST

START_TEST(long_value_roundtrip)
{
    size_t n = 100000, i;
    char *v = apr_palloc(tpool, n + 1);
    isms_sql *q = isms_sql_new(tpool, tconn);
    const char *got;

    for (i = 0; i < n; i++) v[i] = (i % 97 == 0) ? '\'' : (char)('a' + i % 26);
    v[n] = '\0';
    isms_test_exec(tconn, "CREATE TABLE t (v TEXT)");
    isms_sql_appendf(q, "INSERT INTO t (v) VALUES (%s)", v);
    isms_test_exec(tconn, isms_sql_text(q));
    got = isms_test_scalar(tconn, tpool, "SELECT v FROM t");
    ck_assert_uint_eq(strlen(got), n);
    ck_assert_int_eq(memcmp(got, v, n), 0);
}
END_TEST

/* ---- the bound form (SQLite: values bound to ?s, the text prepared once per connection) */

START_TEST(bound_form_has_placeholders)
{
    isms_sql *q = isms_sql_new(tpool, tconn);
    const apr_array_header_t *params = NULL;
    const isms_sql_param *v;
    const char *bound;

    isms_sql_appendf(q, "INSERT INTO %k (a, b, c, d) VALUES (%d, %s, %f, %s)", "t", 42LL,
                     "O'Brien", 2.5, (const char *)NULL);
    ck_assert_str_eq(isms_sql_text(q), "INSERT INTO t (a, b, c, d) VALUES (42, 'O''Brien', 2.5, "
                                       "NULL)");
    bound = isms_sql_bound(q, &params);
    ck_assert_str_eq(bound, "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, NULL)");
    ck_assert_int_eq(params->nelts, 3);
    v = (const isms_sql_param *)params->elts;
    ck_assert_int_eq(v[0].type, ISMS_P_INT);
    ck_assert_int_eq(v[0].i, 42);
    ck_assert_int_eq(v[1].type, ISMS_P_TEXT);
    ck_assert_str_eq(v[1].s, "O'Brien");
    ck_assert_int_eq(v[2].type, ISMS_P_REAL);
    ck_assert(v[2].d == 2.5);
}
END_TEST

START_TEST(bound_form_only_for_dml)
{
    const apr_array_header_t *params = NULL;
    isms_sql *q = isms_sql_new(tpool, tconn);

    isms_sql_appendf(q, "CREATE TABLE x (v TEXT DEFAULT %s)", "a");
    ck_assert_ptr_null(isms_sql_bound(q, &params));
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "PRAGMA user_version = %d", 3LL);
    ck_assert_ptr_null(isms_sql_bound(q, &params));
    ck_assert_str_eq(isms_sql_text(q), "PRAGMA user_version = 3");
    q = isms_sql_new(tpool, tconn);
    isms_sql_appendf(q, "SELECT %s", "a\x01b");
    ck_assert_ptr_null(isms_sql_bound(q, &params));          /* refused: no form at all */
    ck_assert_ptr_null(isms_sql_text(q));
}
END_TEST

/* The same bytes through the bound form as through the text (isms_conn_run_sql), and the
 * statement prepared once serves other values: each row finds its own value again. */
START_TEST(bound_roundtrip)
{
    const char *err = NULL;
    isms_rows *rs = NULL;
    isms_sql *q;
    size_t i;

    isms_test_exec(tconn, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, r REAL)");
    for (i = 0; i < N_ELEMS(roundtrip_values); i++) {
        q = isms_sql_new(tpool, tconn);
        isms_sql_appendf(q, "INSERT INTO t (id, v, r) VALUES (%d, %s, %f)", (long long)i,
                         roundtrip_values[i], (double)i + 0.1);
        ck_assert_ptr_nonnull(isms_sql_bound(q, &(const apr_array_header_t *){NULL}));
        ck_assert_int_eq(isms_conn_run_sql(tconn, tpool, q, NULL, NULL, &err), ISMS_DB_OK);
    }
    for (i = 0; i < N_ELEMS(roundtrip_values); i++) {
        const char *v = roundtrip_values[i];
        q = isms_sql_new(tpool, tconn);
        isms_sql_appendf(q, "SELECT id, v, r FROM t WHERE v = %s AND id = %d", v, (long long)i);
        ck_assert_int_eq(isms_conn_run_sql(tconn, tpool, q, &rs, NULL, &err), ISMS_DB_OK);
        ck_assert_int_eq(rs->nrows, 1);
        ck_assert_uint_eq(strlen(ISMS_ROW(rs, 0, 1)), strlen(v));
        ck_assert_mem_eq(ISMS_ROW(rs, 0, 1), v, strlen(v));
        ck_assert(strtod(ISMS_ROW(rs, 0, 2), NULL) == (double)i + 0.1);
    }
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT typeof(id) || typeof(r) FROM t "
                                                    "WHERE id = 1"), "integerreal");
}
END_TEST

Suite *sql_suite(void)
{
    Suite *s = suite_create("sql");
    TCase *tc;

    tc = isms_test_tcase("text_check", 0);
    tcase_add_loop_test(tc, text_check_accepts, 0, N_ELEMS(good_texts));
    tcase_add_loop_test(tc, text_check_rejects, 0, N_ELEMS(bad_texts));
    tcase_add_test(tc, text_check_honours_length);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("builder", 1);
    tcase_add_loop_test(tc, string_roundtrip, 0, N_ELEMS(roundtrip_values));
    tcase_add_test(tc, string_quoting_text);
    tcase_add_test(tc, null_pointer_is_sql_null);
    tcase_add_test(tc, integer_extremes);
    tcase_add_test(tc, double_values);
    tcase_add_test(tc, identifier_accepted);
    tcase_add_loop_test(tc, identifier_rejected, 0, N_ELEMS(bad_identifiers));
    tcase_add_test(tc, unknown_conversion);
    tcase_add_test(tc, percent_literal);
    tcase_add_test(tc, control_char_value_rejected);
    tcase_add_test(tc, error_state_is_sticky);
    tcase_add_test(tc, appends_concatenate_and_grow);
    tcase_add_test(tc, long_value_roundtrip);
    tcase_add_test(tc, bound_form_has_placeholders);
    tcase_add_test(tc, bound_form_only_for_dml);
    tcase_add_test(tc, bound_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
