/* SPDX-License-Identifier: Apache-2.0 */
/* Directives, checked when the configuration is read so that a bad value makes
 * `apache2 -t` fail with a message naming the directive. The table and the value rules are
 * the core's (isms_directives.c, shared with `ismsreview-admin check-config`); this file
 * stores the values. Merges use explicit unset markers. */
#include "mod_ismsreview.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include <errno.h>
#include "http_core.h"

#include "isms_api.h"
#include "isms_directives.h"

void *isms_create_server_conf(apr_pool_t *p, server_rec *s)
{
    isms_server_conf *c = apr_pcalloc(p, sizeof(*c));

    c->durability = ISMS_UNSET;
    c->cache_bytes = ISMS_UNSET;
    c->write_queue = ISMS_UNSET;
    c->connections = ISMS_UNSET;
    c->sqlite_cache_kib = ISMS_UNSET;
    c->proc = apr_pcalloc(p, sizeof(*c->proc));
    return c;
}

void *isms_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    isms_server_conf *base = basev, *add = addv;
    isms_server_conf *c = apr_pcalloc(p, sizeof(*c));

    c->db = add->db ? add->db : base->db;
    c->proc = add->db ? add->proc : base->proc;   /* same database, same pool */
    c->durability = add->durability != ISMS_UNSET ? add->durability : base->durability;
    c->cache_bytes = add->cache_bytes != ISMS_UNSET ? add->cache_bytes : base->cache_bytes;
    c->write_queue = add->write_queue != ISMS_UNSET ? add->write_queue : base->write_queue;
    c->connections = add->connections != ISMS_UNSET ? add->connections : base->connections;
    c->sqlite_cache_kib = add->sqlite_cache_kib != ISMS_UNSET ? add->sqlite_cache_kib
                                                              : base->sqlite_cache_kib;
    c->evidence_dir = add->evidence_dir ? add->evidence_dir : base->evidence_dir;
    return c;
}

void *isms_create_dir_conf(apr_pool_t *p, char *dir)
{
    isms_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    c->approvals = ISMS_UNSET;
    c->max_body = ISMS_UNSET;
    c->require_tls = ISMS_UNSET;
    c->interval_months = ISMS_UNSET;
    c->max_attachment = ISMS_UNSET;
    c->refusal_budget = ISMS_UNSET;
    return c;
}

void *isms_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    isms_dir_conf *base = basev, *add = addv;
    isms_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    c->roles = add->roles ? add->roles : base->roles;
    c->approvals = add->approvals != ISMS_UNSET ? add->approvals : base->approvals;
    c->max_body = add->max_body != ISMS_UNSET ? add->max_body : base->max_body;
    c->require_tls = add->require_tls != ISMS_UNSET ? add->require_tls : base->require_tls;
    c->interval_months =
        add->interval_months != ISMS_UNSET ? add->interval_months : base->interval_months;
    c->max_attachment =
        add->max_attachment != ISMS_UNSET ? add->max_attachment : base->max_attachment;
    c->attachment_types = add->attachment_types ? add->attachment_types
                                                : base->attachment_types;
    c->refusal_budget =
        add->refusal_budget != ISMS_UNSET ? add->refusal_budget : base->refusal_budget;
    c->location_set = add->location_set || base->location_set;
    c->location = add->location_set ? add->location : base->location;
    c->location_re = add->location_set ? add->location_re : base->location_re;
    return c;
}

int isms_dir_approvals(const isms_dir_conf *d)
{
    return d->approvals == ISMS_UNSET ? ISMS_DEFAULT_APPROVALS : d->approvals;
}

apr_off_t isms_dir_max_body(const isms_dir_conf *d)
{
    return d->max_body == ISMS_UNSET ? ISMS_DEFAULT_MAX_BODY : d->max_body;
}

int isms_dir_interval(const isms_dir_conf *d)
{
    return d->interval_months == ISMS_UNSET ? ISMS_DEFAULT_INTERVAL : d->interval_months;
}

apr_off_t isms_dir_max_attachment(const isms_dir_conf *d)
{
    return d->max_attachment == ISMS_UNSET ? ISMS_DEFAULT_MAX_ATTACHMENT : d->max_attachment;
}

int isms_dir_refusal_budget(const isms_dir_conf *d)
{
    return d->refusal_budget == ISMS_UNSET ? ISMS_DEFAULT_REFUSAL_BUDGET : d->refusal_budget;
}

static const char *cmd_error(cmd_parms *cmd, const char *msg)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", msg, NULL);
}

static isms_server_conf *server_conf(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &ismsreview_module);
}

