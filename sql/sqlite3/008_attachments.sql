-- SPDX-License-Identifier: Apache-2.0
-- 008: evidence attachments (issue 13). The bytes live content-addressed under
-- ISMSReviewEvidenceDir (sha256/ab/abcdef...); the row names them by SHA-256, which every
-- download re-checks. item_kind is 'review', an item collection ('actions', 'inputs', ...) or
-- 'updates' (an action progress update: tracking data, addable after approval). Rows never
-- change; while the review is not a draft none is added (but to a progress update) and none
-- is deleted: an approved review's attachments are sealed with it (their hashes are in the
-- sealed content).

CREATE TABLE attachment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id INTEGER NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    item_kind TEXT NOT NULL CHECK (item_kind IN ('review', 'attendees', 'inputs', 'decisions',
        'actions', 'improvements', 'changes', 'objectives', 'resources', 'communications',
        'updates')),
    item_id INTEGER,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachment_review ON attachment (review_id, id);

CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment
BEGIN SELECT RAISE(ABORT, 'sealed: attachments are never changed, only added or deleted'); END;
CREATE TRIGGER attachment_sealed_insert BEFORE INSERT ON attachment
WHEN NEW.item_kind <> 'updates' AND
     (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: attachment of a review that is not a draft'); END;
CREATE TRIGGER attachment_sealed_delete BEFORE DELETE ON attachment
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: attachment of a review that is not a draft'); END;
