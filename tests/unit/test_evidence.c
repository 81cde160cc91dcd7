/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence pack (isms_evidence*): a pack built in memory verifies; one byte changed in
 * any file, a file removed, an unlisted file, a changed manifest, a changed sealed record or
 * audit event each fail verification naming the file; the pack of a draft and of a sealed
 * version from a migrated SQLite database verify; the same data gives the same bytes. */
#include "tests.h"

#include <apr_strings.h>
#include <stdlib.h>

#include "isms_audit.h"
#include "isms_canon.h"
#include "isms_evidence.h"
#include "isms_json.h"
#include "isms_rules.h"
#include "isms_txn.h"
#include "isms_workflow.h"

#define J(text) isms_test_json(text)

static const char *sha(const char *s)
{
    return isms_sha256_hex(tpool, s, strlen(s), NULL, 0);
}

/* ---- a pack from fixed documents */

/* A sealed record: content_hash as the workflow computes it when it seals. */
static json_t *sealed_record(void)
{
    json_t *rec = J("{\"id\":7,\"ref\":\"MR-2026-03\",\"version\":2,\"title\":\"Review <b>&amp; "
                    "\\\"q\\\"</b>\",\"approved_by\":\"bob\",\"attendees\":[{\"id\":1,\"ref\":"
                    "\"MR-2026-03-AT01\",\"review_id\":7,\"name\":\"=cmd|' /C calc'!A0\"}],"
                    "\"actions\":[{\"id\":4,\"ref\":\"MR-2026-03-A01\",\"review_id\":7,\"title\":"
                    "\"Patch, \\\"fast\\\"\\r\\nnow\",\"owner\":\"dave\",\"due_date\":"
                    "\"2026-06-30\"}],\"approvals\":[{\"approver\":\"bob\",\"approved_at\":"
                    "\"2026-04-01T09:00:00Z\",\"comment\":null}]}");
    json_t *content = isms_json_pool(tpool, isms_seal_content(rec, json_object_get(rec,
                                                                                "approvals")));
    size_t len;
    const char *c = isms_canon(tpool, content, &len);

    json_object_set_new(rec, "content_hash", json_string(isms_sha256_hex(tpool, c, len, NULL,
                                                                         0)));
    json_object_set_new(rec, "status", json_string("APPROVED"));
    json_object_set_new(rec, "sealed", json_true());
    return rec;
}

static json_t *event(long long seq, const char *prev)
{
    json_t *e = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:i,s:o,s:n,s:s}",
                          "seq", (json_int_t)seq, "created_at", "2026-04-01T09:00:00Z", "actor",
                          "alice", "roles", "author", "client", "192.0.2.7", "request_id", "r1",
                          "method", "PATCH", "path", "v1/reviews/7", "action",
                          "PATCH v1/reviews/{id}", "entity", "review", "entity_id",
                          (json_int_t)7, "review_id", (json_int_t)7, "status", 200, "before",
                          json_pack("{s:f,s:s,s:[i,f]}", "v", 0.1, "t", "caf\xc3\xa9 \xe2\x82\xac",
                                    "l", 3, 123456.789), "after", "prev_hash", prev);

    json_object_set_new(e, "hash", json_string(isms_audit_event_hash(tpool, e)));
    return isms_json_pool(tpool, e);
}

/* Events 3, 4 (linked to 3) and 6 of a chain whose head is event 9. */
static json_t *audit_doc(void)
{
    json_t *a = isms_json_pool(tpool, json_object()), *list = json_array(), *e3, *e4;

    e3 = event(3, sha("event 2"));
    e4 = event(4, isms_jstr(e3, "hash"));
    json_array_append(list, e3);
    json_array_append(list, e4);
    json_array_append(list, event(6, sha("event 5")));
    json_object_set_new(a, "review_id", json_integer(7));
    json_object_set_new(a, "events", list);
    json_object_set_new(a, "chain_head", json_string(sha("event 9")));
    json_object_set_new(a, "chain_events", json_integer(9));
    return a;
}

