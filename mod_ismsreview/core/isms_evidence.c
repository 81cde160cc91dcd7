/* SPDX-License-Identifier: Apache-2.0 */
/* GET v1/reviews/{id}/evidence: gathers the documents of one review version in the request's
 * read transaction (one snapshot) and packs them (isms_evidence_pack.c). */
#include "isms_evidence.h"
#include "isms_audit.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_report.h"
#include "isms_rules.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <string.h>

/* The record of the version: the sealed content when the version is sealed, the live review
 * when it is the current, unsealed one; a 404 otherwise. */
static isms_result record_of(isms_ctx *ctx, long long id, long long *version)
{
    json_t *review;
    isms_result r = isms_load_review(ctx, id, &review);
    long long current;

    if (r.status) return r;
    current = json_integer_value(json_object_get(review, "version"));
    if (!*version) *version = current;
    r = isms_review_version_get(ctx, id, *version);
    if (r.status == 404 && *version == current) return isms_review_get(ctx, id);
    return r;
}

static void add_json(isms_ctx *ctx, apr_array_header_t *files, const char *name,
                     const json_t *j)
{
    size_t len = 0;
    const char *text = isms_evidence_json_text(ctx->pool, j, &len);

    isms_evidence_add(files, name, text ? text : "", len);
}

/* One format of the review record report (isms_report_record.c) of the same version: the
 * sealed one, or the live record. */
static isms_result add_report(isms_ctx *ctx, apr_array_header_t *files, long long id,
                              long long sealed_version, const char *format, const char *name)
{
    apr_table_t *q = apr_table_make(ctx->pool, 2);
    isms_result r;

    apr_table_setn(q, "format", format);
    if (sealed_version) {
        apr_table_setn(q, "version", apr_psprintf(ctx->pool, "%" APR_INT64_T_FMT,
                                                  (apr_int64_t)sealed_version));
    }
    r = isms_report_review(ctx, id, q, NULL);
    if (r.status == 200) isms_evidence_add(files, name, r.raw, r.raw_len);
    return r;
}

/* record.json, record.html, record.csv. */
static isms_result add_record(isms_ctx *ctx, apr_array_header_t *files, long long id,
                              long long version, const json_t *record)
{
    long long sealed = json_is_true(json_object_get(record, "sealed")) ? version : 0;
    isms_result r;

    add_json(ctx, files, ISMS_EVIDENCE_RECORD, record);
    r = add_report(ctx, files, id, sealed, "html", "record.html");
    return r.status == 200 ? add_report(ctx, files, id, sealed, "csv", "record.csv") : r;
}

/* What audit.json holds for the user: GET v1/audit's rule (the audit trail, with its actors,
 * client addresses and refused attempts, is for auditors and admins). */
static const char *audit_scope(const isms_ctx *ctx)
{
    return ctx->roles & (ISMS_R_AUDITOR | ISMS_R_ADMIN) ? ISMS_EVIDENCE_SCOPE_REVIEW
                                                        : ISMS_EVIDENCE_SCOPE_WITHHELD;
}

/* The review's audit events with their chain positions (none when withheld), and the chain
 * head now (read after the events, so it is at or beyond every one of them). */
static isms_db_status audit_extract(isms_ctx *ctx, long long id, json_t **out,
                                    const char **err)
{
    json_t *events = NULL;
    const char *head = NULL, *scope = audit_scope(ctx);
    long long count = 0;
    isms_db_status st = ISMS_DB_OK;

    if (strcmp(scope, ISMS_EVIDENCE_SCOPE_REVIEW) == 0) {
        st = isms_audit_of_review(ctx, id, &events, err);
    }
    else events = json_array();
    if (st != ISMS_DB_OK) return st;
    isms_json_pool(ctx->pool, events);
    if ((st = isms_audit_head(ctx, &count, &head, err)) != ISMS_DB_OK) return st;
    *out = isms_json_pool(ctx->pool, json_pack("{s:I,s:s,s:O,s:s,s:I}", "review_id",
                                               (json_int_t)id, "scope", scope, "events",
                                               events, "chain_head", head, "chain_events",
                                               (json_int_t)count));
    return ISMS_DB_OK;
}

