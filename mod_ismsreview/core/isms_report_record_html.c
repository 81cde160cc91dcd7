/* SPDX-License-Identifier: Apache-2.0 */
/* The review record (minutes) as a printable HTML document: the sections of
 * domain-model.md §D.1, in the order a reader of the minutes expects them. */
#include "isms_report_record.h"
#include "isms_entity.h"
#include "isms_escape.h"
#include "isms_html.h"
#include "isms_svg.h"

#include <apr_strings.h>
#include <string.h>

/* The input categories and their labels: the input descriptor's (isms_entity.c). */
static const isms_field *category_field(void)
{
    return isms_entity_field(&isms_entity_input, "category");
}

const char *isms_input_category_label(const char *category)
{
    return category ? isms_enum_label(category_field(), category) : category;
}

#define T(h, k) {h, k, ISMS_COL_TEXT, NULL, NULL}
#define C(h, k) {h, k, ISMS_COL_CLASS, NULL, NULL}
#define E(h, k) {h, k, ISMS_COL_ENUM, NULL, NULL}
#define D(h, k) {h, k, ISMS_COL_DATE, NULL, NULL}
#define R(h, k) {h, k, ISMS_COL_REF, NULL, NULL}
#define H(h, k) {h, k, ISMS_COL_HASH, NULL, NULL}
/* a column with a second value below the first */
#define S(h, k, f, sub, label) {h, k, ISMS_COL_##f, sub, label}
#define END {NULL, NULL, ISMS_COL_TEXT, NULL, NULL}

static const isms_col attendee_cols[] = {
    R("Ref", "ref"), S("Name", "name", TEXT, "title", ""), T("Function", "function"),
    E("Role", "participation_role"), E("Attendance", "attendance"),
    T("Top management", "top_management"), T("User", "person"), END};
static const isms_col metric_cols[] = {
    T("Metric", "name"), T("Value", "value"), T("Previous", "previous_value"),
    T("Unit", "unit"), T("Target", "target"), END};
static const isms_col snapshot_cols[] = {
    R("Action", "action_ref"), T("Title", "title"), T("Owner", "owner_display"),
    E("Status at review", "status_at_review"), T("Progress %", "progress_at_review"),
    D("Due", "due_date_at_review"), T("Days overdue", "days_overdue"),
    T("Reviews carried into", "carry_over_count"),
    S("Conclusion", "conclusion", ENUM, "conclusion_note", ""),
    S("Effectiveness", "effectiveness_at_review.result", TEXT,
      "effectiveness_at_review.verified_by", "verified by "), END};
static const isms_col prior_action_cols[] = {
    R("Action", "ref"), T("Title", "title"), T("Owner", "owner"), D("Due", "due_date"),
    E("Status", "status"), END};
static const isms_col decision_cols[] = {
    R("Ref", "ref"), S("Decision", "statement", TEXT, "rationale", "Rationale: "),
    S("Category", "category", ENUM, "clause_933_aspect", "9.3.3: "), E("Outcome", "outcome"),
    R("Based on inputs", "basis_input_refs"),
    S("Decided by", "decided_by", TEXT, "risk_owner_approval_display", "Risk owner: "), END};
static const isms_col action_cols[] = {
    R("Ref", "ref"), S("Action", "title", TEXT, "expected_outcome", "Expected: "),
    E("Type", "type"), T("Owner", "owner_display"), E("Priority", "priority"),
    S("Due", "due_date", DATE, "original_due_date", "first "),
    S("Status", "status", ENUM, "progress", "progress "), R("Decision", "decision_ref"), END};
static const isms_col improvement_cols[] = {
    R("Ref", "ref"), S("Opportunity", "description", TEXT, "expected_benefit", "Benefit: "),
    E("Source", "source"),
    S("Disposition", "disposition", ENUM, "disposition_rationale", ""),
    E("Status", "status"), R("Decision", "decision_ref"), END};
static const isms_col change_cols[] = {
    R("Ref", "ref"), E("Type", "change_type"),
    S("Change", "description", TEXT, "purpose", "Purpose: "),
    T("Consequences", "consequences"), T("Owner", "owner_display"), D("Planned", "planned_date"),
    E("Status", "status"), R("Decision", "decision_ref"), END};
static const isms_col document_cols[] = {
    R("Document", "doc_id"), T("Title", "title"), T("From version", "from_version"),
    T("To version", "to_version"), E("Document status", "doc_status"), END};
