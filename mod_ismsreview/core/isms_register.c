/* SPDX-License-Identifier: Apache-2.0 */
/* What outlives a single review: the action register with its progress history and the
 * carry-over of open actions into the next review's input a; objectives with their revision
 * history and KPI measurements (red/amber/green against the target of the time, trend). */
#include "isms_ops.h"
#include "isms_canon.h"
#include "isms_hooks.h"
#include "isms_json.h"
#include "isms_prior.h"

#include <apr_strings.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CLOSED_ACTION "('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')"

static int action_open(const char *status)
{
    return status && strcmp(status, "COMPLETED") != 0 &&
           strcmp(status, "VERIFIED_EFFECTIVE") != 0 && strcmp(status, "CANCELLED") != 0;
}

static long overdue_days(const char *due, const char *on)
{
    long d = due && on ? isms_days_between(due, on) : 0;
    return d > 0 ? d : 0;
}

/* ---- carry-over: input a ---- */

isms_db_status isms_input_a_insert(isms_ctx *ctx, const json_t *review, int open,
                                  int overdue, long long *input_id, const char **err)
{
    long long rid = json_integer_value(json_object_get(review, "id")), seq;
    json_t *doc = isms_json_pool(ctx->pool, json_object()), *metrics = json_array();
    isms_db_status st = isms_next_seq(ctx, &isms_entity_input, rid, &seq, err);

    if (st != ISMS_DB_OK) return st;
    json_array_append_new(metrics, json_pack("{s:s,s:i}", "name", "open actions carried over",
                                             "value", open));
    json_array_append_new(metrics, json_pack("{s:s,s:i}", "name", "overdue at this review",
                                             "value", overdue));
    json_object_set_new(doc, "category", json_string("A_PREV_ACTIONS"));
    json_object_set_new(doc, "title", json_string("Status of actions from previous "
                                                  "management reviews"));
    json_object_set_new(doc, "summary", json_string(apr_psprintf(ctx->pool,
        "%d action(s) from earlier reviews still open when this review was created, %d of "
        "them overdue.", open, overdue)));
    json_object_set_new(doc, "status", json_string("PRESENTED"));
    json_object_set_new(doc, "metrics", metrics);
    json_object_set_new(doc, "ref", json_string(apr_psprintf(ctx->pool, "%s-IN%02" APR_INT64_T_FMT "",
                                                isms_jstr(review, "ref"), (apr_int64_t)seq)));
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    return isms_rec_insert(ctx, &isms_entity_input, doc, rid, seq, input_id, err);
}

/* The action's effectiveness check as it stands (row[8..13]: required, method, due, result,
 * verified_by, at) as JSON text, or NULL when nothing of it is set. */
static const char *effectiveness_json(isms_ctx *ctx, const char **row)
{
    static const char *const keys[] = {"required", "method", "due", "result", "verified_by",
                                       "at"};
    json_t *o = json_object();
    const char *out;
    int k;

    for (k = 0; k < 6; k++) {
        if (!row[8 + k]) continue;
        json_object_set_new(o, keys[k], k ? json_string(row[8 + k])
                                          : json_boolean(isms_ll(row[8]) != 0));
    }
    out = json_object_size(o) ? isms_canon(ctx->pool, o, NULL) : NULL;
    json_decref(o);
    return out;
}

static isms_db_status insert_snapshot(isms_ctx *ctx, long long rid, long long input_id,
                                      const char **row, const char *on, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "INSERT INTO action_snapshot (review_id, input_id, action_id, "
                        "action_ref, title, owner, status_at_review, progress_at_review, "
                        "due_date_at_review, days_overdue, carry_over_count, "
                        "effectiveness_at_review) VALUES (%d, %d, %d, %s, %s, %s, %s, %d, %s, "
                        "%d, %d, %s)",
                     rid, input_id, isms_ll(row[0]), row[1], row[2], row[3], row[4],
                     isms_ll(row[5]), row[6], (long long)overdue_days(row[6], on),
                     isms_ll(row[7]) + 1, effectiveness_json(ctx, row));
    return isms_exec_sql(ctx, q, NULL, err);
}

/* Every action still open from earlier (not cancelled) reviews gets a snapshot of its status
 * at this review, with days overdue and the number of reviews it has been carried into. */
