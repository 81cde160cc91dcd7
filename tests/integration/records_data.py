# SPDX-License-Identifier: Apache-2.0
"""A realistic ISO/IEC 27001:2022 clause 9.3 management review as the API receives it, plus a
thin JSON client and the helpers that build such a review over HTTP.

Used by test_records.py, test_registers.py and test_bad_requests.py. The data follows
product.md ("Field names") and the descriptors in mod_ismsreview/core/isms_entity.c. Numbers
are chosen so that they survive the module's storage exactly (at most six decimals).

Items that refer to other items (decisions -> inputs, actions -> decisions ...) are written
with symbolic keys ("$input:D3", "$decision:patching") that build_review() replaces by the
ids the server returned.
"""

import base64
import copy
import datetime
import json
import re
import socket
from urllib.parse import urlsplit

from harness import USERS, assert_api_headers, assert_problem

API = "/isms/api/"

REVIEW = {
    "title": "ISMS management review 2026 (reporting year 2025)",
    "review_type": "SCHEDULED",
    "planned_date": "2026-03-10",
    "held_from": "2026-03-10",
    "held_to": "2026-03-11",
    "period_from": "2025-01-01",
    "period_to": "2025-12-31",
    "format": "HYBRID",
    "location": "Board room 4.02, Frankfurt HQ / video conference",
    "chair": "approver",
    "standards": ["ISO27001_2022", "ISO22301_2019"],
    "classification": "CONFIDENTIAL",
    "retention_until": "2033-12-31",
    "language": "en-GB",
    "agenda": "1. Status of actions from the 2025 review\n2. Context and interested parties\n"
              "3. Information security performance (NC/CA, monitoring, audits, objectives)\n"
              "4. Risk assessment and risk treatment plan\n5. Opportunities for improvement\n"
              "6. Decisions, resources, communication",
    "executive_summary": "The ISMS remains suitable and adequate. Effectiveness is only "
                         "partially confirmed: patching of critical vulnerabilities missed "
                         "its target in Q3 and two major audit findings remain open.",
    "suitability": {"rating": "CONFIRMED",
                    "rationale": "Scope and policy still match the business after the "
                                 "Lisbon office opening."},
    "adequacy": {"rating": "CONFIRMED",
                 "rationale": "Controls cover the risks above the acceptance level; budget "
                              "for 2026 approved."},
    "effectiveness": {"rating": "PARTIALLY",
                      "rationale": "MTTP for critical vulnerabilities 14 days against a target "
                                   "of 10; phishing click rate on target."},
    "next_review_date": "2027-03-09",
}

ATTENDEES = [
    {"person": "approver", "name": "Dr. Helga Brandt", "title": "Chief Executive Officer",
     "function": "Executive board", "is_top_management": True,
     "participation_role": "CHAIR", "attendance": "PRESENT"},
    {"person": "approver2", "name": "Marc Oliveira", "title": "Chief Financial Officer",
     "function": "Executive board", "is_top_management": True,
     "participation_role": "MEMBER", "attendance": "REMOTE"},
    {"person": "author", "name": "Priya Raman", "title": "ISMS Manager",
     "function": "Information security", "is_top_management": False,
     "participation_role": "SECRETARY", "attendance": "PRESENT"},
    {"person": "owner", "name": "Jonas Weber", "title": "Head of IT Operations",
     "function": "IT operations", "is_top_management": False,
     "participation_role": "PRESENTER", "attendance": "PRESENT"},
    {"name": "Sofia Lindqvist", "title": "Data Protection Officer", "function": "Legal",
     "is_top_management": False, "participation_role": "INVITEE",
     "attendance": "WRITTEN_CONTRIBUTION"},
    {"person": "cto", "name": "Akira Tanaka", "title": "Chief Technology Officer",
     "function": "Executive board", "is_top_management": True,
     "participation_role": "MEMBER", "attendance": "APOLOGIES"},
]

