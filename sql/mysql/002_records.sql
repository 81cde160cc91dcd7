-- SPDX-License-Identifier: Apache-2.0
-- 002: the management review record (domain-model.md §A): the review, its nine kinds of
-- item, the review-to-review action snapshots, action progress history, objective
-- revisions, KPI measurements, reference counters and idempotency keys.
-- Columns follow the entity descriptors in mod_ismsreview/core/isms_entity.c; a unit test
-- checks that every descriptor field has its column. No column name contains "from": the
-- libdbi sqlite3 driver loops forever on such statements (see README, "libdbi facts"), so
-- "from" is spelled "frm" in SQL (held_from -> held_frm) and mapped back in isms_record.c.
-- MariaDB/MySQL: InnoDB, utf8mb4 compared byte for byte without padding (utf8mb4_nopad_bin,
-- as PostgreSQL's C collation and SQLite's BINARY); indexed text is VARCHAR sized above the
-- validator's limits, other text MEDIUMTEXT/LONGTEXT: strict mode refuses, never truncates.

CREATE TABLE IF NOT EXISTS review (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" VARCHAR(64),
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "title" MEDIUMTEXT NOT NULL,
    "review_type" MEDIUMTEXT NOT NULL CHECK ("review_type" IN ('SCHEDULED', 'EXTRAORDINARY', 'SEQUENCED_SESSION', 'COMBINED_IMS')),
    "trigger" MEDIUMTEXT CHECK ("trigger" IN ('MAJOR_INCIDENT', 'SIGNIFICANT_CHANGE', 'AUDIT_FINDING', 'REGULATORY_CHANGE', 'ORG_CHANGE', 'OTHER')),
    "planned_date" VARCHAR(32) NOT NULL,
    "held_frm" MEDIUMTEXT,
    "held_to" MEDIUMTEXT,
    "period_frm" MEDIUMTEXT,
    "period_to" MEDIUMTEXT,
    "format" MEDIUMTEXT CHECK ("format" IN ('IN_PERSON', 'REMOTE', 'HYBRID', 'WRITTEN_CIRCULATION')),
    "location" MEDIUMTEXT,
    "chair" MEDIUMTEXT,
    "standards" MEDIUMTEXT,
    "classification" MEDIUMTEXT CHECK ("classification" IN ('PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED')),
    "retention_until" MEDIUMTEXT,
    "language" MEDIUMTEXT,
    "agenda" MEDIUMTEXT,
    "executive_summary" MEDIUMTEXT,
    suitability_rating MEDIUMTEXT,
    suitability_rationale MEDIUMTEXT,
    adequacy_rating MEDIUMTEXT,
    adequacy_rationale MEDIUMTEXT,
    effectiveness_rating MEDIUMTEXT,
    effectiveness_rationale MEDIUMTEXT,
    "next_review_date" MEDIUMTEXT,
    "version_reason" MEDIUMTEXT,
    "status" MEDIUMTEXT CHECK ("status" IN ('PLANNED', 'DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED', 'PUBLISHED', 'SUPERSEDED', 'CANCELLED')),
    "version" BIGINT,
    "author" MEDIUMTEXT,
    "previous_review_id" BIGINT,
    "planned_interval_months" BIGINT,
    "submitted_at" MEDIUMTEXT,
    "submitted_by" MEDIUMTEXT,
    "approved_at" MEDIUMTEXT,
    "approved_by" MEDIUMTEXT,
    "content_hash" MEDIUMTEXT,
    UNIQUE (ref, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE TABLE IF NOT EXISTS attendee (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "person" MEDIUMTEXT,
    "name" MEDIUMTEXT NOT NULL,
    "title" MEDIUMTEXT,
    "function" MEDIUMTEXT,
    "is_top_management" INTEGER NOT NULL,
    "participation_role" MEDIUMTEXT NOT NULL CHECK ("participation_role" IN ('CHAIR', 'MEMBER', 'SECRETARY', 'PRESENTER', 'INVITEE', 'OBSERVER')),
    "attendance" MEDIUMTEXT NOT NULL CHECK ("attendance" IN ('PRESENT', 'REMOTE', 'APOLOGIES', 'ABSENT', 'DELEGATE', 'WRITTEN_CONTRIBUTION')),
    "delegate_for" MEDIUMTEXT,
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS attendee_review ON attendee (review_id);

CREATE TABLE IF NOT EXISTS input_item (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "category" MEDIUMTEXT NOT NULL CHECK ("category" IN ('A_PREV_ACTIONS', 'B_ISSUES_CHANGES', 'C_IP_NEEDS_CHANGES', 'D1_NC_CA', 'D2_MONITORING', 'D3_AUDITS', 'D4_OBJECTIVES', 'E_IP_FEEDBACK', 'F_RISK_RTP', 'G_IMPROVEMENT')),
    "title" MEDIUMTEXT NOT NULL,
    "summary" MEDIUMTEXT,
    "data_period_frm" MEDIUMTEXT,
    "data_period_to" MEDIUMTEXT,
    "trend" MEDIUMTEXT CHECK ("trend" IN ('IMPROVING', 'STABLE', 'DETERIORATING', 'MIXED', 'INSUFFICIENT_DATA', 'NOT_APPLICABLE')),
    "status" MEDIUMTEXT NOT NULL CHECK ("status" IN ('PRESENTED', 'CONSIDERED_NO_CHANGE', 'NOT_APPLICABLE')),
    "na_justification" MEDIUMTEXT,
    "owner" MEDIUMTEXT,
    "metrics" MEDIUMTEXT,
    "evidence_refs" MEDIUMTEXT,
    "discussion" MEDIUMTEXT,
    "conclusion" MEDIUMTEXT,
    "climate_change_relevance" MEDIUMTEXT CHECK ("climate_change_relevance" IN ('RELEVANT', 'NOT_RELEVANT', 'UNDER_ASSESSMENT')),
    "context_register_ref" MEDIUMTEXT,
    "interested_party_refs" MEDIUMTEXT,
    "audit_refs" MEDIUMTEXT,
    "risk_assessment_date" MEDIUMTEXT,
    "risks_above_acceptance" BIGINT,
    "rtp_completion_pct" BIGINT,
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS input_item_review ON input_item (review_id);

CREATE TABLE IF NOT EXISTS decision (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "statement" MEDIUMTEXT NOT NULL,
    "category" MEDIUMTEXT NOT NULL CHECK ("category" IN ('CONTINUAL_IMPROVEMENT', 'ISMS_CHANGE', 'NO_CHANGE_REQUIRED', 'OBJECTIVE', 'RESOURCE', 'RISK_TREATMENT', 'RISK_ACCEPTANCE', 'POLICY', 'SCOPE', 'COMMUNICATION', 'ACTION_REPLAN', 'OTHER')),
    "clause_933_aspect" MEDIUMTEXT NOT NULL CHECK ("clause_933_aspect" IN ('IMPROVEMENT', 'ISMS_CHANGE', 'BOTH', 'NONE')),
    "outcome" MEDIUMTEXT NOT NULL CHECK ("outcome" IN ('APPROVED', 'REJECTED', 'DEFERRED', 'NOTED')),
    "rationale" MEDIUMTEXT,
    "basis_input_ids" MEDIUMTEXT,
    "decided_by" MEDIUMTEXT,
    "risk_owner_approval" MEDIUMTEXT,
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS decision_review ON decision (review_id);

CREATE TABLE IF NOT EXISTS action (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "title" MEDIUMTEXT NOT NULL,
    "description" MEDIUMTEXT,
    "type" MEDIUMTEXT NOT NULL CHECK ("type" IN ('IMPROVEMENT', 'CORRECTIVE', 'CHANGE_IMPLEMENTATION', 'OBJECTIVE_PLAN', 'RESOURCE_PROVISION', 'RISK_TREATMENT', 'COMMUNICATION', 'OTHER')),
    "owner" VARCHAR(256) NOT NULL,
    "due_date" VARCHAR(32) NOT NULL,
    "original_due_date" MEDIUMTEXT,
    "priority" MEDIUMTEXT NOT NULL CHECK ("priority" IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    "expected_outcome" MEDIUMTEXT,
    "decision_id" BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    "nc_ref" MEDIUMTEXT,
    "status" VARCHAR(32) CHECK ("status" IN ('OPEN', 'IN_PROGRESS', 'BLOCKED', 'COMPLETED', 'VERIFIED_EFFECTIVE', 'VERIFIED_INEFFECTIVE', 'CANCELLED')),
    "progress" BIGINT,
    "completed_at" MEDIUMTEXT,
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS action_review ON action (review_id);

CREATE TABLE IF NOT EXISTS improvement (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "description" MEDIUMTEXT NOT NULL,
    "source" MEDIUMTEXT NOT NULL CHECK ("source" IN ('INTERNAL_AUDIT', 'CERTIFICATION_AUDIT_OFI', 'INCIDENT', 'MONITORING', 'IP_FEEDBACK', 'STAFF_SUGGESTION', 'RISK_ASSESSMENT', 'BENCHMARK', 'MANAGEMENT_REVIEW', 'OTHER')),
    "source_ref" MEDIUMTEXT,
    "expected_benefit" MEDIUMTEXT,
    "affected_area" MEDIUMTEXT,
    "estimated_effort" MEDIUMTEXT,
    "disposition" MEDIUMTEXT CHECK ("disposition" IN ('ACCEPTED', 'REJECTED', 'DEFERRED', 'MERGED')),
    "disposition_rationale" MEDIUMTEXT,
    "decision_id" BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    "status" MEDIUMTEXT CHECK ("status" IN ('OPEN', 'IN_IMPLEMENTATION', 'REALIZED', 'CLOSED')),
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS improvement_review ON improvement (review_id);

CREATE TABLE IF NOT EXISTS isms_change (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "change_type" MEDIUMTEXT NOT NULL CHECK ("change_type" IN ('SCOPE', 'IS_POLICY', 'TOPIC_POLICY', 'OBJECTIVES', 'PROCESS_PROCEDURE', 'RISK_METHOD_CRITERIA', 'SOA_CONTROLS', 'ROLES_RESPONSIBILITIES', 'DOCUMENTATION', 'RESOURCES', 'ORG_STRUCTURE', 'OTHER')),
    "description" MEDIUMTEXT NOT NULL,
    "purpose" MEDIUMTEXT,
    "consequences" MEDIUMTEXT,
    "integrity_considerations" MEDIUMTEXT,
    "resources_needed" MEDIUMTEXT,
    "owner" MEDIUMTEXT,
    "planned_date" MEDIUMTEXT,
    "affected_documents" MEDIUMTEXT,
    "decision_id" BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    "status" MEDIUMTEXT CHECK ("status" IN ('PROPOSED', 'APPROVED', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED', 'VERIFIED', 'REJECTED', 'WITHDRAWN')),
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS isms_change_review ON isms_change (review_id);

CREATE TABLE IF NOT EXISTS objective (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "statement" MEDIUMTEXT NOT NULL,
    "level" MEDIUMTEXT CHECK ("level" IN ('ORGANIZATION', 'FUNCTION', 'PROCESS', 'PROJECT')),
    "standard" MEDIUMTEXT CHECK ("standard" IN ('ISO27001_2022', 'ISO27001_2013', 'ISO9001_2015', 'ISO22301_2019', 'ISO14001_2015', 'ISO45001_2018', 'ISO27701_2019', 'CUSTOM')),
    "policy_ref" MEDIUMTEXT,
    "measurable" INTEGER,
    "evaluation_if_not_measurable" MEDIUMTEXT,
    "evaluation_method" MEDIUMTEXT,
    "owner" MEDIUMTEXT,
    "target_date" MEDIUMTEXT,
    "resources_ref" MEDIUMTEXT,
    "plan_what" MEDIUMTEXT,
    "monitoring_frequency" MEDIUMTEXT,
    "decision_id" BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    "status" MEDIUMTEXT CHECK ("status" IN ('PROPOSED', 'ACTIVE', 'ACHIEVED', 'NOT_ACHIEVED', 'WITHDRAWN', 'SUPERSEDED')),
    kpi_name MEDIUMTEXT,
    kpi_unit MEDIUMTEXT,
    kpi_direction MEDIUMTEXT,
    kpi_baseline DOUBLE PRECISION,
    kpi_target DOUBLE PRECISION,
    "current_revision" BIGINT,
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS objective_review ON objective (review_id);

CREATE TABLE IF NOT EXISTS resource_req (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "resource_type" MEDIUMTEXT NOT NULL CHECK ("resource_type" IN ('BUDGET_OPEX', 'BUDGET_CAPEX', 'PERSONNEL_FTE', 'COMPETENCE_TRAINING', 'TECHNOLOGY_TOOLING', 'EXTERNAL_SERVICE', 'FACILITIES', 'TIME_ALLOCATION', 'OTHER')),
    "description" MEDIUMTEXT NOT NULL,
    "quantity" DOUBLE PRECISION,
    "unit" MEDIUMTEXT,
    "amount" DOUBLE PRECISION,
    "currency" MEDIUMTEXT,
    "fiscal_period" MEDIUMTEXT,
    "requested_by" MEDIUMTEXT,
    "outcome" MEDIUMTEXT CHECK ("outcome" IN ('APPROVED', 'PARTIALLY_APPROVED', 'REJECTED', 'DEFERRED')),
    "approved_amount" DOUBLE PRECISION,
    "decision_id" BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    "provision_status" MEDIUMTEXT CHECK ("provision_status" IN ('PENDING', 'IN_PROCUREMENT', 'PROVIDED', 'WITHDRAWN')),
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS resource_req_review ON resource_req (review_id);

CREATE TABLE IF NOT EXISTS communication (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    "ref" MEDIUMTEXT,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "what_type" MEDIUMTEXT NOT NULL CHECK ("what_type" IN ('FULL_MINUTES', 'EXEC_SUMMARY', 'DECISION_EXTRACT', 'POLICY_CHANGE_NOTICE', 'OBJECTIVE_UPDATE', 'ACTION_ASSIGNMENT', 'OTHER')),
    "artifact_ref" MEDIUMTEXT,
    "audience_type" MEDIUMTEXT NOT NULL CHECK ("audience_type" IN ('BOARD_TOP_MGMT', 'ALL_EMPLOYEES', 'TEAMS', 'ACTION_OWNERS', 'CUSTOMERS', 'SUPPLIERS', 'REGULATORS', 'CERTIFICATION_BODY', 'WORKER_REPS', 'SHAREHOLDERS', 'OTHER')),
    "audience_scope" MEDIUMTEXT CHECK ("audience_scope" IN ('INTERNAL', 'EXTERNAL')),
    "recipients" MEDIUMTEXT,
    "redaction_level" MEDIUMTEXT CHECK ("redaction_level" IN ('NONE', 'SUMMARY_ONLY', 'REDACTED')),
    "how" MEDIUMTEXT NOT NULL CHECK ("how" IN ('EMAIL', 'INTRANET', 'ALL_HANDS', 'TEAM_BRIEFING', 'PORTAL', 'FORMAL_LETTER', 'REPORT', 'TRAINING')),
    "when" MEDIUMTEXT NOT NULL,
    "communicator" MEDIUMTEXT,
    "decision_id" BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    "evidence_ref" MEDIUMTEXT,
    "status" MEDIUMTEXT CHECK ("status" IN ('PLANNED', 'SENT', 'ACKNOWLEDGED', 'CANCELLED')),
    UNIQUE (review_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS communication_review ON communication (review_id);

-- Input a (9.3.2 a): the status of each earlier action at the time a review was created.
CREATE TABLE IF NOT EXISTS action_snapshot (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    input_id BIGINT NOT NULL REFERENCES input_item(id) ON DELETE CASCADE,
    action_id BIGINT NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    action_ref MEDIUMTEXT NOT NULL,
    title MEDIUMTEXT NOT NULL,
    owner MEDIUMTEXT NOT NULL,
    status_at_review MEDIUMTEXT NOT NULL,
    progress_at_review INTEGER NOT NULL,
    due_date_at_review MEDIUMTEXT NOT NULL,
    days_overdue INTEGER NOT NULL,
    carry_over_count INTEGER NOT NULL,
    "comment" MEDIUMTEXT,
    replan_decision_id BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    UNIQUE (review_id, action_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS action_snapshot_action ON action_snapshot (action_id);

-- Progress of an action after (and before) approval: append-only history.
CREATE TABLE IF NOT EXISTS action_update (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    "status" MEDIUMTEXT,
    progress INTEGER,
    note MEDIUMTEXT,
    evidence_ref MEDIUMTEXT,
    due_date MEDIUMTEXT,
    reason MEDIUMTEXT,
    created_at MEDIUMTEXT NOT NULL,
    created_by MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS action_update_action ON action_update (action_id);

-- Objectives keep every revision (6.2 f "updated as appropriate", with history).
CREATE TABLE IF NOT EXISTS objective_revision (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    objective_id BIGINT NOT NULL REFERENCES objective(id) ON DELETE CASCADE,
    revision_no INTEGER NOT NULL,
    revision_type MEDIUMTEXT NOT NULL,
    changed_fields MEDIUMTEXT NOT NULL,
    snapshot LONGTEXT NOT NULL,
    reason MEDIUMTEXT,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    created_at MEDIUMTEXT NOT NULL,
    created_by MEDIUMTEXT NOT NULL,
    UNIQUE (objective_id, revision_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
-- KPI measurements: append-only; the target in force is copied so history stays true.
CREATE TABLE IF NOT EXISTS kpi_measurement (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    objective_id BIGINT NOT NULL REFERENCES objective(id) ON DELETE CASCADE,
    period_frm MEDIUMTEXT,
    period_to VARCHAR(32) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    target_at_time DOUBLE PRECISION NOT NULL,
    direction MEDIUMTEXT NOT NULL,
    rag MEDIUMTEXT NOT NULL CHECK (rag IN ('RED', 'AMBER', 'GREEN')),
    evidence_ref MEDIUMTEXT,
    "comment" MEDIUMTEXT,
    created_at MEDIUMTEXT NOT NULL,
    created_by MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS kpi_measurement_objective ON kpi_measurement (objective_id, period_to);

-- Counters behind the human references (MR-2026-01, MR-2026-01-A03).
CREATE TABLE IF NOT EXISTS ref_counter (
    scope VARCHAR(64) PRIMARY KEY,
    last_value INTEGER NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
-- Idempotency-Key: the first response to a POST, replayed on a retry.
CREATE TABLE IF NOT EXISTS idempotency (
    user_name VARCHAR(512) NOT NULL,
    idem_key VARCHAR(200) NOT NULL,
    method MEDIUMTEXT NOT NULL,
    path MEDIUMTEXT NOT NULL,
    body_hash MEDIUMTEXT NOT NULL,
    status INTEGER NOT NULL,
    location MEDIUMTEXT,
    etag MEDIUMTEXT,
    response LONGTEXT NOT NULL,
    created_at MEDIUMTEXT NOT NULL,
    PRIMARY KEY (user_name, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS action_owner ON action (owner, "status");
CREATE INDEX IF NOT EXISTS action_due ON action (due_date);
CREATE INDEX IF NOT EXISTS review_planned ON review (planned_date);
