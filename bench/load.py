#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Load test (issue 8, part 5): wrk with 64 connections for 60 s on a 90/10 read/write mix,
against an Apache with the module that this script starts itself (bench.py's set-up: the same
62-item review, once as a draft and once approved, Basic auth with {SHA} htpasswd entries),
on SQLite and/or PostgreSQL. Passes only with zero unexpected answers, zero socket errors and
zero warn-or-worse lines in Apache's error log; prints req/s, p50, p90, p99 and max latency.

Reads (9 of 10 requests, in turn): GET the draft review, GET the approved review, GET the
draft's actions, GET the approved review's sealed version 1, GET v1/me, GET v1/health.
Writes (1 of 10): POST v1/actions/{id}/updates, a progress update (tracking data: one write
transaction with the audit chain, and the review's row_version bump that invalidates its
cached rendering), in turn on the author's actions of both reviews. Item creation is measured
in bench.py; in a 60 s mix it would grow one review by thousands of actions.

Env: LOAD_DB (sqlite3,pgsql), LOAD_CONNECTIONS (64), LOAD_THREADS (2), LOAD_DURATION (60s),
     LOAD_WARMUP (5s), WRK_TIMEOUT (10s), ISMS_MPM (event), ISMS_KEEP (1: keep the server root),
     LOAD_WRITE_QUEUE (0: ISMSReviewWriteQueue for the run; its 503s are counted apart),
     LOAD_DB_CONNECTIONS (4: ISMSReviewConnections for the run, as the shipped conf; 0: one
     per thread), LOAD_WORKERS (4x50: event MPM children x threads).
Only 127.0.0.1 is targeted; wrk stops by itself after LOAD_DURATION.
"""

import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (also puts tests/integration on sys.path)
import harness  # noqa: E402

CONNS = os.environ.get("LOAD_CONNECTIONS", "64")
THREADS = os.environ.get("LOAD_THREADS", "2")
DURATION = os.environ.get("LOAD_DURATION", "60s")
WARMUP = os.environ.get("LOAD_WARMUP", "5s")
TIMEOUT = os.environ.get("WRK_TIMEOUT", "10s")
# ISMSReviewWriteQueue for the run (0: none); its 503 write-queue-full answers are counted
# apart, as refused writes a client retries, not as unexpected answers
WRITE_QUEUE = int(os.environ.get("LOAD_WRITE_QUEUE", "0"))
# ISMSReviewConnections for the run: 4, as the shipped conf/ismsreview.conf; 0: the
# module's default, one per thread
DB_CONNECTIONS = int(os.environ.get("LOAD_DB_CONNECTIONS", "4"))
API = bench.API

# 64 connections: 4 children x 50 threads, all started up front, so that no connection waits
# for a worker while writes wait for the database lock (mpm_event logs at error level when it
# runs short of spare threads)
# LOAD_WORKERS=CxT: C children x T threads instead (fewer workers than connections: the
# requests beyond them wait in the MPM's queue, first come first served, instead of running
# at once and preempting the ones that hold a database row lock)
WORKERS = os.environ.get("LOAD_WORKERS", "4x50")


def mpm_event(workers):
    c, t = (int(x) for x in workers.lower().split("x"))
    return ("StartServers %d\nServerLimit %d\nThreadsPerChild %d\nMaxRequestWorkers %d\n"
            "MinSpareThreads %d\nMaxSpareThreads %d\nAsyncRequestWorkerFactor 8\n"
            % (c, c, t, c * t, min(25, c * t), c * t))


MPM_EVENT = mpm_event(WORKERS)


def lua_string(s):
    return "[==[%s]==]" % s


def run_wrk(url, auth, duration, script):
    argv = ["wrk", "-t", THREADS, "-c", CONNS, "-d", duration, "--timeout", TIMEOUT,
            "--latency", "-H", "Authorization: " + auth, "-s", script, url]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=bench.seconds(duration)
                       + 120)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s%s" % (p.stdout, p.stderr))
    return p.stdout


def perf_summary(data):
    """The Apache children's profile (LOAD_PERF=1): inclusive time of the module's and the
    libraries' main functions, and self time."""
    res = []
    for title, args in (("inclusive (children)", ["--children", "--sort", "sym"]),
                        ("self", ["--no-children", "--sort", "dso,sym"])):
        p = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none",
                            "--percent-limit", "1.5"] + args, capture_output=True, text=True)
        lines = [l for l in p.stdout.splitlines() if l.strip() and not l.startswith("#") and
                 not re.search(r"\[\.\] (0x)?[0-9a-f]+\s*$", l)]
        res.append("  %s:\n%s" % (title, "\n".join(lines[:30])))
    return "\n".join(res)


