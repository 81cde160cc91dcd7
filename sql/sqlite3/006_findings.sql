-- SPDX-License-Identifier: Apache-2.0
-- 006: waivers and acknowledgements per finding. A finding is one rule about one subject
-- ("action:MR-2026-01-A03:description"); a waiver (of an E finding) names both, so a later
-- finding of the same rule is not waived with it. A waiver from before 006 has no subject
-- and covers its rule, as it did. An approver acknowledges each W finding before approval
-- (finding_ack). Both are append-only, and none is added to a sealed version.

CREATE TABLE waiver_v6 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    justification TEXT NOT NULL,
    waived_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    subject TEXT,
    UNIQUE (review_id, version, rule_id, subject)
);
-- subject last, as ADD COLUMN puts it on PostgreSQL and MariaDB (exports compare by column)
INSERT INTO waiver_v6 (id, review_id, version, rule_id, justification, waived_by, created_at,
                       subject)
SELECT id, review_id, version, rule_id, justification, waived_by, created_at, NULL FROM waiver;
DROP TABLE waiver;
ALTER TABLE waiver_v6 RENAME TO waiver;
CREATE TRIGGER waiver_no_update BEFORE UPDATE ON waiver
BEGIN SELECT RAISE(ABORT, 'waivers are append-only'); END;
CREATE TRIGGER waiver_no_delete BEFORE DELETE ON waiver
BEGIN SELECT RAISE(ABORT, 'waivers are append-only'); END;
CREATE TRIGGER waiver_sealed_insert BEFORE INSERT ON waiver
WHEN EXISTS (SELECT 1 FROM review_version WHERE review_id = NEW.review_id AND
             version = NEW.version)
BEGIN SELECT RAISE(ABORT, 'sealed: waiver for a sealed version'); END;

CREATE TABLE finding_ack (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    "comment" TEXT,
    acknowledged_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (review_id, version, rule_id, subject)
);
CREATE TRIGGER finding_ack_no_update BEFORE UPDATE ON finding_ack
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
CREATE TRIGGER finding_ack_no_delete BEFORE DELETE ON finding_ack
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
CREATE TRIGGER finding_ack_sealed_insert BEFORE INSERT ON finding_ack
WHEN EXISTS (SELECT 1 FROM review_version WHERE review_id = NEW.review_id AND
             version = NEW.version)
BEGIN SELECT RAISE(ABORT, 'sealed: acknowledgement for a sealed version'); END;

-- Management's conclusion on each carried-over line of input a (issue 12 section 3): continue,
-- re-plan (with the ACTION_REPLAN decision in replan_decision_id), close or cancel; the note
-- goes into the snapshot's comment. Sealed with the review by the 004 guards.
ALTER TABLE action_snapshot ADD COLUMN conclusion TEXT
    CHECK (conclusion IS NULL OR conclusion IN ('CONTINUE', 'REPLAN', 'CLOSE', 'CANCEL'));

-- Communication that happened (issue 12 section 5): when it was sent and by whom, tracking
-- columns like status and evidence_ref (the guards list the sealed columns: these may change).
ALTER TABLE communication ADD COLUMN sent_at TEXT;
ALTER TABLE communication ADD COLUMN sent_by TEXT;

-- Resources and ISMS changes followed through (issue 12 section 5): who approved (with budget
-- authority; part of the sealed record), when provided / implemented and how verified
-- (tracking). The 003 guards list the sealed columns, so approved_by gets its own guard.
ALTER TABLE resource_req ADD COLUMN approved_by TEXT;
ALTER TABLE resource_req ADD COLUMN provided_at TEXT;
ALTER TABLE isms_change ADD COLUMN approved_by TEXT;
ALTER TABLE isms_change ADD COLUMN implemented_at TEXT;
ALTER TABLE isms_change ADD COLUMN verification TEXT;
CREATE TRIGGER resource_req_approver_sealed BEFORE UPDATE OF approved_by ON resource_req
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
     AND OLD.approved_by IS NOT NEW.approved_by
BEGIN SELECT RAISE(ABORT, 'sealed: resource content of a review that is not a draft'); END;
CREATE TRIGGER isms_change_approver_sealed BEFORE UPDATE OF approved_by ON isms_change
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
     AND OLD.approved_by IS NOT NEW.approved_by
BEGIN SELECT RAISE(ABORT, 'sealed: change content of a review that is not a draft'); END;
