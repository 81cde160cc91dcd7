/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_workflow.h"
#include "isms_userkey.h"
#include "isms_attach.h"
#include "isms_canon.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_rules.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *action;
    int role;
    const char *from[3];
    const char *to;
    int need_comment;
} transition;

static const transition transitions[] = {
    {"submit", ISMS_R_AUTHOR, {"DRAFT", "RETURNED", NULL}, "SUBMITTED", 0},
    {"return", ISMS_R_APPROVER, {"SUBMITTED", NULL, NULL}, "RETURNED", 1},
    {"approve", ISMS_R_APPROVER, {"SUBMITTED", NULL, NULL}, "APPROVED", 0},
    {"publish", ISMS_R_AUTHOR, {"APPROVED", NULL, NULL}, "PUBLISHED", 0},
    {"cancel", ISMS_R_AUTHOR, {"PLANNED", "DRAFT", "RETURNED"}, "CANCELLED", 1},
    {"amend", ISMS_R_AUTHOR, {"APPROVED", "PUBLISHED", NULL}, "DRAFT", 1},
};

static const isms_field comment_fields[] = {
    {.name = "comment", .type = ISMS_F_TEXT, .max_chars = 4000, .max_bytes = 12000},
    {.name = NULL}};
const isms_entity isms_entity_transition = {"transition", "", "", "", comment_fields, NULL};

static int blank(const char *s)
{
    while (s && apr_isspace(*s)) s++;
    return !s || !*s;
}

static const transition *find_transition(const char *action)
{
    size_t i;

    for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
        if (strcmp(transitions[i].action, action) == 0) return &transitions[i];
    }
    return NULL;
}

int isms_workflow_action_known(const char *action)
{
    return find_transition(action) != NULL;
}

const char *isms_workflow_action_at(int i, const char **to_status)
{
    if (i < 0 || (size_t)i >= sizeof(transitions) / sizeof(transitions[0])) return NULL;
    if (to_status) *to_status = transitions[i].to;
    return transitions[i].action;
}

static int from_ok(const transition *t, const char *status)
{
    int i;

    for (i = 0; i < 3 && t->from[i]; i++) {
        if (strcmp(t->from[i], status) == 0) return 1;
    }
    return 0;
}

static isms_result conflict(isms_ctx *ctx, const char *detail)
{
    return isms_res_problem(ctx->pool, 409, "illegal-transition", "Not allowed in this state",
                            detail);
}

static isms_db_status exec_fmt(isms_ctx *ctx, isms_sql *q, long long *affected,
                               const char **err)
{
    return isms_exec_sql(ctx, q, affected, err);
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
    return exec_fmt(ctx, q, NULL, err);
}

/* The conditional state change: "UPDATE review SET <set> WHERE id AND status = <current>"
 * (and the row version read, except for approvals, which queue behind each other): exactly
 * one request moves a review out of a state. */
static isms_sql *move_sql(isms_ctx *ctx, const char *to)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1, updated_at = %s, "
                        "updated_by = %s, status = %s", ctx->now, ctx->user, to);
    return q;
}

static isms_result run_move(isms_ctx *ctx, isms_sql *q, const json_t *review, int check_version)
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
        return conflict(ctx, "the review changed state while this request ran; reload it");
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
    if (json_integer_value(json_object_get(doc, "blocking")) > 0) {
        r = isms_res_problem(ctx->pool, 422, "incomplete", "Completeness check failed",
                             "the review has findings of severity E that are not waived");
        json_object_set(r.body, "findings", json_object_get(doc, "findings"));
        json_object_set(r.body, "blocking", json_object_get(doc, "blocking"));
        return r;
    }
    q = move_sql(ctx, "SUBMITTED");
    isms_sql_appendf(q, ", submitted_at = %s, submitted_by = %s", ctx->now, ctx->user);
    return run_move(ctx, q, review, 1);
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
    return run_move(ctx, move_sql(ctx, "RETURNED"), review, 1);
}

static isms_result do_cancel(isms_ctx *ctx, const json_t *review)
{
    if (json_integer_value(json_object_get(review, "version")) > 1) {
        return conflict(ctx, "an amendment cannot be cancelled: version 1 or later was approved "
                        "and stays the record; finish the amendment or submit it unchanged");
    }
    isms_result r = run_move(ctx, move_sql(ctx, "CANCELLED"), review, 1);
    const char *err = NULL;
    isms_db_status st;

    if (r.status) return r;
    /* the actions this review carried over no longer count it */
    st = isms_touch_carried(ctx, json_integer_value(json_object_get(review, "id")), &err);
    return st == ISMS_DB_OK ? r : isms_res_db(ctx->pool, st, err);
}

