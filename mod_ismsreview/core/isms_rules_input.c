/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check, part one: who took part, when, and what was considered
 * (9.3.1, 9.3.2 a-g): MR-01 .. MR-19. Each rule is a function of the record alone. */
#include "isms_rules_int.h"

#include <string.h>

#define jstr isms_rules_str
#define empty isms_rules_empty
#define items isms_rules_items
#define finding isms_rules_finding

static int has_input(const isms_rules_ctx *c, const char *cat)
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

int isms_rules_tm_took_part(const isms_rules_ctx *c)
{
    const json_t *a;
    size_t i;

    json_array_foreach(items(c, "attendees"), i, a) {
        if (attendee_tm(a) && took_part(a)) return 1;
    }
    return 0;
}

/* MR-01: top management took part, and the chair (if named) is top management. */
static void rule_top_management(isms_rules_ctx *c)
{
    const json_t *a;
    const char *chair = jstr(c->review, "chair");
    size_t i;
    int chair_tm = chair ? 0 : 1;

    json_array_foreach(items(c, "attendees"), i, a) {
        if (chair && jstr(a, "person") && !strcmp(jstr(a, "person"), chair) &&
            attendee_tm(a)) chair_tm = 1;
    }
    if (!isms_rules_tm_took_part(c)) {
        finding(c, "MR-01", "9.3.1 / 5.1", 'E', "attendee", NULL, "is_top_management",
                "no member of top management took part (present, remote or in writing)");
    }
    if (!chair_tm) {
        finding(c, "MR-01", "9.3.1 / 5.1", 'E', "review", c->review, "chair",
                "the chair is not listed as a top-management attendee");
    }
}

/* MR-02 / MR-03: the interval since the previous review (MR-02 against the programme:
 * isms_rules_programme.c). */
static void rule_interval(isms_rules_ctx *c)
{
    const char *prev = c->previous ? jstr(c->previous, "held_from") : NULL;
    const char *held = jstr(c->review, "held_from");
    const char *why = !c->previous ? "the first review: no previous review"
                      : !prev ? "the previous review has no date held"
                      : !held ? "this review has no date held yet" : NULL;

    isms_rules_interval(c, prev, held, why);
    if (why) {
        isms_rules_na(c, "MR-03", why);
        return;
    }
    if (isms_days_between(prev, held) / 30 > 12) {
        finding(c, "MR-03", "9.3.1", 'E', "review", c->review, "held_from",
                "more than 12 months since the previous review (%s)", prev);
    }
}

/* One line of input a: its findings are about that action (the subject names it). */
static void snapshot_rules(isms_rules_ctx *c, const json_t *in, const json_t *s)
{
    const char *concl = jstr(s, "conclusion");
    int decided = json_integer_value(json_object_get(s, "replan_decision_id")) > 0 ||
                  (concl && (!strcmp(concl, "CLOSE") || !strcmp(concl, "CANCEL")));

    c->subject_key = jstr(s, "action_ref");
    /* overdue: re-planned by an ACTION_REPLAN decision, or closed or cancelled */
    if (json_integer_value(json_object_get(s, "days_overdue")) > 0 && !decided) {
        finding(c, "MR-06", "9.3.2 a", 'W', "input", in, "action_snapshots",
                "overdue action %s has no re-planning decision", jstr(s, "action_ref"));
    }
    if (json_integer_value(json_object_get(s, "carry_over_count")) >= 3) {
        finding(c, "MR-07", "9.3.2 a", 'W', "input", in, "action_snapshots",
                "action %s has been carried over %d times", jstr(s, "action_ref"),
                (int)json_integer_value(json_object_get(s, "carry_over_count")));
    }
    c->subject_key = NULL;
}

/* MR-05 for a previous review held outside the system: its typed-in actions are lines of
 * input a; without an input a, the open ones have none. */
static void missing_typed_in(isms_rules_ctx *c)
{
    const json_t *a;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(c->review, "previous_external"),
                                       "actions"), i, a) {
        const char *st = jstr(a, "status");
        if (st && (!strcmp(st, "COMPLETED") || !strcmp(st, "VERIFIED_EFFECTIVE") ||
                   !strcmp(st, "CANCELLED"))) continue;
        finding(c, "MR-05", "9.3.2 a", 'E', "action", a, "action_snapshots",
                "action %s, open at the previous review (held outside the system), is not "
                "in input a", jstr(a, "ref"));
    }
}

/* MR-04 .. MR-07: input a. MR-05 reads "_missing_snapshots" (the refs of actions open from
 * an earlier review with no snapshot here), which the caller looks up in the database. */
static void rule_previous_actions(isms_rules_ctx *c)
{
    static const char *const rules[] = {"MR-04", "MR-05", "MR-06", "MR-07", NULL};
    const json_t *in, *s;
    size_t i, k;
    int r;

    if (!c->previous) {
        for (r = 0; rules[r]; r++) isms_rules_na(c, rules[r], "the first review: no input a");
        return;
    }
    if (isms_rules_sequenced(c->review) && !has_input(c, "A_PREV_ACTIONS")) {
        /* input a may be in another session of the cycle: MR-P1 judges the cycle */
        isms_rules_na(c, "MR-04", "a session of sequenced sessions: MR-P1 judges its cycle");
        isms_rules_na(c, "MR-05", "a session of sequenced sessions without input a");
        return;
    }
    json_array_foreach(json_object_get(c->review, "_missing_snapshots"), i, s) {
        json_t *subject = json_pack("{s:O}", "ref", s);
        finding(c, "MR-05", "9.3.2 a", 'E', "action", subject, "action_snapshots",
                "action %s, open from an earlier review, is not in input a",
                json_string_value(s));
        json_decref(subject);
    }
    if (!has_input(c, "A_PREV_ACTIONS")) {
        missing_typed_in(c);
        finding(c, "MR-04", "9.3.2 a", 'E', "input", NULL, "category",
                "no input a (status of actions from previous reviews)");
        return;
    }
    json_array_foreach(items(c, "inputs"), i, in) {
        json_array_foreach(json_object_get(in, "action_snapshots"), k, s) {
            snapshot_rules(c, in, s);
        }
    }
}

