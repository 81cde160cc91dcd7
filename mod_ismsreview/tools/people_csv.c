/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin people-import FILE.csv / people-export [FILE]: the people register as
 * CSV (RFC 4180: comma-separated, fields with a comma, quote or line break in double quotes,
 * a quote inside doubled; CRLF or LF). The first row names the columns (any order):
 *   login,display_name,job_title,function,email,top_management,active
 * login and display_name are required; top_management lists periods FROM..TO separated by
 * ';' (TO empty: still top management), e.g. "2023-01-01..2024-12-31;2026-01-01..";
 * active is true or false (empty: true). Import is an upsert by login (under the module's
 * identity normalisation) in one transaction: every row is checked, any bad row is reported
 * with its line number and nothing changes; a re-import of the same file changes nothing. */
#include "people_csv.h"

#include <apr_strings.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms_json.h"
#include "isms_ops.h"
#include "isms_people.h"
#include "isms_txn.h"

static const char *const columns[] = {"login", "display_name", "job_title", "function",
                                      "email", "top_management", "active", NULL};

typedef struct {
    int line;                       /* where the record starts */
    apr_array_header_t *fields;     /* const char * */
} csv_record;

/* One record from *s (advanced past it); NULL at the end; *bad set on an unclosed quote. */
static csv_record *next_record(apr_pool_t *p, const char **s, int *line, int *bad)
{
    csv_record *rec;
    const char *c = *s;

    if (!*c) return NULL;
    rec = apr_pcalloc(p, sizeof(*rec));
    rec->line = *line;
    rec->fields = apr_array_make(p, 8, sizeof(const char *));
    for (;;) {
        char *buf = apr_palloc(p, strlen(c) + 1), *o = buf;
        if (*c == '"') {
            for (c++; *c && !(*c == '"' && c[1] != '"'); c++) {
                if (*c == '"') c++;
                if (*c == '\n') (*line)++;
                *o++ = *c;
            }
            if (!*c) {              /* reported at the line the record starts on */
                *bad = 1;
                *line = rec->line;
                return NULL;
            }
            c++;
        }
        while (*c && *c != ',' && *c != '\n' && !(*c == '\r' && c[1] == '\n')) *o++ = *c++;
        *o = '\0';
        APR_ARRAY_PUSH(rec->fields, const char *) = buf;
        if (*c == ',') {
            c++;
            continue;
        }
        if (*c == '\r') c++;
        if (*c == '\n') c++;
        (*line)++;
        break;
    }
    *s = c;
    return rec;
}

static const char *field(const csv_record *rec, int col)
{
    return col >= 0 && col < rec->fields->nelts ? APR_ARRAY_IDX(rec->fields, col,
                                                                  const char *) : "";
}

/* "FROM..TO;FROM.." -> [{"from","to"}]; NULL (and *why) when it is not that shape. */
static json_t *periods(apr_pool_t *p, const char *text, const char **why)
{
    json_t *list = json_array();
    char *copy = apr_pstrdup(p, text), *last, *tok;

    for (tok = apr_strtok(copy, ";", &last); tok; tok = apr_strtok(NULL, ";", &last)) {
        char *dots = strstr(tok, "..");
        while (*tok == ' ') tok++;
        if (!dots) {
            *why = "top_management: each period is FROM..TO (TO may be empty)";
            json_decref(list);
            return NULL;
        }
        *dots = '\0';
        json_array_append_new(list, json_pack("{s:s,s:o}", "from", tok, "to", dots[2]
                                              ? json_string(dots + 2) : json_null()));
    }
    return list;
}

static json_t *row_json(apr_pool_t *p, const csv_record *rec, const int *col,
                        const char **why)
{
    json_t *in = json_object(), *list;
    int k;

    for (k = 0; columns[k]; k++) {
        const char *v = field(rec, col[k]);
        if (col[k] < 0 || (!*v && k > 1)) continue;
        if (!strcmp(columns[k], "top_management")) {
            if (!(list = periods(p, v, why))) {
                json_decref(in);
                return NULL;
            }
            json_object_set_new(in, columns[k], list);
        }
        else if (!strcmp(columns[k], "active")) {
            if (strcmp(v, "true") && strcmp(v, "false")) {
                *why = "active: true or false";
                json_decref(in);
                return NULL;
            }
            json_object_set_new(in, columns[k], json_boolean(!strcmp(v, "true")));
        }
        else {
            json_object_set_new(in, columns[k], json_string(v));
        }
    }
    return in;
}

