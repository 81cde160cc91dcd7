# SPDX-License-Identifier: Apache-2.0
"""Evidence attachments (issue 13), end to end through a real Apache on every backend:
upload (streamed, content-addressed under ISMSReviewEvidenceDir), list, download (re-hashed on
every download), delete while a draft, refusal after approval (API and database guards),
progress-update attachments after approval, 413, 415 (allow-list and declared type against
the magic bytes), the evidence pack with attachments/ and verify-evidence, and a file changed
below the API reported by download, `ismsreview-admin verify` and the pack.
"""

import hashlib
import io
import json
import os
import re
import stat
import struct
import urllib.parse
import zipfile
import zlib

import pytest

import harness
from workflow_helpers import Api, Db, build_review

HEX64 = re.compile(r"^[0-9a-f]{64}$")
KEYS = {"id", "review_id", "filename", "media_type", "size", "sha256", "uploaded_by",
        "uploaded_at", "item"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = b"Attendance list\nAlice (CISO)\nBob (CEO)\n"
CSV = b"kpi,value,unit\nmttp,12,days\nincidents,3,count\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"


def png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def docx():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Override PartName="/word/'
                   'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://'
                   'schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    return b.getvalue()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def evidence_dir(basedir):
    d = os.path.join(basedir, "evidence")
    os.makedirs(d, exist_ok=True)
    harness._chown_service(d)
    return d


@pytest.fixture
def ev(basedir):
    return evidence_dir(basedir)


@pytest.fixture
def srv(make_httpd, backend, ev):
    return make_httpd(db_args=backend.db_args,
                      extra_conf="ISMSReviewEvidenceDir %s\n"
                                 "<Location /isms/api>\n  ISMSReviewMaxAttachment 65536\n"
                                 "</Location>\n" % ev).start()


def disposition(name):
    return "attachment; filename*=UTF-8''" + urllib.parse.quote(name, safe="")


def upload(api, rid, data, ctype, name, item=None, user="author", headers=None):
    path = "v1/reviews/%d/attachments" % rid
    if item:
        path += "?item=" + item
    h = {"Content-Type": ctype, "Content-Disposition": disposition(name)}
    h.update(headers or {})
    return api.call("POST", path, user=user, body=data, headers=h)


def uploaded(api, rid, data, ctype, name, item=None, user="author"):
    st, h, doc = upload(api, rid, data, ctype, name, item, user)
    assert st == 201, "upload %s: %d %r" % (name, st, doc)
    assert set(doc) == KEYS, doc
    assert doc["sha256"] == sha256(data) and doc["size"] == len(data), doc
    assert doc["filename"] == name and doc["media_type"] == ctype, doc
    assert doc["item"] == item and doc["review_id"] == rid and doc["uploaded_by"] == user, doc
    assert h["location"].endswith("/isms/api/v1/attachments/%d" % doc["id"]), h
    return doc


def download(api, att_id, user="auditor"):
    return api.h.request("GET", api.path("v1/attachments/%d" % att_id), user=user)


def listed(api, rid, user="auditor"):
    return api.get("v1/reviews/%d/attachments" % rid, user=user)["items"]


def stored_path(ev, digest):
    return os.path.join(ev, "sha256", digest[:2], digest)


def leftovers(ev):
    tmp = os.path.join(ev, "tmp")
    return os.listdir(tmp) if os.path.isdir(tmp) else []


def test_upload_list_download_delete(srv, backend, ev):
    api = Api(srv)
    r = build_review(api, True, title="Attachments in a draft")
    rid = r["id"]
    name = "Prüfbericht 2026 – Q1.pdf"        # non-ASCII, spaces: RFC 6266 filename*
    a = uploaded(api, rid, PDF, "application/pdf", name)
    b = uploaded(api, rid, png(), "image/png", "kpi.png", item="actions/%d" % r["action"])
    c = uploaded(api, rid, CSV, "text/csv", "kpi.csv", item="inputs/%d" % r["inputs"]["D2"])
    d = uploaded(api, rid, docx(), DOCX_TYPE, "minutes.docx",
                 item="decisions/%d" % r["decisions"]["improve"])
    assert [x["id"] for x in listed(api, rid)] == [a["id"], b["id"], c["id"], d["id"]]
    assert listed(api, rid) == [a, b, c, d]
    # content-addressed, read-only, nothing left in tmp
    for x, data in ((a, PDF), (b, png()), (c, CSV)):
        p = stored_path(ev, x["sha256"])
        with open(p, "rb") as f:
            assert f.read() == data
        assert not os.stat(p).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert leftovers(ev) == []

    st, h, body = download(api, a["id"])
    assert st == 200 and body == PDF, (st, body[:200])
    assert h["content-type"] == "application/pdf"
    assert h["content-disposition"] == (
        "attachment; filename=\"Pr_fbericht 2026 _ Q1.pdf\"; filename*=UTF-8''"
        "Pr%C3%BCfbericht%202026%20%E2%80%93%20Q1.pdf"), h
    assert h["x-content-type-options"] == "nosniff"
    assert "sandbox" in h["content-security-policy"], h
    assert h["etag"] == '"sha256-%s"' % a["sha256"]
    assert h["content-length"] == str(len(PDF))

    # delete while a draft; the row goes, the download is a 404
    st, _, _ = api.call("DELETE", "v1/attachments/%d" % b["id"])
    assert st == 204
    assert [x["id"] for x in listed(api, rid)] == [a["id"], c["id"], d["id"]]
    st, _, body = download(api, b["id"])
    assert st == 404, (st, body)

    # the file stays (a sealed version or another row may name the same bytes); verify
    # lists it as unused
    assert os.path.exists(stored_path(ev, b["sha256"]))
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                     "--evidence-dir", ev, "verify"])
    assert p.returncode == 0 and "attachments: 3 checked, intact" in p.stdout, p.stdout
    unused = [l for l in p.stdout.splitlines() if l.startswith("attachment file unused")]
    assert unused == ["attachment file unused (may be removed): %s"
                      % stored_path(ev, b["sha256"])], p.stdout

    # the audit trail has the uploads (with their hashes) and the deletion
    events = api.audit(review=rid, entity="attachment")
    ups = [e for e in events if e["method"] == "POST" and e["status"] == 201]
    assert sorted(e["after"]["sha256"] for e in ups) == sorted(
        x["sha256"] for x in (a, b, c, d)), ups
    dels = [e for e in events if e["method"] == "DELETE"]
    assert len(dels) == 1 and dels[0]["status"] == 204 and dels[0]["entity_id"] == b["id"]
    assert dels[0]["before"]["sha256"] == b["sha256"], dels


