#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Throughput of the module against baselines measured on the same machine in the same run,
behind the same authentication. See bench/README.md for how to read the table.

Starts Apache with the module (SQLite in the server root, or BENCH_DB=pgsql: a throw-away
PostgreSQL cluster from the harness, migrated with ismsreview-admin), then:

1. creates over HTTP, as user `author`, one realistic clause 9.3 management review with 62
   items (attendees, inputs b..g, decisions, actions, improvements, changes, objectives with a
   KPI and measurements, resources, communications);
2. read rows: a static file as large as the v1/health response (the baseline of v1/health and
   v1/me), and a static file as large as the full review (the baseline of
   GET v1/reviews/{id}), both aliased INTO the API's <Location /isms/api> so the very same
   Basic-auth configuration guards them; health is put behind that authentication too;
3. write rows: a bare one-INSERT transaction through libdbi on the same database with the
   module's connection settings (bench/insert_baseline.c, built here with gcc: a C loop, no
   HTTP), then the minimal module (bench/mod_bench_insert.c, built here against the core's
   libismscore.a, loaded into the same Apache): one INSERT per POST through the module's own
   pool and transactions, behind the same auth, and POST v1/reviews/{id}/actions with wrk
   (bench/post_action.lua; every answer must be 201), compared with the minimal module.

Read rows run before the write rows, so the review measured is the 62-item one (the POSTs add
actions to that review). wrk gets a warm-up run, then the measured run.

Why SHA1 ({SHA}) htpasswd entries: Basic auth re-checks the password on every request, and a
bcrypt (or the default apr1-MD5, 1000 rounds) check costs more than everything else a small
request does, so the ratio would measure the hash, not the module. {SHA} is a single hash:
authentication stays in the picture (and the same for all rows) but stops dominating it.
Production should keep bcrypt or, better, SSO; this is a benchmark setting only.

Env: BENCH_DB (sqlite3 | pgsql), WRK_THREADS (2), WRK_CONNECTIONS (32), WRK_DURATION (10s),
     WRK_WARMUP (2s), WRK_TIMEOUT (10s), BENCH_INSERT_THREADS (1,WRK_CONNECTIONS: one baseline
     row per thread count), BENCH_PERF (1: profile the Apache children with perf record during
     an extra review-GET run, after the measured one), ISMS_MPM (event), ISMS_BUILDDIR,
     ISMS_KEEP (1: keep the server root), BENCH_DASHBOARD (0: skip the dashboard rows),
     BENCH_DASHBOARD_RUNS (9), BENCH_ONLY (dashboard: only the dashboard rows).
Only 127.0.0.1 is ever targeted.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import harness  # noqa: E402
import records_data  # noqa: E402
import workflow_helpers as wh  # noqa: E402

THREADS = os.environ.get("WRK_THREADS", "2")
CONNS = os.environ.get("WRK_CONNECTIONS", "32")
DURATION = os.environ.get("WRK_DURATION", "10s")
WARMUP = os.environ.get("WRK_WARMUP", "2s")
# above the SQLite busy timeout (5 s in the harness): a slow answer is measured, not dropped
TIMEOUT = os.environ.get("WRK_TIMEOUT", "10s")
DB = os.environ.get("BENCH_DB", "sqlite3")
# thread counts of the bare-INSERT baseline; the POST is compared with the WRK_CONNECTIONS one
# (same concurrency), 1 thread shows the serial capacity without lock contention
INSERT_THREADS = [int(t) for t in
                  os.environ.get("BENCH_INSERT_THREADS", "1," + CONNS).split(",") if t.strip()]
