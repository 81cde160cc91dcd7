/* SPDX-License-Identifier: Apache-2.0 */
/* The record operations on a migrated SQLite database: descriptor columns against the schema,
 * reviews and items through isms_ctx and isms_txn_write/read (references, ETags, rollback of
 * rejected writes, embedding, carry-over of open actions, action updates, KPI measurements,
 * idempotency) and values that exercise the libdbi "from" workaround. Also the helpers the
 * workflow tests share (declared in tests.h). */
#include "tests.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "isms_json.h"
#include "isms_migrate.h"
#include "isms_ops.h"
#include "isms_record.h"
#include "isms_txn.h"
#include "isms_workflow.h"
#include "isms_rules.h"

/* ---- shared helpers (tests.h) */

void isms_test_migrate(void)
{
    int applied = 0;
    const char *err = NULL;

    ck_assert_ptr_nonnull(tconn);
    ck_assert_msg(isms_migrate_apply(tconn, tpool, &applied, &err) == ISMS_DB_OK,
                  "migrate: %s", err ? err : "(no message)");
    ck_assert_int_eq(applied, isms_migrate_count("sqlite3"));
}

json_t *isms_test_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);

    ck_assert_msg(j != NULL, "bad JSON in the test: %s: %s", e.text, text);
    return isms_json_pool(tpool, j);
}

const char *isms_test_dump(const json_t *j)
{
    const char *s = j ? isms_json_dump(tpool, j, NULL) : NULL;

    return s ? s : "(null)";
}

void isms_test_ctx(isms_ctx *ctx, const char *user, int roles)
{
    isms_ctx_init(ctx, tpool, tconn, user);
    ctx->roles = roles;
    ctx->is_author = (roles & ISMS_R_AUTHOR) != 0;
    ctx->approvals = 1;
    ctx->now = "2026-04-01T09:00:00Z";
    ctx->today = "2026-04-01";
    ctx->client = "192.0.2.7";
    ctx->request_id = "unit-test";
}

const char *isms_test_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    s = apr_palloc(tpool, (apr_size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

long long isms_test_count(const char *table)
{
    return atoll(isms_test_scalar(tconn, tpool, apr_pstrcat(tpool, "SELECT count(*) FROM ",
                                                            table, NULL)));
}

enum { OP_REVIEW_CREATE, OP_REVIEW_GET, OP_ITEM_CREATE, OP_ITEM_GET, OP_ITEM_PATCH,
       OP_ITEM_DELETE, OP_ACTION_UPDATE, OP_MEASUREMENT, OP_WORKFLOW, OP_WAIVE, OP_ACK,
       OP_CHECK };

typedef struct {
    int op;
    long long rid, id;
    const char *coll, *action, *if_match;
    const json_t *in;
} op_args;

static isms_result run_op(isms_ctx *ctx, void *arg)
{
    const op_args *a = arg;

    switch (a->op) {
    case OP_REVIEW_CREATE: return isms_review_create(ctx, a->in);
    case OP_REVIEW_GET: return isms_review_get(ctx, a->rid);
    case OP_ITEM_CREATE: return isms_item_create(ctx, a->rid, a->coll, a->in);
    case OP_ITEM_GET: return isms_item_get(ctx, a->rid, a->coll, a->id);
    case OP_ITEM_PATCH: return isms_item_patch(ctx, a->rid, a->coll, a->id, a->in, a->if_match);
    case OP_ITEM_DELETE: return isms_item_delete(ctx, a->rid, a->coll, a->id, a->if_match);
    case OP_ACTION_UPDATE: return isms_action_update(ctx, a->id, a->in);
    case OP_MEASUREMENT: return isms_measurement_create(ctx, a->id, a->in);
    case OP_WORKFLOW: return isms_workflow(ctx, a->rid, a->action, a->in, a->if_match);
    case OP_ACK: return isms_acknowledge(ctx, a->rid, a->in);
    case OP_CHECK: return isms_review_check(ctx, a->rid);
    default: return isms_waive(ctx, a->rid, a->in);
    }
}

static isms_result write_op(isms_ctx *ctx, op_args a)
{
    return isms_txn_write(ctx, run_op, &a, NULL, NULL);
}

static isms_result read_op(isms_ctx *ctx, op_args a)
{
    return isms_txn_read(ctx, run_op, &a);
}

isms_result isms_test_review_create(isms_ctx *ctx, const json_t *in)
{
    op_args a = {OP_REVIEW_CREATE, 0, 0, NULL, NULL, NULL, in};
    return write_op(ctx, a);
}

isms_result isms_test_review_get(isms_ctx *ctx, long long rid)
{
    op_args a = {OP_REVIEW_GET, rid, 0, NULL, NULL, NULL, NULL};
    return read_op(ctx, a);
}

isms_result isms_test_item_create(isms_ctx *ctx, long long rid, const char *coll,
                                  const json_t *in)
{
    op_args a = {OP_ITEM_CREATE, rid, 0, coll, NULL, NULL, in};
    return write_op(ctx, a);
}

isms_result isms_test_item_get(isms_ctx *ctx, long long rid, const char *coll, long long id)
{
    op_args a = {OP_ITEM_GET, rid, id, coll, NULL, NULL, NULL};
    return read_op(ctx, a);
}

isms_result isms_test_item_patch(isms_ctx *ctx, long long rid, const char *coll, long long id,
                                 const json_t *in, const char *if_match)
{
    op_args a = {OP_ITEM_PATCH, rid, id, coll, NULL, if_match, in};
    return write_op(ctx, a);
}

isms_result isms_test_item_delete(isms_ctx *ctx, long long rid, const char *coll, long long id,
                                  const char *if_match)
{
    op_args a = {OP_ITEM_DELETE, rid, id, coll, NULL, if_match, NULL};
    return write_op(ctx, a);
}

isms_result isms_test_action_update(isms_ctx *ctx, long long id, const json_t *in)
{
    op_args a = {OP_ACTION_UPDATE, 0, id, NULL, NULL, NULL, in};
    return write_op(ctx, a);
}

isms_result isms_test_measurement(isms_ctx *ctx, long long oid, const json_t *in)
{
    op_args a = {OP_MEASUREMENT, 0, oid, NULL, NULL, NULL, in};
    return write_op(ctx, a);
}

isms_result isms_test_workflow(isms_ctx *ctx, long long rid, const char *action,
                               const json_t *in, const char *if_match)
{
    op_args a = {OP_WORKFLOW, rid, 0, NULL, action, if_match, in};
    return write_op(ctx, a);
}

isms_result isms_test_waive(isms_ctx *ctx, long long rid, const json_t *in)
{
    op_args a = {OP_WAIVE, rid, 0, NULL, NULL, NULL, in};
    return write_op(ctx, a);
}

isms_result isms_test_ack(isms_ctx *ctx, long long rid, const json_t *in)
{
    op_args a = {OP_ACK, rid, 0, NULL, NULL, NULL, in};
    return write_op(ctx, a);
}

/* ctx settles every finding of severity sev that is not yet flag: a waiver with
 * justification, or (justification NULL) an acknowledgement; returns how many. */
static int settle_all(isms_ctx *ctx, long long rid, const char *sev, const char *flag,
                      const char *justification)
{
    op_args a = {OP_CHECK, rid, 0, NULL, NULL, NULL, NULL};
    isms_result r = read_op(ctx, a);
    const json_t *f;
    size_t i;
    int n = 0;

    ck_assert_int_eq(r.status, 200);
    json_array_foreach(json_object_get(r.body, "findings"), i, f) {
        json_t *in;
        if (strcmp(isms_jstr(f, "severity"), sev) || json_is_true(json_object_get(f, flag))) {
            continue;
        }
        in = isms_json_pool(tpool, json_pack("{s:O,s:O}", "rule", json_object_get(f, "rule"),
                                             "subject", json_object_get(f, "subject")));
        if (justification) {
            json_object_set_new(in, "justification", json_string(justification));
        }
        r = justification ? isms_test_waive(ctx, rid, in) : isms_test_ack(ctx, rid, in);
        ck_assert_msg(r.status == 201, "%s %s: %d", justification ? "waive" : "acknowledge",
                      isms_jstr(f, "rule"), r.status);
        n++;
    }
    return n;
}

int isms_test_ack_all(isms_ctx *ctx, long long rid)
{
    return settle_all(ctx, rid, "W", "acknowledged", NULL);
}

int isms_test_waive_all(isms_ctx *ctx, long long rid, const char *justification)
{
    return settle_all(ctx, rid, "E", "waived", justification);
}

long long isms_test_created_id(isms_result r)
{
    ck_assert_status(r, 201);
    ck_assert(json_is_integer(json_object_get(r.body, "id")));
    return json_integer_value(json_object_get(r.body, "id"));
}

/* ---- local helpers */

#define J(text) isms_test_json(text)

long long isms_test_jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static isms_ctx alice;

static void use_alice(void)
{
    isms_test_ctx(&alice, "alice", ISMS_R_AUTHOR);
}

static long long new_review(const char *planned)
{
    return isms_test_created_id(isms_test_review_create(&alice, J(isms_test_printf(
        "{\"title\":\"Review %s\",\"review_type\":\"SCHEDULED\",\"planned_date\":"
               "\"%s\"}", planned, planned))));
}

static long long new_item(long long rid, const char *coll, const char *text)
{
    return isms_test_created_id(isms_test_item_create(&alice, rid, coll, J(text)));
}

static long long new_action(long long rid, const char *owner, const char *due)
{
    return new_item(rid, "actions", isms_test_printf("{\"title\":\"Action due %s\","
                                                     "\"type\":\"CORRECTIVE\",\"owner\":\"%s\","
                                                     "\"due_date\":\"%s\",\"priority\":\"HIGH\"}",
                                                     due, owner, due));
}

int isms_test_has_error(const json_t *errors, const char *field, const char *code)
{
    const json_t *e;
    size_t i;

    json_array_foreach(errors, i, e) {
        if (!strcmp(isms_jstr(e, "field"), field) && !strcmp(isms_jstr(e, "code"), code) &&
            json_string_length(json_object_get(e, "message")) > 0) {
            return 1;
        }
    }
    return 0;
}

#define ck_assert_error(r, field, code)                                                    \
    do {                                                                                   \
        ck_assert_status(r, 422);                                                          \
        ck_assert_msg(isms_test_has_error(json_object_get((r).body, "errors"), field, code),\
                      "expected %s on %s: %s", code, field, isms_test_dump((r).body));     \
    } while (0)

static const char *problem_type(const isms_result *r)
{
    return isms_jstr(r->body, "type");
}

/* ---- the schema against the descriptors */

START_TEST(column_mapping)
{
    ck_assert_str_eq(isms_column(tpool, "held_from"), "held_frm");
    ck_assert_str_eq(isms_column(tpool, "data_period_from"), "data_period_frm");
    ck_assert_str_eq(isms_column(tpool, "from_version"), "frm_version");
    ck_assert_str_eq(isms_column(tpool, "fromfrom"), "frmfrm");
    ck_assert_str_eq(isms_column(tpool, "title"), "title");
    ck_assert_str_eq(isms_json_name(tpool, "held_frm"), "held_from");
    ck_assert_str_eq(isms_json_name(tpool, "period_frm"), "period_from");
    ck_assert_str_eq(isms_json_name(tpool, "frmfrm"), "fromfrom");
    ck_assert_str_eq(isms_json_name(tpool, "status"), "status");
}
END_TEST

const isms_entity *isms_test_entity_at(int i)
{
    return i == 0 ? &isms_entity_review : isms_item_entities[i - 1];
}

/* Every descriptor column exists: SELECT of every column, LIMIT 0. */
START_TEST(descriptor_columns_exist)
{
    int i;

    use_alice();
    for (i = 0; i < 10; i++) {
        const isms_entity *e = isms_test_entity_at(i);
        isms_sql *q = isms_rec_select_sql(&alice, e);
        json_t *rows = NULL;
        const char *err = NULL;

        isms_sql_appendf(q, " LIMIT 0");
        ck_assert_ptr_nonnull(isms_sql_text(q));
        ck_assert_msg(isms_rec_fetch(&alice, e, q, &rows, &err) == ISMS_DB_OK, "%s: %s: %s",
                      e->kind, isms_sql_text(q), err);
        isms_json_pool(tpool, rows);
        ck_assert(json_is_array(rows));
        ck_assert_int_eq(json_array_size(rows), 0);
    }
}
END_TEST

/* ... and every column of a record table is a descriptor field (nothing is silently lost). */
START_TEST(table_columns_are_fields)
{
    int i, k;

    use_alice();
    for (i = 0; i < 10; i++) {
        const isms_entity *e = isms_test_entity_at(i);
        isms_sql *q = isms_sql_new(tpool, tconn);
        isms_rows *rs;
        const char *err = NULL;

        isms_sql_appendf(q, "SELECT name FROM pragma_table_info(%s)", e->table);
        ck_assert_int_eq(isms_query_sql(&alice, q, &rs, &err), ISMS_DB_OK);
        ck_assert_int_gt(rs->nrows, 5);
        for (k = 0; k < rs->nrows; k++) {
            const char *col = ISMS_ROW(rs, k, 0), *name = isms_json_name(tpool, col);
            const isms_field *f = isms_entity_field(e, name);
            int ok = !strcmp(col, "id") || !strcmp(col, "row_version") ||
                     (i > 0 && (!strcmp(col, "review_id") || !strcmp(col, "seq")));
            if (f) ok = !(f->flags & ISMS_NOCOL) && f->type != ISMS_F_OBJECT;
            for (f = e->fields; !ok && f->name; f++) {
                const isms_field *s;
                size_t n = strlen(f->name);
                if (f->type != ISMS_F_OBJECT || strncmp(col, f->name, n) || col[n] != '_') {
                    continue;
                }
                for (s = f->sub; s->name; s++) ok |= !strcmp(col + n + 1, s->name);
            }
            ck_assert_msg(ok, "%s.%s is not a field of the descriptor", e->table, col);
        }
    }
}
END_TEST

/* ---- reviews */

START_TEST(review_create_references)
{
    isms_result r;
    long long id1, id2;
    json_t *bad = J("{\"title\":\"x\",\"review_type\":\"WEEKLY\",\"planned_date\":"
                    "\"2026-03-10\"}");

    use_alice();
    r = isms_test_review_create(&alice, J("{\"title\":\"Q1\",\"review_type\":\"SCHEDULED\","
                                          "\"planned_date\":\"2026-03-10\"}"));
    id1 = isms_test_created_id(r);
    ck_assert_str_eq(r.location, isms_test_printf("reviews/%lld", id1));
    ck_assert_str_eq(isms_jstr(r.body, "ref"), "MR-2026-01");
    ck_assert_str_eq(isms_jstr(r.body, "status"), "DRAFT");
    ck_assert_int_eq(isms_test_jint(r.body, "version"), 1);
    ck_assert_str_eq(isms_jstr(r.body, "author"), "alice");
    ck_assert_str_eq(isms_jstr(r.body, "created_by"), "alice");
    ck_assert_str_eq(isms_jstr(r.body, "created_at"), "2026-04-01T09:00:00Z");
    ck_assert_str_eq(isms_jstr(r.body, "classification"), "INTERNAL");
    ck_assert_int_eq(isms_test_jint(r.body, "planned_interval_months"), 12);
    ck_assert(json_is_null(json_object_get(r.body, "previous_review_id")));
    ck_assert(json_is_null(json_object_get(r.body, "held_from")));
    ck_assert_ptr_nonnull(r.etag);
    ck_assert_str_eq(isms_jstr(r.body, "etag"), r.etag);
    ck_assert_ptr_null(json_object_get(r.body, "_row_version"));
    /* the first review has no previous one: no input a */
    ck_assert_int_eq(json_array_size(json_object_get(r.body, "inputs")), 0);

    /* a refused create consumes no reference and writes nothing */
    r = isms_test_review_create(&alice, bad);
    ck_assert_error(r, "review_type", "invalid_enum");
    ck_assert_str_eq(problem_type(&r), "urn:ismsreview:problem:validation");
    ck_assert_int_eq(isms_test_count("review"), 1);

    r = isms_test_review_create(&alice, J("{\"title\":\"Q3\",\"review_type\":\"SCHEDULED\","
                                          "\"planned_date\":\"2026-09-10\"}"));
    id2 = isms_test_created_id(r);
    ck_assert_str_eq(isms_jstr(r.body, "ref"), "MR-2026-02");
    ck_assert_int_eq(isms_test_jint(r.body, "previous_review_id"), id1);
    r = isms_test_review_create(&alice, J("{\"title\":\"2027\",\"review_type\":\"SCHEDULED\","
                                          "\"planned_date\":\"2027-01-10\"}"));
    isms_test_created_id(r);
    ck_assert_str_eq(isms_jstr(r.body, "ref"), "MR-2027-01");
    ck_assert_int_eq(isms_test_jint(r.body, "previous_review_id"), id2);
    ck_assert_int_eq(isms_test_count("review"), 3);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, "SELECT last_value FROM ref_counter WHERE "
                                      "scope = 'MR-2026'"), "2");
    r = isms_test_review_get(&alice, 999);
    ck_assert_status(r, 404);
}
END_TEST

