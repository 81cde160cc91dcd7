/* SPDX-License-Identifier: Apache-2.0 */
/* The canonical serialization, defined once: JSON with object keys sorted by byte value,
 * no insignificant whitespace, strings in UTF-8 (not \u-escaped except where JSON requires),
 * integers as integers and reals as jansson prints them with 17 significant digits. The
 * content hash of a sealed review version and every link of the audit chain are SHA-256 over
 * this form. */
#ifndef ISMS_CANON_H
#define ISMS_CANON_H

#include <apr_pools.h>
#include <jansson.h>

const char *isms_canon(apr_pool_t *p, const json_t *j, size_t *len);

/* Lower-case hex SHA-256 of the bytes; of two strings concatenated when b is not NULL. */
const char *isms_sha256_hex(apr_pool_t *p, const char *a, size_t alen, const char *b,
                            size_t blen);

/* The same, fed in pieces (files, ZIP entries): freed with p. NULL if out of memory. */
typedef struct isms_sha256 isms_sha256;
isms_sha256 *isms_sha256_new(apr_pool_t *p);
void isms_sha256_update(isms_sha256 *h, const void *data, size_t len);
const char *isms_sha256_final(isms_sha256 *h);

#endif
