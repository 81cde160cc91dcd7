/* Endpoint handlers: a few lines each; the work is in the core. */
#include "mod_ismsreview.h"

#include "isms_json.h"

APLOG_USE_MODULE(ismsreview);

/* GET v1/health: the real state of the database, for load balancers and monitoring. */
int isms_handle_health(isms_req *q)
{
    isms_conn *c;
    const char *err = NULL;
    isms_db_status st;
    int version = 0;
    json_t *j;

    st = isms_acquire(q, &c, &err);
    if (st == ISMS_DB_OK) st = isms_schema_check(q->sconf, c, q->r->pool, &version, &err);
    if (st != ISMS_DB_OK) return isms_send_db_problem(q, st, err);
    j = isms_json_pool(q->r->pool, json_object());
    json_object_set_new(j, "status", json_string("ok"));
    json_object_set_new(j, "database", json_string("ok"));
    json_object_set_new(j, "schema_version", json_integer(version));
    return isms_send_json(q, HTTP_OK, j);
}

/* GET v1/me: the user Apache authenticated and the roles ISMSReviewRole grants. */
int isms_handle_me(isms_req *q)
{
    json_t *j = isms_json_pool(q->r->pool, json_object());

    json_object_set_new(j, "user", json_string(q->id.user));
    json_object_set_new(j, "display_name", json_string(q->id.user));
    json_object_set_new(j, "roles", isms_identity_roles_json(&q->id));
    json_object_set_new(j, "auth_type",
                        q->r->ap_auth_type ? json_string(q->r->ap_auth_type) : json_null());
    return isms_send_json(q, HTTP_OK, j);
}
