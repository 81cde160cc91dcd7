/* SPDX-License-Identifier: Apache-2.0 */
/* The registers across reviews: GET v1/actions (+ progress updates) and GET v1/objectives
 * (+ KPI measurements). */
#include "isms_ops.h"
#include "isms_hooks.h"
#include "isms_json.h"
#include "isms_tracking.h"
#include "isms_userkey.h"

#include <apr_strings.h>
#include <math.h>
#include <string.h>

static const isms_field update_fields[] = {
    {.name = "status", .type = ISMS_F_ENUM, .enums = isms_action_states,
     .labels = isms_action_states_labels},
    {.name = "progress", .type = ISMS_F_INT, .min = 0, .max = 100},
    {.name = "note", .type = ISMS_F_TEXT, .max_chars = 10000, .max_bytes = 30000},
    {.name = "evidence_ref", .type = ISMS_F_STRING, .max_chars = 500, .max_bytes = 1500},
    {.name = "due_date", .type = ISMS_F_DATE},
    {.name = "reason", .type = ISMS_F_TEXT, .max_chars = 2000, .max_bytes = 6000},
    /* the effectiveness check: planned (an author), and its result when verifying */
    {.name = "effectiveness_required", .type = ISMS_F_BOOL},
    {.name = "effectiveness_method", .type = ISMS_F_TEXT, .max_chars = 4000,
     .max_bytes = 12000},
    {.name = "effectiveness_due", .type = ISMS_F_DATE},
    {.name = "effectiveness_result", .type = ISMS_F_TEXT, .max_chars = 4000,
     .max_bytes = 12000},
    {.name = NULL}};
const isms_entity isms_entity_action_update = {"action update", "updates", "action_update",
                                               "", update_fields, NULL};

static const isms_field measurement_fields[] = {
    {.name = "period_from", .type = ISMS_F_DATE},
    {.name = "period_to", .type = ISMS_F_DATE, .flags = ISMS_REQ},
    {.name = "value", .type = ISMS_F_NUMBER, .flags = ISMS_REQ, .min = -1e15, .max = 1e15},
    {.name = "evidence_ref", .type = ISMS_F_STRING, .max_chars = 500, .max_bytes = 1500},
    {.name = "comment", .type = ISMS_F_TEXT, .max_chars = 2000, .max_bytes = 6000},
    {.name = NULL}};
const isms_entity isms_entity_measurement = {"measurement", "measurements",
                                             "kpi_measurement", "", measurement_fields, NULL};

/* The objective register lists objectives by identity: id is the objective's, revision_id
 * the row of its current revision. */
void isms_objectives_by_identity(json_t *items)
{
    json_t *o;
    size_t i;

    json_array_foreach(items, i, o) {
        json_object_set(o, "revision_id", json_object_get(o, "id"));
        json_object_set(o, "id", json_object_get(o, "objective_id"));
    }
}

/* A register row: the item plus the reference and title of its review. */
static isms_result register_list(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                                 long long limit)
{
    json_t *rows, *items = json_array();
    const char *err = NULL;
    isms_db_status st = isms_rec_fetch(ctx, e, q, &rows, &err);
    size_t i;

    if (st != ISMS_DB_OK) {
        json_decref(items);
        return isms_res_db(ctx->pool, st, err);
    }
    for (i = 0; i < json_array_size(rows); i++) {
        json_array_append_new(items, isms_present(ctx, e, json_array_get(rows, i)));
    }
    json_decref(rows);
    st = isms_items_extras(ctx, e, items, &err);
    if (st != ISMS_DB_OK) {
        json_decref(items);
        return isms_res_db(ctx->pool, st, err);
    }
    if (isms_hooks(e)->register_view) isms_hooks(e)->register_view(items);
    return isms_res_ok(ctx, 200, isms_page_body(ctx, items, limit), NULL, NULL);
}

static isms_result bad_param(isms_ctx *ctx, const char *msg)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter", msg);
}

/* A user without a role (an action or objective owner) sees only what they own: the owner
 * filter is forced to them; asking for someone else's is a 403. */
static isms_result own_only(isms_ctx *ctx, const isms_query *qs, const isms_query **out)
{
    isms_result ok = {0};
    const char *owner = apr_table_get(qs, "owner");
    apr_table_t *t;

    *out = qs;
    if (ctx->roles) return ok;
    if (owner && !isms_same_user(ctx->pool, owner, ctx->user)) {
        return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", "without a role you "
                                "see only the items you own");
    }
    t = apr_table_copy(ctx->pool, qs);
    apr_table_setn(t, "owner", ctx->user);
    *out = t;
    return ok;
}

