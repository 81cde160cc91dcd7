/* SPDX-License-Identifier: Apache-2.0 */
/* What the workflow's files share (isms_workflow.c, isms_approvals.c, isms_seal.c,
 * isms_versions.c): the conditional state change and the approvals on record. */
#ifndef ISMS_WORKFLOW_INT_H
#define ISMS_WORKFLOW_INT_H

#include "isms_workflow.h"
#include "isms_ops.h"

/* 409 illegal-transition with the detail. */
isms_result isms_wf_conflict(isms_ctx *ctx, const char *detail);

/* "UPDATE review SET row_version, updated_at/by, status = to" (the caller appends SETs)
 * and running it "WHERE id AND status = <current>" (and the row version read when
 * check_version): exactly one request moves a review out of a state. */
isms_sql *isms_wf_move_sql(isms_ctx *ctx, const char *to);
isms_result isms_wf_run_move(isms_ctx *ctx, isms_sql *q, const json_t *review,
                             int check_version);

/* The approvals of a version: [{"approver", "approved_at", "comment"}] (pool-owned). */
isms_db_status isms_wf_approvals_of(isms_ctx *ctx, long long id, long long version,
                                    json_t **out, const char **err);

/* approve: separation of duties, one approval per person, the quorum; *crossed when this
 * approval reached it and the version was sealed (isms_approvals.c). */
isms_result isms_wf_approve(isms_ctx *ctx, const json_t *review, const char *comment,
                            int *crossed);

/* Seals the approved version (isms_seal.c). */
isms_result isms_wf_seal(isms_ctx *ctx, const json_t *review, const json_t *approvals);

/* Whether the live record still hashes to the review's content_hash: -1 when it has none
 * (isms_seal.c). */
int isms_wf_live_matches_seal(isms_ctx *ctx, long long id, const json_t *review);

#endif
