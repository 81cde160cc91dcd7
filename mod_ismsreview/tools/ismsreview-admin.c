/* ismsreview-admin: operations on the mod_ismsreview database, linked against the same core
 * as the module. Exit codes: 0 success, 1 failure, 2 usage. */
#include <apr_general.h>
#include <apr_getopt.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms_dbconf.h"
#include "isms_log.h"
#include "isms_migrate.h"
#include "isms_store.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
    fprintf(f,
        "usage: ismsreview-admin [--database 'DRIVER key=value ...'] COMMAND\n"
        "\n"
        "The database is given as in the ISMSReviewDatabase directive, with --database or\n"
        "the environment variable ISMSREVIEW_DATABASE, e.g.\n"
        "  --database 'pgsql host=db1 dbname=isms username=isms password=secret'\n"
        "  --database 'sqlite3 dbname=isms.db sqlite3_dbdir=/var/lib/ismsreview'\n"
        "\n"
        "commands:\n"
        "  migrate   apply pending schema migrations (PostgreSQL, MySQL; SQLite is migrated\n"
        "            by the module itself at start-up, but this works for it too)\n"
        "  status    print the applied and the expected schema version; exit 1 if they differ\n"
        "  help      this text\n");
}

static void log_stderr(void *baton, isms_log_level level, int msgno, const char *msg)
{
    if (level <= ISMS_LOG_NOTICE) fprintf(stderr, "ismsreview-admin: %s\n", msg);
}

static int open_conn(apr_pool_t *p, const char *spec, isms_conn **c)
{
    isms_dbconf *conf;
    isms_store *store;
    const char *err = NULL;

    if ((err = isms_dbconf_parse_line(p, spec, &conf)) != NULL) {
        fprintf(stderr, "ismsreview-admin: --database: %s\n", err);
        return EXIT_USAGE;
    }
    if (isms_store_create(p, conf, 1, &store, &err) != ISMS_DB_OK ||
        isms_store_acquire(store, p, c, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: cannot connect to %s: %s\n",
                isms_dbconf_describe(p, conf), err);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

static int cmd_migrate(apr_pool_t *p, isms_conn *c)
{
    const char *err = NULL;
    int applied = 0, version = 0;

    if (isms_migrate_apply(c, p, &applied, &err) != ISMS_DB_OK ||
        isms_migrate_current(c, p, &version, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: migrate failed, nothing applied: %s\n", err);
        return EXIT_FAILURE;
    }
    if (applied) printf("applied %d migration(s); schema version %d\n", applied, version);
    else printf("schema version %d is current; nothing to apply\n", version);
    return EXIT_SUCCESS;
}

static int cmd_status(apr_pool_t *p, isms_conn *c)
{
    const char *err = NULL;
    int version = 0, expected = isms_migrate_expected(isms_conn_dialect(c)->name);

    if (isms_migrate_current(c, p, &version, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: status: %s\n", err);
        return EXIT_FAILURE;
    }
    printf("schema version %d (this build expects %d)%s\n", version, expected,
           version == expected ? "" : ": run `ismsreview-admin migrate`");
    return version == expected ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int run(apr_pool_t *p, const char *spec, const char *cmd)
{
    isms_conn *c;
    int rc;

    if (strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_SUCCESS;
    }
    if (strcmp(cmd, "migrate") != 0 && strcmp(cmd, "status") != 0) {
        fprintf(stderr, "ismsreview-admin: unknown command '%s'\n", cmd);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!spec) {
        fprintf(stderr, "ismsreview-admin: no database: use --database or "
                        "ISMSREVIEW_DATABASE\n");
        return EXIT_USAGE;
    }
    if ((rc = open_conn(p, spec, &c)) != EXIT_SUCCESS) return rc;
    return strcmp(cmd, "migrate") == 0 ? cmd_migrate(p, c) : cmd_status(p, c);
}

int main(int argc, const char *const *argv)
{
    static const apr_getopt_option_t opts[] = {
        {"database", 'd', 1, "database specification"},
        {"help", 'h', 0, "help"},
        {NULL, 0, 0, NULL}};
    apr_pool_t *p;
    apr_getopt_t *g;
    const char *spec = getenv("ISMSREVIEW_DATABASE"), *arg;
    apr_status_t rv;
    int ch, rc;

    apr_app_initialize(&argc, &argv, NULL);
    apr_pool_create(&p, NULL);
    isms_log_set(log_stderr, NULL);
    apr_getopt_init(&g, p, argc, argv);
    while ((rv = apr_getopt_long(g, opts, &ch, &arg)) == APR_SUCCESS) {
        if (ch == 'h') {
            usage(stdout);
            return EXIT_SUCCESS;
        }
        spec = arg;
    }
    if (rv != APR_EOF || g->ind != argc - 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    rc = run(p, spec, argv[g->ind]);
    apr_pool_destroy(p);
    apr_terminate();
    return rc;
}