PERF = os.environ.get("BENCH_PERF", "") not in ("", "0")
# ISMSReviewConnections (and the minimal module's pool) for the run: 4, as the shipped
# conf/ismsreview.conf; 0: the module's default, one per thread
DB_CONNECTIONS = int(os.environ.get("BENCH_DB_CONNECTIONS", "4"))
USER = "author"
# BENCH_DASHBOARD=0 skips the 1,000-review dataset (generation takes about a minute)
DASHBOARD = os.environ.get("BENCH_DASHBOARD", "1") not in ("", "0")
# BENCH_ONLY=dashboard: only the dashboard rows (dataset, Apache on it), on BENCH_DB
ONLY = os.environ.get("BENCH_ONLY", "")
DASHBOARD_RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "9"))
DASHBOARD_MS = 50
DASHBOARD_AFTER_WRITE_MS = 10      # issue 16: computed after a write, 1,000 reviews
DRAFT_ROW = "GET draft review"
APPROVED_ROW = "GET approved review"
POST_ROW = "POST .../{id}/actions"
SEALED_ROW = "GET approved ?version=1"
MINIMAL_ROW = "POST minimal module"
# issue 16: ratio of each row to its baseline row in the same run
TARGETS = {DRAFT_ROW: 0.90 if DB == "sqlite3" else 0.60, SEALED_ROW: 0.95, POST_ROW: 0.50}
API = "/isms/api/"

# enough workers for 32 connections on 2 cores: 3 processes x 25 threads
MPM_EVENT = ("StartServers 3\nServerLimit 3\nThreadsPerChild 25\nMaxRequestWorkers 75\n"
             "MinSpareThreads 10\nMaxSpareThreads 75\n")
MPM_PREFORK = ("StartServers 16\nMinSpareServers 8\nMaxSpareServers 40\n"
               "MaxRequestWorkers 40\nServerLimit 40\n")


def seconds(spec):
    """wrk's duration syntax (10, 10s, 2m, 1h) in seconds."""
    m = re.fullmatch(r"\s*([\d.]+)\s*([smh]?)\s*", spec)
    if not m:
        raise SystemExit("bad duration %r" % spec)
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


# ---------------------------------------------------------------------------------------------
# The review: ISO/IEC 27001:2022 clause 9.3, 62 items: the realistic record of the integration
# tests (tests/integration/records_data.py, 34 items) and the benchmark's 28 more
# (records_data.BENCH_ITEMS), built over HTTP by the tests' one review builder
# (workflow_helpers.build_review), which replaces the symbolic references ("$input:D2",
# "$decision:patching") by the ids the server returned.

ITEM_DATA = records_data.ITEM_DATA + records_data.BENCH_ITEMS

# the body POSTed by wrk (bench/post_action.lua): due after the review's planned date
POST_ACTION = {"title": "Review the emergency patch window after three months",
               "type": "IMPROVEMENT", "owner": "owner", "due_date": "2026-09-30",
               "priority": "MEDIUM",
               "description": "Check MTTP against the target and adjust the window.",
               "expected_outcome": "MTTP critical <= 10 days", "decision_id": "$decision:patching"}


def build_review(httpd):
    """POSTs the review, its items and the KPI measurements of
    records_data.BENCH_MEASUREMENTS; returns (review id, ids, item count)."""
    api = wh.Api(httpd)
    built = wh.build_review(api, user=USER, review=records_data.REVIEW, items=ITEM_DATA)
    for key, values in records_data.BENCH_MEASUREMENTS.items():
        for period_to, value in values:
            api.create("v1/objectives/%d/measurements" % built["ids"][key],
                       {"period_from": period_to[:8] + "01", "period_to": period_to,
                        "value": value, "evidence_ref": "KPI-REPORT-" + period_to[:7]},
                       user=USER)
    return built["rid"], built["ids"], sum(len(s) for s in built["sent"].values())


def approve(httpd, rid):
    """submit (author) and approve (approver) with If-Match: the review becomes APPROVED and
    its version 1 is sealed. The realistic review leaves findings of severity E (it is a
    throughput fixture, not a complete record): an approver waives each first; its warnings
    are acknowledged after the submission (workflow_helpers.Api.move)."""
    api = wh.Api(httpd)
    api.waive_all(rid, "benchmark fixture")
    api.move(rid, "submit", user=USER)
    api.move(rid, "approve", user="approver")


# ---------------------------------------------------------------------------------------------
# measuring


def parse_wrk(out):
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rps = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", out)
    total = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    sockerr = sum(int(x) for x in m.groups()) if m else 0
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    r = {"rps": rps, "total": total, "non2xx": non2xx, "errors": sockerr,
         "sockerr": m.group(0) if m else "", "p50": lat.get("50", "?"),
         "p99": lat.get("99", "?"), "note": ""}
    # bench/post_action.lua: "responses other than 201: N (status: count, ...)"
    m = re.search(r"responses other than 201: (\d+)(.*)", out)
    if m:
        r["non2xx"] = int(m.group(1))
        r["note"] = m.group(2).strip()
    return r