isms_db_status isms_carry_over(isms_ctx *ctx, const json_t *review, const char **err)
{
    long long rid = json_integer_value(json_object_get(review, "id")), input_id;
    const char *on = isms_review_date(review);
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i, overdue = 0;

    isms_sql_appendf(q, "SELECT a.id, a.ref, a.title, a.owner, a.status, a.progress, "
                        "a.due_date, (SELECT COUNT(*) FROM action_snapshot s JOIN review sr ON "
                        "sr.id = s.review_id WHERE s.action_id = a.id AND sr.status <> "
                        "'CANCELLED'), a.effectiveness_check_required, "
                        "a.effectiveness_check_method, a.effectiveness_check_due, "
                        "a.effectiveness_check_result, a.effectiveness_check_verified_by, "
                        "a.effectiveness_check_at FROM action a JOIN review r ON r.id = "
                        "a.review_id WHERE a.review_id <> %d AND r.status <> 'CANCELLED' AND a.status NOT IN "
                        CLOSED_ACTION " AND (r.planned_date < %s OR (r.planned_date = %s AND "
                        "r.id < %d)) ORDER BY a.id", rid, isms_jstr(review, "planned_date"),
                     isms_jstr(review, "planned_date"), rid);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) overdue += overdue_days(ISMS_ROW(rs, i, 6), on) > 0;
    st = isms_input_a_insert(ctx, review, rs->nrows, overdue, &input_id, err);
    for (i = 0; i < rs->nrows && st == ISMS_DB_OK; i++) {
        st = insert_snapshot(ctx, rid, input_id, rs->values + (size_t)i * (size_t)rs->ncols,
                             on, err);
    }
    if (st == ISMS_DB_OK && rs->nrows) st = isms_touch_carried(ctx, rid, err);
    return st;
}

/* The reviews whose actions the input a of review rid snapshots embed a carry_over_count
 * that counts rid while it is not cancelled: their row_version (ETag, cache validator)
 * changes when rid is created and when it is cancelled. updated_* stay: their content did
 * not change. */
isms_db_status isms_touch_carried(isms_ctx *ctx, long long rid, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1 WHERE id IN (SELECT "
                        "a.review_id FROM action_snapshot s JOIN action a ON a.id = "
                        "s.action_id WHERE s.review_id = %d)", rid);
    return isms_exec_sql(ctx, q, NULL, err);
}

/* ---- extras embedded in items ---- */

/* The columns of hand-written queries that hold numbers or stored JSON; all else is text. */
static const char *const int_columns[] = {
    "id", "version", "progress", "revision_no", "days_overdue", "carry_over_count",
    "progress_at_review", "objective_id", "action_id", "review_id", "replan_decision_id",
    "seq", "entity_id", "status_code", "period_count", NULL};
static const char *const real_columns[] = {"value", "target_at_time", "kpi_target",
                                           "latest_value", "period_mean", "previous_mean",
                                           NULL};
static const char *const json_columns[] = {"changed_fields", "snapshot",
                                           "effectiveness_at_review", NULL};
static const char *const bool_columns[] = {"effectiveness_required", NULL};

static int named(const char *const *list, const char *n)
{
    for (; *list; list++) {
        if (strcmp(*list, n) == 0) return 1;
    }
    return 0;
}

static json_t *column_json(const char *n, const char *v)
{
    if (!v) return json_null();
    if (named(real_columns, n)) return json_real(strtod(v, NULL));
    if (named(int_columns, n)) return json_integer(isms_ll(v));
    if (named(bool_columns, n)) return json_boolean(isms_ll(v) != 0);
    if (named(json_columns, n)) return json_loads(v, 0, NULL);
    return json_string(v);
}

isms_db_status isms_rows_json(isms_ctx *ctx, isms_sql *q, json_t **out, const char **err)
{
    isms_rows *rs;
    isms_db_status st = isms_query_sql(ctx, q, &rs, err);
    int i, c;

    if (st != ISMS_DB_OK) return st;
    *out = json_array();
    for (i = 0; i < rs->nrows; i++) {
        json_t *o = json_object();
        for (c = 0; c < rs->ncols; c++) {
            const char *n = isms_json_name(ctx->pool, rs->names[c]);
            json_t *jv = column_json(n, ISMS_ROW(rs, i, c));
            json_object_set_new(o, n, jv ? jv : json_null());
        }
        json_array_append_new(*out, o);
    }
    return ISMS_DB_OK;
}

