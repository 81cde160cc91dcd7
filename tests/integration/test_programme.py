# SPDX-License-Identifier: Apache-2.0
"""The review programme (domain-model.md A.1) and the IMS input catalogue (A.4), end to end on
every backend: v1/programmes and v1/catalogue (admins write, readers read), a review's
programme and scope snapshot, MR-02 against the programme's interval and tolerance, MR-40
(scope version), MR-41 (a mandatory requirement of a standard in scope missing), MR-P1 (the
sessions of a cycle of a sequenced programme), the new columns sealed by the database, the
compliance matrix's columns, and migration 011 over data written at migration 010."""

import pytest

import harness
import workflow_helpers as wh
from workflow_helpers import Api, Db, build_review, review_body

PROG = "v1/programmes"
CAT = "v1/catalogue"


def default_programme(api):
    items = api.get(PROG)["items"]
    assert items, "migration 011 creates a default programme"
    return items[0]


def patch_programme(api, pid, **fields):
    _, h = api.expect(200, "GET", "%s/%d" % (PROG, pid))
    doc, _ = api.expect(200, "PATCH", "%s/%d" % (PROG, pid), body=fields, user="admin",
                        if_match=h.get("etag"))
    return doc


def findings(chk, rule):
    return sorted(f["subject"] for f in chk["findings"] if f["rule"] == rule)


def test_programmes_and_catalogue_routes(httpd, backend):
    api = Api(httpd)
    p = default_programme(api)
    assert (p["interval_months"], p["tolerance_days"], p["coverage_mode"], p["active"]) == \
        (12, 30, "SINGLE_MEETING", True), p
    assert p["next_due_date"] is None and p["last_held"] is None
    body = {"name": "BCMS programme", "scope_ref": "BCMS-SCOPE", "scope_version": "2",
            "standards": ["ISO22301_2019"], "interval_months": 6, "tolerance_days": 14,
            "chair_role": "COO"}
    st, _, doc = api.call("POST", PROG, body=body)            # an author is not an admin
    assert st == 403, doc
    bad = dict(body, coverage_mode="SEQUENCED_SESSIONS")       # no cycle length
    st, _, doc = api.call("POST", PROG, body=bad, user="admin")
    assert st == 422 and doc["errors"][0]["field"] == "cycle_length_months", doc
    st, _, doc = api.call("POST", PROG, body=dict(body, interval_months=0), user="admin")
    assert st == 422 and doc["errors"][0]["field"] == "interval_months", doc
    st, _, doc = api.call("POST", PROG, body=dict(body, next_due_date="2027-01-01"),
                          user="admin")
    assert st == 422, doc                                      # derived, not written
    assert len(api.get(PROG)["items"]) == 1                    # nothing stored by the 4xx
    created = api.post(PROG, body, user="admin")
    assert created["coverage_mode"] == "SINGLE_MEETING" and created["active"] is True
    assert api.get("%s/%d" % (PROG, created["id"]), user="auditor")["name"] == "BCMS programme"
    st, _, _ = api.call("PATCH", "%s/%d" % (PROG, created["id"]), body={"active": False},
                        user="admin")
    assert st == 428                                           # If-Match required
    assert patch_programme(api, created["id"], active=False)["active"] is False
    assert [x["id"] for x in api.get(PROG + "?active=true")["items"]] == [p["id"]]

    cat = api.get(CAT + "?standard=ISO9001_2015", user="auditor")["items"]
    codes = {c["code"]: c for c in cat}
    assert codes["C7_EXT_PROVIDERS"]["mandatory"] is True
    assert codes["C7_EXT_PROVIDERS"]["maps_to_27001_code"] is None
    assert codes["C4_NC_CA"]["maps_to_27001_code"] == "D1_NC_CA"
    assert codes["O_RESOURCE_NEEDS"]["kind"] == "OUTPUT"
    everything = api.get(CAT)["items"]
    assert {c["standard"] for c in everything} == {
        "ISO27001_2022", "ISO9001_2015", "ISO14001_2015", "ISO22301_2019", "ISO45001_2018",
        "ISO27701_2019"}
    assert sorted(c["code"] for c in everything if c["standard"] == "ISO27001_2022") == \
        sorted(["A_PREV_ACTIONS", "B_ISSUES_CHANGES", "C_IP_NEEDS_CHANGES", "D1_NC_CA",
                "D2_MONITORING", "D3_AUDITS", "D4_OBJECTIVES", "E_IP_FEEDBACK", "F_RISK_RTP",
                "G_IMPROVEMENT"])
    custom = {"standard": "ISO9001_2015", "code": "CUSTOM_WARRANTY", "label": "Warranty claims",
              "clause": "9.3.2 c", "mandatory": True}
    st, _, doc = api.call("POST", CAT, body=custom)
    assert st == 403, doc
    st, _, doc = api.call("POST", CAT, body=dict(custom, code="C9_WHATEVER"), user="admin")
    assert st == 422 and doc["errors"][0]["field"] == "code", doc
    st, _, doc = api.call("POST", CAT, body=dict(custom, maps_to_27001_code="Z_NOPE"),
                          user="admin")
    assert st == 422 and doc["errors"][0]["field"] == "maps_to_27001_code", doc
    row = api.post(CAT, custom, user="admin")
    assert row["kind"] == "INPUT" and row["created_by"] == "admin"
    assert api.get("%s/%d" % (CAT, row["id"]), user="auditor")["code"] == "CUSTOM_WARRANTY"
    st, _, doc = api.call("POST", CAT, body=custom, user="admin")
    assert st == 409, doc
    st, _, doc = api.call("DELETE", "%s/%d" % (CAT, codes["C7_EXT_PROVIDERS"]["id"]),
                          user="admin")
    assert st == 409, doc                                      # the standards' rows stay
    st, _, _ = api.call("DELETE", "%s/%d" % (CAT, row["id"]), user="admin")
    assert st == 204
    assert len(api.get(CAT)["items"]) == len(everything)
    # every write is in the audit trail, refusals included
    events = api.get("v1/audit?limit=200", user="auditor")["items"]
    kinds = {(e["entity"], e["method"], e["status"]) for e in events}
    assert {("programme", "POST", 201), ("programme", "PATCH", 200), ("programme", "POST", 403),
            ("requirement", "POST", 201), ("requirement", "DELETE", 204),
            ("requirement", "DELETE", 409)} <= kinds, kinds


