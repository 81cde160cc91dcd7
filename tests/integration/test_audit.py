# SPDX-License-Identifier: Apache-2.0
"""The audit trail (product.md: "Every write, allowed or denied, lands in an append-only,
hash-chained audit log (who, what, when, from where, before/after)"): refused requests are on
record, GET v1/audit pages and filters, only auditors and admins read it, and the chain
verifies -- by GET v1/audit/verify and by recomputing every hash here, independently of the
module. Tamper detection below the API is in test_workflow.py (section 7).

Tests marked "MODULE BUG" fail because of the module, not the test.
"""

import json
import re

import pytest

from harness import assert_json, assert_problem
from workflow_helpers import (HEX64, ZERO_HASH, Api, build_review, event_hash, to_state)

NOAUTH = "<Location /noauth>\n  SetHandler ismsreview\n  Require all granted\n</Location>\n"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _events_since(api, seq):
    return [e for e in api.audit() if e["seq"] > seq]


@pytest.mark.parametrize("pool", [None, 1], ids=["pool-per-thread", "pool-of-one"])
def test_refused_requests_are_recorded(make_httpd, backend, pool):
    """pool-of-one (ISMSReviewConnections 1): the refusal's audit takes the request's own
    connection again, never a second one that the pool does not have."""
    h = make_httpd(db_args=backend.db_args, extra_conf=NOAUTH + (
        "ISMSReviewConnections %d\n" % pool if pool else "")).start()
    api = Api(h)
    rid = build_review(api, True)["id"]
    att = api.get("v1/reviews/%d/attendees" % rid)["items"][0]
    seq0 = api.verify()["events"]
    reviews0 = len(api.get("v1/reviews?limit=200")["items"])
    valid = {"title": "x", "review_type": "SCHEDULED", "planned_date": "2026-05-01"}
    cases = [
        # (what, method, path, user, body, headers, status)
        ("auditor writes", "POST", "v1/reviews", "auditor", valid, None, 403),
        ("invalid body", "POST", "v1/reviews", "author", {"title": "", "review_type": "NOPE",
                                                         "planned_date": "2026-02-30"},
         None, 422),
        ("not JSON", "POST", "v1/reviews", "author", "{not json", {"Content-Type":
                                                                   "application/json"}, 400),
        ("wrong type", "POST", "v1/reviews", "author", "title=x", {"Content-Type":
                                                                  "text/plain"}, 415),
        ("no If-Match", "PATCH", "v1/reviews/%d" % rid, "author", {"title": "y"}, None, 428),
        ("nobody deletes", "DELETE", "v1/reviews/%d/attendees/%d" % (rid, att["id"]), "nobody",
         None, {"If-Match": att["etag"]}, 403),
        ("approver edits", "PATCH", "v1/reviews/%d" % rid, "approver", {"title": "z"},
         {"If-Match": api.etag(rid)}, 403),
    ]
    for what, method, path, user, body, headers, status in cases:
        st, _, doc = api.call(method, path, user=user, body=body, headers=headers)
        assert st == status, (what, st, doc)
    # no user from Apache at all (a location without authentication): the module's own 401
    st, _, doc = api.call("POST", "/noauth/v1/reviews", user=None, body=valid)
    assert st == 401, doc
    cases.append(("no user", "POST", "v1/reviews", None, valid, None, 401))

    events = _events_since(api, seq0)
    assert [(e["method"], e["path"], e["actor"], e["status"]) for e in events] == [
        (c[1], c[2], c[3], c[6]) for c in cases], events
    roles = {"auditor": "auditor", "author": "author", "nobody": "", "approver": "approver",
             None: ""}
    for e, c in zip(events, cases):
        assert e["roles"] == roles[c[3]], e
        assert e["client"] == "127.0.0.1" and e["request_id"], e
        assert RFC3339.match(e["created_at"]), e
        assert e["after"] is None, e                       # nothing was written
        assert HEX64.match(e["hash"]) and HEX64.match(e["prev_hash"]), e
    by_what = dict(zip([c[0] for c in cases], events))
    assert by_what["no If-Match"]["review_id"] == rid
    assert by_what["nobody deletes"]["entity"] == "attendee"
    assert by_what["nobody deletes"]["entity_id"] == att["id"]
    # the refusals changed nothing but the audit trail
    assert len(api.get("v1/reviews?limit=200")["items"]) == reviews0
    assert api.get("v1/reviews/%d/attendees/%d" % (rid, att["id"]))["etag"] == att["etag"]
    v = api.verify()
    assert v["valid"] is True and v["events"] == seq0 + len(cases), v