def test_permissions_and_bad_requests(srv, backend, ev):
    api = Api(srv)
    r = build_review(api, True, title="Attachment refusals")
    rid = r["id"]
    path = "v1/reviews/%d/attachments" % rid
    cases = [
        # (user, headers, query, body, status)
        ("approver", {}, "", PDF, 403),                          # not an author
        ("author", {"Content-Disposition": None}, "", PDF, 400),  # no file name
        ("author", {"Content-Disposition": "attachment; filename*=UTF-8''a%2Fb.pdf"}, "",
         PDF, 400),                                               # a path
        ("author", {"Content-Disposition": "inline; filename=\"x.pdf\""}, "", PDF, 400),
        ("author", {}, "?item=actions", PDF, 400),
        ("author", {}, "?item=nosuch/1", PDF, 400),
        ("author", {}, "?item=actions/999999", PDF, 404),
        ("author", {}, "?item=actions/1&x=1", PDF, 400),
        ("author", {}, "", b"", 400),                             # empty
        ("author", {"Content-Encoding": "gzip"}, "", PDF, 415),
        ("author", {"Content-Type": None}, "", PDF, 415),
    ]
    for user, hdrs, query, body, status in cases:
        h = {"Content-Type": "application/pdf", "Content-Disposition": disposition("x.pdf")}
        h.update(hdrs)
        h = {k: v for k, v in h.items() if v is not None}
        st, rh, doc = srv.request("POST", api.path(path + query), user=user, body=body,
                                  headers=h)
        assert st == status, (user, hdrs, query, st, doc)
        assert rh["content-type"].startswith("application/problem+json"), rh
    # the plain forms of the file name are accepted too (RFC 6266 filename="..." and a token)
    for cd, name in (('attachment; filename="minutes 2026.txt"', "minutes 2026.txt"),
                     ("Attachment; filename=minutes.txt", "minutes.txt")):
        st, _, doc = srv.request("POST", api.path(path), user="author", body=TEXT,
                                 headers={"Content-Type": "text/plain",
                                          "Content-Disposition": cd})
        assert st == 201 and json.loads(doc)["filename"] == name, (st, doc)
        st, _, _ = api.call("DELETE", "v1/attachments/%d" % json.loads(doc)["id"])
        assert st == 204
    st, _, _ = api.call("POST", "v1/reviews/999999/attachments", body=PDF,
                        headers={"Content-Type": "application/pdf",
                                 "Content-Disposition": disposition("x.pdf")})
    assert st == 404
    assert listed(api, rid) == []
    assert leftovers(ev) == []
    # reading needs a role; a reader without one gets 403
    st, _, _ = download(api, 1, user="nobody")
    assert st == 403


