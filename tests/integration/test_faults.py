# SPDX-License-Identifier: Apache-2.0
"""Faults under a running Apache, never restarted by the test:

- kill -9 of the Apache children during a write load: every acknowledged write is in the
  database afterwards with the acknowledged content; SQLite's integrity_check and
  `ismsreview-admin verify` (the audit chain) pass;
- the database read-only (SQLite: the file not writable for the service user; PostgreSQL:
  default_transaction_read_only on; MariaDB: read_only on), its disk full (a small tmpfs
  filled up) and stopped (PostgreSQL, MariaDB): writes get a 503 problem with
  Retry-After and one numbered error-log line naming the cause, reads go on where the database allows them, no 2xx for anything not
  committed, and the first write after the fault clears succeeds within seconds.

The SQLite cases need root (a tmpfs mount, a file the service user cannot write; they skip
otherwise). A read-only remount of a file system cannot be simulated: Linux refuses it
(EBUSY) while the database is open for writing; SQLite's EROFS maps like SQLITE_READONLY.
PostgreSQL disk full: the test's database in a tablespace on a small tmpfs (root only), filled
up; the server answers 53100 "could not extend file ...: No space left on device". MariaDB disk
full: the database's directory a symbolic link to such a tmpfs; 1114 "The table ... is full"."""

import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

import harness
import workflow_helpers as wh
import test_bad_requests as tbr

VALID = tbr.VALID
ACTION = dict(VALID["actions"], due_date="2026-12-30")     # after the review's date
HEALTH = "/isms/api/v1/health"
RECOVERY_LIMIT = 5.0          # seconds from the fault clearing to the first 2xx write

needs_root = pytest.mark.skipif(not harness.is_root(), reason="mounts a tmpfs: needs root")
sqlite_only = pytest.mark.skipif("sqlite3" not in os.environ.get("ISMS_BACKENDS",
                                                                 "sqlite3,pgsql,mysql"),
                                 reason="sqlite3 not in ISMS_BACKENDS")


def mount_tmpfs(request, basedir, size):
    """A tmpfs of the given size at BASEDIR/dbfs, owned by the service user; unmounted once
    every server of the test is stopped."""
    path = os.path.join(basedir, "dbfs")
    os.makedirs(path)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % size, "tmpfs", path],
                   check=True)
    request.node.isms_late_cleanups.append(
        lambda: subprocess.run(["umount", "-l", path], check=False))
    harness._chown_service(path)
    return path


def remount(path, mode):
    subprocess.run(["mount", "-o", "remount,%s" % mode, path], check=True)


def sqlite(dbfile, sql):
    p = harness.run_as_service_user(["sqlite3", "-batch", dbfile, sql])
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def verify_chain(db_args):
    rc, out = harness.migrate(db_args, "verify")
    assert rc == 0, "ismsreview-admin verify failed:\n" + out


def new_review(api, title):
    return api.raw("POST", "v1/reviews", body=dict(VALID["reviews"], title=title))


def check_503(resp, slug):
    doc = harness.assert_problem(resp, 503)
    assert doc["type"].endswith(":" + slug), doc
    assert resp[1].get("retry-after", "").isdigit(), resp[1]
    return doc


def wait_recovery(api, title_prefix, limit=RECOVERY_LIMIT):
    """Posts reviews until one is created; returns (seconds taken, created ids, titles of the
    attempts that failed)."""
    t0 = time.monotonic()
    failed, n = [], 0
    while True:
        n += 1
        title = "%s %d" % (title_prefix, n)
        st, hdrs, body = new_review(api, title)
        if st == 201:
            return time.monotonic() - t0, json.loads(body)["id"], failed
        assert st == 503, (st, body[:300])
        failed.append(title)
        assert time.monotonic() - t0 < limit, "no successful write %.1f s after the fault " \
            "cleared; last: %d %r" % (limit, st, body[:300])
        time.sleep(0.1)


