/* SPDX-License-Identifier: Apache-2.0 */
/* The one place that reads libdbi's private connection struct (dbi-dev.h): the client
 * library's own handle under a dbi_conn, which libdbi has no accessor for. SQLite statements
 * run on it (isms_store_sqlite.c: libdbi's sqlite3 driver parses every statement and runs
 * PRAGMA table_info per result column), and PostgreSQL's notices and connection status come
 * from it (isms_store_pgsql.c). libdbi still opens, configures and closes every connection.
 * The layout of dbi_conn_t is libdbi's internal ABI: configure checks that LIBDBI_VERSION is
 * the one this was written against (ISMS_LIBDBI_PRIVATE_VERSION, configure.ac). */
#include "config.h"
#include "isms_dialect.h"

#include <dbi/dbi.h>
#include <dbi/dbi-dev.h>

#if !defined(ISMS_LIBDBI_PRIVATE_VERSION) || LIBDBI_VERSION != ISMS_LIBDBI_PRIVATE_VERSION
#error "isms_dbi_native.c reads libdbi's dbi_conn_t of libdbi 0.9.0; configure checks this"
#endif

void *isms_dbi_native(void *dbi_conn)
{
    return dbi_conn ? ((dbi_conn_t *)dbi_conn)->connection : NULL;
}
