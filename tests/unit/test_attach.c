/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence attachments without a database: media types (allow-list, magic bytes), the
 * content-addressed store (temporary file, hash, rename, re-hash on open) and the evidence
 * pack written to a file with an attachment copied from disk. */
#include "tests.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <stdio.h>
#include <sys/stat.h>

#include "isms_attach.h"
#include "isms_canon.h"
#include "isms_evidence.h"
#include "isms_json.h"

#define PDF "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#define HTML "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"

static const char *file_with(const char *dir, const char *name, const char *data)
{
    const char *path = apr_pstrcat(tpool, dir, "/", name, NULL);

    isms_test_write_file(path, data);
    return path;
}

START_TEST(media_type_parsed)
{
    ck_assert_str_eq(isms_att_media_type(tpool, "Application/PDF"), "application/pdf");
    ck_assert_str_eq(isms_att_media_type(tpool, "text/plain; charset=utf-8"), "text/plain");
    ck_assert_str_eq(isms_att_media_type(tpool, "image/svg+xml ;x=1"), "image/svg+xml");
    ck_assert_ptr_null(isms_att_media_type(tpool, "text"));
    ck_assert_ptr_null(isms_att_media_type(tpool, "/plain"));
    ck_assert_ptr_null(isms_att_media_type(tpool, "text/"));
    ck_assert_ptr_null(isms_att_media_type(tpool, "text/pl ain"));
    ck_assert_ptr_null(isms_att_media_type(tpool, NULL));
}
END_TEST

START_TEST(type_against_magic)
{
    const char *dir = isms_test_tmpdir(tpool), *why = NULL;
    const char *pdf = file_with(dir, "a.pdf", PDF), *html = file_with(dir, "a.html", HTML);
    const char *csv = file_with(dir, "a.csv", "kpi,value\nmttp,12\nincidents,3\n");
    const char *only_text[] = {"text/plain", NULL};

    ck_assert_int_eq(isms_att_type_check(tpool, pdf, "application/pdf", NULL, &why), 0);
    ck_assert_int_eq(isms_att_type_check(tpool, csv, "text/csv", NULL, &why), 0);
    ck_assert_int_eq(isms_att_type_check(tpool, pdf, "image/png", NULL, &why), 415);
    ck_assert_contains(why, "application/pdf");
    ck_assert_int_eq(isms_att_type_check(tpool, html, "text/plain", NULL, &why), 415);
    ck_assert_contains(why, "text/html");
    ck_assert_int_eq(isms_att_type_check(tpool, html, "text/html", NULL, &why), 415);
    ck_assert_contains(why, "not an accepted attachment type");
    ck_assert_int_eq(isms_att_type_check(tpool, pdf, "application/pdf", only_text, &why), 415);
}
END_TEST

/* Stores data through the temporary file; returns its SHA-256. */
static const char *store(const char *dir, const char *data)
{
    isms_att_tmp *t;
    const char *sha, *path, *err = NULL;
    apr_off_t size;

    ck_assert_int_eq(isms_att_tmp_open(tpool, dir, &t, &err), 0);
    ck_assert_int_eq(isms_att_tmp_write(t, data, strlen(data), &err), 0);
    ck_assert_int_eq(isms_att_tmp_close(t, &sha, &size, &path, &err), 0);
    ck_assert_int_eq(size, (apr_off_t)strlen(data));
    ck_assert_str_eq(sha, isms_sha256_hex(tpool, data, strlen(data), NULL, 0));
    ck_assert_int_eq(isms_att_tmp_store(t, &err), 0);
    return sha;
}

START_TEST(content_addressed_store)
{
    const char *dir = isms_test_tmpdir(tpool), *why = NULL;
    const char *sha = store(dir, PDF), *path = isms_att_path(tpool, dir, sha);
    apr_file_t *f;
    struct stat st;
    char buf[8];
    apr_size_t n = sizeof(buf);

    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0222, 0);                 /* read-only */
    ck_assert_int_eq(isms_att_open_checked(tpool, dir, sha, strlen(PDF), &f, &why), 0);
    ck_assert_int_eq(apr_file_read(f, buf, &n), APR_SUCCESS);
    ck_assert(memcmp(buf, PDF, n) == 0);                    /* rewound to the start */
    ck_assert_str_eq(store(dir, PDF), sha);                 /* the same bytes, one file */
    ck_assert_int_eq(isms_att_open_checked(tpool, dir, sha, 1, &f, &why), 1);   /* size */
    chmod(path, 0644);
    isms_test_write_file(path, PDF "tampered");
    ck_assert_int_eq(isms_att_open_checked(tpool, dir, sha, strlen(PDF), &f, &why), 1);
    ck_assert_contains(why, "the record says");
    remove(path);
    ck_assert_int_eq(isms_att_open_checked(tpool, dir, sha, strlen(PDF), &f, &why), -1);
}
END_TEST

