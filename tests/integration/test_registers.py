# SPDX-License-Identifier: Apache-2.0
"""What outlives one review: the action register (progress updates by the owner, due-date
changes authorized by an author, carry-over of open actions into input a of the next reviews)
and the objectives register (KPI measurements with red/amber/green against the target of the
time, revisions kept as history, trend).

Runs on every backend of the `backend` fixture (sqlite3, pgsql)."""

import pytest

import workflow_helpers as wh
from workflow_helpers import days_between

R1 = {"title": "Management review 2025", "review_type": "SCHEDULED",
      "planned_date": "2025-03-10", "held_from": "2025-03-10", "held_to": "2025-03-10"}
# review 2 is dated by held_to, review 3 (not held yet) by its planned date
R2 = {"title": "Management review 2026", "review_type": "SCHEDULED",
      "planned_date": "2026-03-12", "held_from": "2026-03-12", "held_to": "2026-03-13"}
R2_DATE = "2026-03-13"
R3 = {"title": "Extraordinary review after the NIS2 audit", "review_type": "EXTRAORDINARY",
      "trigger": "AUDIT_FINDING", "planned_date": "2026-09-15"}
R3_DATE = "2026-09-15"


def action(title, owner, due, typ="CORRECTIVE", priority="MEDIUM"):
    return {"title": title, "type": typ, "owner": owner, "due_date": due, "priority": priority}


# key -> the action of review 1; the comments say what happens to it before review 2
R1_ACTIONS = {
    "overdue": action("Replace the end-of-life firewall cluster", "owner", "2025-06-30",
                      priority="HIGH"),                                 # stays OPEN
    "progress": action("Roll out MFA for all admin accounts", "owner", "2025-09-30"),
    #                                                                     IN_PROGRESS 55 %
    "done": action("Update the incident response plan", "owner", "2025-12-31",
                   typ="IMPROVEMENT"),                                  # COMPLETED
    "future": action("Migrate the HR system", "approver2", "2099-06-30",
                     typ="RISK_TREATMENT", priority="LOW"),             # OPEN, re-planned
    "cancel": action("Pilot a second SIEM", "owner", "2025-08-31",
                     typ="IMPROVEMENT", priority="LOW"),                # CANCELLED
    "blocked": action("Sign the DPA with the payroll provider", "author", "2025-11-30",
                      typ="OTHER"),                                     # BLOCKED
}
R2_ACTION = action("Close the NIS2 gap on supplier security clauses", "owner", "2026-06-30",
                   priority="HIGH")


@pytest.fixture
def api(httpd):
    # mpm_event's lingering-close race when the test server stops (httpd, not the module)
    httpd.allow(r"\[mpm_event:error\].*AH03092: process_lingering_close: apr_pollset_add")
    return wh.Api(httpd)


def create_review(api, body, actions=()):
    review, _ = api.create("v1/reviews", body)
    created = [api.create("v1/reviews/%d/actions" % review["id"], a)[0] for a in actions]
    return review, created


def post_update(api, action_id, body, user, status=201):
    st, hdrs, doc = api.call("POST", "v1/actions/%d/updates" % action_id, body=body, user=user)
    assert st == status, "update %r by %s: %d %r" % (body, user, st, doc)
    if status == 201:
        assert wh.location_path(hdrs["location"]) == "v1/actions/%d/updates" % action_id
    return doc


def ids(items):
    return [i["id"] for i in items]


def input_a(review):
    found = [i for i in review["inputs"] if i["category"] == "A_PREV_ACTIONS"]
    assert len(found) == 1, review["inputs"]
    return found[0]


def register(api, query=""):
    items, _ = api.walk("v1/actions" + query, 200)
    return items


# ---------------------------------------------------------------------------------------------
# actions


