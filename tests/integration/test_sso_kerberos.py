# SPDX-License-Identifier: Apache-2.0
"""The Kerberos / SPNEGO recipe of docs/authentication.md, end to end with a real KDC.

An MIT KDC (krb5kdc) in a temporary realm ISMS.TEST, made with kdb5_util and kadmin.local:
the users of sso_helpers.PEOPLE, a principal the directory does not know, and the service
principal HTTP/localhost with its keytab. The groups come from the directory, as in a Windows
domain: the slapd of the LDAP recipe. The recipe runs in the real Apache with mod_auth_gssapi
and mod_authnz_ldap (only the keytab path and the directory URL swapped); each user gets a
ticket with kinit and calls GET v1/me with curl --negotiate.
"""

import json
import os
import shutil
import subprocess
import tempfile

import pytest

import harness
from sso_helpers import (FORGED, PEOPLE, Daemon, assert_anonymous_forged_refused,
                         assert_forged_headers_ignored, configure, password, slapd_or_skip,
                         tool_or_skip, write)

REALM = "ISMS.TEST"
STRANGER = "stranger"        # has a principal, is not in the directory


class KDC:
    """krb5kdc with its database, configuration and logs in a temporary directory."""

    def __init__(self):
        tool_or_skip("/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local",
                     "kinit")
        self.dir = harness.make_basedir(prefix="isms-krb5-")
        self.port = harness.free_port()
        self.keytab = os.path.join(self.dir, "http.keytab")
        self.rcache = os.path.join(self.dir, "rcache")
        os.makedirs(self.rcache)
        os.chmod(self.rcache, 0o1777)            # Apache's replay cache (www-data)
        self.krb5_conf = write(os.path.join(self.dir, "krb5.conf"), (
            "[libdefaults]\n default_realm = {realm}\n dns_lookup_kdc = false\n"
            " dns_lookup_realm = false\n rdns = false\n dns_canonicalize_hostname = false\n"
            " udp_preference_limit = 1\n[realms]\n {realm} = {{\n  kdc = 127.0.0.1:{port}\n }}\n"
            "[domain_realm]\n localhost = {realm}\n").format(realm=REALM, port=self.port))
        kdc_conf = write(os.path.join(self.dir, "kdc.conf"), (
            "[kdcdefaults]\n kdc_tcp_listen = 127.0.0.1:{port}\n kdc_listen = 127.0.0.1:{port}\n"
            "[realms]\n {realm} = {{\n  database_name = {d}/principal\n"
            "  key_stash_file = {d}/stash\n  acl_file = {d}/kadm5.acl\n }}\n"
            "[logging]\n kdc = FILE:{d}/kdc.log\n").format(realm=REALM, port=self.port,
                                                           d=self.dir))
        self.env = dict(os.environ, KRB5_CONFIG=self.krb5_conf, KRB5_KDC_PROFILE=kdc_conf)
        self._run(["/usr/sbin/kdb5_util", "-r", REALM, "create", "-s", "-P", "master-secret"])
        for user in list(PEOPLE) + [STRANGER]:
            self.kadmin("addprinc -pw %s %s" % (password(user), user))
        self.kadmin("addprinc -randkey HTTP/localhost")
        self.kadmin("ktadd -k %s HTTP/localhost" % self.keytab)
        os.chmod(self.keytab, 0o644)             # test only: the recipe says root:www-data 640
        self.daemon = Daemon(["/usr/sbin/krb5kdc", "-n", "-r", REALM], self.port,
                             os.path.join(self.dir, "krb5kdc.out"), env=self.env)

    def _run(self, argv, **kw):
        p = subprocess.run(argv, env=kw.pop("env", self.env), capture_output=True, text=True,
                           timeout=60, **kw)
        assert p.returncode == 0, "%s:\n%s%s" % (argv, p.stdout, p.stderr)
        return p

    def kadmin(self, query):
        self._run(["/usr/sbin/kadmin.local", "-r", REALM, "-q", query])

    def kinit(self, user, pw=None):
        """A credential cache with USER's ticket; its environment for curl."""
        env = dict(self.env, KRB5CCNAME="FILE:%s/cc-%s" % (self.dir, user))
        p = subprocess.run(["kinit", user], input=(pw or password(user)) + "\n", env=env,
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr, env

    def stop(self):
        self.daemon.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def curl_me(h, env=None, negotiate=True, headers=None, path=None):
    """GET v1/me (or PATH) at http://localhost:PORT (the service principal's host name) with
    curl: (status, body, the response headers text)."""
    hfile = tempfile.NamedTemporaryFile(prefix="isms-curl-")
    argv = ["curl", "-sS", "-D", hfile.name, "-w", "\n%{http_code}",
            "-H", "Accept: application/json"]
    if negotiate:
        argv += ["--negotiate", "-u", ":"]
    for k, v in (headers or {}).items():
        argv += ["-H", "%s: %s" % (k, v)]
    argv.append("http://localhost:%d%s" % (h.port, path or h.api("v1/me")))
    with hfile:
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        head = open(hfile.name, errors="replace").read()
    body, status = p.stdout.rsplit("\n", 1)
    return int(status), body, head


@pytest.fixture
def kerberos(make_httpd, monkeypatch):
    """(Apache with the kerberos recipe, the KDC), both started."""
    if not os.path.exists(os.path.join(harness.apache_moddir(), "mod_auth_gssapi.so")):
        pytest.skip("mod_auth_gssapi is not installed (libapache2-mod-auth-gssapi)")
    kdc = KDC()
    slapd = None
    try:
        slapd = slapd_or_skip()
        # Apache's Kerberos library: the realm's krb5.conf (default_realm for
        # GssapiLocalName) and a replay cache it can write
        monkeypatch.setenv("KRB5_CONFIG", kdc.krb5_conf)
        monkeypatch.setenv("KRB5RCACHEDIR", kdc.rcache)
        h = make_httpd(roles=False, extra_conf="", )
        configure(h, "kerberos", {"/etc/apache2/isms.keytab": kdc.keytab,
                                  "ldaps://dc1.example.org": slapd.url})
        h.start()
        yield h, kdc
    finally:
        if slapd:
            slapd.stop()
        kdc.stop()


def test_kerberos_login_maps_directory_groups_to_roles(kerberos):
    h, kdc = kerberos
    for user, (_, roles) in PEOPLE.items():
        rc, out, env = kdc.kinit(user)
        assert rc == 0, out
        st, body, head = curl_me(h, env)
        assert st == 200, (user, st, body, head)
        doc = json.loads(body)
        assert doc["user"] == user and sorted(doc["roles"]) == sorted(roles), (user, doc)
        assert "WWW-Authenticate: Negotiate" in head, head     # the SPNEGO exchange happened

        def get_me(headers):
            s, b, _ = curl_me(h, env, headers=headers)
            return s, (json.loads(b) if s == 200 else b)
        assert_forged_headers_ignored(get_me, user, roles)
        # the web UI is behind the same login
        assert curl_me(h, env, path="/isms/")[0] == 200


def test_kerberos_refusals(kerberos):
    h, kdc = kerberos
    h.allow(r"\[authz_core:error\].*AH01631: user stranger: authorization failure",
            r"\[auth_gssapi:error\].*GSS ERROR In Negotiate Auth: gss_accept_sec_context\(\) "
            r"failed: \[Invalid token was supplied")
    # a wrong password gets no ticket; a principal the directory does not know gets 401
    rc, out, _ = kdc.kinit("priya", "not-her-password")
    assert rc != 0, out
    rc, out, env = kdc.kinit(STRANGER)
    assert rc == 0, out
    st, body, head = curl_me(h, env)
    assert st == 401, (st, body)
    # no ticket at all: 401 asking for Negotiate, whatever the headers say
    st, body, head = curl_me(h, negotiate=False, headers=FORGED)
    assert st == 401 and "WWW-Authenticate: Negotiate" in head, (st, head)
    assert curl_me(h, negotiate=False, path="/isms/")[0] == 401
    assert_anonymous_forged_refused(h)
    # a made-up Negotiate token is not a login
    st, body, _ = curl_me(h, negotiate=False, headers={"Authorization": "Negotiate YIIBhgYGKwYB"})
    assert st == 401, (st, body)
    st, _, _ = h.request("GET", h.api("v1/health"))
    assert st == 200
