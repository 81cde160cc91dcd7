-- SPDX-License-Identifier: Apache-2.0
-- 005: the people register (issue 12 section 1): who a login is (display name, job title,
-- function, e-mail) and when they were top management (top_management: a JSON list of
-- {"from","to"} dates, "to" null = still). login_key is the login under the module's
-- identity normalisation (isms_user_key: trimmed, case-folded), one person per key.
-- Attendees get is_top_management_snapshot: taken by the server from the register at the
-- meeting date; NULL on rows written before this migration. Sealed like the rest: the
-- attendee update guard of 003 is recreated with the new column.

CREATE TABLE IF NOT EXISTS person (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    row_version INTEGER NOT NULL DEFAULT 1,
    "created_at" MEDIUMTEXT NOT NULL,
    "created_by" MEDIUMTEXT NOT NULL,
    "updated_at" MEDIUMTEXT,
    "updated_by" MEDIUMTEXT,
    "login" MEDIUMTEXT NOT NULL,
    "login_key" VARCHAR(300) NOT NULL UNIQUE,
    "display_name" MEDIUMTEXT NOT NULL,
    "job_title" MEDIUMTEXT,
    "function" MEDIUMTEXT,
    "email" MEDIUMTEXT,
    "top_management" MEDIUMTEXT,
    "active" INTEGER NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

ALTER TABLE attendee ADD COLUMN IF NOT EXISTS "is_top_management_snapshot" INTEGER;

DROP TRIGGER IF EXISTS attendee_sealed_update;
CREATE TRIGGER attendee_sealed_update BEFORE UPDATE ON attendee FOR EACH ROW
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
        NOT (OLD."is_top_management_snapshot" <=> NEW."is_top_management_snapshot") OR
        NOT (OLD."participation_role" <=> NEW."participation_role") OR
        NOT (OLD."attendance" <=> NEW."attendance") OR
        NOT (OLD."delegate_for" <=> NEW."delegate_for") OR
        NOT (OLD.review_id <=> NEW.review_id) OR NOT (OLD.seq <=> NEW.seq)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attendee content of a review that is not a draft';
    END IF;
END;
