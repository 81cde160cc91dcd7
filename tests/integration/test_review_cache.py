# SPDX-License-Identifier: Apache-2.0
"""The rendered review is cached per Apache child (isms_cache.c) and validated against the
database in every read: two Apache front ends on ONE database, every kind of write through the
one, every read through the other, must always see the write (body and ETag). Also: the ETag
of a review GET is strong and If-None-Match gives 304; a sealed version (?version=n) has the
ETag of its seal and its status follows publication.

Every read is repeated (READS times, new connection each) so that several children, each with
its own cache, answer."""

import json

import pytest

import harness
from workflow_helpers import Api, build_review, review_body

READS = 4


def hdr(h, name):
    return {k.lower(): v for k, v in dict(h).items()}.get(name)


def read(api, rid, query=""):
    """The review as every reader sees it: all READS answers identical; (doc, ETag)."""
    seen = set()
    doc = None
    for _ in range(READS):
        doc, h = api.expect(200, "GET", "v1/reviews/%d%s" % (rid, query))
        etag = hdr(h, "etag")
        seen.add(etag)
    assert len(seen) == 1, "readers disagree: %s" % seen
    return doc, seen.pop()


def item(doc, coll, iid):
    return next(i for i in doc[coll] if i["id"] == iid)


@pytest.fixture
def fronts(make_httpd, backend):
    """Two Apaches (the writer w, the reader r) on the same database."""
    w = make_httpd(db_args=backend.db_args).start()
    r = make_httpd(db_args=backend.db_args).start()
    return Api(w), Api(r)


def test_every_write_kind_reaches_the_other_front_end(fronts):
    w, r = fronts
    ids = build_review(w, True)
    rid = ids["id"]
    coll = "v1/reviews/%d/" % rid

    def changed(before_etag, what):
        doc, etag = read(r, rid)
        assert etag != before_etag, "%s: the review's ETag did not change" % what
        assert etag.startswith('"') and not etag.startswith("W/"), etag
        assert doc["etag"] == etag
        return doc, etag

    doc, etag = read(r, rid)
    read(w, rid)                       # the writer's children cache it too

    # create, patch, delete of an item of every kind that has an editable field
    for kind, body, field, value in [
            ("attendees", {"name": "Late Joiner", "function": "Legal",
                           "is_top_management": False, "participation_role": "INVITEE",
                           "attendance": "PRESENT"}, "name", "Renamed Joiner"),
            ("improvements", {"description": "Cache the dashboard.", "source": "BENCHMARK",
                              "disposition": "ACCEPTED"}, "description", "Cache it twice."),
            ("resources", {"resource_type": "TECHNOLOGY_TOOLING", "description": "A SIEM licence."},
             "description", "Two SIEM licences."),
    ]:
        st, h, created = w.call("POST", coll + kind, body=body)
        assert st == 201, (kind, st, created)
        doc, etag = changed(etag, "POST " + kind)
        assert item(doc, kind, created["id"])[field] == body[field]
        w.expect(200, "PATCH", coll + "%s/%d" % (kind, created["id"]), body={field: value},
                 if_match=w.get(coll + "%s/%d" % (kind, created["id"]))["etag"])
        doc, etag = changed(etag, "PATCH " + kind)
        assert item(doc, kind, created["id"])[field] == value
        w.expect(204, "DELETE", coll + "%s/%d" % (kind, created["id"]),
                 if_match=w.get(coll + "%s/%d" % (kind, created["id"]))["etag"])
        doc, etag = changed(etag, "DELETE " + kind)
        assert all(i["id"] != created["id"] for i in doc[kind])

    # patches of the items build_review made
    for kind, iid, field, value in [
            ("inputs", ids["inputs"]["B"], "summary", "Rewritten summary."),
            ("decisions", ids["decisions"]["improve"], "rationale", "Rewritten rationale."),
            ("actions", ids["action"], "priority", "CRITICAL"),
            ("objectives", ids["objective"], "plan_what", "Rewritten plan."),
            ("changes", ids["change"], "purpose", "Rewritten purpose."),
            ("communications", ids["communication"], "how", "EMAIL")]:
        w.expect(200, "PATCH", coll + "%s/%d" % (kind, iid), body={field: value},
                 if_match=w.get(coll + "%s/%d" % (kind, iid))["etag"])
        doc, etag = changed(etag, "PATCH " + kind)
        assert item(doc, kind, iid)[field] == value, kind

    # a KPI measurement (the objective embeds its count, RAG and trend)
    n = item(doc, "objectives", ids["objective"])["measurement_count"]
    w.post("v1/objectives/%d/measurements" % ids["objective"],
           {"period_from": "2026-01-01", "period_to": "2026-01-31", "value": 12})
    doc, etag = changed(etag, "POST measurement")
    assert item(doc, "objectives", ids["objective"])["measurement_count"] == n + 1

    # approval: the approved review is read through the other front end
    for action, user in (("submit", "author"), ("approve", "approver")):
        w.move(rid, action, user=user)
        doc, etag = changed(etag, action)
    assert doc["status"] == "APPROVED"

    # If-None-Match: 304 without a body on both front ends, a stale tag gets the body
    for api in (r, w):
        for _ in range(READS):
            st, h, body = api.call("GET", "v1/reviews/%d" % rid,
                                   headers={"If-None-Match": etag})
            assert st == 304 and not body and hdr(h, "etag") == etag, (st, body)
    st, _, body = r.call("GET", "v1/reviews/%d" % rid, headers={"If-None-Match": '"x-1-1"'})
    assert st == 200 and body["etag"] == etag

    # tracking data after approval: a progress update by the action's owner
    w.post("v1/actions/%d/updates" % ids["action"],
           {"status": "IN_PROGRESS", "progress": 40, "note": "Window agreed."}, user="owner")
    st, _, body = r.call("GET", "v1/reviews/%d" % rid, headers={"If-None-Match": etag})
    assert st == 200, "a stale ETag answered 304 after a progress update"
    doc, etag = changed(etag, "action update")
    a = item(doc, "actions", ids["action"])
    assert (a["status"], a["progress"]) == ("IN_PROGRESS", 40), a


