/* SPDX-License-Identifier: Apache-2.0 */
/* Input a, line by line: management's conclusion on each carried-over action. */
#ifndef ISMS_SNAPSHOTS_H
#define ISMS_SNAPSHOTS_H

#include "isms_api.h"

/* PATCH v1/reviews/{id}/action-snapshots/{action_id} {"conclusion", "replan_decision_id",
 * "note"} (authors; a draft review; If-Match: the review's ETag). 200 with the review. */
isms_result isms_snapshot_conclude(isms_ctx *ctx, long long rid, long long action_id,
                                   const json_t *in, const char *if_match);

#endif