static int owns(isms_ctx *ctx, const json_t *item)
{
    return isms_same_user(ctx->pool, json_string_value(json_object_get(item, "owner")),
                          ctx->user);
}

/* A user without a role may not read what they do not own: for them it does not exist
 * (the same 404 as an id that is absent, so ids of others' items are not confirmed). */
static isms_result check_owner(isms_ctx *ctx, const json_t *item, const char *kind)
{
    isms_result ok = {0};

    if (ctx->roles || owns(ctx, item)) return ok;
    return isms_res_not_found(ctx, kind);
}

/* Tracking writes (progress, KPI values): the owner or an author, checked before the body is
 * validated; a caller who may not read the item gets the 404 of an absent one. */
static isms_result check_tracker(isms_ctx *ctx, const json_t *item, const char *kind,
                                 const char *detail)
{
    isms_result r = check_owner(ctx, item, kind);

    if (r.status || ctx->is_author || owns(ctx, item)) return r;
    return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", detail);
}

isms_result isms_actions_register(isms_ctx *ctx, const isms_query *in)
{
    const isms_query *qs;
    isms_result own = own_only(ctx, in, &qs);
    const isms_entity *e = &isms_entity_action;
    const char *overdue = apr_table_get(qs, "overdue");
    isms_sql *q = isms_rec_select_sql(ctx, e);
    long long limit, after;
    isms_result r = own.status ? own : isms_page_params(ctx, qs, &limit, &after);

    if (r.status) return r;
    isms_sql_appendf(q, " WHERE id > %d AND review_id IN (SELECT id FROM review WHERE "
                        "status <> 'CANCELLED')", after);
    if ((r = isms_filters(ctx, e, qs, q, "")).status) return r;
    if ((r = isms_review_filter(ctx, qs, q)).status) return r;
    if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0) {
        return bad_param(ctx, "overdue must be true or false");
    }
    if (overdue) {
        isms_sql_appendf(q, strcmp(overdue, "true") == 0
            ? " AND due_date < %s AND status NOT IN ('COMPLETED', 'VERIFIED_EFFECTIVE', "
              "'CANCELLED')"
            : " AND NOT (due_date < %s AND status NOT IN ('COMPLETED', "
              "'VERIFIED_EFFECTIVE', 'CANCELLED'))", ctx->today);
    }
    isms_sql_appendf(q, " ORDER BY id LIMIT %d", limit + 1);
    return register_list(ctx, e, q, limit);
}

isms_result isms_objectives_register(isms_ctx *ctx, const isms_query *in)
{
    const isms_query *qs;
    isms_result own = own_only(ctx, in, &qs);
    const isms_entity *e = &isms_entity_objective;
    isms_sql *q = isms_rec_select_sql(ctx, e);
    long long limit, after;
    isms_result r = own.status ? own : isms_page_params(ctx, qs, &limit, &after);

    if (r.status) return r;
    isms_sql_appendf(q, " WHERE objective_id > %d AND review_id IN (SELECT id FROM review "
                        "WHERE status <> 'CANCELLED')", after);
    if ((r = isms_filters(ctx, e, qs, q, "")).status) return r;
    if ((r = isms_review_filter(ctx, qs, q)).status) return r;
    /* ?review=n: the revisions that review made; otherwise each objective as it is now */
    if (!apr_table_get(qs, "review")) {
        isms_sql_appendf(q, " AND ");
        isms_objective_current_sql(q, 0);
    }
    isms_sql_appendf(q, " ORDER BY objective_id LIMIT %d", limit + 1);
    return register_list(ctx, e, q, limit);
}