def numbered_lines(httpd, mark, number, cause):
    lines = [l for l in httpd.error_log_lines(mark) if "ISMS%05d" % number in l]
    assert lines, "no ISMS%05d line:\n%s" % (number, "\n".join(httpd.error_log_lines(mark)))
    assert all(re.search(cause, l) for l in lines), lines
    return lines


def titles_in_db(backend, like):
    return {r[0] for r in backend.query("SELECT title FROM review WHERE title LIKE '%s%%'"
                                        % like)}


# ---------------------------------------------------------------------------------------------
# read-only


@needs_root
@sqlite_only
def test_sqlite_read_only_database(make_httpd, basedir):
    """The database file becomes read-only for the service user (a backup restored with the
    wrong mode). A connection opened before keeps its writable descriptor, as the kernel
    wants, so the children are replaced (SIGKILL; the parent, Apache, stays) and their new
    connections find the file read-only."""
    dbdir = os.path.join(basedir, "db")
    os.makedirs(dbdir)
    harness._chown_service(dbdir)
    db_args = harness.sqlite_db_args(dbdir)
    dbfile = os.path.join(dbdir, "isms.db")
    httpd = make_httpd(db_args=db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21300: database is read-only, write refused: 8: "
                r"attempt to write a readonly database",
                r"\[core:notice\].*AH00052: child pid \d+ exit signal Killed \(9\)")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    act, apath = api.create(rpath + "/actions", ACTION)
    mark = httpd.log_size()

    os.chmod(dbfile, 0o444)
    try:
        for c in children(httpd):
            os.kill(c, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while httpd.request("GET", HEALTH)[0] != 200:
            assert time.monotonic() < deadline, "no child came back"
            time.sleep(0.1)
        for i in range(6):
            check_503(new_review(api, "ro-attempt %d" % i), "database-read-only")
            _, etag = api.get_with_etag(apath)       # reading goes on
            check_503(api.raw("PATCH", apath, body={"priority": "LOW"},
                              headers={"If-Match": etag}), "database-read-only")
        numbered_lines(httpd, mark, 21300, r"read-only.*readonly")
    finally:
        os.chmod(dbfile, 0o644)
    took, rid, failed = wait_recovery(api, "ro-recovered")
    print("\nSQLite read-only: first write %.2f s after the file became writable" % took)
    assert httpd.read_pid() == pid and harness.pid_alive(pid)
    assert titles_in_db_sqlite(dbfile, "ro-attempt") == set()
    assert sqlite(dbfile, "SELECT priority FROM action WHERE id = %d" % act["id"]) == "HIGH"
    assert sqlite(dbfile, "PRAGMA integrity_check") == "ok"
    verify_chain(db_args)


def titles_in_db_sqlite(dbfile, like):
    out = sqlite(dbfile, "SELECT title FROM review WHERE title LIKE '%s%%'" % like)
    return {l for l in out.splitlines() if l}


@pytest.mark.pgsql
def test_pgsql_read_only(make_httpd, backend):
    if backend.name != "pgsql":
        pytest.skip("the SQLite variant is test_sqlite_read_only_file_system")
    httpd = make_httpd(db_args=backend.db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21300: database is read-only, write refused: "
                r"(\d+: )?ERROR:  cannot execute INSERT in a read-only transaction\s*$")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    pg, db = backend.pg, backend.dbname
    mark = httpd.log_size()
    pg.psql("ALTER DATABASE %s SET default_transaction_read_only = on" % db)
    pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s' "
            "AND pid <> pg_backend_pid()" % db)
    try:
        for i in range(6):
            resp = new_review(api, "ro-attempt %d" % i)
            check_503(resp, "database-read-only")
        reads = [api.raw("GET", rpath)[0] for _ in range(5)]
        assert reads == [200] * 5, reads
        numbered_lines(httpd, mark, 21300, r"read-only")
    finally:
        pg.psql("ALTER DATABASE %s SET default_transaction_read_only = off" % db)
    # no backend is terminated now: the module drops a session that refused a write
    took, rid, failed = wait_recovery(api, "ro-recovered")
    print("\nPostgreSQL read-only: first write %.2f s after the setting was cleared" % took)
    assert httpd.read_pid() == pid
    assert titles_in_db(backend, "ro-attempt") == set()
    verify_chain(backend.db_args)


