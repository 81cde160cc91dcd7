/* SPDX-License-Identifier: Apache-2.0 */
/* The libdbi side of the store. One dbi_inst per process (dbi_initialize_r, after fork); one
 * dbi_conn per pooled connection, never shared between threads. */
#include "isms_store.h"
#include "isms_log.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <dbi/dbi.h>
#include <dbi/dbi-dev.h>
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef void pq_notice_fn(void *arg, const char *message);
typedef pq_notice_fn *pq_set_notice_fn(void *pgconn, pq_notice_fn *fn, void *arg);

typedef struct {
    dbi_inst inst;
    const isms_dbconf *conf;
    pq_set_notice_fn *set_notice;   /* libpq's, resolved once when the store is created */
} dbi_backend;

static pq_set_notice_fn *find_set_notice(const char *driver);

static apr_status_t backend_cleanup(void *data)
{
    dbi_backend *b = data;

    dbi_shutdown_r(b->inst);
    return APR_SUCCESS;
}

isms_db_status isms_store_dbi_init(isms_store *s, apr_pool_t *p, const char **err)
{
    dbi_backend *b = apr_pcalloc(p, sizeof(*b));

    if (dbi_initialize_r(NULL, &b->inst) < 0) {
        *err = "libdbi found no drivers";
        return ISMS_DB_ERROR;
    }
    b->conf = isms_store_conf(s);
    b->set_notice = find_set_notice(b->conf->driver);   /* here, not racing in a request */
    apr_pool_cleanup_register(p, b, backend_cleanup, apr_pool_cleanup_null);
    isms_store_set_backend(s, b);
    return ISMS_DB_OK;
}

/* One line: drivers end messages with newlines and tabs ("...refused\n\tIs the server"). */
static const char *one_line(apr_pool_t *p, const char *msg)
{
    char *s = apr_pstrdup(p, msg && *msg ? msg : "unknown database error"), *c;
    size_t n;

    for (c = s; *c; c++) {
        if (*c == '\n' || *c == '\t' || *c == '\r') *c = ' ';
    }
    for (n = strlen(s); n > 0 && s[n - 1] == ' '; n--) s[n - 1] = '\0';
    return s;
}

static const char *conn_errmsg(apr_pool_t *p, dbi_conn conn)
{
    const char *msg = NULL;

    dbi_conn_error(conn, &msg);   /* owned by the connection: copy it */
    return one_line(p, msg);
}

static int set_options(dbi_conn conn, const isms_dbconf *conf)
{
    const isms_dbopt *o = (const isms_dbopt *)conf->opts->elts;
    int i, rc = 0;

    for (i = 0; i < conf->opts->nelts; i++) {
        rc |= o[i].numeric ? dbi_conn_set_option_numeric(conn, o[i].key, o[i].ivalue)
                           : dbi_conn_set_option(conn, o[i].key, o[i].value);
    }
    return rc;
}

/* WAL is stored in the database file: switch once. (libdbi's sqlite3 driver prints "no
 * tables in statement" to stdout for a row-returning statement without FROM, so the mode is
 * read through the pragma table and the PRAGMA itself runs only when it must.) */
static isms_db_status sqlite_wal(dbi_conn conn, apr_pool_t *p, const char **err)
{
    dbi_result r = dbi_conn_query(conn, "SELECT journal_mode FROM pragma_journal_mode");
    int is_wal = 0;

    if (r && dbi_result_next_row(r)) {
        const char *mode = dbi_result_get_string_idx(r, 1);
        is_wal = mode && strcmp(mode, "wal") == 0;
    }
    if (r) dbi_result_free(r);
    if (is_wal) return ISMS_DB_OK;
    if (!(r = dbi_conn_query(conn, "PRAGMA journal_mode=WAL"))) {
        *err = apr_pstrcat(p, "PRAGMA journal_mode=WAL: ", conn_errmsg(p, conn), NULL);
        return ISMS_DB_UNAVAILABLE;
    }
    dbi_result_free(r);
    return ISMS_DB_OK;
}

/* Per-connection settings: synchronous and foreign_keys. synchronous=FULL (the default)
 * survives power loss; NORMAL survives a crash of the process but may lose the last
 * commits on power loss (ISMSReviewDurability). */
