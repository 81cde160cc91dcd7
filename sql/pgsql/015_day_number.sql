-- SPDX-License-Identifier: Apache-2.0
-- 015: the dashboard after a write (issue 16). The burn-down reads action_day (013) by day
-- number: the dashboard sums the days into its sample points by integer arithmetic on the
-- day number (one short statement,
-- whatever the number of points: it was 180 UNION ALL rows, 8.6 ms just to plan); a stored
-- day number spares parsing thousands of dates per dashboard (3.4 ms instead of 1.1).
-- day_no: days since 1970-01-01, computed from day by the database (a generated column:
-- the triggers of 013 and `ismsreview-admin rebuild-summary` write day, opened, closed as
-- before). make_date, not a cast: a generated column needs an immutable expression.
-- The counts become INTEGER: SUM of an INTEGER is a BIGINT, SUM of a BIGINT is NUMERIC, which
-- made the dashboard's sums over a few thousand rows a third slower.

ALTER TABLE action_day ADD COLUMN day_no INTEGER GENERATED ALWAYS AS (
    make_date(CAST(substr(day, 1, 4) AS INTEGER), CAST(substr(day, 6, 2) AS INTEGER),
              CAST(substr(day, 9, 2) AS INTEGER)) - DATE '1970-01-01') STORED;
ALTER TABLE action_day ALTER COLUMN opened TYPE INTEGER, ALTER COLUMN closed TYPE INTEGER;
ALTER TABLE action_tally ALTER COLUMN n TYPE INTEGER;

-- The dashboard's other statements on review read every review (1,000 rows, a few hundred
-- pages): the latest review (next review due) walks this index from its end; the counts by
-- status and the reviews awaiting approval read this one.
CREATE INDEX review_latest ON review ((COALESCE(held_frm, planned_date)), id);
CREATE INDEX review_status ON review ("status");
