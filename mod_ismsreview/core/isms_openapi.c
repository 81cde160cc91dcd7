/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenAPI 3.1 document of the API: paths from the route table (isms_openapi_routes.c),
 * record and request schemas from the entity descriptors (isms_jsonschema.c), the other
 * bodies (problem, check, history, registers, audit, reports) from isms_openapi_bodies.c.
 * Served at GET v1/openapi.json and written by `ismsreview-admin openapi`. */
#include "isms_openapi.h"
#include "isms_jsonschema.h"
#include "isms_programme.h"
#include "isms_workflow.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define REF(name) json_pack("{s:s}", "$ref", ref_to("schemas", name, buf))

static const char *ref_to(const char *section, const char *name, char *buf)
{
    snprintf(buf, 128, "#/components/%s/%s", section, name);
    return buf;
}

/* "action update" -> "ActionUpdate" */
static const char *camel(const char *kind, const char *suffix, char *out, size_t n)
{
    size_t o = 0;
    int up = 1;

    for (; *kind && o + 1 < n; kind++) {
        if (*kind == ' ' || *kind == '_') {
            up = 1;
            continue;
        }
        out[o++] = (char)(up ? toupper((unsigned char)*kind) : *kind);
        up = 0;
    }
    out[o] = '\0';
    strncat(out, suffix, n - o - 1);
    return out;
}

static void add_schema(json_t *schemas, const char *name, json_t *s)
{
    json_object_set_new(schemas, name, s);
}

static json_t *list_of(const char *item, int cursor)
{
    char buf[128];
    json_t *s = json_pack("{s:s, s:{s:{s:s, s:o}}, s:[s], s:b}", "type", "object",
                          "properties", "items", "type", "array", "items", REF(item),
                          "required", "items", "additionalProperties", 0);

    if (cursor) {
        json_object_set_new(json_object_get(s, "properties"), "next_cursor",
                            json_pack("{s:[s, s]}", "type", "string", "null"));
        json_array_append_new(json_object_get(s, "required"), json_string("next_cursor"));
    }
    return s;
}

/* The derived members the core adds to a record (isms_openapi_bodies.c). */
static void add_extras(json_t *record, const char *kind)
{
    json_t *extras = isms_openapi_extras(kind), *props = json_object_get(record, "properties");
    const char *key;
    json_t *v;

    json_object_foreach(extras, key, v) json_object_set(props, key, v);
    json_decref(extras);
}

/* Review: the record, its items by collection, the approvals of a sealed version; mode
 * ISMS_JS_SEALED: a sealed version as approved (GET v1/reviews/{id}?version=n). */
static json_t *review_schema(isms_js_mode mode)
{
    char buf[128], name[64];
    json_t *s = isms_js_object(&isms_entity_review, isms_entity_review.fields, mode);
    json_t *props = json_object_get(s, "properties");
    int i;

    for (i = 0; isms_item_entities[i]; i++) {
        const isms_entity *e = isms_item_entities[i];
        camel(e->kind, mode == ISMS_JS_SEALED ? "Sealed" : "", name, sizeof(name));
        json_object_set_new(props, e->collection, json_pack("{s:s, s:o}", "type", "array",
                                                            "items", REF(name)));
    }
    if (mode == ISMS_JS_SEALED) {      /* the version's own status and hash come along */
        json_t *full = isms_js_object(&isms_entity_review, isms_entity_review.fields,
                                      ISMS_JS_RESPONSE);
        json_t *fp = json_object_get(full, "properties");
        json_object_set(props, "status", json_object_get(fp, "status"));
        json_object_set(props, "content_hash", json_object_get(fp, "content_hash"));
        json_decref(full);
    }
    add_extras(s, "review");
    return s;
}

/* <Kind>, <Kind>List, <Kind>Create, <Kind>Patch of a record kind. */
static void record_schemas(json_t *schemas, const isms_entity *e)
{
    char name[64], item[64];
    json_t *rec = isms_js_object(e, e->fields, ISMS_JS_RESPONSE);

    add_extras(rec, e->kind);
    add_schema(schemas, camel(e->kind, "", item, sizeof(item)), rec);
    add_schema(schemas, camel(e->kind, "List", name, sizeof(name)), list_of(item, 1));
    add_schema(schemas, camel(e->kind, "Create", name, sizeof(name)),
               isms_js_object(e, e->fields, ISMS_JS_CREATE));
    add_schema(schemas, camel(e->kind, "Patch", name, sizeof(name)),
               isms_js_object(e, e->fields, ISMS_JS_PATCH));
}