static void add_json(apr_array_header_t *files, const char *name, const json_t *j)
{
    size_t len = 0;
    const char *t = isms_evidence_json_text(tpool, j, &len);

    ck_assert_ptr_nonnull(t);
    isms_evidence_add(files, name, t, len);
}

static json_t *meta_for(const json_t *rec, const json_t *audit)
{
    json_t *m = isms_json_pool(tpool, json_object());

    json_object_set(m, "review_id", json_object_get(rec, "id"));
    json_object_set(m, "ref", json_object_get(rec, "ref"));
    json_object_set(m, "version", json_object_get(rec, "version"));
    json_object_set(m, "status", json_object_get(rec, "status"));
    json_object_set(m, "content_hash", json_object_get(rec, "content_hash"));
    json_object_set_new(m, "generated_at", json_string("2026-04-01T09:00:00Z"));
    json_object_set_new(m, "generated_by", json_string("auditor"));
    json_object_set(m, "chain_head", json_object_get(audit, "chain_head"));
    json_object_set(m, "chain_events", json_object_get(audit, "chain_events"));
    if (json_object_get(audit, "scope")) {
        json_object_set(m, "audit_scope", json_object_get(audit, "scope"));
    }
    return m;
}

/* The six files and the meta of the fixed pack; rec/audit may be given (changed ones). */
static apr_array_header_t *pack_files(json_t *rec, json_t *audit, json_t **meta)
{
    apr_array_header_t *files = apr_array_make(tpool, 8, sizeof(isms_ev_file));
    static const char html[] = "<!DOCTYPE html>\n<title>MR-2026-03</title>\n";
    static const char csv[] = "section,ref,title\r\nreview,MR-2026-03,\"Review, 2026\"\r\n";

    rec = rec ? rec : sealed_record();
    audit = audit ? audit : audit_doc();
    add_json(files, "record.json", rec);
    isms_evidence_add(files, "record.html", html, sizeof(html) - 1);
    isms_evidence_add(files, "record.csv", csv, sizeof(csv) - 1);
    add_json(files, "history.json", J("{\"transitions\":[{\"action\":\"approve\"}]}"));
    add_json(files, "findings.json", J("{\"findings\":[],\"errors\":0,\"blocking\":0}"));
    add_json(files, "audit.json", audit);
    *meta = meta_for(rec, audit);
    return files;
}

static const char *build(apr_array_header_t *files, const json_t *meta, size_t *len)
{
    const char *zip = NULL, *err = NULL;

    ck_assert_msg(isms_evidence_build(tpool, files, meta, &zip, len, &err) == 0, "build: %s",
                  err);
    return zip;
}

static const char *fixed_pack(size_t *len)
{
    json_t *meta;
    apr_array_header_t *files = pack_files(NULL, NULL, &meta);

    return build(files, meta, len);
}

static const char *zip_of(apr_array_header_t *files, size_t *len)
{
    const char *zip = NULL, *err = NULL;

    ck_assert_msg(isms_evidence_zip(tpool, files, &zip, len, &err) == 0, "zip: %s", err);
    return zip;
}

static apr_array_header_t *unzip(const char *zip, size_t len)
{
    apr_array_header_t *files, *problems = apr_array_make(tpool, 4, sizeof(const char *));

    ck_assert_int_eq(isms_evidence_unzip(tpool, zip, len, &files, problems), 0);
    ck_assert_int_eq(problems->nelts, 0);
    return files;
}

/* Verifies; returns the problems (one line each) and sets *ok. */
static apr_array_header_t *verify(const char *zip, size_t len, int *ok, const char **summary)
{
    apr_array_header_t *problems = apr_array_make(tpool, 4, sizeof(const char *));
    const char *s = NULL;

    *ok = isms_evidence_verify(tpool, zip, len, problems, &s);
    ck_assert_ptr_nonnull(s);
    if (summary) *summary = s;
    ck_assert_int_eq(*ok, problems->nelts == 0);
    return problems;
}

