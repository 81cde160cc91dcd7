/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence pack with attachments, written to a file under ISMSReviewEvidenceDir and sent
 * from there: the attachments are copied in chunks (memory does not grow with them), and the
 * pack of a sealed version is built once (DIR/packs/<id>-v<n>-<content hash>.zip) and reused. */
#include "isms_evidence.h"
#include "isms_attach.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>
#include <unistd.h>

/* The attachments of the version: sealed ones from the sealed record, else every row. */
static isms_result attachments_of(isms_ctx *ctx, long long id, const json_t *record,
                                  const json_t **list)
{
    isms_result r = {0};

    if (json_is_true(json_object_get(record, "sealed"))) {
        *list = json_object_get(record, "attachments");
        r.status = 200;
        return r;
    }
    r = isms_attach_list(ctx, id);
    if (r.status == 200) *list = json_object_get(r.body, "items");
    return r;
}

isms_result isms_evidence_add_attachments(isms_ctx *ctx, apr_array_header_t *files,
                                          long long id, const json_t *record)
{
    const json_t *list = NULL, *a;
    size_t i;
    isms_result r = attachments_of(ctx, id, record, &list);

    if (r.status != 200 || !json_array_size(list)) return r;
    if (!ctx->evidence_dir) {
        return isms_res_problem(ctx->pool, 500, "evidence", "Evidence pack failed", "the "
                                "review has attachments, but no ISMSReviewEvidenceDir is set");
    }
    json_array_foreach(list, i, a) {
        isms_ev_file *f = apr_array_push(files);
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        f->name = isms_attach_pack_name(ctx->pool, a);
        f->data = NULL;
        f->len = (size_t)json_integer_value(json_object_get(a, "size"));
        f->sha256 = sha ? sha : "";
        f->path = isms_att_path(ctx->pool, ctx->evidence_dir, f->sha256);
    }
    return r;
}

static apr_status_t remove_file(void *path)
{
    unlink(path);
    return APR_SUCCESS;
}

/* A new file name in dir (created empty, so the name is ours). */
static const char *fresh_name(apr_pool_t *p, const char *dir, const char **err)
{
    char *tmpl = apr_pstrcat(p, dir, "/pack-XXXXXX", NULL);
    apr_file_t *f;
    apr_status_t rv = apr_dir_make_recursive(dir, ISMS_ATT_DIR_PERMS, p);

    if (rv == APR_SUCCESS) rv = apr_file_mktemp(&f, tmpl, APR_FOPEN_CREATE | APR_FOPEN_WRITE |
                                                APR_FOPEN_EXCL, p);
    if (rv != APR_SUCCESS) {
        char buf[256];
        *err = apr_psprintf(p, "cannot create a file in %s: %s", dir,
                            apr_strerror(rv, buf, sizeof(buf)));
        return NULL;
    }
    apr_file_close(f);
    return tmpl;
}

static isms_result pack_failed(isms_ctx *ctx, const char *err)
{
    return isms_res_problem(ctx->pool, 500, "evidence", "Evidence pack failed", err);
}

static isms_result sent_from(isms_ctx *ctx, const char *path, const char *name)
{
    isms_result r = {0};
    apr_finfo_t fi;

    if (apr_stat(&fi, path, APR_FINFO_SIZE, ctx->pool) != APR_SUCCESS) {
        return pack_failed(ctx, "the pack file vanished");
    }
    r.status = 200;
    r.raw_path = path;
    r.raw_len = (size_t)fi.size;
    r.content_type = "application/zip";
    r.filename = name;
    return r;
}

/* DIR/packs/<review>-v<n>-<content hash>-<audit scope>.zip of a sealed version; NULL for
 * another. (Packs kept before the scope was in the name held the review's whole extract:
 * they are never sent again.) */
static const char *kept_path(isms_ctx *ctx, const json_t *meta)
{
    const char *hash = json_string_value(json_object_get(meta, "content_hash"));
    const char *scope = json_string_value(json_object_get(meta, "audit_scope"));

    if (!hash || !scope) return NULL;
    return apr_psprintf(ctx->pool, "%s/packs/%" APR_INT64_T_FMT "-v%" APR_INT64_T_FMT
                        "-%s-%s.zip", ctx->evidence_dir,
                        (apr_int64_t)json_integer_value(json_object_get(meta, "review_id")),
                        (apr_int64_t)json_integer_value(json_object_get(meta, "version")), hash,
                        scope);
}

isms_result isms_evidence_kept(isms_ctx *ctx, const json_t *meta, const char *name)
{
    const char *kept = kept_path(ctx, meta);
    isms_result none = {0};
    apr_finfo_t fi;

    if (kept && apr_stat(&fi, kept, APR_FINFO_TYPE, ctx->pool) == APR_SUCCESS) {
        return sent_from(ctx, kept, name);
    }
    return none;
}

isms_result isms_evidence_pack_file(isms_ctx *ctx, const apr_array_header_t *files,
                                    const json_t *meta, const char *name)
{
    const char *cached = kept_path(ctx, meta), *tmp, *err = NULL;
    isms_result r = isms_evidence_kept(ctx, meta, name);

    if (r.status) return r;
    tmp = fresh_name(ctx->pool, apr_pstrcat(ctx->pool, ctx->evidence_dir, cached ? "/packs"
                                            : "/tmp", NULL), &err);
    if (!tmp) return pack_failed(ctx, err);
    apr_pool_cleanup_register(ctx->pool, tmp, remove_file, apr_pool_cleanup_null);
    if (isms_evidence_build_file(ctx->pool, files, meta, tmp, &err) != 0) {
        return pack_failed(ctx, err);
    }
    /* a concurrent build of the same sealed pack renames the same bytes over it */
    if (cached && apr_file_rename(tmp, cached, ctx->pool) == APR_SUCCESS) {
        return sent_from(ctx, cached, name);
    }
    return sent_from(ctx, tmp, name);
}
