/* SPDX-License-Identifier: Apache-2.0 */
/* The record kinds of domain-model.md §A as descriptors. Field names are the API's
 * (product.md "Field names") and the SQL columns of sql/<driver>/002_records.sql. */
#include "isms_entity.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EN(...) ((const char *const[]){__VA_ARGS__, NULL})

#define F(n, t, fl, ...) {.name = n, .type = t, .flags = fl, __VA_ARGS__}
#define STR(n, fl, c) F(n, ISMS_F_STRING, fl, .max_chars = c, .max_bytes = 3 * (c))
#define TXT(n, fl) F(n, ISMS_F_TEXT, fl, .max_chars = 10000, .max_bytes = 30000)
#define ENU(n, fl, e) F(n, ISMS_F_ENUM, fl, .enums = e, .labels = e##_labels)
#define ENUD(n, fl, e, d) F(n, ISMS_F_ENUM, fl, .enums = e, .labels = e##_labels, \
                          .default_value = d)
#define DATE(n, fl) F(n, ISMS_F_DATE, fl)
#define USR(n, fl) F(n, ISMS_F_USER, fl, .max_chars = 256, .max_bytes = 768)
#define BOOL(n, fl) F(n, ISMS_F_BOOL, fl)
#define INT(n, fl, lo, hi) F(n, ISMS_F_INT, fl, .min = lo, .max = hi)
#define NUM(n, fl) F(n, ISMS_F_NUMBER, fl, .min = -1e15, .max = 1e15)
#define REF(n, fl, k) F(n, ISMS_F_REF, fl, .ref_kind = k)
#define OBJ(n, fl, s) F(n, ISMS_F_OBJECT, fl, .sub = s)
#define LSTR(n, fl, c, m) F(n, ISMS_F_LIST, fl, .item_type = ISMS_F_STRING, .max_chars = c, \
                            .max_bytes = 3 * (c), .max_items = m)
#define LENU(n, fl, e, m) F(n, ISMS_F_LIST, fl, .item_type = ISMS_F_ENUM, .enums = e, \
                            .labels = e##_labels, .max_items = m)
#define LREF(n, fl, k, m) F(n, ISMS_F_LIST, fl, .item_type = ISMS_F_REF, .ref_kind = k, \
                            .max_items = m)
#define LOBJ(n, fl, s, m) F(n, ISMS_F_LIST, fl, .item_type = ISMS_F_OBJECT, .sub = s, \
                            .max_items = m)
#define TS(n) F(n, ISMS_F_TIMESTAMP, ISMS_SERVER)
#define END {.name = NULL}

/* Every record and item carries these (server-owned). */
#define COMMON \
    INT("id", ISMS_SERVER, 0, 0), STR("ref", ISMS_SERVER, 40), \
    TS("created_at"), USR("created_by", ISMS_SERVER), \
    TS("updated_at"), USR("updated_by", ISMS_SERVER)

/* ---- enums (domain-model.md) ---- */
static const char *const review_types[] = {"SCHEDULED", "EXTRAORDINARY", "SEQUENCED_SESSION",
                                           "COMBINED_IMS", NULL};
static const char *const review_types_labels[] = {"Scheduled review", "Extraordinary review",
        "Session of a sequenced review", "Combined management-system review", NULL};
static const char *const triggers[] = {"MAJOR_INCIDENT", "SIGNIFICANT_CHANGE", "AUDIT_FINDING",
                                       "REGULATORY_CHANGE", "ORG_CHANGE", "OTHER", NULL};
static const char *const triggers_labels[] = {"Major incident", "Significant change",
        "Audit finding", "Regulatory change", "Organisational change", "Other", NULL};
static const char *const formats[] = {"IN_PERSON", "REMOTE", "HYBRID", "WRITTEN_CIRCULATION",
                                      NULL};
static const char *const formats_labels[] = {"In person", "Remote", "Hybrid",
        "Written circulation", NULL};
const char *const isms_standards[] = {"ISO27001_2022", "ISO27001_2013", "ISO9001_2015",
                                        "ISO22301_2019", "ISO14001_2015", "ISO45001_2018",
                                        "ISO27701_2019", "CUSTOM", NULL};
static const char *const isms_standards_labels[] = {"ISO/IEC 27001:2022", "ISO/IEC 27001:2013",
        "ISO 9001:2015", "ISO 22301:2019", "ISO 14001:2015", "ISO 45001:2018",
        "ISO/IEC 27701:2019", "Custom", NULL};