def test_action_progress_updates_and_history(api):
    r1, created = create_review(api, R1, R1_ACTIONS.values())
    a = dict(zip(R1_ACTIONS, created))
    rid = r1["id"]
    item_path = "v1/reviews/%d/actions/%d" % (rid, a["progress"]["id"])

    # the owner reports progress; the answer is the action with the update just recorded and
    # the length of its history (the history itself: GET v1/actions/{id}/updates)
    doc = post_update(api, a["progress"]["id"], {"status": "IN_PROGRESS", "progress": 40,
                                                 "note": "MFA enforced for domain admins."},
                      "owner")
    assert (doc["status"], doc["progress"]) == ("IN_PROGRESS", 40), doc
    assert doc["updates_count"] == 1 and "updates" not in doc, doc
    assert doc["update"]["note"] == "MFA enforced for domain admins.", doc
    doc = post_update(api, a["progress"]["id"], {"progress": 55, "note": "Cloud consoles done.",
                                                 "evidence_ref": "CHG-2025-311"}, "owner")
    assert (doc["status"], doc["progress"]) == ("IN_PROGRESS", 55), doc

    item = api.get(item_path)
    assert (item["status"], item["progress"]) == ("IN_PROGRESS", 55)
    assert item["updated_by"] == "owner"
    updates = item["updates"]
    assert [(u["status"], u["progress"], u["note"], u["evidence_ref"], u["created_by"])
            for u in updates] == [
        ("IN_PROGRESS", 40, "MFA enforced for domain admins.", None, "owner"),
        (None, 55, "Cloud consoles done.", "CHG-2025-311", "owner")]
    assert all(wh.RFC3339_UTC.match(u["created_at"]) for u in updates)
    assert updates[0]["id"] < updates[1]["id"]
    # the same history at v1/actions/{id}/updates, readable by any role
    assert api.get("v1/actions/%d/updates" % a["progress"]["id"])["items"] == updates
    assert api.get("v1/actions/%d/updates" % a["progress"]["id"], user="auditor")["items"] \
        == updates

    # COMPLETED sets progress 100 and completed_at
    doc = post_update(api, a["done"]["id"], {"status": "COMPLETED",
                                             "note": "Plan v5 approved by the CISO."}, "owner")
    assert (doc["status"], doc["progress"]) == ("COMPLETED", 100), doc
    assert wh.RFC3339_UTC.match(doc["completed_at"] or ""), doc
    assert doc["update"]["progress"] == 100
    assert doc["days_overdue"] == 0

    # the owner may not move the due date; an author may, with a reason
    fut = a["future"]["id"]
    api.problem("POST", "v1/actions/%d/updates" % fut, 403, user="approver2",
                body={"due_date": "2099-12-31", "reason": "Vendor slipped."})
    doc = api.problem("POST", "v1/actions/%d/updates" % fut, 422,
                      body={"due_date": "2099-12-31"})
    assert [e["field"] for e in doc["errors"]] == ["reason"], doc
    api.problem("POST", "v1/actions/%d/updates" % fut, 422,
                body={"due_date": "2099-12-31", "reason": ""})
    doc = post_update(api, fut, {"due_date": "2099-12-31",
                                 "reason": "Vendor moved the go-live; approved by the CFO."},
                      "author")
    assert (doc["due_date"], doc["original_due_date"]) == ("2099-12-31", "2099-06-30"), doc
    assert doc["update"]["reason"].startswith("Vendor moved")
    assert doc["update"]["due_date"] == "2099-12-31"
    # the owner (approver2 here) updates the progress of their own action
    doc = post_update(api, fut, {"progress": 5, "note": "Tender published."}, "approver2")
    assert (doc["status"], doc["progress"]) == ("OPEN", 5)

    # nobody else may update
    over = a["overdue"]["id"]
    # (a user without a role may not read it either: for them it does not exist, 404)
    for user in ("approver", "approver2", "auditor", "admin", "nobody"):
        api.problem("POST", "v1/actions/%d/updates" % over, 404 if user == "nobody" else 403,
                    user=user,
                    body={"progress": 10, "note": "not mine"})
    # effectiveness is verified by an author; cancelling needs a reason
    api.problem("POST", "v1/actions/%d/updates" % over, 403, user="owner",
                body={"status": "VERIFIED_EFFECTIVE"})
    api.problem("POST", "v1/actions/%d/updates" % a["cancel"]["id"], 422, user="owner",
                body={"status": "CANCELLED"})
    api.problem("POST", "v1/actions/%d/updates" % over, 422, user="owner", body={})
    api.problem("POST", "v1/actions/%d/updates" % over, 422, user="owner",
                body={"progress": 101})
    api.problem("POST", "v1/actions/%d/updates" % over, 422, user="owner",
                body={"status": "FINISHED"})
    api.problem("POST", "v1/actions/999999/updates", 404, user="owner", body={"progress": 1})
    api.problem("GET", "v1/actions/999999/updates", 404)
    # ... and none of the refused updates left a trace
    over_item = api.get("v1/reviews/%d/actions/%d" % (rid, over))
    assert over_item["updates"] == [] and over_item["progress"] == 0
    assert over_item["status"] == "OPEN"
    assert api.get("v1/actions/%d/updates" % over)["items"] == []

    doc = post_update(api, a["cancel"]["id"], {"status": "CANCELLED",
                                               "reason": "Replaced by the SIEM consolidation."},
                      "owner")
    assert doc["status"] == "CANCELLED" and doc["completed_at"] is None


