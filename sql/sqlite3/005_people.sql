-- SPDX-License-Identifier: Apache-2.0
-- 005: the people register (issue 12 section 1): who a login is (display name, job title,
-- function, e-mail) and when they were top management (top_management: a JSON list of
-- {"from","to"} dates, "to" null = still). login_key is the login under the module's
-- identity normalisation (isms_user_key: trimmed, case-folded), one person per key.
-- Attendees get is_top_management_snapshot: taken by the server from the register at the
-- meeting date; NULL on rows written before this migration (their sealed content never had
-- it; the rules then read the author's is_top_management as before). Sealed like the rest.

CREATE TABLE person (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    row_version INTEGER NOT NULL DEFAULT 1,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "login" TEXT NOT NULL,
    "login_key" TEXT NOT NULL UNIQUE,
    "display_name" TEXT NOT NULL,
    "job_title" TEXT,
    "function" TEXT,
    "email" TEXT,
    "top_management" TEXT,
    "active" INTEGER NOT NULL DEFAULT 1
);

ALTER TABLE attendee ADD COLUMN "is_top_management_snapshot" INTEGER;

DROP TRIGGER attendee_sealed_update;
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
        OLD."is_top_management_snapshot" IS NOT NEW."is_top_management_snapshot" OR
        OLD."participation_role" IS NOT NEW."participation_role" OR
        OLD."attendance" IS NOT NEW."attendance" OR
        OLD."delegate_for" IS NOT NEW."delegate_for" OR
        OLD.review_id IS NOT NEW.review_id OR OLD.seq IS NOT NEW.seq)
BEGIN SELECT RAISE(ABORT, 'sealed: attendee content of a review that is not a draft'); END;
