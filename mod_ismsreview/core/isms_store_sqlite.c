/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite statements run on the sqlite3 handle that libdbi opened and configured, through
 * SQLite's own API. libdbi's sqlite3 driver is bypassed for execution because, measured on
 * Debian 12 (libdbd-sqlite3 0.9.0): to type each result column it parses the statement and
 * runs PRAGMA table_info per column (about 300 hidden statements for one review GET, most of
 * them inside write transactions, so the write lock was held 6-10 ms per request); it loops
 * forever on a statement with "from" inside a word or literal; and it copies names into
 * 128-byte stack buffers without bounds. Connection handling, options, the busy timeout and
 * quoting stay libdbi's. */
#include "isms_store.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <dbi/dbi.h>
#include <dbi/dbi-dev.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *native(isms_conn *c)
{
    return (sqlite3 *)((dbi_conn_t *)c->handle)->connection;
}

static isms_db_status fail(isms_conn *c, int rc, const char **err)
{
    sqlite3 *db = native(c);
    const char *msg = db ? sqlite3_errmsg(db) : "no SQLite handle";

    int sys = db ? sqlite3_system_errno(db) : 0;

    apr_snprintf(c->errbuf, sizeof(c->errbuf), "%d: %s%s%s", rc, msg, sys ? "; " : "",
                 sys ? strerror(sys) : "");
    *err = c->errbuf;
    switch (rc & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: return ISMS_DB_BUSY;
    case SQLITE_READONLY:
        /* a handle SQLite opened read-only (the file was not writable then) stays so:
         * close it, so the first request after the fault clears opens the file anew */
        c->broken = 1;
        return ISMS_DB_READONLY;
    case SQLITE_FULL: return ISMS_DB_FULL;
    case SQLITE_IOERR:
        /* a write to a file system that was remounted read-only or ran out of space */
        if (sys == EROFS) {
            c->broken = 1;
            return ISMS_DB_READONLY;
        }
        if (sys == ENOSPC || sys == EDQUOT) return ISMS_DB_FULL;
        return ISMS_DB_UNAVAILABLE;
    case SQLITE_CORRUPT: case SQLITE_CANTOPEN: case SQLITE_NOTADB:
        return ISMS_DB_UNAVAILABLE;
    default: return ISMS_DB_ERROR;
    }
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

/* Prepared SELECTs of a connection, by their text. The SQL builder puts values into the text
 * (libdbi has no bound parameters), so only a statement run again with the same values hits:
 * rendering the same review again (after a write invalidated its cached body) runs the same
 * item SELECTs, and preparing a 40-column SELECT costs more than running it (measured: 23 % of
 * the Apache children's time in sqlite3_prepare_v2 under the 90/10 load mix). Statements are
 * reset after every use, so a cached one holds no lock. */
#define STMT_CACHE 48

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
    if (keep && cacheable(sql) && sqlite3_reset(st) == SQLITE_OK) {
        stmt_keep(c, sql, st);
        return;
    }
    sqlite3_finalize(st);
}

static isms_db_status run(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                          long long *affected, const char **err);

/* One statement; rows (out may be NULL) and the number of rows changed. The connection's
 * mutex is held for the whole statement: SQLite (serialized mode) takes it in every API
 * call, three per value read (type, text, bytes), and for 50,000 rows that was a quarter of
 * the dashboard's time in pthread_mutex_lock/unlock; it is recursive, so the inner calls of
 * the owner are cheap. A connection is used by one request at a time anyway. */
isms_db_status isms_sqlite_run(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                               long long *affected, const char **err)
{
    sqlite3 *db = native(c);
    sqlite3_mutex *m = db ? sqlite3_db_mutex(db) : NULL;
    isms_db_status st;

    if (m) sqlite3_mutex_enter(m);
    st = run(c, p, sql, out, affected, err);
    if (m) sqlite3_mutex_leave(m);
    return st;
}

static isms_db_status run(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                          long long *affected, const char **err)
{
    sqlite3 *db = native(c);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    values vs = {NULL, 0, 0};
    int rc, ncols, i, nrows = 0;

    if (!db) return fail(c, SQLITE_MISUSE, err);
    if (!cacheable(sql) || (st = stmt_take(c, sql)) == NULL) {
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
    stmt_done(c, sql, st, 1);
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

void isms_sqlite_busy_handler(void *dbi_handle, apr_pool_t *p, int timeout_ms)
{
    sqlite3 *db = (sqlite3 *)((dbi_conn_t *)dbi_handle)->connection;
    busy_state *b = apr_pcalloc(p, sizeof(*b));

    b->timeout_ms = timeout_ms;
    sqlite3_busy_handler(db, busy_wait, b);
}
