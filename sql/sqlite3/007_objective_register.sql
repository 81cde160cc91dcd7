-- 007: objectives are a register revised by reviews (issue 12 section 2, domain-model.md A.9).
-- An objective keeps its identity (objective_id, the id of the row that created it) across
-- reviews; each objective row of a review is one ObjectiveRevision of that identity: its
-- number, its type, the reason and the state it replaced (prior_state, JSON). The rows stay
-- sealed with their review; the objective's later life is the revisions of later reviews
-- and its KPI measurements, which belong to the identity. Input d4 is derived: the state of
-- every live objective when the review was created or refreshed is snapshotted into
-- objective_snapshot, sealed with the review like the action snapshots of input a.

ALTER TABLE objective ADD COLUMN objective_id INTEGER;
ALTER TABLE objective ADD COLUMN revision_no INTEGER;
ALTER TABLE objective ADD COLUMN revision_type TEXT CHECK (revision_type IN ('CREATED', 'TARGET_REVISED', 'TIMELINE_ADJUSTED', 'KPI_CHANGED', 'OWNER_CHANGED', 'STATEMENT_REVISED', 'ACHIEVED_CLOSED', 'WITHDRAWN', 'OTHER'));
ALTER TABLE objective ADD COLUMN revision_reason TEXT;
ALTER TABLE objective ADD COLUMN prior_state TEXT;

-- every objective so far was created by its review: it becomes revision 1 of itself, so its
-- id, its URLs and its KPI measurements (kpi_measurement.objective_id) stay what they were
UPDATE objective SET objective_id = id, revision_no = 1, revision_type = 'CREATED';
CREATE UNIQUE INDEX objective_identity_revision ON objective (objective_id, revision_no);
CREATE UNIQUE INDEX objective_identity_review ON objective (review_id, objective_id);

DROP TRIGGER objective_sealed_update;
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
        OLD.objective_id IS NOT NEW.objective_id OR
        OLD.revision_no IS NOT NEW.revision_no OR
        OLD.revision_type IS NOT NEW.revision_type OR
        OLD.revision_reason IS NOT NEW.revision_reason OR
        OLD.prior_state IS NOT NEW.prior_state OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: objective content of a review that is not a draft'); END;

CREATE TABLE objective_snapshot (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    input_id INTEGER NOT NULL REFERENCES input_item(id) ON DELETE CASCADE,
    objective_id INTEGER NOT NULL,
    revision_no INTEGER NOT NULL,
    objective_ref TEXT NOT NULL,
    statement TEXT NOT NULL,
    owner TEXT,
    status TEXT,
    kpi_name TEXT,
    kpi_unit TEXT,
    kpi_direction TEXT,
    kpi_target REAL,
    latest_value REAL,
    latest_period_to TEXT,
    latest_rag TEXT,
    period_count INTEGER NOT NULL,
    period_mean REAL,
    previous_mean REAL,
    trend TEXT NOT NULL CHECK (trend IN ('IMPROVING', 'STABLE', 'DETERIORATING', 'INSUFFICIENT_DATA')),
    UNIQUE (review_id, objective_id)
);
CREATE INDEX objective_snapshot_input ON objective_snapshot (input_id);

CREATE TRIGGER objective_snapshot_sealed_insert BEFORE INSERT ON objective_snapshot
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: objective snapshot of a review that is not a draft'); END;
CREATE TRIGGER objective_snapshot_sealed_update BEFORE UPDATE ON objective_snapshot
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: objective snapshot of a review that is not a draft'); END;
CREATE TRIGGER objective_snapshot_sealed_delete BEFORE DELETE ON objective_snapshot
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: objective snapshot of a review that is not a draft'); END;
CREATE TRIGGER objective_snapshot_id_fixed BEFORE UPDATE OF id ON objective_snapshot
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