typedef struct {
    const char *text;
    int counts[3];                  /* created, updated, unchanged */
    json_t *errors;                 /* ["line N: ..."] */
} import_job;

static void row_error(import_job *job, int line, const json_t *problem, const char *why)
{
    const json_t *e;
    size_t i;

    if (why) {
        json_array_append_new(job->errors, json_sprintf("line %d: %s", line, why));
        return;
    }
    json_array_foreach(json_object_get(problem, "errors"), i, e) {
        json_array_append_new(job->errors, json_sprintf("line %d: %s: %s", line,
            json_string_value(json_object_get(e, "field")),
            json_string_value(json_object_get(e, "message"))));
    }
    if (!json_array_size(json_object_get(problem, "errors"))) {
        json_array_append_new(job->errors, json_sprintf("line %d: %s", line,
            json_string_value(json_object_get(problem, "detail"))));
    }
}

/* The header: the column of each known name; an unknown or repeated name is an error. */
static int header(import_job *job, const csv_record *rec, int *col)
{
    int k, i;

    for (k = 0; columns[k]; k++) col[k] = -1;
    for (i = 0; i < rec->fields->nelts; i++) {
        const char *name = APR_ARRAY_IDX(rec->fields, i, const char *);
        for (k = 0; columns[k] && strcmp(columns[k], name); k++) {}
        if (!columns[k] || col[k] >= 0) {
            json_array_append_new(job->errors, json_sprintf("line 1: column '%s' is %s", name,
                                  columns[k] ? "repeated" : "not one of login, display_name, "
                                  "job_title, function, email, top_management, active"));
            return 0;
        }
        col[k] = i;
    }
    if (col[0] < 0 || col[1] < 0) {
        json_array_append_new(job->errors, json_string("line 1: the header must name the "
                                                       "columns login and display_name"));
        return 0;
    }
    return 1;
}

static void import_row(isms_ctx *ctx, import_job *job, const csv_record *rec, const int *col,
                       json_t *seen)
{
    const char *why = NULL, *key;
    json_t *in = isms_json_pool(ctx->pool, row_json(ctx->pool, rec, col, &why));
    isms_result r;
    int created = 0;

    if (!in) {
        row_error(job, rec->line, NULL, why);
        return;
    }
    key = json_string_value(json_object_get(in, "login"));
    if (key && json_object_get(seen, key)) {
        row_error(job, rec->line, NULL, apr_psprintf(ctx->pool, "login %s is also on line %d",
                  key, (int)json_integer_value(json_object_get(seen, key))));
        return;
    }
    if (key) json_object_set_new(seen, key, json_integer(rec->line));
    r = isms_person_upsert(ctx, in, &created);
    if (r.status >= 300) {
        row_error(job, rec->line, r.body, NULL);
        return;
    }
    job->counts[created == 1 ? 0 : created == 0 ? 1 : 2]++;
}

