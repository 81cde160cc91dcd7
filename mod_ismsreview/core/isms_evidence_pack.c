/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence pack's building blocks: JSON file text, the manifest, and the ZIP written and
 * read in memory with libarchive. No database. */
#include "isms_evidence.h"
#include "isms_canon.h"
#include "isms_json.h"

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
                                              (json_int_t)f->len, "sha256",
                                              isms_sha256_hex(p, f->data, f->len, NULL, 0)));
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

static int write_entry(struct archive *a, const isms_ev_file *f)
{
    struct archive_entry *e = archive_entry_new();
    int rc;

    archive_entry_set_pathname(e, f->name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)f->len);
    archive_entry_set_mtime(e, ISMS_EVIDENCE_MTIME, 0);
    rc = archive_write_header(a, e);
    if (rc == ARCHIVE_OK && f->len &&
        archive_write_data(a, f->data, f->len) != (la_ssize_t)f->len) {
        rc = ARCHIVE_FATAL;
    }
    archive_entry_free(e);
    return rc;
}

int isms_evidence_zip(apr_pool_t *p, const apr_array_header_t *files, const char **zip,
                      size_t *len, const char **err)
{
    membuf *m = apr_pcalloc(p, sizeof(*m));
    struct archive *a = archive_write_new();
    int i, rc;

    apr_pool_cleanup_register(p, m, membuf_free, apr_pool_cleanup_null);
    rc = archive_write_set_format_zip(a);
    /* no blocking: the archive ends at its end-of-central-directory record, unpadded */
    if (rc == ARCHIVE_OK) rc = archive_write_set_bytes_per_block(a, 0);
    if (rc == ARCHIVE_OK) rc = archive_write_open2(a, m, NULL, membuf_write, NULL, NULL);
    for (i = 0; rc == ARCHIVE_OK && i < files->nelts; i++) {
        rc = write_entry(a, &APR_ARRAY_IDX(files, i, isms_ev_file));
    }
    if (rc == ARCHIVE_OK) rc = archive_write_close(a);
    if (rc != ARCHIVE_OK) {
        const char *msg = archive_error_string(a);
        *err = apr_pstrdup(p, msg ? msg : "cannot write the ZIP archive");
    }
    archive_write_free(a);
    *zip = m->data ? m->data : "";
    *len = m->len;
    return rc == ARCHIVE_OK ? 0 : -1;
}

int isms_evidence_build(apr_pool_t *p, const apr_array_header_t *files, const json_t *meta,
                        const char **zip, size_t *len, const char **err)
{
    apr_array_header_t *all = apr_array_copy(p, files);
    json_t *m = isms_json_pool(p, isms_evidence_manifest(p, meta, files));
    size_t n = 0;
    const char *text = isms_evidence_json_text(p, m, &n);

    if (!text) {
        *err = "cannot serialize the manifest";
        return -1;
    }
    isms_evidence_add(all, ISMS_EVIDENCE_MANIFEST, text, n);
    return isms_evidence_zip(p, all, zip, len, err);
}

/* Reads the data of the current entry into f, counting against the size limit. */
static int read_entry(struct archive *a, apr_pool_t *p, size_t *total, isms_ev_file *f,
                      const char **why)
{
    membuf m = {NULL, 0, 0};
    char chunk[16384], *copy;
    la_ssize_t n;

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
        *why = archive_error_string(a) ? apr_pstrdup(p, archive_error_string(a)) : "damaged";
        return n == ARCHIVE_FATAL ? ARCHIVE_FATAL : ARCHIVE_FAILED;
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

int isms_evidence_unzip(apr_pool_t *p, const char *zip, size_t len,
                        apr_array_header_t **files, apr_array_header_t *problems)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    size_t total = 0;
    int rc, stopped = 0;

    *files = apr_array_make(p, 8, sizeof(isms_ev_file));
    archive_read_support_format_zip_seekable(a);
    rc = archive_read_open_memory(a, (void *)zip, len);
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
