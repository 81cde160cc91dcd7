# SPDX-License-Identifier: Apache-2.0
"""The hostile-input battery: kinds of bad request, each with its precise status, sent over
HTTP (raw sockets where http.client cannot send the bytes: short bodies, broken chunking,
raw bytes in the request line, folded headers).

For every case the whole database is dumped before and after (test_bad_requests.Env.dump:
SQLite `.dump`, PostgreSQL every row of every table and sequence) and must be identical,
except the audit trail: product.md wants every refused write recorded, so the only
difference allowed is at most one new audit_event row whose status is the status the client
got (>= 400), with no after-state and the Apache user (never a forged header) as actor.

Responses of the module are application/problem+json; a few kinds never reach the module
(Apache's core refuses a malformed request line, folded headers, unknown transfer codings):
those are marked core=True and only their status is checked.

The good side: SQL metacharacters, HTML/script and spreadsheet-formula payloads are valid
input, stored verbatim and inert in the HTML and CSV reports (2xx)."""

import base64
import csv
import io
import json
import os
import re
import time
import urllib.parse
from collections import namedtuple

import pytest

import harness
import workflow_helpers as wh
import test_bad_requests as tbr

API = wh.API
VALID = tbr.VALID
MAX_BODY = tbr.MAX_BODY
AUTHOR_AUTH = harness.Httpd.auth_header("author")     # a Basic Authorization value

# one case: kind (the named kind it belongs to), name, how to send it, the expected status
H = namedtuple("H", "kind name send status core")


def h(kind, name, send, status, core=False):
    return H(kind, name, send, status, core)


# ---------------------------------------------------------------------------------------------
# sending


def raw_http(e, data, timeout=20):
    """Sends the bytes as they are (workflow_helpers.raw_http); returns (status, headers, body,
    header block)."""
    r = wh.raw_http(e.httpd, data, timeout)
    assert r, "no HTTP response"
    return r[:4]


def raw_req(method, path, headers=(), body=b"", user="author", target=None):
    """A send function: the request built by hand (headers as a list of pairs, in order)."""
    def send(e):
        p = resolve(path, e)
        t = target(e) if callable(target) else (target or API + p)
        return raw_http(e, wh.request_head(e.httpd, method, t, resolve(headers, e), user)
                        + body)
    return send


def raw_bytes(fn):
    """A send function: whatever bytes fn(e) makes."""
    return lambda e: raw_http(e, fn(e))


def api_req(method, path, body=None, headers=None, user="author", ct="application/json"):
    """A send function through the tests' client (workflow_helpers.Api.raw, http.client)."""
    def send(e):
        p = resolve(path, e)
        b = resolve(body, e)
        hd = dict(resolve(headers, e) or {})
        if isinstance(b, (dict, list)):
            b = json.dumps(b).encode()
        if b is not None and ct and "Content-Type" not in hd:
            hd["Content-Type"] = ct
        st, hdrs, data = e.api.raw(method, API + p, body=b, user=user, headers=hd)
        return st, hdrs, data, b""
    return send


def resolve(v, e):
    return v(e) if callable(v) else v


def jpost(body_text, coll=None, headers=None, user="author"):
    """POST a raw JSON text to v1/reviews (coll None) or a collection of review 1."""
    path = "v1/reviews" if coll is None else (lambda e: e.items(coll))
    data = body_text.encode() if isinstance(body_text, str) else body_text
    return api_req("POST", path, data, headers=headers, user=user)


def with_member(base, member):
    """JSON text of VALID[base] with a raw member text appended."""
    return json.dumps(VALID[base])[:-1] + ", " + member + "}"


def chunked_body(payload, sizes=1000):
    out = b""
    for i in range(0, len(payload), sizes):
        part = payload[i:i + sizes]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


REVIEW = json.dumps(VALID["reviews"]).encode()
JSON_CT = ("Content-Type", "application/json")


def rev(e):
    return e.review()


def act(e):
    return e.item("actions", "a1")


def etag_of(path_fn):
    return lambda e: e.etag(path_fn(e))


def patch_act(body, extra=()):
    """PATCH action a1 with its current ETag."""
    return api_req("PATCH", act, body,
                   headers=lambda e: dict([("If-Match", e.etag(act(e)))] + list(extra)))


# ---------------------------------------------------------------------------------------------
# the kinds


