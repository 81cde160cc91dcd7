/* SPDX-License-Identifier: Apache-2.0 */
/* What the records take from the people register: the attendees' top-management snapshot
 * (at the meeting date), the approvers' standing (at the approval date) and display names.
 * While the register is empty (an installation that has not loaded it yet) the snapshot is
 * the author's declaration, as before the register existed; once anyone is registered, the
 * register alone decides and the declaration is only shown. */
#include "isms_people.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

isms_db_status isms_people_find(isms_ctx *ctx, const char *login, json_t **person,
                                const char **err)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_person);
    json_t *all;
    isms_db_status st;

    *person = NULL;
    if (!login) return ISMS_DB_OK;
    isms_sql_appendf(q, " WHERE login_key = %s", isms_user_key(ctx->pool, login));
    if ((st = isms_rec_fetch(ctx, &isms_entity_person, q, &all, err)) != ISMS_DB_OK) return st;
    if (json_array_size(all)) *person = json_incref(json_array_get(all, 0));
    json_decref(all);
    return ISMS_DB_OK;
}

isms_db_status isms_people_in_use(isms_ctx *ctx, int *in_use, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM person LIMIT 1");
    st = isms_query_sql(ctx, q, &rs, err);
    *in_use = st == ISMS_DB_OK && rs->nrows > 0;
    return st;
}

int isms_person_tm_on(const json_t *person, const char *date)
{
    const json_t *p;
    size_t i;

    if (!person || !date) return 0;
    json_array_foreach(json_object_get(person, "top_management"), i, p) {
        const char *from = jstr(p, "from"), *to = jstr(p, "to");
        if (from && strncmp(from, date, 10) <= 0 && (!to || strncmp(date, to, 10) <= 0)) {
            return 1;
        }
    }
    return 0;
}

const char *isms_meeting_date(const json_t *review)
{
    return jstr(review, "held_from") ? jstr(review, "held_from") : jstr(review, "planned_date");
}

/* The snapshot of one attendee: the register at the meeting date when it is in use. */
static isms_db_status snapshot_of(isms_ctx *ctx, const json_t *review, const json_t *att,
                                  int in_use, int *tm, const char **err)
{
    json_t *person = NULL;
    isms_db_status st;

    if (!in_use) {
        *tm = json_is_true(json_object_get(att, "is_top_management"));
        return ISMS_DB_OK;
    }
    st = isms_people_find(ctx, jstr(att, "person"), &person, err);
    *tm = st == ISMS_DB_OK && isms_person_tm_on(person, isms_meeting_date(review));
    json_decref(person);
    return st;
}

static void fill_from(json_t *set, const json_t *doc, const char *field, const json_t *person,
                      const char *from)
{
    const json_t *v = json_object_get(person, from);

    if (json_is_null(json_object_get(doc, field)) || !json_object_get(doc, field)) {
        if (json_is_string(v)) json_object_set(set, field, (json_t *)v);
    }
}

isms_result isms_people_attendee(isms_ctx *ctx, const json_t *review, const json_t *doc,
                                 json_t *set)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    isms_result ok = {0};
    json_t *person = NULL;
    const char *err = NULL;
    int in_use = 0, tm = 0;
    isms_db_status st = isms_people_find(ctx, jstr(doc, "person"), &person, &err);

    if (st == ISMS_DB_OK) st = isms_people_in_use(ctx, &in_use, &err);
    if (st == ISMS_DB_OK) st = snapshot_of(ctx, review, doc, in_use, &tm, &err);
    isms_json_pool(ctx->pool, person);
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    if (person) {
        fill_from(set, doc, "name", person, "display_name");
        fill_from(set, doc, "title", person, "job_title");
        fill_from(set, doc, "function", person, "function");
    }
    if (!jstr(set, "name") && !jstr(doc, "name")) {
        isms_verr(&errs, "name", "required", "is required unless person is a login in the "
                  "people register");
        return isms_res_invalid(ctx->pool, errs.list);
    }
    if (json_is_null(json_object_get(set, "is_top_management"))) {
        json_object_set_new(set, "is_top_management", json_false());
    }
    json_object_set_new(set, "is_top_management_snapshot", json_boolean(tm));
    return ok;
}

