/* SPDX-License-Identifier: Apache-2.0 */
/* The seal guards as data: isms_guards.h. One trigger per table and dialect, named as the
 * numbered migrations named it (003, 005, 006, 007), so that they are replaced, not added. */
#include "isms_guards.h"
#include "isms_record.h"
#include "isms_sql.h"

#include <apr_strings.h>
#include <string.h>

/* The row's bookkeeping: written by every change, tracking ones included. */
static const char *const bookkeeping[] = {"row_version", "updated_at", "updated_by", NULL};

#define UNSEALED "('PLANNED', 'DRAFT', 'RETURNED')"

static int field_may_change(const isms_entity *e, const isms_field *f)
{
    return (f->flags & ISMS_TRACKING) ||
           (e == &isms_entity_review && (f->flags & ISMS_WORKFLOW));
}

/* Calls fn for every column of a field (an object is one column per member). */
static void field_columns(apr_pool_t *p, const isms_field *f,
                          void (*fn)(void *baton, const isms_field *f, const char *col),
                          void *baton)
{
    const isms_field *s;

    if (f->flags & ISMS_NOCOL) return;
    if (f->type != ISMS_F_OBJECT) {
        fn(baton, f, isms_column(p, f->name));
        return;
    }
    for (s = f->sub; s->name; s++) fn(baton, f, apr_pstrcat(p, f->name, "_", s->name, NULL));
}

static void push_col(void *baton, const isms_field *f, const char *col)
{
    (void)f;
    APR_ARRAY_PUSH((apr_array_header_t *)baton, const char *) = col;
}

apr_array_header_t *isms_guard_changeable(apr_pool_t *p, const isms_entity *e)
{
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(const char *));
    const isms_field *f;
    int i;

    for (i = 0; bookkeeping[i]; i++) APR_ARRAY_PUSH(out, const char *) = bookkeeping[i];
    for (f = e->fields; f->name; f++) {
        if (field_may_change(e, f) && !isms_guard_listed(out, f->name)) {
            field_columns(p, f, push_col, out);
        }
    }
    return out;
}

int isms_guard_listed(const apr_array_header_t *cols, const char *col)
{
    int i;

    for (i = 0; i < cols->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(cols, i, const char *), col) == 0) return 1;
    }
    return 0;
}

int isms_guard_may_change(apr_pool_t *p, const isms_entity *e, const char *column)
{
    return isms_guard_listed(isms_guard_changeable(p, e), column);
}

/* ---- the columns of a table as the database has them (SQLite, MariaDB) ---- */

static isms_db_status table_columns(isms_conn *c, apr_pool_t *p, const char *table,
                                    apr_array_header_t **out, const char **err)
{
    isms_sql *q = isms_sql_new(p, c);
    isms_rows *rs;
    isms_db_status st;
    int i;

    isms_sql_appendf(q, isms_conn_dialect(c)->table_columns, table);
    if (!isms_sql_text(q)) {
        *err = isms_sql_error(q);
        return ISMS_DB_ERROR;
    }
    if ((st = isms_conn_query(c, p, isms_sql_text(q), &rs, err)) != ISMS_DB_OK) return st;
    *out = apr_array_make(p, rs->nrows, sizeof(const char *));
    for (i = 0; i < rs->nrows; i++) {
        APR_ARRAY_PUSH(*out, const char *) = ISMS_ROW(rs, i, 0);
    }
    if (rs->nrows == 0) {
        *err = apr_psprintf(p, "seal guards: table %s has no columns", table);
        return ISMS_DB_ERROR;
    }
    return ISMS_DB_OK;
}

/* ---- the triggers ---- */

static const char *message(apr_pool_t *p, const isms_entity *e)
{
    return apr_psprintf(p, "sealed: %s content of a review that is not a draft", e->kind);
}

/* The condition "the row's review is not a draft". */
static void not_draft(isms_sql *q, const isms_entity *e)
{
    if (e == &isms_entity_review) isms_sql_appendf(q, "OLD.status NOT IN " UNSEALED);
    else isms_sql_appendf(q, "(SELECT status FROM review WHERE id = OLD.review_id) NOT IN "
                             UNSEALED);
}

/* "OLD.c <op> NEW.c OR ..." for every sealed column. */
static void changed(isms_sql *q, const apr_array_header_t *cols,
                    const apr_array_header_t *may, int mysql)
{
    int i, n = 0;

    for (i = 0; i < cols->nelts; i++) {
        const char *col = APR_ARRAY_IDX(cols, i, const char *);
        if (isms_guard_listed(may, col)) continue;
        if (n++) isms_sql_appendf(q, " OR ");
        isms_sql_appendf(q, mysql ? "NOT (OLD.\"%k\" <=> NEW.\"%k\")"
                                  : "OLD.\"%k\" IS NOT NEW.\"%k\"", col, col);
    }
    if (!n) isms_sql_appendf(q, "0 = 1");
}

isms_sql *isms_guard_trigger_sqlite(isms_conn *c, apr_pool_t *p, const isms_entity *e,
                                    const apr_array_header_t *cols)
{
    isms_sql *q = isms_sql_new(p, c);

    isms_sql_appendf(q, "CREATE TRIGGER %k_sealed_update BEFORE UPDATE ON %k WHEN ", e->table,
                     e->table);
    not_draft(q, e);
    isms_sql_appendf(q, " AND (");
    changed(q, cols, isms_guard_changeable(p, e), 0);
    isms_sql_appendf(q, ") BEGIN SELECT RAISE(ABORT, %s); END", message(p, e));
    return q;
}

