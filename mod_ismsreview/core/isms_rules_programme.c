/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check, the programme's part (domain-model.md A.1, A.4, section C): the
 * planned interval (MR-02), the scope (MR-40), the IMS input catalogue per review (MR-41) and
 * over the cycle of a programme of sequenced sessions (MR-P1). Functions of the record and
 * what isms_programme_view.c put into it: "_programme" (the programme, or null when there is
 * none), "_catalogue" (the requirements) and "_cycle" (the cycle's other sessions). A record
 * without "_programme" (one read before migration 011, the unit tests' records) is judged
 * on its own planned_interval_months as before, and MR-40/41/P1 are not evaluated. */
#include "isms_rules_int.h"
#include "isms_programme.h"
#include "isms_report.h"

#include <apr_strings.h>
#include <string.h>

#define jstr isms_rules_str
#define finding isms_rules_finding

int isms_rules_sequenced(const json_t *review)
{
    const char *mode = jstr(json_object_get(review, "_programme"), "coverage_mode");

    return mode && !strcmp(mode, "SEQUENCED_SESSIONS");
}

static void interval_legacy(isms_rules_ctx *c, long days)
{
    json_int_t months = json_integer_value(json_object_get(c->review,
                                                           "planned_interval_months"));

    if (months <= 0) isms_rules_na(c, "MR-02", "no planned interval");
    else if (days > months * 31 + 30) {
        finding(c, "MR-02", "9.3.1", 'E', "review", c->review, "held_from",
                "held %ld days after the previous review; the planned interval is %d months",
                days, (int)months);
    }
}

/* MR-02: held within the programme's interval and tolerance after the programme's previous
 * review ("_programme_previous"; the previous review when the view has not said). Without
 * any programme the planned intervals are not defined (E); a record read without the
 * programme view is judged on its own planned_interval_months, as before migration 011. */
void isms_rules_interval(isms_rules_ctx *c, const char *prev, const char *held,
                         const char *why)
{
    const json_t *prog = json_object_get(c->review, "_programme");
    const json_t *pp = json_object_get(c->review, "_programme_previous");
    json_int_t months, tolerance;
    const char *limit;

    if (prog && json_is_null(prog)) {
        finding(c, "MR-02", "9.3.1", 'E', "review", c->review, "programme_id",
                "no review programme defines the planned intervals (an admin creates one: "
                "v1/programmes)");
        return;
    }
    if (prog && pp) {
        prev = json_string_value(pp);
        /* the programme's first review in the system may follow one held outside it */
        if (!prev) prev = jstr(json_object_get(c->review, "previous_external"), "held_from");
        why = !held ? "this review has no date held yet"
              : !prev ? "the programme's first review held: no previous review of it" : NULL;
    }
    if (why) {
        isms_rules_na(c, "MR-02", why);
        return;
    }
    if (!prog) {
        interval_legacy(c, isms_days_between(prev, held));
        return;
    }
    months = json_integer_value(json_object_get(prog, "interval_months"));
    tolerance = json_integer_value(json_object_get(prog, "tolerance_days"));
    limit = isms_date_add(c->p, isms_add_months(c->p, prev, (int)months), (long)tolerance);
    if (strcmp(held, limit) > 0) {
        finding(c, "MR-02", "9.3.1", 'E', "review", c->review, "held_from",
                "held %s, %ld days after the programme's previous review (%s); the programme "
                "\"%s\" plans one every %d months with %d days' tolerance (by %s)", held,
                isms_days_between(prev, held), prev, jstr(prog, "name"), (int)months,
                (int)tolerance, limit);
    }
}

/* MR-40: the review's scope is the programme's current scope version. */
static void rule_scope(isms_rules_ctx *c)
{
    const json_t *prog = json_object_get(c->review, "_programme");
    const char *now = json_is_object(prog) ? isms_programme_scope(c->p, prog) : NULL;
    const char *snap = jstr(c->review, "scope_ref_snapshot");

    if (!now) {
        isms_rules_na(c, "MR-40", json_is_object(prog) ? "the programme names no scope"
                                                       : "no review programme");
        return;
    }
    if (!snap || strcmp(snap, now) != 0) {
        finding(c, "MR-40", "ISO 27000 / 9.3", 'W', "review", c->review, "scope_ref_snapshot",
                "the review considered scope %s; the programme's current scope is %s "
                "(setting programme_id again takes the current one)", snap ? snap : "(none)",
                now);
    }
}

static int listed(const json_t *list, const char *s)
{
    const json_t *v;
    size_t i;

    json_array_foreach(list, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), s)) return 1;
    }
    return 0;
}

