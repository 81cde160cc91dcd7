/* SPDX-License-Identifier: Apache-2.0 */
/* The seal: the content of an approved version (isms_seal_content, a pure function of the
 * review document: the record without its tracking, derived and volatile fields), its
 * canonical JSON and SHA-256 in review_version, and the comparison of the live record with
 * it. */
#include "isms_workflow_int.h"
#include "isms_attach.h"
#include "isms_canon.h"
#include "isms_json.h"

#include <string.h>

static const char *const content_volatile[] = {"etag", "status", "updated_at", "updated_by",
                                               "content_hash", "_row_version", NULL};

static void strip_item(const isms_entity *e, json_t *item)
{
    const char *key;
    json_t *v;
    void *tmp;

    json_object_foreach_safe(item, tmp, key, v) {
        const isms_field *f = isms_entity_field(e, key);
        int keep = (f && isms_field_sealed(e, f)) || strcmp(key, "review_id") == 0;
        if (f && (f->flags & ISMS_ADDED) && json_is_null(v)) keep = 0;
        if (!keep) {
            json_object_del(item, key);
        }
    }
}

/* Fields a later migration added stay out of the content while null: versions sealed before
 * them still verify. */
static void strip_added(const isms_entity *e, json_t *doc)
{
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        if ((f->flags & ISMS_ADDED) && json_is_null(json_object_get(doc, f->name))) {
            json_object_del(doc, f->name);
        }
    }
}

json_t *isms_seal_content(const json_t *review, const json_t *approvals)
{
    json_t *c = json_deep_copy(review);
    int i, k;
    size_t n;

    for (k = 0; content_volatile[k]; k++) json_object_del(c, content_volatile[k]);
    strip_added(&isms_entity_review, c);
    for (i = 0; isms_item_entities[i]; i++) {
        json_t *list = json_object_get(c, isms_item_entities[i]->collection);
        for (n = 0; n < json_array_size(list); n++) {
            strip_item(isms_item_entities[i], json_array_get(list, n));
        }
    }
    json_object_set(c, "approvals", (json_t *)approvals);
    return c;
}

/* Seals the version: canonical JSON + SHA-256 into review_version; the review row gets the
 * hash and the approval; an older sealed version becomes SUPERSEDED. */
isms_result isms_wf_seal(isms_ctx *ctx, const json_t *review, const json_t *approvals)
{
    long long id = json_integer_value(json_object_get(review, "id"));
    long long version = json_integer_value(json_object_get(review, "version"));
    isms_result full = isms_review_get(ctx, id);
    json_t *content;
    const char *canon, *hash, *err = NULL;
    size_t len;
    isms_sql *q;
    isms_db_status st;

    if (full.status != 200) return full;
    json_object_set_new(full.body, "approved_at", json_string(ctx->now));
    json_object_set_new(full.body, "approved_by", json_string(ctx->user));
    content = isms_json_pool(ctx->pool, isms_seal_content(full.body, approvals));
    if ((st = isms_attach_seal_into(ctx, id, content, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    canon = isms_canon(ctx->pool, content, &len);
    hash = isms_sha256_hex(ctx->pool, canon, len, NULL, 0);
    q = isms_wf_move_sql(ctx, "APPROVED");
    isms_sql_appendf(q, ", approved_at = %s, approved_by = %s, content_hash = %s", ctx->now,
                     ctx->user, hash);
    full = isms_wf_run_move(ctx, q, review, 0);
    if (full.status) return full;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "INSERT INTO review_version (review_id, version, status, content, "
                        "content_hash, approved_at, approved_by) VALUES (%d, %d, 'APPROVED', %s, "
                        "%s, %s, %s)", id, version, canon, hash, ctx->now, ctx->user);
    st = isms_exec_sql(ctx, q, NULL, &err);
    if (st == ISMS_DB_OK) {
        q = isms_sql_new(ctx->pool, ctx->conn);
        isms_sql_appendf(q, "UPDATE review_version SET status = 'SUPERSEDED' WHERE review_id = "
                            "%d AND version < %d AND status <> 'SUPERSEDED'", id, version);
        st = isms_exec_sql(ctx, q, NULL, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return full;
}

int isms_wf_live_matches_seal(isms_ctx *ctx, long long id, const json_t *review)
{
    json_t *approvals, *content;
    isms_result full;
    const char *canon, *err = NULL;
    size_t len;

    if (!isms_jstr(review, "content_hash")) return -1;
    full = isms_review_get(ctx, id);
    if (full.status != 200 ||
        isms_wf_approvals_of(ctx, id, json_integer_value(json_object_get(review, "version")),
                     &approvals, &err) != ISMS_DB_OK) {
        return 0;
    }
    content = isms_json_pool(ctx->pool, isms_seal_content(full.body, approvals));
    if (isms_attach_seal_into(ctx, id, content, &err) != ISMS_DB_OK) return 0;
    canon = isms_canon(ctx->pool, content, &len);
    return !strcmp(isms_sha256_hex(ctx->pool, canon, len, NULL, 0), isms_jstr(review,
                                                                           "content_hash"));
}
