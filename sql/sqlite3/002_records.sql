-- SPDX-License-Identifier: Apache-2.0
-- 002: the management review record (domain-model.md §A): the review, its nine kinds of
-- item, the review-to-review action snapshots, action progress history, objective
-- revisions, KPI measurements, reference counters and idempotency keys.
-- Columns follow the entity descriptors in mod_ismsreview/core/isms_entity.c; a unit test
-- checks that every descriptor field has its column. No column name contains "from": the
-- libdbi sqlite3 driver loops forever on such statements (see README, "libdbi facts"), so
-- "from" is spelled "frm" in SQL (held_from -> held_frm) and mapped back in isms_record.c.

CREATE TABLE review (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "title" TEXT NOT NULL,
    "review_type" TEXT NOT NULL CHECK ("review_type" IN ('SCHEDULED', 'EXTRAORDINARY', 'SEQUENCED_SESSION', 'COMBINED_IMS')),
    "trigger" TEXT CHECK ("trigger" IN ('MAJOR_INCIDENT', 'SIGNIFICANT_CHANGE', 'AUDIT_FINDING', 'REGULATORY_CHANGE', 'ORG_CHANGE', 'OTHER')),
    "planned_date" TEXT NOT NULL,
    "held_frm" TEXT,
    "held_to" TEXT,
    "period_frm" TEXT,
    "period_to" TEXT,
    "format" TEXT CHECK ("format" IN ('IN_PERSON', 'REMOTE', 'HYBRID', 'WRITTEN_CIRCULATION')),
    "location" TEXT,
    "chair" TEXT,
    "standards" TEXT,
    "classification" TEXT CHECK ("classification" IN ('PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED')),
    "retention_until" TEXT,
    "language" TEXT,
    "agenda" TEXT,
    "executive_summary" TEXT,
    suitability_rating TEXT,
    suitability_rationale TEXT,
    adequacy_rating TEXT,
    adequacy_rationale TEXT,
    effectiveness_rating TEXT,
    effectiveness_rationale TEXT,
    "next_review_date" TEXT,
    "version_reason" TEXT,
    "status" TEXT CHECK ("status" IN ('PLANNED', 'DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED', 'PUBLISHED', 'SUPERSEDED', 'CANCELLED')),
    "version" INTEGER,
    "author" TEXT,
    "previous_review_id" INTEGER,
    "planned_interval_months" INTEGER,
    "submitted_at" TEXT,
    "submitted_by" TEXT,
    "approved_at" TEXT,
    "approved_by" TEXT,
    "content_hash" TEXT,
    UNIQUE (ref, version)
);

CREATE TABLE attendee (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "person" TEXT,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "function" TEXT,
    "is_top_management" INTEGER NOT NULL,
    "participation_role" TEXT NOT NULL CHECK ("participation_role" IN ('CHAIR', 'MEMBER', 'SECRETARY', 'PRESENTER', 'INVITEE', 'OBSERVER')),
    "attendance" TEXT NOT NULL CHECK ("attendance" IN ('PRESENT', 'REMOTE', 'APOLOGIES', 'ABSENT', 'DELEGATE', 'WRITTEN_CONTRIBUTION')),
    "delegate_for" TEXT,
    UNIQUE (review_id, seq)
);
CREATE INDEX attendee_review ON attendee (review_id);

