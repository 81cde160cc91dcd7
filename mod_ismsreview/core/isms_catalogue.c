/* SPDX-License-Identifier: Apache-2.0 */
/* The IMS input catalogue (domain-model.md A.4, InputRequirement): what the management
 * review of each standard must consider (kind INPUT) or decide (OUTPUT), seeded by migration
 * 011; maps_to_27001_code names the ISO 27001 input category that covers a requirement (for
 * an output: the result collection). v1/catalogue: anyone with a role reads it; admins add
 * and remove CUSTOM_* rows (the seeded rows stay as the standards have them). */
#include "isms_programme.h"
#include "isms_json.h"
#include "isms_ops.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

static const char *const kinds[] = {"INPUT", "OUTPUT", NULL};
static const char *const outputs[] = {"decisions", "actions", "improvements", "changes",
                                      "objectives", "resources", "communications",
                                      "conclusions", NULL};

static void check_requirement(const isms_entity *e, const json_t *m, const json_t *review,
                              isms_verrors *errs);

#define F(n, t, fl, ...) {.name = n, .type = t, .flags = fl, __VA_ARGS__}
static const isms_field requirement_fields[] = {
    ISMS_STAMP_FIELDS,
    F("standard", ISMS_F_ENUM, ISMS_REQ | ISMS_FILTER, .enums = isms_standards),
    F("code", ISMS_F_STRING, ISMS_REQ, .max_chars = 60, .max_bytes = 60),
    F("label", ISMS_F_STRING, ISMS_REQ, .max_chars = 300, .max_bytes = 900),
    F("kind", ISMS_F_ENUM, ISMS_FILTER, .enums = kinds, .default_value = "INPUT"),
    F("clause", ISMS_F_STRING, 0, .max_chars = 60, .max_bytes = 180),
    F("mandatory", ISMS_F_BOOL, 0, .default_value = "true"),
    F("maps_to_27001_code", ISMS_F_STRING, 0, .max_chars = 60, .max_bytes = 60),
    {.name = NULL}};
#undef F

const isms_entity isms_entity_requirement = {"requirement", "catalogue", "input_requirement",
                                             "", requirement_fields, check_requirement};

/* A custom code: CUSTOM_ and then capitals, digits and underscores. */
static int custom_code(const char *code)
{
    if (!code || strncmp(code, "CUSTOM_", 7) != 0 || !code[7]) return 0;
    for (code += 7; *code; code++) {
        if (!apr_isupper(*code) && !apr_isdigit(*code) && *code != '_') return 0;
    }
    return 1;
}

int isms_requirement_code_valid(const char *s)
{
    const char *colon = s ? strchr(s, ':') : NULL, *c;
    int known = 0, i;

    if (!colon || !colon[1]) return 0;
    for (i = 0; isms_standards[i] && !known; i++) {
        known = strlen(isms_standards[i]) == (size_t)(colon - s) &&
                !strncmp(isms_standards[i], s, (size_t)(colon - s));
    }
    for (c = colon + 1; known && *c; c++) {
        if (!apr_isupper(*c) && !apr_isdigit(*c) && *c != '_') return 0;
    }
    return known;
}

/* An input maps to an ISO 27001 input category, an output to a result collection. */
static void check_requirement(const isms_entity *e, const json_t *m, const json_t *review,
                              isms_verrors *errs)
{
    const char *maps = isms_jstr(m, "maps_to_27001_code"), *kind = isms_jstr(m, "kind");
    int output = kind && !strcmp(kind, "OUTPUT");

    (void)e;
    (void)review;
    if (!custom_code(isms_jstr(m, "code"))) {
        isms_verr(errs, "code", "invalid_format", "an added requirement's code is CUSTOM_ "
                  "followed by capitals, digits and underscores");
    }
    if (maps && !isms_enum_valid(output ? outputs : isms_input_categories, maps)) {
        isms_verr(errs, "maps_to_27001_code", "invalid_enum", output
                  ? "an output maps to a result collection (decisions, resources, ...)"
                  : "an input maps to an ISO 27001 input category (A_PREV_ACTIONS ...)");
    }
    if (output && !maps) {
        isms_verr(errs, "maps_to_27001_code", "required",
                  "an output names the result collection that records it");
    }
}

isms_result isms_bool_filter(isms_ctx *ctx, const isms_query *qs, isms_sql *q,
                             const char *name)
{
    const char *v = apr_table_get(qs, name);
    isms_result ok = {0};

    if (!v) return ok;
    if (strcmp(v, "true") && strcmp(v, "false")) {
        return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                                apr_pstrcat(ctx->pool, name, " must be true or false", NULL));
    }
    isms_sql_appendf(q, " AND %k = %d", name, (long long)(strcmp(v, "true") == 0));
    return ok;
}

