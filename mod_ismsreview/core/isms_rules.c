/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_rules.h"
#include "isms_ops.h"
#include "isms_json.h"
#include "isms_people.h"

#include <apr_strings.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    apr_pool_t *p;
    json_t *findings;
    const json_t *review, *previous, *waivers;
    const char *today;
    int in_scope_14001, in_scope_9001, in_scope_22301, in_scope_45001;
} ctx_t;

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int empty(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);

    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static const json_t *waiver_for(const ctx_t *c, const char *rule)
{
    size_t i;

    for (i = 0; i < json_array_size(c->waivers); i++) {
        const json_t *w = json_array_get(c->waivers, i);
        if (strcmp(jstr(w, "rule_id"), rule) == 0) return w;
    }
    return NULL;
}

static void finding(ctx_t *c, const char *rule, const char *clause, char sev,
                    const char *entity, const json_t *item, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void finding(ctx_t *c, const char *rule, const char *clause, char sev,
                    const char *entity, const json_t *item, const char *field,
                    const char *fmt, ...)
{
    json_t *f = json_object();
    const json_t *w = waiver_for(c, rule);
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_set_new(f, "rule", json_string(rule));
    json_object_set_new(f, "clause", json_string(clause));
    json_object_set_new(f, "severity", json_string(sev == 'E' ? "E" : "W"));
    json_object_set_new(f, "message", json_string(msg));
    json_object_set_new(f, "entity", json_string(entity));
    json_object_set(f, "entity_id", item ? json_object_get(item, "id") : json_null());
    json_object_set(f, "entity_ref", item ? json_object_get(item, "ref") : json_null());
    json_object_set_new(f, "field", field ? json_string(field) : json_null());
    json_object_set_new(f, "waived", json_boolean(w != NULL));
    json_object_set(f, "waiver", w ? (json_t *)w : json_null());
    json_array_append_new(c->findings, f);
}

static const json_t *items(const ctx_t *c, const char *coll)
{
    return json_object_get(c->review, coll);
}

static int has_input(const ctx_t *c, const char *cat)
{
    const json_t *in;
    size_t i;

    json_array_foreach(items(c, "inputs"), i, in) {
        if (strcmp(jstr(in, "category"), cat) == 0) return 1;
    }
    return 0;
}

/* Top management as the record has it: the server's snapshot from the people register;
 * attendees written before the register existed have none, and then the author's flag. */
static int attendee_tm(const json_t *a)
{
    const json_t *snap = json_object_get(a, "is_top_management_snapshot");

    if (snap && !json_is_null(snap)) return json_is_true(snap);
    return json_is_true(json_object_get(a, "is_top_management"));
}

/* Took part: present, remote, in writing, or as a delegate (who counts only by being top
 * management too: the snapshot is the delegate's own). */
static int took_part(const json_t *a)
{
    const char *att = jstr(a, "attendance");

    return att && (!strcmp(att, "PRESENT") || !strcmp(att, "REMOTE") ||
                   !strcmp(att, "WRITTEN_CONTRIBUTION") || !strcmp(att, "DELEGATE"));
}

static int tm_took_part(const ctx_t *c)
{
    const json_t *a;
    size_t i;

    json_array_foreach(items(c, "attendees"), i, a) {
        if (attendee_tm(a) && took_part(a)) return 1;
    }
    return 0;
}

/* MR-01: top management took part, and the chair (if named) is top management. */
static void rule_top_management(ctx_t *c)
{
    const json_t *a;
    const char *chair = jstr(c->review, "chair");
    size_t i;
    int chair_tm = chair ? 0 : 1;

    json_array_foreach(items(c, "attendees"), i, a) {
        if (chair && jstr(a, "person") && !strcmp(jstr(a, "person"), chair) &&
            attendee_tm(a)) chair_tm = 1;
    }
    if (!tm_took_part(c)) {
        finding(c, "MR-01", "9.3.1 / 5.1", 'E', "attendee", NULL, "is_top_management",
                "no member of top management took part (present, remote or in writing)");
    }
    if (!chair_tm) {
        finding(c, "MR-01", "9.3.1 / 5.1", 'E', "review", c->review, "chair",
                "the chair is not listed as a top-management attendee");
    }
}

/* MR-34, approval by an authorized person (5.1, 7.5.2): every approval on record is by
 * top management on the day it was given (the people register; not evaluated while the
 * register is not in use), and an approver who did not attend approves only a record that
 * shows top management present. Approvals as isms_people_approvals gives them. */
static void rule_approver_authority(ctx_t *c)
{
    const json_t *a;
    size_t i;
    int tm_present = tm_took_part(c);

    json_array_foreach(json_object_get(c->review, "approvals"), i, a) {
        const json_t *tm = json_object_get(a, "approver_top_management");
        if (json_is_false(tm)) {
            finding(c, "MR-34", "9.3.3 / 7.5.2", 'E', "review", c->review, "approved_by",
                    "approver %s was not top management on %.10s (people register)",
                    jstr(a, "approver"), jstr(a, "approved_at"));
        }
        if (!tm_present && json_is_false(json_object_get(a, "approver_attended"))) {
            finding(c, "MR-34", "9.3.3 / 7.5.2", 'E', "review", c->review, "approved_by",
                    "approver %s did not attend, and the record shows no top manager present",
                    jstr(a, "approver"));
        }
    }
}

static long months_between(const char *a, const char *b)
{
    return isms_days_between(a, b) / 30;
}

/* MR-02 / MR-03: the interval since the previous review. */
static void rule_interval(ctx_t *c)
{
    const char *prev = c->previous ? jstr(c->previous, "held_from") : NULL;
    const char *held = jstr(c->review, "held_from");
    json_int_t interval = json_integer_value(json_object_get(c->review,
                                                             "planned_interval_months"));

    if (!prev || !held) return;
    if (isms_days_between(prev, held) > interval * 31 + 30) {
        finding(c, "MR-02", "9.3.1", 'E', "review", c->review, "held_from",
                "held %ld days after the previous review; the planned interval is %d months",
                isms_days_between(prev, held), (int)interval);
    }
    if (months_between(prev, held) > 12) {
        finding(c, "MR-03", "9.3.1", 'E', "review", c->review, "held_from",
                "more than 12 months since the previous review (%s)", prev);
    }
}

/* MR-04 .. MR-07: input a. */
static void rule_previous_actions(ctx_t *c)
{
    const json_t *in, *s;
    size_t i, k;

    if (!c->previous) return;
    if (!has_input(c, "A_PREV_ACTIONS")) {
        finding(c, "MR-04", "9.3.2 a", 'E', "input", NULL, "category",
                "no input a (status of actions from previous reviews)");
        return;
    }
    json_array_foreach(items(c, "inputs"), i, in) {
        json_array_foreach(json_object_get(in, "action_snapshots"), k, s) {
            if (json_integer_value(json_object_get(s, "days_overdue")) > 0 &&
                json_is_null(json_object_get(s, "replan_decision_id"))) {
                finding(c, "MR-06", "9.3.2 a", 'W', "input", in, "action_snapshots",
                        "overdue action %s has no re-planning decision", jstr(s, "action_ref"));
            }
            if (json_integer_value(json_object_get(s, "carry_over_count")) >= 3) {
                finding(c, "MR-07", "9.3.2 a", 'W', "input", in, "action_snapshots",
                        "action %s has been carried over %d times", jstr(s, "action_ref"),
                        (int)json_integer_value(json_object_get(s, "carry_over_count")));
            }
        }
    }
}

static void rule_inputs_present(ctx_t *c)
{
    static const struct { const char *cat, *rule, *clause, *what; } need[] = {
        {"B_ISSUES_CHANGES", "MR-08", "9.3.2 b", "changes in external and internal issues"},
        {"C_IP_NEEDS_CHANGES", "MR-10", "9.3.2 c", "changes in interested parties' needs"},
        {"D1_NC_CA", "MR-11", "9.3.2 d1", "nonconformities and corrective actions"},
        {"D2_MONITORING", "MR-11", "9.3.2 d2", "monitoring and measurement results"},
        {"D3_AUDITS", "MR-11", "9.3.2 d3", "audit results"},
        {"D4_OBJECTIVES", "MR-11", "9.3.2 d4", "fulfilment of objectives"},
        {"E_IP_FEEDBACK", "MR-14", "9.3.2 e", "feedback from interested parties"},
        {"F_RISK_RTP", "MR-15", "9.3.2 f", "risk assessment and treatment plan status"},
        {"G_IMPROVEMENT", "MR-16", "9.3.2 g", "opportunities for continual improvement"},
    };
    size_t i;

    for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        if (!has_input(c, need[i].cat)) {
            finding(c, need[i].rule, need[i].clause, 'E', "input", NULL, "category",
                    "no input %s (%s)", need[i].cat, need[i].what);
        }
    }
}

