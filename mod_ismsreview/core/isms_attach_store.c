/* SPDX-License-Identifier: Apache-2.0 */
/* The content-addressed attachment files: DIR/tmp for uploads in progress, DIR/sha256/ab/...
 * for stored bytes. Everything is read and written in 64 KiB chunks with an incremental
 * SHA-256, so no file is ever held in memory. */
#include "isms_attach.h"
#include "isms_canon.h"

#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

#define CHUNK (64 * 1024)

struct isms_att_tmp {
    apr_pool_t *pool;
    const char *dir, *path, *sha256;
    apr_file_t *f;
    isms_sha256 *md;
    apr_off_t size;
    int stored;
};

static const char *io_error(apr_pool_t *p, const char *what, const char *path, apr_status_t rv)
{
    char buf[256];

    return apr_psprintf(p, "%s %s: %s", what, path, apr_strerror(rv, buf, sizeof(buf)));
}

static apr_status_t tmp_cleanup(void *d)
{
    isms_att_tmp *t = d;

    if (!t->stored) apr_file_remove(t->path, t->pool);
    return APR_SUCCESS;
}

/* A refused upload's file goes before the refusal is sent, not when the request's pool is
 * cleared after the response: nobody can see a file of an upload already answered 4xx. */
void isms_att_tmp_discard(isms_att_tmp *t)
{
    if (!t || t->stored) return;
    if (t->f) apr_file_close(t->f);
    t->f = NULL;
    apr_file_remove(t->path, t->pool);
    t->stored = 1;
}

int isms_att_tmp_open(apr_pool_t *p, const char *dir, isms_att_tmp **out, const char **err)
{
    isms_att_tmp *t = apr_pcalloc(p, sizeof(*t));
    const char *tdir = apr_pstrcat(p, dir, "/tmp", NULL);
    char *tmpl = apr_pstrcat(p, tdir, "/upload-XXXXXX", NULL);
    apr_status_t rv = apr_dir_make_recursive(tdir, ISMS_ATT_DIR_PERMS, p);

    if (rv == APR_SUCCESS) rv = apr_file_mktemp(&t->f, tmpl, APR_FOPEN_CREATE | APR_FOPEN_READ |
                                                APR_FOPEN_WRITE | APR_FOPEN_EXCL, p);
    if (rv != APR_SUCCESS) {
        *err = io_error(p, "cannot create a temporary file in", tdir, rv);
        return -1;
    }
    t->pool = p;
    t->dir = dir;
    t->path = tmpl;
    if (!(t->md = isms_sha256_new(p))) {
        *err = "out of memory";
        return -1;
    }
    apr_pool_cleanup_register(p, t, tmp_cleanup, apr_pool_cleanup_null);
    *out = t;
    return 0;
}

int isms_att_tmp_write(isms_att_tmp *t, const void *buf, apr_size_t n, const char **err)
{
    apr_status_t rv = apr_file_write_full(t->f, buf, n, NULL);

    if (rv != APR_SUCCESS) {
        *err = io_error(t->pool, "cannot write", t->path, rv);
        return -1;
    }
    isms_sha256_update(t->md, buf, n);
    t->size += (apr_off_t)n;
    return 0;
}

int isms_att_tmp_close(isms_att_tmp *t, const char **sha256, apr_off_t *size,
                       const char **path, const char **err)
{
    /* the bytes reach the disk before the row that names them is committed */
    apr_status_t rv = apr_file_sync(t->f);

    if (rv == APR_SUCCESS) rv = apr_file_close(t->f);
    t->f = NULL;
    if (rv != APR_SUCCESS) {
        *err = io_error(t->pool, "cannot write", t->path, rv);
        return -1;
    }
    t->sha256 = isms_sha256_final(t->md);
    *sha256 = t->sha256;
    *size = t->size;
    *path = t->path;
    return 0;
}

const char *isms_att_path(apr_pool_t *p, const char *dir, const char *sha256)
{
    return apr_psprintf(p, "%s/sha256/%.2s/%s", dir, sha256, sha256);
}

