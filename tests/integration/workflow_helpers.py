# SPDX-License-Identifier: Apache-2.0
"""Helpers for the workflow and audit tests (test_workflow.py, test_audit.py): a small JSON
client over harness.Httpd, builders for a review that passes the completeness check and for
one that leaves findings of severity E, the workflow transitions with If-Match, and access to
the database below the API (sqlite3 CLI / psql) for the tamper tests.

Only the Python standard library and harness.py; nothing here edits harness.py/conftest.py.
"""

import hashlib
import itertools
import json
import os
import re
import shutil

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


class ApiError(AssertionError):
    pass


class Api:
    """JSON calls against one Httpd. call() returns (status, headers, parsed body or None)."""

    def __init__(self, httpd, base=API, passwords=None):
        self.h = httpd
        self.base = base
        self.passwords = dict(passwords or {})     # users beyond harness.USERS

    def path(self, p):
        return p if p.startswith("/") else self.base + p

    def call(self, method, path, user="author", body=None, if_match=None, headers=None,
             password=None, timeout=60):
        hdrs = dict(headers or {})
        if if_match is not None:
            hdrs["If-Match"] = if_match
        if body is not None and not isinstance(body, (bytes, str)):
            hdrs.setdefault("Content-Type", "application/json")
            body = json.dumps(body)
        if password is None and user is not None:
            password = self.passwords.get(user)
        st, h, raw = self.h.request(method, self.path(path), user=user, body=body,
                                    headers=hdrs, password=password, timeout=timeout)
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

    def get(self, path, user="author"):
        return self.expect(200, "GET", path, user=user)[0]

    def post(self, path, body, user="author", status=201, **kw):
        return self.expect(status, "POST", path, user=user, body=body, **kw)[0]

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

    def move(self, rid, action, user="author", comment=None):
        """A transition that must succeed; returns the review after it."""
        if comment is None and TRANSITIONS[action][3]:
            comment = "%s: reason given by the test" % action
        st, h, doc = self.transition(rid, action, user=user, comment=comment)
        if st != 200:
            raise ApiError("%s of review %d as %s: expected 200, got %d: %s"
                           % (action, rid, user, st, json.dumps(doc)[:3000]))
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


# ---------------------------------------------------------------------------------------------
# review builders

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
        del ins["F"]["rtp_completion_pct"]         # MR-15 (E): no RTP status
    return ins


def build_review(api, complete=True, title=None, user="author", extra_items=True):
    """Create a review through the API. complete=True: every rule of severity E is satisfied
    (asserted: GET check -> blocking 0); complete=False: input e is missing and input f has no
    rtp_completion_pct, i.e. open E findings MR-14 and MR-15 (asserted).
    Returns a dict: id, ref, inputs {key: id}, decisions {key: id}, action, objective,
    change, communication (ids)."""
    title = title or ("Complete review" if complete else "Incomplete review")
    doc = api.post("v1/reviews", review_body(title), user=user)
    rid = doc["id"]
    out = {"id": rid, "ref": doc["ref"], "inputs": {}, "decisions": {}}
    coll = "v1/reviews/%d/" % rid
    for a in ATTENDEES:
        api.post(coll + "attendees", a, user=user)
    for key, body in _inputs(complete).items():
        out["inputs"][key] = api.post(coll + "inputs", body, user=user)["id"]
    out["decisions"]["improve"] = api.post(coll + "decisions", {
        "statement": "Introduce an emergency patch window.", "category": "CONTINUAL_IMPROVEMENT",
        "clause_933_aspect": "IMPROVEMENT", "outcome": "APPROVED",
        "rationale": "MTTP 14 days against 10.",
        "basis_input_ids": [out["inputs"]["D2"], out["inputs"]["F"]]}, user=user)["id"]
    out["decisions"]["change"] = api.post(coll + "decisions", {
        "statement": "Extend the ISMS scope to the Lisbon office.", "category": "SCOPE",
        "clause_933_aspect": "ISMS_CHANGE", "outcome": "APPROVED",
        "rationale": "New site from Q2.", "basis_input_ids": [out["inputs"]["B"]]},
        user=user)["id"]
    out["action"] = api.post(coll + "actions", {
        "title": "Set up an emergency patch window", "type": "CORRECTIVE", "owner": "owner",
        "due_date": "2026-06-30", "priority": "HIGH",
        "description": "Weekly two-hour window with a fast-track CAB.",
        "expected_outcome": "MTTP critical <= 10 days for three months",
        "decision_id": out["decisions"]["improve"]}, user=user)["id"]
    api.post(coll + "actions", {
        "title": "Update the scope statement", "type": "CHANGE_IMPLEMENTATION",
        "owner": "author", "due_date": "2026-05-15", "priority": "MEDIUM",
        "description": "Scope statement and SoA for Lisbon.",
        "expected_outcome": "Scope v4 approved", "decision_id": out["decisions"]["change"]},
        user=user)
    out["objective"] = api.post(coll + "objectives", {
        "statement": "Patch critical vulnerabilities within 10 days.", "level": "ORGANIZATION",
        "policy_ref": "IS-POL-01 section 4", "measurable": True,
        "evaluation_method": "Monthly MTTP report", "owner": "owner",
        "target_date": "2026-12-31", "resources_ref": "Budget line OPEX-SEC-07",
        "plan_what": "Patch window, tooling", "monitoring_frequency": "monthly",
        "status": "ACTIVE", "decision_id": out["decisions"]["improve"],
        "kpi": {"name": "MTTP critical", "unit": "days", "direction": "LOWER_BETTER",
                "baseline": 21.5, "target": 10}}, user=user)["id"]
    if extra_items:
        out["change"] = api.post(coll + "changes", {
            "change_type": "SCOPE", "description": "Include Lisbon in the ISMS scope.",
            "purpose": "Customer data in Lisbon.", "consequences": "New risk assessment.",
            "owner": "author", "planned_date": "2026-05-15",
            "decision_id": out["decisions"]["change"]}, user=user)["id"]
        out["communication"] = api.post(coll + "communications", {
            "what_type": "EXEC_SUMMARY", "audience_type": "ALL_EMPLOYEES",
            "audience_scope": "INTERNAL", "how": "INTRANET", "when": "2026-03-20",
            "communicator": "author"}, user=user)["id"]
    chk = api.check(rid)
    if complete:
        assert chk["blocking"] == 0, "the complete review has blocking findings: %s" % (
            [f for f in chk["findings"] if f["severity"] == "E"])
    else:
        rules = {f["rule"] for f in chk["findings"] if f["severity"] == "E"}
        assert {"MR-14", "MR-15"} <= rules and chk["blocking"] >= 2, chk
    return out


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
