-- SPDX-License-Identifier: Apache-2.0
-- 014: the seal guards are derived from the entity descriptors (core/isms_guards.c): after
-- the numbered migrations, the module and `ismsreview-admin migrate` drop and create the
-- trigger <table>_sealed_update of the review and of every item table, comparing every
-- column the table has except those that may change while the review is not a draft (the
-- descriptor's tracking fields, the review's workflow fields, the row bookkeeping). A column
-- a later migration adds is sealed without being named anywhere. The triggers of 003-007
-- had fixed lists of sealed columns; they keep their names and are replaced. The guards 006
-- added for the approvers of resources and ISMS changes (columns the 003 lists lacked) are
-- covered by the derived ones: dropped.

DROP TRIGGER IF EXISTS resource_req_approver_sealed;
DROP TRIGGER IF EXISTS isms_change_approver_sealed;