def test_carry_over_and_cancellation_reach_the_older_review(fronts):
    w, r = fronts
    ids = build_review(w, True)
    old = ids["id"]
    doc, etag = read(r, old)
    assert item(doc, "actions", ids["action"])["carry_over_count"] == 0

    # a later review carries the open actions over: their count is part of the older review
    new = w.post("v1/reviews", review_body("Later review"))["id"]
    doc2, etag2 = read(r, old)
    assert etag2 != etag
    assert item(doc2, "actions", ids["action"])["carry_over_count"] == 1

    # cancelling the later review takes the count back
    w.move(new, "cancel", user="author")
    doc3, etag3 = read(r, old)
    assert etag3 not in (etag, etag2)
    assert item(doc3, "actions", ids["action"])["carry_over_count"] == 0


def test_sealed_version_etag_and_status(fronts):
    w, r = fronts
    rid = build_review(w, True)["id"]
    w.move(rid, "submit", user="author")
    w.move(rid, "approve", user="approver")
    doc, etag = read(r, rid, "?version=1")
    assert etag == '"sha256-%s"' % doc["content_hash"], (etag, doc["content_hash"])
    assert doc["status"] == "APPROVED" and doc["sealed"] is True
    st, h, body = r.call("GET", "v1/reviews/%d?version=1" % rid,
                         headers={"If-None-Match": etag})
    assert st == 304 and not body
    # publication changes the status of the sealed version (read through the other front
    # end), not its content
    w.move(rid, "publish", user="author")
    doc2, _ = read(r, rid, "?version=1")
    assert doc2["status"] == "PUBLISHED"
    del doc["status"], doc2["status"]
    assert doc == doc2
    r.expect(404, "GET", "v1/reviews/%d?version=2" % rid)
    r.expect(404, "GET", "v1/reviews/999999")


def test_dashboard_follows_every_write(fronts):
    """The JSON dashboard is cached per child and validated by the audit chain head: a write
    through the other front end (any write appends to the chain) shows at once."""
    w, r = fronts
    ids = build_review(w, True)

    def dash():
        seen = set()
        doc = None
        for _ in range(READS):
            doc = r.get("v1/reports/dashboard?format=json", user="auditor")
            seen.add((doc["actions_total"], doc["actions_open"],
                      json_dumps(doc["actions_by_status"])))
        assert len(seen) == 1, "readers disagree: %s" % seen
        return doc

    d0 = dash()
    w.post("v1/reviews/%d/actions" % ids["id"], {
        "title": "One more action", "type": "OTHER", "owner": "author",
        "due_date": "2026-09-30", "priority": "LOW", "description": "Added by the test.",
        "expected_outcome": "Seen on the dashboard."})
    d1 = dash()
    assert d1["actions_total"] == d0["actions_total"] + 1, (d0["actions_total"],
                                                           d1["actions_total"])
    w.post("v1/actions/%d/updates" % ids["action"],
           {"status": "COMPLETED", "note": "Done."}, user="owner")
    d2 = dash()
    assert d2["actions_open"] == d1["actions_open"] - 1
    assert d2["actions_by_status"].get("COMPLETED", 0) == \
        d1["actions_by_status"].get("COMPLETED", 0) + 1


def json_dumps(v):
    return json.dumps(v, sort_keys=True)