static const isms_col objective_cols[] = {
    R("Ref", "ref"), S("Objective", "statement", TEXT, "level", "Level: "),
    T("Owner", "owner_display"), D("Target date", "target_date"),
    S("KPI", "kpi.name", TEXT, "kpi.unit", "Unit: "),
    S("Target", "kpi.target", TEXT, "kpi.baseline", "baseline "), E("Status", "status"),
    S("RAG", "rag", CLASS, "latest_measurement.value", "latest "), E("Trend", "trend"),
    S("Revision", "revision_no", TEXT, "revision_type", ""), END};
static const isms_col register_change_cols[] = {
    T("Changed by this review", "field"), T("Before", "old"), T("After", "new"), END};
static const isms_col objective_snapshot_cols[] = {
    R("Objective", "objective_ref"), T("Statement", "statement"), T("Revision", "revision_no"),
    S("KPI", "kpi_name", TEXT, "kpi_unit", "Unit: "), T("Target", "kpi_target"),
    S("Latest", "latest_value", TEXT, "latest_period_to", "at "),
    {"RAG", "latest_rag", ISMS_COL_CLASS, NULL, NULL},
    S("Mean in period", "period_mean", TEXT, "previous_mean", "before "),
    E("Trend", "trend"), END};
static const isms_col revision_cols[] = {
    T("Revision", "revision_no"), E("Type", "revision_type"),
    T("Changed fields", "changed_fields"), T("Reason", "reason"), D("At", "created_at"),
    T("By", "created_by"), END};
static const isms_col resource_cols[] = {
    R("Ref", "ref"), E("Type", "resource_type"), T("Requirement", "description"),
    S("Quantity", "quantity", TEXT, "unit", ""), S("Amount", "amount", TEXT, "currency", ""),
    T("Approved amount", "approved_amount"), T("Fiscal period", "fiscal_period"),
    S("Outcome", "outcome", ENUM, "provision_status", "Provision: "),
    R("Decision", "decision_ref"), END};
static const isms_col communication_cols[] = {
    R("Ref", "ref"), S("What", "what_type", ENUM, "artifact_ref", ""),
    S("Audience", "audience_type", ENUM, "audience_scope", ""),
    T("Recipients", "recipients"), E("How", "how"), D("When", "when"),
    T("Communicator", "communicator_display"),
    S("Status", "status", ENUM, "evidence_ref", "Evidence: "), END};
static const isms_col finding_cols[] = {
    S("Rule", "rule", REF, "clause", ""), E("Severity", "severity"), T("Finding", "message"),
    S("Item", "entity_ref", REF, "field", "field "), T("Waived", "waived"),
    S("Justification", "waiver.justification", TEXT, "waiver.waived_by", "by "),
    T("Acknowledged", "acknowledged"),
    S("Acknowledged by", "acknowledgement.acknowledged_by", TEXT, "acknowledgement.comment",
      ""), END};
static const isms_col transition_cols[] = {
    T("Version", "version"), T("Action", "action"), E("From", "prior_status"),
    E("To", "to_status"), T("By", "actor"), D("At", "created_at"), T("Comment", "comment"),
    END};
static const isms_col version_cols[] = {
    T("Version", "version"), E("Status", "status"), H("SHA-256", "content_hash"),
    S("Approved", "approved_at", DATE, "approved_by", "by "), T("Hash intact", "intact"),
    END};
static const isms_col approval_cols[] = {
    T("Version", "version"), T("Approver", "approver"), D("At", "created_at"),
    T("Comment", "comment"), END};
static const isms_col waiver_cols[] = {
    T("Version", "version"), R("Rule", "rule_id"), T("Finding", "subject"),
    T("Justification", "justification"), T("Waived by", "waived_by"), D("At", "created_at"),
    END};
static const isms_col ack_cols[] = {
    T("Version", "version"), R("Rule", "rule_id"), T("Finding", "subject"),
    T("Comment", "comment"), T("Acknowledged by", "acknowledged_by"), D("At", "created_at"),
    END};

typedef struct {
    isms_buf *b;
    apr_pool_t *p;
    const json_t *doc, *review;
} rctx;

static const char *f(const rctx *c, const json_t *o, const char *path)
{
    return isms_report_field(c->p, o, path);
}

/* A row of a key-value table, left out when the value is empty. */
static void kv(const rctx *c, const json_t *o, const char *label, const char *path)
{
    const char *v = f(c, o, path);

    if (*v) isms_html_kv(c->b, label, v);
}

static void table(const rctx *c, const isms_col *cols, const char *coll, const char *empty)
{
    isms_html_table(c->b, c->p, cols, json_object_get(c->review, coll), empty);
}