CREATE TABLE input_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "category" TEXT NOT NULL CHECK ("category" IN ('A_PREV_ACTIONS', 'B_ISSUES_CHANGES', 'C_IP_NEEDS_CHANGES', 'D1_NC_CA', 'D2_MONITORING', 'D3_AUDITS', 'D4_OBJECTIVES', 'E_IP_FEEDBACK', 'F_RISK_RTP', 'G_IMPROVEMENT')),
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "data_period_frm" TEXT,
    "data_period_to" TEXT,
    "trend" TEXT CHECK ("trend" IN ('IMPROVING', 'STABLE', 'DETERIORATING', 'MIXED', 'INSUFFICIENT_DATA', 'NOT_APPLICABLE')),
    "status" TEXT NOT NULL CHECK ("status" IN ('PRESENTED', 'CONSIDERED_NO_CHANGE', 'NOT_APPLICABLE')),
    "na_justification" TEXT,
    "owner" TEXT,
    "metrics" TEXT,
    "evidence_refs" TEXT,
    "discussion" TEXT,
    "conclusion" TEXT,
    "climate_change_relevance" TEXT CHECK ("climate_change_relevance" IN ('RELEVANT', 'NOT_RELEVANT', 'UNDER_ASSESSMENT')),
    "context_register_ref" TEXT,
    "interested_party_refs" TEXT,
    "audit_refs" TEXT,
    "risk_assessment_date" TEXT,
    "risks_above_acceptance" INTEGER,
    "rtp_completion_pct" INTEGER,
    UNIQUE (review_id, seq)
);
CREATE INDEX input_item_review ON input_item (review_id);

CREATE TABLE decision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "statement" TEXT NOT NULL,
    "category" TEXT NOT NULL CHECK ("category" IN ('CONTINUAL_IMPROVEMENT', 'ISMS_CHANGE', 'NO_CHANGE_REQUIRED', 'OBJECTIVE', 'RESOURCE', 'RISK_TREATMENT', 'RISK_ACCEPTANCE', 'POLICY', 'SCOPE', 'COMMUNICATION', 'ACTION_REPLAN', 'OTHER')),
    "clause_933_aspect" TEXT NOT NULL CHECK ("clause_933_aspect" IN ('IMPROVEMENT', 'ISMS_CHANGE', 'BOTH', 'NONE')),
    "outcome" TEXT NOT NULL CHECK ("outcome" IN ('APPROVED', 'REJECTED', 'DEFERRED', 'NOTED')),
    "rationale" TEXT,
    "basis_input_ids" TEXT,
    "decided_by" TEXT,
    "risk_owner_approval" TEXT,
    UNIQUE (review_id, seq)
);
CREATE INDEX decision_review ON decision (review_id);

CREATE TABLE action (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "type" TEXT NOT NULL CHECK ("type" IN ('IMPROVEMENT', 'CORRECTIVE', 'CHANGE_IMPLEMENTATION', 'OBJECTIVE_PLAN', 'RESOURCE_PROVISION', 'RISK_TREATMENT', 'COMMUNICATION', 'OTHER')),
    "owner" TEXT NOT NULL,
    "due_date" TEXT NOT NULL,
    "original_due_date" TEXT,
    "priority" TEXT NOT NULL CHECK ("priority" IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    "expected_outcome" TEXT,
    "decision_id" INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    "nc_ref" TEXT,
    "status" TEXT CHECK ("status" IN ('OPEN', 'IN_PROGRESS', 'BLOCKED', 'COMPLETED', 'VERIFIED_EFFECTIVE', 'VERIFIED_INEFFECTIVE', 'CANCELLED')),
    "progress" INTEGER,
    "completed_at" TEXT,
    UNIQUE (review_id, seq)
);
CREATE INDEX action_review ON action (review_id);

CREATE TABLE improvement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "description" TEXT NOT NULL,
    "source" TEXT NOT NULL CHECK ("source" IN ('INTERNAL_AUDIT', 'CERTIFICATION_AUDIT_OFI', 'INCIDENT', 'MONITORING', 'IP_FEEDBACK', 'STAFF_SUGGESTION', 'RISK_ASSESSMENT', 'BENCHMARK', 'MANAGEMENT_REVIEW', 'OTHER')),
    "source_ref" TEXT,
    "expected_benefit" TEXT,
    "affected_area" TEXT,
    "estimated_effort" TEXT,
    "disposition" TEXT CHECK ("disposition" IN ('ACCEPTED', 'REJECTED', 'DEFERRED', 'MERGED')),
    "disposition_rationale" TEXT,
    "decision_id" INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    "status" TEXT CHECK ("status" IN ('OPEN', 'IN_IMPLEMENTATION', 'REALIZED', 'CLOSED')),
    UNIQUE (review_id, seq)
);
CREATE INDEX improvement_review ON improvement (review_id);

