/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence attachments: the rows (table attachment). The bytes are stored before the row is
 * inserted (isms_attach_store.c); here the review and the item are checked, the row written
 * in the request's transaction, listed, deleted while the review is a draft, and sealed. */
#include "isms_attach.h"
#include "isms_entity.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_record.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#define ATT_COLS "id, review_id, item_kind, item_id, filename, media_type, size, sha256, " \
                 "uploaded_by, uploaded_at"

static const char *col(const isms_rows *rs, int r, int c)
{
    const char *v = ISMS_ROW(rs, r, c);
    return v ? v : "";
}

/* The API form of a row: item "actions/12" (null for the review itself). */
static json_t *att_json(apr_pool_t *p, const isms_rows *rs, int r)
{
    const char *kind = col(rs, r, 2);
    json_t *item = strcmp(kind, "review") == 0 ? json_null()
                   : json_string(apr_pstrcat(p, kind, "/", col(rs, r, 3), NULL));

    return json_pack("{s:I,s:I,s:o,s:s,s:s,s:I,s:s,s:s,s:s}", "id",
                     (json_int_t)isms_ll(col(rs, r, 0)), "review_id",
                     (json_int_t)isms_ll(col(rs, r, 1)), "item", item, "filename",
                     col(rs, r, 4), "media_type", col(rs, r, 5), "size",
                     (json_int_t)isms_ll(col(rs, r, 6)), "sha256", col(rs, r, 7),
                     "uploaded_by", col(rs, r, 8), "uploaded_at", col(rs, r, 9));
}

static isms_db_status select_json(isms_ctx *ctx, isms_sql *q, json_t **out, const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_query_sql(ctx, q, &rs, err);
    int i;

    if (st != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < rs->nrows; i++) json_array_append_new(*out, att_json(ctx->pool, rs, i));
    return ISMS_DB_OK;
}

static isms_result bad_item(isms_ctx *ctx, const char *detail)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter", detail);
}

/* ?item=<collection>/<id> or updates/<id> of this review: *kind and *item_id, or a problem. */
static isms_result parse_item(isms_ctx *ctx, const char *item, const char **kind,
                              long long *item_id)
{
    const char *slash = item ? strchr(item, '/') : NULL;
    isms_result ok = {0};
    char *end = NULL;

    *kind = "review";
    *item_id = 0;
    if (!item) return ok;
    if (!slash) return bad_item(ctx, "item must be <collection>/<id>, e.g. actions/12");
    *kind = apr_pstrmemdup(ctx->pool, item, (apr_size_t)(slash - item));
    *item_id = strtoll(slash + 1, &end, 10);
    if (!apr_isdigit(slash[1]) || *end || *item_id < 1) {
        return bad_item(ctx, "the id of item must be a positive number");
    }
    if (strcmp(*kind, ISMS_ATT_UPDATES) && !isms_entity_by_collection(*kind)) {
        return bad_item(ctx, "item names no collection of a review (inputs, decisions, "
                             "actions, ... or updates for an action progress update)");
    }
    return ok;
}

static isms_result forbidden(isms_ctx *ctx)
{
    return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", "attachments need the "
                            "author role (those of a progress update: or the action's owner)");
}

/* The item exists in this review. Progress updates: the update's action is in it, and only
 * its owner or an author adds to it. */
static isms_result check_item(isms_ctx *ctx, long long rid, const char *kind, long long iid)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_result ok = {0};
    const char *err = NULL;
    isms_db_status st;
    isms_rows *rs;

    if (!strcmp(kind, "review")) return ok;
    if (!strcmp(kind, ISMS_ATT_UPDATES)) {
        isms_sql_appendf(q, "SELECT a.owner FROM action_update u JOIN action a ON a.id = "
                            "u.action_id WHERE u.id = %d AND a.review_id = %d", iid, rid);
    }
    else {
        isms_sql_appendf(q, "SELECT id FROM %k WHERE id = %d AND review_id = %d",
                         isms_entity_by_collection(kind)->table, iid, rid);
    }
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (rs->nrows != 1) return isms_res_not_found(ctx, "item of this review");
    if (!strcmp(kind, ISMS_ATT_UPDATES) && !ctx->is_author && strcmp(col(rs, 0, 0), ctx->user)) {
        return forbidden(ctx);
    }
    return ok;
}

