/* SPDX-License-Identifier: Apache-2.0 */
/* What every report shares: format negotiation, the result of a document, value formatting. */
#include "isms_report.h"
#include "isms_escape.h"
#include "isms_json.h"
#include "isms_ops.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    isms_fmt fmt;
    const char *name, *type, *ext;
} formats[] = {
    {ISMS_FMT_HTML, "html", "text/html", "html"},
    {ISMS_FMT_JSON, "json", "application/json", "json"},
    {ISMS_FMT_CSV, "csv", "text/csv", "csv"},
};
#define NFORMATS ((int)(sizeof(formats) / sizeof(formats[0])))

/* The q of a media range of an Accept header ("text/csv; q=0.5"): its type into *type. */
static double accept_range(apr_pool_t *p, char *range, const char **type)
{
    char *last, *param = apr_strtok(range, ";", &last);
    double v = 1.0;

    apr_collapse_spaces(param, param);         /* returns the end, not the string */
    *type = param;
    while ((param = apr_strtok(NULL, ";", &last))) {
        apr_collapse_spaces(param, param);
        if ((param[0] == 'q' || param[0] == 'Q') && param[1] == '=') v = strtod(param + 2, NULL);
    }
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The q the header gives this exact type (wildcards are left to the report's default);
 * -1 when the type is not listed. */
static double accept_q(apr_pool_t *p, const char *accept, const char *type)
{
    char *list = apr_pstrdup(p, accept), *tok, *last;
    double best = -1;

    for (tok = apr_strtok(list, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
        const char *t;
        double q = accept_range(p, tok, &t);
        if (!strcasecmp(t, type) && q > best) best = q;
    }
    return best;
}

/* ?format=name: the format if the report has it. */
static isms_fmt by_name(const char *name, int allowed)
{
    int i;

    for (i = 0; i < NFORMATS; i++) {
        if (strcmp(name, formats[i].name) == 0) break;
    }
    return i < NFORMATS && (allowed & (int)formats[i].fmt) ? formats[i].fmt : ISMS_FMT_NONE;
}

isms_fmt isms_report_format(apr_pool_t *p, const char *param, const char *accept, int allowed,
                            isms_fmt dflt)
{
    isms_fmt pick = dflt;
    double best = 0;
    int i;

    if (param) return by_name(param, allowed);
    if (!accept || !*accept) return dflt;
    for (i = 0; i < NFORMATS; i++) {
        double q;
        if (!(allowed & formats[i].fmt)) continue;
        q = accept_q(p, accept, formats[i].type);
        if (q > best || (q > 0 && q == best && formats[i].fmt == dflt)) {
            pick = formats[i].fmt;
            best = q;
        }
    }
    return pick;
}

isms_result isms_report_pick(isms_ctx *ctx, const isms_query *q, const char *accept,
                             int allowed, isms_fmt dflt, isms_fmt *fmt)
{
    isms_result ok = {0};
    const char *param = q ? apr_table_get(q, "format") : NULL;

    *fmt = isms_report_format(ctx->pool, param, accept, allowed, dflt);
    if (*fmt != ISMS_FMT_NONE) return ok;
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                            apr_psprintf(ctx->pool, "format must be one of:%s%s%s",
                                         allowed & ISMS_FMT_HTML ? " html" : "",
                                         allowed & ISMS_FMT_JSON ? " json" : "",
                                         allowed & ISMS_FMT_CSV ? " csv" : ""));
}

isms_result isms_report_raw(isms_ctx *ctx, const isms_buf *b, const char *type,
                            const char *filename, const char *csp)
{
    isms_result r = {0};

    r.status = 200;
    r.raw = b->s;
    r.raw_len = b->len;
    r.content_type = type;
    r.filename = filename;
    r.csp = csp;
    return r;
}

isms_result isms_report_csv(isms_ctx *ctx, const isms_buf *b, const char *filename)
{
    return isms_report_raw(ctx, b, "text/csv; charset=utf-8; header=present", filename, NULL);
}

isms_result isms_report_json(isms_ctx *ctx, const json_t *doc, const char *filename)
{
    size_t len;
    const char *s = isms_json_dump(ctx->pool, doc, &len);
    isms_buf *b = isms_buf_new(ctx->pool, len + 2);

    isms_buf_add(b, s, len);
    return isms_report_raw(ctx, b, "application/json; charset=utf-8", filename, NULL);
}

const char *isms_report_filename(apr_pool_t *p, const char *name, isms_fmt fmt)
{
    int i;

    for (i = 0; i < NFORMATS; i++) {
        if (formats[i].fmt == fmt) {
            return isms_safe_filename(p, apr_pstrcat(p, name, ".", formats[i].ext, NULL));
        }
    }
    return isms_safe_filename(p, name);
}

const json_t *isms_report_get(const json_t *o, const char *path)
{
    const char *dot = strchr(path, '.');
    char key[64];
    size_t n = dot ? (size_t)(dot - path) : strlen(path);

    if (!json_is_object(o) || n >= sizeof(key)) return NULL;
    memcpy(key, path, n);
    key[n] = '\0';
    o = json_object_get(o, key);
    return dot ? isms_report_get(o, dot + 1) : o;
}

static const char *scalar_text(apr_pool_t *p, const json_t *v)
{
    char num[64];

    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) {
        return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(v));
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%.15g", json_real_value(v));
        return apr_pstrdup(p, num);
    }
    if (json_is_boolean(v)) return json_is_true(v) ? "yes" : "no";
    return "";
}

/* An object as "key=value key=value" (its members in their order, nested ones in braces). */
static const char *object_text(apr_pool_t *p, const json_t *o)
{
    const char *out = "", *key;
    json_t *v;

    json_object_foreach((json_t *)o, key, v) {
        if (json_is_null(v)) continue;
        out = apr_pstrcat(p, out, *out ? " " : "", key, "=", json_is_object(v)
                          ? apr_pstrcat(p, "{", object_text(p, v), "}", NULL)
                          : json_is_array(v) ? apr_pstrcat(p, "[", isms_report_text(p, v), "]",
                                                           NULL)
                          : scalar_text(p, v), NULL);
    }
    return out;
}

const char *isms_report_text(apr_pool_t *p, const json_t *v)
{
    const char *out = "";
    size_t i;

    if (json_is_object(v)) return object_text(p, v);
    if (!json_is_array(v)) return scalar_text(p, v);
    for (i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        out = apr_pstrcat(p, out, !i ? "" : json_is_object(e) ? "; " : ", ",
                          json_is_object(e) ? object_text(p, e) : scalar_text(p, e), NULL);
    }
    return out;
}

const char *isms_report_field(apr_pool_t *p, const json_t *o, const char *path)
{
    return isms_report_text(p, isms_report_get(o, path));
}

const char *isms_add_months(apr_pool_t *p, const char *date, int months)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = atoi(date), m = atoi(date + 5) - 1 + months, d = atoi(date + 8), last;

    y += m >= 0 ? m / 12 : (m - 11) / 12;
    m = ((m % 12) + 12) % 12;
    last = mdays[m] + (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return apr_psprintf(p, "%04d-%02d-%02d", y, m + 1, d > last ? last : d);
}

int isms_report_action_open(const char *status)
{
    return status && strcmp(status, "COMPLETED") != 0 &&
           strcmp(status, "VERIFIED_EFFECTIVE") != 0 && strcmp(status, "CANCELLED") != 0;
}
