/* SPDX-License-Identifier: Apache-2.0 */
/* A previous review held outside the system (isms_prior.h): the declaration (prior_review),
 * its typed-in actions (prior_action), how the review and its input a show them. */
#include "isms_prior.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_record.h"
#include "isms_snapshots.h"
#include "isms_validate.h"

#include <apr_strings.h>
#include <string.h>

extern const char *const isms_action_states[];

#define MAX_PRIOR_ACTIONS 200

static const isms_field action_fields[] = {
    {.name = "ref", .type = ISMS_F_STRING, .flags = ISMS_REQ, .max_chars = 100,
     .max_bytes = 300},
    {.name = "title", .type = ISMS_F_STRING, .flags = ISMS_REQ, .max_chars = 200,
     .max_bytes = 600},
    {.name = "owner", .type = ISMS_F_USER, .flags = ISMS_REQ, .max_chars = 256,
     .max_bytes = 768},
    {.name = "due_date", .type = ISMS_F_DATE, .flags = ISMS_REQ},
    {.name = "status", .type = ISMS_F_ENUM, .flags = ISMS_REQ, .enums = isms_action_states,
     .labels = isms_action_states_labels},
    {.name = NULL}};
static const isms_field prior_fields[] = {
    {.name = "held_from", .type = ISMS_F_DATE, .flags = ISMS_REQ},
    {.name = "held_to", .type = ISMS_F_DATE},
    {.name = "reference", .type = ISMS_F_STRING, .flags = ISMS_REQ, .max_chars = 200,
     .max_bytes = 600},
    {.name = "evidence_ref", .type = ISMS_F_STRING, .max_chars = 500, .max_bytes = 1500},
    {.name = "evidence_attachment_id", .type = ISMS_F_INT, .min = 1, .max = 1e15},
    {.name = "period_to", .type = ISMS_F_DATE},
    {.name = "actions", .type = ISMS_F_LIST, .item_type = ISMS_F_OBJECT, .sub = action_fields,
     .max_items = MAX_PRIOR_ACTIONS},
    {.name = NULL}};
const isms_entity isms_entity_previous_external = {"previous_external", "", "prior_review",
                                                   "", prior_fields, NULL};

static int action_open(const char *status)
{
    return status && strcmp(status, "COMPLETED") && strcmp(status, "VERIFIED_EFFECTIVE") &&
           strcmp(status, "CANCELLED");
}

/* ---- the declaration ---- */

/* The evidence attachment is one of this review's own (attached to the review itself). */
static isms_db_status attachment_ok(isms_ctx *ctx, long long rid, const json_t *v, int *ok,
                                    const char **err)
{
    const json_t *att = json_object_get(v, "evidence_attachment_id");
    isms_sql *q;
    isms_rows *rs;
    isms_db_status st;

    *ok = 1;
    if (!json_is_integer(att)) return ISMS_DB_OK;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT COUNT(*) FROM attachment WHERE id = %d AND review_id = %d AND "
                        "item_kind = 'review'", (long long)json_integer_value(att), rid);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *ok = isms_ll(ISMS_ROW(rs, 0, 0)) == 1;
    return ISMS_DB_OK;
}

/* Dates in order and before this review; each typed-in ref once. */
static void check_prior(const json_t *review, const json_t *v, isms_verrors *errs)
{
    const char *from = isms_jstr(v, "held_from"), *to = isms_jstr(v, "held_to");
    const char *date = isms_review_date(review);
    const json_t *a, *b;
    size_t i, k;

    if (to && strcmp(to, from) < 0) {
        isms_verr(errs, "held_to", "date_order", "must not be before held_from");
    }
    if (date && strcmp(to ? to : from, date) >= 0) {
        isms_verr(errs, to ? "held_to" : "held_from", "date_order", "the previous review was "
                  "held before this one (%s)", date);
    }
    json_array_foreach(json_object_get(v, "actions"), i, a) {
        for (k = 0; k < i; k++) {
            b = json_array_get(json_object_get(v, "actions"), k);
            if (!strcmp(isms_jstr(a, "ref"), isms_jstr(b, "ref"))) {
                isms_verr(errs, "actions", "duplicate", "ref %s is typed in twice",
                          isms_jstr(a, "ref"));
                break;
            }
        }
    }
}

