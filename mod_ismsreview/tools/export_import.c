/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin export / import.
 *
 * The file: one JSON object
 *   {"format":"ismsreview-export","format_version":1,"schema_version":N,
 *    "exported_at":"...Z","source_driver":"sqlite3",
 *    "tables":[{"name":"review","columns":["id",...],"rows":[[1,...],...]}, ...]}
 * with the header on the first line and one row per line, tables in insertion order, rows
 * by primary key (text keys in byte order), so two exports of equal data are identical but
 * for the first line. Values: SQL integers as JSON integers, reals as JSON numbers (exact:
 * the store reads every driver's REAL back as text that parses to the same double - SQLite's
 * own printf is not exact: with 3.40 '%.17g' gave 0.2999999999999999 for 0.3 and '%!.17g'
 * 0.30000000000000004 - and written as %.17g), NULL as null, text
 * (JSON documents stored in text columns included) as JSON strings, byte for byte.
 * Every table that holds data is in the file, idempotency keys too (their responses carry
 * the ids, which are kept, so a client's retry after a move still replays correctly); the
 * migration ledger is not (the header's schema_version stands for it).
 *
 * Import goes into an empty database migrated to the same schema version, in one
 * transaction, through the SQL builder. The guard triggers stay as they are: items may only
 * be inserted while their review is a draft, so each review is inserted as PLANNED or DRAFT
 * with its final content and approval columns, its items, versions and history follow, and
 * then its status is moved along the legal transitions to the one exported (DRAFT >
 * SUBMITTED > APPROVED > PUBLISHED; > RETURNED; > CANCELLED), each step checked by the
 * triggers like any other. Before COMMIT the audit chain and every sealed version are
 * verified inside the transaction; anything that does not verify rolls the import back.
 *
 * SQL that differs between the databases is in the dialect table (core/isms_dialect.c,
 * the export fields). */
#include "export_import.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms_api.h"
#include "isms_audit.h"
#include "isms_canon.h"
#include "isms_json.h"
#include "isms_migrate.h"
#include "isms_sql.h"

#define EXIT_USAGE 2
#define FORMAT_NAME "ismsreview-export"
#define FORMAT_VERSION 1
#define MAX_KEY 2

typedef isms_dialect xdialect;   /* its export fields: isms_dialect.h */

/* Every table of the schema, in an order that satisfies the foreign keys. A table in the
 * database that is neither here nor in `skipped` stops export and import: a later migration
 * that adds a table must add it here (tests/integration/test_export_import.py checks it). */
typedef struct {
    const char *name;
    const char *key[MAX_KEY];   /* primary key columns: the export's row order */
    int prefilled;              /* PREFILLED: holds the migration's one row: import updates it;
                                   SEEDED: the migration's rows, which import replaces */
} xtable;

#define PREFILLED 1
#define SEEDED 2

static const xtable tables[] = {
    {"review_programme", {"id"}, SEEDED},   /* the default programme (011) */
    {"input_requirement", {"id"}, SEEDED},  /* the IMS catalogue (011) */
    {"review", {"id"}, 0},
    {"attendee", {"id"}, 0},
    {"input_item", {"id"}, 0},
    {"decision", {"id"}, 0},
    {"action", {"id"}, 0},
    {"improvement", {"id"}, 0},
    {"isms_change", {"id"}, 0},
    {"objective", {"id"}, 0},
    {"resource_req", {"id"}, 0},
    {"communication", {"id"}, 0},
    {"action_snapshot", {"id"}, 0},
    {"prior_review", {"id"}, 0},   /* a previous review held outside the system (012) */
    {"prior_action", {"id"}, 0},
    {"objective_snapshot", {"id"}, 0},
    {"action_update", {"id"}, 0},
    {"attachment", {"id"}, 0},     /* rows only: the files are under ISMSReviewEvidenceDir */
    {"objective_revision", {"id"}, 0},
    {"kpi_measurement", {"id"}, 0},
    {"workflow_transition", {"id"}, 0},
    {"approval", {"id"}, 0},
    {"waiver", {"id"}, 0},
    {"finding_ack", {"id"}, 0},
    {"person", {"id"}, 0},
    {"review_version", {"id"}, 0},
    {"audit_event", {"seq"}, 0},
    {"audit_head", {"id"}, PREFILLED},
    {"ref_counter", {"scope"}, 0},
    {"idempotency", {"user_name", "idem_key"}, 0},
    {"notification", {"id"}, 0},
};
#define NTABLES ((int)(sizeof(tables) / sizeof(tables[0])))
/* review comes after the tables it refers to (review_programme): its index */
static int review_table(void)
{
    int j;

    for (j = 0; j < NTABLES && strcmp(tables[j].name, "review") != 0; j++) continue;
    return j;
}
#define REVIEW_TABLE review_table()

/* Not data: the migration ledger (the header's schema_version stands for it) and the
 * dashboard's summary (migration 013), which its triggers fill as the actions and reviews are
 * imported (ismsreview-admin verify compares it with the actions). */
static const char *const skipped[] = {"schema_version", "action_tally", "action_day", NULL};

/* The status a review is inserted with, and the legal steps to its exported status. */
static const struct {
    const char *status, *insert_as, *steps[3];
} review_paths[] = {
    {"PLANNED", "PLANNED", {NULL}},
    {"DRAFT", "DRAFT", {NULL}},
    {"SUBMITTED", "DRAFT", {"SUBMITTED"}},
    {"RETURNED", "DRAFT", {"SUBMITTED", "RETURNED"}},
    {"APPROVED", "DRAFT", {"SUBMITTED", "APPROVED"}},
    {"PUBLISHED", "DRAFT", {"SUBMITTED", "APPROVED", "PUBLISHED"}},
    {"CANCELLED", "DRAFT", {"CANCELLED"}},
};
#define NPATHS ((int)(sizeof(review_paths) / sizeof(review_paths[0])))

typedef struct {
    int n;
    const char **names;
    char *types;    /* 'i' integer, 'r' real, 't' text */
} xcols;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;

    fputs("ismsreview-admin: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const xdialect *dialect_of(isms_conn *c)
{
    return isms_conn_dialect(c);
}

static char type_class(const char *decl)
{
    char *u = strdup(decl ? decl : ""), *s;
    char t = 't';

    for (s = u; *s; s++) *s = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    if (strstr(u, "INT")) t = 'i';
    else if (strstr(u, "REAL") || strstr(u, "DOUB") || strstr(u, "FLOA") ||
             strstr(u, "NUMERIC") || strstr(u, "DECIMAL")) t = 'r';
    free(u);
    return t;
}

static int load_columns(apr_pool_t *p, isms_conn *c, const xdialect *d, const char *table,
                        xcols *out)
{
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;
    const char *err = NULL;
    int i;

    isms_sql_appendf(q, d->export.list_columns, table);
    if (!isms_sql_text(q) || isms_conn_query(c, p, isms_sql_text(q), &rs, &err) != ISMS_DB_OK) {
        say("cannot read the columns of table %s: %s", table,
            err ? err : isms_sql_error(q));
        return EXIT_FAILURE;
    }
    if (rs->nrows == 0) {
        say("table %s is not in the database: run `ismsreview-admin migrate` first", table);
        return EXIT_FAILURE;
    }
    out->n = rs->nrows;
    out->names = apr_pcalloc(p, sizeof(char *) * (size_t)rs->nrows);
    out->types = apr_pcalloc(p, (size_t)rs->nrows + 1);
    for (i = 0; i < rs->nrows; i++) {
        out->names[i] = ISMS_ROW(rs, i, 0);
        out->types[i] = type_class(ISMS_ROW(rs, i, 1));
    }
    return EXIT_SUCCESS;
}

static int col_index(const xcols *cols, const char *name)
{
    int i;

    for (i = 0; i < cols->n; i++) {
        if (strcmp(cols->names[i], name) == 0) return i;
    }
    return -1;
}

/* Every table in the database is one this tool knows, and every known table is there. */
static int check_catalogue(apr_pool_t *p, isms_conn *c, const xdialect *d, xcols *cols)
{
    isms_rows *rs;
    const char *err = NULL;
    int i, j, rc = EXIT_SUCCESS;

    if (isms_conn_query(c, p, d->export.list_tables, &rs, &err) != ISMS_DB_OK) {
        say("cannot list the tables of the database: %s", err);
        return EXIT_FAILURE;
    }
    for (i = 0; i < rs->nrows; i++) {
        const char *name = ISMS_ROW(rs, i, 0);
        int known = 0;
        for (j = 0; j < NTABLES && !known; j++) known = strcmp(tables[j].name, name) == 0;
        for (j = 0; skipped[j] && !known; j++) known = strcmp(skipped[j], name) == 0;
        if (!known) {
            say("the database has a table '%s' that export/import does not know: this "
                "ismsreview-admin is older than the schema, use the one of the installed "
                "module", name);
            rc = EXIT_FAILURE;
        }
    }
    for (j = 0; j < NTABLES && rc == EXIT_SUCCESS; j++) {
        rc = load_columns(p, c, d, tables[j].name, &cols[j]);
    }
    return rc;
}

/* ---------------------------------------------------------------------------------------
 * export */

static const char *row_label(apr_pool_t *p, const xtable *t, const xcols *cols,
                             const char *const *row, int n)
{
    const char *s = apr_psprintf(p, "table %s row %d (", t->name, n);
    int k, i;

    for (k = 0; k < MAX_KEY && t->key[k]; k++) {
        i = col_index(cols, t->key[k]);
        s = apr_pstrcat(p, s, k ? ", " : "", t->key[k], " ",
                        i >= 0 && row[i] ? row[i] : "?", NULL);
    }
    return apr_pstrcat(p, s, ")", NULL);
}

static json_t *export_value(char type, const char *v, const char **why)
{
    char *end;

    if (!v) return json_null();
    if (type == 'i') {
        long long n;
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno || end == v || *end) {
            *why = "is not an integer";
            return NULL;
        }
        return json_integer((json_int_t)n);
    }
    if (type == 'r') {
        double x;
        errno = 0;
        x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x)) {
            *why = "is not a finite number";
            return NULL;
        }
        return json_real(x);
    }
    if (isms_text_check(v, strlen(v))) {
        *why = isms_text_check(v, strlen(v));
        return NULL;
    }
    return json_string(v);
}

