"""Objectives are a register revised by reviews (issue 12 section 2, domain-model.md A.9).

One objective keeps its identity across reviews; a later review revises it through a revision
linked to its decision, with the prior state kept; sealing a review seals its revisions, not
the objective's later life (measurements, later revisions). Input d4 is derived from the
register when a review is created and on POST v1/reviews/{id}/refresh-d4 while it is a draft.
Migration 007 turns the per-review objectives of a database made by the old schema into the
register without losing a measurement.

Runs on every backend of the `backend` fixture (sqlite3, pgsql, mysql)."""

import pytest

import harness
import workflow_helpers as wh

OBJ = "v1/objectives"


@pytest.fixture
def api(httpd):
    httpd.allow(r"\[mpm_event:error\].*AH03092: process_lingering_close: apr_pollset_add")
    return wh.Api(httpd)


def measure(api, oid, period_to, value, status=201):
    return api.post("%s/%d/measurements" % (OBJ, oid),
                    {"period_to": period_to, "value": value}, status=status)


def d4_inputs(review):
    return [i for i in review["inputs"] if i["category"] == "D4_OBJECTIVES"]


def generated_d4(review):
    found = [i for i in d4_inputs(review) if "objective_snapshots" in i and
             i["objective_snapshots"]]
    assert len(found) == 1, d4_inputs(review)
    return found[0]


def metric(inp, name):
    found = [m["value"] for m in inp["metrics"] if m["name"] == name]
    assert len(found) == 1, inp["metrics"]
    return found[0]


def register_item(api, oid, user="author"):
    found = [o for o in api.get(OBJ + "?limit=200", user=user)["items"] if o["id"] == oid]
    assert len(found) == 1, oid
    return found[0]


