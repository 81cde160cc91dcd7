/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite statements run on the sqlite3 handle that libdbi opened and configured, through
 * SQLite's own API. libdbi's sqlite3 driver is bypassed for execution because, measured on
 * Debian 12 (libdbd-sqlite3 0.9.0): to type each result column it parses the statement and
 * runs PRAGMA table_info per column (about 300 hidden statements for one review GET, most of
 * them inside write transactions, so the write lock was held 6-10 ms per request); it loops
 * forever on a statement with "from" inside a word or literal; and it copies names into
 * 128-byte stack buffers without bounds. Connection handling, options, the busy timeout and
 * quoting stay libdbi's. The handle comes from isms_dbi_native (isms_dbi_native.c). These are
 * the sqlite3 hooks of the dialect table (isms_dialect.c). */
#include "isms_store.h"
#include "isms_sql.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <dbi/dbi.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *native(isms_conn *c)
{
    return isms_dbi_native(c->handle);
}

static isms_db_status fail(isms_conn *c, int rc, const char **err)
{
    sqlite3 *db = native(c);
    const char *msg = db ? sqlite3_errmsg(db) : "no SQLite handle";

    int sys = db ? sqlite3_system_errno(db) : 0;

    apr_snprintf(c->errbuf, sizeof(c->errbuf), "%d: %s%s%s", rc, msg, sys ? "; " : "",
                 sys ? strerror(sys) : "");
    *err = c->errbuf;
    return isms_conn_dialect(c)->classify(rc, sys, msg, &c->broken);
}

typedef struct {
    const char **v;
    size_t n, cap;
} values;

static void push(apr_pool_t *p, values *vs, const char *v)
{
    if (vs->n == vs->cap) {
        const char **nv = apr_palloc(p, sizeof(char *) * (vs->cap ? vs->cap * 2 : 64));
        if (vs->n) memcpy(nv, vs->v, sizeof(char *) * vs->n);
        vs->v = nv;
        vs->cap = vs->cap ? vs->cap * 2 : 64;
    }
    vs->v[vs->n++] = v;
}

static void read_row(apr_pool_t *p, sqlite3_stmt *st, int ncols, values *vs)
{
    int i;

    for (i = 0; i < ncols; i++) {
        if (sqlite3_column_type(st, i) == SQLITE_NULL) {
            push(p, vs, NULL);
            continue;
        }
        if (sqlite3_column_type(st, i) == SQLITE_FLOAT) {
            push(p, vs, isms_real_text(p, sqlite3_column_double(st, i)));
            continue;
        }
        push(p, vs, apr_pstrmemdup(p, (const char *)sqlite3_column_text(st, i),
                                   (apr_size_t)sqlite3_column_bytes(st, i)));
    }
}

/* Prepared statements of a connection, by their text: the bound form of the SQL builder's
 * statements (isms_sql_bound: values bound, so the text repeats whatever the values), and
 * SELECTs run as text, which hit only with the same values. Preparing a 40-column SELECT
 * costs more than running it (measured: 23 % of the Apache children's time in
 * sqlite3_prepare_v2 under the 90/10 load mix), and an INSERT into a table with triggers more
 * (26 % of an item POST's). Statements are reset after every use, so a cached one holds no
 * lock. */
#define STMT_CACHE 64

typedef struct {
    char *sql;
    sqlite3_stmt *st;
    unsigned long used;
} cached_stmt;

struct isms_sqlite_stmts {
    cached_stmt e[STMT_CACHE];
    unsigned long clock;
};

void isms_sqlite_stmts_free(isms_conn *c)
{
    struct isms_sqlite_stmts *sc = c->stmts;
    int i;

    if (!sc) return;
    for (i = 0; i < STMT_CACHE; i++) {
        if (sc->e[i].st) sqlite3_finalize(sc->e[i].st);
        free(sc->e[i].sql);
    }
    free(sc);
    c->stmts = NULL;
}

static int cacheable(const char *sql)
{
    return strncmp(sql, "SELECT ", 7) == 0;
}

/* A cached statement for sql (taken out of the cache while in use), or NULL. */
static sqlite3_stmt *stmt_take(isms_conn *c, const char *sql)
{
    struct isms_sqlite_stmts *sc = c->stmts;
    int i;

    if (!sc) return NULL;
    for (i = 0; i < STMT_CACHE; i++) {
        if (sc->e[i].st && strcmp(sc->e[i].sql, sql) == 0) {
            sqlite3_stmt *st = sc->e[i].st;
            sc->e[i].st = NULL;
            free(sc->e[i].sql);
            sc->e[i].sql = NULL;
            return st;
        }
    }
    return NULL;
}

