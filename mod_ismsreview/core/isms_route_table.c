/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_route_table.h"

#include <string.h>

const char *const isms_route_patterns[ISMS_R_COUNT] = {
    [ISMS_R_HEALTH] = "v1/health",
    [ISMS_R_ME] = "v1/me",
    [ISMS_R_REVIEWS] = "v1/reviews",
    [ISMS_R_REVIEWS_ID] = "v1/reviews/{id}",
    [ISMS_R_REVIEWS_ID_CHECK] = "v1/reviews/{id}/check",
    [ISMS_R_REVIEWS_ID_HISTORY] = "v1/reviews/{id}/history",
    [ISMS_R_REVIEWS_ID_REPORT] = "v1/reviews/{id}/report",
    [ISMS_R_REVIEWS_ID_EVIDENCE] = "v1/reviews/{id}/evidence",
    [ISMS_R_REVIEWS_ID_WAIVERS] = "v1/reviews/{id}/waivers",
    [ISMS_R_REVIEWS_ID_ATTACHMENTS] = "v1/reviews/{id}/attachments",
    [ISMS_R_ATTACHMENTS_ID] = "v1/attachments/{id}",
    [ISMS_R_REVIEWS_ID_WF] = "v1/reviews/{id}/{wf}",
    [ISMS_R_REVIEWS_ID_COLL] = "v1/reviews/{id}/{coll}",
    [ISMS_R_REVIEWS_ID_COLL_ID] = "v1/reviews/{id}/{coll}/{id}",
    [ISMS_R_ACTIONS] = "v1/actions",
    [ISMS_R_ACTIONS_ID_UPDATES] = "v1/actions/{id}/updates",
    [ISMS_R_OBJECTIVES] = "v1/objectives",
    [ISMS_R_PEOPLE] = "v1/people",
    [ISMS_R_PEOPLE_ID] = "v1/people/{id}",
    [ISMS_R_AUDIT] = "v1/audit",
    [ISMS_R_AUDIT_VERIFY] = "v1/audit/verify",
    [ISMS_R_REPORTS_DASHBOARD] = "v1/reports/dashboard",
    [ISMS_R_REPORTS_ACTIONS] = "v1/reports/actions",
    [ISMS_R_REPORTS_COMPLIANCE] = "v1/reports/compliance",
    [ISMS_R_CALENDAR_ICS] = "v1/calendar.ics",
    [ISMS_R_OBJECTIVES_ID_MEASUREMENTS] = "v1/objectives/{id}/measurements",
};

int isms_route_find(apr_pool_t *p, const char *path, isms_path_vars *v)
{
    int i;

    memset(v, 0, sizeof(*v));
    for (i = 0; path && i < ISMS_R_COUNT; i++) {
        if (isms_path_match(p, isms_route_patterns[i], path, v)) return i;
    }
    return -1;
}
