/* SPDX-License-Identifier: Apache-2.0 */
/* The httpd glue: module record, directives, request plumbing. Only this layer includes
 * httpd headers; everything it does with records goes through the core. */
#ifndef MOD_ISMSREVIEW_H
#define MOD_ISMSREVIEW_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "ap_expr.h"

#include <jansson.h>

#include "isms_dbconf.h"
#include "isms_store.h"
#include "isms_api.h"

extern module AP_MODULE_DECLARE_DATA ismsreview_module;

#define ISMS_UNSET (-1)

/* The module's log message numbers: its own prefix, not httpd's AH (an admin grepping for
 * "ISMS2" finds this module's lines only). The core's isms_log lines get the same prefix. */
#define ISMS_LOGNO(n) "ISMS" #n ": "

typedef enum { ISMS_ROLE_AUTHOR, ISMS_ROLE_APPROVER, ISMS_ROLE_AUDITOR, ISMS_ROLE_ADMIN,
               ISMS_ROLE_COUNT } isms_role;

extern const char *const isms_role_names[ISMS_ROLE_COUNT];

/* What a child process keeps per database: shared by the virtual hosts that inherit it. */
typedef struct {
    isms_store *store;             /* created in child_init */
    const char *init_error;        /* why the store could not be created */
    volatile int schema_ok;        /* child_init saw the expected version (skip re-check) */
    apr_thread_mutex_t *lock;      /* guards the schema check / SQLite migration */
} isms_proc;

typedef struct {
    isms_dbconf *db;               /* ISMSReviewDatabase */
    int durability;                /* ISMSReviewDurability, ISMS_UNSET = Full */
    long long cache_bytes;         /* ISMSReviewCacheSize, ISMS_UNSET = the default */
    long long write_queue;         /* ISMSReviewWriteQueue, ISMS_UNSET = no bound */
    long long connections;         /* ISMSReviewConnections, ISMS_UNSET = one per thread */
    long long sqlite_cache_kib;    /* ISMSReviewSQLiteCache, ISMS_UNSET = the default */
    isms_proc *proc;
    const char *evidence_dir;      /* ISMSReviewEvidenceDir, NULL = no attachments */
} isms_server_conf;

typedef struct {
    isms_role role;
    ap_expr_info_t *expr;
    const char *source;
} isms_role_rule;

typedef struct {
    apr_array_header_t *roles;     /* isms_role_rule; NULL = unset (inherit) */
    int approvals;                 /* ISMSReviewApprovals */
    apr_off_t max_body;            /* ISMSReviewMaxBody */
    int require_tls;               /* ISMSReviewRequireTLS */
    int interval_months;           /* ISMSReviewInterval */
    int refusal_budget;            /* ISMSReviewRefusalBudget */
    int location_set;              /* this section has a SetHandler (ours or another) */
    const char *location;          /* the <Location> of SetHandler ismsreview; NULL = "/" */
    ap_regex_t *location_re;       /* ... or its <LocationMatch> */
    apr_off_t max_attachment;      /* ISMSReviewMaxAttachment */
    const char **attachment_types; /* ISMSReviewAttachmentTypes (NULL-ended), NULL = default */
} isms_dir_conf;

#define ISMS_DEFAULT_APPROVALS 1
#define ISMS_DEFAULT_MAX_BODY (256 * 1024)
#define ISMS_DEFAULT_INTERVAL 12
#define ISMS_DEFAULT_MAX_ATTACHMENT ((apr_off_t)64 * 1024 * 1024)

/* isms_config.c, isms_location.c (where the handler is configured) */
extern const command_rec isms_cmds[];
void *isms_create_server_conf(apr_pool_t *p, server_rec *s);
void *isms_merge_server_conf(apr_pool_t *p, void *base, void *add);
void *isms_create_dir_conf(apr_pool_t *p, char *dir);
void *isms_merge_dir_conf(apr_pool_t *p, void *base, void *add);
int isms_dir_approvals(const isms_dir_conf *d);
apr_off_t isms_dir_max_body(const isms_dir_conf *d);
int isms_dir_interval(const isms_dir_conf *d);
int isms_dir_refusal_budget(const isms_dir_conf *d);
const char *isms_set_handler(cmd_parms *cmd, void *dv, const char *args);
const char *isms_dir_route(request_rec *r, const isms_dir_conf *d, const char **base);
apr_off_t isms_dir_max_attachment(const isms_dir_conf *d);

/* isms_identity.c: who Apache says the user is, and the roles the rules grant */
typedef struct {
    const char *user;              /* r->user, never a request header */
    int roles[ISMS_ROLE_COUNT];
} isms_identity;
int isms_identity_get(request_rec *r, const isms_dir_conf *d, isms_identity *id);
json_t *isms_identity_roles_json(const isms_identity *id);

