/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static apr_status_t buf_free(void *data)
{
    isms_buf *b = data;

    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    return APR_SUCCESS;
}

/* Out of memory aborts, as APR's pools do. */
static void grow(isms_buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 256;
    char *s;

    while (cap < need) cap *= 2;
    if (!(s = realloc(b->s, cap))) abort();
    b->s = s;
    b->cap = cap;
}

isms_buf *isms_buf_new(apr_pool_t *p, size_t cap)
{
    isms_buf *b = apr_pcalloc(p, sizeof(*b));

    grow(b, cap ? cap : 256);
    b->s[0] = '\0';
    apr_pool_cleanup_register(p, b, buf_free, apr_pool_cleanup_null);
    return b;
}

void isms_buf_add(isms_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) grow(b, b->len + n + 1);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void isms_buf_puts(isms_buf *b, const char *s)
{
    if (s) isms_buf_add(b, s, strlen(s));
}

void isms_buf_putc(isms_buf *b, char c)
{
    if (b->len + 2 > b->cap) grow(b, b->len + 2);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void isms_buf_printf(isms_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->len + (size_t)n + 1 > b->cap) {
        grow(b, b->len + (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}