/* An action by id, whatever its review, with the review's status. */
static isms_result load_any(isms_ctx *ctx, const isms_entity *e, long long id, json_t **row,
                            json_t **review)
{
    isms_sql *q = isms_rec_select_sql(ctx, e);
    json_t *rows;
    const char *err = NULL;
    isms_db_status st;

    isms_sql_appendf(q, " WHERE id = %d", id);
    if ((st = isms_rec_fetch(ctx, e, q, &rows, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    isms_json_pool(ctx->pool, rows);
    if (!json_array_size(rows)) return isms_res_not_found(ctx, e->kind);
    *row = json_array_get(rows, 0);
    return isms_load_review(ctx, json_integer_value(json_object_get(*row, "review_id")),
                            review);
}

static isms_result forbidden(isms_ctx *ctx, const char *detail)
{
    return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", detail);
}

static int verifying(const char *status)
{
    return status && !strncmp(status, "VERIFIED_", 9);
}

static int plans_effectiveness(const json_t *u)
{
    return json_is_boolean(json_object_get(u, "effectiveness_required")) ||
           isms_jstr(u, "effectiveness_method") || isms_jstr(u, "effectiveness_due");
}

/* The effectiveness check: an author plans it and verifies it; verifying records a result,
 * and the action's owner does not verify their own action (separation of duties). */
static isms_result check_effectiveness(isms_ctx *ctx, const json_t *action, const json_t *u,
                                       isms_verrors *errs)
{
    isms_result ok = {0};
    const char *status = isms_jstr(u, "status"), *result = isms_jstr(u, "effectiveness_result");

    if (plans_effectiveness(u) && !ctx->is_author) {
        return forbidden(ctx, "the effectiveness check is planned by an author");
    }
    if (verifying(status) && owns(ctx, action)) {
        return forbidden(ctx, "the action's owner does not verify its effectiveness "
                              "(separation of duties): another author verifies it");
    }
    if (verifying(status) && (!result || !*result)) {
        isms_verr(errs, "effectiveness_result", "required", "is required to verify an "
                  "action's effectiveness (%s)", status);
    }
    if (result && !verifying(status)) {
        isms_verr(errs, "effectiveness_result", "not_allowed", "is recorded by verifying: "
                  "status VERIFIED_EFFECTIVE or VERIFIED_INEFFECTIVE");
    }
    return ok;
}

static isms_result check_update(isms_ctx *ctx, const json_t *action, const json_t *u)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    isms_result ok = {0}, r;
    const char *status = isms_jstr(u, "status"), *reason = isms_jstr(u, "reason");

    if (!status && !json_object_get(u, "progress") && !isms_jstr(u, "note") &&
        !isms_jstr(u, "evidence_ref") && !isms_jstr(u, "due_date") && !plans_effectiveness(u) &&
        !isms_jstr(u, "effectiveness_result")) {
        isms_verr(&errs, "", "empty", "send at least one of status, progress, note, "
                  "evidence_ref, due_date, effectiveness_required, effectiveness_method, "
                  "effectiveness_due");
    }
    if (isms_jstr(u, "due_date") && !ctx->is_author) {
        return forbidden(ctx, "a due date change needs an author to authorize it");
    }
    if (isms_jstr(u, "due_date") && (!reason || !*reason)) {
        isms_verr(&errs, "reason", "required", "is required to change the due date");
    }
    if (status && !ctx->is_author &&
        isms_action_move_role(isms_jstr(action, "status"), status) == ISMS_MOVE_AUTHOR) {
        return forbidden(ctx, apr_psprintf(ctx->pool, "moving an action from %s to %s is for an "
                                           "author; the owner reports progress",
                                           isms_jstr(action, "status"), status));
    }
    if ((r = check_effectiveness(ctx, action, u, &errs)).status) return r;
    if (status && strcmp(status, "CANCELLED") == 0 && (!reason || !*reason)) {
        isms_verr(&errs, "reason", "required", "is required to cancel an action");
    }
    return json_array_size(errs.list) ? isms_res_invalid(ctx->pool, errs.list) : ok;
}

/* The action's effectiveness check after this update, or NULL when it does not change. */
static json_t *effectiveness_after(isms_ctx *ctx, const json_t *action, const json_t *u)
{
    const json_t *cur = json_object_get(action, "effectiveness_check");
    json_t *check = isms_json_pool(ctx->pool, json_is_object(cur) ? json_deep_copy(cur)
                                                                   : json_object());
    const char *status = isms_jstr(u, "status");

    if (!plans_effectiveness(u) && !verifying(status)) return NULL;
    if (json_is_boolean(json_object_get(u, "effectiveness_required"))) {
        json_object_set(check, "required", json_object_get(u, "effectiveness_required"));
    }
    if (isms_jstr(u, "effectiveness_method")) {
        json_object_set(check, "method", json_object_get(u, "effectiveness_method"));
    }
    if (isms_jstr(u, "effectiveness_due")) {
        json_object_set(check, "due", json_object_get(u, "effectiveness_due"));
    }
    if (verifying(status)) {
        json_object_set_new(check, "required", json_true());
        json_object_set(check, "result", json_object_get(u, "effectiveness_result"));
        json_object_set_new(check, "verified_by", json_string(ctx->user));
        json_object_set_new(check, "at", json_string(ctx->now));
    }
    return check;
}

/* The written state a progress update answers with: the update's row as stored, and the
 * action's row where the dialect returns it from the UPDATE (NULL: read back). */
typedef struct {
    json_t *entry, *row;
} update_written;


static isms_db_status apply_update(isms_ctx *ctx, const json_t *action, json_t *u,
                                   update_written *w, const char **err)
{
    json_t *entries;
    long long id = json_integer_value(json_object_get(action, "id"));
    const char *status = isms_jstr(u, "status");
    json_t *set = isms_json_pool(ctx->pool, json_object()), *check;
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_db_status st;

    if (status && strcmp(status, "COMPLETED") == 0 && !json_object_get(u, "progress")) {
        json_object_set_new(u, "progress", json_integer(100));
    }
    isms_sql_appendf(q, "INSERT INTO action_update (action_id, status, progress, note, "
                        "evidence_ref, due_date, reason, effectiveness_method, "
                        "effectiveness_due, effectiveness_result, effectiveness_required, "
                        "created_at, created_by) VALUES (%d, %s, ", id, status);
    if (json_is_integer(json_object_get(u, "progress"))) {
        isms_sql_appendf(q, "%d", (long long)json_integer_value(json_object_get(u, "progress")));
    }
    else isms_sql_appendf(q, "NULL");
    isms_sql_appendf(q, ", %s, %s, %s, %s, %s, %s, %s, ", isms_jstr(u, "note"),
                     isms_jstr(u, "evidence_ref"), isms_jstr(u, "due_date"),
                     isms_jstr(u, "reason"), isms_jstr(u, "effectiveness_method"),
                     isms_jstr(u, "effectiveness_due"), isms_jstr(u, "effectiveness_result"));
    if (json_is_boolean(json_object_get(u, "effectiveness_required"))) {
        isms_sql_appendf(q, "%d", (long long)json_is_true(json_object_get(
                                      u, "effectiveness_required")));
    }
    else isms_sql_appendf(q, "NULL");
    isms_sql_appendf(q, ", %s, %s) RETURNING " ISMS_ACTION_UPDATE_COLS, ctx->now, ctx->user);
    if ((st = isms_rows_json(ctx, q, &entries, err)) != ISMS_DB_OK) return st;
    w->entry = json_incref(json_array_get(entries, 0));
    isms_json_pool(ctx->pool, w->entry);
    json_decref(entries);
    if (status) json_object_set_new(set, "status", json_string(status));
    if (json_object_get(u, "progress")) json_object_set(set, "progress",
                                                        json_object_get(u, "progress"));
    if (isms_jstr(u, "due_date")) json_object_set(set, "due_date", json_object_get(u, "due_date"));
    if (status && strcmp(status, "VERIFIED_EFFECTIVE") != 0) {   /* verified keeps its date */
        json_object_set_new(set, "completed_at", strcmp(status, "COMPLETED") == 0
                            ? json_string(ctx->now) : json_null());
    }
    if ((check = effectiveness_after(ctx, action, u))) {
        json_object_set(set, "effectiveness_check", check);
    }
    json_object_set_new(set, "updated_at", json_string(ctx->now));
    json_object_set_new(set, "updated_by", json_string(ctx->user));
    st = isms_rec_update_run(ctx, &isms_entity_action, isms_rec_update_sql(
                             ctx, &isms_entity_action, id, set, -1), NULL, &w->row, err);
    /* the review's touch (its ETag covers its actions) last, with the audit append: every
     * writer of the review's actions waits for its row lock (isms_api.h, last_sql) */
    ctx->last_sql = isms_sql_text(isms_touch_review_sql(ctx, json_integer_value(
                                      json_object_get(action, "review_id"))));
    return st;
}

/* The 201 of a progress update: the action as its GET shows it, but with the update just
 * recorded ("update") and the length of its history ("updates_count") instead of the whole
 * history (GET v1/actions/{id}/updates): an answer that grew with every update made each one
 * cost more than the last. */
static isms_result update_created(isms_ctx *ctx, long long rid, long long action_id,
                                  const update_written *w)
{
    const isms_entity *e = &isms_entity_action;
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *row = w->row, *out = NULL;
    const char *err = NULL;
    isms_rows *rs;
    isms_db_status st = row ? ISMS_DB_OK : isms_rec_get(ctx, e, rid, action_id, &row, &err);

    if (st == ISMS_DB_OK && !row) return isms_res_not_found(ctx, "action");
    if (st == ISMS_DB_OK) {
        if (row != w->row) isms_json_pool(ctx->pool, row);
        out = isms_json_pool(ctx->pool, isms_present(ctx, e, row));
        isms_sql_appendf(q, "SELECT " ISMS_CARRY_OVER_SQL ", (SELECT COUNT(*) FROM "
                            "action_update WHERE action_id = %d)", action_id, action_id);
        st = isms_query_sql(ctx, q, &rs, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    json_object_set_new(out, "carry_over_count", json_integer(isms_ll(ISMS_ROW(rs, 0, 0))));
    isms_action_days_overdue(ctx, out);
    json_object_set_new(out, "updates_count", json_integer(isms_ll(ISMS_ROW(rs, 0, 1))));
    json_object_set(out, "update", w->entry);
    return isms_res_ok(ctx, 201, json_incref(out), isms_etag(ctx, e, row), apr_psprintf(
                       ctx->pool, "actions/%" APR_INT64_T_FMT "/updates",
                       (apr_int64_t)action_id));
}

isms_result isms_action_update(isms_ctx *ctx, long long action_id, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *action, *review, *u;
    update_written w = {NULL, NULL};
    const char *err = NULL;
    isms_db_status st;
    isms_result r = load_any(ctx, &isms_entity_action, action_id, &action, &review);

    if (r.status) return r;
    r = check_tracker(ctx, action, "action", "only the action's owner or an author may "
                      "update its progress");
    if (r.status) return r;
    if (strcmp(isms_jstr(review, "status"), "CANCELLED") == 0) {
        return isms_res_problem(ctx->pool, 409, "cancelled", "Review cancelled",
                                "the actions of a cancelled review are not tracked");
    }
    if (!(u = isms_validate(&isms_entity_action_update, in, ISMS_V_CREATE, NULL, NULL,
                            &errs))) {
        return isms_res_invalid(ctx->pool, errs.list);
    }
    isms_json_pool(ctx->pool, u);
    if ((r = check_update(ctx, action, u)).status) return r;
    if ((st = apply_update(ctx, action, u, &w, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    r = update_created(ctx, json_integer_value(json_object_get(action, "review_id")),
                       action_id, &w);
    r.before = isms_json_pool(ctx->pool, isms_present(ctx, &isms_entity_action,
                                                      action));
    return r;
}

isms_result isms_action_updates(isms_ctx *ctx, long long action_id)
{
    json_t *action, *review;
    isms_result r = load_any(ctx, &isms_entity_action, action_id, &action, &review);

    if (r.status || (r = check_owner(ctx, action, "action")).status) return r;
    r = isms_item_get(ctx, json_integer_value(json_object_get(action, "review_id")), "actions",
                      action_id);
    if (r.status != 200) return r;
    return isms_res_ok(ctx, 200, json_pack("{s:O}", "items", json_object_get(r.body,
                                                                             "updates")),
                       NULL, NULL);
}

static const char *measure_rag(double v, double target, const json_t *kpi)
{
    const json_t *baseline = json_object_get(kpi, "baseline");
    const char *dir = isms_jstr(kpi, "direction");
    double band = json_is_number(baseline) && json_number_value(baseline) != target
                      ? fabs(target - json_number_value(baseline)) * 0.10
                      : fabs(target) * 0.10;
    int lower = dir && strcmp(dir, "LOWER_BETTER") == 0;

    if (lower ? v <= target : v >= target) return "GREEN";
    if (lower ? v <= target + band : v >= target - band) return "AMBER";
    return "RED";
}

static isms_result check_measurement(isms_ctx *ctx, const json_t *obj, const json_t *m)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    isms_result ok = {0};
    const char *from = isms_jstr(m, "period_from");

    if (!json_is_object(json_object_get(obj, "kpi"))) {
        isms_verr(&errs, "value", "no_kpi", "the objective has no KPI to measure against");
    }
    if (from && strcmp(from, isms_jstr(m, "period_to")) > 0) {
        isms_verr(&errs, "period_to", "date_order", "must not be before period_from");
    }
    return json_array_size(errs.list) ? isms_res_invalid(ctx->pool, errs.list) : ok;
}

isms_result isms_measurement_create(isms_ctx *ctx, long long oid, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *obj, *m, *kpi;
    isms_sql *q;
    const char *err = NULL;
    double target, v;
    isms_db_status st;
    isms_result r = isms_objective_current(ctx, oid, 0, &obj);

    if (r.status) return r;
    r = check_tracker(ctx, obj, "objective", "only the objective's owner or an author may "
                      "record KPI values");
    if (r.status) return r;
    if (!(m = isms_validate(&isms_entity_measurement, in, ISMS_V_CREATE, NULL, NULL, &errs))) {
        return isms_res_invalid(ctx->pool, errs.list);
    }
    isms_json_pool(ctx->pool, m);
    if ((r = check_measurement(ctx, obj, m)).status) return r;
    kpi = json_object_get(obj, "kpi");
    target = json_number_value(json_object_get(kpi, "target"));
    v = json_number_value(json_object_get(m, "value"));
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "INSERT INTO kpi_measurement (objective_id, period_frm, period_to, "
                        "value, target_at_time, direction, rag, evidence_ref, comment, "
                        "created_at, created_by) VALUES (%d, %s, %s, %f, %f, %s, %s, %s, %s, "
                        "%s, %s)", oid, isms_jstr(m, "period_from"), isms_jstr(m, "period_to"), v, target,
                     isms_jstr(kpi, "direction"), measure_rag(v, target, kpi),
                     isms_jstr(m, "evidence_ref"), isms_jstr(m, "comment"), ctx->now, ctx->user);
    st = isms_exec_sql(ctx, q, NULL, &err);
    /* the reviews embed the objective's measurement count, RAG and trend: their ETags (and
     * the validators of their cached renderings) must change with them */
    if (st == ISMS_DB_OK) st = isms_objective_touch(ctx, oid, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    r = isms_measurements_list(ctx, oid, NULL);
    if (r.status == 200) {
        r.status = 201;
        r.location = apr_psprintf(ctx->pool, "objectives/%" APR_INT64_T_FMT "/measurements",
                                  (apr_int64_t)oid);
    }
    return r;
}

/* ?from=&to=: the measurements of that period and the trend against the period before. */
static isms_result period_result(isms_ctx *ctx, const json_t *obj, const char *from,
                                 const char *to)
{
    json_t *out;
    const char *err = NULL;
    isms_db_status st;

    if (!from || !to || !isms_date_valid(from) || !isms_date_valid(to) ||
        strcmp(from, to) > 0) {
        return bad_param(ctx, "from and to must both be dates YYYY-MM-DD, from <= to");
    }
    if ((st = isms_kpi_period(ctx, obj, from, to, &out, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    json_object_set(out, "objective_id", json_object_get(obj, "id"));
    json_object_set(out, "kpi", json_object_get(obj, "kpi"));
    return isms_res_ok(ctx, 200, out, NULL, NULL);
}

isms_result isms_measurements_list(isms_ctx *ctx, long long oid, const isms_query *qs)
{
    json_t *obj, *out;
    isms_result r = isms_objective_current(ctx, oid, 0, &obj);
    const char *err = NULL;
    isms_db_status st;

    if (r.status || (r = check_owner(ctx, obj, "objective")).status) return r;
    out = isms_present(ctx, &isms_entity_objective, obj);
    isms_json_pool(ctx->pool, out);
    if ((st = isms_item_extras(ctx, &isms_entity_objective, out, 1, &err))) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (qs && (apr_table_get(qs, "from") || apr_table_get(qs, "to"))) {
        return period_result(ctx, out, apr_table_get(qs, "from"), apr_table_get(qs, "to"));
    }
    return isms_res_ok(ctx, 200, json_pack("{s:I,s:O,s:O,s:O,s:O,s:O}", "objective_id",
                                           (json_int_t)oid, "kpi", json_object_get(out, "kpi"),
                                           "rag", json_object_get(out, "rag"), "trend",
                                           json_object_get(out, "trend"), "items",
                                           json_object_get(out, "measurements"),
                                           "latest_measurement",
                                           json_object_get(out, "latest_measurement")),
                       NULL, NULL);
}