static const char *lines(const apr_array_header_t *problems)
{
    return problems->nelts ? apr_array_pstrcat(tpool, problems, '\n') : "(none)";
}

/* How many problem lines are about file (start with "file: "). */
static int about(const apr_array_header_t *problems, const char *file)
{
    size_t n = strlen(file);
    int i, count = 0;

    for (i = 0; i < problems->nelts; i++) {
        const char *l = APR_ARRAY_IDX(problems, i, const char *);
        count += strncmp(l, file, n) == 0 && l[n] == ':';
    }
    return count;
}

static void assert_verified(const char *zip, size_t len)
{
    int ok;
    apr_array_header_t *problems = verify(zip, len, &ok, NULL);

    ck_assert_msg(ok, "not verified:\n%s", lines(problems));
}

static void assert_names(const char *zip, size_t len, const char *file)
{
    int ok;
    apr_array_header_t *problems = verify(zip, len, &ok, NULL);

    ck_assert_msg(!ok, "verified, but %s was changed", file);
    ck_assert_msg(about(problems, file) > 0, "no problem names %s:\n%s", file, lines(problems));
}

static isms_ev_file *file_named(apr_array_header_t *files, const char *name)
{
    int i;

    for (i = 0; i < files->nelts; i++) {
        isms_ev_file *f = &APR_ARRAY_IDX(files, i, isms_ev_file);
        if (strcmp(f->name, name) == 0) return f;
    }
    ck_abort_msg("no %s in the pack", name);
    return NULL;
}

START_TEST(pack_verifies)
{
    size_t len = 0;
    const char *zip = fixed_pack(&len), *summary = NULL;
    apr_array_header_t *files = unzip(zip, len), *problems;
    static const char *const names[] = {"record.json", "record.html", "record.csv",
                                        "history.json", "findings.json", "audit.json",
                                        "manifest.json"};
    json_t *m;
    int i, ok;

    ck_assert_int_eq(files->nelts, N_ELEMS(names));
    for (i = 0; i < N_ELEMS(names); i++) {
        ck_assert_str_eq(APR_ARRAY_IDX(files, i, isms_ev_file).name, names[i]);
    }
    problems = verify(zip, len, &ok, &summary);
    ck_assert_msg(ok, "not verified:\n%s", lines(problems));
    ck_assert_contains(summary, "MR-2026-03 version 2 (APPROVED)");
    ck_assert_contains(summary, "at event 9");

    /* the manifest: every other file with its size and SHA-256, and its own hash */
    m = isms_test_json(file_named(files, "manifest.json")->data);
    ck_assert_int_eq(json_array_size(json_object_get(m, "files")), N_ELEMS(names) - 1);
    for (i = 0; i < N_ELEMS(names) - 1; i++) {
        const json_t *e = json_array_get(json_object_get(m, "files"), (size_t)i);
        const isms_ev_file *f = file_named(files, names[i]);
        ck_assert_str_eq(isms_jstr(e, "name"), names[i]);
        ck_assert_int_eq(json_integer_value(json_object_get(e, "size")), (long long)f->len);
        ck_assert_str_eq(isms_jstr(e, "sha256"), isms_sha256_hex(tpool, f->data, f->len, NULL, 0));
    }
    ck_assert_str_eq(isms_jstr(m, "manifest_sha256"), isms_evidence_manifest_hash(tpool, m));
    ck_assert_str_eq(isms_jstr(m, "content_hash"),
                     isms_jstr(isms_test_json(file_named(files, "record.json")->data),
                          "content_hash"));
}
END_TEST

START_TEST(pack_is_reproducible)
{
    size_t a = 0, b = 0;
    const char *za = fixed_pack(&a), *zb = fixed_pack(&b);

    ck_assert_uint_eq(a, b);
    ck_assert_msg(memcmp(za, zb, a) == 0, "two packs of the same data differ");
}
END_TEST

/* One byte changed (at the start, the middle, the end) in each file in turn, the ZIP written
 * again: the verification fails and names that file. */
static const char *const flip_files[] = {"record.json", "record.html", "record.csv",
                                         "history.json", "findings.json", "audit.json",
                                         "manifest.json"};

