/* SPDX-License-Identifier: Apache-2.0 */
/* Offline verification of an evidence pack (ismsreview-admin verify-evidence): every check
 * names the file (and where it helps the event or the hash) that does not match, and goes on,
 * so one run lists everything that is wrong. */
#include "isms_evidence.h"
#include "isms_attach.h"
#include "isms_audit.h"
#include "isms_canon.h"
#include "isms_json.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <string.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *problems;
    const apr_array_header_t *files;   /* the entries of the ZIP */
    const json_t *manifest;            /* NULL when it is missing or unreadable */
} verifier;

#define BAD(v, ...) isms_evidence_problem((v)->problems, __VA_ARGS__)

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The entries of the ZIP with that name: the first one, and how many there are. */
static const isms_ev_file *find(const verifier *v, const char *name, int *count)
{
    const isms_ev_file *found = NULL;
    int i, n = 0;

    for (i = 0; i < v->files->nelts; i++) {
        const isms_ev_file *f = &APR_ARRAY_IDX(v->files, i, isms_ev_file);
        if (strcmp(f->name, name) == 0 && n++ == 0) found = f;
    }
    if (count) *count = n;
    return found;
}

/* A JSON file of the pack, parsed and tied to the pool; NULL (named in problems) if absent,
 * unreadable or not JSON. */
static json_t *load_json(verifier *v, const char *name)
{
    const isms_ev_file *f = find(v, name, NULL);
    json_error_t e;
    json_t *j;

    if (!f || !f->data) return NULL;   /* reported with the file checks */
    j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &e);
    if (!j) BAD(v, "%s: not valid JSON (line %d: %s)", name, e.line, e.text);
    return j ? isms_json_pool(v->p, j) : NULL;
}

/* ---- manifest.json */

static void check_manifest_self(verifier *v, const isms_ev_file *f, const json_t *m)
{
    size_t n = 0;
    const char *text = isms_evidence_json_text(v->p, m, &n);
    const char *h = isms_evidence_manifest_hash(v->p, m);

    if (!text || n != f->len || memcmp(text, f->data, n) != 0) {
        BAD(v, ISMS_EVIDENCE_MANIFEST ": not byte for byte as the server writes it (edited?)");
    }
    if (!same(h, jstr(m, "manifest_sha256"))) {
        BAD(v, ISMS_EVIDENCE_MANIFEST ": manifest_sha256 %s does not match its content (%s)",
            jstr(m, "manifest_sha256") ? jstr(m, "manifest_sha256") : "(missing)", h);
    }
}

static void load_manifest(verifier *v)
{
    int count = 0;
    const isms_ev_file *f = find(v, ISMS_EVIDENCE_MANIFEST, &count);
    json_t *m;

    if (!f) {
        BAD(v, ISMS_EVIDENCE_MANIFEST ": missing; no file of the pack can be checked");
        return;
    }
    if (count > 1) BAD(v, ISMS_EVIDENCE_MANIFEST ": appears %d times in the ZIP", count);
    if (!(m = load_json(v, ISMS_EVIDENCE_MANIFEST))) return;
    if (!json_is_object(m) || !json_is_array(json_object_get(m, "files"))) {
        BAD(v, ISMS_EVIDENCE_MANIFEST ": not a manifest (no \"files\" list)");
        return;
    }
    check_manifest_self(v, f, m);
    v->manifest = m;
}

/* ---- the listed files */

static int listed_ok(verifier *v, const json_t *e, size_t i)
{
    const char *name = jstr(e, "name"), *sha = jstr(e, "sha256");

    if (!name || !json_is_integer(json_object_get(e, "size")) || !sha || strlen(sha) != 64) {
        BAD(v, ISMS_EVIDENCE_MANIFEST ": files[%zu] is not {\"name\", \"size\", \"sha256\"}", i);
        return 0;
    }
    if (strcmp(name, ISMS_EVIDENCE_MANIFEST) == 0) {
        BAD(v, ISMS_EVIDENCE_MANIFEST ": lists itself");
        return 0;
    }
    return 1;
}

