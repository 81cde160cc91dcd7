/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_route_table.h"

#include <string.h>

const char *const isms_route_patterns[ISMS_RT_COUNT] = {
    [ISMS_RT_HEALTH] = "v1/health",
    [ISMS_RT_ME] = "v1/me",
    [ISMS_RT_SCHEMA] = "v1/schema",
    [ISMS_RT_OPENAPI] = "v1/openapi.json",
    [ISMS_RT_REVIEWS] = "v1/reviews",
    [ISMS_RT_REVIEWS_ID] = "v1/reviews/{id}",
    [ISMS_RT_REVIEWS_ID_CHECK] = "v1/reviews/{id}/check",
    [ISMS_RT_REVIEWS_ID_HISTORY] = "v1/reviews/{id}/history",
    [ISMS_RT_REVIEWS_ID_REPORT] = "v1/reviews/{id}/report",
    [ISMS_RT_REVIEWS_ID_EVIDENCE] = "v1/reviews/{id}/evidence",
    [ISMS_RT_REVIEWS_ID_WAIVERS] = "v1/reviews/{id}/waivers",
    [ISMS_RT_REVIEWS_ID_ACKNOWLEDGEMENTS] = "v1/reviews/{id}/acknowledgements",
    [ISMS_RT_REVIEWS_ID_ACTION_SNAPSHOTS_ID] = "v1/reviews/{id}/action-snapshots/{id}",
    [ISMS_RT_REVIEWS_ID_REFRESH_D4] = "v1/reviews/{id}/refresh-d4",
    [ISMS_RT_REVIEWS_ID_PREVIOUS_EXTERNAL] = "v1/reviews/{id}/previous-external",
    [ISMS_RT_REVIEWS_ID_PRIOR_ACTIONS_ID] = "v1/reviews/{id}/prior-actions/{id}",
    [ISMS_RT_REVIEWS_ID_ATTACHMENTS] = "v1/reviews/{id}/attachments",
    [ISMS_RT_ATTACHMENTS_ID] = "v1/attachments/{id}",
    [ISMS_RT_REVIEWS_ID_WF] = "v1/reviews/{id}/{wf}",
    [ISMS_RT_REVIEWS_ID_COLL] = "v1/reviews/{id}/{coll}",
    [ISMS_RT_REVIEWS_ID_COLL_ID] = "v1/reviews/{id}/{coll}/{id}",
    [ISMS_RT_ACTIONS] = "v1/actions",
    [ISMS_RT_ACTIONS_ID_UPDATES] = "v1/actions/{id}/updates",
    [ISMS_RT_OBJECTIVES] = "v1/objectives",
    [ISMS_RT_PEOPLE] = "v1/people",
    [ISMS_RT_PEOPLE_ID] = "v1/people/{id}",
    [ISMS_RT_AUDIT] = "v1/audit",
    [ISMS_RT_AUDIT_VERIFY] = "v1/audit/verify",
    [ISMS_RT_REPORTS_DASHBOARD] = "v1/reports/dashboard",
    [ISMS_RT_REPORTS_ACTIONS] = "v1/reports/actions",
    [ISMS_RT_REPORTS_COMPLIANCE] = "v1/reports/compliance",
    [ISMS_RT_CALENDAR_ICS] = "v1/calendar.ics",
    [ISMS_RT_OBJECTIVES_ID_MEASUREMENTS] = "v1/objectives/{id}/measurements",
    [ISMS_RT_OBJECTIVES_ID_REVISIONS] = "v1/objectives/{id}/revisions",
    [ISMS_RT_PROGRAMMES] = "v1/programmes",
    [ISMS_RT_PROGRAMMES_ID] = "v1/programmes/{id}",
    [ISMS_RT_CATALOGUE] = "v1/catalogue",
    [ISMS_RT_CATALOGUE_ID] = "v1/catalogue/{id}",
};

int isms_route_find(apr_pool_t *p, const char *path, isms_path_vars *v)
{
    int i;

    memset(v, 0, sizeof(*v));
    for (i = 0; path && i < ISMS_RT_COUNT; i++) {
        if (isms_path_match(p, isms_route_patterns[i], path, v)) return i;
    }
    return -1;
}
