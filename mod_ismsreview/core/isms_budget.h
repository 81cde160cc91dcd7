/* SPDX-License-Identifier: Apache-2.0 */
/* The memory budget of an Apache child: what the configuration lets it keep after its
 * requests, in the terms an administrator sets (docs/admin-guide.md, "Memory of a child").
 * The module's part is the render cache (ISMSReviewCacheSize) and, on SQLite, each pooled
 * connection's page cache (ISMSReviewSQLiteCache); httpd's part that grows with use is each
 * thread's allocator, which keeps up to MaxMemFree of freed memory. The code, the libraries
 * and httpd's own structures come on top (measured, not configured). */
#ifndef ISMS_BUDGET_H
#define ISMS_BUDGET_H

#include <apr_pools.h>
#include <stddef.h>

#include "isms_store.h"

typedef struct {
    size_t cache;          /* ISMSReviewCacheSize: bodies of the render cache */
    int conns;             /* the most connections the pool opens */
    size_t per_conn;       /* page cache of one connection (SQLite), 0 for a server */
    const char *driver;    /* the database's driver, for the line */
    int threads;           /* the child's threads (ThreadsPerChild) */
    size_t per_thread;     /* httpd's MaxMemFree in bytes; 0: unlimited */
} isms_budget;

/* The budget of a child with this store, threads threads and max_free bytes of MaxMemFree
 * (0: unlimited, as httpd's MaxMemFree 0). */
void isms_budget_of(const isms_store *s, int threads, size_t max_free, isms_budget *b);

/* The sum in bytes; 0 when a term is unbounded (MaxMemFree 0). */
size_t isms_budget_total(const isms_budget *b);

/* One line: "render cache ... + N connections x ... + T threads x ... = ... KiB (... MiB)". */
const char *isms_budget_describe(apr_pool_t *p, const isms_budget *b);

#endif