def cases():
    big = json.dumps(dict(VALID["reviews"], agenda="x" * (2 * MAX_BODY))).encode()
    c = []
    K = c.append

    # 1 oversized bodies
    K(h("oversized body", "body of 2x ISMSReviewMaxBody", jpost(big), 413))
    K(h("oversized body", "Content-Length of 10^12 with Expect: 100-continue",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Content-Length", "1000000000000"),
                                       ("Expect", "100-continue")]), 413))
    K(h("oversized body", "Content-Length larger than 64 bits",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Content-Length", "9" * 30)], REVIEW), 400,
        core=True))
    # 2 oversized chunked bodies
    K(h("oversized chunked body", "many small chunks over the limit",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Transfer-Encoding", "chunked")],
                chunked_body(big, 100)), 413))
    K(h("oversized chunked body", "one chunk declared as 1 GiB, a few bytes sent",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Transfer-Encoding", "chunked")],
                b"40000000\r\n" + REVIEW), 400))
    # 3 malformed chunking (Apache's chunk filter answers these itself)
    K(h("malformed chunking", "chunk size not hex",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Transfer-Encoding", "chunked")],
                b"zz\r\n" + REVIEW + b"\r\n0\r\n\r\n"), 400, core=True))
    K(h("malformed chunking", "chunk longer than its size",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Transfer-Encoding", "chunked")],
                b"5\r\n" + REVIEW + b"\r\n0\r\n\r\n"), 400, core=True))
    K(h("malformed chunking", "no last chunk",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Transfer-Encoding", "chunked")],
                b"%x\r\n" % len(REVIEW) + REVIEW + b"\r\n"), 400))
    # 4 bodies shorter than their Content-Length (the client closes its side)
    K(h("short body", "POST declares 500 more bytes",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Content-Length", str(len(REVIEW) + 500))],
                REVIEW), 400))
    K(h("short body", "PATCH declares 1 byte more",
        raw_req("PATCH", act, lambda e: [JSON_CT, ("If-Match", e.etag(act(e))),
                                         ("Content-Length", "21")],
                b'{"priority": "LOW"}'), 400))
    K(h("short body", "POST with neither Content-Length nor a body (HTTP/1.0)", raw_bytes(
        lambda e: ("POST %sv1/reviews HTTP/1.0\r\nHost: x\r\nAuthorization: %s\r\n"
                   "Content-Type: application/json\r\n\r\n" % (API, AUTHOR_AUTH)).encode()),
        400))
    # 5 request smuggling shapes
    K(h("conflicting framing", "Content-Length and Transfer-Encoding both",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Content-Length", "4"),
                                       ("Transfer-Encoding", "chunked")],
                b"%x\r\n" % len(big) + big + b"\r\n0\r\n\r\n"), 413))
    K(h("conflicting framing", "two different Content-Lengths",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Content-Length", str(len(REVIEW))),
                                       ("Content-Length", "5")], REVIEW), 400, core=True))
    K(h("conflicting framing", "unknown transfer coding",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Transfer-Encoding", "gzip, chunked")],
                chunked_body(REVIEW)), 501, core=True))
    # 6 content codings the module does not decode
    K(h("content coding", "Content-Encoding: gzip",
        jpost(REVIEW, headers={"Content-Encoding": "gzip"}), 415))
    K(h("content coding", "Content-Encoding: br on a PATCH",
        patch_act({"priority": "LOW"}, [("Content-Encoding", "br")]), 415))
    # 7 truncated JSON
    for n in (1, len(REVIEW) // 2, len(REVIEW) - 1):
        K(h("truncated JSON", "cut after %d bytes" % n, jpost(REVIEW[:n]), 400))
    K(h("truncated JSON", "unterminated string", jpost(b'{"title": "Managem'), 400))
    # 8 duplicate keys
    K(h("duplicate keys", "title twice, same value",
        jpost(with_member("reviews", '"title": "Management review Q4"')), 400))
    K(h("duplicate keys", "key spelled with an escape",
        jpost(with_member("reviews", '"t\\u0069tle": "Other"')), 400))
    K(h("duplicate keys", "PATCH with priority twice",
        api_req("PATCH", act, b'{"priority": "LOW", "priority": "HIGH"}',
                headers=lambda e: {"If-Match": e.etag(act(e))}), 400))
    # 9 deep nesting
    K(h("deep nesting", "2000 nested arrays", jpost(b"[" * 2000 + b"]" * 2000), 400))
    K(h("deep nesting", "500 nested objects in a member",
        jpost(with_member("reviews", '"x": ' + '{"a":' * 500 + "1" + "}" * 500)), 400))
    K(h("deep nesting", "unbalanced 3000 open brackets", jpost(b"[" * 3000), 400))
    # 10 NUL bytes
    K(h("NUL", "raw NUL inside a string",
        jpost(REVIEW.replace(b"Q4", b"Q\x00")), 400))
    K(h("NUL", "raw NUL after the document", jpost(REVIEW + b"\x00"), 400))
    K(h("NUL", "escaped \\u0000 in an action title",
        jpost(with_member("actions", '"description": "x\\u0000y"'), "actions"), 400))
    # 11 invalid UTF-8
    K(h("invalid UTF-8", "Latin-1 umlaut", jpost(REVIEW.replace(b"Q4", b"Q\xfc")), 400))
    K(h("invalid UTF-8", "5-byte sequence",
        jpost(REVIEW.replace(b"Q4", b"Q\xf8\x88\x80\x80\x80")), 400))
    K(h("invalid UTF-8", "code point above U+10FFFF",
        jpost(REVIEW.replace(b"Q4", b"Q\xf4\x90\x80\x80")), 400))
    K(h("invalid UTF-8", "invalid byte in a key",
        jpost(REVIEW.replace(b'"title"', b'"tit\xffle"')), 400))
    K(h("invalid UTF-8", "UTF-16 body with BOM",
        jpost(b"\xff\xfe" + json.dumps(VALID["reviews"]).encode("utf-16-le")), 400))
    # 12 lone surrogates
    K(h("lone surrogate", "high surrogate at the end of a string",
        jpost(with_member("reviews", '"location": "Room \\ud83d"')), 400))
    K(h("lone surrogate", "low surrogate then high", jpost(
        with_member("reviews", '"location": "\\udc00\\ud800"')), 400))
    K(h("lone surrogate", "high surrogate followed by a letter", jpost(
        with_member("reviews", '"location": "\\ud800A"')), 400))
    # 13 huge numbers
    K(h("huge number", "integer of 400 digits", jpost(
        with_member("resources", '"amount": ' + "9" * 400), "resources"), 400))
    K(h("huge number", "exponent 1e999999999", jpost(
        with_member("resources", '"amount": 1e999999999'), "resources"), 400))
    K(h("huge number", "id above 2^63", api_req("GET", "v1/reviews/99999999999999999999"), 404))
    K(h("huge number", "limit above 2^63", api_req("GET",
                                                     "v1/reviews?limit=99999999999999999999"),
        400))
    # 14 non-finite numbers
    for lit in ("NaN", "Infinity", "-Infinity", "+1", "0x10", ".5", "1.", "01"):
        K(h("non-finite or non-JSON number", "amount %s" % lit, jpost(
            with_member("resources", '"amount": ' + lit), "resources"), 400))
    # 15 type confusion
    K(h("type confusion", "array for the review id in a reference", jpost(
        json.dumps(dict(VALID["actions"], decision_id=[1])), "actions"), 422))
    K(h("type confusion", "true for a string", jpost(
        json.dumps(dict(VALID["reviews"], title=True))), 422))
    K(h("type confusion", "number for an enum in a PATCH", patch_act({"priority": 3}), 422))
    K(h("type confusion", "object for a date", patch_act({"due_date": {"y": 2026}}), 422))
    K(h("type confusion", "numeric string for a bool in a PATCH", api_req(
        "PATCH", lambda e: e.item("attendees", "att"), {"is_top_management": "true"},
        headers=lambda e: {"If-Match": e.etag(e.item("attendees", "att"))}), 422))
    K(h("type confusion", "progress as a string", api_req(
        "POST", lambda e: "v1/actions/%d/updates" % e.ids["a1"], {"progress": "50"},
        user="owner"), 422))
    # 16 mass assignment
    for field, value in (("id", 1), ("review_id", 2), ("created_by", "admin"),
                         ("row_version", 99), ("ref", "MR-2026-01-A01"), ("seq", 1),
                         ("etag", '"x"'), ("_row_version", 5)):
        K(h("mass assignment", "PATCH action %s" % field, patch_act({field: value}), 422))
    K(h("mass assignment", "POST review with status APPROVED and approved_by", jpost(
        json.dumps(dict(VALID["reviews"], status="APPROVED", approved_by="approver"))), 422))
    # 17 SQL metacharacters where they are not valid input
    K(h("SQL metacharacters", "id with OR 1=1", api_req("GET", "v1/reviews/1%20OR%201=1"),
        404))
    K(h("SQL metacharacters", "id with a quote in a write", api_req(
        "PATCH", "v1/reviews/1'--", {"title": "x"}, headers={"If-Match": '"x"'}), 404))
    K(h("SQL metacharacters", "enum filter with a quote", api_req(
        "GET", "v1/actions?status=OPEN'%20OR%20'1'='1"), 400))
    K(h("SQL metacharacters", "enum value with a quote", jpost(json.dumps(
        dict(VALID["reviews"], review_type="SCHEDULED' OR '1'='1"))), 422))
    K(h("SQL metacharacters", "limit with a semicolon", api_req(
        "GET", "v1/reviews?limit=5;DROP%20TABLE%20review"), 400))
    K(h("SQL metacharacters", "collection name with a quote", api_req(
        "POST", lambda e: e.items("actions%27%3B--"), VALID["actions"]), 404))
    # 18 CR/LF aimed at response headers and log lines
    K(h("CR/LF injection", "encoded CRLF in the path", api_req(
        "GET", "v1/reviews/1%0d%0aX-Injected:%20yes"), 404))
    K(h("CR/LF injection", "encoded CRLF in a query value", api_req(
        "GET", "v1/reviews/1/report?format=csv%0d%0aX-Injected:%20yes"), 400))
    K(h("CR/LF injection", "bare LF inside a header value", raw_bytes(
        lambda e: wh.request_head(e.httpd, "GET", API + "v1/me",
                                 [("X-Note", "a\nX-Injected: yes")], "author"))
        , 400, core=True))
    K(h("CR/LF injection", "CRLF in a user name field", jpost(json.dumps(
        dict(VALID["actions"], owner="owner\r\nX-Injected: yes")), "actions"), 422))
    # Apache unfolds the value to one line: a tag that matches nothing
    K(h("CR/LF injection", "folded If-Match value", raw_req(
        "PATCH", act, [JSON_CT, ("Content-Length", "19"),
                       ("If-Match", '"x"\r\n X-Injected: yes')], b'{"priority": "LOW"}'),
        412))
    # 19 path tricks
    # (dot segments and %xx of unreserved characters are resolved by Apache first, as
    # RFC 3986 says; what is left must name no resource)
    for p in ("v1/reviews/", "v1/reviews;x=1", "v1/reviews/+1", "v1/reviews/-1",
              "v1/reviews/0", "v1/reviews/01", "v1/reviews/1.0", "v1/reviews/0x1",
              "v1/REVIEWS", "v1/reviews/%EF%BC%91", "v1/reviews/1%20", "v1/reviews/1e0",
              "v1/reviews/%2e%2e", "v1/reviews/1/inputs/..%5c..%5chealth"):
        K(h("path tricks", "GET %s" % p, api_req("GET", p), 404))
    for p, st in (("v1/reviews%2f1", 404), ("v1/reviews/1%00", 404),
                  ("v1/../../../../etc/passwd", 400),
                  ("v1/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 403)):
        K(h("path tricks", "GET %s" % p, api_req("GET", p), st, core=True))
    K(h("path tricks", "POST to a collection with a trailing dot segment",
        api_req("POST", "v1/reviews/1/actions/.%2e", VALID["actions"]), 404))
    # 20 parameter pollution
    K(h("parameter pollution", "format twice", api_req(
        "GET", lambda e: e.review() + "/report?format=csv&format=html"), 400))
    K(h("parameter pollution", "duplicate with different case of escape", api_req(
        "GET", "v1/reviews?limit=1&%6cimit=2"), 400))
    K(h("parameter pollution", "query parameter on a write", api_req(
        "POST", "v1/reviews?status=APPROVED", VALID["reviews"]), 400))
    K(h("parameter pollution", "_method=PATCH in the query of a POST", api_req(
        "POST", "v1/reviews?_method=PATCH", VALID["reviews"]), 400))
    K(h("parameter pollution", "parameter without a name", api_req(
        "GET", "v1/reviews?=1"), 400))
    # 21 wrong methods
    for m, p, allow in (("PUT", "v1/reviews", "GET, HEAD, POST"),
                        ("DELETE", "v1/reviews", "GET, HEAD, POST"),
                        ("PUT", act, None), ("POST", "v1/me", None),
                        ("DELETE", "v1/audit", None), ("PATCH", "v1/health", None),
                        ("POST", "v1/reports/dashboard", None)):
        K(h("wrong method", "%s %s" % (m, p if isinstance(p, str) else "action"),
            api_req(m, p, {"x": 1} if m != "DELETE" else None), 405))
    for m in ("PROPFIND", "FOO"):
        K(h("unknown method", "%s v1/reviews" % m, raw_req(m, "v1/reviews"), 405))
    # TRACE is answered before any handler runs: TraceEnable off (the shipped configuration
    # and the harness) makes it a 405, never an echo of the Authorization header
    K(h("unknown method", "TRACE", raw_req("TRACE", "v1/me"), 405, core=True))
    K(h("unknown method", "CONNECT", raw_req("CONNECT", "v1/me"), 400, core=True))
    # 22 method overrides (ignored: the request is what its method says)
    for hdr in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"):
        K(h("method override", "POST on an item with %s: DELETE" % hdr, api_req(
            "POST", lambda e: e.item("actions", "victim1"), VALID["actions"],
            headers=lambda e, hdr=hdr: {hdr: "DELETE", "If-Match":
                                        e.etag(e.item("actions", "victim1"))}), 405))
        K(h("method override", "POST on a review with %s: PATCH" % hdr, api_req(
            "POST", rev, {"title": "Overridden"},
            headers=lambda e, hdr=hdr: {hdr: "PATCH", "If-Match": e.etag(rev(e))}), 405))
    K(h("method override", "POST on an item with ?_method=DELETE", api_req(
        "POST", lambda e: e.item("actions", "victim1") + "?_method=DELETE", None, ct=None),
        405))
    K(h("method override", "PUT on a collection with override POST", api_req(
        "PUT", "v1/reviews", VALID["reviews"], headers={"X-HTTP-Method-Override": "POST"}),
        405))
    # 23 impossible dates
    for d in ("0000-00-00", "9999-99-99", "2026-02-29", "2100-02-29", "2026-06-31",
              "-2026-01-01", "+02026-01-01", "2026-01-01\u00a0", "2026-1-01"):
        K(h("impossible date", "due_date %r" % d, patch_act({"due_date": d}), 422))
    K(h("impossible date", "report period to 2026-02-30", api_req(
        "GET", "v1/reports/compliance?from=2026-01-01&to=2026-02-30"), 400))
    K(h("impossible date", "calendar from 2026-13-01", api_req(
        "GET", "v1/reports/compliance?from=2026-13-01&to=2026-12-31"), 400))
    # 24 forged identity headers
    forged = {"X-Remote-User": "author", "Remote-User": "author", "X-Forwarded-User": "author",
              "X-User": "author", "OIDC_CLAIM_sub": "author", "OIDC-Claim-groups": "isms-admins",
              "X-Authenticated-User": "admin", "X-Roles": "admin"}
    K(h("forged identity", "no credentials + forged headers, write",
        api_req("POST", "v1/reviews", VALID["reviews"], headers=forged, user=None), 401, core=True))
    K(h("forged identity", "no credentials + forged headers, read",
        api_req("GET", "v1/me", headers=forged, user=None), 401, core=True))
    K(h("forged identity", "wrong password + forged headers",
        raw_req("POST", "v1/reviews", [JSON_CT, ("Content-Length", str(len(REVIEW))),
                                       ("Authorization", "Basic " + base64.b64encode(
                                           b"author:wrong").decode())] + list(forged.items()),
                REVIEW, user=None), 401, core=True))
    K(h("forged identity", "nobody + forged author headers writes",
        api_req("POST", "v1/reviews", VALID["reviews"], headers=forged, user="nobody"), 403))
    K(h("forged identity", "auditor + forged admin headers reads the audit verify as admin?",
        api_req("POST", lambda e: e.items("actions"), VALID["actions"],
                headers={"X-Remote-User": "author", "OIDC_CLAIM_groups": "authors"},
                user="auditor"), 403))
    K(h("forged identity", "Authorization for another scheme",
        api_req("GET", "v1/me", headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0."},
                user=None), 401, core=True))
    # 25 media type confusion
    K(h("media type", "JSON as text/html", jpost(REVIEW, headers={"Content-Type":
                                                                  "text/html"}), 415))
    K(h("media type", "application/json-patch+json", patch_act(
        [{"op": "replace", "path": "/priority", "value": "LOW"}],
        [("Content-Type", "application/json-patch+json")]), 415))
    K(h("media type", "Content-Type with two charsets", jpost(REVIEW, headers={
        "Content-Type": "application/json; charset=utf-8; charset=latin1"}), 415))
    # 26 idempotency-key abuse
    K(h("idempotency key", "reuse of a key with another body", api_req(
        "POST", "v1/reviews", dict(VALID["reviews"], title="Other body"),
        headers={"Idempotency-Key": "hostile-key-1"}), 422))
    K(h("idempotency key", "reuse of a key on another path", api_req(
        "POST", lambda e: e.items("objectives"), VALID["objectives"],
        headers={"Idempotency-Key": "hostile-key-1"}), 422))
    # 27 cursor and paging tampering
    for q in ("cursor=AAAA", "cursor=%00", "cursor=" + "A" * 5000, "limit=-1", "limit=0",
              "limit=1e3", "limit=%20"):
        K(h("paging tampering", "?%s" % q[:40], api_req("GET", "v1/reviews?" + q), 400))
    # 28 request-line garbage (Apache's core)
    K(h("request-line garbage", "raw byte 0xff in the path", raw_bytes(
        lambda e: b"GET /isms/api/v1/me\xff HTTP/1.1\r\nHost: x\r\nAuthorization: "
        + AUTHOR_AUTH.encode() + b"\r\n\r\n"), 404))
    K(h("request-line garbage", "raw NUL in the path", raw_bytes(
        lambda e: b"GET /isms/api/v1/\x00me HTTP/1.1\r\nHost: x\r\n\r\n"), 400, core=True))
    K(h("request-line garbage", "space in the target", raw_bytes(
        lambda e: b"GET /isms/api/v1/re views HTTP/1.1\r\nHost: x\r\n\r\n"), 400, core=True))
    K(h("request-line garbage", "lower-case protocol name", raw_bytes(
        lambda e: b"GET /isms/api/v1/me http/1.1\r\nHost: x\r\n\r\n"), 400, core=True))
    K(h("request-line garbage", "four words", raw_bytes(
        lambda e: b"GET /isms/api/v1/me HTTP/1.1 x\r\nHost: x\r\n\r\n"), 400, core=True))
    K(h("request-line garbage", "no Host on HTTP/1.1", raw_bytes(
        lambda e: b"GET /isms/api/v1/me HTTP/1.1\r\n\r\n"), 400, core=True))
    # 29 oversized headers (Apache's core)
    K(h("oversized headers", "one header of 10000 bytes", raw_req(
        "GET", "v1/me", [("X-Big", "a" * 10000)]), 400, core=True))
    K(h("oversized headers", "120 headers", raw_req(
        "GET", "v1/me", [("X-H%d" % i, "v") for i in range(120)]), 400, core=True))
    # 30 format negotiation abuse
    K(h("format abuse", "?format=xml", api_req("GET", lambda e: e.review() +
                                                "/report?format=xml"), 400))
    K(h("format abuse", "?format=../../etc/passwd", api_req(
        "GET", lambda e: e.review() + "/report?format=../../etc/passwd"), 400))
    # 31 preconditions forged
    K(h("forged precondition", "If-Match of the action on the review", api_req(
        "PATCH", rev, {"title": "x"}, headers=lambda e: {"If-Match": e.etag(act(e))}), 412))
    K(h("forged precondition", "If-Match: W/* weak wildcard", api_req(
        "PATCH", act, {"priority": "LOW"}, headers={"If-Match": "W/*"}), 412))
    K(h("forged precondition", "If-None-Match: * on a PATCH without If-Match", api_req(
        "PATCH", act, {"priority": "LOW"}, headers={"If-None-Match": "*"}), 428))
    # 32 workflow abuse: transitions the state does not allow, by the wrong role
    K(h("workflow abuse", "approve a draft", api_req(
        "POST", lambda e: e.review() + "/approve", {"comment": "ok"},
        headers=lambda e: {"If-Match": e.etag(rev(e))}, user="approver"), 409))
    K(h("workflow abuse", "author approves", api_req(
        "POST", lambda e: e.review() + "/approve", {"comment": "ok"},
        headers=lambda e: {"If-Match": e.etag(rev(e))}), 403))
    K(h("workflow abuse", "unknown transition", api_req(
        "POST", lambda e: e.review() + "/frobnicate", {},
        headers=lambda e: {"If-Match": e.etag(rev(e))}), 404))
    return c


# ---------------------------------------------------------------------------------------------
# running


def audit_max(e):
    return int(e.backend.query("SELECT coalesce(max(seq), 0) FROM audit_event")[0][0])


def audit_since(e, seq):
    return e.backend.query(
        "SELECT seq, coalesce(actor, ''), method, status, CASE WHEN after_state IS NULL "
        "THEN 'none' ELSE 'some' END FROM audit_event WHERE seq > %d ORDER BY seq" % seq)


INJECTED = re.compile(rb"(?im)^x-injected:")


def check(e, c, resp, user):
    st, hdrs, body, head = resp
    out = []
    if st != c.status:
        return ["status %d, expected %d: %r" % (st, c.status, body[:300])]
    if INJECTED.search(head):
        out.append("an injected header reached the response: %r" % head[:500])
    if c.core:
        return out
    try:
        doc = harness.assert_problem((st, hdrs, body), st)
    except (AssertionError, ValueError) as ex:
        return out + ["not a problem+json response: %s" % str(ex)[:300]]
    if doc.get("type", "").endswith(":validation") and not doc.get("errors"):
        out.append("422 without errors: %r" % doc)
    if st == 405 and not hdrs.get("allow"):
        out.append("405 without Allow")
    if st == 401 and "basic" not in hdrs.get("www-authenticate", "").lower():
        out.append("401 without a Basic challenge: %r" % hdrs)
    return out


def run_cases(e, cs):
    failures = []
    baseline = e.dump()
    seq = audit_max(e)
    kinds = set()
    for c in cs:
        kinds.add(c.kind)
        mark = e.httpd.log_size()
        try:
            resp = c.send(e)
        except (AssertionError, OSError) as ex:
            failures.append("[%s] %s: could not be run: %s" % (c.kind, c.name, str(ex)[:300]))
            continue
        problems = check(e, c, resp, None)
        after = e.dump()
        if after != baseline:
            problems.append("the database changed (outside the audit trail)")
            baseline = after
        new = audit_since(e, seq)
        if new:
            seq = int(new[-1][0])
        if len(new) > 1:
            problems.append("%d audit events for one request: %r" % (len(new), new))
        for row in new:
            _, actor, method, status, after_state = row
            if int(status) != resp[0] or int(status) < 400 or after_state != "none":
                problems.append("audit event %r does not record this refusal (%d)"
                                % (row, resp[0]))
            if actor not in ("", "author", "nobody", "auditor", "approver", "owner"):
                problems.append("audit event with actor %r" % actor)
        # no log line of this request may be split by what the client sent
        for line in e.httpd.error_log_lines(mark):
            if not line.startswith("["):
                problems.append("error-log line not of Apache's format: %r" % line[:200])
        if problems:
            failures.append("[%s] %s\n    %s" % (c.kind, c.name, "\n    ".join(problems)))
    return failures, kinds


@pytest.fixture
def env(make_httpd, backend):
    httpd = make_httpd(db_args=backend.db_args, extra_conf=tbr.MAX_BODY_CONF).start()
    httpd.allow(tbr.AH03092,
                # the forged-identity cases: a wrong password, a Bearer token
                r"\[auth_basic:error\].*AH01617: user author: authentication failure for "
                r"\"/isms/api/v1/reviews\": Password Mismatch$",
                r"\[auth_basic:error\].*AH01614: client used wrong authentication scheme: "
                r"/isms/api/v1/me$",
                # the path tricks that climb out of the API: Apache's core refuses them
                r"\[core:error\].*AH10244: invalid URI path "
                r"\(/isms/api/v1/\.\./\.\./\.\./\.\./etc/passwd\)$",
                r"\[authz_core:error\].*AH01630: client denied by server configuration: "
                r"\S*/etc$")
    e = tbr.Env(httpd, backend)
    e.setup()
    e.ids["att"] = e.create(e.r1, "attendees", VALID["attendees"])
    # the key that the idempotency cases reuse
    e.api.create("v1/reviews", VALID["reviews"], headers={"Idempotency-Key": "hostile-key-1"})
    yield e
    e.close()


def test_hostile_battery(env, request):
    """Every kind of bad request: its precise status, problem+json from the module, no
    injected header, the database unchanged but for the refusal in the audit trail; the
    audit chain still verifies afterwards."""
    cs = cases()
    t0 = time.monotonic()
    failures, kinds = run_cases(env, cs)
    took = time.monotonic() - t0
    print("\nhostile battery: %d kinds, %d cases, %.1f s" % (len(kinds), len(cs), took))
    assert len(kinds) >= 30, sorted(kinds)
    assert not failures, "%d of %d hostile cases misbehaved:\n  %s" % (
        len(failures), len(cs), "\n  ".join(failures))
    rc, out = harness.migrate(env.backend.db_args, "verify")
    assert rc == 0, "ismsreview-admin verify failed after the battery:\n" + out


# ---------------------------------------------------------------------------------------------
# the good side: hostile-looking text that is valid input


PAYLOADS = [
    "Robert'); DROP TABLE review;--",
    "' OR '1'='1",
    "1; DELETE FROM action WHERE 1=1 --",
    "\\'; SELECT * FROM audit_event; --",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</style><svg onload=alert(1)>",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "%s%n%x ${jndi:ldap://x} {{7*7}}",
]
FORMULA_START = ("=", "+", "-", "@")


def test_hostile_text_is_stored_verbatim_and_inert_in_reports(make_httpd, backend):
    """SQL metacharacters, markup and spreadsheet formulas in text fields are valid input:
    201, stored and returned byte for byte, escaped in the HTML reports, formula cells
    guarded in the CSV, and a line break in free text never reaches a response header."""
    import html

    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    review, rpath = api.create("v1/reviews", dict(VALID["reviews"], title=PAYLOADS[4]))
    sent = []
    for i, p in enumerate(PAYLOADS):
        body = dict(VALID["actions"], title=p, due_date="2026-12-%02d" % (i + 1),
                    description=p + "\r\nX-Injected: yes\nsecond line")
        doc, loc = api.create(rpath + "/actions", body)
        sent.append((doc["id"], doc["ref"], body))
    tables_before = backend.query("SELECT count(*) FROM review")[0][0]
    for aid, _, body in sent:
        got = api.get("%s/actions/%d" % (rpath, aid))
        assert got["title"] == body["title"] and got["description"] == body["description"]
    # the filters take them as plain values: nothing matches, nothing breaks
    for p in PAYLOADS[:4]:
        st, _, doc = api.call("GET", "v1/actions?owner=" + urllib.parse.quote(p, safe=""))
        assert st == 200 and doc["items"] == [], (p, st, doc)
    assert backend.query("SELECT count(*) FROM review")[0][0] == tables_before

    # HTML: the record and the action register
    for path in ("%s/report?format=html" % rpath, "v1/reports/actions?format=html"):
        st, hdrs, page = api.raw("GET", path)
        assert st == 200, (path, st, page[:300])
        text = page.decode("utf-8")
        for p in PAYLOADS:
            if "<" in p:
                assert p not in text, "%s: unescaped %r" % (path, p)
        # every payload is on the page, as text
        unescaped = html.unescape(text)
        missing = [p for p in PAYLOADS if p not in unescaped]
        assert not missing, (path, missing)
        assert not re.search(r"(?i)<script|<img src=x|<svg onload", text), path
        cd = hdrs.get("content-disposition", "")
        assert re.fullmatch(r'inline; filename="[A-Za-z0-9._-]+"', cd), cd

    # CSV: the record, one row per action, the title cell as written or guarded
    st, hdrs, data = api.raw("GET", "%s/report?format=csv" % rpath)
    assert st == 200, data[:300]
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"',
                        hdrs.get("content-disposition", "")), hdrs
    assert "x-injected" not in hdrs
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    by_ref = {r[1]: r for r in rows[1:] if r[0] == "action"}
    for _, ref, body in sent:
        cell = by_ref[ref][2]
        p = body["title"]
        assert cell == ("'" + p if p.startswith(FORMULA_START) else p), (p, cell)
    # no cell of the sheet starts a formula
    for r in rows:
        for cell in r:
            assert not cell.startswith(FORMULA_START), (r, cell)


def test_forged_identity_headers_change_nothing(make_httpd, backend):
    """Identity comes from Apache only: v1/me, created_by and the audit actor are the
    authenticated user, whatever X-Remote-User, Remote-User or OIDC_CLAIM_* headers say."""
    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    forged = {"X-Remote-User": "admin", "Remote-User": "admin", "X-Forwarded-User": "admin",
              "OIDC_CLAIM_sub": "admin", "OIDC-CLAIM-groups": "admins", "X-Roles": "admin",
              "X-Authenticated-User": "admin"}
    for user, roles in (("auditor", ["auditor"]), ("nobody", []), ("author", ["author"])):
        me = api.get("v1/me", user=user, headers=forged)
        assert me["user"] == user and me["roles"] == roles, me
    doc, _ = api.create("v1/reviews", VALID["reviews"], headers=forged)
    assert doc["created_by"] == "author" and doc["author"] == "author", doc
    rows = backend.query("SELECT actor FROM audit_event ORDER BY seq DESC LIMIT 1")
    assert rows == [["author"]], rows
    # the audit trail is for auditors and admins: the forged admin header does not open it
    assert_st = api.raw("GET", "v1/audit", user="author", headers=forged)[0]
    assert assert_st == 403


# ---------------------------------------------------------------------------------------------
# issue 15: routes, headers, preconditions (each test fails without its fix)


def test_routes_are_anchored_to_the_handler_location(make_httpd, backend):
    """An access rule on a sub-path holds: the route is the path below the <Location> with
    SetHandler ismsreview, so "/isms/api/anything/v1/audit" is 404, never the audit trail."""
    rule = "<Location /isms/api/v1/audit>\n  Require user admin\n</Location>\n"
    httpd = make_httpd(db_args=backend.db_args, extra_conf=rule).start()
    httpd.allow(r"AH01631: user auditor: authorization failure")
    assert httpd.request("GET", API + "v1/audit", user="admin")[0] == 200
    assert httpd.request("GET", API + "v1/audit", user="auditor")[0] in (401, 403)
    for trick in ("anything/v1/audit", "v1/v1/audit", "x/y/v1/audit", "%2e%2e%2fv1/audit",
                  "v1/audit/../../anything/v1/audit"):
        st, hdrs, body = httpd.request("GET", API + trick, user="auditor")
        assert st == 404, (trick, st, body[:200])
        if trick[0] != "%":
            harness.assert_problem((st, hdrs, body), 404)
    # the API itself still answers below its location, and nothing above it
    assert httpd.request("GET", API + "v1/me", user="auditor")[0] == 200
    assert httpd.request("GET", API + "x/v1/me", user="auditor")[0] == 404


LOCATION_MATCH = """\
<LocationMatch "^/isms/t[^/]*/api">
  SetHandler ismsreview
  AuthType Basic
  AuthName "ISMS"
  AuthBasicProvider file
  AuthUserFile "%s"
  Require valid-user
%s</LocationMatch>
"""


def test_location_header_is_built_from_the_canonical_route(make_httpd, backend):
    """Location is the configured location, escaped, plus the canonical route: a TAB or a
    CR/LF that a <LocationMatch> lets through the path is escaped, never reflected, and the
    201 after COMMIT is not turned into a 500 by a header Apache refuses."""
    httpd = make_httpd(db_args=backend.db_args)
    httpd.extra_conf = LOCATION_MATCH % (httpd.htpasswd, harness.ROLE_DIRECTIVES)
    httpd.start()
    for prefix, escaped in (("/isms/t/api/", "/isms/t/api/"),
                            ("/isms/t%09x/api/", "/isms/t%09x/api/"),
                            ("/isms/t%0D%0AX-Injected:%20yes/api/",
                             "/isms/t%0d%0aX-Injected:%20yes/api/")):
        st, hdrs, body = httpd.request("POST", prefix + "v1/reviews", user="author",
                                       body=VALID["reviews"])
        assert st == 201, (prefix, st, body[:300])
        rid = json.loads(body)["id"]
        assert hdrs["location"].lower() == ("%sv1/reviews/%d" % (escaped, rid)).lower(), hdrs
        assert "x-injected" not in hdrs
        # the Location names the review just written (http.client sends it as escaped)
        st, _, got = httpd.request("GET", hdrs["location"], user="author")
        assert st == 200 and json.loads(got)["id"] == rid, (st, got[:200])
    # the route is anchored to the match: a /v1/ further on is not the API
    assert httpd.request("GET", "/isms/t/api/x/v1/me", user="author")[0] == 404


def test_approve_requires_the_etag_of_the_version_read(make_httpd, backend):
    """Approving is a decision about what the approver read: If-Match must carry the
    version's ETag. "*" (any version) and no If-Match are 428 and change nothing; "*" stays
    accepted where it is harmless (submit); the approve with the ETag goes through."""
    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    rid = wh.to_state(api, "SUBMITTED")
    before = api.review(rid)
    for if_match in ("*", " * ", None):
        st, _, doc = api.transition(rid, "approve", user="approver", etag=if_match or False)
        assert st == 428, (if_match, st, doc)
        assert doc["type"].endswith("precondition-required"), doc
    assert api.review(rid) == before                       # still SUBMITTED, same version
    st, _, doc = api.transition(rid, "approve", user="approver", etag='"nope"')
    assert st == 412, doc
    assert api.move(rid, "approve", user="approver")["status"] == "APPROVED"
    # elsewhere "*" keeps its RFC 9110 meaning: submit with If-Match: * is accepted
    rid2 = wh.to_state(api, "DRAFT")
    st, _, doc = api.transition(rid2, "submit", etag="*")
    assert st == 200 and doc["status"] == "SUBMITTED", (st, doc)


def test_no_function_scope_mutable_statics_in_the_module():
    """Request threads (worker/event MPM) share the process: a function-scope static that is
    filled on first use races between them. The module's C code has none (what must be set
    up once is set up in child_init or when the store is created)."""
    import glob
    import os
    top = os.path.join(os.path.dirname(__file__), "..", "..", "mod_ismsreview")
    found = []
    for path in sorted(glob.glob(os.path.join(top, "*", "*.c"))):
        with open(path) as f:
            for n, line in enumerate(f, 1):
                if re.match(r"^\s+static\s+(?!const\b)[^()]*;", line):
                    found.append("%s:%d: %s" % (os.path.basename(path), n, line.strip()))
    assert not found, "\n".join(found)


def test_web_ui_is_served_with_the_shipped_headers(make_httpd, backend):
    """The demo (harness serve) and the tests serve the UI with the headers the shipped
    configuration sets: the strict Content-Security-Policy with frame-ancestors 'none', and
    nosniff."""
    import os
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "conf",
                           "ismsreview.conf.in")) as f:
        conf = f.read()
    csp = re.search(r'Header always set Content-Security-Policy "([^"]+)"', conf).group(1)
    assert "frame-ancestors 'none'" in csp
    httpd = make_httpd(db_args=backend.db_args).start()
    for path in ("/isms/", "/isms/index.html"):
        st, hdrs, _ = httpd.request("GET", path)
        assert st == 200, (path, st)
        assert hdrs.get("content-security-policy") == csp, (path, hdrs)
        assert hdrs.get("x-content-type-options") == "nosniff", (path, hdrs)
    # the API below the Alias carries its own headers only: nosniff once, no UI policy
    st, hdrs, _ = httpd.request("GET", API + "v1/me", user="author")
    assert st == 200 and hdrs.get("x-content-type-options") == "nosniff", hdrs
    assert "content-security-policy" not in hdrs, hdrs
    st, hdrs, _ = httpd.request("GET", API + "v1/reports/actions?format=html", user="author")
    assert st == 200 and hdrs.get("content-security-policy") != csp, hdrs


def test_authorize_before_parsing_and_capped_errors(make_httpd, backend):
    """A user without a role learns nothing from someone else's action or objective: the same
    404 as for an id that does not exist, whatever the body (200 KB of unknown keys included),
    nothing written. A caller who may write gets at most 50 described errors and the count."""
    import test_owner_access as toa
    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    _, mine, theirs, obj, other = toa._setup(api)
    junk = {"k%05d" % i: i for i in range(12000)}                   # ~200 KB of unknown keys
    assert len(json.dumps(junk)) > 150000
    for kind, theirs_id, absent in (("actions", theirs["id"], 999999),
                                    ("objectives", other["id"], 999998)):
        sub = "updates" if kind == "actions" else "measurements"
        answers = []
        for item in (theirs_id, absent):
            for body in (junk, {"status": "COMPLETED"} if kind == "actions" else
                         {"period_from": "2026-01-01", "period_to": "2026-01-31", "value": 1}):
                st, hdrs, doc = api.call("POST", "v1/%s/%d/%s" % (kind, item, sub),
                                         body=body, user="owner")
                assert st == 404, (kind, item, st, str(doc)[:300])
                assert len(json.dumps(doc)) < 1000, len(json.dumps(doc))
                answers.append((doc["type"], doc["title"], doc["detail"]))
            st, _, doc = api.call("GET", "v1/%s/%d/%s" % (kind, item, sub), user="owner")
            assert st == 404, (kind, item, st, doc)
            answers.append((doc["type"], doc["title"], doc["detail"]))
        assert len(set(answers)) == 1, answers            # not yours = does not exist
    st, _, doc = api.call("GET", "v1/actions/%d/updates" % theirs["id"], user="author")
    assert st == 200 and doc["items"] == [], doc
    # a role that may read it but not track it: 403, still before the body is looked at
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % theirs["id"], body=junk,
                          user="auditor")
    assert st == 403 and "errors" not in doc, str(doc)[:300]
    # the owner's own action with the junk body: 422, the first 50 errors and the count
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % mine["id"], body=junk, user="owner")
    assert st == 422, str(doc)[:300]
    assert len(doc["errors"]) == 50 and doc["errors_total"] >= 12000, (
        len(doc["errors"]), doc.get("errors_total"))
    assert len(json.dumps(doc)) < 20000
    st, _, doc = api.call("POST", "v1/objectives/%d/measurements" % obj["id"],
                          body={"period_from": "x"}, user="owner")
    assert st == 422 and doc["errors_total"] == len(doc["errors"]) <= 50, doc


