/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin check-config.
 *
 * With an Apache configuration file: reads it the way httpd does as far as the module is
 * concerned (line continuations, comments, quoted arguments, Define and ${VAR}, ServerRoot,
 * Include and IncludeOptional with wildcards and directories, User), and checks every
 * ISMSReview* directive with the rules the module applies when Apache reads it (the same
 * table and parse functions, core/isms_directives.c). Sections such as <IfModule> are not evaluated:
 * every directive is checked wherever it stands. ISMSReviewRole expressions are left to
 * `apache2 -t` (ap_expr needs httpd). Then each database, or the one --database names:
 * driver, options, SQLite directory writable by the Apache user, connection, schema version
 * against this build, WAL mode (SQLite), privileges and superuser (PostgreSQL, MariaDB).
 * Output: one "OK", "WARN" or "FAIL" line per check; exit 1 when any check failed. */
#include "check_config.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms_dbconf.h"
#include "isms_directives.h"
#include "isms_migrate.h"
#include "isms_store.h"

#define EXIT_USAGE 2
#define MAX_DEPTH 16

typedef struct {
    apr_pool_t *p;
    const char *server_root;
    apr_table_t *defines;
    const char *user;                 /* the User directive, expanded, or NULL */
    apr_array_header_t *databases;    /* const char * "where\tspec" */
    int fails, directives;
} cfg;

static void report(cfg *c, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(cfg *c, const char *level, const char *fmt, ...)
{
    va_list ap;

    if (strcmp(level, "FAIL") == 0) c->fails++;
    printf("%-4s ", level);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* ${NAME}: a Define, else the environment; unresolved names stay as they are. */
static const char *expand(cfg *c, const char *s, int *unresolved)
{
    const char *out = "", *start, *end;

    while ((start = strstr(s, "${")) != NULL && (end = strchr(start, '}')) != NULL) {
        const char *name = apr_pstrndup(c->p, start + 2, (apr_size_t)(end - start - 2));
        const char *v = apr_table_get(c->defines, name);
        if (!v) v = getenv(name);
        if (!v) {
            if (unresolved) *unresolved = 1;
            v = apr_pstrndup(c->p, start, (apr_size_t)(end - start + 1));
        }
        out = apr_pstrcat(c->p, out, apr_pstrndup(c->p, s, (apr_size_t)(start - s)), v, NULL);
        s = end + 1;
    }
    return apr_pstrcat(c->p, out, s, NULL);
}

/* The module's directives, checked with the module's own rules (core/isms_directives.c);
 * an ISMSReviewRole expression is left to `apache2 -t`. */
static const char *check_directive(cfg *c, const char *name, int argc, char **argv)
{
    const isms_directive *d = isms_directive_find(name);
    isms_dir_value v;

    if (!d) {
        return apr_pstrcat(c->p, "unknown directive: not one of ", isms_directive_names(c->p),
                           " (typo?)", NULL);
    }
    return isms_directive_parse(c->p, d, argc, (const char *const *)argv, &v);
}

static int read_file(cfg *c, const char *path, int depth);

static int include(cfg *c, const char *where, const char *pattern, int optional, int depth)
{
    const char *path = pattern[0] == '/' ? pattern
                                         : apr_pstrcat(c->p, c->server_root, "/", pattern, NULL);
    struct stat st;
    glob_t g;
    size_t i;
    int rc = 0;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) path = apr_pstrcat(c->p, path, "/*", NULL);
    memset(&g, 0, sizeof(g));
    if (glob(path, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        globfree(&g);
        if (!optional && !strpbrk(path, "*?[")) {
            report(c, "FAIL", "%s: Include %s: no such file (httpd refuses to start)", where,
                   path);
        }
        return 0;
    }
    for (i = 0; i < g.gl_pathc && rc == 0; i++) {
        if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode)) continue;
        rc = read_file(c, apr_pstrdup(c->p, g.gl_pathv[i]), depth + 1);
    }
    globfree(&g);
    return rc;
}