static isms_db_status sqlite_setup(dbi_conn conn, const isms_dbconf *conf, apr_pool_t *p,
                                   const char **err)
{
    const char *stmts[2];
    int i;

    if (sqlite_wal(conn, p, err) != ISMS_DB_OK) return ISMS_DB_UNAVAILABLE;
    isms_sqlite_busy_handler(conn, p, atoi(isms_dbconf_get(conf, "sqlite3_timeout")));
    stmts[0] = conf->durability == ISMS_DURABILITY_NORMAL ? "PRAGMA synchronous=NORMAL"
                                                          : "PRAGMA synchronous=FULL";
    stmts[1] = "PRAGMA foreign_keys=ON";
    for (i = 0; i < 2; i++) {
        dbi_result r = dbi_conn_query(conn, stmts[i]);
        if (!r) {
            *err = apr_pstrcat(p, stmts[i], ": ", conn_errmsg(p, conn), NULL);
            return ISMS_DB_UNAVAILABLE;
        }
        dbi_result_free(r);
    }
    return ISMS_DB_OK;
}

/* MariaDB session: the SQL the core writes is standard SQL as PostgreSQL and SQLite read it
 * ("identifiers", || concatenation), strict (an error, never a silent truncation or a zero
 * date), utf8mb4 compared byte for byte, UTC, and READ COMMITTED for writes as on pgsql
 * (reads set REPEATABLE READ for their one transaction: isms_store.c). */
static isms_db_status mysql_setup(dbi_conn conn, apr_pool_t *p, const char **err)
{
    static const char *const stmts[] = {
        "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,STRICT_ALL_TABLES,NO_ZERO_DATE,"
        "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
        "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin",
        "SET SESSION time_zone = '+00:00'",
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
        "SET SESSION default_storage_engine = InnoDB",
    };
    size_t i;

    for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
        dbi_result r = dbi_conn_query(conn, stmts[i]);
        if (!r) {
            *err = apr_pstrcat(p, stmts[i], ": ", conn_errmsg(p, conn), NULL);
            return ISMS_DB_UNAVAILABLE;
        }
        dbi_result_free(r);
    }
    return ISMS_DB_OK;
}

/* libpq prints server notices and asynchronous errors ("FATAL: terminating connection due
 * to administrator command") on stderr, which is Apache's error log, as lines without date
 * or level, because libdbi's pgsql driver installs no notice processor. Route them through
 * the core log instead. libpq is already loaded by the driver; libdbi gives no accessor to
 * the PGconn, so it is taken from the driver-private connection (dbi-dev.h). */
static void pq_notice(void *arg, const char *message)
{
    char line[512];
    size_t n;

    apr_cpystrn(line, message ? message : "", sizeof(line));
    for (n = strlen(line); n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '); n--) {
        line[n - 1] = '\0';
    }
    isms_log(ISMS_LOG_NOTICE, 21102, "PostgreSQL: %s", line);
}

/* The pgsql driver, loaded by dbi_initialize_r, has loaded libpq. Called once per store
 * (child_init for the module), so request threads only read the pointer. */
static pq_set_notice_fn *find_set_notice(const char *driver)
{
    pq_set_notice_fn *fn = NULL;
    void *lib;

    if (strcmp(driver, "pgsql") == 0 && (lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_NOLOAD))) {
        fn = (pq_set_notice_fn *)dlsym(lib, "PQsetNoticeProcessor");
        dlclose(lib);
    }
    return fn;
}

static void pgsql_notices(const dbi_backend *b, dbi_conn conn)
{
    if (b->set_notice && ((dbi_conn_t *)conn)->connection) {
        b->set_notice(((dbi_conn_t *)conn)->connection, pq_notice, NULL);
    }
}

