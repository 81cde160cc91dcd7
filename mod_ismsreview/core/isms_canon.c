/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_canon.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* The API's own serialization (isms_json_dump: sorted keys, compact, jansson's shortest
 * round-trip form for reals) is the canonical one; defined there once. */
const char *isms_canon(apr_pool_t *p, const json_t *j, size_t *len)
{
    return isms_json_dump(p, j, len);
}

struct isms_sha256 {
    apr_pool_t *pool;
    EVP_MD_CTX *md;
};

static apr_status_t md_free(void *d)
{
    EVP_MD_CTX_free(d);
    return APR_SUCCESS;
}

isms_sha256 *isms_sha256_new(apr_pool_t *p)
{
    isms_sha256 *h = apr_palloc(p, sizeof(*h));

    if (!(h->md = EVP_MD_CTX_new())) return NULL;
    h->pool = p;
    apr_pool_cleanup_register(p, h->md, md_free, apr_pool_cleanup_null);
    EVP_DigestInit_ex(h->md, EVP_sha256(), NULL);
    return h;
}

void isms_sha256_update(isms_sha256 *h, const void *data, size_t len)
{
    EVP_DigestUpdate(h->md, data, len);
}

const char *isms_sha256_final(isms_sha256 *h)
{
    static const char hexd[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    char *hex;

    EVP_DigestFinal_ex(h->md, md, &n);
    hex = apr_palloc(h->pool, n * 2 + 1);
    for (i = 0; i < n; i++) {
        hex[i * 2] = hexd[md[i] >> 4];
        hex[i * 2 + 1] = hexd[md[i] & 15];
    }
    hex[n * 2] = '\0';
    return hex;
}

const char *isms_sha256_hex(apr_pool_t *p, const char *a, size_t alen, const char *b,
                            size_t blen)
{
    isms_sha256 *h = isms_sha256_new(p);

    if (!h) return NULL;
    isms_sha256_update(h, a, alen);
    if (b) isms_sha256_update(h, b, blen);
    return isms_sha256_final(h);
}