# the action tracking transition table (docs/api.md): O = the owner (or an author), A = an
# author only
TRACKING_STATES = ["OPEN", "IN_PROGRESS", "BLOCKED", "COMPLETED", "VERIFIED_EFFECTIVE",
                   "VERIFIED_INEFFECTIVE", "CANCELLED"]
TRACKING_TABLE = {
    "OPEN":                 "OOOOAAO",
    "IN_PROGRESS":          "OOOOAAO",
    "BLOCKED":              "OOOOAAO",
    "COMPLETED":            "OOOOAAA",
    "VERIFIED_EFFECTIVE":   "AAAAAAA",
    "VERIFIED_INEFFECTIVE": "OOOOAAA",
    "CANCELLED":            "AAAAAAA",
}


def test_tracking_moves_follow_the_transition_table(make_httpd, backend):
    """Every cell of the table, for the owner without a role and for an author: the owner
    reports progress and reopens an ineffective action; leaving VERIFIED_EFFECTIVE or
    CANCELLED, verifying, and cancelling a completed action are the author's (403 for the
    owner, nothing recorded)."""
    import test_owner_access as toa
    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    _, mine, _, _, _ = toa._setup(api)
    path = "v1/actions/%d/updates" % mine["id"]

    def move(to, user):
        body = {"status": to, "reason": "table test"}
        if to.startswith("VERIFIED_"):        # verifying records the check's result
            body["effectiveness_result"] = "table test"
        return api.call("POST", path, body=body, user=user)

    def updates():
        return len(api.call("GET", path, user="author")[2]["items"])

    wrong = []
    for frm in TRACKING_STATES:
        for to, who in zip(TRACKING_STATES, TRACKING_TABLE[frm]):
            for user in ("owner", "author"):
                st, _, doc = move(frm, "author")
                assert st == 201 and doc["status"] == frm, (frm, st, doc)
                n = updates()
                st, _, doc = move(to, user)
                expect = 201 if (user == "author" or who == "O") else 403
                if st != expect:
                    wrong.append("%s -> %s as %s: %d, expected %d" % (frm, to, user, st, expect))
                elif st == 201:
                    assert doc["status"] == to and updates() == n + 1
                else:
                    assert updates() == n
    assert not wrong, "\n".join(wrong)
    # a note without a status is progress reporting: the owner may add one in any state
    assert move("VERIFIED_EFFECTIVE", "author")[0] == 201
    st, _, doc = api.call("POST", path, body={"note": "still effective"}, user="owner")
    assert st == 201 and doc["status"] == "VERIFIED_EFFECTIVE", (st, doc)


