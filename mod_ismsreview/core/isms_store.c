/* SPDX-License-Identifier: Apache-2.0 */
/* The generic half of the store: the connection pool (apr_reslist, as mod_dbd) and
 * transactions, as the connection's dialect (isms_dialect.c) writes them. The driver half is a table of functions (isms_store_ops). */
#include "isms_store.h"
#include "isms_sql.h"
#include "isms_log.h"
#include "isms_cache.h"

#include <apr_atomic.h>
#include <apr_reslist.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* how long a request waits for a connection of its process's pool before a 503 */
#define ISMS_POOL_WAIT_SECONDS 30
#include <strings.h>

struct isms_store {
    apr_pool_t *pool;
    const isms_dbconf *conf;
    const isms_dialect *dialect;
    const isms_store_ops *ops;
    void *backend;
    apr_reslist_t *conns;
    int max;                       /* the most connections the pool opens */
    apr_thread_mutex_t *lock;      /* serializes connect/close: libdbi is not thread-safe there */
    isms_cache *cache;             /* rendered bodies, validated per request (isms_cache.h) */
    /* SQLite (the dialect's lock_timeout_option): the write transactions of this process
     * queue here, in the kernel, instead of all polling SQLite's write lock (the busy
     * handler of isms_store_sqlite.c); NULL for servers */
    apr_thread_mutex_t *write_lock;
    apr_interval_time_t write_wait;
    /* write requests of this process running or waiting for the database
     * (ISMSReviewWriteQueue), and the most there were at once */
    volatile apr_uint32_t writers, writers_peak;
    char last_error[512];
};

void *isms_store_backend(isms_store *s) { return s->backend; }
void isms_store_set_backend(isms_store *s, void *b) { s->backend = b; }
const isms_dialect *isms_store_dialect(const isms_store *s) { return s->dialect; }
const isms_dbconf *isms_store_conf(const isms_store *s) { return s->conf; }
const isms_dialect *isms_conn_dialect(const isms_conn *c) { return c->store->dialect; }
isms_cache *isms_conn_cache(const isms_conn *c) { return c->store->cache; }
isms_cache *isms_store_cache(const isms_store *s) { return s->cache; }
int isms_store_pool_max(const isms_store *s) { return s->max; }

int isms_conn_write_enter(isms_conn *c)
{
    isms_store *s = c->store;
    apr_uint32_t n = apr_atomic_inc32(&s->writers) + 1, peak;

    while ((peak = apr_atomic_read32(&s->writers_peak)) < n &&
           apr_atomic_cas32(&s->writers_peak, n, peak) != peak) {
    }
    if (s->conf->write_queue > 0 && n > (apr_uint32_t)s->conf->write_queue) {
        apr_atomic_dec32(&s->writers);
        return 0;
    }
    return 1;
}

void isms_conn_write_leave(isms_conn *c)
{
    apr_atomic_dec32(&c->store->writers);
}

void isms_store_writers(const isms_store *s, unsigned *now, unsigned *peak)
{
    *now = apr_atomic_read32((volatile apr_uint32_t *)&s->writers);
    *peak = apr_atomic_read32((volatile apr_uint32_t *)&s->writers_peak);
}

static void conn_free(isms_conn *c)
{
    if (c->store->dialect->conn_free) c->store->dialect->conn_free(c);
}

static apr_status_t conn_construct(void **res, void *params, apr_pool_t *pool)
{
    isms_store *s = params;
    const char *err = NULL;
    isms_conn *c = apr_pcalloc(pool, sizeof(*c));
    isms_db_status st;

    c->store = s;
    c->pool = pool;
    apr_thread_mutex_lock(s->lock);
    st = s->ops->connect(s, pool, &c->handle, &err);
    if (st != ISMS_DB_OK) {
        apr_cpystrn(s->last_error, err ? err : "cannot connect", sizeof(s->last_error));
    }
    apr_thread_mutex_unlock(s->lock);
    if (st != ISMS_DB_OK) return APR_EGENERAL;
    *res = c;
    return APR_SUCCESS;
}

