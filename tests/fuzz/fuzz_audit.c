/* SPDX-License-Identifier: Apache-2.0 */
/* The audit-chain verifier (isms_audit.c) on the real schema (SQLite): a true chain of 1-6
 * events is appended with isms_audit_append from fuzz-chosen values, then one fuzz-chosen
 * mutation is applied below the API (the append-only triggers dropped, as by someone with
 * write access to the database file): a byte of a column changed, a byte appended, an
 * integer column changed, an event dropped, two swapped, one duplicated, the tail truncated,
 * events renumbered. Invariants: the true chain verifies; a chain whose rows (as the store
 * reads them) differ from the true ones in any way never does; one that reads back
 * identically still does. Each input runs in a transaction that is rolled back. */
#include "fuzz_common.h"

#include <jansson.h>

#include "isms_api.h"
#include "isms_audit.h"
#include "isms_json.h"
#include "isms_record.h"
#include "isms_sql.h"

#define COLS "seq, created_at, actor, roles, client, request_id, method, path, action, " \
             "entity, entity_id, review_id, status, before_state, after_state, prev_hash, hash"
#define NCOLS 17
static const char *const colnames[NCOLS] = {
    "seq", "created_at", "actor", "roles", "client", "request_id", "method", "path", "action",
    "entity", "entity_id", "review_id", "status", "before_state", "after_state", "prev_hash",
    "hash"};

static void sql_ok(isms_conn *c, apr_pool_t *p, const char *sql)
{
    const char *err = NULL;

    if (getenv("ISMS_FUZZ_VERBOSE")) fprintf(stderr, "  %s\n", sql);
    FUZZ_ASSERT(isms_sqlite_run(c, p, sql, NULL, NULL, &err) == ISMS_DB_OK, "%s: %s", sql,
                err);
}

static isms_rows *rows(isms_conn *c, apr_pool_t *p)
{
    isms_rows *rs = NULL;
    const char *err = NULL;

    FUZZ_ASSERT(isms_sqlite_run(c, p, "SELECT " COLS " FROM audit_event ORDER BY seq", &rs,
                                NULL, &err) == ISMS_DB_OK, "select: %s", err);
    return rs;
}

static int same_rows(const isms_rows *a, const isms_rows *b)
{
    int i;

    if (a->nrows != b->nrows) return 0;
    for (i = 0; i < a->nrows * NCOLS; i++) {
        const char *x = a->values[i], *y = b->values[i];
        if ((!x) != (!y) || (x && strcmp(x, y) != 0)) return 0;
    }
    return 1;
}

static int verified(isms_ctx *ctx, const char **reason)
{
    isms_result r = isms_audit_verify(ctx);

    FUZZ_ASSERT(r.status == 200, "verify: status %d", r.status);
    *reason = json_string_value(json_object_get(r.body, "reason"));
    return json_is_true(json_object_get(r.body, "valid"));
}

static const char *hex(apr_pool_t *p, const char *s, size_t n)
{
    char *h = apr_palloc(p, n * 2 + 1);
    size_t i;

    for (i = 0; i < n; i++) sprintf(h + 2 * i, "%02x", (unsigned char)s[i]);
    h[2 * n] = '\0';
    return h;
}

static const json_t *state(fuzz_in *in, apr_pool_t *p)
{
    const char *s = fuzz_str(in, p, 40);
    json_t *j = *s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;

    return j ? isms_json_pool(p, j) : NULL;
}

/* Sets column col of event seq to the bytes s[0..n) (as TEXT, bypassing the builder: the
 * bytes need not be valid text). */
static void set_bytes(isms_conn *c, apr_pool_t *p, int col, long long seq, const char *s,
                      size_t n)
{
    sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET %s = CAST(X'%s' AS TEXT) WHERE seq = "
                              "%" APR_INT64_T_FMT, colnames[col], hex(p, s, n),
                              (apr_int64_t)seq));
}

