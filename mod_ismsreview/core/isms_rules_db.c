/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check of a stored review: the record, its previous review, the actions
 * open from earlier reviews that input a leaves out (MR-05), the approvals so far with their
 * approvers' authority (MR-34, MR-36),
 * and the waivers and acknowledgements of this version. */
#include "isms_rules.h"
#include "isms_ops.h"
#include "isms_json.h"
#include "isms_people.h"
#include "isms_programme.h"

#include <apr_strings.h>
#include <string.h>

static isms_db_status given_of(isms_ctx *ctx, const char *table, const char *who,
                               const char *text, long long id, long long version, json_t **out,
                               const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT rule_id, subject, %k, %k, created_at FROM %k WHERE review_id = "
                        "%d AND version = %d ORDER BY id", text, who, table, id, version);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < rs->nrows; i++) {
        json_t *w = json_pack("{s:s,s:s?,s:s?,s:s?}", "rule_id", ISMS_ROW(rs, i, 0), text,
                              ISMS_ROW(rs, i, 2), who, ISMS_ROW(rs, i, 3),
                              !strcmp(table, "waiver") ? "waived_at" : "acknowledged_at",
                              ISMS_ROW(rs, i, 4));
        json_object_set_new(w, "subject", ISMS_ROW(rs, i, 1) ? json_string(ISMS_ROW(rs, i, 1))
                                                             : json_null());
        json_array_append_new(*out, w);
    }
    return ISMS_DB_OK;
}

isms_db_status isms_waivers_of(isms_ctx *ctx, long long id, long long version, json_t **out,
                               const char **err)
{
    return given_of(ctx, "waiver", "waived_by", "justification", id, version, out, err);
}

isms_db_status isms_acks_of(isms_ctx *ctx, long long id, long long version, json_t **out,
                            const char **err)
{
    return given_of(ctx, "finding_ack", "acknowledged_by", "comment", id, version, out, err);
}

/* MR-05: actions still open from an earlier review with no snapshot in this one. */
static isms_db_status missing_snapshots(isms_ctx *ctx, long long id, json_t **out,
                                        const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT a.ref FROM action a JOIN review r ON r.id = a.review_id WHERE "
                        "a.review_id < %d AND r.status <> 'CANCELLED' AND a.status NOT IN "
                        "('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') AND a.id NOT IN "
                        "(SELECT action_id FROM action_snapshot WHERE review_id = %d) "
                        "ORDER BY a.id", id, id);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = json_array();
    for (i = 0; i < rs->nrows; i++) json_array_append_new(*out, json_string(ISMS_ROW(rs, i, 0)));
    return ISMS_DB_OK;
}

/* The review as the rules read it: the record, plus what only the database knows. */
static isms_db_status rules_view(isms_ctx *ctx, json_t *review, const char **err)
{
    long long id = json_integer_value(json_object_get(review, "id"));
    json_t *list = NULL;
    isms_db_status st = ISMS_DB_OK;

    if (json_integer_value(json_object_get(review, "previous_review_id"))) {
        if ((st = missing_snapshots(ctx, id, &list, err)) != ISMS_DB_OK) return st;
        json_object_set_new(review, "_missing_snapshots", list);
    }
    /* the programme and the IMS catalogue (MR-02, MR-40, MR-41, MR-P1) */
    if ((st = isms_programme_rules_view(ctx, review, err)) != ISMS_DB_OK) return st;
    /* the approvals so far, each with its approver's authority (the people register) */
    return isms_people_approvals(ctx, review, err);
}

isms_result isms_review_findings(isms_ctx *ctx, long long id, json_t **doc)
{
    isms_result r = isms_review_get(ctx, id);
    json_t *prev = NULL, *waivers = NULL, *acks = NULL, *view;
    const char *err = NULL;
    long long prev_id, version;
    isms_db_status st;

    if (r.status != 200) return r;
    view = isms_json_pool(ctx->pool, json_deep_copy(r.body));
    prev_id = json_integer_value(json_object_get(r.body, "previous_review_id"));
    version = json_integer_value(json_object_get(r.body, "version"));
    st = prev_id ? isms_rec_get(ctx, &isms_entity_review, 0, prev_id, &prev, &err) : ISMS_DB_OK;
    isms_json_pool(ctx->pool, prev);
    if (st == ISMS_DB_OK) st = isms_waivers_of(ctx, id, version, &waivers, &err);
    if (st == ISMS_DB_OK) st = isms_acks_of(ctx, id, version, &acks, &err);
    if (st == ISMS_DB_OK) st = rules_view(ctx, view, &err);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    *doc = isms_json_pool(ctx->pool, isms_rules_run(ctx->pool, view, prev, waivers, acks,
                                                    ctx->today));
    json_object_set(*doc, "review_id", json_object_get(r.body, "id"));
    json_object_set(*doc, "version", json_object_get(r.body, "version"));
    json_object_set(*doc, "waivers", waivers);
    json_object_set(*doc, "acknowledgements", acks);
    return r;
}

isms_result isms_review_check(isms_ctx *ctx, long long id)
{
    json_t *doc;
    isms_result r = isms_review_findings(ctx, id, &doc);

    if (r.status != 200) return r;
    return isms_res_ok(ctx, 200, json_incref(doc), NULL, NULL);
}
