-- SPDX-License-Identifier: Apache-2.0
-- 013: the dashboard's action figures kept current by every write (issue 16). Derived data:
-- the triggers below update it in the transaction of every INSERT, UPDATE and DELETE of an
-- action and of every review's move into or out of CANCELLED (actions of a cancelled review
-- are not counted), whatever made the write (the API, ismsreview-admin import, SQL by hand).
-- This migration fills it from the actions already there; `ismsreview-admin
-- summary --rebuild` recomputes it, `ismsreview-admin verify` checks it against a
-- computation from scratch. Not exported: import rebuilds it through these triggers.
-- MariaDB/MySQL: the triggers of sql/sqlite3/013_dashboard_summary.sql (a foreign key's
-- cascade fires no trigger here; reviews are never deleted, so none is missed).
--
-- action_tally: live actions by owner, status and, for an open action, due date ('' for a
-- closed one: COMPLETED, VERIFIED_EFFECTIVE, CANCELLED). The dashboard's counts by status,
-- by owner (total, open, overdue on the request's day) come from it; rows may reach n = 0.
-- action_day: per day, the live actions created on it (opened) and the closed ones closed on
-- it (closed: the day of completed_at, else updated_at, else created_at): the burn-down.
-- owner: a login is at most 256 characters (isms_entity.c).

CREATE TABLE IF NOT EXISTS action_tally (
    owner VARCHAR(256) NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    due VARCHAR(10) NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (owner, "status", due)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS action_day (
    day VARCHAR(10) NOT NULL PRIMARY KEY,
    opened BIGINT NOT NULL,
    closed BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

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

CREATE TRIGGER IF NOT EXISTS action_summary_insert AFTER INSERT ON action FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM review WHERE id = NEW.review_id AND "status" <> 'CANCELLED') THEN
        INSERT INTO action_tally (owner, "status", due, n) VALUES (NEW.owner,
            COALESCE(NEW."status", ''), CASE WHEN NEW."status" IN ('COMPLETED',
            'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE NEW.due_date END, 1)
            ON DUPLICATE KEY UPDATE n = n + 1;
        INSERT INTO action_day (day, opened, closed) VALUES (substr(NEW.created_at, 1, 10), 1, 0)
            ON DUPLICATE KEY UPDATE opened = opened + 1;
        IF NEW."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN
            INSERT INTO action_day (day, opened, closed) VALUES (substr(COALESCE(
                NEW.completed_at, NEW.updated_at, NEW.created_at), 1, 10), 0, 1)
                ON DUPLICATE KEY UPDATE closed = closed + 1;
        END IF;
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_summary_delete AFTER DELETE ON action FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM review WHERE id = OLD.review_id AND "status" <> 'CANCELLED') THEN
        UPDATE action_tally SET n = n - 1 WHERE owner = OLD.owner AND
            "status" = COALESCE(OLD."status", '') AND due = CASE WHEN OLD."status" IN (
            'COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE OLD.due_date END;
        UPDATE action_day SET opened = opened - 1 WHERE day = substr(OLD.created_at, 1, 10);
        IF OLD."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN
            UPDATE action_day SET closed = closed - 1 WHERE day = substr(COALESCE(
                OLD.completed_at, OLD.updated_at, OLD.created_at), 1, 10);
        END IF;
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_summary_update AFTER UPDATE ON action FOR EACH ROW
BEGIN
    IF EXISTS (SELECT 1 FROM review WHERE id = NEW.review_id AND "status" <> 'CANCELLED') THEN
        UPDATE action_tally SET n = n - 1 WHERE owner = OLD.owner AND
            "status" = COALESCE(OLD."status", '') AND due = CASE WHEN OLD."status" IN (
            'COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE OLD.due_date END;
        UPDATE action_day SET opened = opened - 1 WHERE day = substr(OLD.created_at, 1, 10);
        IF OLD."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN
            UPDATE action_day SET closed = closed - 1 WHERE day = substr(COALESCE(
                OLD.completed_at, OLD.updated_at, OLD.created_at), 1, 10);
        END IF;
        INSERT INTO action_tally (owner, "status", due, n) VALUES (NEW.owner,
            COALESCE(NEW."status", ''), CASE WHEN NEW."status" IN ('COMPLETED',
            'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE NEW.due_date END, 1)
            ON DUPLICATE KEY UPDATE n = n + 1;
        INSERT INTO action_day (day, opened, closed) VALUES (substr(NEW.created_at, 1, 10), 1, 0)
            ON DUPLICATE KEY UPDATE opened = opened + 1;
        IF NEW."status" IN ('COMPLETED', 'VERIFIED_EFFECTIVE', 'CANCELLED') THEN
            INSERT INTO action_day (day, opened, closed) VALUES (substr(COALESCE(
                NEW.completed_at, NEW.updated_at, NEW.created_at), 1, 10), 0, 1)
                ON DUPLICATE KEY UPDATE closed = closed + 1;
        END IF;
    END IF;
END;

CREATE TRIGGER IF NOT EXISTS action_summary_review AFTER UPDATE ON review FOR EACH ROW
BEGIN
    DECLARE delta INT DEFAULT 1;
    IF (OLD."status" = 'CANCELLED') <> (NEW."status" = 'CANCELLED') THEN
        IF NEW."status" = 'CANCELLED' THEN
            SET delta = -1;
        END IF;
        INSERT INTO action_tally (owner, "status", due, n)
            SELECT owner, COALESCE("status", ''), CASE WHEN "status" IN ('COMPLETED',
                   'VERIFIED_EFFECTIVE', 'CANCELLED') THEN '' ELSE due_date END, delta * COUNT(*)
            FROM action WHERE review_id = NEW.id GROUP BY 1, 2, 3
            ON DUPLICATE KEY UPDATE n = n + VALUES(n);
        INSERT INTO action_day (day, opened, closed)
            SELECT substr(created_at, 1, 10), delta * COUNT(*), 0
            FROM action WHERE review_id = NEW.id GROUP BY 1
            ON DUPLICATE KEY UPDATE opened = opened + VALUES(opened);
        INSERT INTO action_day (day, opened, closed)
            SELECT substr(COALESCE(completed_at, updated_at, created_at), 1, 10), 0,
                   delta * COUNT(*)
            FROM action WHERE review_id = NEW.id AND "status" IN ('COMPLETED',
                 'VERIFIED_EFFECTIVE', 'CANCELLED') GROUP BY 1
            ON DUPLICATE KEY UPDATE closed = closed + VALUES(closed);
    END IF;
END;