# One key per input so that decisions can name their basis ("$input:D3").
INPUTS = {
    "B": {"category": "B_ISSUES_CHANGES", "title": "External and internal issues",
          "summary": "New office in Lisbon; NIS2 transposition in Germany; move of the ERP "
                     "to a SaaS provider.",
          "trend": "MIXED", "status": "PRESENTED", "owner": "author",
          "data_period_from": "2025-01-01", "data_period_to": "2025-12-31",
          "climate_change_relevance": "RELEVANT",
          "context_register_ref": "CTX-REG-2025 v7, issues I-14 (heat waves at DC1), I-15",
          "evidence_refs": ["DOC-CTX-2025-v7.pdf"],
          "conclusion": "Scope statement to be updated for Lisbon."},
    "C": {"category": "C_IP_NEEDS_CHANGES", "title": "Changed needs of interested parties",
          "summary": "Two key customers now require ISO 27701 alignment; the regulator "
                     "expects incident reports within 24 h.",
          "trend": "STABLE", "status": "PRESENTED",
          "interested_party_refs": ["IP-CUST-ACME", "IP-REG-BSI", "IP-CUST-NORDBANK"]},
    "D1": {"category": "D1_NC_CA", "title": "Nonconformities and corrective actions",
           "summary": "12 NCs raised (2024: 17), 10 closed, average closure 41 days.",
           "trend": "IMPROVING", "status": "PRESENTED",
           "metrics": [{"name": "NCs raised", "value": 12, "previous_value": 17, "unit": "count"},
                       {"name": "Average closure time", "value": 41.5, "previous_value": 55,
                        "unit": "days", "target": 30}]},
    "D2": {"category": "D2_MONITORING", "title": "Monitoring and measurement results",
           "summary": "Phishing click rate 3.1 %, MTTP critical 14 days, backup restore tests "
                      "100 % successful.",
           "trend": "MIXED", "status": "PRESENTED",
           "metrics": [{"name": "Phishing click rate", "value": 3.1, "previous_value": 6.4,
                        "unit": "%", "target": 5},
                       {"name": "MTTP critical vulnerabilities", "value": 14,
                        "previous_value": 21, "unit": "days", "target": 10},
                       {"name": "Restore tests passed", "value": 100, "unit": "%",
                        "target": 100}]},
    "D3": {"category": "D3_AUDITS", "title": "Audit results",
           "summary": "Internal audit programme 2025 completed (9 of 9 audits); surveillance "
                      "audit by the certification body: 2 minor NCs, 4 OFIs.",
           "trend": "STABLE", "status": "PRESENTED",
           "audit_refs": ["IA-2025-01..09 (9.2)", "CB-SURV-2025 (TUV)", "A.5.35 IR-2025"]},
    "D4": {"category": "D4_OBJECTIVES", "title": "Fulfilment of information security objectives",
           "summary": "4 of 6 objectives achieved.", "trend": "IMPROVING",
           "status": "PRESENTED"},
    "E": {"category": "E_IP_FEEDBACK", "title": "Feedback from interested parties",
          "summary": "Customer security questionnaires: 31 answered, no escalations.",
          "status": "CONSIDERED_NO_CHANGE", "trend": "STABLE",
          "interested_party_refs": ["IP-CUST-ACME"]},
    "F": {"category": "F_RISK_RTP", "title": "Risk assessment and risk treatment plan",
          "summary": "Annual risk assessment done 2025-11-20; 3 risks above acceptance.",
          "trend": "IMPROVING", "status": "PRESENTED",
          "risk_assessment_date": "2025-11-20", "risks_above_acceptance": 3,
          "rtp_completion_pct": 78,
          "metrics": [{"name": "RTP completion", "value": 78, "previous_value": 64,
                       "unit": "%", "target": 90}]},
    "G": {"category": "G_IMPROVEMENT", "title": "Opportunities for continual improvement",
          "summary": "Automate evidence collection; consolidate the two SIEMs.",
          "status": "PRESENTED"},
    "G_NA": {"category": "G_IMPROVEMENT", "title": "Improvement proposals from the staff portal",
             "status": "NOT_APPLICABLE",
             "na_justification": "The staff suggestion portal only went live in 2026; no "
                                 "submissions in the reporting period."},
}