def test_tracking_history_cannot_be_erased(make_httpd, backend):
    """An action with progress updates, an objective with KPI measurements, and either once it
    appeared in a sealed version, cannot be deleted (409, from a later draft version too): it
    is cancelled or withdrawn with a reason. The database refuses it as well, on every
    backend, and keeps progress updates and measurements append-only."""
    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    db = wh.Db(backend)
    # a draft v1: an action with a progress update, an objective with a measurement
    b = wh.build_review(api, True)
    rid, aid, oid = b["id"], b["action"], b["objective"]
    coll = "v1/reviews/%d/" % rid
    api.post("v1/actions/%d/updates" % aid, {"progress": 10, "note": "started"}, user="owner")
    api.post("v1/objectives/%d/measurements" % oid,
             {"period_to": "2026-01-31", "value": 12}, user="owner")

    def delete(path):
        return api.call("DELETE", path, if_match=api.call("GET", path)[1]["etag"])

    for path in (coll + "actions/%d" % aid, coll + "objectives/%d" % oid):
        st, _, doc = delete(path)
        assert st == 409 and doc["type"].endswith("tracked"), (path, st, doc)
    # sealed, then amended: the items of the sealed version stay in the draft v2
    item = {"type": "OTHER", "owner": "owner", "due_date": "2026-06-30", "priority": "LOW",
            "description": "d", "expected_outcome": "o",
            "decision_id": b["decisions"]["improve"]}
    other = api.post(coll + "actions", dict(item, title="No history"))["id"]
    for action, user in (("submit", "author"), ("approve", "approver"), ("amend", "author")):
        api.move(rid, action, user=user)
    sealed_at = api.history(rid)["versions"][0]["approved_at"]
    st, _, doc = delete(coll + "actions/%d" % other)
    assert st == 409 and doc["type"].endswith("sealed-item"), (st, doc)
    assert "cancel" in doc["detail"], doc
    # ... it is cancelled with a reason instead
    doc = api.post("v1/actions/%d/updates" % other, {"status": "CANCELLED",
                                                     "reason": "dropped in version 2"})
    assert doc["status"] == "CANCELLED"
    # an item new in version 2, without history, can still be deleted (created in a later
    # second than the approval: timestamps have whole seconds)
    while time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) <= sealed_at:
        time.sleep(0.05)
    new = api.post(coll + "actions", dict(item, title="New in v2"))["id"]
    assert delete(coll + "actions/%d" % new)[0] == 204
    # below the API: the guards of migration 009
    db.GUARD_MESSAGES = wh.Db.GUARD_MESSAGES + "|tracked:"
    for sql in ("DELETE FROM action WHERE id = %d" % aid,
                "DELETE FROM action WHERE id = %d" % other,
                "DELETE FROM objective WHERE id = %d" % oid,
                "DELETE FROM action_update WHERE action_id = %d" % aid,
                "UPDATE action_update SET note = 'rewritten' WHERE action_id = %d" % aid,
                "DELETE FROM kpi_measurement WHERE objective_id = %d" % oid,
                "UPDATE kpi_measurement SET value = 1 WHERE objective_id = %d" % oid):
        db.refused(sql)
    assert len(api.get("v1/actions/%d/updates" % aid)["items"]) == 1
    assert len(api.get("v1/objectives/%d/measurements" % oid)["items"]) == 1


