/* SPDX-License-Identifier: Apache-2.0 */
/* Reminders: who needs to know what today (isms_notify.h). Only the results of reviews that
 * were approved at least once (a sealed version exists) reach action owners: a draft's
 * actions are proposals until top management approves them. */
#include "isms_notify.h"
#include "isms_audit.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_record.h"
#include "isms_report.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <string.h>

#define OPEN_ACTION "a.status NOT IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')"
#define DECIDED "r.status <> 'CANCELLED' AND EXISTS (SELECT 1 FROM review_version v WHERE " \
                "v.review_id = r.id)"
#define REVIEW_AUTHOR "COALESCE(r.author, r.created_by)"

typedef struct {
    isms_ctx *ctx;
    json_t *out;          /* key -> digest */
    json_t *people;       /* key -> person row (login, display_name, email, top_management) */
    json_t *done;         /* key -> true: already notified today */
} collect;

/* Adds an item to the digest of login (created on first use). */
static void add(collect *c, const char *login, json_t *item)
{
    const char *key = isms_user_key(c->ctx->pool, login);
    json_t *d, *person;

    if (!key || !*key || json_object_get(c->done, key)) {
        json_decref(item);
        return;
    }
    if (!(d = json_object_get(c->out, key))) {
        person = json_object_get(c->people, key);
        d = json_pack("{s:s,s:s?,s:s?,s:[]}", "login", login, "name",
                      isms_jstr(person, "display_name"), "email", isms_jstr(person, "email"), "items");
        json_object_set_new(c->out, key, d);
    }
    json_array_append_new(json_object_get(d, "items"), item);
}

static json_t *item(const char *kind, const char *ref, const char *title, const char *date,
                    long days, const char *link, const char *review)
{
    return json_pack("{s:s,s:s?,s:s?,s:s?,s:I,s:s,s:s?}", "kind", kind, "ref", ref, "title",
                     title, "date", date, "days", (json_int_t)days, "link", link, "review",
                     review);
}

static isms_db_status query(collect *c, isms_sql *q, isms_rows **rs, const char **err)
{
    return isms_query_sql(c->ctx, q, rs, err);
}

/* ---- the people register and the digests already sent today ---- */

static isms_db_status load_people(collect *c, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT login, display_name, email, top_management FROM person "
                        "WHERE active = 1");
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        const char *tm = ISMS_ROW(rs, i, 3);
        json_t *periods = tm ? json_loads(tm, JSON_REJECT_DUPLICATES, NULL) : NULL;
        json_object_set_new(c->people, isms_user_key(c->ctx->pool, ISMS_ROW(rs, i, 0)),
            json_pack("{s:s,s:s?,s:s?,s:o}", "login", ISMS_ROW(rs, i, 0), "display_name",
                      ISMS_ROW(rs, i, 1), "email", ISMS_ROW(rs, i, 2), "top_management",
                      periods ? periods : json_array()));
    }
    return ISMS_DB_OK;
}

static isms_db_status load_done(collect *c, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT recipient_key FROM notification WHERE day = %s",
                     c->ctx->today);
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) json_object_set_new(c->done, ISMS_ROW(rs, i, 0), json_true());
    return ISMS_DB_OK;
}

/* Top management on a day: a period {"from","to"} of the register covers it. */
static int top_manager_on(const json_t *person, const char *day)
{
    const json_t *p;
    size_t i;

    json_array_foreach(json_object_get(person, "top_management"), i, p) {
        const char *from = isms_jstr(p, "from"), *to = isms_jstr(p, "to");
        if ((!from || strcmp(from, day) <= 0) && (!to || strcmp(day, to) <= 0)) return 1;
    }
    return 0;
}

/* ---- what is due ---- */

