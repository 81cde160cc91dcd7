# SPDX-License-Identifier: Apache-2.0
"""GET v1/me: the user Apache authenticated and the roles ISMSReviewRole grants; nothing a client
sends in a header changes either."""

import pytest

import harness
from harness import assert_json, assert_problem

ME = "/isms/api/v1/me"


def test_me_without_credentials_is_401(httpd):
    status, hdrs, _ = httpd.request("GET", ME)
    assert status == 401
    assert "www-authenticate" in hdrs


def test_me_wrong_password_is_401(httpd):
    httpd.allow(r"AH01617: user author: authentication failure")
    status, _, _ = httpd.request("GET", ME, user="author", password="wrong")
    assert status == 401


def test_module_401_when_apache_passed_no_user(make_httpd, backend):
    # a Location handled by the module without any authentication: the module itself refuses
    h = make_httpd(db_args=backend.db_args,
                   extra_conf="<Location /noauth>\n  SetHandler ismsreview\n"
                              "  Require all granted\n</Location>").start()
    assert_problem(h.request("GET", "/noauth/v1/me"), 401)
    # forged identity headers do not make it a user
    assert_problem(h.request("GET", "/noauth/v1/me",
                             headers={"X-Remote-User": "admin", "Remote-User": "admin",
                                      "OIDC_CLAIM_groups": "admins"}), 401)
    # health stays public there too
    assert h.request("GET", "/noauth/v1/health")[0] == 200


@pytest.mark.parametrize("user", sorted(harness.USERS))
def test_me_roles(httpd, user):
    doc = assert_json(httpd.request("GET", ME, user=user), 200)
    assert doc["user"] == user, doc
    assert doc["roles"] == harness.USERS[user][1], doc


def test_forged_identity_headers_are_ignored(httpd):
    forged = {"X-Remote-User": "admin", "Remote-User": "admin", "OIDC_CLAIM_groups": "admins",
              "X-Forwarded-User": "admin", "OIDC-CLAIM-groups": "admins"}
    doc = assert_json(httpd.request("GET", ME, user="nobody", headers=forged), 200)
    assert doc["user"] == "nobody", doc
    assert doc["roles"] == [], doc
    doc = assert_json(httpd.request("GET", ME, user="author", headers=forged), 200)
    assert doc["user"] == "author", doc
    assert doc["roles"] == ["author"], doc


def test_role_expression_on_request_env(make_httpd, backend):
    # roles can come from what an SSO module puts into the environment (here: SetEnvIf)
    extra = ("<Location /isms/api>\n"
             "  SetEnvIf Remote_Addr ^127\\. ISMS_TEST_GROUP=isms-auditors\n"
             "  ISMSReviewRole auditor \"reqenv('ISMS_TEST_GROUP') == 'isms-auditors'\"\n"
             "</Location>")
    h = make_httpd(db_args=backend.db_args, extra_conf=extra).start()
    doc = assert_json(h.request("GET", ME, user="owner"), 200)
    assert doc["user"] == "owner"
    assert doc["roles"] == ["auditor"], doc
