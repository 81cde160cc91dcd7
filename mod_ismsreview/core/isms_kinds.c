/* SPDX-License-Identifier: Apache-2.0 */
/* The per-kind behaviour of the record kinds (isms_hooks.h), one table per kind that has
 * any, named by its descriptor (isms_entity.c). The kinds without hooks (decisions,
 * improvements, changes, resources, communications) are their fields alone. */
#include "isms_hooks.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_people.h"

#include <apr_strings.h>
#include <string.h>


static int category_is(const json_t *doc, const char *cat)
{
    const char *c = json_string_value(json_object_get(doc, "category"));

    return c && strcmp(c, cat) == 0;
}

/* ---- attendees: the people register names them ---- */

static const isms_kind_hooks attendee_hooks = {
    .resolve = isms_people_attendee,
};

/* ---- inputs: input a is generated, the numbers of input d4 derived ---- */

static int input_generated(const json_t *doc)
{
    return category_is(doc, "A_PREV_ACTIONS");
}

/* The numbers of input d4 are derived from the objective register (isms_objective_d4.c):
 * the author writes its summary, discussion and conclusion, not its metrics. */
static int input_check(const json_t *in, const json_t *doc, const json_t *row,
                       isms_verrors *errs)
{
    (void)row;
    if (!category_is(doc, "D4_OBJECTIVES") || !json_object_get(in, "metrics")) return 0;
    isms_verr(errs, "metrics", "derived", "the metrics of input d4 are derived from the "
              "objective register (POST v1/reviews/{id}/refresh-d4); record KPI values "
              "through v1/objectives/{id}/measurements");
    return 1;
}

static isms_db_status input_extras(isms_ctx *ctx, json_t *item, int full, const char **err)
{
    (void)full;
    if (category_is(item, "A_PREV_ACTIONS")) return isms_input_a_snapshots(ctx, item, err);
    if (category_is(item, "D4_OBJECTIVES")) return isms_d4_snapshots(ctx, item, err);
    return ISMS_DB_OK;
}

static const isms_kind_hooks input_hooks = {
    .generated = input_generated,
    .check = input_check,
    .extras = input_extras,
};

/* ---- actions and objectives: tracked, so not deleted once they have a history ---- */

/* What is not deleted (the database guards it too, migration 009): an action in the input a
 * of a later review, an action or objective with tracking history (progress updates, KPI
 * measurements) or one that appeared in a sealed version of its review. */
#define SEALED_SINCE "(SELECT COUNT(*) FROM review_version WHERE review_id = %d AND " \
                     "approved_at >= %s)"

typedef struct {
    const char *kind, *title, *history, *instead;
} tracked_kind;

static const tracked_kind tracked_action = {"action", "Action is tracked",
    "has progress updates", "cancel it through its progress updates, with a reason"};
static const tracked_kind tracked_objective = {"objective", "Objective is tracked",
    "has KPI measurements", "set its status to WITHDRAWN, with a reason"};

static isms_result tracked(isms_ctx *ctx, const tracked_kind *k, const char *slug,
                           const char *what)
{
    return isms_res_problem(ctx->pool, 409, slug, k->title, apr_psprintf(ctx->pool, "the %s "
                            "%s; it cannot be deleted: %s", k->kind, what, k->instead));
}

/* q: SELECT <carried over>, <history>, <sealed> for the item. */
static isms_result history_refusal(isms_ctx *ctx, const tracked_kind *k, isms_sql *q)
{
    isms_result ok = {0};
    const char *err = NULL;
    isms_rows *rs;
    isms_db_status st;

    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (isms_ll(ISMS_ROW(rs, 0, 0)) > 0) {
        return isms_res_problem(ctx->pool, 409, "carried-over", "Action carried over",
                                "the action is in the input a of a later review; cancel it "
                                "through its progress updates instead");
    }
    if (isms_ll(ISMS_ROW(rs, 0, 1)) > 0) return tracked(ctx, k, "tracked", k->history);
    if (isms_ll(ISMS_ROW(rs, 0, 2)) > 0) {
        return tracked(ctx, k, "sealed-item", "is part of a sealed version of the review");
    }
    return ok;
}

static long long review_of(const json_t *row)
{
    return json_integer_value(json_object_get(row, "review_id"));
}