/* ---- items: create, get, patch, delete with ETags */

START_TEST(item_crud_with_etags)
{
    long long rid, a1, a2;
    isms_result r, r2;
    const char *etag, *review_etag;

    use_alice();
    rid = new_review("2026-03-10");
    r = isms_test_item_create(&alice, rid, "actions", J(
        "{\"title\":\"Patch window\",\"type\":\"CORRECTIVE\",\"owner\":\"bob\",\"due_date\":"
        "\"2026-06-30\",\"priority\":\"HIGH\"}"));
    a1 = isms_test_created_id(r);
    ck_assert_str_eq(r.location, isms_test_printf("reviews/%lld/actions/%lld", rid, a1));
    ck_assert_str_eq(isms_jstr(r.body, "ref"), "MR-2026-01-A01");
    ck_assert_str_eq(isms_jstr(r.body, "original_due_date"), "2026-06-30");
    ck_assert_str_eq(isms_jstr(r.body, "status"), "OPEN");
    ck_assert_int_eq(isms_test_jint(r.body, "progress"), 0);
    ck_assert_int_eq(isms_test_jint(r.body, "review_id"), rid);
    ck_assert_str_eq(isms_jstr(r.body, "etag"), r.etag);
    ck_assert_str_eq(r.etag, isms_test_printf("\"action-%lld-1@2026-04-01\"", a1));
    a2 = new_action(rid, "carol", "2026-07-31");
    r = isms_test_item_get(&alice, rid, "actions", a2);
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "ref"), "MR-2026-01-A02");
    ck_assert(json_is_array(json_object_get(r.body, "updates")));

    r = isms_test_item_get(&alice, rid, "actions", a1);
    ck_assert_status(r, 200);
    etag = r.etag;
    review_etag = isms_test_review_get(&alice, rid).etag;

    /* no If-Match: 428; another version: 412 with the current ETag; nothing changes */
    r = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"title\":\"New\"}"), NULL);
    ck_assert_status(r, 428);
    ck_assert_str_eq(problem_type(&r), "urn:ismsreview:problem:precondition-required");
    r = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"title\":\"New\"}"),
                             "\"action-1-99\"");
    ck_assert_status(r, 412);
    ck_assert_str_eq(r.etag, etag);
    r = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"title\":\"New\"}"),
                             apr_pstrcat(tpool, "W/", etag, NULL));       /* weak: no match */
    ck_assert_status(r, 412);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_test_printf("SELECT title FROM "
                     "action WHERE id = %lld", a1)), "Patch window");
    ck_assert_str_eq(isms_test_review_get(&alice, rid).etag, review_etag);

    /* the ETag read (also in a list): 200, a new ETag, the review's ETag moves too */
    r = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"title\":\"New title\","
                                                         "\"progress\":10}"),
                             apr_pstrcat(tpool, "\"x\", ", etag, NULL));
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "title"), "New title");
    ck_assert_int_eq(isms_test_jint(r.body, "progress"), 10);
    ck_assert_str_eq(isms_jstr(r.body, "updated_by"), "alice");
    ck_assert_str_eq(isms_jstr(r.body, "updated_at"), alice.now);
    ck_assert_str_eq(isms_jstr(r.body, "owner"), "bob");                 /* untouched */
    ck_assert_str_ne(r.etag, etag);
    ck_assert_str_eq(r.etag, isms_test_printf("\"action-%lld-2@2026-04-01\"", a1));
    ck_assert_str_ne(isms_test_review_get(&alice, rid).etag, review_etag);
    /* the old ETag is stale now */
    r2 = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"title\":\"Lost\"}"), etag);
    ck_assert_status(r2, 412);
    ck_assert_str_eq(r2.etag, r.etag);
    r2 = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"priority\":\"LOW\"}"), "*");
    ck_assert_status(r2, 200);
    ck_assert_str_eq(isms_jstr(r2.body, "title"), "New title");
    etag = r2.etag;

    /* a refused patch changes nothing */
    r = isms_test_item_patch(&alice, rid, "actions", a1, J("{\"due_date\":\"2026-03-01\"}"),
                             etag);
    ck_assert_error(r, "due_date", "date_order");
    ck_assert_str_eq(isms_test_item_get(&alice, rid, "actions", a1).etag, etag);

    /* delete: 428, 412, then 204; gone afterwards */
    r = isms_test_item_delete(&alice, rid, "actions", a1, NULL);
    ck_assert_status(r, 428);
    r = isms_test_item_delete(&alice, rid, "actions", a1, "\"action-1-1\"");
    ck_assert_status(r, 412);
    ck_assert_int_eq(isms_test_count("action"), 2);
    r = isms_test_item_delete(&alice, rid, "actions", a1, etag);
    ck_assert_status(r, 204);
    ck_assert_ptr_null(r.body);
    ck_assert_int_eq(isms_test_count("action"), 1);
    r = isms_test_item_get(&alice, rid, "actions", a1);
    ck_assert_status(r, 404);
    r = isms_test_item_delete(&alice, rid, "actions", a1, "*");
    ck_assert_status(r, 404);
    /* numbering goes on after a deletion */
    r = isms_test_item_create(&alice, rid, "actions", J(
        "{\"title\":\"t\",\"type\":\"OTHER\",\"owner\":\"bob\",\"due_date\":\"2026-06-30\","
        "\"priority\":\"LOW\"}"));
    isms_test_created_id(r);
    ck_assert_str_eq(isms_jstr(r.body, "ref"), "MR-2026-01-A03");
    /* an item of another review, an unknown collection */
    r = isms_test_item_get(&alice, rid + 1, "actions", a2);
    ck_assert_status(r, 404);
    r = isms_test_item_get(&alice, rid, "widgets", a2);
    ck_assert_status(r, 404);
    r = isms_test_item_create(&alice, rid, "reviews", J("{}"));
    ck_assert_status(r, 404);
}
END_TEST