def _full_workflow(api):
    """Two reviews through the whole workflow, with refusals, waivers and tracking; returns
    the id of the main review."""
    r = build_review(api, False, title="Audited review")
    rid = r["id"]
    assert api.transition(rid, "submit")[0] == 422
    for rule in ("MR-14", "MR-16"):
        api.post("v1/reviews/%d/waivers" % rid, {"rule": rule, "justification": "deferred"},
                 user="approver")
    api.move(rid, "submit")
    assert api.transition(rid, "approve", user="author")[0] == 403
    api.move(rid, "return", user="approver2")
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    api.move(rid, "publish")
    api.post("v1/actions/%d/updates" % r["action"], {"progress": 30}, user="owner")
    api.post("v1/objectives/%d/measurements" % r["objective"],
             {"period_to": "2026-03-31", "value": 15}, user="owner")
    api.move(rid, "amend")
    for rule in ("MR-14", "MR-16"):                  # waivers are per version
        api.post("v1/reviews/%d/waivers" % rid, {"rule": rule, "justification": "still"},
                 user="approver")
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver2")
    to_state(api, "CANCELLED")
    return rid


def test_audit_pagination_and_filters(httpd):
    api = Api(httpd)
    rid = _full_workflow(api)
    v = api.verify()
    n = v["events"]
    # every page of 7, in order, no gaps and no repeats
    pages, cursor = [], None
    while True:
        page = api.get("v1/audit?limit=7" + ("&cursor=%s" % cursor if cursor else ""),
                       user="auditor")
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["items"]) == 7
        assert cursor == str(page["items"][-1]["seq"]), page
    events = [e for p in pages for e in p]
    assert [e["seq"] for e in events] == list(range(1, n + 1))
    assert all(e["id"] == e["seq"] for e in events)
    assert len(pages) == (n + 6) // 7
    assert events[-1]["hash"] == v["head"]
    assert api.audit() == events                      # limit=200 pages agree
    # a page starting in the middle
    page = api.get("v1/audit?limit=3&cursor=5", user="auditor")
    assert [e["seq"] for e in page["items"]] == [6, 7, 8]
    # bad parameters
    for q in ("limit=0", "limit=201", "limit=x", "cursor=x", "cursor=-1", "limit=1&limit=2"):
        st, _, doc = api.call("GET", "v1/audit?" + q, user="auditor")
        assert st == 400, (q, st, doc)

    # filters
    mine = api.audit(review=rid)
    assert mine and mine == [e for e in events if e["review_id"] == rid]
    transitions = [e["action"] for e in mine if e["method"] == "POST" and e["status"] == 200
                   and e["path"].startswith("v1/reviews/%d/" % rid)
                   and e["action"] in ("submit", "return", "approve", "publish", "amend")]
    assert transitions == ["submit", "return", "submit", "approve", "publish", "amend",
                           "submit", "approve"], transitions
    hist = api.history(rid)
    assert len(hist["transitions"]) == len(transitions)
    refused = [(e["action"], e["actor"], e["status"]) for e in mine if e["status"] >= 400]
    assert refused == [("submit", "author", 422), ("approve", "author", 403)], refused
    by_approver = api.audit(actor="approver")
    assert by_approver and by_approver == [e for e in events if e["actor"] == "approver"]
    both = api.audit(actor="approver2", review=rid)
    assert [e["action"] for e in both] == ["return", "approve"], both
    assert api.audit(action="approve", review=rid) == [
        e for e in mine if e["action"] == "approve"]
    assert api.audit(actor="nobody-at-all") == []
    # the approval's event anchors the hash that was sealed
    approvals = [e for e in mine if e["action"] == "approve" and e["status"] == 200]
    assert [e["after"]["content_hash"] for e in approvals] == [
        ver["content_hash"] for ver in hist["versions"]]
    assert [(e["before"]["status"], e["after"]["status"]) for e in approvals] == [
        ("SUBMITTED", "APPROVED")] * 2
    # tracking writes after approval are in the trail
    tracking = [(e["path"].split("/")[-1], e["actor"], e["status"]) for e in events
                if e["path"].startswith(("v1/actions/", "v1/objectives/"))]
    assert tracking == [("updates", "owner", 201), ("measurements", "owner", 201)], tracking


