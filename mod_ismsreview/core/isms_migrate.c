/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_migrate.h"
#include "isms_guards.h"
#include "isms_sql.h"
#include "isms_log.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int isms_migrate_expected(const char *driver)
{
    const isms_migration *m;
    int v = 0;

    for (m = isms_migrations; m->driver; m++) {
        if (strcmp(m->driver, driver) == 0 && m->version > v) v = m->version;
    }
    return v;
}

int isms_migrate_count(const char *driver)
{
    const isms_migration *m;
    int n = 0;

    for (m = isms_migrations; m->driver; m++) n += strcmp(m->driver, driver) == 0;
    return n;
}

static int starts_with_ci(const char *s, const char *word)
{
    return strncasecmp(s, word, strlen(word)) == 0;
}

/* Skips whitespace and comments. */
static const char *skip_space(const char *s)
{
    for (;;) {
        while (apr_isspace(*s)) s++;
        if (s[0] == '-' && s[1] == '-') s += strcspn(s, "\n");
        else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
        }
        else return s;
    }
}

/* A CREATE TRIGGER body holds statements of its own: BEGIN ... END, with CASE ... END
 * inside; the statement ends at the ';' after the END that closes the body. MariaDB's
 * IF ... END IF (and END LOOP, END WHILE, END REPEAT) close no BEGIN. */
static int word_delta(const char *w, size_t n)
{
    const char *next = w + n;
    size_t m = 0;

    if ((n == 5 && !strncasecmp(w, "BEGIN", 5)) || (n == 4 && !strncasecmp(w, "CASE", 4))) {
        return 1;
    }
    if (n != 3 || strncasecmp(w, "END", 3)) return 0;
    while (apr_isspace(*next)) next++;
    while (apr_isalnum(next[m]) || next[m] == '_') m++;
    if ((m == 2 && !strncasecmp(next, "IF", 2)) || (m == 4 && !strncasecmp(next, "LOOP", 4)) ||
        (m == 5 && !strncasecmp(next, "WHILE", 5)) ||
        (m == 6 && !strncasecmp(next, "REPEAT", 6))) {
        return 0;
    }
    return -1;
}

static const char *skip_quoted(const char *s)
{
    char q = *s++;

    while (*s && !(*s == q && s[1] != q)) s += (*s == q) ? 2 : 1;
    return *s ? s + 1 : s;
}

static const char *skip_dollar(const char *s)
{
    const char *tag_end = strchr(s + 1, '$');
    const char *close;
    char *tag;

    if (!tag_end) return s + 1;
    tag = strndup(s, (size_t)(tag_end - s + 1));
    close = tag ? strstr(tag_end + 1, tag) : NULL;
    s = close ? close + strlen(tag) : tag_end + 1 + strlen(tag_end + 1);
    free(tag);
    return s;
}

static const char *skip_space(const char *s);

/* A statement without anything but comments and space is dropped. */
static void push_stmt(apr_pool_t *p, apr_array_header_t *out, const char *b, const char *e)
{
    const char *text = skip_space(apr_pstrmemdup(p, b, (apr_size_t)(e - b)));

    if (!*text) return;
    while (b < e && apr_isspace(*b)) b++;
    while (e > b && apr_isspace(e[-1])) e--;
    if (e > b) APR_ARRAY_PUSH(out, char *) = apr_pstrmemdup(p, b, (apr_size_t)(e - b));
}

apr_array_header_t *isms_sql_split(apr_pool_t *p, const char *script)
{
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(char *));
    const char *start = script, *s = script;
    int trigger = starts_with_ci(skip_space(start), "CREATE TRIGGER"), depth = 0;

    while (*s) {
        if (*s == '\'' || *s == '"') s = skip_quoted(s);
        else if (s[0] == '-' && s[1] == '-') s += strcspn(s, "\n");
        else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
        }
        else if (*s == '$' && (s[1] == '$' || apr_isalpha(s[1]))) s = skip_dollar(s);
        else if (apr_isalpha(*s) && (s == script || !(apr_isalnum(s[-1]) || s[-1] == '_'))) {
            size_t n = 0;
            while (apr_isalnum(s[n]) || s[n] == '_') n++;
            if (trigger) depth += word_delta(s, n);
            s += n;
        }
        else if (*s == ';' && (!trigger || depth <= 0)) {
            push_stmt(p, out, start, s);
            start = ++s;
            trigger = starts_with_ci(skip_space(start), "CREATE TRIGGER");
            depth = 0;
        }
        else s++;
    }
    push_stmt(p, out, start, s);
    return out;
}

static int in_ledger(const isms_rows *ledger, int version)
{
    int i;

    for (i = 0; i < ledger->nrows; i++) {
        if (ISMS_ROW(ledger, i, 0) && atoi(ISMS_ROW(ledger, i, 0)) == version) return 1;
    }
    return 0;
}

/* The applied version: the highest in the ledger, but below the first migration of this
 * build that the ledger lacks. Numbers are assigned to parallel work up front and may land
 * out of order (008 before 007): a database that has 008 still gets 007. */
static int complete_up_to(const char *driver, const isms_rows *ledger)
{
    const isms_migration *m;
    int top = 0, i;

    for (i = 0; i < ledger->nrows; i++) {
        if (ISMS_ROW(ledger, i, 0) && atoi(ISMS_ROW(ledger, i, 0)) > top) {
            top = atoi(ISMS_ROW(ledger, i, 0));
        }
    }
    for (m = isms_migrations; m->driver; m++) {
        if (strcmp(m->driver, driver) == 0 && m->version < top &&
            !in_ledger(ledger, m->version)) {
            top = m->version - 1;
        }
    }
    return top;
}

