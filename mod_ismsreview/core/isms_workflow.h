/* SPDX-License-Identifier: Apache-2.0 */
/* The approval workflow (domain-model.md §B): DRAFT -> SUBMITTED -> APPROVED -> PUBLISHED,
 * RETURNED, CANCELLED, and amend (a new version; its approval supersedes the old one).
 * Separation of duties, a quorum of distinct approvers, the completeness check gating
 * submission, sealing on approval. */
#ifndef ISMS_WORKFLOW_H
#define ISMS_WORKFLOW_H

#include "isms_api.h"

/* POST v1/reviews/{id}/{submit,return,approve,publish,cancel,amend} */
isms_result isms_workflow(isms_ctx *ctx, long long id, const char *action, const json_t *in,
                          const char *if_match);
int isms_workflow_action_known(const char *action);
/* The transitions in order, i from 0 until NULL: the action name and its target status. */
const char *isms_workflow_action_at(int i, const char **to_status);

/* POST v1/reviews/{id}/waivers {"rule", "subject", "justification"} (approvers; before
 * submission): an E finding no longer blocks (isms_waivers.c). */
isms_result isms_waive(isms_ctx *ctx, long long id, const json_t *in);

/* POST v1/reviews/{id}/acknowledgements {"rule", "subject", "comment"} (approvers; before
 * approval): a W finding seen; approval needs every W finding acknowledged. */
isms_result isms_acknowledge(isms_ctx *ctx, long long id, const json_t *in);

/* GET v1/reviews/{id}/history */
isms_result isms_review_history(isms_ctx *ctx, long long id);

/* GET v1/reviews/{id}?version=n: a sealed version as it was approved, without its (mutable)
 * status, which isms_review_version_status reads (NULL: no such version). */
isms_result isms_review_version_get(isms_ctx *ctx, long long id, long long version);
isms_db_status isms_review_version_status(isms_ctx *ctx, long long id, long long version,
                                          const char **status, const char **err);

/* The sealed content of a review document: the record without tracking, derived and
 * volatile fields (new reference). */
json_t *isms_seal_content(const json_t *review, const json_t *approvals);

/* The user name as compared for separation of duties: isms_userkey.h. */
#include "isms_userkey.h"

#endif