static isms_db_status exec(isms_ctx *ctx, isms_sql *q, const char **err)
{
    return isms_exec_sql(ctx, q, NULL, err);
}

static isms_db_status insert_prior(isms_ctx *ctx, long long rid, const json_t *v,
                                   const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const json_t *att = json_object_get(v, "evidence_attachment_id");

    isms_sql_appendf(q, "INSERT INTO prior_review (review_id, held_frm, held_to, reference, "
                        "evidence_ref, evidence_attachment_id, period_to, created_at, "
                        "created_by) VALUES (%d, %s, %s, %s, %s, ", rid,
                     isms_jstr(v, "held_from"), isms_jstr(v, "held_to"),
                     isms_jstr(v, "reference"), isms_jstr(v, "evidence_ref"));
    if (json_is_integer(att)) isms_sql_appendf(q, "%d", (long long)json_integer_value(att));
    else isms_sql_appendf(q, "NULL");
    isms_sql_appendf(q, ", %s, %s, %s)", isms_jstr(v, "period_to"), ctx->now, ctx->user);
    return exec(ctx, q, err);
}

/* One typed-in action; kept: the conclusion its line had under the same ref. */
static isms_db_status insert_action(isms_ctx *ctx, long long rid, long long seq,
                                    const json_t *a, const json_t *kept, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_int_t did = json_integer_value(json_object_get(kept, "replan_decision_id"));

    isms_sql_appendf(q, "INSERT INTO prior_action (review_id, seq, action_ref, title, owner, "
                        "due_date, status, conclusion, \"comment\", replan_decision_id) VALUES "
                        "(%d, %d, %s, %s, %s, %s, %s, %s, %s, ", rid, seq,
                     isms_jstr(a, "ref"), isms_jstr(a, "title"), isms_jstr(a, "owner"),
                     isms_jstr(a, "due_date"), isms_jstr(a, "status"),
                     isms_jstr(kept, "conclusion"), isms_jstr(kept, "comment"));
    if (did) isms_sql_appendf(q, "%d)", (long long)did);
    else isms_sql_appendf(q, "NULL)");
    return exec(ctx, q, err);
}

/* The conclusions of the lines now declared, by ref. */
static isms_db_status kept_conclusions(isms_ctx *ctx, long long rid, json_t **by_ref,
                                       const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *rows, *row;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, "SELECT action_ref, conclusion, \"comment\", replan_decision_id FROM "
                        "prior_action WHERE review_id = %d", rid);
    if ((st = isms_rows_json(ctx, q, &rows, err)) != ISMS_DB_OK) return st;
    *by_ref = isms_json_pool(ctx->pool, json_object());
    json_array_foreach(rows, i, row) {
        json_object_set(*by_ref, isms_jstr(row, "action_ref"), row);
    }
    json_decref(rows);
    return ISMS_DB_OK;
}

static isms_db_status clear(isms_ctx *ctx, long long rid, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_db_status st;

    isms_sql_appendf(q, "DELETE FROM prior_action WHERE review_id = %d", rid);
    if ((st = exec(ctx, q, err)) != ISMS_DB_OK) return st;
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "DELETE FROM prior_review WHERE review_id = %d", rid);
    return exec(ctx, q, err);
}