static void rule_input_quality(ctx_t *c)
{
    const json_t *in;
    size_t i;

    json_array_foreach(items(c, "inputs"), i, in) {
        const char *cat = jstr(in, "category"), *st = jstr(in, "status");
        if (!strcmp(cat, "B_ISSUES_CHANGES") && empty(in, "climate_change_relevance")) {
            finding(c, "MR-09", "4.1 (Amd 1:2024) via 9.3.2 b", 'W', "input", in,
                    "climate_change_relevance", "climate change relevance not determined");
        }
        if (!strcmp(cat, "F_RISK_RTP") && (empty(in, "risk_assessment_date") ||
                                           empty(in, "rtp_completion_pct"))) {
            finding(c, "MR-15", "9.3.2 f", 'E', "input", in, empty(in, "risk_assessment_date")
                    ? "risk_assessment_date" : "rtp_completion_pct",
                    "no risk-assessment date or risk treatment plan status recorded");
        }
        if (cat[0] == 'D' && (!jstr(in, "trend") || !strcmp(jstr(in, "trend"),
                                                             "NOT_APPLICABLE")) &&
            empty(in, "na_justification")) {
            finding(c, "MR-12", "9.3.2 d", 'W', "input", in, "trend",
                    "performance feedback without a trend");
        }
        if (st && !strcmp(st, "CONSIDERED_NO_CHANGE") && empty(in, "conclusion") &&
            empty(in, "na_justification")) {
            finding(c, "MR-17", "9.3.2", 'W', "input", in, "conclusion",
                    "considered with no change, but no justification recorded");
        }
        if (st && !strcmp(st, "PRESENTED") && strcmp(cat, "A_PREV_ACTIONS") != 0 &&
            empty(in, "evidence_refs")) {
            finding(c, "MR-18", "9.3.2 / 7.5", 'W', "input", in, "evidence_refs",
                    "a presented input has no evidence reference");
        }
    }
}