/* Keeps a (reset) statement, replacing the least recently used one; or finalizes it. */
static void stmt_keep(isms_conn *c, const char *sql, sqlite3_stmt *st)
{
    struct isms_sqlite_stmts *sc = c->stmts;
    cached_stmt *victim;
    int i;

    if (!sc && (sc = c->stmts = calloc(1, sizeof(*sc))) == NULL) {
        sqlite3_finalize(st);
        return;
    }
    victim = &sc->e[0];
    for (i = 0; i < STMT_CACHE; i++) {
        if (!sc->e[i].st) {
            victim = &sc->e[i];
            break;
        }
        if (sc->e[i].used < victim->used) victim = &sc->e[i];
    }
    if (victim->st) sqlite3_finalize(victim->st);
    free(victim->sql);
    victim->sql = strdup(sql);
    victim->st = victim->sql ? st : NULL;
    victim->used = ++sc->clock;
    if (!victim->sql) sqlite3_finalize(st);
}

static void stmt_done(isms_conn *c, const char *sql, sqlite3_stmt *st, int keep)
{
    if (keep && sqlite3_reset(st) == SQLITE_OK && sqlite3_clear_bindings(st) == SQLITE_OK) {
        stmt_keep(c, sql, st);
        return;
    }
    sqlite3_finalize(st);
}

static isms_db_status run(isms_conn *c, apr_pool_t *p, const char *sql,
                          const apr_array_header_t *params, isms_rows **out,
                          long long *affected, const char **err);

/* One statement; rows (out may be NULL) and the number of rows changed. The connection's
 * mutex is held for the whole statement: SQLite (serialized mode) takes it in every API
 * call, three per value read (type, text, bytes), and for 50,000 rows that was a quarter of
 * the dashboard's time in pthread_mutex_lock/unlock; it is recursive, so the inner calls of
 * the owner are cheap. A connection is used by one request at a time anyway. */
isms_db_status isms_sqlite_run(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                               long long *affected, const char **err)
{
    return isms_sqlite_run_bound(c, p, sql, NULL, out, affected, err);
}

/* The same for the bound form of a statement (isms_sql_bound; params NULL: text): the values
 * bound to its ?s, so its text, prepared once, is kept whatever the values (INSERTs and
 * UPDATEs too: the prepare of an INSERT into a table with triggers was a quarter of a
 * write's time). */
isms_db_status isms_sqlite_run_bound(isms_conn *c, apr_pool_t *p, const char *sql,
                                     const apr_array_header_t *params, isms_rows **out,
                                     long long *affected, const char **err)
{
    sqlite3 *db = native(c);
    sqlite3_mutex *m = db ? sqlite3_db_mutex(db) : NULL;
    isms_db_status st;

    if (m) sqlite3_mutex_enter(m);
    st = run(c, p, sql, params, out, affected, err);
    if (m) sqlite3_mutex_leave(m);
    return st;
}

/* Binds the values (the pool they live in outlives the statement's run; the bindings are
 * cleared before the statement is cached). */
static int bind_values(sqlite3_stmt *st, const apr_array_header_t *params)
{
    const isms_sql_param *v = (const isms_sql_param *)params->elts;
    int i, rc = SQLITE_OK;

    if (sqlite3_bind_parameter_count(st) != params->nelts) return SQLITE_RANGE;
    for (i = 0; i < params->nelts && rc == SQLITE_OK; i++) {
        switch (v[i].type) {
        case ISMS_P_TEXT: rc = sqlite3_bind_text(st, i + 1, v[i].s, -1, SQLITE_STATIC); break;
        case ISMS_P_INT: rc = sqlite3_bind_int64(st, i + 1, v[i].i); break;
        default: rc = sqlite3_bind_double(st, i + 1, v[i].d); break;
        }
    }
    return rc;
}

static isms_db_status run(isms_conn *c, apr_pool_t *p, const char *sql,
                          const apr_array_header_t *params, isms_rows **out,
                          long long *affected, const char **err)
{
    sqlite3 *db = native(c);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    values vs = {NULL, 0, 0};
    int rc, ncols, i, nrows = 0, cache = params || cacheable(sql);

    if (!db) return fail(c, SQLITE_MISUSE, err);
    if (!cache || (st = stmt_take(c, sql)) == NULL) {
        if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail)) != SQLITE_OK) {
            return fail(c, rc, err);
        }
        while (tail && apr_isspace(*tail)) tail++;
        if (!st || (tail && *tail)) {             /* one statement per call, never silently */
            sqlite3_finalize(st);
            apr_cpystrn(c->errbuf, "one SQL statement per call", sizeof(c->errbuf));
            *err = c->errbuf;
            return ISMS_DB_ERROR;
        }
    }
    if (params && (rc = bind_values(st, params)) != SQLITE_OK) {
        isms_db_status s = fail(c, rc, err);
        sqlite3_finalize(st);
        return s;
    }
    ncols = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out) read_row(p, st, ncols, &vs);
        nrows++;
    }
    if (rc != SQLITE_DONE) {
        isms_db_status s = fail(c, sqlite3_extended_errcode(db), err);
        stmt_done(c, sql, st, 0);
        return s;
    }
    if (out) {
        isms_rows *rs = apr_pcalloc(p, sizeof(*rs));
        rs->nrows = nrows;
        rs->ncols = ncols;
        rs->names = apr_pcalloc(p, sizeof(char *) * (size_t)(ncols + 1));
        for (i = 0; i < ncols; i++) rs->names[i] = apr_pstrdup(p, sqlite3_column_name(st, i));
        rs->values = vs.v ? vs.v : apr_pcalloc(p, sizeof(char *));
        *out = rs;
    }
    if (affected) *affected = sqlite3_changes(db);
    stmt_done(c, sql, st, cache);
    return ISMS_DB_OK;
}