START_TEST(flip_one_byte)
{
    const char *name = flip_files[_i];
    size_t len = 0, zlen = 0, at[3];
    const char *zip = fixed_pack(&len);
    int k;

    for (k = 0; k < 3; k++) {
        apr_array_header_t *files = unzip(zip, len);
        isms_ev_file *f = file_named(files, name);
        char *copy = apr_pmemdup(tpool, f->data, f->len);
        at[0] = 0;
        at[1] = f->len / 2;
        at[2] = f->len - 1;
        copy[at[k]] ^= 0x01;
        f->data = copy;
        {
            const char *bad = zip_of(files, &zlen);
            int ok;
            apr_array_header_t *problems = verify(bad, zlen, &ok, NULL);
            ck_assert_msg(!ok, "%s changed at byte %zu: still verified", name, at[k]);
            ck_assert_msg(about(problems, name) > 0, "%s changed at byte %zu, not named:\n%s",
                          name, at[k], lines(problems));
            if (strcmp(name, "manifest.json") != 0) {   /* nothing else is blamed */
                ck_assert_msg(about(problems, name) == problems->nelts, "%s changed at %zu:\n%s",
                              name, at[k], lines(problems));
            }
        }
    }
}
END_TEST

/* A byte of an entry's compressed data changed inside the ZIP: that entry cannot be read. */
START_TEST(damaged_entry_named)
{
    size_t len = 0, n, m;
    const char *zip = fixed_pack(&len);
    unsigned char *bad = apr_pmemdup(tpool, zip, len);

    /* the first local header is record.json's: 30 bytes, name, extra, then the data */
    ck_assert(memcmp(bad, "PK\x03\x04", 4) == 0);
    n = bad[26] | (size_t)bad[27] << 8;
    m = bad[28] | (size_t)bad[29] << 8;
    ck_assert(memcmp(bad + 30, "record.json", n) == 0);
    bad[30 + n + m + 40] ^= 0x55;
    assert_names((const char *)bad, len, "record.json");
}
END_TEST

START_TEST(missing_file_named)
{
    size_t len = 0, zlen = 0;
    const char *zip = fixed_pack(&len);
    apr_array_header_t *files = unzip(zip, len), *kept = apr_array_make(tpool, 8,
                                                                        sizeof(isms_ev_file));
    int i;

    for (i = 0; i < files->nelts; i++) {
        isms_ev_file *f = &APR_ARRAY_IDX(files, i, isms_ev_file);
        if (strcmp(f->name, "history.json") != 0) *(isms_ev_file *)apr_array_push(kept) = *f;
    }
    zip = zip_of(kept, &zlen);
    assert_names(zip, zlen, "history.json");
}
END_TEST

START_TEST(unlisted_file_named)
{
    size_t len = 0, zlen = 0;
    const char *zip = fixed_pack(&len);
    apr_array_header_t *files = unzip(zip, len);

    isms_evidence_add(files, "notes.txt", "added later\n", 12);
    zip = zip_of(files, &zlen);
    assert_names(zip, zlen, "notes.txt");
}
END_TEST

