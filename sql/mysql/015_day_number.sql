-- SPDX-License-Identifier: Apache-2.0
-- 015: the dashboard after a write (issue 16). The burn-down reads action_day (013) by day
-- number: the dashboard sums the days into its sample points by integer arithmetic on the
-- day number (one short statement,
-- whatever the number of points: it was 180 UNION ALL rows); a stored day number spares
-- parsing thousands of dates per dashboard.
-- day_no: days since 1970-01-01, computed from day by the database (a generated column:
-- the triggers of 013 and `ismsreview-admin rebuild-summary` write day, opened, closed as
-- before).

ALTER TABLE action_day ADD COLUMN IF NOT EXISTS day_no INT AS (TO_DAYS(day) - 719528) STORED;

-- The dashboard's counts by status and the reviews awaiting approval read this index instead
-- of every review (PostgreSQL and SQLite also index the latest review's date; MariaDB has no
-- index on an expression without a generated column for it).
CREATE INDEX IF NOT EXISTS review_status ON review ("status");