def test_review_takes_programme_and_scope(httpd, backend):
    api = Api(httpd)
    p = patch_programme(api, default_programme(api)["id"], scope_ref="ISMS-SCOPE",
                        scope_version="3")
    st, _, doc = api.call("POST", "v1/reviews", body=review_body(programme_id=9999))
    assert st == 422 and doc["errors"][0]["field"] == "programme_id", doc
    assert api.get("v1/reviews")["items"] == []
    r = build_review(api, True, title="Scoped review")
    rid = r["id"]
    doc, etag = api.review(rid)
    assert (doc["programme_id"], doc["scope_ref_snapshot"]) == (p["id"], "ISMS-SCOPE v3")
    chk = api.check(rid)
    assert "MR-40" not in {f["rule"] for f in chk["findings"]}
    assert "MR-40" not in chk["not_evaluated"] and "MR-41" not in chk["not_evaluated"]
    assert chk["not_evaluated"]["MR-P1"] == "not a programme of sequenced sessions"
    # the scope moves on: the review considered the old version (W)
    patch_programme(api, p["id"], scope_version="4")
    chk = api.check(rid)
    assert findings(chk, "MR-40") == ["review:%s:scope_ref_snapshot" % r["ref"]]
    assert [f["severity"] for f in chk["findings"] if f["rule"] == "MR-40"] == ["W"]
    # naming the programme again takes its current scope
    api.expect(200, "PATCH", "v1/reviews/%d" % rid, body={"programme_id": p["id"]},
               if_match=etag)
    assert api.review(rid)[0]["scope_ref_snapshot"] == "ISMS-SCOPE v4"
    assert findings(api.check(rid), "MR-40") == []
    st, _, html = api.call("GET", "v1/reviews/%d/report" % rid)
    html = html.decode() if isinstance(html, bytes) else html
    assert st == 200 and "Scope considered" in html and "ISMS-SCOPE v4" in html
    # the programme's next due date follows the review held
    assert api.get("%s/%d" % (PROG, p["id"]))["next_due_date"] == "2027-03-10"
    # sealed: the new columns cannot change below the API once approved
    api.move(rid, "submit")
    api.acknowledge_all(rid)
    api.move(rid, "approve", user="approver")
    db = Db(backend)
    db.refused("UPDATE review SET scope_ref_snapshot = 'other' WHERE id = %d" % rid)
    db.refused("UPDATE review SET programme_id = NULL WHERE id = %d" % rid)
    db.refused("UPDATE input_item SET requirement_codes = '[]' WHERE id = %d"
               % r["inputs"]["B"])
    assert api.history(rid)["live_matches_seal"] is True
    # the sealed version's record: its findings judged with the programme, which the report
    # itself does not carry
    rep = api.get("v1/reviews/%d/report?version=1&format=json" % rid)
    assert rep["review"]["scope_ref_snapshot"] == "ISMS-SCOPE v4"
    assert not [k for k in rep["review"] if k.startswith("_")], list(rep["review"])
    assert rep["findings"]["not_evaluated"]["MR-P1"] == "not a programme of sequenced sessions"
    assert api.history(rid)["versions"][0]["intact"] is True