CREATE TABLE isms_change (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "change_type" TEXT NOT NULL CHECK ("change_type" IN ('SCOPE', 'IS_POLICY', 'TOPIC_POLICY', 'OBJECTIVES', 'PROCESS_PROCEDURE', 'RISK_METHOD_CRITERIA', 'SOA_CONTROLS', 'ROLES_RESPONSIBILITIES', 'DOCUMENTATION', 'RESOURCES', 'ORG_STRUCTURE', 'OTHER')),
    "description" TEXT NOT NULL,
    "purpose" TEXT,
    "consequences" TEXT,
    "integrity_considerations" TEXT,
    "resources_needed" TEXT,
    "owner" TEXT,
    "planned_date" TEXT,
    "affected_documents" TEXT,
    "decision_id" INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    "status" TEXT CHECK ("status" IN ('PROPOSED', 'APPROVED', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED', 'VERIFIED', 'REJECTED', 'WITHDRAWN')),
    UNIQUE (review_id, seq)
);
CREATE INDEX isms_change_review ON isms_change (review_id);

CREATE TABLE objective (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "statement" TEXT NOT NULL,
    "level" TEXT CHECK ("level" IN ('ORGANIZATION', 'FUNCTION', 'PROCESS', 'PROJECT')),
    "standard" TEXT CHECK ("standard" IN ('ISO27001_2022', 'ISO27001_2013', 'ISO9001_2015', 'ISO22301_2019', 'ISO14001_2015', 'ISO45001_2018', 'ISO27701_2019', 'CUSTOM')),
    "policy_ref" TEXT,
    "measurable" INTEGER,
    "evaluation_if_not_measurable" TEXT,
    "evaluation_method" TEXT,
    "owner" TEXT,
    "target_date" TEXT,
    "resources_ref" TEXT,
    "plan_what" TEXT,
    "monitoring_frequency" TEXT,
    "decision_id" INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    "status" TEXT CHECK ("status" IN ('PROPOSED', 'ACTIVE', 'ACHIEVED', 'NOT_ACHIEVED', 'WITHDRAWN', 'SUPERSEDED')),
    kpi_name TEXT,
    kpi_unit TEXT,
    kpi_direction TEXT,
    kpi_baseline REAL,
    kpi_target REAL,
    "current_revision" INTEGER,
    UNIQUE (review_id, seq)
);
CREATE INDEX objective_review ON objective (review_id);

CREATE TABLE resource_req (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "resource_type" TEXT NOT NULL CHECK ("resource_type" IN ('BUDGET_OPEX', 'BUDGET_CAPEX', 'PERSONNEL_FTE', 'COMPETENCE_TRAINING', 'TECHNOLOGY_TOOLING', 'EXTERNAL_SERVICE', 'FACILITIES', 'TIME_ALLOCATION', 'OTHER')),
    "description" TEXT NOT NULL,
    "quantity" REAL,
    "unit" TEXT,
    "amount" REAL,
    "currency" TEXT,
    "fiscal_period" TEXT,
    "requested_by" TEXT,
    "outcome" TEXT CHECK ("outcome" IN ('APPROVED', 'PARTIALLY_APPROVED', 'REJECTED', 'DEFERRED')),
    "approved_amount" REAL,
    "decision_id" INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    "provision_status" TEXT CHECK ("provision_status" IN ('PENDING', 'IN_PROCUREMENT', 'PROVIDED', 'WITHDRAWN')),
    UNIQUE (review_id, seq)
);
CREATE INDEX resource_req_review ON resource_req (review_id);

CREATE TABLE communication (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" TEXT,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "what_type" TEXT NOT NULL CHECK ("what_type" IN ('FULL_MINUTES', 'EXEC_SUMMARY', 'DECISION_EXTRACT', 'POLICY_CHANGE_NOTICE', 'OBJECTIVE_UPDATE', 'ACTION_ASSIGNMENT', 'OTHER')),
    "artifact_ref" TEXT,
    "audience_type" TEXT NOT NULL CHECK ("audience_type" IN ('BOARD_TOP_MGMT', 'ALL_EMPLOYEES', 'TEAMS', 'ACTION_OWNERS', 'CUSTOMERS', 'SUPPLIERS', 'REGULATORS', 'CERTIFICATION_BODY', 'WORKER_REPS', 'SHAREHOLDERS', 'OTHER')),
    "audience_scope" TEXT CHECK ("audience_scope" IN ('INTERNAL', 'EXTERNAL')),
    "recipients" TEXT,
    "redaction_level" TEXT CHECK ("redaction_level" IN ('NONE', 'SUMMARY_ONLY', 'REDACTED')),
    "how" TEXT NOT NULL CHECK ("how" IN ('EMAIL', 'INTRANET', 'ALL_HANDS', 'TEAM_BRIEFING', 'PORTAL', 'FORMAL_LETTER', 'REPORT', 'TRAINING')),
    "when" TEXT NOT NULL,
    "communicator" TEXT,
    "decision_id" INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    "evidence_ref" TEXT,
    "status" TEXT CHECK ("status" IN ('PLANNED', 'SENT', 'ACKNOWLEDGED', 'CANCELLED')),
    UNIQUE (review_id, seq)
);
CREATE INDEX communication_review ON communication (review_id);

-- Input a (9.3.2 a): the status of each earlier action at the time a review was created.
CREATE TABLE action_snapshot (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    input_id INTEGER NOT NULL REFERENCES input_item(id) ON DELETE CASCADE,
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    action_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    status_at_review TEXT NOT NULL,
    progress_at_review INTEGER NOT NULL,
    due_date_at_review TEXT NOT NULL,
    days_overdue INTEGER NOT NULL,
    carry_over_count INTEGER NOT NULL,
    "comment" TEXT,
    replan_decision_id INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    UNIQUE (review_id, action_id)
);
CREATE INDEX action_snapshot_action ON action_snapshot (action_id);

-- Progress of an action after (and before) approval: append-only history.
CREATE TABLE action_update (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    "status" TEXT,
    progress INTEGER,
    note TEXT,
    evidence_ref TEXT,
    due_date TEXT,
    reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX action_update_action ON action_update (action_id);

-- Objectives keep every revision (6.2 f "updated as appropriate", with history).
CREATE TABLE objective_revision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    objective_id INTEGER NOT NULL REFERENCES objective(id) ON DELETE CASCADE,
    revision_no INTEGER NOT NULL,
    revision_type TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    reason TEXT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (objective_id, revision_no)
);

-- KPI measurements: append-only; the target in force is copied so history stays true.
CREATE TABLE kpi_measurement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    objective_id INTEGER NOT NULL REFERENCES objective(id) ON DELETE CASCADE,
    period_frm TEXT,
    period_to TEXT NOT NULL,
    "value" REAL NOT NULL,
    target_at_time REAL NOT NULL,
    direction TEXT NOT NULL,
    rag TEXT NOT NULL CHECK (rag IN ('RED', 'AMBER', 'GREEN')),
    evidence_ref TEXT,
    "comment" TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX kpi_measurement_objective ON kpi_measurement (objective_id, period_to);

-- Counters behind the human references (MR-2026-01, MR-2026-01-A03).
CREATE TABLE ref_counter (
    scope TEXT PRIMARY KEY,
    last_value INTEGER NOT NULL
);

-- Idempotency-Key: the first response to a POST, replayed on a retry.
CREATE TABLE idempotency (
    user_name TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    location TEXT,
    etag TEXT,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_name, idem_key)
);

CREATE INDEX action_owner ON action (owner, "status");
CREATE INDEX action_due ON action (due_date);
CREATE INDEX review_planned ON review (planned_date);