def test_413_and_415(srv, backend, ev):
    api = Api(srv)
    rid = build_review(api, True, title="Attachment limits")["id"]
    # above ISMSReviewMaxAttachment (65536): by Content-Length and when chunked
    big = b"A" * 70000
    st, h, doc = upload(api, rid, big, "text/plain", "big.txt")
    assert st == 413 and doc["type"].endswith("too-large"), (st, doc)

    chunked = b"".join(b"1000\r\n" + b"B" * 4096 + b"\r\n" for _ in range(20)) + b"0\r\n\r\n"
    st, h, doc = srv.request("POST", api.path("v1/reviews/%d/attachments" % rid),
                             user="author", body=chunked,
                             headers={"Content-Type": "text/plain",
                                      "Content-Disposition": disposition("chunked.txt"),
                                      "Transfer-Encoding": "chunked"})
    assert st == 413, (st, doc)
    # declared type against the magic bytes, and the allow-list
    for data, ctype, name in ((PDF, "image/png", "fake.png"), (HTML, "text/plain", "page.txt"),
                              (png(), "application/pdf", "fake.pdf"),
                              (HTML, "text/html", "page.html"),
                              (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml",
                               "x.svg"),
                              (PDF, DOCX_TYPE, "fake.docx")):
        st, h, doc = upload(api, rid, data, ctype, name)
        assert st == 415, (name, st, doc)
        assert doc["type"].endswith("unsupported-media-type"), doc
    assert listed(api, rid) == []
    assert leftovers(ev) == []
    # every refusal is in the audit trail, nothing else about attachments
    events = api.audit(review=rid, entity="attachment")
    assert sorted({e["status"] for e in events}) == [413, 415], events
    # an accepted type with its own magic is fine
    uploaded(api, rid, TEXT, "text/plain", "list.txt")


def test_allow_list_directive(make_httpd, backend, ev):
    h = make_httpd(db_args=backend.db_args,
                   extra_conf="ISMSReviewEvidenceDir %s\n<Location /isms/api>\n"
                              "  ISMSReviewAttachmentTypes text/plain\n</Location>\n" % ev)
    h.start()
    api = Api(h)
    rid = build_review(api, True, title="Allow-list")["id"]
    st, _, doc = upload(api, rid, PDF, "application/pdf", "x.pdf")
    assert st == 415 and "ISMSReviewAttachmentTypes" in doc["detail"], doc
    uploaded(api, rid, TEXT, "text/plain", "x.txt")


