/* SPDX-License-Identifier: Apache-2.0 */
/* Approvals: separation of duties and a quorum of distinct approvers, as pure rules over
 * user keys (isms_userkey.h), and the approval step that applies them (isms_approvals.c). */
#ifndef ISMS_APPROVALS_H
#define ISMS_APPROVALS_H

#include <apr_pools.h>
#include <jansson.h>

/* Separation of duties: whether key is among the version's authors (a JSON array of user
 * keys: the review's author, its submitter, whoever opened the amendment). */
int isms_sod_violated(const json_t *authors, const char *key);

/* Why key's approval does not count (a 409 detail), NULL when it does: the quorum of
 * distinct approvers is already reached, or key already approved this version. approvals:
 * [{"approver", ...}] as recorded. */
const char *isms_quorum_refused(apr_pool_t *p, const json_t *approvals, const char *key,
                                int quorum);

#endif