isms_db_status isms_migrate_version(isms_conn *c, apr_pool_t *p, int *version,
                                    const char **err)
{
    isms_rows *rs;

    if (isms_conn_query(c, p, "SELECT version FROM schema_version ORDER BY version", &rs,
                        err) == ISMS_DB_OK && rs->nrows > 0) {
        *version = complete_up_to(isms_conn_dialect(c)->name, rs);
        return ISMS_DB_OK;
    }
    return isms_migrate_current(c, p, version, err);
}

isms_db_status isms_migrate_current(isms_conn *c, apr_pool_t *p, int *version,
                                    const char **err)
{
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, isms_conn_dialect(c)->table_exists, "schema_version");
    if ((st = isms_conn_query(c, p, isms_sql_text(q), &rs, err)) != ISMS_DB_OK) return st;
    *version = 0;
    if (rs->nrows == 0) return ISMS_DB_OK;
    st = isms_conn_query(c, p, "SELECT version FROM schema_version ORDER BY version", &rs, err);
    if (st == ISMS_DB_OK) *version = complete_up_to(isms_conn_dialect(c)->name, rs);
    return st;
}

static isms_db_status apply_one(isms_conn *c, apr_pool_t *p, const isms_migration *m,
                                const char **err)
{
    apr_array_header_t *stmts = isms_sql_split(p, m->sql);
    isms_sql *q = isms_sql_new(p, c);
    isms_db_status st;
    int i;

    for (i = 0; i < stmts->nelts; i++) {
        st = isms_conn_exec(c, APR_ARRAY_IDX(stmts, i, char *), NULL, err);
        if (st != ISMS_DB_OK) {
            *err = apr_psprintf(p, "migration %s, statement %d: %s", m->name, i + 1, *err);
            return st;
        }
    }
    isms_sql_appendf(q, "INSERT INTO schema_version (version, name, applied_at) "
                        "VALUES (%d, %s, ", (long long)m->version, m->name);
    isms_sql_appendf(q, "%k)", "CURRENT_TIMESTAMP");
    return isms_conn_exec(c, isms_sql_text(q), NULL, err);
}

static isms_db_status apply_pending(isms_conn *c, apr_pool_t *p, int upto, int *applied,
                                    const char **err)
{
    const isms_dialect *d = isms_conn_dialect(c);
    const isms_migration *m;
    isms_rows *ledger = NULL;
    isms_db_status st;
    int current, v;

    if (d->migration_lock) {
        isms_rows *lock;
        if ((st = isms_conn_query(c, p, d->migration_lock, &lock, err)) != ISMS_DB_OK) {
            return st;
        }
        /* MariaDB's GET_LOCK answers 0 on a timeout instead of failing */
        if (lock->nrows == 1 && lock->ncols == 1 && ISMS_ROW(lock, 0, 0) &&
            strcmp(ISMS_ROW(lock, 0, 0), "0") == 0) {
            *err = "another migration holds the migration lock";
            return ISMS_DB_BUSY;
        }
    }
    if ((st = isms_migrate_current(c, p, &current, err)) != ISMS_DB_OK) return st;
    if (current && (st = isms_conn_query(c, p, "SELECT version FROM schema_version", &ledger,
                                         err)) != ISMS_DB_OK) {
        return st;
    }
    for (v = current + 1; v <= upto; v++) {
        for (m = isms_migrations; m->driver; m++) {
            if (strcmp(m->driver, d->name) == 0 && m->version == v) break;
        }
        /* numbers are assigned to parallel work up front: a number this build does not
         * have is skipped, one the ledger lists was applied (the ledger lists what was) */
        if (!m->driver || (ledger && in_ledger(ledger, v))) continue;
        if ((st = apply_one(c, p, m, err)) != ISMS_DB_OK) return st;
        ++*applied;
    }
    return ISMS_DB_OK;
}

/* The derived step after the numbered migrations: the seal guards from the descriptors, on
 * a schema that has migration 014 (isms_guards.h). */
static isms_db_status derive_guards(isms_conn *c, apr_pool_t *p, const char **err)
{
    int version = 0;
    isms_db_status st = isms_migrate_current(c, p, &version, err);

    if (st != ISMS_DB_OK || version < ISMS_GUARDS_SINCE) return st;
    return isms_guards_apply(c, p, err);
}

isms_db_status isms_migrate_apply(isms_conn *c, apr_pool_t *p, int *applied, const char **err)
{
    return isms_migrate_apply_to(c, p, isms_migrate_expected(isms_conn_dialect(c)->name),
                                 applied, err);
}

isms_db_status isms_migrate_apply_to(isms_conn *c, apr_pool_t *p, int upto, int *applied,
                                     const char **err)
{
    isms_db_status st;

    const char *unlock = isms_conn_dialect(c)->migration_unlock, *uerr = NULL;

    *applied = 0;
    if ((st = isms_conn_begin(c, 1, err)) != ISMS_DB_OK) return st;
    st = apply_pending(c, p, upto, applied, err);
    if (st == ISMS_DB_OK) st = derive_guards(c, p, err);
    if (st != ISMS_DB_OK) {
        isms_conn_rollback(c);
        *applied = 0;
    }
    else {
        st = isms_conn_commit(c, err);
    }
    /* a session lock outlives the transaction: a connection that keeps it is not reused */
    if (unlock && isms_conn_exec(c, unlock, NULL, &uerr) != ISMS_DB_OK) {
        isms_conn_invalidate(c);
    }
    return st;
}
