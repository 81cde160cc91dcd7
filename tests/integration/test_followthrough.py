# SPDX-License-Identifier: Apache-2.0
"""Results followed through (issue 12 sections 3 and 5), end to end on every backend: a previous
review held outside the system (declared, concluded on in input a, judged by the interval,
period and input-a rules, in the minutes and the compliance matrix, sealed with the review in
the database, exported and imported, verified by ismsreview-admin), the effectiveness check
of an action as data (planned, verified with a result by someone other than the owner, in
the progress history, the action register report, the next review's input a and the
reminders), and MR-39 (a corrective action names its nonconformity)."""

import base64
import os
import re

import pytest

import harness
import test_export_import as tei
from workflow_helpers import Api, Db, admin_verify, build_review, review_body, to_state

HTML = {"Accept": "text/html"}

PRIOR = {
    "held_from": "2025-03-04", "held_to": "2025-03-04",
    "reference": "MR-2025 (paper minutes, before adoption)",
    "evidence_ref": "DMS://isms/minutes/2025-03-04.pdf", "period_to": "2024-12-31",
    "actions": [
        {"ref": "P-2025-01", "title": "Replace the perimeter firewall", "owner": "owner",
         "due_date": "2025-09-30", "status": "IN_PROGRESS"},
        {"ref": "P-2025-02", "title": "Train the service desk", "owner": "author",
         "due_date": "2025-06-30", "status": "COMPLETED"},
    ],
}


def _text(body):
    return body.decode() if isinstance(body, bytes) else str(body)


def _lines(review):
    return [s for i in review["inputs"] if i["category"] == "A_PREV_ACTIONS"
            for s in i["action_snapshots"]]


def _rules(chk, rule):
    return [f for f in chk["findings"] if f["rule"] == rule]


def _put(api, rid, body, status=200):
    return api.expect(status, "PUT", "v1/reviews/%d/previous-external" % rid, body=body,
                      if_match=api.etag(rid))[0]