/* An ISMSReviewRole rule: the core checked the role, ap_expr compiles the expression. */
static const char *add_role(cmd_parms *cmd, isms_dir_conf *d, const isms_dir_value *v)
{
    isms_role_rule *rule;
    const char *err = NULL;

    if (!d->roles) d->roles = apr_array_make(cmd->pool, 4, sizeof(isms_role_rule));
    rule = apr_array_push(d->roles);
    rule->role = (isms_role)v->n;
    rule->source = v->s;
    rule->expr = ap_expr_parse_cmd(cmd, v->s, 0, &err, NULL);
    if (err) {
        return cmd_error(cmd, apr_psprintf(cmd->pool, "cannot parse expression for role %s: "
                                           "%s", isms_role_names[v->n], err));
    }
    return NULL;
}

static const char *store(cmd_parms *cmd, isms_dir_conf *d, isms_directive_id id,
                         const isms_dir_value *v)
{
    switch (id) {
    case ISMS_D_DATABASE: server_conf(cmd)->db = v->db; break;
    case ISMS_D_DURABILITY: server_conf(cmd)->durability = (int)v->n; break;
    case ISMS_D_CACHE_SIZE: server_conf(cmd)->cache_bytes = v->n; break;
    case ISMS_D_WRITE_QUEUE: server_conf(cmd)->write_queue = v->n; break;
    case ISMS_D_CONNECTIONS: server_conf(cmd)->connections = v->n; break;
    case ISMS_D_SQLITE_CACHE: server_conf(cmd)->sqlite_cache_kib = v->n; break;
    case ISMS_D_EVIDENCE_DIR: server_conf(cmd)->evidence_dir = v->s; break;
    case ISMS_D_ROLE: return add_role(cmd, d, v);
    case ISMS_D_APPROVALS: d->approvals = (int)v->n; break;
    case ISMS_D_MAX_BODY: d->max_body = (apr_off_t)v->n; break;
    case ISMS_D_REQUIRE_TLS: d->require_tls = (int)v->n; break;
    case ISMS_D_INTERVAL: d->interval_months = (int)v->n; break;
    case ISMS_D_MAX_ATTACHMENT: d->max_attachment = (apr_off_t)v->n; break;
    case ISMS_D_ATTACHMENT_TYPES: d->attachment_types = v->list; break;
    case ISMS_D_REFUSAL_BUDGET: d->refusal_budget = (int)v->n; break;
    case ISMS_D_COUNT: break;
    }
    return NULL;
}

static const char *set_value(cmd_parms *cmd, void *dv, int argc, const char *const *argv)
{
    const isms_directive *d = cmd->info;
    isms_dir_value v;
    const char *err = isms_directive_parse(cmd->pool, d, argc, argv, &v);

    return err ? cmd_error(cmd, err) : store(cmd, dv, d->id, &v);
}

static const char *set_take1(cmd_parms *cmd, void *dv, const char *a)
{
    return set_value(cmd, dv, 1, &a);
}

static const char *set_take2(cmd_parms *cmd, void *dv, const char *a, const char *b)
{
    const char *argv[2] = {a, b};

    return set_value(cmd, dv, 2, argv);
}

static const char *set_argv(cmd_parms *cmd, void *dv, int argc, char *const argv[])
{
    return set_value(cmd, dv, argc, (const char *const *)argv);
}

static const char *set_flag(cmd_parms *cmd, void *dv, int flag)
{
    const char *arg = flag ? "On" : "Off";

    return set_value(cmd, dv, 1, &arg);
}

/* command_rec from the core's table: the row's directive is the handler's cmd->info. */
#define ISMS_CTX_SERVER RSRC_CONF
#define ISMS_CTX_ANY (ACCESS_CONF | RSRC_CONF)
#define ISMS_CMD_TAKE1(id, name, ctx, help) \
    AP_INIT_TAKE1(name, set_take1, (void *)&isms_directives[ISMS_D_##id], ctx, help)
#define ISMS_CMD_TAKE2(id, name, ctx, help) \
    AP_INIT_TAKE2(name, set_take2, (void *)&isms_directives[ISMS_D_##id], ctx, help)
#define ISMS_CMD_ARGV(id, name, ctx, help) \
    AP_INIT_TAKE_ARGV(name, set_argv, (void *)&isms_directives[ISMS_D_##id], ctx, help)
#define ISMS_CMD_FLAG(id, name, ctx, help) \
    AP_INIT_FLAG(name, set_flag, (void *)&isms_directives[ISMS_D_##id], ctx, help)
#define ISMS_CMD(id, name, syntax, context, fn, help) \
    ISMS_CMD_##syntax(id, name, ISMS_CTX_##context, help),

const command_rec isms_cmds[] = {
    ISMS_DIRECTIVES(ISMS_CMD)
    /* Apache's own, noted and declined to the core: the API's routes are relative to the
     * section of SetHandler ismsreview (isms_location.c) */
    AP_INIT_RAW_ARGS("SetHandler", isms_set_handler, NULL, OR_FILEINFO,
                     "(mod_ismsreview notes where its handler is configured)"),
    {NULL}
};