IDENTITY_ROLES = """<Location /isms/api>
  ISMSReviewRole author   "%{REMOTE_USER} == 'author'"
  ISMSReviewRole approver "%{REMOTE_USER} =~ /pprover|uthor/"
  ISMSReviewRole auditor  "%{REMOTE_USER} == 'auditor'"
  ISMSReviewApprovals 2
</Location>
"""
# what a directory that normalises names would let in as approver, author and owner
ALIASES = {"\uff41pprover": "pw-fullwidth", "approver\u00a0": "pw-nbsp",
           "APPROVER": "pw-upper", "\uff21uthor": "pw-fullwidth-author",
           "\uff4fwner": "pw-fullwidth-owner"}
REFUSED = {"appro\u200bver": "ZERO WIDTH SPACE", "appro\u00adver": "SOFT HYPHEN",
           "approver\u2060": "WORD JOINER", "appro\x1fver": "a control character"}


def add_htpasswd_users(httpd, users):
    for user, pw in users.items():
        p = __import__("subprocess").run([harness.HTPASSWD_BIN, "-b", httpd.htpasswd, user,
                                          pw], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr


def test_one_person_one_identity(make_httpd, backend):
    """Identities are compared under NFKC + case folding + default-ignorables removed +
    white space trimmed: "approver", "ａpprover", "approver\\u00a0" and "APPROVER" are one
    approver (two approvals needed, one person gives one), "Ａuthor" cannot approve the
    author's review, "ｏwner" reports on owner's action. User names with control or
    default-ignorable characters are refused (403, ISMS21021, nothing written)."""
    httpd = make_httpd(db_args=backend.db_args, extra_conf=IDENTITY_ROLES).start()
    add_htpasswd_users(httpd, dict(ALIASES, **{u: "pw-refused" for u in REFUSED}))
    httpd.allow(r"ISMS21021: user name .* refused")
    api = wh.Api(httpd, passwords=dict(ALIASES, **{u: "pw-refused" for u in REFUSED}))
    b = wh.build_review(api, True)
    rid = b["id"]
    # the owner under another spelling reports progress on the owner's action
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % b["action"], user="\uff4fwner",
                          body={"progress": 5, "note": "same person"})
    assert st == 201, (st, doc)
    api.move(rid, "submit")
    # the author under another spelling may not approve the author's review
    st, _, doc = api.transition(rid, "approve", user="\uff21uthor")
    assert st == 403 and doc["type"].endswith("separation-of-duties"), (st, doc)
    api.move(rid, "approve", user="approver")
    for alias in ("\uff41pprover", "approver\u00a0", "APPROVER"):
        st, _, doc = api.transition(rid, "approve", user=alias)
        assert st in (403, 409), (alias, st, doc)
        review, _ = api.review(rid)
        assert review["status"] == "SUBMITTED", (alias, review["status"])
    hist = api.history(rid)
    assert [a["approver"] for a in hist["approvals"]] == ["approver"], hist["approvals"]
    assert api.move(rid, "approve", user="approver2")["status"] == "APPROVED"
    # refused user names: every route, reads and writes, 403 and a numbered log line
    reviews = len(api.get("v1/reviews")["items"])
    for user, what in REFUSED.items():
        mark = httpd.log_size()
        for method, path, body in (("GET", "v1/me", None),
                                   ("POST", "v1/reviews", wh.review_body("refused"))):
            st, hdrs, doc = api.call(method, path, user=user, body=body)
            assert st == 403 and doc["type"].endswith("user-name-refused"), (what, st, doc)
        lines = [l for l in httpd.error_log_lines(mark) if "ISMS21021" in l]
        assert len(lines) == 2 and all(l.startswith("[") for l in lines), (what, lines)
        assert user not in "".join(lines)          # escaped, never raw
    assert len(api.get("v1/reviews")["items"]) == reviews