START_TEST(manifest_tampered)
{
    size_t len = 0, zlen = 0, n = 0;
    const char *zip = fixed_pack(&len);
    apr_array_header_t *files = unzip(zip, len), *problems;
    isms_ev_file *mf = file_named(files, "manifest.json");
    json_t *m = isms_test_json(mf->data);
    json_t *entry = json_array_get(json_object_get(m, "files"), 5);   /* audit.json */
    int ok;

    /* a listed hash changed: the manifest no longer matches its own hash */
    ck_assert_str_eq(isms_jstr(entry, "name"), "audit.json");
    json_object_set_new(entry, "sha256", json_string(sha("something else")));
    mf->data = isms_evidence_json_text(tpool, m, &n);
    mf->len = n;
    zip = zip_of(files, &zlen);
    problems = verify(zip, zlen, &ok, NULL);
    ck_assert(!ok);
    ck_assert_int_eq(about(problems, "manifest.json"), 1);
    ck_assert_int_eq(about(problems, "audit.json"), 1);
    ck_assert_contains(lines(problems), "manifest_sha256");

    /* and with manifest_sha256 made to fit: the file's hash still does not */
    json_object_set_new(m, "manifest_sha256",
                        json_string(isms_evidence_manifest_hash(tpool, m)));
    mf->data = isms_evidence_json_text(tpool, m, &n);
    mf->len = n;
    zip = zip_of(files, &zlen);
    problems = verify(zip, zlen, &ok, NULL);
    ck_assert(!ok);
    ck_assert_int_eq(about(problems, "manifest.json"), 0);
    ck_assert_int_eq(about(problems, "audit.json"), 1);
    ck_assert_contains(lines(problems), "audit.json: SHA-256");

    /* a generated_by that nothing else depends on: still the manifest's own hash */
    json_object_set_new(m, "generated_by", json_string("mallory"));
    mf->data = isms_evidence_json_text(tpool, m, &n);
    mf->len = n;
    zip = zip_of(files, &zlen);
    assert_names(zip, zlen, "manifest.json");

    /* no manifest at all: every file is unlisted */
    mf->name = "manifest.old";
    zip = zip_of(files, &zlen);
    problems = verify(zip, zlen, &ok, NULL);
    ck_assert(!ok);
    ck_assert_int_eq(about(problems, "manifest.json"), 1);
    ck_assert_int_eq(about(problems, "record.json"), 1);
    ck_assert_int_eq(about(problems, "manifest.old"), 1);
}
END_TEST

/* A sealed record changed and the whole manifest rebuilt around it: the content no longer
 * re-hashes to the content_hash the seal gave it. */
START_TEST(sealed_record_rehashed)
{
    json_t *meta, *rec = sealed_record();
    apr_array_header_t *files;
    size_t len = 0;
    const char *zip;
    int ok;
    apr_array_header_t *problems;

    json_object_set_new(json_array_get(json_object_get(rec, "actions"), 0), "title",
                        json_string("Patch later"));
    files = pack_files(rec, NULL, &meta);
    zip = build(files, meta, &len);
    problems = verify(zip, len, &ok, NULL);
    ck_assert(!ok);
    ck_assert_int_eq(problems->nelts, 1);
    ck_assert_contains(lines(problems), "record.json: the sealed content re-hashes to");

    /* tracking fields are outside the seal: changing one keeps the hash */
    rec = sealed_record();
    json_object_set_new(json_array_get(json_object_get(rec, "actions"), 0), "progress",
                        json_integer(80));
    json_object_set_new(rec, "status", json_string("PUBLISHED"));
    files = pack_files(rec, NULL, &meta);
    zip = build(files, meta, &len);
    assert_verified(zip, len);

    /* a sealed record in a manifest without its content_hash: nothing to skip the re-hash */
    rec = sealed_record();
    files = pack_files(rec, NULL, &meta);
    json_object_set_new(meta, "content_hash", json_null());
    zip = build(files, meta, &len);
    assert_names(zip, len, "record.json");

    /* the record of another review than the manifest says */
    rec = sealed_record();
    files = pack_files(rec, NULL, &meta);
    json_object_set_new(meta, "ref", json_string("MR-2026-04"));
    zip = build(files, meta, &len);
    assert_names(zip, len, "record.json");
}
END_TEST

static const char *audit_problems(json_t *audit)
{
    json_t *meta;
    apr_array_header_t *files = pack_files(NULL, audit, &meta), *problems;
    size_t len = 0;
    const char *zip = build(files, meta, &len);
    int ok;

    problems = verify(zip, len, &ok, NULL);
    ck_assert_msg(!ok, "the changed audit extract verified");
    ck_assert_msg(about(problems, "audit.json") == problems->nelts, "%s", lines(problems));
    return lines(problems);
}

