/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check (domain-model.md §C): rules MR-xx over one review, each finding
 * with rule, clause, severity (E blocks submission unless waived; W blocks approval until an
 * approver acknowledges it), message, the entity and field at fault, and its subject (what
 * a waiver or an acknowledgement names). */
#ifndef ISMS_RULES_H
#define ISMS_RULES_H

#include "isms_api.h"

/* Runs every rule over the full review document (as GET v1/reviews/{id} returns it, plus
 * "_missing_snapshots" and "approvals" when the caller knows them) and the previous review
 * (or NULL); waivers and acks are arrays of {"rule_id", "subject", ...}. Returns
 * {"findings": [...], "not_evaluated": {rule: why}, "errors", "warnings", "blocking",
 * "unacknowledged"} (new reference). */
json_t *isms_rules_run(apr_pool_t *p, const json_t *review, const json_t *previous,
                       const json_t *waivers, const json_t *acks, const char *today);

/* Recounts errors, warnings, blocking and unacknowledged from doc's findings. */
void isms_rules_count(json_t *doc);

/* GET v1/reviews/{id}/check */
isms_result isms_review_check(isms_ctx *ctx, long long id);

/* The waivers of one version of a review: [{"rule_id","subject","justification",
 * "waived_by","waived_at"}]. */
isms_db_status isms_waivers_of(isms_ctx *ctx, long long id, long long version, json_t **out,
                               const char **err);

/* The acknowledgements of one version: [{"rule_id","subject","comment","acknowledged_by",
 * "acknowledged_at"}]. */
isms_db_status isms_acks_of(isms_ctx *ctx, long long id, long long version, json_t **out,
                            const char **err);

/* The findings document of a review (for submit, approve and reports). */
isms_result isms_review_findings(isms_ctx *ctx, long long id, json_t **doc);

#endif