@pytest.mark.parametrize("section", [
    '<Directory "/tmp">\n  SetHandler ismsreview\n</Directory>',
    '<Location /x>\n  <If "true">\n    SetHandler ismsreview\n  </If>\n</Location>',
    '<Files "api">\n  SetHandler ismsreview\n</Files>'])
def test_sethandler_without_a_url_location_is_refused(make_httpd, section):
    """The routes are relative to the location of SetHandler ismsreview: where there is no URL
    path to be relative to, apache2 -t refuses it and says why."""
    httpd = make_httpd(extra_conf=section + "\n")
    rc, out = httpd.config_test()
    assert rc != 0 and "SetHandler ismsreview" in out and "<Location>" in out, out


def test_sethandler_in_the_server_and_other_handlers_still_work(make_httpd, backend):
    """SetHandler ismsreview for a whole virtual host routes from "/"; other handlers set with
    SetHandler are untouched (the core still handles the directive)."""
    conf = ("Listen 127.0.0.1:%d\n<VirtualHost 127.0.0.1:%d>\n  SetHandler ismsreview\n"
            "  <Location /v1/health>\n    Require all granted\n  </Location>\n"
            "</VirtualHost>\n<Location /isms/api/v1/me>\n  SetHandler none\n</Location>\n")
    port = harness.free_port()
    httpd = make_httpd(db_args=backend.db_args, extra_conf=conf % (port, port))
    httpd.start()
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/v1/health")
    r = c.getresponse()
    assert r.status == 200 and json.loads(r.read())["status"] == "ok"
    c.close()
    # SetHandler none below the API: the core's static handler answers, not the module
    st, hdrs, _ = httpd.request("GET", API + "v1/me", user="author")
    assert st == 404 and "problem" not in hdrs.get("content-type", ""), (st, hdrs)


