/* Objectives as a register revised by reviews (domain-model.md A.9, issue 12 section 2).
 * An objective's identity is objective_id (the id of the row that created it); every
 * objective row of a review is one revision of that identity: revision_no, revision_type,
 * revision_reason and prior_state, the state it replaced. The rows are sealed with their
 * review; the current revision is the highest one in a review that is not cancelled. */
#include "isms_ops.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <string.h>

/* Fields that are the revision's own and not the objective's state. */
static const char *const not_state[] = {"objective_id", "revision_reason", "decision_id", NULL};

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static int listed(const char *const *list, const char *name)
{
    for (; *list; list++) {
        if (strcmp(*list, name) == 0) return 1;
    }
    return 0;
}

void isms_objective_current_sql(isms_sql *q, long long skip_review)
{
    isms_sql_appendf(q, "objective.revision_no = (SELECT MAX(o2.revision_no) FROM objective o2 "
                        "JOIN review r2 ON r2.id = o2.review_id WHERE o2.objective_id = "
                        "objective.objective_id AND r2.status <> 'CANCELLED' AND o2.review_id "
                        "<> %d)", skip_review);
}

json_t *isms_objective_state(const json_t *row)
{
    const isms_entity *e = &isms_entity_objective;
    json_t *s = json_object();
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        const json_t *v = json_object_get(row, f->name);
        if ((f->flags & ISMS_SERVER) || listed(not_state, f->name) || !v) continue;
        json_object_set(s, f->name, (json_t *)v);
    }
    json_object_set(s, "ref", json_object_get(row, "ref"));
    json_object_set(s, "revision_no", json_object_get(row, "revision_no"));
    json_object_set(s, "review_id", json_object_get(row, "review_id"));
    return s;
}

/* The rows of objective oid (pool-owned): its current revision (ignoring review
 * skip_review), or every revision in order. */
static isms_result identity_rows(isms_ctx *ctx, long long oid, int current,
                                 long long skip_review, json_t **rows)
{
    const isms_entity *e = &isms_entity_objective;
    isms_sql *q = isms_rec_select_sql(ctx, e);
    isms_result ok = {0};
    const char *err = NULL;
    isms_db_status st;

    isms_sql_appendf(q, " WHERE objective_id = %d", oid);
    if (current) {
        isms_sql_appendf(q, " AND ");
        isms_objective_current_sql(q, skip_review);
    }
    else isms_sql_appendf(q, " ORDER BY revision_no");
    if ((st = isms_rec_fetch(ctx, e, q, rows, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    isms_json_pool(ctx->pool, *rows);
    return ok;
}

isms_result isms_objective_current(isms_ctx *ctx, long long oid, long long skip_review,
                                   json_t **row)
{
    json_t *rows;
    isms_result r = identity_rows(ctx, oid, 1, skip_review, &rows);

    if (r.status) return r;
    if (!json_array_size(rows)) return isms_res_not_found(ctx, "objective");
    *row = json_array_get(rows, 0);
    return r;
}

static isms_result already_revised(isms_ctx *ctx, long long rid, long long oid)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_result ok = {0};
    const char *err = NULL;
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM objective WHERE review_id = %d AND objective_id = %d",
                     rid, oid);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (!rs->nrows) return ok;
    return isms_res_problem(ctx->pool, 409, "already-revised", "Objective already revised",
                            apr_psprintf(ctx->pool, "this review already holds a revision of "
                                         "the objective (item %s): change that one",
                                         ISMS_ROW(rs, 0, 0)));
}

isms_result isms_objective_base(isms_ctx *ctx, long long rid, const json_t *in,
                                json_t **merged_in, json_t **prior)
{
    const json_t *oid = json_object_get(in, "objective_id");
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    isms_result r = {0};
    const char *key;
    json_t *cur, *v;

    *merged_in = (json_t *)in;
    *prior = NULL;
    if (!json_is_integer(oid) || json_integer_value(oid) < 1) return r;  /* validation says */
    r = isms_objective_current(ctx, json_integer_value(oid), rid, &cur);
    if (r.status == 404) {
        isms_verr(&errs, "objective_id", "not_found", "no objective %lld in the register "
                  "outside this review", (long long)json_integer_value(oid));
        return isms_res_invalid(ctx->pool, errs.list);
    }
    if (r.status || (r = already_revised(ctx, rid, json_integer_value(oid))).status) return r;
    *prior = isms_json_pool(ctx->pool, isms_objective_state(cur));
    *merged_in = isms_json_pool(ctx->pool, json_deep_copy(*prior));
    json_object_del(*merged_in, "ref");
    json_object_del(*merged_in, "revision_no");
    json_object_del(*merged_in, "review_id");
    json_object_foreach((json_t *)in, key, v) json_object_set(*merged_in, key, v);
    return r;
}

isms_db_status isms_objective_number(isms_ctx *ctx, json_t *doc, const json_t *prior,
                                     const char **err)
{
    isms_sql *q;
    isms_rows *rs;
    isms_db_status st;

    if (!prior) {
        json_object_set_new(doc, "revision_no", json_integer(1));
        json_object_set_new(doc, "revision_type", json_string("CREATED"));
        return ISMS_DB_OK;
    }
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT COALESCE(MAX(revision_no), 0) + 1 FROM objective WHERE "
                        "objective_id = %d", jint(doc, "objective_id"));
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    json_object_set_new(doc, "revision_no", json_integer(isms_ll(ISMS_ROW(rs, 0, 0))));
    json_object_set(doc, "prior_state", (json_t *)prior);
    json_object_set_new(doc, "revision_type", json_string(
        isms_objective_revision_type(prior, doc)));
    return ISMS_DB_OK;
}

