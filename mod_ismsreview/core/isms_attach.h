/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence attachments (issue 13): files attached to a review, one of its items or an action
 * progress update. The bytes are stored content-addressed under ISMSReviewEvidenceDir
 * (DIR/sha256/ab/abcdef..., written once through a temporary file in DIR/tmp and renamed into
 * place); the row (table attachment, migration 008) names them by SHA-256 and size, and every
 * read of the bytes re-hashes them first. Attachments of the review and its items are part of
 * the sealed content (key "attachments" when there are any); those of progress updates are
 * tracking data, addable after approval. */
#ifndef ISMS_ATTACH_H
#define ISMS_ATTACH_H

#include <apr_file_io.h>
#include <apr_hash.h>

#include "isms_api.h"

#define ISMS_ATT_UPDATES "updates"
/* Directories under ISMSReviewEvidenceDir: the owner (Apache's user) and its group only. */
#define ISMS_ATT_DIR_PERMS (APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE | \
                            APR_FPROT_GREAD | APR_FPROT_GEXECUTE)

/* ---- the content-addressed files (isms_attach_store.c); no database */

/* An upload in progress: a temporary file in DIR/tmp and the SHA-256 of what was written. */
typedef struct isms_att_tmp isms_att_tmp;

/* 0 on success, else -1 and err. The file is removed when p is cleared unless stored. */
int isms_att_tmp_open(apr_pool_t *p, const char *dir, isms_att_tmp **out, const char **err);
int isms_att_tmp_write(isms_att_tmp *t, const void *buf, apr_size_t n, const char **err);
/* Closes the file: its lower-case hex SHA-256, size and path (for libmagic). */
int isms_att_tmp_close(isms_att_tmp *t, const char **sha256, apr_off_t *size,
                       const char **path, const char **err);
/* Renames the closed file to its content address (read-only); an existing file of that
 * address is replaced (it has the same bytes, or was damaged). */
void isms_att_tmp_discard(isms_att_tmp *t);
int isms_att_tmp_store(isms_att_tmp *t, const char **err);

/* DIR/sha256/ab/abcdef... */
const char *isms_att_path(apr_pool_t *p, const char *dir, const char *sha256);

/* Opens the stored file and re-hashes it: 0 when it has that SHA-256 and size (*f is then at
 * offset 0), 1 when it does not (*why says what it has), -1 when it cannot be read. */
int isms_att_open_checked(apr_pool_t *p, const char *dir, const char *sha256, apr_off_t size,
                          apr_file_t **f, const char **why);

/* The files under DIR/sha256 whose hash is not a key of known, and every file left in
 * DIR/tmp (an upload cut off by a crash), appended to out (const char *, paths). */
void isms_att_unreferenced(apr_pool_t *p, const char *dir, apr_hash_t *known,
                           apr_array_header_t *out);

/* Streams a file through a callback in 64 KiB chunks, hashing it: 0 and *sha256 (hex), or -1
 * (the callback's non-zero return or a read error; err). */
typedef int isms_att_sink(void *arg, const char *buf, apr_size_t n);
int isms_att_stream(apr_pool_t *p, apr_file_t *f, isms_att_sink *sink, void *arg,
                    const char **sha256, apr_off_t *size, const char **err);

/* ---- media types (isms_attach_type.c) */

/* The default of ISMSReviewAttachmentTypes: PDF, PNG, JPEG, plain text, CSV, the Office Open
 * XML and OpenDocument text, spreadsheet and presentation types. NULL-ended. */
extern const char *const isms_att_default_types[];

/* The type/subtype of a Content-Type, lower-case, without parameters; NULL if malformed. */
const char *isms_att_media_type(apr_pool_t *p, const char *content_type);

/* 0 when declared is in allowed (NULL: the default list) and the file's magic bytes agree
 * with it; 415 (or 500 when libmagic fails) with *why otherwise. */
int isms_att_type_check(apr_pool_t *p, const char *path, const char *declared,
                        const char *const *allowed, const char **why);

/* ---- file names in headers (isms_attach_name.c) */

/* The file name of an upload's Content-Disposition: attachment; filename*=UTF-8''... (RFC
 * 6266/8187, preferred) or filename="..." / filename=token; NULL if absent or malformed. */
const char *isms_att_disposition_name(apr_pool_t *p, const char *cd);
/* NULL when name is acceptable as stored and sent back, else why not. */
const char *isms_att_filename_problem(const char *name);
/* A download's Content-Disposition: attachment with an ASCII filename="..." (other
 * characters '_') and the exact name as filename*=UTF-8''... */
const char *isms_att_content_disposition(apr_pool_t *p, const char *name);

/* ---- the rows (isms_attach.c) */

typedef struct {
    const char *item;            /* "actions/12", "updates/5", or NULL: the review */
    const char *filename, *media_type, *sha256;
    apr_off_t size;
} isms_att_new;

/* POST v1/reviews/{id}/attachments, after the bytes are stored: 201 + the attachment. */
isms_result isms_attach_create(isms_ctx *ctx, long long review_id, const isms_att_new *in);
/* GET v1/reviews/{id}/attachments: {"items": [...]}. */
isms_result isms_attach_list(isms_ctx *ctx, long long review_id);
/* The attachment row (as the API shows it, plus review_id): 200 or 404. */
isms_result isms_attach_get(isms_ctx *ctx, long long id);
/* DELETE v1/attachments/{id}: 204; 409 unless the review is a draft. */
isms_result isms_attach_delete(isms_ctx *ctx, long long id);

/* The attachments sealed with the review (all but progress-update ones), oldest first, or an
 * empty array. */
isms_db_status isms_attach_sealed(isms_ctx *ctx, long long review_id, json_t **out,
                                  const char **err);
/* Adds "attachments" to sealed content when the review has any (isms_workflow.c). */
isms_db_status isms_attach_seal_into(isms_ctx *ctx, long long review_id, json_t *content,
                                     const char **err);

/* Every stored attachment re-hashed (ismsreview-admin verify), those of the rows and those
 * the sealed versions list: one line per problem into problems (const char *); *count is the
 * number of files checked; each hash named is added to known (when not NULL). */
isms_db_status isms_attach_verify_all(isms_ctx *ctx, const char *dir,
                                      apr_array_header_t *problems, long long *count,
                                      apr_hash_t *known, const char **err);

/* The name of an attachment in the evidence pack: attachments/<id>/<filename>. */
const char *isms_attach_pack_name(apr_pool_t *p, const json_t *att);

#endif