def test_action_register_and_carry_over(api):
    r1, created = create_review(api, R1, R1_ACTIONS.values())
    a = dict(zip(R1_ACTIONS, created))
    by_id = {v["id"]: k for k, v in a.items()}
    post_update(api, a["progress"]["id"], {"status": "IN_PROGRESS", "progress": 55}, "owner")
    post_update(api, a["done"]["id"], {"status": "COMPLETED"}, "owner")
    post_update(api, a["cancel"]["id"], {"status": "CANCELLED", "reason": "Superseded."},
                "owner")
    post_update(api, a["blocked"]["id"], {"status": "BLOCKED", "progress": 20,
                                          "note": "Waiting for the provider's legal team."},
                "author")
    post_update(api, a["future"]["id"], {"due_date": "2099-12-31", "reason": "Re-planned."},
                "author")

    # ---- review 2: input a lists exactly the actions still open, as they were
    r2, (a_r2,) = create_review(api, R2, [R2_ACTION])
    review2 = api.get("v1/reviews/%d" % r2["id"])
    assert review2["previous_review_id"] == r1["id"]
    inp = input_a(review2)
    assert inp["ref"] == "MR-2026-01-IN01" and inp["status"] == "PRESENTED", inp
    assert inp["created_by"] == "author"
    snaps = inp["action_snapshots"]
    open_keys = ["overdue", "progress", "future", "blocked"]
    assert [by_id.get(s["action_id"]) for s in snaps] == open_keys, snaps
    expected = {
        "overdue": ("OPEN", 0, "2025-06-30"),
        "progress": ("IN_PROGRESS", 55, "2025-09-30"),
        "future": ("OPEN", 0, "2099-12-31"),
        "blocked": ("BLOCKED", 20, "2025-11-30"),
    }
    for s in snaps:
        key = by_id[s["action_id"]]
        status, progress, due = expected[key]
        assert (s["status_at_review"], s["progress_at_review"], s["due_date_at_review"]) == \
            (status, progress, due), (key, s)
        assert s["days_overdue"] == max(0, days_between(due, R2_DATE)), (key, s)
        assert s["carry_over_count"] == 1, (key, s)
        assert s["action_ref"] == a[key]["ref"] and s["title"] == a[key]["title"], s
        assert s["owner"] == a[key]["owner"], s
    metrics = {m["name"]: m["value"] for m in inp["metrics"]}
    assert metrics == {"open actions carried over": 4, "overdue at this review": 3}, metrics
    # the single input item carries the same snapshots
    single = api.get("v1/reviews/%d/inputs/%d" % (r2["id"], inp["id"]))
    assert single["action_snapshots"] == snaps

    # ---- the register across reviews
    all_actions = register(api)
    assert ids(all_actions) == sorted([v["id"] for v in a.values()] + [a_r2["id"]])
    reg = {i["id"]: i for i in all_actions}
    for key in open_keys:
        assert reg[a[key]["id"]]["carry_over_count"] == 1, key
    assert reg[a["done"]["id"]]["carry_over_count"] == 0
    assert reg[a_r2["id"]]["carry_over_count"] == 0
    assert reg[a["overdue"]["id"]]["days_overdue"] in wh.days_overdue_now("2025-06-30")
    assert reg[a["done"]["id"]]["days_overdue"] == 0
    assert reg[a["future"]["id"]]["days_overdue"] == 0

    def keys(query):
        found = register(api, query)
        return sorted(by_id.get(i["id"], "r2") for i in found)

    assert keys("?status=OPEN") == ["future", "overdue", "r2"]
    assert keys("?status=COMPLETED") == ["done"]
    assert keys("?owner=owner") == ["cancel", "done", "overdue", "progress", "r2"]
    assert keys("?owner=approver2") == ["future"]
    assert keys("?overdue=true") == ["blocked", "overdue", "progress", "r2"]
    assert keys("?overdue=false") == ["cancel", "done", "future"]
    assert keys("?review=%d" % r1["id"]) == sorted(R1_ACTIONS)
    assert keys("?review=%d" % r2["id"]) == ["r2"]
    assert keys("?status=OPEN&owner=owner&overdue=true") == ["overdue", "r2"]
    assert keys("?review=%d&overdue=true&priority=HIGH" % r1["id"]) == ["overdue"]
    walked, pages = api.walk("v1/actions", 2)
    assert ids(walked) == ids(all_actions) and pages == 4
    assert ids(api.get("v1/actions", user="auditor")["items"]) == ids(all_actions)
    for bad in ("overdue=yes", "overdue=", "review=abc", "review=0", "status=DONE",
                "limit=0", "cursor=x", "owner=a%0Ab"):
        api.problem("GET", "v1/actions?" + bad, 400)

    # ---- review 3: what is still open is carried a second time
    post_update(api, a["progress"]["id"], {"status": "COMPLETED"}, "owner")
    r3, _ = create_review(api, R3)
    review3 = api.get("v1/reviews/%d" % r3["id"])
    assert review3["previous_review_id"] == r2["id"]
    snaps3 = input_a(review3)["action_snapshots"]
    got = {by_id.get(s["action_id"], "r2"): s for s in snaps3}
    assert sorted(got) == ["blocked", "future", "overdue", "r2"], snaps3
    assert {k: s["carry_over_count"] for k, s in got.items()} == \
        {"overdue": 2, "future": 2, "blocked": 2, "r2": 1}
    assert got["r2"]["days_overdue"] == days_between("2026-06-30", R3_DATE) == 77
    assert got["overdue"]["days_overdue"] == days_between("2025-06-30", R3_DATE)
    assert got["future"]["days_overdue"] == 0
    assert {m["name"]: m["value"] for m in input_a(review3)["metrics"]} == \
        {"open actions carried over": 4, "overdue at this review": 3}
    # review 2's snapshot is history: it still shows the state at review 2
    assert input_a(api.get("v1/reviews/%d" % r2["id"]))["action_snapshots"] == snaps
    reg = {i["id"]: i for i in register(api)}
    assert reg[a["overdue"]["id"]]["carry_over_count"] == 2
    assert reg[a["progress"]["id"]]["carry_over_count"] == 1
    assert reg[a_r2["id"]]["carry_over_count"] == 1