/* The SHA-256 of a file of the pack (hashed while it was read, for an attachment), or NULL
 * when it could not be read. */
static const char *hash_of(const verifier *v, const isms_ev_file *f)
{
    if (f->sha256) return f->sha256;
    return f->data ? isms_sha256_hex(v->p, f->data, f->len, NULL, 0) : NULL;
}

static void check_listed_file(verifier *v, const json_t *e)
{
    const char *name = jstr(e, "name"), *sha = jstr(e, "sha256"), *h;
    long long size = json_integer_value(json_object_get(e, "size"));
    int count = 0;
    const isms_ev_file *f = find(v, name, &count);

    if (!f) {
        BAD(v, "%s: listed in the manifest but not in the ZIP", name);
        return;
    }
    if (count > 1) BAD(v, "%s: appears %d times in the ZIP", name, count);
    if (!(h = hash_of(v, f))) return;   /* unreadable: said already */
    if ((long long)f->len != size) {
        BAD(v, "%s: %zu bytes, the manifest says %lld", name, f->len, size);
    }
    if (strcmp(h, sha) != 0) {
        BAD(v, "%s: SHA-256 %s does not match the manifest (%s)", name, h, sha);
    }
}

static void check_files(verifier *v)
{
    const json_t *list = json_object_get(v->manifest, "files"), *e;
    size_t i, k;

    json_array_foreach(list, i, e) {
        if (!listed_ok(v, e, i)) continue;
        for (k = 0; k < i; k++) {
            if (same(jstr(json_array_get(list, k), "name"), jstr(e, "name"))) break;
        }
        if (k < i) BAD(v, "%s: listed twice in the manifest", jstr(e, "name"));
        else check_listed_file(v, e);
    }
}

static int is_listed(const verifier *v, const char *name)
{
    const json_t *e;
    size_t i;

    json_array_foreach(json_object_get(v->manifest, "files"), i, e) {
        if (same(jstr(e, "name"), name)) return 1;
    }
    return 0;
}

static void check_unlisted(verifier *v)
{
    int i;

    for (i = 0; i < v->files->nelts; i++) {
        const char *name = APR_ARRAY_IDX(v->files, i, isms_ev_file).name;
        if (strcmp(name, ISMS_EVIDENCE_MANIFEST) == 0) continue;
        if (!v->manifest) BAD(v, "%s: not checked (no readable manifest)", name);
        else if (!is_listed(v, name)) BAD(v, "%s: in the ZIP but not listed in the manifest", name);
    }
}

/* ---- record.json */

static const char *seal_hash(apr_pool_t *p, const json_t *record)
{
    json_t *rec = json_deep_copy(record), *content;
    const char *c;
    size_t len;

    json_object_del(rec, "sealed");   /* added by GET ?version=n, like status, content_hash */
    content = isms_json_pool(p, isms_seal_content(rec, json_object_get(rec, "approvals")));
    json_decref(rec);
    c = isms_canon(p, content, &len);
    return c ? isms_sha256_hex(p, c, len, NULL, 0) : NULL;
}

static void check_record_field(verifier *v, const json_t *rec, const char *rkey,
                               const char *mkey)
{
    const json_t *a = json_object_get(rec, rkey), *b = json_object_get(v->manifest, mkey);

    if (!a || !b || !json_equal((json_t *)a, (json_t *)b)) {
        BAD(v, ISMS_EVIDENCE_RECORD ": %s %s does not match the manifest's %s %s", rkey,
            a ? isms_canon(v->p, a, NULL) : "(missing)", mkey,
            b ? isms_canon(v->p, b, NULL) : "(missing)");
    }
}

/* The attachments sealed with the version (record.json's "attachments", part of the hashed
 * content) are in the pack with that SHA-256 and size (the manifest's file checks then hold
 * the bytes to it). */
