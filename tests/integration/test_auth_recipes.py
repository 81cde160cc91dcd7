# SPDX-License-Identifier: Apache-2.0
"""The authentication recipes of docs/authentication.md work in the real Apache.

Every fenced block of that file whose first line is "# recipe: NAME" (second line
"# modules: ...", the Apache modules it needs) is taken as written; only host names, ports and
file paths are swapped for local ones (the SUBS of each test, which the document lists too).
Each one must pass `apache2 -t` and then serve:

  basic    end to end: htpasswd -B users -> GET v1/me roles as the document's table says
  ldap     end to end against Debian's slapd started here (memberof overlay, tiny LDIF)
  openidc  up to the 302 to the provider's authorization endpoint (local discovery document)
  mellon   SP metadata served, GET v1/me redirected to the IdP's single sign-on URL
  tls      API over TLS with HSTS, plain HTTP redirected; without the redirect 403

Needs libapache2-mod-auth-openidc, libapache2-mod-auth-mellon and slapd (tests/deps-test.txt);
a recipe whose module is not installed is skipped, never passed.
"""

import base64
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse

import pytest

import harness

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(REPO, "docs", "authentication.md")
MODDIR = harness.apache_moddir()


def recipes():
    """{name: (modules, config text)} from the document."""
    out = {}
    for block in re.findall(r"```apache\n(.*?)```", open(DOC).read(), re.S):
        lines = block.splitlines()
        m = re.match(r"# recipe: (\w+)$", lines[0])
        if not m:
            continue
        mods = re.match(r"# modules: (.+)$", lines[1])
        assert mods, "recipe %s: second line must be '# modules: ...'" % m.group(1)
        assert m.group(1) not in out, "recipe %s twice" % m.group(1)
        out[m.group(1)] = (mods.group(1).split(), "\n".join(lines[2:]) + "\n")
    return out


def prepare(name, subs):
    """The recipe with subs applied (each must occur) and LoadModule lines for what the
    harness does not load already; skips when a module is not installed."""
    mods, text = recipes()[name]
    for old, new in subs.items():
        assert old in text, "recipe %s no longer contains %r" % (name, old)
        text = text.replace(old, new)
    load = []
    for mod in mods:
        if mod in harness.BASE_MODULES:
            continue
        so = os.path.join(MODDIR, "mod_%s.so" % mod)
        if not os.path.exists(so):
            pytest.skip("mod_%s is not installed (see tests/deps-test.txt)" % mod)
        load.append("LoadModule %s_module %s" % (mod, so))
    return "\n".join(load) + "\n" + text


def server(make_httpd, name, subs, **kw):
    h = make_httpd(roles=False, extra_conf=prepare(name, subs), **kw)
    rc, out = h.config_test()
    assert rc == 0 and "Syntax OK" in out, "apache2 -t on recipe %s:\n%s" % (name, out)
    return h


def me(h, user=None, password=None, tls=False, headers=None):
    st, hdrs, body = h.request("GET", h.api("v1/me"), user=user, password=password, tls=tls,
                               headers=headers)
    return st, hdrs, (json.loads(body) if st == 200 else body)


def test_document_has_every_recipe():
    assert set(recipes()) == {"basic", "ldap", "openidc", "mellon", "tls"}, set(recipes())
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

LDAP_USERS = {"priya": ["author"], "helga": ["approver", "auditor"], "audit": ["auditor"],
              "jonas": []}
GROUPS = {"isms-authors": ["priya"], "isms-approvers": ["helga"],
          "isms-auditors": ["helga", "audit"], "isms-admins": ["nobody-here"]}