# issue 16's targets for the load test
P99_MS, P999_MS = 250.0, 1000.0


def wrk_ms(v):
    """wrk's "1.38s", "54.08ms", "744.00us" as milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v or "")
    if not m:
        return float("inf")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]


def mix_setup(httpd, base):
    """The draft and the approved 62-item review, the reads and writes of the mix, each tried
    once, and the wrk script (bench/mix.lua with them); returns (url of the first read, auth,
    script path, number of writes, number of reads)."""
    draft, draft_ids, _ = bench.build_review(httpd)
    approved, appr_ids, _ = bench.build_review(httpd)
    bench.approve(httpd, approved)
    # the author's actions of both reviews (the progress updates are the author's)
    writes = []
    for rid in (draft, approved):
        st, _, b = httpd.request("GET", API + "v1/reviews/%d/actions?limit=200" % rid,
                                 user=bench.USER)
        for a in json.loads(b)["items"]:
            if a["owner"] == bench.USER:
                path = API + "v1/actions/%d/updates" % a["id"]
                writes.append(path)
    reads = [API + "v1/reviews/%d" % draft, API + "v1/reviews/%d" % approved,
             API + "v1/reviews/%d/actions" % draft,
             API + "v1/reviews/%d?version=1" % approved, API + "v1/me",
             API + "v1/health"]
    body = json.dumps({"status": "IN_PROGRESS", "progress": 50,
                       "note": "Progress noted by the load test."})
    for path in reads:
        st, _, b = httpd.request("GET", path, user=bench.USER)
        if st != 200:
            raise RuntimeError("GET %s answers %d: %r" % (path, st, b[:300]))
    for path in writes:
        st, _, b = httpd.request("POST", path, user=bench.USER, body=body.encode(),
                                 headers={"Content-Type": "application/json"})
        if st != 201:
            raise RuntimeError("POST %s answers %d: %r" % (path, st, b[:300]))
    script = os.path.join(base, "mix.lua")
    with open(os.path.join(HERE, "mix.lua")) as f:
        lua = f.read()
    with open(script, "w") as f:
        f.write("-- generated by bench/load.py from bench/mix.lua\nREADS = {%s}\n"
                "WRITES = {%s}\nALLOW_REFUSED = %s\n%s" % (
                    ", ".join(lua_string(p) for p in reads),
                    ", ".join("{%s, %s}" % (lua_string(p), lua_string(body))
                              for p in writes), "true" if WRITE_QUEUE else "false", lua))
    return (httpd.url(reads[0]), httpd.auth_header(bench.USER), script, len(writes),
            len(reads))


def one_backend(db):
    base = harness.make_basedir("isms-load-")
    pg = httpd = None
    out = {"db": db}
    try:
        pg, db_args = bench.database(db, base)
        httpd = harness.Httpd(os.path.join(base, "srv"), htpasswd_hash="sha", db_args=db_args,
                              mpm=os.environ.get("ISMS_MPM", "event"), mpm_conf=MPM_EVENT,
                              extra_conf="MaxKeepAliveRequests 0\n" + (
                                  "ISMSReviewWriteQueue %d\n" % WRITE_QUEUE if WRITE_QUEUE
                                  else "") + (
                                  "ISMSReviewConnections %d\n" % DB_CONNECTIONS
                                  if DB_CONNECTIONS else ""))
        httpd.start()
        if WRITE_QUEUE:
            httpd.allow(r"ISMS21700")
        url, auth, script, nwrites, nreads = mix_setup(httpd, base)
        run_wrk(url, auth, WARMUP, script)
        mark = httpd.log_size()
        out["load"] = os.getloadavg()[0]
        rec = None
        if os.environ.get("LOAD_PERF", "") not in ("", "0"):
            data = os.path.join(base, "perf.data")
            rec = subprocess.Popen(["perf", "record", "-F", "499", "--call-graph", "dwarf,16384",
                                    "-o", data, "-p", ",".join(str(x) for x in
                                                               bench.child_pids(httpd)),
                                    "--", "sleep", str(bench.seconds(DURATION))],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # the queue, measured: what the database's backends do during the run (PostgreSQL)
        sampler = bench.pg_waits(pg, bench.seconds(DURATION)) if pg else None
        txt = run_wrk(url, auth, DURATION, script)
        if sampler:
            out["waits"] = bench.waits_of(sampler)
        if rec:
            rec.wait(timeout=300)
            out["perf"] = perf_summary(data)
        r = bench.parse_wrk(txt)
        m = re.search(r"unexpected responses: (\d+)(.*)", txt)
        r["unexpected"] = int(m.group(1)) if m else -1
        r["note"] = m.group(2).strip() if m else txt[-500:]
        m = re.search(r"201 answers: (\d+)", txt)
        r["created"] = int(m.group(1)) if m else 0
        m = re.search(r"refused by the write queue: (\d+)", txt)
        r["refused"] = int(m.group(1)) if m else 0
        lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", txt, re.M))
        r["p90"] = lat.get("90", "?")
        m = re.search(r"p99.9 latency: ([\d.]+)ms", txt)
        r["p999_ms"] = float(m.group(1)) if m else float("inf")
        r["p99_ms"] = wrk_ms(r["p99"])
        m = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", txt)
        r["max"] = m.group(1) if m else "?"
        out.update(r)
        out["log"] = httpd.bad_log_lines(since=mark)
        out["writes"], out["reads"] = nwrites, nreads
    finally:
        bench.cleanup(httpd, pg, base)
    return out


def main():
    dbs = [d.strip() for d in os.environ.get("LOAD_DB", "sqlite3,pgsql").split(",") if d.strip()]
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not os.path.exists(harness.module_path()):
        sys.exit("module not built: %s" % harness.module_path())
    print("wrk -t%s -c%s -d%s (warm-up %s), 90%% reads / 10%% writes (progress updates), "
          "Basic auth ({SHA}), %s MPM (%s workers), ISMSReviewConnections %s"
          % (THREADS, CONNS, DURATION, WARMUP, os.environ.get("ISMS_MPM", "event"), WORKERS,
             DB_CONNECTIONS or "(one per thread)"))
    rc = 0
    rows = []
    for db in dbs:
        if db not in ("sqlite3", "pgsql"):
            sys.exit("LOAD_DB: sqlite3 and/or pgsql")
        rows.append(one_backend(db))
    print("\n%-8s %10s %9s %9s %9s %9s %9s %11s %7s %9s  %s" % (
        "database", "req/s", "requests", "p50", "p90", "p99", "max", "unexpected", "socket",
        "errorlog", "load before"))
    for r in rows:
        # the writes must have happened: about one answer in ten is a 201 (or, with
        # LOAD_WRITE_QUEUE, a write refused at once; refused writes are not errors)
        failed = (r["unexpected"] != 0 or r["errors"] or r["log"] or
                  (r["non2xx"] > r.get("refused", 0)) or
                  r["created"] + r.get("refused", 0) < r["total"] // 20)
        rc |= 1 if failed else 0
        print("%-8s %10.0f %9d %9s %9s %9s %9s %11d %7d %9d  %.1f  %s" % (
            r["db"], r["rps"], r["total"], r["p50"], r["p90"], r["p99"], r["max"],
            r["unexpected"], r["errors"], len(r["log"]), r["load"],
            "FAIL" if failed else "PASS"))
        print("   writes (201): %d of %d requests %s" % (r["created"], r["total"],
                                                        r["note"] if r["unexpected"] else ""))
        if WRITE_QUEUE:
            print("   ISMSReviewWriteQueue %d: %d writes refused at once (503 write-queue-full, "
                  "Retry-After 1)" % (WRITE_QUEUE, r["refused"]))
        print("   p99 %.1f ms: %s <= %.0f ms; p99.9 %.1f ms: %s <= %.0f ms" % (
            r["p99_ms"], "PASS" if r["p99_ms"] <= P99_MS else "MISS", P99_MS, r["p999_ms"],
            "PASS" if r["p999_ms"] <= P999_MS else "MISS", P999_MS))
        if r.get("waits"):
            bench.print_waits(r["waits"])
        if r["errors"]:
            print("   %s" % r["sockerr"])
        for line in r["log"][:10]:
            print("   error log: %s" % line)
        if r.get("perf"):
            print("perf record on the Apache children during the run:\n" + r["perf"])
    print("%s: PASS needs zero unexpected answers (reads 200, writes 201, about 10%% of them "
          "201), zero socket errors, zero warn-or-worse error-log lines; load: 1-minute load "
          "average before the run (2 cores)" % ("FAIL" if rc else "PASS"))
    return rc


if __name__ == "__main__":
    sys.exit(main())
