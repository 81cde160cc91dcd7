/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin verify-evidence FILE.zip (verify_evidence.c): offline, no database. */
#ifndef ISMS_VERIFY_EVIDENCE_H
#define ISMS_VERIFY_EVIDENCE_H

#include <apr_pools.h>

/* args: what follows "verify-evidence" on the command line. Returns the exit code: 0 the pack
 * is verified, 1 something does not match (every mismatch printed), 2 usage or an unreadable
 * file. */
int isms_admin_verify_evidence(apr_pool_t *p, int argc, const char *const *args);

#endif