isms_db_status isms_input_a_snapshots(isms_ctx *ctx, json_t *item, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *list;
    isms_db_status st;

    const json_t *line;
    size_t i;

    isms_sql_appendf(q, "SELECT action_id, action_ref, title, owner, status_at_review, "
                        "progress_at_review, due_date_at_review, days_overdue, "
                        "carry_over_count, replan_decision_id, conclusion, \"comment\" AS "
                        "conclusion_note, effectiveness_at_review FROM action_snapshot WHERE "
                        "input_id = %d ORDER BY id",
                     (long long)json_integer_value(json_object_get(item, "id")));
    if ((st = isms_rows_json(ctx, q, &list, err)) != ISMS_DB_OK) return st;
    /* a line without management's conclusion reads as before 006 (sealed content stays) */
    json_array_foreach(list, i, line) {
        if (json_is_null(json_object_get(line, "conclusion"))) {
            json_object_del((json_t *)line, "conclusion");
        }
        if (json_is_null(json_object_get(line, "conclusion_note"))) {
            json_object_del((json_t *)line, "conclusion_note");
        }
        if (json_is_null(json_object_get(line, "effectiveness_at_review"))) {
            json_object_del((json_t *)line, "effectiveness_at_review");
        }
    }
    /* and the actions typed in for a previous review held outside the system */
    st = isms_prior_lines(ctx, item, list, err);
    json_object_set_new(item, "action_snapshots", list);
    return st;
}

void isms_action_days_overdue(isms_ctx *ctx, json_t *item)
{
    json_object_set_new(item, "days_overdue", json_integer(
        action_open(isms_jstr(item, "status")) ? overdue_days(isms_jstr(item, "due_date"),
                                                              ctx->today) : 0));
}

/* A new action: no later review has carried it over and it has no progress history yet,
 * so its extras are known without reading them (the 201 of POST .../actions). */
void isms_action_new_extras(isms_ctx *ctx, json_t *item)
{
    json_object_set_new(item, "carry_over_count", json_integer(0));
    isms_action_days_overdue(ctx, item);
    json_object_set_new(item, "updates", json_array());
}

isms_db_status isms_action_extras(isms_ctx *ctx, json_t *item, int full, const char **err)
{
    long long id = json_integer_value(json_object_get(item, "id"));
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    json_t *list;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT " ISMS_CARRY_OVER_SQL, id);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    json_object_set_new(item, "carry_over_count", json_integer(isms_ll(ISMS_ROW(rs, 0, 0))));
    isms_action_days_overdue(ctx, item);
    if (!full) return ISMS_DB_OK;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT " ISMS_ACTION_UPDATE_COLS " FROM action_update WHERE "
                        "action_id = %d ORDER BY id", id);
    if ((st = isms_rows_json(ctx, q, &list, err)) == ISMS_DB_OK) {
        json_object_set_new(item, "updates", list);
    }
    return st;
}

/* Trend: mean of the newer half of the measurements against the older half, in the
 * direction of the KPI; a change within 2% of the target counts as stable. */
static const char *trend(const json_t *list, const char *dir, double target)
{
    size_t n = json_array_size(list), i, half = n / 2;
    double older = 0, newer = 0, d, thr = fabs(target) * 0.02;

    if (n < 2) return "INSUFFICIENT_DATA";
    for (i = 0; i < half; i++) older += json_number_value(json_object_get(
        json_array_get(list, i), "value"));
    for (i = n - half; i < n; i++) newer += json_number_value(json_object_get(
        json_array_get(list, i), "value"));
    d = (newer - older) / (double)half;
    if (dir && strcmp(dir, "LOWER_BETTER") == 0) d = -d;
    if (thr < 1e-9) thr = 1e-9;
    return d > thr ? "IMPROVING" : d < -thr ? "DETERIORATING" : "STABLE";
}

/* Measurements belong to the objective (its identity), not to one revision of it. */
static long long identity(const json_t *objective)
{
    const json_t *oid = json_object_get(objective, "objective_id");

    return json_integer_value(json_is_integer(oid) ? oid : json_object_get(objective, "id"));
}

static isms_db_status measurements(isms_ctx *ctx, long long oid, const char *from,
                                   const char *to, json_t **out, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "SELECT id, period_frm, period_to, value, target_at_time, direction, "
                        "rag, evidence_ref, comment, created_at, created_by FROM "
                        "kpi_measurement WHERE objective_id = %d", oid);
    if (from) isms_sql_appendf(q, " AND period_to >= %s", from);
    if (to) isms_sql_appendf(q, " AND period_to <= %s", to);
    isms_sql_appendf(q, " ORDER BY period_to, id");
    return isms_rows_json(ctx, q, out, err);
}