static apr_status_t conn_destruct(void *res, void *params, apr_pool_t *pool)
{
    isms_store *s = params;
    isms_conn *c = res;

    conn_free(c);                 /* SQLite refuses to close with open statements */
    apr_thread_mutex_lock(s->lock);
    s->ops->disconnect(s, c->handle);
    apr_thread_mutex_unlock(s->lock);
    return APR_SUCCESS;
}

isms_db_status isms_store_create(apr_pool_t *p, const isms_dbconf *conf, int max,
                                 isms_store **out, const char **err)
{
    isms_store *s = apr_pcalloc(p, sizeof(*s));

    s->pool = p;
    s->conf = conf;
    s->ops = &isms_store_dbi_ops;
    if (!(s->dialect = isms_dialect_find(conf->driver))) {
        *err = apr_psprintf(p, "no SQL dialect for driver %s", conf->driver);
        return ISMS_DB_ERROR;
    }
    if (apr_thread_mutex_create(&s->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        *err = "cannot create the store mutex";
        return ISMS_DB_ERROR;
    }
    if (s->dialect->lock_timeout_option) {
        const char *t = isms_dbconf_get(conf, s->dialect->lock_timeout_option);
        s->write_wait = apr_time_from_msec(t ? atoi(t) : 5000);
        if (apr_thread_mutex_create(&s->write_lock, APR_THREAD_MUTEX_TIMED, p) != APR_SUCCESS) {
            *err = "cannot create the store's write mutex";
            return ISMS_DB_ERROR;
        }
    }
    /* 256 rendered reviews of at most 4 MB each per process and database, and at most
     * ISMSReviewCacheSize bytes in all */
    s->cache = isms_cache_create(p, 256, 4u << 20);
    if (conf->cache_bytes >= 0) isms_cache_set_budget(s->cache, (size_t)conf->cache_bytes);
    /* The backend registers its own cleanup first, so it is torn down after the pool. */
    if (isms_store_dbi_init(s, p, err) != ISMS_DB_OK) return ISMS_DB_ERROR;
    /* min 0: nothing is opened here, so a database that is down at start-up is simply
     * connected later, on the first acquire that finds it up. */
    s->max = max < 1 ? 1 : max;
    if (apr_reslist_create(&s->conns, 0, s->max, s->max, 0,
                           conn_construct, conn_destruct, s, p) != APR_SUCCESS) {
        *err = "cannot create the connection pool";
        return ISMS_DB_ERROR;
    }
    /* with fewer connections than threads (ISMSReviewConnections) a request waits its turn */
    apr_reslist_timeout_set(s->conns, apr_time_from_sec(ISMS_POOL_WAIT_SECONDS));
    *out = s;
    return ISMS_DB_OK;
}

static void write_unlock(isms_conn *c)
{
    if (!c->write_locked) return;
    c->write_locked = 0;
    apr_thread_mutex_unlock(c->store->write_lock);
}

static apr_status_t conn_release(void *data)
{
    isms_conn *c = data;

    if (c->in_txn && !c->broken) isms_conn_rollback(c);
    write_unlock(c);
    if (c->broken) {
        apr_reslist_invalidate(c->store->conns, c);
    }
    else {
        apr_reslist_release(c->store->conns, c);
    }
    return APR_SUCCESS;
}

void isms_conn_release(isms_conn *c, apr_pool_t *p)
{
    apr_pool_cleanup_run(p, c, conn_release);
}

isms_db_status isms_store_acquire(isms_store *s, apr_pool_t *p, isms_conn **out,
                                  const char **err)
{
    isms_conn *c = NULL;
    apr_status_t rv = apr_reslist_acquire(s->conns, (void **)&c);

    if (APR_STATUS_IS_TIMEUP(rv)) {
        *err = apr_psprintf(p, "all %d database connections of this process stayed in use "
                            "for %d s (ISMSReviewConnections)", s->max,
                            ISMS_POOL_WAIT_SECONDS);
        return ISMS_DB_BUSY;
    }
    if (rv != APR_SUCCESS) {
        apr_thread_mutex_lock(s->lock);
        *err = apr_pstrdup(p, s->last_error);
        apr_thread_mutex_unlock(s->lock);
        return ISMS_DB_UNAVAILABLE;
    }
    c->in_txn = 0;
    c->broken = 0;
    c->fresh = 1;
    apr_pool_cleanup_register(p, c, conn_release, apr_pool_cleanup_null);
    *out = c;
    return ISMS_DB_OK;
}

/* A statement that changes nothing when it runs twice, or half: the only ones retried. */
static int is_harmless(const char *sql)
{
    static const char *const words[] = {"SELECT ", "BEGIN", "START ", "SET "};
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strncasecmp(sql, words[i], strlen(words[i])) == 0) return 1;
    }
    return 0;
}

