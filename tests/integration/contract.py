# SPDX-License-Identifier: Apache-2.0
"""The OpenAPI contract (docs/openapi.json, GET v1/openapi.json) enforced on every response
the integration tests receive through harness.Httpd.request: the route (method + path
template) must be in the contract, the status listed for it, and a JSON body must validate
against the schema of that status and media type (Debian's python3-jsonschema, draft
2020-12 as OpenAPI 3.1 uses it). A response without a route (an unknown path) must be a
problem document. ISMS_CONTRACT=0 turns the check off (for debugging only); ISMS_CONTRACT_LOG=FILE appends one
line "METHOD template status" per checked response (which operations the suite exercises)."""

import json
import os
import re
import subprocess
import urllib.parse

import jsonschema

PROBLEM_REF = "#/components/schemas/Problem"
JSON_TYPES = ("application/json", "application/problem+json")
ID_RE = "[1-9][0-9]{0,14}"

_contract = None


class ContractError(AssertionError):
    pass


def enabled():
    return os.environ.get("ISMS_CONTRACT", "1") != "0"


def load(admin):
    """The contract as the admin tool of the build prints it (the same code the module
    serves it from)."""
    global _contract
    if _contract is None:
        out = subprocess.run([admin, "openapi"], check=True, capture_output=True,
                             timeout=60).stdout
        _contract = Contract(json.loads(out))
    return _contract


def api_route(path):
    """'/isms/api/v1/reviews/1?x' -> 'v1/reviews/1' (decoded, as the module routes it)."""
    p = urllib.parse.unquote(path.split("?", 1)[0])
    m = re.search(r"/(v1)(/|$)", p)
    return p[m.start() + 1:] if m else None


class Contract:
    def __init__(self, doc):
        self.doc = doc
        self.templates = []
        for tpl, item in doc["paths"].items():
            parts = tpl.strip("/").split("/")
            rx = "/".join(ID_RE if p.startswith("{") else re.escape(p) for p in parts)
            literal = sum(1 for p in parts if not p.startswith("{"))
            self.templates.append((re.compile("^" + rx + "$"), literal, tpl, item))
        self.templates.sort(key=lambda t: -t[1])
        self.resolver = jsonschema.RefResolver.from_schema(doc)
        self._validators = {}

    def match(self, route):
        for rx, _, tpl, item in self.templates:
            if rx.match(route):
                return tpl, item
        return None, None

    def validator(self, schema):
        key = json.dumps(schema, sort_keys=True)
        v = self._validators.get(key)
        if v is None:
            v = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
            self._validators[key] = v
        return v

    def validate_body(self, schema, body, what):
        try:
            doc = json.loads(body)
        except ValueError as e:
            raise ContractError("%s: the body is not JSON (%s): %r" % (what, e, body[:300]))
        errors = sorted(self.validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            msgs = []
            for e in errors[:5]:
                subs = {}
                for sub in e.context:      # anyOf/oneOf: a few errors of each branch
                    subs.setdefault(sub.relative_schema_path[0], []).append(sub)
                for sub in [x for b in subs.values() for x in b[:3]] or [e]:
                    msgs.append("  at /%s: %s" % ("/".join(str(p) for p in
                                                          sub.absolute_path),
                                                 sub.message[:300]))
            raise ContractError("%s: the body does not match the contract:\n%s"
                                % (what, "\n".join(msgs)))

    @staticmethod
    def check_query(op, path, what, tpl):
        """A request the server answered with success used only documented query
        parameters."""
        names = {k for k, _ in urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query,
                                                      keep_blank_values=True)}
        known = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if names - known:
            raise ContractError("%s: query parameter(s) %s not in the contract of %s (%s)"
                                % (what, ", ".join(sorted(names - known)), tpl,
                                   ", ".join(sorted(known)) or "none"))

    def check(self, method, path, status, hdrs, body):
        route = api_route(path)
        if route is None:
            return
        ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
        what = "%s %s -> %d %s" % (method, path, status, ctype)
        tpl, item = self.match(route)
        op = None
        if item is not None:
            op = item.get("get" if method == "HEAD" else method.lower())
        if op is None:
            # no such route or method: only the module's problem documents are allowed
            if ctype in JSON_TYPES:
                if ctype != "application/problem+json" or status < 400:
                    raise ContractError("%s: no route %s %s in the contract"
                                        % (what, method, tpl or route))
                if method != "HEAD":
                    self.validate_body({"$ref": PROBLEM_REF}, body, what)
            return
        if os.environ.get("ISMS_CONTRACT_LOG"):
            with open(os.environ["ISMS_CONTRACT_LOG"], "a") as log:
                log.write("%s %s %d\n" % ("GET" if method == "HEAD" else method, tpl, status))
        if status < 300:
            self.check_query(op, path, what, tpl)
        resp = op["responses"].get(str(status))
        if resp is None and status == 404 and ctype == "application/problem+json":
            # routes are anchored to the handler's location: ".../anything/v1/audit" is no
            # route at all (this check cannot see the location), only a problem document
            self.validate_body({"$ref": PROBLEM_REF}, body, what)
            return
        if resp is None:
            if ctype not in JSON_TYPES and status >= 300:
                return      # Apache's own answer (its authentication, a redirect), not ours
            raise ContractError("%s: status %d is not in the contract of %s %s (listed: %s)"
                                % (what, status, method.upper(), tpl,
                                   " ".join(sorted(op["responses"]))))
        if "$ref" in resp:
            resp = self.resolver.resolve(resp["$ref"])[1]
        content = resp.get("content")
        if not content or status in (204, 304) or method == "HEAD":
            return
        media = content.get(ctype) or content.get(ctype.split("/")[0] + "/*") or \
            content.get("*/*")
        if media is None:
            if ctype not in JSON_TYPES and status >= 300:
                return
            raise ContractError("%s: media type %s is not in the contract of %s %s %d (%s)"
                                % (what, ctype, method.upper(), tpl, status,
                                   " ".join(content)))
        if ctype in JSON_TYPES:
            self.validate_body(media["schema"], body, what)
