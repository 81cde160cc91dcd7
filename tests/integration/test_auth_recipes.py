# SPDX-License-Identifier: Apache-2.0
"""The authentication recipes of docs/authentication.md work in the real Apache.

Every fenced block of that file whose first line is "# recipe: NAME" (second line
"# modules: ...", the Apache modules it needs) is taken as written; only host names, ports and
file paths are swapped for local ones (the SUBS of each test, which the document lists too).
Each one must pass `apache2 -t` and then serve:

  basic    end to end: htpasswd -B users -> GET v1/me roles as the document's table says
  ldap     end to end against Debian's slapd started here (memberof overlay, tiny LDIF)
  tls      API over TLS with HSTS, plain HTTP redirected; without the redirect 403

The single sign-on recipes have a file each, with a real identity provider on loopback:
test_sso_oidc.py (openidc), test_sso_saml.py (mellon), test_sso_kerberos.py (kerberos);
the helpers all of them share are in sso_helpers.py. A recipe whose module is not installed
is skipped, never passed (tests/deps-test.txt lists the Debian packages).
"""

import json
import os
import re
import shutil
import subprocess

import pytest

import harness

from sso_helpers import PEOPLE, me, password, prepare, recipe_server as server, recipes, \
    slapd_or_skip


def test_document_has_every_recipe():
    assert set(recipes()) == {"basic", "ldap", "openidc", "mellon", "kerberos", "tls"}, \
        set(recipes())
    for name, (mods, text) in recipes().items():
        assert "ISMSReview" in text, name
        for line in text.splitlines():
            assert not re.search(r"req\(|http\(", line), "%s reads a request header: %s" % (
                name, line)


# ---------------------------------------------------------------------------------------------
# Basic auth with bcrypt

BASIC_USERS = {"priya": ["author"], "helga": ["approver"], "marc": ["approver"],
               "audit": ["auditor"], "webadmin": ["admin"], "jonas": []}


def test_basic_recipe_end_to_end(make_httpd, tmp_path_factory):
    d = harness.make_basedir(prefix="isms-basic-")
    pwfile = os.path.join(d, "ismsreview.htpasswd")
    for i, user in enumerate(BASIC_USERS):
        subprocess.run([harness.HTPASSWD_BIN, "-b", "-B", "-C", "5"] + (["-c"] if i == 0 else [])
                       + [pwfile, user, "pw-" + user], check=True, capture_output=True)
    os.chmod(pwfile, 0o644)
    try:
        h = server(make_httpd, "basic", {"/etc/apache2/ismsreview.htpasswd": pwfile})
        h.allow(r"AH01617: user priya: authentication failure")
        h.start()
        for user, roles in BASIC_USERS.items():
            for _ in range(2):                       # the second from the socache
                st, _, doc = me(h, user, "pw-" + user)
                assert st == 200, (user, st, doc)
                assert doc["user"] == user and doc["roles"] == roles, doc
        assert me(h, "priya", "wrong")[0] == 401
        assert me(h)[0] == 401
        # a header naming another user changes nothing
        st, _, doc = me(h, "jonas", "pw-jonas", headers={"X-Remote-User": "priya"})
        assert st == 200 and doc["user"] == "jonas" and doc["roles"] == [], doc
        st, _, _ = h.request("GET", h.api("v1/health"))
        assert st == 200
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# LDAP with slapd

@pytest.fixture
def slapd():
    s = slapd_or_skip()
    yield s
    s.stop()


def test_ldap_recipe_end_to_end(make_httpd, slapd):
    h = server(make_httpd, "ldap", {"ldaps://ldap.example.org": slapd.url})
    h.allow(r"AH01617: user priya: authentication failure", r"AH01618: user nobody-at-all")
    h.start()
    for user, (_, roles) in PEOPLE.items():
        st, _, doc = me(h, user, password(user))
        assert st == 200, (user, st, doc)
        assert doc["user"] == user and sorted(doc["roles"]) == sorted(roles), doc
    assert me(h, "priya", "wrong")[0] == 401
    assert me(h, "nobody-at-all", "x")[0] == 401
    assert me(h)[0] == 401


# the spellings of helga that slapd accepts as helga's account (uid is matched under the
# directory's Unicode normalisation): as typed, Apache passes them on unless
# AuthLDAPRemoteUserAttribute pins the directory's own spelling
HELGA_ALIASES = ["HELGA", "\uff48elga", "helga\u00a0", " helga"]


