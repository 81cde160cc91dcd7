# SPDX-License-Identifier: Apache-2.0
"""ismsreview-admin export / import: a realistic record made over HTTP on SQLite goes to
PostgreSQL and back to SQLite unchanged (the exports equal but for exported_at and
source_driver; Apache on the imported database serves the same review, sealed version,
history and report; the audit chain verifies); a file that is not a valid export, or a
database that is not empty, is refused with nothing changed; a table the tool does not know
stops the export."""

import json
import os
import re

import pytest

import conftest
import harness
import records_data as rd
import workflow_helpers as wh
from workflow_helpers import Db

HEADER_VOLATILE = ("exported_at", "source_driver")


def _admin(db_args, *args, stdin=None):
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args] + list(args),
                                    input=stdin, timeout=300)
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def _shared_dir(basedir, name):
    d = os.path.join(basedir, name)
    os.makedirs(d, exist_ok=True)
    harness._chown_service(d)
    os.chmod(basedir, 0o755)
    return d


def _fresh_sqlite(basedir, name):
    """A new, migrated SQLite database in its own directory: (db_args, dbfile)."""
    d = _shared_dir(basedir, name)
    args = harness.sqlite_db_args(d)
    rc, out = _admin(args, "migrate")
    assert rc == 0, out
    return conftest.Backend("sqlite3", args, dbdir=d, dbfile=os.path.join(d, "isms.db"))


def _fresh(backend_name, basedir, request, name):
    if backend_name == "sqlite3":
        return _fresh_sqlite(basedir, name)
    return conftest._make_backend(backend_name, basedir, request)


def _export(db_args, path):
    rc, out = _admin(db_args, "export", path)
    assert rc == 0, out
    with open(path, encoding="utf-8") as f:
        return f.read()


def _tables(text):
    doc = json.loads(text)
    return {t["name"]: t for t in doc["tables"]}


def _same_data(a, b):
    """Two exports hold the same data: equal but for the header fields that name the run,
    and byte for byte identical after the first line."""
    da, db = json.loads(a), json.loads(b)
    for k in HEADER_VOLATILE:
        da.pop(k), db.pop(k)
    ta, tb = da.pop("tables"), db.pop("tables")
    assert da == db
    assert [t["name"] for t in ta] == [t["name"] for t in tb]
    for x, y in zip(ta, tb):
        assert x["columns"] == y["columns"], x["name"]
        for n, (rx, ry) in enumerate(zip(x["rows"], y["rows"])):
            diff = [(c, vx, vy) for c, vx, vy in zip(x["columns"], rx, ry) if vx != vy]
            assert not diff, "table %s row %d: %s" % (x["name"], n + 1, diff)
        assert len(x["rows"]) == len(y["rows"]), x["name"]
    assert a.split("\n", 1)[1] == b.split("\n", 1)[1], "the exports differ in bytes"


