/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check, part two: the results of the review (9.3.3) and the record itself
 * (7.5): MR-20 .. MR-39, and MR-13 on objectives. Each rule is a function of the record. */
#include "isms_rules_int.h"
#include "isms_validate.h"
#include "isms_workflow.h"

#include <string.h>

#define jstr isms_rules_str
#define empty isms_rules_empty
#define items isms_rules_items
#define finding isms_rules_finding

/* MR-37: days from the meeting to the approval after which the record is late. */
#define APPROVAL_DAYS 30

static int decision_has_action(const isms_rules_ctx *c, const json_t *d)
{
    const json_t *a;
    size_t i;

    json_array_foreach(items(c, "actions"), i, a) {
        if (json_equal(json_object_get(a, "decision_id"), json_object_get(d, "id"))) return 1;
    }
    return 0;
}

static void decision_rules(isms_rules_ctx *c, const json_t *d)
{
    const char *cat = jstr(d, "category");

    if (empty(d, "basis_input_ids")) {
        finding(c, "MR-22", "9.3.3", 'W', "decision", d, "basis_input_ids",
                "the decision is not traced to any input");
    }
    /* no change, a risk accepted, and a re-plan (its actions are the earlier ones) need no
     * new action */
    if (!strcmp(jstr(d, "outcome"), "APPROVED") && strcmp(cat, "NO_CHANGE_REQUIRED") &&
        strcmp(cat, "RISK_ACCEPTANCE") && strcmp(cat, "OTHER") &&
        strcmp(cat, "ACTION_REPLAN") && !decision_has_action(c, d)) {
        finding(c, "MR-23", "9.3.3 / 10.1", 'W', "decision", d, "id",
                "an approved decision has no action to implement it");
    }
    if ((!strcmp(cat, "RISK_ACCEPTANCE") || !strcmp(cat, "RISK_TREATMENT")) &&
        empty(d, "risk_owner_approval")) {
        finding(c, "MR-38", "6.1.3 f", 'W', "decision", d, "risk_owner_approval",
                "a risk decision without the risk owner's approval");
    }
}

