-- SPDX-License-Identifier: Apache-2.0
-- 001: the migration ledger. Every later migration adds one row here.
-- MariaDB/MySQL: run by ismsreview-admin migrate on a session with sql_mode ANSI_QUOTES,
-- PIPES_AS_CONCAT and STRICT_ALL_TABLES (isms_store_dbi.c). Every statement can run twice:
-- DDL commits implicitly here, so a migration that failed half-way is simply run again.
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name MEDIUMTEXT NOT NULL,
    applied_at  DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
