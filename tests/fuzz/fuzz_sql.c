/* SPDX-License-Identifier: Apache-2.0 */
/* The SQL builder (isms_sql.c), differentially against SQLite through the store the module
 * uses (libdbi's sqlite3 driver for quoting, isms_store_sqlite.c for statements):
 *   %s  the value is rejected exactly when isms_text_check rejects it (NUL, control bytes,
 *       invalid UTF-8); otherwise INSERT ... VALUES (%s) stores it and SELECT returns the same
 *       bytes, and WHERE v = %s finds exactly that row (the quoting cannot be escaped from);
 *   %d  a long long round-trips exactly;
 *   %f  a finite double round-trips exactly (17 significant digits), a non-finite one is
 *       rejected;
 *   %k  accepted only for [A-Za-z0-9_.]+.
 * Input: byte 0 selects the conversion, the rest is the value. Each input runs in a
 * transaction that is rolled back. */
#include "fuzz_common.h"

#include <math.h>

#include "isms_sql.h"

static isms_rows *run(isms_conn *c, apr_pool_t *p, isms_sql *q)
{
    isms_rows *rs = NULL;
    const char *err = NULL, *sql = isms_sql_text(q);

    FUZZ_ASSERT(sql != NULL, "builder failed: %s", isms_sql_error(q));
    FUZZ_ASSERT(isms_sqlite_run(c, p, sql, &rs, NULL, &err) == ISMS_DB_OK,
                "statement failed: %s\n%s", err, sql);
    return rs;
}

static void check_string(isms_conn *c, apr_pool_t *p, const uint8_t *d, size_t n)
{
    const char *s = apr_pstrmemdup(p, (const char *)d, n);
    const char *why = isms_text_check((const char *)d, n);
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;

    isms_sql_appendf(q, "INSERT INTO t (v) VALUES (%s)", s);
    if (memchr(d, '\0', n)) {
        /* the C string the builder sees ends at the NUL: the store never gets such a value,
         * isms_text_check (on the whole buffer) refuses it */
        FUZZ_ASSERT(why != NULL, "NUL byte accepted by isms_text_check");
        return;
    }
    if (why) {
        FUZZ_ASSERT(isms_sql_text(q) == NULL, "builder accepted a value that isms_text_check "
                    "rejects (%s)", why);
        return;
    }
    FUZZ_ASSERT(isms_sql_text(q) != NULL, "builder rejected a valid value: %s",
                isms_sql_error(q));
    run(c, p, q);
    q = isms_sql_new(p, c);
    isms_sql_appendf(q, "SELECT v, length(CAST(v AS BLOB)), typeof(v) FROM t");
    rs = run(c, p, q);
    FUZZ_ASSERT(rs->nrows == 1, "%d rows", rs->nrows);
    FUZZ_ASSERT(strcmp(ISMS_ROW(rs, 0, 2), "text") == 0, "stored as %s", ISMS_ROW(rs, 0, 2));
    FUZZ_ASSERT(atoll(ISMS_ROW(rs, 0, 1)) == (long long)n, "stored %s bytes of %zu",
                ISMS_ROW(rs, 0, 1), n);
    FUZZ_ASSERT(memcmp(ISMS_ROW(rs, 0, 0), d, n) == 0, "the value came back changed");
    q = isms_sql_new(p, c);
    isms_sql_appendf(q, "SELECT count(*) FROM t WHERE v = %s", s);
    rs = run(c, p, q);
    FUZZ_ASSERT(strcmp(ISMS_ROW(rs, 0, 0), "1") == 0, "WHERE v = %%s found %s rows",
                ISMS_ROW(rs, 0, 0));
}

static void check_int(isms_conn *c, apr_pool_t *p, const uint8_t *d, size_t n)
{
    long long v = 0;
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;

    memcpy(&v, d, n < sizeof(v) ? n : sizeof(v));
    isms_sql_appendf(q, "SELECT %d, typeof(%d)", v, v);
    rs = run(c, p, q);
    FUZZ_ASSERT(strcmp(ISMS_ROW(rs, 0, 1), "integer") == 0, "%lld is a %s", v,
                ISMS_ROW(rs, 0, 1));
    FUZZ_ASSERT(strcmp(ISMS_ROW(rs, 0, 0), apr_psprintf(p, "%" APR_INT64_T_FMT,
                                                         (apr_int64_t)v)) == 0,
                "%lld came back as %s", v, ISMS_ROW(rs, 0, 0));
}

static void check_double(isms_conn *c, apr_pool_t *p, const uint8_t *d, size_t n)
{
    double v = 0;
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;

    memcpy(&v, d, n < sizeof(v) ? n : sizeof(v));
    isms_sql_appendf(q, "INSERT INTO t (r) VALUES (%f)", v);
    if (!isfinite(v)) {
        FUZZ_ASSERT(isms_sql_text(q) == NULL, "non-finite double accepted");
        return;
    }
    run(c, p, q);
    q = isms_sql_new(p, c);
    /* compared in SQL: the text form of a REAL is not what round-trips, the value is */
    isms_sql_appendf(q, "SELECT count(*) FROM t WHERE r = %f AND typeof(r) IN ('real', "
                        "'integer')", v);
    rs = run(c, p, q);
    FUZZ_ASSERT(strcmp(ISMS_ROW(rs, 0, 0), "1") == 0, "%.17g did not round-trip", v);
}

static void check_ident(isms_conn *c, apr_pool_t *p, const uint8_t *d, size_t n)
{
    const char *s = apr_pstrmemdup(p, (const char *)d, n), *k;
    isms_sql *q = isms_sql_new(p, c);
    int ok = *s != '\0';          /* the builder sees the C string: up to a NUL */

    for (k = s; ok && *k; k++) {
        ok = (*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9')
             || *k == '_' || *k == '.';
    }
    isms_sql_appendf(q, "SELECT %k FROM t", s);
    if (!ok) {
        FUZZ_ASSERT(isms_sql_text(q) == NULL, "identifier accepted: %s", s);
    }
    else {
        FUZZ_ASSERT(isms_sql_text(q) != NULL, "identifier rejected: %s", s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    isms_conn *c = fuzz_db(0);
    apr_pool_t *p;
    const char *err = NULL;

    if (size < 1) return 0;
    apr_pool_create(&p, fuzz_root_pool());
    FUZZ_ASSERT(isms_conn_begin(c, 1, &err) == ISMS_DB_OK, "begin: %s", err);
    FUZZ_ASSERT(isms_conn_exec(c, "CREATE TABLE IF NOT EXISTS t (v TEXT, r REAL)", NULL, &err)
                == ISMS_DB_OK, "create: %s", err);
    switch (data[0] % 4) {
    case 0: check_string(c, p, data + 1, size - 1); break;
    case 1: check_int(c, p, data + 1, size - 1); break;
    case 2: check_double(c, p, data + 1, size - 1); break;
    default: check_ident(c, p, data + 1, size - 1); break;
    }
    isms_conn_rollback(c);
    apr_pool_destroy(p);
    return 0;
}
