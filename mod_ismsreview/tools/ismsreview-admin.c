/* SPDX-License-Identifier: Apache-2.0 */
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
#include "isms_guards.h"
#include "isms_store.h"
#include "isms_api.h"
#include "isms_attach.h"
#include "isms_audit.h"
#include "isms_canon.h"
#include "isms_sql.h"
#include "isms_workflow.h"
#include "isms_report.h"
#include "verify_evidence.h"
#include "export_import.h"
#include "check_config.h"
#include "isms_schema.h"
#include "people_csv.h"
#include "notify.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
    fprintf(f,
        "usage: ismsreview-admin [--database 'DRIVER key=value ...'] COMMAND [ARGS]\n"
        "\n"
        "The database is given as in the ISMSReviewDatabase directive, with --database or\n"
        "the environment variable ISMSREVIEW_DATABASE, e.g.\n"
        "  --database 'pgsql host=db1 dbname=isms username=isms password=secret'\n"
        "  --database 'sqlite3 dbname=isms.db sqlite3_dbdir=/var/lib/ismsreview'\n"
        "\n"
        "commands:\n"
        "  migrate [N]    apply pending schema migrations (SQLite is also migrated by the\n"
        "                 module at start-up); with N only up to schema version N\n"
        "  status         applied and expected schema version; exit 1 if they differ\n"
        "  verify         re-hash the audit chain and every sealed review version, and\n"
        "                 compare the live record of every sealed review with its seal; exit 1\n"
        "                 naming the first bad event or version; with --checkpoint FILE also\n"
        "                 that the chain still holds that checkpoint; with --evidence-dir DIR\n"
        "                 (or ISMSREVIEW_EVIDENCE_DIR) every attachment file; and that the\n"
        "                 dashboard's summary equals a computation from the actions\n"
        "  rebuild-summary\n"
        "                 recompute the dashboard's summary (migration 013) from the actions,\n"
        "                 in one transaction (when verify says it differs)\n"
        "  checkpoint     print {\"checkpoint_at\",\"events\",\"head\"} of the verified chain, to\n"
        "                 keep outside the database for verify --checkpoint\n"
        "  export [FILE]  the whole database as portable JSON (FILE or - for stdout), read in\n"
        "                 one snapshot, safe while Apache runs\n"
        "  import FILE    load an export (or - for stdin) into a new, migrated, empty\n"
        "                 database of any driver, in one transaction; refused, with nothing\n"
        "                 changed, unless the file is valid and its audit chain and sealed\n"
        "                 versions verify\n"
        "  people-import FILE.csv\n"
        "                 load the people register from CSV (header row: login,\n"
        "                 display_name, job_title, function, email, top_management, active),\n"
        "                 upsert by login in one transaction; any bad row is reported with\n"
        "                 its line number and nothing changes\n"
        "  people-export [FILE]\n"
        "                 the people register as CSV (FILE or - for stdout)\n"
        "  seal-columns   print, per record kind, the columns of its table and whether each\n"
        "                 may change once the review is no longer a draft (tracking and\n"
        "                 workflow columns, from the entity descriptors), no database; the\n"
        "                 seal guards that migrate creates follow it\n"
        "  check-config [APACHE_CONF]\n"
        "                 check the ISMSReview* directives of an Apache configuration\n"
        "                 (following Include/IncludeOptional), or --database, and each\n"
        "                 database: driver, options, SQLite directory writable by the Apache\n"
        "                 user (--user, default the config's User or www-data), connection,\n"
        "                 schema version, WAL mode, PostgreSQL privileges; one OK/WARN/FAIL\n"
        "                 line per check\n"
        "  verify-evidence FILE.zip\n"
        "                 check an evidence pack (GET v1/reviews/{id}/evidence) offline, without\n"
        "                 a database: files, sizes, SHA-256, manifest, sealed record.json, and\n"
        "                 the audit extract's chain\n"
        "  openapi        print the OpenAPI 3.1 contract of the API (docs/openapi.json; the\n"
        "                 module serves the same at GET v1/openapi.json), no database\n"
        "  schema         print the record kinds as GET v1/schema returns them, no database\n"
        "  notify [--days N] [--mail-domain DOMAIN] [--sendmail PATH | --smtp HOST:PORT]\n"
        "         [--from ADDRESS] [--base-url URL] [--dry-run]\n"
        "                 one digest mail a day to each person with something to do: action\n"
        "                 owners (overdue, due within N days, default 14), top managers of the\n"
        "                 people register (reviews awaiting their approval), authors (actions\n"
        "                 to verify or re-plan, communications not sent, the next review due);\n"
        "                 addresses from the people register, else LOGIN@DOMAIN; sent with\n"
        "                 PATH -t -i (default /usr/sbin/sendmail) or over SMTP; each mail\n"
        "                 recorded after the MTA took it (and in the audit trail), so a second\n"
        "                 run the same day sends nothing new; --dry-run prints the mails\n"
        "  help           this text (also --help)\n"
        "\n"
        "options: --database SPEC, --checkpoint FILE (verify), --evidence-dir DIR (verify),\n"
        "         --user NAME (check-config)\n"
        "exit codes: 0 success, 1 failure (a check failed, data refused, database error),\n"
        "            2 usage (unknown command or option, missing argument, unreadable file)\n");
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

