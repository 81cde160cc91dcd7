/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence pack's building blocks: JSON file text, the manifest, and the ZIP written and
 * read in memory with libarchive. No database. */
#include "isms_evidence.h"
#include "isms_canon.h"
#include "isms_json.h"
#include "isms_attach.h"
#include "isms_log.h"

#include <apr_strings.h>
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *isms_evidence_json_text(apr_pool_t *p, const json_t *j, size_t *len)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *out;
    size_t n;

    if (!s) return NULL;
    n = strlen(s);
    out = apr_palloc(p, n + 2);
    memcpy(out, s, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    free(s);
    if (len) *len = n + 1;
    return out;
}

void isms_evidence_add(apr_array_header_t *files, const char *name, const char *data,
                       size_t len)
{
    isms_ev_file *f = apr_array_push(files);

    f->name = name;
    f->data = data;
    f->len = len;
    f->path = NULL;
    f->sha256 = NULL;
}

/* The C library's printf (%zu, %lld ...), which the format attribute checks against. */
void isms_evidence_problem(apr_array_header_t *problems, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    s = apr_palloc(problems->pool, (apr_size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    APR_ARRAY_PUSH(problems, const char *) = s;
}

/* ---- the manifest */

const char *isms_evidence_manifest_hash(apr_pool_t *p, const json_t *manifest)
{
    json_t *c = json_copy((json_t *)manifest);
    const char *text;
    size_t len;

    if (!c) return NULL;
    json_object_del(c, "manifest_sha256");
    text = isms_canon(p, c, &len);
    json_decref(c);
    return text ? isms_sha256_hex(p, text, len, NULL, 0) : NULL;
}

json_t *isms_evidence_manifest(apr_pool_t *p, const json_t *meta,
                               const apr_array_header_t *files)
{
    json_t *m = json_deep_copy(meta), *list = json_array();
    int i;

    for (i = 0; i < files->nelts; i++) {
        const isms_ev_file *f = &APR_ARRAY_IDX(files, i, isms_ev_file);
        json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "name", f->name, "size",
                                              (json_int_t)f->len, "sha256", f->path ? f->sha256
                                              : isms_sha256_hex(p, f->data, f->len, NULL, 0)));
    }
    json_object_set_new(m, "files", list);
    json_object_del(m, "manifest_sha256");
    json_object_set_new(m, "manifest_sha256", json_string(isms_evidence_manifest_hash(p, m)));
    return m;
}

/* ---- ZIP in memory */

typedef struct {
    char *data;
    size_t len, cap;
} membuf;

static apr_status_t membuf_free(void *d)
{
    free(((membuf *)d)->data);
    return APR_SUCCESS;
}

static int membuf_append(membuf *m, const void *buf, size_t n)
{
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        char *d;
        while (cap < m->len + n) cap *= 2;
        if (!(d = realloc(m->data, cap))) return -1;
        m->data = d;
        m->cap = cap;
    }
    memcpy(m->data + m->len, buf, n);
    m->len += n;
    return 0;
}

static la_ssize_t membuf_write(struct archive *a, void *cd, const void *buf, size_t n)
{
    if (membuf_append(cd, buf, n) != 0) {
        archive_set_error(a, ENOMEM, "out of memory");
        return -1;
    }
    return (la_ssize_t)n;
}

static int archive_sink(void *arg, const char *buf, apr_size_t n)
{
    return archive_write_data(arg, buf, n) == (la_ssize_t)n ? 0 : -1;
}

/* An attachment, copied from its file and re-hashed on the way: a file that no longer has
 * the SHA-256 its record gives fails the pack (the manifest would list a hash it has not). */
static int write_file_data(struct archive *a, apr_pool_t *p, const isms_ev_file *f)
{
    apr_pool_t *sub;
    apr_file_t *fd;
    apr_finfo_t fi;
    apr_off_t size = 0;
    const char *sha = NULL, *why = NULL;
    int rc = ARCHIVE_OK;

    apr_pool_create(&sub, p);
    if (apr_file_open(&fd, f->path, APR_FOPEN_READ | APR_FOPEN_BINARY, APR_FPROT_OS_DEFAULT,
                      sub) != APR_SUCCESS) {
        why = "cannot be opened";
    }
    else if (apr_file_info_get(&fi, APR_FINFO_SIZE, fd) != APR_SUCCESS ||
             (size_t)fi.size != f->len) {
        why = apr_psprintf(p, "has %" APR_OFF_T_FMT " bytes, its record says %" APR_SIZE_T_FMT,
                           fi.size, f->len);
    }
    else if (isms_att_stream(sub, fd, archive_sink, a, &sha, &size, &why) != 0) {
        rc = ARCHIVE_FATAL;
    }
    else if (strcmp(sha, f->sha256) != 0 || (size_t)size != f->len) {
        why = apr_psprintf(p, "has SHA-256 %s (%" APR_OFF_T_FMT " bytes), its record says %s",
                           sha, size, f->sha256);
    }
    if (why) {
        isms_log(ISMS_LOG_ERR, 21402, "evidence pack: attachment %s (%s) %s", f->name,
                 f->path, why);
        archive_set_error(a, EIO, "%s: the stored attachment does not match its record",
                          f->name);
        rc = ARCHIVE_FATAL;
    }
    apr_pool_destroy(sub);
    return rc;
}

