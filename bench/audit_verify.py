#!/usr/bin/python3
"""Cost of GET v1/audit/verify as the audit trail grows (issue 15, point 6).

Builds a SQLite database with N chained audit events (default 10**6; hashes as the module
computes them, tests/integration/workflow_helpers.event_hash), starts Apache with the module
from the build tree on it, and times: the whole-chain verify (paged, bounded memory), the
verify from a checkpoint 100 events before the head, and `ismsreview-admin verify`. Prints one
line per measurement and the peak RSS of the Apache children.

    ISMS_BUILDDIR=$PWD bench/audit_verify.py [N]
"""
import os
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import harness                                   # noqa: E402
import workflow_helpers as wh                    # noqa: E402


def fill(dbfile, n):
    con = sqlite3.connect(dbfile)
    prev, rows = wh.ZERO_HASH, []
    t0 = time.time()
    for seq in range(1, n + 1):
        ev = {"seq": seq, "created_at": "2026-01-01T00:00:00Z", "actor": "nobody",
              "roles": "", "client": "127.0.0.1", "request_id": "bench-%d" % seq,
              "method": "POST", "path": "v1/reviews", "action": "POST v1/reviews",
              "entity": "review", "entity_id": None, "review_id": None, "status": 403,
              "before": None, "after": None, "prev_hash": prev}
        h = wh.event_hash(ev)
        rows.append((seq, ev["created_at"], ev["actor"], ev["roles"], ev["client"],
                     ev["request_id"], ev["method"], ev["path"], ev["action"], ev["entity"],
                     None, None, 403, None, None, prev, h))
        prev = h
        if len(rows) == 50000:
            con.executemany("INSERT INTO audit_event (seq, created_at, actor, roles, client, "
                            "request_id, method, path, action, entity, entity_id, review_id, "
                            "status, before_state, after_state, prev_hash, hash) VALUES "
                            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            rows = []
    if rows:
        con.executemany("INSERT INTO audit_event (seq, created_at, actor, roles, client, "
                        "request_id, method, path, action, entity, entity_id, review_id, "
                        "status, before_state, after_state, prev_hash, hash) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (n, prev))
    con.commit()
    con.close()
    print("filled %d events in %.1f s" % (n, time.time() - t0))
    return prev


def timed(label, fn):
    t0 = time.time()
    out = fn()
    print("%-40s %8.3f s" % (label, time.time() - t0))
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10 ** 6
    base = harness.make_basedir(prefix="isms-bench-verify-")
    h = harness.Httpd(base, mpm="event")
    dbfile = os.path.join(h.db_dir, "isms.db")
    rc, out = harness.migrate(h.db_args)
    assert rc == 0, out
    head = fill(dbfile, n)
    if os.getuid() == 0:
        subprocess.run(["chown", "-R", "%s:%s" % (harness.SERVICE_USER, harness.SERVICE_GROUP),
                        h.db_dir], check=True)
    h.start()
    try:
        api = wh.Api(h)
        full = timed("GET v1/audit/verify (whole chain)", lambda: api.verify())
        assert full["valid"] and full["events"] == n and full["head"] == head, full
        cp = n - 100
        cph = api.get("v1/audit?cursor=%d&limit=1" % (cp - 1), user="auditor")["items"][0]
        inc = timed("GET v1/audit/verify?after=N-100&head=H", lambda: api.get(
            "v1/audit/verify?after=%d&head=%s" % (cp, cph["hash"]), user="auditor"))
        assert inc == full, inc
        timed("ismsreview-admin verify", lambda: harness.migrate(h.db_args, "verify"))
        rss = subprocess.run(["ps", "-o", "rss=", "--ppid", str(h.read_pid())],
                             capture_output=True, text=True).stdout.split()
        print("peak RSS of the Apache children now: %s MB" % max(int(x) // 1024 for x in rss))
    finally:
        h.stop()


if __name__ == "__main__":
    main()
