-- SPDX-License-Identifier: Apache-2.0
-- 003: the approval workflow and the evidence that it happened: transitions, approvals,
-- waivers of completeness findings, sealed versions (canonical JSON + SHA-256), and the
-- append-only hash-chained audit trail. Guards below the API: sealed content, sealed
-- versions and the audit trail cannot be changed by any statement, whatever sends it.

CREATE TABLE workflow_transition (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    action TEXT NOT NULL,
    prior_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    "comment" TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX workflow_transition_review ON workflow_transition (review_id, id);

CREATE TABLE approval (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    approver TEXT NOT NULL,
    approver_key TEXT NOT NULL,
    "comment" TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (review_id, version, approver_key)
);

CREATE TABLE waiver (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    justification TEXT NOT NULL,
    waived_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (review_id, version, rule_id)
);

CREATE TABLE review_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('APPROVED', 'PUBLISHED', 'SUPERSEDED')),
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    UNIQUE (review_id, version)
);

CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    actor TEXT,
    roles TEXT NOT NULL,
    client TEXT,
    request_id TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT,
    entity_id INTEGER,
    review_id INTEGER,
    status INTEGER NOT NULL,
    before_state TEXT,
    after_state TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_event_review ON audit_event (review_id, seq);

-- The head of the chain: one row, locked by every append, so appends are serialized.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER review_version_no_delete BEFORE DELETE ON review_version
BEGIN SELECT RAISE(ABORT, 'sealed versions cannot be deleted'); END;
CREATE TRIGGER review_version_sealed BEFORE UPDATE ON review_version
WHEN OLD.content IS NOT NEW.content OR OLD.content_hash IS NOT NEW.content_hash OR
     OLD.review_id IS NOT NEW.review_id OR OLD.version IS NOT NEW.version OR
     OLD.approved_at IS NOT NEW.approved_at OR OLD.approved_by IS NOT NEW.approved_by OR
     (OLD.status || '>' || NEW.status) NOT IN ('APPROVED>APPROVED', 'APPROVED>PUBLISHED',
        'APPROVED>SUPERSEDED', 'PUBLISHED>PUBLISHED', 'PUBLISHED>SUPERSEDED',
        'SUPERSEDED>SUPERSEDED')
BEGIN SELECT RAISE(ABORT, 'sealed: a sealed version cannot change'); END;
CREATE TRIGGER review_status_guard BEFORE UPDATE OF status ON review
WHEN OLD.status IS NOT NEW.status AND (OLD.status || '>' || NEW.status) NOT IN (
    'PLANNED>DRAFT', 'PLANNED>CANCELLED', 'DRAFT>SUBMITTED', 'DRAFT>CANCELLED',
    'RETURNED>SUBMITTED', 'RETURNED>CANCELLED', 'SUBMITTED>RETURNED', 'SUBMITTED>APPROVED',
    'APPROVED>PUBLISHED', 'APPROVED>DRAFT', 'PUBLISHED>DRAFT')
BEGIN SELECT RAISE(ABORT, 'illegal review status transition'); END;
CREATE TRIGGER review_amend_guard BEFORE UPDATE OF status ON review
WHEN OLD.status IN ('APPROVED', 'PUBLISHED') AND NEW.status = 'DRAFT' AND
     (NEW.version IS NOT OLD.version + 1 OR NOT EXISTS (SELECT 1 FROM review_version v
        WHERE v.review_id = OLD.id AND v.version = OLD.version))
BEGIN SELECT RAISE(ABORT, 'an amendment needs the sealed version and a new version number'); END;
CREATE TRIGGER review_no_delete BEFORE DELETE ON review
WHEN OLD.status NOT IN ('PLANNED', 'DRAFT')
BEGIN SELECT RAISE(ABORT, 'only a draft review can be deleted'); END;

