/* SPDX-License-Identifier: Apache-2.0 */
/* The review record (minutes): its data as JSON, and the CSV of one row per item. */
#include "isms_report_record.h"
#include "isms_escape.h"
#include "isms_html.h"
#include "isms_json.h"
#include "isms_ops.h"
#include "isms_people.h"
#include "isms_programme.h"
#include "isms_rules.h"
#include "isms_workflow.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static json_int_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* id -> ref of the items of one collection, as a JSON object keyed by the id's text. */
static json_t *ref_map(apr_pool_t *p, const json_t *review, const char *coll)
{
    json_t *map = json_object(), *item;
    size_t i;

    json_array_foreach(json_object_get(review, coll), i, item) {
        json_object_set(map, apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)jint(item, "id")),
                        json_object_get(item, "ref"));
    }
    return map;
}

static json_t *ref_of(apr_pool_t *p, json_t *map, const json_t *id)
{
    json_t *ref = json_is_integer(id) ? json_object_get(map, apr_psprintf(p, "%"
                                        APR_INT64_T_FMT, (apr_int64_t)json_integer_value(id)))
                                      : NULL;

    return ref ? json_incref(ref) : json_null();
}

/* decision_id -> decision_ref on every item; basis_input_ids -> basis_input_refs. */
static void link_refs(apr_pool_t *p, json_t *review)
{
    json_t *decisions = ref_map(p, review, "decisions"), *inputs = ref_map(p, review, "inputs");
    json_t *item, *id;
    size_t i, k;
    int e;

    for (e = 0; isms_item_entities[e]; e++) {
        json_array_foreach(json_object_get(review, isms_item_entities[e]->collection), i, item) {
            if (json_object_get(item, "decision_id")) {
                json_object_set_new(item, "decision_ref", ref_of(p, decisions,
                                    json_object_get(item, "decision_id")));
            }
        }
    }
    json_array_foreach(json_object_get(review, "decisions"), i, item) {
        json_t *refs = json_array();
        json_array_foreach(json_object_get(item, "basis_input_ids"), k, id) {
            json_array_append_new(refs, ref_of(p, inputs, id));
        }
        json_object_set_new(item, "basis_input_refs", refs);
    }
    json_decref(decisions);
    json_decref(inputs);
}

/* What a revision of the register changed against the prior state: [{field, old, new}]. */
static json_t *register_changes(apr_pool_t *p, const json_t *item)
{
    const json_t *prior = json_object_get(item, "prior_state");
    json_t *changes, *out = json_array(), *v;
    const char *key;

    if (!json_is_object(prior)) return out;
    changes = isms_objective_changes(prior, item);
    json_object_foreach(changes, key, v) {
        json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "field", key, "old",
            isms_json_dump(p, json_object_get(v, "old"), NULL), "new",
            isms_json_dump(p, json_object_get(v, "new"), NULL)));
    }
    json_decref(changes);
    return out;
}

/* Objectives with their KPI measurements and revision history (for the charts), and for a
 * revision of an earlier review's objective what it changed. */
static isms_db_status objective_details(isms_ctx *ctx, json_t *review, const char **err)
{
    const isms_entity *e = &isms_entity_objective;
    isms_db_status st = ISMS_DB_OK;
    json_t *item;
    size_t i;

    json_array_foreach(json_object_get(review, "objectives"), i, item) {
        if ((st = isms_item_extras(ctx, e, item, 1, err)) != ISMS_DB_OK) return st;
        json_object_set_new(item, "register_changes", register_changes(ctx->pool, item));
    }
    return st;
}

/* The completeness check of a sealed version: the rules over the sealed content with the
 * waivers and acknowledgements given for that version. */
