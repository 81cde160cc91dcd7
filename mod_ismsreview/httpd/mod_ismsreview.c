/* SPDX-License-Identifier: Apache-2.0 */
/* mod_ismsreview: the module record and the lifecycle hooks. */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "ap_mpm.h"
#include "mpm_common.h"
#include "http_core.h"
#include "unixd.h"

#include <unistd.h>

#include "isms_budget.h"
#include "isms_log.h"
#include "isms_migrate.h"


/* The request this thread is handling, so that a core log line written while handling it
 * reaches ap_log_rerror: the virtual host's ErrorLog and LogLevel, the client address and the
 * request's log id, as httpd's own lines about a request. A handler runs start to end on one
 * thread under every MPM (the event MPM suspends connections, not handlers). */
static __thread request_rec *current_request;

/* Core log lines go to the error log with their message number. */
static void log_to_apache(void *baton, isms_log_level level, int msgno, const char *msg)
{
    server_rec *s = baton;

    if (current_request) {
        ap_log_rerror(APLOG_MARK, (int)level, 0, current_request, "ISMS%05d: %s", msgno, msg);
    }
    else {
        ap_log_error(APLOG_MARK, (int)level, 0, s, "ISMS%05d: %s", msgno, msg);
    }
}

/* Runs for `apache2 -t` too, after every directive is read, when the User is known. */
static int isms_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    int uid_known = geteuid() == 0;
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        isms_server_conf *sc = ap_get_module_config(vs->module_config, &ismsreview_module);
        const char *err;

        if (!sc->db) continue;
        err = isms_dbconf_check_sqlite_dir(ptemp, sc->db,
                                           uid_known ? ap_unixd_config.user_id : (uid_t)-1,
                                           uid_known ? ap_unixd_config.group_id : (gid_t)-1);
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, vs, ISMS_LOGNO(21001)
                         "ISMSReviewDatabase: %s", err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

static int isms_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    isms_server_conf *sc = ap_get_module_config(s->module_config, &ismsreview_module);

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return OK;
    isms_routes_check_contract(ptemp, s);
    if (!sc->db) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, ISMS_LOGNO(21002)
                     "no ISMSReviewDatabase in the main server: requests to the ismsreview "
                     "handler get 503 unless their virtual host sets one");
    }
    return OK;
}

/* The expected schema version is there (SQLite: apply pending migrations first; the
 * BEGIN IMMEDIATE inside serializes the children that start at the same time). Checked in
 * child_init and on every request (isms_acquire, health): the schema may be moved by another
 * front end on the same database. */
isms_db_status isms_schema_check(isms_server_conf *sc, isms_conn *c, apr_pool_t *p,
                                 int *version, const char **err)
{
    const char *driver = sc->db->driver;
    int expected = isms_migrate_expected(driver), applied = 0;
    isms_db_status st;

    st = isms_migrate_version(c, p, version, err);
    if (st == ISMS_DB_OK && *version < expected && strcmp(driver, "sqlite3") == 0) {
        apr_thread_mutex_lock(sc->proc->lock);
        st = isms_migrate_apply(c, p, &applied, err);
        apr_thread_mutex_unlock(sc->proc->lock);
        if (st == ISMS_DB_OK) st = isms_migrate_current(c, p, version, err);
        if (st == ISMS_DB_OK && applied) {
            isms_log(ISMS_LOG_NOTICE, 21003, "applied %d SQLite migration(s); schema version "
                     "is now %d", applied, *version);
        }
    }
    if (st != ISMS_DB_OK) return st;
    if (*version != expected) {
        *err = apr_psprintf(p, "the database schema is at version %d but this build of "
                            "mod_ismsreview expects version %d: run `ismsreview-admin "
                            "--database '...' migrate`", *version, expected);
        sc->proc->schema_ok = 0;
        return ISMS_DB_SCHEMA;
    }
    sc->proc->schema_ok = 1;
    return ISMS_DB_OK;
}

/* The child's memory budget, once per store (a database shared by virtual hosts is one):
 * the module's caches and httpd's per-thread allocators (MaxMemFree, in bytes; 0 is
 * unlimited), so that an administrator can compare it with the child's resident set. */
