# SPDX-License-Identifier: Apache-2.0
"""The completeness check as an auditor grades (issue 12 section 4), end to end on every
backend: waivers are per finding (rule + subject), W findings need an approver's
acknowledgement before approval (refused in the database once sealed), the minutes show
findings, waivers and acknowledgements, the compliance matrix shows n/a and clauses, a
period ending after the review date is accepted."""

import json

from harness import assert_problem
from workflow_helpers import Api, Db, admin_verify, build_review, review_body


def _action_without_outcome(api, r):
    """An extra action with no expected outcome: an MR-24 finding of severity W."""
    return api.post("v1/reviews/%d/actions" % r["id"], {
        "title": "Brief the service desk", "type": "IMPROVEMENT", "owner": "author",
        "due_date": "2026-06-30", "priority": "LOW", "description": "30 minutes, slides",
        "decision_id": r["decisions"]["improve"]})["id"]


def test_waivers_are_per_finding(httpd, backend):
    api = Api(httpd)
    r = build_review(api, False, title="Per-finding waivers")
    rid = r["id"]
    # a second E finding of one rule: two performance inputs without a trend (MR-12)
    for key in ("D1", "D3"):
        path = "v1/reviews/%d/inputs/%d" % (rid, r["inputs"][key])
        doc, h = api.expect(200, "GET", path)
        api.expect(200, "PATCH", path, body={"trend": None}, if_match=h.get("etag"))
    chk = api.check(rid)
    mr12 = sorted(f["subject"] for f in chk["findings"] if f["rule"] == "MR-12")
    assert len(mr12) == 2 and all(f["severity"] == "E" for f in chk["findings"]
                                  if f["rule"] == "MR-12"), chk["findings"]
    blocking = chk["blocking"]
    wpath = "v1/reviews/%d/waivers" % rid
    # two open findings: the waiver has to say which
    st, _, doc = api.call("POST", wpath, user="approver",
                          body={"rule": "MR-12", "justification": "no data last year"})
    assert st == 422 and doc["errors"][0]["field"] == "subject", doc
    st, _, doc = api.call("POST", wpath, user="approver", body={
        "rule": "MR-12", "subject": "input:nothing:trend", "justification": "x"})
    assert st == 422 and doc["errors"][0]["field"] == "subject", doc
    doc = api.post(wpath, {"rule": "MR-12", "subject": mr12[0],
                           "justification": "first year of the NC register"}, user="approver")
    assert doc["blocking"] == blocking - 1
    waived = {f["subject"]: f["waived"] for f in doc["findings"] if f["rule"] == "MR-12"}
    assert waived == {mr12[0]: True, mr12[1]: False}, waived   # not waived with the first
    st, _, doc = api.call("POST", wpath, user="approver", body={
        "rule": "MR-12", "subject": mr12[0], "justification": "again"})
    assert st == 409, doc
    # the only open MR-14 finding needs no subject
    doc = api.post(wpath, {"rule": "MR-14", "justification": "survey postponed"},
                   user="approver")
    hist = api.history(rid)
    assert [(w["rule_id"], w["subject"]) for w in hist["waivers"]] == [
        ("MR-12", mr12[0]), ("MR-14", "input:9.3.2 e:category")], hist["waivers"]


