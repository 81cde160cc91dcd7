# SPDX-License-Identifier: Apache-2.0
"""Reports: the review record (minutes) as HTML, JSON and CSV, the dashboard, the action
register, the clause 9.3 compliance matrix and the iCalendar feed; on every backend.

What is checked: each report carries the record's values (titles, references, counts);
hostile strings stored in the record come out inert (HTML escaped, CSV formula cells
prefixed with an apostrophe, iCalendar text escaped and folded); the HTML reports carry a
strict Content-Security-Policy whose style hash matches their one <style> element; file
names and Content-Disposition; the iCalendar feed parses with a real iCalendar parser
(python3-icalendar); format negotiation by ?format= and Accept; 404 for an unknown review;
any role may read reports, a user without a role may not.
"""

import base64
import csv
import datetime
import hashlib
import io
import json
import re

import pytest

from harness import assert_api_headers, assert_problem
from records_data import ITEM_DATA, REVIEW
from workflow_helpers import Api, build_review, days_overdue_now

icalendar = pytest.importorskip("icalendar", reason="python3-icalendar (tests/deps-test.txt)")

XSS = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://x")'
HOSTILE_TITLE = "%s %s %s" % (FORMULA, XSS, XSS_ATTR)
HOSTILE_OWNER = "+cmd" + XSS_ATTR
HOSTILE_ACTIONS = [
    {"title": "-1+1 " + XSS, "type": "CORRECTIVE", "owner": HOSTILE_OWNER,
     "due_date": "2026-06-30", "priority": "HIGH",
     "description": "line one\nline two; with, separators \\ and " + XSS_ATTR,
     "expected_outcome": "@SUM(A1:A9)"},
    {"title": "=cmd|' /C calc'!A0 " + XSS_ATTR, "type": "IMPROVEMENT", "owner": "@evil",
     "due_date": "2027-01-15", "priority": "LOW", "description": "\tÜnïcødé ✓ 日本語 " * 8,
     "expected_outcome": "ok"},
]
SECTIONS = ["review", "attendees", "agenda", "summary", "inputs", "conclusions", "decisions",
            "actions", "improvements", "changes", "objectives", "resources", "communications",
            "findings", "history"]
TODAY = {(datetime.datetime.now(datetime.timezone.utc).date()
          + datetime.timedelta(days=d)).isoformat() for d in (-1, 0)}


# ---------------------------------------------------------------------------------------------
# helpers


def get(api, path, user="author", headers=None, status=200):
    st, hdrs, body = api.raw("GET", path, user=user, headers=headers)
    assert st == status, "GET %s: %d %r" % (path, st, body[:500])
    assert_api_headers(hdrs)
    return hdrs, body


def ctype(hdrs):
    return hdrs.get("content-type", "").replace(" ", "").lower()


def disposition(hdrs):
    """(kind, filename) of Content-Disposition."""
    m = re.match(r'^(inline|attachment); filename="([A-Za-z0-9._-]+)"$',
                 hdrs.get("content-disposition", ""))
    assert m, "bad Content-Disposition: %r" % hdrs.get("content-disposition")
    return m.group(1), m.group(2)


