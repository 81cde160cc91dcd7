/* One person, one identity: the form in which user names are compared (separation of
 * duties, authorship, ownership, idempotency keys), and the user names that are refused. */
#ifndef ISMS_USERKEY_H
#define ISMS_USERKEY_H

#include <apr_pools.h>

/* Unicode NFKC, case folding, default-ignorable code points removed, surrounding white space
 * of every kind (Unicode White_Space) removed: "ａpprover", "approver\u00a0",
 * "appro\u200bver" and " Approver" all give "approver". NULL gives "". A string that is not
 * UTF-8 is trimmed and lower-cased in ASCII only (such user names are refused at the door:
 * isms_user_name_check). */
const char *isms_user_key(apr_pool_t *p, const char *user);

/* Do two user names name the same person (equal keys)? */
int isms_same_user(apr_pool_t *p, const char *a, const char *b);

/* NULL when the user name may be used, else why not: not UTF-8, or it contains a control
 * character or a default-ignorable code point (ZERO WIDTH SPACE, SOFT HYPHEN ...), which
 * make one person look like two. */
const char *isms_user_name_check(apr_pool_t *p, const char *user);

#endif
