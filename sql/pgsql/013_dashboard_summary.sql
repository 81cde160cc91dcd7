-- SPDX-License-Identifier: Apache-2.0
-- 013: the dashboard's action figures kept current by every write (issue 16). Derived data:
-- the triggers below update it in the transaction of every INSERT, UPDATE and DELETE of an
-- action and of every review's move into or out of CANCELLED (actions of a cancelled review
-- are not counted), whatever made the write (the API, ismsreview-admin import, SQL by hand).
-- This migration fills it from the actions already there; `ismsreview-admin
-- summary --rebuild` recomputes it, `ismsreview-admin verify` checks it against a
-- computation from scratch. Not exported: import rebuilds it through these triggers.
--
-- action_tally: live actions by owner, status and, for an open action, due date ('' for a
-- closed one: COMPLETED, VERIFIED_EFFECTIVE, CANCELLED). The dashboard's counts by status,
-- by owner (total, open, overdue on the request's day) come from it; rows may reach n = 0.
-- action_day: per day, the live actions created on it (opened) and the closed ones closed on
-- it (closed: the day of completed_at, else updated_at, else created_at): the burn-down.

CREATE TABLE action_tally (
    owner TEXT NOT NULL,
    "status" TEXT NOT NULL,
    due TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (owner, "status", due)
);

CREATE TABLE action_day (
    day TEXT NOT NULL PRIMARY KEY,
    opened BIGINT NOT NULL,
    closed BIGINT NOT NULL
);

INSERT INTO action_tally (owner, "status", due, n)
SELECT a.owner, COALESCE(a."status", ''), CASE WHEN a."status" IN ('COMPLETED',
       'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE a.due_date END, COUNT(*)
FROM action a JOIN review r ON r.id = a.review_id WHERE r."status" <> 'CANCELLED'
GROUP BY 1, 2, 3;

INSERT INTO action_day (day, opened, closed)
SELECT day, SUM(opened), SUM(closed) FROM (
    SELECT substr(a.created_at, 1, 10) AS day, 1 AS opened, 0 AS closed
    FROM action a JOIN review r ON r.id = a.review_id WHERE r."status" <> 'CANCELLED'
    UNION ALL
    SELECT substr(COALESCE(a.completed_at, a.updated_at, a.created_at), 1, 10), 0, 1
    FROM action a JOIN review r ON r.id = a.review_id WHERE r."status" <> 'CANCELLED' AND
         a."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')
) t GROUP BY day;

-- The closing day of a closed action, NULL for an open one.
CREATE FUNCTION isms_action_closed_day(st TEXT, completed TEXT, updated TEXT, created TEXT)
RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN st IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')
           THEN substr(COALESCE(completed, updated, created), 1, 10) END
$$;

-- One action row counted (sign +1) or uncounted (-1): its tally row, its opening day, its
-- closing day when it is closed.
CREATE FUNCTION isms_action_count(a action, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    closed_day TEXT := isms_action_closed_day(a."status", a.completed_at, a.updated_at,
                                              a.created_at);
BEGIN
    INSERT INTO action_tally AS t (owner, "status", due, n) VALUES (a.owner,
        COALESCE(a."status", ''), CASE WHEN closed_day IS NULL THEN a.due_date ELSE '' END,
        sign)
        ON CONFLICT (owner, "status", due) DO UPDATE SET n = t.n + EXCLUDED.n;
    INSERT INTO action_day AS d (day, opened, closed) VALUES (substr(a.created_at, 1, 10),
        sign, 0) ON CONFLICT (day) DO UPDATE SET opened = d.opened + EXCLUDED.opened;
    IF closed_day IS NOT NULL THEN
        INSERT INTO action_day AS d (day, opened, closed) VALUES (closed_day, 0, sign)
            ON CONFLICT (day) DO UPDATE SET closed = d.closed + EXCLUDED.closed;
    END IF;
END;
$$;

CREATE FUNCTION isms_action_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM review WHERE id = OLD.review_id AND
                                     "status" <> 'CANCELLED') THEN
        PERFORM isms_action_count(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM review WHERE id = NEW.review_id AND
                                     "status" <> 'CANCELLED') THEN
        PERFORM isms_action_count(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER action_summary AFTER INSERT OR UPDATE OR DELETE ON action
FOR EACH ROW EXECUTE FUNCTION isms_action_summary();

-- A review cancelled (or, should it ever happen, moved out of CANCELLED): its actions leave
-- (or re-enter) the figures.
CREATE FUNCTION isms_action_summary_review() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a action;
BEGIN
    IF (OLD."status" = 'CANCELLED') <> (NEW."status" = 'CANCELLED') THEN
        FOR a IN SELECT * FROM action WHERE review_id = NEW.id ORDER BY id LOOP
            PERFORM isms_action_count(a, CASE WHEN NEW."status" = 'CANCELLED' THEN -1
                                              ELSE 1 END);
        END LOOP;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER action_summary_review AFTER UPDATE OF "status" ON review
FOR EACH ROW EXECUTE FUNCTION isms_action_summary_review();

-- The dashboard's overdue list walks the open actions by due date; without this index it
-- walks every action by due date, skipping the closed ones (most of them).
CREATE INDEX action_open_due ON action (due_date)
WHERE "status" NOT IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED');