/* The decision categories that record an output of each result collection. */
static const char *decision_for(const char *coll)
{
    static const char *const map[][2] = {
        {"resources", "RESOURCE"}, {"communications", "COMMUNICATION"},
        {"changes", "ISMS_CHANGE"}, {"improvements", "CONTINUAL_IMPROVEMENT"},
        {"objectives", "OBJECTIVE"}, {"actions", ""}, {"decisions", ""}};
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (!strcmp(map[i][0], coll)) return map[i][1];
    }
    return "";
}

static int has_decision(const json_t *rv, const char *cat)
{
    const json_t *d;
    size_t i;

    json_array_foreach(json_object_get(rv, "decisions"), i, d) {
        if (*cat && jstr(d, "category") && !strcmp(jstr(d, "category"), cat)) return 1;
    }
    return 0;
}

/* The requirement is covered by this record (a review, or a session of the cycle): an input
 * of the category it maps to or naming its code; an output by an item of its collection (or
 * a decision of that kind), the conclusions by all three ratings. */
int isms_rules_covered(apr_pool_t *p, const json_t *req, const json_t *rv)
{
    const char *maps = jstr(req, "maps_to_27001_code"), *kind = jstr(req, "kind");
    const char *code = apr_pstrcat(p, jstr(req, "standard"), ":", jstr(req, "code"), NULL);
    const json_t *in;
    size_t i;

    if (kind && !strcmp(kind, "OUTPUT")) {
        if (!maps) return 0;
        if (!strcmp(maps, "conclusions")) {
            return jstr(json_object_get(rv, "suitability"), "rating") &&
                   jstr(json_object_get(rv, "adequacy"), "rating") &&
                   jstr(json_object_get(rv, "effectiveness"), "rating");
        }
        return json_array_size(json_object_get(rv, maps)) > 0 ||
               has_decision(rv, decision_for(maps)) ||
               (!strcmp(maps, "changes") && has_decision(rv, "NO_CHANGE_REQUIRED"));
    }
    json_array_foreach(json_object_get(rv, "inputs"), i, in) {
        if ((maps && jstr(in, "category") && !strcmp(jstr(in, "category"), maps)) ||
            listed(json_object_get(in, "requirement_codes"), code)) {
            return 1;
        }
    }
    return 0;
}

static int is_27001(const char *std)
{
    return std && !strncmp(std, "ISO27001_", 9);
}

/* Whether MR-41 judges a mandatory requirement of a standard in scope: not the ISO 27001
 * inputs themselves, nor (with ISO 27001 in scope) an input another standard maps onto one
 * (MR-04 .. MR-16 judge those: one gap, one finding), nor input a in a first review. */
static int judged_here(const isms_rules_ctx *c, const json_t *req, int with_27001)
{
    const char *maps = jstr(req, "maps_to_27001_code"), *kind = jstr(req, "kind");
    int input = !kind || strcmp(kind, "OUTPUT") != 0;
    int builtin = input && maps && isms_enum_valid(isms_input_categories, maps);

    if (!json_is_true(json_object_get(req, "mandatory"))) return 0;
    if (is_27001(jstr(req, "standard")) && builtin &&
        !strcmp(maps, jstr(req, "code"))) {
        return 0;
    }
    if (with_27001 && builtin) return 0;
    if (builtin && !strcmp(maps, "A_PREV_ACTIONS") && !c->previous) return 0;
    return 1;
}

static void missing(isms_rules_ctx *c, const char *rule, const char *clause,
                    const json_t *req, const char *where)
{
    const char *kind = jstr(req, "kind");
    int output = kind && !strcmp(kind, "OUTPUT");
    json_t *subject = json_pack("{s:s}", "ref", apr_pstrcat(c->p, jstr(req, "standard"), ":",
                                                             jstr(req, "code"), NULL));

    finding(c, rule, clause, 'E', output ? "result" : "input", subject,
            output ? jstr(req, "maps_to_27001_code") : "requirement_codes",
            "%s %s %s (%s): %s%s", jstr(req, "standard"), jstr(req, "clause") ?
            jstr(req, "clause") : "", jstr(req, "label"), jstr(req, "code"),
            output ? "no result records it" : "no input covers it (its category or "
            "requirement_codes)", where);
    json_decref(subject);
}

