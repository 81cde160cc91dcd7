/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_dbconf.h"
#include "isms_dialect.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <dbi/dbi.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int valid_word(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++) {
        if (!(apr_isalnum(*s) || *s == '_')) return 0;
    }
    return 1;
}

static int parse_int(const char *value, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (!apr_isdigit(*value) || *end || errno || v > 86400000) {
        return -1;
    }
    *out = (int)v;
    return 0;
}

static const char *add_option(apr_pool_t *p, isms_dbconf *c, const isms_dialect_opt *defs,
                              const char *arg)
{
    const char *eq = strchr(arg, '=');
    isms_dbopt *o;
    const isms_dialect_opt *d;
    char *key;

    if (!eq || eq == arg) {
        return apr_psprintf(p, "malformed option '%s' (expected key=value)", arg);
    }
    key = apr_pstrmemdup(p, arg, (apr_size_t)(eq - arg));
    if (strcmp(key, "user") == 0) key = "username";   /* the spelling product.md uses */
    if (!valid_word(key)) {
        return apr_psprintf(p, "malformed option name '%s'", key);
    }
    for (d = defs; d->key && strcmp(d->key, key) != 0; d++)
        ;
    if (!d->key && (strncmp(key, c->driver, strlen(c->driver)) != 0 ||
                    key[strlen(c->driver)] != '_')) {
        return apr_psprintf(p, "unknown option '%s' for driver %s", key, c->driver);
    }
    o = apr_array_push(c->opts);
    o->key = key;
    o->value = apr_pstrdup(p, eq + 1);
    o->numeric = d->key ? d->numeric : 0;
    if (o->numeric && parse_int(o->value, &o->ivalue) != 0) {
        return apr_psprintf(p, "option %s needs a non-negative number, not '%s'", key, o->value);
    }
    return NULL;
}

/* The sqlite3 dialect's check_conf (isms_dialect.c). */
const char *isms_dbconf_check_sqlite(apr_pool_t *p, isms_dbconf *c)
{
    c->sqlite_dir = isms_dbconf_get(c, "sqlite3_dbdir");
    c->sqlite_file = isms_dbconf_get(c, "dbname");
    if (!c->sqlite_dir || !*c->sqlite_dir) {
        return "sqlite3 needs sqlite3_dbdir=DIRECTORY (the directory holding the database)";
    }
    if (c->sqlite_dir[0] != '/') {
        return apr_psprintf(p, "sqlite3_dbdir '%s' must be an absolute path", c->sqlite_dir);
    }
    if (!c->sqlite_file || !*c->sqlite_file || strchr(c->sqlite_file, '/')) {
        return "sqlite3 needs dbname=FILE (a bare file name inside sqlite3_dbdir)";
    }
    if (!isms_dbconf_get(c, "sqlite3_timeout")) {
        isms_dbopt *o = apr_array_push(c->opts);   /* without it, concurrent writers fail */
        o->key = "sqlite3_timeout";
        o->value = "10000";
        o->numeric = 1;
        o->ivalue = 10000;
    }
    return NULL;
}

const char *isms_dbconf_parse(apr_pool_t *p, const char *driver, int argc,
                              const char *const *argv, isms_dbconf **out)
{
    isms_dbconf *c = apr_pcalloc(p, sizeof(*c));
    const isms_dialect *dialect;
    const char *err;
    int i;

    c->cache_bytes = -1;

    if (!driver || !valid_word(driver)) {
        return apr_psprintf(p, "malformed driver name '%s'", driver ? driver : "");
    }
    if (!(dialect = isms_dialect_find(driver))) {
        return apr_psprintf(p, "unknown libdbi driver '%s' (supported: %s)", driver,
                            isms_dialect_names(p));
    }
    c->driver = apr_pstrdup(p, driver);
    c->opts = apr_array_make(p, 8, sizeof(isms_dbopt));
    for (i = 0; i < argc; i++) {
        if ((err = add_option(p, c, dialect->options, argv[i])) != NULL) return err;
    }
    if (dialect->check_conf && (err = dialect->check_conf(p, c)) != NULL) return err;
    if (!dialect->check_conf && !isms_dbconf_get(c, "dbname")) {
        return apr_psprintf(p, "driver %s needs dbname=NAME", driver);
    }
    *out = c;
    return NULL;
}

