#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Memory of one Apache child over many mixed requests (issue 16): bench/load.py's 90/10 mix
(the draft and the approved 62-item review, the draft's actions, the sealed version, v1/me,
v1/health; progress updates) against an Apache with ONE child (event MPM, so every request
goes through the same process and its one render cache), on SQLite or PostgreSQL.

The child's resident set (VmRSS, /proc) is read after a warm-up and then after every chunk
of wrk until RSS_REQUESTS requests have been answered; the result is the growth from the
warm-up to the end, against issue 16's 10 %, with ISMSReviewCacheSize (RSS_CACHE) as the
cache's budget.

    bench/rss.sh                          # SQLite, 200,000 requests after the warm-up
    RSS_REQUESTS=1000000 bench/rss.sh     # 10^6 (about 5 minutes on a quiet 2-core machine)
    RSS_DB=pgsql bench/rss.sh

Env: RSS_DB (sqlite3), RSS_REQUESTS (200000), RSS_WARMUP (20s), RSS_CHUNK (15s),
     RSS_CONNECTIONS (32), RSS_CACHE (16777216: ISMSReviewCacheSize), RSS_MAXMEMFREE (httpd's
     MaxMemFree in KB; unset: httpd's default), ISMS_KEEP.
Exit 1 if any answer was unexpected (as load.py) or a warn-or-worse error-log line appeared;
the memory figure is a measurement, printed with PASS/MISS, not an exit status.
Only 127.0.0.1 is targeted; each wrk run stops by itself."""

import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import harness  # noqa: E402
import load  # noqa: E402

DB = os.environ.get("RSS_DB", "sqlite3")
REQUESTS = int(os.environ.get("RSS_REQUESTS", "200000"))
WARMUP = os.environ.get("RSS_WARMUP", "20s")
CHUNK = os.environ.get("RSS_CHUNK", "15s")
CONNS = os.environ.get("RSS_CONNECTIONS", "32")
CACHE = int(os.environ.get("RSS_CACHE", str(16 << 20)))
# httpd's MaxMemFree (KB a thread's allocator keeps after a request; httpd's default 2048)
MAXMEMFREE = os.environ.get("RSS_MAXMEMFREE", "")
GROWTH_MAX = 0.10

ONE_CHILD = ("StartServers 1\nServerLimit 1\nThreadsPerChild 64\nMaxRequestWorkers 64\n"
             "MinSpareThreads 1\nMaxSpareThreads 64\nMaxConnectionsPerChild 0\n")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wrk(url, auth, duration, script):
    argv = ["wrk", "-t", "2", "-c", CONNS, "-d", duration, "--timeout", "10s",
            "-H", "Authorization: " + auth, "-s", script, url]
    p = subprocess.run(argv, capture_output=True, text=True,
                       timeout=bench.seconds(duration) + 120)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s%s" % (p.stdout, p.stderr))
    total = int(re.search(r"(\d+) requests in", p.stdout).group(1))
    bad = int(re.search(r"unexpected responses: (\d+)", p.stdout).group(1))
    sock = re.search(r"Socket errors: .*", p.stdout)
    return total, bad, sock.group(0) if sock else ""


def body_bytes(httpd, url):
    """The size of the first read of the mix (the draft review): it grows with the progress
    updates the writes add (each action embeds its updates)."""
    st, _, b = httpd.request("GET", url[url.index("/isms/"):], user=bench.USER)
    return len(b) if st == 200 else -1


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    base = harness.make_basedir("isms-rss-")
    pg = httpd = None
    rc = 0
    try:
        pg, db_args = bench.database(DB, base)
        httpd = harness.Httpd(os.path.join(base, "srv"), htpasswd_hash="sha", db_args=db_args,
                              mpm="event", mpm_conf=ONE_CHILD,
                              extra_conf="MaxKeepAliveRequests 0\nISMSReviewCacheSize %d\n%s"
                              % (CACHE, "MaxMemFree %s\n" % MAXMEMFREE if MAXMEMFREE else ""))
        httpd.start()
        url, auth, script, _, _ = load.mix_setup(httpd, base)
        child = bench.child_pids(httpd)
        if len(child) != 1:
            raise RuntimeError("expected one Apache child, found %r" % child)
        child = child[0]
        done, bad, _ = wrk(url, auth, WARMUP, script)
        warm = rss_kb(child)
        print("%s, one child (pid %d), %s connections, ISMSReviewCacheSize %d: after the "
              "warm-up (%d requests) VmRSS %d kB; draft review %d B" % (
                  DB, child, CONNS, CACHE, done, warm, body_bytes(httpd, url)))
        total, peak = 0, warm
        while total < REQUESTS:
            n, b, sock = wrk(url, auth, CHUNK, script)
            total, bad = total + n, bad + b
            now = rss_kb(child)
            peak = max(peak, now)
            print("  %9d requests  VmRSS %7d kB  (%+.1f %%)  draft review %d B%s" % (
                total, now, 100.0 * (now - warm) / warm, body_bytes(httpd, url),
                "  " + sock if sock else ""))
        if bench.child_pids(httpd) != [child]:
            raise RuntimeError("the child was replaced during the run")
        end = rss_kb(child)
        growth = (end - warm) / warm
        print("%s: %d requests after the warm-up; VmRSS %d kB -> %d kB (%+.1f %%, peak %d kB): "
              "%s <= %d %%; unexpected answers %d" % (
                  DB, total, warm, end, 100 * growth, peak,
                  "PASS" if growth <= GROWTH_MAX else "MISS", 100 * GROWTH_MAX, bad))
        logs = httpd.bad_log_lines()
        for line in logs[:10]:
            print("  error log: %s" % line)
        rc = 1 if bad or logs else 0
    finally:
        bench.cleanup(httpd, pg, base)
    return rc


if __name__ == "__main__":
    sys.exit(main())
