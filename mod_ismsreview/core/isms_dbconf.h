/* SPDX-License-Identifier: Apache-2.0 */
/* The database configuration: "driver key=value ..." as written in ISMSReviewDatabase or passed
 * to ismsreview-admin --database, parsed and validated once. */
#ifndef ISMS_DBCONF_H
#define ISMS_DBCONF_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <sys/types.h>

typedef enum { ISMS_DURABILITY_FULL = 0, ISMS_DURABILITY_NORMAL = 1 } isms_durability;

typedef struct {
    const char *key;
    const char *value;
    int numeric;          /* passed with dbi_conn_set_option_numeric */
    int ivalue;
} isms_dbopt;

typedef struct {
    const char *driver;          /* "sqlite3", "pgsql", "mysql" */
    apr_array_header_t *opts;    /* isms_dbopt */
    const char *sqlite_dir;      /* sqlite3_dbdir, for sqlite3 */
    const char *sqlite_file;     /* dbname, for sqlite3 */
    isms_durability durability;
    long long cache_bytes;       /* ISMSReviewCacheSize: the render cache's budget per child;
                                  * -1 (what the parser sets): the default */
    long long write_queue;       /* ISMSReviewWriteQueue: write requests per child at once;
                                  * 0 (what the parser sets): no bound */
    long long sqlite_cache_kib;  /* ISMSReviewSQLiteCache: KiB of page cache per SQLite
                                  * connection; 0 (what the parser sets): the default */
} isms_dbconf;

/* SQLite's page cache per pooled connection (PRAGMA cache_size=-KiB): the default is
 * SQLite's own (-2000), set explicitly so that the child's memory budget does not depend on
 * how SQLite was compiled. */
#define ISMS_SQLITE_CACHE_DEFAULT_KIB 2000
#define ISMS_SQLITE_CACHE_MIN_KIB 16
#define ISMS_SQLITE_CACHE_MAX_KIB (1024 * 1024)

/* The KiB of SQLite page cache of each connection: the configured or the default. */
long long isms_dbconf_sqlite_cache_kib(const isms_dbconf *c);

/* Parse a driver name and its key=value arguments. Returns NULL and sets *out, or an error
 * message (without the directive name; the caller prefixes it). */
const char *isms_dbconf_parse(apr_pool_t *p, const char *driver, int argc,
                              const char *const *argv, isms_dbconf **out);

/* Parse a whole "driver key=value ..." string (the admin tool's --database). */
const char *isms_dbconf_parse_line(apr_pool_t *p, const char *line, isms_dbconf **out);

/* The value of an option, or NULL. */
const char *isms_dbconf_get(const isms_dbconf *c, const char *key);

/* Is a libdbi driver of that name installed? Loads the drivers in a throw-away libdbi
 * instance. Returns NULL or an error message listing the installed drivers. */
const char *isms_dbconf_check_driver(apr_pool_t *p, const char *driver);

/* For sqlite3: the directory exists, is a directory, and the user (uid, gid) that will run
 * the queries may create files in it (and write the database file if it exists). Pass
 * uid == (uid_t)-1 to check for the calling process instead. Returns NULL or an error. */
const char *isms_dbconf_check_sqlite_dir(apr_pool_t *p, const isms_dbconf *c, uid_t uid,
                                         gid_t gid);

/* A printable form with the password masked, for logs. */
const char *isms_dbconf_describe(apr_pool_t *p, const isms_dbconf *c);

#endif