# ---------------------------------------------------------------------------------------------
# objectives


def objective(statement, owner, direction, target, baseline=None, **more):
    kpi = {"name": statement[:60], "unit": "days" if direction == "LOWER_BETTER" else "%",
           "direction": direction, "target": target}
    if baseline is not None:
        kpi["baseline"] = baseline
    body = {"statement": statement, "measurable": True, "owner": owner, "status": "ACTIVE",
            "level": "ORGANIZATION", "kpi": kpi}
    body.update(more)
    return body


def measure(api, oid, period_to, value, user="author", period_from=None, status=201):
    body = {"period_to": period_to, "value": value, "comment": "monthly report"}
    if period_from:
        body["period_from"] = period_from
    st, hdrs, doc = api.call("POST", "v1/objectives/%d/measurements" % oid, body=body,
                             user=user)
    assert st == status, "measurement %r by %s: %d %r" % (body, user, st, doc)
    if status == 201:
        assert wh.location_path(hdrs["location"]) == "v1/objectives/%d/measurements" % oid
    return doc


def point(doc, period_to):
    found = [m for m in doc["items"] if m["period_to"] == period_to]
    assert len(found) == 1, (period_to, doc["items"])
    return found[0]


def test_objective_measurements_rag_and_trend(api):
    review, _ = api.create("v1/reviews", dict(R2))
    coll = "v1/reviews/%d/objectives" % review["id"]
    mttp, _ = api.create(coll, objective("Mean time to patch critical vulnerabilities",
                                         "owner", "LOWER_BETTER", 10, baseline=30))
    train, _ = api.create(coll, objective("Security awareness training completion",
                                          "approver2", "HIGHER_BETTER", 95))
    same, _ = api.create(coll, objective("Backup restore tests passed", "author",
                                         "HIGHER_BETTER", 50, baseline=50))
    stable, _ = api.create(coll, objective("Phishing simulation report rate", "author",
                                           "HIGHER_BETTER", 50, baseline=40))
    culture, _ = api.create(coll, {"statement": "Strengthen the security culture",
                                   "measurable": False, "owner": "owner",
                                   "evaluation_if_not_measurable": "Audit interviews."})

    # LOWER_BETTER, target 10, baseline 30: amber band = 10 % of |30 - 10| = 2
    for month, value, rag, user in (("01", 14, "RED", "owner"), ("02", 12.5, "RED", "author"),
                                    ("03", 12, "AMBER", "owner"), ("04", 11.5, "AMBER", "owner"),
                                    ("05", 10, "GREEN", "author"), ("06", 9, "GREEN", "owner")):
        doc = measure(api, mttp["id"], "2026-%s-28" % month, value, user=user,
                      period_from="2026-%s-01" % month)
        m = point(doc, "2026-%s-28" % month)
        assert (m["rag"], m["target_at_time"], m["direction"]) == \
            (rag, 10, "LOWER_BETTER"), (value, m)
        assert wh.same_value(value, m["value"]) and m["created_by"] == user, m
        assert m["period_from"] == "2026-%s-01" % month
    assert (doc["rag"], doc["trend"]) == ("GREEN", "IMPROVING"), doc
    assert doc["objective_id"] == mttp["id"] and doc["kpi"]["direction"] == "LOWER_BETTER"
    assert doc["latest_measurement"]["period_to"] == "2026-06-28"

    # HIGHER_BETTER, target 95, no baseline: band = 10 % of |95| = 9.5; posted out of order,
    # listed by period
    for period, value in (("2026-05-31", 96), ("2026-01-31", 85), ("2026-02-28", 90),
                          ("2026-03-31", 85.5), ("2026-04-30", 95)):
        doc = measure(api, train["id"], period, value, user="approver2")
    assert [(m["period_to"], m["rag"]) for m in doc["items"]] == [
        ("2026-01-31", "RED"), ("2026-02-28", "AMBER"), ("2026-03-31", "AMBER"),
        ("2026-04-30", "GREEN"), ("2026-05-31", "GREEN")], doc["items"]
    assert doc["latest_measurement"]["period_to"] == "2026-05-31"
    assert (doc["rag"], doc["trend"]) == ("GREEN", "IMPROVING"), doc

    # baseline == target: the band is 10 % of |target| = 5
    for period, value, rag in (("2026-01-31", 50, "GREEN"), ("2026-02-28", 45, "AMBER"),
                               ("2026-03-31", 44.9, "RED")):
        doc = measure(api, same["id"], period, value)
        assert point(doc, period)["rag"] == rag, (value, doc["items"])
    assert (doc["rag"], doc["trend"]) == ("RED", "DETERIORATING"), doc

    # one point is not a trend; a change within 2 % of the target is stable
    doc = measure(api, stable["id"], "2026-01-31", 49.5)
    assert (doc["rag"], doc["trend"]) == ("AMBER", "INSUFFICIENT_DATA"), doc
    doc = measure(api, stable["id"], "2026-02-28", 50.4)
    assert (doc["rag"], doc["trend"]) == ("GREEN", "STABLE"), doc

    # who may measure: the objective's owner or an author
    for user in ("approver", "auditor", "admin", "nobody", "owner"):
        api.problem("POST", "v1/objectives/%d/measurements" % train["id"],
                    404 if user in ("nobody", "owner") else 403, user=user,
                    body={"period_to": "2026-06-30", "value": 97})
    api.problem("POST", "v1/objectives/%d/measurements" % mttp["id"], 403, user="approver2",
                body={"period_to": "2026-07-31", "value": 8})
    # an objective without a KPI has nothing to measure against
    doc = api.problem("POST", "v1/objectives/%d/measurements" % culture["id"], 422,
                      body={"period_to": "2026-06-30", "value": 3})
    assert [e["field"] for e in doc["errors"]] == ["value"], doc
    for body, fields in (({"value": 3}, ["period_to"]),
                         ({"period_to": "2026-06-30"}, ["value"]),
                         ({"period_to": "2026-06-30", "value": "3"}, ["value"]),
                         ({"period_from": "2026-07-01", "period_to": "2026-06-30",
                           "value": 3}, ["period_to"]),
                         ({"period_to": "2026-02-30", "value": 3}, ["period_to"]),
                         ({"period_to": "2026-06-30", "value": 3, "rag": "GREEN"}, ["rag"])):
        doc = api.problem("POST", "v1/objectives/%d/measurements" % mttp["id"], 422, body=body)
        assert sorted(e["field"] for e in doc["errors"]) == fields, (body, doc)
    api.problem("POST", "v1/objectives/999999/measurements", 404,
                body={"period_to": "2026-06-30", "value": 3})
    assert len(api.get("v1/objectives/%d/measurements" % train["id"])["items"]) == 5
    assert len(api.get("v1/objectives/%d/measurements" % mttp["id"])["items"]) == 6

    # the register
    items, _ = api.walk("v1/objectives", 2)
    reg = {i["id"]: i for i in items}
    assert sorted(reg) == sorted(o["id"] for o in (mttp, train, same, stable, culture))
    summary = {oid: (i["rag"], i["trend"], i["measurement_count"]) for oid, i in reg.items()}
    assert summary == {mttp["id"]: ("GREEN", "IMPROVING", 6),
                       train["id"]: ("GREEN", "IMPROVING", 5),
                       same["id"]: ("RED", "DETERIORATING", 3),
                       stable["id"]: ("GREEN", "STABLE", 2),
                       culture["id"]: (None, "INSUFFICIENT_DATA", 0)}, summary
    assert ids(api.get("v1/objectives?owner=owner")["items"]) == [mttp["id"], culture["id"]]
    assert ids(api.get("v1/objectives?status=ACTIVE&owner=approver2")["items"]) == \
        [train["id"]]
    assert ids(api.get("v1/objectives?review=%d" % review["id"], user="auditor")["items"]) \
        == sorted(reg)
    assert api.get("v1/objectives?review=%d" % (review["id"] + 1))["items"] == []
    api.problem("GET", "v1/objectives?status=DONE", 400)


