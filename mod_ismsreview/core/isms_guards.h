/* SPDX-License-Identifier: Apache-2.0 */
/* The seal guards, derived from the entity descriptors: the database triggers that refuse
 * any change to a row of a review that is not a draft (SUBMITTED, APPROVED, PUBLISHED ...),
 * except to the columns the descriptor lets change there: its ISMS_TRACKING fields (the
 * review's ISMS_WORKFLOW fields too) and the row bookkeeping (row_version, updated_at,
 * updated_by). Every other column is sealed, whatever migration added it: on SQLite and
 * MariaDB the triggers name the sealed columns of the table as the database has them, on
 * PostgreSQL the trigger names the columns that may change. They are dropped and created
 * again after the numbered migrations (isms_migrate_apply_to), from migration 014 on. */
#ifndef ISMS_GUARDS_H
#define ISMS_GUARDS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

#include "isms_entity.h"
#include "isms_store.h"

/* The first schema version with the derived guards (migration 014 prepares PostgreSQL's
 * review guard for them). */
#define ISMS_GUARDS_SINCE 14

/* Whether a column of e's table may change on a row of a review that is not a draft. */
int isms_guard_may_change(apr_pool_t *p, const isms_entity *e, const char *column);

/* The columns of e's table that may change there (const char *), in descriptor order. */
apr_array_header_t *isms_guard_changeable(apr_pool_t *p, const isms_entity *e);
int isms_guard_listed(const apr_array_header_t *cols, const char *col);

/* Drops and creates the seal guards of the review and of every item table, in the
 * connection's dialect, from the descriptors and (SQLite, MariaDB) the tables' columns. */
isms_db_status isms_guards_apply(isms_conn *c, apr_pool_t *p, const char **err);

/* {"kinds":[{"kind","table","columns":[{"column","field","may_change","tracking",
 * "workflow","enum"?,"min"?,"max"?}]}]} (the bookkeeping columns that are no field: column
 * and may_change only): what the guards derive from, for ismsreview-admin seal-columns
 * and the tests (new reference). */
json_t *isms_guards_json(apr_pool_t *p);

#endif
