# SPDX-License-Identifier: Apache-2.0
"""The dashboard's action figures come from a summary (migration 013: action_tally,
action_day) that database triggers keep current in the transaction of every write. After
every kind of write through the API (new review, items, action progress and status, approval,
a later review that carries actions over, cancellation) the summary equals a computation from
scratch (`ismsreview-admin verify` compares them), and the dashboard's counts equal what SQL
counts in the action table; on every backend. A summary edited below the API is found by
verify and repaired by `ismsreview-admin rebuild-summary`."""

import harness
import workflow_helpers as wh

LIVE = ("FROM action a JOIN review r ON r.id = a.review_id WHERE r.status <> 'CANCELLED'")


def _admin(backend, *args):
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args] +
                                    list(args), timeout=300)
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def _consistent(backend, api, what):
    dash = api.get("v1/reports/dashboard", user="auditor")
    rc, out = _admin(backend, "verify")
    assert rc == 0 and "dashboard summary: consistent" in out, "after %s: %s" % (what, out)
    by_status = {s: int(n) for s, n in backend.query(
        'SELECT a."status", COUNT(*) ' + LIVE + ' GROUP BY a."status"')}
    assert dash["actions_by_status"] == by_status, (what, dash["actions_by_status"], by_status)
    assert dash["actions_total"] == sum(by_status.values()), what
    return dash


def test_summary_follows_every_write(backend, make_httpd):
    h = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(h)
    assert _consistent(backend, api, "nothing")["actions_total"] == 0

    first = wh.build_review(api)
    rid, aid = first["id"], first["action"]
    assert _consistent(backend, api, "a new review and its actions")["actions_total"] == 2

    api.post("v1/actions/%d/updates" % aid, {"status": "IN_PROGRESS", "progress": 30})
    dash = _consistent(backend, api, "a progress update")
    assert dash["actions_by_status"].get("IN_PROGRESS") == 1

    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    _consistent(backend, api, "the approval")

    api.post("v1/actions/%d/updates" % aid, {"status": "COMPLETED", "progress": 100})
    dash = _consistent(backend, api, "an action completed")
    assert dash["actions_by_status"].get("COMPLETED") == 1
    assert dash["burn_down"][-1]["open"] == 1, dash["burn_down"]

    second = wh.build_review(api, title="The next review")      # carries the open one over
    assert _consistent(backend, api, "a later review")["actions_total"] == 4
    api.move(second["id"], "cancel")
    assert _consistent(backend, api, "a cancellation")["actions_total"] == 2

    # below the API: verify finds the difference, rebuild-summary repairs it
    backend.query("UPDATE action_tally SET n = n + 1")
    rc, out = _admin(backend, "verify")
    assert rc == 1 and "dashboard summary: DIFFERS" in out, out
    rc, out = _admin(backend, "rebuild-summary")
    assert rc == 0 and "rebuilt" in out, out
    rc, out = _admin(backend, "verify")
    assert rc == 0 and "dashboard summary: consistent" in out, out


def test_burn_down_buckets_over_long_spans(backend, make_httpd):
    """The burn-down from the summary sums the days into its (at most 180) sample points by
    integer arithmetic in SQL: over spans shorter than, as long as and longer than 180 days
    (one day per point, then several, unevenly) it equals the computation from scratch."""
    import datetime
    h = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(h)
    built = wh.build_review(api)
    first, second = sorted(int(r[0]) for r in backend.query(
        "SELECT id FROM action WHERE review_id = %d" % built["id"]))
    today = datetime.datetime.now(datetime.timezone.utc).date()

    def day(n):
        return (today - datetime.timedelta(days=n)).isoformat() + "T09:00:00Z"

    for span in (1, 2, 178, 179, 180, 181, 359, 361, 1000, 2923):
        # below the API: the first action opened span days ago, the second opened later and
        # completed later still (the triggers move the summary's days)
        backend.query("UPDATE action SET created_at = '%s' WHERE id = %d" % (day(span), first))
        backend.query("UPDATE action SET created_at = '%s', completed_at = '%s', \"status\" = "
                      "'COMPLETED' WHERE id = %d" % (day(span * 2 // 3), day(span // 5),
                                                     second))
        rc, out = _admin(backend, "verify")
        assert rc == 0 and "dashboard summary: consistent" in out, (span, out)
        # a write through the API: the child's cached dashboard is no longer current
        api.post("v1/actions/%d/updates" % first, {"progress": span % 90 + 1})
        burn = api.get("v1/reports/dashboard", user="auditor")["burn_down"]
        assert len(burn) == min(span + 1, 180), (span, len(burn))
        assert burn[0] == {"date": day(span)[:10], "open": 1}, (span, burn[0])
        assert burn[-1] == {"date": today.isoformat(), "open": 1}, (span, burn[-1])
        if span >= 5:
            assert max(p["open"] for p in burn) == 2, (span, burn)