def test_mr41_a_9001_input_missing(httpd, backend):
    """A 27001 + 9001 review complete for 27001 misses the 9001 inputs that no 27001 input
    covers, and the 9001 resource output: MR-41 (E) each; an input naming the code, or a
    resource requirement, covers it."""
    api = Api(httpd)
    r = build_review(api, True, title="Integrated review")
    rid = r["id"]
    assert findings(api.check(rid), "MR-41") == []            # 27001 alone: complete
    doc, etag = api.review(rid)
    api.expect(200, "PATCH", "v1/reviews/%d" % rid,
               body={"standards": ["ISO27001_2022", "ISO9001_2015"]}, if_match=etag)
    chk = api.check(rid)
    assert findings(chk, "MR-41") == sorted([
        "input:ISO9001_2015:C1_CUSTOMER_SAT:requirement_codes",
        "input:ISO9001_2015:C3_PROCESS_CONFORMITY:requirement_codes",
        "input:ISO9001_2015:C7_EXT_PROVIDERS:requirement_codes",
        "input:ISO9001_2015:D_RESOURCE_ADEQUACY:requirement_codes",
        "input:ISO9001_2015:E_RISK_ACTION_EFFECTIVENESS:requirement_codes",
        "result:ISO9001_2015:O_RESOURCE_NEEDS:resources"]), chk["findings"]
    assert {f["severity"] for f in chk["findings"] if f["rule"] == "MR-41"} == {"E"}
    c7 = [f for f in chk["findings"] if f["subject"].startswith(
        "input:ISO9001_2015:C7_EXT_PROVIDERS")][0]
    assert "Performance of external providers" in c7["message"] and c7["clause"] == "9.3 (IMS)"
    blocking = chk["blocking"]
    coll = "v1/reviews/%d/" % rid
    api.post(coll + "inputs", {
        "category": "D2_MONITORING", "title": "Supplier and customer performance",
        "summary": "OTD 97 %, NPS 41, 2 returns.", "trend": "IMPROVING", "status": "PRESENTED",
        "evidence_refs": ["QMS-KPI.xlsx"],
        "requirement_codes": ["ISO9001_2015:C7_EXT_PROVIDERS", "ISO9001_2015:C1_CUSTOMER_SAT"]})
    api.post(coll + "resources", {"resource_type": "PERSONNEL_FTE",
                                  "description": "One supplier quality engineer",
                                  "quantity": 1, "outcome": "APPROVED",
                                  "approved_by": "approver"})
    chk = api.check(rid)
    assert findings(chk, "MR-41") == sorted([
        "input:ISO9001_2015:C3_PROCESS_CONFORMITY:requirement_codes",
        "input:ISO9001_2015:D_RESOURCE_ADEQUACY:requirement_codes",
        "input:ISO9001_2015:E_RISK_ACTION_EFFECTIVENESS:requirement_codes"]), chk["findings"]
    assert chk["blocking"] == blocking - 3
    # a bad code is refused, not silently ignored
    st, _, doc = api.call("POST", coll + "inputs", body={
        "category": "G_IMPROVEMENT", "title": "x", "status": "PRESENTED",
        "requirement_codes": ["C7 external providers"]})
    assert st == 422 and doc["errors"][0]["field"].startswith("requirement_codes"), doc