static isms_db_status store(isms_ctx *ctx, long long rid, const json_t *v, const char **err)
{
    json_t *kept = NULL;
    const json_t *a;
    size_t i;
    isms_db_status st = kept_conclusions(ctx, rid, &kept, err);

    if (st == ISMS_DB_OK) st = clear(ctx, rid, err);
    if (st == ISMS_DB_OK) st = insert_prior(ctx, rid, v, err);
    json_array_foreach(json_object_get(v, "actions"), i, a) {
        if (st != ISMS_DB_OK) break;
        st = insert_action(ctx, rid, (long long)i + 1, a,
                           json_object_get(kept, isms_jstr(a, "ref")), err);
    }
    return st;
}

/* The first review has no input a (nothing was carried over): the declaration generates one,
 * whose lines are the typed-in actions. */
static isms_db_status ensure_input_a(isms_ctx *ctx, const json_t *review, const json_t *v,
                                     const char **err)
{
    long long rid = json_integer_value(json_object_get(review, "id")), input_id;
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    const char *on = isms_review_date(review);
    const json_t *a;
    isms_rows *rs;
    isms_db_status st;
    int open = 0, overdue = 0;
    size_t i;

    isms_sql_appendf(q, "SELECT COUNT(*) FROM input_item WHERE review_id = %d AND category = "
                        "'A_PREV_ACTIONS'", rid);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK || isms_ll(ISMS_ROW(rs, 0, 0))) {
        return st;
    }
    json_array_foreach(json_object_get(v, "actions"), i, a) {
        if (!action_open(isms_jstr(a, "status"))) continue;
        open++;
        overdue += on && isms_days_between(isms_jstr(a, "due_date"), on) > 0;
    }
    return isms_input_a_insert(ctx, review, open, overdue, &input_id, err);
}

static isms_result has_previous(isms_ctx *ctx, const json_t *review)
{
    return isms_res_problem(ctx->pool, 409, "has-previous-review", "Previous review in the "
                            "system", apr_psprintf(ctx->pool, "this review follows review %"
                            APR_INT64_T_FMT " in the system: a previous review held outside "
                            "it is declared only for the first review in the system",
                            (apr_int64_t)json_integer_value(json_object_get(review,
                                                                            "previous_review_id"))));
}

