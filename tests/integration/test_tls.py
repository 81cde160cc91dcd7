# SPDX-License-Identifier: Apache-2.0
"""ISMSReviewRequireTLS On refuses plain HTTP with a problem response; HTTPS works."""

from harness import assert_json, assert_problem


def test_require_tls(make_httpd, backend):
    h = make_httpd(db_args=backend.db_args, ssl=True,
                   extra_conf="<Location /isms/api>\n  ISMSReviewRequireTLS On\n</Location>")
    h.start()
    doc = assert_problem(h.request("GET", "/isms/api/v1/me", user="author"), 403)
    assert "TLS" in doc["title"] + doc.get("detail", ""), doc
    doc = assert_json(h.request("GET", "/isms/api/v1/me", user="author", tls=True), 200)
    assert doc["user"] == "author" and doc["roles"] == ["author"]


def test_tls_not_required_by_default(make_httpd, backend):
    h = make_httpd(db_args=backend.db_args, ssl=True).start()
    assert_json(h.request("GET", "/isms/api/v1/me", user="author"), 200)
    assert_json(h.request("GET", "/isms/api/v1/me", user="author", tls=True), 200)
