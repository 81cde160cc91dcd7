/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_transitions.h"
#include "isms_api.h"
#include "isms_json.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <string.h>

static const isms_transition transitions[] = {
    {"submit", ISMS_R_AUTHOR, {"DRAFT", "RETURNED", NULL}, "SUBMITTED", 0, "submitted"},
    {"return", ISMS_R_APPROVER, {"SUBMITTED", NULL, NULL}, "RETURNED", 1, "returned"},
    {"approve", ISMS_R_APPROVER, {"SUBMITTED", NULL, NULL}, "APPROVED", 0, "approved"},
    {"publish", ISMS_R_AUTHOR, {"APPROVED", NULL, NULL}, "PUBLISHED", 0, "published"},
    {"cancel", ISMS_R_AUTHOR, {"PLANNED", "DRAFT", "RETURNED"}, "CANCELLED", 1, "cancelled"},
    {"amend", ISMS_R_AUTHOR, {"APPROVED", "PUBLISHED", NULL}, "DRAFT", 1, "amended"},
};

const isms_transition *isms_transition_find(const char *action)
{
    size_t i;

    for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
        if (strcmp(transitions[i].action, action) == 0) return &transitions[i];
    }
    return NULL;
}

int isms_workflow_action_known(const char *action)
{
    return isms_transition_find(action) != NULL;
}

const char *isms_workflow_action_at(int i, const char **to_status)
{
    if (i < 0 || (size_t)i >= sizeof(transitions) / sizeof(transitions[0])) return NULL;
    if (to_status) *to_status = transitions[i].to;
    return transitions[i].action;
}

static int from_ok(const isms_transition *t, const char *status)
{
    int i;

    for (i = 0; i < 3 && t->from[i]; i++) {
        if (strcmp(t->from[i], status) == 0) return 1;
    }
    return 0;
}

const char *isms_transition_refused(apr_pool_t *p, const isms_transition *t,
                                    const json_t *review)
{
    const char *status = isms_jstr(review, "status");

    if (!status || !from_ok(t, status)) {
        return apr_psprintf(p, "a %s review cannot be %s", status ? status : "(unknown)",
                            t->done);
    }
    if (!strcmp(t->action, "cancel") && json_integer_value(json_object_get(review,
                                                                           "version")) > 1) {
        return "an amendment cannot be cancelled: version 1 or later was approved and stays "
               "the record; finish the amendment or submit it unchanged";
    }
    return NULL;
}
