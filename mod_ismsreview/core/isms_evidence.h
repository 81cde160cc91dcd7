/* SPDX-License-Identifier: Apache-2.0 */
/* The evidence pack (domain-model.md §D item 12): one ZIP per review version for auditors,
 * verifiable offline, without the database:
 *
 *   record.json    the review as GET v1/reviews/{id} returns it, or for a sealed version the
 *                  sealed content as GET v1/reviews/{id}?version=n returns it
 *   record.html    the review record report of the same version (GET .../report), printable
 *   record.csv     the same report as CSV
 *   history.json   transitions, approvals, waivers, sealed versions (GET .../history)
 *   findings.json  the completeness check (GET .../check)
 *   audit.json     the chain head and, for auditors and admins (who may read the audit
 *                  trail, GET v1/audit), the review's audit events with their chain
 *                  positions; "scope" says which: "review", or "withheld" (no events)
 *   attachments/<id>/<filename>  the review's evidence attachments (a sealed version: those
 *                  sealed with it, record.json's "attachments"), byte for byte
 *   manifest.json  review_id, ref, version, status, content_hash, generated_at/_by,
 *                  chain_head, chain_events, audit_scope (audit.json's scope),
 *                  files [{name, size, sha256}] and
 *                  manifest_sha256 (SHA-256 of the canonical manifest without that key)
 *
 * Entries have fixed times and modes, so the same data gives the same bytes (the manifest's
 * generated_at/_by and the chain head aside). */
#ifndef ISMS_EVIDENCE_H
#define ISMS_EVIDENCE_H

#include <apr_tables.h>

#include "isms_api.h"

#define ISMS_EVIDENCE_MANIFEST "manifest.json"
#define ISMS_EVIDENCE_RECORD "record.json"
#define ISMS_EVIDENCE_AUDIT "audit.json"
#define ISMS_EVIDENCE_ATTACHMENTS "attachments/"
/* audit.json's scope: the review's events, or none (the user may not read the trail). */
#define ISMS_EVIDENCE_SCOPE_REVIEW "review"
#define ISMS_EVIDENCE_SCOPE_WITHHELD "withheld"
/* The time of every entry: 2000-01-01T00:00:00Z. */
#define ISMS_EVIDENCE_MTIME 946684800
/* What the verifier keeps in memory at most (the pack's documents are a few hundred KiB;
 * attachments/ entries are hashed as they are read, not kept). */
#define ISMS_EVIDENCE_MAX_BYTES (256 * 1024 * 1024)

/* One file of a pack. data is NULL for an entry that could not be read. An attachment is
 * not in memory: path names its stored file, sha256 the hash it must have (checked while it
 * is written into the ZIP), len its size. */
typedef struct {
    const char *name;
    const char *data;
    size_t len;
    const char *path;
    const char *sha256;
} isms_ev_file;

/* GET v1/reviews/{id}/evidence[?version=n]: version 0 is the current one; a version that is
 * neither sealed nor the current one is a 404. The ZIP is in raw (application/zip). */
isms_result isms_review_evidence(isms_ctx *ctx, long long id, long long version);

/* ---- attachments and packs on disk (isms_evidence_files.c) */

/* Appends the attachments of the version to files (by path, not read): the sealed ones of a
 * sealed record, else every attachment of the review. 200, or a problem. */
isms_result isms_evidence_add_attachments(isms_ctx *ctx, apr_array_header_t *files,
                                          long long id, const json_t *record);

/* The kept pack of a sealed version (meta: review_id, version, content_hash, audit_scope;
 * one pack per scope) as a file
 * result, or status 0 when there is none yet. */
isms_result isms_evidence_kept(isms_ctx *ctx, const json_t *meta, const char *name);

/* Writes the pack under ctx->evidence_dir and answers it as a file (raw_path): a sealed
 * version's pack (meta has a content_hash) is built once and reused, another one is removed
 * when the request ends. */
isms_result isms_evidence_pack_file(isms_ctx *ctx, const apr_array_header_t *files,
                                    const json_t *meta, const char *name);

/* ---- building blocks, no database (isms_evidence_pack.c) */

/* JSON files of the pack: sorted keys, 2-space indent, a final newline. */
const char *isms_evidence_json_text(apr_pool_t *p, const json_t *j, size_t *len);

/* Appends a file (name and bytes are not copied) to an array of isms_ev_file. */
void isms_evidence_add(apr_array_header_t *files, const char *name, const char *data,
                       size_t len);

/* Appends a printf-formatted line to problems (an array of const char *, in its pool). */
void isms_evidence_problem(apr_array_header_t *problems, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The manifest for the files: meta (review_id, ref, version, status, content_hash,
 * generated_at, generated_by, chain_head, chain_events) + files + manifest_sha256. New
 * reference. */
json_t *isms_evidence_manifest(apr_pool_t *p, const json_t *meta,
                               const apr_array_header_t *files);

/* manifest_sha256 of a manifest document: SHA-256 of its canonical form without that key. */
const char *isms_evidence_manifest_hash(apr_pool_t *p, const json_t *manifest);

/* Writes exactly these files as a ZIP (deflate, fixed times and modes) into p. 0 on success,
 * else -1 and err. */
int isms_evidence_zip(apr_pool_t *p, const apr_array_header_t *files, const char **zip,
                      size_t *len, const char **err);

/* A pack: the files, then manifest.json made from meta and them. 0 on success, else -1. */
int isms_evidence_build(apr_pool_t *p, const apr_array_header_t *files, const json_t *meta,
                        const char **zip, size_t *len, const char **err);

/* The same pack written to the file path (created, or truncated): attachments are copied
 * from their files in chunks, so memory does not grow with them. 0 on success, else -1. */
int isms_evidence_build_file(apr_pool_t *p, const apr_array_header_t *files,
                             const json_t *meta, const char *path, const char **err);

/* Reads every entry of a ZIP in memory into an array of isms_ev_file (in archive order).
 * Entries that cannot be read, or are not regular files, are reported in problems (one
 * "NAME: what" line each) and kept with data NULL. 0 when the archive could be walked to the
 * end, -1 otherwise (problems says why). */
int isms_evidence_unzip(apr_pool_t *p, const char *zip, size_t len,
                        apr_array_header_t **files, apr_array_header_t *problems);
/* The same from a file, read as the archive is walked. An entry under attachments/ is not
 * kept: data NULL, sha256 and len what was read (in memory too). */
int isms_evidence_unzip_file(apr_pool_t *p, const char *path, apr_array_header_t **files,
                             apr_array_header_t *problems);

/* ---- offline verification (isms_evidence_verify.c) */

/* Checks a pack: every file the manifest lists exists with its size and SHA-256, nothing is
 * unlisted, the manifest is intact, record.json of a sealed version re-hashes to
 * content_hash, the audit extract's events re-hash and chain in increasing seq. Every
 * mismatch is one line in problems (const char *), starting with the file it is about.
 * Returns 1 when verified; *summary is a one-line description of the pack either way. */
int isms_evidence_verify(apr_pool_t *p, const char *zip, size_t len,
                         apr_array_header_t *problems, const char **summary);
/* The same for a pack in a file, without reading it into memory. */
int isms_evidence_verify_file(apr_pool_t *p, const char *path, apr_array_header_t *problems,
                              const char **summary);

#endif