static int decision_has_action(const ctx_t *c, const json_t *d)
{
    const json_t *a;
    size_t i;

    json_array_foreach(items(c, "actions"), i, a) {
        if (json_equal(json_object_get(a, "decision_id"), json_object_get(d, "id"))) return 1;
    }
    return 0;
}

static void rule_decisions(ctx_t *c)
{
    const json_t *d;
    size_t i;
    int improvement = 0, change = 0;

    json_array_foreach(items(c, "decisions"), i, d) {
        const char *aspect = jstr(d, "clause_933_aspect"), *cat = jstr(d, "category");
        improvement |= !strcmp(aspect, "IMPROVEMENT") || !strcmp(aspect, "BOTH");
        change |= !strcmp(aspect, "ISMS_CHANGE") || !strcmp(aspect, "BOTH") ||
                  (!strcmp(cat, "NO_CHANGE_REQUIRED") && !empty(d, "rationale"));
        if (empty(d, "basis_input_ids")) {
            finding(c, "MR-22", "9.3.3", 'W', "decision", d, "basis_input_ids",
                    "the decision is not traced to any input");
        }
        if (!strcmp(jstr(d, "outcome"), "APPROVED") && strcmp(cat, "NO_CHANGE_REQUIRED") &&
            strcmp(cat, "RISK_ACCEPTANCE") && strcmp(cat, "OTHER") &&
            !decision_has_action(c, d)) {
            finding(c, "MR-23", "9.3.3 / 10.1", 'W', "decision", d, "id",
                    "an approved decision has no action to implement it");
        }
        if ((!strcmp(cat, "RISK_ACCEPTANCE") || !strcmp(cat, "RISK_TREATMENT")) &&
            empty(d, "risk_owner_approval")) {
            finding(c, "MR-38", "6.1.3 f", 'W', "decision", d, "risk_owner_approval",
                    "a risk decision without the risk owner's approval");
        }
    }
    if (!improvement) {
        finding(c, "MR-20", "9.3.3", 'E', "decision", NULL, "clause_933_aspect",
                "no decision on continual improvement opportunities");
    }
    if (!change) {
        finding(c, "MR-21", "9.3.3", 'E', "decision", NULL, "clause_933_aspect",
                "no decision on the need for changes to the ISMS (or an explicit "
                "NO_CHANGE_REQUIRED with rationale)");
    }
}

