/* SPDX-License-Identifier: Apache-2.0 */
/* The dialect table (isms_dialect.h): the one place that knows the databases by name. */
#include "isms_dialect.h"

#include <apr_strings.h>
#include <errno.h>
#include <sqlite3.h>
#include <string.h>

/* ---- error classification ---- */

/* SQLite: the extended result code and the system errno of the statement. */
static isms_db_status sqlite_classify(int code, int sys, const char *msg, int *broken)
{
    (void)msg;
    switch (code & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: return ISMS_DB_BUSY;
    case SQLITE_READONLY:
        /* a handle SQLite opened read-only (the file was not writable then) stays so:
         * close it, so the first request after the fault clears opens the file anew */
        *broken = 1;
        return ISMS_DB_READONLY;
    case SQLITE_FULL: return ISMS_DB_FULL;
    case SQLITE_IOERR:
        /* a write to a file system that was remounted read-only or ran out of space */
        if (sys == EROFS) {
            *broken = 1;
            return ISMS_DB_READONLY;
        }
        if (sys == ENOSPC || sys == EDQUOT) return ISMS_DB_FULL;
        return ISMS_DB_UNAVAILABLE;
    case SQLITE_CORRUPT: case SQLITE_CANTOPEN: case SQLITE_NOTADB:
        return ISMS_DB_UNAVAILABLE;
    default: return ISMS_DB_ERROR;
    }
}

/* PostgreSQL: libdbi gives no SQLSTATE, so the start of the server's message (lc_messages
 * C), never words that may be names in the statement. Serialization failure and deadlock;
 * 25006 read_only_sql_transaction (default_transaction_read_only, a hot standby); 53100
 * disk_full ("could not extend file", "could not write"). */
static isms_db_status pgsql_classify(int code, int sys, const char *msg, int *broken)
{
    (void)code;
    (void)sys;
    if (!strncmp(msg, "ERROR:  could not serialize", 27) ||
        !strncmp(msg, "ERROR:  deadlock detected", 25)) {
        return ISMS_DB_BUSY;
    }
    if (!strncmp(msg, "ERROR:  cannot execute ", 23) &&
        strstr(msg, " in a read-only transaction")) {
        *broken = 1;     /* its session keeps the setting: the next request reconnects */
        return ISMS_DB_READONLY;
    }
    if (!strncmp(msg, "ERROR:  could not extend file", 29) ||
        strstr(msg, "No space left on device")) {
        return ISMS_DB_FULL;
    }
    return ISMS_DB_ERROR;
}

/* MariaDB: 1205 lock wait timeout, 1213 deadlock; 2006 server has gone away, 2013 lost
 * connection (a client that reconnects in its ping would otherwise make this look like an
 * error of the statement); 1290 with --read-only (SET GLOBAL read_only, a replica); 1021
 * disk full, 1114 a table (InnoDB tablespace) that cannot grow, or a write failing with
 * ENOSPC. */
static isms_db_status mysql_classify(int code, int sys, const char *msg, int *broken)
{
    (void)sys;
    if (code == 1205 || code == 1213) return ISMS_DB_BUSY;
    if (code == 2006 || code == 2013) {
        *broken = 1;
        return ISMS_DB_UNAVAILABLE;
    }
    if (code == 1290 && strstr(msg, "read-only")) return ISMS_DB_READONLY;
    if (code == 1021 || code == 1114 || strstr(msg, "No space left on device")) {
        return ISMS_DB_FULL;
    }
    return ISMS_DB_ERROR;
}

/* SQLite is a local file: never lost. */
static int always_alive(void *dbi_conn)
{
    (void)dbi_conn;
    return 1;
}

/* ---- privileges (ismsreview-admin check-config) ---- */

/* PostgreSQL: has_table_privilege (a list in it means "any of", so one call each). */
static const char *pgsql_missing_privileges(apr_pool_t *p)
{
    (void)p;
    return "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON "
           "n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
           "c.relkind IN ('r', 'p') AND NOT (has_table_privilege(c.oid, "
           "'SELECT') AND has_table_privilege(c.oid, 'INSERT') AND "
           "has_table_privilege(c.oid, 'UPDATE') AND "
           "has_table_privilege(c.oid, 'DELETE')) ORDER BY c.relname";
}

/* MariaDB: tables of the database on which the user lacks one of SELECT, INSERT, UPDATE,
 * DELETE, from the grants information_schema shows for the current user: global, database
 * and table grants (not privileges that come through a role or a database wildcard). */
#define MYSQL_GRANTEE "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', " \
                      "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')"

