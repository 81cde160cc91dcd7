# SPDX-License-Identifier: Apache-2.0
"""The SAML 2.0 recipe of docs/authentication.md, end to end with a real IdP.

tests/sso/saml/idp.py, an identity provider built on Debian's python3-pysaml2, runs on
loopback with the users of sso_helpers.PEOPLE; it releases uid and isMemberOf (the groups),
signs the response and the assertion, and checks the signature of the SP's requests. The
recipe runs in the real Apache with mod_auth_mellon over TLS (as written:
MellonSecureCookie On), only its file paths and https://isms.example.org swapped; the SP's
files are made with mellon_create_metadata and the IdP's metadata is fetched from it, as the
document says. A cookie-keeping client does what a browser does: GET v1/me -> mellon's login
endpoint -> the IdP with a signed AuthnRequest -> its login form -> the auto-submitted form
with the SAMLResponse -> mellon's postResponse -> GET v1/me with the roles that
ISMSReviewRole maps from MELLON_groups. Made-up identity headers never count.
"""

import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pytest

import harness
from sso_helpers import (PEOPLE, REPO, Browser, Daemon, assert_anonymous_forged_refused,
                         assert_forged_headers_ignored, configure, password, query,
                         tool_or_skip)

IDP_SCRIPT = os.path.join(REPO, "tests", "sso", "saml", "idp.py")
SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SIGNATURE = re.compile(rb"<(\w+:)?Signature\b.*?</(?:\1)?Signature>", re.S)


def self_signed(key, cert, cn):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=" + cn], check=True,
                   capture_output=True)