static void entity_schemas(json_t *schemas)
{
    char buf[128], name[64];
    int i;

    add_schema(schemas, "Review", review_schema(ISMS_JS_RESPONSE));
    add_schema(schemas, "ReviewSealed", review_schema(ISMS_JS_SEALED));
    add_schema(schemas, "ReviewOrVersion", json_pack("{s:[o, o]}", "anyOf", REF("Review"),
                                                     REF("ReviewSealed")));
    add_schema(schemas, "ReviewSummary", isms_js_object(&isms_entity_review,
               isms_entity_review.fields, ISMS_JS_RESPONSE));
    add_schema(schemas, "ReviewList", list_of("ReviewSummary", 1));
    add_schema(schemas, "ReviewCreate", isms_js_object(&isms_entity_review,
               isms_entity_review.fields, ISMS_JS_CREATE));
    add_schema(schemas, "ReviewPatch", isms_js_object(&isms_entity_review,
               isms_entity_review.fields, ISMS_JS_PATCH));
    record_schemas(schemas, &isms_entity_person);
    record_schemas(schemas, &isms_entity_programme);
    record_schemas(schemas, &isms_entity_requirement);
    /* the catalogue is listed whole (no cursor), and a requirement is never changed */
    add_schema(schemas, "RequirementList", list_of("Requirement", 0));
    json_object_del(schemas, "RequirementPatch");
    for (i = 0; isms_item_entities[i]; i++) {
        const isms_entity *e = isms_item_entities[i];
        json_t *rec = isms_js_object(e, e->fields, ISMS_JS_SEALED);
        record_schemas(schemas, e);
        add_extras(rec, e->kind);
        add_schema(schemas, camel(e->kind, "Sealed", name, sizeof(name)), rec);
    }
    for (i = 0; isms_body_entities[i]; i++) {
        const isms_entity *e = isms_body_entities[i];
        add_schema(schemas, camel(e->kind, "", name, sizeof(name)),
                   isms_js_object(NULL, e->fields, ISMS_JS_CREATE));
    }
}

/* ---- paths ---- */

static const char *const status_titles[][2] = {
    {"304", "Not modified (If-None-Match matched the ETag)"},
    {"400", "Bad request: malformed JSON, header or query parameter"},
    {"401", "Authentication required (no user from Apache)"},
    {"403", "Forbidden: role, separation of duties, cross-site request or TLS required"},
    {"404", "No such resource"},
    {"409", "Conflict with the state of the review (not editable, illegal transition)"},
    {"412", "Precondition failed: the If-Match ETag is stale"},
    {"413", "Body too large"},
    {"415", "Unsupported media type or content coding"},
    {"422", "Validation failed (errors[] names the fields) or incomplete review"},
    {"428", "Precondition required: send If-Match"},
    {"411", "Length required: an upload needs Content-Length"},
    {"500", "Internal or database error"},
    {"501", "Not implemented: attachments are not configured (ISMSReviewEvidenceDir)"},
    {"503", "Database unavailable, busy, full, read-only or of another schema version"},
    {NULL, NULL}};

static void add_status(json_t *responses, const char *status)
{
    char buf[128], name[16];

    snprintf(name, sizeof(name), "E%s", status);
    json_object_set_new(responses, status, json_pack("{s:s}", "$ref",
                                                     ref_to("responses", name, buf)));
}

static void add_statuses(json_t *responses, const char *list)
{
    char st[4];

    while (*list) {
        size_t n = strcspn(list, " ");
        if (n == 3) {
            memcpy(st, list, 3);
            st[3] = '\0';
            add_status(responses, st);
        }
        list += n;
        while (*list == ' ') list++;
    }
}

static json_t *error_responses(void)
{
    char buf[128];
    json_t *r = json_object();
    int i;

    for (i = 0; status_titles[i][0]; i++) {
        char name[16];
        snprintf(name, sizeof(name), "E%s", status_titles[i][0]);
        if (!strcmp(status_titles[i][0], "304")) {
            json_object_set_new(r, name, json_pack("{s:s}", "description",
                                                   status_titles[i][1]));
            continue;
        }
        json_object_set_new(r, name, json_pack("{s:s, s:{s:{s:o}}}", "description",
                            status_titles[i][1], "content", "application/problem+json",
                            "schema", REF("Problem")));
    }
    return r;
}

static json_t *success(const isms_route_doc *d, const char *schema)
{
    char buf[128];
    json_t *content = json_object();
    const char *m = d->media;

    if (schema) {
        json_object_set_new(content, "application/json", json_pack("{s:o}", "schema",
                                                                   REF(schema)));
    }
    while (m && *m) {
        size_t n = strcspn(m, " ");
        char type[64];
        snprintf(type, sizeof(type), "%.*s", (int)n, m);
        json_object_set_new(content, type, json_pack("{s:{s:s}}", "schema", "type",
                                                     "string"));
        m += n;
        while (*m == ' ') m++;
    }
    if (!json_object_size(content)) {
        json_decref(content);
        return json_pack("{s:s}", "description", d->summary);
    }
    return json_pack("{s:s, s:o}", "description", d->summary, "content", content);
}

