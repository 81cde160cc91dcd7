#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Memory of the Apache children while evidence attachments move (issue 13): a 50 MB upload,
then the evidence pack of a sealed review with 200 MB of attachments, downloaded twice (the
first download builds the pack, the second sends the kept one).

For each phase the peak RSS (VmHWM) of every child is reset before (writing 5 to
/proc/PID/clear_refs; needs root or the children's owner) and read after; the figure is the
largest peak minus that child's RSS before. The other design, the same bytes as a BLOB
through libdbi, is measured by bench/blob_quote.c.

    bench/attach_rss.py                 # SQLite, 50 MB upload, 4 x 50 MB attachments
    ATTACH_MB=20 ATTACH_FILES=2 bench/attach_rss.py
    BENCH_DB=pgsql bench/attach_rss.py

Prints one line per phase and exits 1 if a phase failed (not on memory figures: they are
measurements, the limits are in tests/integration/test_attachments.py)."""

import hashlib
import http.client
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import harness  # noqa: E402
from workflow_helpers import Api, build_review  # noqa: E402

MB = 1024 * 1024


def children(parent):
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                out.append(int(pid))
        except OSError:
            pass
    return out


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Peak:
    """Peak RSS growth of the children of parent across a block."""

    def __init__(self, parent):
        self.parent = parent

    def __enter__(self):
        self.before = {}
        for pid in children(self.parent):
            try:
                with open("/proc/%d/clear_refs" % pid, "w") as f:
                    f.write("5")
                self.before[pid] = status_kb(pid, "VmRSS")
            except OSError:
                pass
        return self

    def __exit__(self, *exc):
        self.growth_kb, self.rss_kb = 0, 0
        for pid, before in self.before.items():
            try:
                hwm = status_kb(pid, "VmHWM")
            except OSError:
                continue
            if hwm - before > self.growth_kb:
                self.growth_kb, self.rss_kb = hwm - before, hwm
        return False


def pdf_stream(size, seed):
    """A PDF header and incompressible bytes, size in all, generated in 1 MiB blocks."""
    head = b"%PDF-1.4\n% evidence " + seed.encode() + b"\n"
    yield head
    left, block = size - len(head), hashlib.sha256(seed.encode()).digest() * 32768
    n = 0
    while left > 0:
        chunk = hashlib.sha512(block[:64] + str(n).encode()).digest() * 16384
        chunk = chunk[:min(left, MB)]
        yield chunk
        left -= len(chunk)
        n += 1


def upload(httpd, rid, size, seed):
    conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=600)
    hdrs = {"Authorization": httpd.auth_header("author"), "Content-Type": "application/pdf",
            "Content-Length": str(size), "Connection": "close",
            "Content-Disposition": "attachment; filename*=UTF-8''" +
            urllib.parse.quote("evidence-%s.pdf" % seed)}
    conn.putrequest("POST", "/isms/api/v1/reviews/%d/attachments" % rid)
    for k, v in hdrs.items():
        conn.putheader(k, v)
    conn.endheaders()
    for chunk in pdf_stream(size, seed):
        conn.send(chunk)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def download(httpd, path, save=None):
    """(status, bytes received) without keeping the body in memory (written to save)."""
    conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=600)
    conn.request("GET", path, headers={"Authorization": httpd.auth_header("auditor"),
                                       "Connection": "close"})
    resp = conn.getresponse()
    n = 0
    out = open(save, "wb") if save else None
    while True:
        b = resp.read(MB)
        if not b:
            break
        n += len(b)
        if out:
            out.write(b)
    if out:
        out.close()
    conn.close()
    return resp.status, n


def verify_rss(path):
    """(exit code, peak RSS in MB) of ismsreview-admin verify-evidence on the pack."""
    import resource
    import subprocess
    p = subprocess.run([harness.admin_path(), "verify-evidence", path], capture_output=True,
                       text=True)
    return p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main():
    size = int(os.environ.get("ATTACH_MB", "50")) * MB
    nfiles = int(os.environ.get("ATTACH_FILES", "4"))
    base = harness.make_basedir("isms-attach-rss-")
    ev = os.path.join(base, "evidence")
    os.makedirs(ev)
    harness._chown_service(ev)
    db_args, pg = None, None
    if os.environ.get("BENCH_DB") == "pgsql":
        pg = harness.Postgres()
        pg.create_db("isms_rss")
        db_args = pg.db_args("isms_rss")
        rc, out = harness.migrate(db_args)
        assert rc == 0, out
    h = harness.Httpd(os.path.join(base, "srv"), db_args=db_args,
                      extra_conf="ISMSReviewEvidenceDir %s\n<Location /isms/api>\n"
                                 "  ISMSReviewMaxAttachment %d\n</Location>\n" % (ev, size + MB))
    failed = 0
    try:
        h.start()
        api = Api(h)
        rid = build_review(api, True, title="Attachment memory")["id"]
        upload(h, rid, 64 * 1024, "warm-up")        # the children have loaded everything
        for i in range(nfiles):
            t = time.time()
            with Peak(h.pid) as pk:
                st, body = upload(h, rid, size, "file%d" % i)
            ok = st == 201
            failed |= not ok
            print("upload %d MB #%d: %s in %.1f s, child peak RSS %d MB, growth %.1f MB"
                  % (size // MB, i + 1, st, time.time() - t, pk.rss_kb // 1024,
                     pk.growth_kb / 1024.0))
        api.move(rid, "submit", user="author")
        api.move(rid, "approve", user="approver")
        saved = os.path.join(base, "pack.zip")
        for label in ("build", "kept"):
            t = time.time()
            with Peak(h.pid) as pk:
                st, n = download(h, "/isms/api/v1/reviews/%d/evidence" % rid, saved)
            failed |= st != 200
            print("evidence pack (%s): %s, %d MB in %.1f s, child peak RSS %d MB, growth "
                  "%.1f MB" % (label, st, n // MB, time.time() - t, pk.rss_kb // 1024,
                               pk.growth_kb / 1024.0))
        rc, rss = verify_rss(saved)
        failed |= rc != 0
        print("verify-evidence of the %d MB pack: exit %d, peak RSS %d MB"
              % (os.path.getsize(saved) // MB, rc, rss))
        h.check_error_log()
    finally:
        h.stop()
        if pg:
            pg.destroy()
        if not os.environ.get("ISMS_KEEP"):
            import shutil
            shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
