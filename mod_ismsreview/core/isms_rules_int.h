/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the completeness check: the state one run shares between the rule files
 * (isms_rules_input.c: MR-01 .. MR-19, isms_rules_result.c: MR-20 .. MR-38,
 * isms_rules_programme.c: MR-02's interval, MR-40, MR-41, MR-P1) and the engine
 * (isms_rules.c: findings, their subjects, waivers, acknowledgements, counts). */
#ifndef ISMS_RULES_INT_H
#define ISMS_RULES_INT_H

#include "isms_api.h"

typedef struct {
    apr_pool_t *p;
    json_t *findings;
    json_t *not_evaluated;      /* {"MR-02": "why", ...}: the rules that had nothing to judge */
    const json_t *review, *previous, *waivers, *acks;
    const char *today;
    const char *subject_key;    /* set: the key of the next findings' subject (an action ref) */
    int in_scope_14001, in_scope_9001, in_scope_22301, in_scope_45001;
} isms_rules_ctx;

/* One finding. The subject names what it is about: "<entity>:<ref or id>:<field>" for an
 * item (the review is an item too), "<entity>:<clause>:<field>" for something missing.
 * A waiver or an acknowledgement is for one rule and one subject. */
void isms_rules_finding(isms_rules_ctx *c, const char *rule, const char *clause, char sev,
                        const char *entity, const json_t *item, const char *field,
                        const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* The rule had nothing to judge in this record (the compliance matrix shows n/a). */
void isms_rules_na(isms_rules_ctx *c, const char *rule, const char *why);

const char *isms_rules_str(const json_t *o, const char *k);
int isms_rules_empty(const json_t *o, const char *k);
const json_t *isms_rules_items(const isms_rules_ctx *c, const char *coll);

/* Someone of top management took part (present, remote, in writing, or a delegate who is
 * top management too). */
int isms_rules_tm_took_part(const isms_rules_ctx *c);

void isms_rules_inputs(isms_rules_ctx *c);     /* MR-01 .. MR-19 */

/* ---- isms_rules_programme.c: the review programme and the IMS catalogue ---- */
/* The review's programme covers its inputs in SEQUENCED_SESSIONS. */
int isms_rules_sequenced(const json_t *review);
/* MR-02: prev and held the previous review's date and this one's; why (non-NULL) is why
 * they cannot be compared. */
void isms_rules_interval(isms_rules_ctx *c, const char *prev, const char *held,
                         const char *why);
/* A catalogue requirement is covered by a record (a review, or a session of a cycle). */
int isms_rules_covered(apr_pool_t *p, const json_t *req, const json_t *record);
void isms_rules_programme(isms_rules_ctx *c);  /* MR-40, MR-41, MR-P1 */
void isms_rules_results(isms_rules_ctx *c);    /* MR-20 .. MR-38 */

#endif