def test_refused_writes_cannot_flood_the_audit_trail(make_httpd, backend):
    """Refusals stay on record, within a budget per user and minute: with
    ISMSReviewRefusalBudget 20, 40 refused writes of one user leave 20 refusal events and one
    refusal-budget-exceeded marker (ISMS21104 logged once); every one is still answered 403;
    another user's refusals are recorded on their own budget."""
    conf = "<Location /isms/api>\n  ISMSReviewRefusalBudget 20\n</Location>\n"
    httpd = make_httpd(db_args=backend.db_args, extra_conf=conf).start()
    httpd.allow(r"ISMS21104: user nobody: more than 20 refused requests")
    api = wh.Api(httpd)

    def events(actor):
        return backend.query("SELECT action, status FROM audit_event WHERE actor = '%s' "
                             "ORDER BY seq" % actor)

    mark = httpd.log_size()
    for _ in range(40):
        st, _, _ = api.call("POST", "v1/reviews", body=VALID["reviews"], user="nobody")
        assert st == 403
    ev = events("nobody")
    assert len(ev) == 21, ev
    assert all(int(s) == 403 for _, s in ev)
    assert [a for a, _ in ev].count("refusal-budget-exceeded") == 1 and \
        ev[-1][0] == "refusal-budget-exceeded", ev
    assert sum("ISMS21104" in l for l in httpd.error_log_lines(mark)) == 1
    for _ in range(3):
        assert api.call("POST", "v1/reviews", body=VALID["reviews"], user="owner")[0] == 403
    assert len(events("owner")) == 3
    # the chain is intact and verifies
    st, _, doc = api.call("GET", "v1/audit/verify", user="auditor")
    assert st == 200 and doc["valid"], doc