static const char *approvals_text(const rctx *c, const json_t *list)
{
    const char *out = "";
    json_t *a;
    size_t i;

    json_array_foreach(list, i, a) {
        out = apr_pstrcat(c->p, out, i ? "\n" : "", f(c, a, "approver_display"), " at ",
                          f(c, a, "created_at"), *f(c, a, "comment") ? ": " : "",
                          f(c, a, "comment"), NULL);
    }
    return *out ? out : "none yet";
}

static void document_header(const rctx *c)
{
    const json_t *d = json_object_get(c->doc, "document");
    const char *hash = f(c, d, "content_hash"), *live = f(c, d, "live_matches_seal");

    isms_buf_puts(c->b, "<header>\n<table class=\"kv\">\n");
    kv(c, d, "Reference", "ref");
    kv(c, d, "Title", "title");
    kv(c, d, "Version", "version");
    kv(c, d, "Status", "status");
    kv(c, d, "Classification", "classification");
    kv(c, d, "Author", "author_display");
    kv(c, d, "Submitted", "submitted_at");
    kv(c, d, "Approved", "approved_at");
    isms_html_kv(c->b, "Approvals", approvals_text(c, json_object_get(d, "approvals")));
    isms_buf_puts(c->b, "<tr><th scope=\"row\">Content hash (SHA-256)</th><td class=\"code\">");
    isms_esc_html(c->b, *hash ? hash : "not sealed: this version is not approved");
    isms_buf_puts(c->b, "</td></tr>\n");
    if (*live) isms_html_kv(c->b, "Live record matches the seal", live);
    kv(c, d, "Version reason", "version_reason");
    kv(c, d, "Retain until", "retention_until");
    isms_html_kv(c->b, "Rendition", json_is_true(json_object_get(d, "sealed_version"))
                 ? "the sealed version as approved" : "the live record");
    isms_buf_puts(c->b, "</table>\n</header>\n");
}

/* A previous review held outside the system: the check judges the interval and input a
 * against it (its typed-in actions are lines of input a). */
static void previous_external(const rctx *c)
{
    const json_t *x = json_object_get(c->review, "previous_external");

    if (!json_is_object(x)) return;
    isms_html_el(c->b, "h3", NULL, "Previous review held outside the system");
    isms_buf_puts(c->b, "<table class=\"kv\">\n");
    kv(c, x, "Reference", "reference");
    kv(c, x, "Held from", "held_from");
    kv(c, x, "Held to", "held_to");
    kv(c, x, "Period covered to", "period_to");
    kv(c, x, "Evidence", "evidence_ref");
    kv(c, x, "Evidence attachment", "evidence_attachment_id");
    kv(c, x, "Declared by", "created_by");
    isms_buf_puts(c->b, "</table>\n");
    isms_html_table(c->b, c->p, prior_action_cols, json_object_get(x, "actions"),
                    "No action was open at that review.");
}

static void review_details(const rctx *c)
{
    const json_t *r = c->review;

    isms_html_section(c->b, "review", "Review");
    isms_buf_puts(c->b, "<table class=\"kv\">\n");
    kv(c, r, "Type", "review_type");
    kv(c, r, "Trigger", "trigger");
    kv(c, r, "Planned date", "planned_date");
    kv(c, r, "Held from", "held_from");
    kv(c, r, "Held to", "held_to");
    kv(c, r, "Period covered from", "period_from");
    kv(c, r, "Period covered to", "period_to");
    kv(c, r, "Format", "format");
    kv(c, r, "Location", "location");
    kv(c, r, "Chair", "chair_display");
    kv(c, r, "Standards", "standards");
    kv(c, r, "Scope considered", "scope_ref_snapshot");
    kv(c, r, "Language", "language");
    kv(c, r, "Next review", "next_review_date");
    isms_buf_puts(c->b, "</table>\n");
    previous_external(c);
    isms_html_section_end(c->b);
}

static void text_section(const rctx *c, const char *id, const char *title, const char *key,
                         const char *empty)
{
    const char *v = f(c, c->review, key);

    isms_html_section(c->b, id, title);
    isms_html_el(c->b, "p", *v ? "text" : "muted", *v ? v : empty);
    isms_html_section_end(c->b);
}

