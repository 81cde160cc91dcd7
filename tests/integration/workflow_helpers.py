# SPDX-License-Identifier: Apache-2.0
"""The integration tests' one API client and one review builder, and what goes with them:

- Api: JSON calls against one harness.Httpd (call/expect/get/post/create/patch/delete/raw/
  problem/walk), the workflow transitions with If-Match (transition/move), findings
  (acknowledge_all/waive_all), the audit trail (audit/verify);
- build_review(): the one review builder. By default the small workflow review (complete or
  with open E findings); with items=records_data.ITEM_DATA the realistic record (records_data.py
  is only data); to_state() brings a workflow review to any state;
- comparing what was sent with what came back (assert_fields_equal, same_value), Location
  paths, a raw socket exchange;
- the database below the API (Db: sqlite3 CLI / psql / mariadb) for the tamper tests,
  ServerEnv (one server per module and backend), and the module's canonical JSON and hashes
  recomputed independently (canon, event_hash).

Only the Python standard library and harness.py; nothing here edits harness.py/conftest.py.
HACKING.md "Tests" says how to write a test with these.
"""

import copy
import datetime
import hashlib
import itertools
import json
import os
import re
import shutil
import socket
from urllib.parse import urlsplit

import harness

API = "/isms/api/"

# the review date of every review built here: reviews in one database follow each other
# (previous_review_id), and the same held_from keeps MR-02/MR-03 (interval) quiet
REVIEW_DATE = "2026-03-10"

# roles of the demo users (harness.USERS); None = no credentials
ROLES = {user: set(roles) for user, (_, roles) in harness.USERS.items()}

# transition -> (role needed, states it leaves from, state it goes to, comment required)
TRANSITIONS = {
    "submit": ("author", {"DRAFT", "RETURNED"}, "SUBMITTED", False),
    "return": ("approver", {"SUBMITTED"}, "RETURNED", True),
    "approve": ("approver", {"SUBMITTED"}, "APPROVED", False),
    "publish": ("author", {"APPROVED"}, "PUBLISHED", False),
    "cancel": ("author", {"PLANNED", "DRAFT", "RETURNED"}, "CANCELLED", True),
    "amend": ("author", {"APPROVED", "PUBLISHED"}, "DRAFT", True),
}

HEX64 = re.compile(r"^[0-9a-f]{64}$")
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class ApiError(AssertionError):
    pass


def _json_body(body):
    """A body that is sent as JSON: anything but bytes, text and iterators (chunked)."""
    return body is not None and not isinstance(body, (bytes, str)) and \
        not hasattr(body, "__next__")