static isms_result not_editable(isms_ctx *ctx)
{
    return isms_res_problem(ctx->pool, 409, "not-editable", "Review not editable",
                            "attachments are added or deleted only while the review is DRAFT "
                            "or RETURNED; after approval they are sealed with it (progress "
                            "updates still take attachments)");
}

/* Locks the review's row (as an item write does) unless the attachment is tracking data. */
static isms_result review_for_write(isms_ctx *ctx, long long rid, int tracking,
                                    json_t **review)
{
    const char *err = NULL;
    isms_db_status st = tracking ? ISMS_DB_OK : isms_touch_review(ctx, rid, &err);
    isms_result r;

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if ((r = isms_load_review(ctx, rid, review)).status) return r;
    if (!tracking && !isms_review_editable(*review)) return not_editable(ctx);
    return r;
}

static isms_result fetch_one(isms_ctx *ctx, long long id)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const char *err = NULL;
    json_t *list;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT " ATT_COLS " FROM attachment WHERE id = %d", id);
    if ((st = select_json(ctx, q, &list, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (json_array_size(list) != 1) return isms_res_not_found(ctx, "attachment");
    return isms_res_ok(ctx, 200, json_incref(json_array_get(list, 0)), NULL, NULL);
}

isms_result isms_attach_create(isms_ctx *ctx, long long rid, const isms_att_new *in)
{
    const char *kind, *err = NULL;
    long long iid, id = 0;
    json_t *review;
    isms_rows *rs;
    isms_sql *q;
    isms_db_status st;
    isms_result r = parse_item(ctx, in->item, &kind, &iid);

    if (r.status) return r;
    if (strcmp(kind, ISMS_ATT_UPDATES) && !ctx->is_author) return forbidden(ctx);
    if ((r = review_for_write(ctx, rid, !strcmp(kind, ISMS_ATT_UPDATES), &review)).status) {
        return r;
    }
    if ((r = check_item(ctx, rid, kind, iid)).status) return r;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "INSERT INTO attachment (review_id, item_kind, item_id, filename, "
                        "media_type, size, sha256, uploaded_by, uploaded_at) VALUES (%d, %s, ",
                     rid, kind);
    if (iid) isms_sql_appendf(q, "%d, ", iid);
    else isms_sql_appendf(q, "NULL, ");
    isms_sql_appendf(q, "%s, %s, %d, %s, %s, %s) RETURNING id", in->filename, in->media_type,
                     (long long)in->size, in->sha256, ctx->user, ctx->now);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (rs->nrows == 1) id = isms_ll(ISMS_ROW(rs, 0, 0));
    r = fetch_one(ctx, id);
    if (r.status != 200) return r;
    r.status = 201;
    r.location = apr_psprintf(ctx->pool, "attachments/%" APR_INT64_T_FMT, (apr_int64_t)id);
    return r;
}

isms_result isms_attach_list(isms_ctx *ctx, long long rid)
{
    json_t *review, *list;
    const char *err = NULL;
    isms_sql *q;
    isms_db_status st;
    isms_result r = isms_load_review(ctx, rid, &review);

    if (r.status) return r;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT " ATT_COLS " FROM attachment WHERE review_id = %d ORDER BY id",
                     rid);
    if ((st = select_json(ctx, q, &list, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return isms_res_ok(ctx, 200, json_pack("{s:O}", "items", list), NULL, NULL);
}

isms_result isms_attach_get(isms_ctx *ctx, long long id)
{
    return fetch_one(ctx, id);
}

isms_result isms_attach_delete(isms_ctx *ctx, long long id)
{
    isms_result r = fetch_one(ctx, id), del = {0};
    long long rid;
    const char *err = NULL;
    json_t *review, *row = r.body;
    isms_sql *q;
    isms_db_status st;

    if (r.status != 200) return r;
    rid = json_integer_value(json_object_get(row, "review_id"));
    if ((r = review_for_write(ctx, rid, 0, &review)).status) return r;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "DELETE FROM attachment WHERE id = %d", id);
    if ((st = isms_exec_sql(ctx, q, NULL, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    del.status = 204;
    del.before = row;
    return del;
}

isms_db_status isms_attach_sealed(isms_ctx *ctx, long long rid, json_t **out,
                                  const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, "SELECT " ATT_COLS " FROM attachment WHERE review_id = %d AND "
                        "item_kind <> %s ORDER BY id", rid, ISMS_ATT_UPDATES);
    if ((st = select_json(ctx, q, out, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < json_array_size(*out); i++) {
        json_object_del(json_array_get(*out, i), "review_id");
    }
    return ISMS_DB_OK;
}

isms_db_status isms_attach_seal_into(isms_ctx *ctx, long long rid, json_t *content,
                                     const char **err)
{
    json_t *list;
    isms_db_status st = isms_attach_sealed(ctx, rid, &list, err);

    if (st == ISMS_DB_OK && json_array_size(list)) {
        json_object_set(content, "attachments", list);
    }
    return st;
}

static void verify_file(isms_ctx *ctx, const char *dir, const char *label, const char *sha,
                        apr_off_t size, apr_array_header_t *problems, apr_hash_t *known)
{
    apr_pool_t *sub;
    apr_file_t *f;
    const char *why = NULL;

    if (known) apr_hash_set(known, apr_pstrdup(ctx->pool, sha), APR_HASH_KEY_STRING, "");
    apr_pool_create(&sub, ctx->pool);
    if (isms_att_open_checked(sub, dir, sha, size, &f, &why) != 0) {
        APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(ctx->pool, "%s: %s", label, why);
    }
    apr_pool_destroy(sub);
}

/* The attachments each sealed version lists in its content: their files must still be the
 * ones sealed, whatever became of the rows. */
static void verify_sealed(isms_ctx *ctx, const char *dir, const isms_rows *rs,
                          apr_array_header_t *problems, long long *count, apr_hash_t *known)
{
    int i;

    for (i = 0; i < rs->nrows; i++) {
        json_t *c = isms_json_pool(ctx->pool, json_loads(col(rs, i, 2), 0, NULL)), *a;
        size_t k;
        json_array_foreach(json_object_get(c, "attachments"), k, a) {
            const char *sha = json_string_value(json_object_get(a, "sha256"));
            verify_file(ctx, dir, apr_psprintf(ctx->pool, "attachment %" APR_INT64_T_FMT
                        " sealed in review %s version %s", (apr_int64_t)json_integer_value(
                        json_object_get(a, "id")), col(rs, i, 0), col(rs, i, 1)), sha ? sha : "",
                        (apr_off_t)json_integer_value(json_object_get(a, "size")), problems,
                        known);
            ++*count;
        }
    }
}

/* A constant statement (no values) through the builder. */
static isms_db_status fixed_query(isms_ctx *ctx, const char *sql, isms_rows **rs,
                                  const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, sql);
    return isms_query_sql(ctx, q, rs, err);
}

isms_db_status isms_attach_verify_all(isms_ctx *ctx, const char *dir,
                                      apr_array_header_t *problems, long long *count,
                                      apr_hash_t *known, const char **err)
{
    isms_rows *rs, *versions;
    isms_db_status st = fixed_query(ctx, "SELECT id, review_id, sha256, size FROM attachment "
                                         "ORDER BY id", &rs, err);
    int i;

    if (st == ISMS_DB_OK) {
        st = fixed_query(ctx, "SELECT review_id, version, content FROM review_version ORDER "
                              "BY id", &versions, err);
    }
    if (st != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        verify_file(ctx, dir, apr_psprintf(ctx->pool, "attachment %s of review %s",
                                           col(rs, i, 0), col(rs, i, 1)), col(rs, i, 2),
                    (apr_off_t)isms_ll(col(rs, i, 3)), problems, known);
    }
    *count = rs->nrows;
    verify_sealed(ctx, dir, versions, problems, count, known);
    return ISMS_DB_OK;
}

const char *isms_attach_pack_name(apr_pool_t *p, const json_t *att)
{
    return apr_psprintf(p, "attachments/%" APR_INT64_T_FMT "/%s",
                        (apr_int64_t)json_integer_value(json_object_get(att, "id")),
                        json_string_value(json_object_get(att, "filename")));
}