def test_ldap_recipe_pins_the_canonical_user_name(make_httpd, slapd):
    """The recipe's AuthLDAPRemoteUserAttribute uid makes every spelling the directory
    accepts arrive as the directory's own name."""
    h = server(make_httpd, "ldap", {"ldaps://ldap.example.org": slapd.url})
    h.start()
    for alias in HELGA_ALIASES:
        st, _, doc = me(h, alias, password("helga"))
        assert st == 200 and doc["user"] == "helga", (alias, st, doc)


def test_ldap_without_the_pin_is_still_one_person(make_httpd, slapd):
    """Without AuthLDAPRemoteUserAttribute Apache passes the name as typed; the module compares
    identities under NFKC + case folding + trimming, so helga approving twice under two
    spellings is still one approval (ISMSReviewApprovals 2)."""
    import workflow_helpers as wh
    h = server(make_httpd, "ldap", {"ldaps://ldap.example.org": slapd.url,
                                    "    AuthLDAPRemoteUserAttribute uid\n": "",
                                    "    Require valid-user\n":
                                    "    Require valid-user\n    ISMSReviewApprovals 2\n"})
    h.start()
    assert me(h, HELGA_ALIASES[1], password("helga"))[2]["user"] == HELGA_ALIASES[1]

    class DirectoryApi(wh.Api):         # the helpers' "author" is priya in this directory
        def call(self, method, path, user="author", **kw):
            return wh.Api.call(self, method, path, user="priya" if user == "author" else user,
                               **kw)

    api = DirectoryApi(h, base=h.api(""), passwords=dict(
        {a: password("helga") for a in HELGA_ALIASES}, helga=password("helga"),
        priya=password("priya")))
    rid = wh.build_review(api, True, user="priya")["id"]
    api.move(rid, "submit", user="priya")
    api.move(rid, "approve", user="helga")
    for alias in HELGA_ALIASES:
        st, _, doc = api.transition(rid, "approve", user=alias)
        assert st in (403, 409), (alias, st, doc)
    review, _ = api.review(rid, user="helga")
    assert review["status"] == "SUBMITTED"
    assert [a["approver"] for a in api.history(rid, user="helga")["approvals"]] == ["helga"]


# ---------------------------------------------------------------------------------------------
# TLS with mod_ssl

def tls_subs(h):
    crt, key = h._tls_files()
    return {"/etc/ssl/certs/isms.example.org.pem": crt,
            "/etc/ssl/private/isms.example.org.key": key,
            "*:443": "127.0.0.1:%d" % h.tls_port, "*:80": "127.0.0.1:%d" % h.port}


def test_tls_recipe(make_httpd):
    h = make_httpd(ssl=False)
    h.tls_port = harness.free_port()
    # AH01882: Debian's mod_ssl vs. libssl point release; AH01909: the swapped certificate is
    # for 127.0.0.1, not isms.example.org
    h.allow(r"\[ssl:warn\].*AH01882:", r"\[ssl:warn\].*AH01909:")
    subs = tls_subs(h)
    # what Debian's mods-available/ssl.conf adds with `a2enmod ssl`
    debian_ssl_conf = 'SSLSessionCache "shmcb:%s/ssl_scache(512000)"\n' % h.run_dir
    h.extra_conf = ("Listen 127.0.0.1:%d https\n" % h.tls_port + prepare("tls", subs) +
                    debian_ssl_conf)
    rc, out = h.config_test()
    assert rc == 0 and "Syntax OK" in out, out
    h.start()
    st, hdrs, doc = me(h, "author", tls=True)
    assert st == 200 and doc["roles"] == ["author"], (st, doc)
    assert "max-age=31536000" in hdrs.get("strict-transport-security", ""), hdrs
    st, hdrs, _ = h.request("GET", h.api("v1/me"), user="author")
    assert st == 301 and hdrs["location"] == "https://isms.example.org/isms/api/v1/me", hdrs
    h.stop()
    # without the redirecting virtual host the module itself refuses plain HTTP
    text = prepare("tls", subs)
    text = re.sub(r"<VirtualHost 127\.0\.0\.1:%d>.*?</VirtualHost>\n" % h.port, "", text,
                  flags=re.S)
    h.extra_conf = "Listen 127.0.0.1:%d https\n" % h.tls_port + text + debian_ssl_conf
    h.start()
    st, hdrs, body = h.request("GET", h.api("v1/me"), user="author")
    assert st == 403 and json.loads(body)["type"].endswith("tls-required"), (st, body)
    assert me(h, "author", tls=True)[0] == 200