def test_warnings_need_acknowledgement_before_approval(httpd, backend):
    api = Api(httpd)
    api.auto_acknowledge = False
    r = build_review(api, True, title="Acknowledged warnings")
    rid = r["id"]
    aid = _action_without_outcome(api, r)
    api.move(rid, "submit")
    chk = api.check(rid)
    warnings = [f for f in chk["findings"] if f["severity"] == "W"]
    mine = [f for f in warnings if f["rule"] == "MR-24" and f["entity_id"] == aid]
    assert len(mine) == 1 and mine[0]["field"] == "expected_outcome", warnings
    assert chk["unacknowledged"] == len(warnings) >= 1
    before = api.review(rid)[0]
    st, h, doc = api.transition(rid, "approve", user="approver")
    assert_problem((st, h, json.dumps(doc).encode()), 422)
    assert doc["type"].endswith("unacknowledged-warnings"), doc
    assert {f["subject"] for f in doc["findings"]} == {f["subject"] for f in warnings}
    assert api.review(rid)[0]["status"] == "SUBMITTED" and api.history(rid)["approvals"] == []
    assert api.review(rid)[0]["version"] == before["version"]
    apath = "v1/reviews/%d/acknowledgements" % rid
    body = {"rule": "MR-24", "subject": mine[0]["subject"], "comment": "outcome in the plan"}
    for user in ("author", "auditor", "nobody"):
        assert api.call("POST", apath, user=user, body=body)[0] == 403, user
    st, _, doc = api.call("POST", apath, user="approver", body={"rule": "MR-12",
                                                               "subject": "x"})
    assert st == 422, doc                       # no such W finding
    doc = api.post(apath, body, user="approver")
    f = [x for x in doc["findings"] if x["subject"] == mine[0]["subject"]][0]
    assert f["acknowledged"] is True and f["acknowledgement"]["acknowledged_by"] == "approver"
    assert doc["unacknowledged"] == len(warnings) - 1
    assert api.call("POST", apath, user="approver2", body=body)[0] == 409
    acked = api.acknowledge_all(rid, user="approver2")
    assert len(acked) == len(warnings) - 1
    api.move(rid, "approve", user="approver")
    # sealed: nothing more is acknowledged, not even below the API
    st, _, doc = api.call("POST", apath, user="approver", body=body)
    assert st == 409, doc
    Db(backend).refused("INSERT INTO finding_ack (review_id, version, rule_id, subject, "
                        "acknowledged_by, created_at) VALUES (%d, 1, 'MR-24', 'x', 'db', "
                        "'2026-03-20T00:00:00Z')" % rid)
    Db(backend).refused("INSERT INTO waiver (review_id, version, rule_id, subject, "
                        "justification, waived_by, created_at) VALUES (%d, 1, 'MR-24', 'x', "
                        "'j', 'db', '2026-03-20T00:00:00Z')" % rid)
    # the minutes show the findings, who acknowledged them, and the history
    hist = api.history(rid)
    assert len(hist["acknowledgements"]) == len(warnings), hist["acknowledgements"]
    assert {(a["acknowledged_by"], a["subject"]) for a in hist["acknowledgements"]} >= {
        ("approver", mine[0]["subject"])}
    st, _, html = api.call("GET", "v1/reviews/%d/report" % rid, user="auditor",
                           headers={"Accept": "text/html"})
    text = html.decode() if isinstance(html, bytes) else str(html)
    assert st == 200 and "Acknowledgements of warnings" in text, text[:500]
    assert mine[0]["subject"] in text and "outcome in the plan" in text
    st, _, rep = api.call("GET", "v1/reviews/%d/report?format=json" % rid, user="auditor")
    f = [x for x in rep["findings"]["findings"] if x["subject"] == mine[0]["subject"]][0]
    assert f["acknowledged"] is True, f


def test_compliance_matrix_na_and_clauses(httpd, backend):
    api = Api(httpd)
    rid = build_review(api, True, title="First review")["id"]
    m = api.get("v1/reports/compliance?format=json", user="auditor")
    row = [x for x in m["rows"] if x["review_id"] == rid][0]
    # the first review: no interval to judge, no input a
    for rule in ("MR-02", "MR-03", "MR-04", "MR-05", "MR-19"):
        assert row["cells"][rule]["result"] == "n/a", (rule, row["cells"][rule])
    assert row["cells"]["MR-01"]["result"] == "pass"
    rules = {x["id"]: x for x in m["rules"]}
    assert rules["MR-12"]["clause"] == "9.3.2 d" and rules["MR-37"]["clause"] == "7.5.3"
    st, _, csv = api.call("GET", "v1/reports/compliance?format=csv", user="auditor")
    header = (csv.decode() if isinstance(csv, bytes) else csv).splitlines()[0]
    assert "MR-12 (9.3.2 d)" in header, header
    st, _, html = api.call("GET", "v1/reports/compliance", user="auditor",
                           headers={"Accept": "text/html"})
    text = html.decode() if isinstance(html, bytes) else str(html)
    assert "<small>9.3.2 d</small>" in text and ">n/a<" in text