static void rule_actions(ctx_t *c)
{
    static const char *const need[] = {"owner", "due_date", "description", "expected_outcome",
                                       NULL};
    const char *date = isms_review_date(c->review);
    const json_t *a;
    size_t i;
    int k;

    json_array_foreach(items(c, "actions"), i, a) {
        for (k = 0; need[k]; k++) {
            if (empty(a, need[k])) {
                finding(c, "MR-24", "9.3.3", 'E', "action", a, need[k],
                        "the action has no %s", need[k]);
            }
        }
        if (date && jstr(a, "due_date") && strcmp(jstr(a, "due_date"), date) <= 0) {
            finding(c, "MR-25", "9.3.3", 'W', "action", a, "due_date",
                    "due on or before the review date");
        }
    }
}

static void rule_changes(ctx_t *c)
{
    static const char *const need[] = {"purpose", "consequences", "owner", "planned_date",
                                       NULL};
    const json_t *ch;
    size_t i;
    int k;

    json_array_foreach(items(c, "changes"), i, ch) {
        const char *t = jstr(ch, "change_type");
        for (k = 0; need[k]; k++) {
            if (empty(ch, need[k])) {
                finding(c, "MR-26", "6.3", 'W', "change", ch, need[k],
                        "the ISMS change has no %s", need[k]);
            }
        }
        if ((!strcmp(t, "IS_POLICY") || !strcmp(t, "TOPIC_POLICY") ||
             !strcmp(t, "DOCUMENTATION")) && empty(ch, "affected_documents")) {
            finding(c, "MR-27", "6.3 / 7.5", 'W', "change", ch, "affected_documents",
                    "a documentation change lists no affected document");
        }
    }
}

static void rule_objectives(ctx_t *c)
{
    static const char *const need[] = {"policy_ref", "owner", "target_date", "resources_ref",
                                       "evaluation_method", NULL};
    const json_t *o;
    size_t i;
    int k;

    json_array_foreach(items(c, "objectives"), i, o) {
        const char *st = jstr(o, "status"), *trend = jstr(o, "trend");
        for (k = 0; need[k]; k++) {
            if (empty(o, need[k])) {
                finding(c, "MR-28", "6.2", 'E', "objective", o, need[k],
                        "the objective has no %s", need[k]);
            }
        }
        if (empty(o, "kpi") && empty(o, "evaluation_if_not_measurable")) {
            finding(c, "MR-28", "6.2 b", 'E', "objective", o, "kpi",
                    "the objective has no measure and no justification");
        }
        if (((st && !strcmp(st, "NOT_ACHIEVED")) || (trend && !strcmp(trend, "DETERIORATING")))
            && empty(o, "decision_id")) {
            finding(c, "MR-29", "6.2 f", c->in_scope_14001 || c->in_scope_45001 ? 'E' : 'W',
                    "objective", o, "decision_id",
                    "not achieved or deteriorating, and no decision on it");
        }
        if (jstr(o, "revision_type") && strcmp(jstr(o, "revision_type"), "CREATED") != 0 &&
            empty(o, "decision_id")) {
            finding(c, "MR-29", "6.2 f", 'W', "objective", o, "decision_id",
                    "this review revises the objective (%s) and names no decision that made "
                    "the revision", jstr(o, "revision_type"));
        }
        if (st && !strcmp(st, "ACTIVE") && !json_integer_value(json_object_get(
                o, "measurement_count"))) {
            finding(c, "MR-13", "9.3.2 d4 / 6.2 d", 'W', "objective", o, "kpi",
                    "an active objective has no KPI measurement");
        }
    }
}

