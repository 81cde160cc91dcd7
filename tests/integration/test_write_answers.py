# SPDX-License-Identifier: Apache-2.0
"""What a write answers is what a GET then shows (issue 16).

The 201 of a new item is built from the row its INSERT returned (INSERT ... RETURNING), the
200 of a PATCH from the row its UPDATE returned, and the 201 of a progress update from the
rows its INSERT and UPDATE returned, instead of reading them back: fewer statements while the
review's row (and on PostgreSQL the audit head) is locked. These tests hold that shortcut to
the truth: for every kind of item, with the realistic record's data, the body and the ETag of
the write's answer are exactly those of the GET that follows, on every backend.

Runs on every backend of the `backend` fixture (sqlite3, pgsql, mysql)."""

import pytest

import records_data as rd
import workflow_helpers as wh

# a text field of each kind that a PATCH of a draft may change
PATCH_FIELD = {"attendees": "function", "inputs": "summary", "decisions": "rationale",
               "actions": "description", "improvements": "expected_benefit",
               "changes": "purpose", "objectives": "evaluation_method",
               "resources": "description", "communications": "artifact_ref"}


@pytest.fixture
def api(httpd):
    httpd.allow(r"\[mpm_event:error\].*AH03092: process_lingering_close: apr_pollset_add")
    return wh.Api(httpd)


def bodies(data):
    """(key, body) of a collection's list or dict of bodies, as build_review numbers them."""
    return list(data.items()) if isinstance(data, dict) else list(enumerate(data))


def test_every_write_answers_what_get_shows(api, backend):
    review, _ = api.create("v1/reviews", rd.REVIEW)
    rid = review["id"]
    ids, kinds = {}, set()
    for coll, data in rd.ITEM_DATA:
        single = coll[:-1] if coll != "changes" else "change"
        for key, body in bodies(data):
            created, h = api.expect(201, "POST", "v1/reviews/%d/%s" % (rid, coll),
                                    body=wh.resolve(body, ids))
            ids["%s:%s" % (single, key)] = created["id"]
            path = wh.location_path(h["location"], api.base)
            shown, etag = api.get_with_etag(path)
            assert created == shown, (coll, key)
            assert h["etag"] == etag, (coll, key)
            kinds.add(coll)
            if coll in PATCH_FIELD and PATCH_FIELD[coll] in body:
                field = PATCH_FIELD[coll]
                st, ph, patched = api.patch(path, {field: body[field] + " (revised)"}, etag)
                assert st == 200, (coll, key, patched)
                shown, etag = api.get_with_etag(path)
                assert patched == shown, (coll, key)
                assert ph["etag"] == etag, (coll, key)
                assert patched[field].endswith(" (revised)")
    assert kinds == set(PATCH_FIELD), kinds


def test_progress_update_answers_what_get_shows(api, backend):
    built = wh.build_review(api, review=rd.REVIEW, items=rd.ITEM_DATA)
    action = built["sent"]["actions"][0][1]
    path = "v1/actions/%d/updates" % action["id"]
    updates = [{"status": "IN_PROGRESS", "progress": 30, "note": "Window agreed with the CAB."},
               {"progress": 60, "evidence_ref": "CHG-2026-0412"},
               {"effectiveness_required": True, "effectiveness_method": "MTTP over 90 days",
                "effectiveness_due": "2026-12-31"}]
    for n, body in enumerate(updates, 1):
        answer, h = api.expect(201, "POST", path, body=body)
        shown, etag = api.get_with_etag("v1/reviews/%d/actions/%d" % (built["rid"],
                                                                      action["id"]))
        assert h["etag"] == etag
        history = shown.pop("updates")
        assert answer.pop("updates_count") == len(history) == n
        assert answer.pop("update") == history[-1]
        assert answer == shown
