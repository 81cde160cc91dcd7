#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A SAML 2.0 identity provider on loopback for tests/integration/test_sso_saml.py, built on
Debian's python3-pysaml2 (its Server: request parsing, signed responses, metadata).

Usage: idp.py CONFIG.json, CONFIG being {"port": PORT, "key": PEM, "cert": PEM,
"sp_metadata": XML file, "accounts": {"name": {"password": ..., "groups": [...]}}}.

  GET  /metadata         the IdP's metadata (entity ID http://127.0.0.1:PORT/metadata)
  GET  /sso/redirect     an AuthnRequest (HTTP-Redirect binding, signed by the SP): login form
  GET  /slo/redirect     a LogoutRequest (signed by the SP): a signed LogoutResponse back
  POST /login            user name and password: the signed Response with the attributes
                         uid and isMemberOf (the user's groups), auto-posted to the SP's ACS
"""

import html
import json
import secrets
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT
from saml2.server import Server
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import SIG_RSA_SHA256


def make_server(cfg):
    base = "http://127.0.0.1:%d" % cfg["port"]
    conf = IdPConfig()
    conf.load({
        "entityid": base + "/metadata",
        "service": {"idp": {
            "name": "ismsreview test IdP",
            "endpoints": {"single_sign_on_service": [(base + "/sso/redirect",
                                                      BINDING_HTTP_REDIRECT)],
                          "single_logout_service": [(base + "/slo/redirect",
                                                     BINDING_HTTP_REDIRECT)]},
            "policy": {"default": {"lifetime": {"minutes": 15},
                                   "attribute_restrictions": None,
                                   "name_form": NAME_FORMAT_URI}},
            "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            # the signature of an HTTP-Redirect request is in its query string, not in the
            # XML: authn_request() checks it (pysaml2 would look for one in the XML)
            "want_authn_requests_signed": False,
            "sign_response": True,
            "sign_assertion": True,
        }},
        "metadata": {"local": [cfg["sp_metadata"]]},
        "key_file": cfg["key"],
        "cert_file": cfg["cert"],
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "delete_tmpfiles": True,
    })
    return Server(config=conf), str(entity_descriptor(conf)).encode()


def page(title, body):
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"
            "<body><h1>%s</h1>%s</body></html>" % (title, title, body)).encode()


def login_form(ticket, message=""):
    return page("Sign in", "%s<form method=\"post\" action=\"/login\">"
                "<input type=\"hidden\" name=\"ticket\" value=\"%s\">"
                "<input type=\"text\" name=\"login\" value=\"\">"
                "<input type=\"password\" name=\"password\" value=\"\">"
                "<button type=\"submit\">Sign in</button></form>"
                % ("<p class=\"error\">%s</p>" % html.escape(message) if message else "",
                   html.escape(ticket)))


class IdP:
    def __init__(self, cfg):
        self.accounts = cfg["accounts"]
        self.server, self.metadata = make_server(cfg)
        self.pending = {}            # ticket -> (parsed AuthnRequest, RelayState)
        self.lock = threading.Lock()

    def signed_by_sender(self, q, sender):
        """The signature of an HTTP-Redirect message (in its query string) is the SP's."""
        args = {k: v[0] for k, v in q.items()}
        certs = self.server.metadata.certs(sender, "spsso", "signing")
        return "Signature" in args and any(
            verify_redirect_signature(args, self.server.sec.sec_backend, cert)
            for cert in certs)

    def authn_request(self, query):
        """(status, html) for GET /sso/redirect."""
        q = urllib.parse.parse_qs(query)
        if "SAMLRequest" not in q:
            return 400, page("Bad request", "<p>no SAMLRequest</p>")
        req = self.server.parse_authn_request(q["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        if not self.signed_by_sender(q, req.message.issuer.text):
            return 403, page("Forbidden", "<p>unsigned or badly signed request</p>")
        ticket = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[ticket] = (req, q.get("RelayState", [""])[0])
        return 200, login_form(ticket)

    def logout_request(self, query):
        """(status, html, headers) for GET /slo/redirect: the SP's user signs out; this IdP
        keeps no session of its own, so it answers at once with a signed LogoutResponse."""
        q = urllib.parse.parse_qs(query)
        if "SAMLRequest" not in q:
            return 400, page("Bad request", "<p>no SAMLRequest</p>")
        req = self.server.parse_logout_request(q["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        sender = req.message.issuer.text
        if not self.signed_by_sender(q, sender):
            return 403, page("Forbidden", "<p>unsigned or badly signed request</p>")
        print("logout of %s" % req.message.name_id.text, flush=True)
        resp = self.server.create_logout_response(req.message, [BINDING_HTTP_REDIRECT])
        _, destination = self.server.pick_binding("single_logout_service",
                                                  [BINDING_HTTP_REDIRECT], "spsso",
                                                  entity_id=sender)
        http_args = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(resp), destination,
                                              q.get("RelayState", [""])[0], response=True,
                                              sign=True, sigalg=SIG_RSA_SHA256)
        return 303, page("Signed out", ""), dict(http_args["headers"])

    def login(self, form):
        """(status, html) for POST /login: the auto-submitted form with the Response."""
        f = urllib.parse.parse_qs(form)
        ticket = f.get("ticket", [""])[0]
        with self.lock:
            pending = self.pending.get(ticket)
        if pending is None:
            return 400, page("Bad request", "<p>unknown login</p>")
        user = f.get("login", [""])[0]
        account = self.accounts.get(user)
        if account is None or f.get("password", [""])[0] != account["password"]:
            return 401, login_form(ticket, "Wrong user name or password")
        with self.lock:
            self.pending.pop(ticket, None)
        req, relay_state = pending
        resp_args = self.server.response_args(req.message, [BINDING_HTTP_POST])
        binding = resp_args.pop("binding")
        identity = {"uid": [user]}
        if account["groups"]:
            identity["isMemberOf"] = account["groups"]
        resp = self.server.create_authn_response(
            identity, userid=user, sign_response=True, sign_assertion=True,
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED}, **resp_args)
        http_args = self.server.apply_binding(binding, str(resp), resp_args["destination"],
                                              relay_state, response=True)
        return 200, http_args["data"].encode() if isinstance(http_args["data"], str) \
            else http_args["data"]


def handler(idp):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/metadata":
                self.reply(200, idp.metadata, "application/samlmetadata+xml")
            elif url.path == "/sso/redirect":
                self.guarded(idp.authn_request, url.query)
            elif url.path == "/slo/redirect":
                self.guarded(idp.logout_request, url.query)
            else:
                self.reply(404, page("Not found", ""))

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            if self.path != "/login" or n > 65536:
                return self.reply(404, page("Not found", ""))
            self.guarded(idp.login, self.rfile.read(n).decode("utf-8", "replace"))

        def guarded(self, fn, arg):
            try:
                status, body, *headers = fn(arg)
            except Exception as e:           # a bad message: 400, and the reason in the log
                sys.stdout.write("refused: %r\n" % e)
                status, body, headers = 400, page("Bad request", html.escape(repr(e))), []
            self.reply(status, body, headers=headers[0] if headers else {})

        def reply(self, status, body, ctype="text/html; charset=utf-8", headers=None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            sys.stdout.write("%s\n" % (fmt % args))
            sys.stdout.flush()
    return Handler


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    idp = IdP(cfg)
    httpd = ThreadingHTTPServer(("127.0.0.1", cfg["port"]), handler(idp))
    print("saml idp ready on port %d" % cfg["port"], flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
