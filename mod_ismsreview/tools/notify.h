/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin notify [--days N] [--mail-domain D] [--sendmail PATH | --smtp HOST:PORT]
 *                         [--from ADDR] [--base-url URL] [--dry-run]   (notify.c) */
#ifndef ISMS_ADMIN_NOTIFY_H
#define ISMS_ADMIN_NOTIFY_H

#include <apr_pools.h>
#include "isms_store.h"

#define EXIT_USAGE_NOTIFY 2

/* args: what follows "notify" on the command line (argv[0] is "notify"). Returns the exit
 * code: 0 done, 1 a mail could not be sent or recorded, 2 usage. */
int isms_admin_notify(apr_pool_t *p, isms_conn *c, int argc, const char *const *argv);

#endif
