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
-- WITHOUT ROWID: both are read in key order, a lookup of the row per index entry would cost
-- more than the scan.

CREATE TABLE action_tally (
    owner TEXT NOT NULL,
    "status" TEXT NOT NULL,
    due TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (owner, "status", due)
) WITHOUT ROWID;

CREATE TABLE action_day (
    day TEXT NOT NULL PRIMARY KEY,
    opened INTEGER NOT NULL,
    closed INTEGER NOT NULL
) WITHOUT ROWID;

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

-- One action row counted (+1) or uncounted (-1): its tally row, its opening day, its closing
-- day when it is closed. Written out per trigger (SQLite has no procedures).
CREATE TRIGGER action_summary_insert AFTER INSERT ON action
WHEN (SELECT "status" FROM review WHERE id = NEW.review_id) <> 'CANCELLED'
BEGIN
    INSERT INTO action_tally (owner, "status", due, n) VALUES (NEW.owner,
        COALESCE(NEW."status", ''), CASE WHEN NEW."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE',
        'CANCELLED') THEN '' ELSE NEW.due_date END, 1)
        ON CONFLICT (owner, "status", due) DO UPDATE SET n = n + 1;
    INSERT INTO action_day (day, opened, closed) VALUES (substr(NEW.created_at, 1, 10), 1, 0)
        ON CONFLICT (day) DO UPDATE SET opened = opened + 1;
    INSERT INTO action_day (day, opened, closed)
        SELECT substr(COALESCE(NEW.completed_at, NEW.updated_at, NEW.created_at), 1, 10), 0, 1
        WHERE NEW."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')
        ON CONFLICT (day) DO UPDATE SET closed = closed + 1;
END;

CREATE TRIGGER action_summary_delete AFTER DELETE ON action
WHEN (SELECT "status" FROM review WHERE id = OLD.review_id) <> 'CANCELLED'
BEGIN
    UPDATE action_tally SET n = n - 1 WHERE owner = OLD.owner AND
        "status" = COALESCE(OLD."status", '') AND due = CASE WHEN OLD."status" IN ('COMPLETED',
        'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE OLD.due_date END;
    UPDATE action_day SET opened = opened - 1 WHERE day = substr(OLD.created_at, 1, 10);
    UPDATE action_day SET closed = closed - 1
        WHERE day = substr(COALESCE(OLD.completed_at, OLD.updated_at, OLD.created_at), 1, 10)
        AND OLD."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED');
END;

CREATE TRIGGER action_summary_update AFTER UPDATE ON action
WHEN (SELECT "status" FROM review WHERE id = NEW.review_id) <> 'CANCELLED'
BEGIN
    UPDATE action_tally SET n = n - 1 WHERE owner = OLD.owner AND
        "status" = COALESCE(OLD."status", '') AND due = CASE WHEN OLD."status" IN ('COMPLETED',
        'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE OLD.due_date END;
    UPDATE action_day SET opened = opened - 1 WHERE day = substr(OLD.created_at, 1, 10);
    UPDATE action_day SET closed = closed - 1
        WHERE day = substr(COALESCE(OLD.completed_at, OLD.updated_at, OLD.created_at), 1, 10)
        AND OLD."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED');
    INSERT INTO action_tally (owner, "status", due, n) VALUES (NEW.owner,
        COALESCE(NEW."status", ''), CASE WHEN NEW."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE',
        'CANCELLED') THEN '' ELSE NEW.due_date END, 1)
        ON CONFLICT (owner, "status", due) DO UPDATE SET n = n + 1;
    INSERT INTO action_day (day, opened, closed) VALUES (substr(NEW.created_at, 1, 10), 1, 0)
        ON CONFLICT (day) DO UPDATE SET opened = opened + 1;
    INSERT INTO action_day (day, opened, closed)
        SELECT substr(COALESCE(NEW.completed_at, NEW.updated_at, NEW.created_at), 1, 10), 0, 1
        WHERE NEW."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED')
        ON CONFLICT (day) DO UPDATE SET closed = closed + 1;
END;

-- A review cancelled (or, should it ever happen, moved out of CANCELLED): its actions leave
-- (or re-enter) the figures, all at once.
CREATE TRIGGER action_summary_review AFTER UPDATE OF "status" ON review
WHEN (OLD."status" = 'CANCELLED') <> (NEW."status" = 'CANCELLED')
BEGIN
    INSERT INTO action_tally (owner, "status", due, n)
        SELECT owner, COALESCE("status", ''), CASE WHEN "status" IN ('COMPLETED',
               'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE due_date END,
               CASE WHEN NEW."status" = 'CANCELLED' THEN -COUNT(*) ELSE COUNT(*) END
        FROM action WHERE review_id = NEW.id GROUP BY 1, 2, 3
        ON CONFLICT (owner, "status", due) DO UPDATE SET n = n + excluded.n;
    INSERT INTO action_day (day, opened, closed)
        SELECT substr(created_at, 1, 10), CASE WHEN NEW."status" = 'CANCELLED' THEN -COUNT(*)
               ELSE COUNT(*) END, 0
        FROM action WHERE review_id = NEW.id GROUP BY 1
        ON CONFLICT (day) DO UPDATE SET opened = opened + excluded.opened;
    INSERT INTO action_day (day, opened, closed)
        SELECT substr(COALESCE(completed_at, updated_at, created_at), 1, 10), 0,
               CASE WHEN NEW."status" = 'CANCELLED' THEN -COUNT(*) ELSE COUNT(*) END
        FROM action WHERE review_id = NEW.id AND "status" IN ('COMPLETED',
             'VERIFIED_EFFECTIVE', 'CANCELLED') GROUP BY 1
        ON CONFLICT (day) DO UPDATE SET closed = closed + excluded.closed;
END;

-- The dashboard's overdue list walks the open actions by due date; without this index it
-- walks every action by due date, skipping the closed ones (most of them).
CREATE INDEX action_open_due ON action (due_date)
WHERE "status" NOT IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED');