def wrk(url, auth, duration, script=None, headers=()):
    argv = ["wrk", "-t", THREADS, "-c", CONNS, "-d", duration, "--timeout", TIMEOUT,
            "--latency", "-H", "Authorization: " + auth]
    for h in headers:
        argv += ["-H", h]
    if script:
        argv += ["-s", script]
    p = subprocess.run(argv + [url], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s%s" % (p.stdout, p.stderr))
    return parse_wrk(p.stdout)


def build_insert_baseline(outdir):
    src = os.path.join(HERE, "insert_baseline.c")
    exe = os.path.join(outdir, "insert_baseline")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "dbi"], capture_output=True,
                           text=True).stdout.split() or ["-I/usr/include/dbi", "-ldbi"]
    p = subprocess.run(["gcc", "-O2", "-Wall", "-pthread", "-o", exe, src] + flags,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("cannot build %s:\n%s" % (src, p.stderr))
    os.chmod(exe, 0o755)
    return exe


def make_var(builddir, name):
    """A variable of the build's Makefile (the core's link flags)."""
    p = subprocess.run(["make", "-s", "-C", builddir, "-f", "Makefile", "-f", "-", "print"],
                       input="print:\n\t@echo $(%s)\n" % name, capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError("cannot read %s from %s/Makefile: %s" % (name, builddir, p.stderr))
    return p.stdout.split()


def build_minimal_module(outdir):
    """bench/mod_bench_insert.c as a module of its own, with the core linked in and hidden
    (its symbols do not interpose on mod_ismsreview's)."""
    builddir = harness.builddir()
    src = os.path.join(HERE, "mod_bench_insert.c")
    so = os.path.join(outdir, "mod_bench_insert.so")
    core = os.path.join(builddir, ".libs", "libismscore.a")
    srcdir = os.path.dirname(HERE)
    argv = (["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror",
             "-Wno-unused-parameter", "-Wno-missing-field-initializers", "-o", so, src,
             "-I" + os.path.join(srcdir, "mod_ismsreview", "core"),
             "-I" + make_var(builddir, "APXS_INCLUDEDIR")[0]]
            + make_var(builddir, "APR_CFLAGS") + make_var(builddir, "APU_CFLAGS")
            + make_var(builddir, "DBI_CFLAGS")
            + [core, "-Wl,--exclude-libs,ALL", "-Wl,-Bsymbolic"]
            + make_var(builddir, "CORE_LIBS"))
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("cannot build %s:\n%s\n%s" % (src, " ".join(argv), p.stderr))
    os.chmod(outdir, 0o755)
    os.chmod(so, 0o755)
    return so


def insert_baseline(exe, db_args, threads):
    """Runs the bare one-INSERT transaction loop; as www-data (as root) so that SQLite's -wal
    and -shm files keep the owner Apache needs."""
    argv = [exe, "-t", str(threads), "-d", str(seconds(DURATION)),
            "-w", str(seconds(WARMUP))] + db_args.split()
    p = harness.run_as_service_user(argv, timeout=seconds(DURATION) + seconds(WARMUP) + 120)
    if p.returncode != 0:
        raise RuntimeError("insert_baseline failed (rc %d):\n%s%s"
                           % (p.returncode, p.stdout, p.stderr))
    # (libdbi's sqlite3 driver prints "no tables in statement !" on stdout for the PRAGMA)
    kv = dict(line.split(" ", 1) for line in p.stdout.splitlines() if " " in line)
    err = kv.get("first_error", "-")
    note = "max %.0f ms" % float(kv["max_ms"])
    if int(kv["failed_warmup"]):
        note += "; %s failed outside the measured window" % kv["failed_warmup"]
    if err != "-":
        note += "; first error: " + err
    return {"rps": float(kv["tps"]), "total": int(kv["transactions"]), "non2xx": 0,
            "errors": int(kv["failed"]), "sockerr": "", "p50": "%.2fms" % float(kv["p50_ms"]),
            "p99": "%.2fms" % float(kv["p99_ms"]), "note": note}


def dataset(base):
    """The generated 1,000-review / 50,000-action dataset (bench/gen_dataset.py writes
    SQLite) on DB: (the PostgreSQL cluster it was imported into or None, its
    ISMSReviewDatabase arguments, the id of an open action). On PostgreSQL the SQLite file is
    exported with ismsreview-admin and imported into a cluster of its own (database()), which
    ends with VACUUM ANALYZE (checked here: without it the summary's dead rows made the
    dashboard several times slower)."""
    import gen_dataset
    dbdir = os.path.join(base, "dataset")
    db_args = gen_dataset.generate(dbdir, 1000, 50000)
    aid = gen_dataset.open_action(dbdir)
    if DB != "pgsql":
        return None, db_args, aid
    dump = os.path.join(base, "dataset.json")
    rc, out = harness.run_admin(["--database", db_args, "export", dump], timeout=600)
    if rc != 0:
        raise RuntimeError("dataset export failed:\n" + out)
    pg, pg_args = database(DB, base)
    try:
        rc, out = harness.run_admin(["--database", pg_args, "import", dump], timeout=1800)
        if rc != 0:
            raise RuntimeError("dataset import failed:\n" + out)
        if pg.psql("SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('action', "
                   "'action_day', 'action_tally') AND last_analyze IS NULL").strip() != "0":
            pg.psql("VACUUM ANALYZE")
    except BaseException:
        pg.destroy()
        raise
    os.remove(dump)
    return pg, pg_args, aid


def dashboard_median(base):
    """GET v1/reports/dashboard on the generated dataset (dataset()): a few first requests,
    then DASHBOARD_RUNS timed ones, then DASHBOARD_RUNS pairs of a write and the GET."""
    import statistics
    import gen_dataset
    pg, db_args, aid = dataset(base)
    httpd = harness.Httpd(os.path.join(base, "dsrv"), db_args=db_args, htpasswd_hash="sha")
    try:
        httpd.start()
        auth = harness.Httpd.auth_header("auditor")
        # the first request of each child computes the dashboard (no write happens here, so
        # later ones are served from the child's cache): "cold" is that first computation,
        # timed separately in each of the MPM's children by a few requests on new connections
        cold = [gen_dataset.timed(httpd.port, "v1/reports/dashboard", auth)[0]
                for _ in range(3)]
        samples = [gen_dataset.timed(httpd.port, "v1/reports/dashboard", auth)
                   for _ in range(DASHBOARD_RUNS)]
        # computed after a write (issue 16): a progress update moves the audit head, so
        # the next GET, in whichever child, computes the dashboard again
        writer = harness.Httpd.auth_header("author")
        after = []
        for k in range(DASHBOARD_RUNS):
            st = gen_dataset.post(httpd.port, "v1/actions/%d/updates" % aid, writer,
                                  {"progress": 10 + k % 80})
            if st != 201:
                raise RuntimeError("dashboard run: the progress update answered %d" % st)
            after.append(gen_dataset.timed(httpd.port, "v1/reports/dashboard", auth)[0])
        bad = httpd.bad_log_lines()
        if bad:
            raise RuntimeError("dashboard run: unexpected error-log lines:\n" + "\n".join(bad))
    finally:
        cleanup(httpd, pg, None)
    ms = [x[0] for x in samples]
    return {"median": statistics.median(ms), "min": min(ms), "runs": len(ms),
            "bytes": samples[0][1], "cold": max(cold),
            "after_write": statistics.median(after), "after_write_max": max(after)}


def print_dashboard(dash):
    print("%-26s %9.1fms median of %d (min %.1f ms, %d B)  %s < %d ms" % (
        "dashboard, 1,000 reviews", dash["median"], dash["runs"], dash["min"],
        dash["bytes"], "PASS" if dash["median"] < DASHBOARD_MS else "MISS", DASHBOARD_MS))
    print("%-26s %9.1fms (the slowest of the first 3 requests: a child's first "
          "computation, cold statement cache)" % ("dashboard, first", dash["cold"]))
    print("%-26s %9.1fms median of %d (max %.1f ms), each after a progress update: "
          "%s <= %d ms" % ("dashboard after a write", dash["after_write"], DASHBOARD_RUNS,
                           dash["after_write_max"],
                           "PASS" if dash["after_write"] <= DASHBOARD_AFTER_WRITE_MS
                           else "MISS", DASHBOARD_AFTER_WRITE_MS))


def dashboard_only():
    """BENCH_ONLY=dashboard: the dashboard rows alone, on DB."""
    base = harness.make_basedir("isms-bench-")
    try:
        load = os.getloadavg()
        dash = dashboard_median(base)
        print("dashboard on %s, 1,000 reviews / 50,000 actions" % (
            "SQLite" if DB == "sqlite3" else "PostgreSQL (imported, harness cluster)"))
        print_dashboard(dash)
        print("load average (1 min) before / after: %.1f / %.1f on %d cores"
              % (load[0], os.getloadavg()[0], os.cpu_count() or 0))
    finally:
        cleanup(None, None, base)
    return 0


def child_pids(httpd):
    pid = httpd.read_pid() or httpd.pid
    return [p for p in harness.group_members(pid) if p != pid]


def pg_waits(pg, duration):
    """Starts psql sampling, every 10 ms for duration seconds, what the database's backends
    of the isms role are doing (pg_stat_activity: running, waiting for which lock, with the
    start of the statement that waits, or for I/O); returns the process, whose output
    waits_of() reads."""
    sql = ("CREATE TEMP TABLE w (k text); DO $$ BEGIN FOR i IN 1..%d LOOP "
           "PERFORM pg_stat_clear_snapshot(); INSERT INTO w SELECT CASE WHEN state <> 'active' "
           "THEN state WHEN wait_event_type = 'Lock' THEN wait_event_type || ':' || "
           "wait_event || ' in ' || left(query, 24) ELSE COALESCE(wait_event_type || ':' || "
           "wait_event, 'running') END "
           "FROM pg_stat_activity WHERE usename = '%s' AND pid <> pg_backend_pid(); "
           "PERFORM pg_sleep(0.01); END LOOP; END $$; "
           "SELECT k || '|' || count(*) FROM w GROUP BY k"
           % (int(duration * 100), pg.USER))
    argv = [os.path.join(pg.bindir, "psql"), "-X", "-q", "-At", "-h", pg.sockdir, "-p",
            str(pg.port), "-U", "postgres", "-d", pg.DBNAME, "-c", sql]
    if harness.is_root():
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex.quote(a) for a in argv)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd="/")


