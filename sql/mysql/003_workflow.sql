-- SPDX-License-Identifier: Apache-2.0
-- 003: the approval workflow and the evidence that it happened: transitions, approvals,
-- waivers of completeness findings, sealed versions (canonical JSON + SHA-256), and the
-- append-only hash-chained audit trail. Guards below the API: sealed content, sealed
-- versions and the audit trail cannot be changed by any statement, whatever sends it.
-- MariaDB/MySQL: the guards of sql/sqlite3/003_workflow.sql as MariaDB triggers.

CREATE TABLE IF NOT EXISTS workflow_transition (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    action MEDIUMTEXT NOT NULL,
    prior_status MEDIUMTEXT NOT NULL,
    to_status MEDIUMTEXT NOT NULL,
    actor MEDIUMTEXT NOT NULL,
    "comment" MEDIUMTEXT,
    created_at MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS workflow_transition_review ON workflow_transition (review_id, id);

CREATE TABLE IF NOT EXISTS approval (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    approver MEDIUMTEXT NOT NULL,
    approver_key VARCHAR(512) NOT NULL,
    "comment" MEDIUMTEXT,
    created_at MEDIUMTEXT NOT NULL,
    UNIQUE (review_id, version, approver_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE TABLE IF NOT EXISTS waiver (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    rule_id VARCHAR(128) NOT NULL,
    justification MEDIUMTEXT NOT NULL,
    waived_by MEDIUMTEXT NOT NULL,
    created_at MEDIUMTEXT NOT NULL,
    UNIQUE (review_id, version, rule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE TABLE IF NOT EXISTS review_version (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    status MEDIUMTEXT NOT NULL CHECK (status IN ('APPROVED', 'PUBLISHED', 'SUPERSEDED')),
    content LONGTEXT NOT NULL,
    content_hash MEDIUMTEXT NOT NULL,
    approved_at MEDIUMTEXT NOT NULL,
    approved_by MEDIUMTEXT NOT NULL,
    UNIQUE (review_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE TABLE IF NOT EXISTS audit_event (
    seq BIGINT PRIMARY KEY,
    created_at MEDIUMTEXT NOT NULL,
    actor MEDIUMTEXT,
    roles MEDIUMTEXT NOT NULL,
    client MEDIUMTEXT,
    request_id MEDIUMTEXT,
    method MEDIUMTEXT NOT NULL,
    path MEDIUMTEXT NOT NULL,
    action MEDIUMTEXT NOT NULL,
    entity MEDIUMTEXT,
    entity_id BIGINT,
    review_id BIGINT,
    status INTEGER NOT NULL,
    before_state LONGTEXT,
    after_state LONGTEXT,
    prev_hash MEDIUMTEXT NOT NULL,
    hash MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS audit_event_review ON audit_event (review_id, seq);

-- The head of the chain: one row, locked by every append, so appends are serialized.
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
INSERT IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The guards, as on SQLite: one trigger per event (MariaDB has no INSERT OR UPDATE
-- triggers and no UPDATE OF column triggers), NULL-safe comparisons (<=>), a refusal is
-- SIGNAL SQLSTATE '45000'. The review: legal status transitions only; an amendment needs its
-- sealed version; content of a review that is not a draft cannot change (the workflow
-- columns can). Items: none added, removed or changed while their review is not a draft,
-- except the tracking columns.

CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the audit trail is append-only';
END;

CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the audit trail is append-only';
END;

CREATE TRIGGER IF NOT EXISTS review_version_no_delete BEFORE DELETE ON review_version FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed versions cannot be deleted';
END;

CREATE TRIGGER IF NOT EXISTS review_version_sealed BEFORE UPDATE ON review_version FOR EACH ROW
BEGIN
    IF NOT (OLD.content <=> NEW.content) OR NOT (OLD.content_hash <=> NEW.content_hash) OR
     NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.version <=> NEW.version) OR
     NOT (OLD.approved_at <=> NEW.approved_at) OR NOT (OLD.approved_by <=> NEW.approved_by) OR
     CONCAT(OLD.status, '>', NEW.status) NOT IN ('APPROVED>APPROVED', 'APPROVED>PUBLISHED',
        'APPROVED>SUPERSEDED', 'PUBLISHED>PUBLISHED', 'PUBLISHED>SUPERSEDED',
        'SUPERSEDED>SUPERSEDED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: a sealed version cannot change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS review_status_guard BEFORE UPDATE ON review FOR EACH ROW
BEGIN
    IF NOT (OLD.status <=> NEW.status) AND CONCAT(OLD.status, '>', NEW.status) NOT IN (
    'PLANNED>DRAFT', 'PLANNED>CANCELLED', 'DRAFT>SUBMITTED', 'DRAFT>CANCELLED',
    'RETURNED>SUBMITTED', 'RETURNED>CANCELLED', 'SUBMITTED>RETURNED', 'SUBMITTED>APPROVED',
    'APPROVED>PUBLISHED', 'APPROVED>DRAFT', 'PUBLISHED>DRAFT') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'illegal review status transition';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS review_amend_guard BEFORE UPDATE ON review FOR EACH ROW
BEGIN
    IF OLD.status IN ('APPROVED', 'PUBLISHED') AND NEW.status = 'DRAFT' AND
     (NOT (NEW.version <=> OLD.version + 1) OR NOT EXISTS (SELECT 1 FROM review_version v
        WHERE v.review_id = OLD.id AND v.version = OLD.version)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'an amendment needs the sealed version and a new version number';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS review_no_delete BEFORE DELETE ON review FOR EACH ROW
BEGIN
    IF OLD.status NOT IN ('PLANNED', 'DRAFT') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'only a draft review can be deleted';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS attendee_sealed_insert BEFORE INSERT ON attendee FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attendee of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS attendee_sealed_delete BEFORE DELETE ON attendee FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attendee of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS attendee_sealed_update BEFORE UPDATE ON attendee FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."person" <=> NEW."person") OR
        NOT (OLD."name" <=> NEW."name") OR
        NOT (OLD."title" <=> NEW."title") OR
        NOT (OLD."function" <=> NEW."function") OR
        NOT (OLD."is_top_management" <=> NEW."is_top_management") OR
        NOT (OLD."participation_role" <=> NEW."participation_role") OR
        NOT (OLD."attendance" <=> NEW."attendance") OR
        NOT (OLD."delegate_for" <=> NEW."delegate_for") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attendee content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS input_item_sealed_insert BEFORE INSERT ON input_item FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: input of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS input_item_sealed_delete BEFORE DELETE ON input_item FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: input of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS input_item_sealed_update BEFORE UPDATE ON input_item FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."category" <=> NEW."category") OR
        NOT (OLD."title" <=> NEW."title") OR
        NOT (OLD."summary" <=> NEW."summary") OR
        NOT (OLD."data_period_frm" <=> NEW."data_period_frm") OR
        NOT (OLD."data_period_to" <=> NEW."data_period_to") OR
        NOT (OLD."trend" <=> NEW."trend") OR
        NOT (OLD."status" <=> NEW."status") OR
        NOT (OLD."na_justification" <=> NEW."na_justification") OR
        NOT (OLD."owner" <=> NEW."owner") OR
        NOT (OLD."metrics" <=> NEW."metrics") OR
        NOT (OLD."evidence_refs" <=> NEW."evidence_refs") OR
        NOT (OLD."discussion" <=> NEW."discussion") OR
        NOT (OLD."conclusion" <=> NEW."conclusion") OR
        NOT (OLD."climate_change_relevance" <=> NEW."climate_change_relevance") OR
        NOT (OLD."context_register_ref" <=> NEW."context_register_ref") OR
        NOT (OLD."interested_party_refs" <=> NEW."interested_party_refs") OR
        NOT (OLD."audit_refs" <=> NEW."audit_refs") OR
        NOT (OLD."risk_assessment_date" <=> NEW."risk_assessment_date") OR
        NOT (OLD."risks_above_acceptance" <=> NEW."risks_above_acceptance") OR
        NOT (OLD."rtp_completion_pct" <=> NEW."rtp_completion_pct") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: input content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS decision_sealed_insert BEFORE INSERT ON decision FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: decision of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS decision_sealed_delete BEFORE DELETE ON decision FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: decision of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS decision_sealed_update BEFORE UPDATE ON decision FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."statement" <=> NEW."statement") OR
        NOT (OLD."category" <=> NEW."category") OR
        NOT (OLD."clause_933_aspect" <=> NEW."clause_933_aspect") OR
        NOT (OLD."outcome" <=> NEW."outcome") OR
        NOT (OLD."rationale" <=> NEW."rationale") OR
        NOT (OLD."basis_input_ids" <=> NEW."basis_input_ids") OR
        NOT (OLD."decided_by" <=> NEW."decided_by") OR
        NOT (OLD."risk_owner_approval" <=> NEW."risk_owner_approval") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: decision content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_sealed_insert BEFORE INSERT ON action FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: action of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_sealed_delete BEFORE DELETE ON action FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: action of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_sealed_update BEFORE UPDATE ON action FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."title" <=> NEW."title") OR
        NOT (OLD."description" <=> NEW."description") OR
        NOT (OLD."type" <=> NEW."type") OR
        NOT (OLD."owner" <=> NEW."owner") OR
        NOT (OLD."original_due_date" <=> NEW."original_due_date") OR
        NOT (OLD."priority" <=> NEW."priority") OR
        NOT (OLD."expected_outcome" <=> NEW."expected_outcome") OR
        NOT (OLD."decision_id" <=> NEW."decision_id") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: action content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS improvement_sealed_insert BEFORE INSERT ON improvement FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: improvement of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS improvement_sealed_delete BEFORE DELETE ON improvement FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: improvement of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS improvement_sealed_update BEFORE UPDATE ON improvement FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."description" <=> NEW."description") OR
        NOT (OLD."source" <=> NEW."source") OR
        NOT (OLD."source_ref" <=> NEW."source_ref") OR
        NOT (OLD."expected_benefit" <=> NEW."expected_benefit") OR
        NOT (OLD."affected_area" <=> NEW."affected_area") OR
        NOT (OLD."estimated_effort" <=> NEW."estimated_effort") OR
        NOT (OLD."disposition" <=> NEW."disposition") OR
        NOT (OLD."disposition_rationale" <=> NEW."disposition_rationale") OR
        NOT (OLD."decision_id" <=> NEW."decision_id") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: improvement content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS isms_change_sealed_insert BEFORE INSERT ON isms_change FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: change of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS isms_change_sealed_delete BEFORE DELETE ON isms_change FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: change of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS isms_change_sealed_update BEFORE UPDATE ON isms_change FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."change_type" <=> NEW."change_type") OR
        NOT (OLD."description" <=> NEW."description") OR
        NOT (OLD."purpose" <=> NEW."purpose") OR
        NOT (OLD."consequences" <=> NEW."consequences") OR
        NOT (OLD."integrity_considerations" <=> NEW."integrity_considerations") OR
        NOT (OLD."resources_needed" <=> NEW."resources_needed") OR
        NOT (OLD."owner" <=> NEW."owner") OR
        NOT (OLD."planned_date" <=> NEW."planned_date") OR
        NOT (OLD."affected_documents" <=> NEW."affected_documents") OR
        NOT (OLD."decision_id" <=> NEW."decision_id") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: change content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_sealed_insert BEFORE INSERT ON objective FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_sealed_delete BEFORE DELETE ON objective FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_sealed_update BEFORE UPDATE ON objective FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."statement" <=> NEW."statement") OR
        NOT (OLD."level" <=> NEW."level") OR
        NOT (OLD."standard" <=> NEW."standard") OR
        NOT (OLD."policy_ref" <=> NEW."policy_ref") OR
        NOT (OLD."measurable" <=> NEW."measurable") OR
        NOT (OLD."evaluation_if_not_measurable" <=> NEW."evaluation_if_not_measurable") OR
        NOT (OLD."evaluation_method" <=> NEW."evaluation_method") OR
        NOT (OLD."owner" <=> NEW."owner") OR
        NOT (OLD."target_date" <=> NEW."target_date") OR
        NOT (OLD."resources_ref" <=> NEW."resources_ref") OR
        NOT (OLD."plan_what" <=> NEW."plan_what") OR
        NOT (OLD."monitoring_frequency" <=> NEW."monitoring_frequency") OR
        NOT (OLD."decision_id" <=> NEW."decision_id") OR
        NOT (OLD.kpi_name <=> NEW.kpi_name) OR
        NOT (OLD.kpi_unit <=> NEW.kpi_unit) OR
        NOT (OLD.kpi_direction <=> NEW.kpi_direction) OR
        NOT (OLD.kpi_baseline <=> NEW.kpi_baseline) OR
        NOT (OLD.kpi_target <=> NEW.kpi_target) OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS resource_req_sealed_insert BEFORE INSERT ON resource_req FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: resource of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS resource_req_sealed_delete BEFORE DELETE ON resource_req FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: resource of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS resource_req_sealed_update BEFORE UPDATE ON resource_req FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."resource_type" <=> NEW."resource_type") OR
        NOT (OLD."description" <=> NEW."description") OR
        NOT (OLD."quantity" <=> NEW."quantity") OR
        NOT (OLD."unit" <=> NEW."unit") OR
        NOT (OLD."amount" <=> NEW."amount") OR
        NOT (OLD."currency" <=> NEW."currency") OR
        NOT (OLD."fiscal_period" <=> NEW."fiscal_period") OR
        NOT (OLD."requested_by" <=> NEW."requested_by") OR
        NOT (OLD."outcome" <=> NEW."outcome") OR
        NOT (OLD."approved_amount" <=> NEW."approved_amount") OR
        NOT (OLD."decision_id" <=> NEW."decision_id") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: resource content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS communication_sealed_insert BEFORE INSERT ON communication FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: communication of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS communication_sealed_delete BEFORE DELETE ON communication FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: communication of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS communication_sealed_update BEFORE UPDATE ON communication FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."what_type" <=> NEW."what_type") OR
        NOT (OLD."artifact_ref" <=> NEW."artifact_ref") OR
        NOT (OLD."audience_type" <=> NEW."audience_type") OR
        NOT (OLD."audience_scope" <=> NEW."audience_scope") OR
        NOT (OLD."recipients" <=> NEW."recipients") OR
        NOT (OLD."redaction_level" <=> NEW."redaction_level") OR
        NOT (OLD."how" <=> NEW."how") OR
        NOT (OLD."when" <=> NEW."when") OR
        NOT (OLD."communicator" <=> NEW."communicator") OR
        NOT (OLD."decision_id" <=> NEW."decision_id") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: communication content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS review_sealed_update BEFORE UPDATE ON review FOR EACH ROW
