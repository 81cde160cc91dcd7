/* SPDX-License-Identifier: Apache-2.0 */
/* The directive table (isms_directives.h) and the value rules of each directive. */
#include "isms_directives.h"
#include "isms_attach.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

const char *const isms_role_names[ISMS_DIRECTIVE_ROLES] = {"author", "approver", "auditor",
                                                           "admin"};

static const char *parse_range(apr_pool_t *p, const char *arg, apr_int64_t lo, apr_int64_t hi,
                               isms_dir_value *out)
{
    char *end;
    apr_int64_t v;

    errno = 0;
    v = apr_strtoi64(arg, &end, 10);
    if (!apr_isdigit(*arg) || *end || errno || v < lo || v > hi) {
        return apr_psprintf(p, "'%s' is not a whole number from %" APR_INT64_T_FMT " to %"
                            APR_INT64_T_FMT, arg, lo, hi);
    }
    out->n = v;
    return NULL;
}

static const char *parse_database(apr_pool_t *p, int argc, const char *const *argv,
                                  isms_dir_value *out)
{
    const char *err = isms_dbconf_parse(p, argv[0], argc - 1, argv + 1, &out->db);

    return err ? err : isms_dbconf_check_driver(p, argv[0]);
}

static const char *parse_durability(apr_pool_t *p, int argc, const char *const *argv,
                                    isms_dir_value *out)
{
    (void)p;
    (void)argc;
    if (strcasecmp(argv[0], "Full") == 0) out->n = ISMS_DURABILITY_FULL;
    else if (strcasecmp(argv[0], "Normal") == 0) out->n = ISMS_DURABILITY_NORMAL;
    else return "must be Full (survives power loss) or Normal (faster; survives a crash of "
                "Apache, may lose the last commits on power loss)";
    return NULL;
}

/* The role name; the expression is compiled by the glue (ap_expr is httpd's). */
static const char *parse_role(apr_pool_t *p, int argc, const char *const *argv,
                              isms_dir_value *out)
{
    int i;

    (void)argc;
    for (i = 0; i < ISMS_DIRECTIVE_ROLES && strcmp(isms_role_names[i], argv[0]) != 0; i++)
        ;
    if (i == ISMS_DIRECTIVE_ROLES) {
        return apr_psprintf(p, "unknown role '%s' (roles: author, approver, auditor, admin)",
                            argv[0]);
    }
    out->n = i;
    out->s = argv[1];
    return NULL;
}

static const char *parse_flag(apr_pool_t *p, int argc, const char *const *argv,
                              isms_dir_value *out)
{
    (void)p;
    (void)argc;
    if (strcasecmp(argv[0], "On") != 0 && strcasecmp(argv[0], "Off") != 0) {
        return "must be On or Off";
    }
    out->n = strcasecmp(argv[0], "On") == 0;
    return NULL;
}

/* The directives that take a whole number in a range. */
#define RANGE(fn, lo, hi) \
    static const char *fn(apr_pool_t *p, int argc, const char *const *argv, \
                          isms_dir_value *out) \
    { \
        (void)argc; \
        return parse_range(p, argv[0], lo, hi, out); \
    }
RANGE(parse_approvals, 1, 20)
RANGE(parse_max_body, 1024, APR_INT64_C(64) * 1024 * 1024)
RANGE(parse_interval, 1, 36)
RANGE(parse_max_attachment, 1024, APR_INT64_C(4) * 1024 * 1024 * 1024)
RANGE(parse_refusal_budget, 0, 1000000)
RANGE(parse_cache_size, 0, APR_INT64_C(16) * 1024 * 1024 * 1024)
RANGE(parse_write_queue, 0, 100000)
RANGE(parse_connections, 1, 100000)
RANGE(parse_sqlite_cache, ISMS_SQLITE_CACHE_MIN_KIB, ISMS_SQLITE_CACHE_MAX_KIB)

/* An absolute directory, without trailing slashes; created when the first file is stored. */
static const char *parse_evidence_dir(apr_pool_t *p, int argc, const char *const *argv,
                                      isms_dir_value *out)
{
    char *dir;
    size_t n;

    (void)argc;
    if (argv[0][0] != '/') return "must be an absolute directory path";
    dir = apr_pstrdup(p, argv[0]);
    for (n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--) dir[n - 1] = '\0';
    out->s = dir;
    return NULL;
}

/* The allow-list replaces the default; each value a type/subtype without parameters. */
static const char *parse_attachment_types(apr_pool_t *p, int argc, const char *const *argv,
                                          isms_dir_value *out)
{
    int i;

    out->list = apr_pcalloc(p, sizeof(char *) * (size_t)(argc + 1));
    for (i = 0; i < argc; i++) {
        const char *t = isms_att_media_type(p, argv[i]);
        if (!t || strchr(argv[i], ';')) {
            return apr_psprintf(p, "'%s' is not a media type (type/subtype, no parameters)",
                                argv[i]);
        }
        out->list[i] = t;
    }
    return NULL;
}

#define ISMS_DIRECTIVE_ROW(id, name, syntax, context, fn, help) \
    {ISMS_D_##id, name, ISMS_DSYN_##syntax, ISMS_DCTX_##context, fn, help},
const isms_directive isms_directives[ISMS_D_COUNT] = {ISMS_DIRECTIVES(ISMS_DIRECTIVE_ROW)};

const isms_directive *isms_directive_find(const char *name)
{
    int i;

    for (i = 0; i < ISMS_D_COUNT; i++) {
        if (strcasecmp(isms_directives[i].name, name) == 0) return &isms_directives[i];
    }
    return NULL;
}

static const char *arity_error(const isms_directive *d, int argc)
{
    switch (d->syntax) {
    case ISMS_DSYN_TAKE1: return argc == 1 ? NULL : "takes one argument";
    case ISMS_DSYN_TAKE2: return argc == 2 ? NULL : "takes two arguments";
    case ISMS_DSYN_FLAG: return argc == 1 ? NULL : "must be On or Off";
    case ISMS_DSYN_ARGV: break;
    }
    return argc >= 1 ? NULL : "needs at least one argument";
}

const char *isms_directive_parse(apr_pool_t *p, const isms_directive *d, int argc,
                                 const char *const *argv, isms_dir_value *out)
{
    const char *err = arity_error(d, argc);

    memset(out, 0, sizeof(*out));
    return err ? err : d->parse(p, argc, argv, out);
}

const char *isms_directive_names(apr_pool_t *p)
{
    const char *s = "";
    int i;

    for (i = 0; i < ISMS_D_COUNT; i++) {
        s = apr_pstrcat(p, s, i ? ", " : "", isms_directives[i].name, NULL);
    }
    return s;
}