static const char *const classifications[] = {"PUBLIC", "INTERNAL", "CONFIDENTIAL",
                                              "RESTRICTED", NULL};
static const char *const classifications_labels[] = {"Public", "Internal", "Confidential",
        "Restricted", NULL};
static const char *const ratings[] = {"CONFIRMED", "PARTIALLY", "NOT_CONFIRMED", NULL};
static const char *const ratings_labels[] = {"Confirmed", "Partially confirmed",
        "Not confirmed", NULL};
const char *const isms_review_states[] = {"PLANNED", "DRAFT", "SUBMITTED", "RETURNED",
                                          "APPROVED", "PUBLISHED", "SUPERSEDED", "CANCELLED",
                                          NULL};
static const char *const isms_review_states_labels[] = {"Planned", "Draft", "Submitted",
        "Returned", "Approved", "Published", "Superseded", "Cancelled", NULL};
static const char *const participation[] = {"CHAIR", "MEMBER", "SECRETARY", "PRESENTER",
                                            "INVITEE", "OBSERVER", NULL};
static const char *const participation_labels[] = {"Chair", "Member", "Secretary", "Presenter",
        "Invitee", "Observer", NULL};
static const char *const attendance[] = {"PRESENT", "REMOTE", "APOLOGIES", "ABSENT", "DELEGATE",
                                         "WRITTEN_CONTRIBUTION", NULL};
static const char *const attendance_labels[] = {"Present", "Remote", "Apologies", "Absent",
        "Delegate", "Written contribution", NULL};
const char *const isms_input_categories[] = {"A_PREV_ACTIONS", "B_ISSUES_CHANGES",
                                             "C_IP_NEEDS_CHANGES", "D1_NC_CA", "D2_MONITORING",
                                             "D3_AUDITS", "D4_OBJECTIVES", "E_IP_FEEDBACK",
                                             "F_RISK_RTP", "G_IMPROVEMENT", NULL};
static const char *const isms_input_categories_labels[] = {
        "a) Status of actions from previous management reviews",
        "b) Changes in external and internal issues",
        "c) Changes in needs and expectations of interested parties",
        "d1) Nonconformities and corrective actions", "d2) Monitoring and measurement results",
        "d3) Audit results", "d4) Fulfilment of information security objectives",
        "e) Feedback from interested parties",
        "f) Results of risk assessment and status of the risk treatment plan",
        "g) Opportunities for continual improvement", NULL};
static const char *const trends[] = {"IMPROVING", "STABLE", "DETERIORATING", "MIXED",
                                     "INSUFFICIENT_DATA", "NOT_APPLICABLE", NULL};
static const char *const trends_labels[] = {"Improving", "Stable", "Deteriorating", "Mixed",
        "Insufficient data", "Not applicable", NULL};
static const char *const input_status[] = {"PRESENTED", "CONSIDERED_NO_CHANGE",
                                           "NOT_APPLICABLE", NULL};
static const char *const input_status_labels[] = {"Presented", "Considered, no change",
        "Not applicable", NULL};
static const char *const climate[] = {"RELEVANT", "NOT_RELEVANT", "UNDER_ASSESSMENT", NULL};
static const char *const climate_labels[] = {"Relevant", "Not relevant", "Under assessment",
        NULL};
static const char *const decision_cats[] = {"CONTINUAL_IMPROVEMENT", "ISMS_CHANGE",
                                            "NO_CHANGE_REQUIRED", "OBJECTIVE", "RESOURCE",
                                            "RISK_TREATMENT", "RISK_ACCEPTANCE", "POLICY",
                                            "SCOPE", "COMMUNICATION", "ACTION_REPLAN", "OTHER",
                                            NULL};
static const char *const decision_cats_labels[] = {"Continual improvement",
        "Change to the ISMS", "No change required", "Objective", "Resource", "Risk treatment",
        "Risk acceptance", "Policy", "Scope", "Communication", "Re-plan of actions", "Other",
        NULL};
static const char *const aspects[] = {"IMPROVEMENT", "ISMS_CHANGE", "BOTH", "NONE", NULL};
static const char *const aspects_labels[] = {"Continual improvement", "Change to the ISMS",
        "Both", "None", NULL};
static const char *const outcomes[] = {"APPROVED", "REJECTED", "DEFERRED", "NOTED", NULL};
static const char *const outcomes_labels[] = {"Approved", "Rejected", "Deferred", "Noted",
        NULL};
