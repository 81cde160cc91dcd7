/* SPDX-License-Identifier: Apache-2.0 */
/* Input a, line by line: management's conclusion on each carried-over action. */
#ifndef ISMS_SNAPSHOTS_H
#define ISMS_SNAPSHOTS_H

#include "isms_api.h"

/* PATCH v1/reviews/{id}/action-snapshots/{action_id} {"conclusion", "replan_decision_id",
 * "note"} (authors; a draft review; If-Match: the review's ETag). 200 with the review. */
isms_result isms_snapshot_conclude(isms_ctx *ctx, long long rid, long long action_id,
                                   const json_t *in, const char *if_match);

/* PATCH v1/reviews/{id}/prior-actions/{line_id}: the same for an action typed in for a
 * previous review held outside the system (isms_prior.h). */
isms_result isms_prior_line_conclude(isms_ctx *ctx, long long rid, long long line_id,
                                     const json_t *in, const char *if_match);

/* Before a write to a line-level part of a draft review (input a's lines, the previous
 * review held outside the system): the review exists (404), If-Match names its ETag
 * (428/412), it is a draft (409: "<what> while the review is a draft"), and its row moves
 * to a new row version (412 if it changed meanwhile). Status 0 when all holds. */
isms_result isms_review_line_write(isms_ctx *ctx, long long rid, const char *if_match,
                                   const char *what);

#endif
