/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin export / import: the whole database as portable JSON (see
 * export_import.c for the format), for backups and for moving between SQLite, PostgreSQL and
 * MySQL/MariaDB. Both return the tool's exit codes: 0 success, 1 failure, 2 usage. */
#ifndef ISMS_EXPORT_IMPORT_H
#define ISMS_EXPORT_IMPORT_H

#include <apr_pools.h>
#include "isms_store.h"

/* Writes the database to file ("-" or NULL: stdout), read in one snapshot transaction. */
int isms_admin_export(apr_pool_t *p, isms_conn *c, const char *file);

/* Loads an export ("-": stdin) into an empty database migrated to the same schema version,
 * in one transaction that is committed only when the audit chain and every sealed version
 * verify in it. */
int isms_admin_import(apr_pool_t *p, isms_conn *c, const char *file);

#endif
