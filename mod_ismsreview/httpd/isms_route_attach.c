/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence attachments over HTTP (issue 13):
 *   POST   v1/reviews/{id}/attachments[?item=<collection>/<id>]  the file as the raw body,
 *          Content-Type its media type, Content-Disposition: attachment; filename*=UTF-8''...
 *   GET    v1/reviews/{id}/attachments                            the list
 *   GET    v1/attachments/{id}                                    the bytes, re-hashed first
 *   DELETE v1/attachments/{id}                                    while the review is a draft
 * The upload is streamed: read in 64 KiB blocks, hashed and written to a temporary file as it
 * arrives, checked (size, type against the magic bytes), stored content-addressed, and only
 * then is the row written in the request's one transaction (isms_handle_record). */
#include "mod_ismsreview.h"
#include "isms_route_ops.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_protocol.h"

#include "isms_attach.h"

APLOG_USE_MODULE(ismsreview);

#define REQ(arg) ((isms_req *)(arg))
#define BLOCK (64 * 1024)

isms_result isms_op_attach_list(isms_ctx *c, void *a)
{
    return isms_attach_list(c, REQ(a)->ids[0]);
}

isms_result isms_op_attach_create(isms_ctx *c, void *a)
{
    return isms_attach_create(c, REQ(a)->ids[0], REQ(a)->att);
}

isms_result isms_op_attach_get(isms_ctx *c, void *a)
{
    return isms_attach_get(c, REQ(a)->ids[0]);
}

isms_result isms_op_attach_delete(isms_ctx *c, void *a)
{
    return isms_attach_delete(c, REQ(a)->ids[0]);
}

static isms_result bad_request(isms_req *q, const char *slug, const char *detail)
{
    return isms_req_problem(q, HTTP_BAD_REQUEST, slug, "Bad request", detail);
}

static isms_result unsupported(isms_req *q, const char *detail)
{
    return isms_req_problem(q, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                            "Unsupported media type", detail);
}

static isms_result too_large(isms_req *q, apr_off_t max)
{
    return isms_req_problem(q, HTTP_REQUEST_ENTITY_TOO_LARGE, "too-large",
                            "Attachment too large", apr_psprintf(q->r->pool, "the attachment "
                            "exceeds %" APR_OFF_T_FMT " bytes (ISMSReviewMaxAttachment)", max));
}

/* The headers of an upload: the type, the name, the size; status 0, or the problem. */
static isms_result upload_headers(isms_req *q, isms_att_new *in, apr_off_t max)
{
    request_rec *r = q->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *ce = apr_table_get(r->headers_in, "Content-Encoding");
    const char *cd = apr_table_get(r->headers_in, "Content-Disposition");
    const char *why;

    if (apr_table_elts(q->query)->nelts > (apr_table_get(q->query, "item") ? 1 : 0)) {
        return bad_request(q, "bad-parameter", "an upload takes only the parameter item");
    }
    in->item = apr_table_get(q->query, "item");
    if (!(in->media_type = isms_att_media_type(r->pool, apr_table_get(r->headers_in,
                                                                      "Content-Type")))) {
        return unsupported(q, "send the file's media type as Content-Type");
    }
    if (ce && strcasecmp(ce, "identity") != 0) {
        return unsupported(q, "send the file without a Content-Encoding");
    }
    in->filename = cd ? isms_att_disposition_name(r->pool, cd) : NULL;
    if ((why = isms_att_filename_problem(in->filename))) {
        return bad_request(q, "bad-filename", why);
    }
    if (cl && apr_atoi64(cl) > max) return too_large(q, max);
    return isms_res_pass();
}

static isms_result io_failed(isms_req *q, const char *err)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r, ISMS_LOGNO(21404)
                  "attachment upload: %s", err);
    return isms_req_problem(q, HTTP_INTERNAL_SERVER_ERROR, "attachment-store",
                            "Attachment not stored", "the attachment could not be written; "
                            "see the server's error log");
}

/* The body, block by block, into a temporary file (hashed as it goes). */
static isms_result receive(isms_req *q, isms_att_tmp *t, apr_off_t max)
{
    request_rec *r = q->r;
    char *buf = apr_palloc(r->pool, BLOCK);
    const char *err = NULL;
    apr_off_t total = 0;
    long got;
    int rc;

    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        return isms_res_refusal(rc);
    }
    if (!ap_should_client_block(r)) return isms_res_pass();
    while ((got = ap_get_client_block(r, buf, BLOCK)) > 0) {
        total += got;
        if (total > max) {
            isms_att_tmp_discard(t);
            return too_large(q, max);
        }
        if (isms_att_tmp_write(t, buf, (apr_size_t)got, &err) != 0) {
            isms_att_tmp_discard(t);
            return io_failed(q, err);
        }
    }
    if (got < 0) {
        isms_att_tmp_discard(t);
        return bad_request(q, "body-read", "the request body could not be read completely "
                           "(shorter than its Content-Length?)");
    }
    return isms_res_pass();
}