def test_previous_review_held_outside_the_system(httpd, backend):
    api = Api(httpd)
    r = build_review(api, True, title="First review in the system")
    rid = r["id"]
    path = "v1/reviews/%d/previous-external" % rid
    chk = api.check(rid)
    for rule in ("MR-02", "MR-03", "MR-04", "MR-05", "MR-19"):
        assert rule in chk["not_evaluated"], (rule, chk["not_evaluated"])
    assert not [i for i in api.review(rid)[0]["inputs"] if i["category"] == "A_PREV_ACTIONS"]

    # If-Match, and bad declarations: each a 422 that stores nothing
    st, _, doc = api.call("PUT", path, body=PRIOR)
    assert st == 428, (st, doc)
    dup = dict(PRIOR, actions=[PRIOR["actions"][0], dict(PRIOR["actions"][1], ref="P-2025-01")])
    for bad, field in ((dict(PRIOR, held_from="2026-04-01", held_to=None), "held_from"),
                       (dict(PRIOR, held_to="2025-03-01"), "held_to"),
                       (dup, "actions"),
                       (dict(PRIOR, evidence_attachment_id=999999), "evidence_attachment_id"),
                       (dict(PRIOR, reference=None), "reference"),
                       ({k: v for k, v in PRIOR.items() if k != "held_from"}, "held_from"),
                       (dict(PRIOR, actions=[dict(PRIOR["actions"][0], status="DONE")]),
                        "actions[0].status")):
        st, _, doc = api.call("PUT", path, body=bad, if_match=api.etag(rid))
        assert st == 422 and field in [e["field"] for e in doc["errors"]], (field, st, doc)
    assert "previous_external" not in api.review(rid)[0]

    doc = _put(api, rid, PRIOR)
    x = doc["previous_external"]
    assert (x["reference"], x["held_from"], x["period_to"], x["created_by"]) == (
        PRIOR["reference"], "2025-03-04", "2024-12-31", "author"), x
    assert [a["ref"] for a in x["actions"]] == ["P-2025-01", "P-2025-02"], x
    # the typed-in actions are lines of a generated input a
    lines = {s["action_ref"]: s for s in _lines(doc)}
    assert set(lines) == {"P-2025-01", "P-2025-02"}, lines
    assert lines["P-2025-01"]["external"] is True and "action_id" not in lines["P-2025-01"]
    assert lines["P-2025-01"]["days_overdue"] == 161, lines        # 2025-09-30 -> 2026-03-10
    assert lines["P-2025-02"]["days_overdue"] == 0                  # completed
    chk = api.check(rid)
    for rule in ("MR-02", "MR-03", "MR-04", "MR-05", "MR-06", "MR-07", "MR-19"):
        assert rule not in chk["not_evaluated"], (rule, chk["not_evaluated"])
    assert not _rules(chk, "MR-02") + _rules(chk, "MR-03") + _rules(chk, "MR-19")
    mr06 = _rules(chk, "MR-06")
    assert len(mr06) == 1 and "P-2025-01" in mr06[0]["subject"], mr06

    # management concludes on the typed-in line like on a carried-over one
    lid = lines["P-2025-01"]["prior_action_id"]
    lpath = "v1/reviews/%d/prior-actions/%d" % (rid, lid)
    st, _, doc = api.call("PATCH", lpath, body={"conclusion": "REPLAN"}, if_match=api.etag(rid))
    assert st == 422 and doc["errors"][0]["field"] == "replan_decision_id", doc
    api.expect(404, "PATCH", "v1/reviews/%d/prior-actions/999999" % rid,
               body={"conclusion": "CLOSE"}, if_match=api.etag(rid))
    doc = api.expect(200, "PATCH", lpath, body={"conclusion": "CLOSE",
                                                "note": "Replaced in February"},
                     if_match=api.etag(rid))[0]
    line = [s for s in _lines(doc) if s["action_ref"] == "P-2025-01"][0]
    assert (line["conclusion"], line["conclusion_note"]) == ("CLOSE", "Replaced in February")
    assert not _rules(api.check(rid), "MR-06")

    # held 16 months before, with a gap in the period: the interval and period rules fire;
    # the line keeps its conclusion under the same ref
    doc = _put(api, rid, dict(PRIOR, held_from="2024-11-04", held_to="2024-11-04",
                              period_to="2024-09-30"))
    assert [s["conclusion"] for s in _lines(doc) if s["action_ref"] == "P-2025-01"] == ["CLOSE"]
    chk = api.check(rid)
    assert [f["severity"] for f in _rules(chk, "MR-03")] == ["E"], chk["findings"]
    assert _rules(chk, "MR-02") and _rules(chk, "MR-19"), chk["findings"]
    # declared again: the interval is fine again; input a is generated, it cannot be deleted
    doc = _put(api, rid, PRIOR)
    assert len(_lines(doc)) == 2
    lid = [s["prior_action_id"] for s in _lines(doc) if s["action_ref"] == "P-2025-01"][0]
    lpath = "v1/reviews/%d/prior-actions/%d" % (rid, lid)
    chk = api.check(rid)
    assert not _rules(chk, "MR-03") + _rules(chk, "MR-04") + _rules(chk, "MR-05")
    ina = [i for i in doc["inputs"] if i["category"] == "A_PREV_ACTIONS"][0]
    api.expect(409, "DELETE", "v1/reviews/%d/inputs/%d" % (rid, ina["id"]),
               if_match=ina["etag"])

    # the compliance matrix judges the interval rules; the minutes show the declaration
    m = api.get("v1/reports/compliance?format=json", user="auditor")
    row = [x for x in m["rows"] if x["review_id"] == rid][0]
    for rule in ("MR-02", "MR-03", "MR-04", "MR-05", "MR-19"):
        assert row["cells"][rule]["result"] != "n/a", (rule, row["cells"][rule])
    st, _, html = api.call("GET", "v1/reviews/%d/report" % rid, user="auditor", headers=HTML)
    text = _text(html)
    assert st == 200 and "Previous review held outside the system" in text
    assert "MR-2025 (paper minutes, before adoption)" in text and "P-2025-01" in text
    st, _, csv = api.call("GET", "v1/reviews/%d/report?format=csv" % rid, user="auditor")
    rows = [l for l in _text(csv).splitlines() if l.startswith(("previous_external,",
                                                                "action_snapshot,"))]
    assert rows[0].startswith('previous_external,"MR-2025 (paper minutes, before adoption)",')
    assert any("P-2025-01" in l and "external: yes" in l for l in rows), rows

    # a review with a previous review in the system declares none
    second = api.post("v1/reviews", review_body(
        "Second review", planned_date="2026-09-01", held_from="2026-09-01",
        held_to="2026-09-01", next_review_date="2027-09-01"))["id"]
    st, _, doc = api.call("PUT", "v1/reviews/%d/previous-external" % second, body=PRIOR,
                          if_match=api.etag(second))
    assert st == 409 and "has-previous-review" in doc["type"], (st, doc)
    prev = api.review(second)[0]["previous_review_id"]
    assert ("follows review %d in the system" % prev) in doc["detail"], doc

    # sealed with the review: the API refuses, the database refuses on every dialect
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    assert api.history(rid)["live_matches_seal"] is True
    v1 = api.get("v1/reviews/%d?version=1" % rid)
    assert v1["previous_external"]["reference"] == PRIOR["reference"]
    for method, p, body in (("PUT", path, PRIOR), ("DELETE", path, None),
                            ("PATCH", lpath, {"conclusion": "CONTINUE"})):
        st, _, doc = api.call(method, p, body=body, if_match=api.etag(rid))
        assert st == 409, (method, p, st, doc)
    db = Db(backend)
    db.refused("UPDATE prior_review SET reference = 'forged' WHERE review_id = %d" % rid)
    db.refused("DELETE FROM prior_review WHERE review_id = %d" % rid)
    db.refused("UPDATE prior_action SET conclusion = 'CONTINUE' WHERE id = %d" % lid)
    db.refused("DELETE FROM prior_action WHERE review_id = %d" % rid)
    db.refused("INSERT INTO prior_action (review_id, seq, action_ref, title, owner, due_date, "
               "status) VALUES (%d, 9, 'P-X', 't', 'o', '2025-01-01', 'OPEN')" % rid)
    rc, out = admin_verify(backend.db_args)
    assert rc == 0 and "match their seals" in out, out

    # changed below the API with the guards dropped: verify sees it and exits 1
    db.drop_guards()
    if backend.name == "pgsql":
        db.ok("ALTER TABLE prior_action DISABLE TRIGGER USER")
    db.ok("UPDATE prior_action SET title = 'Something else' WHERE id = %d" % lid)
    assert api.history(rid)["live_matches_seal"] is False
    rc, out = admin_verify(backend.db_args)
    assert rc == 1 and "sealed review DIFFERS: %s" % r["ref"] in out, out