static void rule_inputs_present(isms_rules_ctx *c)
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
    int sequenced = isms_rules_sequenced(c->review);

    for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        if (sequenced) {   /* another session of the cycle may cover it: MR-P1 */
            isms_rules_na(c, need[i].rule, "a session of sequenced sessions: MR-P1 judges "
                          "the coverage of its cycle");
        }
        else if (!has_input(c, need[i].cat)) {
            finding(c, need[i].rule, need[i].clause, 'E', "input", NULL, "category",
                    "no input %s (%s)", need[i].cat, need[i].what);
        }
    }
}

/* 9.3.2 d asks for trends: a performance input with no trend is a gap (E), unless it is
 * justified as not applicable. */
static int without_trend(const json_t *in)
{
    const char *trend = jstr(in, "trend");

    return (!trend || !strcmp(trend, "NOT_APPLICABLE")) && empty(in, "na_justification");
}

static void input_rules(isms_rules_ctx *c, const json_t *in)
{
    const char *cat = jstr(in, "category"), *st = jstr(in, "status");

    if (!strcmp(cat, "B_ISSUES_CHANGES") && empty(in, "climate_change_relevance")) {
        finding(c, "MR-09", "4.1 (Amd 1:2024) via 9.3.2 b", 'W', "input", in,
                "climate_change_relevance", "climate change relevance not determined");
    }
    /* the structured fields help; the summary's prose is evidence too: W */
    if (!strcmp(cat, "F_RISK_RTP") && (empty(in, "risk_assessment_date") ||
                                       empty(in, "rtp_completion_pct"))) {
        finding(c, "MR-15", "9.3.2 f", 'W', "input", in, empty(in, "risk_assessment_date")
                ? "risk_assessment_date" : "rtp_completion_pct",
                "no risk-assessment date or risk treatment plan completion recorded");
    }
    /* the derived d4 (objective register) has no trend while no objective has data in both
     * periods: the register cannot show one yet, the author cannot type one (W) */
    if (cat[0] == 'D' && without_trend(in)) {
        int derived = !strcmp(cat, "D4_OBJECTIVES") &&
                      json_is_array(json_object_get(in, "objective_snapshots"));
        finding(c, "MR-12", "9.3.2 d", derived ? 'W' : 'E', "input", in, "trend",
                derived ? "no objective has measurements in both periods: input d4 shows no "
                          "trend yet" : "performance feedback without a trend (9.3.2 d asks "
                          "for trends)");
    }
    /* an explicit "considered, no change" is a conclusion, not a gap */
    if (st && !strcmp(st, "NOT_APPLICABLE") && empty(in, "na_justification")) {
        finding(c, "MR-17", "9.3.2", 'W', "input", in, "na_justification",
                "not applicable, but no justification recorded");
    }
    if (st && !strcmp(st, "PRESENTED") && strcmp(cat, "A_PREV_ACTIONS") != 0 &&
        empty(in, "evidence_refs")) {
        finding(c, "MR-18", "9.3.2 / 7.5", 'W', "input", in, "evidence_refs",
                "a presented input has no evidence reference");
    }
}

/* MR-19: the data considered starts where the previous review's period ended. */
static void rule_period_gap(isms_rules_ctx *c)
{
    const char *prev_to = c->previous ? jstr(c->previous, "period_to") : NULL;
    const char *from = jstr(c->review, "period_from");
    const json_t *in;
    size_t i;
    int gap;

    if (!prev_to) {
        isms_rules_na(c, "MR-19", c->previous ? "the previous review has no period"
                                               : "the first review: no previous period");
        return;
    }
    gap = from && isms_days_between(prev_to, from) > 1;
    if (gap) {
        finding(c, "MR-19", "9.3.2", 'W', "review", c->review, "period_from",
                "the period covered starts %s; the previous review's ended %s", from,
                prev_to);
    }
    /* an input whose data start where the period covered starts shares its gap (one
     * finding); one that starts later has a gap of its own */
    json_array_foreach(items(c, "inputs"), i, in) {
        const char *d = jstr(in, "data_period_from");
        if (gap && d && isms_days_between(from, d) <= 0) continue;
        if (d && isms_days_between(prev_to, d) > 1) {
            finding(c, "MR-19", "9.3.2", 'W', "input", in, "data_period_from",
                    "the data start %s; the previous review's period ended %s", d, prev_to);
        }
    }
}

void isms_rules_inputs(isms_rules_ctx *c)
{
    const json_t *in;
    size_t i;

    rule_top_management(c);
    rule_interval(c);
    rule_previous_actions(c);
    rule_inputs_present(c);
    json_array_foreach(items(c, "inputs"), i, in) input_rules(c, in);
    rule_period_gap(c);
}