static isms_db_status dbi_connect(isms_store *s, apr_pool_t *p, void **handle,
                                  const char **err)
{
    dbi_backend *b = isms_store_backend(s);
    dbi_conn conn = dbi_conn_new_r(b->conf->driver, b->inst);

    if (!conn) {
        *err = apr_psprintf(p, "libdbi driver %s cannot be loaded", b->conf->driver);
        return ISMS_DB_UNAVAILABLE;
    }
    /* MariaDB counts changed rows by default; the core reads "affected" as matched rows
     * (optimistic locking: 1 row or a conflict), as pgsql and SQLite count them */
    if (set_options(conn, b->conf) != 0 || (strcmp(b->conf->driver, "mysql") == 0 &&
        dbi_conn_set_option_numeric(conn, "mysql_client_found_rows", 1) != 0)) {
        *err = "libdbi refused a connection option";
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    if (dbi_conn_connect(conn) < 0) {
        *err = conn_errmsg(p, conn);
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    if (strcmp(b->conf->driver, "pgsql") == 0) pgsql_notices(b, conn);
    if (strcmp(b->conf->driver, "mysql") == 0 && mysql_setup(conn, p, err) != ISMS_DB_OK) {
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    if (strcmp(b->conf->driver, "sqlite3") == 0 &&
        sqlite_setup(conn, b->conf, p, err) != ISMS_DB_OK) {
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    *handle = conn;
    return ISMS_DB_OK;
}

static void dbi_disconnect(isms_store *s, void *handle)
{
    dbi_conn_close(handle);
}

/* SQLite is a local file: a ping (a SELECT per request) buys nothing there. */
static int dbi_alive(void *handle)
{
    const char *name = dbi_driver_get_name(dbi_conn_get_driver(handle));

    return strcmp(name, "sqlite3") == 0 || dbi_conn_ping(handle) == 1;
}

/* Classifies a failed statement by the driver's error code (SQLite: SQLITE_BUSY 5,
 * SQLITE_LOCKED 6) or the start of the server's message (PostgreSQL: serialization failure,
 * deadlock; MySQL: lock wait, deadlock), never by words that may be names in the statement.
 * A lost connection makes the connection unusable. */
static isms_db_status classify(isms_conn *c, const char *msg)
{
    const char *driver = dbi_driver_get_name(dbi_conn_get_driver(c->handle));
    const char *m = msg;
    int code = dbi_conn_error(c->handle, &m);

    /* libdbi may put a number and ": " before the server's message */
    m = msg;
    while (apr_isdigit(*m)) m++;
    if (m != msg && m[0] == ':' && m[1] == ' ') msg = m + 2;

    if (!strcmp(driver, "sqlite3") && (code == 5 || code == 6)) return ISMS_DB_BUSY;
    if (!strcmp(driver, "pgsql") && (!strncmp(msg, "ERROR:  could not serialize", 27) ||
                                     !strncmp(msg, "ERROR:  deadlock detected", 25))) {
        return ISMS_DB_BUSY;
    }
    if (!strcmp(driver, "mysql") && (code == 1205 || code == 1213)) return ISMS_DB_BUSY;
    /* PostgreSQL 25006 read_only_sql_transaction (default_transaction_read_only, a hot
     * standby) and 53100 disk_full ("could not extend file", "could not write"); libdbi
     * gives no SQLSTATE, so the server's message (lc_messages C) */
    if (!strcmp(driver, "pgsql") && !strncmp(msg, "ERROR:  cannot execute ", 23) &&
        strstr(msg, " in a read-only transaction")) {
        c->broken = 1;     /* its session keeps the setting: the next request reconnects */
        return ISMS_DB_READONLY;
    }
    if (!strcmp(driver, "pgsql") && (!strncmp(msg, "ERROR:  could not extend file", 29) ||
                                     strstr(msg, "No space left on device"))) {
        return ISMS_DB_FULL;
    }
    /* MariaDB: 1290 with --read-only (SET GLOBAL read_only, a replica); 1021 disk full,
     * 1114 a table (InnoDB tablespace) that cannot grow, or a write failing with ENOSPC */
    if (!strcmp(driver, "mysql") && code == 1290 && strstr(msg, "read-only")) {
        return ISMS_DB_READONLY;
    }
    if (!strcmp(driver, "mysql") && (code == 1021 || code == 1114 ||
                                     strstr(msg, "No space left on device"))) {
        return ISMS_DB_FULL;
    }
    if (!dbi_alive(c->handle)) {
        c->broken = 1;
        return ISMS_DB_UNAVAILABLE;
    }
    return ISMS_DB_ERROR;
}

static int is_sqlite(isms_conn *c)
{
    return strcmp(dbi_driver_get_name(dbi_conn_get_driver(c->handle)), "sqlite3") == 0;
}

static isms_db_status dbi_exec(isms_conn *c, const char *sql, long long *affected,
                               const char **err)
{
    dbi_result r;
    const char *msg = NULL;

    if (is_sqlite(c)) return isms_sqlite_run(c, NULL, sql, NULL, affected, err);
    r = dbi_conn_query(c->handle, sql);
    if (!r) {
        dbi_conn_error(c->handle, &msg);
        apr_cpystrn(c->errbuf, msg ? msg : "unknown database error", sizeof(c->errbuf));
        for (msg = c->errbuf; (msg = strpbrk(msg, "\n\t\r")) != NULL; ) {
            *(char *)msg = ' ';
        }
        *err = c->errbuf;
        return classify(c, *err);
    }
    *affected = (long long)dbi_result_get_numrows_affected(r);
    dbi_result_free(r);
    return ISMS_DB_OK;
}

static void load_row(dbi_result r, apr_pool_t *p, const char **row, int ncols)
{
    int i;

    for (i = 0; i < ncols; i++) {
        char *v;
        if (dbi_result_field_is_null_idx(r, (unsigned)i + 1)) {
            row[i] = NULL;
            continue;
        }
        if (dbi_result_get_field_type_idx(r, (unsigned)i + 1) == DBI_TYPE_DECIMAL) {
            /* libdbi renders floating-point columns with "%e": six digits, so 123456789.125
             * would come back as 1.234568e+08. isms_real_text reads back as the same double,
             * as the SQLite store does. */
            unsigned attr = dbi_result_get_field_attribs_idx(r, (unsigned)i + 1);
            double d = (attr & DBI_DECIMAL_SIZE4) ? dbi_result_get_float_idx(r, (unsigned)i + 1)
                                                  : dbi_result_get_double_idx(r, (unsigned)i + 1);
            row[i] = isms_real_text(p, d);
            continue;
        }
        v = dbi_result_get_as_string_copy_idx(r, (unsigned)i + 1);
        row[i] = apr_pstrdup(p, v ? v : "");
        free(v);
    }
}

static isms_db_status dbi_query(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                                const char **err)
{
    dbi_result r;

    if (is_sqlite(c)) return isms_sqlite_run(c, p, sql, out, NULL, err);
    r = dbi_conn_query(c->handle, sql);
    isms_rows *rs;
    const char *msg = NULL;
    int i;

    if (!r) {
        dbi_conn_error(c->handle, &msg);
        *err = one_line(p, msg);
        return classify(c, *err);
    }
    rs = apr_pcalloc(p, sizeof(*rs));
    rs->nrows = (int)dbi_result_get_numrows(r);
    rs->ncols = (int)dbi_result_get_numfields(r);
    rs->names = apr_pcalloc(p, sizeof(char *) * (size_t)(rs->ncols + 1));
    rs->values = apr_pcalloc(p, sizeof(char *) * (size_t)(rs->ncols * rs->nrows + 1));
    for (i = 0; i < rs->ncols; i++) {
        rs->names[i] = apr_pstrdup(p, dbi_result_get_field_name(r, (unsigned)i + 1));
    }
    for (i = 0; i < rs->nrows && dbi_result_next_row(r); i++) {
        load_row(r, p, rs->values + (size_t)i * (size_t)rs->ncols, rs->ncols);
    }
    rs->nrows = i;
    dbi_result_free(r);
    *out = rs;
    return ISMS_DB_OK;
}

static const char *dbi_quote(isms_conn *c, apr_pool_t *p, const char *value)
{
    char *q = NULL;
    const char *res;

    if (dbi_conn_quote_string_copy(c->handle, value, &q) == 0 || !q) {
        free(q);
        return NULL;
    }
    res = apr_pstrdup(p, q);
    free(q);
    return res;
}

const isms_store_ops isms_store_dbi_ops = {
    dbi_connect, dbi_disconnect, dbi_alive, dbi_exec, dbi_query, dbi_quote,
};
