-- SPDX-License-Identifier: Apache-2.0
-- 008: evidence attachments (issue 13); see sql/sqlite3/008_attachments.sql.
-- MariaDB/MySQL: the guards as MariaDB triggers.

CREATE TABLE IF NOT EXISTS attachment (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES review(id) ON DELETE CASCADE,
    item_kind VARCHAR(20) NOT NULL CHECK (item_kind IN ('review', 'attendees', 'inputs',
        'decisions', 'actions', 'improvements', 'changes', 'objectives', 'resources',
        'communications', 'updates')),
    item_id BIGINT,
    filename MEDIUMTEXT NOT NULL,
    media_type MEDIUMTEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size >= 0),
    sha256 CHAR(64) NOT NULL CHECK (CHAR_LENGTH(sha256) = 64),
    uploaded_by MEDIUMTEXT NOT NULL,
    uploaded_at MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS attachment_review ON attachment (review_id, id);

CREATE TRIGGER IF NOT EXISTS attachment_no_update BEFORE UPDATE ON attachment FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attachments are never changed, only added or deleted';
END;

CREATE TRIGGER IF NOT EXISTS attachment_sealed_insert BEFORE INSERT ON attachment FOR EACH ROW
BEGIN
    IF NEW.item_kind <> 'updates' AND
       (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attachment of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS attachment_sealed_delete BEFORE DELETE ON attachment FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: attachment of a review that is not a draft';
    END IF;
END;