/* Every field of every entity is written and read back unchanged (the full documents
 * synthesized from the descriptors); absent fields read back as null. */
START_TEST(every_entity_round_trip)
{
    long long rid, dec, inp, id;
    isms_result r;
    int i;

    use_alice();
    rid = new_review("2026-03-10");
    dec = new_item(rid, "decisions", "{\"statement\":\"s\",\"category\":\"OTHER\","
                   "\"clause_933_aspect\":\"NONE\",\"outcome\":\"NOTED\"}");
    inp = new_item(rid, "inputs", "{\"category\":\"G_IMPROVEMENT\",\"title\":\"t\","
                   "\"status\":\"PRESENTED\"}");
    for (i = 0; i < 10; i++) {
        const isms_entity *e = isms_test_entity_at(i);
        json_t *doc = isms_test_synth(e, 1, dec, inp), *got, *v;
        const char *key;
        const isms_field *f;

        /* objective_id names an objective of the register to revise: the synthetic one does
         * not exist (the register has its own tests) */
        if (strcmp(e->kind, "objective") == 0) json_object_del(doc, "objective_id");

        if (i == 0) {
            r = isms_test_review_create(&alice, doc);
            id = isms_test_created_id(r);
            got = isms_test_review_get(&alice, id).body;
        }
        else {
            r = isms_test_item_create(&alice, rid, e->collection, doc);
            id = isms_test_created_id(r);
            got = isms_test_item_get(&alice, rid, e->collection, id).body;
            ck_assert_int_eq(isms_test_jint(got, "review_id"), rid);
        }
        ck_assert_ptr_nonnull(got);
        json_object_foreach(doc, key, v) {
            ck_assert_msg(json_equal(v, json_object_get(got, key)), "%s.%s: sent %s, read %s",
                          e->kind, key, isms_test_dump(v),
                          isms_test_dump(json_object_get(got, key)));
        }
        /* the minimal document: every other column reads back as null */
        doc = isms_test_synth(e, 0, dec, inp);
        if (i == 2) json_object_set_new(doc, "category", json_string("D3_AUDITS"));
        /* an attendee needs a name unless the people register knows the person */
        if (i == 1) json_object_set_new(doc, "name", json_string("Visitor"));
        if (i == 0) {
            id = isms_test_created_id(isms_test_review_create(&alice, doc));
            got = isms_test_review_get(&alice, id).body;
        }
        else {
            id = isms_test_created_id(isms_test_item_create(&alice, rid, e->collection, doc));
            got = isms_test_item_get(&alice, rid, e->collection, id).body;
        }
        for (f = e->fields; f->name; f++) {
            v = json_object_get(got, f->name);
            if (f->flags & (ISMS_SERVER | ISMS_NOCOL)) continue;
            ck_assert_msg(v != NULL, "%s.%s missing", e->kind, f->name);
            if (strcmp(f->name, "objective_id") == 0) {      /* a new objective is its own */
                ck_assert_int_eq(json_integer_value(v), id);
                continue;
            }
            if (strcmp(f->name, "programme_id") == 0 && !json_object_get(doc, f->name)) {
                ck_assert_int_eq(json_integer_value(v), 1);   /* the default programme */
                continue;
            }
            if (json_object_get(doc, f->name)) {
                ck_assert_msg(json_equal(v, json_object_get(doc, f->name)), "%s.%s", e->kind,
                              f->name);
            }
            else if (f->default_value) {
                ck_assert_msg(!json_is_null(v), "%s.%s: default not stored", e->kind,
                              f->name);
            }
            else {
                ck_assert_msg(json_is_null(v), "%s.%s: %s", e->kind, f->name,
                              isms_test_dump(v));
            }
        }
    }
}
END_TEST

/* A refused write leaves the database as it was, even what the operation wrote before it
 * refused; the refusal alone is audited. */
static isms_result create_then_refuse(isms_ctx *ctx, void *arg)
{
    isms_result r = isms_item_create(ctx, *(long long *)arg, "actions", J(
        "{\"title\":\"t\",\"type\":\"OTHER\",\"owner\":\"bob\",\"due_date\":\"2026-06-30\","
        "\"priority\":\"LOW\"}"));

    ck_assert_status(r, 201);
    return isms_res_problem(ctx->pool, 422, "validation", "Invalid request", "refused late");
}

START_TEST(rejected_writes_change_nothing)
{
    long long rid, dec, counts[4];
    isms_result r;
    isms_audit_event ev = {"POST", "v1/reviews/1/actions", "POST v1/reviews/{id}/{coll}",
                           "action", 0, 0, 0, NULL, NULL};
    const char *review_etag, *err = NULL;
    static const char *const tables[] = {"action", "decision", "review", "audit_event"};
    isms_rows *rs;
    int i;

    use_alice();
    rid = new_review("2026-03-10");
    dec = new_item(rid, "decisions", "{\"statement\":\"s\",\"category\":\"OTHER\","
                   "\"clause_933_aspect\":\"NONE\",\"outcome\":\"NOTED\"}");
    review_etag = isms_test_review_get(&alice, rid).etag;
    for (i = 0; i < 4; i++) counts[i] = isms_test_count(tables[i]);

    r = isms_test_item_create(&alice, rid, "actions", J("{\"title\":\"t\"}"));
    ck_assert_error(r, "type", "required");
    r = isms_test_item_create(&alice, rid, "actions", J(
        "{\"title\":\"t\",\"type\":\"OTHER\",\"owner\":\"bob\",\"due_date\":\"2026-06-30\","
        "\"priority\":\"LOW\",\"decision_id\":999}"));
    ck_assert_error(r, "decision_id", "unknown_reference");
    r = isms_test_item_create(&alice, rid, "decisions", J(isms_test_printf(
        "{\"statement\":\"s\",\"category\":\"OTHER\",\"clause_933_aspect\":\"NONE\","
        "\"outcome\":\"NOTED\",\"basis_input_ids\":[%lld]}", dec)));    /* not an input */
    ck_assert_error(r, "basis_input_ids[0]", "unknown_reference");
    r = isms_test_item_create(&alice, rid, "actions", J(
        "{\"title\":\"t\",\"type\":\"OTHER\",\"owner\":\"bob\",\"due_date\":\"2026-03-10\","
        "\"priority\":\"LOW\"}"));
    ck_assert_error(r, "due_date", "date_order");
    r = isms_test_item_create(&alice, rid + 1, "actions", J("{}"));
    ck_assert_status(r, 404);
    r = isms_txn_write(&alice, create_then_refuse, &rid, NULL, NULL);
    ck_assert_status(r, 422);
    ck_assert_int_eq(alice.conn->in_txn, 0);
    for (i = 0; i < 4; i++) {
        ck_assert_msg(isms_test_count(tables[i]) == counts[i], "%s changed", tables[i]);
    }
    ck_assert_str_eq(isms_test_review_get(&alice, rid).etag, review_etag);

    /* with an audit event: the refusal is recorded, nothing else */
    r = isms_txn_write(&alice, create_then_refuse, &rid, NULL, &ev);
    ck_assert_status(r, 422);
    ck_assert_int_eq(isms_test_count("action"), counts[0]);
    ck_assert_int_eq(isms_test_count("audit_event"), counts[3] + 1);
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT status, actor, after_state, "
                                     "entity FROM audit_event ORDER BY seq DESC LIMIT 1", &rs,
                                     &err), ISMS_DB_OK);
    ck_assert_str_eq(ISMS_ROW(rs, 0, 0), "422");
    ck_assert_str_eq(ISMS_ROW(rs, 0, 1), "alice");
    ck_assert_ptr_null(ISMS_ROW(rs, 0, 2));
    ck_assert_str_eq(ISMS_ROW(rs, 0, 3), "action");
}
END_TEST

