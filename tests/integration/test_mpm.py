# SPDX-License-Identifier: Apache-2.0
"""The module under the other MPMs (event is the default of the whole suite; ISMS_MPM changes
it): health and identity work with processes only (prefork) and threads (worker)."""

import os

import pytest

from harness import assert_json

OTHER_MPMS = [m for m in ("prefork", "worker", "event") if m != os.environ.get("ISMS_MPM",
                                                                                 "event")]


@pytest.mark.parametrize("mpm", OTHER_MPMS)
def test_health_and_me_under_mpm(make_httpd, backend, mpm):
    h = make_httpd(db_args=backend.db_args, mpm=mpm).start()
    doc = assert_json(h.request("GET", "/isms/api/v1/health"), 200)
    assert doc["status"] == "ok"
    doc = assert_json(h.request("GET", "/isms/api/v1/me", user="approver2"), 200)
    assert doc["user"] == "approver2" and doc["roles"] == ["approver"]
