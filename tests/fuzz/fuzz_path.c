/* SPDX-License-Identifier: Apache-2.0 */
/* Path and query parsing (isms_path.c, the pure part of the httpd glue's routing and query
 * handling) and the query consumers in isms_ops.c (pagination, list filters, dates):
 *   the route is what follows the handler's location ("/isms/api/"), nothing else;
 *   a route that matches a pattern of the module's route table (isms_route_table.c) is
 *   rebuilt exactly from the pattern and the captured
 *   {id}/{coll}/{wf} values (so nothing in the path is ignored or ambiguous), ids are
 *   positive, {coll} names an entity, {wf} a workflow action; a failed match captures nothing;
 *   an accepted query string has only valid text, each key once, and percent-encoding its
 *   table again parses to the same table;
 *   limit/cursor are in range or a 400; list filters are a 400 or SQL that the database
 *   accepts for every entity; a valid date survives isms_date_add/isms_days_between.
 * Input: "<uri>?<query>". */
#include "fuzz_common.h"

#include "isms_api.h"
#include "isms_entity.h"
#include "isms_ops.h"
#include "isms_path.h"
#include "isms_record.h"
#include "isms_route_table.h"
#include "isms_validate.h"
#include "isms_workflow.h"

static void check_route(apr_pool_t *p, const char *uri)
{
    const char *route = isms_path_route(uri, "/isms/api/", 10);
    isms_path_vars first;
    int i, found;

    if (!route) {
        FUZZ_ASSERT(strncmp(uri, "/isms/api/", 10) != 0, "no route found in %s", uri);
        return;
    }
    FUZZ_ASSERT(route == uri + 10 && strncmp(uri, "/isms/api/", 10) == 0,
                "route not anchored below the location in %s", uri);
    found = isms_route_find(p, route, &first);
    for (i = 0; i < ISMS_RT_COUNT; i++) {
        isms_path_vars v;
        const char *pat = isms_route_patterns[i], *rebuilt = "";
        int nid = 0;
        if (!isms_path_match(p, pat, route, &v)) {
            FUZZ_ASSERT(found != i, "isms_route_find chose %s, which does not match", pat);
            FUZZ_ASSERT(!v.ids[0] && !v.ids[1] && !v.coll && !v.wf, "captures of a failed "
                        "match");
            continue;
        }
        while (*pat) {
            size_t n = strcspn(pat, "/");
            const char *seg = apr_pstrmemdup(p, pat, n);
            if (strcmp(seg, "{id}") == 0) {
                FUZZ_ASSERT(nid < 2 && v.ids[nid] > 0, "bad id in %s", route);
                seg = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)v.ids[nid++]);
            }
            else if (strcmp(seg, "{coll}") == 0) {
                FUZZ_ASSERT(v.coll && isms_entity_by_collection(v.coll), "bad coll");
                seg = v.coll;
            }
            else if (strcmp(seg, "{wf}") == 0) {
                FUZZ_ASSERT(v.wf && isms_workflow_action_known(v.wf), "bad wf");
                seg = v.wf;
            }
            rebuilt = apr_pstrcat(p, rebuilt, *rebuilt ? "/" : "", seg, NULL);
            pat += n;
            if (*pat) pat++;
        }
        FUZZ_ASSERT(strcmp(rebuilt, route) == 0, "%s matched %s but rebuilds as %s", route,
                    isms_route_patterns[i], rebuilt);
        FUZZ_ASSERT(found >= 0 && found <= i, "%s matches %s but isms_route_find says %d",
                    route, isms_route_patterns[i], found);
        FUZZ_ASSERT(found != i || memcmp(first.ids, v.ids, sizeof(v.ids)) == 0,
                    "isms_route_find captured other ids than the match of %s", route);
    }
}

static const char *encode(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;

    for (; *s; s++) o += sprintf(o, "%%%02X", (unsigned char)*s);
    *o = '\0';
    return out;
}

