/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_ops.h"
#include "isms_json.h"
#include "isms_log.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <stdlib.h>
#include <string.h>

void isms_ctx_init(isms_ctx *ctx, apr_pool_t *p, isms_conn *conn, const char *user)
{
    apr_time_exp_t t;

    memset(ctx, 0, sizeof(*ctx));
    ctx->pool = p;
    ctx->conn = conn;
    ctx->user = user;
    ctx->interval_months = 12;
    ctx->approvals = 1;
    ctx->refusal_budget = ISMS_DEFAULT_REFUSAL_BUDGET;
    apr_time_exp_gmt(&t, apr_time_now());
    ctx->now = apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1,
                            t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
    ctx->today = apr_pstrndup(p, ctx->now, 10);
}

isms_result isms_res_ok(isms_ctx *ctx, int status, json_t *body, const char *etag,
                        const char *location)
{
    isms_result r = {0};

    r.status = status;
    r.body = isms_json_pool(ctx->pool, body);
    r.etag = etag;
    r.location = location;
    return r;
}

isms_result isms_res_problem(apr_pool_t *p, int status, const char *slug, const char *title,
                             const char *detail)
{
    isms_result r = {0};

    r.status = status;
    r.body = isms_problem(p, status, slug, title, detail);
    return r;
}

isms_result isms_res_invalid(apr_pool_t *p, json_t *errors)
{
    size_t total = json_array_size(errors);
    isms_result r = isms_res_problem(p, 422, "validation", "Invalid request", total >
                                     ISMS_VERR_MAX ? apr_psprintf(p, "%" APR_SIZE_T_FMT " fields "
                                     "are not valid; errors lists the first %d", total,
                                     ISMS_VERR_MAX) : "one or more fields are not valid; see "
                                     "errors");

    while (json_array_size(errors) > ISMS_VERR_MAX) {
        json_array_remove(errors, json_array_size(errors) - 1);
    }
    json_object_set(r.body, "errors", errors);
    json_object_set_new(r.body, "errors_total", json_integer((json_int_t)total));
    return r;
}

/* The one mapping from a database status to its problem: HTTP status, type, title, detail
 * (NULL: the store's own message), the `database` member and the Retry-After seconds. The
 * glue answers a connection that cannot be had with it too (isms_respond_db). */
typedef struct {
    isms_db_status st;
    int status;
    const char *slug, *title, *detail, *database;
    int retry_after;
} isms_db_problem_row;

static const isms_db_problem_row db_problems[] = {
    { ISMS_DB_BUSY, 503, "database-busy", "Database busy",
      "the database is busy; retry the request", "busy", 1 },
    { ISMS_DB_READONLY, 503, "database-read-only", "Database read-only",
      "the database takes no writes at the moment; reading works; retry later", NULL, 5 },
    { ISMS_DB_FULL, 503, "database-full", "Database disk full",
      "the database has no space left for the write; retry later", NULL, 5 },
    { ISMS_DB_UNAVAILABLE, 503, "database-unavailable", "Database unavailable",
      "the database cannot be reached; see the server's error log", "unreachable", 5 },
    { ISMS_DB_SCHEMA, 503, "schema-mismatch", "Database schema mismatch", NULL,
      "schema_mismatch", 0 },
    { ISMS_DB_ERROR, 500, "database-error", "Database error",          /* and anything else */
      "the database refused the statement; see the server's error log", NULL, 0 },
};

isms_result isms_db_problem(apr_pool_t *p, isms_db_status st, const char *err)
{
    size_t n = sizeof(db_problems) / sizeof(db_problems[0]), i = 0;
    const isms_db_problem_row *row;
    isms_result r;

    while (i < n - 1 && db_problems[i].st != st) i++;
    row = &db_problems[i];
    r = isms_res_problem(p, row->status, row->slug, row->title,
                         row->detail ? row->detail : (err ? err : "unknown error"));
    if (row->database) json_object_set_new(r.body, "database", json_string(row->database));
    r.retry_after = row->retry_after;
    return r;
}

/* A statement's failure: one numbered line naming the cause (a busy database is no fault),
 * and its problem. */