/* Events changed, reordered or unlinked, with the manifest rebuilt around them. */
START_TEST(audit_extract_checked)
{
    json_t *a = audit_doc(), *events = json_object_get(a, "events");

    json_object_set_new(json_array_get(events, 1), "actor", json_string("mallory"));
    ck_assert_contains(audit_problems(a), "audit.json: event seq 4: hash");

    a = audit_doc();
    events = json_object_get(a, "events");
    json_object_set_new(json_object_get(json_array_get(events, 0), "before"), "v",
                        json_real(0.2));
    ck_assert_contains(audit_problems(a), "audit.json: event seq 3: hash");

    a = audit_doc();   /* 6 before 4 */
    events = json_object_get(a, "events");
    json_array_insert(events, 1, json_array_get(events, 2));
    json_array_remove(events, 3);
    ck_assert_contains(audit_problems(a), "not after seq 6");

    a = audit_doc();   /* event 4 re-hashed from another predecessor */
    events = json_object_get(a, "events");
    json_array_set_new(events, 1, json_incref(event(4, sha("forged"))));
    ck_assert_contains(audit_problems(a), "audit.json: event seq 4: prev_hash does not link");

    a = audit_doc();   /* an event beyond the head */
    json_object_set_new(a, "chain_events", json_integer(5));
    ck_assert_contains(audit_problems(a), "after the chain head");
}
END_TEST

/* audit.json's scope is the manifest's, known, and a withheld extract has no events. */
START_TEST(audit_scope_checked)
{
    json_t *meta, *a = audit_doc();
    apr_array_header_t *files;
    const char *zip;
    size_t len = 0;
    int ok;

    json_object_set_new(a, "scope", json_string("withheld"));
    ck_assert_contains(audit_problems(a), "audit.json: the events are withheld, yet");
    json_array_clear(json_object_get(a, "events"));
    files = pack_files(NULL, a, &meta);
    zip = build(files, meta, &len);
    assert_verified(zip, len);

    json_object_set_new(a, "scope", json_string("everything"));
    ck_assert_contains(audit_problems(a), "audit.json: unknown scope everything");

    a = audit_doc();   /* the scope in audit.json only: the manifest says nothing */
    files = pack_files(NULL, a, &meta);
    json_object_set_new(meta, "audit_scope", json_string("withheld"));
    zip = build(files, meta, &len);
    ck_assert_contains(lines(verify(zip, len, &ok, NULL)),
                       "audit.json: scope (none) differs from the manifest's audit_scope "
                       "withheld");
}
END_TEST

START_TEST(not_a_pack)
{
    int ok;
    apr_array_header_t *problems = verify("not a zip at all", 16, &ok, NULL);

    ck_assert(!ok);
    ck_assert_contains(lines(problems), "not a readable ZIP archive");
}
END_TEST

/* ---- from the database */

static isms_ctx alice, bob, reader;

static void db_setup(void)
{
    isms_test_ctx(&alice, "alice", ISMS_R_AUTHOR);
    isms_test_ctx(&bob, "bob", ISMS_R_APPROVER);
    isms_test_ctx(&reader, "auditor", ISMS_R_AUDITOR);
}

typedef struct {
    long long id, version;
} ev_args;

static isms_result evidence_op(isms_ctx *ctx, void *arg)
{
    return isms_review_evidence(ctx, ((ev_args *)arg)->id, ((ev_args *)arg)->version);
}

static isms_result pack_of(long long id, long long version)
{
    ev_args a = {id, version};

    return isms_txn_read(&reader, evidence_op, &a);
}

/* The pack's file, parsed. */
static json_t *member(const isms_result *r, const char *name)
{
    apr_array_header_t *files = unzip(r->raw, r->raw_len);

    return isms_test_json(file_named(files, name)->data);
}