def test_previous_review_survives_export_and_import(httpd, backend, basedir, request):
    api = Api(httpd)
    rid = build_review(api, True, title="First review in the system")["id"]
    doc = _put(api, rid, PRIOR)
    lid = _lines(doc)[0]["prior_action_id"]
    api.expect(200, "PATCH", "v1/reviews/%d/prior-actions/%d" % (rid, lid),
               body={"conclusion": "CONTINUE", "note": "on track"}, if_match=api.etag(rid))
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    files = tei._shared_dir(basedir, "files")
    first = tei._export(backend.db_args, os.path.join(files, "1.json"))
    tables = tei._tables(first)
    assert len(tables["prior_review"]["rows"]) == 1 and len(tables["prior_action"]["rows"]) == 2
    dst = tei._fresh(backend.name, basedir, request, "dst")
    rc, out = tei._admin(dst.db_args, "import", os.path.join(files, "1.json"))
    assert rc == 0, out
    tei._same_data(first, tei._export(dst.db_args, os.path.join(files, "2.json")))
    rc, out = admin_verify(dst.db_args)
    assert rc == 0 and "match their seals" in out, out


def _actions_of(api, rid):
    return {a["title"]: a for a in api.review(rid)[0]["actions"]}


def test_effectiveness_check_is_data(httpd, backend):
    api = Api(httpd)
    r = build_review(api, True, title="Decides the patch window")
    rid, aid = r["id"], r["action"]                      # owned by "owner"
    mine = _actions_of(api, rid)["Update the scope statement"]["id"]   # owned by "author"
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    p = "v1/actions/%d/updates" % aid

    # planned by an author after approval (tracking data); the owner may not plan it
    st, _, doc = api.call("POST", p, user="owner", body={"effectiveness_method": "mine"})
    assert st == 403, doc
    doc = api.post(p, {"effectiveness_required": True, "effectiveness_due": "2026-10-31",
                       "effectiveness_method": "MTTP report, three months in a row"})
    assert doc["effectiveness_check"] == {"required": True, "due": "2026-10-31",
                                          "method": "MTTP report, three months in a row"}, doc
    # the check is server data on the item: PATCH cannot write it, nor can the body name the
    # verifier
    st, _, doc = api.call("PATCH", "v1/reviews/%d/actions/%d" % (rid, aid),
                          body={"effectiveness_check": {"result": "fine"}}, if_match="*")
    assert st in (409, 422), (st, doc)
    st, _, doc = api.call("POST", p, body={"status": "VERIFIED_EFFECTIVE",
                                           "effectiveness_result": "ok",
                                           "effectiveness_verified_by": "approver"})
    assert st == 422 and doc["errors"][0]["code"] == "unknown_field", doc
    api.post(p, {"status": "COMPLETED", "note": "window live"}, user="owner")
    # verifying needs a result; the owner does not verify their own action
    st, _, doc = api.call("POST", p, body={"status": "VERIFIED_INEFFECTIVE"})
    assert st == 422 and doc["errors"][0]["field"] == "effectiveness_result", doc
    st, _, doc = api.call("POST", p, body={"effectiveness_result": "early"})
    assert st == 422 and doc["errors"][0]["code"] == "not_allowed", doc
    api.post("v1/actions/%d/updates" % mine, {"status": "COMPLETED"})
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % mine,
                          body={"status": "VERIFIED_EFFECTIVE", "effectiveness_result": "ok"})
    assert st == 403 and "separation of duties" in doc["detail"], doc
    doc = api.post(p, {"status": "VERIFIED_INEFFECTIVE",
                       "effectiveness_result": "MTTP 13 days: the window is too short"})
    check = doc["effectiveness_check"]
    assert (check["result"], check["verified_by"], check["method"]) == (
        "MTTP 13 days: the window is too short", "author",
        "MTTP report, three months in a row"), check
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", check["at"]), check
    # the owner's progress history shows it; the audit trail has it; the seal is intact
    ups = api.get(p, user="owner")["items"]
    assert (ups[-1]["effectiveness_result"], ups[-1]["created_by"], ups[-1]["status"]) == (
        "MTTP 13 days: the window is too short", "author", "VERIFIED_INEFFECTIVE"), ups
    assert ups[0]["effectiveness_required"] is True
    events = [e for e in api.audit() if e["path"].endswith("actions/%d/updates" % aid)]
    assert (events[-1]["after"]["effectiveness_check"] or {}).get("verified_by") == "author"
    assert api.history(rid)["live_matches_seal"] is True

    # the action register report shows it
    rep = api.get("v1/reports/actions?format=json", user="auditor")
    item = [i for i in rep["items"] if i["ref"] == doc["ref"]][0]
    assert (item["effectiveness_result"], item["effectiveness_verified_by"]) == (
        "MTTP 13 days: the window is too short", "author"), item
    st, _, html = api.call("GET", "v1/reports/actions", user="auditor", headers=HTML)
    assert "effectiveness: MTTP 13 days: the window is too short" in _text(html)

    # a later review carries the (still open) action: its line shows the check, sealed
    nxt = api.post("v1/reviews", review_body(
        "Next review", planned_date="2026-11-10", held_from="2026-11-10",
        held_to="2026-11-10", next_review_date="2027-11-09"))["id"]
    line = [s for s in _lines(api.review(nxt)[0]) if s.get("action_id") == aid][0]
    assert line["effectiveness_at_review"]["result"] == \
        "MTTP 13 days: the window is too short", line
    assert line["effectiveness_at_review"]["verified_by"] == "author"
    st, _, html = api.call("GET", "v1/reviews/%d/report" % nxt, user="auditor", headers=HTML)
    assert "MTTP 13 days: the window is too short" in _text(html)
    # then it is reopened, done again and verified effective; the next review's line keeps
    # what it was at that review
    api.post(p, {"status": "IN_PROGRESS", "note": "window doubled"}, user="owner")
    api.post(p, {"status": "COMPLETED"}, user="owner")
    doc = api.post(p, {"status": "VERIFIED_EFFECTIVE", "effectiveness_result": "MTTP 8 days"})
    assert doc["effectiveness_check"]["result"] == "MTTP 8 days"
    line = [s for s in _lines(api.review(nxt)[0]) if s.get("action_id") == aid][0]
    assert line["effectiveness_at_review"]["result"].startswith("MTTP 13 days")

    # the database: the check's columns are tracking data on a sealed review's action, the
    # snapshot in a review that is no longer a draft is sealed (every dialect)
    db = Db(backend)
    db.ok("UPDATE action SET effectiveness_check_method = 'dashboard' WHERE id = %d" % aid)
    db.refused("UPDATE action SET title = 'forged' WHERE id = %d" % aid)
    api.move(nxt, "cancel")
    db.refused("UPDATE action_snapshot SET effectiveness_at_review = NULL WHERE review_id = %d"
               % nxt)


