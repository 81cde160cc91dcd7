"""Input d4 is derived from the objective register when a review is created and on the
explicit POST v1/reviews/{id}/refresh-d4, and at no other time (issue 12 section 2): reads
(the review, its inputs, the check, the reports) and other writes (the review, its items, new
KPI measurements, revisions by other reviews) leave the snapshot as it was, so the numbers the
author discusses do not move under them.

Runs on every backend of the `backend` fixture (sqlite3, pgsql, mysql)."""

import pytest

import workflow_helpers as wh

OBJ = "v1/objectives"


@pytest.fixture
def api(httpd):
    httpd.allow(r"\[mpm_event:error\].*AH03092: process_lingering_close: apr_pollset_add")
    return wh.Api(httpd)


def derived_d4(api, rid):
    review, _ = api.review(rid)
    found = [i for i in review["inputs"] if i["category"] == "D4_OBJECTIVES" and
             i.get("objective_snapshots")]
    assert len(found) == 1, review["inputs"]
    return found[0]


def numbers(inp):
    """What refresh-d4 derives: the snapshots, the metrics and the trend."""
    return inp["objective_snapshots"], inp["metrics"], inp.get("trend")


def test_d4_refreshed_only_on_create_and_refresh(api):
    r1 = wh.build_review(api, True, title="Review 1")
    oid = r1["objective"]
    for when, v in (("2024-06-30", 20), ("2024-12-31", 18), ("2025-06-30", 14)):
        api.post("%s/%d/measurements" % (OBJ, oid), {"period_to": when, "value": v})
    api.move(r1["id"], "submit")
    api.move(r1["id"], "approve", user="approver")

    # created: d4 is derived from the register as it is now
    r2 = wh.build_review(api, True, title="Review 2")
    rid = r2["id"]
    d4 = derived_d4(api, rid)
    before = numbers(d4)
    snap = d4["objective_snapshots"][0]
    assert (snap["objective_id"], snap["latest_value"]) == (oid, 14), snap

    # the register moves on: a new measurement, a revision by another draft review
    api.post("%s/%d/measurements" % (OBJ, oid), {"period_to": "2025-12-31", "value": 11})
    other = wh.build_review(api, True, title="Another draft")
    st, _, doc = api.call("POST", "%s/%d/revisions" % (OBJ, oid), body={
        "review_id": other["id"], "revision_reason": "Tighten the target.",
        "kpi": {"name": "MTTP critical", "unit": "days", "direction": "LOWER_BETTER",
                "baseline": 21.5, "target": 8},
        "decision_id": other["decisions"]["improve"]})
    assert st == 201, doc

    # reads leave d4 as it was
    api.get("v1/reviews/%d/inputs/%d" % (rid, d4["id"]))
    api.get("v1/reviews/%d/inputs?category=D4_OBJECTIVES" % rid)
    api.check(rid)
    for fmt in ("json", "html", "csv"):
        st, _, _ = api.call("GET", "v1/reviews/%d/report?format=%s" % (rid, fmt))
        assert st == 200
    api.get(OBJ)
    api.get("v1/reports/dashboard?format=json")
    assert numbers(derived_d4(api, rid)) == before

    # and so do writes that are not the refresh: the review, its d4 input's prose, other
    # items, an attendee
    cur, etag = api.review(rid)
    st, _, doc = api.call("PATCH", "v1/reviews/%d" % rid,
                          body={"executive_summary": "Edited after the register moved."},
                          if_match=etag)
    assert st == 200, doc
    d4 = derived_d4(api, rid)
    st, _, doc = api.call("PATCH", "v1/reviews/%d/inputs/%d" % (rid, d4["id"]),
                          body={"discussion": "Discussed.", "conclusion": "Continue."},
                          if_match=d4["etag"])
    assert st == 200, doc
    api.post("v1/reviews/%d/decisions" % rid, {
        "statement": "Keep the objective.", "category": "OBJECTIVE",
        "clause_933_aspect": "NONE", "outcome": "NOTED"})
    api.post("v1/reviews/%d/attendees" % rid, {
        "name": "Guest", "participation_role": "OBSERVER", "attendance": "PRESENT"})
    after = derived_d4(api, rid)
    assert numbers(after) == before
    assert after["discussion"] == "Discussed."

    # the explicit refresh takes the register as it is now, and keeps the prose
    st, _, doc = api.call("POST", "v1/reviews/%d/refresh-d4" % rid, body={})
    assert st == 200, doc
    refreshed = derived_d4(api, rid)
    assert numbers(refreshed) != before
    snap = refreshed["objective_snapshots"][0]
    assert (snap["latest_value"], snap["latest_period_to"]) == (11, "2025-12-31"), snap
    assert refreshed["conclusion"] == "Continue."
    # and then stays again
    api.check(rid)
    assert numbers(derived_d4(api, rid)) == numbers(refreshed)