static int cmd_migrate(apr_pool_t *p, isms_conn *c, const char *upto_arg)
{
    const char *err = NULL;
    int applied = 0, version = 0, expected = isms_migrate_expected(isms_conn_dialect(c)->name);
    int upto = expected;
    char *end = NULL;

    if (upto_arg) {
        long v = strtol(upto_arg, &end, 10);
        if (!*upto_arg || *end || v < 1 || v > expected) {
            fprintf(stderr, "ismsreview-admin: migrate N: N must be a schema version from 1 "
                            "to %d; see `ismsreview-admin --help`\n", expected);
            return EXIT_USAGE;
        }
        upto = (int)v;
    }
    if (isms_migrate_apply_to(c, p, upto, &applied, &err) != ISMS_DB_OK ||
        isms_migrate_current(c, p, &version, &err) != ISMS_DB_OK) {
        /* MariaDB commits each DDL statement: a failed migration may be half there, and
         * its statements are written to be run again (sql/mysql/001_schema_version.sql) */
        fprintf(stderr, "ismsreview-admin: migrate failed, %s: %s\n",
                isms_conn_dialect(c)->ddl_commits
                    ? "the failed migration may be partly applied (MariaDB commits DDL); "
                      "run migrate again once the cause is fixed"
                    : "nothing applied", err);
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

static int verify_versions(apr_pool_t *p, isms_conn *c)
{
    isms_rows *rs;
    const char *err = NULL;
    int i, bad = 0;

    if (isms_conn_query(c, p, "SELECT review_id, version, content_hash, content FROM "
                              "review_version ORDER BY review_id, version", &rs, &err) !=
        ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: verify: %s\n", err);
        return EXIT_FAILURE;
    }
    for (i = 0; i < rs->nrows; i++) {
        const char *content = ISMS_ROW(rs, i, 3);
        const char *h = isms_sha256_hex(p, content, strlen(content), NULL, 0);
        if (strcmp(h, ISMS_ROW(rs, i, 2)) != 0) {
            printf("sealed version BROKEN: review %s version %s: content does not match its "
                   "hash\n", ISMS_ROW(rs, i, 0), ISMS_ROW(rs, i, 1));
            bad = 1;
        }
    }
    printf("sealed versions: %d checked, %s\n", rs->nrows, bad ? "NOT intact" : "intact");
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}

static const char *checkpoint_file;   /* --checkpoint FILE for verify */
static const char *evidence_dir;      /* --evidence-dir DIR (or ISMSREVIEW_EVIDENCE_DIR) */

/* Every attachment file re-hashed against its row and the sealed versions that list it. */
static int verify_attachments(apr_pool_t *p, isms_conn *c)
{
    apr_array_header_t *problems = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *unused = apr_array_make(p, 4, sizeof(const char *));
    apr_hash_t *known = apr_hash_make(p);
    long long n = 0;
    const char *err = NULL;
    isms_ctx ctx;
    int i;

    if (!evidence_dir) {
        printf("attachments: not checked (give --evidence-dir, the ISMSReviewEvidenceDir)\n");
        return EXIT_SUCCESS;
    }
    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    if (isms_attach_verify_all(&ctx, evidence_dir, problems, &n, known, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: verify: %s\n", err);
        return EXIT_FAILURE;
    }
    for (i = 0; i < problems->nelts; i++) {
        printf("attachment BROKEN: %s\n", APR_ARRAY_IDX(problems, i, const char *));
    }
    printf("attachments: %lld checked, %s\n", n, problems->nelts ? "NOT intact" : "intact");
    /* not a failure: files no attachment names (deleted drafts, cut-off uploads) */
    isms_att_unreferenced(p, evidence_dir, known, unused);
    for (i = 0; i < unused->nelts; i++) {
        printf("attachment file unused (may be removed): %s\n",
               APR_ARRAY_IDX(unused, i, const char *));
    }
    return problems->nelts ? EXIT_FAILURE : EXIT_SUCCESS;
}
static const char *run_user;          /* --user for check-config */

/* A checkpoint kept outside the database (syslog, a ticket, another system): the chain must
 * still hold that event with that hash, so a chain truncated or rewritten consistently
 * (triggers dropped, head moved) is caught. */
/* The checkpoint file, read before the database is touched, so that a bad file is a usage
 * error (exit 2) whatever state the database is in. */
static json_t *checkpoint;

static int load_checkpoint(void)
{
    json_error_t jerr;

    checkpoint = json_load_file(checkpoint_file, JSON_REJECT_DUPLICATES, &jerr);
    if (!checkpoint || json_integer_value(json_object_get(checkpoint, "events")) < 1 ||
        !json_string_value(json_object_get(checkpoint, "head"))) {
        fprintf(stderr, "ismsreview-admin: %s is not a checkpoint written by "
                        "`ismsreview-admin checkpoint`\n", checkpoint_file);
        return EXIT_USAGE;
    }
    return EXIT_SUCCESS;
}

static int check_checkpoint(apr_pool_t *p, isms_conn *c)
{
    json_t *cp = checkpoint;
    json_int_t n = json_integer_value(json_object_get(cp, "events"));
    const char *head = json_string_value(json_object_get(cp, "head")), *err = NULL;
    isms_sql *q;
    isms_rows *rs;
    int rc = EXIT_SUCCESS;

    q = isms_sql_new(p, c);
    isms_sql_appendf(q, "SELECT hash FROM audit_event WHERE seq = %d", (long long)n);
    if (isms_conn_query(c, p, isms_sql_text(q), &rs, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: verify: %s\n", err);
        rc = EXIT_FAILURE;
    }
    else if (rs->nrows == 0) {
        printf("checkpoint: BROKEN: event %" JSON_INTEGER_FORMAT " of the checkpoint is gone "
               "(the chain was truncated)\n", n);
        rc = EXIT_FAILURE;
    }
    else if (strcmp(ISMS_ROW(rs, 0, 0), head) != 0) {
        printf("checkpoint: BROKEN: event %" JSON_INTEGER_FORMAT " no longer has the "
               "checkpoint's hash (the chain was rewritten)\n", n);
        rc = EXIT_FAILURE;
    }
    else {
        printf("checkpoint: event %" JSON_INTEGER_FORMAT " still has hash %s\n", n, head);
    }
    json_decref(cp);
    return rc;
}

/* Prints one JSON line {"checkpoint_at", "events", "head"} of a verified chain. */
static int cmd_checkpoint(apr_pool_t *p, isms_conn *c)
{
    isms_ctx ctx;
    isms_result r;
    json_t *out;

    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    r = isms_audit_verify(&ctx);
    if (r.status != 200 || !json_is_true(json_object_get(r.body, "valid"))) {
        fprintf(stderr, "ismsreview-admin: checkpoint: the audit chain does not verify; run "
                        "`ismsreview-admin verify`\n");
        return EXIT_FAILURE;
    }
    out = json_pack("{s:s,s:O,s:O}", "checkpoint_at", ctx.now, "events",
                    json_object_get(r.body, "events"), "head", json_object_get(r.body, "head"));
    printf("%s\n", isms_canon(p, out, NULL));
    json_decref(out);
    return EXIT_SUCCESS;
}

/* Every sealed review's live record recomputed against its seal (the review record report's
 * "live matches seal"): an edit made below the API with the guards dropped shows here. */
static int verify_live(apr_pool_t *p, isms_ctx *ctx)
{
    isms_rows *rs;
    const char *err = NULL;
    int i, bad = 0;

    if (isms_conn_query(ctx->conn, p, "SELECT id, ref FROM review WHERE content_hash IS NOT "
                                      "NULL ORDER BY id", &rs, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: verify: %s\n", err);
        return EXIT_FAILURE;
    }
    for (i = 0; i < rs->nrows; i++) {
        isms_result r = isms_review_history(ctx, atoll(ISMS_ROW(rs, i, 0)));
        if (r.status != 200 || !json_is_true(json_object_get(r.body, "live_matches_seal"))) {
            printf("sealed review DIFFERS: %s: the live record does not match its seal\n",
                   ISMS_ROW(rs, i, 1));
            bad = 1;
        }
    }
    printf("live records of sealed reviews: %d checked, %s\n", rs->nrows,
           bad ? "NOT matching their seals" : "match their seals");
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The dashboard's summary (migration 013) against a computation from scratch. */
static int verify_summary(isms_ctx *ctx)
{
    const char *err = NULL;
    int same = 0;

    if (isms_dashboard_summary_check(ctx, &same, &err) != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: verify: cannot read the dashboard summary: %s\n",
                err ? err : "database error");
        return EXIT_FAILURE;
    }
    printf(same ? "dashboard summary: consistent with the actions\n"
                : "dashboard summary: DIFFERS from the actions; run `ismsreview-admin "
                  "rebuild-summary`\n");
    return same ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Recomputes the dashboard's summary from the actions, in one write transaction. */
static int cmd_rebuild_summary(apr_pool_t *p, isms_conn *c)
{
    isms_ctx ctx;
    const char *err = NULL;
    isms_db_status st;

    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    if ((st = isms_conn_begin(c, 1, &err)) == ISMS_DB_OK &&
        (st = isms_dashboard_summary_rebuild(&ctx, &err)) == ISMS_DB_OK) {
        st = isms_conn_commit(c, &err);
    }
    else {
        isms_conn_rollback(c);
    }
    if (st != ISMS_DB_OK) {
        fprintf(stderr, "ismsreview-admin: rebuild-summary failed, nothing changed: %s\n",
                err ? err : "database error");
        return EXIT_FAILURE;
    }
    printf("dashboard summary rebuilt from the actions\n");
    return EXIT_SUCCESS;
}

static int cmd_verify(apr_pool_t *p, isms_conn *c)
{
    isms_ctx ctx;
    isms_result r;
    json_t *j;

    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    r = isms_audit_verify(&ctx);
    j = r.body;
    if (r.status != 200) {
        fprintf(stderr, "ismsreview-admin: verify: %s\n",
                json_string_value(json_object_get(j, "detail")));
        return EXIT_FAILURE;
    }
    if (json_is_true(json_object_get(j, "valid"))) {
        printf("audit chain: valid, %" JSON_INTEGER_FORMAT " events, head %s\n",
               json_integer_value(json_object_get(j, "events")),
               json_string_value(json_object_get(j, "head")));
    }
    else {
        printf("audit chain: BROKEN at event %" JSON_INTEGER_FORMAT ": %s (%" JSON_INTEGER_FORMAT
               " events)\n", json_integer_value(json_object_get(j, "first_bad")),
               json_string_value(json_object_get(j, "reason")),
               json_integer_value(json_object_get(j, "events")));
    }
    if ((verify_versions(p, c) | verify_live(p, &ctx) | verify_summary(&ctx)) != EXIT_SUCCESS ||
        !json_is_true(json_object_get(j, "valid"))) {
        verify_attachments(p, c);
        return EXIT_FAILURE;
    }
    if (verify_attachments(p, c) != EXIT_SUCCESS) return EXIT_FAILURE;
    return checkpoint_file ? check_checkpoint(p, c) : EXIT_SUCCESS;
}

/* openapi, schema: the document as committed in docs/ (two-space indent, sorted keys). */
static int print_document(json_t *doc)
{
    int rc = doc && json_dumpf(doc, stdout, ISMS_DOC_DUMP_FLAGS) == 0 ? EXIT_SUCCESS
                                                                      : EXIT_FAILURE;

    if (rc == EXIT_SUCCESS) fputc('\n', stdout);
    json_decref(doc);
    return rc;
}

/* The commands that take a database: name, the number of arguments after it (min, max). */
static const struct {
    const char *name;
    int min, max;
} db_commands[] = {
    {"migrate", 0, 1}, {"status", 0, 0}, {"verify", 0, 0}, {"checkpoint", 0, 0},
    {"export", 0, 1}, {"import", 1, 1}, {"people-import", 1, 1}, {"people-export", 0, 1},
    {"rebuild-summary", 0, 0},
};

/* seal-columns: what the seal guards derive from the descriptors (isms_guards.h). */
static int cmd_seal_columns(apr_pool_t *p, int nargs)
{
    json_t *doc;

    if (nargs) {
        fprintf(stderr, "ismsreview-admin: seal-columns takes no arguments\n");
        return EXIT_USAGE;
    }
    doc = isms_guards_json(p);
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    fputc('\n', stdout);
    json_decref(doc);
    return EXIT_SUCCESS;
}

static int run(apr_pool_t *p, const char *spec, int argc, const char *const *argv)
{
    const char *cmd = argv[0];
    isms_conn *c;
    size_t i;
    int rc, nargs = argc - 1;

    if (strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_SUCCESS;
    }
    if (strcmp(cmd, "openapi") == 0 || strcmp(cmd, "schema") == 0) {
        if (nargs) {
            fprintf(stderr, "ismsreview-admin: %s takes no arguments\n", cmd);
            return EXIT_USAGE;
        }
        return print_document(cmd[0] == 'o' ? isms_openapi_json(ISMS_OPENAPI_SERVER)
                                            : isms_schema_json());
    }
    if (strcmp(cmd, "seal-columns") == 0) return cmd_seal_columns(p, nargs);
    if (strcmp(cmd, "check-config") == 0) {
        if (nargs > 1) {
            fprintf(stderr, "ismsreview-admin: check-config takes at most one Apache "
                            "configuration file; see `ismsreview-admin --help`\n");
            return EXIT_USAGE;
        }
        return isms_admin_check_config(p, spec, nargs ? argv[1] : NULL, run_user);
    }
    for (i = 0; i < sizeof(db_commands) / sizeof(db_commands[0]); i++) {
        if (strcmp(cmd, db_commands[i].name) == 0) break;
    }
    if (i == sizeof(db_commands) / sizeof(db_commands[0]) && strcmp(cmd, "notify") != 0) {
        fprintf(stderr, "ismsreview-admin: unknown command '%s'; see `ismsreview-admin "
                        "--help` for the commands\n", cmd);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "notify") != 0 &&
        (nargs < db_commands[i].min || nargs > db_commands[i].max)) {
        fprintf(stderr, "ismsreview-admin: %s takes %s; see `ismsreview-admin --help`\n", cmd,
                db_commands[i].max == 0 ? "no arguments" :
                strcmp(cmd, "migrate") == 0 ? "at most one schema version" :
                db_commands[i].min == 0 ? "at most one file (or -)" : "one file (or -)");
        return EXIT_USAGE;
    }
    if (!spec) {
        fprintf(stderr, "ismsreview-admin: no database: use --database 'DRIVER key=value ...' "
                        "or set ISMSREVIEW_DATABASE\n");
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "notify") == 0) {
        if ((rc = open_conn(p, spec, &c)) != EXIT_SUCCESS) return rc;
        return isms_admin_notify(p, c, argc, argv);
    }
    if (strcmp(cmd, "verify") == 0 && checkpoint_file &&
        (rc = load_checkpoint()) != EXIT_SUCCESS) return rc;
    if ((rc = open_conn(p, spec, &c)) != EXIT_SUCCESS) return rc;
    if (strcmp(cmd, "verify") == 0) return cmd_verify(p, c);
    if (strcmp(cmd, "checkpoint") == 0) return cmd_checkpoint(p, c);
    if (strcmp(cmd, "rebuild-summary") == 0) return cmd_rebuild_summary(p, c);
    if (strcmp(cmd, "export") == 0) return isms_admin_export(p, c, nargs ? argv[1] : NULL);
    if (strcmp(cmd, "import") == 0) return isms_admin_import(p, c, argv[1]);
    if (strcmp(cmd, "people-import") == 0) return isms_admin_people_import(p, c, argv[1]);
    if (strcmp(cmd, "people-export") == 0) {
        return isms_admin_people_export(p, c, nargs ? argv[1] : NULL);
    }
    return strcmp(cmd, "migrate") == 0 ? cmd_migrate(p, c, nargs ? argv[1] : NULL)
                                        : cmd_status(p, c);
}

int main(int argc, const char *const *argv)
{
    static const apr_getopt_option_t opts[] = {
        {"database", 'd', 1, "database specification"},
        {"checkpoint", 'c', 1, "checkpoint file for verify"},
        {"user", 'u', 1, "the user Apache runs as, for check-config"},
        {"evidence-dir", 'e', 1, "ISMSReviewEvidenceDir, for verify"},
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
    evidence_dir = getenv("ISMSREVIEW_EVIDENCE_DIR");
    apr_getopt_init(&g, p, argc, argv);
    while ((rv = apr_getopt_long(g, opts, &ch, &arg)) == APR_SUCCESS) {
        if (ch == 'h') {
            usage(stdout);
            return EXIT_SUCCESS;
        }
        if (ch == 'c') checkpoint_file = arg;
        else if (ch == 'u') run_user = arg;
        else if (ch == 'e') evidence_dir = arg;
        else spec = arg;
    }
    if (rv == APR_EOF && g->ind < argc && strcmp(argv[g->ind], "verify-evidence") == 0) {
        rc = isms_admin_verify_evidence(p, argc - g->ind - 1, argv + g->ind + 1);
    }
    else if (rv != APR_EOF) {
        fprintf(stderr, "ismsreview-admin: see `ismsreview-admin --help` for the options"
                        "\n");
        return EXIT_USAGE;
    }
    else if (g->ind >= argc) {
        fprintf(stderr, "ismsreview-admin: no command given; the commands are:\n\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    else rc = run(p, spec, argc - g->ind, argv + g->ind);
    apr_pool_destroy(p);
    apr_terminate();
    return rc;
}
