/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin check-config: the ISMSReview* directives of an Apache configuration (or
 * one --database), checked the way the module checks them, and each database checked live. */
#ifndef ISMS_CHECK_CONFIG_H
#define ISMS_CHECK_CONFIG_H

#include <apr_pools.h>

/* spec: --database (may be NULL when apache_conf is given); apache_conf: a configuration file
 * or NULL; user: the user Apache runs as, or NULL (the config's User, else www-data).
 * Returns 0 when every check passed, 1 when one failed, 2 for a usage error. */
int isms_admin_check_config(apr_pool_t *p, const char *spec, const char *apache_conf,
                            const char *user);

#endif
