#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Memory of one Apache child over many mixed requests (issue 16): bench/load.py's 90/10 mix
(the draft and the approved 62-item review, the draft's actions, the sealed version, v1/me,
v1/health; progress updates) against an Apache with ONE child (event MPM, 64 threads, so
every request goes through the same process, its one render cache and its one pool), on
SQLite or PostgreSQL.

The child's budget is the one it logs at start (ISMS21520: render cache + connections x
SQLite page cache + threads x MaxMemFree) plus its resident set right after start, idle (the
code and httpd's own). The warm-up is defined by what fills: one wrk chunk with as many
connections as threads (each thread runs a request at the same moment, so the pool opens a
connection per thread), then chunks until the pool has stopped opening connections (the
child's open files of the SQLite database, or its sessions in pg_stat_activity: the same
count after two chunks in a row) and the threads have served RSS_WARMUP_PER_THREAD requests
each on average.
Then VmRSS (/proc) is read after every chunk until RSS_REQUESTS requests have been
answered; the result is the growth from the warm-up to the end (<= 10 %: PASS) and the peak
against the budget (within: PASS).

    bench/rss.sh                          # SQLite, 200,000 requests after the warm-up
    RSS_REQUESTS=1000000 bench/rss.sh     # 10^6
    RSS_DB=pgsql bench/rss.sh

Env: RSS_DB (sqlite3), RSS_REQUESTS (200000), RSS_WARMUP_PER_THREAD (500), RSS_CHUNK (15s),
     RSS_CONNECTIONS (32), RSS_CACHE (16777216: ISMSReviewCacheSize),
     RSS_SQLITE_CACHE (512: ISMSReviewSQLiteCache, KiB), RSS_MAXMEMFREE (256: httpd's
     MaxMemFree in KB; "" for httpd's default), RSS_MALLOC_ARENA_MAX (unset: glibc's
     default; in Apache's environment from its start), RSS_GDB (1: at the end, gdb reads
     SQLite's memory and runs malloc_trim(0) in the child: what of the RSS is SQLite's,
     what is free memory kept by malloc), ISMS_KEEP.
Exit 1 if any answer was unexpected (as load.py) or a warn-or-worse error-log line appeared;
the memory figures are measurements, printed with PASS/MISS, not an exit status.
Only 127.0.0.1 is targeted; each wrk run stops by itself."""

import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import harness  # noqa: E402
import load  # noqa: E402

DB = os.environ.get("RSS_DB", "sqlite3")
REQUESTS = int(os.environ.get("RSS_REQUESTS", "200000"))
THREADS = 64
WARMUP_PER_THREAD = int(os.environ.get("RSS_WARMUP_PER_THREAD", "500"))
WARMUP_CHUNKS = 12     # at most: a pool that never fills is reported, not waited for
CHUNK = os.environ.get("RSS_CHUNK", "15s")
# fewer than the threads: with every worker busy, mpm_event logs AH00484 and closes
# kept-alive connections
CONNS = os.environ.get("RSS_CONNECTIONS", "32")
CACHE = int(os.environ.get("RSS_CACHE", str(16 << 20)))
SQLITE_CACHE = os.environ.get("RSS_SQLITE_CACHE", "512")
# httpd's MaxMemFree (KB a thread's allocator keeps after a request; httpd's default 2048)
MAXMEMFREE = os.environ.get("RSS_MAXMEMFREE", "256")
ARENAS = os.environ.get("RSS_MALLOC_ARENA_MAX", "")
# ISMSReviewConnections: 4 as the shipped conf/ismsreview.conf; 0: one per thread
DB_CONNECTIONS = int(os.environ.get("RSS_DB_CONNECTIONS", "4"))
GROWTH_MAX = 0.10

ONE_CHILD = ("StartServers 1\nServerLimit 1\nThreadsPerChild %d\nMaxRequestWorkers %d\n"
             "MinSpareThreads 1\nMaxSpareThreads %d\nMaxConnectionsPerChild 0\n"
             % (THREADS, THREADS, THREADS))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def smaps(pid):
    """Rss, Anonymous and the file-backed rest of /proc/PID/smaps_rollup, in kB."""
    out = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Rss", "Anonymous", "Shared_Clean", "Private_Clean"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return "smaps_rollup: Rss %s kB, Anonymous %s kB, file-backed clean %s kB" % (
        out.get("Rss"), out.get("Anonymous"),
        out.get("Shared_Clean", 0) + out.get("Private_Clean", 0))


def pool_size(httpd, child, pg):
    """The database connections the child holds: its sessions in pg_stat_activity, or its
    open files of the SQLite database (one per connection)."""
    dbfile = os.path.join(httpd.basedir, "db", "isms.db")
    if pg:
        return int(pg.psql("SELECT count(*) FROM pg_stat_activity WHERE usename = '%s'"
                           % pg.USER).strip())
    n = 0
    fd_dir = "/proc/%d/fd" % child
    for fd in os.listdir(fd_dir):
        try:
            n += os.readlink(os.path.join(fd_dir, fd)) == dbfile
        except OSError:
            pass
    return n


def logged_budget(httpd):
    """(the ISMS21520 line's budget in kB, the line) of the child, once it is written (the
    child's child_init)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        for line in httpd.error_log_text().splitlines():
            m = re.search(r"ISMS21520: .*?: (render cache .* = (\d+) KiB.*)", line)
            if m:
                return int(m.group(2)), m.group(1)
        time.sleep(0.1)
    raise RuntimeError("no ISMS21520 budget line in the error log")


def gdb_calls(pid, calls):
    """The values of C calls made in the process by gdb (batch, attached for a moment), or
    None without gdb."""
    if not shutil.which("gdb"):
        return None
    argv = ["gdb", "-batch", "-nx", "-p", str(pid)]
    for c in calls:
        argv += ["-ex", "print " + c]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    return [int(v) for v in re.findall(r"^\$\d+ = (-?\d+)", p.stdout, re.M)]


def where_it_goes(child, conns):
    """RSS_GDB=1: what of the resident set is SQLite's (sqlite3_memory_used: every
    connection's page cache, parsed schema and prepared statements) and what is free memory
    malloc keeps (the resident set given back by malloc_trim(0), which returns free pages of
    every arena to the system)."""
    before = rss_kb(child)
    sqlite = gdb_calls(child, ["(long long) sqlite3_memory_used()"])
    if sqlite is None:
        print("RSS_GDB: gdb is not installed")
        return
    gdb_calls(child, ["(int) malloc_trim(0)"])
    after = rss_kb(child)
    print("where it goes: VmRSS %d kB; SQLite's memory %s; malloc_trim(0) gave back %d kB "
          "(free memory malloc kept), VmRSS now %d kB" % (
              before, "%d kB, %d connections, %d kB each" % (
                  sqlite[0] // 1024, conns, sqlite[0] // 1024 // max(conns, 1))
              if sqlite and sqlite[0] else "0 kB", before - after, after))


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def wrk(url, auth, duration, script, conns=CONNS):
    argv = ["wrk", "-t", "2", "-c", str(conns), "-d", duration, "--timeout", "10s",
            "-H", "Authorization: " + auth, "-s", script, url]
    p = subprocess.run(argv, capture_output=True, text=True,
                       timeout=bench.seconds(duration) + 120)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s%s" % (p.stdout, p.stderr))
    total = int(re.search(r"(\d+) requests in", p.stdout).group(1))
    m = re.search(r"unexpected responses: (\d+).*", p.stdout)
    bad = int(m.group(1))
    sock = re.search(r"Socket errors: .*", p.stdout)
    if bad:
        print("  (wrk -c %s: %s)" % (conns, m.group(0)))
    return total, bad, sock.group(0) if sock else ""


def body_bytes(httpd, url):
    """The size of the first read of the mix (the draft review): it grows with the progress
    updates the writes add (each action embeds its updates)."""
    st, _, b = httpd.request("GET", url[url.index("/isms/"):], user=bench.USER)
    return len(b) if st == 200 else -1


def start(base, db_args):
    if ARENAS:       # malloc reads it at the process's start: Apache's environment
        os.environ["MALLOC_ARENA_MAX"] = ARENAS
    conf = "MaxKeepAliveRequests 0\nISMSReviewCacheSize %d\n" % CACHE
    conf += "ISMSReviewSQLiteCache %s\n" % SQLITE_CACHE if SQLITE_CACHE else ""
    conf += "MaxMemFree %s\n" % MAXMEMFREE if MAXMEMFREE else ""
    conf += "ISMSReviewConnections %d\n" % DB_CONNECTIONS if DB_CONNECTIONS else ""
    httpd = harness.Httpd(os.path.join(base, "srv"), htpasswd_hash="sha", db_args=db_args,
                          mpm="event", mpm_conf=ONE_CHILD, extra_conf=conf)
    httpd.start()
    return httpd


def warm_up(httpd, child, pg, url, auth, script):
    """One wrk chunk with a connection per thread, then chunks until the pool stopped opening
    connections (the same number after two chunks in a row) and the threads have served
    WARMUP_PER_THREAD requests each on average; returns (requests, unexpected answers, pool
    connections, chunks)."""
    # first as many connections as threads: every thread runs a request at the same moment
    # and the pool opens its connection per thread (mpm_event then says AH00484, and closes
    # some kept-alive connections: wrk's socket errors, not counted here)
    httpd.allow(r"AH00484: server reached MaxRequestWorkers")
    done, bad, _ = wrk(url, auth, CHUNK, script, THREADS)
    chunks = 1
    conns, before = pool_size(httpd, child, pg), -1
    while chunks < WARMUP_CHUNKS and (conns != before or done < WARMUP_PER_THREAD * THREADS):
        n, b, _ = wrk(url, auth, CHUNK, script)
        done, bad, chunks = done + n, bad + b, chunks + 1
        conns, before = pool_size(httpd, child, pg), conns
    return done, bad, conns, chunks


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    base = harness.make_basedir("isms-rss-")
    pg = httpd = None
    rc = 0
    try:
        pg, db_args = bench.database(DB, base)
        httpd = start(base, db_args)
        child = bench.child_pids(httpd)
        if len(child) != 1:
            raise RuntimeError("expected one Apache child, found %r" % child)
        child = child[0]
        module_kb, line = logged_budget(httpd)
        time.sleep(1)     # the rest of child_init: the first connection, the schema check
        idle = rss_kb(child)
        budget = idle + module_kb
        print("%s, one child (pid %d), %d threads, %s connections, MaxMemFree %s, "
              "MALLOC_ARENA_MAX %s; load %s" % (DB, child, THREADS, CONNS, MAXMEMFREE or
                                              "httpd's", ARENAS or "glibc's", loadavg()))
        print("budget: idle child after start %d kB + ISMS21520 %s\n      = %d kB" % (
            idle, line, budget))
        url, auth, script, _, _ = load.mix_setup(httpd, base)
        done, bad, conns, chunks = warm_up(httpd, child, pg, url, auth, script)
        warm = rss_kb(child)
        print("after the warm-up (%d requests in %d chunks of %s, %d of %d pool connections): "
              "VmRSS %d kB; %s; draft review %d B; load %s" % (
                  done, chunks, CHUNK, conns, THREADS, warm, smaps(child),
                  body_bytes(httpd, url), loadavg()))
        total, peak = 0, warm
        while total < REQUESTS:
            n, b, sock = wrk(url, auth, CHUNK, script)
            total, bad = total + n, bad + b
            now = rss_kb(child)
            peak = max(peak, now)
            print("  %9d requests  VmRSS %7d kB  (%+.1f %%)  load %s%s" % (
                total, now, 100.0 * (now - warm) / warm, loadavg(),
                "  " + sock if sock else ""))
        if bench.child_pids(httpd) != [child]:
            raise RuntimeError("the child was replaced during the run")
        end = rss_kb(child)
        growth = (end - warm) / warm
        print("end: %s; draft review %d B" % (smaps(child), body_bytes(httpd, url)))
        if os.environ.get("RSS_GDB"):
            where_it_goes(child, pool_size(httpd, child, pg))
        print("%s: %d requests after the warm-up; VmRSS %d kB -> %d kB (%+.1f %%, peak %d kB):"
              " growth %s <= %d %%; peak %s budget %d kB (%.0f %%); unexpected answers %d; "
              "load %s" % (DB, total, warm, end, 100 * growth, peak,
                           verdict(growth <= GROWTH_MAX), 100 * GROWTH_MAX,
                           "within: PASS," if peak <= budget else "above: MISS,", budget,
                           100.0 * peak / budget, bad, loadavg()))
        logs = httpd.bad_log_lines()
        for line in logs[:10]:
            print("  error log: %s" % line)
        rc = 1 if bad or logs else 0
    finally:
        bench.cleanup(httpd, pg, base)
    return rc


if __name__ == "__main__":
    sys.exit(main())