class IdentityProvider:
    def __init__(self, sp_metadata):
        self.dir = harness.make_basedir(prefix="isms-saml-idp-")
        self.port = harness.free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        key, cert = os.path.join(self.dir, "idp.key"), os.path.join(self.dir, "idp.pem")
        self_signed(key, cert, "idp.test.invalid")
        conf = os.path.join(self.dir, "idp.json")
        with open(conf, "w") as f:
            json.dump({"port": self.port, "key": key, "cert": cert, "sp_metadata": sp_metadata,
                       "accounts": {u: {"password": password(u), "groups": g}
                                    for u, (g, _) in PEOPLE.items()}}, f)
        self.daemon = Daemon([sys.executable, IDP_SCRIPT, conf], self.port,
                             os.path.join(self.dir, "idp.log"))

    def metadata(self):
        with urllib.request.urlopen(self.base + "/metadata", timeout=30) as r:
            return r.read()

    def stop(self):
        self.daemon.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def saml(make_httpd):
    """(Apache with the mellon recipe on TLS, its https base URL, the IdP), both started."""
    tool_or_skip("mellon_create_metadata", "/usr/bin/xmlsec1")
    if importlib.util.find_spec("saml2") is None:
        pytest.skip("python3-pysaml2 is not installed (see tests/deps-test.txt)")
    h = make_httpd(roles=False, extra_conf="", ssl=True)
    base = "https://127.0.0.1:%d" % h.tls_port
    d = os.path.join(h.basedir, "mellon")
    os.makedirs(d)
    p = subprocess.run(["mellon_create_metadata", base + "/isms/mellon/metadata",
                        base + "/isms/mellon"], cwd=d, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    files = {ext: os.path.join(d, f) for f in os.listdir(d) for ext in ("key", "cert", "xml")
             if f.endswith("." + ext)}
    idp = IdentityProvider(files["xml"])
    try:
        idp_xml = os.path.join(d, "idp-metadata.xml")
        with open(idp_xml, "wb") as f:
            f.write(idp.metadata())
        for f in os.listdir(d):
            os.chmod(os.path.join(d, f), 0o644)
        configure(h, "mellon", {"https://isms.example.org": base,
                                "/etc/apache2/mellon/isms.key": files["key"],
                                "/etc/apache2/mellon/isms.cert": files["cert"],
                                "/etc/apache2/mellon/isms.xml": files["xml"],
                                "/etc/apache2/mellon/idp-metadata.xml": idp_xml})
        # the swapped certificate is for 127.0.0.1, not the ServerName of the recipe's hosts
        h.allow(r"\[ssl:warn\].*AH01909:")
        h.start()
        yield h, base, idp
    finally:
        idp.stop()


def to_idp(h, base, idp):
    """A new browser's GET v1/me, up to the IdP's login form: (browser, form page)."""
    b = Browser()
    page = b.go(base + h.api("v1/me"))
    assert page.status == 200 and page.url.startswith(idp.base + "/sso/redirect?"), page
    assert b.chain[1][1].startswith(base + "/isms/mellon/login?ReturnTo="), b.chain
    q = query(page.url)
    assert {"SAMLRequest", "SigAlg", "Signature"} <= set(q), q    # a signed AuthnRequest
    return b, page


def assertion_of(page):
    """The auto-submitted form's SAMLResponse, decoded."""
    forms = page.forms()
    assert len(forms) == 1 and "SAMLResponse" in forms[0]["fields"], page
    return base64.b64decode(forms[0]["fields"]["SAMLResponse"])


def assert_signed(xml):
    """The response and the assertion in it each carry the IdP's XML signature."""
    root = ElementTree.fromstring(xml)
    assertion = root.find(SAML + "Assertion")
    assert root.tag == SAMLP + "Response" and assertion is not None, xml[:500]
    for element in (root, assertion):
        sig = element.find(DS + "Signature")
        assert sig is not None and sig.findtext(DS + "SignatureValue").strip(), element.tag


def test_saml_login_maps_groups_to_roles(saml):
    h, base, idp = saml
    for user, (groups, roles) in PEOPLE.items():
        b, page = to_idp(h, base, idp)
        page = b.submit(page, {"login": user, "password": password(user)})
        xml = assertion_of(page)
        assert_signed(xml)
        for g in groups:
            assert (">%s<" % g).encode() in xml, (g, xml[:3000])
        page = b.submit(page)
        assert b.chain[-2] == ("POST", base + "/isms/mellon/postResponse"), b.chain
        assert page.status == 200 and page.url == base + h.api("v1/me"), page
        doc = page.json()
        assert doc["user"] == user and sorted(doc["roles"]) == sorted(roles), (user, doc)

        def get_me(headers):
            p = b.fetch("GET", base + h.api("v1/me"), headers=dict(headers,
                                                                   Accept="application/json"))
            return p.status, (p.json() if p.status == 200 else p.body)
        assert_forged_headers_ignored(get_me, user, roles)
        # the web UI is behind the same login
        assert b.go(base + "/isms/").status == 200


def test_saml_refusals(saml):
    h, base, idp = saml
    st, _, body = h.request("GET", "/isms/mellon/metadata", tls=True)
    assert st == 200 and b'entityID="%s/isms/mellon/metadata"' % base.encode() in body, body
    # a wrong password: the IdP asks again, nothing reaches Apache
    b, page = to_idp(h, base, idp)
    page = b.submit(page, {"login": "priya", "password": "not-her-password"})
    assert page.status == 401 and "Wrong user name or password" in page.text, page
    # a signed response changed on the way (jonas made webadmin) is refused, and so is one
    # whose signatures were taken out; neither opens a session
    h.allow(r"\[auth_mellon:error\].*Error processing authn response\. Lasso error: "
            r"\[-?1\d\d\] (Failed to verify signature|"
            r"Signature element not found)")
    for forge in (lambda xml: xml.replace(b">jonas<", b">webadmin<"),
                  lambda xml: SIGNATURE.sub(b"", xml)):
        b, page = to_idp(h, base, idp)
        page = b.submit(page, {"login": "jonas", "password": password("jonas")})
        xml = assertion_of(page)
        assert xml.count(b">jonas<") == 1 and len(SIGNATURE.findall(xml)) == 2, xml
        forged = forge(xml)
        assert forged != xml
        page = b.submit(page, {"SAMLResponse": base64.b64encode(forged).decode()})
        assert page.status >= 400 and b.chain[-1][1] == base + "/isms/mellon/postResponse", (
            page, b.chain[-3:])
        p = b.fetch("GET", base + h.api("v1/me"), headers={"Accept": "application/json"})
        assert p.status in (302, 303) and "/isms/mellon/login?" in p.headers["location"], p
    # without a login, made-up headers get the way to the IdP, never an answer
    assert_anonymous_forged_refused(h, tls=True, login_prefix=base + "/isms/mellon/login?")
    st, _, _ = h.request("GET", h.api("v1/health"), tls=True)
    assert st == 200


def test_saml_logout(saml):
    h, base, idp = saml
    b, page = to_idp(h, base, idp)
    page = b.submit(b.submit(page, {"login": "helga", "password": password("helga")}))
    assert page.status == 200 and page.json()["user"] == "helga", page
    # the UI's sign-out link: mellon's logout endpoint, back to the UI afterwards; mellon
    # sends a signed LogoutRequest to the IdP, which answers with a signed LogoutResponse
    n = len(b.chain)
    page = b.go(base + "/isms/mellon/logout?ReturnTo=" + urllib.parse.quote(base + "/isms/",
                                                                             safe=""))
    hops = [u for _, u in b.chain[n:]]
    slo = [u for u in hops if u.startswith(idp.base + "/slo/redirect?")]
    assert len(slo) == 1 and {"SAMLRequest", "SigAlg", "Signature"} <= set(query(slo[0])), hops
    back = [u for u in hops if u.startswith(base + "/isms/mellon/logout?SAMLResponse=")]
    assert len(back) == 1 and {"SigAlg", "Signature"} <= set(query(back[0])), hops
    # back at the UI without a session: the way to the IdP's login form again
    assert base + "/isms/" in hops, hops
    assert page.status == 200 and page.url.startswith(idp.base + "/sso/redirect?"), page
    p = b.fetch("GET", base + h.api("v1/me"), headers={"Accept": "application/json"})
    assert p.status in (302, 303) and "/isms/mellon/login?" in p.headers["location"], p
