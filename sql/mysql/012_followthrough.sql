-- SPDX-License-Identifier: Apache-2.0
-- 012: results followed through (issue 12 sections 3 and 5).
--
-- An action's effectiveness check as data (domain-model A.6): required, method, due, result,
-- verified by, at. Tracking columns: they change after approval (the 003 guards list the
-- sealed columns, so new columns may change). Each verification or planning step is also a
-- row of the append-only progress history (action_update).
ALTER TABLE action ADD COLUMN IF NOT EXISTS effectiveness_check_required INTEGER NULL;
ALTER TABLE action ADD COLUMN IF NOT EXISTS effectiveness_check_method MEDIUMTEXT NULL;
ALTER TABLE action ADD COLUMN IF NOT EXISTS effectiveness_check_due MEDIUMTEXT NULL;
ALTER TABLE action ADD COLUMN IF NOT EXISTS effectiveness_check_result MEDIUMTEXT NULL;
ALTER TABLE action ADD COLUMN IF NOT EXISTS effectiveness_check_verified_by MEDIUMTEXT NULL;
ALTER TABLE action ADD COLUMN IF NOT EXISTS effectiveness_check_at MEDIUMTEXT NULL;
ALTER TABLE action_update ADD COLUMN IF NOT EXISTS effectiveness_required INTEGER NULL;
ALTER TABLE action_update ADD COLUMN IF NOT EXISTS effectiveness_method MEDIUMTEXT NULL;
ALTER TABLE action_update ADD COLUMN IF NOT EXISTS effectiveness_due MEDIUMTEXT NULL;
ALTER TABLE action_update ADD COLUMN IF NOT EXISTS effectiveness_result MEDIUMTEXT NULL;

-- Input a shows each carried-over action's effectiveness check as it stood when the review
-- was created (a JSON object; null when none was planned or verified). Sealed with the review
-- like the rest of the snapshot.
ALTER TABLE action_snapshot ADD COLUMN IF NOT EXISTS effectiveness_at_review MEDIUMTEXT NULL;

-- A previous review held outside the system (before adoption): when it was held, its
-- reference and evidence, the end of the period it covered, and the actions open at it as
-- typed in. The typed-in actions are lines of input a that management concludes on like
-- carried-over actions. Both are sealed with the review.
CREATE TABLE IF NOT EXISTS prior_review (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL UNIQUE REFERENCES review(id) ON DELETE CASCADE,
    held_frm MEDIUMTEXT NOT NULL,
    held_to MEDIUMTEXT,
    reference MEDIUMTEXT NOT NULL,
    evidence_ref MEDIUMTEXT,
    evidence_attachment_id BIGINT,
    period_to MEDIUMTEXT,
    created_at MEDIUMTEXT NOT NULL,
    created_by MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE TABLE IF NOT EXISTS prior_action (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    action_ref VARCHAR(200) NOT NULL,
    title MEDIUMTEXT NOT NULL,
    owner MEDIUMTEXT NOT NULL,
    due_date MEDIUMTEXT NOT NULL,
    status VARCHAR(24) NOT NULL CHECK (status IN ('OPEN', 'IN_PROGRESS', 'BLOCKED', 'COMPLETED',
        'VERIFIED_EFFECTIVE', 'VERIFIED_INEFFECTIVE', 'CANCELLED')),
    conclusion VARCHAR(16) NULL CHECK (conclusion IS NULL OR conclusion IN ('CONTINUE',
        'REPLAN', 'CLOSE', 'CANCEL')),
    "comment" MEDIUMTEXT,
    replan_decision_id BIGINT REFERENCES decision(id) ON DELETE SET NULL,
    UNIQUE (review_id, action_ref)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TRIGGER IF NOT EXISTS prior_review_sealed_insert BEFORE INSERT ON prior_review FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: previous review of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS prior_review_sealed_update BEFORE UPDATE ON prior_review FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: previous review of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS prior_review_sealed_delete BEFORE DELETE ON prior_review FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: previous review of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS prior_action_sealed_insert BEFORE INSERT ON prior_action FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: previous review action of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS prior_action_sealed_update BEFORE UPDATE ON prior_action FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: previous review action of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS prior_action_sealed_delete BEFORE DELETE ON prior_action FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: previous review action of a review that is not a draft';
    END IF;
END;