def test_mr02_interval_and_tolerance(httpd, backend):
    api = Api(httpd)
    p = patch_programme(api, default_programme(api)["id"], interval_months=6,
                        tolerance_days=10)
    api.post("v1/reviews", review_body("H2 2025", planned_date="2025-09-01",
                                       held_from="2025-09-01", held_to="2025-09-01"))
    # due 2026-03-01, with 10 days' tolerance by 2026-03-11: held 2026-03-10 is in time
    rid = api.post("v1/reviews", review_body("H1 2026", next_review_date=None))["id"]
    assert api.review(rid)[0]["planned_interval_months"] == 6
    # the dashboard's next review: the programme's interval after the latest review
    n = api.get("v1/reports/dashboard")["next_review"]
    assert (n["due_date"], n["basis"], n["interval_months"], n["programme_id"],
            n["tolerance_days"]) == ("2026-09-10", "interval", 6, p["id"], 10), n
    chk = api.check(rid)
    assert findings(chk, "MR-02") == [] and "MR-02" not in chk["not_evaluated"]
    patch_programme(api, p["id"], tolerance_days=5)           # by 2026-03-06: late
    chk = api.check(rid)
    mr02 = [f for f in chk["findings"] if f["rule"] == "MR-02"]
    assert [(f["severity"], f["field"]) for f in mr02] == [("E", "held_from")], mr02
    assert "2026-03-06" in mr02[0]["message"] and "5 days" in mr02[0]["message"]
    # the compliance matrix names the new rules, with n/a where they were not evaluated
    m = api.get("v1/reports/compliance?format=json")
    ids = [r["id"] for r in m["rules"]]
    assert ids[-3:] == ["MR-40", "MR-41", "MR-P1"], ids
    row = [x for x in m["rows"] if x["review_id"] == rid][0]
    assert row["cells"]["MR-02"]["result"] == "fail"
    assert row["cells"]["MR-P1"]["result"] == "n/a"
    assert row["cells"]["MR-40"]["result"] == "n/a"            # the programme names no scope


def _session(api, pid, title, held, keys, inputs):
    rid = api.post("v1/reviews", review_body(title, planned_date=held, held_from=held,
                                             held_to=held, review_type="SEQUENCED_SESSION",
                                             programme_id=pid))["id"]
    for k in keys:
        api.post("v1/reviews/%d/inputs" % rid, inputs[k])
    return rid


