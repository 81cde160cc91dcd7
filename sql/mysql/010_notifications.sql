-- SPDX-License-Identifier: Apache-2.0
-- 010: reminders by e-mail (`ismsreview-admin notify`): one row per digest mail sent, at most
-- one per person (recipient_key: the login under the identity normalisation) and day, so a
-- second run on the same day sends nothing new. Written only after the MTA accepted the mail;
-- append-only, like the audit trail that also records each mail.

CREATE TABLE IF NOT EXISTS notification (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    recipient MEDIUMTEXT NOT NULL,
    recipient_key VARCHAR(512) NOT NULL,
    email MEDIUMTEXT NOT NULL,
    day VARCHAR(10) NOT NULL,
    sent_at MEDIUMTEXT NOT NULL,
    message_id MEDIUMTEXT NOT NULL,
    subject MEDIUMTEXT NOT NULL,
    items INTEGER NOT NULL,
    content_sha256 MEDIUMTEXT NOT NULL,
    UNIQUE (recipient_key, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TRIGGER IF NOT EXISTS notification_no_update BEFORE UPDATE ON notification FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sent notifications are append-only';
END;

CREATE TRIGGER IF NOT EXISTS notification_no_delete BEFORE DELETE ON notification FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sent notifications are append-only';
END;