START_TEST(unstored_upload_removed)
{
    const char *dir = isms_test_tmpdir(tpool), *err = NULL, *sha, *path;
    apr_pool_t *p = isms_test_subpool();
    isms_att_tmp *t;
    apr_off_t size;
    struct stat st;

    ck_assert_int_eq(isms_att_tmp_open(p, dir, &t, &err), 0);
    ck_assert_int_eq(isms_att_tmp_write(t, "abc", 3, &err), 0);
    ck_assert_int_eq(isms_att_tmp_close(t, &sha, &size, &path, &err), 0);
    path = apr_pstrdup(tpool, path);
    ck_assert_int_eq(stat(path, &st), 0);
    apr_pool_destroy(p);                                    /* refused: never stored */
    ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

/* A pack with one attachment from disk: in the ZIP byte for byte and in the manifest; a file
 * that no longer matches its hash fails the pack. */
START_TEST(pack_file_with_attachment)
{
    const char *dir = isms_test_tmpdir(tpool), *err = NULL, *zip = NULL;
    const char *sha = store(dir, PDF), *out = apr_pstrcat(tpool, dir, "/pack.zip", NULL);
    apr_array_header_t *files = apr_array_make(tpool, 4, sizeof(isms_ev_file)), *got;
    apr_array_header_t *problems = apr_array_make(tpool, 4, sizeof(const char *));
    json_t *meta = isms_json_pool(tpool, json_pack("{s:I,s:s,s:I}", "review_id", 1, "ref",
                                                   "MR-2026-01", "version", 1));
    isms_ev_file *a;
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    int i, found = 0;

    isms_evidence_add(files, "record.json", "{}\n", 3);
    a = apr_array_push(files);
    a->name = "attachments/7/report.pdf";
    a->path = isms_att_path(tpool, dir, sha);
    a->sha256 = sha;
    a->len = strlen(PDF);
    ck_assert_msg(isms_evidence_build_file(tpool, files, meta, out, &err) == 0, "%s", err);
    ck_assert_int_eq(apr_stat(&fi, out, APR_FINFO_SIZE, tpool), APR_SUCCESS);
    len = (apr_size_t)fi.size;
    zip = apr_palloc(tpool, len);
    ck_assert_int_eq(apr_file_open(&f, out, APR_FOPEN_READ, APR_FPROT_OS_DEFAULT, tpool),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_read_full(f, (void *)zip, len, NULL), APR_SUCCESS);
    ck_assert_int_eq(isms_evidence_unzip(tpool, zip, len, &got, problems), 0);
    for (i = 0; i < got->nelts; i++) {
        const isms_ev_file *g = &APR_ARRAY_IDX(got, i, isms_ev_file);
        if (!strcmp(g->name, "attachments/7/report.pdf")) {
            found = 1;
            /* an attachment is hashed as it is read, not kept */
            ck_assert_int_eq(g->len, strlen(PDF));
            ck_assert_ptr_null(g->data);
            ck_assert_str_eq(g->sha256, sha);
        }
        if (!strcmp(g->name, ISMS_EVIDENCE_MANIFEST)) ck_assert_contains(g->data, sha);
    }
    ck_assert(found);
    /* checked from the file: the attachment matches the manifest (this minimal pack has no
     * audit extract, so other files are reported, not the attachment) */
    apr_array_clear(problems);
    isms_evidence_verify_file(tpool, out, problems, &err);
    for (i = 0; i < problems->nelts; i++) {
        ck_assert_msg(!strstr(APR_ARRAY_IDX(problems, i, const char *), "attachments/7"),
                      "%s", APR_ARRAY_IDX(problems, i, const char *));
    }
    chmod(a->path, 0644);
    isms_test_write_file(a->path, PDF "x");
    a->len = strlen(PDF);
    ck_assert_int_eq(isms_evidence_build_file(tpool, files, meta, out, &err), -1);
    ck_assert_contains(err, "attachments/7/report.pdf");
}
END_TEST

START_TEST(disposition_names)
{
    static const struct {
        const char *header, *name;      /* name NULL: refused */
    } cases[] = {
        {"attachment; filename*=UTF-8''Pr%C3%BCfbericht%202026.pdf", "Pr\xc3\xbc" "fbericht 2026.pdf"},
        {"attachment; filename=\"a b.pdf\"; filename*=UTF-8'de'%C3%A4.pdf", "\xc3\xa4.pdf"},
        {"Attachment ; filename=plain.txt", "plain.txt"},
        {"attachment; size=3; filename=\"q.txt\"", "q.txt"},
        {"attachment; filename*=UTF-8''a%00.exe", NULL},
        {"attachment; filename*=ISO-8859-1''%E4.pdf", NULL},
        {"attachment; filename*=UTF-8''a b.pdf", NULL},
        {"attachment; filename*=UTF-8''%4", NULL},
        {"attachment; filename=\"x.pdf\"garbage", NULL},
        {"attachment; filename=\"open", NULL},
        {"inline; filename=\"x.pdf\"", NULL},
        {"attachment", NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = isms_att_disposition_name(tpool, cases[i].header);
        if (cases[i].name) {
            ck_assert_msg(got && !strcmp(got, cases[i].name), "%s", cases[i].header);
        }
        else {
            ck_assert_msg(got == NULL, "%s gave %s", cases[i].header, got);
        }
    }
    ck_assert_ptr_null(isms_att_filename_problem("report.pdf"));
    ck_assert_ptr_nonnull(isms_att_filename_problem("a/b"));
    ck_assert_ptr_nonnull(isms_att_filename_problem(".."));
    ck_assert_ptr_nonnull(isms_att_filename_problem("a\"b"));
    ck_assert_ptr_nonnull(isms_att_filename_problem(""));
    ck_assert_str_eq(isms_att_content_disposition(tpool, "Pr\xc3\xbc" "f 1.pdf"),
                     "attachment; filename=\"Pr_f 1.pdf\"; filename*=UTF-8''Pr%C3%BCf%201.pdf");
}
END_TEST

Suite *attach_suite(void)
{
    Suite *s = suite_create("attach");
    TCase *tc = isms_test_tcase("attach", 0);

    tcase_add_test(tc, media_type_parsed);
    tcase_add_test(tc, disposition_names);
    tcase_add_test(tc, type_against_magic);
    tcase_add_test(tc, content_addressed_store);
    tcase_add_test(tc, unstored_upload_removed);
    tcase_add_test(tc, pack_file_with_attachment);
    suite_add_tcase(s, tc);
    return s;
}