CREATE TRIGGER attendee_sealed_insert BEFORE INSERT ON attendee
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: attendee of a review that is not a draft'); END;
CREATE TRIGGER attendee_sealed_delete BEFORE DELETE ON attendee
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: attendee of a review that is not a draft'); END;
CREATE TRIGGER attendee_sealed_update BEFORE UPDATE ON attendee
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."person" IS NOT NEW."person" OR
        OLD."name" IS NOT NEW."name" OR
        OLD."title" IS NOT NEW."title" OR
        OLD."function" IS NOT NEW."function" OR
        OLD."is_top_management" IS NOT NEW."is_top_management" OR
        OLD."participation_role" IS NOT NEW."participation_role" OR
        OLD."attendance" IS NOT NEW."attendance" OR
        OLD."delegate_for" IS NOT NEW."delegate_for" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: attendee content of a review that is not a draft'); END;

CREATE TRIGGER input_item_sealed_insert BEFORE INSERT ON input_item
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: input of a review that is not a draft'); END;
CREATE TRIGGER input_item_sealed_delete BEFORE DELETE ON input_item
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: input of a review that is not a draft'); END;
CREATE TRIGGER input_item_sealed_update BEFORE UPDATE ON input_item
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."category" IS NOT NEW."category" OR
        OLD."title" IS NOT NEW."title" OR
        OLD."summary" IS NOT NEW."summary" OR
        OLD."data_period_frm" IS NOT NEW."data_period_frm" OR
        OLD."data_period_to" IS NOT NEW."data_period_to" OR
        OLD."trend" IS NOT NEW."trend" OR
        OLD."status" IS NOT NEW."status" OR
        OLD."na_justification" IS NOT NEW."na_justification" OR
        OLD."owner" IS NOT NEW."owner" OR
        OLD."metrics" IS NOT NEW."metrics" OR
        OLD."evidence_refs" IS NOT NEW."evidence_refs" OR
        OLD."discussion" IS NOT NEW."discussion" OR
        OLD."conclusion" IS NOT NEW."conclusion" OR
        OLD."climate_change_relevance" IS NOT NEW."climate_change_relevance" OR
        OLD."context_register_ref" IS NOT NEW."context_register_ref" OR
        OLD."interested_party_refs" IS NOT NEW."interested_party_refs" OR
        OLD."audit_refs" IS NOT NEW."audit_refs" OR
        OLD."risk_assessment_date" IS NOT NEW."risk_assessment_date" OR
        OLD."risks_above_acceptance" IS NOT NEW."risks_above_acceptance" OR
        OLD."rtp_completion_pct" IS NOT NEW."rtp_completion_pct" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: input content of a review that is not a draft'); END;

CREATE TRIGGER decision_sealed_insert BEFORE INSERT ON decision
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: decision of a review that is not a draft'); END;
CREATE TRIGGER decision_sealed_delete BEFORE DELETE ON decision
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: decision of a review that is not a draft'); END;
CREATE TRIGGER decision_sealed_update BEFORE UPDATE ON decision
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."statement" IS NOT NEW."statement" OR
        OLD."category" IS NOT NEW."category" OR
        OLD."clause_933_aspect" IS NOT NEW."clause_933_aspect" OR
        OLD."outcome" IS NOT NEW."outcome" OR
        OLD."rationale" IS NOT NEW."rationale" OR
        OLD."basis_input_ids" IS NOT NEW."basis_input_ids" OR
        OLD."decided_by" IS NOT NEW."decided_by" OR
        OLD."risk_owner_approval" IS NOT NEW."risk_owner_approval" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: decision content of a review that is not a draft'); END;

CREATE TRIGGER action_sealed_insert BEFORE INSERT ON action
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: action of a review that is not a draft'); END;
CREATE TRIGGER action_sealed_delete BEFORE DELETE ON action
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: action of a review that is not a draft'); END;
CREATE TRIGGER action_sealed_update BEFORE UPDATE ON action
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."title" IS NOT NEW."title" OR
        OLD."description" IS NOT NEW."description" OR
        OLD."type" IS NOT NEW."type" OR
        OLD."owner" IS NOT NEW."owner" OR
        OLD."original_due_date" IS NOT NEW."original_due_date" OR
        OLD."priority" IS NOT NEW."priority" OR
        OLD."expected_outcome" IS NOT NEW."expected_outcome" OR
        OLD."decision_id" IS NOT NEW."decision_id" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: action content of a review that is not a draft'); END;