def test_audit_filters_by_review_reference(httpd):
    """issue 14: an auditor filters the trail by the reference people use (MR-2026-01); the
    events of every version of that review (an amendment keeps the reference), no other."""
    api = Api(httpd)
    first = api.get("v1/reviews/%d" % to_state(api, "DRAFT_V2"))
    other = build_review(api, True, title="Another review")
    assert first["ref"] != other["ref"] and first["version"] == 2
    by_id = api.audit(review=first["id"])
    assert by_id and {e["review_id"] for e in by_id} == {first["id"]}
    assert "amend" in [e["action"] for e in by_id]
    assert api.audit(review_ref=first["ref"]) == by_id
    assert api.audit(review_ref=first["ref"].lower()) == by_id    # references are any case
    assert api.audit(review_ref=other["ref"]) == api.audit(review=other["id"]) != []
    assert api.audit(review_ref=first["ref"], action="amend") == [
        e for e in by_id if e["action"] == "amend"]
    assert api.audit(review_ref="MR-1999-99") == []
    assert api.audit(review_ref=first["ref"], review=other["id"]) == []
    # the action register takes the same filter
    acts = api.get("v1/actions?review_ref=%s" % other["ref"], user="auditor")["items"]
    assert acts and {a["review_id"] for a in acts} == {other["id"]}
    # a reference where an id belongs, and values that are no reference, are a 400
    for q in ("review=" + first["ref"], "review_ref=", "review_ref=MR%202026", "review_ref=MR'1",
              "review_ref=" + "M" * 65):
        assert_problem(httpd.request("GET", api.path("v1/audit?" + q), user="auditor"), 400)


@pytest.mark.parametrize("path", ["v1/audit", "v1/audit/verify"])
def test_audit_is_for_auditors_and_admins(httpd, path):
    api = Api(httpd)
    for user in ("auditor", "admin"):
        doc = assert_json(httpd.request("GET", api.path(path), user=user))
        assert ("items" in doc) if path == "v1/audit" else (doc["valid"] is True), doc
    for user in ("author", "approver", "approver2", "owner", "nobody"):
        assert_problem(httpd.request("GET", api.path(path), user=user), 403)
    assert httpd.request("GET", api.path(path))[0] == 401
    # and it cannot be written to
    st, hdrs, _ = httpd.request("POST", api.path(path), user="admin", body={})
    assert st == 405 and "GET" in hdrs.get("allow", ""), (st, hdrs)
    st, hdrs, _ = httpd.request("DELETE", api.path(path), user="admin")
    assert st == 405, st


def test_chain_verifies_and_recomputes(httpd):
    """After a full workflow the chain verifies (valid, events = count, head = last hash), and
    every link and hash recomputed here from GET v1/audit agrees: SHA-256 over the previous
    hash and the canonical JSON of the event (an offline verifier's work)."""
    api = Api(httpd)
    _full_workflow(api)
    v = api.verify()
    events = api.audit()
    assert v == {"valid": True, "events": len(events), "head": events[-1]["hash"],
                 "first_bad": None, "reason": None}, v
    prev = ZERO_HASH
    for e in events:
        assert e["prev_hash"] == prev, e["seq"]
        assert event_hash(e) == e["hash"], "event %d does not hash to its hash" % e["seq"]
        prev = e["hash"]
    # verify is a read: asking again changes nothing
    assert api.verify() == v
    assert len(api.audit()) == len(events)


@pytest.mark.parametrize("kind", ["review PATCH", "item PATCH", "item DELETE", "action POST",
                                  "action update"])
