-- SPDX-License-Identifier: Apache-2.0
-- 014: the seal guards are derived from the entity descriptors (core/isms_guards.c): after
-- the numbered migrations, the module and `ismsreview-admin migrate` drop and create the
-- trigger <table>_sealed of the review and of every item table, naming as its arguments the
-- columns that may change while the review is not a draft (the descriptor's tracking
-- fields, the review's workflow fields, the row bookkeeping); every other column is sealed.
-- Items already had such a guard (isms_item_guard of 003); the review's sealed content was
-- part of isms_review_guard with a fixed list of workflow columns: it moves into a guard of
-- its own, isms_review_seal_guard, and isms_review_guard keeps the status transitions, the
-- amendment rule and the refused deletes.

CREATE OR REPLACE FUNCTION isms_review_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status NOT IN ('PLANNED', 'DRAFT') THEN
            RAISE EXCEPTION 'only a draft review can be deleted';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IS DISTINCT FROM NEW.status AND (OLD.status || '>' || NEW.status) NOT IN (
        'PLANNED>DRAFT', 'PLANNED>CANCELLED', 'DRAFT>SUBMITTED', 'DRAFT>CANCELLED',
        'RETURNED>SUBMITTED', 'RETURNED>CANCELLED', 'SUBMITTED>RETURNED', 'SUBMITTED>APPROVED',
        'APPROVED>PUBLISHED', 'APPROVED>DRAFT', 'PUBLISHED>DRAFT') THEN
        RAISE EXCEPTION 'illegal review status transition % to %', OLD.status, NEW.status;
    END IF;
    IF OLD.status IN ('APPROVED', 'PUBLISHED') AND NEW.status = 'DRAFT' AND
       (NEW.version IS DISTINCT FROM OLD.version + 1 OR NOT EXISTS (SELECT 1 FROM review_version v
        WHERE v.review_id = OLD.id AND v.version = OLD.version)) THEN
        RAISE EXCEPTION 'an amendment needs the sealed version and a new version number';
    END IF;
    RETURN NEW;
END;
$$;

-- The review's content, as isms_item_guard does for items: the columns named as trigger
-- arguments may change while the review is not a draft, no other.
CREATE FUNCTION isms_review_seal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND
       (to_jsonb(OLD) - TG_ARGV) IS DISTINCT FROM (to_jsonb(NEW) - TG_ARGV) THEN
        RAISE EXCEPTION 'sealed: review content of a review that is not a draft';
    END IF;
    RETURN NEW;
END;
$$;
-- until the derived step creates it from the descriptor: the list 003 had
CREATE TRIGGER review_sealed BEFORE UPDATE ON review
FOR EACH ROW EXECUTE FUNCTION isms_review_seal_guard('status', 'version', 'version_reason',
    'submitted_at', 'submitted_by', 'approved_at', 'approved_by', 'content_hash',
    'row_version', 'updated_at', 'updated_by');