static int write_entry(struct archive *a, apr_pool_t *p, const isms_ev_file *f)
{
    struct archive_entry *e = archive_entry_new();
    int rc;

    archive_entry_set_pathname(e, f->name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)f->len);
    archive_entry_set_mtime(e, ISMS_EVIDENCE_MTIME, 0);
    /* attachments are mostly compressed already (PDF, PNG, JPEG, OOXML, ODF): stored as
     * they are; the pack's own documents deflated */
    rc = f->path ? archive_write_zip_set_compression_store(a)
                 : archive_write_zip_set_compression_deflate(a);
    if (rc == ARCHIVE_OK) rc = archive_write_header(a, e);
    if (rc == ARCHIVE_OK && f->path) rc = write_file_data(a, p, f);
    else if (rc == ARCHIVE_OK && f->len &&
             archive_write_data(a, f->data, f->len) != (la_ssize_t)f->len) {
        rc = ARCHIVE_FATAL;
    }
    archive_entry_free(e);
    return rc;
}

/* Writes the entries into an archive opened by open_fn; closes and frees it. */
static int write_all(apr_pool_t *p, struct archive *a, const apr_array_header_t *files,
                     int rc, const char **err)
{
    int i;

    for (i = 0; rc == ARCHIVE_OK && i < files->nelts; i++) {
        rc = write_entry(a, p, &APR_ARRAY_IDX(files, i, isms_ev_file));
    }
    if (rc == ARCHIVE_OK) rc = archive_write_close(a);
    if (rc != ARCHIVE_OK) {
        const char *msg = archive_error_string(a);
        *err = apr_pstrdup(p, msg ? msg : "cannot write the ZIP archive");
    }
    archive_write_free(a);
    return rc == ARCHIVE_OK ? 0 : -1;
}

static struct archive *zip_writer(int *rc)
{
    struct archive *a = archive_write_new();

    *rc = archive_write_set_format_zip(a);
    /* no blocking: the archive ends at its end-of-central-directory record, unpadded */
    if (*rc == ARCHIVE_OK) *rc = archive_write_set_bytes_per_block(a, 0);
    return a;
}

int isms_evidence_zip(apr_pool_t *p, const apr_array_header_t *files, const char **zip,
                      size_t *len, const char **err)
{
    membuf *m = apr_pcalloc(p, sizeof(*m));
    int rc;
    struct archive *a = zip_writer(&rc);

    apr_pool_cleanup_register(p, m, membuf_free, apr_pool_cleanup_null);
    if (rc == ARCHIVE_OK) rc = archive_write_open2(a, m, NULL, membuf_write, NULL, NULL);
    rc = write_all(p, a, files, rc, err);
    *zip = m->data ? m->data : "";
    *len = m->len;
    return rc;
}

/* The files and then manifest.json, made from meta and them. */
static apr_array_header_t *with_manifest(apr_pool_t *p, const apr_array_header_t *files,
                                         const json_t *meta, const char **err)
{
    apr_array_header_t *all = apr_array_copy(p, files);
    json_t *m = isms_json_pool(p, isms_evidence_manifest(p, meta, files));
    size_t n = 0;
    const char *text = isms_evidence_json_text(p, m, &n);

    if (!text) {
        *err = "cannot serialize the manifest";
        return NULL;
    }
    isms_evidence_add(all, ISMS_EVIDENCE_MANIFEST, text, n);
    return all;
}

int isms_evidence_build_file(apr_pool_t *p, const apr_array_header_t *files,
                             const json_t *meta, const char *path, const char **err)
{
    apr_array_header_t *all = with_manifest(p, files, meta, err);
    int rc;
    struct archive *a;

    if (!all) return -1;
    a = zip_writer(&rc);
    if (rc == ARCHIVE_OK) rc = archive_write_open_filename(a, path);
    return write_all(p, a, all, rc, err);
}

int isms_evidence_build(apr_pool_t *p, const apr_array_header_t *files, const json_t *meta,
                        const char **zip, size_t *len, const char **err)
{
    apr_array_header_t *all = with_manifest(p, files, meta, err);

    return all ? isms_evidence_zip(p, all, zip, len, err) : -1;
}

static int read_failed(struct archive *a, apr_pool_t *p, la_ssize_t n, const char **why)
{
    *why = archive_error_string(a) ? apr_pstrdup(p, archive_error_string(a)) : "damaged";
    return n == ARCHIVE_FATAL ? ARCHIVE_FATAL : ARCHIVE_FAILED;
}