static void log_budget(apr_pool_t *p, server_rec *s, isms_store *store, int threads)
{
    isms_budget b;

    isms_budget_of(store, threads, ap_max_mem_free, &b);
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, ISMS_LOGNO(21520)
                 "memory budget of a child for %s: %s",
                 isms_dbconf_describe(p, isms_store_conf(store)), isms_budget_describe(p, &b));
}

/* The connections of a child's pool: one per thread, or fewer (ISMSReviewConnections): then
 * requests wait their turn for one instead of all running at once, so the ones that hold a
 * row lock are not preempted by the others (and the child's memory is smaller). */
static int pool_size(const isms_server_conf *sc, int threads)
{
    return sc->connections != ISMS_UNSET && sc->connections < threads ? (int)sc->connections
                                                                      : threads;
}

static void init_proc(apr_pool_t *p, server_rec *s, isms_server_conf *sc, int threads)
{
    isms_proc *proc = sc->proc;
    const char *err = NULL;

    if (proc->store || proc->init_error) return;   /* shared with another server_rec */
    sc->db->durability = sc->durability == ISMS_DURABILITY_NORMAL ? ISMS_DURABILITY_NORMAL
                                                                  : ISMS_DURABILITY_FULL;
    sc->db->cache_bytes = sc->cache_bytes;      /* ISMS_UNSET (-1): the default */
    sc->db->write_queue = sc->write_queue == ISMS_UNSET ? 0 : sc->write_queue;
    sc->db->sqlite_cache_kib = sc->sqlite_cache_kib == ISMS_UNSET ? 0 : sc->sqlite_cache_kib;
    apr_thread_mutex_create(&proc->lock, APR_THREAD_MUTEX_DEFAULT, p);
    if (isms_store_create(p, sc->db, pool_size(sc, threads), &proc->store, &err) != ISMS_DB_OK) {
        proc->init_error = apr_pstrdup(p, err);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, ISMS_LOGNO(21004)
                     "cannot create the database pool for %s: %s",
                     isms_dbconf_describe(p, sc->db), err);
        return;
    }
    log_budget(p, s, proc->store, threads);
}

/* Connections are opened after fork, per child (never before); the schema is checked (and
 * SQLite migrated) eagerly here when the database is up, lazily on a request otherwise. */
static void isms_child_init(apr_pool_t *p, server_rec *s)
{
    int threads = 1;
    server_rec *vs;

    json_object_seed(0);   /* jansson seeds lazily, which races between threads */
    isms_log_set(log_to_apache, s);
    ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads);
    for (vs = s; vs; vs = vs->next) {
        isms_server_conf *sc = ap_get_module_config(vs->module_config, &ismsreview_module);
        apr_pool_t *tp;
        isms_conn *c;
        const char *err = NULL;
        int version;

        if (!sc->db) continue;
        init_proc(p, vs, sc, threads > 0 ? threads : 1);
        if (!sc->proc->store || sc->proc->schema_ok) continue;
        apr_pool_create(&tp, p);
        if (isms_store_acquire(sc->proc->store, tp, &c, &err) == ISMS_DB_OK &&
            isms_schema_check(sc, c, tp, &version, &err) == ISMS_DB_SCHEMA) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, vs, ISMS_LOGNO(21005) "%s", err);
        }
        apr_pool_destroy(tp);
    }
}

static int isms_handler(request_rec *r)
{
    int rc;

    if (!r->handler || strcmp(r->handler, "ismsreview") != 0) return DECLINED;
    current_request = r;
    rc = isms_handle_request(r);
    current_request = NULL;
    return rc;
}

static void isms_register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(isms_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(isms_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(isms_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(isms_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(ismsreview) = {
    STANDARD20_MODULE_STUFF,
    isms_create_dir_conf,
    isms_merge_dir_conf,
    isms_create_server_conf,
    isms_merge_server_conf,
    isms_cmds,
    isms_register_hooks,
    AP_MODULE_FLAG_NONE
};