static void input_fields(const rctx *c, const json_t *in)
{
    isms_buf_puts(c->b, "<table class=\"kv\">\n");
    kv(c, in, "Status", "status");
    kv(c, in, "Trend", "trend");
    kv(c, in, "Data from", "data_period_from");
    kv(c, in, "Data to", "data_period_to");
    kv(c, in, "Presented by", "owner_display");
    kv(c, in, "Summary", "summary");
    kv(c, in, "Discussion", "discussion");
    kv(c, in, "Conclusion", "conclusion");
    kv(c, in, "Not applicable because", "na_justification");
    kv(c, in, "Evidence", "evidence_refs");
    kv(c, in, "Climate change relevance", "climate_change_relevance");
    kv(c, in, "Context register", "context_register_ref");
    kv(c, in, "Interested parties", "interested_party_refs");
    kv(c, in, "Audits", "audit_refs");
    kv(c, in, "Risk assessment date", "risk_assessment_date");
    kv(c, in, "Risks above acceptance", "risks_above_acceptance");
    kv(c, in, "Risk treatment plan complete %", "rtp_completion_pct");
    isms_buf_puts(c->b, "</table>\n");
}

static void one_input(const rctx *c, const json_t *in)
{
    isms_buf_puts(c->b, "<div class=\"keep\">\n");
    isms_html_el(c->b, "h4", NULL, apr_pstrcat(c->p, f(c, in, "ref"), " ", f(c, in, "title"),
                                               NULL));
    input_fields(c, in);
    isms_html_table(c->b, c->p, metric_cols, json_object_get(in, "metrics"), NULL);
    if (json_object_get(in, "action_snapshots")) {
        isms_html_table(c->b, c->p, snapshot_cols, json_object_get(in, "action_snapshots"),
                        "No action from earlier reviews was open.");
    }
    if (json_object_get(in, "objective_snapshots")) {
        isms_html_table(c->b, c->p, objective_snapshot_cols,
                        json_object_get(in, "objective_snapshots"),
                        "No live objective in the register.");
    }
    isms_buf_puts(c->b, "</div>\n");
}

static void inputs(const rctx *c)
{
    const json_t *in;
    size_t i;
    int k, n;

    isms_html_section(c->b, "inputs", "Inputs (9.3.2)");
    for (k = 0; category_field()->enums[k]; k++) {
        isms_html_el(c->b, "h3", NULL, category_field()->labels[k]);
        n = 0;
        json_array_foreach(json_object_get(c->review, "inputs"), i, in) {
            if (strcmp(f(c, in, "category"), category_field()->enums[k]) != 0) continue;
            one_input(c, in);
            n++;
        }
        if (!n) isms_html_el(c->b, "p", "muted", "No input recorded for this category.");
    }
    isms_html_section_end(c->b);
}

static void conclusions(const rctx *c)
{
    static const char *const aspects[][2] = {{"suitability", "Suitability"},
                                             {"adequacy", "Adequacy"},
                                             {"effectiveness", "Effectiveness"}};
    static const isms_col cols[] = {T("Conclusion on", "aspect"), E("Rating", "rating"),
                                    T("Rationale", "rationale"), END};
    json_t *rows = json_array();
    int i;

    for (i = 0; i < 3; i++) {
        json_t *o = json_object_get(c->review, aspects[i][0]);
        json_array_append_new(rows, json_pack("{s:s,s:s,s:s}", "aspect", aspects[i][1],
                              "rating", f(c, o, "rating"), "rationale", f(c, o, "rationale")));
    }
    isms_html_section(c->b, "conclusions", "Suitability, adequacy and effectiveness");
    isms_html_table(c->b, c->p, cols, rows, NULL);
    isms_html_section_end(c->b);
    json_decref(rows);
}

static void actions(const rctx *c)
{
    isms_html_section(c->b, "actions", "Actions");
    table(c, action_cols, "actions", "No actions.");
    isms_svg_burn_down(c->b, c->p, json_object_get(c->doc, "burn_down"),
                       "Open actions of this review over time");
    isms_html_section_end(c->b);
}

static void changes(const rctx *c)
{
    const json_t *ch;
    size_t i;

    isms_html_section(c->b, "changes", "Changes to the ISMS");
    table(c, change_cols, "changes", "No changes to the ISMS.");
    json_array_foreach(json_object_get(c->review, "changes"), i, ch) {
        if (!json_array_size(json_object_get(ch, "affected_documents"))) continue;
        isms_html_el(c->b, "h4", NULL, apr_pstrcat(c->p, "Documents affected by ",
                                                   f(c, ch, "ref"), NULL));
        isms_html_table(c->b, c->p, document_cols, json_object_get(ch, "affected_documents"),
                        NULL);
    }
    isms_html_section_end(c->b);
}

