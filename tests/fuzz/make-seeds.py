#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora tests/fuzz/corpus/<target>/seed-* from the integration tests' data:
valid documents of every entity (records_data.py, test_bad_requests.VALID), the known-bad
bodies of test_bad_requests.py, URIs and query strings of the API, tricky strings. Crash
reproducers found by libFuzzer are kept next to them as crash-* / bug-* (never regenerated).
Run from the top of the source tree: tests/fuzz/make-seeds.py"""
import hashlib
import json
import os
import re
import struct
import sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(top, "tests", "integration"))
import records_data as rd          # noqa: E402
import test_bad_requests as tbr    # noqa: E402

corpus = os.path.join(top, "tests", "fuzz", "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def symbolic_to_ids(v):
    if isinstance(v, str) and v.startswith("$"):
        return 1
    if isinstance(v, list):
        return [symbolic_to_ids(x) for x in v]
    if isinstance(v, dict):
        return {k: symbolic_to_ids(x) for k, x in v.items()}
    return v


TRICKY = ["", "plain", "<script>alert(1)</script>", "a&b\"c'd>e", "=1+2", "+SUM(A1)", "-2",
          "@cmd", "\tx", "\rx", "a,b\r\nc\"d", "x;y,z\\w\nv", "Grüße ☃ 😀" * 10,
          "é" * 40 + "😀" * 20, "a" * 74 + "é", "a" * 73 + "😀" + "b" * 80, "\x01\x7f",
          "\xc3", "line1\r\nline2\rline3\nline4", "..hidden", "ü/ü"]

# ---- validate: "<collection>[ patch]\n<body>"
for coll, body in tbr.VALID.items():
    write("validate", coll + "\n" + json.dumps(body))
    write("validate", coll + " patch\n" + json.dumps(body))
write("validate", "reviews\n" + json.dumps(rd.REVIEW))
write("validate", "inputs\n" + json.dumps(tbr.INPUT_F))
for coll, items in rd.ITEM_DATA:
    for body in (items.values() if isinstance(items, dict) else items):
        write("validate", coll + "\n" + json.dumps(symbolic_to_ids(body)))
for fn in (tbr.field_cases, tbr.string_cases, tbr.json_cases, tbr.rule_cases):
    for c in fn():
        if c.method not in ("POST", "PATCH") or c.body is None or callable(c.body):
            continue
        path = c.path if isinstance(c.path, str) else None
        coll = "reviews" if path == "v1/reviews" else None
        if coll is None:        # an item collection: the posting lambda names it
            consts = c.path.__code__.co_consts if callable(c.path) else ()
            names = [x for x in consts if isinstance(x, str) and x in tbr.VALID]
            coll = names[0] if names else None
        if coll is None and callable(c.path):
            cells = [x.cell_contents for x in (c.path.__closure__ or ())]
            names = [x for x in cells if isinstance(x, str) and x in tbr.VALID]
            coll = names[0] if names else None
        if coll is None:
            continue
        body = c.body if isinstance(c.body, bytes) else json.dumps(symbolic_to_ids(c.body)
                                                                   ).encode()
        mode = " patch" if c.method == "PATCH" else ""
        write("validate", (coll + mode + "\n").encode() + body)

# ---- path: "<uri>?<query>"
for uri in ["/isms/api/v1/health", "/isms/api/v1/reviews", "/isms/api/v1/reviews/1",
            "/isms/api/v1/reviews/12/actions/3", "/isms/api/v1/reviews/1/submit",
            "/isms/api/v1/reviews/1/check", "/isms/api/v1/reviews/01", "/v1/reviews/0",
            "/isms/api/v1/reviews/1234567890123456", "/x/v1x/v1/audit/verify",
            "/isms/api/v1/reviews/1/unknown", "/isms/api/v1/objectives/7/measurements",
            "/isms/api/v1/calendar.ics", "/isms/api/v1/reviews//1", "/isms/api/v1/reviews/1/",
            "/v1", "/isms/api/v1/actions/5/updates", "/isms/api/v1/reports/dashboard"]:
    write("path", uri)
# every route of the module's table (mod_ismsreview/core/isms_route_table.c)
with open(os.path.join(top, "mod_ismsreview", "core", "isms_route_table.c")) as f:
    for pattern in re.findall(r'\] = "(v1/[^"]*)"', f.read()):
        write("path", "/isms/api/" + pattern.replace("{id}", "3").replace("{coll}", "actions")
              .replace("{wf}", "submit"))
for q in ["limit=10&cursor=5", "limit=0", "limit=201", "limit=abc", "cursor=-1",
          "status=OPEN&priority=HIGH", "status=open", "owner=alice%20b", "a=1&a=2", "a=%zz",
          "a=%00", "a=%C3%A9", "a=%ff", "+=+", "review_type=SCHEDULED&status=DRAFT",
          "from=2026-01-31&to=400", "from=2024-02-29&to=-366", "from=1900-01-01&to=-1",
          "title=" + "x" * 300, "category=D1_NC_CA&trend=STABLE", "&&&", "=", "limit=18446744073709551616"]:
    write("path", "/isms/api/v1/reviews/1/actions?" + q)
    write("path", "/isms/api/v1/reviews?" + q)

# ---- sql: byte 0 selects %s (0) %d (1) %f (2) %k (3)
for s in TRICKY + ["O'Brien", "''", "'; DROP TABLE t; --", "\\'", "%s %d", "\x00nul",
                   "a\x00b", "\ud7ff", "\xed\xa0\x80".encode("latin-1").decode("latin-1")]:
    write("sql", b"\x00" + s.encode("utf-8", "surrogatepass"))
write("sql", b"\x00" + b"\xc0\xaf")
write("sql", b"\x00" + b"\xed\xa0\x80")
write("sql", b"\x00" + b"\xf4\x90\x80\x80")
for v in [0, 1, -1, 2**63 - 1, -2**63, 1234567890123]:
    write("sql", b"\x01" + struct.pack("<q", v))
for v in [0.0, -0.0, 0.1, 1e308, 5e-324, 2.5, float("inf"), float("nan"), 123456.789]:
    write("sql", b"\x02" + struct.pack("<d", v))
for k in ["review", "t.v", "a-b", "x y", "\"q\"", "", "_9"]:
    write("sql", b"\x03" + k.encode())

# ---- escape: the text
for s in TRICKY:
    write("escape", s.encode("utf-8", "surrogatepass"))

# ---- canon: JSON documents
for d in [tbr.VALID["reviews"], rd.REVIEW, rd.ATTENDEES, {"b": 1, "a": [1.5, -0.0, 1e300]},
          {"é": "ü", "a": {"z": None, "y": True}}, "x\u0001\u007f\"\\/", 0.1, 12345678901234,
          {"": {"": []}}, [1e-7, 3.14159, 2 ** 53 + 1]]:
    write("canon", json.dumps(d, ensure_ascii=False))
write("canon", '{"a":1, "a":2}')
write("canon", '"\\ud83d\\ude00"')

# ---- audit: a byte stream the target reads as event values and a mutation
for i in range(8):
    ev = bytes([3]) + b"".join(
        bytes([5]) + b"alice" + bytes([1, 4]) + b"10.0" + bytes([4]) + b"rq-1" + bytes([0]) +
        bytes([4]) + b"POST" + bytes([10]) + b"v1/reviews" + bytes([4]) + b"post" +
        bytes([1, 6]) + b"review" + bytes([k + 1, 1, 50]) + bytes([9]) + b'{"a":"x"}' +
        bytes([0]) for k in range(3))
    write("audit", ev + bytes([i, 1, 2 + i, 3, 0x41]))

# ---- attach: Content-Disposition values of an upload
for cd in ["attachment; filename*=UTF-8''Pr%C3%BCfbericht%202026%20%E2%80%93%20Q1.pdf",
           'attachment; filename="minutes 2026.txt"', "Attachment ; filename=minutes.txt",
           "attachment; filename=\"a.pdf\"; filename*=UTF-8'de'%C3%A4.pdf",
           "attachment; filename*=UTF-8''a%2Fb.pdf", "attachment; filename*=UTF-8''a%00.exe",
           "attachment; filename*=ISO-8859-1''%E4.pdf", "inline; filename=\"x.pdf\"",
           "attachment; filename=\"unterminated", "attachment; filename*=UTF-8''%",
           "attachment; size=12; filename*=UTF-8''%22quoted%22%5C.txt",
           "attachment; filename=\"x.pdf\"garbage", "attachment;filename*=UTF-8''..",
           "attachment; filename*=UTF-8''" + "%C3%A9" * 100, "attachment"]:
    write("attach", cd)