static const char *const action_types[] = {"IMPROVEMENT", "CORRECTIVE", "CHANGE_IMPLEMENTATION",
                                           "OBJECTIVE_PLAN", "RESOURCE_PROVISION",
                                           "RISK_TREATMENT", "COMMUNICATION", "OTHER", NULL};
static const char *const action_types_labels[] = {"Improvement", "Corrective action",
        "Change implementation", "Objective plan", "Resource provision", "Risk treatment",
        "Communication", "Other", NULL};
static const char *const priorities[] = {"LOW", "MEDIUM", "HIGH", "CRITICAL", NULL};
static const char *const priorities_labels[] = {"Low", "Medium", "High", "Critical", NULL};
const char *const isms_action_states[] = {"OPEN", "IN_PROGRESS", "BLOCKED", "COMPLETED",
                                          "VERIFIED_EFFECTIVE", "VERIFIED_INEFFECTIVE",
                                          "CANCELLED", NULL};
const char *const isms_action_states_labels[] = {"Open", "In progress", "Blocked",
        "Completed", "Verified effective", "Verified ineffective", "Cancelled", NULL};
static const char *const ofi_sources[] = {"INTERNAL_AUDIT", "CERTIFICATION_AUDIT_OFI",
                                          "INCIDENT", "MONITORING", "IP_FEEDBACK",
                                          "STAFF_SUGGESTION", "RISK_ASSESSMENT", "BENCHMARK",
                                          "MANAGEMENT_REVIEW", "OTHER", NULL};
static const char *const ofi_sources_labels[] = {"Internal audit",
        "Certification audit (opportunity for improvement)", "Incident", "Monitoring",
        "Feedback from interested parties", "Staff suggestion", "Risk assessment", "Benchmark",
        "Management review", "Other", NULL};
static const char *const dispositions[] = {"ACCEPTED", "REJECTED", "DEFERRED", "MERGED", NULL};
static const char *const dispositions_labels[] = {"Accepted", "Rejected", "Deferred", "Merged",
        NULL};
static const char *const ofi_states[] = {"OPEN", "IN_IMPLEMENTATION", "REALIZED", "CLOSED",
                                         NULL};
static const char *const ofi_states_labels[] = {"Open", "In implementation", "Realized",
        "Closed", NULL};
static const char *const change_types[] = {"SCOPE", "IS_POLICY", "TOPIC_POLICY", "OBJECTIVES",
                                           "PROCESS_PROCEDURE", "RISK_METHOD_CRITERIA",
                                           "SOA_CONTROLS", "ROLES_RESPONSIBILITIES",
                                           "DOCUMENTATION", "RESOURCES", "ORG_STRUCTURE",
                                           "OTHER", NULL};
static const char *const change_types_labels[] = {"Scope", "Information security policy",
        "Topic-specific policy", "Objectives", "Process or procedure",
        "Risk method or criteria", "Statement of applicability / controls",
        "Roles and responsibilities", "Documentation", "Resources", "Organisational structure",
        "Other", NULL};
static const char *const change_states[] = {"PROPOSED", "APPROVED", "PLANNED", "IN_PROGRESS",
                                            "IMPLEMENTED", "VERIFIED", "REJECTED", "WITHDRAWN",
                                            NULL};
static const char *const change_states_labels[] = {"Proposed", "Approved", "Planned",
        "In progress", "Implemented", "Verified", "Rejected", "Withdrawn", NULL};
static const char *const doc_states[] = {"DRAFT", "IN_REVIEW", "APPROVED", "PUBLISHED",
                                         "WITHDRAWN", NULL};
static const char *const doc_states_labels[] = {"Draft", "In review", "Approved", "Published",
        "Withdrawn", NULL};
static const char *const levels[] = {"ORGANIZATION", "FUNCTION", "PROCESS", "PROJECT", NULL};
static const char *const levels_labels[] = {"Organization", "Function", "Process", "Project",
        NULL};
static const char *const revision_types[] = {"CREATED", "TARGET_REVISED", "TIMELINE_ADJUSTED",
                                             "KPI_CHANGED", "OWNER_CHANGED",
                                             "STATEMENT_REVISED", "ACHIEVED_CLOSED",
                                             "WITHDRAWN", "OTHER", NULL};
static const char *const revision_types_labels[] = {"Created", "Target revised",
        "Timeline adjusted", "KPI changed", "Owner changed", "Statement revised",
        "Achieved and closed", "Withdrawn", "Other", NULL};