def test_mr39_corrective_action_names_its_nonconformity(httpd, backend):
    api = Api(httpd)
    r = build_review(api, True, title="Corrective actions")
    rid, aid = r["id"], r["action"]
    assert not _rules(api.check(rid), "MR-39")           # the helper's action names NC-2025-014
    doc, h = api.expect(200, "GET", "v1/reviews/%d/actions/%d" % (rid, aid))
    api.expect(200, "PATCH", "v1/reviews/%d/actions/%d" % (rid, aid), body={"nc_ref": None},
               if_match=h.get("etag"))
    f = _rules(api.check(rid), "MR-39")
    assert [(x["severity"], x["clause"], x["field"]) for x in f] == [("W", "10.2", "nc_ref")], f
    m = api.get("v1/reports/compliance?format=json", user="auditor")
    row = [x for x in m["rows"] if x["review_id"] == rid][0]
    assert row["cells"]["MR-39"]["result"].startswith("fail"), row["cells"]["MR-39"]
    doc, h = api.expect(200, "GET", "v1/reviews/%d/actions/%d" % (rid, aid))
    api.expect(200, "PATCH", "v1/reviews/%d/actions/%d" % (rid, aid),
               body={"nc_ref": "NC-2026-003"}, if_match=h.get("etag"))
    assert not _rules(api.check(rid), "MR-39")


