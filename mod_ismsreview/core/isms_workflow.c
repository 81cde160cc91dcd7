/* SPDX-License-Identifier: Apache-2.0 */
/* POST v1/reviews/{id}/<action>: the transitions of the state machine (isms_transitions.c)
 * carried out. Each one is a conditional state change of the review row, recorded in
 * workflow_transition; submission passes the completeness gate (isms_gates.c), approval
 * the rules of isms_approvals.c and, at the quorum, the seal (isms_seal.c). */
#include "isms_workflow_int.h"
#include "isms_gates.h"
#include "isms_json.h"
#include "isms_rules.h"
#include "isms_transitions.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

static const isms_field comment_fields[] = {
    {.name = "comment", .type = ISMS_F_TEXT, .max_chars = 4000, .max_bytes = 12000},
    {.name = NULL}};
const isms_entity isms_entity_transition = {"transition", "", "", "", comment_fields, NULL};

isms_result isms_wf_conflict(isms_ctx *ctx, const char *detail)
{
    return isms_res_problem(ctx->pool, 409, "illegal-transition", "Not allowed in this state",
                            detail);
}

static isms_db_status record_transition(isms_ctx *ctx, const json_t *review, const char *action,
                                        const char *to, const char *comment, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "INSERT INTO workflow_transition (review_id, version, action, "
                        "prior_status, to_status, actor, comment, created_at) VALUES (%d, %d, "
                        "%s, %s, %s, %s, %s, %s)",
                     (long long)json_integer_value(json_object_get(review, "id")),
                     (long long)json_integer_value(json_object_get(review, "version")),
                     action, isms_jstr(review, "status"), to, ctx->user, comment, ctx->now);
    return isms_exec_sql(ctx, q, NULL, err);
}

/* The conditional state change: "UPDATE review SET <set> WHERE id AND status = <current>"
 * (and the row version read, except for approvals, which queue behind each other): exactly
 * one request moves a review out of a state. */
isms_sql *isms_wf_move_sql(isms_ctx *ctx, const char *to)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1, updated_at = %s, "
                        "updated_by = %s, status = %s", ctx->now, ctx->user, to);
    return q;
}