static int reencode(void *baton, const char *key, const char *value)
{
    const char **acc = baton;
    apr_pool_t *p = (apr_pool_t *)acc[1];

    acc[0] = apr_pstrcat(p, acc[0], *acc[0] ? "&" : "", encode(p, key), "=", encode(p, value),
                         NULL);
    return 1;
}

static int same_in(void *baton, const char *key, const char *value)
{
    const char *other = apr_table_get((apr_table_t *)baton, key);

    FUZZ_ASSERT(other && strcmp(other, value) == 0, "parameter %s changed", key);
    return 1;
}

static void check_consumers(apr_pool_t *p, apr_table_t *q)
{
    isms_conn *c = fuzz_db(1);
    isms_ctx ctx;
    isms_result r;
    long long limit = 0, after = 0;
    const char *err = NULL, *from = apr_table_get(q, "from"), *to = apr_table_get(q, "to");
    int i;

    isms_ctx_init(&ctx, p, c, "fuzz");
    r = isms_page_params(&ctx, q, &limit, &after);
    FUZZ_ASSERT(r.status == 400 || (r.status == 0 && limit >= 1 && limit <= ISMS_PAGE_MAX &&
                after >= 0), "page params %d %lld %lld", r.status, limit, after);
    for (i = -1; isms_item_entities[i < 0 ? 0 : i] || i < 0; i++) {
        const isms_entity *e = i < 0 ? &isms_entity_review : isms_item_entities[i];
        isms_sql *sql = isms_sql_new(p, c);
        isms_rows *rs = NULL;
        isms_sql_appendf(sql, "SELECT count(*) FROM %k t WHERE 1 = 1", e->table);
        r = isms_filters(&ctx, e, q, sql, "t.");
        if (r.status) {
            FUZZ_ASSERT(r.status == 400, "filters of %s: %d", e->kind, r.status);
            continue;
        }
        FUZZ_ASSERT(isms_sql_text(sql) != NULL, "accepted filter does not build: %s",
                    isms_sql_error(sql));
        FUZZ_ASSERT(isms_sqlite_run(c, p, isms_sql_text(sql), &rs, NULL, &err) == ISMS_DB_OK,
                    "filter SQL fails: %s\n%s", err, isms_sql_text(sql));
    }
    if (from && isms_date_valid(from)) {
        long k = to ? atol(to) % 400000 : 1;
        const char *d = isms_date_add(p, from, k);
        FUZZ_ASSERT(strcmp(isms_date_add(p, from, 0), from) == 0, "date_add 0 of %s", from);
        FUZZ_ASSERT(isms_days_between(from, d) == k, "%s + %ld = %s", from, k, d);
        FUZZ_ASSERT(strlen(d) >= 10 && d[4] == '-' && d[7] == '-', "bad date %s", d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *s, *qm, *why, *acc[2];
    apr_table_t *q, *q2;

    apr_pool_create(&p, fuzz_root_pool());
    s = apr_pstrmemdup(p, (const char *)data, size);
    qm = strchr(s, '?');
    check_route(p, qm ? apr_pstrmemdup(p, s, (apr_size_t)(qm - s)) : s);
    why = isms_path_query(p, qm ? qm + 1 : NULL, &q);
    if (!why) {
        acc[0] = "";
        acc[1] = (const char *)p;
        apr_table_do(reencode, (void *)acc, q, NULL);
        if (strlen(acc[0]) <= 4096) {
            why = isms_path_query(p, acc[0], &q2);
            FUZZ_ASSERT(why == NULL, "re-encoded query rejected: %s", why);
            FUZZ_ASSERT(apr_table_elts(q)->nelts == apr_table_elts(q2)->nelts, "count");
            apr_table_do(same_in, q2, q, NULL);
        }
        check_consumers(p, q);
    }
    apr_pool_destroy(p);
    return 0;
}