def test_later_review_revises_objective_and_keeps_history(api):
    # review 1 sets the objective: MTTP critical <= 10 days (LOWER_BETTER)
    r1 = wh.build_review(api, True, title="Review 1")
    oid = r1["objective"]
    # 2024 (the period before review 2's period) averages 19, 2025 averages 13: improving
    for when, v in (("2024-06-30", 20), ("2024-12-31", 18), ("2025-06-30", 14),
                    ("2025-12-31", 12)):
        measure(api, oid, when, v)
    api.move(r1["id"], "submit")
    api.move(r1["id"], "approve", user="approver")
    hist = api.history(r1["id"])
    assert hist["live_matches_seal"] is True, hist

    # review 2 is created: input d4 is derived from the register
    r2 = wh.build_review(api, True, title="Review 2")
    rid2 = r2["id"]
    review2, _ = api.review(rid2)
    d4 = generated_d4(review2)
    assert d4["title"] == "Fulfilment of information security objectives"
    snaps = d4["objective_snapshots"]
    assert [(s["objective_id"], s["revision_no"], s["period_count"], s["trend"])
            for s in snaps] == [(oid, 1, 2, "IMPROVING")], snaps
    assert snaps[0]["latest_value"] == 12 and snaps[0]["kpi_target"] == 10
    assert snaps[0]["latest_rag"] == "RED" and snaps[0]["period_mean"] == 13
    assert snaps[0]["previous_mean"] == 19
    assert metric(d4, "objectives reviewed") == 1 and metric(d4, "RED") == 1
    assert d4["trend"] == "IMPROVING"
    # the author writes discussion and conclusion, not the numbers
    st, _, doc = api.call("PATCH", "v1/reviews/%d/inputs/%d" % (rid2, d4["id"]),
                          body={"metrics": [{"name": "objectives", "value": 9}]},
                          if_match=d4["etag"])
    assert st == 422 and doc["errors"][0]["code"] == "derived", doc
    st, _, doc = api.call("PATCH", "v1/reviews/%d/inputs/%d" % (rid2, d4["id"]),
                          body={"discussion": "MTTP improves but misses the target.",
                                "conclusion": "Re-plan: tighten the target to 8 days."},
                          if_match=d4["etag"])
    assert st == 200 and doc["objective_snapshots"] == snaps, doc
    st, _, doc = api.call("POST", "v1/reviews/%d/inputs" % rid2, body={
        "category": "D4_OBJECTIVES", "title": "Objectives", "status": "PRESENTED",
        "metrics": [{"name": "achieved", "value": 4}]})
    assert st == 422 and doc["errors"][0]["field"] == "metrics", doc

    # review 2 revises the objective: a new target, linked to its decision
    body = {"review_id": rid2, "kpi": {"name": "MTTP critical", "unit": "days",
                                       "direction": "LOWER_BETTER", "baseline": 21.5,
                                       "target": 8},
            "revision_reason": "Target met in H2; tighten it.",
            "decision_id": r2["decisions"]["improve"]}
    st, h, rev = api.call("POST", "%s/%d/revisions" % (OBJ, oid), body=body)
    assert st == 201, rev
    assert h["location"].endswith("v1/reviews/%d/objectives/%d" % (rid2, rev["id"]))
    assert rev["objective_id"] == oid and rev["id"] != oid and rev["review_id"] == rid2
    assert (rev["revision_no"], rev["revision_type"]) == (2, "TARGET_REVISED"), rev
    assert rev["prior_state"]["kpi"]["target"] == 10 and rev["prior_state"]["revision_no"] == 1
    assert rev["prior_state"]["review_id"] == r1["id"]
    # the rest of the objective is carried over from the prior revision
    assert rev["statement"] == "Patch critical vulnerabilities within 10 days."
    assert rev["owner"] == "owner" and rev["policy_ref"] == "IS-POL-01 section 4"
    # measurements belong to the objective, whatever its revision
    assert rev["measurement_count"] == 4

    # one revision per objective and review; unknown objectives; server-owned fields
    st, _, doc = api.call("POST", "%s/%d/revisions" % (OBJ, oid), body=dict(body))
    assert st == 409 and doc["type"].endswith("already-revised"), doc
    st, _, doc = api.call("POST", "v1/reviews/%d/objectives" % rid2,
                          body={"objective_id": 999999, "status": "ACHIEVED"})
    assert st == 422 and doc["errors"][0]["field"] == "objective_id", doc
    st, _, doc = api.call("POST", "%s/%d/revisions" % (OBJ, r2["objective"]),
                          body={"review_id": r1["id"], "status": "WITHDRAWN"})
    assert st == 409, doc                                     # review 1 is sealed
    st, _, doc = api.call("POST", "%s/%d/revisions" % (OBJ, oid),
                          body={"review_id": rid2, "revision_no": 7})
    assert st in (409, 422), doc
    st, _, doc = api.call("POST", "%s/%d/revisions" % (OBJ, oid), body={"status": "ACHIEVED"})
    assert st == 422 and doc["errors"][0]["field"] == "review_id", doc

    # the register shows the objective once, as revised; its history both revisions
    item = register_item(api, oid)
    assert item["revision_id"] == rev["id"] and item["revision_no"] == 2
    assert item["kpi"]["target"] == 8 and item["measurement_count"] == 4
    revs = api.get("%s/%d/revisions" % (OBJ, oid))
    assert revs["current_revision_no"] == 2
    assert [(r["revision_no"], r["revision_type"], r["review_id"], r["sealed"])
            for r in revs["items"]] == [(1, "CREATED", r1["id"], True),
                                         (2, "TARGET_REVISED", rid2, False)], revs
    assert list(revs["items"][1]["changed_fields"]) == ["kpi"]
    assert revs["items"][1]["decision_id"] == r2["decisions"]["improve"]
    assert revs["items"][1]["review_ref"] == r2["ref"]
    # the owner sees it; someone without a role who does not own it does not
    assert api.get("%s/%d/revisions" % (OBJ, oid), user="owner")["objective_id"] == oid

    # a measurement after the revision is judged against the new target; the old ones
    # keep the target of their time
    doc = measure(api, oid, "2026-02-28", 9)
    assert [(m["period_to"], m["target_at_time"], m["rag"]) for m in doc["items"]] == [
        ("2024-06-30", 10, "RED"), ("2024-12-31", 10, "RED"), ("2025-06-30", 10, "RED"),
        ("2025-12-31", 10, "RED"), ("2026-02-28", 8, "AMBER")], doc["items"]

    # refresh: input d4 takes the new measurement; the revision review 2 makes is its
    # decision, not its input, so the snapshot stays at revision 1
    st, _, doc = api.call("POST", "v1/reviews/%d/refresh-d4" % rid2, body={})
    assert st == 200, doc
    snap = generated_d4(doc)["objective_snapshots"][0]
    assert (snap["revision_no"], snap["latest_value"], snap["latest_period_to"]) == \
        (1, 9, "2026-02-28"), snap
    assert generated_d4(doc)["conclusion"] == "Re-plan: tighten the target to 8 days."

    # review 2 is approved: its revision is sealed with it, the objective lives on
    api.move(rid2, "submit")
    api.move(rid2, "approve", user="approver")
    st, _, doc = api.call("POST", "v1/reviews/%d/refresh-d4" % rid2, body={})
    assert st == 409, doc
    loc = "v1/reviews/%d/objectives/%d" % (rid2, rev["id"])
    cur = api.get(loc)
    st, _, doc = api.call("PATCH", loc, body={"statement": "changed after approval"},
                          if_match=cur["etag"])
    assert st == 409, doc
    measure(api, oid, "2026-03-31", 7.5)
    assert api.history(r1["id"])["live_matches_seal"] is True
    assert api.history(rid2)["live_matches_seal"] is True
    sealed = api.get("v1/reviews/%d?version=1" % rid2)
    srev = [o for o in sealed["objectives"] if o["id"] == rev["id"]][0]
    assert (srev["revision_no"], srev["revision_type"]) == (2, "TARGET_REVISED")
    assert srev["prior_state"]["kpi"]["target"] == 10
    assert generated_d4(sealed)["objective_snapshots"][0]["latest_value"] == 9

    # the reports: the record shows the revision and what it changed, input d4's snapshot;
    # the dashboard the register, each objective once
    st, _, html = api.call("GET", "v1/reviews/%d/report?format=html" % rid2)
    assert st == 200
    html = html.decode() if isinstance(html, bytes) else html
    assert "Changed by this review" in html
    assert "Target met in H2; tighten it." in html and "Mean in period" in html
    st, _, csv = api.call("GET", "v1/reviews/%d/report?format=csv" % rid2)
    csv = csv.decode() if isinstance(csv, bytes) else csv
    assert "revision_type: TARGET_REVISED" in csv and "objective_snapshot," in csv
    dash = api.get("v1/reports/dashboard?format=json")
    mine = [o for o in dash["objectives"] if o["objective_id"] == oid]
    assert len(mine) == 1 and mine[0]["revision_no"] == 2, dash["objectives"]
    assert mine[0]["measurement_count"] == 6

    # review 3 starts from the register as review 2 left it
    r3 = api.post("v1/reviews", wh.review_body("Review 3", planned_date="2027-03-10",
                                               held_from="2027-03-10", held_to="2027-03-10",
                                               period_from="2026-01-01",
                                               period_to="2026-12-31",
                                               next_review_date="2028-03-09"))
    snaps = generated_d4(r3)["objective_snapshots"]
    mine = [s for s in snaps if s["objective_id"] == oid]
    assert len(mine) == 1 and mine[0]["revision_no"] == 2 and mine[0]["kpi_target"] == 8
    assert mine[0]["latest_value"] == 7.5 and mine[0]["period_count"] == 2
    assert {s["objective_id"] for s in snaps} == {oid, r2["objective"]}