def test_core_log_lines_reach_the_virtual_hosts_error_log(make_httpd, backend):
    """A line the core logs while handling a request is the request's line (ap_log_rerror):
    it lands in the ErrorLog of the virtual host that served the request, with the client's
    address, and not in the main server's log."""
    import http.client
    port = harness.free_port()
    conf = ("<Location /isms/api>\n  ISMSReviewRefusalBudget 2\n</Location>\n"
            "Listen 127.0.0.1:%d\n<VirtualHost 127.0.0.1:%d>\n  ServerName vhost.test\n"
            '  ErrorLog "logs/vhost_error.log"\n</VirtualHost>\n' % (port, port))
    httpd = make_httpd(db_args=backend.db_args, extra_conf=conf).start()
    vhost_log = os.path.join(httpd.basedir, "logs", "vhost_error.log")
    mark = httpd.log_size()
    for _ in range(4):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("POST", API + "v1/reviews", body=json.dumps(VALID["reviews"]),
                  headers={"Authorization": httpd.auth_header("nobody"),
                           "Content-Type": "application/json"})
        assert c.getresponse().status == 403
        c.close()
    with open(vhost_log) as f:
        lines = [l for l in f if "ISMS21104" in l]
    assert len(lines) == 1, lines
    assert "[client 127.0.0.1:" in lines[0], lines[0]
    assert not any("ISMS21104" in l for l in httpd.error_log_lines(mark))


def test_audit_verify_from_a_checkpoint(make_httpd, backend):
    """GET v1/audit/verify?after=N&head=H verifies only the events after an earlier verify's
    checkpoint (its events and head): valid with the same result as a full verify; a changed
    event after the checkpoint, a rewritten checkpoint event, a wrong head are reported; bad
    parameters are 400."""
    httpd = make_httpd(db_args=backend.db_args).start()
    api = wh.Api(httpd)
    db = wh.Db(backend)
    for i in range(3):
        api.post("v1/reviews", wh.review_body("before %d" % i))
    cp = api.verify()
    assert cp["valid"] and cp["events"] >= 3, cp
    for i in range(4):
        api.post("v1/reviews", wh.review_body("after %d" % i))
    full = api.verify()
    inc = api.get("v1/audit/verify?after=%d&head=%s" % (cp["events"], cp["head"]),
                  user="auditor")
    assert inc == full and inc["valid"] and inc["events"] == cp["events"] + 4, (inc, full)
    # the same checkpoint with another head, or one past the end: not valid
    bad = api.get("v1/audit/verify?after=%d&head=%s" % (cp["events"], "0" * 64),
                  user="auditor")
    assert not bad["valid"] and bad["first_bad"] == cp["events"], bad
    far = api.get("v1/audit/verify?after=%d&head=%s" % (full["events"] + 5, full["head"]),
                  user="auditor")
    assert not far["valid"], far
    for q in ("after=1", "head=" + "a" * 64, "after=x&head=" + "a" * 64,
              "after=-1&head=" + "a" * 64, "after=1&head=xyz", "after=1&after=2&head=" + "a" * 64):
        st, _, doc = api.call("GET", "v1/audit/verify?" + q, user="auditor")
        assert st == 400, (q, st, doc)
    # an event after the checkpoint changed below the API (guards dropped): found from there
    db.drop_guards()
    db.ok("UPDATE audit_event SET path = 'v1/forged' WHERE seq = %d" % (cp["events"] + 2))
    inc = api.get("v1/audit/verify?after=%d&head=%s" % (cp["events"], cp["head"]),
                  user="auditor")
    assert not inc["valid"] and inc["first_bad"] == cp["events"] + 2, inc
    assert inc["reason"] == "the event was changed", inc
    assert api.verify()["first_bad"] == cp["events"] + 2