static void rule_resources_communication(ctx_t *c)
{
    const json_t *r;
    size_t i;

    json_array_foreach(items(c, "resources"), i, r) {
        if (empty(r, "outcome")) {
            finding(c, "MR-30", "7.1 / 9001 9.3.3 c", c->in_scope_9001 ? 'E' : 'W', "resource",
                    r, "outcome", "the resource requirement has no outcome");
        }
    }
    if (!json_array_size(items(c, "communications"))) {
        finding(c, "MR-32", "7.4", c->in_scope_22301 || c->in_scope_45001 ? 'E' : 'W',
                "communication", NULL, NULL, "no communication of the results is planned");
    }
}

static void rule_document(ctx_t *c)
{
    static const char *const concl[] = {"suitability", "adequacy", "effectiveness", NULL};
    static const char *const need[] = {"ref", "title", "held_from", "author", NULL};
    int k;

    for (k = 0; concl[k]; k++) {
        if (empty(c->review, concl[k])) {
            finding(c, "MR-31", "9.3.1", c->in_scope_14001 ? 'E' : 'W', "review", c->review,
                    concl[k], "no conclusion on the %s of the ISMS", concl[k]);
        }
    }
    for (k = 0; need[k]; k++) {
        if (empty(c->review, need[k])) {
            finding(c, "MR-34", "9.3.3 / 7.5.2", 'E', "review", c->review, need[k],
                    "the record has no %s", need[k]);
        }
    }
    if (empty(c->review, "classification") || empty(c->review, "retention_until")) {
        finding(c, "MR-35", "7.5.3", 'W', "review", c->review, empty(c->review,
                "classification") ? "classification" : "retention_until",
                "classification or retention not set");
    }
}

static int in_scope(const json_t *review, const char *std)
{
    const json_t *s;
    size_t i;

    json_array_foreach(json_object_get(review, "standards"), i, s) {
        if (!strcmp(json_string_value(s), std)) return 1;
    }
    return 0;
}

json_t *isms_rules_run(apr_pool_t *p, const json_t *review, const json_t *previous,
                       const json_t *waivers, const char *today)
{
    ctx_t c = {p, json_array(), review, previous, waivers, today, 0, 0, 0, 0};
    json_t *out = json_object(), *f;
    size_t i;
    int errors = 0, warnings = 0, blocking = 0;

    c.in_scope_14001 = in_scope(review, "ISO14001_2015");
    c.in_scope_9001 = in_scope(review, "ISO9001_2015");
    c.in_scope_22301 = in_scope(review, "ISO22301_2019");
    c.in_scope_45001 = in_scope(review, "ISO45001_2018");
    rule_top_management(&c);
    rule_interval(&c);
    rule_previous_actions(&c);
    rule_inputs_present(&c);
    rule_input_quality(&c);
    rule_decisions(&c);
    rule_actions(&c);
    rule_changes(&c);
    rule_objectives(&c);
    rule_resources_communication(&c);
    rule_document(&c);
    rule_approver_authority(&c);
    json_array_foreach(c.findings, i, f) {
        int e = !strcmp(jstr(f, "severity"), "E");
        errors += e;
        warnings += !e;
        blocking += e && !json_is_true(json_object_get(f, "waived"));
    }
    json_object_set_new(out, "findings", c.findings);
    json_object_set_new(out, "errors", json_integer(errors));
    json_object_set_new(out, "warnings", json_integer(warnings));
    json_object_set_new(out, "blocking", json_integer(blocking));
    return out;
}