static const char *const objective_states[] = {"PROPOSED", "ACTIVE", "ACHIEVED",
                                               "NOT_ACHIEVED", "WITHDRAWN", "SUPERSEDED", NULL};
static const char *const objective_states_labels[] = {"Proposed", "Active", "Achieved",
        "Not achieved", "Withdrawn", "Superseded", NULL};
static const char *const directions[] = {"HIGHER_BETTER", "LOWER_BETTER", NULL};
static const char *const directions_labels[] = {"Higher is better", "Lower is better", NULL};
static const char *const resource_types[] = {"BUDGET_OPEX", "BUDGET_CAPEX", "PERSONNEL_FTE",
                                             "COMPETENCE_TRAINING", "TECHNOLOGY_TOOLING",
                                             "EXTERNAL_SERVICE", "FACILITIES",
                                             "TIME_ALLOCATION", "OTHER", NULL};
static const char *const resource_types_labels[] = {"Budget (operating expense)",
        "Budget (capital expense)", "Personnel (FTE)", "Competence and training",
        "Technology and tooling", "External service", "Facilities", "Time allocation", "Other",
        NULL};
static const char *const resource_outcomes[] = {"APPROVED", "PARTIALLY_APPROVED", "REJECTED",
                                                "DEFERRED", NULL};
static const char *const resource_outcomes_labels[] = {"Approved", "Partially approved",
        "Rejected", "Deferred", NULL};
static const char *const provision[] = {"PENDING", "IN_PROCUREMENT", "PROVIDED", "WITHDRAWN",
                                        NULL};
static const char *const provision_labels[] = {"Pending", "In procurement", "Provided",
        "Withdrawn", NULL};
static const char *const what_types[] = {"FULL_MINUTES", "EXEC_SUMMARY", "DECISION_EXTRACT",
                                         "POLICY_CHANGE_NOTICE", "OBJECTIVE_UPDATE",
                                         "ACTION_ASSIGNMENT", "OTHER", NULL};
static const char *const what_types_labels[] = {"Full minutes", "Executive summary",
        "Decision extract", "Policy change notice", "Objective update", "Action assignment",
        "Other", NULL};
static const char *const audiences[] = {"BOARD_TOP_MGMT", "ALL_EMPLOYEES", "TEAMS",
                                        "ACTION_OWNERS", "CUSTOMERS", "SUPPLIERS", "REGULATORS",
                                        "CERTIFICATION_BODY", "WORKER_REPS", "SHAREHOLDERS",
                                        "OTHER", NULL};
static const char *const audiences_labels[] = {"Board and top management", "All employees",
        "Teams", "Action owners", "Customers", "Suppliers", "Regulators", "Certification body",
        "Worker representatives", "Shareholders", "Other", NULL};
static const char *const scopes[] = {"INTERNAL", "EXTERNAL", NULL};
static const char *const scopes_labels[] = {"Internal", "External", NULL};
static const char *const redactions[] = {"NONE", "SUMMARY_ONLY", "REDACTED", NULL};
static const char *const redactions_labels[] = {"None", "Summary only", "Redacted", NULL};
static const char *const channels[] = {"EMAIL", "INTRANET", "ALL_HANDS", "TEAM_BRIEFING",
                                       "PORTAL", "FORMAL_LETTER", "REPORT", "TRAINING", NULL};
static const char *const channels_labels[] = {"E-mail", "Intranet", "All-hands meeting",
        "Team briefing", "Portal", "Formal letter", "Report", "Training", NULL};
static const char *const comm_states[] = {"PLANNED", "SENT", "ACKNOWLEDGED", "CANCELLED", NULL};
static const char *const comm_states_labels[] = {"Planned", "Sent", "Acknowledged", "Cancelled",
        NULL};

/* ---- sub-objects ---- */
static const isms_field conclusion_fields[] = {
    ENU("rating", ISMS_REQ, ratings), TXT("rationale", 0), END};
static const isms_field metric_fields[] = {
    STR("name", ISMS_REQ, 200), NUM("value", 0), NUM("previous_value", 0),
    STR("unit", 0, 40), NUM("target", 0), END};
static const isms_field document_fields[] = {
    STR("doc_id", ISMS_REQ, 100), STR("title", 0, 200), STR("from_version", 0, 40),
    STR("to_version", 0, 40), ENU("doc_status", 0, doc_states), END};
/* an action's effectiveness check (domain-model A.6): planned and verified through the
 * progress history (POST v1/actions/{id}/updates), tracking data */
