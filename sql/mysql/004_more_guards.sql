-- SPDX-License-Identifier: Apache-2.0
-- 004: more of the sealed record below the API: the approval metadata of a sealed review,
-- approvals, waivers and workflow transitions (append-only records), the action snapshots
-- of input a (sealed with their review), and ids that never change.
-- MariaDB/MySQL: the guards of sql/sqlite3/004_more_guards.sql as MariaDB triggers.

CREATE TRIGGER IF NOT EXISTS review_approval_sealed BEFORE UPDATE ON review FOR EACH ROW
BEGIN
    IF OLD.status IN ('APPROVED', 'PUBLISHED') AND NEW.status IN ('APPROVED', 'PUBLISHED') AND (
     NOT (OLD.approved_at <=> NEW.approved_at) OR NOT (OLD.approved_by <=> NEW.approved_by) OR
     NOT (OLD.content_hash <=> NEW.content_hash) OR NOT (OLD.version <=> NEW.version) OR
     NOT (OLD.version_reason <=> NEW.version_reason) OR NOT (OLD.submitted_at <=> NEW.submitted_at) OR
     NOT (OLD.submitted_by <=> NEW.submitted_by)) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: the approval of a sealed review cannot change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS review_id_fixed BEFORE UPDATE ON review FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS approval_no_update BEFORE UPDATE ON approval FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'approvals are append-only';
END;

CREATE TRIGGER IF NOT EXISTS approval_delete_guard BEFORE DELETE ON approval FOR EACH ROW
BEGIN
    IF NOT ((SELECT status FROM review WHERE id = OLD.review_id) <=> 'SUBMITTED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'approvals are void only when a submitted review is returned';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS waiver_no_update BEFORE UPDATE ON waiver FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'waivers are append-only';
END;

CREATE TRIGGER IF NOT EXISTS waiver_no_delete BEFORE DELETE ON waiver FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'waivers are append-only';
END;

CREATE TRIGGER IF NOT EXISTS workflow_transition_no_update BEFORE UPDATE ON workflow_transition FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the workflow history is append-only';
END;

CREATE TRIGGER IF NOT EXISTS workflow_transition_no_delete BEFORE DELETE ON workflow_transition FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the workflow history is append-only';
END;

CREATE TRIGGER IF NOT EXISTS action_snapshot_sealed_insert BEFORE INSERT ON action_snapshot FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: action snapshot of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_snapshot_sealed_update BEFORE UPDATE ON action_snapshot FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: action snapshot of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_snapshot_sealed_delete BEFORE DELETE ON action_snapshot FOR EACH ROW
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: action snapshot of a review that is not a draft';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS attendee_id_fixed BEFORE UPDATE ON attendee FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS input_item_id_fixed BEFORE UPDATE ON input_item FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS decision_id_fixed BEFORE UPDATE ON decision FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_id_fixed BEFORE UPDATE ON action FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS improvement_id_fixed BEFORE UPDATE ON improvement FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS isms_change_id_fixed BEFORE UPDATE ON isms_change FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS objective_id_fixed BEFORE UPDATE ON objective FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS resource_req_id_fixed BEFORE UPDATE ON resource_req FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS communication_id_fixed BEFORE UPDATE ON communication FOR EACH ROW
BEGIN
    IF NOT (OLD.id <=> NEW.id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sealed: ids never change';
    END IF;
END;