def _notify_dry_run(db_args):
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args, "notify",
                                     "--dry-run", "--mail-domain", "example.org"])
    out = (p.stdout or "") + (p.stderr or "")
    # the bodies are base64: decoded, so the test reads the text the recipient reads
    bodies = re.findall(r"Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)",
                        out)
    return p.returncode, out + "".join(base64.b64decode(b).decode("utf-8") for b in bodies)


def test_effectiveness_reminder_reads_the_check_due_date(httpd, backend):
    """ismsreview-admin notify reminds the author to verify a completed action's effectiveness
    from the check's due date (not before it is near), and not at all when the review decided
    no check is required."""
    api = Api(httpd)
    rid = to_state(api, "PUBLISHED")
    aid = [a for a in api.review(rid)[0]["actions"] if a["owner"] == "owner"][0]["id"]
    p = "v1/actions/%d/updates" % aid
    api.post(p, {"status": "COMPLETED"}, user="owner")
    rc, out = _notify_dry_run(backend.db_args)
    assert rc == 0 and "verify their effectiveness" in out, out          # from completion
    api.post(p, {"effectiveness_required": True, "effectiveness_due": "2099-06-30"})
    rc, out = _notify_dry_run(backend.db_args)
    assert rc == 0 and "verify their effectiveness" not in out, out      # not due yet
    api.post(p, {"effectiveness_due": "2026-01-15"})
    rc, out = _notify_dry_run(backend.db_args)
    assert rc == 0 and "effectiveness check due 2026-01-15" in out, out
    api.post(p, {"effectiveness_required": False})
    rc, out = _notify_dry_run(backend.db_args)
    assert rc == 0 and "verify their effectiveness" not in out, out


# ---- migration 012 with data made by the schema before it

OLD_ROWS = [
    "INSERT INTO review (id, ref, created_at, created_by, title, review_type, planned_date, "
    "status, version, held_frm, period_frm, period_to) VALUES (41, 'MR-2025-01', "
    "'2025-03-01T09:00:00Z', 'author', 'Old review 2025', 'SCHEDULED', '2025-03-10', 'DRAFT', "
    "1, '2025-03-10', '2024-01-01', '2024-12-31')",
    "INSERT INTO action (id, review_id, seq, ref, created_at, created_by, title, type, owner, "
    "due_date, original_due_date, priority, status, progress, completed_at) VALUES (81, 41, 1, "
    "'MR-2025-01-A01', '2025-03-10T10:00:00Z', 'author', 'Patch window', 'CORRECTIVE', "
    "'owner', '2025-06-30', '2025-06-30', 'HIGH', 'COMPLETED', 100, '2025-06-01T08:00:00Z')",
    "INSERT INTO action_update (id, action_id, status, progress, note, created_at, created_by) "
    "VALUES (91, 81, 'COMPLETED', 100, 'done', '2025-06-01T08:00:00Z', 'owner')",
    "UPDATE review SET status = 'SUBMITTED' WHERE id = 41",
    "UPDATE review SET status = 'APPROVED' WHERE id = 41",
]


