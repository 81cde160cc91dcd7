-- SPDX-License-Identifier: Apache-2.0
-- 009: tracking history cannot be erased. An action with progress updates, an objective with
-- KPI measurements, and either of them once it appeared in a sealed version (a version of its
-- review approved when it existed) cannot be deleted, from a later draft version either: it
-- is cancelled or withdrawn with a reason instead. Progress updates and KPI measurements are
-- append-only. And an index for the refusal budget.
-- MariaDB/MySQL: the guards of sql/sqlite3/009_tracking_history.sql as MariaDB triggers (a
-- foreign key's cascade fires no trigger here, so the guard is on the parent row).

CREATE TRIGGER IF NOT EXISTS action_history_guard BEFORE DELETE ON action FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM action_update WHERE action_id = OLD.id) OR
       EXISTS (SELECT 1 FROM review_version WHERE review_id = OLD.review_id AND
               approved_at >= OLD.created_at) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tracked: an action with progress updates or in a sealed version cannot be deleted; cancel it with a reason';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_history_guard BEFORE DELETE ON objective FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM kpi_measurement WHERE objective_id = OLD.id) OR
       EXISTS (SELECT 1 FROM review_version WHERE review_id = OLD.review_id AND
               approved_at >= OLD.created_at) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tracked: an objective with KPI measurements or in a sealed version cannot be deleted; withdraw it with a reason';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_update_no_update BEFORE UPDATE ON action_update FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'progress updates are append-only';
END;

CREATE TRIGGER IF NOT EXISTS action_update_no_delete BEFORE DELETE ON action_update FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'progress updates are append-only';
END;

CREATE TRIGGER IF NOT EXISTS kpi_measurement_no_update BEFORE UPDATE ON kpi_measurement FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'KPI measurements are append-only';
END;

CREATE TRIGGER IF NOT EXISTS kpi_measurement_no_delete BEFORE DELETE ON kpi_measurement FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'KPI measurements are append-only';
END;

-- The refusal budget (ISMSReviewRefusalBudget) counts a user's refusals of the last minute.
CREATE INDEX IF NOT EXISTS audit_event_actor ON audit_event (actor(191), created_at(32));