static const char *mysql_missing_privileges(apr_pool_t *p)
{
    static const char *const privs[] = {"SELECT", "INSERT", "UPDATE", "DELETE"};
    const char *sql = "SELECT t.table_name FROM information_schema.tables t WHERE "
                      "t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND (";
    size_t i;

    for (i = 0; i < sizeof(privs) / sizeof(privs[0]); i++) {
        sql = apr_psprintf(p, "%s%sNOT (EXISTS (SELECT 1 FROM information_schema.user_privileges "
                           "u WHERE u.grantee = " MYSQL_GRANTEE " AND u.privilege_type = '%s') "
                           "OR EXISTS (SELECT 1 FROM information_schema.schema_privileges s "
                           "WHERE s.grantee = " MYSQL_GRANTEE " AND s.table_schema = DATABASE() "
                           "AND s.privilege_type = '%s') OR EXISTS (SELECT 1 FROM "
                           "information_schema.table_privileges tp WHERE tp.grantee = "
                           MYSQL_GRANTEE " AND tp.table_schema = DATABASE() AND tp.table_name "
                           "= t.table_name AND tp.privilege_type = '%s'))", sql, i ? " OR " : "",
                           privs[i], privs[i], privs[i]);
    }
    return apr_pstrcat(p, sql, ") ORDER BY t.table_name", NULL);
}

/* ---- options ---- */

static const isms_dialect_opt sqlite3_opts[] = {
    {"dbname", 0}, {"sqlite3_dbdir", 0}, {"sqlite3_timeout", 1}, {"timeout", 1},
    {"encoding", 0}, {NULL, 0}};
static const isms_dialect_opt pgsql_opts[] = {
    {"host", 0}, {"port", 1}, {"dbname", 0}, {"username", 0}, {"password", 0},
    {"options", 0}, {"timeout", 1}, {"encoding", 0}, {NULL, 0}};
static const isms_dialect_opt mysql_opts[] = {
    {"host", 0}, {"port", 1}, {"dbname", 0}, {"username", 0}, {"password", 0},
    {"timeout", 1}, {"encoding", 0}, {NULL, 0}};

/* ---- setup ---- */

/* foreign_keys per connection; synchronous by ISMSReviewDurability: FULL (the default)
 * survives power loss, NORMAL survives a crash of the process but may lose the last commits
 * on power loss. WAL and the busy handler: isms_sqlite_setup. */
static const char *const sqlite3_setup[] = {"PRAGMA foreign_keys=ON", NULL};

/* MariaDB session: the SQL the core writes is standard SQL as PostgreSQL and SQLite read it
 * ("identifiers", || concatenation), strict (an error, never a silent truncation or a zero
 * date), utf8mb4 compared byte for byte, UTC, and READ COMMITTED for writes as on pgsql
 * (reads set REPEATABLE READ for their one transaction: before_read). */
static const char *const mysql_setup[] = {
    "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,STRICT_ALL_TABLES,NO_ZERO_DATE,"
    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin",
    "SET SESSION time_zone = '+00:00'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET SESSION default_storage_engine = InnoDB",
    NULL};

static const char *const no_setup[] = {NULL};

/* ---- the table ---- */

