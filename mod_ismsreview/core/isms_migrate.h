/* SPDX-License-Identifier: Apache-2.0 */
/* Schema migrations: numbered files sql/<driver>/NNN_name.sql, embedded at build time
 * (build-aux/embed-sql.sh), applied in order in one transaction; schema_version records each. */
#ifndef ISMS_MIGRATE_H
#define ISMS_MIGRATE_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "isms_store.h"

typedef struct {
    const char *driver;
    int version;
    const char *name;
    const char *sql;
} isms_migration;

extern const isms_migration isms_migrations[];   /* ends with a NULL driver */

/* The schema version this build expects for a driver (its highest migration), 0 if none. */
int isms_migrate_expected(const char *driver);
/* How many migrations this build has for the driver (numbers assigned to parallel work may
 * be absent, so this can be less than the expected version). */
int isms_migrate_count(const char *driver);

/* The applied version (0 when schema_version does not exist yet). */
isms_db_status isms_migrate_current(isms_conn *c, apr_pool_t *p, int *version,
                                    const char **err);

/* The same with one statement when the ledger exists (health checks); outside a
 * transaction only, since a failing statement aborts a PostgreSQL transaction. */
isms_db_status isms_migrate_version(isms_conn *c, apr_pool_t *p, int *version,
                                    const char **err);

/* Applies every pending migration in one transaction (serialized against other processes:
 * BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL). *applied gets how many. */
isms_db_status isms_migrate_apply(isms_conn *c, apr_pool_t *p, int *applied, const char **err);
/* The same up to version upto only (an upgrade in steps; tests of a migration with data
 * made by the schema before it). */
isms_db_status isms_migrate_apply_to(isms_conn *c, apr_pool_t *p, int upto, int *applied,
                                     const char **err);

/* Splits a script into statements at ';' outside quotes, comments, $$-bodies and
 * CREATE TRIGGER ... END blocks. Statements are trimmed; empty ones are dropped. */
apr_array_header_t *isms_sql_split(apr_pool_t *p, const char *script);

#endif