def test_sealed_after_approval(srv, backend, ev):
    api = Api(srv)
    r = build_review(api, True, title="Sealed attachments")
    rid = r["id"]
    a = uploaded(api, rid, PDF, "application/pdf", "audit-report.pdf")
    b = uploaded(api, rid, TEXT, "text/plain", "attendance.txt", item="actions/%d" % r["action"])
    api.move(rid, "submit", user="author")
    # submitted: not editable either
    st, _, doc = upload(api, rid, CSV, "text/csv", "late.csv")
    assert st == 409, (st, doc)
    api.move(rid, "approve", user="approver")
    # the sealed content lists the attachments with their hashes
    sealed = api.get("v1/reviews/%d?version=1" % rid, user="auditor")
    assert [(x["id"], x["sha256"], x["size"]) for x in sealed["attachments"]] == \
        [(a["id"], a["sha256"], a["size"]), (b["id"], b["sha256"], b["size"])], sealed
    hist = api.history(rid)
    assert hist["live_matches_seal"] is True, hist
    # the API refuses to add or delete
    st, _, doc = upload(api, rid, CSV, "text/csv", "late.csv")
    assert st == 409 and doc["type"].endswith("not-editable"), doc
    st, _, doc = api.call("DELETE", "v1/attachments/%d" % a["id"])
    assert st == 409, (st, doc)
    # and so does the database, whatever sends the statement
    db = Db(backend)
    db.refused("DELETE FROM attachment WHERE id = %d" % a["id"])
    db.refused("UPDATE attachment SET sha256 = '%s' WHERE id = %d" % ("0" * 64, a["id"]))
    db.refused("INSERT INTO attachment (review_id, item_kind, filename, media_type, size, "
               "sha256, uploaded_by, uploaded_at) VALUES (%d, 'review', 'x.pdf', "
               "'application/pdf', 1, '%s', 'x', 'now')" % (rid, "1" * 64))
    assert [x["id"] for x in listed(api, rid)] == [a["id"], b["id"]]
    # a progress update of an action still takes attachments (tracking data), by its owner
    upd = api.post("v1/actions/%d/updates" % r["action"],
                   {"status": "IN_PROGRESS", "progress": 30, "note": "window set up"},
                   user="owner")
    u = uploaded(api, rid, CSV, "text/csv", "patch-times.csv", item="updates/%d" % upd["id"],
                 user="owner")
    st, _, doc = upload(api, rid, CSV, "text/csv", "x.csv", item="updates/%d" % upd["id"],
                        user="nobody")
    assert st == 403, (st, doc)
    # ... which does not touch the seal
    assert api.history(rid)["live_matches_seal"] is True
    assert [x["id"] for x in listed(api, rid)] == [a["id"], b["id"], u["id"]]
    # amended: the draft v2 may drop an attachment; version 1 keeps it sealed
    api.move(rid, "amend", user="author", comment="new KPI export")
    st, _, _ = api.call("DELETE", "v1/attachments/%d" % a["id"])
    assert st == 204
    sealed = api.get("v1/reviews/%d?version=1" % rid, user="auditor")
    assert a["sha256"] in [x["sha256"] for x in sealed["attachments"]]


def members(body):
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def rezip(files, name, data):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files.items():
            z.writestr(n, data if n == name else d)
    return out.getvalue()


def verify_evidence(tmp_path, name, body):
    p = os.path.join(str(tmp_path), name)
    with open(p, "wb") as f:
        f.write(body)
    return harness.run_admin(["verify-evidence", p])


def pack(api, rid, query=""):
    st, h, body = api.h.request("GET", api.path("v1/reviews/%d/evidence%s" % (rid, query)),
                                user="auditor")
    assert st == 200, (st, body[:500])
    assert h["content-type"] == "application/zip"
    return body


def test_evidence_pack_with_attachments(srv, backend, ev, tmp_path):
    api = Api(srv)
    r = build_review(api, True, title="Pack with attachments")
    rid = r["id"]
    a = uploaded(api, rid, PDF, "application/pdf", "audit report.pdf")
    b = uploaded(api, rid, png(), "image/png", "kpi.png", item="objectives/%d" % r["objective"])
    # the draft's pack: every attachment of the review
    files = members(pack(api, rid))
    assert files["attachments/%d/audit report.pdf" % a["id"]] == PDF
    assert files["attachments/%d/kpi.png" % b["id"]] == png()
    m = json.loads(files["manifest.json"])
    listed_files = {f["name"]: f for f in m["files"]}
    for x in (a, b):
        f = listed_files["attachments/%d/%s" % (x["id"], x["filename"])]
        assert f["sha256"] == x["sha256"] and f["size"] == x["size"], f
    assert list(files)[-1] == "manifest.json"
    rc, out = verify_evidence(tmp_path, "draft.zip", pack(api, rid))
    assert rc == 0, out
    assert leftovers(ev) == []          # the draft's pack is not kept

    api.move(rid, "submit", user="author")
    api.move(rid, "approve", user="approver")
    body = pack(api, rid)
    rc, out = verify_evidence(tmp_path, "v1.zip", body)
    assert rc == 0, out
    files = members(body)
    assert json.loads(files["record.json"])["attachments"][0]["sha256"] == a["sha256"]
    # built once: the sealed pack is kept and the same bytes come back
    cached = os.listdir(os.path.join(ev, "packs"))
    assert len(cached) == 1 and cached[0].startswith("%d-v1-" % rid), cached
    api.post("v1/reviews", {"title": "Another review", "review_type": "SCHEDULED",
                            "planned_date": "2026-09-01"})   # moves the audit chain head
    assert pack(api, rid) == body and pack(api, rid, "?version=1") == body
    # an attachment changed in the pack (manifest rewritten to match is caught by the sealed
    # record; left alone, by the manifest)
    name = "attachments/%d/audit report.pdf" % a["id"]
    rc, out = verify_evidence(tmp_path, "bad.zip", rezip(files, name, PDF + b"%tampered\n"))
    assert rc == 1 and name in out, out
    m = json.loads(files["manifest.json"])
    for f in m["files"]:
        if f["name"] == name:
            f["sha256"] = sha256(PDF + b"x")
            f["size"] = len(PDF) + 1
    files2 = dict(files)
    files2[name] = PDF + b"x"
    files2["manifest.json"] = json.dumps(m).encode()
    rc, out = verify_evidence(tmp_path, "bad2.zip", rezip(files2, "", b""))
    assert rc == 1 and "sealed in record.json" in out, out