def test_revision_rules_and_delete(api):
    r1 = wh.build_review(api, True, title="Review 1")
    oid = r1["objective"]
    r2 = api.post("v1/reviews", wh.review_body("Review 2"))
    # a revision without a decision is a finding of MR-29
    rev = api.post("v1/reviews/%d/objectives" % r2["id"],
                   {"objective_id": oid, "owner": "author",
                    "revision_reason": "New ISMS manager"})
    assert rev["revision_type"] == "OWNER_CHANGED" and rev["revision_no"] == 2
    findings = [f for f in api.check(r2["id"])["findings"]
                if f["rule"] == "MR-29" and f.get("entity_id") == rev["id"]]
    assert findings and findings[0]["severity"] == "W", api.check(r2["id"])["findings"]
    # PATCH while a draft: the type follows the change; the identity cannot change
    loc = "v1/reviews/%d/objectives/%d" % (r2["id"], rev["id"])
    st, _, doc = api.call("PATCH", loc, body={"status": "WITHDRAWN"}, if_match=rev["etag"])
    assert st == 200 and doc["revision_type"] == "WITHDRAWN", doc
    st, _, doc = api.call("PATCH", loc, body={"objective_id": rev["id"]},
                          if_match=doc["etag"])
    assert st == 422 and doc["errors"][0]["field"] == "objective_id", doc
    # the objective's creating row cannot go while a later review revises it
    cur = api.get("v1/reviews/%d/objectives/%d" % (r1["id"], oid))
    st, _, doc = api.call("DELETE", "v1/reviews/%d/objectives/%d" % (r1["id"], oid),
                          if_match=cur["etag"])
    assert st == 409 and doc["type"].endswith("objective-in-use"), doc
    # cancelling review 2 drops its revision from the register
    assert register_item(api, oid)["revision_no"] == 2
    api.move(r2["id"], "cancel")
    item = register_item(api, oid)
    assert item["revision_no"] == 1 and item["owner"] == "owner" and item["status"] == "ACTIVE"
    # the revision of a dropped review is a draft's: deleting it is allowed
    r3 = api.post("v1/reviews", wh.review_body("Review 3"))
    rev3 = api.post("%s/%d/revisions" % (OBJ, oid), {"review_id": r3["id"],
                                                      "status": "ACHIEVED"})
    assert (rev3["revision_no"], rev3["revision_type"]) == (3, "ACHIEVED_CLOSED")
    st, _, _ = api.call("DELETE", "v1/reviews/%d/objectives/%d" % (r3["id"], rev3["id"]),
                        if_match=rev3["etag"])
    assert st == 204
    assert register_item(api, oid)["revision_no"] == 1