static isms_result import_op(isms_ctx *ctx, void *arg)
{
    import_job *job = arg;
    const char *s = job->text + (strncmp(job->text, "\xEF\xBB\xBF", 3) ? 0 : 3), *err = NULL;
    json_t *seen = isms_json_pool(ctx->pool, json_object());
    int line = 1, bad = 0, col[8];
    csv_record *rec = next_record(ctx->pool, &s, &line, &bad);
    isms_db_status st;

    if (rec && header(job, rec, col)) {
        while ((rec = next_record(ctx->pool, &s, &line, &bad)) != NULL) {
            if (rec->fields->nelts == 1 && !*field(rec, 0)) continue;   /* blank line */
            import_row(ctx, job, rec, col, seen);
        }
    }
    if (!rec && bad) json_array_append_new(job->errors, json_sprintf("line %d: a quoted field "
                                                                     "is not closed", line));
    if (!json_array_size(job->errors) && line == 1) {
        json_array_append_new(job->errors, json_string("line 1: no header row"));
    }
    if (json_array_size(job->errors)) {
        return isms_res_problem(ctx->pool, 422, "validation", "Invalid CSV", "bad rows");
    }
    if ((st = isms_people_refresh_drafts(ctx, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return isms_res_ok(ctx, 200, json_pack("{s:i,s:i,s:i}", "created", job->counts[0],
                       "updated", job->counts[1], "unchanged", job->counts[2]), NULL, NULL);
}

static const char *read_all(apr_pool_t *p, const char *file)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            char *bigger = apr_palloc(p, cap = (cap + 4096) * 2);
            if (buf) memcpy(bigger, buf, len);
            buf = bigger;
        }
        n = fread(buf + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    if (f != stdin) fclose(f);
    buf[len] = '\0';
    return memchr(buf, '\0', len) ? "" : buf;
}

int isms_admin_people_import(apr_pool_t *p, isms_conn *c, const char *file)
{
    import_job job = {read_all(p, file), {0, 0, 0}, json_array()};
    isms_audit_event ev = {"CLI", "people-import", "people-import", "person", 0, 0, 0, NULL,
                           NULL};
    isms_ctx ctx;
    isms_result r;
    size_t i;

    if (!job.text) {
        fprintf(stderr, "ismsreview-admin: people-import: cannot read %s\n", file);
        json_decref(job.errors);
        return 2;
    }
    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    r = isms_txn_write(&ctx, import_op, &job, NULL, &ev);
    for (i = 0; i < json_array_size(job.errors); i++) {
        fprintf(stderr, "ismsreview-admin: people-import: %s\n",
                json_string_value(json_array_get(job.errors, i)));
    }
    json_decref(job.errors);
    if (r.status != 200) {
        if (!i) fprintf(stderr, "ismsreview-admin: people-import: %s\n",
                        json_string_value(json_object_get(r.body, "detail")));
        fprintf(stderr, "ismsreview-admin: people-import: nothing changed\n");
        return 1;
    }
    printf("people-import: %d created, %d updated, %d unchanged\n", job.counts[0],
           job.counts[1], job.counts[2]);
    return 0;
}

/* ---- export ---- */

static void put_field(FILE *f, const char *v, int last)
{
    if (v && strpbrk(v, ",\"\r\n")) {
        fputc('"', f);
        for (; *v; v++) {
            if (*v == '"') fputc('"', f);
            fputc(*v, f);
        }
        fputc('"', f);
    }
    else if (v) {
        fputs(v, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

static const char *periods_text(apr_pool_t *p, const json_t *list)
{
    const char *out = "";
    const json_t *x;
    size_t i;

    json_array_foreach(list, i, x) {
        const char *to = json_string_value(json_object_get(x, "to"));
        out = apr_pstrcat(p, out, i ? ";" : "", json_string_value(json_object_get(x, "from")),
                          "..", to ? to : "", NULL);
    }
    return out;
}

static void put_person(apr_pool_t *p, FILE *f, const json_t *person)
{
    int k;

    for (k = 0; columns[k]; k++) {
        const json_t *v = json_object_get(person, columns[k]);
        const char *text = json_is_string(v) ? json_string_value(v) : "";
        if (!strcmp(columns[k], "top_management")) text = periods_text(p, v);
        if (!strcmp(columns[k], "active")) text = json_is_false(v) ? "false" : "true";
        put_field(f, text, !columns[k + 1]);
    }
}

static isms_result export_op(isms_ctx *ctx, void *arg)
{
    json_t *all;
    const char *err = NULL;
    isms_db_status st = isms_people_all(ctx, &all, &err);

    (void)arg;
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return isms_res_ok(ctx, 200, all, NULL, NULL);
}

int isms_admin_people_export(apr_pool_t *p, isms_conn *c, const char *file)
{
    FILE *f = file && strcmp(file, "-") ? fopen(file, "wb") : stdout;
    isms_ctx ctx;
    isms_result r;
    const json_t *person;
    size_t i;
    int k;

    if (!f) {
        fprintf(stderr, "ismsreview-admin: people-export: cannot write %s\n", file);
        return 2;
    }
    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    r = isms_txn_read(&ctx, export_op, NULL);
    if (r.status != 200) {
        fprintf(stderr, "ismsreview-admin: people-export: %s\n",
                json_string_value(json_object_get(r.body, "detail")));
        if (f != stdout) fclose(f);
        return 1;
    }
    for (k = 0; columns[k]; k++) put_field(f, columns[k], !columns[k + 1]);
    json_array_foreach(r.body, i, person) put_person(p, f, person);
    return (f != stdout ? fclose(f) : fflush(f)) == 0 ? 0 : 1;
}