isms_result isms_res_db(apr_pool_t *p, isms_db_status st, const char *err)
{
    const char *e = err ? err : "unknown";

    if (st == ISMS_DB_READONLY) {
        isms_log(ISMS_LOG_ERR, 21300, "database is read-only, write refused: %s", e);
    }
    else if (st == ISMS_DB_FULL) {
        isms_log(ISMS_LOG_ERR, 21301, "database disk full, write refused: %s", e);
    }
    else if (st == ISMS_DB_UNAVAILABLE) {
        isms_log(ISMS_LOG_ERR, 21302, "database unavailable: %s", e);
    }
    else if (st != ISMS_DB_BUSY) {
        isms_log(ISMS_LOG_ERR, 21101, "database error: %s", e);
    }
    return isms_db_problem(p, st, err);
}

isms_result isms_res_not_found(isms_ctx *ctx, const char *what)
{
    return isms_res_problem(ctx->pool, 404, "not-found", "Not found",
                            apr_psprintf(ctx->pool, "no such %s", what));
}

/* A representation that shows a figure derived from today's date: the review (its open
 * actions' days_overdue, embedded) and every kind with a days_overdue field of its own. */
static int shows_the_day(const isms_entity *e)
{
    return e == &isms_entity_review || isms_entity_field(e, "days_overdue") != NULL;
}

const char *isms_etag(isms_ctx *ctx, const isms_entity *e, const json_t *row)
{
    const char *t = isms_rec_etag(ctx->pool, e, row);

    if (!shows_the_day(e)) return t;
    return apr_psprintf(ctx->pool, "%.*s@%s\"", (int)strlen(t) - 1, t, ctx->today);
}

const char *isms_review_etag(isms_ctx *ctx, const json_t *row)
{
    return isms_etag(ctx, &isms_entity_review, row);
}

json_t *isms_present(isms_ctx *ctx, const isms_entity *e, const json_t *row)
{
    json_t *j = json_deep_copy(row);

    json_object_set_new(j, "etag", json_string(isms_etag(ctx, e, row)));
    json_object_del(j, "_row_version");
    return j;
}

static int is_wildcard(apr_pool_t *p, const char *header)
{
    char *list = apr_pstrdup(p, header);

    apr_collapse_spaces(list, list);
    return strcmp(list, "*") == 0;
}

/* If-Match may list several entity tags; a weak one never matches (strong comparison). */
/* "review-1-3@2026-12-06" -> "review-1-3" (isms_review_etag); other tags as they are */
static const char *without_day(apr_pool_t *p, const char *tag)
{
    const char *at = strrchr(tag, '@');
    size_t n = strlen(tag);

    if (!at || n < 2 || tag[0] != '"' || tag[n - 1] != '"') return tag;
    return apr_pstrcat(p, apr_pstrmemdup(p, tag, (apr_size_t)(at - tag)), "\"", NULL);
}

static int etag_listed(apr_pool_t *p, const char *header, const char *etag)
{
    char *list, *last, *tok;

    if (is_wildcard(p, header)) return 1;
    list = apr_pstrdup(p, header);
    etag = without_day(p, etag);
    for (tok = apr_strtok(list, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
        while (*tok == ' ' || *tok == '\t') tok++;
        apr_collapse_spaces(tok, tok);
        if (strcmp(without_day(p, tok), etag) == 0) return 1;
    }
    return 0;
}

isms_result isms_check_if_match(isms_ctx *ctx, const char *if_match, const char *etag)
{
    isms_result ok = {0};

    if (!if_match) {
        return isms_res_problem(ctx->pool, 428, "precondition-required", "If-Match required",
                                "send If-Match with the ETag of the version you edit");
    }
    if (!etag_listed(ctx->pool, if_match, etag)) {
        isms_result r = isms_res_problem(ctx->pool, 412, "stale", "Precondition failed",
                                         "the resource has changed since you read it; "
                                         "reload it and apply your change again");
        r.etag = etag;
        return r;
    }
    return ok;
}

isms_result isms_check_if_match_read(isms_ctx *ctx, const char *if_match, const char *etag)
{
    if (if_match && is_wildcard(ctx->pool, if_match)) {
        return isms_res_problem(ctx->pool, 428, "precondition-required", "ETag required",
                                "approving needs If-Match with the ETag of the version you "
                                "read; If-Match: * (any version) is not accepted here");
    }
    return isms_check_if_match(ctx, if_match, etag);
}

isms_result isms_load_record(isms_ctx *ctx, const isms_entity *e, const char *what,
                             long long id, json_t **row)
{
    isms_result ok = {0};
    const char *err = NULL;
    isms_db_status st = isms_rec_get(ctx, e, 0, id, row, &err);

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (!*row) return isms_res_not_found(ctx, what);
    isms_json_pool(ctx->pool, *row);
    return ok;
}

isms_result isms_load_review(isms_ctx *ctx, long long id, json_t **review)
{
    return isms_load_record(ctx, &isms_entity_review, "review", id, review);
}

int isms_review_editable(const json_t *review)
{
    const char *s = json_string_value(json_object_get(review, "status"));

    return s && (strcmp(s, "DRAFT") == 0 || strcmp(s, "RETURNED") == 0);
}

isms_sql *isms_touch_review_sql(isms_ctx *ctx, long long id)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1, updated_at = %s, "
                        "updated_by = %s WHERE id = %d", ctx->now, ctx->user, id);
    return q;
}