def waits_of(proc):
    """{what: samples} of the sampler: the wait event of an active backend, else its state
    (idle, idle in transaction)."""
    out, _ = proc.communicate(timeout=120)
    counts = {}
    for line in out.splitlines():
        what, sep, n = line.rpartition("|")
        if sep and n.isdigit():
            counts[what] = int(n)
    return counts


def print_waits(counts):
    """The sampler's shares; Lock:* are transactions queued behind another's row lock (the
    review's row, the audit chain head), LWLock:* PostgreSQL's internal locks, idle a backend
    waiting for Apache (or for work)."""
    total = sum(counts.values()) or 1
    print("  PostgreSQL backends of the module, sampled every 10 ms (share of samples):")
    for key, n in sorted(counts.items(), key=lambda kv: -kv[1])[:8]:
        print("    %5.1f %%  %s" % (100.0 * n / total, key))


def profile(httpd, url, auth, base, what, script=None, pg=None):
    """perf record (cpu-clock, call graphs) on every Apache child during one more wrk run
    (script: a wrk script, the POST); prints the top shared objects and symbols, and with pg
    the wait events of the database's backends during the same run."""
    if not shutil.which("perf"):
        print("BENCH_PERF: perf is not installed (apt-get install linux-perf)")
        return
    data = os.path.join(base, "perf.data")
    pids = ",".join(str(p) for p in child_pids(httpd))
    # dwarf call graphs: Debian's libraries have no frame pointers
    rec = subprocess.Popen(["perf", "record", "-F", "249", "--call-graph", "dwarf,16384",
                            "-o", data, "-p", pids, "--", "sleep", str(seconds(DURATION))],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = pg_waits(pg, seconds(DURATION)) if pg else None
    r = wrk(url, auth, DURATION, script)
    waits = waits_of(sampler) if sampler else None
    out, _ = rec.communicate(timeout=120)
    if rec.returncode != 0:
        print("BENCH_PERF: perf record failed:\n" + out)
        return
    print("\nperf record on the Apache children during %s "
          "(%.0f req/s while profiled)" % (what, r["rps"]))
    if waits:
        print_waits(waits)
    views = [("inclusive time by shared object", ["--children", "--sort", "dso"], 10),
             ("inclusive time by function (named functions only)",
              ["--children", "--sort", "sym"], 25),
             ("self time by function", ["--no-children", "--sort", "dso,sym"], 20)]
    for title, args, n in views:
        p = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none",
                            "--percent-limit", "1"] + args, capture_output=True, text=True)
        lines, seen = [], set()
        for l in p.stdout.splitlines():
            what = l.split("]", 1)[-1].strip() if "[" in l else l.split()[-1:]
            if not l.strip() or l.startswith("#") or str(what) in seen or \
                    re.search(r"\[\.\] (0x)?[0-9a-f]+\s*$", l):
                continue       # unresolved addresses; one line per function
            seen.add(str(what))
            lines.append(l)
        print("  %s:" % title)
        print("\n".join(lines[:n]))
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------


