/* SPDX-License-Identifier: Apache-2.0 */
/* The SQL dialects as data: one isms_dialect per libdbi driver (sqlite3, pgsql, mysql), in
 * isms_dialect.c. Everything that differs between the databases is a field or a hook here;
 * the rest of the code picks the dialect once (isms_dialect_find, isms_conn_dialect) and never
 * compares driver names (tests/unit/check_dialect_literals.sh). libdbi opens and owns every
 * connection; the hooks that need the client library's own handle get it from
 * isms_dbi_native (isms_dbi_native.c, the one place that reads libdbi's private struct). */
#ifndef ISMS_DIALECT_H
#define ISMS_DIALECT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "isms_store.h"

struct isms_sql;
struct isms_entity;

/* A connection option the driver understands (ISMSReviewDatabase key=value). */
typedef struct {
    const char *key;
    int numeric;
} isms_dialect_opt;

struct isms_dialect {
    const char *name;              /* the libdbi driver name */

    /* ---- configuration (isms_dbconf.c) */
    const isms_dialect_opt *options;   /* the options it understands, {NULL} ended */
    /* checks and completes the parsed options (SQLite: sqlite3_dbdir, dbname, timeout);
     * NULL: dbname is required. Returns an error message or NULL. */
    const char *(*check_conf)(apr_pool_t *p, isms_dbconf *c);

    /* ---- connection (isms_store_dbi.c) */
    const char *found_rows_option;     /* a numeric libdbi option set to 1, or NULL
                                        * (MariaDB: affected = matched rows, as elsewhere) */
    void (*init)(void);                /* once per store, before any connection, or NULL */
    /* per new connection, before setup_sql: what is not plain SQL (SQLite: WAL, busy
     * handler; PostgreSQL: the notice processor), or NULL. p lives as long as it. */
    int (*setup)(void *dbi_conn, const isms_dbconf *conf, apr_pool_t *p,
                 const char **err);
    const char *const *setup_sql;      /* run on each new connection, NULL ended */
    const char *durability_sql[2];     /* by isms_durability (FULL, NORMAL), or NULLs */
    /* the connection still works, without a round trip where the client can tell;
     * called only after a statement failed */
    int (*alive)(void *dbi_conn);
    /* runs one statement itself instead of libdbi (SQLite: isms_store_sqlite.c), or NULL */
    isms_db_status (*run)(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                          long long *affected, const char **err);
    /* runs the bound form of a statement (isms_sql_bound), or NULL: text only */
    isms_db_status (*run_bound)(isms_conn *c, apr_pool_t *p, const char *sql,
                                const apr_array_header_t *params, isms_rows **out,
                                long long *affected, const char **err);
    void (*conn_free)(isms_conn *c);   /* before a connection is closed, or NULL */
    int conn_page_cache;               /* each connection keeps its own page cache of
                                        * ISMSReviewSQLiteCache KiB (SQLite; a server
                                        * caches pages in the server), a term of the
                                        * child's memory budget (isms_budget.c) */

    /* ---- errors: the status of a failed statement from the driver's code (SQLite: the
     * extended result code and the system errno) or the server's message; sets *broken
     * when the connection must not be used again. ISMS_DB_ERROR: check alive. */
    isms_db_status (*classify)(int code, int sys_errno, const char *msg, int *broken);

    /* ---- transactions (isms_store.c) */
    const char *begin_write;       /* starts a read-then-write transaction */
    const char *begin_read;
    const char *before_read;       /* run before begin_read, or NULL (MariaDB: the isolation
                                    * level of the next transaction) */
    const char *lock_timeout_option;   /* writers of a process queue on a mutex for this
                                        * option's milliseconds (SQLite's single writer), or
                                        * NULL for servers */

    /* ---- schema (isms_migrate.c, isms_guards.c) */
    const char *table_exists;      /* with %s for the table name; returns a row if it does */
    const char *table_columns;     /* with %s; the column names in order, or NULL when the
                                    * seal trigger needs none */
    const char *migration_lock;    /* run inside the migration transaction, or NULL */
    const char *migration_unlock;  /* releases migration_lock after the transaction, or NULL */
    int ddl_commits;               /* DDL commits implicitly: a failed migration may be half
                                    * applied (MariaDB) */
    const char *seal_trigger_drop; /* with %k twice: the table, the table */
    struct isms_sql *(*seal_trigger)(isms_conn *c, apr_pool_t *p,
                                     const struct isms_entity *e,
                                     const apr_array_header_t *cols);