static const isms_field effectiveness_check_fields[] = {
    BOOL("required", 0), TXT("method", 0), DATE("due", 0), TXT("result", 0),
    USR("verified_by", 0), TS("at"), END};
static const isms_field kpi_fields[] = {
    STR("name", ISMS_REQ, 200), STR("unit", 0, 40), ENU("direction", ISMS_REQ, directions),
    NUM("baseline", 0), NUM("target", ISMS_REQ), END};

/* ---- cross-field rules (isms_validate.c) ---- */
isms_crossfield_fn isms_check_review, isms_check_input, isms_check_action,
    isms_check_objective, isms_check_decision, isms_check_communication;

static const isms_field period_fields[] = {
    DATE("from", ISMS_REQ), DATE("to", 0), END};

isms_crossfield_fn isms_check_person;

static const isms_field person_fields[] = {
    ISMS_STAMP_FIELDS,
    USR("login", ISMS_REQ),
    STR("login_key", ISMS_SERVER, 256),
    STR("display_name", ISMS_REQ, 200),
    STR("job_title", 0, 200),
    STR("function", 0, 200),
    STR("email", 0, 254),
    LOBJ("top_management", 0, period_fields, 50),
    F("active", ISMS_F_BOOL, 0, .default_value = "true"),
    END};

static const isms_field review_fields[] = {
    COMMON,
    STR("title", ISMS_REQ, 200),
    ENU("review_type", ISMS_REQ | ISMS_FILTER, review_types),
    ENU("trigger", 0, triggers),
    DATE("planned_date", ISMS_REQ),
    DATE("held_from", 0), DATE("held_to", 0),
    DATE("period_from", 0), DATE("period_to", 0),
    ENU("format", 0, formats),
    STR("location", 0, 200),
    USR("chair", 0),
    LENU("standards", 0, isms_standards, 8),
    ENUD("classification", 0, classifications, "INTERNAL"),
    DATE("retention_until", 0),
    STR("language", 0, 16),
    TXT("agenda", 0),
    TXT("executive_summary", 0),
    OBJ("suitability", 0, conclusion_fields),
    OBJ("adequacy", 0, conclusion_fields),
    OBJ("effectiveness", 0, conclusion_fields),
    DATE("next_review_date", 0),
    TXT("version_reason", ISMS_SERVER | ISMS_WORKFLOW),
    ENU("status", ISMS_SERVER | ISMS_FILTER | ISMS_WORKFLOW, isms_review_states),
    INT("version", ISMS_SERVER | ISMS_WORKFLOW, 0, 0),
    USR("author", ISMS_SERVER | ISMS_FILTER),
    INT("previous_review_id", ISMS_SERVER, 0, 0),
    INT("planned_interval_months", ISMS_SERVER, 0, 0),
    /* the review programme (isms_programme.c, migration 011) and its scope when assigned */
    INT("programme_id", ISMS_FILTER | ISMS_ADDED, 1, 1e15),
    STR("scope_ref_snapshot", ISMS_SERVER | ISMS_ADDED, 260),
    F("submitted_at", ISMS_F_TIMESTAMP, ISMS_SERVER | ISMS_WORKFLOW),
    USR("submitted_by", ISMS_SERVER | ISMS_WORKFLOW),
    F("approved_at", ISMS_F_TIMESTAMP, ISMS_SERVER | ISMS_WORKFLOW),
    USR("approved_by", ISMS_SERVER | ISMS_WORKFLOW),
    STR("content_hash", ISMS_SERVER | ISMS_WORKFLOW, 64),
    END};

static const isms_field attendee_fields[] = {
    COMMON,
    USR("person", 0),
    STR("name", 0, 200),               /* required unless person is in the people register */
    STR("title", 0, 200),
    STR("function", 0, 200),
    /* as the author declared it; the check reads the snapshot (isms_people.c) */
    F("is_top_management", ISMS_F_BOOL, 0, .default_value = "false"),
    BOOL("is_top_management_snapshot", ISMS_SERVER | ISMS_ADDED),
    ENU("participation_role", ISMS_REQ | ISMS_FILTER, participation),
    ENU("attendance", ISMS_REQ | ISMS_FILTER, attendance),
    USR("delegate_for", 0),
    END};

