/* SPDX-License-Identifier: Apache-2.0 */
/* The review's state machine (domain-model.md §B) as data and pure rules: which transition
 * exists, who may take it, from which states, whether it needs a comment. No database. */
#ifndef ISMS_TRANSITIONS_H
#define ISMS_TRANSITIONS_H

#include <apr_pools.h>
#include <jansson.h>

typedef struct {
    const char *action;      /* "submit": POST v1/reviews/{id}/submit */
    int role;                /* ISMS_R_AUTHOR or ISMS_R_APPROVER */
    const char *from[3];     /* the states it leaves */
    const char *to;          /* the state it enters (approve: once the quorum is reached) */
    int need_comment;
    const char *done;        /* "submitted": "a DRAFT review cannot be submitted" */
} isms_transition;

/* The transition of an action name, NULL for none. */
const isms_transition *isms_transition_find(const char *action);

/* Why t cannot be taken on this review (a 409 detail), NULL when it can: the review's
 * status is not one t leaves, or an amendment (version > 1) is to be cancelled. */
const char *isms_transition_refused(apr_pool_t *p, const isms_transition *t,
                                    const json_t *review);

#endif
