/* SPDX-License-Identifier: Apache-2.0 */
/* Directives, checked when the configuration is read so that a bad value makes
 * `apache2 -t` fail with a message naming the directive. Merges use explicit unset markers. */
#include "mod_ismsreview.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include <errno.h>
#include "http_core.h"

#include "isms_attach.h"

const char *const isms_role_names[ISMS_ROLE_COUNT] = {"author", "approver", "auditor", "admin"};

void *isms_create_server_conf(apr_pool_t *p, server_rec *s)
{
    isms_server_conf *c = apr_pcalloc(p, sizeof(*c));

    c->durability = ISMS_UNSET;
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

static const char *cmd_error(cmd_parms *cmd, const char *msg)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", msg, NULL);
}

static const char *set_database(cmd_parms *cmd, void *dummy, int argc, char *const argv[])
{
    isms_server_conf *sc = ap_get_module_config(cmd->server->module_config, &ismsreview_module);
    const char *err;

    if (argc < 1) return cmd_error(cmd, "needs a libdbi driver name and its options");
    err = isms_dbconf_parse(cmd->pool, argv[0], argc - 1, (const char *const *)argv + 1,
                            &sc->db);
    if (!err) err = isms_dbconf_check_driver(cmd->temp_pool, argv[0]);
    return err ? cmd_error(cmd, err) : NULL;
}

static const char *set_durability(cmd_parms *cmd, void *dummy, const char *arg)
{
    isms_server_conf *sc = ap_get_module_config(cmd->server->module_config, &ismsreview_module);

    if (strcasecmp(arg, "Full") == 0) sc->durability = ISMS_DURABILITY_FULL;
    else if (strcasecmp(arg, "Normal") == 0) sc->durability = ISMS_DURABILITY_NORMAL;
    else return cmd_error(cmd, "must be Full (survives power loss) or Normal (faster; "
                               "survives a crash of Apache, may lose the last commits on "
                               "power loss)");
    return NULL;
}

static const char *set_role(cmd_parms *cmd, void *dv, const char *role, const char *expr)
{
    isms_dir_conf *d = dv;
    isms_role_rule *rule;
    const char *err = NULL;
    int i;

    for (i = 0; i < ISMS_ROLE_COUNT && strcmp(isms_role_names[i], role) != 0; i++)
        ;
    if (i == ISMS_ROLE_COUNT) {
        return cmd_error(cmd, apr_psprintf(cmd->pool, "unknown role '%s' (roles: author, "
                                           "approver, auditor, admin)", role));
    }
    if (!d->roles) d->roles = apr_array_make(cmd->pool, 4, sizeof(isms_role_rule));
    rule = apr_array_push(d->roles);
    rule->role = (isms_role)i;
    rule->source = expr;
    rule->expr = ap_expr_parse_cmd(cmd, expr, 0, &err, NULL);
    if (err) {
        return cmd_error(cmd, apr_psprintf(cmd->pool, "cannot parse expression for role %s: "
                                           "%s", role, err));
    }
    return NULL;
}

static const char *parse_range(cmd_parms *cmd, const char *arg, apr_int64_t lo, apr_int64_t hi,
                               apr_int64_t *out)
{
    char *end;
    apr_int64_t v;

    errno = 0;
    v = apr_strtoi64(arg, &end, 10);
    if (!apr_isdigit(*arg) || *end || errno || v < lo || v > hi) {
        return cmd_error(cmd, apr_psprintf(cmd->pool, "'%s' is not a whole number from %"
                                           APR_INT64_T_FMT " to %" APR_INT64_T_FMT,
                                           arg, lo, hi));
    }
    *out = v;
    return NULL;
}

static const char *set_approvals(cmd_parms *cmd, void *dv, const char *arg)
{
    apr_int64_t v;
    const char *err = parse_range(cmd, arg, 1, 20, &v);

    if (!err) ((isms_dir_conf *)dv)->approvals = (int)v;
    return err;
}

static const char *set_max_body(cmd_parms *cmd, void *dv, const char *arg)
{
    apr_int64_t v;
    const char *err = parse_range(cmd, arg, 1024, 64 * 1024 * 1024, &v);

    if (!err) ((isms_dir_conf *)dv)->max_body = (apr_off_t)v;
    return err;
}

static const char *set_interval(cmd_parms *cmd, void *dv, const char *arg)
{
    apr_int64_t v;
    const char *err = parse_range(cmd, arg, 1, 36, &v);

    if (!err) ((isms_dir_conf *)dv)->interval_months = (int)v;
    return err;
}