isms_db_status isms_objective_created(isms_ctx *ctx, long long id, const json_t *doc,
                                      const char **err)
{
    isms_sql *q;

    if (json_object_get(doc, "objective_id")) return ISMS_DB_OK;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "UPDATE objective SET objective_id = id WHERE id = %d", id);
    return isms_exec_sql(ctx, q, NULL, err);
}

void isms_objective_patch(const json_t *row, const json_t *in, const json_t *merged,
                          json_t *set, isms_verrors *errs)
{
    const json_t *oid = json_object_get(in, "objective_id");
    const json_t *prior = json_object_get(row, "prior_state");

    if (oid && !json_equal(oid, json_object_get(row, "objective_id"))) {
        isms_verr(errs, "objective_id", "immutable", "a revision stays the revision of its "
                  "objective; delete it and revise the other objective");
    }
    if (json_is_object(prior)) {
        json_object_set_new(set, "revision_type", json_string(
            isms_objective_revision_type(prior, merged)));
    }
}

isms_result isms_objective_deletable(isms_ctx *ctx, const json_t *row)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    long long id = jint(row, "id");
    isms_result ok = {0};
    const char *err = NULL;
    isms_rows *rs;
    isms_db_status st;

    if (jint(row, "objective_id") != id) return ok;     /* a revision: the review drops it */
    isms_sql_appendf(q, "SELECT (SELECT COUNT(*) FROM objective WHERE objective_id = %d AND id "
                        "<> %d) + (SELECT COUNT(*) FROM objective_snapshot WHERE objective_id = "
                        "%d)", id, id, id);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (isms_ll(ISMS_ROW(rs, 0, 0)) == 0) return ok;
    return isms_res_problem(ctx->pool, 409, "objective-in-use", "Objective in use",
                            "other reviews revise or report this objective; withdraw it "
                            "through a revision instead");
}

/* Every review that embeds the objective (its revisions show its RAG and trend) changes its
 * row_version (ETag, cache validator) when a measurement is recorded. */
isms_db_status isms_objective_touch(isms_ctx *ctx, long long oid, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1 WHERE id IN (SELECT "
                        "review_id FROM objective WHERE objective_id = %d)", oid);
    return isms_exec_sql(ctx, q, NULL, err);
}

/* ---- GET / POST v1/objectives/{id}/revisions ---- */

static isms_result revision_rows(isms_ctx *ctx, long long oid, json_t **items)
{
    const isms_entity *e = &isms_entity_objective;
    json_t *rows;
    isms_result ok = identity_rows(ctx, oid, 0, 0, &rows);
    size_t i;

    if (ok.status) return ok;
    *items = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < json_array_size(rows); i++) {
        json_array_append_new(*items, isms_present(ctx, e, json_array_get(rows, i)));
    }
    return ok;
}

/* Each revision with its review (reference, status), the fields it changed and whether it
 * is sealed with its review. */
static isms_result with_reviews(isms_ctx *ctx, json_t *items)
{
    isms_result r = {0};
    json_t *it, *review;
    size_t i;

    json_array_foreach(items, i, it) {
        const json_t *prior = json_object_get(it, "prior_state");
        if ((r = isms_load_review(ctx, jint(it, "review_id"), &review)).status) return r;
        json_object_set(it, "review_ref", json_object_get(review, "ref"));
        json_object_set(it, "review_status", json_object_get(review, "status"));
        json_object_set_new(it, "sealed", json_boolean(!isms_review_editable(review) &&
                                                       strcmp(isms_jstr(review, "status"),
                                                              "PLANNED") != 0));
        json_object_set_new(it, "changed_fields", json_is_object(prior)
                            ? isms_objective_changes(prior, it) : json_object());
    }
    return r;
}