/* isms_request.c: routing and responses */
typedef struct isms_req isms_req;
typedef int isms_handler_fn(isms_req *q);
struct isms_req {
    request_rec *r;
    isms_server_conf *sconf;
    isms_dir_conf *dconf;
    const char *route;             /* the path below the handler's location: "v1/..." */
    const char *base;              /* the URI up to the route: "/isms/api/" */
    isms_identity id;
    long long ids[2];              /* {id} segments of the route */
    const char *coll;              /* {coll} segment: an item collection */
    apr_table_t *query;            /* query parameters, each at most once */
    json_t *body;                  /* parsed request body (writes) */
    const char *raw;               /* the body as received, and its length */
    apr_size_t raw_len;
    const struct isms_method_s *method;   /* the matched route method */
    const char *pattern;           /* the matched route pattern */
    const char *wf;                /* {wf} segment: a workflow action */
    int audited;                   /* the store recorded this request in the audit trail */
    const void *att;               /* an uploaded attachment, stored (isms_route_attach.c) */
    isms_conn *conn;               /* this request's one connection, until the response */
};
int isms_handle_request(request_rec *r);
isms_db_status isms_acquire(isms_req *q, isms_conn **c, const char **err);
isms_db_status isms_acquire_unchecked(isms_req *q, isms_conn **c, const char **err);
void isms_release(isms_req *q);
/* A connection that cannot be had: its numbered log line, then isms_respond. */
int isms_respond_db(isms_req *q, isms_db_status st, const char *err);

/* isms_respond.c: the one response path. Checks and handlers build an isms_result (a problem
 * with isms_res_problem / isms_db_problem) and return isms_respond's answer; a check's
 * result with status 0 means "go on". */
int isms_respond(isms_req *q, isms_result res);
isms_result isms_req_problem(isms_req *q, int status, const char *slug, const char *title,
                             const char *detail);   /* isms_res_problem in the request pool */
isms_result isms_res_pass(void);                /* a check's "go on": status 0 */
isms_result isms_res_refusal(int status);       /* Apache answers (its own error document) */
isms_result isms_res_json(int status, json_t *body);

/* isms_body.c: the request body and query string; status 0, or the problem */
isms_result isms_read_json_body(isms_req *q);
isms_result isms_parse_query(isms_req *q);
isms_result isms_check_origin(isms_req *q);

/* isms_handlers.c */
int isms_handle_health(isms_req *q);
int isms_handle_me(isms_req *q);
int isms_handle_record(isms_req *q);           /* every record route, through the core */
int isms_handle_review_get(isms_req *q);       /* GET v1/reviews/{id}: cached first */
void isms_audit_refused(isms_req *q, int status);   /* records a write the glue refused */

/* isms_route_docs.c */
int isms_handle_schema(isms_req *q);           /* GET v1/schema */
int isms_handle_openapi(isms_req *q);          /* GET v1/openapi.json */
/* isms_route_attach.c: evidence attachments (streamed upload, checked download) */
#define ISMS_WRITE_RAW 2
int isms_handle_attach_upload(isms_req *q);
int isms_handle_attach_download(isms_req *q);
/* isms_handlers.c: the core context of a request */
void isms_make_ctx(isms_req *q, isms_conn *c, isms_ctx *ctx);

/* isms_routes.c */
typedef enum { ISMS_P_NONE, ISMS_P_USER, ISMS_P_READ, ISMS_P_AUTHOR, ISMS_P_AUDIT,
               ISMS_P_ADMIN } isms_perm;
typedef struct isms_method_s {
    int method;                    /* M_GET, M_POST ... */
    isms_handler_fn *fn;
    isms_perm perm;
    int write;                     /* runs in a write transaction, takes a JSON body
                                    * (ISMS_WRITE_RAW: the handler reads the body itself,
                                    * and the query string is allowed) */
    void *op;                      /* the core operation (isms_handlers.c casts it) */
} isms_method;
typedef struct {                   /* one per isms_route_id (core/isms_route_table.h) */
    isms_method methods[5];        /* ends at a NULL fn */
} isms_route;
const isms_route *isms_route_match(isms_req *q);
const isms_method *isms_route_method(const isms_route *rt, int method);
const char *isms_route_allow(apr_pool_t *p, const isms_route *rt);
/* The routes and the OpenAPI contract (core/isms_openapi_routes.c) list the same route
 * methods; each difference is logged (ISMS21040). Returns the number of differences. */
int isms_routes_check_contract(apr_pool_t *p, server_rec *s);

/* mod_ismsreview.c */
isms_db_status isms_schema_check(isms_server_conf *sc, isms_conn *c, apr_pool_t *p,
                                 int *version, const char **err);

#endif
