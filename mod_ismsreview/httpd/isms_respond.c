/* SPDX-License-Identifier: Apache-2.0 */
/* The one response path. Checks, handlers and the core return an isms_result; isms_respond
 * sends it: a problem (application/problem+json, with Retry-After when the result says so,
 * a refused write put on record first), a JSON document, bytes (reports, packs), 204 or 304.
 * Nothing else sets a response's status or sends a body, except the attachment download's
 * file (isms_route_attach.c), which is a 200 only. */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_json.h"

APLOG_USE_MODULE(ismsreview);

static int send_body(request_rec *r, int status, const char *ctype, json_t *body)
{
    apr_bucket_brigade *bb;
    size_t len = 0;
    const char *s = isms_json_dump(r->pool, body, &len);

    if (!s) return HTTP_INTERNAL_SERVER_ERROR;
    r->status = status;
    ap_set_content_type(r, ctype);
    ap_set_content_length(r, (apr_off_t)len);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create(s, len, r->pool,
                                                       r->connection->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

static void content_disposition(request_rec *r, const isms_result *res)
{
    const char *ct = res->content_type ? res->content_type : "";

    apr_table_setn(r->headers_out, "Content-Disposition", apr_psprintf(r->pool,
                   "%s; filename=\"%s\"", strncmp(ct, "text/html", 9) ? "attachment" : "inline",
                   res->filename));
}

/* Reports: HTML (inline, with its Content-Security-Policy), CSV, iCalendar, ZIP (downloads). */
static int send_raw(request_rec *r, const isms_result *res)
{
    apr_bucket_brigade *bb;

    r->status = res->status;
    ap_set_content_type(r, res->content_type ? res->content_type : "application/octet-stream");
    if (res->csp) apr_table_setn(r->headers_out, "Content-Security-Policy", res->csp);
    if (res->filename) content_disposition(r, res);
    ap_set_content_length(r, (apr_off_t)res->raw_len);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    if (res->raw_path) {
        /* a pack on disk: sent by the core output filter from the file, not from memory */
        apr_file_t *f;
        if (apr_file_open(&f, res->raw_path, APR_FOPEN_READ | APR_FOPEN_BINARY |
                          APR_FOPEN_SENDFILE_ENABLED, APR_FPROT_OS_DEFAULT, r->pool)
            != APR_SUCCESS) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        apr_brigade_insert_file(bb, f, 0, (apr_off_t)res->raw_len, r->pool);
    }
    else {
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create(res->raw, res->raw_len, r->pool,
                                                           r->connection->bucket_alloc));
    }
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

/* Every state-changing request is on record, refused ones included: a 4xx the core did not
 * record (a check's, the glue's) goes into the audit trail before it is sent. */
static int send_problem(isms_req *q, const isms_result *res)
{
    if (q->method && q->method->write && !q->audited && res->status < 500) {
        isms_audit_refused(q, res->status);
    }
    isms_release(q);
    if (res->retry_after > 0) {
        apr_table_setn(q->r->headers_out, "Retry-After", apr_itoa(q->r->pool, res->retry_after));
    }
    return send_body(q->r, res->status, "application/problem+json; charset=utf-8", res->body);
}

static int not_modified(isms_req *q, const isms_result *res)
{
    const char *inm = apr_table_get(q->r->headers_in, "If-None-Match");

    return res->status == HTTP_OK && res->etag && q->r->method_number == M_GET && inm &&
           strstr(inm, res->etag);
}

int isms_respond(isms_req *q, isms_result res)
{
    request_rec *r = q->r;

    if (res.status >= 400 && !res.body) return res.status;     /* Apache's own refusal */
    if (res.etag) apr_table_setn(r->headers_out, "ETag", res.etag);
    if (res.location) {      /* the configured location (escaped) and the canonical route */
        apr_table_setn(r->headers_out, "Location",
                       apr_pstrcat(r->pool, ap_os_escape_path(r->pool, q->base, 1), "v1/",
                                   res.location, NULL));
    }
    if (res.status >= 400) return send_problem(q, &res);
    isms_release(q);
    if (not_modified(q, &res)) {
        r->status = HTTP_NOT_MODIFIED;
        return OK;
    }
    if (res.raw || res.raw_path) return send_raw(r, &res);
    if (res.status == HTTP_NO_CONTENT || !res.body) {
        r->status = res.status;
        return OK;
    }
    return send_body(r, res.status, "application/json; charset=utf-8", res.body);
}

isms_result isms_req_problem(isms_req *q, int status, const char *slug, const char *title,
                             const char *detail)
{
    return isms_res_problem(q->r->pool, status, slug, title, detail);
}

isms_result isms_res_pass(void)
{
    isms_result r = {0};

    return r;
}

isms_result isms_res_refusal(int status)
{
    isms_result r = {0};

    r.status = status;
    return r;
}

isms_result isms_res_json(int status, json_t *body)
{
    isms_result r = {0};

    r.status = status;
    r.body = body;
    return r;
}
