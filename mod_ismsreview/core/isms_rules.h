/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check (domain-model.md §C): rules MR-xx over one review, each finding
 * with rule, clause, severity (E blocks submission unless waived, W is a warning), message,
 * and the entity and field at fault. */
#ifndef ISMS_RULES_H
#define ISMS_RULES_H

#include "isms_api.h"

/* Runs every rule over the full review document (as GET v1/reviews/{id} returns it) and
 * the previous review (or NULL); waivers is an array of {"rule_id", "justification", ...}.
 * Returns {"findings": [...], "errors": n, "warnings": n, "blocking": n} (new reference). */
json_t *isms_rules_run(apr_pool_t *p, const json_t *review, const json_t *previous,
                       const json_t *waivers, const char *today);

/* GET v1/reviews/{id}/check */
isms_result isms_review_check(isms_ctx *ctx, long long id);

/* The waivers of one version of a review: [{"rule_id","justification","waived_by",
 * "waived_at"}]. */
isms_db_status isms_waivers_of(isms_ctx *ctx, long long id, long long version, json_t **out,
                               const char **err);

/* The findings document of a review (for submit and reports). */
isms_result isms_review_findings(isms_ctx *ctx, long long id, json_t **doc);

#endif