def test_objective_target_revision_keeps_target_at_time(api):
    review, _ = api.create("v1/reviews", dict(R2))
    obj, loc = api.create("v1/reviews/%d/objectives" % review["id"],
                          objective("Mean time to patch critical vulnerabilities", "owner",
                                    "LOWER_BETTER", 10, baseline=30))
    oid = obj["id"]
    measure(api, oid, "2026-01-31", 11, user="owner")      # AMBER against 10 (band 2)
    measure(api, oid, "2026-02-28", 9.5, user="owner")     # GREEN against 10

    item, etag = api.get_with_etag(loc)
    assert [r["revision_type"] for r in item["revisions"]] == ["CREATED"]
    new_kpi = dict(item["kpi"], target=8)
    st, hdrs, doc = api.patch(loc, {"kpi": new_kpi}, etag)
    assert st == 200, doc
    assert wh.same_value(8, doc["kpi"]["target"]) and doc["current_revision"] == 2, doc
    api.problem("PATCH", loc, 412, body={"kpi": dict(new_kpi, target=7)},
                headers={"If-Match": etag})
    api.problem("PATCH", loc, 428, body={"kpi": dict(new_kpi, target=7)})

    # band is now 10 % of |30 - 8| = 2.2: 9.5 is AMBER against the new target
    doc = measure(api, oid, "2026-03-31", 9.5, user="owner")
    assert [(m["period_to"], m["target_at_time"], m["rag"]) for m in doc["items"]] == [
        ("2026-01-31", 10, "AMBER"), ("2026-02-28", 10, "GREEN"),
        ("2026-03-31", 8, "AMBER")], doc["items"]
    assert wh.same_value(8, doc["kpi"]["target"])

    item, etag = api.get_with_etag(loc)
    revs = item["revisions"]
    assert [(r["revision_no"], r["revision_type"]) for r in revs] == \
        [(1, "CREATED"), (2, "TARGET_REVISED")], revs
    assert revs[0]["changed_fields"] == {}
    kpi_change = revs[1]["changed_fields"]["kpi"]
    assert wh.same_value(10, kpi_change["old"]["target"])
    assert wh.same_value(8, kpi_change["new"]["target"])
    assert list(revs[1]["changed_fields"]) == ["kpi"], revs[1]
    assert all(r["review_id"] == review["id"] and r["created_by"] == "author" for r in revs)
    assert [m["target_at_time"] for m in item["measurements"]] == [10, 10, 8]

    # another change of the KPI that keeps the target is not a target revision.
    # MODULE BUG (found 2026-11-28): the stored target comes back as a real (8.0) and is
    # compared with json_equal() to the integer 8 the client sent, so revision_type() in
    # isms_register.c reports TARGET_REVISED for a unit-only change.
    st, _, doc = api.patch(loc, {"kpi": dict(new_kpi, unit="calendar days")}, etag)
    assert st == 200, doc
    item, etag = api.get_with_etag(loc)
    st, _, doc = api.patch(loc, {"target_date": "2026-12-31"}, etag)
    assert st == 200, doc
    revs = api.get(loc)["revisions"]
    assert [r["revision_type"] for r in revs] == \
        ["CREATED", "TARGET_REVISED", "KPI_CHANGED", "TIMELINE_ADJUSTED"], revs
    # earlier measurements never change
    assert [m["target_at_time"] for m in api.get(loc)["measurements"]] == [10, 10, 8]
