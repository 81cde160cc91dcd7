# SPDX-License-Identifier: Apache-2.0
"""The API contract and the record schema (issue 17 section 3, issue 12 "GET v1/schema"):
docs/openapi.json is what the core generates, it lints clean with @redocly/cli, the module
serves both documents, the response check of contract.py catches what it must, and
htdocs/fields.js agrees with the descriptors while it still restates them."""

import json
import os
import re
import shutil
import subprocess

import pytest

import contract
import harness
from harness import assert_json, assert_problem

OPENAPI = "/isms/api/v1/openapi.json"
SCHEMA = "/isms/api/v1/schema"


def admin_doc(command):
    out = subprocess.run([harness.admin_path(), command], check=True, capture_output=True,
                         timeout=60).stdout
    return out, json.loads(out)


def test_committed_contract_is_the_generated_one():
    committed = open(os.path.join(harness.REPO, "docs", "openapi.json"), "rb").read()
    generated, _ = admin_doc("openapi")
    assert committed == generated, (
        "docs/openapi.json differs from `ismsreview-admin openapi`: run `make openapi` "
        "and commit docs/openapi.json")


def test_contract_lints_clean_with_redocly():
    here = os.path.join(harness.REPO, "tests", "openapi")
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node/npm are not installed (apt-get install nodejs npm)")
    if not os.path.isdir(os.path.join(here, "node_modules", "@redocly")):
        if not os.access(here, os.W_OK):
            pytest.skip("@redocly/cli is not installed and %s is read-only" % here)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=here, check=True,
                       capture_output=True, timeout=600)
    r = subprocess.run([os.path.join(here, "node_modules", ".bin", "redocly"), "lint",
                        "--config", "redocly.yaml", "../../docs/openapi.json"], cwd=here,
                       capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Your API description is valid" in out, out
    assert not re.search(r"You have \d+ warning", out), out


def test_served_documents(httpd):
    _, openapi = admin_doc("openapi")
    _, schema = admin_doc("schema")
    served = assert_json(httpd.request("GET", OPENAPI, user="owner"), 200)
    assert served["servers"] == [{"url": "/isms/api"}]
    assert served == openapi
    assert assert_json(httpd.request("GET", SCHEMA, user="nobody"), 200) == schema
    # behind the same authentication as the rest of the API
    assert httpd.request("GET", SCHEMA)[0] == 401
    assert httpd.request("GET", OPENAPI)[0] == 401
    assert_problem(httpd.request("POST", SCHEMA, user="author", body={}), 405)


def test_schema_labels_and_flags(httpd):
    doc = assert_json(httpd.request("GET", SCHEMA, user="author"), 200)
    kinds = {k["kind"]: {f["name"]: f for f in k["fields"]} for k in doc["kinds"]}
    assert list(kinds) == ["review", "attendee", "input", "decision", "action",
                           "improvement", "change", "objective", "resource", "communication",
                           "person"]

    def label(kind, field, value):
        return {e["value"]: e["label"] for e in kinds[kind][field]["enum"]}[value]

    assert label("decision", "category", "ISMS_CHANGE") == "Change to the ISMS"
    assert label("communication", "what_type", "EXEC_SUMMARY") == "Executive summary"
    assert label("input", "category", "D4_OBJECTIVES") == \
        "d4) Fulfilment of information security objectives"
    act = kinds["action"]
    assert act["status"]["tracking"] and not act["status"]["sealed"]
    assert act["title"]["required"] and act["title"]["sealed"] and act["title"]["max_chars"] == 200
    assert act["ref"]["server_owned"]
    assert kinds["input"]["audit_refs"]["only_for"] == ["D3_AUDITS"]
    assert kinds["review"]["standards"]["items"]["type"] == "enum"
    bodies = {b["kind"] for b in doc["request_bodies"]}
    assert bodies == {"action update", "measurement", "transition", "waiver", "acknowledgement",
                      "action_snapshot", "previous_external"}
    snap = {f["name"]: f for b in doc["request_bodies"] if b["kind"] == "action_snapshot"
            for f in b["fields"]}
    assert snap["conclusion"]["required"]
    assert [e["value"] for e in snap["conclusion"]["enum"]] == ["CONTINUE", "REPLAN", "CLOSE",
                                                                "CANCEL"]
    assert all(e["label"] for e in snap["conclusion"]["enum"])


def test_the_labels_are_the_reports_labels(httpd):
    """The minutes head each input category with the descriptor's label."""
    doc = assert_json(httpd.request("GET", SCHEMA, user="author"), 200)
    cats = next(f for k in doc["kinds"] if k["kind"] == "input" for f in k["fields"]
                if f["name"] == "category")["enum"]
    rev = assert_json(httpd.request("POST", "/isms/api/v1/reviews", user="author",
                                    body={"title": "Labels", "review_type": "SCHEDULED",
                                          "planned_date": "2026-03-10"}), 201)
    st, hdrs, body = httpd.request("GET", "/isms/api/v1/reviews/%d/report?format=html"
                                   % rev["id"], user="author")
    assert st == 200, body[:300]
    html = body.decode()
    for c in cats:
        assert c["label"].replace("'", "&#39;") in html, c


# ---- the response check itself (contract.py): it fails on what it must

def test_contract_check_catches_gaps():
    c = contract.load(harness.admin_path())
    ok = {"content-type": "application/json; charset=utf-8"}
    prob = {"content-type": "application/problem+json; charset=utf-8"}
    health = json.dumps({"status": "ok", "database": "ok", "schema_version": 5}).encode()
    c.check("GET", "/isms/api/v1/health", 200, ok, health)
    with pytest.raises(contract.ContractError, match="was unexpected"):        # a field
        c.check("GET", "/isms/api/v1/health", 200, ok,
                json.dumps({"status": "ok", "database": "ok", "schema_version": 5,
                            "extra": 1}).encode())
    with pytest.raises(contract.ContractError, match="required property"):
        c.check("GET", "/isms/api/v1/health", 200, ok, b'{"status": "ok"}')
    with pytest.raises(contract.ContractError, match="status 418"):           # a status
        c.check("GET", "/isms/api/v1/health", 418, prob,
                b'{"type": "x", "title": "t", "status": 418}')
    with pytest.raises(contract.ContractError, match="no route"):             # a route
        c.check("GET", "/isms/api/v1/widgets", 200, ok, b"{}")
    with pytest.raises(contract.ContractError, match="no route"):             # a method
        c.check("PUT", "/isms/api/v1/reviews/1", 200, ok, b"{}")
    check = {"review_id": 1, "version": 1, "errors": 0, "warnings": 1, "blocking": 0,
             "unacknowledged": 1, "waivers": [], "acknowledgements": [],
             "findings": [{"rule": "MR-13", "severity": "W", "message": "m"}]}
    c.check("GET", "/isms/api/v1/reviews/1/check", 200, ok, json.dumps(check).encode())
    check["findings"][0]["severity"] = "MAYBE"
    with pytest.raises(contract.ContractError, match="is not one of"):        # an enum value
        c.check("GET", "/isms/api/v1/reviews/1/check", 200, ok, json.dumps(check).encode())
    with pytest.raises(contract.ContractError, match="query parameter"):      # a parameter
        c.check("GET", "/isms/api/v1/health?verbose=1", 200, ok, health)
    # an unknown path answered with a problem is fine; a problem must be one
    c.check("GET", "/isms/api/v1/widgets", 404, prob,
            b'{"type": "urn:x", "title": "Not found", "status": 404}')
    with pytest.raises(contract.ContractError):
        c.check("GET", "/isms/api/v1/widgets", 404, prob, b'{"title": "Not found"}')


# ---- htdocs/fields.js restates the descriptors: they must agree while it does

JS_TYPES = {"str": ("string", None), "txt": ("text", None), "enum": ("enum", None),
            "date": ("date", None), "bool": ("bool", None), "int": ("int", None),
            "num": ("number", None), "user": ("user", None), "ref": ("ref", None),
            "obj": ("object", None), "lenum": ("list", "enum"), "lstr": ("list", "string"),
            "lref": ("list", "ref"), "lobj": ("list", "object"),
            "pick": ("int", None)}      # an id picked from a register (programme_id)
F_CALL = re.compile(r"f\('(\w+)', '(\w+)'(?:, \{([^{}]*)\})?\)")


def parse_fields_js():
    src = open(os.path.join(harness.REPO, "htdocs", "fields.js")).read()
    enums = {m.group(1): re.findall(r"'(\w+)'", m.group(2))
             for m in re.finditer(r"^  (\w+): \[([^\]]*)\],$",
                                  src.split("export const ENUMS")[0], re.M)}
    body = src[src.index("export const KINDS = {"):src.index("\n};", src.index("KINDS"))]
    subs = {"conclusion": src[src.index("const conclusion = ["):].split("];")[0]}

    def keep_sub(m):
        subs["SUB%d" % len(subs)] = m.group(1)
        return "sub: SUB%d" % (len(subs) - 1)

    def calls(text):
        out = []
        for f in F_CALL.finditer(text):
            opts = {k: v.strip() for k, v in re.findall(r"(\w+): ([^,]+)", f.group(3) or "")}
            if "sub" in opts:
                opts["sub"] = calls(subs[opts["sub"]])
            out.append((f.group(1), f.group(2), opts))
        return out

    kinds = {}
    for m in re.finditer(r"^  (\w+): \[(.*?)^  \],", body, re.M | re.S):
        kinds[m.group(1)] = calls(re.sub(r"sub: \[([^\[\]]*)\]", keep_sub, m.group(2)))
    cats = re.findall(r"\['(\w+)', ", src[src.index("INPUT_CATEGORIES"):src.index("];",
                                          src.index("INPUT_CATEGORIES"))])
    return enums, kinds, cats


def test_fields_js_agrees_with_the_descriptors():
    _, schema = admin_doc("schema")
    by_name = {}
    for k in schema["kinds"]:
        by_name[k["kind"]] = by_name[k.get("collection", k["kind"])] = k
    enums, kinds, cats = parse_fields_js()
    assert len(kinds) == 10, sorted(kinds)     # the people register has its own admin form
    problems = []
    for kname, fields in kinds.items():
        kind = by_name[kname]
        desc = {f["name"]: f for f in kind["fields"]}
        seen = set()
        problems += compare(kname, fields, desc, enums, top=True)
    category = next(f for f in by_name["input"]["fields"] if f["name"] == "category")
    if cats != [v["value"] for v in category["enum"]]:
        problems.append("INPUT_CATEGORIES %s, server %s" % (cats, category["enum"]))
    assert not problems, "htdocs/fields.js and the descriptors disagree:\n" + "\n".join(problems)


def compare(kname, fields, desc, enums, top):
    """The differences between the fields of one kind (or sub-object) in fields.js and in
    v1/schema."""
    problems = []
    for name, t, opts in fields:
        if name not in desc:
            problems.append("%s.%s: not a field of the server" % (kname, name))
        else:
            problems += field_problems("%s.%s" % (kname, name), t, opts, desc[name], enums,
                                       top)
    return problems


def field_problems(what, t, opts, d, enums, top):
    out = []

    def differ(aspect, js, server):
        if js != server:
            out.append("%s: %s %s in fields.js, %s on the server" % (what, aspect, js, server))

    differ("type", JS_TYPES[t], (d["type"], d.get("items", {}).get("type")))
    if "e" in opts:
        values = d.get("enum") or d.get("items", {}).get("enum") or []
        differ("enum", enums[opts["e"].split(".")[1]], [v["value"] for v in values])
    if top or "req" in opts:         # the one-line sub-objects of a list mark none required
        differ("required", "req" in opts, d["required"])
    differ("tracking", "trk" in opts, d["tracking"])
    if "max" in opts and t == "str":
        differ("max", int(opts["max"]), d.get("max_chars"))
    for bound in ("min", "max"):
        if bound in opts and t == "int":
            differ(bound, float(opts[bound]), d.get(bound))
    if isinstance(opts.get("sub"), list):
        sub = d.get("fields") or d.get("items", {}).get("fields") or []
        out += compare(what, opts["sub"], {x["name"]: x for x in sub}, enums, top=False)
    return out


def test_delete_decision_and_objective(httpd):
    """The two operations the rest of the suite does not call, through the contract check:
    DELETE of a decision and of an objective of a draft (204), then 404."""
    api = "/isms/api/v1/reviews"
    rev = assert_json(httpd.request("POST", api, user="author",
                                    body={"title": "Deletes", "review_type": "SCHEDULED",
                                          "planned_date": "2026-03-10"}), 201)
    bodies = {"decisions": {"statement": "No change", "category": "NO_CHANGE_REQUIRED",
                            "clause_933_aspect": "NONE", "outcome": "NOTED",
                            "rationale": "The ISMS is fit as it is."},
              "objectives": {"statement": "Patch faster"}}
    for coll, body in bodies.items():
        item = assert_json(httpd.request("POST", "%s/%d/%s" % (api, rev["id"], coll),
                                         user="author", body=body), 201)
        url = "%s/%d/%s/%d" % (api, rev["id"], coll, item["id"])
        assert_problem(httpd.request("DELETE", url, user="author"), 428)
        st, _, _ = httpd.request("DELETE", url, user="author",
                                 headers={"If-Match": item["etag"]})
        assert st == 204
        assert_problem(httpd.request("GET", url, user="author"), 404)
