/* SPDX-License-Identifier: Apache-2.0 */
/* What approvers give findings: a waiver (an E finding that does not block submission, with
 * a justification) and an acknowledgement (a W finding seen before approval). Each is for
 * one finding: its rule and its subject. */
#include "isms_workflow.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_rules.h"
#include "isms_validate.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

static const isms_field waiver_fields[] = {
    {.name = "rule", .type = ISMS_F_STRING, .flags = ISMS_REQ, .max_chars = 10,
     .max_bytes = 10},
    {.name = "subject", .type = ISMS_F_STRING, .max_chars = 400, .max_bytes = 1200},
    {.name = "justification", .type = ISMS_F_TEXT, .flags = ISMS_REQ, .max_chars = 4000,
     .max_bytes = 12000},
    {.name = NULL}};
const isms_entity isms_entity_waiver = {"waiver", "", "", "", waiver_fields, NULL};

static const isms_field ack_fields[] = {
    {.name = "rule", .type = ISMS_F_STRING, .flags = ISMS_REQ, .max_chars = 10,
     .max_bytes = 10},
    {.name = "subject", .type = ISMS_F_STRING, .max_chars = 400, .max_bytes = 1200},
    {.name = "comment", .type = ISMS_F_TEXT, .max_chars = 4000, .max_bytes = 12000},
    {.name = NULL}};
const isms_entity isms_entity_acknowledgement = {"acknowledgement", "", "", "", ack_fields,
                                                 NULL};

/* How a waiver and an acknowledgement differ. */
typedef struct {
    const isms_entity *entity;
    const char *severity;       /* of the findings it is for */
    const char *given;          /* "waived" / "acknowledged" in a finding */
    const char *table, *text, *who;
    const char *what;           /* in messages */
} kind_t;

static const kind_t waiver_kind = {&isms_entity_waiver, "E", "waived", "waiver",
                                   "justification", "waived_by", "waiver"};
static const kind_t ack_kind = {&isms_entity_acknowledgement, "W", "acknowledged",
                                "finding_ack", "comment", "acknowledged_by", "acknowledgement"};

static int blank(const char *s)
{
    while (s && apr_isspace(*s)) s++;
    return !s || !*s;
}

static isms_result conflict(isms_ctx *ctx, const char *detail)
{
    return isms_res_problem(ctx->pool, 409, "illegal-transition", "Not allowed in this state",
                            detail);
}

/* The subject of the one open finding of this rule the request means: the subject it names,
 * or the only one there is. NULL with the error set otherwise (*given: the finding meant has
 * its waiver or acknowledgement already). */
static const char *resolve(const kind_t *k, const json_t *doc, const char *rule,
                           const char *subject, isms_verrors *errs, int *given)
{
    const json_t *f;
    const char *only = NULL;
    size_t i;
    int n = 0;

    *given = 0;
    json_array_foreach(json_object_get(doc, "findings"), i, f) {
        if (strcmp(isms_jstr(f, "rule"), rule) || strcmp(isms_jstr(f, "severity"), k->severity) ||
            (subject && strcmp(isms_jstr(f, "subject"), subject))) {
            continue;
        }
        if (json_is_true(json_object_get(f, k->given))) {
            ++*given;
            continue;
        }
        if (subject) return subject;
        only = isms_jstr(f, "subject");
        n++;
    }
    if (!n && *given) return NULL;
    *given = 0;
    if (!subject && n == 1) return only;
    if (!subject && n > 1) {
        isms_verr(errs, "subject", "required", "rule %s has %d open findings of severity %s: "
                  "name the finding's subject (as GET .../check shows it)", rule, n,
                  k->severity);
    }
    else {
        isms_verr(errs, subject ? "subject" : "rule", "no_finding", "the review has no open "
                  "finding of severity %s for this rule%s", k->severity,
                  subject ? " and subject" : "");
    }
    return NULL;
}

static int state_allows(const kind_t *k, const json_t *review)
{
    const char *st = isms_jstr(review, "status");

    return isms_review_editable(review) || (k == &ack_kind && !strcmp(st, "SUBMITTED"));
}

static isms_result give(isms_ctx *ctx, const kind_t *k, long long id, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *review, *v, *doc;
    const char *rule, *subject, *text, *err = NULL;
    isms_sql *q;
    isms_db_status st;
    isms_result r;
    int given = 0;

    if (!(ctx->roles & ISMS_R_APPROVER)) {
        return isms_res_problem(ctx->pool, 403, "forbidden", "Forbidden", apr_psprintf(
            ctx->pool, "a %s needs the approver role", k->what));
    }
    if (!(v = isms_validate(k->entity, in, ISMS_V_CREATE, NULL, NULL, &errs))) {
        return isms_res_invalid(ctx->pool, errs.list);
    }
    isms_json_pool(ctx->pool, v);
    rule = isms_jstr(v, "rule");
    text = blank(isms_jstr(v, k->text)) ? NULL : isms_jstr(v, k->text);
    if (k == &waiver_kind && !text) {
        isms_verr(&errs, "justification", "required", "a waiver needs a written justification");
        return isms_res_invalid(ctx->pool, errs.list);
    }
    /* lock the review's row before reading its status, as item writes do (isms_items.c) */
    if ((st = isms_touch_review(ctx, id, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if ((r = isms_load_review(ctx, id, &review)).status) return r;
    if (!state_allows(k, review)) {
        return conflict(ctx, k == &waiver_kind ? "findings are waived before the review is "
                        "submitted" : "warnings are acknowledged before the review is approved");
    }
    if ((r = isms_review_findings(ctx, id, &doc)).status != 200) return r;
    if (!(subject = resolve(k, doc, rule, isms_jstr(v, "subject"), &errs, &given))) {
        return given ? conflict(ctx, apr_psprintf(ctx->pool, "this finding already has its "
                                                  "%s", k->what))
                     : isms_res_invalid(ctx->pool, errs.list);
    }
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "INSERT INTO %k (review_id, version, rule_id, subject, %k, %k, "
                        "created_at) VALUES (%d, %d, %s, %s, %s, %s, %s)", k->table, k->text,
                     k->who, id, (long long)json_integer_value(json_object_get(review,
                                                                              "version")),
                     rule, subject, text, ctx->user, ctx->now);
    if ((st = isms_exec_sql(ctx, q, NULL, &err)) != ISMS_DB_OK) return isms_res_db(ctx->pool,
                                                                                 st, err);
    r = isms_review_check(ctx, id);
    if (r.status == 200) {
        r.status = 201;
        r.location = apr_psprintf(ctx->pool, "reviews/%" APR_INT64_T_FMT "/check",
                                  (apr_int64_t)id);
    }
    return r;
}

isms_result isms_waive(isms_ctx *ctx, long long id, const json_t *in)
{
    return give(ctx, &waiver_kind, id, in);
}

isms_result isms_acknowledge(isms_ctx *ctx, long long id, const json_t *in)
{
    return give(ctx, &ack_kind, id, in);
}
