/* SPDX-License-Identifier: Apache-2.0 */
/* The write baseline of bench/bench.py: a minimal Apache module doing exactly one INSERT per
 * POST through the module's own connection pool and transactions (isms_store.c: the same
 * libdbi connections, SQLite WAL + synchronous per ISMSReviewDurability, BEGIN IMMEDIATE
 * behind the process's write queue; PostgreSQL READ COMMITTED), in the same Apache, behind
 * the same Basic auth. Built by the bench only (linked with the core's libismscore.a), never
 * installed.
 *
 *   LoadModule bench_insert_module .../mod_bench_insert.so
 *   BenchInsertDatabase "sqlite3 sqlite3_dbdir=... dbname=..."   (ISMSReviewDatabase's words)
 *   <Location /isms/api/bench-insert> SetHandler bench-insert </Location>
 *
 * POST -> BEGIN; INSERT INTO bench_insert_scratch ...; COMMIT -> 201 {"ok":true};
 * busy -> 503; anything else -> 500. The table is created by bench/insert_baseline.c. */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "ap_mpm.h"
#include "apr_strings.h"
#include "apr_atomic.h"

#include <stdlib.h>

#include "isms_dbconf.h"
#include "isms_log.h"
#include "isms_store.h"

module AP_MODULE_DECLARE_DATA bench_insert_module;

typedef struct {
    const char *line;          /* the database, as ISMSReviewDatabase takes it */
    isms_store *store;         /* this child's pool (child_init) */
    const char *init_error;
    apr_uint32_t n;            /* a counter for the rows (any value would do) */
    int connections;           /* BenchInsertConnections, 0: one per thread */
} bench_conf;

static void *create_server(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(bench_conf));
}

static const char *set_database(cmd_parms *cmd, void *dummy, const char *line)
{
    bench_conf *c = ap_get_module_config(cmd->server->module_config, &bench_insert_module);

    c->line = line;
    return NULL;
}

/* BenchInsertConnections N: the pool's size, as ISMSReviewConnections (default: one per
 * thread), so both modules of a run queue for the database alike. */
static const char *set_connections(cmd_parms *cmd, void *dummy, const char *n)
{
    bench_conf *c = ap_get_module_config(cmd->server->module_config, &bench_insert_module);

    c->connections = atoi(n);
    return c->connections > 0 ? NULL : "BenchInsertConnections takes a number above 0";
}

static void log_to_apache(void *baton, isms_log_level level, int msgno, const char *msg)
{
    ap_log_error(APLOG_MARK, (int)level, 0, baton, "bench-insert %05d: %s", msgno, msg);
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    bench_conf *c = ap_get_module_config(s->module_config, &bench_insert_module);
    isms_dbconf *conf = NULL;
    const char *err;
    int threads = 1;

    if (!c->line) return;
    isms_log_set(log_to_apache, s);
    ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads);
    if ((err = isms_dbconf_parse_line(p, c->line, &conf)) != NULL ||
        isms_store_create(p, conf, c->connections > 0 && c->connections < threads
                                       ? c->connections : threads > 0 ? threads : 1,
                          &c->store, &err) != ISMS_DB_OK) {
        c->init_error = apr_pstrdup(p, err);
        c->store = NULL;
    }
}

/* One transaction, one row. */
static isms_db_status insert_one(bench_conf *c, apr_pool_t *p, const char **err)
{
    isms_conn *conn;
    isms_db_status st = isms_store_acquire(c->store, p, &conn, err);
    const char *sql;

    if (st != ISMS_DB_OK) return st;
    sql = apr_psprintf(p, "INSERT INTO bench_insert_scratch (thread_no, n, title, created_at) "
                       "VALUES (-1, %u, 'Set up an emergency patch window for critical "
                       "vulnerabilities', '2026-03-10T12:00:00Z')",
                       apr_atomic_inc32(&c->n));
    if ((st = isms_conn_begin(conn, 1, err)) != ISMS_DB_OK) return st;
    if ((st = isms_conn_exec(conn, sql, NULL, err)) != ISMS_DB_OK) {
        isms_conn_rollback(conn);
        return st;
    }
    return isms_conn_commit(conn, err);
}

static int handler(request_rec *r)
{
    bench_conf *c = ap_get_module_config(r->server->module_config, &bench_insert_module);
    const char *err = NULL;
    isms_db_status st;

    if (!r->handler || strcmp(r->handler, "bench-insert") != 0) return DECLINED;
    if (r->method_number != M_POST) return HTTP_METHOD_NOT_ALLOWED;
    if (ap_discard_request_body(r) != OK) return HTTP_BAD_REQUEST;
    if (!c->store) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "bench-insert: %s",
                      c->init_error ? c->init_error : "no BenchInsertDatabase");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    st = insert_one(c, r->pool, &err);
    if (st != ISMS_DB_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "bench-insert: %s", err ? err : "?");
        return st == ISMS_DB_BUSY || st == ISMS_DB_UNAVAILABLE ? HTTP_SERVICE_UNAVAILABLE
                                                               : HTTP_INTERNAL_SERVER_ERROR;
    }
    r->status = HTTP_CREATED;
    ap_set_content_type(r, "application/json");
    ap_rputs("{\"ok\":true}", r);
    return OK;
}

static const command_rec cmds[] = {
    AP_INIT_TAKE1("BenchInsertDatabase", set_database, NULL, RSRC_CONF,
                  "the database, as ISMSReviewDatabase takes it, in one string"),
    AP_INIT_TAKE1("BenchInsertConnections", set_connections, NULL, RSRC_CONF,
                  "the most connections of a child's pool (default: one per thread)"),
    {NULL}
};

static void register_hooks(apr_pool_t *p)
{
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(bench_insert) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, create_server, NULL, cmds, register_hooks,
    AP_MODULE_FLAG_NONE
};