isms_sql *isms_guard_trigger_mysql(isms_conn *c, apr_pool_t *p, const isms_entity *e,
                                   const apr_array_header_t *cols)
{
    isms_sql *q = isms_sql_new(p, c);

    isms_sql_appendf(q, "CREATE TRIGGER %k_sealed_update BEFORE UPDATE ON %k FOR EACH ROW "
                        "BEGIN IF ", e->table, e->table);
    not_draft(q, e);
    isms_sql_appendf(q, " AND (");
    changed(q, cols, isms_guard_changeable(p, e), 1);
    isms_sql_appendf(q, ") THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = %s; END IF; END",
                     message(p, e));
    return q;
}

/* PostgreSQL compares the rows as JSON without the columns that may change
 * (isms_item_guard of 003, isms_review_seal_guard of 014): every other column is sealed. */
isms_sql *isms_guard_trigger_pgsql(isms_conn *c, apr_pool_t *p, const isms_entity *e,
                                   const apr_array_header_t *cols)
{
    isms_sql *q = isms_sql_new(p, c);
    const apr_array_header_t *may = isms_guard_changeable(p, e);
    int review = e == &isms_entity_review, i;

    (void)cols;

    isms_sql_appendf(q, review ? "CREATE TRIGGER %k_sealed BEFORE UPDATE ON %k FOR EACH ROW "
                                 "EXECUTE FUNCTION isms_review_seal_guard("
                               : "CREATE TRIGGER %k_sealed BEFORE INSERT OR UPDATE OR DELETE ON "
                                 "%k FOR EACH ROW EXECUTE FUNCTION isms_item_guard(",
                     e->table, e->table);
    for (i = 0; i < may->nelts; i++) {
        isms_sql_appendf(q, i ? ", %s" : "%s", APR_ARRAY_IDX(may, i, const char *));
    }
    isms_sql_appendf(q, ")");
    return q;
}

static isms_db_status run(isms_conn *c, isms_sql *q, const char **err)
{
    if (!isms_sql_text(q)) {
        *err = isms_sql_error(q);
        return ISMS_DB_ERROR;
    }
    return isms_conn_exec(c, isms_sql_text(q), NULL, err);
}

static isms_db_status apply_one(isms_conn *c, apr_pool_t *p, const isms_entity *e,
                                const char **err)
{
    const isms_dialect *d = isms_conn_dialect(c);
    isms_sql *drop = isms_sql_new(p, c), *create;
    apr_array_header_t *cols = NULL;
    isms_db_status st;

    if (d->table_columns && (st = table_columns(c, p, e->table, &cols, err)) != ISMS_DB_OK) {
        return st;
    }
    isms_sql_appendf(drop, d->seal_trigger_drop, e->table, e->table);
    create = d->seal_trigger(c, p, e, cols);
    if ((st = run(c, drop, err)) != ISMS_DB_OK) return st;
    if ((st = run(c, create, err)) != ISMS_DB_OK) {
        *err = apr_psprintf(p, "seal guard of %s: %s", e->table, *err);
    }
    return st;
}

isms_db_status isms_guards_apply(isms_conn *c, apr_pool_t *p, const char **err)
{
    isms_db_status st = apply_one(c, p, &isms_entity_review, err);
    int i;

    for (i = 0; st == ISMS_DB_OK && isms_item_entities[i]; i++) {
        st = apply_one(c, p, isms_item_entities[i], err);
    }
    return st;
}

/* ---- as data ---- */

typedef struct {
    apr_pool_t *p;
    const isms_entity *e;
    json_t *list;
} json_baton;

static void column_json(void *baton, const isms_field *f, const char *col)
{
    json_baton *b = baton;
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:b}", "column", col, "field", f->name,
                          "may_change", isms_guard_may_change(b->p, b->e, col), "tracking",
                          (f->flags & ISMS_TRACKING) != 0, "workflow",
                          b->e == &isms_entity_review && (f->flags & ISMS_WORKFLOW));
    const isms_field *m = f;
    int i;

    if (f->type == ISMS_F_OBJECT) {   /* the member's own limits */
        for (m = f->sub; strcmp(apr_pstrcat(b->p, f->name, "_", m->name, NULL), col); m++)
            ;
    }
    if (m->type == ISMS_F_ENUM) {
        json_t *en = json_array();
        for (i = 0; m->enums[i]; i++) json_array_append_new(en, json_string(m->enums[i]));
        json_object_set_new(j, "enum", en);
    }
    if (m->min < m->max) {
        json_object_set_new(j, "min", json_real(m->min));
        json_object_set_new(j, "max", json_real(m->max));
    }
    json_array_append_new(b->list, j);
}

static json_t *kind_json(apr_pool_t *p, const isms_entity *e)
{
    json_baton b = {p, e, json_array()};
    const isms_field *f;
    int i;

    for (i = 0; bookkeeping[i]; i++) {
        if (!isms_entity_field(e, bookkeeping[i])) {
            json_array_append_new(b.list, json_pack("{s:s, s:b}", "column", bookkeeping[i],
                                                    "may_change", 1));
        }
    }
    for (f = e->fields; f->name; f++) field_columns(p, f, column_json, &b);
    return json_pack("{s:s, s:s, s:o}", "kind", e->kind, "table", e->table, "columns",
                     b.list);
}

json_t *isms_guards_json(apr_pool_t *p)
{
    json_t *kinds = json_array();
    int i;

    json_array_append_new(kinds, kind_json(p, &isms_entity_review));
    for (i = 0; isms_item_entities[i]; i++) {
        json_array_append_new(kinds, kind_json(p, isms_item_entities[i]));
    }
    return json_pack("{s:o}", "kinds", kinds);
}
