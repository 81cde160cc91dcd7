/* SPDX-License-Identifier: Apache-2.0 */
/* The audit trail: append-only, hash-chained. Event i stores
 *   hash_i = SHA-256(hash_{i-1} || canonical(event_i))     (hash_0 = 64 zeros)
 * where canonical(event_i) is isms_canon() of the event's columns as a JSON object (see
 * isms_audit_event_json), so any changed, removed, inserted or reordered row breaks the
 * chain; the head row (audit_head) detects a truncated tail. */
#ifndef ISMS_AUDIT_H
#define ISMS_AUDIT_H

#include "isms_api.h"

typedef struct {
    const char *method, *path;   /* the request */
    const char *action;          /* e.g. "POST v1/reviews/{id}/{coll}" or "approve" */
    const char *entity;          /* review, action, ... (may be NULL) */
    long long entity_id, review_id;
    int status;                  /* the HTTP status the request got */
    const json_t *before, *after;
} isms_audit_event;

/* Appends in the current transaction (the caller's write transaction). */
isms_db_status isms_audit_append(isms_ctx *ctx, const isms_audit_event *ev, const char **err);
/* The same as the transaction's last statements, then COMMIT (isms_conn_exec_commit: one
 * round trip on PostgreSQL); on failure the transaction is rolled back. */
isms_db_status isms_audit_append_commit(isms_ctx *ctx, const isms_audit_event *ev,
                                        const char **err);

/* GET v1/audit: filters review, actor, entity, action; cursor pagination by seq. */
isms_result isms_audit_list(isms_ctx *ctx, const isms_query *q);

/* GET v1/audit/verify: {"valid", "events", "head", "first_bad", "reason"}. */
isms_result isms_audit_verify(isms_ctx *ctx);

/* The same from a checkpoint {"events": after, "head": hash} of an earlier verify: event
 * `after` must still carry that hash, and only the events after it are read (after 0: the
 * whole chain). */
isms_result isms_audit_verify_from(isms_ctx *ctx, long long after, const char *hash);

/* GET v1/audit/verify[?after=N&head=HASH]: the whole chain, or from that checkpoint. */
isms_result isms_audit_verify_query(isms_ctx *ctx, const isms_query *qs);

/* The chain hash of one event in its JSON form (as GET v1/audit and the evidence pack give
 * it: "before"/"after" as JSON values, "prev_hash" and the other columns as they are),
 * recomputed exactly as isms_audit_append made it; NULL when prev_hash is missing. The
 * offline verifier (isms_evidence_verify) and the chain itself share this rule. */
const char *isms_audit_event_hash(apr_pool_t *p, const json_t *event);

/* The head of the chain: the number of events and the last hash (64 zeros when empty). */
isms_db_status isms_audit_head(isms_ctx *ctx, long long *events, const char **hash,
                               const char **err);

/* The audit events of one review, oldest first, with their chain positions. */
isms_db_status isms_audit_of_review(isms_ctx *ctx, long long review_id, json_t **out,
                                    const char **err);

#endif