    /* the tables lacking SELECT, INSERT, UPDATE or DELETE for this role (a query, one
     * column), or NULL (SQLite: file permissions); ismsreview-admin check-config */
    const char *(*missing_privileges)(apr_pool_t *p);
    const char *superuser;         /* returns a row when the role can bypass the triggers */
    const char *superuser_warning;

    /* ---- ismsreview-admin export/import (tools/export_import.c) */
    struct {
        const char *list_tables;      /* the schema's base tables, not the engine's own */
        const char *list_columns;     /* %s table; rows: column name, declared type */
        const char *ident;            /* a quoted identifier from %k */
        const char *real_text;        /* a REAL column as text that reads back exactly; %k */
        const char *key_order;        /* a text key column in byte order; %k */
        const char *reset_sequence;   /* %k table, %k table; NULL where explicit ids move it */
        const char *after_import;     /* run after COMMIT, or NULL: PostgreSQL's VACUUM
                                       * ANALYZE (the dashboard summary's rows were updated
                                       * once per imported action: dead tuples and no
                                       * statistics, which made the dashboard several times
                                       * slower) */
    } export;

    /* ---- SQL shapes */
    const char *now_utc;           /* an expression for the current UTC timestamp */
    /* insert-or-ignore: insert_ignore, then "table (cols) VALUES (...)", then
     * insert_ignore_tail; affected is 0 when the key existed */
    const char *insert_ignore;
    const char *insert_ignore_tail;
    int ignore_truncates;          /* insert_ignore also turns errors into warnings
                                    * (MariaDB INSERT IGNORE: a too long value is cut) */
    const char *insert_keep_tail;  /* after INSERT ... VALUES, with %k twice for a column
                                    * that is not the key: keeps an existing row (waiting for
                                    * its lock) and fails on any other error */
    int update_returning;          /* UPDATE ... RETURNING works (MariaDB: INSERT only;
                                    * update, then SELECT the row this transaction locked) */
    const char *int_div;           /* the operator of integer division (MariaDB: / is exact): the
                                    * dashboard's burn-down buckets */
    int batch;                     /* several statements, ';'-separated, run in one call and
                                    * one round trip (PostgreSQL's simple query protocol) */
};

/* The dialect of a libdbi driver, or NULL. */
const isms_dialect *isms_dialect_find(const char *driver);
/* "sqlite3, pgsql, mysql" */
const char *isms_dialect_names(apr_pool_t *p);

/* ---- the hooks of the table, by where they live */
/* isms_store_sqlite.c: statements on the handle libdbi opened, and its setup */
isms_db_status isms_sqlite_run(isms_conn *c, apr_pool_t *p, const char *sql, isms_rows **out,
                               long long *affected, const char **err);
isms_db_status isms_sqlite_run_bound(isms_conn *c, apr_pool_t *p, const char *sql,
                                     const apr_array_header_t *params, isms_rows **out,
                                     long long *affected, const char **err);
void isms_sqlite_stmts_free(isms_conn *c);
int isms_sqlite_setup(void *dbi_conn, const isms_dbconf *conf, apr_pool_t *p,
                      const char **err);
/* isms_store_pgsql.c: libpq's notice processor and status, through the PGconn */
void isms_pgsql_init(void);
int isms_pgsql_setup(void *dbi_conn, const isms_dbconf *conf, apr_pool_t *p, const char **err);
int isms_pgsql_alive(void *dbi_conn);
/* isms_store_dbi.c */
int isms_dbi_ping(void *dbi_conn);
const char *isms_dbi_errmsg(apr_pool_t *p, void *dbi_conn);
/* isms_guards.c: the seal trigger of a table */
struct isms_sql *isms_guard_trigger_sqlite(isms_conn *c, apr_pool_t *p,
                                           const struct isms_entity *e,
                                           const apr_array_header_t *cols);
struct isms_sql *isms_guard_trigger_mysql(isms_conn *c, apr_pool_t *p,
                                          const struct isms_entity *e,
                                          const apr_array_header_t *cols);
struct isms_sql *isms_guard_trigger_pgsql(isms_conn *c, apr_pool_t *p,
                                          const struct isms_entity *e,
                                          const apr_array_header_t *cols);
/* isms_dbconf.c */
const char *isms_dbconf_check_sqlite(apr_pool_t *p, isms_dbconf *c);

/* The client library's connection under a libdbi connection (sqlite3 *, PGconn *), or NULL
 * (isms_dbi_native.c). */
void *isms_dbi_native(void *dbi_conn);

#endif
