/* SPDX-License-Identifier: Apache-2.0 */
/* Attachment file names in HTTP headers (RFC 6266, RFC 8187 ext-values): read from an
 * upload's Content-Disposition, checked, and written back into a download's. No httpd
 * headers: fuzzed (tests/fuzz/fuzz_attach.c). */
#include "isms_attach.h"
#include "isms_sql.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

/* attr-char of RFC 8187 besides letters and digits */
#define ATTR_CHARS "!#$&+-.^_`|~"

static int hexval(int c)
{
    return apr_isdigit(c) ? c - '0' : apr_tolower(c) - 'a' + 10;
}

/* ext-value: UTF-8'[language]'percent-encoded; NULL if malformed or it encodes a NUL. */
static const char *ext_value(apr_pool_t *p, const char *v, apr_size_t n)
{
    const char *end = v + n, *q1 = memchr(v, '\'', n), *q2;
    char *out, *o;

    if (!q1 || (apr_size_t)(q1 - v) != 5 || strncasecmp(v, "UTF-8", 5) != 0) return NULL;
    q2 = memchr(q1 + 1, '\'', (apr_size_t)(end - q1 - 1));
    if (!q2) return NULL;
    o = out = apr_palloc(p, n + 1);
    for (v = q2 + 1; v < end; v++) {
        if (*v == '%' && v + 2 < end && apr_isxdigit(v[1]) && apr_isxdigit(v[2])) {
            if (!(*o++ = (char)(hexval(v[1]) * 16 + hexval(v[2])))) return NULL;
            v += 2;
        }
        else if (apr_isalnum(*v) || strchr(ATTR_CHARS, *v)) *o++ = *v;
        else return NULL;
    }
    *o = '\0';
    return out;
}

/* One parameter (after "; "): s moves past it; *name set for filename / filename*. */
static int parameter(apr_pool_t *p, const char **s, const char **plain, const char **ext)
{
    const char *k = *s, *eq = strchr(k, '='), *v;
    apr_size_t kn, n;

    if (!eq) return -1;
    kn = (apr_size_t)(eq - k);
    v = eq + 1;
    if (*v == '"') {
        const char *end = strchr(v + 1, '"');
        if (!end) return -1;
        if (kn == 8 && !strncasecmp(k, "filename", 8)) {
            *plain = apr_pstrmemdup(p, v + 1, (apr_size_t)(end - v - 1));
        }
        *s = end + 1;
        return 0;
    }
    n = strcspn(v, "; \t");
    if (kn == 9 && !strncasecmp(k, "filename*", 9) && !(*ext = ext_value(p, v, n))) return -1;
    if (kn == 8 && !strncasecmp(k, "filename", 8)) *plain = apr_pstrmemdup(p, v, n);
    *s = v + n;
    return 0;
}

const char *isms_att_disposition_name(apr_pool_t *p, const char *cd)
{
    const char *plain = NULL, *ext = NULL, *s = cd;
    apr_size_t n = strcspn(s, ";"), t = n;

    while (t > 0 && (s[t - 1] == ' ' || s[t - 1] == '\t')) t--;
    if (t != 10 || strncasecmp(s, "attachment", 10) != 0) return NULL;
    for (s += n; *s == ';';) {
        s++;
        while (*s == ' ' || *s == '\t') s++;
        if (parameter(p, &s, &plain, &ext) != 0) return NULL;
        while (*s == ' ' || *s == '\t') s++;
    }
    if (*s) return NULL;          /* something that is not a parameter */
    return ext ? ext : plain;
}

const char *isms_att_filename_problem(const char *name)
{
    if (!name || !*name) {
        return "send the file name as Content-Disposition: attachment; "
               "filename*=UTF-8''<percent-encoded name> (RFC 6266)";
    }
    if (strlen(name) > 255 || isms_text_check(name, strlen(name)) ||
        strpbrk(name, "/\\\t\r\n\"") || !strcmp(name, ".") || !strcmp(name, "..")) {
        return "the file name must be at most 255 bytes of UTF-8 text, without '/', '\\', "
               "'\"' or control characters";
    }
    return NULL;
}

/* The filename="..." fallback: one '_' for each character that is not plain ASCII. */
static const char *ascii_name(apr_pool_t *p, const char *name)
{
    char *s = apr_palloc(p, strlen(name) + 1), *o = s;
    const unsigned char *c;

    for (c = (const unsigned char *)name; *c; c++) {
        if ((*c & 0xC0) == 0x80) continue;            /* a UTF-8 continuation byte */
        *o++ = (char)(*c < 0x80 && (apr_isalnum(*c) || strchr(" ._-()", *c)) ? *c : '_');
    }
    *o = '\0';
    return s;
}

static const char *pct_name(apr_pool_t *p, const char *name)
{
    char *out = apr_palloc(p, strlen(name) * 3 + 1), *o = out;
    const unsigned char *c;

    for (c = (const unsigned char *)name; *c; c++) {
        if (*c < 0x80 && (apr_isalnum(*c) || strchr(ATTR_CHARS, *c))) *o++ = (char)*c;
        else o += sprintf(o, "%%%02X", *c);
    }
    *o = '\0';
    return out;
}

const char *isms_att_content_disposition(apr_pool_t *p, const char *name)
{
    return apr_psprintf(p, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                        ascii_name(p, name), pct_name(p, name));
}