static isms_result do_publish(isms_ctx *ctx, const json_t *review)
{
    isms_result r = run_move(ctx, move_sql(ctx, "PUBLISHED"), review, 1);
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
    isms_sql *q = move_sql(ctx, "DRAFT");

    isms_sql_appendf(q, ", version = version + 1, version_reason = %s, content_hash = NULL, "
                        "approved_at = NULL, approved_by = NULL, submitted_at = NULL, "
                        "submitted_by = NULL", reason);
    return run_move(ctx, q, review, 1);
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

static isms_db_status approvals_of(isms_ctx *ctx, long long id, long long version,
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

static int listed(const json_t *keys, const char *key)
{
    const json_t *k;
    size_t i;

    json_array_foreach(keys, i, k) {
        if (strcmp(json_string_value(k), key) == 0) return 1;
    }
    return 0;
}

static const char *const content_volatile[] = {"etag", "status", "updated_at", "updated_by",
                                               "content_hash", "_row_version", NULL};

static void strip_item(const isms_entity *e, json_t *item)
{
    const char *key;
    json_t *v;
    void *tmp;

    json_object_foreach_safe(item, tmp, key, v) {
        const isms_field *f = isms_entity_field(e, key);
        int keep = (f && isms_field_sealed(e, f)) || strcmp(key, "review_id") == 0;
        if (f && (f->flags & ISMS_ADDED) && json_is_null(v)) keep = 0;
        if (!keep) {
            json_object_del(item, key);
        }
    }
}

json_t *isms_seal_content(const json_t *review, const json_t *approvals)
{
    json_t *c = json_deep_copy(review);
    int i, k;
    size_t n;

    for (k = 0; content_volatile[k]; k++) json_object_del(c, content_volatile[k]);
    for (i = 0; isms_item_entities[i]; i++) {
        json_t *list = json_object_get(c, isms_item_entities[i]->collection);
        for (n = 0; n < json_array_size(list); n++) {
            strip_item(isms_item_entities[i], json_array_get(list, n));
        }
    }
    json_object_set(c, "approvals", (json_t *)approvals);
    return c;
}

/* Seals the version: canonical JSON + SHA-256 into review_version; the review row gets the
 * hash and the approval; an older sealed version becomes SUPERSEDED. */
static isms_result seal(isms_ctx *ctx, const json_t *review, const json_t *approvals)
{
    long long id = json_integer_value(json_object_get(review, "id"));
    long long version = json_integer_value(json_object_get(review, "version"));
    isms_result full = isms_review_get(ctx, id);
    json_t *content;
    const char *canon, *hash, *err = NULL;
    size_t len;
    isms_sql *q;
    isms_db_status st;

    if (full.status != 200) return full;
    json_object_set_new(full.body, "approved_at", json_string(ctx->now));
    json_object_set_new(full.body, "approved_by", json_string(ctx->user));
    content = isms_json_pool(ctx->pool, isms_seal_content(full.body, approvals));
    if ((st = isms_attach_seal_into(ctx, id, content, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    canon = isms_canon(ctx->pool, content, &len);
    hash = isms_sha256_hex(ctx->pool, canon, len, NULL, 0);
    q = move_sql(ctx, "APPROVED");
    isms_sql_appendf(q, ", approved_at = %s, approved_by = %s, content_hash = %s", ctx->now,
                     ctx->user, hash);
    full = run_move(ctx, q, review, 0);
    if (full.status) return full;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "INSERT INTO review_version (review_id, version, status, content, "
                        "content_hash, approved_at, approved_by) VALUES (%d, %d, 'APPROVED', %s, "
                        "%s, %s, %s)", id, version, canon, hash, ctx->now, ctx->user);
    st = isms_exec_sql(ctx, q, NULL, &err);
    if (st == ISMS_DB_OK) {
        q = isms_sql_new(ctx->pool, ctx->conn);
        isms_sql_appendf(q, "UPDATE review_version SET status = 'SUPERSEDED' WHERE review_id = "
                            "%d AND version < %d AND status <> 'SUPERSEDED'", id, version);
        st = isms_exec_sql(ctx, q, NULL, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return full;
}

/* Approval needs every W finding acknowledged by an approver (domain-model.md §C); the
 * 422 lists the ones that are not. */
static isms_result warnings_acknowledged(isms_ctx *ctx, long long id)
{
    json_t *doc, *open = isms_json_pool(ctx->pool, json_array());
    const json_t *f;
    size_t i;
    isms_result r = isms_review_findings(ctx, id, &doc), ok = {0};

    if (r.status != 200) return r;
    if (json_integer_value(json_object_get(doc, "unacknowledged")) == 0) return ok;
    json_array_foreach(json_object_get(doc, "findings"), i, f) {
        if (!strcmp(isms_jstr(f, "severity"), "W") &&
            !json_is_true(json_object_get(f, "acknowledged"))) {
            json_array_append(open, (json_t *)f);
        }
    }
    r = isms_res_problem(ctx->pool, 422, "unacknowledged-warnings", "Warnings not acknowledged",
                         "every finding of severity W needs an approver's acknowledgement "
                         "(POST .../acknowledgements) before approval");
    json_object_set(r.body, "findings", open);
    json_object_set(r.body, "unacknowledged", json_object_get(doc, "unacknowledged"));
    return r;
}

static isms_result do_approve(isms_ctx *ctx, const json_t *review, const char *comment,
                              int *crossed)
{
    long long id = json_integer_value(json_object_get(review, "id"));
    long long version = json_integer_value(json_object_get(review, "version"));
    const char *key = isms_user_key(ctx->pool, ctx->user), *err = NULL;
    json_t *authors, *approvals;
    isms_sql *q;
    isms_db_status st;
    isms_result r = {0};

    if ((st = version_authors(ctx, review, &authors, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (listed(authors, key)) {
        return isms_res_problem(ctx->pool, 403, "separation-of-duties",
                                "Separation of duties", "nobody approves a version they "
                                "authored or submitted");
    }
    /* queue behind other approvals of this review: lock its row, still SUBMITTED */
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "UPDATE review SET row_version = row_version + 1");
    r = run_move(ctx, q, review, 0);
    if (r.status) return r;
    if ((st = approvals_of(ctx, id, version, &approvals, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (listed(authors, key) || json_array_size(approvals) >= (size_t)ctx->approvals) {
        return conflict(ctx, "the review is already approved");
    }
    {
        size_t i;
        for (i = 0; i < json_array_size(approvals); i++) {
            if (!strcmp(isms_user_key(ctx->pool, isms_jstr(json_array_get(approvals, i), "approver")),
                        key)) {
                return conflict(ctx, "you have already approved this version; a second "
                                     "approval by the same person does not count");
            }
        }
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
    return *crossed ? seal(ctx, review, approvals) : r;
}

static isms_result body_comment(isms_ctx *ctx, const transition *t, const json_t *in,
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

static isms_result dispatch(isms_ctx *ctx, const transition *t, const json_t *review,
                            const char *comment, int *moved)
{
    *moved = 1;
    if (!strcmp(t->action, "submit")) return do_submit(ctx, review);
    if (!strcmp(t->action, "return")) return do_return(ctx, review);
    if (!strcmp(t->action, "publish")) return do_publish(ctx, review);
    if (!strcmp(t->action, "cancel")) return do_cancel(ctx, review);
    if (!strcmp(t->action, "amend")) return do_amend(ctx, review, comment);
    *moved = 0;
    return do_approve(ctx, review, comment, moved);
}

isms_result isms_workflow(isms_ctx *ctx, long long id, const char *action, const json_t *in,
                          const char *if_match)
{
    const transition *t = find_transition(action);
    const char *comment = NULL, *err = NULL;
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
    if (!from_ok(t, isms_jstr(review, "status"))) {
        return conflict(ctx, apr_psprintf(ctx->pool, "a %s review cannot be %s", isms_jstr(review,
                        "status"), !strcmp(action, "submit") ? "submitted" : !strcmp(action,
                        "return") ? "returned" : !strcmp(action, "approve") ? "approved" :
                        !strcmp(action, "publish") ? "published" : !strcmp(action, "cancel")
                        ? "cancelled" : "amended"));
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

static int live_matches_seal(isms_ctx *ctx, long long id, const json_t *review)
{
    json_t *approvals, *content;
    isms_result full;
    const char *canon, *err = NULL;
    size_t len;

    if (!isms_jstr(review, "content_hash")) return -1;
    full = isms_review_get(ctx, id);
    if (full.status != 200 ||
        approvals_of(ctx, id, json_integer_value(json_object_get(review, "version")),
                     &approvals, &err) != ISMS_DB_OK) {
        return 0;
    }
    content = isms_json_pool(ctx->pool, isms_seal_content(full.body, approvals));
    if (isms_attach_seal_into(ctx, id, content, &err) != ISMS_DB_OK) return 0;
    canon = isms_canon(ctx->pool, content, &len);
    return !strcmp(isms_sha256_hex(ctx->pool, canon, len, NULL, 0), isms_jstr(review,
                                                                           "content_hash"));
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
    live = live_matches_seal(ctx, id, review);
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
