/* SPDX-License-Identifier: Apache-2.0 */
/* The one SQL builder. libdbi has no bound parameters, so every value reaches SQL through
 * here: strings are checked (valid UTF-8, no NUL, no control bytes but TAB/LF/CR) and quoted by
 * the connection's driver; integers are formatted from a long long; identifiers and keywords
 * come only from constant format strings or %k (checked against [A-Za-z0-9_.]). */
#ifndef ISMS_SQL_H
#define ISMS_SQL_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <stddef.h>

struct isms_conn;
typedef struct isms_sql isms_sql;

/* Checks a value that will be stored: NULL if acceptable, else a reason. */
const char *isms_text_check(const char *s, size_t len);

isms_sql *isms_sql_new(apr_pool_t *p, struct isms_conn *conn);

/* Appends to the statement. Conversions:
 *   %s  a string value, checked and quoted ('...'); a NULL pointer becomes NULL
 *   %d  a long long (pass it as long long)
 *   %f  a finite double
 *   %k  an identifier or keyword, only [A-Za-z0-9_.]
 *   %%  a percent sign
 * Any other conversion, or a rejected value, puts the builder into an error state. */
void isms_sql_appendf(isms_sql *q, const char *fmt, ...);

/* A value of the bound form. */
typedef enum { ISMS_P_TEXT, ISMS_P_INT, ISMS_P_REAL } isms_sql_ptype;
typedef struct {
    isms_sql_ptype type;
    const char *s;       /* ISMS_P_TEXT: checked as for the statement (never NULL) */
    long long i;         /* ISMS_P_INT */
    double d;            /* ISMS_P_REAL: finite */
} isms_sql_param;

/* The bound form, where the connection's dialect runs statements with bound values (SQLite,
 * isms_dialect.run_bound): the statement with a ? for each %s (not NULL), %d and %f value, and
 * *params the values in order (isms_sql_param). Its text is the same for every value, so the
 * store prepares it once per connection. NULL: run the statement as text (no such dialect,
 * not a SELECT/INSERT/UPDATE/DELETE/WITH, or an append failed). */
const char *isms_sql_bound(const isms_sql *q, const apr_array_header_t **params);

/* The statement, or NULL if any append failed (then isms_sql_error says why). */
const char *isms_sql_text(const isms_sql *q);
const char *isms_sql_error(const isms_sql *q);

#endif