/* Received, closed, typed and stored: the file is in place before the row that names it. */
static isms_result take_file(isms_req *q, isms_att_new *in)
{
    request_rec *r = q->r;
    apr_off_t max = isms_dir_max_attachment(q->dconf);
    const char *err = NULL, *path = NULL, *sha = NULL;
    isms_att_tmp *t;
    isms_result res;
    int rc;

    if (isms_att_tmp_open(r->pool, q->sconf->evidence_dir, &t, &err) != 0) {
        return io_failed(q, err);
    }
    if ((res = receive(q, t, max)).status) {
        isms_att_tmp_discard(t);
        return res;
    }
    rc = isms_att_tmp_close(t, &sha, &in->size, &path, &err);
    in->sha256 = sha;
    if (rc == 0 && in->size == 0) rc = 400, err = "the attachment is empty";
    if (rc == 0) rc = isms_att_type_check(r->pool, path, in->media_type,
                                          (const char *const *)q->dconf->attachment_types, &err);
    if (rc == 0 && isms_att_tmp_store(t, &err) == 0) return isms_res_pass();
    isms_att_tmp_discard(t);
    if (rc == 400) return bad_request(q, "empty-body", err);
    return rc == 415 ? unsupported(q, err) : io_failed(q, err);
}

int isms_handle_attach_upload(isms_req *q)
{
    isms_att_new *in = apr_pcalloc(q->r->pool, sizeof(*in));
    isms_result res;

    if (!q->sconf->evidence_dir) {
        return isms_respond(q, isms_req_problem(q, HTTP_NOT_IMPLEMENTED,
                                                "attachments-disabled",
                                                "Attachments not enabled", "this server has no "
                                                "ISMSReviewEvidenceDir, so it keeps no "
                                                "attachments"));
    }
    if ((res = upload_headers(q, in, isms_dir_max_attachment(q->dconf))).status ||
        (res = take_file(q, in)).status) {
        return isms_respond(q, res);
    }
    q->att = in;
    /* what an Idempotency-Key is bound to: this file, this name, this item */
    q->raw = apr_pstrcat(q->r->pool, in->sha256, " ", in->media_type, " ", in->filename, " ",
                         in->item ? in->item : "", NULL);
    q->raw_len = strlen(q->raw);
    return isms_handle_record(q);
}

/* ---- download */

static int damaged(isms_req *q, const json_t *att, int rc, const char *why)
{
    apr_int64_t id = json_integer_value(json_object_get(att, "id"));
    apr_int64_t rid = json_integer_value(json_object_get(att, "review_id"));

    if (rc > 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r, ISMS_LOGNO(21401)
                      "attachment %" APR_INT64_T_FMT " of review %" APR_INT64_T_FMT
                      " does not match its record, not sent: %s", id, rid, why);
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r, ISMS_LOGNO(21403)
                      "attachment %" APR_INT64_T_FMT " of review %" APR_INT64_T_FMT
                      " cannot be read: %s", id, rid, why);
    }
    return isms_respond(q, isms_req_problem(q, HTTP_INTERNAL_SERVER_ERROR,
                            rc > 0 ? "attachment-damaged" : "attachment-unreadable",
                            rc > 0 ? "Attachment damaged" : "Attachment unreadable",
                            rc > 0 ? "the stored file no longer has the SHA-256 on record; "
                                     "it is not sent"
                                   : "the stored file cannot be read; see the server's "
                                     "error log"));
}

static int send_file(isms_req *q, const json_t *att, apr_file_t *f)
{
    request_rec *r = q->r;
    const char *name = json_string_value(json_object_get(att, "filename"));
    apr_off_t size = (apr_off_t)json_integer_value(json_object_get(att, "size"));
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);

    ap_set_content_type(r, json_string_value(json_object_get(att, "media_type")));
    apr_table_setn(r->headers_out, "Content-Disposition",
                   isms_att_content_disposition(r->pool, name));
    apr_table_setn(r->headers_out, "Content-Security-Policy", "sandbox; default-src 'none'");
    apr_table_setn(r->headers_out, "ETag", apr_psprintf(r->pool, "\"sha256-%s\"",
                   json_string_value(json_object_get(att, "sha256"))));
    ap_set_content_length(r, size);
    r->status = HTTP_OK;
    if (size) apr_brigade_insert_file(bb, f, 0, size, r->pool);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

int isms_handle_attach_download(isms_req *q)
{
    const char *err = NULL;
    isms_conn *c;
    isms_ctx ctx;
    isms_result res;
    apr_file_t *f = NULL;
    int rc;
    isms_db_status st = isms_acquire(q, &c, &err);

    if (st != ISMS_DB_OK) return isms_respond_db(q, st, err);
    isms_make_ctx(q, c, &ctx);
    res = isms_txn_read(&ctx, isms_op_attach_get, q);
    if (res.status != HTTP_OK) return isms_respond(q, res);
    if (!q->sconf->evidence_dir) {
        return damaged(q, res.body, -1, "no ISMSReviewEvidenceDir is configured");
    }
    rc = isms_att_open_checked(q->r->pool, q->sconf->evidence_dir,
                               json_string_value(json_object_get(res.body, "sha256")),
                               (apr_off_t)json_integer_value(json_object_get(res.body, "size")),
                               &f, &err);
    return rc ? damaged(q, res.body, rc, err) : send_file(q, res.body, f);
}