def check_html(hdrs, body):
    """An HTML report: type, inline, CSP allowing exactly its <style>; returns the text."""
    assert ctype(hdrs) == "text/html;charset=utf-8", hdrs
    assert disposition(hdrs)[0] == "inline"
    text = body.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    csp = hdrs["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "script-src" not in csp
    styles = re.findall(r"<style>(.*?)</style>", text, re.S)
    assert len(styles) == 1, "one <style> element"
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert directives["style-src"] == "'sha256-%s'" % digest
    assert "@page { size: A4" in styles[0]
    assert not re.search(r"<script|<[a-z][^>]*\s(style|on[a-z]+)\s*=", text, re.I), \
        "active content"
    return text


def assert_inert_html(text):
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert XSS_ATTR not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in text


def parse_csv(hdrs, body):
    assert ctype(hdrs).startswith("text/csv;charset=utf-8"), hdrs
    assert disposition(hdrs)[0] == "attachment"
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


def waive_and_approve(api, rid):
    """Waives every open E finding (as approver), submits (author) and approves (approver)."""
    api.waive_all(rid, "Accepted for the test " + XSS)
    for action, user in (("submit", "author"), ("approve", "approver")):
        if action == "approve":
            api.acknowledge_all(rid)
        _, etag = api.get_with_etag("v1/reviews/%d" % rid)
        st, _, doc = api.call("POST", "v1/reviews/%d/%s" % (rid, action),
                              body={"comment": "%s by %s" % (action, user)}, user=user,
                              headers={"If-Match": etag})
        assert st in (200, 201), "%s: %d %r" % (action, st, doc)


def measure(api, oid, values, target_user="author"):
    for i, v in enumerate(values):
        api.create("v1/objectives/%d/measurements" % oid,
                   {"period_from": "2026-%02d-01" % (i + 1), "period_to": "2026-%02d-28" % (i + 1),
                    "value": v, "comment": XSS}, user=target_user)


@pytest.fixture
def api(httpd):
    return Api(httpd)


@pytest.fixture
def record(api):
    """The realistic review of records_data plus two hostile actions and KPI measurements."""
    built = build_review(api, items=ITEM_DATA, review=dict(
        REVIEW, executive_summary="Summary " + XSS + " " + XSS_ATTR))
    rid = built["rid"]
    built["hostile"] = [api.create("v1/reviews/%d/actions" % rid, a)[0] for a in HOSTILE_ACTIONS]
    built["mttp"] = built["sent"]["objectives"][0][1]["id"]
    measure(api, built["mttp"], [14, 12.5, 11, 9.5])
    return built


# ---------------------------------------------------------------------------------------------
# the review record


def test_record_html_has_every_section_and_value(api, record):
    rid = record["rid"]
    hdrs, body = get(api, "v1/reviews/%d/report" % rid)
    text = check_html(hdrs, body)
    assert disposition(hdrs) == ("inline", "MR-2026-01-v1.html")
    for s in SECTIONS:
        assert '<section id="%s">' % s in text, s
    assert text.count("<header>") == 1
    header = text[text.index("<header>"):text.index("</header>")]
    for v in ("MR-2026-01", "DRAFT", "CONFIDENTIAL", "Content hash", "not sealed", "Version"):
        assert v in header, v
    for coll, data in ITEM_DATA:
        for sent, created, _ in record["sent"][coll]:
            assert created["ref"] in text, created["ref"]
    for name in ("Dr. Helga Brandt", "Marc Oliveira", "Akira Tanaka", "Top management"):
        assert name in text
    assert "<td>yes</td><td>" in text            # the top-management flag
    for label in ("a) Status of actions", "b) Changes in external", "d1) Nonconformities",
                  "f) Results of risk assessment", "g) Opportunities"):
        assert label in text
    assert "Phishing click rate" in text and "6.4" in text           # metrics, previous value
    assert "DOC-CTX-2025-v7.pdf" in text                             # evidence
    assert "MTTP 14 days against a target of 10" in text                # conclusions
    assert "PARTIALLY" in text
    assert "ISMS-SCOPE" in text and "Statement of Applicability" in text   # affected documents
    assert "MR-2026-01-IN04, MR-2026-01-IN08" in text                 # basis inputs by ref
    assert "EUR" in text and "165000.5" in text
    assert "MR-24" in text and "9.3.3" in text                        # findings
    assert "Version history" in text and "Sealed versions" in text
    # pictures: the burn-down of this review's actions and the KPI trend, inline SVG
    assert text.count("<svg ") == 2
    assert "KPI: MTTP critical vulnerabilities" in text
    assert text.count("<circle ") == 4
    assert_inert_html(text)


def test_record_json_is_the_data(api, record):
    rid = record["rid"]
    hdrs, body = get(api, "v1/reviews/%d/report?format=json" % rid)
    assert ctype(hdrs) == "application/json;charset=utf-8"
    assert disposition(hdrs) == ("attachment", "MR-2026-01-v1.json")
    doc = json.loads(body)
    assert doc["report"] == "review-record"
    assert doc["document"]["ref"] == "MR-2026-01" and doc["document"]["version"] == 1
    assert doc["document"]["content_hash"] is None and doc["document"]["approvals"] == []
    review = doc["review"]
    assert review["executive_summary"] == "Summary " + XSS + " " + XSS_ATTR
    for coll, _ in ITEM_DATA:
        n = len(record["sent"][coll]) + (2 if coll == "actions" else 0)
        assert len(review[coll]) == n, coll
    titles = [a["title"] for a in review["actions"]]
    assert HOSTILE_ACTIONS[0]["title"] in titles
    mttp = [o for o in review["objectives"] if o["id"] == record["mttp"]][0]
    assert [m["value"] for m in mttp["measurements"]] == [14, 12.5, 11, 9.5]
    assert mttp["revisions"][0]["revision_type"] == "CREATED"
    assert "findings" in doc["findings"] and doc["findings"]["errors"] >= 1
    assert doc["history"]["versions"] == []
    assert doc["burn_down"][-1]["open"] == 6


def test_record_csv_one_row_per_item(api, record):
    rid = record["rid"]
    hdrs, body = get(api, "v1/reviews/%d/report?format=csv" % rid)
    assert disposition(hdrs) == ("attachment", "MR-2026-01-v1.csv")
    rows = parse_csv(hdrs, body)
    assert rows[0] == ["section", "ref", "title", "category", "status", "owner", "date",
                       "details"]
    assert all(len(r) == 8 for r in rows)
    by_section = {}
    for r in rows[1:]:
        by_section.setdefault(r[0], []).append(r)
    assert len(by_section["review"]) == 1
    for coll, _ in ITEM_DATA:
        n = len(record["sent"][coll]) + (2 if coll == "actions" else 0)
        assert len(by_section[coll[:-1]]) == n, coll
    assert "finding" in by_section
    refs = {r[1] for r in rows[1:]}
    for coll, _ in ITEM_DATA:
        for _, created, _ in record["sent"][coll]:
            assert created["ref"] in refs
    decision = [r for r in by_section["decision"] if r[3] == "SCOPE"][0]
    assert decision[2] == "Extend the ISMS scope to the Lisbon office."
    # formula cells are guarded; the rest stays as written
    hostile = {r[1]: r for r in by_section["action"]}
    a1, a2 = (hostile[a["ref"]] for a in record["hostile"])
    assert a1[2] == "'" + HOSTILE_ACTIONS[0]["title"]
    assert a1[5] == "'" + HOSTILE_OWNER
    assert a2[2] == "'" + HOSTILE_ACTIONS[1]["title"]
    assert a2[5] == "'@evil"
    assert "expected_outcome: @SUM(A1:A9)" in a1[7]      # not at the start of the cell
    for r in rows:
        for cell in r:
            assert not cell or cell[0] not in "=+-@\t\r", "unguarded cell %r" % cell


def test_record_of_a_sealed_version(api, record):
    rid = record["rid"]
    waive_and_approve(api, rid)
    history = api.get("v1/reviews/%d/history" % rid)
    seal = history["versions"][0]["content_hash"]
    for path in ("v1/reviews/%d/report" % rid, "v1/reviews/%d/report?version=1" % rid):
        hdrs, body = get(api, path)
        text = check_html(hdrs, body)
        header = text[text.index("<header>"):text.index("</header>")]
        assert seal in header
        assert "APPROVED" in header and "approver at " in header
        assert "MR-24" in text and "Accepted for the test &lt;script&gt;" in text   # waiver
        assert "not sealed" not in header
        assert_inert_html(text)
    doc = json.loads(get(api, "v1/reviews/%d/report?version=1&format=json" % rid)[1])
    assert doc["document"]["sealed_version"] is True
    assert doc["document"]["content_hash"] == seal
    assert [a["approver"] for a in doc["document"]["approvals"]] == ["approver"]
    assert [t["action"] for t in doc["history"]["transitions"]] == ["submit", "approve"]
    assert doc["findings"]["findings"] and all(
        f["waived"] for f in doc["findings"]["findings"] if f["severity"] == "E")
    live = json.loads(get(api, "v1/reviews/%d/report?format=json" % rid)[1])
    assert live["document"]["live_matches_seal"] is True
    assert_problem(api.raw("GET", "v1/reviews/%d/report?version=2" % rid), 404)
    assert_problem(api.raw("GET", "v1/reviews/%d/report?version=x" % rid), 400)
    assert_problem(api.raw("GET", "v1/reviews/%d/report?version=0" % rid), 400)


def test_record_unknown_review(api):
    doc = assert_problem(api.raw("GET", "v1/reviews/4711/report"), 404)
    assert "review" in doc.get("detail", doc["title"]).lower()
    assert_problem(api.raw("GET", "v1/reviews/4711/report?format=csv"), 404)


# ---------------------------------------------------------------------------------------------
# negotiation and permissions


@pytest.mark.parametrize("query,accept,expect", [
    ("", None, "text/html"),
    ("", "*/*", "text/html"),
    ("", "text/csv", "text/csv"),
    ("", "application/json", "application/json"),
    ("", "text/html;q=0.4, text/csv;q=0.8", "text/csv"),
    ("", "image/png", "text/html"),
    ("?format=json", "text/csv", "application/json"),
    ("?format=csv", "application/json", "text/csv"),
    ("?format=html", "text/csv", "text/html"),
])
def test_record_negotiation(api, query, accept, expect):
    rid = api.create("v1/reviews", REVIEW)[0]["id"]
    headers = {"Accept": accept} if accept else None
    hdrs, _ = get(api, "v1/reviews/%d/report%s" % (rid, query), headers=headers)
    assert ctype(hdrs).startswith(expect + ";"), hdrs


def test_negotiation_errors_and_defaults(api):
    rid = api.create("v1/reviews", REVIEW)[0]["id"]
    assert_problem(api.raw("GET", "v1/reviews/%d/report?format=pdf" % rid), 400)
    assert_problem(api.raw("GET", "v1/reports/dashboard?format=csv"), 400)
    assert_problem(api.raw("GET", "v1/reports/actions?format=xml"), 400)
    hdrs, _ = get(api, "v1/reports/dashboard")
    assert ctype(hdrs) == "application/json;charset=utf-8"
    hdrs, _ = get(api, "v1/reports/dashboard", headers={"Accept": "text/html"})
    check_html(hdrs, _)
    for path in ("v1/reports/actions", "v1/reports/compliance"):
        hdrs, body = get(api, path)
        check_html(hdrs, body)
        hdrs, _ = get(api, path, headers={"Accept": "text/csv"})
        assert ctype(hdrs).startswith("text/csv;"), path
        hdrs, _ = get(api, path, headers={"Accept": "application/json"})
        assert ctype(hdrs).startswith("application/json;"), path


REPORTS = ["v1/reviews/%d/report", "v1/reports/dashboard", "v1/reports/actions",
           "v1/reports/compliance", "v1/calendar.ics"]


def test_permissions(api):
    rid = api.create("v1/reviews", REVIEW)[0]["id"]
    for path in REPORTS:
        path = path % rid if "%d" in path else path
        for user in ("author", "approver", "auditor", "admin"):
            st, _, body = api.raw("GET", path, user=user)
            assert st == 200, "%s as %s: %d %r" % (path, user, st, body[:300])
        for user in ("nobody", "owner"):
            assert_problem(api.raw("GET", path, user=user), 403)
        assert api.raw("GET", path, user=False)[0] == 401
        st, hdrs, _ = api.raw("POST", path, body={})
        assert st == 405 and "GET" in hdrs.get("allow", ""), path


# ---------------------------------------------------------------------------------------------
# dashboard


def test_dashboard_values(api, record):
    rid = record["rid"]
    d = api.get("v1/reports/dashboard")
    assert d["report"] == "dashboard"
    assert d["reviews_by_status"] == {"DRAFT": 1}
    assert d["actions_total"] == 6 and d["actions_open"] == 6
    assert d["actions_by_status"] == {"OPEN": 6}
    all_actions = record["sent"]["actions"]
    dues = [s["due_date"] for s, _, _ in all_actions] + [a["due_date"] for a in HOSTILE_ACTIONS]
    overdue = [d_ for d_ in dues if min(days_overdue_now(d_)) > 0]
    assert d["actions_overdue"] == len(overdue) == len(d["overdue_actions"])
    for a in d["overdue_actions"]:
        assert a["days_overdue"] in days_overdue_now(a["due_date"])
    assert [a["due_date"] for a in d["overdue_actions"]] == sorted(overdue)
    owners = {o["owner"]: o for o in d["actions_by_owner"]}
    assert owners["owner"]["total_count"] == 2 and owners[HOSTILE_OWNER]["open_count"] == 1
    assert d["next_review"]["due_date"] == "2027-03-09"
    assert d["next_review"]["basis"] == "next_review_date"
    assert d["next_review"]["latest_review"]["ref"] == "MR-2026-01"
    objs = {o["id"]: o for o in d["objectives"]}
    assert objs[record["mttp"]]["rag"] == "GREEN"          # 9.5 <= 10, lower is better
    assert objs[record["mttp"]]["trend"] == "IMPROVING"
    assert sum(d["objectives_by_rag"].values()) == len(objs) == 3
    assert d["awaiting_approval"] == []
    assert d["burn_down"][-1] == {"date": d["today"], "open": 6}

    api.waive_all(rid, "ok")
    _, etag = api.get_with_etag("v1/reviews/%d" % rid)
    st, _, doc = api.call("POST", "v1/reviews/%d/submit" % rid, body={"comment": "go"},
                          headers={"If-Match": etag})
    assert st in (200, 201), doc
    d = api.get("v1/reports/dashboard")
    assert d["reviews_by_status"] == {"SUBMITTED": 1}
    assert [r["ref"] for r in d["awaiting_approval"]] == ["MR-2026-01"]
    assert d["awaiting_approval"][0]["approvals_count"] == 0

    hdrs, body = get(api, "v1/reports/dashboard?format=html")
    text = check_html(hdrs, body)
    assert disposition(hdrs)[1] in {"dashboard-%s.html" % t for t in TODAY}
    assert "6 actions, 6 open, %d overdue." % len(overdue) in text
    for v in ("Next management review due on 2027-03-09", "Reviews awaiting approval",
              "MR-2026-01", "Overdue actions", "KPI: MTTP critical vulnerabilities",
              "Open actions over time"):
        assert v in text, v
    assert text.count("<svg ") == 2
    assert_inert_html(text)


def test_dashboard_next_review_overdue(api):
    api.create("v1/reviews", dict(REVIEW, planned_date="2024-01-10", held_from="2024-01-10",
                                  held_to="2024-01-10", next_review_date=None,
                                  period_from="2023-01-01", period_to="2023-12-31"))
    d = api.get("v1/reports/dashboard")
    n = d["next_review"]
    assert n["due_date"] == "2025-01-10" and n["basis"] == "interval"
    assert n["interval_months"] == 12
    assert n["overdue"] is True
    assert n["days_overdue"] in days_overdue_now("2025-01-10")
    text = check_html(*get(api, "v1/reports/dashboard?format=html"))
    assert 'class="alert"' in text and "Overdue: the next management review was due on " \
        "2025-01-10" in text


def test_dashboard_empty(api):
    d = api.get("v1/reports/dashboard")
    assert d["next_review"]["due_date"] is None and d["next_review"]["overdue"] is False
    assert d["actions_total"] == 0 and d["overdue_actions"] == [] and d["objectives"] == []
    assert d["burn_down"] == []
    check_html(*get(api, "v1/reports/dashboard?format=html"))
    check_html(*get(api, "v1/reports/actions"))
    check_html(*get(api, "v1/reports/compliance"))


# ---------------------------------------------------------------------------------------------
# action register


def test_action_register(api, record):
    rid = record["rid"]
    # a later review carries the open actions over (input a): carry-over count 1
    later = api.create("v1/reviews", dict(REVIEW, planned_date="2027-03-09", held_from=None,
                                          held_to=None, next_review_date=None))[0]
    first = record["sent"]["actions"][0][1]
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % first["id"],
                          body={"status": "COMPLETED", "note": "done " + XSS})
    assert st == 201, doc
    hdrs, body = get(api, "v1/reports/actions?format=json")
    assert disposition(hdrs)[1] in {"action-register-%s.json" % t for t in TODAY}
    doc = json.loads(body)
    items = {a["ref"]: a for a in doc["items"]}
    assert len(items) == 6
    assert doc["summary"]["total"] == 6 and doc["summary"]["closed"] == 1
    assert doc["summary"]["open"] == 5
    assert doc["summary"]["closure_rate_pct"] == pytest.approx(100 / 6)
    for sent, created, _ in record["sent"]["actions"]:
        a = items[created["ref"]]
        assert a["title"] == sent["title"] and a["owner"] == sent["owner"]
        assert a["review_ref"] == "MR-2026-01" and a["days_since_created"] in (0, 1)
        assert a["carry_over_count"] == 1
        if created["id"] == first["id"]:
            assert a["status"] == "COMPLETED" and a["days_overdue"] == 0
        else:
            assert a["days_overdue"] in days_overdue_now(sent["due_date"])
    assert later["ref"] == "MR-2027-01"

    # filters
    doc = json.loads(get(api, "v1/reports/actions?format=json&owner=owner")[1])
    assert {a["owner"] for a in doc["items"]} == {"owner"} and len(doc["items"]) == 2
    doc = json.loads(get(api, "v1/reports/actions?format=json&status=COMPLETED")[1])
    assert [a["ref"] for a in doc["items"]] == [first["ref"]]
    doc = json.loads(get(api, "v1/reports/actions?format=json&overdue=true")[1])
    assert all(a["days_overdue"] > 0 for a in doc["items"]) and doc["items"]
    doc = json.loads(get(api, "v1/reports/actions?format=json&review=%d" % later["id"])[1])
    assert doc["items"] == []
    assert_problem(api.raw("GET", "v1/reports/actions?status=DONE"), 400)
    assert_problem(api.raw("GET", "v1/reports/actions?overdue=maybe"), 400)
    assert_problem(api.raw("GET", "v1/reports/actions?review=x"), 400)

    hdrs, body = get(api, "v1/reports/actions?format=csv")
    assert disposition(hdrs)[1] in {"action-register-%s.csv" % t for t in TODAY}
    rows = parse_csv(hdrs, body)
    head = rows[0]
    assert head[:3] == ["ref", "title", "review_ref"] and "days_overdue" in head
    assert "carry_over_count" in head and "days_since_created" in head
    assert len(rows) == 7
    col = {h: i for i, h in enumerate(head)}
    byref = {r[0]: r for r in rows[1:]}
    h1 = byref[record["hostile"][0]["ref"]]
    assert h1[col["title"]] == "'" + HOSTILE_ACTIONS[0]["title"]
    assert h1[col["owner"]] == "'" + HOSTILE_OWNER
    assert h1[col["carry_over_count"]] == "1"
    for r in rows:
        for cell in r:
            assert not cell or cell[0] not in "=+-@\t\r", "unguarded cell %r" % cell

    hdrs, body = get(api, "v1/reports/actions")
    text = check_html(hdrs, body)
    assert disposition(hdrs)[1] in {"action-register-%s.html" % t for t in TODAY}
    assert "Action register" in text and "Closure rate" in text
    for ref in items:
        assert ref in text
    assert text.count("<svg ") == 1 and "Open actions over time" in text
    assert_inert_html(text)
    assert rid


