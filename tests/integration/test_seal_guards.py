"""Sealed unless tracking, derived from the entity descriptors (issue 12, "Design while you
are there"; core/isms_guards.c).

For every record kind and every column its table has in the database, a direct UPDATE below
the API on the row of an approved (sealed) review: the database refuses it with its seal
guard, unless the descriptor lets the column change once a review is no longer a draft (its
tracking fields, the review's workflow fields, the row bookkeeping), as `ismsreview-admin
seal-columns` prints it; then the change is accepted and stays. The columns come from the
database's own catalogue, so a column a later migration adds is checked without being named
here, and one that is no field of the descriptor fails the test.

Runs on every backend of the `backend` fixture (sqlite3, pgsql, mysql)."""

import json

import pytest

import harness
import workflow_helpers as wh

# columns of a table that are no field of its descriptor: the row's identity and place
NOT_FIELDS = {"id", "review_id", "seq", "row_version"}


@pytest.fixture
def api(httpd):
    return wh.Api(httpd)


def seal_columns():
    rc, out = harness.run_admin(["seal-columns"])
    assert rc == 0, out
    return json.loads(out)["kinds"]


def db_columns(db, table):
    """[(column, type)] of the table as the database has it."""
    if db.name == "sqlite3":
        sql = "SELECT name, type FROM pragma_table_info('%s') ORDER BY cid" % table
    else:
        schema = "DATABASE()" if db.name == "mysql" else "current_schema()"
        sql = ("SELECT column_name, data_type FROM information_schema.columns WHERE "
               "table_schema = %s AND table_name = '%s' ORDER BY ordinal_position"
               % (schema, table))
    cols = [(r[0], r[1].lower()) for r in db.ok(sql)]
    assert cols, "no columns for table %s" % table
    return cols


def literal(s):
    return "'%s'" % s.replace("'", "''")


def new_value(col, sqltype, info, current, draft_id):
    """A value of the column's type that differs from the current one and satisfies the
    table's constraints, as SQL."""
    if info.get("enum"):
        return literal([v for v in info["enum"] if v != current][0])
    if col == "review_id":
        return str(draft_id)
    if "bool" in sqltype:
        return "FALSE" if current in ("t", "true", "1") else "TRUE"
    if "int" in sqltype:
        if "min" in info:
            lo = int(info["min"])
            return str(lo if current != str(lo) else lo + 1)
        return str(int(current or 0) + 100000)
    if any(t in sqltype for t in ("real", "double", "numeric", "decimal", "float")):
        return str(float(current or 0) + 1.5)
    # text: a date is a valid value of every text column the descriptor lets change (dates,
    # user names, references, free text)
    return literal("2031-02-03" if info.get("may_change") else "forged below the API")


def row_id(db, table, rid):
    if table == "review":
        return rid
    rows = db.ok('SELECT id FROM "%s" WHERE review_id = %d ORDER BY id' % (table, rid))
    assert rows, "the sealed review has no %s row" % table
    return int(rows[0][0])


def current_value(db, table, col, ident):
    """The value as the CLI prints it ('' for NULL); the id keeps the row from being blank."""
    rows = db.ok('SELECT id, "%s" FROM "%s" WHERE id = %d' % (col, table, ident))
    assert len(rows) == 1, (table, col, rows)
    return rows[0][1] if len(rows[0]) > 1 else ""


def sealed_review(api):
    """An approved review with a row of every kind, and a draft review."""
    r = wh.build_review(api, True, title="Sealed below the API")
    coll = "v1/reviews/%d/" % r["id"]
    api.post(coll + "improvements", {"description": "Automate patch reporting.",
                                     "source": "MONITORING",
                                     "decision_id": r["decisions"]["improve"]})
    api.post(coll + "resources", {"resource_type": "PERSONNEL_FTE",
                                  "description": "Half an FTE for patching.", "quantity": 0.5,
                                  "unit": "FTE", "decision_id": r["decisions"]["improve"]})
    api.move(r["id"], "submit")
    api.move(r["id"], "approve", user="approver")
    draft = api.post("v1/reviews", wh.review_body("A draft"))["id"]
    return r["id"], draft


def test_every_column_sealed_unless_the_descriptor_lets_it_change(api, backend):
    db = wh.Db(backend)
    rid, draft = sealed_review(api)
    kinds = seal_columns()
    assert {k["kind"] for k in kinds} >= {"review", "attendee", "input", "decision", "action",
                                          "improvement", "change", "objective", "resource",
                                          "communication"}
    tried = {"refused": 0, "accepted": 0}
    for kind in kinds:
        table = kind["table"]
        info = {c["column"]: c for c in kind["columns"]}
        ident = row_id(db, table, rid)
        for col, sqltype in db_columns(db, table):
            assert col in info or col in NOT_FIELDS, (
                "%s.%s is a column of the database but no field of the %s descriptor "
                "(core/isms_entity.c): the descriptor is where a column is declared, and "
                "whether it may change after approval" % (table, col, kind["kind"]))
            c = info.get(col, {"may_change": col == "row_version"})
            if c.get("workflow"):
                # the review's workflow columns: moved by the transitions only (the status
                # and approval guards of migrations 003/004, tested by test_workflow.py)
                assert kind["kind"] == "review" and c["may_change"], c
                continue
            assert c["may_change"] == (c.get("tracking", False) or
                                       col in ("row_version", "updated_at", "updated_by")), c
            cur = current_value(db, table, col, ident)
            value = new_value(col, sqltype, c, cur, draft)
            sql = 'UPDATE "%s" SET "%s" = %s WHERE id = %d' % (table, col, value, ident)
            what = "%s.%s (%s)" % (table, col, kind["kind"])
            if c["may_change"]:
                db.ok(sql)
                assert current_value(db, table, col, ident) != cur, what
                tried["accepted"] += 1
            else:
                out = db.refused(sql)
                assert current_value(db, table, col, ident) == cur, what
                if col not in ("id",):
                    assert "sealed" in out, (what, out)
                tried["refused"] += 1
    # every kind has sealed content; the tracking columns of the descriptor were accepted
    assert tried["refused"] > 150 and tried["accepted"] >= 25, tried


def test_the_guards_follow_the_descriptor_after_every_migrate(api, backend):
    """`ismsreview-admin migrate` derives the guards again (nothing pending: the same
    guards); a draft stays editable below the API, its sealed sibling does not."""
    db = wh.Db(backend)
    rid, draft = sealed_review(api)
    if backend.name == "sqlite3":
        p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                         "migrate"])
        rc, out = p.returncode, p.stdout + p.stderr
    else:
        rc, out = harness.migrate(backend.db_args)
    assert rc == 0, out
    db.refused('UPDATE action SET "title" = \'forged\' WHERE review_id = %d' % rid)
    db.refused('UPDATE review SET "executive_summary" = \'forged\' WHERE id = %d' % rid)
    db.ok('UPDATE action SET "progress" = 40 WHERE review_id = %d' % rid)
    db.ok('UPDATE review SET "executive_summary" = \'edited\' WHERE id = %d' % draft)
    hist = api.history(rid)
    assert hist["live_matches_seal"] is True, hist
