/* SPDX-License-Identifier: Apache-2.0 */
/* The pure part of request routing, without httpd headers (so it can be fuzzed): where the
 * API route starts in a URI, whether a route matches a pattern (and its {id}, {coll} and {wf}
 * segments), and the query string split into parameters (each at most once). The httpd glue
 * (isms_routes.c, isms_body.c) holds the route table and turns failures into responses. */
#ifndef ISMS_PATH_H
#define ISMS_PATH_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <stddef.h>

/* The segments a pattern captured. */
typedef struct {
    long long ids[2];              /* {id}: positive integers without leading zeros */
    const char *coll;              /* {coll}: an item collection ("actions") */
    const char *wf;                /* {wf}: a workflow action ("submit") */
} isms_path_vars;

/* The part of the URI below the location where the handler is configured (its first len
 * bytes; trailing slashes ignored): "/isms/api/v1/reviews/3" under "/isms/api" is
 * "v1/reviews/3"; NULL when the URI is not below it. Nothing else in the URI is searched for
 * a route: "/isms/api/x/v1/audit" is the route "x/v1/audit" (404), never "v1/audit". */
const char *isms_path_route(const char *uri, const char *location, size_t len);

/* Does path match pattern (segments separated by '/'; {id}, {coll}, {wf} are variables)?
 * 1 and v filled in, or 0 (v then holds no captured values). Strings are copied into p. */
int isms_path_match(apr_pool_t *p, const char *pattern, const char *path, isms_path_vars *v);

/* Decodes application/x-www-form-urlencoded in place ('+' is a space, %XX a byte): 0, or -1
 * on a bad escape or an encoded NUL (as httpd's ap_unescape_urlencoded, which fails then). */
int isms_path_unescape(char *s);

/* Splits a query string ("a=1&b=x") into *out (a new table in p): NULL, or why it is not
 * acceptable (too long, a bad escape, not UTF-8 / control characters, a key given twice).
 * args NULL or empty gives an empty table. */
const char *isms_path_query(apr_pool_t *p, const char *args, apr_table_t **out);

#endif
