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

const char *isms_sha256_hex(apr_pool_t *p, const char *a, size_t alen, const char *b,
                            size_t blen)
{
    static const char hexd[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char *hex;

    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, a, alen);
    if (b) EVP_DigestUpdate(ctx, b, blen);
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    hex = apr_palloc(p, n * 2 + 1);
    for (i = 0; i < n; i++) {
        hex[i * 2] = hexd[md[i] >> 4];
        hex[i * 2 + 1] = hexd[md[i] & 15];
    }
    hex[n * 2] = '\0';
    return hex;
}
