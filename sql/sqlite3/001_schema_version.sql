-- SPDX-License-Identifier: Apache-2.0
-- 001: the migration ledger. Every later migration adds one row here.
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);