static json_t *param(const char *name, const char *in, json_t *schema)
{
    return json_pack("{s:s, s:s, s:b, s:o}", "name", name, "in", in, "required",
                     !strcmp(in, "path"), "schema", schema);
}

static json_t *header(const char *name, int required, const char *description)
{
    return json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", name, "in", "header", "required",
                     required, "description", description, "schema", "type", "string");
}

/* The conditional and idempotency headers of the route. */
static void headers(json_t *ps, const isms_route_doc *d)
{
    if (strstr(d->errors, "428")) {
        json_array_append_new(ps, header("If-Match", 1, "the ETag read before (412 when "
                                         "stale, 428 without)"));
    }
    if (strstr(d->errors, "304")) {
        json_array_append_new(ps, header("If-None-Match", 0, "304 when the ETag still "
                                         "matches"));
    }
    if (!strcmp(d->method, "POST")) {
        json_array_append_new(ps, header("Idempotency-Key", 0, "up to 200 characters: a "
                                         "retry with the same key gets the first response"));
    }
}

static json_t *parameters(const isms_route_doc *d, const char *path, const isms_entity *e)
{
    json_t *ps = json_array();
    const char *p = path, *q = d->query;
    const isms_field *f;

    while ((p = strchr(p, '{')) != NULL) {
        size_t n = strcspn(p + 1, "}");
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
        json_array_append_new(ps, param(name, "path", json_pack("{s:s, s:i}", "type",
                                                                "integer", "minimum", 1)));
        p += n + 1;
    }
    while (q && *q) {
        size_t n = strcspn(q, " ");
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)n, q);
        json_array_append_new(ps, param(name, "query", json_pack("{s:s}", "type",
                              strcmp(name, "limit") ? "string" : "integer")));
        q += n;
        while (*q == ' ') q++;
    }
    headers(ps, d);
    if (d->entity) e = d->entity;
    for (f = e && (d->flags & ISMS_DOC_FILTERS) ? e->fields : NULL; f && f->name; f++) {
        if (f->flags & ISMS_FILTER) {
            json_array_append_new(ps, param(f->name, "query", json_pack("{s:s}", "type",
                                                                        "string")));
        }
    }
    return ps;
}

/* The name of an {id} after a collection segment: "reviews" -> "review", "people" ->
 * "person" (the kinds of the descriptors), "action-snapshots" -> "action" (a line of input
 * a is named by its action); otherwise the collection without its plural s ("attachments"
 * -> "attachment"), '-' as '_'. */
static const char *id_kind(const char *collection, char *out, size_t n)
{
    const isms_entity *e = isms_entity_by_collection(collection);
    size_t len = strlen(collection), i;

    if (e) return e->kind;
    if (!strcmp(collection, isms_entity_person.collection)) return isms_entity_person.kind;
    if (!strcmp(collection, "action-snapshots")) return "action";
    if (len > 1 && collection[len - 1] == 's') len--;
    for (i = 0; i < len && i + 1 < n; i++) out[i] = collection[i] == '-' ? '_' : collection[i];
    out[i] = '\0';
    return out;
}

/* "v1/reviews/{id}/{coll}/{id}" with coll "actions" ->
 * "/v1/reviews/{review_id}/actions/{action_id}". */
static void openapi_path(const char *pattern, const char *coll, const char *wf, char *out,
                         size_t n)
{
    char prev[64] = "";
    size_t o = 0;

    while (*pattern && o + 1 < n) {
        size_t sn = strcspn(pattern, "/");
        char seg[64];
        snprintf(seg, sizeof(seg), "%.*s", (int)sn, pattern);
        if (!strcmp(seg, "{coll}")) snprintf(seg, sizeof(seg), "%s", coll);
        else if (!strcmp(seg, "{wf}")) snprintf(seg, sizeof(seg), "%s", wf);
        else if (!strcmp(seg, "{id}")) {
            char kind[40];
            snprintf(seg, sizeof(seg), "{%.40s_id}", id_kind(prev, kind, sizeof(kind)));
        }
        o += (size_t)snprintf(out + o, n - o, "/%s", seg);
        snprintf(prev, sizeof(prev), "%s", seg);
        pattern += sn;
        if (*pattern == '/') pattern++;
    }
}

