-- SPDX-License-Identifier: Apache-2.0
-- 015: the dashboard after a write (issue 16). The burn-down reads action_day (013) by day
-- number: the dashboard sums the days into its sample points by integer arithmetic on the
-- day number (one short statement,
-- whatever the number of points: it was 180 UNION ALL rows); a stored day number spares
-- computing julianday() of thousands of dates per dashboard (2 ms instead of 0.4).
-- day_no: days since 1970-01-01 of day. SQLite cannot add a stored generated column to a
-- table, and a new table could not take action_day's place under the triggers of 013 that
-- write to it: this trigger fills it when a day's row is inserted (the triggers of 013 and
-- `ismsreview-admin rebuild-summary` write day, opened, closed as before; an upsert that
-- finds the day's row updates it and fires no INSERT trigger).

ALTER TABLE action_day ADD COLUMN day_no INTEGER;
UPDATE action_day SET day_no = CAST(julianday(day) - 2440587.5 AS INTEGER);

CREATE TRIGGER action_day_number AFTER INSERT ON action_day
BEGIN
    UPDATE action_day SET day_no = CAST(julianday(NEW.day) - 2440587.5 AS INTEGER)
        WHERE day = NEW.day;
END;

-- The dashboard's other statements on review read every review (1,000 rows, a few hundred
-- pages): the latest review (next review due) walks this index from its end; the counts by
-- status and the reviews awaiting approval read this one.
CREATE INDEX review_latest ON review ((COALESCE(held_frm, planned_date)), id);
CREATE INDEX review_status ON review ("status");