/* ---- the review document */

START_TEST(review_get_embeds_items)
{
    long long rid, ids[9];
    isms_result r;
    int i;

    use_alice();
    rid = new_review("2026-03-10");
    for (i = 0; isms_item_entities[i]; i++) {
        const isms_entity *e = isms_item_entities[i];
        json_t *doc = isms_test_synth(e, 0, 1, 1);
        if (e == isms_entity_by_kind("attendee")) {
            json_object_set_new(doc, "name", json_string("Visitor"));
        }
        if (!strcmp(e->kind, "input")) {
            json_object_set_new(doc, "category", json_string("D2_MONITORING"));
        }
        ids[i] = isms_test_created_id(isms_test_item_create(&alice, rid, e->collection, doc));
    }
    new_action(rid, "bob", "2026-03-31");     /* overdue on 2026-04-01 */
    r = isms_test_review_get(&alice, rid);
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "etag"), r.etag);
    for (i = 0; isms_item_entities[i]; i++) {
        const isms_entity *e = isms_item_entities[i];
        const json_t *list = json_object_get(r.body, e->collection), *item;
        ck_assert_msg(json_is_array(list), "%s not embedded", e->collection);
        ck_assert_int_eq(json_array_size(list), strcmp(e->kind, "action") ? 1 : 2);
        item = json_array_get(list, 0);
        ck_assert_int_eq(isms_test_jint(item, "id"), ids[i]);
        ck_assert_int_eq(isms_test_jint(item, "review_id"), rid);
        ck_assert_str_eq(isms_jstr(item, "etag"), isms_test_printf("\"%s-%lld-1%s\"", e->kind,
                         ids[i], strcmp(e->kind, "action") ? "" : "@2026-04-01"));
        ck_assert_str_eq(isms_jstr(item, "ref"), isms_test_printf("MR-2026-01-%s01",
                                                             e->ref_code));
        ck_assert_ptr_null(json_object_get(item, "_row_version"));
    }
    /* derived fields of actions and objectives */
    ck_assert_int_eq(isms_test_jint(json_array_get(json_object_get(r.body, "actions"), 0),
                          "carry_over_count"), 0);
    ck_assert_int_eq(isms_test_jint(json_array_get(json_object_get(r.body, "actions"), 1),
                          "days_overdue"), 1);
    ck_assert_int_eq(isms_test_jint(json_array_get(json_object_get(r.body, "actions"), 0),
                          "days_overdue"), 0);
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(r.body, "objectives"), 0), "trend"),
                     "INSUFFICIENT_DATA");
    ck_assert_int_eq(isms_test_jint(json_array_get(json_object_get(r.body, "objectives"), 0),
                          "measurement_count"), 0);
    /* the review's ETag covers its items */
    ck_assert_str_eq(r.etag, isms_test_printf("\"review-%lld-11@2026-04-01\"", rid));
}
END_TEST

/* The review shows days_overdue: its ETag (and the cached body) change with the day, but a
 * write with yesterday's ETag of an unchanged review is no conflict. */
START_TEST(review_etag_covers_the_day)
{
    long long rid;
    isms_result r1, r2;
    const char *action;

    use_alice();
    rid = new_review("2026-03-10");
    new_action(rid, "bob", "2026-03-31");
    r1 = isms_test_review_get(&alice, rid);
    ck_assert_status(r1, 200);
    ck_assert_int_eq(isms_test_jint(json_array_get(json_object_get(r1.body, "actions"), 0),
                          "days_overdue"), 1);
    alice.today = "2026-04-02";
    r2 = isms_test_review_get(&alice, rid);
    ck_assert_status(r2, 200);
    ck_assert_int_eq(isms_test_jint(json_array_get(json_object_get(r2.body, "actions"), 0),
                          "days_overdue"), 2);
    ck_assert_str_ne(r1.etag, r2.etag);
    ck_assert_str_eq(isms_jstr(r2.body, "etag"), r2.etag);
    ck_assert_str_eq(r2.etag, isms_test_printf("\"review-%lld-2@2026-04-02\"", rid));
    /* yesterday's ETag names the same row version: If-Match holds */
    action = "cancel";
    ck_assert_status(isms_test_workflow(&alice, rid, action, J("{\"comment\":\"x\"}"),
                                        r1.etag), 200);
}
END_TEST

/* An action item shows days_overdue too: its ETag carries the day (no 304 for yesterday's
 * figure), and If-Match with yesterday's ETag of an unchanged action is no conflict. */
START_TEST(item_etag_covers_the_day)
{
    long long rid, aid;
    isms_result r1, r2;

    use_alice();
    rid = new_review("2026-03-10");
    aid = new_action(rid, "bob", "2026-03-31");
    r1 = isms_test_item_get(&alice, rid, "actions", aid);
    ck_assert_status(r1, 200);
    ck_assert_int_eq(isms_test_jint(r1.body, "days_overdue"), 1);
    ck_assert_str_eq(r1.etag, isms_test_printf("\"action-%lld-1@2026-04-01\"", aid));
    ck_assert_str_eq(isms_jstr(r1.body, "etag"), r1.etag);
    alice.today = "2026-04-03";
    r2 = isms_test_item_get(&alice, rid, "actions", aid);
    ck_assert_int_eq(isms_test_jint(r2.body, "days_overdue"), 3);
    ck_assert_str_ne(r1.etag, r2.etag);
    ck_assert_str_eq(isms_jstr(r2.body, "etag"), r2.etag);
    /* the same action as the review embeds it */
    r2 = isms_test_review_get(&alice, rid);
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(r2.body, "actions"), 0), "etag"),
                     isms_test_printf("\"action-%lld-1@2026-04-03\"", aid));
    ck_assert_status(isms_test_item_patch(&alice, rid, "actions", aid,
                                          J("{\"priority\":\"LOW\"}"), r1.etag), 200);
    /* a kind without a date-derived figure keeps the plain row ETag */
    r1 = isms_test_item_get(&alice, rid, "decisions", new_item(rid, "decisions",
        "{\"statement\":\"s\",\"category\":\"OTHER\",\"clause_933_aspect\":\"NONE\","
        "\"outcome\":\"NOTED\"}"));
    ck_assert_status(r1, 200);
    ck_assert_ptr_null(strchr(r1.etag, '@'));
}
END_TEST

static isms_result cached_review(isms_ctx *ctx, void *arg)
{
    return isms_review_get_cached(ctx, *(long long *)arg);
}

static isms_result fast_review(isms_ctx *ctx, void *arg)
{
    return isms_review_get_fast(ctx, *(long long *)arg);
}

static long long raw_days_overdue(const isms_result *r)
{
    json_t *j = isms_test_json(apr_pstrmemdup(tpool, r->raw, r->raw_len));

    return isms_test_jint(json_array_get(json_object_get(j, "actions"), 0), "days_overdue");
}

/* The child's cache of rendered reviews: a body rendered yesterday is not served today (the
 * validator and the cache key's validator carry the day), neither from the cached path nor
 * from the fast path before any transaction. */
START_TEST(cached_review_follows_the_day)
{
    long long rid;
    isms_result r;

    use_alice();
    rid = new_review("2026-03-10");
    new_action(rid, "bob", "2026-03-31");
    r = isms_txn_read(&alice, cached_review, &rid);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(raw_days_overdue(&r), 1);
    r = fast_review(&alice, &rid);
    ck_assert_int_eq(r.status, 200);                /* a hit: rendered for today */
    ck_assert_int_eq(raw_days_overdue(&r), 1);
    alice.today = "2026-04-02";
    ck_assert_int_eq(fast_review(&alice, &rid).status, 0);      /* yesterday's is no hit */
    r = isms_txn_read(&alice, cached_review, &rid);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(raw_days_overdue(&r), 2);
    ck_assert_str_eq(r.etag, isms_test_printf("\"review-%lld-2@2026-04-02\"", rid));
    r = fast_review(&alice, &rid);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(raw_days_overdue(&r), 2);
}
END_TEST

/* ---- carry-over: input a of the next review */

static const char *etag_of_review(long long rid)
{
    return isms_test_review_get(&alice, rid).etag;
}