/* Audit events of a review, appended as the glue would (reals and UTF-8 in the states). */
static void audit_events(long long rid, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        isms_audit_event ev = {"PATCH", "v1/reviews/1", "PATCH v1/reviews/{id}", "review",
                               0, 0, 200, NULL, NULL};
        const char *err = NULL;
        ev.entity_id = ev.review_id = rid;
        ev.before = J("{\"title\":\"caf\\u00e9\",\"v\":0.1,\"w\":[1e-7,123456.789]}");
        ev.after = i % 2 ? NULL : J("{\"title\":\"x\"}");
        ck_assert_int_eq(isms_conn_begin(tconn, 1, &err), ISMS_DB_OK);
        ck_assert_msg(isms_audit_append(&alice, &ev, &err) == ISMS_DB_OK, "%s", err);
        ck_assert_int_eq(isms_conn_commit(tconn, &err), ISMS_DB_OK);
    }
}

static isms_result pack_as(isms_ctx *ctx, long long id)
{
    ev_args a = {id, 0};

    return isms_txn_read(ctx, evidence_op, &a);
}

static long long draft(void)
{
    long long rid = isms_test_created_id(isms_test_review_create(&alice, J(
        "{\"title\":\"Review <2026>\",\"review_type\":\"SCHEDULED\",\"planned_date\":"
        "\"2026-03-10\"}")));

    isms_test_created_id(isms_test_item_create(&alice, rid, "actions", J(
        "{\"title\":\"=SUM(A1)\",\"type\":\"CORRECTIVE\",\"owner\":\"dave\",\"due_date\":"
        "\"2026-06-30\",\"priority\":\"HIGH\"}")));
    return rid;
}

START_TEST(draft_pack_from_db)
{
    long long rid = draft();
    isms_result r, again;
    json_t *m, *audit;
    const json_t *e;
    size_t i;

    audit_events(rid, 3);
    r = pack_of(rid, 0);
    ck_assert_status(r, 200);
    ck_assert_str_eq(r.content_type, "application/zip");
    ck_assert_str_eq(r.filename, "MR-2026-01-v1-evidence.zip");
    assert_verified(r.raw, r.raw_len);
    m = member(&r, "manifest.json");
    ck_assert(json_is_null(json_object_get(m, "content_hash")));
    ck_assert_str_eq(isms_jstr(m, "status"), "DRAFT");
    ck_assert_str_eq(isms_jstr(m, "generated_by"), "auditor");
    ck_assert_str_eq(isms_jstr(m, "generated_at"), reader.now);
    ck_assert(json_equal(member(&r, "record.json"), isms_test_review_get(&alice, rid).body));

    /* the audit extract: the review's events with the hashes the chain stored */
    audit = member(&r, "audit.json");
    ck_assert_int_eq(json_array_size(json_object_get(audit, "events")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(m, "chain_events")), 3);
    json_array_foreach(json_object_get(audit, "events"), i, e) {
        ck_assert_str_eq(isms_jstr(e, "hash"), isms_test_scalar(tconn, tpool, isms_test_printf(
            "SELECT hash FROM audit_event WHERE seq = %lld",
            (long long)json_integer_value(json_object_get(e, "seq")))));
        ck_assert_str_eq(isms_audit_event_hash(tpool, e), isms_jstr(e, "hash"));
    }
    ck_assert_str_eq(isms_jstr(m, "chain_head"), isms_test_scalar(tconn, tpool, "SELECT hash FROM "
                                                             "audit_head"));
    again = pack_of(rid, 0);
    ck_assert_uint_eq(again.raw_len, r.raw_len);
    ck_assert(memcmp(again.raw, r.raw, r.raw_len) == 0);

    ck_assert_status(pack_of(rid, 2), 404);
    ck_assert_status(pack_of(rid + 100, 0), 404);
}
END_TEST

/* The audit events only for the roles that may read the trail (auditor, admin). */
START_TEST(pack_audit_scope_follows_role)
{
    long long rid = draft();
    isms_ctx admin;
    isms_ctx *who[] = {&alice, &bob, &reader, &admin};
    static const char *const scope[] = {"withheld", "withheld", "review", "review"};
    size_t i;

    isms_test_ctx(&admin, "root", ISMS_R_ADMIN);
    audit_events(rid, 2);
    for (i = 0; i < N_ELEMS(who); i++) {
        isms_result r = pack_as(who[i], rid);
        json_t *audit = member(&r, "audit.json");
        ck_assert_status(r, 200);
        assert_verified(r.raw, r.raw_len);
        ck_assert_str_eq(isms_jstr(member(&r, "manifest.json"), "audit_scope"), scope[i]);
        ck_assert_str_eq(isms_jstr(audit, "scope"), scope[i]);
        ck_assert_int_eq(json_array_size(json_object_get(audit, "events")), i < 2 ? 0 : 2);
    }
}
END_TEST