class Api:
    """JSON calls against one Httpd. Paths are relative to the API root ("v1/reviews") or
    absolute ("/isms/..."). user: a user of harness.USERS (or of passwords); None or False
    sends no credentials. call() returns (status, headers, parsed body or None); the other
    calls assert the status they expect and return the document."""

    def __init__(self, httpd, base=API, passwords=None):
        self.h = self.httpd = httpd
        self.base = base
        self.passwords = dict(passwords or {})     # users beyond harness.USERS

    def path(self, p):
        return p if p.startswith("/") else self.base + p

    def raw(self, method, path, body=None, user="author", headers=None, password=None,
            timeout=60):
        """(status, headers with lowercase names, body bytes) as they came."""
        if password is None and user:
            password = self.passwords.get(user)
        return self.h.request(method, self.path(path), user=user or None, body=body,
                              headers=headers, password=password, timeout=timeout)

    def call(self, method, path, user="author", body=None, if_match=None, headers=None,
             password=None, timeout=60):
        hdrs = dict(headers or {})
        if if_match is not None:
            hdrs["If-Match"] = if_match
        if _json_body(body):
            hdrs.setdefault("Content-Type", "application/json")
            body = json.dumps(body)
        st, h, raw = self.raw(method, path, body=body, user=user, headers=hdrs,
                              password=password, timeout=timeout)
        doc = None
        if raw:
            try:
                doc = json.loads(raw)
            except ValueError:
                doc = raw
        return st, h, doc

    def expect(self, status, method, path, **kw):
        st, h, doc = self.call(method, path, **kw)
        if st != status:
            raise ApiError("%s %s as %s: expected %d, got %d: %s"
                           % (method, path, kw.get("user", "author"), status, st,
                              json.dumps(doc)[:3000] if not isinstance(doc, bytes) else doc))
        return doc, h

    def get(self, path, user="author", headers=None):
        """GET that must answer 200 with the headers of every API response (a sealed version,
        ETag "sha256-...", is the one thing a client may cache: private, immutable)."""
        doc, h = self.expect(200, "GET", path, user=user, headers=headers)
        if h.get("etag", "").startswith('"sha256-'):
            assert h.get("cache-control") == "private, immutable", h
            assert h.get("x-content-type-options") == "nosniff", h
        else:
            harness.assert_api_headers(h)
        return doc

    def get_with_etag(self, path, user="author"):
        """(document, ETag) of a GET that must answer 200 with an ETag."""
        doc, h = self.expect(200, "GET", path, user=user)
        assert h.get("etag"), "GET %s: no ETag" % path
        return doc, h["etag"]

    def post(self, path, body, user="author", status=201, **kw):
        return self.expect(status, "POST", path, user=user, body=body, **kw)[0]

    def create(self, path, body, user="author", headers=None):
        """POST that must answer 201 with a JSON body and a Location; returns (document,
        location path below the API root)."""
        doc, h = self.expect(201, "POST", path, user=user, body=body, headers=headers)
        assert "application/json" in h.get("content-type", ""), h
        assert h.get("location"), "201 without Location: %r" % h
        return doc, location_path(h["location"], self.base)

    def patch(self, path, body, etag, user="author"):
        """PATCH with If-Match: etag (None: without); returns call()'s triple."""
        return self.call("PATCH", path, user=user, body=body, if_match=etag)

    def delete(self, path, etag, user="author"):
        return self.call("DELETE", path, user=user, if_match=etag)

    def problem(self, method, path, status, body=None, user="author", headers=None):
        """A request that must fail with an RFC 9457 problem of this status; returns it."""
        hdrs = dict(headers or {})
        if _json_body(body):
            hdrs.setdefault("Content-Type", "application/json")
            body = json.dumps(body)
        return harness.assert_problem(self.raw(method, path, body=body, user=user,
                                               headers=hdrs), status)

    def walk(self, path, limit, user="author"):
        """Every item of a paginated list, following next_cursor; returns (items, pages)."""
        items, pages, cursor = [], 0, None
        sep = "&" if "?" in path else "?"
        while True:
            url = "%s%slimit=%d" % (path, sep, limit) + ("&cursor=%s" % cursor if cursor else "")
            doc = self.get(url, user=user)
            pages += 1
            assert len(doc["items"]) <= limit, doc
            items.extend(doc["items"])
            cursor = doc["next_cursor"]
            if cursor is None:
                return items, pages
            assert isinstance(cursor, str) and cursor, doc
            assert pages < 1000, "pagination does not end"

    # ---- reviews
    def review(self, rid, user="author"):
        """(review document, ETag header)."""
        doc, h = self.expect(200, "GET", "v1/reviews/%d" % rid, user=user)
        return doc, h.get("etag")

    def etag(self, rid):
        return self.review(rid)[1]

    def history(self, rid, user="author"):
        return self.get("v1/reviews/%d/history" % rid, user=user)

    def check(self, rid, user="author"):
        return self.get("v1/reviews/%d/check" % rid, user=user)

    def transition(self, rid, action, user="author", comment=None, etag=True, body=None):
        """POST v1/reviews/{rid}/{action}. etag=True: the current ETag (read as author);
        a string: that If-Match; None/False: no If-Match."""
        if etag is True:
            etag = self.etag(rid)
        if body is None:
            body = {} if comment is None else {"comment": comment}
        return self.call("POST", "v1/reviews/%d/%s" % (rid, action), user=user, body=body,
                         if_match=etag or None)

    # Approval needs every W finding acknowledged (issue 12): after a submission by move()
    # the helpers acknowledge them as "approver", unless a test sets auto_acknowledge = False.
    auto_acknowledge = True

    def acknowledge_all(self, rid, user="approver"):
        """Acknowledges every open W finding of the review; returns their subjects."""
        return self._settle(rid, "W", "acknowledged", "acknowledgements", "comment", "seen",
                            user)

    def waive_all(self, rid, justification, user="approver"):
        """Waives every open E finding of the review, one waiver per finding (rule +
        subject); returns their subjects."""
        return self._settle(rid, "E", "waived", "waivers", "justification", justification,
                            user)

    def _settle(self, rid, severity, flag, coll, field, text, user):
        done = []
        for f in self.check(rid)["findings"]:
            if f["severity"] == severity and not f[flag]:
                self.create("v1/reviews/%d/%s" % (rid, coll), {
                    "rule": f["rule"], "subject": f["subject"], field: text}, user=user)
                done.append(f["subject"])
        return done

    def move(self, rid, action, user="author", comment=None):
        """A transition that must succeed; returns the review after it."""
        if comment is None and TRANSITIONS[action][3]:
            comment = "%s: reason given by the test" % action
        st, h, doc = self.transition(rid, action, user=user, comment=comment)
        if st != 200:
            raise ApiError("%s of review %d as %s: expected 200, got %d: %s"
                           % (action, rid, user, st, json.dumps(doc)[:3000]))
        if action == "submit" and self.auto_acknowledge and self.acknowledge_all(rid):
            doc = self.review(rid)[0]
        return doc

    # ---- audit
    def audit(self, user="auditor", **filters):
        """Every audit event matching the filters, following next_cursor."""
        out, cursor = [], None
        while True:
            q = dict(filters, limit=200)
            if cursor:
                q["cursor"] = cursor
            page = self.get("v1/audit?" + "&".join("%s=%s" % kv for kv in q.items()), user=user)
            out.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    def verify(self, user="auditor"):
        return self.get("v1/audit/verify", user=user)