static isms_result version_findings(isms_ctx *ctx, const json_t *review, long long version,
                                    json_t **doc)
{
    isms_result ok = {0};
    long long id = jint(review, "id"), prev_id = jint(review, "previous_review_id");
    json_t *prev = NULL, *waivers, *acks = NULL, *view = NULL;
    const char *err = NULL;
    isms_db_status st = isms_waivers_of(ctx, id, version, &waivers, &err);

    if (st == ISMS_DB_OK) st = isms_acks_of(ctx, id, version, &acks, &err);
    if (st == ISMS_DB_OK) st = isms_people_approvals(ctx, (json_t *)review, &err);
    if (st == ISMS_DB_OK) {      /* the programme's data for the rules, not for the report */
        view = isms_json_pool(ctx->pool, json_deep_copy(review));
        st = isms_programme_rules_view(ctx, view, &err);
    }
    if (st == ISMS_DB_OK && prev_id) {
        st = isms_rec_get(ctx, &isms_entity_review, 0, prev_id, &prev, &err);
    }
    if (st != ISMS_DB_OK) return isms_res_db(ctx->pool, st, err);
    isms_json_pool(ctx->pool, prev);
    *doc = isms_json_pool(ctx->pool, isms_rules_run(ctx->pool, view, prev, waivers, acks,
                                                    ctx->today));
    json_object_set(*doc, "waivers", waivers);
    json_object_set(*doc, "acknowledgements", acks);
    return ok;
}

/* An integer that the history may hold as a number or as its text. */
static json_int_t int_of(const json_t *v)
{
    return json_is_string(v) ? (json_int_t)atoll(json_string_value(v)) : json_integer_value(v);
}

static json_t *approvals_of_version(const json_t *history, json_int_t version)
{
    json_t *out = json_array(), *a;
    size_t i;

    json_array_foreach(json_object_get(history, "approvals"), i, a) {
        if (int_of(json_object_get(a, "version")) == version) json_array_append(out, a);
    }
    return out;
}

static json_t *document_control(const json_t *review, const json_t *history, int sealed)
{
    static const char *const keys[] = {"ref", "title", "version", "status", "classification",
                                       "author", "created_at", "submitted_at", "submitted_by",
                                       "approved_at", "approved_by", "content_hash",
                                       "retention_until", "version_reason", NULL};
    json_t *d = json_object();
    int i;

    for (i = 0; keys[i]; i++) {
        json_t *v = json_object_get(review, keys[i]);
        json_object_set(d, keys[i], v ? v : json_null());
    }
    json_object_set_new(d, "sealed_version", json_boolean(sealed));
    json_object_set_new(d, "approvals", approvals_of_version(history, jint(review,
                                                                           "version")));
    json_object_set(d, "live_matches_seal", sealed ? json_null()
                    : json_object_get(history, "live_matches_seal"));
    return d;
}

/* The record shows the sealed version's status as it is now (document control) */
static isms_db_status with_status(isms_ctx *ctx, long long id, long long version,
                                  json_t *review, const char **err)
{
    const char *status = NULL;
    isms_db_status st = isms_review_version_status(ctx, id, version, &status, err);

    if (st == ISMS_DB_OK) {
        json_object_set_new(review, "status", status ? json_string(status) : json_null());
    }
    return st;
}