/* An attachment is hashed as it is read, not kept: f->sha256 and f->len, f->data NULL. */
static int hash_entry(struct archive *a, apr_pool_t *p, isms_ev_file *f, const char **why)
{
    isms_sha256 *h = isms_sha256_new(p);
    char chunk[65536];
    la_ssize_t n;

    if (!h) {
        *why = "out of memory";
        return ARCHIVE_FATAL;
    }
    while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
        isms_sha256_update(h, chunk, (size_t)n);
        f->len += (size_t)n;
    }
    if (n < 0) return read_failed(a, p, n, why);
    f->sha256 = isms_sha256_final(h);
    return ARCHIVE_OK;
}

/* Reads the data of the current entry into f, counting against the size limit. */
static int read_entry(struct archive *a, apr_pool_t *p, size_t *total, isms_ev_file *f,
                      const char **why)
{
    membuf m = {NULL, 0, 0};
    char chunk[16384], *copy;
    la_ssize_t n;

    if (!strncmp(f->name, ISMS_EVIDENCE_ATTACHMENTS, strlen(ISMS_EVIDENCE_ATTACHMENTS))) {
        return hash_entry(a, p, f, why);
    }
    while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
        *total += (size_t)n;
        if (*total > ISMS_EVIDENCE_MAX_BYTES || membuf_append(&m, chunk, (size_t)n) != 0) {
            free(m.data);
            *why = "larger than the verifier reads (256 MiB in all)";
            return ARCHIVE_FATAL;
        }
    }
    if (n < 0) {
        free(m.data);
        return read_failed(a, p, n, why);
    }
    f->data = copy = apr_palloc(p, m.len + 1);   /* NUL-terminated for the JSON parser */
    if (m.len) memcpy(copy, m.data, m.len);
    copy[m.len] = '\0';
    f->len = m.len;
    free(m.data);
    return ARCHIVE_OK;
}

static const char *entry_name(apr_pool_t *p, struct archive_entry *e)
{
    const char *n = archive_entry_pathname_utf8(e);

    if (!n) n = archive_entry_pathname(e);
    return apr_pstrdup(p, n ? n : "(an entry without a readable name)");
}

static int take_entry(struct archive *a, apr_pool_t *p, struct archive_entry *e,
                      apr_array_header_t *files, apr_array_header_t *problems, size_t *total)
{
    isms_ev_file *f = apr_array_push(files);
    const char *why = NULL;
    int rc;

    f->name = entry_name(p, e);
    f->data = NULL;
    f->len = 0;
    f->path = NULL;
    f->sha256 = NULL;
    if (archive_entry_filetype(e) != AE_IFREG) {
        isms_evidence_problem(problems, "%s: not a regular file", f->name);
        return ARCHIVE_OK;
    }
    if ((rc = read_entry(a, p, total, f, &why)) != ARCHIVE_OK) {
        isms_evidence_problem(problems, "%s: cannot be read from the ZIP archive: %s", f->name,
                              why);
    }
    return rc;
}

/* Walks an archive opened (or not: rc) by the caller; frees it. */
static int unzip_archive(apr_pool_t *p, struct archive *a, int rc, apr_array_header_t **files,
                         apr_array_header_t *problems)
{
    struct archive_entry *e;
    size_t total = 0;
    int stopped = 0;

    *files = apr_array_make(p, 8, sizeof(isms_ev_file));
    while (rc == ARCHIVE_OK) {
        rc = archive_read_next_header(a, &e);
        if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) {
            rc = take_entry(a, p, e, *files, problems, &total);
            if (rc == ARCHIVE_FAILED) rc = ARCHIVE_OK;   /* one bad entry: go on */
            else if (rc == ARCHIVE_FATAL) stopped = 1;   /* that entry said why */
        }
    }
    if (stopped) {
        isms_evidence_problem(problems, "the rest of the ZIP archive was not read");
    }
    else if (rc != ARCHIVE_EOF) {
        const char *msg = archive_error_string(a);
        isms_evidence_problem(problems, "the file is not a readable ZIP archive: %s",
                              msg ? msg : "damaged");
    }
    archive_read_free(a);
    return rc == ARCHIVE_EOF ? 0 : -1;
}

int isms_evidence_unzip(apr_pool_t *p, const char *zip, size_t len,
                        apr_array_header_t **files, apr_array_header_t *problems)
{
    struct archive *a = archive_read_new();

    archive_read_support_format_zip_seekable(a);
    return unzip_archive(p, a, archive_read_open_memory(a, (void *)zip, len), files, problems);
}

int isms_evidence_unzip_file(apr_pool_t *p, const char *path, apr_array_header_t **files,
                             apr_array_header_t *problems)
{
    struct archive *a = archive_read_new();

    archive_read_support_format_zip_seekable(a);
    return unzip_archive(p, a, archive_read_open_filename(a, path, 65536), files, problems);
}
