/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_sql.h"
#include "isms_store.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct isms_sql {
    apr_pool_t *pool;
    isms_conn *conn;
    struct {
        char *buf;
        size_t len, cap;
    } s;
    const char *error;
};

/* Length of the UTF-8 sequence starting at s (at most n bytes), 0 if invalid. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len, i;
    unsigned long cp;

    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
}

const char *isms_text_check(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n;

    while (i < len) {
        if (u[i] == 0) return "contains a NUL byte";
        if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') || u[i] == 0x7F) {
            return "contains a control character";
        }
        if ((n = utf8_seq(u + i, len - i)) == 0) return "is not valid UTF-8";
        i += n;
    }
    return NULL;
}

isms_sql *isms_sql_new(apr_pool_t *p, isms_conn *conn)
{
    isms_sql *q = apr_pcalloc(p, sizeof(*q));

    q->pool = p;
    q->conn = conn;
    q->s.cap = 256;
    q->s.buf = apr_palloc(p, q->s.cap);
    q->s.buf[0] = '\0';
    return q;
}

static void put(isms_sql *q, const char *s, size_t n)
{
    if (q->s.len + n + 1 > q->s.cap) {
        size_t cap = (q->s.len + n + 1) * 2;
        char *nb = apr_palloc(q->pool, cap);
        memcpy(nb, q->s.buf, q->s.len);
        q->s.buf = nb;
        q->s.cap = cap;
    }
    memcpy(q->s.buf + q->s.len, s, n);
    q->s.len += n;
    q->s.buf[q->s.len] = '\0';
}

static void fail(isms_sql *q, const char *why)
{
    if (!q->error) q->error = why;
}

static void put_string(isms_sql *q, const char *v)
{
    const char *why, *quoted;

    if (!v) {
        put(q, "NULL", 4);
        return;
    }
    if ((why = isms_text_check(v, strlen(v))) != NULL) {
        fail(q, apr_pstrcat(q->pool, "value ", why, NULL));
        return;
    }
    quoted = isms_conn_quote(q->conn, q->pool, v);
    if (!quoted) {
        fail(q, "the driver could not quote a value");
        return;
    }
    put(q, quoted, strlen(quoted));
}

static void put_ident(isms_sql *q, const char *v)
{
    const char *c;

    for (c = v; c && *c; c++) {
        if (!(apr_isalnum(*c) || *c == '_' || *c == '.')) break;
    }
    if (!v || !*v || *c) {
        fail(q, "invalid identifier");
        return;
    }
    put(q, v, strlen(v));
}

static void put_double(isms_sql *q, double v)
{
    char num[64];

    if (!isfinite(v)) {
        fail(q, "value is not a finite number");
        return;
    }
    snprintf(num, sizeof(num), "%.17g", v);
    put(q, num, strlen(num));
}

void isms_sql_appendf(isms_sql *q, const char *fmt, ...)
{
    va_list ap;
    const char *p;
    char num[32];

    va_start(ap, fmt);
    for (p = fmt; *p; p++) {
        if (*p != '%') {
            put(q, p, 1);
            continue;
        }
        switch (*++p) {
        case 's': put_string(q, va_arg(ap, const char *)); break;
        case 'd':
            snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
            put(q, num, strlen(num));
            break;
        case 'k': put_ident(q, va_arg(ap, const char *)); break;
        case 'f': put_double(q, va_arg(ap, double)); break;
        case '%': put(q, "%", 1); break;
        default:
            fail(q, "unsupported conversion in SQL format");
            va_end(ap);
            return;
        }
    }
    va_end(ap);
}

const char *isms_sql_text(const isms_sql *q)
{
    return q->error ? NULL : q->s.buf;
}

const char *isms_sql_error(const isms_sql *q)
{
    return q->error;
}