def test_write_events_keep_before_and_after(httpd, kind):
    """MODULE BUG (every case): the audit event keeps the state before a change only for
    workflow transitions (isms_workflow sets result.before; nothing else does), so a PATCH
    records no "before" and a DELETE records neither what was deleted nor anything else; and
    the "after" of every action write is dropped, because audit_state() in isms_txn.c takes
    any body with a "type" member for a problem document -- and actions have a field "type".
    Expected: "before" = the record as it was, "after" = as it is (null only for a delete)."""
    api = Api(httpd)
    r = build_review(api, True)
    rid = r["id"]
    base = "v1/reviews/%d" % rid
    seq0 = api.verify()["events"]
    if kind == "review PATCH":
        old = api.review(rid)[0]
        api.expect(200, "PATCH", base, body={"title": "Retitled"}, if_match=api.etag(rid))
        want_before, want_after = {"title": old["title"]}, {"title": "Retitled"}
    elif kind == "item PATCH":
        att = api.get(base + "/attendees")["items"][0]
        api.expect(200, "PATCH", base + "/attendees/%d" % att["id"], body={"name": "Renamed"},
                   if_match=att["etag"])
        want_before, want_after = {"name": att["name"]}, {"name": "Renamed"}
    elif kind == "item DELETE":
        att = api.get(base + "/attendees")["items"][1]
        api.expect(204, "DELETE", base + "/attendees/%d" % att["id"], if_match=att["etag"])
        want_before, want_after = {"name": att["name"], "id": att["id"]}, None
    elif kind == "action POST":
        api.post(base + "/actions", {"title": "One more", "type": "IMPROVEMENT",
                                     "owner": "owner", "due_date": "2026-09-30",
                                     "priority": "LOW", "description": "d",
                                     "expected_outcome": "e"})
        want_before, want_after = None, {"title": "One more", "type": "IMPROVEMENT"}
    else:
        api.post("v1/actions/%d/updates" % r["action"], {"status": "IN_PROGRESS",
                                                         "progress": 25}, user="owner")
        want_before, want_after = None, {"status": "IN_PROGRESS", "progress": 25}
    [ev] = _events_since(api, seq0)
    problems = []
    for label, want, got in (("before", want_before, ev["before"]),
                             ("after", want_after, ev["after"])):
        if want is None:
            continue
        if not isinstance(got, dict) or any(got.get(k) != v for k, v in want.items()):
            problems.append("%s: want %s, got %s" % (label, want, json.dumps(got)[:300]))
    assert not problems, "%s %s (status %d): %s" % (ev["method"], ev["path"], ev["status"],
                                                     "; ".join(problems))


def test_concurrent_writes_make_one_chain(make_httpd, backend):
    """Writers on different reviews at the same moment (no row they share but the chain
    head): every write appends exactly one event, seq has no gap and no duplicate, the chain
    verifies, and the MR-YYYY-NN references are all distinct (the counter row lock)."""
    import threading
    h = make_httpd(db_args=backend.db_args).start()
    api = Api(h)
    seq0 = api.verify()["events"]
    n_threads, per_thread = 6, 5
    barrier = threading.Barrier(n_threads)
    results = [[] for _ in range(n_threads)]

    def writer(i):
        barrier.wait()
        for k in range(per_thread):
            st, _, doc = api.call("POST", "v1/reviews", body={
                "title": "Concurrent %d.%d" % (i, k), "review_type": "SCHEDULED",
                "planned_date": "2027-03-01"})
            results[i].append((st, doc.get("ref") if isinstance(doc, dict) else doc))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    flat = [r for rs in results for r in rs]
    assert len(flat) == n_threads * per_thread, flat
    assert all(st == 201 for st, _ in flat), flat
    refs = [ref for _, ref in flat]
    assert len(set(refs)) == len(refs), sorted(refs)
    v = api.verify()
    assert v["valid"] is True, v
    events = _events_since(api, seq0)
    seqs = [e["seq"] for e in events]
    assert sorted(seqs) == list(range(seq0 + 1, seq0 + 1 + len(seqs))), seqs
    creates = [e for e in events if e["method"] == "POST" and e["status"] == 201]
    assert len(creates) == n_threads * per_thread, len(creates)
