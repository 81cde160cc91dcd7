/* SPDX-License-Identifier: Apache-2.0 */
/* PostgreSQL hooks of the dialect table (isms_dialect.c) that need libpq itself: libdbi's
 * pgsql driver installs no notice processor and gives no connection status without a round
 * trip. The driver, loaded by dbi_initialize_r, has loaded libpq; its functions are found
 * once per store (isms_pgsql_init, in child_init or a tool's start), so request threads only
 * read the pointers. The PGconn comes from isms_dbi_native. */
#include "isms_dialect.h"
#include "isms_log.h"

#include <apr_strings.h>
#include <dlfcn.h>
#include <string.h>

typedef int pq_status_fn(const void *pgconn);
typedef void pq_notice_fn(void *arg, const char *message);
typedef pq_notice_fn *pq_set_notice_fn(void *pgconn, pq_notice_fn *fn, void *arg);

static pq_status_fn *pq_status;
static pq_set_notice_fn *pq_set_notice;

void isms_pgsql_init(void)
{
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_NOLOAD);

    if (!lib) return;
    pq_status = (pq_status_fn *)dlsym(lib, "PQstatus");
    pq_set_notice = (pq_set_notice_fn *)dlsym(lib, "PQsetNoticeProcessor");
    dlclose(lib);
}

/* libpq prints server notices and asynchronous errors ("FATAL: terminating connection due
 * to administrator command") on stderr, which is Apache's error log, as lines without date
 * or level. Route them through the core log instead. */
static void pq_notice(void *arg, const char *message)
{
    char line[512];
    size_t n;

    (void)arg;
    apr_cpystrn(line, message ? message : "", sizeof(line));
    for (n = strlen(line); n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '); n--) {
        line[n - 1] = '\0';
    }
    isms_log(ISMS_LOG_NOTICE, 21102, "PostgreSQL: %s", line);
}

int isms_pgsql_setup(void *dbi_conn, const isms_dbconf *conf, apr_pool_t *p, const char **err)
{
    void *pg = isms_dbi_native(dbi_conn);

    (void)conf;
    (void)p;
    (void)err;
    if (pq_set_notice && pg) pq_set_notice(pg, pq_notice, NULL);
    return 0;
}

/* libpq knows that a connection is lost once a statement found it so (CONNECTION_BAD): no
 * round trip (libdbi's ping would run SELECT 1 and PQreset in place). */
int isms_pgsql_alive(void *dbi_conn)
{
    void *pg = isms_dbi_native(dbi_conn);

    if (!pq_status) return isms_dbi_ping(dbi_conn);
    return pg && pq_status(pg) == 0;    /* CONNECTION_OK */
}