static const isms_field input_fields[] = {
    COMMON,
    ENU("category", ISMS_REQ | ISMS_FILTER, isms_input_categories),
    STR("title", ISMS_REQ, 200),
    TXT("summary", 0),
    DATE("data_period_from", 0), DATE("data_period_to", 0),
    ENU("trend", 0, trends),
    ENU("status", ISMS_REQ | ISMS_FILTER, input_status),
    TXT("na_justification", 0),
    USR("owner", 0),
    LOBJ("metrics", 0, metric_fields, 50),
    LSTR("evidence_refs", 0, 500, 50),
    TXT("discussion", 0),
    TXT("conclusion", 0),
    F("climate_change_relevance", ISMS_F_ENUM, 0, .enums = climate, .labels = climate_labels,
      .only_for = "B_ISSUES_CHANGES"),
    F("context_register_ref", ISMS_F_STRING, 0, .max_chars = 500, .max_bytes = 1500,
      .only_for = "B_ISSUES_CHANGES"),
    F("interested_party_refs", ISMS_F_LIST, 0, .item_type = ISMS_F_STRING, .max_chars = 500,
      .max_bytes = 1500, .max_items = 50, .only_for = "C_IP_NEEDS_CHANGES E_IP_FEEDBACK"),
    F("audit_refs", ISMS_F_LIST, 0, .item_type = ISMS_F_STRING, .max_chars = 500,
      .max_bytes = 1500, .max_items = 50, .only_for = "D3_AUDITS"),
    F("risk_assessment_date", ISMS_F_DATE, 0, .only_for = "F_RISK_RTP"),
    F("risks_above_acceptance", ISMS_F_INT, 0, .min = 0, .max = 100000,
      .only_for = "F_RISK_RTP"),
    F("rtp_completion_pct", ISMS_F_INT, 0, .min = 0, .max = 100, .only_for = "F_RISK_RTP"),
    /* the IMS catalogue codes ("ISO9001_2015:C7_EXT_PROVIDERS") this input covers (MR-41) */
    F("requirement_codes", ISMS_F_LIST, ISMS_ADDED, .item_type = ISMS_F_STRING,
      .max_chars = 100, .max_bytes = 100, .max_items = 30),
    F("action_snapshots", ISMS_F_LIST, ISMS_SERVER | ISMS_NOCOL),
    F("objective_snapshots", ISMS_F_LIST, ISMS_SERVER | ISMS_NOCOL),
    END};

static const isms_field decision_fields[] = {
    COMMON,
    TXT("statement", ISMS_REQ),
    ENU("category", ISMS_REQ | ISMS_FILTER, decision_cats),
    ENU("clause_933_aspect", ISMS_REQ | ISMS_FILTER, aspects),
    ENU("outcome", ISMS_REQ | ISMS_FILTER, outcomes),
    TXT("rationale", 0),
    LREF("basis_input_ids", 0, "input", 50),
    LSTR("decided_by", 0, 256, 20),
    USR("risk_owner_approval", 0),
    END};

static const isms_field action_fields[] = {
    COMMON,
    STR("title", ISMS_REQ, 200),
    TXT("description", 0),
    ENU("type", ISMS_REQ | ISMS_FILTER, action_types),
    USR("owner", ISMS_REQ | ISMS_FILTER),
    DATE("due_date", ISMS_REQ | ISMS_TRACKING),
    DATE("original_due_date", ISMS_SERVER),
    ENU("priority", ISMS_REQ | ISMS_FILTER, priorities),
    TXT("expected_outcome", 0),
    REF("decision_id", 0, "decision"),
    STR("nc_ref", ISMS_TRACKING, 200),
    ENUD("status", ISMS_TRACKING | ISMS_FILTER, isms_action_states, "OPEN"),
    F("progress", ISMS_F_INT, ISMS_TRACKING, .min = 0, .max = 100, .default_value = "0"),
    F("completed_at", ISMS_F_TIMESTAMP, ISMS_SERVER | ISMS_TRACKING),
    OBJ("effectiveness_check", ISMS_SERVER | ISMS_TRACKING | ISMS_ADDED,
        effectiveness_check_fields),
    INT("carry_over_count", ISMS_SERVER | ISMS_NOCOL, 0, 0),
    INT("days_overdue", ISMS_SERVER | ISMS_NOCOL, 0, 0),
    END};

static const isms_field improvement_fields[] = {
    COMMON,
    TXT("description", ISMS_REQ),
    ENU("source", ISMS_REQ | ISMS_FILTER, ofi_sources),
    STR("source_ref", 0, 200),
    TXT("expected_benefit", 0),
    STR("affected_area", 0, 200),
    STR("estimated_effort", 0, 200),
    ENU("disposition", ISMS_FILTER, dispositions),
    TXT("disposition_rationale", 0),
    REF("decision_id", 0, "decision"),
    ENUD("status", ISMS_TRACKING | ISMS_FILTER, ofi_states, "OPEN"),
    END};