static const char *etag(long long rid)
{
    return isms_test_review_get(&alice, rid).etag;
}

/* Waives every open E finding (as bob), submits (alice) and approves (bob). */
static void approve(long long rid)
{
    isms_test_waive_all(&bob, rid, "accepted for the unit test");
    ck_assert_status(isms_test_workflow(&alice, rid, "submit", J("{}"), etag(rid)), 200);
    isms_test_ack_all(&bob, rid);
    ck_assert_status(isms_test_workflow(&bob, rid, "approve", J("{}"), etag(rid)), 200);
}

START_TEST(sealed_pack_from_db)
{
    long long rid = draft();
    isms_result r;
    json_t *m, *rec;

    approve(rid);
    audit_events(rid, 1);
    r = pack_of(rid, 0);
    ck_assert_status(r, 200);
    assert_verified(r.raw, r.raw_len);
    m = member(&r, "manifest.json");
    rec = member(&r, "record.json");
    ck_assert_str_eq(isms_jstr(m, "content_hash"), isms_test_scalar(tconn, tpool, isms_test_printf(
        "SELECT content_hash FROM review_version WHERE review_id = %lld", rid)));
    ck_assert_str_eq(isms_jstr(m, "status"), "APPROVED");
    ck_assert(json_is_true(json_object_get(rec, "sealed")));
    ck_assert_int_eq(json_array_size(json_object_get(member(&r, "history.json"),
                                                     "approvals")), 1);
    ck_assert(json_is_integer(json_object_get(member(&r, "findings.json"), "errors")));

    /* amended: the current version is a draft again, version 1 stays sealed */
    ck_assert_status(isms_test_workflow(&alice, rid, "amend", J("{\"comment\":\"typo\"}"),
                                        etag(rid)), 200);
    r = pack_of(rid, 0);
    ck_assert_status(r, 200);
    assert_verified(r.raw, r.raw_len);
    ck_assert_str_eq(r.filename, "MR-2026-01-v2-evidence.zip");
    ck_assert(json_is_null(json_object_get(member(&r, "manifest.json"), "content_hash")));
    r = pack_of(rid, 1);
    ck_assert_status(r, 200);
    assert_verified(r.raw, r.raw_len);
    ck_assert_str_eq(isms_jstr(member(&r, "manifest.json"), "content_hash"), isms_jstr(m,
                                                                            "content_hash"));
}
END_TEST

Suite *evidence_suite(void)
{
    Suite *s = suite_create("evidence");
    TCase *tc;

    tc = isms_test_tcase("pack", 0);
    tcase_add_test(tc, pack_verifies);
    tcase_add_test(tc, pack_is_reproducible);
    tcase_add_loop_test(tc, flip_one_byte, 0, N_ELEMS(flip_files));
    tcase_add_test(tc, damaged_entry_named);
    tcase_add_test(tc, missing_file_named);
    tcase_add_test(tc, unlisted_file_named);
    tcase_add_test(tc, manifest_tampered);
    tcase_add_test(tc, sealed_record_rehashed);
    tcase_add_test(tc, audit_extract_checked);
    tcase_add_test(tc, audit_scope_checked);
    tcase_add_test(tc, not_a_pack);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("evidence_db", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_checked_fixture(tc, db_setup, NULL);
    tcase_add_test(tc, draft_pack_from_db);
    tcase_add_test(tc, pack_audit_scope_follows_role);
    tcase_add_test(tc, sealed_pack_from_db);
    suite_add_tcase(s, tc);
    return s;
}