const char *isms_dbconf_parse_line(apr_pool_t *p, const char *line, isms_dbconf **out)
{
    char **argv;
    int argc = 0;

    if (apr_tokenize_to_argv(line, &argv, p) != APR_SUCCESS || !argv[0]) {
        return "empty database specification (expected: driver key=value ...)";
    }
    while (argv[argc]) argc++;
    return isms_dbconf_parse(p, argv[0], argc - 1, (const char *const *)argv + 1, out);
}

const char *isms_dbconf_get(const isms_dbconf *c, const char *key)
{
    const isms_dbopt *o = (const isms_dbopt *)c->opts->elts;
    int i;

    for (i = c->opts->nelts - 1; i >= 0; i--) {
        if (strcmp(o[i].key, key) == 0) return o[i].value;
    }
    return NULL;
}

long long isms_dbconf_sqlite_cache_kib(const isms_dbconf *c)
{
    return c->sqlite_cache_kib > 0 ? c->sqlite_cache_kib : ISMS_SQLITE_CACHE_DEFAULT_KIB;
}

const char *isms_dbconf_check_driver(apr_pool_t *p, const char *driver)
{
    dbi_inst inst;
    dbi_driver d;
    const char *found = NULL;
    int ok = 0;

    if (dbi_initialize_r(NULL, &inst) < 0) {
        return "libdbi could not be initialized (no drivers installed?)";
    }
    for (d = dbi_driver_list_r(NULL, inst); d; d = dbi_driver_list_r(d, inst)) {
        const char *name = dbi_driver_get_name(d);
        ok |= strcmp(name, driver) == 0;
        found = found ? apr_pstrcat(p, found, ", ", name, NULL) : apr_pstrdup(p, name);
    }
    dbi_shutdown_r(inst);
    if (ok) return NULL;
    return apr_psprintf(p, "libdbi driver '%s' is not installed (installed: %s; on Debian "
                        "install libdbd-%s)", driver, found ? found : "none", driver);
}

static int may_write(const struct stat *st, uid_t uid, gid_t gid)
{
    if (uid == 0) return 1;
    if (st->st_uid == uid) return (st->st_mode & S_IWUSR) != 0;
    if (st->st_gid == gid) return (st->st_mode & S_IWGRP) != 0;
    return (st->st_mode & S_IWOTH) != 0;
}

const char *isms_dbconf_check_sqlite_dir(apr_pool_t *p, const isms_dbconf *c, uid_t uid,
                                         gid_t gid)
{
    struct stat st;
    const char *file;

    if (!c->sqlite_dir) return NULL;     /* not a file database */
    if (stat(c->sqlite_dir, &st) != 0) {
        return apr_psprintf(p, "SQLite directory %s: %s", c->sqlite_dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return apr_psprintf(p, "SQLite directory %s is not a directory", c->sqlite_dir);
    }
    if (uid == (uid_t)-1 ? access(c->sqlite_dir, W_OK | X_OK) != 0 : !may_write(&st, uid, gid)) {
        return apr_psprintf(p, "SQLite directory %s is not writable by the user that serves "
                            "requests (uid %ld); SQLite creates its WAL and journal files "
                            "there", c->sqlite_dir, uid == (uid_t)-1 ? (long)getuid() : (long)uid);
    }
    file = apr_pstrcat(p, c->sqlite_dir, "/", c->sqlite_file, NULL);
    if (stat(file, &st) == 0 &&
        (uid == (uid_t)-1 ? access(file, W_OK) != 0 : !may_write(&st, uid, gid))) {
        return apr_psprintf(p, "SQLite database %s is not writable by the user that serves "
                            "requests", file);
    }
    return NULL;
}

const char *isms_dbconf_describe(apr_pool_t *p, const isms_dbconf *c)
{
    const isms_dbopt *o = (const isms_dbopt *)c->opts->elts;
    const char *s = c->driver;
    int i;

    for (i = 0; i < c->opts->nelts; i++) {
        int secret = strcmp(o[i].key, "password") == 0;
        s = apr_pstrcat(p, s, " ", o[i].key, "=", secret ? "***" : o[i].value, NULL);
    }
    return s;
}