/* The busy handler: SQLite's own (sqlite3_busy_timeout) sleeps 1, 2, 5 ... up to 100 ms
 * between attempts, so under a steady stream of short write transactions a waiting writer
 * sleeps through many free moments and some starve past the timeout (measured: 64
 * connections, 10 % writes: ~50 writes/s and 503s, against ~700/s without contention).
 * This one retries after 100 us for the first attempts, then 500 us, up to the same timeout.
 * Few threads ever wait here: the writers of one process queue on the store's write mutex
 * (isms_store.c), so only one per process polls. */
typedef struct {
    int timeout_ms;
    apr_time_t start;
} busy_state;

static int busy_wait(void *arg, int count)
{
    busy_state *b = arg;
    apr_time_t now = apr_time_now();

    if (count == 0) b->start = now;
    if (now - b->start >= apr_time_from_msec(b->timeout_ms)) return 0;
    apr_sleep(count < 20 ? 100 : 500);
    return 1;
}

static void busy_handler(void *dbi_handle, apr_pool_t *p, int timeout_ms)
{
    sqlite3 *db = isms_dbi_native(dbi_handle);
    busy_state *b = apr_pcalloc(p, sizeof(*b));

    b->timeout_ms = timeout_ms;
    sqlite3_busy_handler(db, busy_wait, b);
}

/* WAL is stored in the database file: switch once. (libdbi's sqlite3 driver prints "no
 * tables in statement" to stdout for a row-returning statement without FROM, so the mode is
 * read through the pragma table and the PRAGMA itself runs only when it must.) */
static int wal(dbi_conn conn, apr_pool_t *p, const char **err)
{
    dbi_result r = dbi_conn_query(conn, "SELECT journal_mode FROM pragma_journal_mode");
    int is_wal = 0;

    if (r && dbi_result_next_row(r)) {
        const char *mode = dbi_result_get_string_idx(r, 1);
        is_wal = mode && strcmp(mode, "wal") == 0;
    }
    if (r) dbi_result_free(r);
    if (is_wal) return 0;
    if (!(r = dbi_conn_query(conn, "PRAGMA journal_mode=WAL"))) {
        *err = apr_pstrcat(p, "PRAGMA journal_mode=WAL: ", isms_dbi_errmsg(p, conn), NULL);
        return -1;
    }
    dbi_result_free(r);
    return 0;
}

/* The connection's page cache, ISMSReviewSQLiteCache KiB (a negative cache_size is KiB,
 * a positive one pages): each pooled connection keeps its own, so it is one term of the
 * child's memory budget (isms_budget.c). */
static int cache_size(dbi_conn conn, const isms_dbconf *conf, apr_pool_t *p, const char **err)
{
    isms_sql *q = isms_sql_new(p, NULL);
    dbi_result r;

    isms_sql_appendf(q, "PRAGMA cache_size = %d", -isms_dbconf_sqlite_cache_kib(conf));
    if (!isms_sql_text(q)) {
        *err = isms_sql_error(q);
        return -1;
    }
    if (!(r = dbi_conn_query(conn, isms_sql_text(q)))) {
        *err = apr_pstrcat(p, isms_sql_text(q), ": ", isms_dbi_errmsg(p, conn), NULL);
        return -1;
    }
    dbi_result_free(r);
    return 0;
}

/* The setup hook: WAL, the page cache and the busy handler of sqlite3_timeout (the
 * dialect's statements follow: synchronous, foreign_keys). */
int isms_sqlite_setup(void *dbi_conn, const isms_dbconf *conf, apr_pool_t *p, const char **err)
{
    if (wal(dbi_conn, p, err) != 0) return -1;
    if (cache_size(dbi_conn, conf, p, err) != 0) return -1;
    busy_handler(dbi_conn, p, atoi(isms_dbconf_get(conf, "sqlite3_timeout")));
    return 0;
}
