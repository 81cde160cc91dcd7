/* SPDX-License-Identifier: Apache-2.0 */
/* The output escapers (isms_escape.c) with their invariants:
 *   HTML  no raw < > & " ' in the output, and unescaping gives the input back;
 *   CSV   a cell parsed back (RFC 4180) is the input, with an apostrophe in front exactly when
 *         the text starts with = + - @ TAB or CR (the formula guard);
 *   ICS   every content line at most 75 octets, CRLF-ended, a fold never inside a UTF-8
 *         sequence (for valid UTF-8, which is all the store accepts), unfolding and
 *         unescaping gives the (escaped) value back; the escaped text has no raw ; , or
 *         line breaks.
 * Input: the text (a NUL ends it, as for the C strings the escapers take). */
#include "fuzz_common.h"

#include "isms_buf.h"
#include "isms_escape.h"
#include "isms_sql.h"

static int html_unescape(const char *s, char *out)
{
    static const struct { const char *ent; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    size_t i;

    while (*s) {
        if (*s != '&') {
            *out++ = *s++;
            continue;
        }
        for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
            size_t n = strlen(ents[i].ent);
            if (strncmp(s, ents[i].ent, n) == 0) {
                *out++ = ents[i].c;
                s += n;
                break;
            }
        }
        if (i == sizeof(ents) / sizeof(ents[0])) return 0;   /* a raw '&' */
    }
    *out = '\0';
    return 1;
}

static void check_html(apr_pool_t *p, const char *s)
{
    isms_buf *b = isms_buf_new(p, 16);
    char *back = apr_palloc(p, strlen(s) + 1);

    isms_esc_html(b, s);
    FUZZ_ASSERT(strlen(b->s) == b->len, "HTML output has an embedded NUL");
    FUZZ_ASSERT(strpbrk(b->s, "<>\"'") == NULL, "raw markup character in HTML: %s", b->s);
    FUZZ_ASSERT(html_unescape(b->s, back), "raw & in HTML: %s", b->s);
    FUZZ_ASSERT(strcmp(back, s) == 0, "HTML does not unescape to the input");
    FUZZ_ASSERT(strcmp(isms_html_str(p, s), b->s) == 0, "isms_html_str differs");
}

static void check_csv(apr_pool_t *p, const char *s)
{
    isms_buf *b = isms_buf_new(p, 16);
    char *cell = apr_palloc(p, strlen(s) + 2), *o = cell;
    const char *c;
    int guard = strchr("=+-@\t\r", *s) != NULL && *s;

    isms_esc_csv(b, s);
    c = b->s;
    if (*c == '"') {               /* a quoted cell: "" is a quote, the cell ends at a lone " */
        for (c++; ; c++) {
            FUZZ_ASSERT(*c, "unterminated quoted CSV cell: %s", b->s);
            if (*c == '"' && c[1] == '"') {
                *o++ = '"';
                c++;
            }
            else if (*c == '"') break;
            else *o++ = *c;
        }
        FUZZ_ASSERT(c[1] == '\0', "text after the closing quote: %s", b->s);
    }
    else {                         /* a bare cell: no separator, quote or line break */
        FUZZ_ASSERT(strpbrk(c, "\",\r\n") == NULL, "bare CSV cell needs quoting: %s", b->s);
        for (; *c; c++) *o++ = *c;
    }
    *o = '\0';
    if (guard) {
        FUZZ_ASSERT(cell[0] == '\'' && strcmp(cell + 1, s) == 0,
                    "formula not guarded: %s", b->s);
    }
    else {
        FUZZ_ASSERT(strcmp(cell, s) == 0, "CSV cell does not parse back: %s", b->s);
    }
}

static void check_ics(apr_pool_t *p, const char *s)
{
    isms_buf *v = isms_buf_new(p, 16), *b = isms_buf_new(p, 16);
    const char *line, *c, *end, *name = "DESCRIPTION:";
    char *unfolded = apr_palloc(p, strlen(s) * 2 + 64), *u = unfolded;
    int valid = isms_text_check(s, strlen(s)) == NULL, first = 1;

    isms_esc_ics_text(v, s);
    for (c = v->s; *c; c++) {
        FUZZ_ASSERT(*c != '\n' && *c != '\r', "raw line break in an ICS TEXT value");
        if (*c == '\\') {
            c++;
            FUZZ_ASSERT(*c == '\\' || *c == ';' || *c == ',' || *c == 'n',
                        "bad ICS escape \\%c", *c);
        }
        else FUZZ_ASSERT(*c != ';' && *c != ',', "unescaped %c in ICS TEXT", *c);
    }
    isms_ics_line(b, apr_pstrcat(p, name, v->s, NULL));
    for (line = b->s; *line; line = end + 2) {
        end = strstr(line, "\r\n");
        FUZZ_ASSERT(end != NULL, "ICS line without CRLF");
        FUZZ_ASSERT(end - line <= 75, "ICS line of %d octets", (int)(end - line));
        if (!first) {
            FUZZ_ASSERT(*line == ' ', "continuation line does not start with a space");
            line++;
            /* a fold inside a UTF-8 sequence: the continuation starts with a trail byte */
            if (valid) FUZZ_ASSERT(((unsigned char)*line & 0xC0) != 0x80,
                                   "ICS fold splits a UTF-8 sequence");
        }
        memcpy(u, line, (size_t)(end - line));
        u += end - line;
        first = 0;
    }
    *u = '\0';
    FUZZ_ASSERT(strcmp(unfolded, apr_pstrcat(p, name, v->s, NULL)) == 0,
                "ICS unfolding does not give the line back");
}

static void check_filename(apr_pool_t *p, const char *s)
{
    const char *f = isms_safe_filename(p, s), *c;

    FUZZ_ASSERT(*f && *f != '.', "file name empty or hidden: %s", f);
    for (c = f; *c; c++) {
        FUZZ_ASSERT((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-',
                    "bad file name character 0x%02x", (unsigned char)*c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *s;

    apr_pool_create(&p, fuzz_root_pool());
    s = apr_pstrmemdup(p, (const char *)data, size);    /* up to the first NUL */
    check_html(p, s);
    check_csv(p, s);
    check_ics(p, s);
    check_filename(p, s);
    apr_pool_destroy(p);
    return 0;
}