/* Replaces the lost handle of c by a new connection, in place (c stays this request's). */
static isms_db_status reconnect(isms_conn *c, const char **err)
{
    isms_store *s = c->store;
    isms_db_status st;
    void *h = NULL;

    conn_free(c);
    apr_thread_mutex_lock(s->lock);
    s->ops->disconnect(s, c->handle);
    c->handle = NULL;
    st = s->ops->connect(s, c->pool, &h, err);
    if (st != ISMS_DB_OK) {
        apr_cpystrn(s->last_error, *err ? *err : "cannot connect", sizeof(s->last_error));
    }
    apr_thread_mutex_unlock(s->lock);
    if (st != ISMS_DB_OK) return st;
    c->handle = h;
    c->broken = 0;
    isms_log(ISMS_LOG_INFO, 21014, "the database connection was lost while idle (%s); "
             "reconnected", c->errbuf);
    return ISMS_DB_OK;
}

/* The first statement after acquire that finds the connection lost: once more on a new one */
static int retry_lost(isms_conn *c, isms_db_status st, const char *sql, const char **err)
{
    int first = c->fresh;

    c->fresh = 0;
    if (!first || st != ISMS_DB_UNAVAILABLE || !c->broken || c->in_txn || !is_harmless(sql)) {
        return 0;
    }
    apr_cpystrn(c->errbuf, *err ? *err : "connection lost", sizeof(c->errbuf));
    return reconnect(c, err) == ISMS_DB_OK;
}

/* after a reconnect that failed: the request reports it, the pool discards the connection */
static isms_db_status closed(const char **err)
{
    *err = "the database connection was lost and cannot be made again";
    return ISMS_DB_UNAVAILABLE;
}

isms_db_status isms_conn_exec(isms_conn *c, const char *sql, long long *affected,
                              const char **err)
{
    long long dummy;
    isms_db_status st;

    if (!c->handle) return closed(err);
    st = c->store->ops->exec(c, sql, affected ? affected : &dummy, err);
    if (retry_lost(c, st, sql, err)) {
        st = c->store->ops->exec(c, sql, affected ? affected : &dummy, err);
    }
    return st;
}

isms_db_status isms_conn_query(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                               const char **err)
{
    isms_db_status st;

    if (!c->handle) return closed(err);
    st = c->store->ops->query(c, p, sql, out, err);
    if (retry_lost(c, st, sql, err)) st = c->store->ops->query(c, p, sql, out, err);
    return st;
}

isms_db_status isms_conn_run_sql(isms_conn *c, apr_pool_t *p, const struct isms_sql *q,
                                 isms_rows **out, long long *affected, const char **err)
{
    const apr_array_header_t *params = NULL;
    const char *text = isms_sql_text(q), *bound = isms_sql_bound(q, &params);

    if (!text) {
        *err = isms_sql_error(q);
        return ISMS_DB_ERROR;
    }
    if (!bound) {
        return out ? isms_conn_query(c, p, text, out, err) : isms_conn_exec(c, text, affected,
                                                                            err);
    }
    if (!c->handle) return closed(err);
    return c->store->dialect->run_bound(c, p, bound, params, out, affected, err);
}