/* history.json, findings.json, audit.json: each as its GET answers it. */
static isms_result add_trail(isms_ctx *ctx, apr_array_header_t *files, long long id,
                             json_t **audit)
{
    const char *err = NULL;
    isms_db_status st;
    isms_result r = isms_review_history(ctx, id);

    if (r.status != 200) return r;
    add_json(ctx, files, "history.json", r.body);
    if ((r = isms_review_check(ctx, id)).status != 200) return r;
    add_json(ctx, files, "findings.json", r.body);
    if ((st = audit_extract(ctx, id, audit, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    add_json(ctx, files, ISMS_EVIDENCE_AUDIT, *audit);
    return r;
}

static json_t *meta_of(isms_ctx *ctx, long long id, long long version, const json_t *record,
                       const json_t *audit)
{
    json_t *m = json_object();
    const json_t *hash = json_object_get(record, "content_hash");
    int sealed = json_is_true(json_object_get(record, "sealed"));

    json_object_set_new(m, "review_id", json_integer(id));
    json_object_set(m, "ref", json_object_get(record, "ref"));
    json_object_set_new(m, "version", json_integer(version));
    json_object_set(m, "status", json_object_get(record, "status"));
    json_object_set_new(m, "content_hash", sealed && hash ? json_incref((json_t *)hash)
                                                          : json_null());
    json_object_set_new(m, "generated_at", json_string(ctx->now));
    json_object_set_new(m, "generated_by", json_string(ctx->user));
    json_object_set(m, "chain_head", json_object_get(audit, "chain_head"));
    json_object_set(m, "chain_events", json_object_get(audit, "chain_events"));
    json_object_set(m, "audit_scope", json_object_get(audit, "scope"));
    return isms_json_pool(ctx->pool, m);
}

/* MR-2026-01-v1-evidence.zip (the reference is [A-Z0-9-]; anything else becomes '_'). */
static const char *pack_name(apr_pool_t *p, const json_t *meta)
{
    const char *ref = json_string_value(json_object_get(meta, "ref"));
    char *name = apr_psprintf(p, "%s-v%" APR_INT64_T_FMT "-evidence.zip",
                              ref ? ref : "review",
                              (apr_int64_t)json_integer_value(json_object_get(meta, "version")));
    char *c;

    for (c = name; *c; c++) {
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", *c)) {
            *c = '_';
        }
    }
    return name;
}

/* A sealed version's pack built before is sent as it is, without gathering anything. */
static isms_result kept(isms_ctx *ctx, long long id, long long version, const json_t *record)
{
    json_t *m;
    isms_result none = {0};

    if (!ctx->evidence_dir || !json_is_true(json_object_get(record, "sealed"))) return none;
    m = isms_json_pool(ctx->pool, json_pack("{s:I,s:I,s:O?,s:O?,s:s}", "review_id",
                                            (json_int_t)id, "version", (json_int_t)version,
                                            "ref", json_object_get(record, "ref"),
                                            "content_hash",
                                            json_object_get(record, "content_hash"),
                                            "audit_scope", audit_scope(ctx)));
    return m ? isms_evidence_kept(ctx, m, pack_name(ctx->pool, m)) : none;
}

isms_result isms_review_evidence(isms_ctx *ctx, long long id, long long version)
{
    apr_array_header_t *files = apr_array_make(ctx->pool, 8, sizeof(isms_ev_file));
    isms_result r = record_of(ctx, id, &version);
    json_t *record = r.body, *audit = NULL, *meta;
    const char *err = NULL;

    if (r.status != 200) return r;
    if ((r = kept(ctx, id, version, record)).status) return r;
    if ((r = add_record(ctx, files, id, version, record)).status != 200) return r;
    if ((r = add_trail(ctx, files, id, &audit)).status != 200) return r;
    meta = meta_of(ctx, id, version, record, audit);
    if ((r = isms_evidence_add_attachments(ctx, files, id, record)).status != 200) return r;
    if (ctx->evidence_dir) return isms_evidence_pack_file(ctx, files, meta,
                                                          pack_name(ctx->pool, meta));
    memset(&r, 0, sizeof(r));
    if (isms_evidence_build(ctx->pool, files, meta, &r.raw, &r.raw_len, &err) != 0) {
        return isms_res_problem(ctx->pool, 500, "evidence", "Evidence pack failed", err);
    }
    r.status = 200;
    r.content_type = "application/zip";
    r.filename = pack_name(ctx->pool, meta);
    return r;
}