class Slapd:
    def __init__(self):
        self.dir = harness.make_basedir(prefix="isms-slapd-")
        self.port = harness.free_port()
        os.makedirs(os.path.join(self.dir, "data"))
        conf = os.path.join(self.dir, "slapd.conf")
        with open(conf, "w") as f:
            f.write("include /etc/ldap/schema/core.schema\n"
                    "include /etc/ldap/schema/cosine.schema\n"
                    "include /etc/ldap/schema/inetorgperson.schema\n"
                    "modulepath /usr/lib/ldap\nmoduleload back_mdb\nmoduleload memberof\n"
                    "pidfile %s/slapd.pid\n"
                    "database mdb\nmaxsize 10485760\nsuffix \"dc=example,dc=org\"\n"
                    "rootdn \"cn=admin,dc=example,dc=org\"\nrootpw admin-secret\n"
                    "directory %s/data\noverlay memberof\n" % (self.dir, self.dir))
        self.url = "ldap://127.0.0.1:%d" % self.port
        p = subprocess.run(["/usr/sbin/slapd", "-f", conf, "-h", self.url + "/"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        self.pid = None
        deadline = time.time() + 10
        while time.time() < deadline and not harness.port_answers(self.port):
            time.sleep(0.05)
        with open(os.path.join(self.dir, "slapd.pid")) as f:
            self.pid = int(f.read().strip())
        self.add(self.ldif())

    @staticmethod
    def ldif():
        e = ["dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\n"
             "o: Example\ndc: example\n"]
        for ou in ("people", "groups", "services"):
            e.append("dn: ou=%s,dc=example,dc=org\nobjectClass: organizationalUnit\nou: %s\n"
                     % (ou, ou))
        e.append("dn: cn=apache-isms,ou=services,dc=example,dc=org\nobjectClass: "
                 "organizationalRole\nobjectClass: simpleSecurityObject\ncn: apache-isms\n"
                 "userPassword: change-me\n")
        for u in list(LDAP_USERS) + ["nobody-here"]:
            e.append("dn: uid=%s,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                     "uid: %s\ncn: %s\nsn: %s\nuserPassword: pw-%s\n" % (u, u, u, u, u))
        for g, members in GROUPS.items():
            e.append("dn: cn=%s,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\n"
                     "cn: %s\n%s" % (g, g, "".join("member: uid=%s,ou=people,dc=example,"
                                                   "dc=org\n" % m for m in members)))
        return "\n".join(e)

    def add(self, ldif):
        p = subprocess.run(["ldapadd", "-x", "-H", self.url, "-D", "cn=admin,dc=example,dc=org",
                            "-w", "admin-secret"], input=ldif, capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, p.stderr

    def stop(self):
        if self.pid and harness.pid_alive(self.pid):
            os.kill(self.pid, 15)
            deadline = time.time() + 10
            while time.time() < deadline and harness.pid_alive(self.pid):
                time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def slapd():
    if not os.path.exists("/usr/sbin/slapd") or not shutil.which("ldapadd"):
        pytest.skip("slapd / ldap-utils not installed (see tests/deps-test.txt)")
    s = Slapd()
    yield s
    s.stop()


def test_ldap_recipe_end_to_end(make_httpd, slapd):
    h = server(make_httpd, "ldap", {"ldaps://ldap.example.org": slapd.url})
    h.allow(r"AH01617: user priya: authentication failure", r"AH01618: user nobody-at-all")
    h.start()
    for user, roles in LDAP_USERS.items():
        st, _, doc = me(h, user, "pw-" + user)
        assert st == 200, (user, st, doc)
        assert doc["user"] == user and sorted(doc["roles"]) == sorted(roles), doc
    assert me(h, "priya", "wrong")[0] == 401
    assert me(h, "nobody-at-all", "x")[0] == 401
    assert me(h)[0] == 401


# ---------------------------------------------------------------------------------------------
# OpenID Connect

class Discovery:
    """A local OpenID provider's discovery document (nothing else of a provider)."""

    def __init__(self):
        self.port = harness.free_port()
        base = "http://127.0.0.1:%d/realms/corp" % self.port
        self.base = base
        doc = json.dumps({
            "issuer": base, "authorization_endpoint": base + "/protocol/openid-connect/auth",
            "token_endpoint": base + "/protocol/openid-connect/token",
            "jwks_uri": base + "/protocol/openid-connect/certs",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"]}).encode()

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.endswith("/.well-known/openid-configuration"):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(doc)))
                    self.end_headers()
                    self.wfile.write(doc)
                else:
                    self.send_error(404)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), H)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_openidc_recipe_redirects_to_provider(make_httpd):
    disc = Discovery()
    try:
        h = make_httpd(roles=False, extra_conf="")       # for the port
        callback = "http://127.0.0.1:%d/isms/oidc-callback" % h.port
        h.extra_conf = prepare("openidc", {
            "https://login.example.org/realms/corp": disc.base,
            "https://isms.example.org/isms/oidc-callback": callback})
        rc, out = h.config_test()
        assert rc == 0 and "Syntax OK" in out, out
        # mod_auth_openidc warns about plain-http URLs (the swapped local ones)
        h.allow(r"\[auth_openidc:(warn|notice)\].*(http|https)")
        h.start()
        st, hdrs, body = h.request("GET", h.api("v1/me"), headers={"Accept": "text/html"})
        assert st == 302, (st, body[:500])
        loc = hdrs["location"]
        assert loc.startswith(disc.base + "/protocol/openid-connect/auth?"), loc
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)
        assert q["client_id"] == ["ismsreview"] and q["redirect_uri"] == [callback], q
        assert q["response_type"] == ["code"] and "openid" in q["scope"][0].split(), q
        # a fetch() of the UI (htdocs/api.js; the headers Chromium adds to it) gets 401,
        # not a redirect the fetch could not follow
        st, hdrs, _ = h.request("GET", h.api("v1/me"), headers={
            "Accept": "application/json", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty",
            "Sec-Fetch-Site": "same-origin"})
        assert st == 401, (st, hdrs)
        st, _, _ = h.request("GET", h.api("v1/health"))
        assert st == 200
    finally:
        disc.stop()


# ---------------------------------------------------------------------------------------------
# SAML with mod_auth_mellon

IDP_METADATA = """<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"
                  xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
                  entityID="https://idp.test.invalid/idp">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </KeyDescriptor>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                         Location="https://idp.test.invalid/sso"/>
  </IDPSSODescriptor>
</EntityDescriptor>
"""


def test_mellon_recipe_metadata_and_redirect(make_httpd):
    if not shutil.which("mellon_create_metadata"):
        pytest.skip("mellon_create_metadata not installed (libapache2-mod-auth-mellon)")
    h = make_httpd(roles=False, extra_conf="")
    d = os.path.join(h.basedir, "mellon")
    os.makedirs(d)
    base = "http://127.0.0.1:%d" % h.port
    p = subprocess.run(["mellon_create_metadata", base + "/isms/mellon/metadata",
                        base + "/isms/mellon"], cwd=d, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    files = {ext: os.path.join(d, f) for f in os.listdir(d) for ext in ("key", "cert", "xml")
             if f.endswith("." + ext)}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    os.path.join(d, "idp.key"), "-out", os.path.join(d, "idp.pem"), "-days",
                    "2", "-subj", "/CN=idp.test.invalid"], check=True, capture_output=True)
    pem = open(os.path.join(d, "idp.pem")).read()
    b64 = "".join(l for l in pem.splitlines() if not l.startswith("-----"))
    idp = os.path.join(d, "idp-metadata.xml")
    with open(idp, "w") as f:
        f.write(IDP_METADATA % b64)
    for f in os.listdir(d):
        os.chmod(os.path.join(d, f), 0o644)
    h.extra_conf = prepare("mellon", {
        "https://isms.example.org": base,
        "/etc/apache2/mellon/isms.key": files["key"],
        "/etc/apache2/mellon/isms.cert": files["cert"],
        "/etc/apache2/mellon/isms.xml": files["xml"],
        "/etc/apache2/mellon/idp-metadata.xml": idp})
    rc, out = h.config_test()
    assert rc == 0 and "Syntax OK" in out, out
    h.start()
    st, hdrs, body = h.request("GET", "/isms/mellon/metadata")
    assert st == 200, (st, body[:500])
    assert b"entityID=\"%s/isms/mellon/metadata\"" % base.encode() in body, body[:500]
    # GET v1/me -> mellon's login endpoint for the IdP -> the IdP with a SAMLRequest
    st, hdrs, body = h.request("GET", h.api("v1/me"))
    assert st in (302, 303), (st, body[:500])
    loc = hdrs["location"]
    assert loc.startswith(base + "/isms/mellon/login?ReturnTo="), loc
    st, hdrs, body = h.request("GET", loc[len(base):])
    assert st in (302, 303), (st, body[:500])
    loc = hdrs["location"]
    assert loc.startswith("https://idp.test.invalid/sso?SAMLRequest="), loc
    # the UI is behind the same login; the health check is not
    st, hdrs, _ = h.request("GET", "/isms/")
    assert st in (302, 303) and hdrs["location"].startswith(base + "/isms/mellon/login?")
    st, _, _ = h.request("GET", h.api("v1/health"))
    assert st == 200


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
