/* SPDX-License-Identifier: Apache-2.0 */
/* The gates of the workflow, pure functions of the completeness check's document
 * (isms_review_findings: {"findings":[...], "blocking", "unacknowledged"}): submission needs
 * no unwaived E finding, approval every W finding acknowledged (domain-model.md §C). */
#ifndef ISMS_GATES_H
#define ISMS_GATES_H

#include <jansson.h>

/* Whether the check blocks submission (E findings not waived). */
int isms_gate_submit_blocked(const json_t *check);

/* The W findings not acknowledged yet (new reference, an array), NULL when approval may go
 * ahead. */
json_t *isms_gate_unacknowledged(const json_t *check);

#endif