def test_mr_p1_sequenced_sessions(httpd, backend):
    """A programme of two sessions a year: the first session of a cycle is not failed for
    what the second will cover; the session that closes the cycle fails for what no session
    of the cycle covered."""
    api = Api(httpd)
    pid = api.post(PROG, {"name": "Quarterly ISMS sessions", "standards": ["ISO27001_2022"],
                          "interval_months": 6, "tolerance_days": 15,
                          "coverage_mode": "SEQUENCED_SESSIONS", "cycle_length_months": 12},
                   user="admin")["id"]
    ins = wh._inputs(True)
    s1 = _session(api, pid, "Session 1", "2026-01-15", ["B", "C", "D1", "D2"], ins)
    chk = api.check(s1)
    assert chk["not_evaluated"]["MR-P1"].startswith("the cycle 2026-01-15 to 2027-01-15 is "
                                                    "still open: 4 of 10"), chk["not_evaluated"]
    assert "MR-41" in chk["not_evaluated"]
    for rule in ("MR-08", "MR-14", "MR-16"):                   # judged over the cycle
        assert rule in chk["not_evaluated"] and findings(chk, rule) == []
    # session 2 follows session 1: the server generates its input a (carry-over)
    s2 = _session(api, pid, "Session 2", "2026-07-20", ["D3", "D4", "E", "F"], ins)
    assert "A_PREV_ACTIONS" in [i["category"] for i in api.review(s2)[0]["inputs"]]
    chk = api.check(s2)                                        # closes the cycle
    assert "MR-P1" not in chk["not_evaluated"]
    assert findings(chk, "MR-P1") == ["input:ISO27001_2022:G_IMPROVEMENT:requirement_codes"]
    assert {f["severity"] for f in chk["findings"] if f["rule"] == "MR-P1"} == {"E"}
    api.post("v1/reviews/%d/inputs" % s2, ins["G"])
    assert [x["id"] for x in api.get("v1/reviews?programme_id=%d" % pid)["items"]] == [s1, s2]
    chk = api.check(s2)
    assert findings(chk, "MR-P1") == [] and "MR-P1" not in chk["not_evaluated"]
    # a cancelled session counts for nothing: session 2 now opens the programme's cycles
    api.move(s1, "cancel", comment="minutes lost")
    chk = api.check(s2)
    assert chk["not_evaluated"]["MR-P1"].startswith(
        "the cycle 2026-07-20 to 2027-07-20 is still open: 6 of 10"), chk["not_evaluated"]


# ---- migration 011 with data written at migration 010

OLD_REVIEWS = [
    "INSERT INTO review (id, ref, created_at, created_by, title, review_type, planned_date, "
    "held_frm, held_to, status, version, planned_interval_months, standards) VALUES "
    "(51, 'MR-2025-01', '2025-03-01T09:00:00Z', 'author', 'Old review 2025', 'SCHEDULED', "
    "'2025-03-10', '2025-03-10', '2025-03-10', 'DRAFT', 1, 6, '[\"ISO27001_2022\"]')",
    "INSERT INTO review (id, ref, created_at, created_by, title, review_type, planned_date, "
    "held_frm, held_to, status, version, planned_interval_months, previous_review_id, "
    "standards) VALUES (52, 'MR-2025-02', '2025-09-01T09:00:00Z', 'author', 'Old review H2', "
    "'SCHEDULED', '2025-10-01', '2025-10-01', '2025-10-01', 'DRAFT', 1, 6, 51, "
    "'[\"ISO27001_2022\"]')",
    "UPDATE review SET status = 'SUBMITTED' WHERE id = 51",
    "UPDATE review SET status = 'APPROVED' WHERE id = 51",
]


@pytest.mark.no_migrate
def test_migration_011_over_data_of_010(backend, make_httpd):
    if backend.dbdir:
        harness._chown_service(backend.dbdir)
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                     "migrate", "10"], timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    for sql in OLD_REVIEWS:
        backend.query(sql)
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                     "migrate"], timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert 11 in [int(r[0]) for r in backend.query("SELECT version FROM schema_version")]
    api = Api(make_httpd(db_args=backend.db_args).start())
    progs = api.get(PROG)["items"]
    assert [(x["interval_months"], x["tolerance_days"], x["last_held"], x["next_due_date"])
            for x in progs] == [(6, 30, "2025-10-01", "2026-04-01")], progs
    # the draft joined the default programme; the approved review's content stays as sealed
    assert api.review(52)[0]["programme_id"] == progs[0]["id"]
    assert api.review(51)[0]["programme_id"] is None
    chk = api.check(52)
    assert findings(chk, "MR-02") == [] and "MR-02" not in chk["not_evaluated"]
    assert len(api.get(CAT + "?standard=ISO14001_2015")["items"]) >= 13
    # below the API the approved review's new columns are sealed
    Db(backend).refused("UPDATE review SET programme_id = %d WHERE id = 51" % progs[0]["id"])
