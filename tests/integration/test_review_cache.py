# SPDX-License-Identifier: Apache-2.0
"""The rendered review is cached per Apache child (isms_cache.c) and validated against the
database in every read: two Apache front ends on ONE database, every kind of write through the
one, every read through the other, must always see the write (body and ETag). Also: the ETag
of a review GET is strong and If-None-Match gives 304; a sealed version (?version=n) has the
ETag of its seal, carries nothing that changes (its status is the review's) and, once a child
rendered it, is served by that child without the database.

Every read is repeated (READS times, new connection each) so that several children, each with
its own cache, answer."""

import json
import os

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


def test_sealed_version_etag_and_immutable(fronts):
    w, r = fronts
    rid = build_review(w, True)["id"]
    w.move(rid, "submit", user="author")
    w.move(rid, "approve", user="approver")
    doc, etag = read(r, rid, "?version=1")
    assert etag == '"sha256-%s"' % doc["content_hash"], (etag, doc["content_hash"])
    assert doc["sealed"] is True and "status" not in doc, doc
    st, h, body = r.call("GET", "v1/reviews/%d?version=1" % rid,
                         headers={"If-None-Match": etag})
    assert st == 304 and not body
    _, h = r.expect(200, "GET", "v1/reviews/%d?version=1" % rid)
    assert hdr(h, "cache-control") == "private, immutable", h
    # publication changes the status of the sealed version, which is the review's (and its
    # history's), not the version's representation
    w.move(rid, "publish", user="author")
    doc2, etag2 = read(r, rid, "?version=1")
    assert (doc2, etag2) == (doc, etag)
    assert r.review(rid)[0]["status"] == "PUBLISHED"
    assert [v["status"] for v in r.history(rid)["versions"]] == ["PUBLISHED"]
    # errors are not immutable
    st, h, _ = r.call("GET", "v1/reviews/%d?version=2" % rid)
    assert st == 404 and hdr(h, "cache-control") == "no-store", h
    r.expect(404, "GET", "v1/reviews/999999")


def _one_child(mpm):
    if mpm == "prefork":
        return ("StartServers 1\nMinSpareServers 1\nMaxSpareServers 1\n"
                "MaxRequestWorkers 1\nServerLimit 1\n")
    return ("StartServers 1\nServerLimit 1\nThreadsPerChild 4\nMaxRequestWorkers 4\n"
            "MinSpareThreads 1\nMaxSpareThreads 4\n")


def test_sealed_version_served_without_the_database(make_httpd, server_backend):
    """One child renders version 1 once; with the database server stopped it still answers
    it (same bytes, same ETag, 304 too), while the live review is 503."""
    rc, out = server_backend.migrate()
    assert rc == 0, out
    mpm = os.environ.get("ISMS_MPM", "event")
    h = make_httpd(db_args=server_backend.db_args, mpm=mpm, mpm_conf=_one_child(mpm)).start()
    h.allow(r"(?i)\[[^\]]*:(error|warn)\].*(database|pgsql|postgres|mysql|mariadb|connect)")
    api = Api(h)
    rid = build_review(api, True)["id"]
    api.move(rid, "submit", user="author")
    api.move(rid, "approve", user="approver")
    path = "v1/reviews/%d?version=1" % rid
    st, hdrs, before = api.call("GET", path)
    assert st == 200, before
    server_backend.server.stop()
    try:
        for _ in range(5):
            st, hdrs2, after = api.call("GET", path)
            assert st == 200 and after == before, (st, after)
            assert hdr(hdrs2, "etag") == hdr(hdrs, "etag")
            assert hdr(hdrs2, "cache-control") == "private, immutable"
            st, _, _ = api.call("GET", path, headers={"If-None-Match": hdr(hdrs, "etag")})
            assert st == 304
        assert api.call("GET", "v1/reviews/%d" % rid)[0] == 503
        assert api.call("GET", "v1/reviews/%d?version=2" % rid)[0] == 503
    finally:
        server_backend.server.start()


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