static const isms_field change_fields[] = {
    COMMON,
    ENU("change_type", ISMS_REQ | ISMS_FILTER, change_types),
    TXT("description", ISMS_REQ),
    TXT("purpose", 0),
    TXT("consequences", 0),
    TXT("integrity_considerations", 0),
    TXT("resources_needed", 0),
    USR("owner", 0),
    DATE("planned_date", 0),
    LOBJ("affected_documents", 0, document_fields, 100),
    USR("approved_by", ISMS_ADDED),
    REF("decision_id", 0, "decision"),
    ENUD("status", ISMS_TRACKING | ISMS_FILTER, change_states, "PROPOSED"),
    DATE("implemented_at", ISMS_TRACKING),  /* carried out under 6.3, and verified */
    TXT("verification", ISMS_TRACKING),
    END};

static const isms_field objective_fields[] = {
    COMMON,
    TXT("statement", ISMS_REQ),
    ENU("level", 0, levels),
    ENU("standard", 0, isms_standards),
    STR("policy_ref", 0, 200),
    BOOL("measurable", 0),
    TXT("evaluation_if_not_measurable", 0),
    TXT("evaluation_method", 0),
    USR("owner", ISMS_FILTER),
    DATE("target_date", 0),
    STR("resources_ref", 0, 200),
    TXT("plan_what", 0),
    STR("monitoring_frequency", 0, 100),
    REF("decision_id", 0, "decision"),
    ENUD("status", ISMS_TRACKING | ISMS_FILTER, objective_states, "PROPOSED"),
    OBJ("kpi", 0, kpi_fields),
    INT("current_revision", ISMS_SERVER | ISMS_TRACKING, 0, 0),
    /* the register (isms_objective.c): the identity this row is a revision of (sent on
     * create to revise an objective of an earlier review), the revision and its reason */
    INT("objective_id", ISMS_FILTER, 1, 1e15),
    INT("revision_no", ISMS_SERVER, 0, 0),
    ENU("revision_type", ISMS_SERVER, revision_types),
    TXT("revision_reason", 0),
    /* the state this revision replaced: a JSON object, stored as JSON text */
    F("prior_state", ISMS_F_JSON, ISMS_SERVER, .max_bytes = 300000),
    END};

static const isms_field resource_fields[] = {
    COMMON,
    ENU("resource_type", ISMS_REQ | ISMS_FILTER, resource_types),
    TXT("description", ISMS_REQ),
    NUM("quantity", 0),
    STR("unit", 0, 40),
    NUM("amount", 0),
    STR("currency", 0, 3),
    STR("fiscal_period", 0, 40),
    USR("requested_by", 0),
    ENU("outcome", ISMS_FILTER, resource_outcomes),
    NUM("approved_amount", 0),
    USR("approved_by", ISMS_ADDED),      /* who approved it, with budget authority (MR-30) */
    REF("decision_id", 0, "decision"),
    ENUD("provision_status", ISMS_TRACKING | ISMS_FILTER, provision, "PENDING"),
    DATE("provided_at", ISMS_TRACKING),
    END};

static const isms_field communication_fields[] = {
    COMMON,
    ENU("what_type", ISMS_REQ | ISMS_FILTER, what_types),
    STR("artifact_ref", 0, 200),
    ENU("audience_type", ISMS_REQ | ISMS_FILTER, audiences),
    ENU("audience_scope", 0, scopes),
    LSTR("recipients", 0, 256, 100),
    ENU("redaction_level", 0, redactions),
    ENU("how", ISMS_REQ, channels),
    DATE("when", ISMS_REQ),
    USR("communicator", 0),
    REF("decision_id", 0, "decision"),
    STR("evidence_ref", ISMS_TRACKING, 500),
    ENUD("status", ISMS_TRACKING | ISMS_FILTER, comm_states, "PLANNED"),
    DATE("sent_at", ISMS_TRACKING),     /* when it went out, and who sent it (issue 12 s. 5) */
    USR("sent_by", ISMS_TRACKING),
    END};

const isms_entity isms_entity_review = {"review", "reviews", "review", "", review_fields,
                                        isms_check_review};
const isms_entity isms_entity_attendee = {"attendee", "attendees", "attendee", "AT",
                                     attendee_fields, NULL};