static void mutate(isms_conn *c, apr_pool_t *p, fuzz_in *in, const isms_rows *t)
{
    int n = t->nrows, kind = (int)(fuzz_byte(in) % 8), k = (int)(fuzz_byte(in) % (unsigned)n);
    int col = 1 + (int)(fuzz_byte(in) % (NCOLS - 1));     /* not seq */
    const char *v = ISMS_ROW(t, k, col);
    long long seq = k + 1;

    switch (kind) {
    case 0: {                                   /* change one byte of a column */
        char *b;
        size_t len;
        if (!v || !*v) {
            b = fuzz_str(in, p, 8);
            set_bytes(c, p, col, seq, b, strlen(b));
            break;
        }
        len = strlen(v);
        b = apr_pstrmemdup(p, v, len);
        b[fuzz_byte(in) % len] ^= (char)(fuzz_byte(in) | 1);
        set_bytes(c, p, col, seq, b, len);
        break;
    }
    case 1: {                                   /* append a byte to a column */
        char b[2] = {(char)fuzz_byte(in), 0};
        const char *nv = apr_pstrcat(p, v ? v : "", b, NULL);
        set_bytes(c, p, col, seq, nv, strlen(v ? v : "") + 1);
        break;
    }
    case 2: {                                   /* an integer column changed or nulled */
        static const int intcols[] = {10, 11, 12};
        int ic = intcols[fuzz_byte(in) % 3];
        int delta = (int)fuzz_byte(in) - 128;
        if (delta == 0 && ic != 12) {
            sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET %s = CASE WHEN %s IS NULL "
                                      "THEN 0 ELSE NULL END WHERE seq = %" APR_INT64_T_FMT,
                                      colnames[ic], colnames[ic], (apr_int64_t)seq));
        }
        else {
            sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET %s = coalesce(%s, 0) + %d "
                                      "WHERE seq = %" APR_INT64_T_FMT, colnames[ic],
                                      colnames[ic], delta ? delta : 1, (apr_int64_t)seq));
        }
        break;
    }
    case 3:                                     /* one event dropped */
        sql_ok(c, p, apr_psprintf(p, "DELETE FROM audit_event WHERE seq = %" APR_INT64_T_FMT,
                                  (apr_int64_t)seq));
        break;
    case 4: {                                   /* two events swapped */
        long long other = 1 + (long long)(fuzz_byte(in) % (unsigned)n);
        if (other == seq) other = seq % n + 1;
        sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET seq = -1 WHERE seq = %"
                                  APR_INT64_T_FMT, (apr_int64_t)seq));
        sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET seq = %" APR_INT64_T_FMT
                                  " WHERE seq = %" APR_INT64_T_FMT, (apr_int64_t)seq,
                                  (apr_int64_t)other));
        sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET seq = %" APR_INT64_T_FMT
                                  " WHERE seq = -1", (apr_int64_t)other));
        break;
    }
    case 5:                                     /* one event duplicated at the end */
        sql_ok(c, p, apr_psprintf(p, "INSERT INTO audit_event (" COLS ") SELECT %d, "
                                  "created_at, actor, roles, client, request_id, method, path, "
                                  "action, entity, entity_id, review_id, status, before_state, "
                                  "after_state, prev_hash, hash FROM audit_event WHERE seq = %"
                                  APR_INT64_T_FMT, n + 1, (apr_int64_t)seq));
        break;
    case 6:                                     /* the tail truncated */
        sql_ok(c, p, apr_psprintf(p, "DELETE FROM audit_event WHERE seq >= %" APR_INT64_T_FMT,
                                  (apr_int64_t)seq));
        break;
    default:                                    /* renumbered from an event on */
        sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET seq = seq + 1000 WHERE seq >= %"
                                  APR_INT64_T_FMT, (apr_int64_t)seq));
        sql_ok(c, p, apr_psprintf(p, "UPDATE audit_event SET seq = seq - %d WHERE seq > 1000",
                                  1000 - 1 - (int)(fuzz_byte(in) % 3)));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int triggers_dropped;
    isms_conn *c = fuzz_db(1);
    fuzz_in in = {data, size};
    apr_pool_t *p;
    isms_ctx ctx;
    isms_rows *truth, *now;
    const char *err = NULL, *reason = NULL;
    int n, i, ok = 1;

    apr_pool_create(&p, fuzz_root_pool());
    if (!triggers_dropped) {
        sql_ok(c, p, "DROP TRIGGER audit_event_no_update");
        sql_ok(c, p, "DROP TRIGGER audit_event_no_delete");
        triggers_dropped = 1;
    }
    FUZZ_ASSERT(isms_conn_begin(c, 1, &err) == ISMS_DB_OK, "begin: %s", err);
    n = 1 + (int)(fuzz_byte(&in) % 6);
    for (i = 0; ok && i < n; i++) {
        isms_audit_event ev;
        isms_ctx_init(&ctx, p, c, fuzz_str(&in, p, 12));
        ctx.roles = (int)(fuzz_byte(&in) & 15);
        ctx.client = fuzz_str(&in, p, 8);
        ctx.request_id = fuzz_str(&in, p, 8);
        if (fuzz_byte(&in) & 1) ctx.now = fuzz_str(&in, p, 24);
        memset(&ev, 0, sizeof(ev));
        ev.method = fuzz_str(&in, p, 6);
        ev.path = fuzz_str(&in, p, 24);
        ev.action = fuzz_str(&in, p, 16);
        ev.entity = fuzz_byte(&in) & 1 ? fuzz_str(&in, p, 10) : NULL;
        ev.entity_id = fuzz_byte(&in);
        ev.review_id = fuzz_byte(&in);
        ev.status = 100 + (int)fuzz_byte(&in) * 2;
        ev.before = state(&in, p);
        ev.after = state(&in, p);
        /* values the builder refuses (not text) make no chain: nothing to verify */
        ok = isms_audit_append(&ctx, &ev, &err) == ISMS_DB_OK;
    }
    if (ok) {
        truth = rows(c, p);
        FUZZ_ASSERT(truth->nrows == n, "%d events of %d", truth->nrows, n);
        FUZZ_ASSERT(verified(&ctx, &reason), "the true chain does not verify: %s", reason);
        mutate(c, p, &in, truth);
        now = rows(c, p);
        if (same_rows(truth, now)) {
            FUZZ_ASSERT(verified(&ctx, &reason), "an unchanged chain does not verify: %s",
                        reason);
        }
        else {
            FUZZ_ASSERT(!verified(&ctx, &reason), "a changed chain verifies");
        }
    }
    isms_conn_rollback(c);
    apr_pool_destroy(p);
    return 0;
}
