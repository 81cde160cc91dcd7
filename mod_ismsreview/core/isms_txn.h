/* SPDX-License-Identifier: Apache-2.0 */
/* One transaction per request: a write runs in BEGIN IMMEDIATE (SQLite) / BEGIN (others);
 * a result of 4xx or 5xx rolls back, so nothing rejected is written; a 2xx is returned only
 * after COMMIT succeeded. Idempotency-Key responses are stored in the same transaction. */
#ifndef ISMS_TXN_H
#define ISMS_TXN_H

#include "isms_api.h"
#include "isms_audit.h"

typedef isms_result isms_op_fn(isms_ctx *ctx, void *arg);

typedef struct {
    const char *key;           /* Idempotency-Key, or NULL */
    const char *method, *path;
    const char *body;
    size_t len;
} isms_idem;

/* ev (may be NULL) describes the request for the audit trail; its status, before and after
 * are filled in here. A change is audited in its own transaction; a refused request (4xx)
 * is rolled back and then audited alone, so the refusal is on record and nothing else. */
isms_result isms_txn_write(isms_ctx *ctx, isms_op_fn *fn, void *arg, const isms_idem *idem,
                           isms_audit_event *ev);

/* Records a request refused before it reached the store (401, 403, 413, 415 ...). */
isms_db_status isms_audit_refusal(isms_ctx *ctx, isms_audit_event *ev, const char **err);
isms_result isms_txn_read(isms_ctx *ctx, isms_op_fn *fn, void *arg);

#endif
