/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin people-import / people-export (people_csv.c). Exit codes as the tool's:
 * 0 success, 1 refused or failed (nothing changed), 2 unreadable file. */
#ifndef PEOPLE_CSV_H
#define PEOPLE_CSV_H

#include <apr_pools.h>

#include "isms_store.h"

int isms_admin_people_import(apr_pool_t *p, isms_conn *c, const char *file);
int isms_admin_people_export(apr_pool_t *p, isms_conn *c, const char *file);

#endif