void isms_kpi_status(json_t *item, const json_t *list)
{
    const json_t *kpi = json_object_get(item, "kpi");
    size_t n = json_array_size(list);
    const json_t *last = n ? json_array_get(list, n - 1) : NULL;

    json_object_set_new(item, "measurement_count", json_integer((json_int_t)n));
    json_object_set(item, "latest_measurement", last ? (json_t *)last : json_null());
    json_object_set_new(item, "rag", last ? json_string(isms_jstr(last, "rag")) : json_null());
    json_object_set_new(item, "trend", json_string(json_is_object(kpi)
        ? trend(list, isms_jstr(kpi, "direction"),
                json_number_value(json_object_get(kpi, "target")))
        : "INSUFFICIENT_DATA"));
}

static double mean(const json_t *list)
{
    double sum = 0;
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        sum += json_number_value(json_object_get(json_array_get(list, i), "value"));
    }
    return sum / (double)json_array_size(list);
}

/* The trend over a period (domain-model.md A.9): the mean of the measurements in [from, to]
 * against the mean of the previous period of equal length, in the KPI's direction; a change
 * within 2% of the target is STABLE; no data in either period is INSUFFICIENT_DATA. */
isms_db_status isms_kpi_period(isms_ctx *ctx, const json_t *objective, const char *from,
                               const char *to, json_t **out, const char **err)
{
    long long id = identity(objective);
    long len = isms_days_between(from, to) + 1;
    const char *pfrom = isms_date_add(ctx->pool, from, -len);
    const char *pto = isms_date_add(ctx->pool, from, -1);
    const json_t *kpi = json_object_get(objective, "kpi");
    json_t *cur, *prev;
    const char *t = "INSUFFICIENT_DATA";
    isms_db_status st = measurements(ctx, id, from, to, &cur, err);

    if (st != ISMS_DB_OK) return st;
    if ((st = measurements(ctx, id, pfrom, pto, &prev, err)) != ISMS_DB_OK) {
        json_decref(cur);
        return st;
    }
    if (json_array_size(cur) && json_array_size(prev) && json_is_object(kpi)) {
        double d = mean(cur) - mean(prev), thr = fabs(json_number_value(json_object_get(kpi,
                                                                              "target"))) * 0.02;
        if (!strcmp(isms_jstr(kpi, "direction"), "LOWER_BETTER")) d = -d;
        if (thr < 1e-9) thr = 1e-9;
        t = d > thr ? "IMPROVING" : d < -thr ? "DETERIORATING" : "STABLE";
    }
    *out = json_pack("{s:s,s:s,s:s,s:s,s:o,s:I,s:s}", "period_from", from, "period_to", to,
                     "previous_from", pfrom, "previous_to", pto, "items", cur,
                     "previous_count", (json_int_t)json_array_size(prev), "trend", t);
    json_object_set_new(*out, "mean", json_array_size(cur) ? json_real(mean(cur))
                                                           : json_null());
    json_object_set_new(*out, "previous_mean", json_array_size(prev) ? json_real(mean(prev))
                                                                     : json_null());
    json_decref(prev);
    return ISMS_DB_OK;
}

isms_db_status isms_objective_extras(isms_ctx *ctx, json_t *item, int full,
                                       const char **err)
{
    long long id = identity(item);
    json_t *list, *revs;
    isms_sql *q;
    isms_db_status st = measurements(ctx, id, NULL, NULL, &list, err);

    if (st != ISMS_DB_OK) return st;
    isms_kpi_status(item, list);
    if (full) json_object_set(item, "measurements", list);
    json_decref(list);
    if (!full) return ISMS_DB_OK;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT revision_no, revision_type, changed_fields, reason, review_id, "
                        "created_at, created_by FROM objective_revision WHERE objective_id = "
                        "%d ORDER BY revision_no", id);
    if ((st = isms_rows_json(ctx, q, &revs, err)) == ISMS_DB_OK) {
        json_object_set_new(item, "revisions", revs);
    }
    return st;
}

isms_db_status isms_item_extras(isms_ctx *ctx, const isms_entity *e, json_t *item, int full,
                                const char **err)
{
    const isms_kind_hooks *h = isms_hooks(e);

    return h->extras ? h->extras(ctx, item, full, err) : ISMS_DB_OK;
}

/* ---- objective edit history (each create and change while the review is a draft) ---- */