/* ---- actions ---- */

static void action_on_create(json_t *doc)
{
    json_object_set(doc, "original_due_date", json_object_get(doc, "due_date"));
}

static int action_check(const json_t *in, const json_t *doc, const json_t *row,
                        isms_verrors *errs)
{
    (void)doc;
    if (!row || !json_object_get(in, "due_date") ||
        strcmp(json_string_value(json_object_get(row, "status")), "OPEN") == 0) {
        return 0;
    }
    isms_verr(errs, "due_date", "use_updates", "the due date of an action in progress "
              "changes through POST v1/actions/{id}/updates with a reason");
    return 1;
}

static isms_result action_deletable(isms_ctx *ctx, const json_t *row, long long id)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "SELECT (SELECT COUNT(*) FROM action_snapshot WHERE action_id = %d), "
                        "(SELECT COUNT(*) FROM action_update WHERE action_id = %d), "
                        SEALED_SINCE, id, id, review_of(row), isms_jstr(row, "created_at"));
    return history_refusal(ctx, &tracked_action, q);
}

static const isms_kind_hooks action_hooks = {
    .flags = ISMS_K_UPDATES_ONLY,
    .check = action_check,
    .on_create = action_on_create,
    .deletable = action_deletable,
    .extras = isms_action_extras,
    .new_extras = isms_action_new_extras,
    .list_extras = isms_actions_extras,
};

/* ---- objectives: revisions of an objective of the register (isms_objective.c) ---- */

static void objective_on_create(json_t *doc)
{
    json_object_set_new(doc, "current_revision", json_integer(1));
}

static isms_db_status objective_after_insert(isms_ctx *ctx, long long id, long long rid,
                                             const json_t *doc, const char **err)
{
    isms_db_status st = isms_objective_created(ctx, id, doc, err);

    return st == ISMS_DB_OK ? isms_objective_revise(ctx, id, rid, NULL, doc, NULL, err) : st;
}

static int objective_derive(const json_t *row, const json_t *in, const json_t *merged,
                            json_t *set, isms_verrors *errs)
{
    isms_objective_patch(row, in, merged, set, errs);
    return json_array_size(errs->list) > 0;
}

static void objective_on_patch(const json_t *row, json_t *set)
{
    json_object_set_new(set, "current_revision", json_integer(
        json_integer_value(json_object_get(row, "current_revision")) + 1));
}

static isms_db_status objective_after_update(isms_ctx *ctx, long long id, long long rid,
                                             const json_t *row, const json_t *merged,
                                             const char **err)
{
    return isms_objective_revise(ctx, id, rid, row, merged, NULL, err);
}

static isms_result objective_deletable(isms_ctx *ctx, const json_t *row, long long id)
{
    isms_result r = isms_objective_deletable(ctx, row);
    isms_sql *q;

    if (r.status) return r;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT 0, (SELECT COUNT(*) FROM kpi_measurement WHERE "
                        "objective_id = %d), " SEALED_SINCE, id, review_of(row),
                     isms_jstr(row, "created_at"));
    return history_refusal(ctx, &tracked_objective, q);
}

static const isms_kind_hooks objective_hooks = {
    .base = isms_objective_base,
    .on_create = objective_on_create,
    .before_insert = isms_objective_number,
    .after_insert = objective_after_insert,
    .derive = objective_derive,
    .on_patch = objective_on_patch,
    .after_update = objective_after_update,
    .deletable = objective_deletable,
    .extras = isms_objective_extras,
    .list_extras = isms_objectives_extras,
    .register_view = isms_objectives_by_identity,
};

/* ---- the kinds that have hooks, by descriptor ---- */

static const struct {
    const isms_entity *e;
    const isms_kind_hooks *hooks;
} kinds[] = {
    {&isms_entity_attendee, &attendee_hooks},
    {&isms_entity_input, &input_hooks},
    {&isms_entity_action, &action_hooks},
    {&isms_entity_objective, &objective_hooks},
};

const isms_kind_hooks *isms_hooks(const isms_entity *e)
{
    static const isms_kind_hooks none = {0};
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (kinds[i].e == e) return kinds[i].hooks;
    }
    return &none;
}