isms_db_status isms_waivers_of(isms_ctx *ctx, long long id, long long version, json_t **out,
                               const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT rule_id, justification, waived_by, created_at FROM waiver "
                        "WHERE review_id = %d AND version = %d ORDER BY id", id, version);
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_array());
    for (i = 0; i < rs->nrows; i++) {
        json_array_append_new(*out, json_pack("{s:s,s:s?,s:s?,s:s?}", "rule_id",
                              ISMS_ROW(rs, i, 0), "justification", ISMS_ROW(rs, i, 1),
                              "waived_by", ISMS_ROW(rs, i, 2), "waived_at", ISMS_ROW(rs, i, 3)));
    }
    return ISMS_DB_OK;
}

/* MR-05: an action still open from an earlier review with no snapshot in this one. */
static const json_t *waiver_of(const json_t *waivers, const char *rule)
{
    const json_t *w;
    size_t i;

    json_array_foreach(waivers, i, w) {
        if (!strcmp(jstr(w, "rule_id"), rule)) return w;
    }
    return NULL;
}

static isms_db_status rule_missing_snapshots(isms_ctx *ctx, const json_t *review,
                                             const json_t *waivers, json_t *findings,
                                             const char **err)
{
    long long id = json_integer_value(json_object_get(review, "id"));
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
    for (i = 0; i < rs->nrows; i++) {
        json_array_append_new(findings, json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:n,s:s,s:s,s:b,s:O}", "rule", "MR-05", "clause", "9.3.2 a",
            "severity", "E", "message", apr_psprintf(ctx->pool, "action %s, open from an "
            "earlier review, is not in input a", ISMS_ROW(rs, i, 0)), "entity", "input",
            "entity_id", "entity_ref", ISMS_ROW(rs, i, 0), "field", "action_snapshots",
            "waived", waiver_of(waivers, "MR-05") != NULL, "waiver",
            waiver_of(waivers, "MR-05") ? (json_t *)waiver_of(waivers, "MR-05") : json_null()));
    }
    return ISMS_DB_OK;
}

isms_result isms_review_findings(isms_ctx *ctx, long long id, json_t **doc)
{
    isms_result r = isms_review_get(ctx, id);
    json_t *prev = NULL, *waivers;
    const char *err = NULL;
    long long prev_id;
    isms_db_status st;

    if (r.status != 200) return r;
    prev_id = json_integer_value(json_object_get(r.body, "previous_review_id"));
    st = isms_people_approvals(ctx, r.body, &err);
    if (st == ISMS_DB_OK && prev_id) {
        st = isms_rec_get(ctx, &isms_entity_review, 0, prev_id, &prev, &err);
    }
    if (st == ISMS_DB_OK) {
        st = isms_waivers_of(ctx, id, json_integer_value(json_object_get(r.body, "version")),
                             &waivers, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    isms_json_pool(ctx->pool, prev);
    *doc = isms_json_pool(ctx->pool, isms_rules_run(ctx->pool, r.body, prev, waivers,
                                                    ctx->today));
    if (prev_id && (st = rule_missing_snapshots(ctx, r.body, waivers,
                                               json_object_get(*doc, "findings"), &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (prev_id) {
        size_t n = json_array_size(json_object_get(*doc, "findings"));
        json_int_t e = 0, b = 0;
        size_t i;
        for (i = 0; i < n; i++) {
            const json_t *f = json_array_get(json_object_get(*doc, "findings"), i);
            int err_sev = !strcmp(jstr(f, "severity"), "E");
            e += err_sev;
            b += err_sev && !json_is_true(json_object_get(f, "waived"));
        }
        json_object_set_new(*doc, "errors", json_integer(e));
        json_object_set_new(*doc, "blocking", json_integer(b));
    }
    json_object_set(*doc, "review_id", json_object_get(r.body, "id"));
    json_object_set(*doc, "version", json_object_get(r.body, "version"));
    json_object_set(*doc, "waivers", waivers);
    return r;
}

isms_result isms_review_check(isms_ctx *ctx, long long id)
{
    json_t *doc;
    isms_result r = isms_review_findings(ctx, id, &doc);

    if (r.status != 200) return r;
    return isms_res_ok(ctx, 200, json_incref(doc), NULL, NULL);
}