START_TEST(carry_over_open_actions)
{
    long long r1, r2, r3, rc, a1, a2, a3, a4, a5, ac;
    isms_result r;
    const json_t *inputs, *in, *snaps, *s;

    use_alice();
    /* a cancelled review: its open actions are not carried over, nor is it a previous
     * review */
    rc = new_review("2026-01-10");
    ac = new_action(rc, "bob", "2026-06-01");
    r = isms_test_workflow(&alice, rc, "cancel", J("{\"comment\":\"duplicate\"}"),
                           etag_of_review(rc));
    ck_assert_status(r, 200);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "CANCELLED");
    r = isms_test_review_create(&alice, J("{\"title\":\"Q1\",\"review_type\":\"SCHEDULED\","
                                          "\"planned_date\":\"2026-03-10\"}"));
    r1 = isms_test_created_id(r);
    ck_assert(json_is_null(json_object_get(r.body, "previous_review_id")));
    ck_assert_int_eq(json_array_size(json_object_get(r.body, "inputs")), 0);
    a1 = new_action(r1, "bob", "2026-06-01");
    a2 = new_action(r1, "bob", "2026-07-01");
    a3 = new_action(r1, "bob", "2026-08-01");
    a4 = new_action(r1, "carol", "2027-06-01");
    a5 = new_action(r1, "bob", "2026-09-01");
    r = isms_test_action_update(&alice, a2, J("{\"status\":\"COMPLETED\"}"));
    ck_assert_status(r, 201);
    r = isms_test_action_update(&alice, a3, J("{\"status\":\"CANCELLED\",\"reason\":\"moot\"}"));
    ck_assert_status(r, 201);
    r = isms_test_action_update(&alice, a4, J("{\"status\":\"IN_PROGRESS\",\"progress\":40}"));
    ck_assert_status(r, 201);
    r = isms_test_action_update(&alice, a5, J("{\"status\":\"VERIFIED_INEFFECTIVE\","
                                              "\"effectiveness_result\":\"MTTP still 14\"}"));
    ck_assert_status(r, 201);

    r = isms_test_review_create(&alice, J("{\"title\":\"2027\",\"review_type\":\"SCHEDULED\","
                                          "\"planned_date\":\"2027-03-01\"}"));
    r2 = isms_test_created_id(r);
    ck_assert_int_eq(isms_test_jint(r.body, "previous_review_id"), r1);
    inputs = json_object_get(r.body, "inputs");
    ck_assert_int_eq(json_array_size(inputs), 1);
    in = json_array_get(inputs, 0);
    ck_assert_str_eq(isms_jstr(in, "category"), "A_PREV_ACTIONS");
    ck_assert_str_eq(isms_jstr(in, "status"), "PRESENTED");
    ck_assert_str_eq(isms_jstr(in, "ref"), "MR-2027-01-IN01");
    ck_assert_str_eq(isms_jstr(in, "created_by"), "alice");
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(in, "metrics"), 0), "name"),
                     "open actions carried over");
    ck_assert(json_number_value(json_object_get(json_array_get(json_object_get(in, "metrics"),
                                                               0), "value")) == 3);
    ck_assert(json_number_value(json_object_get(json_array_get(json_object_get(in, "metrics"),
                                                               1), "value")) == 2);
    snaps = json_object_get(in, "action_snapshots");
    ck_assert_msg(json_array_size(snaps) == 3, "%s", isms_test_dump(snaps));
    s = json_array_get(snaps, 0);
    ck_assert_int_eq(isms_test_jint(s, "action_id"), a1);
    ck_assert_str_eq(isms_jstr(s, "action_ref"), "MR-2026-02-A01");
    ck_assert_str_eq(isms_jstr(s, "owner"), "bob");
    ck_assert_str_eq(isms_jstr(s, "status_at_review"), "OPEN");
    ck_assert_int_eq(isms_test_jint(s, "progress_at_review"), 0);
    ck_assert_str_eq(isms_jstr(s, "due_date_at_review"), "2026-06-01");
    ck_assert_int_eq(isms_test_jint(s, "days_overdue"), 273);
    ck_assert_int_eq(isms_test_jint(s, "carry_over_count"), 1);
    ck_assert(json_is_null(json_object_get(s, "replan_decision_id")));
    s = json_array_get(snaps, 1);
    ck_assert_int_eq(isms_test_jint(s, "action_id"), a4);
    ck_assert_str_eq(isms_jstr(s, "status_at_review"), "IN_PROGRESS");
    ck_assert_int_eq(isms_test_jint(s, "progress_at_review"), 40);
    ck_assert_int_eq(isms_test_jint(s, "days_overdue"), 0);
    s = json_array_get(snaps, 2);
    ck_assert_int_eq(isms_test_jint(s, "action_id"), a5);
    ck_assert_str_eq(isms_jstr(s, "status_at_review"), "VERIFIED_INEFFECTIVE");
    ck_assert_int_eq(isms_test_jint(s, "days_overdue"), 181);
    /* the actions of a cancelled review are not tracked */
    r = isms_test_action_update(&alice, ac, J("{\"progress\":10}"));
    ck_assert_status(r, 409);
    ck_assert_int_eq(isms_test_count(isms_test_printf("action_snapshot WHERE action_id IN "
                                                      "(%lld, %lld, %lld)", a2, a3, ac)), 0);
    /* the action knows how often it was carried over */
    r = isms_test_item_get(&alice, r1, "actions", a1);
    ck_assert_int_eq(isms_test_jint(r.body, "carry_over_count"), 1);
    r = isms_test_item_get(&alice, r1, "actions", a2);
    ck_assert_int_eq(isms_test_jint(r.body, "carry_over_count"), 0);

    /* input a is the server's: no create, patch or delete */
    r = isms_test_item_create(&alice, r2, "inputs", J("{\"category\":\"A_PREV_ACTIONS\","
                                                      "\"title\":\"t\",\"status\":"
                                                      "\"PRESENTED\"}"));
    ck_assert_error(r, "category", "generated");
    r = isms_test_item_patch(&alice, r2, "inputs", isms_test_jint(in, "id"), J("{\"title\":\"x\"}"),
                             isms_jstr(in, "etag"));
    ck_assert_status(r, 409);
    r = isms_test_item_delete(&alice, r2, "inputs", isms_test_jint(in, "id"),
                              isms_jstr(in, "etag"));
    ck_assert_status(r, 409);

    /* the review after: a1 is carried a second time, its count goes on */
    r3 = new_review("2028-03-01");
    r = isms_test_review_get(&alice, r3);
    snaps = json_object_get(json_array_get(json_object_get(r.body, "inputs"), 0),
                            "action_snapshots");
    ck_assert_int_eq(json_array_size(snaps), 3);
    ck_assert_int_eq(isms_test_jint(json_array_get(snaps, 0), "action_id"), a1);
    ck_assert_int_eq(isms_test_jint(json_array_get(snaps, 0), "carry_over_count"), 2);
    ck_assert_int_eq(isms_test_jint(json_array_get(snaps, 0), "days_overdue"), 639);
    ck_assert_int_eq(isms_test_jint(json_array_get(snaps, 1), "days_overdue"), 274);
    ck_assert_int_eq(isms_test_jint(r.body, "previous_review_id"), r2);
}
END_TEST

/* An action carried into a review that is then cancelled has not been carried into a review
 * that took place: the next real review should count it once. */
START_TEST(carry_over_count_skips_cancelled_review)
{
    long long r1, rc, r2, a1;
    isms_result r;
    const json_t *snaps;

    use_alice();
    r1 = new_review("2026-03-10");
    a1 = new_action(r1, "bob", "2026-06-01");
    rc = new_review("2026-09-10");            /* snapshots a1, then is cancelled */
    r = isms_test_workflow(&alice, rc, "cancel", J("{\"comment\":\"held as part of 2027\"}"),
                           etag_of_review(rc));
    ck_assert_status(r, 200);
    r2 = new_review("2027-03-01");
    r = isms_test_review_get(&alice, r2);
    ck_assert_int_eq(isms_test_jint(r.body, "previous_review_id"), r1);
    snaps = json_object_get(json_array_get(json_object_get(r.body, "inputs"), 0),
                            "action_snapshots");
    ck_assert_int_eq(json_array_size(snaps), 1);
    ck_assert_int_eq(isms_test_jint(json_array_get(snaps, 0), "action_id"), a1);
    ck_assert_msg(isms_test_jint(json_array_get(snaps, 0), "carry_over_count") == 1,
                  "carry_over_count counts the cancelled review: %s", isms_test_dump(snaps));
    r = isms_test_item_get(&alice, r1, "actions", a1);
    ck_assert_int_eq(isms_test_jint(r.body, "carry_over_count"), 1);
}
END_TEST

/* ---- the action register: progress updates */

START_TEST(action_update_permissions)
{
    isms_ctx bob, carol;
    long long rid, a;
    isms_result r;

    use_alice();
    isms_test_ctx(&bob, "bob", 0);
    isms_test_ctx(&carol, "carol", 0);
    rid = new_review("2026-03-10");
    a = new_action(rid, "bob", "2026-06-30");

    /* carol has no role and does not own it: for her it does not exist */
    r = isms_test_action_update(&carol, a, J("{\"progress\":50}"));
    ck_assert_status(r, 404);
    ck_assert_str_eq(problem_type(&r), "urn:ismsreview:problem:not-found");
    ck_assert_int_eq(isms_test_count("action_update"), 0);

    r = isms_test_action_update(&bob, a, J("{\"progress\":30,\"note\":\"started\","
                                           "\"status\":\"IN_PROGRESS\"}"));
    ck_assert_status(r, 201);
    ck_assert_str_eq(r.location, isms_test_printf("actions/%lld/updates", a));
    ck_assert_int_eq(isms_test_jint(r.body, "progress"), 30);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "IN_PROGRESS");
    ck_assert_str_eq(isms_jstr(r.body, "updated_by"), "bob");
    /* the update just recorded and the history's length, not the history */
    ck_assert_ptr_null(json_object_get(r.body, "updates"));
    ck_assert_int_eq(isms_test_jint(r.body, "updates_count"), 1);
    ck_assert_str_eq(isms_jstr(json_object_get(r.body, "update"), "created_by"), "bob");
    ck_assert_str_eq(isms_jstr(json_object_get(r.body, "update"), "note"), "started");

    /* what only an author may do */
    r = isms_test_action_update(&bob, a, J("{\"due_date\":\"2026-09-30\",\"reason\":\"r\"}"));
    ck_assert_status(r, 403);
    r = isms_test_action_update(&bob, a, J("{\"status\":\"VERIFIED_EFFECTIVE\"}"));
    ck_assert_status(r, 403);
    r = isms_test_action_update(&bob, a, J("{\"status\":\"CANCELLED\"}"));
    ck_assert_error(r, "reason", "required");
    r = isms_test_action_update(&bob, a, J("{}"));
    ck_assert_error(r, "", "empty");
    r = isms_test_action_update(&bob, a, J("{\"progress\":101}"));
    ck_assert_error(r, "progress", "out_of_range");
    r = isms_test_action_update(&bob, a, J("{\"owner\":\"bob\"}"));
    ck_assert_error(r, "owner", "unknown_field");
    ck_assert_int_eq(isms_test_count("action_update"), 1);

    r = isms_test_action_update(&alice, a, J("{\"due_date\":\"2026-09-30\"}"));
    ck_assert_error(r, "reason", "required");
    r = isms_test_action_update(&alice, a, J("{\"due_date\":\"2026-09-30\",\"reason\":"
                                             "\"supplier late\"}"));
    ck_assert_status(r, 201);
    ck_assert_str_eq(isms_jstr(r.body, "due_date"), "2026-09-30");
    ck_assert_str_eq(isms_jstr(r.body, "original_due_date"), "2026-06-30");
    /* the due date of an action in progress does not change by PATCH */
    r = isms_test_item_patch(&alice, rid, "actions", a, J("{\"due_date\":\"2026-10-30\"}"),
                             "*");
    ck_assert_error(r, "due_date", "use_updates");

    r = isms_test_action_update(&bob, a, J("{\"status\":\"COMPLETED\"}"));
    ck_assert_status(r, 201);
    ck_assert_int_eq(isms_test_jint(r.body, "progress"), 100);
    ck_assert_str_eq(isms_jstr(r.body, "completed_at"), "2026-04-01T09:00:00Z");
    ck_assert_int_eq(isms_test_jint(r.body, "days_overdue"), 0);
    r = isms_test_action_update(&alice, a, J("{\"status\":\"VERIFIED_EFFECTIVE\"}"));
    ck_assert_error(r, "effectiveness_result", "required");
    r = isms_test_action_update(&alice, a, J("{\"effectiveness_result\":\"ok\"}"));
    ck_assert_error(r, "effectiveness_result", "not_allowed");
    r = isms_test_action_update(&alice, a, J("{\"status\":\"VERIFIED_EFFECTIVE\","
                                             "\"effectiveness_result\":\"MTTP 8 days\"}"));
    ck_assert_status(r, 201);
    ck_assert_str_eq(isms_jstr(r.body, "status"), "VERIFIED_EFFECTIVE");
    ck_assert_int_eq(isms_test_jint(r.body, "updates_count"), 4);
    ck_assert_str_eq(isms_jstr(json_object_get(r.body, "update"), "status"), "VERIFIED_EFFECTIVE");
    ck_assert_int_eq(isms_test_count("action_update"), 4);
    r = isms_test_action_update(&alice, 999, J("{\"progress\":1}"));
    ck_assert_status(r, 404);
}
END_TEST