# ---------------------------------------------------------------------------------------------
# compliance matrix


def test_compliance_matrix(api, record):
    rid = record["rid"]
    other = api.create("v1/reviews", dict(
        REVIEW, planned_date="2025-03-10", held_from=None, held_to=None, title="Review " + XSS,
        period_from="2024-01-01", period_to="2024-12-31", next_review_date=None))[0]
    m = json.loads(get(api, "v1/reports/compliance?format=json")[1])
    assert m["report"] == "compliance-matrix"
    rules = [r["id"] for r in m["rules"]]
    assert rules[0] == "MR-01" and "MR-24" in rules and len(rules) == len(set(rules))
    rows = {r["ref"]: r for r in m["rows"]}
    assert list(rows) == ["MR-2025-01", "MR-2026-01"]          # by date
    full = rows["MR-2026-01"]["cells"]
    assert set(full) == set(rules)
    assert full["MR-01"] == {"result": "pass", "severity": None, "findings": 0}
    assert full["MR-28"]["result"] == "fail" and full["MR-28"]["severity"] == "E"
    assert full["MR-24"]["result"] == "fail" and full["MR-24"]["severity"] == "W"
    assert full["MR-18"]["result"] == "fail" and full["MR-18"]["severity"] == "W"
    empty = rows["MR-2025-01"]["cells"]
    assert empty["MR-01"]["result"] == "fail" and empty["MR-08"]["result"] == "fail"
    assert rows["MR-2025-01"]["title"] == "Review " + XSS

    check = api.get("v1/reviews/%d/check" % rid)
    assert check["errors"] + check["warnings"] == sum(c["findings"] for c in full.values())
    for f in check["findings"]:            # waivers are per finding
        if f["rule"] == "MR-28" and f["severity"] == "E":
            api.create("v1/reviews/%d/waivers" % rid, {"rule": "MR-28", "subject": f["subject"],
                                                       "justification": "later"}, user="approver")
        if f["rule"] == "MR-24":
            api.create("v1/reviews/%d/acknowledgements" % rid, {
                "rule": "MR-24", "subject": f["subject"]}, user="approver")
    m = json.loads(get(api, "v1/reports/compliance?format=json&year=2026")[1])
    assert [r["ref"] for r in m["rows"]] == ["MR-2026-01"]
    assert m["rows"][0]["cells"]["MR-24"]["result"] == "acknowledged"
    mr28 = m["rows"][0]["cells"]["MR-28"]["result"]
    assert mr28 == ("waived" if all(f["severity"] == "E" for f in check["findings"]
                                    if f["rule"] == "MR-28") else "fail"), mr28
    assert m["filter"] == {"from": "2026-01-01", "to": "2026-12-31"}
    m = json.loads(get(api, "v1/reports/compliance?format=json&from=2025-01-01&to=2025-12-31")[1])
    assert [r["ref"] for r in m["rows"]] == ["MR-2025-01"]
    assert json.loads(get(api, "v1/reports/compliance?format=json&year=2019")[1])["rows"] == []
    assert_problem(api.raw("GET", "v1/reports/compliance?year=26"), 400)
    assert_problem(api.raw("GET", "v1/reports/compliance?from=2026-02-30"), 400)

    hdrs, body = get(api, "v1/reports/compliance?format=csv&year=2026")
    assert disposition(hdrs) == ("attachment", "compliance-matrix-2026.csv")
    rows = parse_csv(hdrs, body)
    assert rows[0][:5] == ["review", "title", "status", "version", "date"]
    assert [h.split(" ")[0] for h in rows[0][5:]] == rules     # "MR-01 (9.3.1 / 5.1)"
    cell = {h.split(" ")[0]: v for h, v in zip(rows[0], rows[1])}
    assert cell["MR-24"] == "acknowledged (W)" and cell["MR-01"] == "pass"
    assert cell["MR-18"] == "fail (W)"

    hdrs, body = get(api, "v1/reports/compliance?format=html")
    text = check_html(hdrs, body)
    assert '<td class="muted" title="MR-24 (9.3.3): acknowledged (W)">ackW</td>' in text
    assert '<td class="fail" title="MR-08 (9.3.2 b): fail (E)">\u2717E</td>' in text  # empty
    assert '<td class="pass" title="MR-01 (9.3.1 / 5.1): pass">\u2713</td>' in text
    assert '<th scope="col" title="MR-38">38<br><small>6.1.3 f</small></th>' in text
    assert "Review &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text
    assert other["id"]