@pytest.mark.mysql
def test_mysql_read_only(make_httpd, backend):
    """MariaDB switched to read_only (as a replica is): writes are 503 database-read-only
    (1290), reads go on, the first write after read_only is off succeeds."""
    if backend.name != "mysql":
        pytest.skip("MariaDB only")
    httpd = make_httpd(db_args=backend.db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21300: database is read-only, write refused: "
                r"(\d+: )?The MariaDB server is running with the --read-only option")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    mark = httpd.log_size()
    backend.maria.sql("SET GLOBAL read_only = ON", dbname="")
    try:
        for i in range(6):
            check_503(new_review(api, "ro-attempt %d" % i), "database-read-only")
        reads = [api.raw("GET", rpath)[0] for _ in range(5)]
        assert reads == [200] * 5, reads
        numbered_lines(httpd, mark, 21300, r"read-only")
    finally:
        backend.maria.sql("SET GLOBAL read_only = OFF", dbname="")
    took, rid, failed = wait_recovery(api, "ro-recovered")
    print("\nMariaDB read-only: first write %.2f s after read_only was cleared" % took)
    assert httpd.read_pid() == pid
    assert titles_in_db(backend, "ro-attempt") == set()
    verify_chain(backend.db_args)


# ---------------------------------------------------------------------------------------------
# disk full


def fill_and_write(httpd, api, path, rpath, text, cause):
    """Fills the tmpfs at path to its last block, then POSTs 40 reviews titled
    "full-attempt N" with two texts from text(): at least 30 must be refused with 503
    database-full, reads go on, and the refusals are logged as ISMS21301 with the cause; the
    space is freed at the end. Returns the titles acknowledged (201) despite the fault."""
    mark = httpd.log_size()
    filler = os.path.join(path, "filler")
    subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=64k"], capture_output=True)
    subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=4k", "oflag=append",
                    "conv=notrunc"], capture_output=True)
    acked, refused = [], []
    try:
        for i in range(40):
            title = "full-attempt %d" % i
            st, hdrs, body = api.raw("POST", "v1/reviews", body=dict(
                VALID["reviews"], title=title, agenda=text(), executive_summary=text()))
            if st == 201:
                acked.append(title)        # a page or extent with room was still there
                continue
            check_503((st, hdrs, body), "database-full")
            refused.append(title)
        assert len(refused) >= 30, (len(acked), len(refused))
        reads = [api.raw("GET", rpath)[0] for _ in range(3)] + \
            [api.raw("GET", "v1/reviews?limit=5")[0]]
        assert reads == [200] * 4, reads
        numbered_lines(httpd, mark, 21301, cause)
    finally:
        os.unlink(filler)
    return acked


@needs_root
@sqlite_only
def test_sqlite_disk_full(make_httpd, basedir, request):
    path = mount_tmpfs(request, basedir, "8m")
    db_args = harness.sqlite_db_args(path)
    httpd = make_httpd(db_args=db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21301: database disk full, write refused: ")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    acked = fill_and_write(httpd, api, path, rpath, lambda: "x" * 9000,
                           r"(?i)disk full.*(full|space)")
    took, rid, failed = wait_recovery(api, "full-recovered")
    print("\nSQLite disk full: %d writes still fitted, %d refused; first write %.2f s after "
          "the space came back" % (len(acked), 40 - len(acked), took))
    assert httpd.read_pid() == pid
    dbfile = os.path.join(path, "isms.db")
    assert titles_in_db_sqlite(dbfile, "full-attempt") == set(acked)
    assert sqlite(dbfile, "PRAGMA integrity_check") == "ok"
    verify_chain(db_args)


