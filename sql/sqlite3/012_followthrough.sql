-- SPDX-License-Identifier: Apache-2.0
-- 012: results followed through (issue 12 sections 3 and 5).
--
-- An action's effectiveness check as data (domain-model A.6): required, method, due, result,
-- verified by, at. Tracking columns: they change after approval (the 003 guards list the
-- sealed columns, so new columns may change). Each verification or planning step is also a
-- row of the append-only progress history (action_update).
ALTER TABLE action ADD COLUMN effectiveness_check_required INTEGER;
ALTER TABLE action ADD COLUMN effectiveness_check_method TEXT;
ALTER TABLE action ADD COLUMN effectiveness_check_due TEXT;
ALTER TABLE action ADD COLUMN effectiveness_check_result TEXT;
ALTER TABLE action ADD COLUMN effectiveness_check_verified_by TEXT;
ALTER TABLE action ADD COLUMN effectiveness_check_at TEXT;
ALTER TABLE action_update ADD COLUMN effectiveness_required INTEGER;
ALTER TABLE action_update ADD COLUMN effectiveness_method TEXT;
ALTER TABLE action_update ADD COLUMN effectiveness_due TEXT;
ALTER TABLE action_update ADD COLUMN effectiveness_result TEXT;

-- Input a shows each carried-over action's effectiveness check as it stood when the review
-- was created (a JSON object; null when none was planned or verified). Sealed with the review
-- like the rest of the snapshot.
ALTER TABLE action_snapshot ADD COLUMN effectiveness_at_review TEXT;

-- A previous review held outside the system (before adoption): when it was held, its
-- reference and evidence, the end of the period it covered, and the actions open at it as
-- typed in. The typed-in actions are lines of input a that management concludes on like
-- carried-over actions. Both are sealed with the review.
CREATE TABLE prior_review (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL UNIQUE REFERENCES review(id) ON DELETE CASCADE,
    held_frm TEXT NOT NULL,
    held_to TEXT,
    reference TEXT NOT NULL,
    evidence_ref TEXT,
    evidence_attachment_id INTEGER,
    period_to TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE prior_action (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    action_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('OPEN', 'IN_PROGRESS', 'BLOCKED', 'COMPLETED',
        'VERIFIED_EFFECTIVE', 'VERIFIED_INEFFECTIVE', 'CANCELLED')),
    conclusion TEXT CHECK (conclusion IS NULL OR conclusion IN ('CONTINUE', 'REPLAN', 'CLOSE',
        'CANCEL')),
    "comment" TEXT,
    replan_decision_id INTEGER REFERENCES decision(id) ON DELETE SET NULL,
    UNIQUE (review_id, action_ref)
);

CREATE TRIGGER prior_review_sealed_insert BEFORE INSERT ON prior_review
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: previous review of a review that is not a draft'); END;
CREATE TRIGGER prior_review_sealed_update BEFORE UPDATE ON prior_review
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: previous review of a review that is not a draft'); END;
CREATE TRIGGER prior_review_sealed_delete BEFORE DELETE ON prior_review
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: previous review of a review that is not a draft'); END;
CREATE TRIGGER prior_action_sealed_insert BEFORE INSERT ON prior_action
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: previous review action of a review that is not a draft'); END;
CREATE TRIGGER prior_action_sealed_update BEFORE UPDATE ON prior_action
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: previous review action of a review that is not a draft'); END;
CREATE TRIGGER prior_action_sealed_delete BEFORE DELETE ON prior_action
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: previous review action of a review that is not a draft'); END;