isms_db_status isms_touch_review(isms_ctx *ctx, long long id, const char **err)
{
    return isms_exec_sql(ctx, isms_touch_review_sql(ctx, id), NULL, err);
}

static int parse_ll(const char *s, long long *out)
{
    char *end;

    if (!s || !*s || strlen(s) > 18) return 0;
    *out = strtoll(s, &end, 10);
    return *end == '\0' && *out >= 0 && apr_isdigit(*s);
}

isms_result isms_page_params(isms_ctx *ctx, const isms_query *q, long long *limit,
                             long long *after)
{
    isms_result ok = {0};
    const char *l = q ? apr_table_get(q, "limit") : NULL;
    const char *c = q ? apr_table_get(q, "cursor") : NULL;

    *limit = ISMS_PAGE_DEFAULT;
    *after = 0;
    if (l && (!parse_ll(l, limit) || *limit < 1 || *limit > ISMS_PAGE_MAX)) {
        return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                apr_psprintf(ctx->pool, "limit must be 1 to %d",
                                             ISMS_PAGE_MAX));
    }
    if (c && !parse_ll(c, after)) {
        return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                "cursor must be a value returned as next_cursor");
    }
    return ok;
}

static isms_result bad_filter(isms_ctx *ctx, const char *msg)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter", msg);
}

/* MR-2026-01 upper-cased; NULL unless it is letters, digits and hyphens (1..64). */
static char *ref_key(apr_pool_t *p, const char *ref)
{
    char *k = apr_pstrdup(p, ref), *c;

    if (!*k || strlen(k) > 64) return NULL;
    for (c = k; *c; c++) {
        if (!apr_isalnum(*c) && *c != '-') return NULL;
        *c = (char)apr_toupper(*c);
    }
    return k;
}

isms_result isms_review_filter(isms_ctx *ctx, const isms_query *qs, isms_sql *q)
{
    isms_result ok = {0};
    const char *review = apr_table_get(qs, "review"), *ref = apr_table_get(qs, "review_ref");
    long long rid;

    if (review) {
        if (!parse_ll(review, &rid) || rid < 1) {
            return bad_filter(ctx, "review must be a review id (review_ref takes a reference "
                                   "such as MR-2026-01)");
        }
        isms_sql_appendf(q, " AND review_id = %d", rid);
    }
    if (ref) {
        const char *key = ref_key(ctx->pool, ref);
        if (!key) return bad_filter(ctx, "review_ref must be a review reference such as "
                                         "MR-2026-01");
        isms_sql_appendf(q, " AND review_id IN (SELECT id FROM review WHERE ref = %s)", key);
    }
    return ok;
}

json_t *isms_page_body(isms_ctx *ctx, json_t *items, long long limit)
{
    json_t *body = json_object();
    size_t n = json_array_size(items);

    if ((long long)n > limit) {          /* one extra row was fetched: there is more */
        json_array_remove(items, n - 1);
        n--;
        json_object_set_new(body, "next_cursor", json_string(apr_psprintf(
            ctx->pool, "%" APR_INT64_T_FMT,
            (apr_int64_t)json_integer_value(json_object_get(json_array_get(items, n - 1), "id")))));
    }
    else {
        json_object_set_new(body, "next_cursor", json_null());
    }
    json_object_set_new(body, "items", items);
    return body;
}

