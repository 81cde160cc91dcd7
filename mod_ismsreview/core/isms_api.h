/* SPDX-License-Identifier: Apache-2.0 */
/* The record operations the httpd glue calls: plain C, (context, JSON in) -> (status,
 * JSON out). No httpd headers. Each write runs inside one transaction opened by
 * isms_txn_write; a result of 4xx rolls it back, so nothing rejected is written. */
#ifndef ISMS_API_H
#define ISMS_API_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

#include "isms_store.h"

typedef struct {
    apr_pool_t *pool;
    isms_conn *conn;
    const char *user;            /* the user Apache authenticated */
    int is_author;               /* may write record content */
    const char *now;             /* RFC 3339 UTC, one value per request */
    const char *today;           /* YYYY-MM-DD (UTC) */
    int interval_months;         /* ISMSReviewInterval */
    int approvals;               /* ISMSReviewApprovals */
    int roles;                   /* bit mask: 1 author, 2 approver, 4 auditor, 8 admin */
    const char *client;          /* client address, for the audit trail */
    const char *request_id;
    int refusal_budget;          /* ISMSReviewRefusalBudget: refusals on record per user and
                                  * minute (0 = all); set by isms_ctx_init to the default */
    const char *evidence_dir;    /* ISMSReviewEvidenceDir (attachments, sealed packs), or NULL */
    const char *last_sql;        /* a write's statement run last, with the audit append (one
                                  * round trip on PostgreSQL): a row lock every writer of a
                                  * review waits for (its touch) is then held the least */
} isms_ctx;

#define ISMS_DEFAULT_REFUSAL_BUDGET 600

#define ISMS_R_AUTHOR 1
#define ISMS_R_APPROVER 2
#define ISMS_R_AUDITOR 4
#define ISMS_R_ADMIN 8

typedef struct {
    int status;                  /* HTTP status */
    json_t *body;                /* response document or problem (tied to the pool) */
    const char *etag;            /* quoted strong ETag, or NULL */
    const char *location;        /* path of a created resource (below v1/), or NULL */
    json_t *before;              /* for the audit trail: the state before a change */
    /* A document that is not JSON (reports): bytes, type, download name, CSP. */
    const char *raw;
    size_t raw_len;
    const char *content_type;    /* e.g. "text/html; charset=utf-8" */
    const char *filename;        /* Content-Disposition: attachment; filename="..." */
    const char *csp;             /* Content-Security-Policy for HTML */
    const char *raw_path;        /* or: the document is this file (raw_len bytes), sent from
                                    disk; raw is then NULL */
    int retry_after;             /* a 503's Retry-After in seconds (0: the glue's default) */
} isms_result;

/* Query parameters, already split (key -> value); a key given twice is a 400. */
typedef apr_table_t isms_query;

void isms_ctx_init(isms_ctx *ctx, apr_pool_t *p, isms_conn *conn, const char *user);

/* Problems. */
isms_result isms_res_problem(apr_pool_t *p, int status, const char *slug, const char *title,
                             const char *detail);
isms_result isms_res_invalid(apr_pool_t *p, json_t *errors);   /* 422 with field errors */
isms_result isms_res_db(apr_pool_t *p, isms_db_status st, const char *err);   /* logs */
/* The one database-status -> problem mapping (no log line): status, type, `database`
 * member, retry_after. */
isms_result isms_db_problem(apr_pool_t *p, isms_db_status st, const char *err);

/* Reviews. */
isms_result isms_review_create(isms_ctx *ctx, const json_t *in);
isms_result isms_review_get(isms_ctx *ctx, long long id);
/* The same for the GET routes (read transactions only): the rendered body from the store's
 * cache when the review's validator read in this transaction matches (isms_review.c), as
 * bytes in raw/raw_len. ?version=n: the sealed version, which never changes. */
isms_result isms_review_get_cached(isms_ctx *ctx, long long id);
isms_result isms_review_version_get_cached(isms_ctx *ctx, long long id, long long version);
/* The cheapest read: outside any transaction, one indexed SELECT of the validator and the
 * schema version, and the cached body if both match; status 0 when it is not cached (or
 * anything failed): the caller then takes the full path. */
isms_result isms_review_get_fast(isms_ctx *ctx, long long id);
/* ?version=n without the database: the sealed version's bytes once this process rendered
 * them (isms_review_version_get_cached); status 0 otherwise. */
isms_result isms_review_version_from_cache(struct isms_cache *cache, apr_pool_t *p,
                                           long long id, long long version);
isms_result isms_review_patch(isms_ctx *ctx, long long id, const json_t *in,
                              const char *if_match);
isms_result isms_review_list(isms_ctx *ctx, const isms_query *q);

/* Items of a review (collection = "actions", "inputs", ...). */
isms_result isms_item_create(isms_ctx *ctx, long long review_id, const char *collection,
                             const json_t *in);
isms_result isms_item_get(isms_ctx *ctx, long long review_id, const char *collection,
                          long long id);
isms_result isms_item_patch(isms_ctx *ctx, long long review_id, const char *collection,
                            long long id, const json_t *in, const char *if_match);
isms_result isms_item_delete(isms_ctx *ctx, long long review_id, const char *collection,
                             long long id, const char *if_match);
isms_result isms_item_list(isms_ctx *ctx, long long review_id, const char *collection,
                           const isms_query *q);

/* Registers across reviews. */
isms_result isms_actions_register(isms_ctx *ctx, const isms_query *q);
isms_result isms_action_update(isms_ctx *ctx, long long action_id, const json_t *in);
isms_result isms_action_updates(isms_ctx *ctx, long long action_id);
isms_result isms_objectives_register(isms_ctx *ctx, const isms_query *q);
isms_result isms_objective_revisions(isms_ctx *ctx, long long objective_id);
isms_result isms_objective_revision_create(isms_ctx *ctx, long long objective_id,
                                           const json_t *in);
isms_result isms_d4_refresh_op(isms_ctx *ctx, long long review_id);
isms_result isms_measurement_create(isms_ctx *ctx, long long objective_id, const json_t *in);
isms_result isms_measurements_list(isms_ctx *ctx, long long objective_id,
                                   const isms_query *q);

/* Idempotency-Key: claim the key (a row, so that concurrent retries queue behind the first;
 * *claimed 0 when an earlier request committed it), a stored first response to replay
 * (status 0 if none), or a 422 when the key was used for another request; store the answer
 * in the claimed row. */
isms_db_status isms_idem_claim(isms_ctx *ctx, const char *key, const char *method,
                               const char *path, const char *body, size_t len, int *claimed,
                               const char **err);
isms_result isms_idem_lookup(isms_ctx *ctx, const char *key, const char *method,
                             const char *path, const char *body, size_t len);
isms_db_status isms_idem_store(isms_ctx *ctx, const char *key, const isms_result *res,
                               const char **err);

/* Dates: days between two YYYY-MM-DD dates (b - a). */
long isms_days_between(const char *a, const char *b);
const char *isms_date_add(apr_pool_t *p, const char *date, long days);

#endif