DECISIONS = {
    "patching": {"statement": "Introduce an emergency patch window for critical "
                              "vulnerabilities and report MTTP monthly to the board.",
                 "category": "CONTINUAL_IMPROVEMENT", "clause_933_aspect": "IMPROVEMENT",
                 "outcome": "APPROVED",
                 "rationale": "MTTP 14 days against a target of 10 (input d2).",
                 "basis_input_ids": ["$input:D2", "$input:F"],
                 "decided_by": ["approver", "approver2"]},
    "scope": {"statement": "Extend the ISMS scope to the Lisbon office.",
              "category": "SCOPE", "clause_933_aspect": "ISMS_CHANGE", "outcome": "APPROVED",
              "rationale": "New site processes customer data from Q2 2026.",
              "basis_input_ids": ["$input:B"], "decided_by": ["approver"]},
    "no_change": {"statement": "No change to the information security policy.",
                  "category": "NO_CHANGE_REQUIRED", "clause_933_aspect": "NONE",
                  "outcome": "NOTED",
                  "rationale": "Policy reviewed; still consistent with the strategy.",
                  "basis_input_ids": ["$input:C", "$input:E"]},
    "risk": {"statement": "Accept residual risk R-041 (legacy HR system) until its "
                          "replacement in Q4 2026.",
             "category": "RISK_ACCEPTANCE", "clause_933_aspect": "NONE", "outcome": "APPROVED",
             "basis_input_ids": ["$input:F"], "risk_owner_approval": "approver2"},
}

ACTIONS = [
    {"title": "Set up an emergency patch window", "type": "CORRECTIVE", "owner": "owner",
     "due_date": "2026-06-30", "priority": "HIGH",
     "description": "Weekly 2-hour window, change advisory board fast track.",
     "expected_outcome": "MTTP critical <= 10 days for three consecutive months",
     "decision_id": "$decision:patching", "nc_ref": "NC-2025-014"},
    {"title": "Monthly MTTP report to the board", "type": "COMMUNICATION", "owner": "author",
     "due_date": "2026-04-30", "priority": "MEDIUM", "decision_id": "$decision:patching"},
    {"title": "Update the scope statement and SoA for Lisbon",
     "type": "CHANGE_IMPLEMENTATION", "owner": "author", "due_date": "2026-05-15",
     "priority": "HIGH", "decision_id": "$decision:scope"},
    {"title": "Consolidate the two SIEM platforms", "type": "IMPROVEMENT", "owner": "owner",
     "due_date": "2026-12-31", "priority": "LOW"},
]

IMPROVEMENTS = [
    {"description": "Automate collection of control evidence from the ticketing system.",
     "source": "CERTIFICATION_AUDIT_OFI", "source_ref": "CB-SURV-2025 OFI-2",
     "expected_benefit": "About 15 person-days per audit cycle saved.",
     "affected_area": "Internal audit process", "estimated_effort": "20 person-days",
     "disposition": "ACCEPTED", "disposition_rationale": "Low cost, high benefit.",
     "decision_id": "$decision:patching"},
    {"description": "Consolidate the two SIEM platforms into one.", "source": "MONITORING",
     "disposition": "DEFERRED",
     "disposition_rationale": "Depends on the 2027 budget; revisit in the next review."},
]

CHANGES = [
    {"change_type": "SCOPE", "description": "Include the Lisbon office in the ISMS scope.",
     "purpose": "Customer data is processed in Lisbon from Q2 2026.",
     "consequences": "New risk assessment for the site; SoA update; internal audit in Q3.",
     "integrity_considerations": "Group-wide policies apply unchanged.",
     "resources_needed": "0.5 FTE security officer on site.", "owner": "author",
     "planned_date": "2026-05-15", "decision_id": "$decision:scope",
     "affected_documents": [
         {"doc_id": "ISMS-SCOPE", "title": "ISMS scope statement", "from_version": "3.1",
          "to_version": "4.0", "doc_status": "DRAFT"},
         {"doc_id": "SOA", "title": "Statement of Applicability", "from_version": "12",
          "to_version": "13"}]},
]