def location_path(location, base=API):
    """The path of a Location header below the API root ('v1/reviews/1')."""
    path = urlsplit(location).path
    assert path.startswith(base), "Location %r is not below %s" % (location, base)
    return path[len(base):]


def request_head(httpd, method, target, headers=(), user=None, version="HTTP/1.1"):
    """A request head built by hand, as bytes: the request line with target as it is, Host,
    Connection: close, Basic credentials of user (harness.USERS) unless None, then headers
    (name, value pairs) in their order, unchecked."""
    lines = ["%s %s %s" % (method, target, version), "Host: 127.0.0.1:%d" % httpd.port,
             "Connection: close"]
    if user:
        lines.append("Authorization: " + harness.Httpd.auth_header(user))
    lines += ["%s: %s" % kv for kv in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def raw_http(httpd, data, timeout=20):
    """Sends the bytes as they are over a plain socket, closes the sending side, reads until
    the server closes. Returns (status, headers (lower-case names, repeated ones joined),
    body (by Content-Length, or de-chunked), header block, bytes after a Content-Length body),
    or None when the server closed without an HTTP answer."""
    with socket.create_connection(("127.0.0.1", httpd.port), timeout=timeout) as s:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
    if not out.startswith(b"HTTP/"):
        return None
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        k = k.strip().lower()
        hdrs[k] = hdrs[k] + ", " + v.strip() if k in hdrs else v.strip()
    after = b""
    if "content-length" in hdrs:
        n = int(hdrs["content-length"])
        body, after = body[:n], body[n:]
    elif hdrs.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return int(lines[0].split()[1]), hdrs, body, head, after


def _dechunk(data):
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        n = int(size_line.split(b";")[0], 16)
        if n == 0:
            break
        out += data[:n]
        data = data[n + 2:]
    return out


def raw_exchange(httpd, method, path, user=None, headers=None, body=b"", timeout=10):
    """One HTTP/1.1 request below the API root over a plain socket. Returns (status, headers,
    body by Content-Length, bytes sent after it)."""
    hdrs = list((headers or {}).items())
    if body:
        hdrs.append(("Content-Length", str(len(body))))
    r = raw_http(httpd, request_head(httpd, method, API + path.lstrip("/"), hdrs, user) + body,
                 timeout)
    assert r, "%s %s: no HTTP answer" % (method, path)
    return r[0], r[1], r[2], r[4]


# ---------------------------------------------------------------------------------------------
# the workflow review: small, complete (or with open E findings on purpose)

def review_body(title="Management review (workflow test)", **over):
    body = {
        "title": title,
        "review_type": "SCHEDULED",
        "planned_date": REVIEW_DATE,
        "held_from": REVIEW_DATE,
        "held_to": REVIEW_DATE,
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "format": "IN_PERSON",
        "location": "Board room",
        "chair": "approver",
        "standards": ["ISO27001_2022"],
        "classification": "CONFIDENTIAL",
        "retention_until": "2033-12-31",
        "agenda": "Inputs a-g, decisions, actions",
        "executive_summary": "The ISMS remains suitable, adequate and effective.",
        "suitability": {"rating": "CONFIRMED", "rationale": "Scope still fits."},
        "adequacy": {"rating": "CONFIRMED", "rationale": "Controls cover the risks."},
        "effectiveness": {"rating": "PARTIALLY", "rationale": "Patching is late."},
        "next_review_date": "2027-03-09",
    }
    body.update(over)
    return body


ATTENDEES = [
    {"person": "approver", "name": "Helga Brandt", "title": "CEO", "function": "Board",
     "is_top_management": True, "participation_role": "CHAIR", "attendance": "PRESENT"},
    {"person": "author", "name": "Priya Raman", "title": "ISMS Manager",
     "function": "Information security", "is_top_management": False,
     "participation_role": "SECRETARY", "attendance": "PRESENT"},
]


def _inputs(complete=True):
    ins = {
        "B": {"category": "B_ISSUES_CHANGES", "title": "Issues", "summary": "New office.",
              "trend": "MIXED", "status": "PRESENTED", "climate_change_relevance": "RELEVANT",
              "evidence_refs": ["CTX-2025.pdf"]},
        "C": {"category": "C_IP_NEEDS_CHANGES", "title": "Interested parties",
              "summary": "Customers ask for ISO 27701.", "trend": "STABLE",
              "status": "PRESENTED", "evidence_refs": ["IP-2025.pdf"]},
        "D1": {"category": "D1_NC_CA", "title": "NC/CA", "summary": "12 NCs.",
               "trend": "IMPROVING", "status": "PRESENTED", "evidence_refs": ["NC.xlsx"],
               "metrics": [{"name": "NCs", "value": 12, "previous_value": 17}]},
        "D2": {"category": "D2_MONITORING", "title": "Monitoring", "summary": "MTTP 14 d.",
               "trend": "MIXED", "status": "PRESENTED", "evidence_refs": ["MON.pdf"],
               "metrics": [{"name": "MTTP", "value": 14.5, "previous_value": 21.25,
                            "unit": "days", "target": 10},
                           {"name": "Phishing click rate", "value": 3.1,
                            "previous_value": 6.4, "unit": "%", "target": 5}]},
        "D3": {"category": "D3_AUDITS", "title": "Audits", "summary": "2 minor NCs.",
               "trend": "STABLE", "status": "PRESENTED", "evidence_refs": ["IA.pdf"]},
        "D4": {"category": "D4_OBJECTIVES", "title": "Objectives", "summary": "4 of 6.",
               "trend": "IMPROVING", "status": "PRESENTED", "evidence_refs": ["OBJ.pdf"]},
        "E": {"category": "E_IP_FEEDBACK", "title": "Feedback", "summary": "No escalations.",
              "trend": "STABLE", "status": "PRESENTED", "evidence_refs": ["FB.pdf"]},
        "F": {"category": "F_RISK_RTP", "title": "Risk and RTP", "summary": "3 risks open.",
              "trend": "IMPROVING", "status": "PRESENTED", "evidence_refs": ["RA.pdf"],
              "risk_assessment_date": "2025-11-20", "risks_above_acceptance": 3,
              "rtp_completion_pct": 78},
        "G": {"category": "G_IMPROVEMENT", "title": "Improvement", "summary": "Automate.",
              "status": "PRESENTED", "evidence_refs": ["OFI.pdf"]},
    }
    if not complete:
        del ins["E"]                               # MR-14 (E): no input e
        del ins["G"]                               # MR-16 (E): no input g
    return ins


def workflow_items(complete=True, extra_items=True):
    """The items of the workflow review, in the form of records_data.ITEM_DATA."""
    items = [
        ("attendees", ATTENDEES),
        ("inputs", _inputs(complete)),
        ("decisions", {
            "improve": {"statement": "Introduce an emergency patch window.",
                        "category": "CONTINUAL_IMPROVEMENT", "clause_933_aspect": "IMPROVEMENT",
                        "outcome": "APPROVED", "rationale": "MTTP 14 days against 10.",
                        "basis_input_ids": ["$input:D2", "$input:F"]},
            "change": {"statement": "Extend the ISMS scope to the Lisbon office.",
                       "category": "SCOPE", "clause_933_aspect": "ISMS_CHANGE",
                       "outcome": "APPROVED", "rationale": "New site from Q2.",
                       "basis_input_ids": ["$input:B"]}}),
        ("actions", [
            {"title": "Set up an emergency patch window", "type": "CORRECTIVE",
             "owner": "owner", "due_date": "2026-06-30", "priority": "HIGH",
             "description": "Weekly two-hour window with a fast-track CAB.",
             "expected_outcome": "MTTP critical <= 10 days for three months",
             "nc_ref": "NC-2025-014", "decision_id": "$decision:improve"},
            {"title": "Update the scope statement", "type": "CHANGE_IMPLEMENTATION",
             "owner": "author", "due_date": "2026-05-15", "priority": "MEDIUM",
             "description": "Scope statement and SoA for Lisbon.",
             "expected_outcome": "Scope v4 approved", "decision_id": "$decision:change"}]),
        ("objectives", [
            {"statement": "Patch critical vulnerabilities within 10 days.",
             "level": "ORGANIZATION", "policy_ref": "IS-POL-01 section 4", "measurable": True,
             "evaluation_method": "Monthly MTTP report", "owner": "owner",
             "target_date": "2026-12-31", "resources_ref": "Budget line OPEX-SEC-07",
             "plan_what": "Patch window, tooling", "monitoring_frequency": "monthly",
             "status": "ACTIVE", "decision_id": "$decision:improve",
             "kpi": {"name": "MTTP critical", "unit": "days", "direction": "LOWER_BETTER",
                     "baseline": 21.5, "target": 10}}]),
    ]
    if extra_items:
        items += [
            ("changes", [
                {"change_type": "SCOPE", "description": "Include Lisbon in the ISMS scope.",
                 "purpose": "Customer data in Lisbon.", "consequences": "New risk assessment.",
                 "owner": "author", "planned_date": "2026-05-15",
                 "decision_id": "$decision:change"}]),
            ("communications", [
                {"what_type": "EXEC_SUMMARY", "audience_type": "ALL_EMPLOYEES",
                 "audience_scope": "INTERNAL", "how": "INTRANET", "when": "2026-03-20",
                 "communicator": "author"}]),
        ]
    return items


# ---------------------------------------------------------------------------------------------
# the one review builder

def resolve(value, ids):
    """Replaces "$input:D3" style references (also inside lists and objects) by the ids in
    ids."""
    if isinstance(value, str) and value.startswith("$"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [resolve(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, ids) for k, v in value.items()}
    return value


def build_review(api, complete=True, title=None, user="author", extra_items=True, review=None,
                 items=None):
    """Creates a review and its items through the API as user.

    Without items: the workflow review (review_body(title), workflow_items()). complete=True:
    every rule of severity E is satisfied (asserted: GET check -> blocking 0); complete=False:
    inputs e and g are missing, i.e. open E findings MR-14 and MR-16 (asserted);
    extra_items=False leaves out the change and the communication.
    With items (a list of (collection, bodies) like records_data.ITEM_DATA; a collection may
    come again, its list items are numbered on): review (default review_body(title)) and those
    items, references resolved; complete and extra_items do not apply.

    Returns a dict:
      id (= rid), ref, review (the 201 body), review_sent, location (path below the API root);
      sent[collection] = [(body sent, 201 body, location path)] in the order posted;
      ids["input:D3"], ids["decision:scope"], ids["action:0"] ... = item ids;
      inputs, decisions = {key: id}; action, objective, change, communication ... = the id of
      the first item of that kind."""
    workflow = items is None
    if workflow:
        items = workflow_items(complete, extra_items)
        title = title or ("Complete review" if complete else "Incomplete review")
    if review is None:
        review = review_body(title) if title else review_body()
    doc, loc = api.create("v1/reviews", review, user=user)
    rid = doc["id"]
    out = {"id": rid, "rid": rid, "ref": doc["ref"], "review": doc, "review_sent": review,
           "location": loc, "sent": {}, "ids": {}}
    for coll, data in items:
        kind = coll[:-1]
        sent = out["sent"].setdefault(coll, [])
        entries = data.items() if isinstance(data, dict) else \
            enumerate(data, start=len(sent))
        for key, body in entries:
            body = resolve(copy.deepcopy(body), out["ids"])
            item, item_loc = api.create("v1/reviews/%d/%s" % (rid, coll), body, user=user)
            out["ids"]["%s:%s" % (kind, key)] = item["id"]
            sent.append((body, item, item_loc))
            if isinstance(data, dict):
                out.setdefault(coll, {})[key] = item["id"]
            else:
                out.setdefault(kind, item["id"])
    if workflow:
        _assert_completeness(api, rid, complete)
    return out


def _assert_completeness(api, rid, complete):
    chk = api.check(rid)
    if complete:
        assert chk["blocking"] == 0, "the complete review has blocking findings: %s" % (
            [f for f in chk["findings"] if f["severity"] == "E"])
    else:
        rules = {f["rule"] for f in chk["findings"] if f["severity"] == "E"}
        assert {"MR-14", "MR-16"} <= rules and chk["blocking"] >= 2, chk


def to_state(api, state, approver="approver"):
    """A fresh complete review brought to state by the API: DRAFT, SUBMITTED, RETURNED,
    APPROVED, PUBLISHED, CANCELLED, or DRAFT_V2 (an approved review amended: DRAFT v2).
    Returns the review id."""
    rid = build_review(api, True, title="Review in state %s" % state)["id"]
    path = {
        "DRAFT": [],
        "SUBMITTED": [("submit", "author")],
        "RETURNED": [("submit", "author"), ("return", approver)],
        "APPROVED": [("submit", "author"), ("approve", approver)],
        "PUBLISHED": [("submit", "author"), ("approve", approver), ("publish", "author")],
        "CANCELLED": [("cancel", "author")],
        "DRAFT_V2": [("submit", "author"), ("approve", approver), ("amend", "author")],
    }[state]
    for action, user in path:
        api.move(rid, action, user=user)
    return rid


# ---------------------------------------------------------------------------------------------
# comparing what was sent with what came back

def days_between(a, b):
    return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days


def days_overdue_now(due):
    """The days_overdue the server may compute for an open action today (UTC): a set, so that
    a test running across midnight UTC still passes."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    return {max(0, days_between(due, (today + datetime.timedelta(days=d)).isoformat()))
            for d in (-1, 0)}


def same_value(sent, got):
    """Equal as JSON values, numbers compared numerically (5 == 5.0)."""
    if isinstance(sent, bool) or isinstance(got, bool):
        return sent is got
    if isinstance(sent, (int, float)) and isinstance(got, (int, float)):
        return abs(float(sent) - float(got)) <= 1e-9 * max(1.0, abs(float(sent)))
    if isinstance(sent, dict) and isinstance(got, dict):
        # members the server stores as NULL (not sent) come back absent or null
        keys = set(sent) | {k for k, v in got.items() if v is not None}
        return all(same_value(sent.get(k), got.get(k)) for k in keys)
    if isinstance(sent, list) and isinstance(got, list):
        return len(sent) == len(got) and all(same_value(a, b) for a, b in zip(sent, got))
    return sent == got


def assert_fields_equal(sent, got, what):
    """Every field sent comes back with the same value."""
    bad = ["%s: sent %r, got %r" % (k, v, got.get(k, "<missing>"))
           for k, v in sent.items() if k not in got or not same_value(v, got[k])]
    assert not bad, "%s differs from what was sent:\n  %s" % (what, "\n  ".join(bad))


# ---------------------------------------------------------------------------------------------
# below the API

class Db:
    """SQL on the test's database as the superuser of it (sqlite3 CLI as the service user;
    psql as postgres). run() returns (returncode, output); the statement is not retried."""

    def __init__(self, backend):
        self.b = backend

    @property
    def name(self):
        return self.b.name

    def run(self, sql):
        if self.b.name == "pgsql":
            p = self.b.pg._run([self.b.pg._bin("psql"), "-X", "-q", "-At", "-v",
                                "ON_ERROR_STOP=1", "-h", self.b.pg.sockdir, "-p",
                                str(self.b.pg.port), "-U", "postgres", "-d", self.b.dbname,
                                "-c", sql], check=False)
        elif self.b.name == "mysql":
            p = self.b.maria.run_sql(sql, dbname=self.b.dbname)
        else:
            p = harness.run_as_service_user(["sqlite3", "-batch", "-bail", self.b.dbfile,
                                             ".timeout 5000", sql])
        return p.returncode, (p.stdout or "") + (p.stderr or "")

    def ok(self, sql):
        rc, out = self.run(sql)
        assert rc == 0, "%s failed (rc %d): %s" % (sql, rc, out)
        if self.b.name == "mysql":
            return harness.MariaDB.rows(out)
        return [l.split("|") for l in out.splitlines() if l.strip()]

    GUARD_MESSAGES = (r"sealed|append-only|illegal review status|only a draft review|"
                      r"an amendment needs")

    def refused(self, sql):
        """The database must refuse sql with one of the guards' messages (not, say, a syntax
        error of the test): non-zero exit and the trigger's message."""
        rc, out = self.run(sql)
        assert rc != 0, "the database accepted %r: %s" % (sql, out)
        assert re.search(self.GUARD_MESSAGES, out), "%r refused, but not by a guard: %s" % (
            sql, out)
        return out

    def drop_guards(self):
        """Remove the triggers that guard sealed content and the audit trail."""
        if self.b.name == "pgsql":
            for t in ("audit_event", "review_version", "review", "attendee", "input_item",
                      "decision", "action", "improvement", "isms_change", "objective",
                      "resource_req", "communication"):
                self.ok("ALTER TABLE %s DISABLE TRIGGER USER" % t)
        elif self.b.name == "mysql":
            names = [r[0] for r in self.ok("SELECT trigger_name FROM information_schema.triggers"
                                           " WHERE trigger_schema = DATABASE()")]
            assert names, "no triggers found in the MariaDB database"
            self.ok(";".join("DROP TRIGGER %s" % n for n in names))
        else:
            names = [r[0] for r in self.ok("SELECT name FROM sqlite_master WHERE "
                                           "type = 'trigger'")]
            assert names, "no triggers found in the SQLite database"
            self.ok(";".join("DROP TRIGGER %s" % n for n in names))