const isms_entity isms_entity_input = {"input", "inputs", "input_item", "IN", input_fields,
                                  isms_check_input};
const isms_entity isms_entity_decision = {"decision", "decisions", "decision", "D", decision_fields,
                                     isms_check_decision};
const isms_entity isms_entity_action = {"action", "actions", "action", "A", action_fields,
                                   isms_check_action};
const isms_entity isms_entity_improvement = {"improvement", "improvements", "improvement", "OFI",
                                        improvement_fields, NULL};
const isms_entity isms_entity_change = {"change", "changes", "isms_change", "CH", change_fields,
                                   NULL};
const isms_entity isms_entity_objective = {"objective", "objectives", "objective", "OB",
                                      objective_fields, isms_check_objective};
const isms_entity isms_entity_resource = {"resource", "resources", "resource_req", "RR",
                                     resource_fields, NULL};
const isms_entity isms_entity_communication = {"communication", "communications", "communication",
                                          "CM", communication_fields,
                                          isms_check_communication};

const isms_entity isms_entity_person = {"person", "people", "person", "", person_fields,
                                        isms_check_person};

const isms_entity *const isms_item_entities[] = {
    &isms_entity_attendee, &isms_entity_input, &isms_entity_decision, &isms_entity_action,
    &isms_entity_improvement, &isms_entity_change, &isms_entity_objective,
    &isms_entity_resource, &isms_entity_communication, NULL};

/* Every record kind, for look-ups by name. */
static const isms_entity *const all_kinds[] = {
    &isms_entity_review, &isms_entity_attendee, &isms_entity_input, &isms_entity_decision,
    &isms_entity_action, &isms_entity_improvement, &isms_entity_change, &isms_entity_objective,
    &isms_entity_resource, &isms_entity_communication, &isms_entity_person, NULL};

const isms_entity *const isms_body_entities[] = {
    &isms_entity_action_update, &isms_entity_measurement, &isms_entity_transition,
    &isms_entity_waiver, &isms_entity_acknowledgement, &isms_entity_action_snapshot,
    &isms_entity_previous_external, NULL};

const isms_entity *isms_entity_by_collection(const char *collection)
{
    int i;

    for (i = 0; isms_item_entities[i]; i++) {
        if (strcmp(isms_item_entities[i]->collection, collection) == 0) {
            return isms_item_entities[i];
        }
    }
    return NULL;
}

const isms_entity *isms_entity_by_kind(const char *kind)
{
    int i;

    for (i = 0; all_kinds[i]; i++) {
        if (strcmp(all_kinds[i]->kind, kind) == 0) return all_kinds[i];
    }
    return NULL;
}

const isms_field *isms_entity_field(const isms_entity *e, const char *name)
{
    const isms_field *f;

    for (f = e->fields; f->name; f++) {
        if (strcmp(f->name, name) == 0) return f;
    }
    return NULL;
}

int isms_enum_valid(const char *const *enums, const char *value)
{
    for (; enums && *enums; enums++) {
        if (strcmp(*enums, value) == 0) return 1;
    }
    return 0;
}

int isms_field_sealed(const isms_entity *e, const isms_field *f)
{
    if ((f->flags & ISMS_TRACKING) || !strcmp(f->name, "updated_at") ||
        !strcmp(f->name, "updated_by")) {
        return 0;
    }
    if (e == &isms_entity_review) {
        return strcmp(f->name, "status") != 0 && strcmp(f->name, "content_hash") != 0;
    }
    return !(f->flags & ISMS_NOCOL) || !strcmp(f->name, "action_snapshots") ||
           !strcmp(f->name, "objective_snapshots");
}

const char *isms_enum_label(const isms_field *f, const char *value)
{
    int i;

    for (i = 0; f->enums && f->labels && f->enums[i] && f->labels[i]; i++) {
        if (strcmp(f->enums[i], value) == 0) return f->labels[i];
    }
    return value;
}

void isms_verr(isms_verrors *errs, const char *field, const char *code, const char *fmt, ...)
{
    char msg[512];
    json_t *e;
    va_list ap;

    if (json_array_size(errs->list) >= ISMS_VERR_MAX) {   /* counted, not described */
        json_array_append_new(errs->list, json_null());
        return;
    }
    e = json_object();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_set_new(e, "field", json_string(field));
    json_object_set_new(e, "code", json_string(code));
    json_object_set_new(e, "message", json_string(msg));
    json_array_append_new(errs->list, e);
}