static isms_db_status set_snapshot(isms_ctx *ctx, long long id, int tm, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "UPDATE attendee SET is_top_management_snapshot = %d WHERE id = %d",
                     (long long)tm, id);
    return isms_exec_sql(ctx, q, NULL, err);
}

/* One stored attendee row (id, person, is_top_management, snapshot) as the JSON that
 * snapshot_of reads. */
static json_t *attendee_of(const isms_rows *rs, int i)
{
    const char *person = ISMS_ROW(rs, i, 1);

    return json_pack("{s:o,s:b}", "person", person ? json_string(person) : json_null(),
                     "is_top_management", isms_ll(ISMS_ROW(rs, i, 2)) != 0);
}

isms_db_status isms_people_refresh(isms_ctx *ctx, const json_t *review, const char **err)
{
    long long rid = json_integer_value(json_object_get(review, "id"));
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    int in_use = 0, changed = 0, i;
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id, person, is_top_management, is_top_management_snapshot "
                        "FROM attendee WHERE review_id = %d", rid);
    if ((st = isms_people_in_use(ctx, &in_use, err)) != ISMS_DB_OK) return st;
    if ((st = isms_query_sql(ctx, q, &rs, err)) != ISMS_DB_OK) return st;
    for (i = 0; i < rs->nrows; i++) {
        json_t *a = isms_json_pool(ctx->pool, attendee_of(rs, i));
        const char *old = ISMS_ROW(rs, i, 3);
        int tm = 0;
        if ((st = snapshot_of(ctx, review, a, in_use, &tm, err)) != ISMS_DB_OK) return st;
        if (old && (isms_ll(old) != 0) == tm) continue;
        if ((st = set_snapshot(ctx, isms_ll(ISMS_ROW(rs, i, 0)), tm, err)) != ISMS_DB_OK) {
            return st;
        }
        changed = 1;
    }
    return changed ? isms_touch_review(ctx, rid, err) : ISMS_DB_OK;
}

isms_db_status isms_people_refresh_drafts(isms_ctx *ctx, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *rows, *r;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, "SELECT id, held_frm, planned_date FROM review WHERE status IN "
                        "('PLANNED', 'DRAFT', 'RETURNED') ORDER BY id");
    if ((st = isms_rows_json(ctx, q, &rows, err)) != ISMS_DB_OK) return st;
    isms_json_pool(ctx->pool, rows);
    json_array_foreach(rows, i, r) {
        if ((st = isms_people_refresh(ctx, r, err)) != ISMS_DB_OK) return st;
    }
    return ISMS_DB_OK;
}

static isms_db_status current_approvals(isms_ctx *ctx, const json_t *review, json_t **out,
                                        const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);

    isms_sql_appendf(q, "SELECT approver, created_at AS approved_at FROM approval WHERE "
                        "review_id = %d AND version = %d ORDER BY id",
                     (long long)json_integer_value(json_object_get(review, "id")),
                     (long long)json_integer_value(json_object_get(review, "version")));
    return isms_rows_json(ctx, q, out, err);
}

static int attended(apr_pool_t *p, const json_t *review, const char *login)
{
    const char *key = isms_user_key(p, login);
    const json_t *a;
    size_t i;

    json_array_foreach(json_object_get(review, "attendees"), i, a) {
        const char *att = jstr(a, "attendance");
        if (jstr(a, "person") && !strcmp(isms_user_key(p, jstr(a, "person")), key) && att &&
            strcmp(att, "APOLOGIES") && strcmp(att, "ABSENT")) {
            return 1;
        }
    }
    return 0;
}

