/* SPDX-License-Identifier: Apache-2.0 */
/* The items of a review (attendees, inputs, decisions, actions, improvements, changes,
 * objectives, resources, communications): one set of operations for all nine kinds. */
#include "isms_ops.h"
#include "isms_hooks.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <string.h>

static isms_result no_collection(isms_ctx *ctx)
{
    return isms_res_not_found(ctx, "collection");
}

/* A server-generated item (input a). */
static int generated(const isms_entity *e, const json_t *doc)
{
    return isms_hooks(e)->generated && isms_hooks(e)->generated(doc);
}

/* Validation beyond the descriptor (row NULL on create). */
static int check_kind(const isms_entity *e, const json_t *in, const json_t *doc,
                      const json_t *row, isms_verrors *errs)
{
    return isms_hooks(e)->check && isms_hooks(e)->check(in, doc, row, errs);
}

/* Only tracking fields (ISMS_TRACKING) may change once a review is no longer a draft. */
static int only_tracking(const isms_entity *e, const json_t *in)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)in, key, v) {
        const isms_field *f = isms_entity_field(e, key);
        if (!f || !(f->flags & ISMS_TRACKING)) return 0;
    }
    return json_object_size(in) > 0 && !(isms_hooks(e)->flags & ISMS_K_UPDATES_ONLY);
}

/* Of a generated input (input a), management writes only the discussion and conclusion of
 * the input as a whole (issue 12 section 3); its lines are concluded one by one elsewhere. */
static int only_discussion(const json_t *in)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)in, key, v) {
        if (strcmp(key, "discussion") && strcmp(key, "conclusion")) return 0;
    }
    return json_object_size(in) > 0;
}

static isms_result not_editable(isms_ctx *ctx)
{
    return isms_res_problem(ctx->pool, 409, "not-editable", "Review not editable",
                            "items can be added, changed or deleted only while the review is "
                            "DRAFT or RETURNED; after approval only tracking fields change");
}

/* Every item write locks the review's row first (the touch: row version and updated_*) and
 * only then reads the review, so its status is the committed one and cannot change before
 * this transaction ends: a submit or approve on another front end either runs before (this
 * write then sees SUBMITTED: 409) or after (it then sees the write, or fails its row-version
 * check). Reading first and touching after let a write that had seen DRAFT commit into a
 * review submitted meanwhile. The lock also serializes the item sequence numbers. Where the
 * dialect has UPDATE ... RETURNING the touch returns the row it locked: one statement. */
static isms_result lock_review(isms_ctx *ctx, long long rid, json_t **review)
{
    const char *err = NULL;
    isms_result ok = {0};
    isms_db_status st = isms_rec_update_run(ctx, &isms_entity_review,
                                            isms_touch_review_sql(ctx, rid), NULL, review,
                                            &err);

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (!*review) return isms_load_review(ctx, rid, review);   /* MariaDB, or a 404 */
    return ok;
}

static void set_item_server_fields(isms_ctx *ctx, const isms_entity *e, json_t *doc,
                                   const json_t *review, long long seq)
{
    json_object_set_new(doc, "ref", json_string(apr_psprintf(
        ctx->pool, "%s-%s%02" APR_INT64_T_FMT "", json_string_value(json_object_get(review, "ref")),
        e->ref_code, (apr_int64_t)seq)));
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    if (isms_hooks(e)->on_create) isms_hooks(e)->on_create(doc);
}

/* The item as GET shows it, from its row. */
static isms_result item_view(isms_ctx *ctx, const isms_entity *e, const json_t *row, int fresh)
{
    json_t *out = isms_json_pool(ctx->pool, isms_present(ctx, e, row));
    const char *err = NULL;
    isms_db_status st = ISMS_DB_OK;

    if (fresh && isms_hooks(e)->new_extras) isms_hooks(e)->new_extras(ctx, out);
    else st = isms_item_extras(ctx, e, out, 1, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return isms_res_ok(ctx, 200, json_incref(out), isms_etag(ctx, e, row), NULL);
}

/* The 201 of a new item: the row the INSERT returned, unless a hook wrote more after it. */
static isms_result created(isms_ctx *ctx, const isms_entity *e, long long rid,
                           const json_t *row)
{
    long long id = json_integer_value(json_object_get(row, "id"));
    isms_result r = isms_hooks(e)->after_insert ? isms_item_get(ctx, rid, e->collection, id)
                                                 : item_view(ctx, e, row, 1);

    if (r.status != 200) return r;
    r.status = 201;
    r.location = apr_psprintf(ctx->pool, "reviews/%" APR_INT64_T_FMT "/%s/%" APR_INT64_T_FMT "", (apr_int64_t)rid,
                              e->collection, (apr_int64_t)id);
    return r;
}

static isms_result validate_new(isms_ctx *ctx, const isms_entity *e, const json_t *in,
                                const json_t *review, json_t **doc)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    isms_result ok = {0};

    *doc = isms_validate(e, in, ISMS_V_CREATE, NULL, review, &errs);
    if (!*doc) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, *doc);
    if (generated(e, *doc)) {
        isms_verr(&errs, "category", "generated", "input a (A_PREV_ACTIONS) is generated by "
                  "the server when the review is created");
        return isms_res_invalid(ctx->pool, errs.list);
    }
    if (check_kind(e, in, *doc, NULL, &errs)) return isms_res_invalid(ctx->pool, errs.list);
    return ok;
}

