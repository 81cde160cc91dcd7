/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_path.h"
#include "isms_entity.h"
#include "isms_sql.h"
#include "isms_workflow.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

#define ISMS_QUERY_MAX 4096

const char *isms_path_route(const char *uri, const char *location, size_t len)
{
    while (len > 0 && location[len - 1] == '/') len--;       /* "/isms/api/" = "/isms/api" */
    if (!uri || strncmp(uri, location, len) != 0 || uri[len] != '/') return NULL;
    return uri + len + 1;
}

/* A positive integer without leading zeros, small enough for any database's BIGINT. */
static int match_id(const char *seg, size_t n, long long *out)
{
    long long v = 0;
    size_t i;

    if (n == 0 || n > 15 || seg[0] == '0') return 0;
    for (i = 0; i < n; i++) {
        if (!apr_isdigit(seg[i])) return 0;
        v = v * 10 + (seg[i] - '0');
    }
    *out = v;
    return 1;
}

static int match_segment(apr_pool_t *p, isms_path_vars *v, const char *pat, size_t pn,
                         const char *seg, size_t sn, int *nids)
{
    if (pn == 4 && strncmp(pat, "{id}", 4) == 0) {
        return *nids < 2 && match_id(seg, sn, &v->ids[(*nids)++]);
    }
    if (pn == 4 && strncmp(pat, "{wf}", 4) == 0) {
        const char *wf = apr_pstrmemdup(p, seg, sn);
        if (!isms_workflow_action_known(wf)) return 0;
        v->wf = wf;
        return 1;
    }
    if (pn == 6 && strncmp(pat, "{coll}", 6) == 0) {
        const char *coll = apr_pstrmemdup(p, seg, sn);
        if (!isms_entity_by_collection(coll)) return 0;
        v->coll = coll;
        return 1;
    }
    return pn == sn && strncmp(pat, seg, sn) == 0;
}

int isms_path_match(apr_pool_t *p, const char *pattern, const char *path, isms_path_vars *v)
{
    int nids = 0;

    memset(v, 0, sizeof(*v));
    while (*pattern && *path) {
        size_t pn = strcspn(pattern, "/"), sn = strcspn(path, "/");
        if (!match_segment(p, v, pattern, pn, path, sn, &nids)) break;
        pattern += pn;
        path += sn;
        if (*pattern != *path) break;              /* one ends, the other goes on */
        if (*pattern) {
            pattern++;
            path++;
        }
    }
    if (!*pattern && !*path) return 1;
    memset(v, 0, sizeof(*v));
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int isms_path_unescape(char *s)
{
    char *o = s;
    int bad = 0;

    for (; *s; s++) {
        if (*s == '+') *o++ = ' ';
        else if (*s != '%') *o++ = *s;
        else if (hexval(s[1]) < 0 || hexval(s[2]) < 0) {
            bad = 1;
            *o++ = '%';
        }
        else {
            char c = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            if (c == '\0') bad = 1;
            *o++ = c;
            s += 2;
        }
    }
    if (o != s) *o = '\0';                      /* (s may be a constant "") */
    return bad ? -1 : 0;
}

const char *isms_path_query(apr_pool_t *p, const char *args, apr_table_t **out)
{
    char *copy, *last, *pair;

    *out = apr_table_make(p, 8);
    if (!args || !*args) return NULL;
    if (strlen(args) > ISMS_QUERY_MAX) return "the query string is too long";
    copy = apr_pstrdup(p, args);
    for (pair = apr_strtok(copy, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
        char *eq = strchr(pair, '='), *key = pair, *val = eq ? eq + 1 : "";
        if (eq) *eq = '\0';
        if (!*key) return "a query parameter has no name";
        if (isms_path_unescape(key) != 0 || isms_path_unescape(val) != 0 ||
            isms_text_check(key, strlen(key)) || isms_text_check(val, strlen(val))) {
            return "a query parameter is not valid";
        }
        if (apr_table_get(*out, key)) {
            return apr_psprintf(p, "parameter %s is given more than once", key);
        }
        apr_table_setn(*out, key, val);
    }
    return NULL;
}