isms_db_status isms_objective_revise(isms_ctx *ctx, long long oid, long long rid,
                                     const json_t *before, const json_t *after,
                                     const char *reason, const char **err)
{
    json_t *changes = isms_json_pool(ctx->pool, before ? isms_objective_changes(before, after)
                                                       : json_object());
    const char *type = before ? isms_objective_revision_type(before, after) : "CREATED";
    const char *snap = isms_json_dump(ctx->pool, before ? before : after, NULL);
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "INSERT INTO objective_revision (objective_id, revision_no, "
                        "revision_type, changed_fields, snapshot, reason, review_id, "
                        "created_at, created_by) VALUES (%d, (SELECT COALESCE(MAX(revision_no),"
                        " 0) + 1 FROM objective_revision WHERE objective_id = %d), %s, %s, %s, "
                        "%s, %d, %s, %s)", oid, oid, type,
                     isms_json_dump(ctx->pool, changes, NULL), snap, reason, rid, ctx->now,
                     ctx->user);
    return isms_exec_sql(ctx, q, NULL, err);
}

/* ---- the same extras for a list of items, in one query per kind (no query per item) ---- */

static void id_list(isms_sql *q, const json_t *items, const char *key)
{
    size_t i;

    for (i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        const json_t *v = json_object_get(it, key);
        isms_sql_appendf(q, i ? ", %d" : "%d", (long long)json_integer_value(
                             json_is_integer(v) ? v : json_object_get(it, "id")));
    }
}

static json_t *find_by_id(const json_t *items, long long id)
{
    size_t i;

    for (i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if (json_integer_value(json_object_get(it, "id")) == id) return it;
    }
    return NULL;
}

isms_db_status isms_actions_extras(isms_ctx *ctx, json_t *items, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    size_t i;
    int r;

    for (i = 0; i < json_array_size(items); i++) {
        json_t *a = json_array_get(items, i);
        json_object_set_new(a, "carry_over_count", json_integer(0));
        json_object_set_new(a, "days_overdue", json_integer(action_open(isms_jstr(a, "status"))
            ? overdue_days(isms_jstr(a, "due_date"), ctx->today) : 0));
    }
    isms_sql_appendf(q, "SELECT s.action_id, COUNT(*) FROM action_snapshot s JOIN review r ON "
                        "r.id = s.review_id WHERE r.status <> 'CANCELLED' AND s.action_id IN (");
    id_list(q, items, "id");
    isms_sql_appendf(q, ") GROUP BY s.action_id");
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (r = 0; r < rs->nrows; r++) {
        json_t *a = find_by_id(items, isms_ll(ISMS_ROW(rs, r, 0)));
        if (a) json_object_set_new(a, "carry_over_count",
                                   json_integer(isms_ll(ISMS_ROW(rs, r, 1))));
    }
    return ISMS_DB_OK;
}

isms_db_status isms_objectives_extras(isms_ctx *ctx, json_t *items, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *all, *mine;
    isms_db_status st;
    size_t i, k;

    isms_sql_appendf(q, "SELECT id, objective_id, period_frm, period_to, value, target_at_time, "
                        "direction, rag, evidence_ref, comment, created_at, created_by FROM "
                        "kpi_measurement WHERE objective_id IN (");
    id_list(q, items, "objective_id");
    isms_sql_appendf(q, ") ORDER BY objective_id, period_to, id");
    if ((st = isms_rows_json(ctx, q, &all, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < json_array_size(items); i++) {
        json_t *o = json_array_get(items, i);
        json_int_t id = identity(o);
        mine = json_array();
        for (k = 0; k < json_array_size(all); k++) {
            json_t *m = json_array_get(all, k);
            if (json_integer_value(json_object_get(m, "objective_id")) != id) continue;
            json_object_del(m, "objective_id");
            json_array_append(mine, m);
        }
        isms_kpi_status(o, mine);
        json_decref(mine);
    }
    json_decref(all);
    return ISMS_DB_OK;
}

isms_db_status isms_items_extras(isms_ctx *ctx, const isms_entity *e, json_t *items,
                                 const char **err)
{
    isms_db_status st = ISMS_DB_OK;
    size_t i;

    if (!json_array_size(items)) return ISMS_DB_OK;
    if (isms_hooks(e)->list_extras) return isms_hooks(e)->list_extras(ctx, items, err);
    for (i = 0; i < json_array_size(items) && st == ISMS_DB_OK; i++) {
        st = isms_item_extras(ctx, e, json_array_get(items, i), 0, err);
    }
    return st;
}