isms_result isms_item_create(isms_ctx *ctx, long long rid, const char *collection,
                             const json_t *in)
{
    const isms_entity *e = isms_entity_by_collection(collection);
    const isms_kind_hooks *h;
    json_t *review, *doc, *base = (json_t *)in, *prior = NULL, *row = NULL;
    const char *err = NULL;
    long long seq;
    isms_db_status st;
    isms_result r;

    if (!e) return no_collection(ctx);
    h = isms_hooks(e);
    if ((r = lock_review(ctx, rid, &review)).status) return r;
    if (!isms_review_editable(review)) return not_editable(ctx);
    if (h->base && (r = h->base(ctx, rid, in, &base, &prior)).status) return r;
    if ((r = validate_new(ctx, e, base, review, &doc)).status) return r;
    if ((r = isms_check_refs(ctx, e, doc, rid)).status) return r;
    if (h->resolve && (r = h->resolve(ctx, review, doc, doc)).status) return r;
    st = isms_next_seq(ctx, e, rid, &seq, &err);
    if (st == ISMS_DB_OK) {
        set_item_server_fields(ctx, e, doc, review, seq);
        if (h->before_insert) st = h->before_insert(ctx, doc, prior, &err);
    }
    if (st == ISMS_DB_OK) st = isms_rec_insert_row(ctx, e, doc, rid, seq, &row, &err);
    if (row) isms_json_pool(ctx->pool, row);
    if (st == ISMS_DB_OK && h->after_insert) {
        st = h->after_insert(ctx, json_integer_value(json_object_get(row, "id")), rid, doc,
                             &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return created(ctx, e, rid, row);
}

static isms_result load_item(isms_ctx *ctx, const isms_entity *e, long long rid, long long id,
                             json_t **row)
{
    isms_result ok = {0};
    const char *err = NULL;
    isms_db_status st = isms_rec_get(ctx, e, rid, id, row, &err);

    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (!*row) return isms_res_not_found(ctx, e->kind);
    isms_json_pool(ctx->pool, *row);
    return ok;
}

isms_result isms_item_get(isms_ctx *ctx, long long rid, const char *collection, long long id)
{
    const isms_entity *e = isms_entity_by_collection(collection);
    json_t *row;
    isms_result r;

    if (!e) return no_collection(ctx);
    if ((r = load_item(ctx, e, rid, id, &row)).status) return r;
    return item_view(ctx, e, row, 0);
}

/* The UPDATE; *after the row it left unless a hook writes after it (NULL: read back).
 * *affected 0: the row changed meanwhile. */
static isms_db_status update_item(isms_ctx *ctx, const isms_entity *e, long long id,
                                  const json_t *set, long long version, long long *affected,
                                  json_t **after, const char **err)
{
    *after = NULL;
    if (isms_hooks(e)->after_update) return isms_rec_update(ctx, e, id, set, version, affected,
                                                            err);
    return isms_rec_update_run(ctx, e, isms_rec_update_sql(ctx, e, id, set, version), affected,
                               after, err);
}

static isms_result write_patch(isms_ctx *ctx, const isms_entity *e, long long rid,
                               const json_t *row, const json_t *in, const json_t *merged)
{
    json_t *set = isms_json_pool(ctx->pool, json_deep_copy(in)), *after;
    const char *err = NULL;
    long long affected = 0, id = json_integer_value(json_object_get(row, "id"));
    isms_db_status st;
    isms_result r;

    json_object_set_new(set, "updated_at", json_string(ctx->now));
    json_object_set_new(set, "updated_by", json_string(ctx->user));
    if (isms_hooks(e)->on_patch) isms_hooks(e)->on_patch(row, set);
    st = update_item(ctx, e, id, set, json_integer_value(json_object_get(row, "_row_version")),
                     &affected, &after, &err);
    if (st == ISMS_DB_OK && affected == 1 && isms_hooks(e)->after_update) {
        st = isms_hooks(e)->after_update(ctx, id, rid, row, merged, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (affected != 1) {
        return isms_res_problem(ctx->pool, 412, "stale", "Precondition failed",
                                "the item changed while this request ran; reload it");
    }
    r = after ? item_view(ctx, e, after, 0) : isms_item_get(ctx, rid, e->collection, id);
    r.before = isms_json_pool(ctx->pool, isms_present(ctx, e, row));
    return r;
}

isms_result isms_item_patch(isms_ctx *ctx, long long rid, const char *collection,
                            long long id, const json_t *in, const char *if_match)
{
    const isms_entity *e = isms_entity_by_collection(collection);
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    const isms_kind_hooks *h;
    json_t *review, *row, *merged;
    isms_result r;

    if (!e) return no_collection(ctx);
    h = isms_hooks(e);
    if ((r = lock_review(ctx, rid, &review)).status) return r;
    if ((r = load_item(ctx, e, rid, id, &row)).status) return r;
    r = isms_check_if_match(ctx, if_match, isms_etag(ctx, e, row));
    if (r.status) return r;
    if (!isms_review_editable(review) && !only_tracking(e, in)) return not_editable(ctx);
    if (generated(e, row) && !only_discussion(in)) {
        return isms_res_problem(ctx->pool, 409, "generated", "Generated input",
                                "input a is generated from the action register; only its "
                                "discussion and conclusion can be written (update the actions, "
                                "or conclude its lines)");
    }
    merged = isms_validate(e, in, ISMS_V_PATCH, row, review, &errs);
    if (!merged) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, merged);
    if ((r = isms_check_refs(ctx, e, in, rid)).status) return r;
    if (h->resolve) {
        json_t *set = isms_json_pool(ctx->pool, json_deep_copy(in));
        if ((r = h->resolve(ctx, review, merged, set)).status) return r;
        in = set;
    }
    if (check_kind(e, in, merged, row, &errs)) return isms_res_invalid(ctx->pool, errs.list);
    if (h->derive && isms_review_editable(review)) {
        json_t *set = isms_json_pool(ctx->pool, json_deep_copy(in));
        if (h->derive(row, in, merged, set, &errs)) {
            return isms_res_invalid(ctx->pool, errs.list);
        }
        return write_patch(ctx, e, rid, row, set, merged);
    }
    return write_patch(ctx, e, rid, row, in, merged);
}

isms_result isms_item_delete(isms_ctx *ctx, long long rid, const char *collection,
                             long long id, const char *if_match)
{
    const isms_entity *e = isms_entity_by_collection(collection);
    json_t *review, *row;
    isms_sql *q;
    const char *err = NULL;
    long long affected = 0;
    isms_db_status st;
    isms_result r;

    if (!e) return no_collection(ctx);
    if ((r = lock_review(ctx, rid, &review)).status) return r;
    if ((r = load_item(ctx, e, rid, id, &row)).status) return r;
    r = isms_check_if_match(ctx, if_match, isms_etag(ctx, e, row));
    if (r.status) return r;
    if (!isms_review_editable(review)) return not_editable(ctx);
    if (generated(e, row)) {
        return isms_res_problem(ctx->pool, 409, "generated", "Generated input",
                                "input a is generated and cannot be deleted");
    }
    if (isms_hooks(e)->deletable && (r = isms_hooks(e)->deletable(ctx, row, id)).status) {
        return r;
    }
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "DELETE FROM %k WHERE id = %d AND row_version = %d", e->table, id,
                     (long long)json_integer_value(json_object_get(row, "_row_version")));
    st = isms_exec_sql(ctx, q, &affected, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (affected != 1) return isms_res_not_found(ctx, e->kind);
    r.status = 204;
    r.body = NULL;
    r.etag = NULL;
    r.location = NULL;
    r.before = isms_json_pool(ctx->pool, isms_present(ctx, e, row));
    return r;
}

isms_result isms_item_list(isms_ctx *ctx, long long rid, const char *collection,
                           const isms_query *qs)
{
    const isms_entity *e = isms_entity_by_collection(collection);
    json_t *review;
    long long limit, after;
    isms_sql *q;
    isms_result r;

    if (!e) return no_collection(ctx);
    if ((r = isms_load_review(ctx, rid, &review)).status) return r;
    if ((r = isms_page_params(ctx, qs, &limit, &after)).status) return r;
    q = isms_rec_select_sql(ctx, e);
    isms_sql_appendf(q, " WHERE review_id = %d AND id > %d", rid, after);
    if ((r = isms_filters(ctx, e, qs, q, "")).status) return r;
    return isms_page_result(ctx, e, q, limit, isms_items_extras);
}
