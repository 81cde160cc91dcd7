/* SPDX-License-Identifier: Apache-2.0 */
/* The URL space of product.md: the API's route patterns, in the order they are tried (the
 * first that matches wins). The httpd glue (isms_routes.c) gives each route its methods,
 * permissions and operations, indexed by isms_route_id; the fuzzer (tests/fuzz/fuzz_path.c)
 * walks the same patterns. */
#ifndef ISMS_ROUTE_TABLE_H
#define ISMS_ROUTE_TABLE_H

#include "isms_path.h"

typedef enum {
    ISMS_RT_HEALTH, ISMS_RT_ME, ISMS_RT_SCHEMA, ISMS_RT_OPENAPI, ISMS_RT_REVIEWS,
    ISMS_RT_REVIEWS_ID, ISMS_RT_REVIEWS_ID_CHECK,
    ISMS_RT_REVIEWS_ID_HISTORY, ISMS_RT_REVIEWS_ID_REPORT, ISMS_RT_REVIEWS_ID_EVIDENCE,
    ISMS_RT_REVIEWS_ID_WAIVERS, ISMS_RT_REVIEWS_ID_ACKNOWLEDGEMENTS,
    ISMS_RT_REVIEWS_ID_ACTION_SNAPSHOTS_ID, ISMS_RT_REVIEWS_ID_REFRESH_D4,
    ISMS_RT_REVIEWS_ID_PREVIOUS_EXTERNAL, ISMS_RT_REVIEWS_ID_PRIOR_ACTIONS_ID,
    ISMS_RT_REVIEWS_ID_ATTACHMENTS, ISMS_RT_ATTACHMENTS_ID,
    ISMS_RT_REVIEWS_ID_WF, ISMS_RT_REVIEWS_ID_COLL, ISMS_RT_REVIEWS_ID_COLL_ID, ISMS_RT_ACTIONS,
    ISMS_RT_ACTIONS_ID_UPDATES, ISMS_RT_OBJECTIVES, ISMS_RT_PEOPLE, ISMS_RT_PEOPLE_ID,
    ISMS_RT_AUDIT, ISMS_RT_AUDIT_VERIFY, ISMS_RT_REPORTS_DASHBOARD, ISMS_RT_REPORTS_ACTIONS,
    ISMS_RT_REPORTS_COMPLIANCE, ISMS_RT_CALENDAR_ICS, ISMS_RT_OBJECTIVES_ID_MEASUREMENTS,
    ISMS_RT_OBJECTIVES_ID_REVISIONS, ISMS_RT_PROGRAMMES, ISMS_RT_PROGRAMMES_ID,
    ISMS_RT_CATALOGUE, ISMS_RT_CATALOGUE_ID, ISMS_RT_COUNT
} isms_route_id;

/* The pattern of each route ({id}, {coll}, {wf}: see isms_path_match). */
extern const char *const isms_route_patterns[ISMS_RT_COUNT];

/* The first route whose pattern matches path: its id and v filled in, or -1 (v then holds
 * no captured values). */
int isms_route_find(apr_pool_t *p, const char *path, isms_path_vars *v);

#endif