static int export_table(apr_pool_t *p, isms_conn *c, const xdialect *d, const xtable *t,
                        const xcols *cols, FILE *out, long long *total)
{
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;
    json_t *names = json_array(), *head;
    const char *err = NULL;
    char *s;
    int i, k, rc = EXIT_SUCCESS;

    isms_sql_appendf(q, "SELECT ");
    for (i = 0; i < cols->n; i++) {
        if (i) isms_sql_appendf(q, ", ");
        isms_sql_appendf(q, cols->types[i] == 'r' ? d->export.real_text : d->export.ident, cols->names[i],
                         cols->names[i]);
        json_array_append_new(names, json_string(cols->names[i]));
    }
    isms_sql_appendf(q, " FROM ");
    isms_sql_appendf(q, d->export.ident, t->name);
    isms_sql_appendf(q, " ORDER BY ");
    for (k = 0; k < MAX_KEY && t->key[k]; k++) {
        i = col_index(cols, t->key[k]);
        if (k) isms_sql_appendf(q, ", ");
        isms_sql_appendf(q, i >= 0 && cols->types[i] == 't' ? d->export.key_order : d->export.ident,
                         t->key[k]);
    }
    if (!isms_sql_text(q) || isms_conn_query(c, p, isms_sql_text(q), &rs, &err) != ISMS_DB_OK) {
        say("export: cannot read table %s: %s", t->name, err ? err : isms_sql_error(q));
        json_decref(names);
        return EXIT_FAILURE;
    }
    head = json_pack("{s:s,s:o}", "name", t->name, "columns", names);
    s = json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fprintf(out, "%.*s,\"rows\":[", (int)strlen(s) - 1, s);   /* without the closing } */
    free(s);
    json_decref(head);
    for (i = 0; i < rs->nrows && rc == EXIT_SUCCESS; i++) {
        const char *const *row = rs->values + (size_t)i * (size_t)rs->ncols;
        json_t *arr = json_array();
        for (k = 0; k < cols->n; k++) {
            const char *why = NULL;
            json_t *v = export_value(cols->types[k], row[k], &why);
            if (!v) {
                say("export: %s: column %s %s", row_label(p, t, cols, row, i + 1),
                    cols->names[k], why ? why : "cannot be represented in JSON");
                rc = EXIT_FAILURE;
                break;
            }
            json_array_append_new(arr, v);
        }
        if (rc == EXIT_SUCCESS) {
            s = json_dumps(arr, JSON_COMPACT);
            fprintf(out, "%s\n%s", i ? "," : "", s);
            free(s);
        }
        json_decref(arr);
    }
    fputs("]}", out);
    *total += rs->nrows;
    return rc;
}