def test_tampered_file_detected(srv, backend, ev, tmp_path):
    api = Api(srv)
    r = build_review(api, True, title="Tampered attachment")
    rid = r["id"]
    a = uploaded(api, rid, PDF, "application/pdf", "report.pdf")
    ok = uploaded(api, rid, TEXT, "text/plain", "ok.txt")
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                     "--evidence-dir", ev, "verify"])
    assert p.returncode == 0 and "attachments: 2 checked, intact" in p.stdout, p.stdout
    # below the API: the stored bytes change
    path = stored_path(ev, a["sha256"])
    os.chmod(path, 0o644)
    bad = PDF.replace(b"1.4", b"1.7")
    with open(path, "wb") as f:
        f.write(bad)
    since = srv.log_size()
    st, h, body = download(api, a["id"])
    assert st == 500 and bad not in body and h["content-type"].startswith(
        "application/problem+json"), (st, body)
    assert json.loads(body)["type"].endswith("attachment-damaged")
    assert re.search(r"AH21401: attachment %d of review %d does not match" % (a["id"], rid),
                     srv.error_log_text(since)), srv.error_log_text(since)
    st, _, body = download(api, ok["id"])
    assert st == 200 and body == TEXT
    # the pack is refused rather than built with the bad bytes
    st, _, body = api.h.request("GET", api.path("v1/reviews/%d/evidence" % rid),
                                user="auditor")
    assert st == 500 and bad not in body, st
    assert "AH21402" in srv.error_log_text(since) or "21402" in srv.error_log_text(since)
    srv.allow(r"AH21401", r"21402")
    # and the admin tool names it
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args,
                                     "--evidence-dir", ev, "verify"])
    assert p.returncode == 1, p.stdout
    assert "attachment BROKEN: attachment %d of review %d" % (a["id"], rid) in p.stdout, p.stdout
    # a file gone is reported as well
    os.remove(path)
    st, _, body = download(api, a["id"])
    assert st == 500 and json.loads(body)["type"].endswith("attachment-unreadable")
    srv.allow(r"AH21403")


def test_attachments_disabled_without_dir(make_httpd, backend):
    h = make_httpd(db_args=backend.db_args).start()
    api = Api(h)
    rid = build_review(api, True, title="No evidence dir")["id"]
    st, _, doc = upload(api, rid, PDF, "application/pdf", "x.pdf")
    assert st == 501 and doc["type"].endswith("attachments-disabled"), (st, doc)


def test_memory_bounded(make_httpd, backend, ev):
    """A 50 MB upload and the pack of a sealed review with 100 MB of attachments do not grow
    an Apache child by the size of the data (peak RSS, bench/attach_rss.py's measurement)."""
    if backend.name != "sqlite3":
        pytest.skip("memory does not depend on the database")
    import sys
    sys.path.insert(0, os.path.join(harness.REPO, "bench"))
    import attach_rss
    size = 50 * attach_rss.MB
    h = make_httpd(db_args=backend.db_args,
                   extra_conf="ISMSReviewEvidenceDir %s\n<Location /isms/api>\n"
                              "  ISMSReviewMaxAttachment %d\n</Location>\n" % (ev, size))
    h.start()
    api = Api(h)
    rid = build_review(api, True, title="Memory")["id"]
    attach_rss.upload(h, rid, 4096, "warm-up")
    for i in range(2):
        with attach_rss.Peak(h.pid) as pk:
            st, body = attach_rss.upload(h, rid, size, "m%d" % i)
        assert st == 201, body
        assert pk.before, "no Apache child measured"
        assert pk.growth_kb < 20 * 1024, "a 50 MB upload grew a child by %d kB" % pk.growth_kb
    api.move(rid, "submit", user="author")
    api.move(rid, "approve", user="approver")
    with attach_rss.Peak(h.pid) as pk:
        st, n = attach_rss.download(h, api.path("v1/reviews/%d/evidence" % rid))
    assert st == 200 and n > 2 * size, (st, n)
    assert pk.growth_kb < 20 * 1024, "a 100 MB pack grew a child by %d kB" % pk.growth_kb