/* The effectiveness check (domain-model A.6): planned by an author, verified with a result by
 * an author who does not own the action; verified_by and at are the server's. */
START_TEST(effectiveness_check)
{
    isms_ctx bob;
    long long rid, a, mine;
    const json_t *check, *last;
    isms_result r;

    use_alice();
    isms_test_ctx(&bob, "bob", 0);
    rid = new_review("2026-03-10");
    a = new_action(rid, "bob", "2026-06-30");
    mine = new_action(rid, "alice", "2026-06-30");
    r = isms_test_item_get(&alice, rid, "actions", a);
    ck_assert(json_is_null(json_object_get(r.body, "effectiveness_check")));

    /* the owner reports progress; planning the check is an author's */
    r = isms_test_action_update(&bob, a, J("{\"effectiveness_method\":\"audit\"}"));
    ck_assert_status(r, 403);
    r = isms_test_action_update(&alice, a, J("{\"effectiveness_required\":true,"
                                             "\"effectiveness_method\":\"MTTP report\","
                                             "\"effectiveness_due\":\"2026-09-30\"}"));
    ck_assert_status(r, 201);
    check = json_object_get(r.body, "effectiveness_check");
    ck_assert(json_is_true(json_object_get(check, "required")));
    ck_assert_str_eq(isms_jstr(check, "method"), "MTTP report");
    ck_assert_str_eq(isms_jstr(check, "due"), "2026-09-30");
    ck_assert(!json_object_get(check, "verified_by"));
    /* the check is server data on the item: a PATCH cannot write it */
    r = isms_test_item_patch(&alice, rid, "actions", a, J("{\"effectiveness_check\":"
                                                         "{\"result\":\"fine\"}}"), "*");
    ck_assert_status(r, 422);

    r = isms_test_action_update(&bob, a, J("{\"status\":\"COMPLETED\"}"));
    ck_assert_status(r, 201);
    /* separation of duties: the owner does not verify their own action, author or not */
    r = isms_test_action_update(&alice, mine, J("{\"status\":\"VERIFIED_EFFECTIVE\","
                                                "\"effectiveness_result\":\"fine\"}"));
    ck_assert_status(r, 403);
    r = isms_test_action_update(&alice, a, J("{\"status\":\"VERIFIED_EFFECTIVE\","
                                             "\"effectiveness_result\":\"MTTP 8 days\","
                                             "\"note\":\"three months in a row\"}"));
    ck_assert_status(r, 201);
    check = json_object_get(r.body, "effectiveness_check");
    ck_assert_str_eq(isms_jstr(check, "result"), "MTTP 8 days");
    ck_assert_str_eq(isms_jstr(check, "verified_by"), "alice");
    ck_assert_str_eq(isms_jstr(check, "at"), alice.now);
    ck_assert_str_eq(isms_jstr(check, "method"), "MTTP report");     /* the plan stays */
    last = json_object_get(r.body, "update");            /* the update just recorded */
    ck_assert_int_eq(isms_test_jint(r.body, "updates_count"), 3);
    ck_assert_str_eq(isms_jstr(last, "effectiveness_result"), "MTTP 8 days");
    ck_assert_str_eq(isms_jstr(last, "created_by"), "alice");
    r = isms_test_item_get(&alice, rid, "actions", a);    /* the history */
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(r.body, "updates"), 2),
                               "effectiveness_result"), "MTTP 8 days");
    last = json_array_get(json_object_get(r.body, "updates"), 0);
    ck_assert(json_is_true(json_object_get(last, "effectiveness_required")));
    ck_assert_int_eq(isms_test_count("action_update"), 3);
}
END_TEST

/* ---- objectives: KPI measurements */

static long long new_objective(long long rid, const char *owner, const char *kpi)
{
    return new_item(rid, "objectives", isms_test_printf("{\"statement\":\"s\",\"owner\":"
                                                        "\"%s\",\"measurable\":true,\"kpi\":%s}",
                                                        owner, kpi));
}

static const char *measure(long long oid, double value, int day)
{
    isms_result r = isms_test_measurement(&alice, oid, isms_json_pool(tpool, json_pack(
        "{s:s,s:f}", "period_to", isms_test_printf("2026-01-%02d", day), "value", value)));
    const json_t *latest;

    ck_assert_status(r, 201);
    latest = json_object_get(r.body, "latest_measurement");
    ck_assert(json_number_value(json_object_get(latest, "value")) == value);
    ck_assert_str_eq(isms_jstr(r.body, "rag"), isms_jstr(latest, "rag"));
    return isms_jstr(latest, "rag");
}

START_TEST(measurement_rag)
{
    long long rid, hi, lo, same;
    isms_result r;

    use_alice();
    rid = new_review("2026-03-10");
    /* HIGHER_BETTER, target 100, baseline 50: amber band 10% of |target - baseline| = 5 */
    hi = new_objective(rid, "bob", "{\"name\":\"Coverage\",\"direction\":\"HIGHER_BETTER\","
                                   "\"baseline\":50,\"target\":100}");
    ck_assert_str_eq(measure(hi, 100, 1), "GREEN");
    ck_assert_str_eq(measure(hi, 120, 2), "GREEN");
    ck_assert_str_eq(measure(hi, 99.5, 3), "AMBER");
    ck_assert_str_eq(measure(hi, 95, 4), "AMBER");
    ck_assert_str_eq(measure(hi, 94.99, 5), "RED");
    ck_assert_str_eq(measure(hi, 0, 6), "RED");
    /* LOWER_BETTER, target 10, no baseline: band 10% of |target| = 1 */
    lo = new_objective(rid, "bob", "{\"name\":\"MTTP\",\"direction\":\"LOWER_BETTER\","
                                   "\"target\":10}");
    ck_assert_str_eq(measure(lo, 10, 1), "GREEN");
    ck_assert_str_eq(measure(lo, 5, 2), "GREEN");
    ck_assert_str_eq(measure(lo, 10.5, 3), "AMBER");
    ck_assert_str_eq(measure(lo, 11, 4), "AMBER");
    ck_assert_str_eq(measure(lo, 11.01, 5), "RED");
    ck_assert_str_eq(measure(lo, 40, 6), "RED");
    /* a baseline equal to the target: the band is 10% of the target */
    same = new_objective(rid, "bob", "{\"name\":\"x\",\"direction\":\"HIGHER_BETTER\","
                                     "\"baseline\":10,\"target\":10}");
    ck_assert_str_eq(measure(same, 9, 1), "AMBER");
    ck_assert_str_eq(measure(same, 8.9, 2), "RED");

    /* the stored rows keep the target and direction of the time */
    ck_assert_int_eq(isms_test_count(isms_test_printf("kpi_measurement WHERE objective_id "
                                                      "= %lld AND target_at_time = 100 AND "
                                                      "direction = 'HIGHER_BETTER'", hi)), 6);
    r = isms_test_item_get(&alice, rid, "objectives", lo);
    ck_assert_int_eq(isms_test_jint(r.body, "measurement_count"), 6);
    ck_assert_str_eq(isms_jstr(r.body, "rag"), "RED");
    ck_assert_int_eq(json_array_size(json_object_get(r.body, "measurements")), 6);
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(r.body, "measurements"), 2), "rag"),
                     "AMBER");
    ck_assert_str_eq(isms_jstr(json_array_get(json_object_get(r.body, "measurements"), 2),
                          "period_to"), "2026-01-03");
}
END_TEST