int isms_att_tmp_store(isms_att_tmp *t, const char **err)
{
    const char *dest = isms_att_path(t->pool, t->dir, t->sha256);
    const char *sub = apr_psprintf(t->pool, "%s/sha256/%.2s", t->dir, t->sha256);
    apr_status_t rv = apr_dir_make_recursive(sub, ISMS_ATT_DIR_PERMS, t->pool);

    if (rv == APR_SUCCESS) {
        rv = apr_file_perms_set(t->path, APR_FPROT_UREAD | APR_FPROT_GREAD);
        if (rv == APR_ENOTIMPL) rv = APR_SUCCESS;
    }
    if (rv == APR_SUCCESS) rv = apr_file_rename(t->path, dest, t->pool);
    if (rv != APR_SUCCESS) {
        *err = io_error(t->pool, "cannot store", dest, rv);
        return -1;
    }
    t->stored = 1;
    return 0;
}

int isms_att_stream(apr_pool_t *p, apr_file_t *f, isms_att_sink *sink, void *arg,
                    const char **sha256, apr_off_t *size, const char **err)
{
    isms_sha256 *md = isms_sha256_new(p);
    char *buf = apr_palloc(p, CHUNK);
    apr_status_t rv = APR_SUCCESS;
    apr_off_t total = 0;

    if (!md) {
        *err = "out of memory";
        return -1;
    }
    for (;;) {
        apr_size_t n = CHUNK;
        rv = apr_file_read(f, buf, &n);
        if (n) {
            isms_sha256_update(md, buf, n);
            total += (apr_off_t)n;
            if (sink && sink(arg, buf, n) != 0) {
                *err = "the bytes could not be written";
                return -1;
            }
        }
        if (rv != APR_SUCCESS) break;
    }
    if (rv != APR_EOF) {
        *err = io_error(p, "cannot read", "an attachment", rv);
        return -1;
    }
    *sha256 = isms_sha256_final(md);
    *size = total;
    return 0;
}

int isms_att_open_checked(apr_pool_t *p, const char *dir, const char *sha256, apr_off_t size,
                          apr_file_t **f, const char **why)
{
    const char *path = isms_att_path(p, dir, sha256), *got = NULL;
    apr_off_t n = 0, zero = 0;
    apr_status_t rv = apr_file_open(f, path, APR_FOPEN_READ | APR_FOPEN_BINARY,
                                    APR_FPROT_OS_DEFAULT, p);

    if (rv != APR_SUCCESS) {
        *why = io_error(p, "cannot open", path, rv);
        return -1;
    }
    if (isms_att_stream(p, *f, NULL, NULL, &got, &n, why) != 0) return -1;
    if (strcmp(got, sha256) != 0 || n != size) {
        *why = apr_psprintf(p, "%s has SHA-256 %s and %" APR_OFF_T_FMT " bytes, the record "
                            "says %s and %" APR_OFF_T_FMT, path, got, n, sha256, size);
        return 1;
    }
    if ((rv = apr_file_seek(*f, APR_SET, &zero)) != APR_SUCCESS) {
        *why = io_error(p, "cannot rewind", path, rv);
        return -1;
    }
    return 0;
}

/* The regular files of a directory, each passed to take (with its name). */
static void each_file(apr_pool_t *p, const char *dir,
                      void (*take)(apr_pool_t *, const char *, const char *, void *), void *arg)
{
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS) return;
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        if (fi.name[0] != '.') take(p, dir, fi.name, arg);
    }
    apr_dir_close(d);
}

typedef struct {
    apr_hash_t *known;
    apr_array_header_t *out;
} unref_walk;

static void take_unknown(apr_pool_t *p, const char *dir, const char *name, void *arg)
{
    unref_walk *w = arg;

    if (!w->known || !apr_hash_get(w->known, name, APR_HASH_KEY_STRING)) {
        APR_ARRAY_PUSH(w->out, const char *) = apr_pstrcat(w->out->pool, dir, "/", name, NULL);
    }
}

static void take_subdir(apr_pool_t *p, const char *dir, const char *name, void *arg)
{
    each_file(p, apr_pstrcat(p, dir, "/", name, NULL), take_unknown, arg);
}

void isms_att_unreferenced(apr_pool_t *p, const char *dir, apr_hash_t *known,
                           apr_array_header_t *out)
{
    unref_walk w = {known, out}, all = {NULL, out};

    each_file(p, apr_pstrcat(p, dir, "/sha256", NULL), take_subdir, &w);
    each_file(p, apr_pstrcat(p, dir, "/tmp", NULL), take_unknown, &all);
}
