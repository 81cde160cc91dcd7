# SPDX-License-Identifier: Apache-2.0
"""The evidence pack (GET v1/reviews/{id}/evidence) and its offline verifier
(ismsreview-admin verify-evidence), end to end through a real Apache on every backend: the
ZIP of an approved review and of a draft, its files and manifest checked independently in
Python, the verifier's verdict on the pack and on the pack with one byte changed in each file
in turn, versions, who may download it, and what audit.json holds for each role (the review's
audit events for auditors and admins, who may read the audit trail; none for the others).
"""

import hashlib
import io
import json
import os
import re
import zipfile

import harness
from harness import assert_problem
from workflow_helpers import Api, ZERO_HASH, canon, event_hash, to_state

FILES = ["record.json", "record.html", "record.csv", "history.json", "findings.json",
         "audit.json", "manifest.json"]
MANIFEST_KEYS = {"review_id", "ref", "version", "status", "content_hash", "generated_at",
                 "generated_by", "chain_head", "chain_events", "audit_scope", "files",
                 "manifest_sha256"}
# audit.json's scope per role: GET v1/audit's rule
SCOPE = {"author": "withheld", "approver": "withheld", "auditor": "review", "admin": "review"}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def download(httpd, rid, user="auditor", query=""):
    """(status, headers, body) of GET v1/reviews/{rid}/evidence[?query]."""
    path = "v1/reviews/%d/evidence" % rid + ("?" + query if query else "")
    return httpd.request("GET", httpd.api(path), user=user)


def pack_of(httpd, rid, user="auditor", query=""):
    st, hdrs, body = download(httpd, rid, user, query)
    assert st == 200, "evidence of review %d as %s: %d %r" % (rid, user, st, body[:2000])
    assert hdrs.get("content-type") == "application/zip", hdrs
    harness.assert_api_headers(hdrs)
    return hdrs, body


def members(body):
    """{name: bytes} of the ZIP, in archive order (asserts there are no duplicates)."""
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert len(names) == len(set(names)), names
        for info in z.infolist():
            assert info.date_time == (2000, 1, 1, 0, 0, 0), info    # fixed, reproducible
        return {n: z.read(n) for n in names}