isms_result isms_page_result(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                             long long limit, isms_extras_fn *extras)
{
    const char *err = NULL;
    json_t *rows, *items;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, " ORDER BY id LIMIT %d", limit + 1);
    if ((st = isms_rec_fetch(ctx, e, q, &rows, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    items = json_array();
    for (i = 0; i < json_array_size(rows); i++) {
        json_array_append_new(items, isms_present(ctx, e, json_array_get(rows, i)));
    }
    json_decref(rows);
    if (extras && (st = extras(ctx, e, items, &err)) != ISMS_DB_OK) {
        json_decref(items);
        return isms_res_db(ctx->pool, st, err);
    }
    return isms_res_ok(ctx, 200, isms_page_body(ctx, items, limit), NULL, NULL);
}

isms_result isms_filters(isms_ctx *ctx, const isms_entity *e, const isms_query *q,
                         isms_sql *sql, const char *prefix)
{
    isms_result ok = {0};
    const isms_field *f;

    for (f = e->fields; q && f->name; f++) {
        const char *v = (f->flags & ISMS_FILTER) ? apr_table_get(q, f->name) : NULL;
        if (!v) continue;
        if ((f->type == ISMS_F_ENUM && !isms_enum_valid(f->enums, v)) ||
            isms_check_string(f, v, strlen(v))) {
            return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                    apr_psprintf(ctx->pool, "%s is not a valid value for "
                                                 "this filter", f->name));
        }
        isms_sql_appendf(sql, " AND ");
        if (*prefix) isms_sql_appendf(sql, "%k", prefix);
        isms_sql_appendf(sql, "\"%k\" = %s", isms_column(ctx->pool, f->name), v);
    }
    return ok;
}

static int ref_exists(isms_ctx *ctx, const char *kind, long long id, long long review_id,
                      int *exists, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM %k WHERE id = %d AND review_id = %d",
                     isms_entity_by_kind(kind)->table, id, review_id);
    st = isms_query_sql(ctx, q, &rs, err);
    *exists = st == ISMS_DB_OK && rs->nrows == 1;
    return st;
}

isms_result isms_check_refs(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                            long long review_id)
{
    isms_result ok = {0};
    isms_verrors errs = {json_array()};
    const isms_field *f;
    const char *err = NULL;
    isms_db_status st = ISMS_DB_OK;
    size_t i;
    int exists;

    isms_json_pool(ctx->pool, errs.list);
    for (f = e->fields; f->name && st == ISMS_DB_OK; f++) {
        const json_t *v = json_object_get(doc, f->name);
        if (f->type == ISMS_F_REF && json_is_integer(v)) {
            st = ref_exists(ctx, f->ref_kind, json_integer_value(v), review_id, &exists, &err);
            if (st == ISMS_DB_OK && !exists) {
                isms_verr(&errs, f->name, "unknown_reference", "is not a %s of this review",
                          f->ref_kind);
            }
        }
        for (i = 0; f->type == ISMS_F_LIST && f->item_type == ISMS_F_REF &&
                    i < json_array_size(v) && st == ISMS_DB_OK; i++) {
            st = ref_exists(ctx, f->ref_kind, json_integer_value(json_array_get(v, i)),
                            review_id, &exists, &err);
            if (st == ISMS_DB_OK && !exists) {
                isms_verr(&errs, apr_psprintf(ctx->pool, "%s[%" APR_SIZE_T_FMT "]", f->name, i),
                          "unknown_reference", "is not a %s of this review", f->ref_kind);
            }
        }
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return json_array_size(errs.list) ? isms_res_invalid(ctx->pool, errs.list) : ok;
}

isms_db_status isms_next_seq(isms_ctx *ctx, const isms_entity *e, long long review_id,
                             long long *seq, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT COALESCE(MAX(seq), 0) FROM %k WHERE review_id = %d",
                     e->table, review_id);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *seq = isms_ll(rs->nrows ? ISMS_ROW(rs, 0, 0) : "0") + 1;
    return ISMS_DB_OK;
}

static long days_from_civil(int y, int m, int d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static long date_days(const char *s)
{
    return days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8));
}

long isms_days_between(const char *a, const char *b)
{
    return date_days(b) - date_days(a);
}

const char *isms_date_add(apr_pool_t *p, const char *date, long days)
{
    long z = date_days(date) + days + 719468, era, doe, yoe, y, doy, mp, d, m;

    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp + (mp < 10 ? 3 : -9);
    return apr_psprintf(p, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}