def test_export_import_round_trip(srv, backend, ev, basedir):
    """export/import carry the attachment rows (sealed ones and a progress update's added
    after approval); the imported database verifies against the same evidence directory."""
    import test_export_import as tx
    api = Api(srv)
    r = build_review(api, True, title="Attachments moved")
    rid = r["id"]
    uploaded(api, rid, PDF, "application/pdf", "report.pdf")
    uploaded(api, rid, TEXT, "text/plain", "list.txt", item="actions/%d" % r["action"])
    api.move(rid, "submit", user="author")
    api.move(rid, "approve", user="approver")
    upd = api.post("v1/actions/%d/updates" % r["action"], {"progress": 50, "note": "half"},
                   user="owner")
    uploaded(api, rid, CSV, "text/csv", "times.csv", item="updates/%d" % upd["id"],
             user="owner")
    files = tx._shared_dir(basedir, "files")
    first = tx._export(backend.db_args, os.path.join(files, "1.json"))
    rows = tx._tables(first)["attachment"]["rows"]
    assert len(rows) == 3, rows
    dst = tx._fresh_sqlite(basedir, "dst")
    rc, out = tx._admin(dst.db_args, "import", os.path.join(files, "1.json"))
    assert rc == 0, out
    tx._same_data(first, tx._export(dst.db_args, os.path.join(files, "2.json")))
    rc, out = tx._admin(dst.db_args, "--evidence-dir", ev, "verify")
    assert rc == 0 and "attachments: 5 checked, intact" in out, out


def test_idempotent_upload(srv, backend, ev):
    """A retried upload with the same Idempotency-Key gets the first answer and adds no row;
    the key with another file is a 422."""
    api = Api(srv)
    rid = build_review(api, True, title="Idempotent upload")["id"]
    key = {"Idempotency-Key": "upload-1"}
    st, _, first = upload(api, rid, PDF, "application/pdf", "r.pdf", headers=key)
    assert st == 201, first
    st, _, again = upload(api, rid, PDF, "application/pdf", "r.pdf", headers=key)
    assert st == 201 and again == first, (st, again)
    st, _, other = upload(api, rid, TEXT, "text/plain", "r.txt", headers=key)
    assert st == 422, (st, other)
    assert [x["id"] for x in listed(api, rid)] == [first["id"]]


def test_check_config_knows_the_directives(basedir, built):
    """ismsreview-admin check-config checks the attachment directives with the module's rules
    (and the shipped configuration, which sets ISMSReviewEvidenceDir, passes)."""
    conf = os.path.join(basedir, "cc")
    dbdir = os.path.join(basedir, "ccdb")
    os.makedirs(conf)
    os.makedirs(dbdir)
    harness._chown_service(dbdir)
    main = os.path.join(conf, "apache2.conf")
    good = ("ISMSReviewDatabase sqlite3 dbname=isms.db sqlite3_dbdir=%s\n"
            "ISMSReviewEvidenceDir %s/evidence\n<Location /isms/api>\n"
            "  ISMSReviewMaxAttachment 104857600\n"
            "  ISMSReviewAttachmentTypes application/pdf text/plain\n</Location>\n"
            % (dbdir, basedir))
    with open(main, "w") as f:
        f.write(good)
    rc, out = harness.run_admin(["check-config", main])
    assert rc == 0, out
    with open(main, "w") as f:
        f.write(good + "ISMSReviewEvidenceDir evidence\nISMSReviewMaxAttachment 10\n"
                "ISMSReviewAttachmentTypes pdf\n")
    rc, out = harness.run_admin(["check-config", main])
    assert rc == 1, out
    assert "apache2.conf:7: ISMSReviewEvidenceDir: must be an absolute directory path" in out
    assert "apache2.conf:8: ISMSReviewMaxAttachment: '10' is not a whole number" in out
    assert "apache2.conf:9: ISMSReviewAttachmentTypes: 'pdf' is not a media type" in out
    assert "3 check(s) failed" in out, out
