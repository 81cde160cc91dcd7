# SPDX-License-Identifier: Apache-2.0
"""An action or objective owner without any role sees (and updates) what they own, and
nothing else; a role still sees everything."""
import pytest

import workflow_helpers as wh


@pytest.fixture
def api(httpd):
    httpd.allow(r"\[mpm_event:error\].*AH03092: process_lingering_close: apr_pollset_add")
    return wh.Api(httpd)


def _setup(api):
    review, _ = api.create("v1/reviews", {"title": "Owner access", "review_type": "SCHEDULED",
                                          "planned_date": "2026-03-10"})
    base = "v1/reviews/%d" % review["id"]
    mine, _ = api.create(base + "/actions", {"title": "Mine", "type": "OTHER", "owner": "owner",
                                             "due_date": "2026-06-30", "priority": "LOW"})
    theirs, _ = api.create(base + "/actions", {"title": "Theirs", "type": "OTHER",
                                               "owner": "approver2", "due_date": "2026-06-30",
                                               "priority": "LOW"})
    obj, _ = api.create(base + "/objectives", {
        "statement": "Mine to measure", "owner": "owner", "measurable": True,
        "kpi": {"name": "k", "direction": "HIGHER_BETTER", "target": 10}})
    other, _ = api.create(base + "/objectives", {
        "statement": "Not mine", "owner": "approver2", "measurable": True,
        "kpi": {"name": "k", "direction": "HIGHER_BETTER", "target": 10}})
    return review, mine, theirs, obj, other


def test_owner_without_role_sees_only_their_items(api):
    review, mine, theirs, obj, other = _setup(api)
    st, _, doc = api.call("GET", "v1/actions", user="owner")
    assert st == 200, doc
    assert [a["id"] for a in doc["items"]] == [mine["id"]]
    st, _, doc = api.call("GET", "v1/actions?owner=approver2", user="owner")
    assert st == 403, doc
    st, _, doc = api.call("GET", "v1/actions/%d/updates" % mine["id"], user="owner")
    assert st == 200 and doc["items"] == [], doc
    # someone else's item is, for a user without a role, as absent as an id never used
    st, _, doc = api.call("GET", "v1/actions/%d/updates" % theirs["id"], user="owner")
    assert st == 404, doc
    st, _, doc = api.call("GET", "v1/objectives", user="owner")
    assert st == 200 and [o["id"] for o in doc["items"]] == [obj["id"]], doc
    st, _, doc = api.call("GET", "v1/objectives/%d/measurements" % obj["id"], user="owner")
    assert st == 200, doc
    st, _, doc = api.call("GET", "v1/objectives/%d/measurements" % other["id"], user="owner")
    assert st == 404, doc
    # the record itself stays closed to a user without a role
    st, _, doc = api.call("GET", "v1/reviews/%d" % review["id"], user="owner")
    assert st == 403, doc


def test_user_without_role_and_items_sees_an_empty_register(api):
    _setup(api)
    st, _, doc = api.call("GET", "v1/actions", user="nobody")
    assert st == 200 and doc["items"] == [], doc


def test_roles_still_see_every_item(api):
    _, mine, theirs, _, _ = _setup(api)
    for user in ("author", "approver", "auditor", "admin"):
        st, _, doc = api.call("GET", "v1/actions", user=user)
        assert st == 200, doc
        assert {mine["id"], theirs["id"]} <= {a["id"] for a in doc["items"]}, user