# ---------------------------------------------------------------------------------------------
# calendar


def test_calendar_feed(api, record):
    rid = record["rid"]
    first = record["sent"]["actions"][0][1]
    api.call("POST", "v1/actions/%d/updates" % first["id"], body={"status": "COMPLETED"})
    st, hdrs, body = api.raw("GET", "v1/calendar.ics", user="auditor")
    assert st == 200
    assert_api_headers(hdrs)
    assert ctype(hdrs) == "text/calendar;charset=utf-8"
    assert disposition(hdrs) == ("attachment", "ismsreview.ics")
    text = body.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75, line
        assert "\n" not in line and "\r" not in line
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    review = events["review-%d@ismsreview" % rid]
    assert review.decoded("DTSTART") == datetime.date(2026, 3, 10)
    assert review.decoded("DTEND") == datetime.date(2026, 3, 12)       # held to 03-11
    assert str(review["SUMMARY"]) == ("Management review MR-2026-01: ISMS management "
                                      "review 2026 (reporting year 2025)")
    assert str(review["LOCATION"]) == "Board room 4.02, Frankfurt HQ / video conference"
    nxt = events["next-review-after-%d@ismsreview" % rid]
    assert nxt.decoded("DTSTART") == datetime.date(2027, 3, 9)
    actions = {u: e for u, e in events.items() if u.startswith("action-")}
    open_ids = [c["id"] for _, c, _ in record["sent"]["actions"][1:]] + \
        [a["id"] for a in record["hostile"]]
    assert set(actions) == {"action-%d@ismsreview" % i for i in open_ids}
    h = actions["action-%d@ismsreview" % record["hostile"][0]["id"]]
    assert str(h["SUMMARY"]) == "Action due: %s %s" % (record["hostile"][0]["ref"],
                                                      HOSTILE_ACTIONS[0]["title"])
    assert h.decoded("DTSTART") == datetime.date(2026, 6, 30)
    assert ("Owner: " + HOSTILE_OWNER) in str(h["DESCRIPTION"])
    for e in events.values():
        assert isinstance(e.decoded("DTSTART"), datetime.date)
        assert not isinstance(e.decoded("DTSTART"), datetime.datetime)
        assert "DTSTAMP" in e
    # stable UIDs: the same feed again names the same events
    again = icalendar.Calendar.from_ical(api.raw("GET", "v1/calendar.ics")[2])
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)
    # one owner's actions only
    mine = icalendar.Calendar.from_ical(api.raw("GET", "v1/calendar.ics?owner=owner")[2])
    assert {str(e["UID"]) for e in mine.walk("VEVENT")} == {
        "action-%d@ismsreview" % c["id"] for s, c, _ in record["sent"]["actions"]
        if s["owner"] == "owner" and c["id"] != first["id"]}


def test_calendar_hostile_text_round_trips(api):
    body = dict(REVIEW, title=HOSTILE_TITLE + "; x, y \\ z",
                location="Room 1; floor 2, \\annex")
    rid = api.create("v1/reviews", body)[0]["id"]
    st, _, raw = api.raw("GET", "v1/calendar.ics")
    assert st == 200
    text = raw.decode("utf-8")
    assert "\r\nBEGIN:VEVENT\r\n" in text
    assert text.count("BEGIN:VEVENT") == 2 and text.count("END:VEVENT") == 2
    cal = icalendar.Calendar.from_ical(raw)
    ev = [e for e in cal.walk("VEVENT") if str(e["UID"]) == "review-%d@ismsreview" % rid][0]
    assert str(ev["SUMMARY"]) == "Management review MR-2026-01: " + body["title"]
    assert str(ev["LOCATION"]) == "Room 1; floor 2, \\annex"
    assert len(list(cal.walk("VEVENT"))) == 2