static void objectives(const rctx *c)
{
    const json_t *o;
    size_t i;

    isms_html_section(c->b, "objectives", "Objectives and targets");
    table(c, objective_cols, "objectives", "No objectives.");
    json_array_foreach(json_object_get(c->review, "objectives"), i, o) {
        isms_buf_puts(c->b, "<div class=\"keep\">\n");
        isms_html_el(c->b, "h4", NULL, apr_pstrcat(c->p, f(c, o, "ref"), " ",
                                                   f(c, o, "statement"), NULL));
        isms_svg_kpi(c->b, c->p, o);
        if (json_array_size(json_object_get(o, "register_changes"))) {
            isms_html_el(c->b, "p", NULL, apr_pstrcat(c->p, "Revision ",
                         f(c, o, "revision_no"), " of objective ", f(c, o, "prior_state.ref"),
                         ": ", f(c, o, "revision_reason"), NULL));
            isms_html_table(c->b, c->p, register_change_cols,
                            json_object_get(o, "register_changes"), NULL);
        }
        isms_html_table(c->b, c->p, revision_cols, json_object_get(o, "revisions"), NULL);
        isms_buf_puts(c->b, "</div>\n");
    }
    isms_html_section_end(c->b);
}

static void findings(const rctx *c)
{
    const json_t *fd = json_object_get(c->doc, "findings");

    isms_html_section(c->b, "findings", "Completeness check (clause 9.3 audit practice)");
    isms_html_el(c->b, "p", NULL, apr_psprintf(c->p, "%s error(s), %s warning(s), %s "
                                               "blocking (errors not waived), %s "
                                               "warning(s) not acknowledged.",
                                               f(c, fd, "errors"), f(c, fd, "warnings"),
                                               f(c, fd, "blocking"),
                                               f(c, fd, "unacknowledged")));
    isms_html_table(c->b, c->p, finding_cols, json_object_get(fd, "findings"),
                    "No findings: every rule passed.");
    isms_html_section_end(c->b);
}

static void history(const rctx *c)
{
    const json_t *h = json_object_get(c->doc, "history");

    isms_html_section(c->b, "history", "Version history");
    isms_html_el(c->b, "h3", NULL, "Workflow transitions");
    isms_html_table(c->b, c->p, transition_cols, json_object_get(h, "transitions"),
                    "No transitions yet.");
    isms_html_el(c->b, "h3", NULL, "Sealed versions");
    isms_html_table(c->b, c->p, version_cols, json_object_get(h, "versions"),
                    "No version has been approved yet.");
    isms_html_el(c->b, "h3", NULL, "Approvals");
    isms_html_table(c->b, c->p, approval_cols, json_object_get(h, "approvals"), "None.");
    isms_html_el(c->b, "h3", NULL, "Waivers");
    isms_html_table(c->b, c->p, waiver_cols, json_object_get(h, "waivers"), "None.");
    isms_html_el(c->b, "h3", NULL, "Acknowledgements of warnings");
    isms_html_table(c->b, c->p, ack_cols, json_object_get(h, "acknowledgements"), "None.");
    isms_html_section_end(c->b);
}

static void simple(const rctx *c, const char *id, const char *title, const isms_col *cols,
                   const char *coll, const char *empty)
{
    isms_html_section(c->b, id, title);
    table(c, cols, coll, empty);
    isms_html_section_end(c->b);
}

void isms_record_html(isms_buf *b, apr_pool_t *p, const json_t *doc)
{
    rctx c = {b, p, doc, json_object_get(doc, "review")};

    isms_html_begin(b, apr_pstrcat(p, "Management review record ",
                                   isms_report_field(p, doc, "document.ref"), ": ",
                                   isms_report_field(p, doc, "document.title"), NULL));
    document_header(&c);
    review_details(&c);
    simple(&c, "attendees", "Attendees", attendee_cols, "attendees", "No attendees recorded.");
    text_section(&c, "agenda", "Agenda", "agenda", "No agenda recorded.");
    text_section(&c, "summary", "Executive summary", "executive_summary",
                 "No executive summary recorded.");
    inputs(&c);
    conclusions(&c);
    simple(&c, "decisions", "Decisions", decision_cols, "decisions", "No decisions.");
    actions(&c);
    simple(&c, "improvements", "Opportunities for improvement", improvement_cols,
           "improvements", "No improvement opportunities.");
    changes(&c);
    objectives(&c);
    simple(&c, "resources", "Resources", resource_cols, "resources",
           "No resource requirements.");
    simple(&c, "communications", "Communication of the results", communication_cols,
           "communications", "No communication planned.");
    findings(&c);
    history(&c);
    isms_html_el(b, "footer", NULL, apr_pstrcat(p, "Generated ",
                 isms_report_field(p, doc, "generated_at"), " by ",
                 isms_report_field(p, doc, "generated_by"), " from mod_ismsreview.", NULL));
    isms_html_end(b);
}