const char *isms_conn_quote(isms_conn *c, apr_pool_t *p, const char *value)
{
    return c->store->ops->quote(c, p, value);
}

isms_db_status isms_conn_begin(isms_conn *c, int write, const char **err)
{
    const isms_dialect *d = c->store->dialect;
    isms_db_status st = ISMS_DB_OK;

    if (write && c->store->write_lock && !c->write_locked) {
        if (apr_thread_mutex_timedlock(c->store->write_lock, c->store->write_wait) !=
            APR_SUCCESS) {
            *err = "database is locked: timed out waiting for this process's other write "
                   "transaction";
            return ISMS_DB_BUSY;
        }
        c->write_locked = 1;
    }
    if (!write && d->before_read) st = isms_conn_exec(c, d->before_read, NULL, err);
    if (st == ISMS_DB_OK) {
        st = isms_conn_exec(c, write ? d->begin_write : d->begin_read, NULL, err);
    }
    if (st == ISMS_DB_OK) c->in_txn = 1;   /* a failed BEGIN leaves an open one open */
    else if (!c->in_txn) write_unlock(c);
    return st;
}

isms_db_status isms_conn_commit(isms_conn *c, const char **err)
{
    isms_db_status st = isms_conn_exec(c, "COMMIT", NULL, err);

    if (st != ISMS_DB_OK) {
        isms_conn_rollback(c);
        return st;
    }
    c->in_txn = 0;
    write_unlock(c);
    return ISMS_DB_OK;
}

isms_db_status isms_conn_exec_commit(isms_conn *c, apr_pool_t *p, const char *const *stmts,
                                     const char **err)
{
    isms_db_status st = ISMS_DB_OK;
    const char *all = "";
    int i;

    if (!c->store->dialect->batch) {
        for (i = 0; stmts[i] && st == ISMS_DB_OK; i++) st = isms_conn_exec(c, stmts[i], NULL, err);
        if (st != ISMS_DB_OK) {
            isms_conn_rollback(c);
            return st;
        }
        return isms_conn_commit(c, err);
    }
    for (i = 0; stmts[i]; i++) all = apr_pstrcat(p, all, stmts[i], "; ", NULL);
    if ((st = isms_conn_exec(c, apr_pstrcat(p, all, "COMMIT", NULL), NULL, err)) !=
        ISMS_DB_OK) {
        isms_conn_rollback(c);
        return st;
    }
    c->in_txn = 0;
    write_unlock(c);
    return ISMS_DB_OK;
}

void isms_conn_rollback(isms_conn *c)
{
    char keep[sizeof(c->errbuf)];
    const char *err = NULL;

    /* callers report the error that made them roll back, which lives in errbuf: a failing
     * ROLLBACK (SQLite has already rolled back after SQLITE_FULL) must not replace it */
    memcpy(keep, c->errbuf, sizeof(keep));
    if (isms_conn_exec(c, "ROLLBACK", NULL, &err) != ISMS_DB_OK) {
        c->broken = 1;   /* state unknown: never hand this connection out again */
    }
    memcpy(c->errbuf, keep, sizeof(keep));
    c->in_txn = 0;
    write_unlock(c);
}

void isms_conn_invalidate(isms_conn *c)
{
    c->broken = 1;
}

/* A REAL as text that reads back as the same double, on every driver: the shortest of
 * %.15g/%.16g/%.17g that round-trips, with ".0" kept for integral values as SQLite writes
 * them. SQLite's own text has 15 digits (a stored 0.1 + 0.2 would read back as 0.3) and its
 * printf is inexact beyond 16; libdbi renders pgsql/mysql doubles with %e (six digits). */
const char *isms_real_text(apr_pool_t *p, double d)
{
    char buf[40];
    int prec;

    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    if (!strpbrk(buf, ".eEnN")) return apr_pstrcat(p, buf, ".0", NULL);
    return apr_pstrdup(p, buf);
}
