#!/usr/bin/python3
"""Throughput of the module relative to a static file on the same Apache, behind the same
authentication.

Starts Apache with the module (SQLite, harness defaults) and a static file with exactly as many
bytes as the health response, aliased INTO the API's <Location /isms/api> so the very same
Basic-auth configuration guards both; health is put behind that authentication too for the
run. Then wrk (warm-up, then the measured run) against the static file, v1/health and v1/me,
and a table of requests/s and the ratio to the static file.

Why SHA1 ({SHA}) htpasswd entries: Basic auth re-checks the password on every request, and a
bcrypt (or the default apr1-MD5, 1000 rounds) check costs more than everything else a small
request does, so the ratio would measure the hash, not the module. {SHA} is a single hash:
authentication stays in the picture (and the same for all rows) but stops dominating it.
Production should keep bcrypt or, better, SSO; this is a benchmark setting only.

Env: WRK_THREADS (2), WRK_CONNECTIONS (32), WRK_DURATION (10s), WRK_WARMUP (2s),
     ISMS_MPM (event), ISMS_BUILDDIR.  Only 127.0.0.1 is ever targeted.
"""

import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import harness  # noqa: E402

THREADS = os.environ.get("WRK_THREADS", "2")
CONNS = os.environ.get("WRK_CONNECTIONS", "32")
DURATION = os.environ.get("WRK_DURATION", "10s")
WARMUP = os.environ.get("WRK_WARMUP", "2s")
USER = "author"

# enough workers for 32 connections on 2 cores: 2 processes x 25 threads
MPM_EVENT = ("StartServers 3\nServerLimit 3\nThreadsPerChild 25\nMaxRequestWorkers 75\n"
             "MinSpareThreads 10\nMaxSpareThreads 75\n")
MPM_PREFORK = ("StartServers 16\nMinSpareServers 8\nMaxSpareServers 40\n"
               "MaxRequestWorkers 40\nServerLimit 40\n")


def parse_wrk(out):
    def num(v, unit):
        v = float(v)
        return v * {"k": 1e3, "M": 1e6, "": 1}.get(unit, 1)

    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rps = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", out)
    total = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:.*", out)
    sockerr = m.group(0) if m else ""
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    return {"rps": rps, "total": total, "non2xx": non2xx, "sockerr": sockerr,
            "p50": lat.get("50", "?"), "p99": lat.get("99", "?")}


def wrk(url, auth, duration):
    argv = ["wrk", "-t", THREADS, "-c", CONNS, "-d", duration, "--latency",
            "-H", "Authorization: " + auth, url]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s%s" % (p.stdout, p.stderr))
    return parse_wrk(p.stdout)


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not os.path.exists(harness.module_path()):
        sys.exit("module not built: %s" % harness.module_path())
    base = harness.make_basedir("isms-bench-")
    static = os.path.join(base, "static")
    os.makedirs(static)
    mpm = os.environ.get("ISMS_MPM", "event")
    early = ('Alias /isms/api/static/ "%s/"\n<Directory "%s">\n  Require all granted\n'
             '</Directory>' % (static, static))
    # unlimited keep-alive: wrk counts each server-side close as a read error
    extra = ("MaxKeepAliveRequests 0\n<Location /isms/api/static>\n  SetHandler None\n</Location>\n"
             "<Location /isms/api/v1/health>\n  Require valid-user\n</Location>")
    httpd = harness.Httpd(os.path.join(base, "srv"), early_conf=early, extra_conf=extra,
                          htpasswd_hash="sha", mpm=mpm,
                          mpm_conf=MPM_PREFORK if mpm == "prefork" else MPM_EVENT)
    rc = 0
    try:
        httpd.start()
        st, _, body = httpd.request("GET", "/isms/api/v1/health", user=USER)
        assert st == 200, (st, body)
        with open(os.path.join(static, "health.json"), "wb") as f:
            f.write(b"x" * len(body))
        os.chmod(static, 0o755)
        auth = httpd.auth_header(USER)
        targets = [("static file (%d B)" % len(body), "/isms/api/static/health.json"),
                   ("v1/health", "/isms/api/v1/health"),
                   ("v1/me", "/isms/api/v1/me")]
        for name, path in targets:
            st, _, b = httpd.request("GET", path, user=USER)
            if st != 200:
                raise RuntimeError("%s answers %d: %r" % (path, st, b[:300]))
            st, _, b = httpd.request("GET", path)
            if st != 401:
                raise RuntimeError("%s is not behind the authentication (%d without "
                                   "credentials)" % (path, st))

        print("wrk -t%s -c%s -d%s, %s MPM, Basic auth ({SHA} htpasswd) on every URL, SQLite"
              % (THREADS, CONNS, DURATION, mpm))
        results = []
        for name, path in targets:
            wrk(httpd.url(path), auth, WARMUP)
            results.append((name, path, wrk(httpd.url(path), auth, DURATION)))

        base_rps = results[0][2]["rps"] or 1.0
        print()
        print("%-22s %12s %9s %9s %9s %8s" % ("target", "requests/s", "vs static", "p50",
                                               "p99", "non-2xx"))
        for name, path, r in results:
            print("%-22s %12.0f %8.2fx %9s %9s %8d" % (name, r["rps"], r["rps"] / base_rps,
                                                        r["p50"], r["p99"], r["non2xx"]))
            if r["non2xx"]:
                rc = 1
                print("   !! %s: %d non-2xx responses" % (path, r["non2xx"]))
            if r["sockerr"]:
                print("   (%s: %s)" % (path, r["sockerr"]))
        bad = httpd.bad_log_lines()
        if bad:
            rc = 1
            print("\nerror log (%s):\n%s" % (httpd.error_log, "\n".join(bad[:20])))
    finally:
        httpd.stop()
        if not os.environ.get("ISMS_KEEP"):
            shutil.rmtree(base, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