CREATE TRIGGER improvement_sealed_insert BEFORE INSERT ON improvement
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: improvement of a review that is not a draft'); END;
CREATE TRIGGER improvement_sealed_delete BEFORE DELETE ON improvement
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: improvement of a review that is not a draft'); END;
CREATE TRIGGER improvement_sealed_update BEFORE UPDATE ON improvement
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."description" IS NOT NEW."description" OR
        OLD."source" IS NOT NEW."source" OR
        OLD."source_ref" IS NOT NEW."source_ref" OR
        OLD."expected_benefit" IS NOT NEW."expected_benefit" OR
        OLD."affected_area" IS NOT NEW."affected_area" OR
        OLD."estimated_effort" IS NOT NEW."estimated_effort" OR
        OLD."disposition" IS NOT NEW."disposition" OR
        OLD."disposition_rationale" IS NOT NEW."disposition_rationale" OR
        OLD."decision_id" IS NOT NEW."decision_id" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: improvement content of a review that is not a draft'); END;

CREATE TRIGGER isms_change_sealed_insert BEFORE INSERT ON isms_change
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: change of a review that is not a draft'); END;
CREATE TRIGGER isms_change_sealed_delete BEFORE DELETE ON isms_change
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: change of a review that is not a draft'); END;
CREATE TRIGGER isms_change_sealed_update BEFORE UPDATE ON isms_change
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."change_type" IS NOT NEW."change_type" OR
        OLD."description" IS NOT NEW."description" OR
        OLD."purpose" IS NOT NEW."purpose" OR
        OLD."consequences" IS NOT NEW."consequences" OR
        OLD."integrity_considerations" IS NOT NEW."integrity_considerations" OR
        OLD."resources_needed" IS NOT NEW."resources_needed" OR
        OLD."owner" IS NOT NEW."owner" OR
        OLD."planned_date" IS NOT NEW."planned_date" OR
        OLD."affected_documents" IS NOT NEW."affected_documents" OR
        OLD."decision_id" IS NOT NEW."decision_id" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: change content of a review that is not a draft'); END;

CREATE TRIGGER objective_sealed_insert BEFORE INSERT ON objective
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: objective of a review that is not a draft'); END;
CREATE TRIGGER objective_sealed_delete BEFORE DELETE ON objective
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: objective of a review that is not a draft'); END;
CREATE TRIGGER objective_sealed_update BEFORE UPDATE ON objective
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."statement" IS NOT NEW."statement" OR
        OLD."level" IS NOT NEW."level" OR
        OLD."standard" IS NOT NEW."standard" OR
        OLD."policy_ref" IS NOT NEW."policy_ref" OR
        OLD."measurable" IS NOT NEW."measurable" OR
        OLD."evaluation_if_not_measurable" IS NOT NEW."evaluation_if_not_measurable" OR
        OLD."evaluation_method" IS NOT NEW."evaluation_method" OR
        OLD."owner" IS NOT NEW."owner" OR
        OLD."target_date" IS NOT NEW."target_date" OR
        OLD."resources_ref" IS NOT NEW."resources_ref" OR
        OLD."plan_what" IS NOT NEW."plan_what" OR
        OLD."monitoring_frequency" IS NOT NEW."monitoring_frequency" OR
        OLD."decision_id" IS NOT NEW."decision_id" OR
        OLD.kpi_name IS NOT NEW.kpi_name OR
        OLD.kpi_unit IS NOT NEW.kpi_unit OR
        OLD.kpi_direction IS NOT NEW.kpi_direction OR
        OLD.kpi_baseline IS NOT NEW.kpi_baseline OR
        OLD.kpi_target IS NOT NEW.kpi_target OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: objective content of a review that is not a draft'); END;