int isms_admin_export(apr_pool_t *p, isms_conn *c, const char *file)
{
    const xdialect *d = dialect_of(c);
    int to_stdout = !file || strcmp(file, "-") == 0;
    xcols cols[NTABLES];
    const char *err = NULL;
    long long total = 0;
    apr_time_exp_t tm;
    json_t *header;
    FILE *out;
    char *s;
    int version = 0, j, rc = EXIT_SUCCESS;

    if (!d) return EXIT_FAILURE;
    /* one snapshot: REPEATABLE READ READ ONLY on PostgreSQL, a read transaction in WAL
     * mode on SQLite, so Apache may go on writing while this runs */
    if (isms_conn_begin(c, 0, &err) != ISMS_DB_OK) {
        say("export: cannot start a read transaction: %s", err);
        return EXIT_FAILURE;
    }
    if (isms_migrate_current(c, p, &version, &err) != ISMS_DB_OK) {
        say("export: %s", err);
        return EXIT_FAILURE;
    }
    if (version == 0) {
        say("export: the database has no schema, there is nothing to export (wrong "
            "--database?)");
        return EXIT_FAILURE;
    }
    if ((rc = check_catalogue(p, c, d, cols)) != EXIT_SUCCESS) return rc;
    if (to_stdout) out = stdout;
    else if (!(out = fopen(file, "w"))) {
        say("export: cannot write %s: %s", file, strerror(errno));
        return EXIT_USAGE;
    }
    apr_time_exp_gmt(&tm, apr_time_now());
    header = json_pack("{s:s,s:i,s:i,s:s,s:s}", "format", FORMAT_NAME, "format_version",
                       FORMAT_VERSION, "schema_version", version, "exported_at",
                       apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                    tm.tm_sec),
                       "source_driver", d->name);
    s = json_dumps(header, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fprintf(out, "%.*s,\n\"tables\":[", (int)strlen(s) - 1, s);
    free(s);
    json_decref(header);
    for (j = 0; j < NTABLES && rc == EXIT_SUCCESS; j++) {
        apr_pool_t *tp;
        apr_pool_create(&tp, p);
        fputs(j ? ",\n" : "\n", out);
        rc = export_table(tp, c, d, &tables[j], &cols[j], out, &total);
        apr_pool_destroy(tp);
    }
    fputs("\n]}\n", out);
    isms_conn_rollback(c);     /* read only: nothing to commit */
    if (fflush(out) != 0 || ferror(out) || (!to_stdout && fsync(fileno(out)) != 0)) {
        say("export: writing %s failed: %s", to_stdout ? "standard output" : file,
            strerror(errno));
        rc = EXIT_FAILURE;
    }
    if (!to_stdout && fclose(out) != 0 && rc == EXIT_SUCCESS) {
        say("export: writing %s failed: %s", file, strerror(errno));
        rc = EXIT_FAILURE;
    }
    if (rc != EXIT_SUCCESS) {
        if (!to_stdout) unlink(file);     /* no half file that looks like a backup */
        say("export failed%s", to_stdout ? "; the output is incomplete" :
                                           ", nothing was written");
        return rc;
    }
    fprintf(to_stdout ? stderr : stdout, "exported %lld rows of %d tables (schema version "
            "%d, %s) to %s\n", total, NTABLES, version, d->name,
            to_stdout ? "standard output" : file);
    return EXIT_SUCCESS;
}

