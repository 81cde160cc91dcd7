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
