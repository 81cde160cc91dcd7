-- SPDX-License-Identifier: Apache-2.0
-- 009: tracking history cannot be erased. An action with progress updates, an objective with
-- KPI measurements, and either of them once it appeared in a sealed version (a version of its
-- review approved when it existed) cannot be deleted, from a later draft version either: it
-- is cancelled or withdrawn with a reason instead. Progress updates and KPI measurements are
-- append-only. And an index for the refusal budget.

CREATE FUNCTION isms_action_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM action_update WHERE action_id = OLD.id) OR
       EXISTS (SELECT 1 FROM review_version WHERE review_id = OLD.review_id AND
               approved_at >= OLD.created_at) THEN
        RAISE EXCEPTION 'tracked: an action with progress updates or in a sealed version cannot be deleted; cancel it with a reason';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER action_history_guard BEFORE DELETE ON action
FOR EACH ROW EXECUTE FUNCTION isms_action_history_guard();

CREATE FUNCTION isms_objective_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM kpi_measurement WHERE objective_id = OLD.id) OR
       EXISTS (SELECT 1 FROM review_version WHERE review_id = OLD.review_id AND
               approved_at >= OLD.created_at) THEN
        RAISE EXCEPTION 'tracked: an objective with KPI measurements or in a sealed version cannot be deleted; withdraw it with a reason';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER objective_history_guard BEFORE DELETE ON objective
FOR EACH ROW EXECUTE FUNCTION isms_objective_history_guard();

CREATE TRIGGER action_update_append_only BEFORE UPDATE OR DELETE ON action_update
FOR EACH ROW EXECUTE FUNCTION isms_refuse('progress updates are append-only');
CREATE TRIGGER kpi_measurement_append_only BEFORE UPDATE OR DELETE ON kpi_measurement
FOR EACH ROW EXECUTE FUNCTION isms_refuse('KPI measurements are append-only');

-- The refusal budget (ISMSReviewRefusalBudget) counts a user's refusals of the last minute.
CREATE INDEX audit_event_actor ON audit_event (actor, created_at);
