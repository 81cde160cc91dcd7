/* SPDX-License-Identifier: Apache-2.0 */
/* JSON helpers: jansson values tied to APR pools (mod_md's md_json pattern: a pool cleanup
 * drops the reference, so error paths leak nothing) and RFC 9457 problem documents. */
#ifndef ISMS_JSON_H
#define ISMS_JSON_H

#include <apr_pools.h>
#include <jansson.h>

/* Ties j to p: json_decref(j) runs when p is cleared. Returns j. */
json_t *isms_json_pool(apr_pool_t *p, json_t *j);

/* The string member k of o, or NULL (absent, null or not a string). */
const char *isms_jstr(const json_t *o, const char *k);

/* Compact serialization with sorted keys, copied into p. */
const char *isms_json_dump(apr_pool_t *p, const json_t *j, size_t *len);

/* A problem document: {"type": "urn:ismsreview:problem:<slug>", "title", "status",
 * "detail"}; tied to p. */
json_t *isms_problem(apr_pool_t *p, int status, const char *slug, const char *title,
                     const char *detail);

/* Appends {"field", "code", "message"} to the problem's "errors" list. */
void isms_problem_add_error(json_t *problem, const char *field, const char *code,
                            const char *message);

#endif
