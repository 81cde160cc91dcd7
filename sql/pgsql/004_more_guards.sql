-- SPDX-License-Identifier: Apache-2.0
-- 004: more of the sealed record below the API: the approval metadata of a sealed review,
-- approvals, waivers and workflow transitions (append-only records), the action snapshots
-- of input a (sealed with their review), and ids that never change.

CREATE FUNCTION isms_review_approval_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.id IS DISTINCT FROM NEW.id THEN
        RAISE EXCEPTION 'sealed: ids never change';
    END IF;
    IF OLD.status IN ('APPROVED', 'PUBLISHED') AND NEW.status IN ('APPROVED', 'PUBLISHED') AND (
       OLD.approved_at IS DISTINCT FROM NEW.approved_at OR
       OLD.approved_by IS DISTINCT FROM NEW.approved_by OR
       OLD.content_hash IS DISTINCT FROM NEW.content_hash OR
       OLD.version IS DISTINCT FROM NEW.version OR
       OLD.version_reason IS DISTINCT FROM NEW.version_reason OR
       OLD.submitted_at IS DISTINCT FROM NEW.submitted_at OR
       OLD.submitted_by IS DISTINCT FROM NEW.submitted_by) THEN
        RAISE EXCEPTION 'sealed: the approval of a sealed review cannot change';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER review_approval_sealed BEFORE UPDATE ON review
FOR EACH ROW EXECUTE FUNCTION isms_review_approval_guard();

CREATE TRIGGER approval_no_update BEFORE UPDATE ON approval
FOR EACH ROW EXECUTE FUNCTION isms_refuse('approvals are append-only');
CREATE FUNCTION isms_approval_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM review WHERE id = OLD.review_id) IS DISTINCT FROM 'SUBMITTED' THEN
        RAISE EXCEPTION 'approvals are void only when a submitted review is returned';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER approval_delete_guard BEFORE DELETE ON approval
FOR EACH ROW EXECUTE FUNCTION isms_approval_delete_guard();
CREATE TRIGGER waiver_append_only BEFORE UPDATE OR DELETE ON waiver
FOR EACH ROW EXECUTE FUNCTION isms_refuse('waivers are append-only');
CREATE TRIGGER workflow_transition_append_only BEFORE UPDATE OR DELETE ON workflow_transition
FOR EACH ROW EXECUTE FUNCTION isms_refuse('the workflow history is append-only');

CREATE TRIGGER action_snapshot_sealed BEFORE INSERT OR UPDATE OR DELETE ON action_snapshot
-- one dummy argument: without any, TG_ARGV is NULL and the comparison is always NULL
FOR EACH ROW EXECUTE FUNCTION isms_item_guard('-');
