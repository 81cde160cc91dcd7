/* SPDX-License-Identifier: Apache-2.0 */
/* The libdbi side of the store. One dbi_inst per process (dbi_initialize_r, after fork); one
 * dbi_conn per pooled connection, never shared between threads. */
#include "isms_store.h"
#include "isms_log.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <dbi/dbi.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    dbi_inst inst;
    const isms_dbconf *conf;
    const isms_dialect *dialect;
} dbi_backend;

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
    b->dialect = isms_store_dialect(s);
    if (b->dialect->init) b->dialect->init();   /* here, not racing in a request */
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

const char *isms_dbi_errmsg(apr_pool_t *p, void *conn)
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

static isms_db_status setup_stmt(dbi_conn conn, const char *sql, apr_pool_t *p,
                                 const char **err)
{
    dbi_result r = dbi_conn_query(conn, sql);

    if (!r) {
        *err = apr_pstrcat(p, sql, ": ", isms_dbi_errmsg(p, conn), NULL);
        return ISMS_DB_UNAVAILABLE;
    }
    dbi_result_free(r);
    return ISMS_DB_OK;
}

/* Per-connection settings of the dialect (isms_dialect.c): its hook, the statement of the
 * configured durability, then its statements. */
static isms_db_status setup(dbi_conn conn, const dbi_backend *b, apr_pool_t *p,
                            const char **err)
{
    const isms_dialect *d = b->dialect;
    const char *durable = d->durability_sql[b->conf->durability == ISMS_DURABILITY_NORMAL];
    const char *const *sql;

    if (d->setup && d->setup(conn, b->conf, p, err) != 0) return ISMS_DB_UNAVAILABLE;
    if (durable && setup_stmt(conn, durable, p, err) != ISMS_DB_OK) return ISMS_DB_UNAVAILABLE;
    for (sql = d->setup_sql; sql && *sql; sql++) {
        if (setup_stmt(conn, *sql, p, err) != ISMS_DB_OK) return ISMS_DB_UNAVAILABLE;
    }
    return ISMS_DB_OK;
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
    if (set_options(conn, b->conf) != 0 || (b->dialect->found_rows_option &&
        dbi_conn_set_option_numeric(conn, b->dialect->found_rows_option, 1) != 0)) {
        *err = "libdbi refused a connection option";
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    if (dbi_conn_connect(conn) < 0) {
        *err = isms_dbi_errmsg(p, conn);
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    if (setup(conn, b, p, err) != ISMS_DB_OK) {
        dbi_conn_close(conn);
        return ISMS_DB_UNAVAILABLE;
    }
    *handle = conn;
    return ISMS_DB_OK;
}

static void dbi_disconnect(isms_store *s, void *handle)
{
    if (handle) dbi_conn_close(handle);
}

int isms_dbi_ping(void *handle)
{
    return dbi_conn_ping(handle) == 1;
}

/* After a failed statement: the dialect's test, without a round trip where it can. */
static int dbi_alive(isms_store *s, void *handle)
{
    return isms_store_dialect(s)->alive(handle);
}

/* Classifies a failed statement by the dialect (isms_dialect.c) from the driver's error
 * code and the server's message. A lost connection makes the connection unusable. */
static isms_db_status classify(isms_conn *c, const char *msg)
{
    const char *m = msg;
    int code = dbi_conn_error(c->handle, &m);
    isms_db_status st;

    /* libdbi may put a number and ": " before the server's message */
    m = msg;
    while (apr_isdigit(*m)) m++;
    if (m != msg && m[0] == ':' && m[1] == ' ') msg = m + 2;
    st = isms_conn_dialect(c)->classify(code, 0, msg, &c->broken);
    if (st == ISMS_DB_ERROR && !dbi_alive(c->store, c->handle)) {
        c->broken = 1;
        return ISMS_DB_UNAVAILABLE;
    }
    return st;
}

static isms_db_status dbi_exec(isms_conn *c, const char *sql, long long *affected,
                               const char **err)
{
    dbi_result r;
    const char *msg = NULL;

    if (isms_conn_dialect(c)->run) {
        return isms_conn_dialect(c)->run(c, NULL, sql, NULL, affected, err);
    }
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

    if (isms_conn_dialect(c)->run) return isms_conn_dialect(c)->run(c, p, sql, out, NULL, err);
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
