/* SPDX-License-Identifier: Apache-2.0 */
/* Generic SQL and JSON mapping for an entity, driven by its descriptor: the column list,
 * row -> JSON, JSON -> INSERT/UPDATE. Every value goes through the SQL builder. */
#ifndef ISMS_RECORD_H
#define ISMS_RECORD_H

#include "isms_api.h"
#include "isms_entity.h"
#include "isms_sql.h"

/* "SELECT <columns> FROM <table>" for the entity (the caller appends WHERE/ORDER). */
isms_sql *isms_rec_select_sql(isms_ctx *ctx, const isms_entity *e);

/* Runs a SELECT built with isms_rec_select_sql; *out is a new JSON array of items. */
isms_db_status isms_rec_fetch(isms_ctx *ctx, const isms_entity *e, isms_sql *q, json_t **out,
                              const char **err);

/* One row by id (and review, for items; review_id 0 for reviews): *out NULL if absent. */
isms_db_status isms_rec_get(isms_ctx *ctx, const isms_entity *e, long long review_id,
                            long long id, json_t **out, const char **err);

/* Appends " RETURNING <the columns isms_rec_fetch reads>" to an INSERT or UPDATE of e's table
 * (PostgreSQL, SQLite >= 3.35, MariaDB's INSERT; MariaDB has no UPDATE ... RETURNING). */
void isms_rec_returning(isms_ctx *ctx, const isms_entity *e, isms_sql *q);

/* Runs q with isms_rec_returning: *row the one row it wrote as isms_rec_get reads it, NULL
 * when it wrote none (the caller's 404). */
isms_db_status isms_rec_write_get(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                                  json_t **row, const char **err);

/* INSERT of doc, returning the row as stored (its id, defaults and types as read back), in
 * the same statement: the 201 body of a new record without a second round trip. */
isms_db_status isms_rec_insert_row(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                                   long long review_id, long long seq, json_t **row,
                                   const char **err);

/* Inserts the columns present in doc (client and server fields alike); *id the new row's. */
isms_db_status isms_rec_insert(isms_ctx *ctx, const isms_entity *e, const json_t *doc,
                               long long review_id, long long seq, long long *id,
                               const char **err);

/* The UPDATE of isms_rec_update, for a caller that appends RETURNING (isms_rec_write_get). */
isms_sql *isms_rec_update_sql(isms_ctx *ctx, const isms_entity *e, long long id,
                             const json_t *doc, long long expected_version);
/* Runs an UPDATE of e's table (isms_rec_update_sql, isms_touch_review_sql): where the dialect
 * has UPDATE ... RETURNING, *row is the row it left (pooled; NULL: none matched), else *row
 * is NULL and the caller reads the row back. *affected (may be NULL): the rows changed. */
isms_db_status isms_rec_update_run(isms_ctx *ctx, const isms_entity *e, isms_sql *q,
                                   long long *affected, json_t **row, const char **err);
/* Sets the columns present in doc, bumps row_version; *affected is 0 when the row is gone
 * or its row_version is no longer expected_version (pass -1 not to check). */
isms_db_status isms_rec_update(isms_ctx *ctx, const isms_entity *e, long long id,
                               const json_t *doc, long long expected_version,
                               long long *affected, const char **err);

/* The strong ETag of a row as returned by isms_rec_fetch. */
const char *isms_rec_etag(apr_pool_t *p, const isms_entity *e, const json_t *row);

/* Runs a statement built with the builder (NULL text = builder error -> ISMS_DB_ERROR). */
isms_db_status isms_exec_sql(isms_ctx *ctx, isms_sql *q, long long *affected,
                             const char **err);
isms_db_status isms_query_sql(isms_ctx *ctx, isms_sql *q, isms_rows **rs, const char **err);

long long isms_ll(const char *s);

/* JSON name <-> SQL column: "from" in a name is "frm" in SQL (see isms_record.c). */
const char *isms_column(apr_pool_t *p, const char *name);
const char *isms_json_name(apr_pool_t *p, const char *column);

#endif
