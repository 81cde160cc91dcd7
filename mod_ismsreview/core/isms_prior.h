/* SPDX-License-Identifier: Apache-2.0 */
/* A previous review held outside the system (before adoption; issue 12 section 3): its date,
 * reference and evidence, the end of its period, and the actions open at it as typed in. The
 * review shows it as "previous_external"; the typed-in actions are lines of input a
 * ("external": true) that management concludes on like carried-over actions. The check then
 * judges the interval (MR-02, MR-03), the period continuity (MR-19) and input a (MR-04 ..
 * MR-07) against it instead of treating the review as the first. Sealed with the review. */
#ifndef ISMS_PRIOR_H
#define ISMS_PRIOR_H

#include "isms_api.h"

/* PUT v1/reviews/{id}/previous-external {"held_from", "held_to", "reference", "evidence_ref",
 * "evidence_attachment_id", "period_to", "actions": [{"ref", "title", "owner", "due_date",
 * "status"}]} (authors; a draft review without a previous review in the system; If-Match:
 * the review's ETag). Replaces the declaration; a line whose ref stays keeps management's
 * conclusion. 200 with the review. */
isms_result isms_prior_put(isms_ctx *ctx, long long rid, const json_t *in,
                           const char *if_match);

/* DELETE v1/reviews/{id}/previous-external: the review is the first again. 200 with it. */
isms_result isms_prior_delete(isms_ctx *ctx, long long rid, const char *if_match);

/* The review's "previous_external" (only when one is declared: reviews without one render
 * as before, so their seals still verify). */
isms_db_status isms_prior_embed(isms_ctx *ctx, json_t *review, const char **err);

/* Appends the typed-in actions to the lines of input a (the review's first A_PREV_ACTIONS
 * input). */
isms_db_status isms_prior_lines(isms_ctx *ctx, const json_t *input, json_t *lines,
                                const char **err);

#endif