def database(db, base):
    """(the throw-away PostgreSQL cluster or None, the ISMSReviewDatabase arguments) for db:
    "pgsql" starts and migrates a cluster, anything else is a SQLite file in base/srv/db."""
    if db != "pgsql":
        return None, harness.sqlite_db_args(os.path.join(base, "srv", "db"))
    pg = harness.Postgres()
    rc, out = harness.migrate(pg.db_args())
    if rc != 0:
        pg.destroy()
        raise RuntimeError("migrate failed:\n" + out)
    return pg, pg.db_args()


def cleanup(httpd, pg, base):
    """Stops what database() and the run started; removes base (if any) unless ISMS_KEEP is
    set."""
    if httpd:
        httpd.stop()
    if pg:
        pg.destroy()
    if not base:
        return
    if not os.environ.get("ISMS_KEEP"):
        shutil.rmtree(base, ignore_errors=True)
    else:
        print("kept %s" % base)


def main():
    if DB not in ("sqlite3", "pgsql"):
        sys.exit("BENCH_DB must be sqlite3 or pgsql")
    if ONLY not in ("", "dashboard"):
        sys.exit("BENCH_ONLY must be dashboard (or unset)")
    if not os.path.exists(harness.module_path()):
        sys.exit("module not built: %s" % harness.module_path())
    if ONLY == "dashboard":
        return dashboard_only()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not shutil.which("gcc"):
        sys.exit("gcc is needed for bench/insert_baseline.c")
    base = harness.make_basedir("isms-bench-")
    static = os.path.join(base, "static")
    os.makedirs(static)
    exe = build_insert_baseline(base)
    minimal = build_minimal_module(base)
    mpm = os.environ.get("ISMS_MPM", "event")
    # Apache's cheapest way to send a file: no mmap/munmap per request (in a threaded child
    # each munmap costs a TLB shootdown; with it the 50 B file ran at ~26k instead of 35-42k
    # req/s), sendfile for the large one (below 256 B Apache does not use sendfile anyway)
    early = ('Alias /isms/api/static/ "%s/"\n<Directory "%s">\n  Require all granted\n'
             '  EnableMMAP Off\n  EnableSendfile On\n</Directory>' % (static, static))
    # unlimited keep-alive: wrk counts each server-side close as a read error
    extra = ("MaxKeepAliveRequests 0\n<Location /isms/api/static>\n  SetHandler None\n</Location>\n"
             "<Location /isms/api/v1/health>\n  Require valid-user\n</Location>")
    pg = None
    httpd = None
    rc = 0
    try:
        pg, db_args = database(DB, base)
        # the minimal module: the same Apache, database and <Location /isms/api> auth
        early_min = ('LoadModule bench_insert_module "%s"\nBenchInsertDatabase "%s"\n'
                     % (minimal, db_args.replace('"', '\\"')))
        if DB_CONNECTIONS:   # both modules' pools of the same size
            early_min += "BenchInsertConnections %d\n" % DB_CONNECTIONS
            extra += "\nISMSReviewConnections %d" % DB_CONNECTIONS
        extra_min = ("\n<Location /isms/api/bench-insert>\n  SetHandler bench-insert\n"
                     "</Location>")
        httpd = harness.Httpd(os.path.join(base, "srv"), early_conf=early_min + early,
                              extra_conf=extra + extra_min,
                              htpasswd_hash="sha", mpm=mpm, db_args=db_args,
                              mpm_conf=MPM_PREFORK if mpm == "prefork" else MPM_EVENT)
        httpd.start()
        st, _, health = httpd.request("GET", API + "v1/health", user=USER)
        assert st == 200, (st, health)

        rid, ids, nitems = build_review(httpd)
        review_path = API + "v1/reviews/%d" % rid
        st, _, review = httpd.request("GET", review_path, user=USER)
        assert st == 200, (st, review[:500])
        doc = json.loads(review)
        counts = {c: len(doc.get(c, [])) for c, _ in ITEM_DATA}
        embedded = sum(counts.values())

        # the same review once more, submitted and approved (version 1 sealed); it is the
        # later one, so its input a carries the first review's 14 open actions
        rid_ap, _, _ = build_review(httpd)
        approve(httpd, rid_ap)
        approved_path = API + "v1/reviews/%d" % rid_ap
        st, ahdrs, approved = httpd.request("GET", approved_path, user=USER)
        assert st == 200 and json.loads(approved)["status"] == "APPROVED", (st, approved[:300])
        approved_etag = {k.lower(): v for k, v in dict(ahdrs).items()}["etag"]
        st, _, sealed = httpd.request("GET", approved_path + "?version=1", user=USER)
        assert st == 200, (st, sealed[:300])

        with open(os.path.join(static, "health.json"), "wb") as f:
            f.write(b"x" * len(health))
        with open(os.path.join(static, "review.json"), "wb") as f:
            f.write(b"x" * len(review))
        with open(os.path.join(static, "approved.json"), "wb") as f:
            f.write(b"x" * len(approved))
        os.chmod(static, 0o755)

        script = os.path.join(base, "post_action.lua")
        with open(os.path.join(HERE, "post_action.lua")) as f:
            lua = f.read()
        body = json.dumps(wh.resolve(POST_ACTION, ids), separators=(",", ":"))
        with open(script, "w") as f:
            f.write("-- generated by bench.py from bench/post_action.lua\n"
                    "ACTION_BODY = [==[%s]==]\n%s" % (body, lua))
        post_path = review_path + "/actions"
        # one POST by hand: the body must be valid (201) before wrk sends it thousands of times
        st, _, b = httpd.request("POST", post_path, user=USER, body=body.encode(),
                                 headers={"Content-Type": "application/json"})
        if st != 201:
            raise RuntimeError("POST %s answers %d: %r" % (post_path, st, b[:500]))

        auth = httpd.auth_header(USER)
        small = "static file (%d B)" % len(health)
        large = "static file (%d B)" % len(review)
        large_ap = "static file (%d B) " % len(approved)
        # (name, path, baseline, extra wrk headers)
        reads = [(small, API + "static/health.json", None, ()),
                 ("GET v1/health", API + "v1/health", small, ()),
                 ("GET v1/me", API + "v1/me", small, ()),
                 (large, API + "static/review.json", None, ()),
                 (DRAFT_ROW, review_path, large, ()),
                 (large_ap, API + "static/approved.json", None, ()),
                 (APPROVED_ROW, approved_path, large_ap, ()),
                 (SEALED_ROW, approved_path + "?version=1", large_ap, ()),
                 ("GET approved, 304", approved_path, large_ap,
                  ("If-None-Match: " + approved_etag,))]
        for name, path, _, _ in reads:
            st, _, b = httpd.request("GET", path, user=USER)
            if st != 200:
                raise RuntimeError("%s answers %d: %r" % (path, st, b[:300]))
            st, _, b = httpd.request("GET", path)
            if st != 401:
                raise RuntimeError("%s is not behind the authentication (%d without "
                                   "credentials)" % (path, st))

        print("wrk -t%s -c%s -d%s (warm-up %s), %s MPM, ISMSReviewConnections %s, Basic auth "
              "({SHA} htpasswd) on every URL, %s" % (THREADS, CONNS, DURATION, WARMUP, mpm,
                                                   DB_CONNECTIONS or "(one per thread)",
                           "SQLite (WAL, synchronous=FULL)" if DB == "sqlite3"
                           else "PostgreSQL %s (harness cluster: fsync=off, "
                                "synchronous_commit=off)" % os.path.basename(
                                    os.path.dirname(pg.bindir))))
        print("draft review %s: %d items embedded (%s), %d bytes"
              % (review_path, embedded, ", ".join("%s %d" % kv for kv in counts.items()),
                 len(review)))
        print("approved review %s: the same items and input a with 14 carried-over actions, "
              "%d bytes; sealed version 1: %d bytes" % (approved_path, len(approved),
                                                        len(sealed)))
        sys.stdout.flush()

        load_before = os.getloadavg()
        results = []
        for name, path, ref, hdrs in reads:
            wrk(httpd.url(path), auth, WARMUP, headers=hdrs)
            results.append((name, ref, wrk(httpd.url(path), auth, DURATION, headers=hdrs)))
        if PERF:
            profile(httpd, httpd.url(review_path), auth, base, "GET v1/reviews/{id}")

        for n in INSERT_THREADS:
            name = "INSERT txn, C loop (%d thr)" % n
            results.append((name, None, insert_baseline(exe, db_args, n)))
        # the minimal module after the bare INSERT (which creates bench_insert_scratch)
        min_script = os.path.join(base, "post_minimal.lua")
        with open(min_script, "w") as f:
            f.write('-- generated by bench.py from bench/post_action.lua\n'
                    'ACTION_BODY = "{}"\n%s' % lua)
        min_url = httpd.url(API + "bench-insert")
        wrk(min_url, auth, WARMUP, min_script)
        results.append((MINIMAL_ROW, None, wrk(min_url, auth, DURATION, min_script)))
        wrk(httpd.url(post_path), auth, WARMUP, script)
        results.append((POST_ROW, MINIMAL_ROW,
                        wrk(httpd.url(post_path), auth, DURATION, script)))
        if PERF:
            profile(httpd, httpd.url(post_path), auth, base, "POST v1/reviews/{id}/actions",
                    script, pg)
            profile(httpd, min_url, auth, base, "POST minimal module", min_script, pg)
        dash = dashboard_median(base) if DASHBOARD else None

        rps = {name: r["rps"] for name, _, r in results}
        print()
        print("%-26s %10s %8s  %-26s %9s %9s %8s %7s  %s" % (
            "target", "req/s", "ratio", "baseline", "p50", "p99", "non-2xx", "errors",
            "goal"))
        for name, ref, r in results:
            x = r["rps"] / rps[ref] if ref and rps[ref] else 1.0
            ratio = ("%.2fx" if x >= 0.095 else "%.4fx") % x
            goal = ""
            if name in TARGETS:
                goal = "%s >= %.2fx" % ("PASS" if x >= TARGETS[name] else "MISS",
                                        TARGETS[name])
            print("%-26s %10.0f %8s  %-26s %9s %9s %8d %7d  %s" % (
                name, r["rps"], ratio, ref or "(baseline)", r["p50"], r["p99"], r["non2xx"],
                r["errors"], goal))
            if r["non2xx"]:
                rc = 1
                print("   !! %s: %d unexpected responses %s" % (name, r["non2xx"], r["note"]))
            elif r["note"]:
                print("   (%s)" % r["note"])
            if r["errors"] and r["sockerr"]:
                print("   (%s)" % r["sockerr"])
        print("\nerrors: wrk socket errors (connect/read/write/timeout); for the bare INSERT: "
              "failed transactions (SQLite: starved past the busy timeout; they do not fail the "
              "run, they show what the database gives). non-2xx: for the POST, every answer "
              "other than 201.")
        # wrk, Apache and the database share the machine's cores: anything else running
        # makes the figures unreliable (after the run the load average counts the 32 threads
        # of the bare-INSERT tool, so only the figure before says something)
        if dash:
            print_dashboard(dash)
        print("load average (1 min) before the measurements: %.1f on %d cores"
              % (load_before[0], os.cpu_count() or 0))
        bad = httpd.bad_log_lines()
        if bad:
            rc = 1
            print("\nerror log (%s):\n%s" % (httpd.error_log, "\n".join(bad[:20])))
    finally:
        cleanup(httpd, pg, base)
    return rc


if __name__ == "__main__":
    sys.exit(main())
