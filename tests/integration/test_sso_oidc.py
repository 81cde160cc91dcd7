# SPDX-License-Identifier: Apache-2.0
"""The OpenID Connect recipe of docs/authentication.md, end to end with a real provider.

npm's oidc-provider (a certified OpenID provider; tests/sso/oidc, installed with `npm ci`)
runs on loopback with the users of sso_helpers.PEOPLE and a `groups` claim. The recipe runs
in the real Apache with mod_auth_openidc, only the provider's and the redirect URI's host
swapped. A cookie-keeping client then does what a browser does: GET v1/me -> the provider's
authorization endpoint (code flow, PKCE S256) -> its login form -> user name and password ->
back to the redirect URI with a code -> mod_auth_openidc redeems it -> GET v1/me answers with
the user and the roles that ISMSReviewRole maps from OIDC_CLAIM_groups. Then logout ends both
the Apache session and the provider's. Made-up identity headers never count.
"""

import json
import os
import re
import shutil
import subprocess
import urllib.parse

import pytest

import harness
from sso_helpers import (PEOPLE, REPO, Browser, Daemon, assert_anonymous_forged_refused,
                         assert_forged_headers_ignored, configure, password, query)

NODE_DIR = os.path.join(REPO, "tests", "sso", "oidc")
NETWORK_ERRORS = re.compile(r"ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|"
                            r"network|ENETUNREACH")


def install_provider():
    """node_modules of tests/sso/oidc (npm ci from package-lock.json) or a skip saying why."""
    if not shutil.which("node"):
        pytest.skip("node is not installed (nodejs, tests/deps-test.txt)")
    if os.path.isdir(os.path.join(NODE_DIR, "node_modules", "oidc-provider")):
        return
    if not shutil.which("npm"):
        pytest.skip("npm is not installed: cannot install oidc-provider")
    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR,
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0 and NETWORK_ERRORS.search(p.stdout + p.stderr):
        pytest.skip("npm ci could not reach the registry: %s" % p.stderr[-500:])
    assert p.returncode == 0, "npm ci in tests/sso/oidc:\n%s%s" % (p.stdout, p.stderr)


class OpenIDProvider:
    def __init__(self, redirect_uri, post_logout_uri):
        install_provider()
        self.dir = harness.make_basedir(prefix="isms-oidc-")
        self.port = harness.free_port()
        self.issuer = "http://127.0.0.1:%d" % self.port
        conf = os.path.join(self.dir, "provider.json")
        with open(conf, "w") as f:
            json.dump({
                "issuer": self.issuer, "port": self.port,
                "clients": [{"client_id": "ismsreview", "client_secret": "change-me",
                             "redirect_uris": [redirect_uri],
                             "post_logout_redirect_uris": [post_logout_uri],
                             "grant_types": ["authorization_code"],
                             "response_types": ["code"],
                             "token_endpoint_auth_method": "client_secret_basic"}],
                "accounts": {u: {"password": password(u), "groups": g}
                             for u, (g, _) in PEOPLE.items()}}, f)
        self.daemon = Daemon(["node", os.path.join(NODE_DIR, "provider.mjs"), conf], self.port,
                             os.path.join(self.dir, "provider.log"), cwd=NODE_DIR)

    def stop(self):
        self.daemon.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def oidc(make_httpd):
    """(Apache with the openidc recipe, the provider), both started."""
    h = make_httpd(roles=False, extra_conf="")
    base = "http://127.0.0.1:%d" % h.port
    callback = base + "/isms/oidc-callback"
    op = OpenIDProvider(callback, base + "/isms/")
    try:
        configure(h, "openidc", {"https://login.example.org/realms/corp": op.issuer,
                                 "https://isms.example.org/isms/oidc-callback": callback})
        # mod_auth_openidc warns about the plain-http URLs of the loopback provider
        h.allow(r"\[auth_openidc:warn\].*the URL scheme \(http\) of the configured",
                # it drops the made-up OIDC_CLAIM_* headers of the tests, and says so
                r"\[auth_openidc:warn\].*oidc_scrub_request_headers: scrubbed suspicious "
                r"request header \(Oidc[-_]Claim[-_]")
        h.start()
        yield h, op
    finally:
        op.stop()


def on_provider(op, page, path):
    return page.url.startswith(op.issuer + path)