static isms_db_status actions(collect *c, int days_ahead, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    const char *limit = isms_date_add(c->ctx->pool, c->ctx->today, days_ahead);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT a.ref, a.title, a.owner, a.due_date, r.id, r.ref, "
                        REVIEW_AUTHOR " FROM action a JOIN review r ON r.id = a.review_id "
                        "WHERE " DECIDED " AND " OPEN_ACTION " AND a.due_date <= %s "
                        "ORDER BY a.due_date, a.id", limit);
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        const char **row = (const char **)&ISMS_ROW(rs, i, 0);
        long late = isms_days_between(row[3], c->ctx->today);
        const char *review_link = apr_pstrcat(c->ctx->pool, "#/reviews/", row[4], NULL);
        add(c, row[2], item(late > 0 ? "action_overdue" : "action_due", row[0], row[1], row[3],
                            late > 0 ? late : -late, "#/actions", row[5]));
        if (late > 0) {
            add(c, row[6], item("replan_needed", row[0], row[1], row[3], late, review_link,
                                row[5]));
        }
    }
    return ISMS_DB_OK;
}

/* Completed actions whose effectiveness is still to be verified: from the check's due date
 * when one was planned (within the look-ahead), else from completion; none when the review
 * decided that no check is required. */
static isms_db_status effectiveness(collect *c, int days_ahead, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    const char *limit = isms_date_add(c->ctx->pool, c->ctx->today, days_ahead);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT a.ref, a.title, a.completed_at, r.id, r.ref, " REVIEW_AUTHOR
                        ", a.effectiveness_check_due FROM action a JOIN review r ON r.id = "
                        "a.review_id WHERE " DECIDED " AND a.status = 'COMPLETED' AND "
                        "(a.effectiveness_check_required IS NULL OR "
                        "a.effectiveness_check_required <> 0) AND (a.effectiveness_check_due "
                        "IS NULL OR a.effectiveness_check_due <= %s) ORDER BY a.completed_at, "
                        "a.id", limit);
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        const char **row = (const char **)&ISMS_ROW(rs, i, 0);
        const char *due = row[6] ? row[6]
                          : row[2] ? apr_pstrndup(c->ctx->pool, row[2], 10) : NULL;
        long days = due ? isms_days_between(due, c->ctx->today) : 0;
        json_t *it = item("effectiveness_check", row[0], row[1], due, days < 0 ? -days : days,
                          apr_pstrcat(c->ctx->pool, "#/reviews/", row[3], NULL), row[4]);
        json_object_set_new(it, "check_due", json_boolean(row[6] != NULL));
        add(c, row[5], it);
    }
    return ISMS_DB_OK;
}

static isms_db_status approved_keys(collect *c, const char *id, const char *version,
                                    json_t **keys, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT approver_key FROM approval WHERE review_id = %d AND "
                        "version = %d", isms_ll(id), isms_ll(version));
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    *keys = json_object();
    for (i = 0; i < rs->nrows; i++) json_object_set_new(*keys, ISMS_ROW(rs, i, 0), json_true());
    return ISMS_DB_OK;
}

/* A SUBMITTED review, to each current top manager who may still approve it. */
static isms_db_status approvals(collect *c, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT r.id, r.ref, r.title, r.version, r.submitted_at, "
                        REVIEW_AUTHOR ", r.submitted_by FROM review r WHERE r.status = "
                        "'SUBMITTED' ORDER BY r.submitted_at, r.id");
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        const char **row = (const char **)&ISMS_ROW(rs, i, 0);
        const char *key, *since = row[4] ? apr_pstrndup(c->ctx->pool, row[4], 10) : NULL;
        json_t *done, *person;

        if ((st = approved_keys(c, row[0], row[3], &done, err)) != ISMS_DB_OK) return st;
        json_object_foreach(c->people, key, person) {
            if (!top_manager_on(person, c->ctx->today) || json_object_get(done, key) ||
                !strcmp(key, isms_user_key(c->ctx->pool, row[5])) ||
                (row[6] && !strcmp(key, isms_user_key(c->ctx->pool, row[6])))) continue;
            add(c, isms_jstr(person, "login"), item("approval", row[1], row[2], since,
                since ? isms_days_between(since, c->ctx->today) : 0,
                apr_pstrcat(c->ctx->pool, "#/reviews/", row[0], NULL), row[1]));
        }
        json_decref(done);
    }
    return ISMS_DB_OK;
}

