/* Where the handler is configured, and the API route relative to it. The routes are anchored
 * to the <Location> (or <LocationMatch>, or the server) whose SetHandler selects ismsreview:
 * "/isms/api/x/v1/audit" is not "/isms/api/v1/audit", so an access rule that an admin puts on
 * a sub-path (<Location /isms/api/v1/audit>) cannot be stepped around.
 *
 * Apache does not tell a handler which section selected it, so the module also declares
 * SetHandler: it notes the section's path and declines, and the core then handles the
 * directive as always (DECLINE_CMD passes a directive on to the next module). */
#include "mod_ismsreview.h"

#include "apr_strings.h"
#include "http_core.h"

#include "isms_path.h"

/* The section around a directive, past the conditional wrappers read at start-up
 * (<IfModule>, <IfDefine>, <IfVersion>, <IfFile>, <IfDirective>, <IfSection>). */
static const ap_directive_t *enclosing_section(const ap_directive_t *d)
{
    const ap_directive_t *s = d ? d->parent : NULL;

    while (s && strncasecmp(s->directive, "<If", 3) == 0 && strlen(s->directive) > 3 &&
           strcasecmp(s->directive, "<If") != 0) {
        s = s->parent;
    }
    return s;
}

static int is_ours(apr_pool_t *p, const char *args)
{
    const char *w = ap_getword_conf(p, &args);

    return strcasecmp(w, "ismsreview") == 0;
}

static const char *note_location(cmd_parms *cmd, isms_dir_conf *d, const ap_directive_t *sec)
{
    int match;

    if (!sec) {
        if (cmd->path) return "SetHandler ismsreview cannot be used in .htaccess files";
        d->location = NULL;                           /* server or virtual host: "/" */
        return NULL;
    }
    if (strcasecmp(sec->directive, "<VirtualHost") == 0) {
        d->location = NULL;
        return NULL;
    }
    match = strcasecmp(sec->directive, "<LocationMatch") == 0 ||
            (strcasecmp(sec->directive, "<Location") == 0 && !strncmp(sec->args, "~", 1));
    if (!match && strcasecmp(sec->directive, "<Location") != 0) {
        return apr_psprintf(cmd->pool, "SetHandler ismsreview in %s>: put it in a <Location> "
                            "(the API's routes are relative to its path), <LocationMatch>, "
                            "or the server or virtual host", sec->directive);
    }
    d->location = apr_pstrdup(cmd->pool, cmd->path);
    if (match && !(d->location_re = ap_pregcomp(cmd->pool, cmd->path, AP_REG_EXTENDED))) {
        return apr_psprintf(cmd->pool, "cannot compile %s", cmd->path);
    }
    return NULL;
}

/* SetHandler, seen before the core handles it (the core's own checks then apply). */
const char *isms_set_handler(cmd_parms *cmd, void *dv, const char *args)
{
    isms_dir_conf *d = dv;
    const char *err;

    d->location_set = 1;
    d->location = NULL;
    d->location_re = NULL;
    if (is_ours(cmd->temp_pool, args)) {
        err = note_location(cmd, d, enclosing_section(cmd->directive));
        if (err) return err;
    }
    return DECLINE_CMD;
}

/* The route below the handler's location ("v1/reviews/3"), or NULL; *base is what comes
 * before it in the URI ("/isms/api/"). */
const char *isms_dir_route(request_rec *r, const isms_dir_conf *d, const char **base)
{
    const char *route;

    if (d->location_re) {
        ap_regmatch_t m[1];
        if (ap_regexec(d->location_re, r->uri, 1, m, 0) != 0) return NULL;
        route = isms_path_route(r->uri, r->uri, (size_t)m[0].rm_eo);
    }
    else if (d->location) {
        route = isms_path_route(r->uri, d->location, strlen(d->location));
    }
    else {
        route = isms_path_route(r->uri, "/", 1);
    }
    *base = route ? apr_pstrmemdup(r->pool, r->uri, (apr_size_t)(route - r->uri)) : r->uri;
    return route;
}
