/* SPDX-License-Identifier: Apache-2.0 */
/* What a request brings: its query string (each parameter at most once) and its JSON body
 * (application/json only, limited by ISMSReviewMaxBody also when chunked, duplicate keys
 * rejected, nesting bounded). */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_json.h"
#include "isms_path.h"
#include "isms_sql.h"
#include "isms_validate.h"

APLOG_USE_MODULE(ismsreview);

#define ISMS_MAX_DEPTH 8

static isms_result bad_request(isms_req *q, const char *slug, const char *detail)
{
    return isms_res_problem(q->r->pool, HTTP_BAD_REQUEST, slug, "Bad request", detail);
}

static isms_result too_large(isms_req *q, apr_off_t max)
{
    return isms_res_problem(q->r->pool, HTTP_REQUEST_ENTITY_TOO_LARGE, "too-large",
                            "Body too large", apr_psprintf(q->r->pool, "the request body "
                            "exceeds %" APR_OFF_T_FMT " bytes (ISMSReviewMaxBody)", max));
}

static isms_result cross_site(isms_req *q, const char *detail)
{
    return isms_res_problem(q->r->pool, HTTP_FORBIDDEN, "cross-site",
                            "Cross-site request refused", detail);
}

static isms_result unsupported(isms_req *q, const char *slug, const char *title,
                               const char *detail)
{
    return isms_res_problem(q->r->pool, HTTP_UNSUPPORTED_MEDIA_TYPE, slug, title, detail);
}

/* application/json, optionally with charset=utf-8, nothing else. */
static int json_content_type(const char *ct)
{
    const char *semi;

    if (!ct || strncasecmp(ct, "application/json", 16) != 0) return 0;
    semi = ct + 16;
    while (*semi == ' ') semi++;
    if (!*semi) return 1;
    if (*semi != ';') return 0;
    semi++;
    while (*semi == ' ') semi++;
    return strcasecmp(semi, "charset=utf-8") == 0 || strcasecmp(semi, "charset=\"utf-8\"") == 0;
}

static isms_result read_raw(isms_req *q, apr_off_t max, char **buf, apr_size_t *len)
{
    request_rec *r = q->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t cap = 8192, n = 0;
    long got;
    int rc;

    if (cl && apr_atoi64(cl) > max) return too_large(q, max);
    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        return isms_res_refusal(rc);
    }
    *buf = apr_palloc(r->pool, cap + 1);
    if (ap_should_client_block(r)) {
        for (;;) {
            if (cap - n < 4096) {
                char *nb = apr_palloc(r->pool, cap * 2 + 1);
                memcpy(nb, *buf, n);
                *buf = nb;
                cap *= 2;
            }
            got = ap_get_client_block(r, *buf + n, cap - n);
            if (got == 0) break;
            if (got < 0) {
                return bad_request(q, "body-read", "the request body could not be read "
                                   "completely (shorter than its Content-Length?)");
            }
            n += (apr_size_t)got;
            if ((apr_off_t)n > max) return too_large(q, max);
        }
    }
    (*buf)[n] = '\0';
    *len = n;
    return isms_res_pass();
}

/* The body as received: typed application/json, not encoded, within ISMSReviewMaxBody. */
static isms_result read_body(isms_req *q, char **buf, apr_size_t *len)
{
    request_rec *r = q->r;
    const char *ce = apr_table_get(r->headers_in, "Content-Encoding");

    if (!json_content_type(apr_table_get(r->headers_in, "Content-Type"))) {
        return unsupported(q, "unsupported-media-type", "Unsupported media type",
                           "send the body as Content-Type: application/json");
    }
    if (ce && strcasecmp(ce, "identity") != 0) {
        return unsupported(q, "unsupported-content-coding", "Unsupported content coding",
                           "send the JSON body without a Content-Encoding");
    }
    return read_raw(q, isms_dir_max_body(q->dconf), buf, len);
}

isms_result isms_read_json_body(isms_req *q)
{
    request_rec *r = q->r;
    json_error_t jerr;
    char *buf = NULL;
    apr_size_t len = 0;
    isms_result res = read_body(q, &buf, &len);

    if (res.status) return res;
    if (len == 0) return bad_request(q, "empty-body", "the request needs a JSON object body");
    if (isms_text_check(buf, len) && memchr(buf, '\0', len)) {
        return bad_request(q, "invalid-json", "the body contains a NUL byte");
    }
    if (isms_json_depth(buf, len, ISMS_MAX_DEPTH) > ISMS_MAX_DEPTH) {
        return bad_request(q, "too-deep", "the JSON document is nested too deeply");
    }
    q->body = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!q->body) {
        return bad_request(q, "invalid-json", apr_psprintf(r->pool, "malformed JSON at line "
                           "%d, column %d: %s", jerr.line, jerr.column, jerr.text));
    }
    isms_json_pool(r->pool, q->body);
    if (!json_is_object(q->body)) return bad_request(q, "invalid-json",
                                                     "the body must be a JSON object");
    q->raw = buf;
    q->raw_len = len;
    return res;
}

isms_result isms_parse_query(isms_req *q)
{
    const char *why = isms_path_query(q->r->pool, q->r->args, &q->query);

    if (why) return bad_request(q, "bad-parameter", why);
    /* no write reads a query parameter: one sent with a write (?status=APPROVED, ?_method=)
     * is a mistake or a probe, and would otherwise be ignored silently */
    if (q->method && q->method->write == 1 && q->r->args && *q->r->args) {
        return bad_request(q, "bad-parameter", "a write takes no query parameters");
    }
    return isms_res_pass();
}

/* Cross-site writes are refused: the browser tells us with Sec-Fetch-Site, and Origin must
 * name this server. (JSON-only bodies already rule out plain HTML forms.) */
isms_result isms_check_origin(isms_req *q)
{
    request_rec *r = q->r;
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *host = apr_table_get(r->headers_in, "Host");
    const char *o;

    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
        return cross_site(q, "writes are accepted only from this site");
    }
    if (origin && strcmp(origin, "null") != 0) {
        o = strstr(origin, "://");
        if (!o || !host || strcasecmp(o + 3, host) != 0) {
            return cross_site(q, "the Origin of this write is not this server");
        }
    }
    else if (origin) {
        return cross_site(q, "writes from an opaque origin are refused");
    }
    return isms_res_pass();
}