OBJECTIVES = [
    {"statement": "Patch critical vulnerabilities within 10 days on average.",
     "level": "ORGANIZATION", "standard": "ISO27001_2022", "policy_ref": "POL-IS-01 s.4",
     "measurable": True, "evaluation_method": "Monthly report from the vulnerability scanner.",
     "owner": "owner", "target_date": "2026-12-31", "resources_ref": "RR budget 2026",
     "plan_what": "Emergency patch window; automated deployment for servers.",
     "monitoring_frequency": "monthly", "status": "ACTIVE",
     "decision_id": "$decision:patching",
     "kpi": {"name": "MTTP critical vulnerabilities", "unit": "days",
             "direction": "LOWER_BETTER", "baseline": 14, "target": 10}},
    {"statement": "Raise the share of staff who completed security awareness training.",
     "level": "FUNCTION", "measurable": True, "owner": "author", "target_date": "2026-09-30",
     "kpi": {"name": "Awareness training completion", "unit": "%",
             "direction": "HIGHER_BETTER", "baseline": 82.5, "target": 95}},
    {"statement": "Strengthen the security culture in the Lisbon office.",
     "level": "PROCESS", "measurable": False,
     "evaluation_if_not_measurable": "Qualitative assessment in the internal audit 2026.",
     "owner": "owner"},
]

RESOURCES = [
    {"resource_type": "BUDGET_OPEX", "description": "Managed detection and response service.",
     "amount": 180000, "currency": "EUR", "fiscal_period": "FY2026", "requested_by": "author",
     "outcome": "APPROVED", "approved_amount": 165000.5, "provision_status": "IN_PROCUREMENT",
     "decision_id": "$decision:patching"},
    {"resource_type": "PERSONNEL_FTE", "description": "Security officer for the Lisbon office.",
     "quantity": 0.5, "unit": "FTE", "outcome": "PARTIALLY_APPROVED",
     "decision_id": "$decision:scope"},
]

COMMUNICATIONS = [
    {"what_type": "EXEC_SUMMARY", "artifact_ref": "MR-2026 summary v1",
     "audience_type": "ALL_EMPLOYEES", "audience_scope": "INTERNAL", "how": "INTRANET",
     "when": "2026-03-31", "communicator": "author", "redaction_level": "SUMMARY_ONLY"},
    {"what_type": "DECISION_EXTRACT", "audience_type": "ACTION_OWNERS",
     "recipients": ["owner", "author"], "how": "EMAIL", "when": "2026-03-13",
     "communicator": "author", "decision_id": "$decision:patching"},
]

# collection name -> the list of item bodies build_review() posts (inputs and decisions are
# dicts keyed by symbolic names).
ITEM_DATA = [
    ("attendees", ATTENDEES),
    ("inputs", INPUTS),
    ("decisions", DECISIONS),
    ("actions", ACTIONS),
    ("improvements", IMPROVEMENTS),
    ("changes", CHANGES),
    ("objectives", OBJECTIVES),
    ("resources", RESOURCES),
    ("communications", COMMUNICATIONS),
]

# prefix of the item references, e.g. MR-2026-01-A01 (isms_entity.c ref_code)
REF_CODES = {"attendees": "AT", "inputs": "IN", "decisions": "D", "actions": "A",
             "improvements": "OFI", "changes": "CH", "objectives": "OB", "resources": "RR",
             "communications": "CM"}

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# ---------------------------------------------------------------------------------------------
# HTTP