def fill(httpd):
    """A realistic record over HTTP: the full review of records_data (every kind of item)
    with waivers for its open findings, submitted, approved (sealed v1), published, then
    progress updates and KPI measurements, then amended (draft v2, an edit in it); beside it
    reviews that are returned, cancelled, submitted and approved, and an Idempotency-Key."""
    api = wh.Api(httpd)
    rec = wh.build_review(api, review=rd.REVIEW, items=rd.ITEM_DATA)
    rid = rec["rid"]
    assert api.waive_all(rid, "Accepted for this cycle, «ok» ✓")
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    api.move(rid, "publish")
    actions = [v for k, v in rec["ids"].items() if k.startswith("action:")]
    objectives = [v for k, v in rec["ids"].items() if k.startswith("objective:")]
    assert actions and objectives, rec["ids"]
    for n, aid in enumerate(actions):
        api.post("v1/actions/%d/updates" % aid, {"status": "IN_PROGRESS", "progress": 10 + n,
                                                  "note": "Kick-off held\nnext: CAB"})
    measured = 0
    for n, oid in enumerate(objectives):
        for month, value in (("01", 12.5), ("02", 0.1 + 0.2), ("03", 9)):
            st, _, doc = api.call("POST", "v1/objectives/%d/measurements" % oid, body={
                "period_from": "2026-%s-01" % month, "period_to": "2026-%s-28" % month,
                "value": value + n, "comment": "monthly"})
            assert st == 201 or (st == 422 and doc["errors"][0]["code"] == "no_kpi"), doc
            measured += st == 201
    assert measured, "no objective with a KPI in records_data"
    api.move(rid, "amend", comment="Lisbon office added after approval")
    doc, etag = api.review(rid)
    api.expect(200, "PATCH", "v1/reviews/%d" % rid, body={"agenda": "v2 agenda"},
               if_match=etag)
    others = {s: wh.to_state(api, s) for s in ("RETURNED", "CANCELLED", "SUBMITTED",
                                                 "APPROVED")}
    # a later review revises an objective of the register (objective rows with prior_state)
    api.post("v1/objectives/%d/revisions" % objectives[0], {
        "review_id": others["RETURNED"], "status": "NOT_ACHIEVED",
        "revision_reason": "Missed «twice» ✓"})
    st, _, _ = api.call("POST", "v1/reviews", body=wh.review_body("Idempotent create"),
                        headers={"Idempotency-Key": "create-once-1"})
    assert st == 201
    # the people register (table person): the drafts' attendees take their snapshots from it
    for person in ({"login": "approver", "display_name": "Dr. Helga Brandt",
                    "job_title": "CEO, «Board»", "email": "hb@example.org",
                    "top_management": [{"from": "2020-01-01", "to": None}]},
                   {"login": "Ex.CFO", "display_name": "Marc Oliveira", "active": False,
                    "top_management": [{"from": "2019-01-01", "to": "2024-12-31"}]}):
        api.post("v1/people", person, user="admin")
    # the review programme and the IMS catalogue (tables review_programme,
    # input_requirement: seeded by migration 011, replaced by an import)
    api.post("v1/programmes", {"name": "BCMS «sessions»", "standards": ["ISO22301_2019"],
                               "interval_months": 4, "tolerance_days": 7,
                               "coverage_mode": "SEQUENCED_SESSIONS",
                               "cycle_length_months": 12}, user="admin")
    api.post("v1/catalogue", {"standard": "ISO9001_2015", "code": "CUSTOM_WARRANTY",
                              "label": "Warranty claims ✓", "mandatory": False},
             user="admin")
    return rid, others


def _strip(obj):
    """Drop values that are computed at request time (generation stamps)."""
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if not re.search(r"generated", k)}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def snapshot(httpd, rid, others):
    api = wh.Api(httpd)
    out = {"review": api.review(rid), "v1": api.get("v1/reviews/%d?version=1" % rid),
           "history": api.get("v1/reviews/%d/history" % rid),
           "report_v1": _strip(api.get("v1/reviews/%d/report?version=1&format=json" % rid)),
           "audit": api.get("v1/audit/verify", user="auditor")}
    for state, oid in others.items():
        out[state] = api.review(oid)
    out["list"] = api.get("v1/reviews")
    out["people"] = api.get("v1/people", user="admin")
    out["programmes"] = api.get("v1/programmes")
    out["catalogue"] = api.get("v1/catalogue")
    assert len(out["programmes"]["items"]) == 2
    assert len(out["people"]["items"]) == 2
    return out