def admin_verify(db_args):
    """ismsreview-admin verify (the offline verifier) as the service user: (rc, output)."""
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args, "verify"])
    return p.returncode, (p.stdout or "") + (p.stderr or "")


class DbHandle:
    """What Db needs of a database (the same attributes as conftest.Backend)."""

    def __init__(self, name, db_args, pg=None, dbname=None, dbfile=None, maria=None):
        self.name = name
        self.db_args = db_args
        self.pg = pg
        self.dbname = dbname
        self.dbfile = dbfile
        self.maria = maria


_env_counter = itertools.count(1)


class ServerEnv:
    """One Apache with the module on a fresh database of backend `name`, for a whole test
    module (the workflow matrix builds many reviews; one server per backend keeps it fast).
    pg: the session's harness.Postgres (conftest's pg_cluster) for name == 'pgsql', the
    session's harness.MariaDB (conftest's mariadb_server) for name == 'mysql'.
    The caller checks the error log per test (log_mark / bad_lines_since) and calls close()."""

    def __init__(self, name, pg=None, extra_conf=""):
        self.name = name
        self.basedir = harness.make_basedir(prefix="isms-wf-")
        self.pg = pg
        self.dbname = None
        if name == "sqlite3":
            dbdir = os.path.join(self.basedir, "db")
            os.makedirs(dbdir, exist_ok=True)
            harness._chown_service(dbdir)
            self.db = DbHandle(name, harness.sqlite_db_args(dbdir),
                               dbfile=os.path.join(dbdir, "isms.db"))
        elif name in ("pgsql", "mysql"):
            self.dbname = "isms_wf_%d_%d" % (os.getpid(), next(_env_counter))
            pg.create_db(self.dbname)
            self.db = DbHandle(name, pg.db_args(self.dbname), dbname=self.dbname,
                               **{"pg" if name == "pgsql" else "maria": pg})
            rc, out = harness.migrate(self.db.db_args)
            assert rc == 0, "ismsreview-admin migrate failed (rc %d):\n%s" % (rc, out)
        else:
            raise ValueError("unknown backend %r" % name)
        self.httpd = harness.Httpd(os.path.join(self.basedir, "srv"), db_args=self.db.db_args,
                                   extra_conf=extra_conf).start()
        self.api = Api(self.httpd)
        self.cache = {}

    def close(self):
        problems = []
        try:
            self.httpd.stop()
        except Exception as e:          # keep cleaning up
            problems.append("stop failed: %s" % e)
        bad = self.httpd.bad_log_lines()
        if bad:
            problems.append("unexpected lines in %s:\n%s" % (self.httpd.error_log,
                                                                "\n".join(bad)))
        if self.dbname:
            self.pg.drop_db(self.dbname)
        if not os.environ.get("ISMS_KEEP"):
            shutil.rmtree(self.basedir, ignore_errors=True)
        return problems