def rezip(files, name, change):
    """The pack written again with change(bytes) applied to file name."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, change(data) if n == name else data)
    return out.getvalue()


def flip_middle(data):
    b = bytearray(data)
    b[len(b) // 2] ^= 0x01
    return bytes(b)


def verify(path):
    return harness.run_admin(["verify-evidence", path])


def check_manifest(files, review_id):
    """The manifest lists every other file with its size and SHA-256 and hashes itself;
    returns it."""
    m = json.loads(files["manifest.json"])
    assert set(m) == MANIFEST_KEYS, m
    assert m["review_id"] == review_id
    listed = [f["name"] for f in m["files"]]
    assert listed == FILES[:-1], listed
    assert list(files) == FILES, list(files)
    for f in m["files"]:
        data = files[f["name"]]
        assert f["size"] == len(data), f
        assert f["sha256"] == sha256(data), f
    rest = {k: v for k, v in m.items() if k != "manifest_sha256"}
    assert m["manifest_sha256"] == sha256(canon(rest).encode()), m
    return m


def check_audit(files, m, review_id):
    """The audit extract: the review's events, each re-hashed here (workflow_helpers'
    independent implementation), in increasing seq, linked where consecutive."""
    audit = json.loads(files["audit.json"])
    assert audit["chain_head"] == m["chain_head"] and audit["chain_events"] == m["chain_events"]
    assert audit["scope"] == m["audit_scope"] == SCOPE[m["generated_by"]], (audit, m)
    assert audit["review_id"] == review_id
    events = audit["events"]
    if audit["scope"] == "withheld":
        assert events == [], events
        return events
    assert events, "no audit events for review %d" % review_id
    prev = None
    for ev in events:
        assert ev["review_id"] == review_id, ev
        assert event_hash(ev) == ev["hash"], ev
        if prev is not None:
            assert ev["seq"] > prev["seq"]
            if ev["seq"] == prev["seq"] + 1:
                assert ev["prev_hash"] == prev["hash"]
        elif ev["seq"] == 1:
            assert ev["prev_hash"] == ZERO_HASH
        prev = ev
    assert prev["seq"] <= m["chain_events"]
    return events


def test_approved_pack_verifies_and_names_every_changed_file(httpd, backend, tmp_path):
    api = Api(httpd)
    rid = to_state(api, "APPROVED")
    review, _ = api.review(rid)
    hdrs, body = pack_of(httpd, rid)
    assert hdrs.get("content-disposition") == \
        'attachment; filename="%s-v1-evidence.zip"' % review["ref"], hdrs
    files = members(body)
    m = check_manifest(files, rid)
    assert m["ref"] == review["ref"] and m["version"] == 1 and m["status"] == "APPROVED"
    assert m["generated_by"] == "auditor"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", m["generated_at"]), m

    # record.json: the sealed version as GET ?version=1 gives it; its hash is the seal's
    record = json.loads(files["record.json"])
    assert record == api.get("v1/reviews/%d?version=1" % rid)
    history = api.history(rid)
    assert m["content_hash"] == review["content_hash"] == record["content_hash"]
    assert [v["content_hash"] for v in history["versions"]] == [m["content_hash"]]
    assert json.loads(files["history.json"]) == history
    assert json.loads(files["findings.json"]) == api.check(rid)
    assert files["record.html"].startswith(b"<!DOCTYPE html>")
    assert review["ref"].encode() in files["record.html"]
    assert files["record.csv"].split(b"\r\n", 1)[0].count(b",") >= 3

    # the audit extract: every event of this review that the auditor's view shows, same hashes
    events = check_audit(files, m, rid)
    trail = api.audit(review=rid)
    assert [(e["seq"], e["hash"]) for e in events] == [(e["seq"], e["hash"]) for e in trail]
    assert {"submit", "approve"} <= {e["action"] for e in events}
    head = api.verify()
    assert head["valid"] and m["chain_events"] <= head["events"]

    path = str(tmp_path / "pack.zip")
    with open(path, "wb") as f:
        f.write(body)
    rc, out = verify(path)
    assert rc == 0, out
    assert out.startswith("verified:") and review["ref"] in out and m["content_hash"] in out

    # one byte changed in each file in turn: exit 1, and the output names that file
    for name in FILES:
        bad = str(tmp_path / ("bad-" + name + ".zip"))
        with open(bad, "wb") as f:
            f.write(rezip(files, name, flip_middle))
        rc, out = verify(bad)
        assert rc == 1, "%s changed, verify-evidence said %d:\n%s" % (name, rc, out)
        assert re.search(r"^\s+%s: " % re.escape(name), out, re.M), (name, out)

    # a file left out, a file added
    for label, data, name in (
            ("missing", rezip({k: v for k, v in files.items() if k != "audit.json"}, None, None),
             "audit.json"),
            ("unlisted", rezip(dict(files, **{"notes.txt": b"added\n"}), None, None),
             "notes.txt")):
        p = str(tmp_path / (label + ".zip"))
        with open(p, "wb") as f:
            f.write(data)
        rc, out = verify(p)
        assert rc == 1 and re.search(r"^\s+%s: " % re.escape(name), out, re.M), (label, out)


def test_draft_pack_and_versions(httpd, backend, tmp_path):
    api = Api(httpd)
    rid = to_state(api, "DRAFT")
    hdrs, body = pack_of(httpd, rid, user="author")
    files = members(body)
    m = check_manifest(files, rid)
    assert m["status"] == "DRAFT" and m["content_hash"] is None and m["version"] == 1
    record = json.loads(files["record.json"])
    assert record == api.review(rid)[0]
    check_audit(files, m, rid)
    path = str(tmp_path / "draft.zip")
    with open(path, "wb") as f:
        f.write(body)
    rc, out = verify(path)
    assert rc == 0, out

    # the same data, the same files (the manifest and the report carry the export time)
    again = members(pack_of(httpd, rid, user="author")[1])
    for name in ("record.json", "history.json", "findings.json", "audit.json"):
        assert again[name] == files[name], name

    # no sealed version 2 of a draft at version 1
    assert_problem(download(httpd, rid, query="version=2"), 404)
    for bad in ("0", "x", "", "-1"):
        assert_problem(download(httpd, rid, query="version=" + bad), 400)


def test_amended_review_keeps_its_sealed_version(httpd, backend, tmp_path):
    api = Api(httpd)
    rid = to_state(api, "DRAFT_V2")
    review, _ = api.review(rid)
    # the current version (2) is a draft: the live record; version 1 is sealed
    m2 = check_manifest(members(pack_of(httpd, rid)[1]), rid)
    assert m2["version"] == 2 and m2["content_hash"] is None
    hdrs, body = pack_of(httpd, rid, query="version=1")
    assert 'filename="%s-v1-evidence.zip"' % review["ref"] in hdrs["content-disposition"]
    files = members(body)
    m1 = check_manifest(files, rid)
    assert m1["version"] == 1 and m1["content_hash"] == \
        api.history(rid)["versions"][0]["content_hash"]
    assert json.loads(files["record.json"])["sealed"] is True
    path = str(tmp_path / "v1.zip")
    with open(path, "wb") as f:
        f.write(body)
    rc, out = verify(path)
    assert rc == 0, out


def test_who_may_download(httpd, backend):
    api = Api(httpd)
    rid = api.post("v1/reviews", {"title": "Access", "review_type": "SCHEDULED",
                                  "planned_date": "2026-03-10"})["id"]
    for user in ("author", "approver", "auditor", "admin"):
        assert download(httpd, rid, user=user)[0] == 200, user
    assert_problem(download(httpd, rid, user="nobody"), 403)
    assert_problem(download(httpd, rid, user="owner"), 403)
    assert download(httpd, rid, user=None)[0] == 401
    assert_problem(download(httpd, rid + 1000), 404)
    st, hdrs, _ = httpd.request("POST", httpd.api("v1/reviews/%d/evidence" % rid),
                                user="author", body={})
    assert st == 405 and "GET" in hdrs.get("allow", ""), (st, hdrs)


def save(tmp_path, name, body):
    path = str(tmp_path / name)
    with open(path, "wb") as f:
        f.write(body)
    return path


def test_pack_follows_the_audit_read_rule(httpd, backend, tmp_path):
    """audit.json carries the review's audit events (actors, client addresses, refused
    attempts) only for the roles GET v1/audit lets read the trail; the manifest says which,
    and verify-evidence verifies either pack."""
    api = Api(httpd)
    rid = to_state(api, "APPROVED")
    # a refused attempt by another user on this review is in the trail
    assert_problem(httpd.request("PATCH", httpd.api("v1/reviews/%d" % rid), user="approver",
                                 body={"title": "not yours"}), 403)
    for user, scope in sorted(SCOPE.items()):
        st, _, _ = httpd.request("GET", httpd.api("v1/audit?review=%d" % rid), user=user)
        assert st == (200 if scope == "review" else 403), (user, st)    # the rule followed
        files = members(pack_of(httpd, rid, user=user)[1])
        m = check_manifest(files, rid)
        assert m["audit_scope"] == scope, (user, m)
        events = check_audit(files, m, rid)
        if scope == "review":
            assert any(ev["status"] == 403 and ev["actor"] == "approver" for ev in events), \
                events
            assert all("client" in ev for ev in events)
        else:
            assert b'"client"' not in files["audit.json"], files["audit.json"]
        rc, out = verify(save(tmp_path, user + ".zip", pack_of(httpd, rid, user)[1]))
        assert rc == 0, (user, out)
        assert ("audit events withheld" in out) == (scope == "withheld"), (user, out)


def test_kept_sealed_pack_per_scope(make_httpd, backend, basedir):
    """With ISMSReviewEvidenceDir a sealed version's pack is built once and kept: once per
    audit scope, so the pack an auditor downloaded first never reaches an author."""
    ev = os.path.join(basedir, "evidence")
    os.makedirs(ev)
    harness._chown_service(ev)
    srv = make_httpd(db_args=backend.db_args, extra_conf="ISMSReviewEvidenceDir %s\n" % ev)
    srv.start()
    api = Api(srv)
    rid = to_state(api, "APPROVED")
    first = pack_of(srv, rid, user="auditor")[1]
    assert json.loads(members(first)["audit.json"])["events"]
    for user in ("author", "approver", "admin", "auditor"):
        files = members(pack_of(srv, rid, user=user)[1])
        m = check_manifest(files, rid)
        assert m["audit_scope"] == SCOPE[user], (user, m)
        audit = json.loads(files["audit.json"])
        assert (audit["events"] == []) == (SCOPE[user] == "withheld"), (user, audit)
    kept = sorted(os.listdir(os.path.join(ev, "packs")))
    assert [k.rsplit("-", 1)[1] for k in kept] == ["review.zip", "withheld.zip"], kept
    assert pack_of(srv, rid, user="auditor")[1] == first         # kept: the same bytes


def test_withheld_extract_with_events_is_refused(httpd, backend, tmp_path):
    """A pack whose manifest says the events are withheld but whose audit.json has events
    (manifest rewritten to match) fails verification, naming audit.json."""
    api = Api(httpd)
    rid = to_state(api, "DRAFT")
    files = members(pack_of(httpd, rid, user="author")[1])
    full = json.loads(members(pack_of(httpd, rid, user="auditor")[1])["audit.json"])
    audit = json.loads(files["audit.json"])
    audit["events"] = full["events"]
    files["audit.json"] = (json.dumps(audit, indent=2, sort_keys=True) + "\n").encode()
    m = json.loads(files["manifest.json"])
    for f in m["files"]:
        if f["name"] == "audit.json":
            f["size"], f["sha256"] = len(files["audit.json"]), sha256(files["audit.json"])
    m.pop("manifest_sha256")
    m["manifest_sha256"] = sha256(canon(m).encode())
    files["manifest.json"] = json.dumps(m).encode()
    rc, out = verify(save(tmp_path, "forged.zip", rezip(files, None, None)))
    assert rc == 1 and re.search(r"^\s+audit.json: .*withheld", out, re.M), out


def test_verify_evidence_usage(built, tmp_path):
    rc, out = harness.run_admin(["verify-evidence"])
    assert rc == 2 and "verify-evidence FILE.zip" in out
    rc, out = harness.run_admin(["verify-evidence", str(tmp_path / "absent.zip")])
    assert rc == 2 and "cannot read" in out
    rc, out = harness.run_admin(["verify-evidence", "a.zip", "b.zip"])
    assert rc == 2
    rc, out = harness.run_admin(["--help"])
    assert rc == 0 and "verify-evidence FILE.zip" in out
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    rc, out = harness.run_admin(["verify-evidence", str(junk)])
    assert rc == 1 and "NOT verified" in out