static void check_attachments(verifier *v, const json_t *rec)
{
    const json_t *a;
    size_t i;

    json_array_foreach(json_object_get(rec, "attachments"), i, a) {
        const char *name = isms_attach_pack_name(v->p, a), *sha = jstr(a, "sha256");
        int count = 0;
        const isms_ev_file *f = find(v, name, &count);
        if (!f || !hash_of(v, f)) {
            BAD(v, "%s: sealed in " ISMS_EVIDENCE_RECORD " but not in the ZIP", name);
        }
        else if (!same(hash_of(v, f), sha) ||
                 (json_int_t)f->len != json_integer_value(json_object_get(a, "size"))) {
            BAD(v, "%s: not the attachment sealed in " ISMS_EVIDENCE_RECORD " (SHA-256 %s)",
                name, sha ? sha : "(missing)");
        }
    }
}

static void check_record(verifier *v)
{
    const char *want = jstr(v->manifest, "content_hash"), *h;
    json_t *rec = load_json(v, ISMS_EVIDENCE_RECORD);

    if (!rec) return;
    check_record_field(v, rec, "id", "review_id");
    check_record_field(v, rec, "ref", "ref");
    check_record_field(v, rec, "version", "version");
    if (!want) {         /* not a sealed version: nothing to re-hash */
        if (json_is_true(json_object_get(rec, "sealed"))) {
            BAD(v, ISMS_EVIDENCE_RECORD ": a sealed version, but the manifest has no "
                   "content_hash");
        }
        return;
    }
    if (!same(jstr(rec, "content_hash"), want)) {
        BAD(v, ISMS_EVIDENCE_RECORD ": content_hash %s differs from the manifest's %s",
            jstr(rec, "content_hash") ? jstr(rec, "content_hash") : "(missing)", want);
    }
    if (!same(h = seal_hash(v->p, rec), want)) {
        BAD(v, ISMS_EVIDENCE_RECORD ": the sealed content re-hashes to %s, not to the "
               "content_hash %s", h ? h : "(nothing)", want);
    }
    check_attachments(v, rec);
}

/* ---- audit.json */

typedef struct {
    long long seq;          /* of the previous event, 0 before the first */
    const char *hash;
    long long head_seq;     /* chain_events */
    const char *head;       /* chain_head */
    json_int_t review_id;
} chain_pos;

static void check_event(verifier *v, const json_t *ev, size_t i, chain_pos *c)
{
    long long seq = json_integer_value(json_object_get(ev, "seq"));
    const char *h = isms_audit_event_hash(v->p, ev), *hash = jstr(ev, "hash");
    const char *prev = jstr(ev, "prev_hash");

    if (seq <= c->seq) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": events[%zu] has seq %lld, not after seq %lld", i, seq,
            c->seq);
    }
    if (!same(h, hash)) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": event seq %lld: hash %s does not match its content and "
               "prev_hash (recomputed %s)", seq, hash ? hash : "(missing)", h ? h : "nothing");
    }
    if (seq == c->seq + 1 && c->hash && !same(prev, c->hash)) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": event seq %lld: prev_hash does not link to event seq %lld",
            seq, c->seq);
    }
    if (seq == 1 && !same(prev, ZERO_HASH)) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": event seq 1: prev_hash is not 64 zeros");
    }
    if (json_integer_value(json_object_get(ev, "review_id")) != c->review_id) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": event seq %lld: belongs to another review", seq);
    }
    if (seq > c->head_seq) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": event seq %lld: after the chain head (event %lld)", seq,
            c->head_seq);
    }
    else if (seq == c->head_seq && !same(hash, c->head)) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": event seq %lld: is the head event, but its hash is not "
               "chain_head", seq);
    }
    c->seq = seq;
    c->hash = hash;
}

static void check_head(verifier *v, const json_t *audit, chain_pos *c)
{
    const json_t *m = v->manifest;

    c->head = jstr(audit, "chain_head");
    c->head_seq = json_integer_value(json_object_get(audit, "chain_events"));
    c->review_id = json_integer_value(json_object_get(m, "review_id"));
    if (!same(c->head, jstr(m, "chain_head")) ||
        c->head_seq != json_integer_value(json_object_get(m, "chain_events"))) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": chain_head/chain_events differ from the manifest's");
    }
}

