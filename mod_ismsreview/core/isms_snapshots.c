/* SPDX-License-Identifier: Apache-2.0 */
/* Management's conclusion on one carried-over line of input a (issue 12 section 3):
 * PATCH v1/reviews/{id}/action-snapshots/{action_id} {"conclusion": CONTINUE | REPLAN |
 * CLOSE | CANCEL, "replan_decision_id", "note"}. A re-plan names the review's ACTION_REPLAN
 * decision, which clears the line's overdue finding (MR-06); so does closing or cancelling.
 * Draft reviews only (the 004 guards refuse it below the API once submitted). */
#include "isms_snapshots.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_record.h"
#include "isms_validate.h"

#include <apr_strings.h>
#include <string.h>

static const char *const conclusions[] = {"CONTINUE", "REPLAN", "CLOSE", "CANCEL", NULL};
static const char *const conclusion_labels[] = {"Continue as planned", "Re-plan (a decision)",
                                                "Close", "Cancel", NULL};
static const isms_field line_fields[] = {
    {.name = "conclusion", .type = ISMS_F_ENUM, .flags = ISMS_REQ, .enums = conclusions,
     .labels = conclusion_labels},
    {.name = "replan_decision_id", .type = ISMS_F_INT, .min = 1, .max = 1e15},
    {.name = "note", .type = ISMS_F_TEXT, .max_chars = 4000, .max_bytes = 12000},
    {.name = NULL}};
const isms_entity isms_entity_action_snapshot = {"action_snapshot", "", "", "", line_fields,
                                                 NULL};

/* REPLAN names an ACTION_REPLAN decision of this review; nothing else names one. */
static int replan_ok(const json_t *review, const json_t *v, isms_verrors *errs)
{
    json_int_t did = json_integer_value(json_object_get(v, "replan_decision_id"));
    int replan = !strcmp(isms_jstr(v, "conclusion"), "REPLAN");
    const json_t *d;
    size_t i;

    if (!replan && did) {
        isms_verr(errs, "replan_decision_id", "not_allowed", "only a REPLAN conclusion names "
                  "a re-planning decision");
        return 0;
    }
    if (!replan) return 1;
    json_array_foreach(json_object_get(review, "decisions"), i, d) {
        if (json_integer_value(json_object_get(d, "id")) == did && did &&
            !strcmp(isms_jstr(d, "category"), "ACTION_REPLAN")) {
            return 1;
        }
    }
    isms_verr(errs, "replan_decision_id", did ? "invalid_reference" : "required",
              "a REPLAN conclusion names an ACTION_REPLAN decision of this review");
    return 0;
}

/* The line: a carried-over action (action_snapshot, by action_id) or an action typed in for
 * a previous review held outside the system (prior_action, by its id). */
static isms_sql *update_sql(isms_ctx *ctx, const char *table, const char *key, long long rid,
                            long long line, const json_t *v)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_int_t did = json_integer_value(json_object_get(v, "replan_decision_id"));

    isms_sql_appendf(q, "UPDATE %k SET conclusion = %s, \"comment\" = %s, "
                        "replan_decision_id = ", table, isms_jstr(v, "conclusion"),
                     isms_jstr(v, "note"));
    if (did) isms_sql_appendf(q, "%d", (long long)did);
    else isms_sql_appendf(q, "NULL");
    isms_sql_appendf(q, " WHERE review_id = %d AND %k = %d", rid, key, line);
    return q;
}

/* The review's row, still at the version the request read (its ETag): a new row version. */
static isms_result claim(isms_ctx *ctx, const json_t *review)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_result ok = {0};
    const char *err = NULL;
    long long affected = 0;
    isms_db_status st;

    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1, updated_at = %s, "
                        "updated_by = %s WHERE id = %d AND row_version = %d", ctx->now,
                     ctx->user, (long long)json_integer_value(json_object_get(review, "id")),
                     (long long)json_integer_value(json_object_get(review, "_row_version")));
    if ((st = isms_exec_sql(ctx, q, &affected, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (affected != 1) {
        return isms_res_problem(ctx->pool, 412, "stale", "Precondition failed",
                                "the review changed while this request ran; reload it");
    }
    return ok;
}

isms_result isms_review_line_write(isms_ctx *ctx, long long rid, const char *if_match,
                                   const char *what)
{
    json_t *review;
    isms_result r;

    if ((r = isms_load_review(ctx, rid, &review)).status) return r;
    r = isms_check_if_match(ctx, if_match, isms_rec_etag(ctx->pool, &isms_entity_review,
                                                         review));
    if (r.status) return r;
    if (!isms_review_editable(review)) {
        return isms_res_problem(ctx->pool, 409, "not-editable", "Review not editable",
                                apr_pstrcat(ctx->pool, what, " while the review is a draft",
                                            NULL));
    }
    return claim(ctx, review);
}

static isms_result conclude(isms_ctx *ctx, long long rid, const char *table, const char *key,
                            long long line, const json_t *in, const char *if_match)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *v;
    const char *err = NULL;
    long long affected = 0;
    isms_db_status st;
    isms_result r;

    if (!(v = isms_validate(&isms_entity_action_snapshot, in, ISMS_V_CREATE, NULL, NULL,
                            &errs))) {
        return isms_res_invalid(ctx->pool, errs.list);
    }
    isms_json_pool(ctx->pool, v);
    r = isms_review_line_write(ctx, rid, if_match, "input a is concluded");
    if (r.status) return r;
    if ((r = isms_review_get(ctx, rid)).status != 200) return r;
    if (!replan_ok(r.body, v, &errs)) return isms_res_invalid(ctx->pool, errs.list);
    st = isms_exec_sql(ctx, update_sql(ctx, table, key, rid, line, v), &affected, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (affected != 1) {
        return isms_res_not_found(ctx, !strcmp(table, "action_snapshot")
                                           ? "carried-over action in this review"
                                           : "action of the previous review in this review");
    }
    return isms_review_get(ctx, rid);
}

isms_result isms_snapshot_conclude(isms_ctx *ctx, long long rid, long long action_id,
                                   const json_t *in, const char *if_match)
{
    return conclude(ctx, rid, "action_snapshot", "action_id", action_id, in, if_match);
}

isms_result isms_prior_line_conclude(isms_ctx *ctx, long long rid, long long line_id,
                                     const json_t *in, const char *if_match)
{
    return conclude(ctx, rid, "prior_action", "id", line_id, in, if_match);
}
