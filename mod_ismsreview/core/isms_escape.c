/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_escape.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <string.h>

void isms_esc_html(isms_buf *b, const char *s)
{
    const char *run = s;

    for (; s && *s; s++) {
        const char *ent = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (!ent) continue;
        isms_buf_add(b, run, (size_t)(s - run));
        isms_buf_puts(b, ent);
        run = s + 1;
    }
    if (run) isms_buf_puts(b, run);
}

const char *isms_html_str(apr_pool_t *p, const char *s)
{
    isms_buf *b = isms_buf_new(p, s ? strlen(s) + 16 : 16);

    isms_esc_html(b, s);
    return apr_pstrmemdup(p, b->s, b->len);
}

void isms_esc_json(isms_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run;

    if (!s) {
        isms_buf_add(b, "null", 4);
        return;
    }
    isms_buf_putc(b, '"');
    for (run = s; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') continue;
        isms_buf_add(b, run, (size_t)(s - run));
        if (c == '"' || c == '\\') {
            isms_buf_putc(b, '\\');
            isms_buf_putc(b, (char)c);
        }
        else isms_buf_add(b, u, 6);
        run = s + 1;
    }
    isms_buf_puts(b, run);
    isms_buf_putc(b, '"');
}

static int csv_guarded(const char *s)
{
    return *s && strchr("=+-@\t\r", *s) != NULL;
}

void isms_esc_csv(isms_buf *b, const char *s)
{
    const char *run;
    int quote;

    if (!s) return;
    quote = strpbrk(s, "\",\r\n") != NULL;
    if (quote) isms_buf_putc(b, '"');
    if (csv_guarded(s)) isms_buf_putc(b, '\'');
    for (run = s; *s; s++) {
        if (*s != '"') continue;
        isms_buf_add(b, run, (size_t)(s - run + 1));   /* up to and with the quote ... */
        run = s;                                       /* ... which starts the next run */
    }
    isms_buf_puts(b, run);
    if (quote) isms_buf_putc(b, '"');
}

void isms_csv_eol(isms_buf *b)
{
    isms_buf_add(b, "\r\n", 2);
}

void isms_esc_ics_text(isms_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\r' && s[1] == '\n') continue;            /* CRLF is one line break */
        if (*s == '\\' || *s == ';' || *s == ',') {
            isms_buf_putc(b, '\\');
            isms_buf_putc(b, *s);
        }
        else if (*s == '\n' || *s == '\r') isms_buf_add(b, "\\n", 2);
        else if ((unsigned char)*s < 0x20 && *s != '\t') continue;
        else isms_buf_putc(b, *s);
    }
}

/* The longest prefix of at most max octets that does not end inside a UTF-8 sequence. */
static size_t fold_at(const char *s, size_t len, size_t max)
{
    size_t n;

    if (len <= max) return len;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n ? n : max;
}

void isms_ics_line(isms_buf *b, const char *line)
{
    size_t len = strlen(line), n = fold_at(line, len, 75);

    isms_buf_add(b, line, n);
    for (line += n, len -= n; len; line += n, len -= n) {
        n = fold_at(line, len, 74);
        isms_buf_add(b, "\r\n ", 3);
        isms_buf_add(b, line, n);
    }
    isms_buf_add(b, "\r\n", 2);
}

static int name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

const char *isms_safe_filename(apr_pool_t *p, const char *name)
{
    const char *s = name && *name ? name : "report";
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) == 0x80) continue;  /* one '-' per UTF-8 character */
        *o++ = name_char(*s) ? *s : '-';
    }
    *o = '\0';
    if (!*out) return "report";       /* only stray UTF-8 trail bytes: nothing was kept */
    if (*out == '.') *out = '_';
    return out;
}

const char *isms_csp_hash(apr_pool_t *p, const char *css)
{
    unsigned char md[EVP_MAX_MD_SIZE], b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    unsigned int mdlen = 0;

    EVP_Digest(css, strlen(css), md, &mdlen, EVP_sha256(), NULL);
    EVP_EncodeBlock(b64, md, (int)mdlen);
    return apr_pstrcat(p, "'sha256-", (const char *)b64, "'", NULL);
}

const char *isms_html_csp(apr_pool_t *p, const char *css)
{
    return apr_pstrcat(p, "default-src 'none'; style-src ", isms_csp_hash(p, css),
                       "; img-src data:; base-uri 'none'; form-action 'none'; "
                       "frame-ancestors 'none'", NULL);
}