/* ---------------------------------------------------------------------------------------
 * import */

typedef struct {
    json_t *rows;         /* the file's rows */
    json_t *columns;      /* the file's column names */
    int *target;          /* file column i -> index in the database's columns */
} ftable;

static const char *value_problem(char type, json_t *v)
{
    if (json_is_null(v)) return NULL;
    if (type == 'i') return json_is_integer(v) ? NULL : "must be an integer or null";
    if (type == 'r') return json_is_number(v) ? NULL : "must be a number or null";
    if (!json_is_string(v)) return "must be a string or null";
    return isms_text_check(json_string_value(v), json_string_length(v));
}

static const char *frow_label(apr_pool_t *p, const xtable *t, const ftable *f, json_t *row,
                              size_t n)
{
    const char *s = apr_psprintf(p, "table %s row %" APR_SIZE_T_FMT, t->name, n);
    size_t i;
    int k;

    for (k = 0; k < MAX_KEY && t->key[k] && json_is_array(row); k++) {
        for (i = 0; i < json_array_size(f->columns); i++) {
            if (strcmp(json_string_value(json_array_get(f->columns, i)), t->key[k]) == 0) {
                json_t *v = json_array_get(row, i);
                char *d = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
                s = apr_pstrcat(p, s, k ? ", " : " (", t->key[k], " ", d ? d : "?", NULL);
                free(d);
            }
        }
    }
    return k && json_is_array(row) ? apr_pstrcat(p, s, ")", NULL) : s;
}