isms_db_status isms_catalogue_all(isms_ctx *ctx, json_t **out, const char **err)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_requirement);

    isms_sql_appendf(q, " ORDER BY standard, id");
    return isms_rec_fetch(ctx, &isms_entity_requirement, q, out, err);
}

isms_result isms_catalogue_list(isms_ctx *ctx, const isms_query *qs)
{
    isms_sql *q = isms_rec_select_sql(ctx, &isms_entity_requirement);
    const char *err = NULL;
    json_t *rows, *items, *row;
    isms_db_status st;
    isms_result r;
    size_t i;

    isms_sql_appendf(q, " WHERE 1 = 1");
    if ((r = isms_filters(ctx, &isms_entity_requirement, qs, q, "")).status ||
        (r = isms_bool_filter(ctx, qs, q, "mandatory")).status) {
        return r;
    }
    isms_sql_appendf(q, " ORDER BY standard, id");
    if ((st = isms_rec_fetch(ctx, &isms_entity_requirement, q, &rows, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    isms_json_pool(ctx->pool, rows);
    items = json_array();
    json_array_foreach(rows, i, row) {
        json_array_append_new(items, isms_present(ctx, &isms_entity_requirement, row));
    }
    return isms_res_ok(ctx, 200, json_pack("{s:o}", "items", items), NULL, NULL);
}

static isms_result code_taken(isms_ctx *ctx, const json_t *doc)
{
    isms_sql *q = isms_sql_new(ctx->pool, ctx->conn);
    isms_rows *rs;
    const char *err = NULL;
    isms_result ok = {0};
    isms_db_status st;

    isms_sql_appendf(q, "SELECT id FROM input_requirement WHERE standard = %s AND code = %s",
                     isms_jstr(doc, "standard"), isms_jstr(doc, "code"));
    if ((st = isms_query_sql(ctx, q, &rs, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if (!rs->nrows) return ok;
    return isms_res_problem(ctx->pool, 409, "code-taken", "Code in the catalogue",
                            apr_psprintf(ctx->pool, "%s already has a requirement %s",
                                         isms_jstr(doc, "standard"), isms_jstr(doc, "code")));
}

static isms_result show(isms_ctx *ctx, long long id, int status)
{
    json_t *row = NULL;
    isms_result r = isms_load_record(ctx, &isms_entity_requirement, "requirement", id, &row);

    if (r.status) return r;
    return isms_res_ok(ctx, status, isms_present(ctx, &isms_entity_requirement, row),
                       isms_rec_etag(ctx->pool, &isms_entity_requirement, row),
                       status == 201 ? apr_psprintf(ctx->pool, "catalogue/%" APR_INT64_T_FMT,
                                                    (apr_int64_t)id) : NULL);
}

isms_result isms_catalogue_get(isms_ctx *ctx, long long id)
{
    return show(ctx, id, 200);
}

isms_result isms_catalogue_create(isms_ctx *ctx, const json_t *in)
{
    isms_verrors errs = {isms_json_pool(ctx->pool, json_array())};
    json_t *doc = isms_validate(&isms_entity_requirement, in, ISMS_V_CREATE, NULL, NULL,
                                &errs);
    const char *err = NULL;
    long long id = 0;
    isms_db_status st;
    isms_result r;

    if (!doc) return isms_res_invalid(ctx->pool, errs.list);
    isms_json_pool(ctx->pool, doc);
    if ((r = code_taken(ctx, doc)).status) return r;
    json_object_set_new(doc, "created_at", json_string(ctx->now));
    json_object_set_new(doc, "created_by", json_string(ctx->user));
    if ((st = isms_rec_insert(ctx, &isms_entity_requirement, doc, 0, 0, &id, &err)) !=
        ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    return show(ctx, id, 201);
}

isms_result isms_catalogue_delete(isms_ctx *ctx, long long id)
{
    isms_result r = isms_catalogue_get(ctx, id);
    isms_sql *q;
    const char *err = NULL;
    isms_db_status st;

    if (r.status != 200) return r;
    if (!custom_code(isms_jstr(r.body, "code"))) {
        return isms_res_problem(ctx->pool, 409, "seeded-requirement", "Seeded requirement",
                                "the requirements of the standards stay; only CUSTOM_* rows "
                                "can be removed");
    }
    q = isms_sql_new(ctx->pool, ctx->conn);
    isms_sql_appendf(q, "DELETE FROM input_requirement WHERE id = %d", id);
    if ((st = isms_exec_sql(ctx, q, NULL, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    r.before = r.body;
    r.status = 204;
    r.body = NULL;
    r.etag = NULL;
    return r;
}