# ---- migration 007 with data made by the schema before it

OLD_ROWS = [
    "INSERT INTO review (id, ref, created_at, created_by, title, review_type, planned_date, "
    "status, version, period_frm, period_to) VALUES (41, 'MR-2025-01', "
    "'2025-03-01T09:00:00Z', 'author', 'Old review 2025', 'SCHEDULED', '2025-03-10', 'DRAFT', "
    "1, '2024-01-01', '2024-12-31')",
    "INSERT INTO review (id, ref, created_at, created_by, title, review_type, planned_date, "
    "status, version, period_frm, period_to) VALUES (42, 'MR-2026-01', "
    "'2026-03-01T09:00:00Z', 'author', 'Old review 2026', 'SCHEDULED', '2026-03-10', 'DRAFT', "
    "1, '2025-01-01', '2025-12-31')",
    "INSERT INTO objective (id, review_id, seq, ref, created_at, created_by, statement, owner, "
    "status, kpi_name, kpi_unit, kpi_direction, kpi_baseline, kpi_target, current_revision) "
    "VALUES (71, 41, 1, 'MR-2025-01-OB01', '2025-03-10T10:00:00Z', 'author', "
    "'Patch critical vulnerabilities within 10 days', 'owner', 'ACTIVE', 'MTTP', 'days', "
    "'LOWER_BETTER', 30, 10, 1)",
    "INSERT INTO objective (id, review_id, seq, ref, created_at, created_by, statement, owner, "
    "status, kpi_name, kpi_unit, kpi_direction, kpi_target, current_revision) VALUES (72, 42, "
    "1, 'MR-2026-01-OB01', '2026-03-10T10:00:00Z', 'author', 'Train every employee', "
    "'owner', 'ACTIVE', 'Trained', '%', 'HIGHER_BETTER', 95, 1)",
] + [
    "INSERT INTO kpi_measurement (id, objective_id, period_to, value, target_at_time, "
    "direction, rag, created_at, created_by) VALUES (%d, %d, '%s', %s, %s, '%s', '%s', "
    "'2026-01-01T00:00:00Z', 'owner')" % m for m in (
        (501, 71, "2024-06-30", 25, 12, "LOWER_BETTER", "RED"),
        (502, 71, "2024-12-31", 11, 12, "LOWER_BETTER", "GREEN"),
        (503, 71, "2025-06-30", 9.5, 10, "LOWER_BETTER", "GREEN"),
        (504, 72, "2025-12-31", 91, 95, "HIGHER_BETTER", "AMBER"))
] + ["UPDATE review SET status = 'SUBMITTED' WHERE id = 41",
      "UPDATE review SET status = 'APPROVED' WHERE id = 41"]