def sign_in(h, op, user, pw=None):
    """A new browser, GET v1/me, the provider's login form: (browser, page after the form)."""
    b = Browser()
    page = b.go(h.url(h.api("v1/me")))
    assert page.status == 200 and on_provider(op, page, "/interaction/"), page
    auth = [u for _, u in b.chain if u.startswith(op.issuer + "/auth?")]
    assert len(auth) == 1, b.chain
    q = query(auth[0])
    assert q["client_id"] == ["ismsreview"] and q["response_type"] == ["code"], q
    assert q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43, q
    assert "openid" in q["scope"][0].split() and q["redirect_uri"][0].endswith(
        "/isms/oidc-callback"), q
    return b, b.submit(page, {"login": user, "password": pw or password(user)})


def test_oidc_login_maps_groups_to_roles(oidc):
    h, op = oidc
    for user, (groups, roles) in PEOPLE.items():
        b, page = sign_in(h, op, user)
        assert page.status == 200 and page.url == h.url(h.api("v1/me")), page
        doc = page.json()
        assert doc["user"] == user and sorted(doc["roles"]) == sorted(roles), (user, doc)
        # the way back: the redirect URI with a code, redeemed by mod_auth_openidc
        back = [u for _, u in b.chain if u.startswith(h.url("/isms/oidc-callback?"))]
        assert len(back) == 1 and "code" in query(back[0]), b.chain
        assert "mod_auth_openidc_session" in b.cookie_names(), b.cookie_names()
        # the session carries on: the UI's fetch() of the API, made-up headers ignored
        def get_me(headers):
            hdrs = dict(headers, Accept="application/json")
            p = b.fetch("GET", h.url(h.api("v1/me")), headers=hdrs)
            return p.status, (p.json() if p.status == 200 else p.body)
        assert_forged_headers_ignored(get_me, user, roles)
        # the web UI is behind the same login
        page = b.go(h.url("/isms/"))
        assert page.status == 200 and page.url == h.url("/isms/"), page
    assert "scrubbed suspicious request header (Oidc_Claim_Groups" in h.error_log_text()


def test_oidc_wrong_password_and_no_session(oidc):
    h, op = oidc
    b, page = sign_in(h, op, "priya", "not-her-password")
    assert page.status == 401 and on_provider(op, page, "/interaction/"), page
    assert "Wrong user name or password" in page.text
    assert not [u for _, u in b.chain if u.startswith(h.url("/isms/oidc-callback"))], b.chain
    # a fetch() of the UI (the headers Chromium adds) gets 401, not a redirect it cannot follow
    st, _, _ = h.request("GET", h.api("v1/me"), headers={
        "Accept": "application/json", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty",
        "Sec-Fetch-Site": "same-origin"})
    assert st == 401
    assert_anonymous_forged_refused(h, login_prefix=op.issuer + "/auth?")
    # a made-up code on the redirect URI is not a login
    h.allow(r"\[auth_openidc:error\].*(no \"mod_auth_openidc_state_forged\" state cookie|"
            r"unable to restore state|invalid authorization response state)")
    b = Browser()
    page = b.go(h.url("/isms/oidc-callback?code=forged&state=forged"))
    assert page.status == 400 and len(b.chain) == 1, (page, b.chain)
    assert "mod_auth_openidc_session" not in b.cookie_names()
    st, _, _ = h.request("GET", h.api("v1/health"))
    assert st == 200


def test_oidc_logout_ends_both_sessions(oidc):
    h, op = oidc
    b, page = sign_in(h, op, "helga")
    assert page.status == 200 and page.json()["user"] == "helga", page
    # the UI's sign-out link: the redirect URI with ?logout=, back to the UI afterwards
    page = b.go(h.url("/isms/oidc-callback?logout=" + urllib.parse.quote(h.url("/isms/"),
                                                                         safe="")))
    assert page.status == 200 and on_provider(op, page, "/session/end"), page
    end = [u for _, u in b.chain if u.startswith(op.issuer + "/session/end?")]
    assert end and query(end[0])["post_logout_redirect_uri"] == [h.url("/isms/")], b.chain
    assert "id_token_hint" in query(end[0]), end     # client-cookie:store_id_token
    page = b.submit(page, {"logout": "yes"})
    # the provider's session is gone too: back at the UI, the user has to sign in again
    assert page.status == 200 and on_provider(op, page, "/interaction/"), page
    assert any(u == h.url("/isms/") for _, u in b.chain), b.chain
    assert "password" in {k for f in page.forms() for k in f["fields"]}, page
    p = b.fetch("GET", h.url(h.api("v1/me")), headers={"Accept": "application/json"})
    assert p.status == 401, p
