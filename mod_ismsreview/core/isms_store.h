/* SPDX-License-Identifier: Apache-2.0 */
/* The store: a per-process pool of database connections behind a table of functions
 * (mod_dav's repository hooks pattern). isms_store_dbi.c implements it with libdbi; the SQL
 * dialect differences between sqlite3, pgsql and mysql live in the dialect table
 * (isms_dialect.h). */
#ifndef ISMS_STORE_H
#define ISMS_STORE_H

#include <apr_pools.h>
#include "isms_dbconf.h"

typedef enum {
    ISMS_DB_OK = 0,
    ISMS_DB_UNAVAILABLE,    /* cannot connect, or the connection broke */
    ISMS_DB_SCHEMA,         /* schema is not the version this build expects */
    ISMS_DB_BUSY,           /* lock timeout / serialization failure: safe to retry */
    ISMS_DB_ERROR,          /* the statement failed */
    ISMS_DB_READONLY,       /* the database takes no writes: read-only file system, file or
                               transaction (SQLITE_READONLY, EROFS; PostgreSQL 25006) */
    ISMS_DB_FULL            /* no space left for the write (SQLITE_FULL, ENOSPC; PG 53100) */
} isms_db_status;

typedef struct isms_store isms_store;
typedef struct isms_conn isms_conn;

/* A result, loaded whole: values as strings (NULL for SQL NULL), row-major. */
typedef struct {
    int nrows, ncols;
    const char **names;
    const char **values;
} isms_rows;

#define ISMS_ROW(rs, r, c) ((rs)->values[(r) * (rs)->ncols + (c)])

typedef struct isms_dialect isms_dialect;   /* isms_dialect.h */

typedef struct {
    isms_db_status (*connect)(isms_store *s, apr_pool_t *p, void **handle, const char **err);
    void (*disconnect)(isms_store *s, void *handle);
    /* the connection still works, as far as the client library knows without a round trip
     * (PostgreSQL: PQstatus); called only after a statement failed */
    int (*alive)(isms_store *s, void *handle);
    isms_db_status (*exec)(isms_conn *c, const char *sql, long long *affected,
                           const char **err);
    isms_db_status (*query)(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                            const char **err);
    const char *(*quote)(isms_conn *c, apr_pool_t *p, const char *value);
} isms_store_ops;

/* Creates the store of this process (call after fork: in child_init, or once in a tool).
 * max is the largest number of connections (Apache's threads per child). */
isms_db_status isms_store_create(apr_pool_t *p, const isms_dbconf *conf, int max,
                                 isms_store **out, const char **err);

/* One connection for the life of pool p (a request pool), without a round trip: no liveness
 * probe. The first statement after acquire that finds the connection lost (a server restart
 * while it sat in the pool) is run once more on a fresh connection when it cannot have
 * changed anything (SELECT, BEGIN, START, SET outside a transaction); a connection that broke
 * during use is closed instead of going back to the pool when p is cleared. Rolls back an
 * open transaction. */
isms_db_status isms_store_acquire(isms_store *s, apr_pool_t *p, isms_conn **out,
                                  const char **err);

const isms_dialect *isms_store_dialect(const isms_store *s);
const isms_dbconf *isms_store_conf(const isms_store *s);
/* The most connections the pool opens (one per thread of the process). */
int isms_store_pool_max(const isms_store *s);

/* Statements on an acquired connection. */
isms_db_status isms_conn_exec(isms_conn *c, const char *sql, long long *affected,
                              const char **err);
isms_db_status isms_conn_query(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                               const char **err);

/* A statement of the SQL builder: its bound form where the dialect has one (isms_sql_bound:
 * SQLite, prepared once per connection), else its text; rows into *out when out is not NULL,
 * else the rows changed into *affected (may be NULL). */
struct isms_sql;
isms_db_status isms_conn_run_sql(isms_conn *c, apr_pool_t *p, const struct isms_sql *q,
                                 isms_rows **out, long long *affected, const char **err);
const char *isms_conn_quote(isms_conn *c, apr_pool_t *p, const char *value);
const isms_dialect *isms_conn_dialect(const isms_conn *c);
/* The store's cache of rendered bodies (isms_cache.h); NULL if it could not be created. */
struct isms_cache *isms_conn_cache(const isms_conn *c);
struct isms_cache *isms_store_cache(const isms_store *s);

/* Admission of a write request (isms_txn_write): counts it among this process's writers
 * and returns 1, or returns 0 without counting it when ISMSReviewWriteQueue of them are
 * already running or waiting for the database. Every 1 is followed by one leave. */
int isms_conn_write_enter(isms_conn *c);
void isms_conn_write_leave(isms_conn *c);
/* The writers of this process now, and the most there were at once (the queue's depth). */
void isms_store_writers(const isms_store *s, unsigned *now, unsigned *peak);

/* Transactions: write transactions take the write lock up front (BEGIN IMMEDIATE on
 * SQLite), so a read-then-write never fails half-way on a lock upgrade. */
isms_db_status isms_conn_begin(isms_conn *c, int write, const char **err);
isms_db_status isms_conn_commit(isms_conn *c, const char **err);
void isms_conn_rollback(isms_conn *c);
/* The last statements of a transaction (NULL ended), then COMMIT: in one round trip where the
 * dialect batches (so locks taken just before are held for one round trip, not three), else
 * one after the other. On failure the transaction is rolled back. */
isms_db_status isms_conn_exec_commit(isms_conn *c, apr_pool_t *p, const char *const *stmts,
                                     const char **err);

/* Gives the connection back to its pool before p ends (an open transaction is rolled back),
 * so the response can be sent while another request uses it. */
void isms_conn_release(isms_conn *c, apr_pool_t *p);

/* Marks the connection broken so it is closed instead of reused. */
void isms_conn_invalidate(isms_conn *c);

/* The libdbi implementation. */
extern const isms_store_ops isms_store_dbi_ops;
isms_db_status isms_store_dbi_init(isms_store *s, apr_pool_t *p, const char **err);

/* Internals shared between isms_store.c and isms_store_dbi.c. */
struct isms_conn {
    isms_store *store;
    void *handle;
    int in_txn;
    int broken;
    int write_locked;           /* holds the store's write mutex (SQLite write transaction) */
    int fresh;                  /* no statement run since acquire: a lost connection is retried */
    apr_pool_t *pool;           /* the pool's, for a reconnect in place */
    struct isms_sqlite_stmts *stmts;   /* SQLite: prepared SELECTs (isms_store_sqlite.c) */
    char errbuf[512];           /* the last error of exec, valid until the next statement */
};
void *isms_store_backend(isms_store *s);
void isms_store_set_backend(isms_store *s, void *backend);

/* A double as text that parses back to the same double (every driver's REAL columns) */
const char *isms_real_text(apr_pool_t *p, double d);

#include "isms_dialect.h"

#endif
