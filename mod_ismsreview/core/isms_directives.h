/* SPDX-License-Identifier: Apache-2.0 */
/* The module's configuration directives as one table: name, arguments, where each is
 * allowed, a one-line help and the function that checks and converts its value. The httpd
 * glue (isms_config.c) builds its command_rec table from ISMS_DIRECTIVES and stores what the
 * parse function returns; `ismsreview-admin check-config` (tools/check_config.c) checks a
 * configuration file's directives with the same functions. Only what needs httpd (compiling
 * an ISMSReviewRole ap_expr) is left to the glue, and so to `apache2 -t`. */
#ifndef ISMS_DIRECTIVES_H
#define ISMS_DIRECTIVES_H

#include <apr_pools.h>

#include "isms_dbconf.h"

/* X(ID, "Name", syntax, context, parse function, "help"); syntax: TAKE1, TAKE2, ARGV (one or
 * more), FLAG (On/Off); context: SERVER (server config, virtual host) or ANY (also
 * <Directory>/<Location>). */
#define ISMS_DIRECTIVES(X) \
    X(DATABASE, "ISMSReviewDatabase", ARGV, SERVER, parse_database, \
      "libdbi driver and options: sqlite3 dbname=FILE sqlite3_dbdir=DIR | " \
      "pgsql host=H dbname=D username=U password=P | mysql ...") \
    X(DURABILITY, "ISMSReviewDurability", TAKE1, SERVER, parse_durability, \
      "SQLite commit durability: Full (default) or Normal") \
    X(ROLE, "ISMSReviewRole", TAKE2, ANY, parse_role, \
      "a role (author, approver, auditor, admin) and the ap_expr expression that grants it") \
    X(APPROVALS, "ISMSReviewApprovals", TAKE1, ANY, parse_approvals, \
      "distinct approvers needed to approve a review (default 1)") \
    X(MAX_BODY, "ISMSReviewMaxBody", TAKE1, ANY, parse_max_body, \
      "request body limit in bytes (default 262144)") \
    X(REQUIRE_TLS, "ISMSReviewRequireTLS", FLAG, ANY, parse_flag, \
      "On: refuse requests that did not arrive over TLS") \
    X(INTERVAL, "ISMSReviewInterval", TAKE1, ANY, parse_interval, \
      "planned interval between management reviews in months (default 12)") \
    X(EVIDENCE_DIR, "ISMSReviewEvidenceDir", TAKE1, SERVER, parse_evidence_dir, \
      "directory of the evidence attachments (content-addressed files) and the sealed " \
      "evidence packs; unset: no attachments") \
    X(MAX_ATTACHMENT, "ISMSReviewMaxAttachment", TAKE1, ANY, parse_max_attachment, \
      "largest attachment in bytes (default 67108864)") \
    X(ATTACHMENT_TYPES, "ISMSReviewAttachmentTypes", ARGV, ANY, parse_attachment_types, \
      "media types accepted as attachments (default: PDF, PNG, JPEG, text, CSV, Office " \
      "Open XML and OpenDocument)") \
    X(REFUSAL_BUDGET, "ISMSReviewRefusalBudget", TAKE1, ANY, parse_refusal_budget, \
      "refused writes recorded per user and minute (default 600, 0 = all)") \
    X(CACHE_SIZE, "ISMSReviewCacheSize", TAKE1, SERVER, parse_cache_size, \
      "bytes of rendered reviews each Apache child keeps in memory (default 67108864, " \
      "0 = none)") \
    X(WRITE_QUEUE, "ISMSReviewWriteQueue", TAKE1, SERVER, parse_write_queue, \
      "write requests each Apache child lets run or wait for the database at once; the " \
      "next one is answered 503 with Retry-After at once (default 0 = no bound)") \
    X(CONNECTIONS, "ISMSReviewConnections", TAKE1, SERVER, parse_connections, \
      "database connections each Apache child opens at most; a request finds one free or " \
      "waits its turn (default: one per thread, ThreadsPerChild)") \
    X(SQLITE_CACHE, "ISMSReviewSQLiteCache", TAKE1, SERVER, parse_sqlite_cache, \
      "KiB of SQLite page cache each pooled connection keeps (PRAGMA cache_size; default " \
      "2000, SQLite's own)")

#define ISMS_DIRECTIVE_ID(id, name, syntax, context, fn, help) ISMS_D_##id,
typedef enum { ISMS_DIRECTIVES(ISMS_DIRECTIVE_ID) ISMS_D_COUNT } isms_directive_id;
#undef ISMS_DIRECTIVE_ID

typedef enum { ISMS_DSYN_TAKE1, ISMS_DSYN_TAKE2, ISMS_DSYN_ARGV, ISMS_DSYN_FLAG } isms_dir_syntax;
typedef enum { ISMS_DCTX_SERVER, ISMS_DCTX_ANY } isms_dir_context;

/* The converted value; which member is set depends on the directive. */
typedef struct {
    long long n;            /* a number; On 1 / Off 0; the durability; the role's index */
    const char *s;          /* the evidence directory (no trailing '/'); the role's expression */
    const char **list;      /* the media types, canonical, NULL-terminated */
    isms_dbconf *db;        /* the database */
} isms_dir_value;

typedef const char *isms_dir_parse_fn(apr_pool_t *p, int argc, const char *const *argv,
                                      isms_dir_value *out);

typedef struct {
    isms_directive_id id;
    const char *name;
    isms_dir_syntax syntax;
    isms_dir_context context;
    isms_dir_parse_fn *parse;
    const char *help;
} isms_directive;

extern const isms_directive isms_directives[ISMS_D_COUNT];

/* The role names ISMSReviewRole accepts, in the order of the module's roles. */
#define ISMS_DIRECTIVE_ROLES 4
extern const char *const isms_role_names[ISMS_DIRECTIVE_ROLES];

/* The directive of that name (case-insensitive, as httpd), or NULL. */
const isms_directive *isms_directive_find(const char *name);

/* Checks the number of arguments against the syntax, then the value: NULL and *out set, or
 * why not (without the directive's name), allocated in p. */
const char *isms_directive_parse(apr_pool_t *p, const isms_directive *d, int argc,
                                 const char *const *argv, isms_dir_value *out);

/* "ISMSReviewDatabase, ISMSReviewDurability, ..." */
const char *isms_directive_names(apr_pool_t *p);

#endif