static isms_db_status communications(collect *c, const char **err)
{
    isms_sql *q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, "SELECT c.ref, c.what_type, c.\"when\", r.id, r.ref, " REVIEW_AUTHOR
                        " FROM communication c JOIN review r ON r.id = c.review_id WHERE "
                        "r.status = 'PUBLISHED' AND c.status = 'PLANNED' ORDER BY c.\"when\", "
                        "c.id");
    if ((st = query(c, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        const char **row = (const char **)&ISMS_ROW(rs, i, 0);
        add(c, row[5], item("communication_planned", row[0], row[1], row[2],
                            row[2] ? isms_days_between(row[2], c->ctx->today) : 0,
                            apr_pstrcat(c->ctx->pool, "#/reviews/", row[3], NULL), row[4]));
    }
    return ISMS_DB_OK;
}

static isms_db_status review_due(collect *c, int days_ahead, const char **err)
{
    isms_sql *q;
    isms_rows *rs;
    json_t *due, *latest;
    const char *date;
    long left;
    isms_db_status st;

    if ((st = isms_next_review_due(c->ctx, &due, err)) != ISMS_DB_OK) return st;
    latest = json_object_get(due, "latest_review");
    date = isms_jstr(due, "due_date");
    if (!json_is_object(latest) || !date ||
        (left = isms_days_between(c->ctx->today, date)) > days_ahead) {
        json_decref(due);
        return ISMS_DB_OK;
    }
    q = isms_sql_new(c->ctx->pool, c->ctx->conn);
    isms_sql_appendf(q, "SELECT " REVIEW_AUTHOR " FROM review r WHERE r.id = %d",
                     (long long)json_integer_value(json_object_get(latest, "id")));
    if ((st = query(c, q, &rs, err)) == ISMS_DB_OK && rs->nrows == 1) {
        add(c, ISMS_ROW(rs, 0, 0), item("review_due", NULL, "the next management review",
                                         date, left < 0 ? -left : left, "#/reviews",
                                         isms_jstr(latest, "ref")));
    }
    json_decref(due);
    return st;
}

isms_db_status isms_notify_collect(isms_ctx *ctx, int days_ahead, json_t **out,
                                   const char **err)
{
    collect c = {ctx, json_object(), json_object(), json_object()};
    isms_db_status st;

    if ((st = load_people(&c, err)) == ISMS_DB_OK && (st = load_done(&c, err)) == ISMS_DB_OK &&
        (st = actions(&c, days_ahead, err)) == ISMS_DB_OK &&
        (st = effectiveness(&c, days_ahead, err)) == ISMS_DB_OK &&
        (st = approvals(&c, err)) == ISMS_DB_OK &&
        (st = communications(&c, err)) == ISMS_DB_OK) {
        st = review_due(&c, days_ahead, err);
    }
    json_decref(c.people);
    json_decref(c.done);
    if (st != ISMS_DB_OK) {
        json_decref(c.out);
        return st;
    }
    *out = c.out;
    return ISMS_DB_OK;
}

isms_db_status isms_notify_record(isms_ctx *ctx, const isms_notification *n, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_audit_event ev = {"NOTIFY", "ismsreview-admin notify", "notify", "notification", 0,
                           0, 201, NULL, NULL};
    json_t *after;
    isms_db_status st;

    isms_sql_appendf(q, "INSERT INTO notification (recipient, recipient_key, email, day, "
                        "sent_at, message_id, subject, items, content_sha256) VALUES (%s, %s, "
                        "%s, %s, %s, %s, %s, %d, %s)", n->login, n->key, n->email, ctx->today,
                     ctx->now, n->message_id, n->subject, (long long)n->items,
                     n->content_sha256);
    if ((st = isms_exec_sql(ctx, q, NULL, err)) != ISMS_DB_OK) return st;
    after = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s}", "recipient", n->login, "email", n->email,
                      "message_id", n->message_id, "subject", n->subject, "items", n->items,
                      "content_sha256", n->content_sha256);
    ev.after = after;
    st = isms_audit_append(ctx, &ev, err);
    json_decref(after);
    return st;
}
