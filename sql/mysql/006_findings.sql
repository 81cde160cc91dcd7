-- SPDX-License-Identifier: Apache-2.0
-- 006: waivers and acknowledgements per finding. A finding is one rule about one subject
-- ("action:MR-2026-01-A03:description"); a waiver (of an E finding) names both, so a later
-- finding of the same rule is not waived with it. A waiver from before 006 has no subject
-- and covers its rule, as it did. An approver acknowledges each W finding before approval
-- (finding_ack). Both are append-only, and none is added to a sealed version.

ALTER TABLE waiver ADD COLUMN IF NOT EXISTS subject VARCHAR(400) NULL;
ALTER TABLE waiver ADD UNIQUE KEY IF NOT EXISTS waiver_rule_subject (review_id, version,
                                                                    rule_id, subject);
ALTER TABLE waiver DROP INDEX IF EXISTS review_id;

CREATE TABLE IF NOT EXISTS finding_ack (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id),
    version INTEGER NOT NULL,
    rule_id VARCHAR(128) NOT NULL,
    subject VARCHAR(400) NOT NULL,
    `comment` MEDIUMTEXT,
    acknowledged_by MEDIUMTEXT NOT NULL,
    created_at MEDIUMTEXT NOT NULL,
    UNIQUE KEY finding_ack_rule_subject (review_id, version, rule_id, subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TRIGGER IF NOT EXISTS finding_ack_no_update BEFORE UPDATE ON finding_ack FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'acknowledgements are append-only';
END;

CREATE TRIGGER IF NOT EXISTS finding_ack_no_delete BEFORE DELETE ON finding_ack FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'acknowledgements are append-only';
END;

CREATE TRIGGER IF NOT EXISTS waiver_sealed_insert BEFORE INSERT ON waiver FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM review_version WHERE review_id = NEW.review_id AND
               version = NEW.version) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: waiver for a sealed version';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS finding_ack_sealed_insert BEFORE INSERT ON finding_ack FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM review_version WHERE review_id = NEW.review_id AND
               version = NEW.version) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: acknowledgement for a sealed version';
    END IF;
END;

-- Management's conclusion on each carried-over line of input a (issue 12 section 3): continue,
-- re-plan (with the ACTION_REPLAN decision in replan_decision_id), close or cancel; the note
-- goes into the snapshot's comment. Sealed with the review by the 004 guards.
ALTER TABLE action_snapshot ADD COLUMN IF NOT EXISTS conclusion VARCHAR(16) NULL
    CHECK (conclusion IS NULL OR conclusion IN ('CONTINUE', 'REPLAN', 'CLOSE', 'CANCEL'));

-- Communication that happened (issue 12 section 5): when it was sent and by whom, tracking
-- columns like status and evidence_ref (the guards list the sealed columns: these may change).
ALTER TABLE communication ADD COLUMN IF NOT EXISTS sent_at MEDIUMTEXT NULL;
ALTER TABLE communication ADD COLUMN IF NOT EXISTS sent_by MEDIUMTEXT NULL;

-- Resources and ISMS changes followed through (issue 12 section 5): who approved (with budget
-- authority; part of the sealed record), when provided / implemented and how verified
-- (tracking). The 003 guards list the sealed columns, so approved_by gets its own guard.
ALTER TABLE resource_req ADD COLUMN IF NOT EXISTS approved_by MEDIUMTEXT NULL;
ALTER TABLE resource_req ADD COLUMN IF NOT EXISTS provided_at MEDIUMTEXT NULL;
ALTER TABLE isms_change ADD COLUMN IF NOT EXISTS approved_by MEDIUMTEXT NULL;
ALTER TABLE isms_change ADD COLUMN IF NOT EXISTS implemented_at MEDIUMTEXT NULL;
ALTER TABLE isms_change ADD COLUMN IF NOT EXISTS verification MEDIUMTEXT NULL;

CREATE TRIGGER IF NOT EXISTS resource_req_approver_sealed BEFORE UPDATE ON resource_req FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
       AND NOT (OLD.approved_by <=> NEW.approved_by) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: resource content of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS isms_change_approver_sealed BEFORE UPDATE ON isms_change FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
       AND NOT (OLD.approved_by <=> NEW.approved_by) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: change content of a review that is not a draft';
    END IF;
END;