isms_result isms_wf_run_move(isms_ctx *ctx, isms_sql *q, const json_t *review,
                             int check_version)
{
    isms_result ok = {0};
    const char *err = NULL;
    long long affected = 0;
    isms_db_status st;

    isms_sql_appendf(q, " WHERE id = %d AND status = %s",
                     (long long)json_integer_value(json_object_get(review, "id")),
                     isms_jstr(review, "status"));
    if (check_version) {
        isms_sql_appendf(q, " AND row_version = %d",
                         (long long)json_integer_value(json_object_get(review, "_row_version")));
    }
    if ((st = isms_exec_sql(ctx, q, &affected, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (affected != 1) {
        return isms_wf_conflict(ctx, "the review changed state while this request ran; reload it");
    }
    return ok;
}

static isms_result do_submit(isms_ctx *ctx, const json_t *review)
{
    json_t *doc;
    isms_result r = isms_review_findings(ctx, json_integer_value(json_object_get(review, "id")),
                                         &doc);
    isms_sql *q;

    if (r.status != 200) return r;
    if (isms_gate_submit_blocked(doc)) {
        r = isms_res_problem(ctx->pool, 422, "incomplete", "Completeness check failed",
                             "the review has findings of severity E that are not waived");
        json_object_set(r.body, "findings", json_object_get(doc, "findings"));
        json_object_set(r.body, "blocking", json_object_get(doc, "blocking"));
        return r;
    }
    q = isms_wf_move_sql(ctx, "SUBMITTED");
    isms_sql_appendf(q, ", submitted_at = %s, submitted_by = %s", ctx->now, ctx->user);
    return isms_wf_run_move(ctx, q, review, 1);
}

static isms_result do_return(isms_ctx *ctx, const json_t *review)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const char *err = NULL;
    isms_db_status st;

    /* a new submission needs new approvals (voided while still SUBMITTED: the guard) */
    isms_sql_appendf(q, "DELETE FROM approval WHERE review_id = %d AND version = %d",
                     (long long)json_integer_value(json_object_get(review, "id")),
                     (long long)json_integer_value(json_object_get(review, "version")));
    if ((st = isms_exec_sql(ctx, q, NULL, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return isms_wf_run_move(ctx, isms_wf_move_sql(ctx, "RETURNED"), review, 1);
}

static isms_result do_cancel(isms_ctx *ctx, const json_t *review)
{
    isms_result r = isms_wf_run_move(ctx, isms_wf_move_sql(ctx, "CANCELLED"), review, 1);
    const char *err = NULL;
    isms_db_status st;

    if (r.status) return r;
    /* the actions this review carried over no longer count it */
    st = isms_touch_carried(ctx, json_integer_value(json_object_get(review, "id")), &err);
    return st == ISMS_DB_OK ? r : isms_res_db(ctx->pool, st, err);
}

static isms_result do_publish(isms_ctx *ctx, const json_t *review)
{
    isms_result r = isms_wf_run_move(ctx, isms_wf_move_sql(ctx, "PUBLISHED"), review, 1);
    isms_sql *q;
    const char *err = NULL;
    isms_db_status st;

    if (r.status) return r;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "UPDATE review_version SET status = 'PUBLISHED' WHERE review_id = %d "
                        "AND version = %d",
                     (long long)json_integer_value(json_object_get(review, "id")),
                     (long long)json_integer_value(json_object_get(review, "version")));
    if ((st = isms_exec_sql(ctx, q, NULL, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return r;
}

static isms_result do_amend(isms_ctx *ctx, const json_t *review, const char *reason)
{
    isms_sql *q = isms_wf_move_sql(ctx, "DRAFT");

    isms_sql_appendf(q, ", version = version + 1, version_reason = %s, content_hash = NULL, "
                        "approved_at = NULL, approved_by = NULL, submitted_at = NULL, "
                        "submitted_by = NULL", reason);
    return isms_wf_run_move(ctx, q, review, 1);
}

static int blank(const char *s)
{
    while (s && apr_isspace(*s)) s++;
    return !s || !*s;
}

static isms_result body_comment(isms_ctx *ctx, const isms_transition *t, const json_t *in,
                                const char **comment)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    isms_result ok = {0};
    json_t *v = isms_validate(&isms_entity_transition, in, ISMS_V_CREATE, NULL, NULL, &errs);

    if (!v) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, v);
    *comment = isms_jstr(v, "comment");
    if (*comment && blank(*comment)) *comment = NULL;   /* blank is no comment */
    if (t->need_comment && !*comment) {
        isms_verr(&errs, "comment", "required", "a comment is required to %s a review",
                  t->action);
        return isms_res_invalid(ctx->pool, errs.list);
    }
    return ok;
}

static isms_result dispatch(isms_ctx *ctx, const isms_transition *t, const json_t *review,
                            const char *comment, int *moved)
{
    *moved = 1;
    if (!strcmp(t->action, "submit")) return do_submit(ctx, review);
    if (!strcmp(t->action, "return")) return do_return(ctx, review);
    if (!strcmp(t->action, "publish")) return do_publish(ctx, review);
    if (!strcmp(t->action, "cancel")) return do_cancel(ctx, review);
    if (!strcmp(t->action, "amend")) return do_amend(ctx, review, comment);
    *moved = 0;
    return isms_wf_approve(ctx, review, comment, moved);
}

isms_result isms_workflow(isms_ctx *ctx, long long id, const char *action, const json_t *in,
                          const char *if_match)
{
    const isms_transition *t = isms_transition_find(action);
    const char *comment = NULL, *err = NULL, *refused;
    json_t *review;
    isms_db_status st;
    isms_result r;
    int moved = 0;

    if (!t) return isms_res_not_found(ctx, "workflow action");
    if (!(ctx->roles & t->role)) {
        return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", apr_psprintf(
            ctx->pool, "%s needs the %s role", action,
            t->role == ISMS_R_AUTHOR ? "author" : "approver"));
    }
    if ((r = body_comment(ctx, t, in, &comment)).status) return r;
    if ((r = isms_load_review(ctx, id, &review)).status) return r;
    r = (strcmp(action, "approve") ? isms_check_if_match : isms_check_if_match_read)(
        ctx, if_match, isms_review_etag(ctx, review));
    if (r.status) return r;
    if ((refused = isms_transition_refused(ctx->pool, t, review))) {
        return isms_wf_conflict(ctx, refused);
    }
    r = dispatch(ctx, t, review, comment, &moved);
    if (r.status) return r;
    st = record_transition(ctx, review, action, moved ? t->to : isms_jstr(review, "status"), comment,
                           &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    r = isms_review_get(ctx, id);
    r.before = isms_present(ctx, &isms_entity_review, review);
    isms_json_pool(ctx->pool, r.before);
    return r;
}
