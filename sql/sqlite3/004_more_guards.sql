-- SPDX-License-Identifier: Apache-2.0
-- 004: more of the sealed record below the API: the approval metadata of a sealed review,
-- approvals, waivers and workflow transitions (append-only records), the action snapshots
-- of input a (sealed with their review), and ids that never change.

CREATE TRIGGER review_approval_sealed BEFORE UPDATE ON review
WHEN OLD.status IN ('APPROVED', 'PUBLISHED') AND NEW.status IN ('APPROVED', 'PUBLISHED') AND (
     OLD.approved_at IS NOT NEW.approved_at OR OLD.approved_by IS NOT NEW.approved_by OR
     OLD.content_hash IS NOT NEW.content_hash OR OLD.version IS NOT NEW.version OR
     OLD.version_reason IS NOT NEW.version_reason OR OLD.submitted_at IS NOT NEW.submitted_at OR
     OLD.submitted_by IS NOT NEW.submitted_by)
BEGIN SELECT RAISE(ABORT, 'sealed: the approval of a sealed review cannot change'); END;
CREATE TRIGGER review_id_fixed BEFORE UPDATE OF id ON review
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;

CREATE TRIGGER approval_no_update BEFORE UPDATE ON approval
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER approval_delete_guard BEFORE DELETE ON approval
WHEN (SELECT status FROM review WHERE id = OLD.review_id) IS NOT 'SUBMITTED'
BEGIN SELECT RAISE(ABORT, 'approvals are void only when a submitted review is returned'); END;
CREATE TRIGGER waiver_no_update BEFORE UPDATE ON waiver
BEGIN SELECT RAISE(ABORT, 'waivers are append-only'); END;
CREATE TRIGGER waiver_no_delete BEFORE DELETE ON waiver
BEGIN SELECT RAISE(ABORT, 'waivers are append-only'); END;
CREATE TRIGGER workflow_transition_no_update BEFORE UPDATE ON workflow_transition
BEGIN SELECT RAISE(ABORT, 'the workflow history is append-only'); END;
CREATE TRIGGER workflow_transition_no_delete BEFORE DELETE ON workflow_transition
BEGIN SELECT RAISE(ABORT, 'the workflow history is append-only'); END;

CREATE TRIGGER action_snapshot_sealed_insert BEFORE INSERT ON action_snapshot
WHEN (SELECT status FROM review WHERE id = NEW.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: action snapshot of a review that is not a draft'); END;
CREATE TRIGGER action_snapshot_sealed_update BEFORE UPDATE ON action_snapshot
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: action snapshot of a review that is not a draft'); END;
CREATE TRIGGER action_snapshot_sealed_delete BEFORE DELETE ON action_snapshot
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
BEGIN SELECT RAISE(ABORT, 'sealed: action snapshot of a review that is not a draft'); END;

CREATE TRIGGER attendee_id_fixed BEFORE UPDATE OF id ON attendee
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER input_item_id_fixed BEFORE UPDATE OF id ON input_item
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER decision_id_fixed BEFORE UPDATE OF id ON decision
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER action_id_fixed BEFORE UPDATE OF id ON action
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER improvement_id_fixed BEFORE UPDATE OF id ON improvement
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER isms_change_id_fixed BEFORE UPDATE OF id ON isms_change
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER objective_id_fixed BEFORE UPDATE OF id ON objective
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER resource_req_id_fixed BEFORE UPDATE OF id ON resource_req
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
CREATE TRIGGER communication_id_fixed BEFORE UPDATE OF id ON communication
BEGIN SELECT RAISE(ABORT, 'sealed: ids never change'); END;