START_TEST(measurement_trend_and_checks)
{
    long long rid, o, none;
    isms_result r;
    isms_ctx bob, carol;

    use_alice();
    isms_test_ctx(&bob, "bob", 0);
    isms_test_ctx(&carol, "carol", 0);
    rid = new_review("2026-03-10");
    o = new_objective(rid, "bob", "{\"name\":\"c\",\"direction\":\"HIGHER_BETTER\","
                                  "\"target\":100}");
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "INSUFFICIENT_DATA");
    ck_assert(json_is_null(json_object_get(r.body, "rag")));
    measure(o, 80, 1);
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "INSUFFICIENT_DATA");
    measure(o, 90, 2);
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "IMPROVING");
    measure(o, 70, 3);
    measure(o, 60, 4);      /* (80+90)/2 -> (70+60)/2 */
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "DETERIORATING");
    o = new_objective(rid, "bob", "{\"name\":\"m\",\"direction\":\"LOWER_BETTER\","
                                  "\"target\":10}");
    measure(o, 20, 1);
    measure(o, 15, 2);
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "IMPROVING");
    o = new_objective(rid, "bob", "{\"name\":\"m\",\"direction\":\"LOWER_BETTER\","
                                  "\"target\":10}");
    measure(o, 12, 1);
    measure(o, 12.1, 2);    /* within 2% of the target */
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "STABLE");
    measure(o, 13, 3);
    measure(o, 14, 4);
    r = isms_test_item_get(&alice, rid, "objectives", o);
    ck_assert_str_eq(isms_jstr(r.body, "trend"), "DETERIORATING");

    /* who may record, and what */
    r = isms_test_measurement(&carol, o, J("{\"period_to\":\"2026-02-01\",\"value\":1}"));
    ck_assert_status(r, 404);                  /* no role, not hers: as if absent */
    r = isms_test_measurement(&bob, o, J("{\"period_to\":\"2026-02-01\",\"value\":9}"));
    ck_assert_status(r, 201);
    ck_assert_str_eq(r.location, isms_test_printf("objectives/%lld/measurements", o));
    ck_assert_int_eq(isms_test_jint(r.body, "objective_id"), o);
    ck_assert_int_eq(json_array_size(json_object_get(r.body, "items")), 5);
    ck_assert_str_eq(isms_jstr(json_object_get(r.body, "latest_measurement"), "created_by"), "bob");
    r = isms_test_measurement(&bob, o, J("{\"period_from\":\"2026-03-02\",\"period_to\":"
                                         "\"2026-03-01\",\"value\":9}"));
    ck_assert_error(r, "period_to", "date_order");
    r = isms_test_measurement(&bob, o, J("{\"period_to\":\"2026-03-01\"}"));
    ck_assert_error(r, "value", "required");
    none = new_item(rid, "objectives", "{\"statement\":\"no KPI\",\"measurable\":false,"
                    "\"evaluation_if_not_measurable\":\"survey\"}");
    r = isms_test_measurement(&alice, none, J("{\"period_to\":\"2026-03-01\",\"value\":1}"));
    ck_assert_error(r, "value", "no_kpi");
    r = isms_test_measurement(&alice, 999, J("{\"period_to\":\"2026-03-01\",\"value\":1}"));
    ck_assert_status(r, 404);
    ck_assert_int_eq(isms_test_count(isms_test_printf("kpi_measurement WHERE objective_id "
                                                      "= %lld", o)), 5);
}
END_TEST

/* ---- Idempotency-Key */

START_TEST(idempotent_replay)
{
    long long rid;
    const char *body = "{\"title\":\"Once\",\"type\":\"OTHER\",\"owner\":\"bob\","
                       "\"due_date\":\"2026-06-30\",\"priority\":\"LOW\"}";
    const char *other = "{\"title\":\"Twice\",\"type\":\"OTHER\",\"owner\":\"bob\","
                        "\"due_date\":\"2026-06-30\",\"priority\":\"LOW\"}";
    isms_idem idem;
    op_args a;
    isms_result r1, r2, r3;
    isms_ctx bob;

    use_alice();
    isms_test_ctx(&bob, "bob", ISMS_R_AUTHOR);
    rid = new_review("2026-03-10");
    idem.key = "key-1";
    idem.method = "POST";
    idem.path = isms_test_printf("v1/reviews/%lld/actions", rid);
    idem.body = body;
    idem.len = strlen(body);
    a.op = OP_ITEM_CREATE;
    a.rid = rid;
    a.id = 0;
    a.coll = "actions";
    a.action = a.if_match = NULL;
    a.in = J(body);

    r1 = isms_txn_write(&alice, run_op, &a, &idem, NULL);
    ck_assert_status(r1, 201);
    r2 = isms_txn_write(&alice, run_op, &a, &idem, NULL);
    ck_assert_status(r2, 201);
    ck_assert_str_eq(r2.location, r1.location);
    ck_assert_str_eq(r2.etag, r1.etag);
    ck_assert(json_equal(r2.body, r1.body));
    ck_assert_int_eq(isms_test_count("action"), 1);
    ck_assert_int_eq(isms_test_count("idempotency"), 1);

    /* the same key for another body, or another path: 422, nothing written */
    idem.body = other;
    idem.len = strlen(other);
    a.in = J(other);
    r3 = isms_txn_write(&alice, run_op, &a, &idem, NULL);
    ck_assert_status(r3, 422);
    ck_assert_str_eq(problem_type(&r3), "urn:ismsreview:problem:idempotency-key-reused");
    idem.body = body;
    idem.len = strlen(body);
    idem.path = "v1/reviews/999/actions";
    r3 = isms_txn_write(&alice, run_op, &a, &idem, NULL);
    ck_assert_status(r3, 422);
    ck_assert_int_eq(isms_test_count("action"), 1);

    /* keys are per user; a refused request stores no key */
    idem.path = isms_test_printf("v1/reviews/%lld/actions", rid);
    a.in = J(body);
    r3 = isms_txn_write(&bob, run_op, &a, &idem, NULL);
    ck_assert_status(r3, 201);
    ck_assert_str_ne(r3.location, r1.location);
    ck_assert_int_eq(isms_test_count("action"), 2);
    idem.key = "key-2";
    a.in = J("{\"title\":\"t\"}");
    idem.body = "{\"title\":\"t\"}";
    idem.len = strlen(idem.body);
    r3 = isms_txn_write(&alice, run_op, &a, &idem, NULL);
    ck_assert_status(r3, 422);
    ck_assert_int_eq(isms_test_count("idempotency WHERE idem_key = 'key-2'"), 0);
    ck_assert_int_eq(isms_test_count("idempotency"), 2);
}
END_TEST

/* ---- values against the libdbi "from" workaround */

START_TEST(from_values_round_trip)
{
    static const char *const values[] = {
        "from", "FROM", "fromage", "From the board: 'quoted' and \"double\" from FROM",
        "a ' from ' b", "it''s from", " from ", "fr'om", "ffromrom", "\xc3\xbc" "ber from "
        "M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x8e\x89", "x from y from z FROM fRoM",
        "SELECT held_from FROM review", "--from", "from;", "\\from\\",
    };
    isms_ctx fromage;
    long long rid, iid;
    isms_result r;
    int i;

    isms_test_ctx(&fromage, "ana.fromage", ISMS_R_AUTHOR);
    for (i = 0; i < N_ELEMS(values); i++) {
        json_t *doc = J("{\"review_type\":\"SCHEDULED\",\"planned_date\":\"2026-03-10\","
                        "\"held_from\":\"2026-03-10\"}");
        json_t *in = J("{\"category\":\"B_ISSUES_CHANGES\",\"status\":\"PRESENTED\"}");
        json_t *list = json_array(), *metrics = json_array();
        const json_t *got;

        json_object_set_new(doc, "title", json_string(values[i]));
        json_object_set_new(doc, "location", json_string(values[i]));
        json_object_set_new(doc, "executive_summary", json_string(apr_pstrcat(
            tpool, values[i], "\nline two from\n", values[i], NULL)));
        json_object_set_new(doc, "chair", json_string(values[i]));
        json_object_set_new(doc, "suitability", json_pack("{s:s,s:s}", "rating", "CONFIRMED",
                                                          "rationale", values[i]));
        r = isms_test_review_create(&fromage, doc);
        rid = isms_test_created_id(r);
        r = isms_test_review_get(&fromage, rid);
        ck_assert_status(r, 200);
        ck_assert_str_eq(isms_jstr(r.body, "title"), values[i]);
        ck_assert_str_eq(isms_jstr(r.body, "location"), values[i]);
        ck_assert_str_eq(isms_jstr(r.body, "chair"), values[i]);
        ck_assert_str_eq(isms_jstr(r.body, "executive_summary"),
                         isms_jstr(doc, "executive_summary"));
        ck_assert_str_eq(isms_jstr(r.body, "author"), "ana.fromage");
        ck_assert_str_eq(isms_jstr(r.body, "held_from"), "2026-03-10");
        ck_assert(json_equal(json_object_get(r.body, "suitability"),
                             json_object_get(doc, "suitability")));
        /* stored as the text itself, not the split form */
        ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_test_printf("SELECT title FROM "
                         "review WHERE id = %lld", rid)), values[i]);

        json_array_append_new(list, json_string(values[i]));
        json_array_append_new(list, json_string("plain"));
        json_array_append_new(metrics, json_pack("{s:s,s:s,s:f}", "name", values[i], "unit",
                                                 "from", "value", 8.0));
        json_object_set_new(in, "title", json_string(values[i]));
        json_object_set_new(in, "evidence_refs", list);
        json_object_set_new(in, "metrics", metrics);
        json_object_set_new(in, "context_register_ref", json_string(values[i]));
        iid = isms_test_created_id(isms_test_item_create(&fromage, rid, "inputs", in));
        got = isms_test_item_get(&fromage, rid, "inputs", iid).body;
        ck_assert_str_eq(isms_jstr(got, "title"), values[i]);
        ck_assert_str_eq(isms_jstr(got, "context_register_ref"), values[i]);
        ck_assert_msg(json_equal(json_object_get(got, "evidence_refs"),
                                 json_object_get(in, "evidence_refs")), "%s",
                      isms_test_dump(got));
        ck_assert_msg(json_equal(json_object_get(got, "metrics"),
                                 json_object_get(in, "metrics")), "%s", isms_test_dump(got));
        /* and in a WHERE clause through the builder (a row-returning statement) */
        {
            isms_sql *q = isms_sql_new(tpool, tconn);
            isms_rows *rs;
            const char *err = NULL;
            isms_sql_appendf(q, "SELECT id FROM review WHERE title = %s AND chair = %s",
                             values[i], values[i]);
            ck_assert_msg(isms_query_sql(&fromage, q, &rs, &err) == ISMS_DB_OK, "%s: %s",
                          isms_sql_text(q), err);
            ck_assert_int_eq(rs->nrows, 1);
            ck_assert_str_eq(ISMS_ROW(rs, 0, 0), isms_test_printf("%lld", rid));
        }
    }
    /* a list filter with such a value */
    {
        apr_table_t *qs = apr_table_make(tpool, 2);
        apr_table_set(qs, "author", "ana.fromage");
        r = isms_review_list(&fromage, qs);
        ck_assert_status(r, 200);
        ck_assert_int_eq(json_array_size(json_object_get(r.body, "items")), N_ELEMS(values));
    }
}
END_TEST

/* Statements that hung or overflowed the libdbi sqlite3 driver ("from" inside a word or a
 * literal, a long word after " from " in a literal) now complete: a bare held_from is an
 * ordinary error, literals work. */