static const isms_dialect dialects[] = {
    {
        .name = "sqlite3",
        .options = sqlite3_opts,
        .check_conf = isms_dbconf_check_sqlite,
        .setup = isms_sqlite_setup,
        .setup_sql = sqlite3_setup,
        .durability_sql = {"PRAGMA synchronous=FULL", "PRAGMA synchronous=NORMAL"},
        .alive = always_alive,
        .run = isms_sqlite_run,
        .run_bound = isms_sqlite_run_bound,
        .conn_free = isms_sqlite_stmts_free,
        .conn_page_cache = 1,
        .classify = sqlite_classify,
        .begin_write = "BEGIN IMMEDIATE",
        .begin_read = "BEGIN",
        .lock_timeout_option = "sqlite3_timeout",
        .table_exists = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s",
        .table_columns = "SELECT name FROM pragma_table_info(%s) ORDER BY cid",
        .seal_trigger_drop = "DROP TRIGGER IF EXISTS %k_sealed_update",
        .seal_trigger = isms_guard_trigger_sqlite,
        .now_utc = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        .insert_ignore = "INSERT INTO ",
        .insert_ignore_tail = " ON CONFLICT DO NOTHING",
        .insert_keep_tail = " ON CONFLICT DO NOTHING",
        .update_returning = 1,
        .int_div = "/",
        .export = {
            .list_tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                           "substr(name, 1, 7) <> 'sqlite_' ORDER BY name",
            .list_columns = "SELECT name, type FROM pragma_table_info(%s) ORDER BY cid",
            .ident = "\"%k\"",
            .real_text = "\"%k\"",   /* the store reads a REAL back exactly */
            .key_order = "\"%k\"",
        },
    },
    {
        .name = "pgsql",
        .options = pgsql_opts,
        .init = isms_pgsql_init,
        .setup = isms_pgsql_setup,
        .setup_sql = no_setup,
        .alive = isms_pgsql_alive,
        .classify = pgsql_classify,
        .begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED",
        .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        .table_exists = "SELECT table_name FROM information_schema.tables WHERE table_schema "
                        "= current_schema() AND table_name = %s",
        .migration_lock = "SELECT pg_advisory_xact_lock(4927372)",
        .seal_trigger_drop = "DROP TRIGGER IF EXISTS %k_sealed ON %k",
        .seal_trigger = isms_guard_trigger_pgsql,
        .missing_privileges = pgsql_missing_privileges,
        .superuser = "SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper",
        .superuser_warning = "the role is a superuser, which can switch off the guard "
                             "triggers: give Apache an ordinary role",
        .now_utc = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        .insert_ignore = "INSERT INTO ",
        .insert_ignore_tail = " ON CONFLICT DO NOTHING",
        .insert_keep_tail = " ON CONFLICT DO NOTHING",
        .update_returning = 1,
        .int_div = "/",
        .batch = 1,
        .export = {
            /* pg_tables, not information_schema: that hides tables the role has no right on */
            .list_tables = "SELECT tablename FROM pg_tables WHERE schemaname = "
                           "current_schema() ORDER BY tablename",
            .list_columns = "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = %s ORDER "
                            "BY ordinal_position",
            .ident = "\"%k\"",
            .real_text = "CAST(\"%k\" AS TEXT)",
            .key_order = "\"%k\" COLLATE \"C\"",
            .reset_sequence = "SELECT setval(pg_get_serial_sequence('%k', 'id'), "
                              "COALESCE(MAX(id), 0) + 1, false) FROM \"%k\"",
            .after_import = "VACUUM ANALYZE",
        },
    },
    /* MariaDB: the session is READ COMMITTED, as pgsql's writes; a read is one consistent
     * snapshot, as pgsql's REPEATABLE READ READ ONLY. DDL commits implicitly, so the
     * migration lock is a named lock, held past the statements. */
    {
        .name = "mysql",
        .options = mysql_opts,
        .found_rows_option = "mysql_client_found_rows",
        .setup_sql = mysql_setup,
        .alive = isms_dbi_ping,
        .classify = mysql_classify,
        .begin_write = "START TRANSACTION READ WRITE",
        .begin_read = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
        .before_read = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        .table_exists = "SELECT table_name FROM information_schema.tables WHERE table_schema "
                        "= DATABASE() AND table_name = %s",
        .table_columns = "SELECT column_name FROM information_schema.columns WHERE "
                         "table_schema = DATABASE() AND table_name = %s ORDER BY "
                         "ordinal_position",
        .migration_lock = "SELECT GET_LOCK('ismsreview.migrate', 60)",
        .migration_unlock = "SELECT RELEASE_LOCK('ismsreview.migrate')",
        .ddl_commits = 1,
        .seal_trigger_drop = "DROP TRIGGER IF EXISTS %k_sealed_update",
        .seal_trigger = isms_guard_trigger_mysql,
        .missing_privileges = mysql_missing_privileges,
        .superuser = "SELECT 1 FROM information_schema.user_privileges WHERE grantee = "
                     MYSQL_GRANTEE " AND privilege_type = 'SUPER'",
        .superuser_warning = "the user has SUPER, which can write past read_only: give "
                             "Apache an ordinary user",
        .now_utc = "DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ')",
        .insert_ignore = "INSERT IGNORE INTO ",
        .insert_ignore_tail = "",
        .ignore_truncates = 1,
        .insert_keep_tail = " ON DUPLICATE KEY UPDATE %k = %k",
        .update_returning = 0,
        .int_div = "DIV",
        .export = {
            .list_tables = "SELECT table_name FROM information_schema.tables WHERE "
                           "table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY "
                           "table_name",
            .list_columns = "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = DATABASE() AND table_name = %s ORDER BY "
                            "ordinal_position",
            .ident = "`%k`",
            .real_text = "CAST(`%k` AS CHAR)",
            .key_order = "BINARY `%k`",
        },
    },
};

const isms_dialect *isms_dialect_find(const char *driver)
{
    size_t i;

    for (i = 0; driver && i < sizeof(dialects) / sizeof(dialects[0]); i++) {
        if (strcmp(dialects[i].name, driver) == 0) return &dialects[i];
    }
    return NULL;
}

const char *isms_dialect_names(apr_pool_t *p)
{
    const char *s = "";
    size_t i;

    for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
        s = apr_pstrcat(p, s, i ? ", " : "", dialects[i].name, NULL);
    }
    return s;
}