isms_result isms_objective_revisions(isms_ctx *ctx, long long oid)
{
    json_t *items = NULL, *cur;
    isms_result r = isms_objective_current(ctx, oid, 0, &cur);
    const char *owner;

    if (r.status) return r;
    owner = isms_jstr(cur, "owner");
    if (!ctx->roles && !(owner && strcmp(owner, ctx->user) == 0)) {
        return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", "without a role you "
                                "see only the items you own");
    }
    if ((r = revision_rows(ctx, oid, &items)).status) return r;
    if ((r = with_reviews(ctx, items)).status) return r;
    return isms_res_ok(ctx, 200, json_pack("{s:I,s:I,s:O}", "objective_id", (json_int_t)oid,
                                           "current_revision_no",
                                           (json_int_t)jint(cur, "revision_no"), "items",
                                           items), NULL, NULL);
}

/* POST v1/objectives/{id}/revisions {"review_id": n, ...changes}: the same as POST
 * v1/reviews/{n}/objectives {"objective_id": id, ...changes}. */
isms_result isms_objective_revision_create(isms_ctx *ctx, long long oid, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    const json_t *rid = json_object_get(in, "review_id");
    json_t *body;

    if (!json_is_object(in) || !json_is_integer(rid) || json_integer_value(rid) < 1) {
        isms_verr(&errs, "review_id", "required", "the id of the draft review that makes "
                  "the revision");
        return isms_res_invalid(ctx->pool, errs.list);
    }
    body = isms_json_pool(ctx->pool, json_deep_copy(in));
    json_object_del(body, "review_id");
    json_object_set_new(body, "objective_id", json_integer(oid));
    return isms_item_create(ctx, json_integer_value(rid), "objectives", body);
}

/* ---- what a revision changed ---- */

static int same(const json_t *a, const json_t *b)
{
    const char *key;
    const json_t *v;

    if (json_is_number(a) && json_is_number(b)) {
        return json_number_value(a) == json_number_value(b);
    }
    if (!json_is_object(a) || !json_is_object(b)) return json_equal(a, b);
    if (json_object_size(a) != json_object_size(b)) return 0;
    json_object_foreach((json_t *)a, key, v) {
        const json_t *w = json_object_get(b, key);
        if (!w || !same(v, w)) return 0;
    }
    return 1;
}

json_t *isms_objective_changes(const json_t *before, const json_t *after)
{
    const isms_entity *e = &isms_entity_objective;
    json_t *changes = json_object();
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        const json_t *a = json_object_get(before, f->name), *b = json_object_get(after, f->name);
        if ((f->flags & ISMS_SERVER) || listed(not_state, f->name)) continue;
        if (!a) a = json_null();
        if (!b) b = json_null();
        if (!same(a, b)) {
            json_object_set_new(changes, f->name, json_pack("{s:O,s:O}", "old", a, "new", b));
        }
    }
    return changes;
}

static const char *type_of(const json_t *changes, const json_t *after)
{
    const char *status = isms_jstr(after, "status");
    const json_t *kpi = json_object_get(changes, "kpi");

    if (json_object_get(changes, "status") && status && strcmp(status, "ACHIEVED") == 0) {
        return "ACHIEVED_CLOSED";
    }
    if (json_object_get(changes, "status") && status && strcmp(status, "WITHDRAWN") == 0) {
        return "WITHDRAWN";
    }
    if (kpi && !same(json_object_get(json_object_get(kpi, "old"), "target"),
                     json_object_get(json_object_get(kpi, "new"), "target"))) {
        return "TARGET_REVISED";
    }
    if (kpi) return "KPI_CHANGED";
    if (json_object_get(changes, "target_date")) return "TIMELINE_ADJUSTED";
    if (json_object_get(changes, "owner")) return "OWNER_CHANGED";
    if (json_object_get(changes, "statement")) return "STATEMENT_REVISED";
    return "OTHER";
}

const char *isms_objective_revision_type(const json_t *before, const json_t *after)
{
    json_t *changes = isms_objective_changes(before, after);
    const char *t = type_of(changes, after);

    json_decref(changes);
    return t;
}
