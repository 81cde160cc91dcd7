/* User names under one normalisation (utf8proc: stateless, so safe in every thread). */
#include "isms_userkey.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Unicode White_Space (PropList.txt): the separators and the white controls. */
static int is_space(utf8proc_int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);

    return (c >= 0x09 && c <= 0x0d) || c == 0x85 || cat == UTF8PROC_CATEGORY_ZS ||
           cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

/* The first code point at s that is not white space, and one past the last such. */
static void trim(const utf8proc_uint8_t *s, size_t n, size_t *from, size_t *to)
{
    size_t i = 0, end = 0;
    utf8proc_int32_t c;
    utf8proc_ssize_t k;

    *from = n;
    while (i < n && (k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c)) > 0) {
        if (!is_space(c)) {
            if (*from == n) *from = i;
            end = i + (size_t)k;
        }
        i += (size_t)k;
    }
    *to = *from == n ? n : end;
}

static const char *ascii_key(apr_pool_t *p, const char *user)
{
    char *k, *e;

    while (apr_isspace(*user)) user++;
    k = apr_pstrdup(p, user);
    for (e = k + strlen(k); e > k && apr_isspace(e[-1]); e--) e[-1] = '\0';
    for (e = k; *e; e++) *e = (char)apr_tolower(*e);
    return k;
}

const char *isms_user_key(apr_pool_t *p, const char *user)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n;
    size_t from, to;
    const char *out;

    if (!user) return "";
    n = utf8proc_map((const utf8proc_uint8_t *)user, 0, &m, UTF8PROC_NULLTERM |
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                     UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (n < 0) return ascii_key(p, user);
    trim(m, (size_t)n, &from, &to);
    out = apr_pstrmemdup(p, (const char *)m + from, to - from);
    free(m);
    return out;
}

int isms_same_user(apr_pool_t *p, const char *a, const char *b)
{
    return a && b && strcmp(isms_user_key(p, a), isms_user_key(p, b)) == 0;
}

const char *isms_user_name_check(apr_pool_t *p, const char *user)
{
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)user;
    utf8proc_int32_t c;
    utf8proc_ssize_t k;

    while (*s) {
        if ((k = utf8proc_iterate(s, -1, &c)) <= 0) return "is not valid UTF-8";
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_CC) {
            return apr_psprintf(p, "contains the control character U+%04X", (unsigned)c);
        }
        if (utf8proc_get_property(c)->ignorable) {
            return apr_psprintf(p, "contains the default-ignorable code point U+%04X",
                                (unsigned)c);
        }
        s += k;
    }
    return NULL;
}