isms_result isms_prior_put(isms_ctx *ctx, long long rid, const json_t *in,
                           const char *if_match)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *v, *review;
    const char *err = NULL;
    isms_db_status st;
    int att_ok;
    isms_result r;

    if (!(v = isms_validate(&isms_entity_previous_external, in, ISMS_V_CREATE, NULL, NULL, &errs))) {
        return isms_res_invalid(ctx->pool, errs.list);
    }
    isms_json_pool(ctx->pool, v);
    r = isms_review_line_write(ctx, rid, if_match, "a previous review is declared");
    if (r.status || (r = isms_load_review(ctx, rid, &review)).status) return r;
    if (json_integer_value(json_object_get(review, "previous_review_id"))) {
        return has_previous(ctx, review);
    }
    check_prior(review, v, &errs);
    if ((st = attachment_ok(ctx, rid, v, &att_ok, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (!att_ok) {
        isms_verr(&errs, "evidence_attachment_id", "invalid_reference", "is not an attachment "
                  "of this review (attached to the review itself)");
    }
    if (json_array_size(errs.list)) return isms_res_invalid(ctx->pool, errs.list);
    if ((st = store(ctx, rid, v, &err)) != ISMS_DB_OK ||
        (st = ensure_input_a(ctx, review, v, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return isms_review_get(ctx, rid);
}

isms_result isms_prior_delete(isms_ctx *ctx, long long rid, const char *if_match)
{
    const char *err = NULL;
    isms_db_status st;
    isms_result r = isms_review_line_write(ctx, rid, if_match, "a previous review is removed");

    if (r.status) return r;
    if ((st = clear(ctx, rid, &err)) != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    return isms_review_get(ctx, rid);
}

/* ---- how the review shows it ---- */

isms_db_status isms_prior_embed(isms_ctx *ctx, json_t *review, const char **err)
{
    long long rid = json_integer_value(json_object_get(review, "id"));
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *rows, *prior, *actions;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT held_frm, held_to, reference, evidence_ref, "
                        "evidence_attachment_id, period_to, created_at, created_by FROM "
                        "prior_review WHERE review_id = %d", rid);
    if ((st = isms_rows_json(ctx, q, &rows, err)) != ISMS_DB_OK) return st;
    isms_json_pool(ctx->pool, rows);
    if (!json_array_size(rows)) return ISMS_DB_OK;
    prior = json_array_get(rows, 0);
    if (json_is_string(json_object_get(prior, "evidence_attachment_id"))) {
        json_object_set_new(prior, "evidence_attachment_id", json_integer(isms_ll(
            isms_jstr(prior, "evidence_attachment_id"))));
    }
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "SELECT action_ref AS ref, title, owner, due_date, status FROM "
                        "prior_action WHERE review_id = %d ORDER BY seq", rid);
    if ((st = isms_rows_json(ctx, q, &actions, err)) != ISMS_DB_OK) return st;
    json_object_set_new(prior, "actions", actions);
    json_object_set(review, "previous_external", prior);
    return ISMS_DB_OK;
}

/* One typed-in action as a line of input a, in the form of a carried-over one. */
static json_t *line_json(const isms_rows *rs, int i, const char *on)
{
    const char *status = ISMS_ROW(rs, i, 4), *due = ISMS_ROW(rs, i, 5);
    long late = action_open(status) && on ? isms_days_between(due, on) : 0;
    json_t *l = json_pack("{s:I,s:b,s:s,s:s,s:s,s:s,s:s,s:I,s:i}", "prior_action_id",
                          (json_int_t)isms_ll(ISMS_ROW(rs, i, 0)), "external", 1,
                          "action_ref", ISMS_ROW(rs, i, 1), "title", ISMS_ROW(rs, i, 2),
                          "owner", ISMS_ROW(rs, i, 3), "status_at_review", status,
                          "due_date_at_review", due, "days_overdue",
                          (json_int_t)(late > 0 ? late : 0), "carry_over_count", 1);

    json_object_set_new(l, "replan_decision_id", ISMS_ROW(rs, i, 6)
                        ? json_integer(isms_ll(ISMS_ROW(rs, i, 6))) : json_null());
    if (ISMS_ROW(rs, i, 7)) json_object_set_new(l, "conclusion", json_string(ISMS_ROW(rs, i, 7)));
    if (ISMS_ROW(rs, i, 8)) {
        json_object_set_new(l, "conclusion_note", json_string(ISMS_ROW(rs, i, 8)));
    }
    return l;
}

isms_db_status isms_prior_lines(isms_ctx *ctx, const json_t *input, json_t *lines,
                                const char **err)
{
    long long id = json_integer_value(json_object_get(input, "id"));
    long long rid = json_integer_value(json_object_get(input, "review_id"));
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *review;
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT p.id, p.action_ref, p.title, p.owner, p.status, p.due_date, "
                        "p.replan_decision_id, p.conclusion, p.\"comment\", r.held_frm, "
                        "r.held_to, r.planned_date FROM prior_action p JOIN review r ON r.id = "
                        "p.review_id WHERE p.review_id = %d AND %d = (SELECT MIN(id) FROM "
                        "input_item WHERE review_id = %d AND category = 'A_PREV_ACTIONS') "
                        "ORDER BY p.seq", rid, id, rid);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK || !rs->nrows) return st;
    review = isms_json_pool(ctx->pool, json_pack("{s:s?,s:s?,s:s?}", "held_from",
                                                 ISMS_ROW(rs, 0, 9), "held_to",
                                                 ISMS_ROW(rs, 0, 10), "planned_date",
                                                 ISMS_ROW(rs, 0, 11)));
    for (i = 0; i < rs->nrows; i++) {
        json_array_append_new(lines, line_json(rs, i, isms_review_date(review)));
    }
    return ISMS_DB_OK;
}