CREATE TRIGGER resource_req_sealed_insert BEFORE INSERT ON resource_req
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: resource of a review that is not a draft'); END;
CREATE TRIGGER resource_req_sealed_delete BEFORE DELETE ON resource_req
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: resource of a review that is not a draft'); END;
CREATE TRIGGER resource_req_sealed_update BEFORE UPDATE ON resource_req
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."resource_type" IS NOT NEW."resource_type" OR
        OLD."description" IS NOT NEW."description" OR
        OLD."quantity" IS NOT NEW."quantity" OR
        OLD."unit" IS NOT NEW."unit" OR
        OLD."amount" IS NOT NEW."amount" OR
        OLD."currency" IS NOT NEW."currency" OR
        OLD."fiscal_period" IS NOT NEW."fiscal_period" OR
        OLD."requested_by" IS NOT NEW."requested_by" OR
        OLD."outcome" IS NOT NEW."outcome" OR
        OLD."approved_amount" IS NOT NEW."approved_amount" OR
        OLD."decision_id" IS NOT NEW."decision_id" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: resource content of a review that is not a draft'); END;

CREATE TRIGGER communication_sealed_insert BEFORE INSERT ON communication
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: communication of a review that is not a draft'); END;
CREATE TRIGGER communication_sealed_delete BEFORE DELETE ON communication
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: communication of a review that is not a draft'); END;
CREATE TRIGGER communication_sealed_update BEFORE UPDATE ON communication
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."what_type" IS NOT NEW."what_type" OR
        OLD."artifact_ref" IS NOT NEW."artifact_ref" OR
        OLD."audience_type" IS NOT NEW."audience_type" OR
        OLD."audience_scope" IS NOT NEW."audience_scope" OR
        OLD."recipients" IS NOT NEW."recipients" OR
        OLD."redaction_level" IS NOT NEW."redaction_level" OR
        OLD."how" IS NOT NEW."how" OR
        OLD."when" IS NOT NEW."when" OR
        OLD."communicator" IS NOT NEW."communicator" OR
        OLD."decision_id" IS NOT NEW."decision_id" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: communication content of a review that is not a draft'); END;

CREATE TRIGGER review_sealed_update BEFORE UPDATE ON review
WHEN OLD.status NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND (
        OLD."ref" IS NOT NEW."ref" OR
        OLD."created_at" IS NOT NEW."created_at" OR
        OLD."created_by" IS NOT NEW."created_by" OR
        OLD."title" IS NOT NEW."title" OR
        OLD."review_type" IS NOT NEW."review_type" OR
        OLD."trigger" IS NOT NEW."trigger" OR
        OLD."planned_date" IS NOT NEW."planned_date" OR
        OLD."held_frm" IS NOT NEW."held_frm" OR
        OLD."held_to" IS NOT NEW."held_to" OR
        OLD."period_frm" IS NOT NEW."period_frm" OR
        OLD."period_to" IS NOT NEW."period_to" OR
        OLD."format" IS NOT NEW."format" OR
        OLD."location" IS NOT NEW."location" OR
        OLD."chair" IS NOT NEW."chair" OR
        OLD."standards" IS NOT NEW."standards" OR
        OLD."classification" IS NOT NEW."classification" OR
        OLD."retention_until" IS NOT NEW."retention_until" OR
        OLD."language" IS NOT NEW."language" OR
        OLD."agenda" IS NOT NEW."agenda" OR
        OLD."executive_summary" IS NOT NEW."executive_summary" OR
        OLD.suitability_rating IS NOT NEW.suitability_rating OR
        OLD.suitability_rationale IS NOT NEW.suitability_rationale OR
        OLD.adequacy_rating IS NOT NEW.adequacy_rating OR
        OLD.adequacy_rationale IS NOT NEW.adequacy_rationale OR
        OLD.effectiveness_rating IS NOT NEW.effectiveness_rating OR
        OLD.effectiveness_rationale IS NOT NEW.effectiveness_rationale OR
        OLD."next_review_date" IS NOT NEW."next_review_date" OR
        OLD."author" IS NOT NEW."author" OR
        OLD."previous_review_id" IS NOT NEW."previous_review_id" OR
        OLD."planned_interval_months" IS NOT NEW."planned_interval_months")
BEGIN SELECT RAISE(ABORT, 'sealed: review content of a review that is not a draft'); END;
