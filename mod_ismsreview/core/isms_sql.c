/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_sql.h"
#include "isms_dialect.h"
#include "isms_store.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *buf;
    size_t len, cap;
} sql_buf;

struct isms_sql {
    apr_pool_t *pool;
    isms_conn *conn;
    sql_buf s;                       /* the statement with its values in it */
    sql_buf b;                       /* bind: the same with a ? for each value */
    apr_array_header_t *params;      /* bind: the values, in order */
    int bind;                        /* the connection's dialect binds values (SQLite) */
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

static void buf_init(apr_pool_t *p, sql_buf *b)
{
    b->cap = 256;
    b->buf = apr_palloc(p, b->cap);
    b->buf[0] = '\0';
    b->len = 0;
}

isms_sql *isms_sql_new(apr_pool_t *p, isms_conn *conn)
{
    isms_sql *q = apr_pcalloc(p, sizeof(*q));

    q->pool = p;
    q->conn = conn;
    buf_init(p, &q->s);
    q->bind = conn && isms_conn_dialect(conn)->run_bound;
    if (q->bind) {
        buf_init(p, &q->b);
        q->params = apr_array_make(p, 8, sizeof(isms_sql_param));
    }
    return q;
}

static void buf_put(apr_pool_t *p, sql_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *nb = apr_palloc(p, cap);
        memcpy(nb, b->buf, b->len);
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

/* SQL text: into both forms */
static void put(isms_sql *q, const char *s, size_t n)
{
    buf_put(q->pool, &q->s, s, n);
    if (q->bind) buf_put(q->pool, &q->b, s, n);
}

/* a value: its literal into the statement, a ? and the value into the bound form */
static void put_value(isms_sql *q, const char *literal, isms_sql_param v)
{
    buf_put(q->pool, &q->s, literal, strlen(literal));
    if (!q->bind) return;
    buf_put(q->pool, &q->b, "?", 1);
    *(isms_sql_param *)apr_array_push(q->params) = v;
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
    put_value(q, quoted, (isms_sql_param){ISMS_P_TEXT, v, 0, 0});
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
    put_value(q, num, (isms_sql_param){ISMS_P_REAL, NULL, 0, v});
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
        case 'd': {
            long long n = va_arg(ap, long long);
            snprintf(num, sizeof(num), "%lld", n);
            put_value(q, num, (isms_sql_param){ISMS_P_INT, NULL, n, 0});
            break;
        }
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

/* Statements that take bound values: DML only (SQLite refuses parameters in DDL, and PRAGMA
 * takes none). */
static int dml(const char *sql)
{
    static const char *const words[] = {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "};
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strncasecmp(sql, words[i], strlen(words[i])) == 0) return 1;
    }
    return 0;
}

const char *isms_sql_bound(const isms_sql *q, const apr_array_header_t **params)
{
    if (q->error || !q->bind || !dml(q->b.buf)) return NULL;
    *params = q->params;
    return q->b.buf;
}