isms_db_status isms_people_approvals(isms_ctx *ctx, json_t *review, const char **err)
{
    json_t *list = json_object_get(review, "approvals"), *a, *person;
    int in_use = 0;
    isms_db_status st = ISMS_DB_OK;
    size_t i;

    if (!json_is_array(list)) {
        if ((st = current_approvals(ctx, review, &list, err)) != ISMS_DB_OK) return st;
        json_object_set_new(review, "approvals", list);
    }
    if ((st = isms_people_in_use(ctx, &in_use, err)) != ISMS_DB_OK) return st;
    json_array_foreach(list, i, a) {
        const char *who = jstr(a, "approver"), *at = jstr(a, "approved_at");
        json_object_set_new(a, "approver_attended", json_boolean(attended(ctx->pool, review,
                                                                           who)));
        if (!in_use) {
            json_object_set_new(a, "approver_top_management", json_null());
            continue;
        }
        if ((st = isms_people_find(ctx, who, &person, err)) != ISMS_DB_OK) return st;
        json_object_set_new(a, "approver_top_management",
                            json_boolean(isms_person_tm_on(person, at)));
        json_decref(person);
    }
    return ISMS_DB_OK;
}

isms_db_status isms_people_names(isms_ctx *ctx, json_t **map, const char **err)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    json_t *rows, *r;
    isms_db_status st;
    size_t i;

    isms_sql_appendf(q, "SELECT login_key, display_name, job_title FROM person");
    if ((st = isms_rows_json(ctx, q, &rows, err)) != ISMS_DB_OK) return st;
    *map = isms_json_pool(ctx->pool, json_object());
    json_array_foreach(rows, i, r) {
        json_object_set(*map, jstr(r, "login_key"), r);
    }
    json_decref(rows);
    return ISMS_DB_OK;
}

const char *isms_people_label(apr_pool_t *p, const json_t *map, const char *login)
{
    const json_t *who = login ? json_object_get(map, isms_user_key(p, login)) : NULL;
    const char *title = jstr(who, "job_title");

    if (!login) return NULL;
    if (!who) return login;
    return title && *title ? apr_pstrcat(p, jstr(who, "display_name"), ", ", title, NULL)
                           : jstr(who, "display_name");
}

static const char *const review_people[] = {"chair", "author", "approved_by", "submitted_by",
                                            NULL};
static const char *const item_people[] = {"person", "delegate_for", "owner", "communicator",
                                          "requested_by", "risk_owner_approval", "approver",
                                          NULL};

void isms_people_label_fields(apr_pool_t *p, const json_t *map, json_t *obj,
                              const char *const *fields)
{
    int k;

    for (k = 0; fields[k]; k++) {
        const char *login = jstr(obj, fields[k]);
        if (login) {
            json_object_set_new(obj, apr_pstrcat(p, fields[k], "_display", NULL),
                                json_string(isms_people_label(p, map, login)));
        }
    }
}

static void label_list(apr_pool_t *p, const json_t *map, json_t *list)
{
    json_t *item;
    size_t i;

    json_array_foreach(list, i, item) {
        if (json_is_object(item)) isms_people_label_fields(p, map, item, item_people);
    }
}

/* An attendee's top management as the check reads it: the snapshot, else (attendees written
 * before the register) the author's flag. */
static void effective_tm(json_t *attendees)
{
    json_t *a;
    size_t i;

    json_array_foreach(attendees, i, a) {
        const json_t *snap = json_object_get(a, "is_top_management_snapshot");
        json_object_set(a, "top_management", snap && !json_is_null(snap) ? (json_t *)snap
                        : json_object_get(a, "is_top_management"));
    }
}

void isms_people_label_review(apr_pool_t *p, const json_t *map, json_t *review)
{
    const char *key;
    json_t *v, *item;
    size_t i;

    isms_people_label_fields(p, map, review, review_people);
    effective_tm(json_object_get(review, "attendees"));
    json_object_foreach(review, key, v) {
        if (!json_is_array(v)) continue;
        json_array_foreach(v, i, item) {
            if (!json_is_object(item)) continue;
            isms_people_label_fields(p, map, item, item_people);
            label_list(p, map, json_object_get(item, "action_snapshots"));
        }
    }
}
