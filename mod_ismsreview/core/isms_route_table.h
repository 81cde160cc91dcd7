/* SPDX-License-Identifier: Apache-2.0 */
/* The URL space of product.md: the API's route patterns, in the order they are tried (the
 * first that matches wins). The httpd glue (isms_routes.c) gives each route its methods,
 * permissions and operations, indexed by isms_route_id; the fuzzer (tests/fuzz/fuzz_path.c)
 * walks the same patterns. */
#ifndef ISMS_ROUTE_TABLE_H
#define ISMS_ROUTE_TABLE_H

#include "isms_path.h"

typedef enum {
    ISMS_R_HEALTH, ISMS_R_ME, ISMS_R_REVIEWS, ISMS_R_REVIEWS_ID, ISMS_R_REVIEWS_ID_CHECK,
    ISMS_R_REVIEWS_ID_HISTORY, ISMS_R_REVIEWS_ID_REPORT, ISMS_R_REVIEWS_ID_EVIDENCE,
    ISMS_R_REVIEWS_ID_WAIVERS, ISMS_R_REVIEWS_ID_ATTACHMENTS, ISMS_R_ATTACHMENTS_ID,
    ISMS_R_REVIEWS_ID_WF, ISMS_R_REVIEWS_ID_COLL, ISMS_R_REVIEWS_ID_COLL_ID, ISMS_R_ACTIONS,
    ISMS_R_ACTIONS_ID_UPDATES, ISMS_R_OBJECTIVES, ISMS_R_PEOPLE, ISMS_R_PEOPLE_ID,
    ISMS_R_AUDIT, ISMS_R_AUDIT_VERIFY, ISMS_R_REPORTS_DASHBOARD, ISMS_R_REPORTS_ACTIONS,
    ISMS_R_REPORTS_COMPLIANCE, ISMS_R_CALENDAR_ICS, ISMS_R_OBJECTIVES_ID_MEASUREMENTS, ISMS_R_COUNT
} isms_route_id;

/* The pattern of each route ({id}, {coll}, {wf}: see isms_path_match). */
extern const char *const isms_route_patterns[ISMS_R_COUNT];

/* The first route whose pattern matches path: its id and v filled in, or -1 (v then holds
 * no captured values). */
int isms_route_find(apr_pool_t *p, const char *path, isms_path_vars *v);

#endif
