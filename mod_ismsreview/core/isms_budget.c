/* SPDX-License-Identifier: Apache-2.0 */
/* The memory budget of an Apache child (isms_budget.h). */
#include "isms_budget.h"
#include "isms_cache.h"
#include "isms_dialect.h"

#include <apr_strings.h>

void isms_budget_of(const isms_store *s, int threads, size_t max_free, isms_budget *b)
{
    const isms_dialect *d = isms_store_dialect(s);

    b->cache = isms_cache_budget(isms_store_cache(s));
    b->conns = isms_store_pool_max(s);
    b->per_conn = d->conn_page_cache
                      ? (size_t)isms_dbconf_sqlite_cache_kib(isms_store_conf(s)) * 1024
                      : 0;
    b->driver = d->name;
    b->threads = threads;
    b->per_thread = max_free;
}

size_t isms_budget_total(const isms_budget *b)
{
    if (b->per_thread == 0) return 0;
    return b->cache + (size_t)b->conns * b->per_conn + (size_t)b->threads * b->per_thread;
}

static const char *kib(apr_pool_t *p, size_t bytes)
{
    return apr_psprintf(p, "%" APR_SIZE_T_FMT " KiB", (bytes + 1023) / 1024);
}

const char *isms_budget_describe(apr_pool_t *p, const isms_budget *b)
{
    size_t total = isms_budget_total(b);
    const char *conn = b->per_conn
        ? apr_psprintf(p, "%s %s page cache", kib(p, b->per_conn), b->driver)
        : apr_psprintf(p, "0 KiB (%s caches pages in the server)", b->driver);
    const char *line = apr_psprintf(p, "render cache %s + %d connections x %s + %d threads x ",
                                    kib(p, b->cache), b->conns, conn, b->threads);

    if (!total) {
        return apr_pstrcat(p, line, "unlimited MaxMemFree (0) = no bound: set MaxMemFree",
                           NULL);
    }
    return apr_psprintf(p, "%s%s MaxMemFree = %s (%.1f MiB), plus the code and httpd's own",
                        line, kib(p, b->per_thread), kib(p, total),
                        (double)total / (1024.0 * 1024.0));
}
