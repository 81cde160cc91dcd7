-- SPDX-License-Identifier: Apache-2.0
-- 010: reminders by e-mail (`ismsreview-admin notify`): one row per digest mail sent, at most
-- one per person (recipient_key: the login under the identity normalisation) and day, so a
-- second run on the same day sends nothing new. Written only after the MTA accepted the mail;
-- append-only, like the audit trail that also records each mail.

CREATE TABLE notification (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    recipient_key TEXT NOT NULL,
    email TEXT NOT NULL,
    day TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    message_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    items INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (recipient_key, day)
);

CREATE TRIGGER notification_append_only BEFORE UPDATE OR DELETE ON notification
FOR EACH ROW EXECUTE FUNCTION isms_refuse('sent notifications are append-only');
