# SPDX-License-Identifier: Apache-2.0
"""Wrong methods, unknown paths: problem+json with the right status and headers."""

import pytest

from harness import assert_problem


def _allow(hdrs):
    return {m.strip().upper() for m in hdrs.get("allow", "").split(",") if m.strip()}


@pytest.mark.parametrize("method,path,user", [
    ("POST", "v1/health", None),
    ("PUT", "v1/health", None),
    ("DELETE", "v1/health", None),
    ("DELETE", "v1/me", "author"),
    ("POST", "v1/me", "author"),
    ("PATCH", "v1/me", "nobody"),
])
def test_wrong_method_is_405_with_allow(httpd, method, path, user):
    resp = httpd.request(method, "/isms/api/" + path, user=user,
                         body=b"{}" if method != "DELETE" else None,
                         headers={"Content-Type": "application/json"})
    assert_problem(resp, 405)
    allow = _allow(resp[1])
    assert "GET" in allow, resp[1]
    assert method not in allow, resp[1]


@pytest.mark.parametrize("path", ["v1/nothing", "v1/", "v2/health", "v1/health/extra",
                                  "v1/me/x", ""])
def test_unknown_path_is_404(httpd, path):
    assert_problem(httpd.request("GET", "/isms/api/" + path, user="author"), 404)