START_TEST(from_statements_complete)
{
    static const char *const ok[] = {
        "SELECT id FROM review", "SELECT id from review", "SELECT held_frm FROM review",
        "SELECT id FROM review WHERE title = 'fromage'", "SELECT 'from' FROM review",
        "SELECT id FROM\nreview", "SELECT id\nFROM review WHERE title = 'x from'",
        "SELECT id FROM(review)",
    };
    isms_rows *rs = NULL;
    const char *err, *word;
    int i;

    err = NULL;
    ck_assert_int_eq(isms_conn_query(tconn, tpool, "SELECT held_from FROM review", &rs, &err),
                     ISMS_DB_ERROR);
    ck_assert_contains(err, "held_from");
    err = NULL;
    ck_assert_int_eq(isms_conn_exec(tconn, "UPDATE review SET held_from = NULL", NULL, &err),
                     ISMS_DB_ERROR);
    ck_assert_contains(err, "held_from");
    for (i = 0; i < N_ELEMS(ok); i++) {
        err = NULL;
        ck_assert_msg(isms_conn_query(tconn, tpool, ok[i], &rs, &err) == ISMS_DB_OK, "%s: %s",
                      ok[i], err);
        ck_assert_int_eq(rs->nrows, 0);
    }
    word = isms_test_printf("a from %0300d", 7);
    ck_assert_str_eq(isms_test_scalar(tconn, tpool, isms_test_printf(
        "SELECT '%s' FROM schema_version LIMIT 1", word)), word);
    /* values through the builder come back as they were */
    {
        isms_sql *q = isms_sql_new(tpool, tconn);
        isms_sql_appendf(q, "SELECT %s, %s FROM schema_version LIMIT 1",
                         "Moved from FROM fromage", "it's \"from\"");
        ck_assert_ptr_nonnull(isms_sql_text(q));
        ck_assert_int_eq(isms_conn_query(tconn, tpool, isms_sql_text(q), &rs, &err),
                         ISMS_DB_OK);
        ck_assert_int_eq(rs->nrows, 1);
        ck_assert_str_eq(ISMS_ROW(rs, 0, 0), "Moved from FROM fromage");
        ck_assert_str_eq(ISMS_ROW(rs, 0, 1), "it's \"from\"");
    }
}
END_TEST


/* ---- the objective register (isms_objective.c, isms_objective_d4.c) */

static const char *rev_type(const char *before, const char *after)
{
    return isms_objective_revision_type(J(before), J(after));
}

START_TEST(objective_revision_types)
{
    const char *base = "{\"statement\":\"s\",\"owner\":\"bob\",\"status\":\"ACTIVE\","
                       "\"target_date\":\"2026-12-31\",\"kpi\":{\"name\":\"k\","
                       "\"direction\":\"LOWER_BETTER\",\"target\":10.0}}";
    json_t *ch;

    ck_assert_str_eq(rev_type(base, "{\"statement\":\"s\",\"owner\":\"bob\",\"status\":"
        "\"ACTIVE\",\"target_date\":\"2026-12-31\",\"kpi\":{\"name\":\"k\",\"direction\":"
        "\"LOWER_BETTER\",\"target\":8}}"), "TARGET_REVISED");
    /* 10 sent as an integer is the stored 10.0: a unit change is not a target revision */
    ck_assert_str_eq(rev_type(base, "{\"statement\":\"s\",\"owner\":\"bob\",\"status\":"
        "\"ACTIVE\",\"target_date\":\"2026-12-31\",\"kpi\":{\"name\":\"k\",\"unit\":\"d\","
        "\"direction\":\"LOWER_BETTER\",\"target\":10}}"), "KPI_CHANGED");
    ck_assert_str_eq(rev_type(base, "{\"statement\":\"s\",\"owner\":\"bob\",\"status\":"
        "\"ACHIEVED\",\"target_date\":\"2026-12-31\",\"kpi\":{\"name\":\"k\",\"direction\":"
        "\"LOWER_BETTER\",\"target\":10}}"), "ACHIEVED_CLOSED");
    ck_assert_str_eq(rev_type(base, "{\"statement\":\"t\",\"owner\":\"carol\",\"status\":"
        "\"WITHDRAWN\"}"), "WITHDRAWN");
    ck_assert_str_eq(rev_type("{\"owner\":\"bob\",\"target_date\":\"2026-12-31\"}",
                              "{\"owner\":\"carol\",\"target_date\":\"2027-06-30\"}"),
                     "TIMELINE_ADJUSTED");
    ck_assert_str_eq(rev_type("{\"owner\":\"bob\"}", "{\"owner\":\"carol\"}"),
                     "OWNER_CHANGED");
    ck_assert_str_eq(rev_type("{\"statement\":\"s\"}", "{\"statement\":\"t\"}"),
                     "STATEMENT_REVISED");
    ck_assert_str_eq(rev_type("{\"plan_what\":\"a\"}", "{\"plan_what\":\"b\"}"), "OTHER");
    /* the revision's own fields are not changes of the objective */
    ch = isms_json_pool(tpool, isms_objective_changes(J("{\"statement\":\"s\"}"), J(
        "{\"statement\":\"s\",\"decision_id\":4,\"revision_reason\":\"r\","
        "\"objective_id\":9}")));
    ck_assert_int_eq(json_object_size(ch), 0);
}
END_TEST

START_TEST(objective_revised_by_later_review)
{
    long long r1, r2, oid, rev;
    isms_result r;
    const json_t *in, *snap;
    size_t i;

    use_alice();
    r1 = new_review("2026-03-10");
    oid = new_objective(r1, "bob", "{\"name\":\"MTTP\",\"direction\":\"LOWER_BETTER\","
                                   "\"baseline\":30,\"target\":10}");
    ck_assert_str_eq(measure(oid, 11, 1), "AMBER");
    r = isms_test_item_get(&alice, r1, "objectives", oid);
    ck_assert_int_eq(isms_test_jint(r.body, "objective_id"), oid);
    ck_assert_int_eq(isms_test_jint(r.body, "revision_no"), 1);
    ck_assert_str_eq(isms_jstr(r.body, "revision_type"), "CREATED");

    /* a later review: its input d4 is derived from the register */
    r2 = new_review("2027-03-10");
    r = isms_test_review_get(&alice, r2);
    snap = NULL;
    json_array_foreach(json_object_get(r.body, "inputs"), i, in) {
        if (!strcmp(isms_jstr(in, "category"), "D4_OBJECTIVES")) {
            snap = json_array_get(json_object_get(in, "objective_snapshots"), 0);
        }
    }
    ck_assert_ptr_nonnull(snap);
    ck_assert_int_eq(isms_test_jint(snap, "objective_id"), oid);
    ck_assert(json_number_value(json_object_get(snap, "latest_value")) == 11);
    ck_assert_str_eq(isms_jstr(snap, "latest_rag"), "AMBER");

    /* it revises the objective: only the change is sent, the rest carried over */
    r = isms_test_item_create(&alice, r2, "objectives", J(isms_test_printf(
        "{\"objective_id\":%lld,\"kpi\":{\"name\":\"MTTP\",\"direction\":\"LOWER_BETTER\","
        "\"baseline\":30,\"target\":8},\"revision_reason\":\"tighter\"}", oid)));
    rev = isms_test_created_id(r);
    ck_assert_int_ne(rev, oid);
    ck_assert_int_eq(isms_test_jint(r.body, "objective_id"), oid);
    ck_assert_int_eq(isms_test_jint(r.body, "revision_no"), 2);
    ck_assert_str_eq(isms_jstr(r.body, "revision_type"), "TARGET_REVISED");
    ck_assert_str_eq(isms_jstr(r.body, "owner"), "bob");
    ck_assert(json_number_value(json_object_get(json_object_get(json_object_get(
        r.body, "prior_state"), "kpi"), "target")) == 10);
    ck_assert_int_eq(isms_test_jint(r.body, "measurement_count"), 1);
    /* once per review */
    r = isms_test_item_create(&alice, r2, "objectives", J(isms_test_printf(
        "{\"objective_id\":%lld,\"status\":\"ACHIEVED\"}", oid)));
    ck_assert_status(r, 409);
    ck_assert_int_eq(isms_test_count(isms_test_printf("objective WHERE objective_id = %lld",
                                                      oid)), 2);
    /* measurements belong to the objective and take the current target */
    r = isms_test_measurement(&alice, oid, J("{\"period_to\":\"2027-01-31\",\"value\":9}"));
    ck_assert_status(r, 201);
    ck_assert_int_eq(isms_test_count("kpi_measurement WHERE target_at_time = 8"), 1);
    ck_assert_int_eq(isms_test_count("kpi_measurement WHERE target_at_time = 10"), 1);
    /* the revision's id is not an objective of the register */
    r = isms_test_measurement(&alice, rev, J("{\"period_to\":\"2027-01-31\",\"value\":9}"));
    ck_assert_status(r, 404);
}
END_TEST

Suite *records_suite(void)
{
    Suite *s = suite_create("records");
    TCase *tc;

    tc = isms_test_tcase("schema", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_test(tc, column_mapping);
    tcase_add_test(tc, descriptor_columns_exist);
    tcase_add_test(tc, table_columns_are_fields);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("operations", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_test(tc, review_create_references);
    tcase_add_test(tc, item_crud_with_etags);
    tcase_add_test(tc, every_entity_round_trip);
    tcase_add_test(tc, rejected_writes_change_nothing);
    tcase_add_test(tc, review_get_embeds_items);
    tcase_add_test(tc, carry_over_open_actions);
    tcase_add_test(tc, action_update_permissions);
    tcase_add_test(tc, effectiveness_check);
    tcase_add_test(tc, measurement_rag);
    tcase_add_test(tc, measurement_trend_and_checks);
    tcase_add_test(tc, idempotent_replay);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("objective_register", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_test(tc, objective_revision_types);
    tcase_add_test(tc, objective_revised_by_later_review);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("records_regression", 1);
    tcase_set_tags(tc, "regression");
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_test(tc, carry_over_count_skips_cancelled_review);
    suite_add_tcase(s, tc);

    tc = isms_test_tcase("from_workaround", 1);
    tcase_add_checked_fixture(tc, isms_test_migrate, NULL);
    tcase_add_test(tc, review_etag_covers_the_day);
    tcase_add_test(tc, item_etag_covers_the_day);
    tcase_add_test(tc, cached_review_follows_the_day);
    tcase_add_test(tc, from_values_round_trip);
    tcase_add_test(tc, from_statements_complete);
    suite_add_tcase(s, tc);
    return s;
}