def admin(db_args, *args):
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args] + list(args),
                                    timeout=300)
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def ledger(backend):
    return [int(r[0]) for r in backend.query("SELECT version FROM schema_version")]


@pytest.mark.no_migrate
def test_migration_007_keeps_every_measurement(backend, make_httpd):
    if backend.dbdir:
        harness._chown_service(backend.dbdir)
    for bad in ("0", "99", "6x"):
        rc, out = admin(backend.db_args, "migrate", bad)
        assert rc == 2 and "--help" in out, out
    rc, out = admin(backend.db_args, "migrate", "6")
    assert rc == 0, out
    assert ledger(backend) and max(ledger(backend)) <= 6, ledger(backend)
    for sql in OLD_ROWS:
        backend.query(sql)
    rc, out = admin(backend.db_args, "migrate")
    assert rc == 0 and 7 in ledger(backend), out

    h = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(h)
    items = api.get(OBJ)["items"]
    assert [(o["id"], o["objective_id"], o["revision_no"], o["revision_type"],
             o["measurement_count"]) for o in items] == [
        (71, 71, 1, "CREATED", 3), (72, 72, 1, "CREATED", 1)], items
    doc = api.get("%s/71/measurements" % OBJ)
    assert [(m["id"], m["period_to"], m["value"], m["target_at_time"], m["rag"])
            for m in doc["items"]] == [(501, "2024-06-30", 25, 12, "RED"),
                                       (502, "2024-12-31", 11, 12, "GREEN"),
                                       (503, "2025-06-30", 9.5, 10, "GREEN")], doc
    revs = api.get("%s/71/revisions" % OBJ)["items"]
    assert [(r["revision_no"], r["review_id"], r["sealed"]) for r in revs] == \
        [(1, 41, True)], revs
    # the new columns of a sealed review's objective are sealed too
    with pytest.raises(Exception):
        backend.query("UPDATE objective SET revision_reason = 'rewritten' WHERE id = 71")
    assert api.get("v1/reviews/41/objectives/71")["revision_reason"] is None
    # the migrated objective is revised by the draft review like any other
    rev = api.post("%s/71/revisions" % OBJ, {"review_id": 42, "status": "ACHIEVED"})
    assert (rev["objective_id"], rev["revision_no"], rev["revision_type"]) == \
        (71, 2, "ACHIEVED_CLOSED")
    assert rev["measurement_count"] == 3