/* The scope is the manifest's; a withheld extract has no events. (Packs made before the
 * scope existed have it in neither.) */
static void check_scope(verifier *v, const json_t *audit)
{
    const char *scope = jstr(audit, "scope"), *ms = jstr(v->manifest, "audit_scope");

    if ((scope || ms) && !same(scope, ms)) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": scope %s differs from the manifest's audit_scope %s",
            scope ? scope : "(none)", ms ? ms : "(none)");
    }
    if (scope && strcmp(scope, ISMS_EVIDENCE_SCOPE_REVIEW) != 0 &&
        strcmp(scope, ISMS_EVIDENCE_SCOPE_WITHHELD) != 0) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": unknown scope %s", scope);
    }
    if (same(scope, ISMS_EVIDENCE_SCOPE_WITHHELD) &&
        json_array_size(json_object_get(audit, "events")) > 0) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": the events are withheld, yet the extract has some");
    }
}

static void check_audit(verifier *v)
{
    json_t *audit = load_json(v, ISMS_EVIDENCE_AUDIT);
    const json_t *events = json_object_get(audit, "events"), *ev;
    chain_pos c = {0, NULL, 0, NULL, 0};
    size_t i;

    if (!audit) return;
    if (!json_is_array(events)) {
        BAD(v, ISMS_EVIDENCE_AUDIT ": no \"events\" list");
        return;
    }
    check_head(v, audit, &c);
    check_scope(v, audit);
    json_array_foreach(events, i, ev) check_event(v, ev, i, &c);
}

/* ---- the whole pack */

static const char *describe(verifier *v)
{
    const json_t *m = v->manifest;

    if (!m) return "an evidence pack without a readable manifest";
    return apr_psprintf(v->p, "%s version %" APR_INT64_T_FMT " (%s), %" APR_SIZE_T_FMT
                        " files and the manifest, content hash %s, audit chain head %s at "
                        "event %" APR_INT64_T_FMT "%s", jstr(m, "ref") ? jstr(m, "ref") : "?",
                        (apr_int64_t)json_integer_value(json_object_get(m, "version")),
                        jstr(m, "status") ? jstr(m, "status") : "?",
                        (apr_size_t)json_array_size(json_object_get(m, "files")),
                        jstr(m, "content_hash") ? jstr(m, "content_hash") : "none (not sealed)",
                        jstr(m, "chain_head") ? jstr(m, "chain_head") : "?",
                        (apr_int64_t)json_integer_value(json_object_get(m, "chain_events")),
                        same(jstr(m, "audit_scope"), ISMS_EVIDENCE_SCOPE_WITHHELD)
                            ? ", the review's audit events withheld (the trail is for "
                              "auditors and admins)" : "");
}

/* The checks on the entries read (rc: what the unzip returned). */
static int verify_files(apr_pool_t *p, int rc, apr_array_header_t *files,
                        apr_array_header_t *problems, const char **summary)
{
    verifier v = {p, problems, NULL, NULL};

    if (rc != 0 && files->nelts == 0) {
        *summary = "not an evidence pack";
        return 0;
    }
    v.files = files;
    load_manifest(&v);
    if (v.manifest) {
        check_files(&v);
        check_record(&v);
        check_audit(&v);
    }
    check_unlisted(&v);
    *summary = describe(&v);
    return problems->nelts == 0;
}

int isms_evidence_verify(apr_pool_t *p, const char *zip, size_t len,
                         apr_array_header_t *problems, const char **summary)
{
    apr_array_header_t *files;
    int rc = isms_evidence_unzip(p, zip, len, &files, problems);

    return verify_files(p, rc, files, problems, summary);
}

int isms_evidence_verify_file(apr_pool_t *p, const char *path, apr_array_header_t *problems,
                              const char **summary)
{
    apr_array_header_t *files;
    int rc = isms_evidence_unzip_file(p, path, &files, problems);

    return verify_files(p, rc, files, problems, summary);
}