/* MR-41: every mandatory requirement of each standard in the review's scope is covered. */
static void rule_catalogue(isms_rules_ctx *c)
{
    const json_t *cat = json_object_get(c->review, "_catalogue"), *std, *req;
    const json_t *stds = json_object_get(c->review, "standards");
    int with_27001 = 0;
    size_t i, k;

    const char *na = !cat ? "the catalogue was not read"
                     : !json_array_size(stds) ? "no standards in scope"
                     : isms_rules_sequenced(c->review)
                         ? "a session of a programme of sequenced sessions: MR-P1 judges the "
                           "coverage of its cycle" : NULL;

    if (na) {
        isms_rules_na(c, "MR-41", na);
        return;
    }
    json_array_foreach(stds, i, std) with_27001 |= is_27001(json_string_value(std));
    json_array_foreach(stds, i, std) {
        json_array_foreach(cat, k, req) {
            if (strcmp(jstr(req, "standard"), json_string_value(std)) != 0 ||
                !judged_here(c, req, with_27001) || isms_rules_covered(c->p, req, c->review)) {
                continue;
            }
            missing(c, "MR-41", "9.3 (IMS)", req, "");
        }
    }
}

/* Covered by this review or by a session of its cycle so far. */
static int cycle_covers(const isms_rules_ctx *c, const json_t *req)
{
    const json_t *s;
    size_t i;

    if (isms_rules_covered(c->p, req, c->review)) return 1;
    json_array_foreach(json_object_get(json_object_get(c->review, "_cycle"), "sessions"), i, s) {
        if (isms_rules_covered(c->p, req, s)) return 1;
    }
    return 0;
}

/* MR-P1: in a programme of sequenced sessions, the sessions of one cycle together cover
 * every mandatory requirement of the programme's standards (the ISO 27001 inputs
 * included). Judged on the session that closes the cycle: the one after which the next
 * session, interval_months later, would fall into the next cycle. Earlier sessions report
 * the coverage so far (not_evaluated): they cannot fail for what a later session of the
 * same cycle will cover. */
static void rule_cycle(isms_rules_ctx *c)
{
    const json_t *prog = json_object_get(c->review, "_programme");
    const json_t *cycle = json_object_get(c->review, "_cycle"), *req, *std;
    const json_t *stds = json_object_get(prog, "standards");
    const char *held = jstr(c->review, "held_from"), *next;
    int total = 0, covered = 0, closing;
    size_t i, k;

    if (!isms_rules_sequenced(c->review) || !held || !cycle) {
        isms_rules_na(c, "MR-P1", !isms_rules_sequenced(c->review)
                      ? "not a programme of sequenced sessions"
                      : "this session has no date held yet");
        return;
    }
    if (!json_array_size(stds)) stds = json_object_get(c->review, "standards");
    next = isms_add_months(c->p, held, (int)json_integer_value(json_object_get(
                                           prog, "interval_months")));
    closing = strcmp(next, jstr(cycle, "end")) >= 0;
    json_array_foreach(stds, i, std) {
        json_array_foreach(json_object_get(c->review, "_catalogue"), k, req) {
            if (strcmp(jstr(req, "standard"), json_string_value(std)) != 0 ||
                !json_is_true(json_object_get(req, "mandatory"))) {
                continue;
            }
            total++;
            if (cycle_covers(c, req)) covered++;
            else if (closing) {
                missing(c, "MR-P1", "9.3.2 (sequenced)", req, apr_psprintf(
                        c->p, " in any session of the cycle %s to %s", jstr(cycle, "start"),
                        jstr(cycle, "end")));
            }
        }
    }
    if (!closing) {
        isms_rules_na(c, "MR-P1", apr_psprintf(c->p, "the cycle %s to %s is still open: %d of "
                                               "%d mandatory requirements covered so far",
                                               jstr(cycle, "start"), jstr(cycle, "end"),
                                               covered, total));
    }
}

void isms_rules_programme(isms_rules_ctx *c)
{
    rule_scope(c);
    rule_catalogue(c);
    rule_cycle(c);
}
