/* SPDX-License-Identifier: Apache-2.0 */
/* Approvals (domain-model.md §B): separation of duties (nobody approves a version they
 * authored, submitted or amended), one approval per person, a quorum of distinct approvers
 * (ISMSReviewApprovals), every W finding acknowledged; the approval that reaches the quorum
 * seals the version (isms_seal.c). The rules are pure (isms_sod_violated,
 * isms_quorum_refused, isms_gate_unacknowledged); the rest reads and writes their facts. */
#include "isms_approvals.h"
#include "isms_gates.h"
#include "isms_json.h"
#include "isms_rules.h"
#include "isms_userkey.h"
#include "isms_workflow_int.h"

#include <string.h>

int isms_sod_violated(const json_t *authors, const char *key)
{
    const json_t *k;
    size_t i;

    json_array_foreach(authors, i, k) {
        if (strcmp(json_string_value(k), key) == 0) return 1;
    }
    return 0;
}

const char *isms_quorum_refused(apr_pool_t *p, const json_t *approvals, const char *key,
                                int quorum)
{
    size_t i;

    if (json_array_size(approvals) >= (size_t)quorum) return "the review is already approved";
    for (i = 0; i < json_array_size(approvals); i++) {
        if (!strcmp(isms_user_key(p, isms_jstr(json_array_get(approvals, i), "approver")),
                    key)) {
            return "you have already approved this version; a second approval by the same "
                   "person does not count";
        }
    }
    return NULL;
}

/* Who wrote this version: the review's author, or whoever opened the amendment. */
static isms_db_status version_authors(isms_ctx *ctx, const json_t *review, json_t **keys,
                                      const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    *keys = isms_json_pool(ctx->pool, json_array());
    json_array_append_new(*keys, json_string(isms_user_key(ctx->pool, isms_jstr(review, "author"))));
    if (isms_jstr(review, "submitted_by")) {
        json_array_append_new(*keys, json_string(isms_user_key(ctx->pool,
                                                               isms_jstr(review, "submitted_by"))));
    }
    isms_sql_appendf(q, "SELECT actor FROM workflow_transition WHERE review_id = %d AND "
                        "action = 'amend' AND version = %d",
                     (long long)json_integer_value(json_object_get(review, "id")),
                     (long long)json_integer_value(json_object_get(review, "version")) - 1);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        json_array_append_new(*keys, json_string(isms_user_key(ctx->pool, ISMS_ROW(rs, i, 0))));
    }
    return ISMS_DB_OK;
}

isms_db_status isms_wf_approvals_of(isms_ctx *ctx, long long id, long long version,
                                    json_t **out, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT approver, comment, created_at FROM approval WHERE review_id = "
                        "%d AND version = %d ORDER BY id", id, version);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < rs->nrows; i++) {
        json_t *a = json_pack("{s:s,s:s}", "approver", ISMS_ROW(rs, i, 0), "approved_at",
                              ISMS_ROW(rs, i, 2));
        json_object_set_new(a, "comment", ISMS_ROW(rs, i, 1) ? json_string(ISMS_ROW(rs, i, 1))
                                                             : json_null());
        json_array_append_new(*out, a);
    }
    return ISMS_DB_OK;
}

/* Approval needs every W finding acknowledged by an approver (domain-model.md §C); the
 * 422 lists the ones that are not. */
static isms_result warnings_acknowledged(isms_ctx *ctx, long long id)
{
    json_t *doc, *open;
    isms_result r = isms_review_findings(ctx, id, &doc), ok = {0};

    if (r.status != 200) return r;
    if (!(open = isms_gate_unacknowledged(doc))) return ok;
    isms_json_pool(ctx->pool, open);
    r = isms_res_problem(ctx->pool, 422, "unacknowledged-warnings", "Warnings not acknowledged",
                         "every finding of severity W needs an approver's acknowledgement "
                         "(POST .../acknowledgements) before approval");
    json_object_set(r.body, "findings", open);
    json_object_set(r.body, "unacknowledged", json_object_get(doc, "unacknowledged"));
    return r;
}

isms_result isms_wf_approve(isms_ctx *ctx, const json_t *review, const char *comment,
                            int *crossed)
{
    long long id = json_integer_value(json_object_get(review, "id"));
    long long version = json_integer_value(json_object_get(review, "version"));
    const char *key = isms_user_key(ctx->pool, ctx->user), *err = NULL, *refused;
    json_t *authors, *approvals;
    isms_sql *q;
    isms_db_status st;
    isms_result r = {0};

    if ((st = version_authors(ctx, review, &authors, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (isms_sod_violated(authors, key)) {
        return isms_res_problem(ctx->pool, 403, "separation-of-duties",
                                "Separation of duties", "nobody approves a version they "
                                "authored or submitted");
    }
    /* queue behind other approvals of this review: lock its row, still SUBMITTED */
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1");
    r = isms_wf_run_move(ctx, q, review, 0);
    if (r.status) return r;
    if ((st = isms_wf_approvals_of(ctx, id, version, &approvals, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if ((refused = isms_quorum_refused(ctx->pool, approvals, key, ctx->approvals))) {
        return isms_wf_conflict(ctx, refused);
    }
    if ((r = warnings_acknowledged(ctx, id)).status) return r;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "INSERT INTO approval (review_id, version, approver, approver_key, "
                        "comment, created_at) VALUES (%d, %d, %s, %s, %s, %s)", id, version,
                     ctx->user, key, comment, ctx->now);
    if ((st = isms_exec_sql(ctx, q, NULL, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    json_array_append_new(approvals, json_pack("{s:s,s:s,s:s?}", "approver", ctx->user,
                                               "approved_at", ctx->now, "comment", comment));
    *crossed = json_array_size(approvals) >= (size_t)ctx->approvals;
    return *crossed ? isms_wf_seal(ctx, review, approvals) : r;
}