static isms_result load_record(isms_ctx *ctx, long long id, long long version, json_t **review)
{
    json_t *row;
    const char *err = NULL;
    isms_db_status st;
    isms_result r = isms_load_review(ctx, id, &row);

    if (r.status) return r;
    r = version ? isms_review_version_get(ctx, id, version) : isms_review_get(ctx, id);
    if (r.status != 200) return r;
    *review = r.body;
    if (version && (st = with_status(ctx, id, version, *review, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    if ((st = objective_details(ctx, *review, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    link_refs(ctx->pool, *review);
    r.status = 0;
    return r;
}

isms_result isms_record_data(isms_ctx *ctx, long long id, long long version, json_t **doc)
{
    json_t *review = NULL, *findings = NULL, *burn, *names, *control;
    const char *err = NULL;
    isms_db_status st;
    isms_result h, r = load_record(ctx, id, version, &review);

    if (r.status) return r;
    r = version ? version_findings(ctx, review, version, &findings)
                : isms_review_findings(ctx, id, &findings);
    if (r.status && r.status != 200) return r;
    if ((h = isms_review_history(ctx, id)).status != 200) return h;
    if ((st = isms_burn_down(ctx, id, 120, &burn, &err)) != ISMS_DB_OK ||
        (st = isms_people_names(ctx, &names, &err)) != ISMS_DB_OK) {
        return isms_res_db(ctx->pool, st, err);
    }
    control = document_control(review, h.body, version != 0);
    isms_people_label_review(ctx->pool, names, review);     /* names and titles, not logins */
    isms_people_label_review(ctx->pool, names, control);
    *doc = isms_json_pool(ctx->pool, json_pack("{s:s,s:s,s:s,s:o,s:O,s:O,s:O,s:o}", "report",
        "review-record", "generated_at", ctx->now, "generated_by", ctx->user, "document",
        control, "review", review, "findings", findings, "history", h.body, "burn_down", burn));
    r.status = 200;
    return r;
}

/* ---- CSV: one row per item ---- */

typedef struct {
    const char *section, *coll;      /* coll NULL: the review itself */
    const char *ref, *title, *category, *status, *owner, *date;
    const char *details;             /* space-separated paths: "key: value; ..." */
} csv_spec;

static const csv_spec csv_specs[] = {
    {"review", NULL, "ref", "title", "review_type", "status", "author_display", "planned_date",
     "version held_from held_to format chair classification content_hash "
     "suitability.rating adequacy.rating effectiveness.rating next_review_date"},
    {"attendee", "attendees", "ref", "name", "participation_role", "attendance", "person", NULL,
     "top_management title function"},
    {"input", "inputs", "ref", "title", "category", "status", "owner_display", "data_period_to",
     "trend summary metrics evidence_refs conclusion na_justification"},
    {"decision", "decisions", "ref", "statement", "category", "outcome", "decided_by", NULL,
     "clause_933_aspect rationale basis_input_refs risk_owner_approval"},
    {"action", "actions", "ref", "title", "type", "status", "owner_display", "due_date",
     "priority progress original_due_date decision_ref expected_outcome"},
    {"improvement", "improvements", "ref", "description", "source", "disposition", NULL, NULL,
     "expected_benefit disposition_rationale status decision_ref"},
    {"change", "changes", "ref", "description", "change_type", "status", "owner_display",
     "planned_date", "purpose consequences affected_documents decision_ref"},
    {"objective", "objectives", "ref", "statement", "level", "status", "owner_display",
     "target_date",
     "kpi.name kpi.unit kpi.baseline kpi.target rag trend measurement_count objective_id "
     "revision_no revision_type revision_reason"},
    {"resource", "resources", "ref", "description", "resource_type", "outcome",
     "requested_by_display", NULL, "amount currency approved_amount quantity unit fiscal_period "
     "provision_status decision_ref"},
    {"communication", "communications", "ref", "what_type", "audience_type", "status",
     "communicator_display", "when", "how audience_scope recipients artifact_ref"},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}};

static const csv_spec snapshot_spec = {"action_snapshot", NULL, "action_ref", "title", NULL,
    "status_at_review", "owner_display", "due_date_at_review",
    "progress_at_review days_overdue carry_over_count external conclusion conclusion_note "
    "effectiveness_at_review.result effectiveness_at_review.verified_by"};
static const csv_spec previous_external_spec = {"previous_external", NULL, "reference", NULL,
    NULL, NULL, "created_by", "held_from", "held_to period_to evidence_ref "
    "evidence_attachment_id"};
static const csv_spec objective_snapshot_spec = {"objective_snapshot", NULL, "objective_ref",
    "statement", NULL, "latest_rag", "owner", "latest_period_to",
    "revision_no kpi_name kpi_target latest_value period_count period_mean previous_mean "
    "trend"};
static const csv_spec finding_spec = {"finding", NULL, "rule", "message", "clause", "severity",
    NULL, NULL, "entity_ref field subject waived waiver.justification waiver.waived_by "
    "acknowledged acknowledgement.acknowledged_by acknowledgement.comment"};
static const csv_spec version_spec = {"version", NULL, "version", "content_hash", NULL,
    "status", "approved_by", "approved_at", "intact"};

static void csv_cell(isms_buf *b, apr_pool_t *p, const json_t *o, const char *path, int last)
{
    if (path) isms_esc_csv(b, isms_report_field(p, o, path));
    if (!last) isms_buf_putc(b, ',');
}

static const char *details(apr_pool_t *p, const json_t *o, const char *paths)
{
    char *list = apr_pstrdup(p, paths ? paths : ""), *tok, *last;
    const char *out = "";

    for (tok = apr_strtok(list, " ", &last); tok; tok = apr_strtok(NULL, " ", &last)) {
        const char *v = isms_report_field(p, o, tok);
        if (*v) out = apr_pstrcat(p, out, *out ? "; " : "", tok, ": ", v, NULL);
    }
    return out;
}

static void csv_row(isms_buf *b, apr_pool_t *p, const csv_spec *s, const json_t *o)
{
    isms_esc_csv(b, s->section);
    isms_buf_putc(b, ',');
    csv_cell(b, p, o, s->ref, 0);
    csv_cell(b, p, o, s->title, 0);
    csv_cell(b, p, o, s->category, 0);
    csv_cell(b, p, o, s->status, 0);
    csv_cell(b, p, o, s->owner, 0);
    csv_cell(b, p, o, s->date, 0);
    isms_esc_csv(b, details(p, o, s->details));
    isms_csv_eol(b);
}

static void csv_list(isms_buf *b, apr_pool_t *p, const csv_spec *s, const json_t *list)
{
    json_t *o;
    size_t i;

    json_array_foreach(list, i, o) csv_row(b, p, s, o);
}

static void record_csv(isms_buf *b, apr_pool_t *p, const json_t *doc)
{
    const json_t *review = json_object_get(doc, "review"), *in;
    const csv_spec *s;
    size_t i;

    isms_buf_puts(b, "section,ref,title,category,status,owner,date,details\r\n");
    for (s = csv_specs; s->section; s++) {
        if (!s->coll) csv_row(b, p, s, review);
        else csv_list(b, p, s, json_object_get(review, s->coll));
    }
    if (json_is_object(json_object_get(review, "previous_external"))) {
        csv_row(b, p, &previous_external_spec, json_object_get(review, "previous_external"));
    }
    json_array_foreach(json_object_get(review, "inputs"), i, in) {
        csv_list(b, p, &snapshot_spec, json_object_get(in, "action_snapshots"));
        csv_list(b, p, &objective_snapshot_spec, json_object_get(in, "objective_snapshots"));
    }
    csv_list(b, p, &finding_spec, isms_report_get(doc, "findings.findings"));
    csv_list(b, p, &version_spec, isms_report_get(doc, "history.versions"));
}

static isms_result bad_version(isms_ctx *ctx)
{
    return isms_res_problem(ctx->pool, 400, "bad-parameter", "Bad parameter",
                            "version must be a version number");
}

isms_result isms_report_review(isms_ctx *ctx, long long id, const isms_query *q,
                               const char *accept)
{
    const char *v = q ? apr_table_get(q, "version") : NULL, *name;
    long long version = 0;
    char *end;
    json_t *doc;
    isms_buf *b;
    isms_fmt fmt;
    isms_result r = isms_report_pick(ctx, q, accept, ISMS_FMT_HTML | ISMS_FMT_JSON |
                                     ISMS_FMT_CSV, ISMS_FMT_HTML, &fmt);

    if (r.status) return r;
    if (v && (!*v || (version = strtoll(v, &end, 10)) < 1 || *end)) return bad_version(ctx);
    if ((r = isms_record_data(ctx, id, version, &doc)).status != 200) return r;
    name = apr_psprintf(ctx->pool, "%s-v%" APR_INT64_T_FMT, isms_report_field(ctx->pool, doc,
                        "document.ref"), (apr_int64_t)jint(json_object_get(doc, "document"),
                                                           "version"));
    if (fmt == ISMS_FMT_JSON) return isms_report_json(ctx, doc, isms_report_filename(
                                                      ctx->pool, name, fmt));
    b = isms_buf_new(ctx->pool, 65536);
    if (fmt == ISMS_FMT_CSV) {
        record_csv(b, ctx->pool, doc);
        return isms_report_csv(ctx, b, isms_report_filename(ctx->pool, name, fmt));
    }
    isms_record_html(b, ctx->pool, doc);
    return isms_html_result(ctx, b, isms_report_filename(ctx->pool, name, fmt));
}