def incompressible(n):
    """n characters that pglz cannot shrink (random base64), so each value is stored out of
    line in TOAST pages and every insert has to extend a relation."""
    return base64.b64encode(os.urandom(n * 3 // 4 + 3)).decode()[:n]


@needs_root
@pytest.mark.pgsql
def test_pgsql_disk_full(make_httpd, pgsql_backend, basedir, request):
    """The database's data files on a small tmpfs (its own tablespace; the WAL stays on the
    cluster's disk, as a separate WAL volume would), the tmpfs then filled up: a write that
    needs a relation to grow gets 53100 "could not extend file ... No space left on device"."""
    import pwd
    pg, db = pgsql_backend.pg, pgsql_backend.dbname
    path = mount_tmpfs(request, basedir, "32m")
    pw = pwd.getpwnam("postgres")
    os.chown(path, pw.pw_uid, pw.pw_gid)
    os.chmod(path, 0o700)
    ts = db + "_full"

    def drop():                  # before the unmount (cleanups run last-registered first)
        pg.drop_db(db)
        pg.psql("DROP TABLESPACE IF EXISTS %s" % ts, dbname="postgres", check=False)
    request.node.isms_late_cleanups.append(drop)
    pg.psql("CREATE TABLESPACE %s LOCATION '%s'" % (ts, path), dbname="postgres")
    pg.psql("ALTER DATABASE %s SET TABLESPACE %s" % (db, ts), dbname="postgres")
    rc, out = pgsql_backend.migrate()
    assert rc == 0, out
    httpd = make_httpd(db_args=pgsql_backend.db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21301: database disk full, write refused: "
                r"(\d+: )?ERROR:  could not extend file .*No space left on device")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    acked = fill_and_write(httpd, api, path, rpath, lambda: incompressible(9000),
                           r"disk full.*could not extend file")
    took, rid, failed = wait_recovery(api, "full-recovered")
    print("\nPostgreSQL disk full: %d writes still fitted, %d refused; first write %.2f s "
          "after the space came back" % (len(acked), 40 - len(acked), took))
    assert httpd.read_pid() == pid and harness.pid_alive(pid)
    assert titles_in_db(pgsql_backend, "full-attempt") == set(acked)
    assert titles_in_db(pgsql_backend, "full-recovered") == {
        "full-recovered %d" % (len(failed) + 1)}
    verify_chain(pgsql_backend.db_args)


@needs_root
@pytest.mark.mysql
def test_mysql_disk_full(make_httpd, server_backend, basedir, request):
    """The database's directory (InnoDB file per table) a symbolic link to a small tmpfs, the
    redo log on the server's disk; the tmpfs filled up: a table that cannot grow is 1114.
    The texts are small enough to stay in the row: MariaDB 10.11 aborts ("[FATAL] InnoDB:
    Error (Out of disk space) in rollback", signal 6) when an INSERT of a value stored off
    page (a text of some kB) cannot extend the tablespace; the whole server goes down."""
    if server_backend.name != "mysql":
        pytest.skip("MariaDB only (PostgreSQL: test_pgsql_disk_full)")
    import pwd
    m, db = server_backend.maria, server_backend.dbname
    path = mount_tmpfs(request, basedir, "16m")
    pw = pwd.getpwnam("mysql")
    os.chown(path, pw.pw_uid, pw.pw_gid)
    os.chmod(path, 0o700)
    dbdir = os.path.join(m.datadir, db)

    def drop():                  # before the unmount (cleanups run last-registered first)
        m.drop_db(db)
        if os.path.islink(dbdir):
            os.unlink(dbdir)
    request.node.isms_late_cleanups.append(drop)
    for f in os.listdir(dbdir):                 # db.opt
        shutil.copy2(os.path.join(dbdir, f), path)
        os.chown(os.path.join(path, f), pw.pw_uid, pw.pw_gid)
    shutil.rmtree(dbdir)
    os.symlink(path, dbdir)
    rc, out = server_backend.migrate()
    assert rc == 0, out
    assert [f for f in os.listdir(path) if f.endswith(".ibd")], os.listdir(path)
    httpd = make_httpd(db_args=server_backend.db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21301: database disk full, write refused: "
                r"(\d+: )?The table .* is full")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    acked = fill_and_write(httpd, api, path, rpath, lambda: incompressible(1000),
                           r"disk full.*is full")
    took, rid, failed = wait_recovery(api, "full-recovered")
    print("\nMariaDB disk full: %d writes still fitted, %d refused; first write %.2f s "
          "after the space came back" % (len(acked), 40 - len(acked), took))
    assert httpd.read_pid() == pid and harness.pid_alive(pid)
    assert m.running
    assert titles_in_db(server_backend, "full-attempt") == set(acked)
    assert titles_in_db(server_backend, "full-recovered") == {
        "full-recovered %d" % (len(failed) + 1)}
    verify_chain(server_backend.db_args)


# ---------------------------------------------------------------------------------------------
# database stopped


def test_pgsql_stopped_during_writes(make_httpd, backend):
    # also MariaDB (backend.server: harness.Postgres or harness.MariaDB)
    if backend.name not in ("pgsql", "mysql"):
        pytest.skip("PostgreSQL and MariaDB only (an SQLite file cannot be stopped)")
    httpd = make_httpd(db_args=backend.db_args).start()
    httpd.allow(r"\[ismsreview:error\].*ISMS21010: database (pgsql|mysql) .* unavailable: ",
                r"\[ismsreview:error\].*ISMS21302: database unavailable: ")
    pid = httpd.pid
    api = wh.Api(httpd)
    doc, rpath = api.create("v1/reviews", VALID["reviews"])
    mark = httpd.log_size()
    backend.server.stop()
    try:
        for i in range(6):
            check_503(new_review(api, "down-attempt %d" % i), "database-unavailable")
        check_503(api.raw("GET", rpath), "database-unavailable")
        lines = [l for l in httpd.error_log_lines(mark) if re.search(r"ISMS2(1010|1302)", l)]
        assert lines and all(re.search(r"unavailable", l) for l in lines), \
            httpd.error_log_lines(mark)
    finally:
        backend.server.start()
    took, rid, failed = wait_recovery(api, "down-recovered")
    print("\n%s stopped: first write %.2f s after the restart" % (backend.name, took))
    assert httpd.read_pid() == pid
    assert titles_in_db(backend, "down-attempt") == set()
    verify_chain(backend.db_args)


# ---------------------------------------------------------------------------------------------
# kill -9 of the children during writes


class Writer(threading.Thread):
    """Posts actions to its review and patches its own action, recording every acknowledged
    write (2xx) and every value it tried after the last acknowledged one."""

    def __init__(self, httpd, rpath, n, stop):
        super().__init__(daemon=True)
        self.api, self.rpath, self.n, self.stop = wh.Api(httpd), rpath, n, stop
        self.created = {}          # id -> (ref, title)
        self.patched = None        # (path, etag, title) of the last acknowledged PATCH
        self.tried_after = []      # titles sent in PATCHes after it (acknowledged or not)
        self.errors = 0
        self.others = []

    def call(self, method, path, body=None, headers=None):
        try:
            return self.api.raw(method, path, body=body, headers=headers, timeout=20)
        except (OSError, http.client.HTTPException):
            self.errors += 1
            return None

    def run(self):
        i = 0
        etag = None
        while not self.stop.is_set():
            i += 1
            title = "w%d-%d" % (self.n, i)
            resp = self.call("POST", self.rpath + "/actions",
                             dict(ACTION, title=title))
            if resp and resp[0] == 201:
                doc = json.loads(resp[2])
                self.created[doc["id"]] = (doc["ref"], title)
                if self.patched is None:
                    self.patched = (self.rpath + "/actions/%d" % doc["id"], doc["etag"], title)
                    etag = doc["etag"]
            elif resp:
                self.others.append((resp[0], resp[2][:200]))
            if self.patched is None:
                continue
            ptitle = "w%d-patch-%d" % (self.n, i)
            if etag is None:           # the last PATCH is in doubt: read the current ETag
                got = self.call("GET", self.patched[0])
                if not got or got[0] != 200:
                    continue
                etag = got[1]["etag"]
            self.tried_after.append(ptitle)
            resp = self.call("PATCH", self.patched[0], {"title": ptitle}, {"If-Match": etag})
            etag = None
            if resp and resp[0] == 200:
                etag = resp[1]["etag"]
                self.patched = (self.patched[0], etag, ptitle)
                self.tried_after = []
            elif resp and resp[0] != 412:
                self.others.append((resp[0], resp[2][:200]))


def children(httpd):
    return [p for p in harness.group_members(httpd.pid) if p != httpd.pid]


@pytest.mark.slow
def test_kill_children_during_writes(make_httpd, backend):
    httpd = make_httpd(db_args=backend.db_args).start()
    # the parent notes each killed child (notice) and may log a scoreboard line while
    # replacing them; a write cut short by the kill leaves the client without an answer
    httpd.allow(r"\[core:notice\].*AH00052: child pid \d+ exit signal Killed \(9\)",
                r"\[mpm_\w+:error\].*AH00485: scoreboard is full, not at MaxRequestWorkers",
                r"\[mpm_\w+:error\].*AH03490: scoreboard is full, not at MaxRequestWorkers")
    pid = httpd.pid
    api = wh.Api(httpd)
    reviews = [api.create("v1/reviews", dict(VALID["reviews"], title="Load %d" % i))[1]
               for i in range(4)]
    stop = threading.Event()
    writers = [Writer(httpd, reviews[i], i, stop) for i in range(4)]
    for w in writers:
        w.start()
    kills = 0
    t_end = time.monotonic() + 8
    time.sleep(1.0)
    while time.monotonic() < t_end:
        for c in children(httpd):
            try:
                os.kill(c, signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
        time.sleep(1.5)
    stop.set()
    for w in writers:
        w.join(30)
        assert not w.is_alive(), "a writer hangs"
    # Apache replaced its children by itself
    deadline = time.monotonic() + 10
    while httpd.request("GET", HEALTH)[0] != 200:
        assert time.monotonic() < deadline, "Apache did not recover from the kills"
        time.sleep(0.2)
    assert httpd.read_pid() == pid and harness.pid_alive(pid)

    acked = sum(len(w.created) for w in writers)
    print("\nkill -9: %d children killed, %d actions acknowledged, %d requests cut off"
          % (kills, acked, sum(w.errors for w in writers)))
    assert kills >= 4 and acked >= 20, (kills, acked)
    others = [o for w in writers for o in w.others]
    assert not others, "unexpected answers under load: %r" % others[:5]
    rows = {int(r[0]): (r[1], r[2]) for r in backend.query("SELECT id, ref, title FROM action")}
    for w in writers:
        for aid, (ref, title) in w.created.items():
            assert aid in rows, "acknowledged action %d (%s) is gone" % (aid, ref)
            if aid != int(w.patched[0].rsplit("/", 1)[1]):
                assert rows[aid] == (ref, title), (aid, rows[aid], ref, title)
        # the patched action holds the last acknowledged title or one sent after it
        aid = int(w.patched[0].rsplit("/", 1)[1])
        assert rows[aid][1] in [w.patched[2]] + w.tried_after, (rows[aid], w.patched)
    if backend.name == "sqlite3":
        assert backend.query("PRAGMA integrity_check") == [["ok"]]
    verify_chain(backend.db_args)
    # and it takes writes again
    api.create("v1/reviews", dict(VALID["reviews"], title="after the kills"))
