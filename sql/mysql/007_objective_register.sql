-- 007 (MariaDB/MySQL): objectives are a register revised by reviews (issue 12 section 2, domain-model.md A.9).
-- An objective keeps its identity (objective_id, the id of the row that created it) across
-- reviews; each objective row of a review is one ObjectiveRevision of that identity: its
-- number, its type, the reason and the state it replaced (prior_state, JSON). The rows stay
-- sealed with their review; the objective's later life is the revisions of later reviews
-- and its KPI measurements, which belong to the identity. Input d4 is derived: the state of
-- every live objective when the review was created or refreshed is snapshotted into
-- objective_snapshot, sealed with the review like the action snapshots of input a.

-- DDL commits on its own here: every statement can run again after a failed attempt.
ALTER TABLE objective ADD COLUMN IF NOT EXISTS objective_id BIGINT;
ALTER TABLE objective ADD COLUMN IF NOT EXISTS revision_no INTEGER;
ALTER TABLE objective ADD COLUMN IF NOT EXISTS revision_type MEDIUMTEXT CHECK (revision_type IN ('CREATED', 'TARGET_REVISED', 'TIMELINE_ADJUSTED', 'KPI_CHANGED', 'OWNER_CHANGED', 'STATEMENT_REVISED', 'ACHIEVED_CLOSED', 'WITHDRAWN', 'OTHER'));
ALTER TABLE objective ADD COLUMN IF NOT EXISTS revision_reason MEDIUMTEXT;
ALTER TABLE objective ADD COLUMN IF NOT EXISTS prior_state MEDIUMTEXT;

-- every objective so far was created by its review: it becomes revision 1 of itself, so its
-- id, its URLs and its KPI measurements (kpi_measurement.objective_id) stay what they were
UPDATE objective SET objective_id = id, revision_no = 1, revision_type = 'CREATED' WHERE objective_id IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS objective_identity_revision ON objective (objective_id, revision_no);
CREATE UNIQUE INDEX IF NOT EXISTS objective_identity_review ON objective (review_id, objective_id);

DROP TRIGGER IF EXISTS objective_sealed_update;
CREATE TRIGGER objective_sealed_update BEFORE UPDATE ON objective FOR EACH ROW
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
        NOT (OLD.objective_id <=> NEW.objective_id) OR
        NOT (OLD.revision_no <=> NEW.revision_no) OR
        NOT (OLD.revision_type <=> NEW.revision_type) OR
        NOT (OLD.revision_reason <=> NEW.revision_reason) OR
        NOT (OLD.prior_state <=> NEW.prior_state) OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective content of a review that is not a draft';
    END IF;
END;

CREATE TABLE IF NOT EXISTS objective_snapshot (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    input_id BIGINT NOT NULL REFERENCES input_item(id) ON DELETE CASCADE,
    objective_id BIGINT NOT NULL,
    revision_no INTEGER NOT NULL,
    objective_ref MEDIUMTEXT NOT NULL,
    statement MEDIUMTEXT NOT NULL,
    owner MEDIUMTEXT,
    status MEDIUMTEXT,
    kpi_name MEDIUMTEXT,
    kpi_unit MEDIUMTEXT,
    kpi_direction MEDIUMTEXT,
    kpi_target DOUBLE PRECISION,
    latest_value DOUBLE PRECISION,
    latest_period_to MEDIUMTEXT,
    latest_rag MEDIUMTEXT,
    period_count INTEGER NOT NULL,
    period_mean DOUBLE PRECISION,
    previous_mean DOUBLE PRECISION,
    trend MEDIUMTEXT NOT NULL CHECK (trend IN ('IMPROVING', 'STABLE', 'DETERIORATING', 'INSUFFICIENT_DATA')),
    UNIQUE (review_id, objective_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS objective_snapshot_input ON objective_snapshot (input_id);

CREATE TRIGGER IF NOT EXISTS objective_snapshot_sealed_insert BEFORE INSERT ON objective_snapshot FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective snapshot of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_snapshot_sealed_update BEFORE UPDATE ON objective_snapshot FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective snapshot of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_snapshot_sealed_delete BEFORE DELETE ON objective_snapshot FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: objective snapshot of a review that is not a draft';
    END IF;
END;
