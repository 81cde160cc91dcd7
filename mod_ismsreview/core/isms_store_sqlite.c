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
#include <dbi/dbi.h>
#include <dbi/dbi-dev.h>
#include <errno.h>
#include <sqlite3.h>
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
        push(p, vs, apr_pstrmemdup(p, (const char *)sqlite3_column_text(st, i),
                                   (apr_size_t)sqlite3_column_bytes(st, i)));
    }
}

/* One statement; rows (out may be NULL) and the number of rows changed. */
isms_db_status isms_sqlite_run(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                               long long *affected, const char **err)
{
    sqlite3 *db = native(c);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    values vs = {NULL, 0, 0};
    int rc, ncols, i, nrows = 0;

    if (!db) return fail(c, SQLITE_MISUSE, err);
    if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail)) != SQLITE_OK) return fail(c, rc, err);
    while (tail && apr_isspace(*tail)) tail++;
    if (!st || (tail && *tail)) {                 /* one statement per call, never silently */
        sqlite3_finalize(st);
        apr_cpystrn(c->errbuf, "one SQL statement per call", sizeof(c->errbuf));
        *err = c->errbuf;
        return ISMS_DB_ERROR;
    }
    ncols = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out) read_row(p, st, ncols, &vs);
        nrows++;
    }
    if (rc != SQLITE_DONE) {
        isms_db_status s = fail(c, sqlite3_extended_errcode(db), err);
        sqlite3_finalize(st);
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
    sqlite3_finalize(st);
    return ISMS_DB_OK;
}
