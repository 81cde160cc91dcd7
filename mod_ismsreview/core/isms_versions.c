/* SPDX-License-Identifier: Apache-2.0 */
/* The history of a review (GET v1/reviews/{id}/history: transitions, approvals, waivers,
 * acknowledgements, sealed versions re-hashed against the audit trail) and its sealed
 * versions as approved (GET v1/reviews/{id}?version=n). */
#include "isms_workflow_int.h"
#include "isms_canon.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

/* The content hash each approval put on record in the audit trail, by version: a sealed
 * copy whose content and hash were both rewritten no longer matches it. */
static isms_db_status audited_hashes(isms_ctx *ctx, long long id, json_t **out,
                                     const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT after_state FROM audit_event WHERE review_id = %d AND action = "
                        "'approve' AND status = 200 ORDER BY seq", id);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_object());
    for (i = 0; i < rs->nrows; i++) {
        json_t *after = ISMS_ROW(rs, i, 0) ? json_loads(ISMS_ROW(rs, i, 0), 0, NULL) : NULL;
        const char *h = isms_jstr(after, "content_hash");
        if (h && isms_jstr(after, "status") && !strcmp(isms_jstr(after, "status"), "APPROVED")) {
            json_object_set_new(*out, apr_psprintf(ctx->pool, "%" APR_INT64_T_FMT,
                                (apr_int64_t)json_integer_value(json_object_get(after,
                                                                                "version"))),
                                json_string(h));
        }
        json_decref(after);
    }
    return ISMS_DB_OK;
}

/* The sealed versions, each re-hashed and compared with the hash on record in the audit
 * trail ("intact"); live_matches_seal (isms_review_history) compares the live rows. */
static isms_db_status versions_of(isms_ctx *ctx, long long id, json_t **out, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    json_t *audited;

    if ((st = audited_hashes(ctx, id, &audited, err)) != ISMS_DB_OK) return st;
    isms_sql_appendf(q, "SELECT version, status, content_hash, approved_at, approved_by, "
                        "content FROM review_version WHERE review_id = %d ORDER BY version", id);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = json_array();
    for (i = 0; i < rs->nrows; i++) {
        const char *content = ISMS_ROW(rs, i, 5), *stored = ISMS_ROW(rs, i, 2);
        const char *h = isms_sha256_hex(ctx->pool, content, strlen(content), NULL, 0);
        const char *on_record = isms_jstr(audited, ISMS_ROW(rs, i, 0));
        int anchored = on_record && !strcmp(on_record, stored);
        json_array_append_new(*out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:b}", "version",
            (json_int_t)atoll(ISMS_ROW(rs, i, 0)), "status", ISMS_ROW(rs, i, 1),
            "content_hash", stored, "approved_at", ISMS_ROW(rs, i, 3),
            "approved_by", ISMS_ROW(rs, i, 4), "intact", !strcmp(h, stored) && anchored,
            "hash_in_audit_trail", anchored));
    }
    return ISMS_DB_OK;
}

isms_result isms_review_history(isms_ctx *ctx, long long id)
{
    json_t *review, *out, *list;
    const char *err = NULL;
    isms_db_status st;
    isms_sql *q;
    int live;
    isms_result r = isms_load_review(ctx, id, &review);

    if (r.status) return r;
    out = json_object();
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT version, action, prior_status, to_status, actor, comment, "
                        "created_at FROM workflow_transition WHERE review_id = %d ORDER BY id",
                     id);
    if ((st = isms_rows_json(ctx, q, &list, &err)) == ISMS_DB_OK) {
        json_object_set_new(out, "transitions", list);
        q = isms_sql_new(ctx->pool, ctx->conn);
        isms_sql_appendf(q, "SELECT version, approver, comment, created_at FROM approval WHERE "
                            "review_id = %d ORDER BY id", id);
        st = isms_rows_json(ctx, q, &list, &err);
    }
    if (st == ISMS_DB_OK) {
        json_object_set_new(out, "approvals", list);
        q = isms_sql_new(ctx->pool, ctx->conn);
        isms_sql_appendf(q, "SELECT version, rule_id, subject, justification, waived_by, "
                            "created_at FROM waiver WHERE review_id = %d ORDER BY id", id);
        st = isms_rows_json(ctx, q, &list, &err);
    }
    if (st == ISMS_DB_OK) {
        json_object_set_new(out, "waivers", list);
        q = isms_sql_new(ctx->pool, ctx->conn);
        isms_sql_appendf(q, "SELECT version, rule_id, subject, comment, acknowledged_by, "
                            "created_at FROM finding_ack WHERE review_id = %d ORDER BY id", id);
        st = isms_rows_json(ctx, q, &list, &err);
    }
    if (st == ISMS_DB_OK) {
        json_object_set_new(out, "acknowledgements", list);
        st = versions_of(ctx, id, &list, &err);
    }
    if (st != ISMS_DB_OK) {
        json_decref(out);
        return isms_res_db(ctx->pool, st, err);
    }
    json_object_set_new(out, "versions", list);
    json_object_set(out, "review_id", json_object_get(review, "id"));
    json_object_set(out, "current_version", json_object_get(review, "version"));
    json_object_set(out, "status", json_object_get(review, "status"));
    /* the quorum of this location (ISMSReviewApprovals), for "1 of 2 approvals" */
    if (ctx->approvals > 0) {
        json_object_set_new(out, "approvals_required", json_integer(ctx->approvals));
    }
    live = isms_wf_live_matches_seal(ctx, id, review);
    json_object_set_new(out, "live_matches_seal", live < 0 ? json_null() : json_boolean(live));
    return isms_res_ok(ctx, 200, out, NULL, NULL);
}

/* A sealed version as it was approved, with its hash: nothing in it ever changes (its
 * status, APPROVED -> PUBLISHED -> SUPERSEDED, is the review's; isms_review_version_status). */
isms_result isms_review_version_get(isms_ctx *ctx, long long id, long long version)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    const char *err = NULL;
    isms_db_status st;
    json_t *content;

    isms_sql_appendf(q, "SELECT content, content_hash FROM review_version WHERE "
                        "review_id = %d AND version = %d", id, version);
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (rs->nrows != 1) return isms_res_not_found(ctx, "sealed version of this review");
    content = json_loads(ISMS_ROW(rs, 0, 0), 0, NULL);
    if (!content) return isms_res_db(ctx->pool, ISMS_DB_ERROR, "sealed content unreadable");
    json_object_set_new(content, "content_hash", json_string(ISMS_ROW(rs, 0, 1)));
    json_object_set_new(content, "sealed", json_true());
    return isms_res_ok(ctx, 200, content, apr_psprintf(ctx->pool, "\"sha256-%s\"",
                                                      ISMS_ROW(rs, 0, 1)), NULL);
}

isms_db_status isms_review_version_status(isms_ctx *ctx, long long id, long long version,
                                          const char **status, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT status FROM review_version WHERE review_id = %d AND "
                        "version = %d", id, version);
    *status = NULL;
    if ((st = isms_query_sql(ctx, q, &rs, err)) == ISMS_DB_OK && rs->nrows == 1) {
        *status = ISMS_ROW(rs, 0, 0);
    }
    return st;
}