/* Checks the whole document against the database's schema before anything is written. */
static int validate(apr_pool_t *p, json_t *doc, const char *file, const xcols *cols,
                    ftable *ft)
{
    json_t *list = json_object_get(doc, "tables"), *t;
    size_t i, r, n;
    int j, k;

    if (!json_is_array(list)) {
        say("import: %s: \"tables\" is missing or not a list", file);
        return EXIT_FAILURE;
    }
    memset(ft, 0, sizeof(ftable) * NTABLES);
    json_array_foreach(list, i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        json_t *fc = json_object_get(t, "columns"), *rows = json_object_get(t, "rows"), *c;
        for (j = 0; name && j < NTABLES && strcmp(tables[j].name, name) != 0; j++)
            ;
        if (!name || !json_is_array(fc) || !json_is_array(rows)) {
            say("import: %s: table entry %" APR_SIZE_T_FMT " needs \"name\", \"columns\" and "
                "\"rows\"", file, i + 1);
            return EXIT_FAILURE;
        }
        if (j == NTABLES) {
            say("import: %s: unknown table '%s' (not in this schema)", file, name);
            return EXIT_FAILURE;
        }
        if (ft[j].rows) {
            say("import: %s: table %s appears twice", file, name);
            return EXIT_FAILURE;
        }
        ft[j].rows = rows;
        ft[j].columns = fc;
        ft[j].target = apr_pcalloc(p, sizeof(int) * (json_array_size(fc) + 1));
        json_array_foreach(fc, n, c) {
            const char *cn = json_string_value(c);
            int at = cn ? col_index(&cols[j], cn) : -1;
            if (at < 0) {
                say("import: %s: table %s: column '%s' is not in the database's schema", file,
                    name, cn ? cn : "(not a string)");
                return EXIT_FAILURE;
            }
            for (r = 0; r < n; r++) {
                if (ft[j].target[r] == at) {
                    say("import: %s: table %s: column %s appears twice", file, name, cn);
                    return EXIT_FAILURE;
                }
            }
            ft[j].target[n] = at;
        }
        if ((int)json_array_size(fc) != cols[j].n) {
            for (k = 0; k < cols[j].n; k++) {
                for (n = 0; n < json_array_size(fc) && ft[j].target[n] != k; n++)
                    ;
                if (n == json_array_size(fc)) break;
            }
            say("import: %s: table %s: column %s is missing", file, name,
                k < cols[j].n ? cols[j].names[k] : "?");
            return EXIT_FAILURE;
        }
        json_array_foreach(rows, r, t) {
            json_t *v;
            if (!json_is_array(t) || json_array_size(t) != json_array_size(fc)) {
                say("import: %s: %s: a row must be a list of %" APR_SIZE_T_FMT " values", file,
                    frow_label(p, &tables[j], &ft[j], t, r + 1), json_array_size(fc));
                return EXIT_FAILURE;
            }
            json_array_foreach(t, n, v) {
                int at = ft[j].target[n];
                const char *why = value_problem(cols[j].types[at], v);
                if (why) {
                    say("import: %s: %s: column %s %s", file,
                        frow_label(p, &tables[j], &ft[j], t, r + 1), cols[j].names[at], why);
                    return EXIT_FAILURE;
                }
            }
        }
    }
    for (j = 0; j < NTABLES; j++) {
        if (!ft[j].rows) {
            say("import: %s: table %s is missing (truncated or edited file?)", file,
                tables[j].name);
            return EXIT_FAILURE;
        }
        if (tables[j].prefilled == PREFILLED && json_array_size(ft[j].rows) != 1) {
            say("import: %s: table %s must have exactly one row", file, tables[j].name);
            return EXIT_FAILURE;
        }
    }
    return EXIT_SUCCESS;
}

static void append_value(isms_sql *q, json_t *v)
{
    if (json_is_null(v)) isms_sql_appendf(q, "NULL");
    else if (json_is_integer(v)) isms_sql_appendf(q, "%d", (long long)json_integer_value(v));
    else if (json_is_real(v)) isms_sql_appendf(q, "%f", json_real_value(v));
    else isms_sql_appendf(q, "%s", json_string_value(v));
}

static int find_path(const char *status)
{
    int i;

    for (i = 0; status && i < NPATHS; i++) {
        if (strcmp(review_paths[i].status, status) == 0) return i;
    }
    return -1;
}

static int fail_row(apr_pool_t *p, const xtable *t, const ftable *f, json_t *row, size_t r,
                    const char *why)
{
    say("import: %s: %s; nothing was imported", frow_label(p, t, f, row, r + 1), why);
    return EXIT_FAILURE;
}

/* The one row of a prefilled table (audit_head): UPDATE ... WHERE key. */
static void update_row(isms_sql *q, const xdialect *d, const xtable *t, const ftable *f,
                       const xcols *cols, json_t *row)
{
    json_t *v;
    size_t n;
    int k;

    isms_sql_appendf(q, "UPDATE ");
    isms_sql_appendf(q, d->export.ident, t->name);
    isms_sql_appendf(q, " SET ");
    json_array_foreach(row, n, v) {
        if (n) isms_sql_appendf(q, ", ");
        isms_sql_appendf(q, d->export.ident, cols->names[f->target[n]]);
        isms_sql_appendf(q, " = ");
        append_value(q, v);
    }
    isms_sql_appendf(q, " WHERE ");
    for (k = 0; k < MAX_KEY && t->key[k]; k++) {
        for (n = 0; n < json_array_size(row); n++) {
            if (strcmp(cols->names[f->target[n]], t->key[k]) != 0) continue;
            if (k) isms_sql_appendf(q, " AND ");
            isms_sql_appendf(q, d->export.ident, t->key[k]);
            isms_sql_appendf(q, " = ");
            append_value(q, json_array_get(row, n));
        }
    }
}