BEGIN
    IF OLD.status NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        NOT (OLD."ref" <=> NEW."ref") OR
        NOT (OLD."created_at" <=> NEW."created_at") OR
        NOT (OLD."created_by" <=> NEW."created_by") OR
        NOT (OLD."title" <=> NEW."title") OR
        NOT (OLD."review_type" <=> NEW."review_type") OR
        NOT (OLD."trigger" <=> NEW."trigger") OR
        NOT (OLD."planned_date" <=> NEW."planned_date") OR
        NOT (OLD."held_frm" <=> NEW."held_frm") OR
        NOT (OLD."held_to" <=> NEW."held_to") OR
        NOT (OLD."period_frm" <=> NEW."period_frm") OR
        NOT (OLD."period_to" <=> NEW."period_to") OR
        NOT (OLD."format" <=> NEW."format") OR
        NOT (OLD."location" <=> NEW."location") OR
        NOT (OLD."chair" <=> NEW."chair") OR
        NOT (OLD."standards" <=> NEW."standards") OR
        NOT (OLD."classification" <=> NEW."classification") OR
        NOT (OLD."retention_until" <=> NEW."retention_until") OR
        NOT (OLD."language" <=> NEW."language") OR
        NOT (OLD."agenda" <=> NEW."agenda") OR
        NOT (OLD."executive_summary" <=> NEW."executive_summary") OR
        NOT (OLD.suitability_rating <=> NEW.suitability_rating) OR
        NOT (OLD.suitability_rationale <=> NEW.suitability_rationale) OR
        NOT (OLD.adequacy_rating <=> NEW.adequacy_rating) OR
        NOT (OLD.adequacy_rationale <=> NEW.adequacy_rationale) OR
        NOT (OLD.effectiveness_rating <=> NEW.effectiveness_rating) OR
        NOT (OLD.effectiveness_rationale <=> NEW.effectiveness_rationale) OR
        NOT (OLD."next_review_date" <=> NEW."next_review_date") OR
        NOT (OLD."author" <=> NEW."author") OR
        NOT (OLD."previous_review_id" <=> NEW."previous_review_id") OR
        NOT (OLD."planned_interval_months" <=> NEW."planned_interval_months")) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: review content of a review that is not a draft';
    END IF;
END;