@pytest.mark.pgsql
@pytest.mark.slow
def test_round_trip_sqlite_pgsql_sqlite(make_httpd, basedir, request, built):
    if "pgsql" not in conftest.BACKENDS:
        pytest.skip("pgsql not in ISMS_BACKENDS")
    files = _shared_dir(basedir, "files")
    src = _fresh_sqlite(basedir, "src")
    h1 = make_httpd(db_args=src.db_args).start()
    h1.allow(r"AH03092")
    rid, others = fill(h1)
    before = snapshot(h1, rid, others)
    assert before["v1"]["sealed"] is True and before["audit"]["valid"] is True
    first = _export(src.db_args, os.path.join(files, "1-sqlite.json"))   # Apache still up
    h1.stop()
    t1 = _tables(first)
    # every table of the database is in the file, and holds what the record made
    names = {r[0] for r in src.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite%'")}
    assert names - set(t1) == {"schema_version", "action_tally", "action_day"}, names - set(t1)
    for t in ("review", "attendee", "input_item", "decision", "action", "improvement",
              "isms_change", "objective", "resource_req", "communication", "action_update",
              "kpi_measurement", "objective_revision", "objective_snapshot",
              "workflow_transition", "approval",
              "waiver", "review_version", "audit_event", "idempotency", "ref_counter"):
        assert t1[t]["rows"], "nothing exported from %s" % t

    pg = conftest._make_backend("pgsql", basedir, request)
    rc, out = _admin(pg.db_args, "import", os.path.join(files, "1-sqlite.json"))
    assert rc == 0, out
    assert "audit chain valid" in out, out
    rc, out = _admin(pg.db_args, "verify")
    assert rc == 0 and "valid" in out and "intact" in out, out
    h2 = make_httpd(db_args=pg.db_args).start()
    h2.allow(r"AH03092")
    after = snapshot(h2, rid, others)
    for key in before:
        assert after[key] == before[key], "%s differs after SQLite -> PostgreSQL" % key
    second = _export(pg.db_args, os.path.join(files, "2-pgsql.json"))
    _same_data(first, second)

    dst = _fresh_sqlite(basedir, "dst")
    rc, out = _admin(dst.db_args, "import", os.path.join(files, "2-pgsql.json"))
    assert rc == 0, out
    third = _export(dst.db_args, os.path.join(files, "3-sqlite.json"))
    _same_data(first, third)
    rc, out = _admin(dst.db_args, "verify")
    assert rc == 0, out

    # the PostgreSQL sequences were moved past the imported ids: new rows get new ids
    top = max(r[0] for r in t1["review"]["rows"])
    doc = wh.Api(h2).post("v1/reviews", wh.review_body("After the move"))
    assert doc["id"] == top + 1, doc["id"]
    wh.Api(h2).post("v1/reviews/%d/attendees" % doc["id"], wh.ATTENDEES[0])
    assert wh.Api(h2).verify()["valid"] is True


def _empty(backend, path):
    """The database holds no data (only the migration's head row)."""
    tables = _tables(_export(backend.db_args, path))
    full = {n: len(t["rows"]) for n, t in tables.items() if t["rows"] and n not in (
        "audit_head", "review_programme", "input_requirement")}
    assert not full, "the refused import left rows behind: %s" % full
    # what migration 011 seeded: the default programme and the catalogue of the standards
    assert len(tables["review_programme"]["rows"]) == 1
    assert not [r for r in tables["input_requirement"]["rows"] if "CUSTOM_" in str(r)]
    assert tables["audit_head"]["rows"][0][1] == 0


def test_import_refuses_bad_files_and_full_databases(make_httpd, backend, basedir, request):
    files = _shared_dir(basedir, "files")
    h = make_httpd(db_args=backend.db_args).start()
    h.allow(r"AH03092")
    api = wh.Api(h)
    wh.to_state(api, "PUBLISHED")
    good_path = os.path.join(files, "good.json")
    good = _export(backend.db_args, good_path)
    h.stop()

    # into a database that has data: refused, unchanged
    rc, out = _admin(backend.db_args, "import", good_path)
    assert rc == 1 and "not empty" in out and out.startswith("ismsreview-admin:"), out
    assert _export(backend.db_args, os.path.join(files, "again.json")).split("\n", 1)[1] == \
        good.split("\n", 1)[1]

    target = _fresh(backend.name, basedir, request, "target")
    doc = json.loads(good)

    def variant(name, text):
        path = os.path.join(files, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o644)
        return path

    def edited(fn):
        d = json.loads(good)
        fn(d)
        return json.dumps(d, ensure_ascii=False)

    def table(d, name):
        return [t for t in d["tables"] if t["name"] == name][0]

    def set_value(d, tname, col, row, value):
        t = table(d, tname)
        t["rows"][row][t["columns"].index(col)] = value

    cases = [
        ("not-json", "this is not JSON {", r"not a valid export"),
        ("truncated", good[:len(good) // 2], r"not a valid export.*truncated"),
        ("wrong-format", edited(lambda d: d.update(format="something-else")),
         r"not an ismsreview-admin export"),
        ("format-version", edited(lambda d: d.update(format_version=2)), r"format_version 2"),
        ("schema-version", edited(lambda d: d.update(schema_version=1)),
         r"schema version 1"),
        ("unknown-table", edited(lambda d: d["tables"].append(
            {"name": "evil", "columns": ["x"], "rows": [[1]]})), r"unknown table 'evil'"),
        ("missing-table", edited(lambda d: d["tables"].remove(table(d, "waiver"))),
         r"table waiver is missing"),
        ("unknown-column", edited(lambda d: table(d, "review")["columns"].__setitem__(
            2, "nonsense")), r"column 'nonsense'"),
        ("wrong-type", edited(lambda d: set_value(d, "review", "id", 0, "1")),
         r"table review row 1.*column id must be an integer"),
        ("control-byte", edited(lambda d: set_value(d, "review", "title", 0, "a\u0001b")),
         r"table review row 1.*column title"),
        ("short-row", edited(lambda d: table(d, "action")["rows"][0].pop()),
         r"table action row 1.*list of"),
        ("tampered-audit", edited(lambda d: set_value(d, "audit_event", "actor", 1, "mallory")),
         r"audit trail in the file does not verify: event 2"),
        ("tampered-seal", edited(lambda d: set_value(
            d, "review_version", "content", 0,
            table(d, "review_version")["rows"][0][
                table(d, "review_version")["columns"].index("content")].replace(
                    "Review in state", "Rewritten"))),
         r"sealed version 1 of review"),
        # refused by the database inside a multi-row INSERT: the row is still named
        ("dangling-reference", edited(lambda d: set_value(d, "attendee", "review_id", 1, 999)),
         r"table attendee row 2 \(id \d+\): the database refused it"),
    ]
    for name, text, expect in cases:
        rc, out = _admin(target.db_args, "import", variant(name + ".json", text))
        assert rc == 1, "%s: rc %d: %s" % (name, rc, out)
        assert re.search(expect, out, re.S), "%s: %s" % (name, out)
        assert out.startswith("ismsreview-admin:"), out
        _empty(target, os.path.join(files, "check-%s.json" % name))
    assert len(doc["tables"]) == len(_tables(good))

    rc, out = _admin(target.db_args, "import", os.path.join(files, "no-such-file.json"))
    assert rc == 2 and "cannot read" in out, out
    rc, out = _admin(target.db_args, "import")
    assert rc == 2 and "one file" in out, out
    # the good file still goes in afterwards, from standard input too
    with open(good_path, encoding="utf-8") as f:
        rc, out = _admin(target.db_args, "import", "-", stdin=f.read())
    assert rc == 0, out
    rc, out = _admin(target.db_args, "verify")
    assert rc == 0, out


def test_export_refuses_an_unknown_table(backend, basedir):
    """A table that a later migration adds must be added to export_import.c as well: the
    export names it instead of leaving it out of the backup."""
    rc, out = _admin(backend.db_args, "migrate")
    assert rc == 0, out
    rc, out = _admin(backend.db_args, "export", "-")
    assert rc == 0, out
    Db(backend).ok("CREATE TABLE later_table (id INTEGER PRIMARY KEY)")
    rc, out = _admin(backend.db_args, "export", "-")
    assert rc == 1 and "later_table" in out, out


def test_export_to_stdout_is_the_file(httpd, backend, basedir):
    httpd.allow(r"AH03092")
    wh.build_review(wh.Api(httpd))
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                     "export"])
    assert p.returncode == 0, p.stderr
    assert "exported" in p.stderr
    files = _shared_dir(basedir, "files")
    text = _export(backend.db_args, os.path.join(files, "x.json"))
    _same_data(p.stdout, text)


def test_export_while_apache_writes_is_consistent(make_httpd, backend, basedir, request):
    """Exports taken while requests keep writing are snapshots: each imports (the import
    checks that the audit chain ends at the head row, which a torn read would break) and
    holds as many audit events as its head says."""
    import threading
    files = _shared_dir(basedir, "files")
    h = make_httpd(db_args=backend.db_args).start()
    h.allow(r"AH03092")
    api = wh.Api(h)
    rid = api.post("v1/reviews", wh.review_body("Busy"))["id"]
    stop = threading.Event()
    written = []

    def writer():
        n = 0
        while not stop.is_set() and n < 400:
            st, _, _ = api.call("POST", "v1/reviews/%d/attendees" % rid, body={
                "name": "Member %d" % n, "is_top_management": False,
                "participation_role": "MEMBER", "attendance": "PRESENT"})
            assert st == 201, st
            n += 1
            written.append(n)

    t = threading.Thread(target=writer)
    t.start()
    try:
        exports = []
        while len(written) < 60 and len(exports) < 40:    # every export overlaps writes
            before = len(written)
            exports.append(os.path.join(files, "busy-%d.json" % len(exports)))
            text = _export(backend.db_args, exports[-1])
            tables = _tables(text)
            head = tables["audit_head"]["rows"][0]
            assert head[1] == len(tables["audit_event"]["rows"]), "torn export"
            assert len(tables["attendee"]["rows"]) >= before
    finally:
        stop.set()
        t.join()
    assert len(exports) >= 2 and len(written) >= 60, (len(exports), len(written))
    exports = [exports[0], exports[-1]]
    for n, path in enumerate(exports):
        target = _fresh(backend.name, basedir, request, "busy-target-%d" % n)
        rc, out = _admin(target.db_args, "import", path)
        assert rc == 0, out