def backend_names():
    return [b.strip() for b in
            os.environ.get("ISMS_BACKENDS", "sqlite3,pgsql,mysql").split(",") if b.strip()]


# ---------------------------------------------------------------------------------------------
# the module's canonical JSON and hashes, recomputed independently (the "offline verifier")

ZERO_HASH = "0" * 64
EVENT_FIELDS = ["seq", "created_at", "actor", "roles", "client", "request_id", "method", "path",
                "action", "entity", "entity_id", "review_id", "status", "before_state",
                "after_state", "prev_hash"]


def canon(obj):
    """The module's canonical JSON (README "Sealing"; jansson json_dumps with JSON_COMPACT |
    JSON_SORT_KEYS): keys sorted bytewise, no blanks, UTF-8 strings, integers as integers,
    reals as printf("%.17g") with ".0" added when that has neither "." nor an exponent."""
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        s = "%.17g" % obj
        return s if ("." in s or "e" in s or "n" in s) else s + ".0"
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, list):
        return "[" + ",".join(canon(v) for v in obj) + "]"
    if isinstance(obj, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canon(obj[k])
                              for k in sorted(obj, key=lambda k: k.encode("utf-8"))) + "}"
    raise TypeError("not JSON: %r" % (obj,))


def sha256_hex(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
    return h.hexdigest()


def event_hash(ev):
    """The chain hash of an event as GET v1/audit returns it: SHA-256 over the previous hash
    followed by the canonical JSON of every column but the hash."""
    row = {}
    for f in EVENT_FIELDS:
        if f == "before_state":
            row[f] = None if ev.get("before") is None else canon(ev["before"])
        elif f == "after_state":
            row[f] = None if ev.get("after") is None else canon(ev["after"])
        else:
            row[f] = ev.get(f)
    return sha256_hex(ev["prev_hash"], canon(row))