static int read_file(cfg *c, const char *path, int depth)
{
    FILE *f;
    char buf[8192];
    const char *line = NULL;
    int lineno = 0, start = 0;

    if (depth > MAX_DEPTH) {
        report(c, "FAIL", "%s: Include nested more than %d deep (a loop?)", path, MAX_DEPTH);
        return 1;
    }
    if (!(f = fopen(path, "r"))) {
        report(c, "FAIL", "cannot read %s: %s", path, strerror(errno));
        return depth == 0 ? EXIT_USAGE : 0;
    }
    while (fgets(buf, sizeof(buf), f)) {
        size_t n = strlen(buf);
        char **argv;
        const char *where, *s;
        int argc;

        lineno++;
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
        if (!line) start = lineno;
        if (n && buf[n - 1] == '\\') {          /* continued on the next line */
            buf[n - 1] = '\0';
            line = apr_pstrcat(c->p, line ? line : "", buf, NULL);
            continue;
        }
        line = apr_pstrcat(c->p, line ? line : "", buf, NULL);
        for (s = line; *s == ' ' || *s == '\t'; s++)
            ;
        line = NULL;
        if (!*s || *s == '#' || *s == '<') continue;     /* sections are not evaluated */
        if (apr_tokenize_to_argv(s, &argv, c->p) != APR_SUCCESS || !argv[0]) continue;
        for (argc = 0; argv[argc]; argc++) argv[argc] = (char *)expand(c, argv[argc], NULL);
        where = apr_psprintf(c->p, "%s:%d", path, start);
        if (strcasecmp(argv[0], "ServerRoot") == 0 && argc == 2) {
            c->server_root = argv[1];
        }
        else if (strcasecmp(argv[0], "Define") == 0 && argc >= 2) {
            apr_table_set(c->defines, argv[1], argc > 2 ? argv[2] : "");
        }
        else if (strcasecmp(argv[0], "User") == 0 && argc == 2 && !strstr(argv[1], "${")) {
            c->user = argv[1];
        }
        else if ((strcasecmp(argv[0], "Include") == 0 ||
                  strcasecmp(argv[0], "IncludeOptional") == 0) && argc == 2) {
            if (include(c, where, argv[1], strcasecmp(argv[0], "IncludeOptional") == 0,
                        depth) != 0) {
                fclose(f);
                return 1;
            }
        }
        else if (strncasecmp(argv[0], "ISMSReview", 10) == 0) {
            const char *err = check_directive(c, argv[0], argc - 1, argv + 1);
            c->directives++;
            if (err) report(c, "FAIL", "%s: %s: %s", where, argv[0], err);
            else report(c, "OK", "%s: %s", where, argv[0]);
            if (!err && strcasecmp(argv[0], "ISMSReviewDatabase") == 0) {
                const char *spec = "";
                int i;
                for (i = 1; i < argc; i++) {
                    spec = apr_pstrcat(c->p, spec, i > 1 ? " " : "", "\"", argv[i], "\"",
                                       NULL);
                }
                APR_ARRAY_PUSH(c->databases, const char *) =
                    apr_pstrcat(c->p, where, "\t", spec, NULL);
            }
        }
    }
    fclose(f);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * one database, live */

static void check_database(cfg *c, const char *where, const char *spec, const char *user)
{
    apr_pool_t *p = c->p;
    isms_dbconf *conf;
    isms_store *store;
    isms_conn *conn;
    isms_rows *rs;
    struct passwd *pw;
    const isms_dialect *d;
    const char *err = NULL, *desc;
    int version = 0, expected;

    if ((err = isms_dbconf_parse_line(p, spec, &conf)) != NULL) {
        report(c, "FAIL", "%s: database: %s", where, err);
        return;
    }
    desc = isms_dbconf_describe(p, conf);
    if ((err = isms_dbconf_check_driver(p, conf->driver)) != NULL) {
        report(c, "FAIL", "%s: %s", desc, err);
        return;
    }
    report(c, "OK", "%s: libdbi driver %s is installed", desc, conf->driver);
    if (conf->sqlite_dir) {           /* a file database (isms_dbconf_check_sqlite) */
        struct stat st;
        const char *file = apr_pstrcat(p, conf->sqlite_dir, "/", conf->sqlite_file, NULL);
        if (!(pw = getpwnam(user))) {
            report(c, "FAIL", "user %s (who Apache runs as) does not exist: give --user", user);
            return;
        }
        if ((err = isms_dbconf_check_sqlite_dir(p, conf, pw->pw_uid, pw->pw_gid)) != NULL) {
            report(c, "FAIL", "%s (user %s): chown %s:%s %s", err, user, user, user,
                   conf->sqlite_dir);
            return;
        }
        report(c, "OK", "SQLite directory %s is writable by %s", conf->sqlite_dir, user);
        if (stat(file, &st) != 0) {
            report(c, "OK", "SQLite database %s does not exist yet: the module creates and "
                   "migrates it when Apache starts", file);
            return;     /* connecting would create it, owned by whoever runs this */
        }
    }
    if (isms_store_create(p, conf, 1, &store, &err) != ISMS_DB_OK ||
        isms_store_acquire(store, p, &conn, &err) != ISMS_DB_OK) {
        report(c, "FAIL", "%s: cannot connect: %s", desc, err);
        return;
    }
    report(c, "OK", "%s: connected", desc);
    d = isms_conn_dialect(conn);
    expected = isms_migrate_expected(conf->driver);
    if (isms_migrate_current(conn, p, &version, &err) != ISMS_DB_OK) {
        report(c, "FAIL", "schema version: %s", err);
    }
    else if (version == 0) {
        report(c, "FAIL", "schema: the database has no schema: run `ismsreview-admin "
               "--database '...' migrate`");
    }
    else if (version < expected) {
        report(c, "FAIL", "schema version %d, this build expects %d: run `ismsreview-admin "
               "--database '...' migrate`", version, expected);
    }
    else if (version > expected) {
        report(c, "FAIL", "schema version %d is newer than this build (%d): install the "
               "module and tool of the release that migrated it", version, expected);
    }
    else report(c, "OK", "schema version %d is current", version);
    if (conf->sqlite_dir) {
        if (isms_conn_query(conn, p, "SELECT journal_mode FROM pragma_journal_mode", &rs,
                            &err) != ISMS_DB_OK || rs->nrows != 1) {
            report(c, "FAIL", "journal mode: %s", err ? err : "unknown");
        }
        else if (strcmp(ISMS_ROW(rs, 0, 0), "wal") != 0) {
            report(c, "FAIL", "journal mode is %s, not wal: the file system may not support "
                   "WAL (network file system?); readers would block writers",
                   ISMS_ROW(rs, 0, 0));
        }
        else report(c, "OK", "journal mode wal");
    }
    if (d->missing_privileges) {
        if (isms_conn_query(conn, p, d->missing_privileges(p), &rs, &err) != ISMS_DB_OK) {
            report(c, "FAIL", "privileges: %s", err);
        }
        else if (rs->nrows > 0) {     /* (a list in has_table_privilege means "any of") */
            const char *list = "";
            int i;
            for (i = 0; i < rs->nrows; i++) {
                list = apr_pstrcat(p, list, i ? ", " : "", ISMS_ROW(rs, i, 0), NULL);
            }
            report(c, "FAIL", "privileges: the role lacks SELECT, INSERT, UPDATE, DELETE on %s: "
                   "GRANT them to it", list);
        }
        else report(c, "OK", "privileges: SELECT, INSERT, UPDATE, DELETE on every table");
        if (isms_conn_query(conn, p, d->superuser, &rs, &err) == ISMS_DB_OK && rs->nrows > 0) {
            report(c, "WARN", "%s", d->superuser_warning);
        }
    }
}

int isms_admin_check_config(apr_pool_t *p, const char *spec, const char *apache_conf,
                            const char *user)
{
    cfg c;
    int i, rc;

    memset(&c, 0, sizeof(c));
    c.p = p;
    c.defines = apr_table_make(p, 8);
    c.databases = apr_array_make(p, 2, sizeof(const char *));
    if (!apache_conf && !spec) {
        fprintf(stderr, "ismsreview-admin: check-config needs an Apache configuration file "
                        "(check-config /etc/apache2/apache2.conf) or --database\n");
        return EXIT_USAGE;
    }
    if (apache_conf) {
        char *dir = apr_pstrdup(p, apache_conf), *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        c.server_root = slash ? (*dir ? dir : "/") : ".";
        if ((rc = read_file(&c, apache_conf, 0)) == EXIT_USAGE) {
            fprintf(stderr, "ismsreview-admin: cannot read %s\n", apache_conf);
            return EXIT_USAGE;
        }
        if (c.directives == 0) {
            report(&c, "FAIL", "%s: no ISMSReview* directive in it or its includes (is the "
                   "module's configuration included?)", apache_conf);
        }
        else if (c.databases->nelts == 0 && !spec) {
            report(&c, "FAIL", "%s: no valid ISMSReviewDatabase: the module would have no "
                   "database", apache_conf);
        }
    }
    if (!user) user = c.user ? c.user : "www-data";
    if (spec) check_database(&c, "--database", spec, user);
    for (i = 0; i < c.databases->nelts; i++) {
        const char *entry = APR_ARRAY_IDX(c.databases, i, const char *), *tab;
        int j, seen = 0;
        tab = strchr(entry, '\t');
        for (j = 0; j < i && !seen; j++) {
            const char *other = strchr(APR_ARRAY_IDX(c.databases, j, const char *), '\t');
            seen = strcmp(other, tab) == 0;
        }
        if (seen) continue;
        printf("---- database of %.*s\n", (int)(tab - entry), entry);
        check_database(&c, apr_pstrndup(p, entry, (apr_size_t)(tab - entry)), tab + 1, user);
    }
    printf("%s: %d check(s) failed\n", c.fails ? "FAILED" : "all checks passed", c.fails);
    return c.fails ? EXIT_FAILURE : EXIT_SUCCESS;
}