def test_period_may_end_after_the_review_date(httpd, backend):
    """A Q4 review of the fiscal year: the period covered ends after the meeting."""
    api = Api(httpd)
    rid = build_review(api, True, title="Fiscal year review")["id"]
    doc, etag = api.review(rid)
    api.expect(200, "PATCH", "v1/reviews/%d" % rid, body={"period_to": "2026-03-31"},
               if_match=etag)
    assert api.review(rid)[0]["period_to"] == "2026-03-31"
    assert api.check(rid)["blocking"] == 0


def test_rule_table_in_the_docs_matches_the_code():
    """docs/api.md's rule table, the compliance matrix's rule list and the rules the check
    emits are the same set, one to one, with the same clauses and severities (no server)."""
    import os
    import re
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    core = os.path.join(repo, "mod_ismsreview", "core")
    src = open(os.path.join(core, "isms_report_compliance.c")).read()
    block = src[src.index("} rules[] = {"):src.index("#define NRULES")]
    code = {}
    for rid, clause, sev, what in re.findall(
            r'\{"(MR-(?:\d\d|P\d))", "([^"]*)", "([^"]*)", ((?:"(?:[^"\\]|\\.)*"\s*)+)\}', block):
        code[rid] = (clause, sev, "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', what)))
    emitted = set()
    for name in sorted(os.listdir(core)):
        if name.startswith("isms_rules") and name.endswith(".c"):
            emitted |= set(re.findall(r'"(MR-(?:\d\d|P\d))"',
                                      open(os.path.join(core, name)).read()))
    docs = {}
    for line in open(os.path.join(repo, "docs", "api.md")):
        m = re.match(r"\| (MR-(?:\d\d|P\d)) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$",
                     line.rstrip("\n"))
        if m:
            assert m.group(1) not in docs, "%s twice in docs/api.md" % m.group(1)
            docs[m.group(1)] = (m.group(2), m.group(3), m.group(4))
    assert set(code) == emitted, (set(code) ^ emitted)
    assert docs == code, {k: (docs.get(k), code.get(k)) for k in set(docs) | set(code)
                          if docs.get(k) != code.get(k)}


def test_admin_verify_compares_live_content_with_the_seal(httpd, backend):
    """ismsreview-admin verify exits 1 when the live record of a sealed review differs from
    its seal (a change made with the guards dropped), as the review record report says."""
    api = Api(httpd)
    r = build_review(api, True, title="Sealed, then edited below the API")
    rid = r["id"]
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    rc, out = admin_verify(backend.db_args)
    assert rc == 0 and "live records of sealed reviews: 1 checked, match their seals" in out, out
    db = Db(backend)
    db.drop_guards()
    db.ok("UPDATE decision SET statement = 'Something else' WHERE id = %d"
          % r["decisions"]["improve"])
    assert api.history(rid)["live_matches_seal"] is False
    rc, out = admin_verify(backend.db_args)
    assert rc == 1, out
    assert "sealed review DIFFERS: %s" % r["ref"] in out and "NOT matching" in out, out
    assert "audit chain: valid" in out, out          # the chain itself is intact


def test_input_a_lines_get_a_conclusion(httpd, backend):
    """Each carried-over line of input a gets management's conclusion; a re-plan names the
    ACTION_REPLAN decision, which clears the line's overdue finding (MR-06)."""
    api = Api(httpd)
    first = build_review(api, True, title="Earlier review")         # its action is carried
    # held after that action's due date (2026-06-30): the line is overdue at the review
    rid = api.post("v1/reviews", review_body(
        "Review with input a", planned_date="2026-08-04", held_from="2026-08-04",
        held_to="2026-08-04", next_review_date="2027-08-03"))["id"]
    review = api.review(rid)[0]
    lines = [s for i in review["inputs"] if i["category"] == "A_PREV_ACTIONS"
             for s in i["action_snapshots"]]
    line = [s for s in lines if s["action_id"] == first["action"]][0]
    assert "conclusion" not in line and line["days_overdue"] > 0, line   # overdue today
    mr06 = [f for f in api.check(rid)["findings"] if f["rule"] == "MR-06"
            and line["action_ref"] in f["subject"]]
    assert len(mr06) == 1 and mr06[0]["severity"] == "W", mr06
    path = "v1/reviews/%d/action-snapshots/%d" % (rid, first["action"])
    # If-Match is the review's ETag
    st, _, doc = api.call("PATCH", path, body={"conclusion": "CONTINUE"})
    assert st == 428, (st, doc)
    # a re-plan needs the review's ACTION_REPLAN decision
    st, _, doc = api.call("PATCH", path, body={"conclusion": "REPLAN"}, if_match=api.etag(rid))
    assert st == 422 and doc["errors"][0]["field"] == "replan_decision_id", doc
    other = api.post("v1/reviews/%d/decisions" % rid, {
        "statement": "Automate patching", "category": "CONTINUAL_IMPROVEMENT",
        "clause_933_aspect": "IMPROVEMENT", "outcome": "APPROVED"})["id"]
    st, _, doc = api.call("PATCH", path, body={"conclusion": "REPLAN", "replan_decision_id":
                                               other}, if_match=api.etag(rid))
    assert st == 422 and doc["errors"][0]["field"] == "replan_decision_id", doc
    st, _, doc = api.call("PATCH", path, body={"conclusion": "REPLAN", "replan_decision_id":
                                               first["decisions"]["improve"]},
                          if_match=api.etag(rid))      # another review's decision
    assert st == 422 and doc["errors"][0]["field"] == "replan_decision_id", doc
    st, _, doc = api.call("PATCH", path, body={"conclusion": "SOMEDAY"}, if_match=api.etag(rid))
    assert st == 422 and doc["errors"][0]["field"] == "conclusion", doc
    did = api.post("v1/reviews/%d/decisions" % rid, {
        "statement": "Re-plan %s to Q3" % line["action_ref"], "category": "ACTION_REPLAN",
        "clause_933_aspect": "NONE", "outcome": "APPROVED", "rationale": "supplier delay",
        "basis_input_ids": [i["id"] for i in review["inputs"]
                            if i["category"] == "A_PREV_ACTIONS"]})["id"]
    st, _, doc = api.call("PATCH", path, body={"conclusion": "CONTINUE",
                                               "replan_decision_id": did},
                          if_match=api.etag(rid))
    assert st == 422, doc
    st, _, doc = api.call("PATCH", "v1/reviews/%d/action-snapshots/999999" % rid,
                          body={"conclusion": "CLOSE"}, if_match=api.etag(rid))
    assert st == 404, doc
    doc = api.expect(200, "PATCH", path, body={"conclusion": "REPLAN", "replan_decision_id": did,
                                               "note": "new date 2026-09-30"},
                     if_match=api.etag(rid))[0]
    line = [s for i in doc["inputs"] if i["category"] == "A_PREV_ACTIONS"
            for s in i["action_snapshots"] if s["action_id"] == first["action"]][0]
    assert (line["conclusion"], line["replan_decision_id"], line["conclusion_note"]) == (
        "REPLAN", did, "new date 2026-09-30"), line
    chk = api.check(rid)
    assert not [f for f in chk["findings"] if f["rule"] == "MR-06"
                and line["action_ref"] in f["subject"]], chk["findings"]
    assert not [f for f in chk["findings"] if f["rule"] == "MR-23"
                and f["entity_id"] == did], chk["findings"]    # a re-plan needs no new action
    # sealed with the review: no conclusion changes once it is no longer a draft
    api.move(rid, "cancel", comment="merged into the next review")
    st, _, doc = api.call("PATCH", path, body={"conclusion": "CANCEL"}, if_match=api.etag(rid))
    assert st == 409, doc
    Db(backend).refused("UPDATE action_snapshot SET conclusion = 'CANCEL' WHERE review_id = %d"
                        % rid)


def test_results_communicated_not_just_published(httpd, backend):
    """Publishing does not distribute the results: the dashboard lists published reviews
    with communications still planned; marking one SENT needs when and by whom (tracking
    data: allowed after approval, outside the seal)."""
    api = Api(httpd)
    r = build_review(api, True, title="Published, not yet told")
    rid = r["id"]
    for action, user in (("submit", "author"), ("approve", "approver"), ("publish", "author")):
        api.move(rid, action, user=user)
    d = api.get("v1/reports/dashboard?format=json", user="auditor")
    pending = [x for x in d["published_not_communicated"] if x["id"] == rid]
    assert pending and pending[0]["planned_count"] == 1, d["published_not_communicated"]
    assert pending[0]["first_planned"] == "2026-03-20"
    path = "v1/reviews/%d/communications/%d" % (rid, r["communication"])
    doc, h = api.expect(200, "GET", path)
    st, _, err = api.call("PATCH", path, body={"status": "SENT"}, if_match=h.get("etag"))
    assert st == 422 and {e["field"] for e in err["errors"]} == {"sent_at", "sent_by"}, err
    doc, _ = api.expect(200, "PATCH", path, body={
        "status": "SENT", "sent_at": "2026-03-21", "sent_by": "author",
        "evidence_ref": "intranet post 4711"}, if_match=h.get("etag"))
    assert (doc["status"], doc["sent_at"], doc["sent_by"]) == ("SENT", "2026-03-21", "author")
    d = api.get("v1/reports/dashboard?format=json", user="auditor")
    assert not [x for x in d["published_not_communicated"] if x["id"] == rid], d
    hist = api.history(rid)
    assert hist["live_matches_seal"] is True and hist["versions"][0]["intact"] is True
    st, _, html = api.call("GET", "v1/reports/dashboard", user="auditor",
                           headers={"Accept": "text/html"})
    text = html.decode() if isinstance(html, bytes) else str(html)
    assert "Published, results not yet communicated" in text
    # the content of the communication stays sealed below the API
    Db(backend).refused("UPDATE communication SET how = 'EMAIL' WHERE id = %d"
                        % r["communication"])
    Db(backend).ok("UPDATE communication SET sent_by = 'approver' WHERE id = %d"
                   % r["communication"])


def test_resources_and_changes_followed_through(httpd, backend):
    """A resource approved in the review names who approved it with budget authority (MR-30,
    sealed); when it was provided, and when an ISMS change was implemented and how it was
    verified, are tracking data recorded after approval."""
    api = Api(httpd)
    r = build_review(api, True, title="Budget and change follow-through")
    rid = r["id"]
    res = api.post("v1/reviews/%d/resources" % rid, {
        "resource_type": "BUDGET_OPEX", "description": "SIEM licences", "amount": 24000,
        "currency": "EUR", "outcome": "APPROVED", "decision_id": r["decisions"]["improve"]})
    mr30 = [f for f in api.check(rid)["findings"] if f["rule"] == "MR-30"]
    assert [(f["field"], f["severity"]) for f in mr30] == [("approved_by", "W")], mr30
    rpath = "v1/reviews/%d/resources/%d" % (rid, res["id"])
    doc, h = api.expect(200, "GET", rpath)
    api.expect(200, "PATCH", rpath, body={"approved_by": "approver"}, if_match=h.get("etag"))
    assert not [f for f in api.check(rid)["findings"] if f["rule"] == "MR-30"]
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    doc, h = api.expect(200, "GET", rpath)
    st, _, err = api.call("PATCH", rpath, body={"approved_by": "author"}, if_match=h.get("etag"))
    assert st in (409, 422), (st, err)                        # sealed with the review
    doc, _ = api.expect(200, "PATCH", rpath, body={"provided_at": "2026-04-15",
                                                   "provision_status": "PROVIDED"},
                        if_match=h.get("etag"))
    assert doc["provided_at"] == "2026-04-15" and doc["approved_by"] == "approver"
    cpath = "v1/reviews/%d/changes/%d" % (rid, r["change"])
    doc, h = api.expect(200, "GET", cpath)
    doc, _ = api.expect(200, "PATCH", cpath, body={
        "status": "IMPLEMENTED", "implemented_at": "2026-05-20",
        "verification": "scope statement v4 published; internal audit 2026-06 confirms"},
        if_match=h.get("etag"))
    assert doc["implemented_at"] == "2026-05-20", doc
    hist = api.history(rid)
    assert hist["live_matches_seal"] is True, "tracking writes broke the seal"
    db = Db(backend)
    db.refused("UPDATE resource_req SET approved_by = 'mallory' WHERE id = %d" % res["id"])
    db.refused("UPDATE isms_change SET approved_by = 'mallory' WHERE id = %d" % r["change"])
    db.ok("UPDATE isms_change SET verification = 'rechecked' WHERE id = %d" % r["change"])