static void rule_decisions(isms_rules_ctx *c)
{
    const json_t *d;
    size_t i;
    int improvement = 0, change = 0;

    json_array_foreach(items(c, "decisions"), i, d) {
        const char *aspect = jstr(d, "clause_933_aspect"), *cat = jstr(d, "category");
        improvement |= !strcmp(aspect, "IMPROVEMENT") || !strcmp(aspect, "BOTH");
        change |= !strcmp(aspect, "ISMS_CHANGE") || !strcmp(aspect, "BOTH") ||
                  (!strcmp(cat, "NO_CHANGE_REQUIRED") && !empty(d, "rationale"));
        decision_rules(c, d);
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

/* One missing field per finding: sev 'E' or 'W'. */
typedef struct {
    const char *field;
    char sev;
} need_t;

static void need_fields(isms_rules_ctx *c, const char *rule, const char *clause,
                        const char *entity, const json_t *item, const need_t *need)
{
    int k;

    for (k = 0; need[k].field; k++) {
        if (empty(item, need[k].field)) {
            finding(c, rule, clause, need[k].sev, entity, item, need[k].field,
                    "the %s has no %s", entity, need[k].field);
        }
    }
}

/* MR-24: who and when are what an auditor follows up (E); what and the success criterion
 * help, and prose in the decision is evidence too (W). */
static void rule_actions(isms_rules_ctx *c)
{
    static const need_t need[] = {{"owner", 'E'}, {"description", 'W'},
                                  {"expected_outcome", 'W'}, {NULL, 0}};
    const char *date = isms_review_date(c->review);
    const json_t *a;
    size_t i;

    json_array_foreach(items(c, "actions"), i, a) {
        need_fields(c, "MR-24", "9.3.3", "action", a, need);
        /* a sealed version keeps the due date as approved (original_due_date): the current
         * one is tracking data */
        if (empty(a, "due_date") && empty(a, "original_due_date")) {
            finding(c, "MR-24", "9.3.3", 'E', "action", a, "due_date",
                    "the action has no due_date");
        }
        if (date && jstr(a, "due_date") && strcmp(jstr(a, "due_date"), date) <= 0) {
            finding(c, "MR-25", "9.3.3", 'W', "action", a, "due_date",
                    "due on or before the review date");
        }
        /* MR-39: a corrective action names the nonconformity it corrects (10.2) */
        if (jstr(a, "type") && !strcmp(jstr(a, "type"), "CORRECTIVE") && empty(a, "nc_ref")) {
            finding(c, "MR-39", "10.2", 'W', "action", a, "nc_ref",
                    "a corrective action names no nonconformity (nc_ref)");
        }
    }
}

static void rule_changes(isms_rules_ctx *c)
{
    static const need_t need[] = {{"purpose", 'W'}, {"consequences", 'W'}, {"owner", 'W'},
                                  {"planned_date", 'W'}, {NULL, 0}};
    const json_t *ch;
    size_t i;

    json_array_foreach(items(c, "changes"), i, ch) {
        const char *t = jstr(ch, "change_type");
        need_fields(c, "MR-26", "6.3", "change", ch, need);
        if ((!strcmp(t, "IS_POLICY") || !strcmp(t, "TOPIC_POLICY") ||
             !strcmp(t, "DOCUMENTATION")) && empty(ch, "affected_documents")) {
            finding(c, "MR-27", "6.3 / 7.5", 'W', "change", ch, "affected_documents",
                    "a documentation change lists no affected document");
        }
    }
}

static void objective_rules(isms_rules_ctx *c, const json_t *o)
{
    static const need_t need[] = {{"policy_ref", 'W'}, {"owner", 'E'}, {"target_date", 'E'},
                                  {"resources_ref", 'W'}, {"evaluation_method", 'E'},
                                  {NULL, 0}};
    const char *st = jstr(o, "status"), *trend = jstr(o, "trend");

    need_fields(c, "MR-28", "6.2", "objective", o, need);
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

static void rule_resources_communication(isms_rules_ctx *c)
{
    static const need_t need[] = {{"what_type", 'W'}, {"when", 'W'}, {"audience_type", 'W'},
                                  {"how", 'W'}, {NULL, 0}};
    const json_t *r;
    size_t i;

    json_array_foreach(items(c, "resources"), i, r) {
        const char *outcome = jstr(r, "outcome");
        if (!outcome) {
            finding(c, "MR-30", "7.1 / 9001 9.3.3 c", c->in_scope_9001 ? 'E' : 'W', "resource",
                    r, "outcome", "the resource requirement has no outcome");
        }
        else if ((!strcmp(outcome, "APPROVED") || !strcmp(outcome, "PARTIALLY_APPROVED")) &&
                 empty(r, "approved_by")) {
            finding(c, "MR-30", "7.1 / 9001 9.3.3 c", c->in_scope_9001 ? 'E' : 'W', "resource",
                    r, "approved_by", "approved, but no approver with budget authority named");
        }
    }
    if (!json_array_size(items(c, "communications"))) {
        finding(c, "MR-32", "7.4", c->in_scope_22301 || c->in_scope_45001 ? 'E' : 'W',
                "communication", NULL, NULL, "no communication of the results is planned");
        isms_rules_na(c, "MR-33", "no communication planned");
    }
    json_array_foreach(items(c, "communications"), i, r) {
        need_fields(c, "MR-33", "7.4", "communication", r, need);
    }
}

static void rule_document(isms_rules_ctx *c)
{
    static const char *const concl[] = {"suitability", "adequacy", "effectiveness", NULL};
    static const need_t need[] = {{"ref", 'E'}, {"title", 'E'}, {"held_from", 'E'},
                                  {"author", 'E'}, {NULL, 0}};
    int k;

    for (k = 0; concl[k]; k++) {
        if (empty(c->review, concl[k])) {
            finding(c, "MR-31", "9.3.1", c->in_scope_14001 ? 'E' : 'W', "review", c->review,
                    concl[k], "no conclusion on the %s of the ISMS", concl[k]);
        }
    }
    need_fields(c, "MR-34", "9.3.3 / 7.5.2", "review", c->review, need);
    if (empty(c->review, "classification") || empty(c->review, "retention_until")) {
        finding(c, "MR-35", "7.5.3", 'W', "review", c->review, empty(c->review,
                "classification") ? "classification" : "retention_until",
                "classification or retention not set");
    }
}

/* MR-34, approval by an authorized person (5.1, 7.5.2): every approval on record is by
 * top management on the day it was given (the people register; not evaluated while the
 * register is not in use), and an approver who did not attend approves only a record that
 * shows top management present. Approvals as isms_people_approvals gives them. */
static void rule_approver_authority(isms_rules_ctx *c)
{
    const json_t *a;
    size_t i;
    int tm_present = isms_rules_tm_took_part(c);

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

/* MR-36: an approval on record by the author (the workflow refuses one; imported or older
 * records may hold it). */
static void rule_approver_author(isms_rules_ctx *c)
{
    const char *author = jstr(c->review, "author");
    const json_t *a, *list = json_object_get(c->review, "approvals");
    size_t i;

    if (!json_array_size(list) || !author) {
        isms_rules_na(c, "MR-36", "no approval yet");
        return;
    }
    json_array_foreach(list, i, a) {
        const char *who = jstr(a, "approver");
        if (who && !strcmp(isms_user_key(c->p, who), isms_user_key(c->p, author))) {
            finding(c, "MR-36", "7.5.2", 'W', "review", c->review, "approved_by",
                    "approved by its author (%s)", who);
        }
    }
}

/* MR-37: approved within APPROVAL_DAYS of the meeting; until it is approved, the check
 * counts to today (a record not approved a month after the meeting is not available). */
static void rule_approval_timely(isms_rules_ctx *c)
{
    const char *held = jstr(c->review, "held_to") ? jstr(c->review, "held_to")
                                                  : jstr(c->review, "held_from");
    const char *approved = jstr(c->review, "approved_at");
    const char *until = approved ? approved : c->today;
    long days;

    if (!held || !until) {
        isms_rules_na(c, "MR-37", "no date held");
        return;
    }
    days = isms_days_between(held, until);
    if (days > APPROVAL_DAYS) {
        finding(c, "MR-37", "7.5.3", 'W', "review", c->review, "approved_at",
                approved ? "approved %ld days after the meeting (more than %d)"
                         : "not approved %ld days after the meeting (more than %d)",
                days, APPROVAL_DAYS);
    }
}

void isms_rules_results(isms_rules_ctx *c)
{
    const json_t *o;
    size_t i;

    rule_decisions(c);
    rule_actions(c);
    rule_changes(c);
    json_array_foreach(items(c, "objectives"), i, o) objective_rules(c, o);
    rule_resources_communication(c);
    rule_document(c);
    rule_approver_authority(c);
    rule_approver_author(c);
    rule_approval_timely(c);
}