/* A seeded table's rows are the migration's: the file's replace them. */
static int clear_seeded(apr_pool_t *p, isms_conn *c, const xdialect *d, const xtable *t)
{
    isms_sql *q = isms_sql_new(p, c);
    const char *err = NULL;

    isms_sql_appendf(q, "DELETE FROM ");
    isms_sql_appendf(q, d->export.ident, t->name);
    if (!isms_sql_text(q) || isms_conn_exec(c, isms_sql_text(q), NULL, &err) != ISMS_DB_OK) {
        say("import: cannot replace the migration's rows of %s: %s; nothing was imported",
            t->name, err ? err : isms_sql_error(q));
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* One INSERT of rows [from, to) of the file's table; a review goes in with the status its
 * path starts from. *bad gets the row whose status no path reaches. */
static const char *insert_sql(apr_pool_t *p, isms_conn *c, const xdialect *d,
                              const xtable *t, const ftable *f, const xcols *cols,
                              int status_col, size_t from, size_t to, size_t *bad)
{
    isms_sql *q = isms_sql_new(p, c);
    size_t r, n;
    json_t *v;

    isms_sql_appendf(q, "INSERT INTO ");
    isms_sql_appendf(q, d->export.ident, t->name);
    isms_sql_appendf(q, " (");
    for (n = 0; n < json_array_size(f->columns); n++) {
        if (n) isms_sql_appendf(q, ", ");
        isms_sql_appendf(q, d->export.ident, cols->names[f->target[n]]);
    }
    isms_sql_appendf(q, ") VALUES ");
    for (r = from; r < to; r++) {
        isms_sql_appendf(q, r > from ? ", (" : "(");
        json_array_foreach(json_array_get(f->rows, r), n, v) {
            if (n) isms_sql_appendf(q, ", ");
            if ((int)n == status_col && !json_is_null(v)) {
                int path = find_path(json_string_value(v));
                if (path < 0) {
                    *bad = r;
                    return NULL;
                }
                isms_sql_appendf(q, "%s", review_paths[path].insert_as);
            }
            else append_value(q, v);
        }
        isms_sql_appendf(q, ")");
    }
    return isms_sql_text(q) ? isms_sql_text(q) : isms_sql_error(q);
}

#define BATCH_ROWS 250
#define BATCH_BYTES (1024 * 1024)

/* Rows go in as multi-row INSERTs (one statement per batch: measured 2-3x faster than a
 * statement per row on both SQLite and PostgreSQL); a batch the database refuses is rolled
 * back to its savepoint and retried row by row, to name the row. */
static int insert_table(apr_pool_t *p, isms_conn *c, const xdialect *d, const xtable *t,
                        const ftable *f, const xcols *cols)
{
    apr_pool_t *rp;
    size_t r, n, from, total = json_array_size(f->rows), bad = (size_t)-1, bytes;
    json_t *row, *v;
    int status_col = -1, rc = EXIT_SUCCESS;
    const char *sql, *err = NULL;

    if (strcmp(t->name, "review") == 0) {
        json_array_foreach(f->columns, n, v) {
            if (strcmp(json_string_value(v), "status") == 0) status_col = (int)n;
        }
    }
    apr_pool_create(&rp, p);
    if (t->prefilled == SEEDED && (rc = clear_seeded(p, c, d, t)) != EXIT_SUCCESS) {
        apr_pool_destroy(rp);
        return rc;
    }
    if (t->prefilled == PREFILLED) {
        json_array_foreach(f->rows, r, row) {
            isms_sql *q = isms_sql_new(rp, c);
            update_row(q, d, t, f, cols, row);
            if (!isms_sql_text(q) ||
                isms_conn_exec(c, isms_sql_text(q), NULL, &err) != ISMS_DB_OK) {
                rc = fail_row(p, t, f, row, r, apr_pstrcat(p, "the database refused it: ",
                                                           err ? err : isms_sql_error(q),
                                                           NULL));
                break;
            }
        }
        apr_pool_destroy(rp);
        return rc;
    }
    for (from = 0; from < total && rc == EXIT_SUCCESS; from = r) {
        for (r = from, bytes = 0; r < total && r - from < BATCH_ROWS && bytes < BATCH_BYTES;
             r++) {
            json_array_foreach(json_array_get(f->rows, r), n, v) {
                bytes += json_is_string(v) ? json_string_length(v) + 8 : 24;
            }
        }
        sql = insert_sql(rp, c, d, t, f, cols, status_col, from, r, &bad);
        if (!sql) {
            row = json_array_get(f->rows, bad);
            rc = fail_row(p, t, f, row, bad, apr_psprintf(p, "status %s is not one a review "
                          "reaches through the workflow", json_string_value(json_array_get(
                                                              row, (size_t)status_col))));
            break;
        }
        if (isms_conn_exec(c, "SAVEPOINT isms_import", NULL, &err) != ISMS_DB_OK) {
            say("import: SAVEPOINT failed: %s; nothing was imported", err);
            rc = EXIT_FAILURE;
            break;
        }
        if (isms_conn_exec(c, sql, NULL, &err) == ISMS_DB_OK) {
            isms_conn_exec(c, "RELEASE SAVEPOINT isms_import", NULL, &err);
            apr_pool_clear(rp);
            continue;
        }
        isms_conn_exec(c, "ROLLBACK TO SAVEPOINT isms_import", NULL, &err);
        for (n = from; n < r; n++) {       /* which row? */
            sql = insert_sql(rp, c, d, t, f, cols, status_col, n, n + 1, &bad);
            if (isms_conn_exec(c, sql, NULL, &err) != ISMS_DB_OK) break;
        }
        if (n == r) n = from;
        rc = fail_row(p, t, f, json_array_get(f->rows, n), n,
                      apr_pstrcat(p, "the database refused it: ", err, NULL));
    }
    apr_pool_destroy(rp);
    return rc;
}

/* Moves each review from the status it was inserted with to its exported one, one legal
 * transition at a time, through the guard triggers. */
static int replay_status(apr_pool_t *p, isms_conn *c, const ftable *f)
{
    size_t r, n;
    json_t *row, *cn;
    int status_col = -1, id_col = -1, path, s;

    json_array_foreach(f->columns, n, cn) {
        if (strcmp(json_string_value(cn), "status") == 0) status_col = (int)n;
        if (strcmp(json_string_value(cn), "id") == 0) id_col = (int)n;
    }
    json_array_foreach(f->rows, r, row) {
        path = find_path(json_string_value(json_array_get(row, (size_t)status_col)));
        for (s = 0; path >= 0 && s < 3 && review_paths[path].steps[s]; s++) {
            isms_sql *q = isms_sql_new(p, c);
            const char *err = NULL;
            isms_sql_appendf(q, "UPDATE review SET status = %s WHERE id = %d",
                             review_paths[path].steps[s],
                             (long long)json_integer_value(json_array_get(row,
                                                                          (size_t)id_col)));
            if (!isms_sql_text(q) || isms_conn_exec(c, isms_sql_text(q), NULL, &err) !=
                ISMS_DB_OK) {
                return fail_row(p, &tables[REVIEW_TABLE], f, row, r, apr_psprintf(p, "the database "
                                "refused the step to %s: %s", review_paths[path].steps[s],
                                err ? err : isms_sql_error(q)));
            }
        }
    }
    return EXIT_SUCCESS;
}

/* The database holds nothing but what the migrations put there. */
static int check_empty(apr_pool_t *p, isms_conn *c, const xdialect *d)
{
    isms_rows *rs;
    const char *err = NULL;
    int j;

    for (j = 0; j < NTABLES; j++) {
        isms_sql *q = isms_sql_new(p, c);
        int pre = tables[j].prefilled == PREFILLED;
        if (tables[j].prefilled == SEEDED) continue;     /* the migration's rows */
        isms_sql_appendf(q, pre ? "SELECT seq FROM " : "SELECT 1 FROM ");
        isms_sql_appendf(q, d->export.ident, tables[j].name);
        isms_sql_appendf(q, pre ? " WHERE seq <> 0" : " LIMIT 1");
        if (!isms_sql_text(q) ||
            isms_conn_query(c, p, isms_sql_text(q), &rs, &err) != ISMS_DB_OK) {
            say("import: cannot read table %s: %s", tables[j].name,
                err ? err : isms_sql_error(q));
            return EXIT_FAILURE;
        }
        if (rs->nrows > 0) {
            say("import: the database is not empty (table %s has rows): import only into a "
                "new database after `ismsreview-admin migrate`; nothing was changed",
                tables[j].name);
            return EXIT_FAILURE;
        }
    }
    return EXIT_SUCCESS;
}

/* The audit chain and every sealed version, as `verify` checks them, inside the import's
 * transaction. */
static int verify_imported(apr_pool_t *p, isms_conn *c, long long *events, int *versions)
{
    isms_ctx ctx;
    isms_result r;
    isms_rows *rs;
    const char *err = NULL;
    int i;

    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    r = isms_audit_verify(&ctx);
    if (r.status != 200 || !json_is_true(json_object_get(r.body, "valid"))) {
        say("import: the audit trail in the file does not verify: event %" JSON_INTEGER_FORMAT
            ": %s; nothing was imported",
            json_integer_value(json_object_get(r.body, "first_bad")),
            json_string_value(json_object_get(r.body, r.status == 200 ? "reason" :
                                                                        "detail")));
        return EXIT_FAILURE;
    }
    *events = json_integer_value(json_object_get(r.body, "events"));
    if (isms_conn_query(c, p, "SELECT review_id, version, content_hash, content FROM "
                              "review_version ORDER BY review_id, version", &rs, &err) !=
        ISMS_DB_OK) {
        say("import: cannot read the sealed versions: %s", err);
        return EXIT_FAILURE;
    }
    for (i = 0; i < rs->nrows; i++) {
        const char *content = ISMS_ROW(rs, i, 3);
        if (strcmp(isms_sha256_hex(p, content, strlen(content), NULL, 0),
                   ISMS_ROW(rs, i, 2)) != 0) {
            say("import: sealed version %s of review %s in the file does not match its hash; "
                "nothing was imported", ISMS_ROW(rs, i, 1), ISMS_ROW(rs, i, 0));
            return EXIT_FAILURE;
        }
    }
    *versions = rs->nrows;
    return EXIT_SUCCESS;
}

int isms_admin_import(apr_pool_t *p, isms_conn *c, const char *file)
{
    const xdialect *d = dialect_of(c);
    int from_stdin = strcmp(file, "-") == 0, version = 0, expected, j, versions = 0;
    const char *err = NULL, *name = from_stdin ? "standard input" : file;
    xcols cols[NTABLES];
    ftable ft[NTABLES];
    json_error_t jerr;
    json_t *doc, *fv;
    long long total = 0, events = 0;
    FILE *in;
    int rc;

    if (!d) return EXIT_FAILURE;
    if (from_stdin) in = stdin;
    else if (!(in = fopen(file, "r"))) {
        say("import: cannot read %s: %s", file, strerror(errno));
        return EXIT_USAGE;
    }
    doc = json_loadf(in, JSON_REJECT_DUPLICATES, &jerr);
    if (!from_stdin) fclose(in);
    if (!doc) {
        say("import: %s is not a valid export (line %d, column %d: %s); truncated or "
            "corrupted? nothing was imported", name, jerr.line, jerr.column, jerr.text);
        return EXIT_FAILURE;
    }
    isms_json_pool(p, doc);
    fv = json_object_get(doc, "format_version");
    if (!json_is_object(doc) ||
        !json_is_string(json_object_get(doc, "format")) ||
        strcmp(json_string_value(json_object_get(doc, "format")), FORMAT_NAME) != 0) {
        say("import: %s is not an ismsreview-admin export (no \"format\":\"" FORMAT_NAME
            "\"); nothing was imported", name);
        return EXIT_FAILURE;
    }
    if (!json_is_integer(fv) || json_integer_value(fv) != FORMAT_VERSION) {
        say("import: %s has format_version %s; this ismsreview-admin reads version %d: use "
            "the release that wrote it; nothing was imported", name,
            fv ? json_dumps(fv, JSON_ENCODE_ANY) : "(none)", FORMAT_VERSION);
        return EXIT_FAILURE;
    }
    if (isms_migrate_current(c, p, &version, &err) != ISMS_DB_OK) {
        say("import: %s", err);
        return EXIT_FAILURE;
    }
    expected = isms_migrate_expected(d->name);
    if (version == 0) {
        say("import: the database has no schema: run `ismsreview-admin migrate` on it first");
        return EXIT_FAILURE;
    }
    if (version != expected) {
        say("import: the database is at schema version %d but this build expects %d: run "
            "`ismsreview-admin migrate` first", version, expected);
        return EXIT_FAILURE;
    }
    if (!json_is_integer(json_object_get(doc, "schema_version")) ||
        json_integer_value(json_object_get(doc, "schema_version")) != version) {
        say("import: %s has schema version %s but the database is at %d: export with (and "
            "migrate the source to) the same release; nothing was imported", name,
            json_dumps(json_object_get(doc, "schema_version"), JSON_ENCODE_ANY), version);
        return EXIT_FAILURE;
    }
    if ((rc = check_catalogue(p, c, d, cols)) != EXIT_SUCCESS) return rc;
    if ((rc = validate(p, doc, name, cols, ft)) != EXIT_SUCCESS) return rc;
    if (isms_conn_begin(c, 1, &err) != ISMS_DB_OK) {
        say("import: cannot start a write transaction: %s", err);
        return EXIT_FAILURE;
    }
    if ((rc = check_empty(p, c, d)) != EXIT_SUCCESS) {
        isms_conn_rollback(c);
        return rc;
    }
    for (j = 0; j < NTABLES && rc == EXIT_SUCCESS; j++) {
        rc = insert_table(p, c, d, &tables[j], &ft[j], &cols[j]);
        total += (long long)json_array_size(ft[j].rows);
    }
    if (rc == EXIT_SUCCESS) rc = replay_status(p, c, &ft[REVIEW_TABLE]);
    for (j = 0; j < NTABLES && rc == EXIT_SUCCESS && d->export.reset_sequence; j++) {
        isms_sql *q = isms_sql_new(p, c);
        if (col_index(&cols[j], "id") < 0 || tables[j].prefilled == PREFILLED) continue;
        isms_sql_appendf(q, d->export.reset_sequence, tables[j].name, tables[j].name);
        if (!isms_sql_text(q) || isms_conn_exec(c, isms_sql_text(q), NULL, &err) !=
            ISMS_DB_OK) {
            say("import: cannot move the id sequence of %s: %s; nothing was imported",
                tables[j].name, err ? err : isms_sql_error(q));
            rc = EXIT_FAILURE;
        }
    }
    if (rc == EXIT_SUCCESS) rc = verify_imported(p, c, &events, &versions);
    if (rc != EXIT_SUCCESS) {
        isms_conn_rollback(c);
        return rc;
    }
    if (isms_conn_commit(c, &err) != ISMS_DB_OK) {
        say("import: COMMIT failed: %s; nothing was imported", err);
        return EXIT_FAILURE;
    }
    printf("imported %lld rows of %d tables from %s; audit chain valid (%lld events), %d "
           "sealed versions intact\n", total, NTABLES, name, events, versions);
    if (d->export.after_import && isms_conn_exec(c, d->export.after_import, NULL, &err) != ISMS_DB_OK) {
        say("import: the data is imported, but %s failed: %s; run it by hand", d->export.after_import,
            err ? err : "database error");
    }
    return EXIT_SUCCESS;
}