@pytest.mark.no_migrate
def test_migration_012_with_existing_data(backend, make_httpd):
    if backend.dbdir:
        harness._chown_service(backend.dbdir)
    rc, out = tei._admin(backend.db_args, "migrate", "10")
    assert rc == 0, out
    for sql in OLD_ROWS:
        backend.query(sql)
    rc, out = tei._admin(backend.db_args, "migrate")
    assert rc == 0 and 12 in [int(r[0]) for r in backend.query(
        "SELECT version FROM schema_version")], out
    api = Api(make_httpd(db_args=backend.db_args).start())
    old = api.get("v1/reviews/41")
    assert "previous_external" not in old
    a = [x for x in old["actions"] if x["id"] == 81][0]
    assert a["effectiveness_check"] is None and a["status"] == "COMPLETED", a
    ups = api.get("v1/actions/81/updates")["items"]
    assert [(u["id"], u["note"], u["effectiveness_result"]) for u in ups] == \
        [(91, "done", None)], ups
    # the migrated action is verified like any other, its review stays sealed in the database
    doc = api.post("v1/actions/81/updates", {"status": "VERIFIED_EFFECTIVE",
                                             "effectiveness_result": "MTTP 9 days"})
    assert doc["effectiveness_check"]["verified_by"] == "author", doc
    with pytest.raises(Exception):
        backend.query("UPDATE action SET title = 'rewritten' WHERE id = 81")
    # the next review carries nothing (verified effective) and may not declare an outside one
    nxt = api.post("v1/reviews", review_body("After migration"))["id"]
    st, _, doc = api.call("PUT", "v1/reviews/%d/previous-external" % nxt, body=PRIOR,
                          if_match=api.etag(nxt))
    assert st == 409, doc


def test_input_a_discussion_and_conclusion_as_a_whole(httpd, backend):
    """Input a stays generated, but its discussion and conclusion as a whole are written on a
    draft (If-Match: the input's ETag); any other field of it is refused (409, nothing
    stored), and so is the discussion once the review is submitted."""
    api = Api(httpd)
    build_review(api, True, title="Earlier review")                  # its action is carried
    rid = build_review(api, True, title="Review discussing input a")["id"]
    ina = [i for i in api.review(rid)[0]["inputs"] if i["category"] == "A_PREV_ACTIONS"][0]
    path = "v1/reviews/%d/inputs/%d" % (rid, ina["id"])
    st, _, doc = api.call("PATCH", path, body={"discussion": "Late supplier"})
    assert st == 428, (st, doc)
    for bad in ({"title": "Renamed"}, {"discussion": "Late supplier", "summary": "rewritten"}, {}):
        st, _, doc = api.call("PATCH", path, body=bad, if_match=ina["etag"])
        assert st == 409 and doc["type"].endswith("generated"), (bad, st, doc)
    assert api.get(path)["title"] == ina["title"]
    doc, _ = api.expect(200, "PATCH", path, body={"discussion": "Late supplier",
                                                  "conclusion": "Escalate to procurement"},
                        if_match=ina["etag"])
    assert (doc["discussion"], doc["conclusion"], doc["title"]) == (
        "Late supplier", "Escalate to procurement", ina["title"]), doc
    got = api.get(path)
    assert (got["discussion"], got["conclusion"]) == ("Late supplier", "Escalate to procurement")
    st, _, doc = api.call("PATCH", path, body={"conclusion": "Again"}, if_match=ina["etag"])
    assert st == 412, (st, doc)                                     # the ETag moved on
    api.move(rid, "submit")
    st, _, doc = api.call("PATCH", path, body={"conclusion": "After submission"},
                          if_match=api.get_with_etag(path)[1])
    assert st == 409 and doc["type"].endswith("not-editable"), (st, doc)
    assert api.get(path)["conclusion"] == "Escalate to procurement"