/* "*Create" with kind "action" -> "ActionCreate" */
static const char *component(const char *spec, const isms_entity *e, char *out, size_t n)
{
    if (!spec) return NULL;
    if (spec[0] != '*') return spec;
    return camel(e->kind, spec + 1, out, n);
}

static void operation_id(const char *method, const char *path, char *out, size_t n)
{
    size_t o = 0;

    for (; *method && o + 1 < n; method++) out[o++] = (char)tolower((unsigned char)*method);
    for (; *path && o + 1 < n; path++) {
        if (*path == '/' || *path == '.') out[o++] = '_';
        else if (*path != '{' && *path != '}') out[o++] = *path;
    }
    out[o] = '\0';
}

static void add_operation(json_t *paths, const isms_route_doc *d, const isms_entity *e,
                          const char *wf, const char *wf_to)
{
    char path[256], opid[256], req[64], res[64], buf[128], method[8];
    json_t *op, *responses = json_object(), *item;
    size_t i;

    openapi_path(d->pattern, e ? e->collection : "", wf ? wf : "", path, sizeof(path));
    operation_id(d->method, path, opid, sizeof(opid));
    {
        char ok[4];
        snprintf(ok, sizeof(ok), "%d", d->ok);
        json_object_set_new(responses, ok, success(d, component(d->response, e, res,
                                                                 sizeof(res))));
    }
    add_statuses(responses, "400 403 500 503");
    if (!(d->flags & ISMS_DOC_PUBLIC)) add_status(responses, "401");
    add_statuses(responses, d->errors);
    op = json_pack("{s:s, s:s, s:o, s:o}", "operationId", opid, "summary", d->summary,
                   "parameters", parameters(d, path, e), "responses", responses);
    if (wf) {
        json_object_set_new(op, "summary", json_sprintf("%s: the review becomes %s", wf,
                                                        wf_to));
    }
    if (e) json_object_set_new(op, "tags", json_pack("[s]", e->collection));
    if (d->flags & ISMS_DOC_PUBLIC) json_object_set_new(op, "security", json_array());
    if (d->request && strchr(d->request, '/')) {
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:{s:{s:{s:s, s:s}}}}",
                            "required", 1, "content", d->request, "schema", "type", "string",
                            "contentEncoding", "binary"));
    }
    else if (d->request) {
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:{s:{s:o}}}", "required",
                            !wf, "content", "application/json", "schema",
                            REF(component(d->request, e, req, sizeof(req)))));
    }
    for (i = 0; d->method[i] && i + 1 < sizeof(method); i++) {
        method[i] = (char)tolower((unsigned char)d->method[i]);
    }
    method[i] = '\0';
    if (!(item = json_object_get(paths, path))) {
        json_object_set_new(paths, path, item = json_object());
    }
    json_object_set_new(item, method, op);
}

static json_t *paths_json(void)
{
    json_t *paths = json_object();
    const isms_route_doc *d;
    int i;

    for (d = isms_route_docs; d->pattern; d++) {
        if (d->flags & ISMS_DOC_PER_KIND) {
            for (i = 0; isms_item_entities[i]; i++) {
                add_operation(paths, d, isms_item_entities[i], NULL, NULL);
            }
        }
        else if (d->flags & ISMS_DOC_PER_TRANSITION) {
            const char *to, *wf;
            for (i = 0; (wf = isms_workflow_action_at(i, &to)) != NULL; i++) {
                add_operation(paths, d, NULL, wf, to);
            }
        }
        else {
            add_operation(paths, d, NULL, NULL, NULL);
        }
    }
    return paths;
}

json_t *isms_openapi_json(const char *server_url)
{
    json_t *schemas = isms_openapi_bodies();

    entity_schemas(schemas);
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[{s:s}], s:[{s:[]}], s:o, "
        "s:{s:o, s:o, s:{s:{s:s, s:s, s:s}}}}",
        "openapi", "3.1.0",
        "info", "title", "mod_ismsreview API", "version", "1",
        "description", "ISO/IEC 27001 clause 9.3 management reviews: records, workflow, "
        "registers, audit trail and reports. Generated from the entity descriptors of the "
        "module (GET v1/openapi.json; docs/openapi.json). Authentication is Apache's: any "
        "scheme the server is configured with (Basic is the example).",
        "license", "name", "Apache-2.0", "identifier", "Apache-2.0",
        "servers", "url", server_url,
        "security", "http",
        "paths", paths_json(),
        "components", "schemas", schemas, "responses", error_responses(),
        "securitySchemes", "http", "type", "http", "scheme", "basic", "description",
        "Whatever authentication Apache performs in front of the module (Basic, LDAP, "
        "OpenID Connect, SAML, Kerberos); the module reads the user from the request.");
}