class Api:
    """JSON calls against one Httpd: paths are relative to the API root ("v1/reviews")."""

    def __init__(self, httpd, user="author"):
        self.httpd = httpd
        self.user = user

    def raw(self, method, path, body=None, user=None, headers=None):
        """(status, headers, body bytes); user=False sends no credentials."""
        if user is None:
            user = self.user
        return self.httpd.request(method, API + path.lstrip("/"), user=user or None,
                                  body=body, headers=headers)

    def call(self, method, path, body=None, user=None, headers=None):
        """(status, headers, parsed JSON or None)."""
        st, hdrs, data = self.raw(method, path, body=body, user=user, headers=headers)
        return st, hdrs, json.loads(data) if data else None

    def get(self, path, user=None, headers=None):
        st, hdrs, doc = self.call("GET", path, user=user, headers=headers)
        assert st == 200, "GET %s: %d %r" % (path, st, doc)
        assert_api_headers(hdrs)
        return doc

    def get_with_etag(self, path, user=None):
        st, hdrs, doc = self.call("GET", path, user=user)
        assert st == 200, "GET %s: %d %r" % (path, st, doc)
        assert hdrs.get("etag"), "GET %s: no ETag" % path
        return doc, hdrs["etag"]

    def create(self, path, body, user=None, headers=None):
        """POST that must answer 201 with a Location; returns (document, location path)."""
        st, hdrs, doc = self.call("POST", path, body=body, user=user, headers=headers)
        assert st == 201, "POST %s %r: %d %r" % (path, body, st, doc)
        assert "application/json" in hdrs.get("content-type", ""), hdrs
        assert hdrs.get("location"), "201 without Location: %r" % hdrs
        return doc, location_path(hdrs["location"])

    def patch(self, path, body, etag, user=None):
        headers = {"If-Match": etag} if etag is not None else {}
        return self.call("PATCH", path, body=body, user=user, headers=headers)

    def delete(self, path, etag, user=None):
        headers = {"If-Match": etag} if etag is not None else {}
        return self.call("DELETE", path, user=user, headers=headers)

    def problem(self, method, path, status, body=None, user=None, headers=None):
        """A request that must fail with an RFC 9457 problem of this status."""
        return assert_problem(self.raw(method, path, body=body, user=user, headers=headers),
                              status)

    def walk(self, path, limit):
        """Every item of a paginated list, following next_cursor; returns (items, pages)."""
        items, pages, cursor = [], 0, None
        sep = "&" if "?" in path else "?"
        while True:
            url = "%s%slimit=%d" % (path, sep, limit) + ("&cursor=%s" % cursor if cursor else "")
            doc = self.get(url)
            pages += 1
            assert len(doc["items"]) <= limit, doc
            items.extend(doc["items"])
            cursor = doc["next_cursor"]
            if cursor is None:
                return items, pages
            assert isinstance(cursor, str) and cursor, doc
            assert pages < 1000, "pagination does not end"


def raw_exchange(httpd, method, path, user=None, headers=None, body=b"", timeout=10):
    """One HTTP/1.1 request over a plain socket, reading until the server closes. Returns
    (status, headers with lowercase names, body by Content-Length, bytes sent after it)."""
    lines = ["%s %s HTTP/1.1" % (method, API + path.lstrip("/")), "Host: 127.0.0.1:%d"
             % httpd.port, "Connection: close"]
    if user:
        token = base64.b64encode(("%s:%s" % (user, USERS[user][0])).encode()).decode()
        lines.append("Authorization: Basic " + token)
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if body:
        lines.append("Content-Length: %d" % len(body))
    data = b""
    with socket.create_connection(("127.0.0.1", httpd.port), timeout=timeout) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    hdrs = {}
    for line in head_lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", len(rest)))
    return status, hdrs, rest[:n], rest[n:]


def location_path(location):
    """The path of a Location header below the API root ('v1/reviews/1')."""
    path = urlsplit(location).path
    assert path.startswith(API), "Location %r is not below %s" % (location, API)
    return path[len(API):]


# ---------------------------------------------------------------------------------------------
# building reviews


def resolve(value, ids):
    """Replaces "$input:D3" style references (also inside lists) by the ids in ids."""
    if isinstance(value, str) and value.startswith("$"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [resolve(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, ids) for k, v in value.items()}
    return value


def review_body(**changes):
    body = copy.deepcopy(REVIEW)
    body.update(changes)
    return body


def build_review(api, review=None):
    """POSTs the review and every item of ITEM_DATA as the API user. Returns a dict:
    review (the 201 body), rid, location, sent[collection] = [(body sent, 201 body, location)],
    ids["input:D3"] / ids["decision:scope"] = item ids."""
    review = review if review is not None else review_body()
    doc, loc = api.create("v1/reviews", review)
    rid = doc["id"]
    out = {"review": doc, "rid": rid, "location": loc, "sent": {}, "ids": {},
           "review_sent": review}
    for coll, data in ITEM_DATA:
        entries = data.items() if isinstance(data, dict) else enumerate(data)
        kind = coll[:-1]
        out["sent"][coll] = []
        for key, body in entries:
            body = resolve(copy.deepcopy(body), out["ids"])
            item, item_loc = api.create("v1/reviews/%d/%s" % (rid, coll), body)
            out["ids"]["%s:%s" % (kind, key)] = item["id"]
            out["sent"][coll].append((body, item, item_loc))
    return out


# ---------------------------------------------------------------------------------------------
# comparing


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