/* An absolute directory; created (with its subdirectories) when the first file is stored. */
static const char *set_evidence_dir(cmd_parms *cmd, void *dummy, const char *arg)
{
    isms_server_conf *sc = ap_get_module_config(cmd->server->module_config, &ismsreview_module);

    if (arg[0] != '/') return cmd_error(cmd, "must be an absolute directory path");
    sc->evidence_dir = apr_pstrdup(cmd->pool, arg);
    while (strlen(sc->evidence_dir) > 1 && sc->evidence_dir[strlen(sc->evidence_dir) - 1] == '/') {
        ((char *)sc->evidence_dir)[strlen(sc->evidence_dir) - 1] = '\0';
    }
    return NULL;
}

static const char *set_max_attachment(cmd_parms *cmd, void *dv, const char *arg)
{
    apr_int64_t v;
    const char *err = parse_range(cmd, arg, 1024, APR_INT64_C(4) * 1024 * 1024 * 1024, &v);

    if (!err) ((isms_dir_conf *)dv)->max_attachment = (apr_off_t)v;
    return err;
}

/* The allow-list replaces the default; each value a type/subtype without parameters. */
static const char *set_attachment_types(cmd_parms *cmd, void *dv, int argc, char *const argv[])
{
    isms_dir_conf *d = dv;
    int i;

    if (argc < 1) return cmd_error(cmd, "needs at least one media type");
    d->attachment_types = apr_pcalloc(cmd->pool, sizeof(char *) * (size_t)(argc + 1));
    for (i = 0; i < argc; i++) {
        const char *t = isms_att_media_type(cmd->pool, argv[i]);
        if (!t || strchr(argv[i], ';')) {
            return cmd_error(cmd, apr_psprintf(cmd->pool, "'%s' is not a media type "
                                               "(type/subtype, no parameters)", argv[i]));
        }
        d->attachment_types[i] = t;
    }
    return NULL;
}

static const char *set_require_tls(cmd_parms *cmd, void *dv, int flag)
{
    ((isms_dir_conf *)dv)->require_tls = flag;
    return NULL;
}

const command_rec isms_cmds[] = {
    AP_INIT_TAKE_ARGV("ISMSReviewDatabase", set_database, NULL, RSRC_CONF,
                      "libdbi driver and options: sqlite3 dbname=FILE sqlite3_dbdir=DIR | "
                      "pgsql host=H dbname=D username=U password=P | mysql ..."),
    AP_INIT_TAKE1("ISMSReviewDurability", set_durability, NULL, RSRC_CONF,
                  "SQLite commit durability: Full (default) or Normal"),
    AP_INIT_TAKE2("ISMSReviewRole", set_role, NULL, ACCESS_CONF | RSRC_CONF,
                  "a role (author, approver, auditor, admin) and the ap_expr expression "
                  "that grants it"),
    AP_INIT_TAKE1("ISMSReviewApprovals", set_approvals, NULL, ACCESS_CONF | RSRC_CONF,
                  "distinct approvers needed to approve a review (default 1)"),
    AP_INIT_TAKE1("ISMSReviewMaxBody", set_max_body, NULL, ACCESS_CONF | RSRC_CONF,
                  "request body limit in bytes (default 262144)"),
    AP_INIT_FLAG("ISMSReviewRequireTLS", set_require_tls, NULL, ACCESS_CONF | RSRC_CONF,
                 "On: refuse requests that did not arrive over TLS"),
    AP_INIT_TAKE1("ISMSReviewInterval", set_interval, NULL, ACCESS_CONF | RSRC_CONF,
                  "planned interval between management reviews in months (default 12)"),
    AP_INIT_TAKE1("ISMSReviewEvidenceDir", set_evidence_dir, NULL, RSRC_CONF,
                  "directory of the evidence attachments (content-addressed files) and the "
                  "sealed evidence packs; unset: no attachments"),
    AP_INIT_TAKE1("ISMSReviewMaxAttachment", set_max_attachment, NULL, ACCESS_CONF | RSRC_CONF,
                  "largest attachment in bytes (default 67108864)"),
    AP_INIT_TAKE_ARGV("ISMSReviewAttachmentTypes", set_attachment_types, NULL,
                      ACCESS_CONF | RSRC_CONF, "media types accepted as attachments (default: "
                      "PDF, PNG, JPEG, text, CSV, Office Open XML and OpenDocument)"),
    {NULL}
};
