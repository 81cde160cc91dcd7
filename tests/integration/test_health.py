# SPDX-License-Identifier: Apache-2.0
"""GET v1/health on every backend; database outage and schema mismatch on the database servers
(PostgreSQL, MariaDB); SQLite auto-migration under concurrent first requests."""

import concurrent.futures
import os
import re
import time

import pytest

import harness
from harness import assert_json, assert_problem

HEALTH = "/isms/api/v1/health"


def wait_for_status(httpd, status, timeout=10.0, path=HEALTH):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = httpd.request("GET", path)
        if last[0] == status:
            return last
        time.sleep(0.1)
    raise AssertionError("no %d from %s within %.0f s; last: %r" % (status, path, timeout, last))


def check_ok_health(resp):
    doc = assert_json(resp, 200)
    assert set(doc) == {"status", "database", "schema_version"}, doc
    assert doc["status"] == "ok" and doc["database"] == "ok", doc
    v = doc["schema_version"]
    assert isinstance(v, int) and not isinstance(v, bool) and v >= 1, doc
    return doc


def test_health_ok(httpd, backend):
    resp = httpd.request("GET", HEALTH)
    assert resp[1]["content-type"].startswith("application/json"), resp[1]
    doc = check_ok_health(resp)
    # the version reported is the one the database holds
    rows = backend.query("SELECT max(version) FROM schema_version")
    assert int(rows[0][0]) == doc["schema_version"]


def test_health_needs_no_credentials_but_accepts_them(httpd):
    check_ok_health(httpd.request("GET", HEALTH, user="nobody"))
    check_ok_health(httpd.request("GET", HEALTH, user="admin"))


def test_health_head(httpd):
    status, hdrs, body = httpd.request("HEAD", HEALTH)
    assert status == 200
    assert body == b""


DB_ERROR_ALLOWED = (r"(?i)\[[^\]]*:(error|warn)\]"
                    r".*(database|pgsql|postgres|mysql|mariadb|connect)")


def test_server_outage_and_recovery(make_httpd, server_backend):
    pg = server_backend.server
    rc, out = server_backend.migrate()
    assert rc == 0, out
    httpd = make_httpd(db_args=server_backend.db_args).start()
    httpd.allow(DB_ERROR_ALLOWED)
    pid = httpd.pid
    check_ok_health(httpd.request("GET", HEALTH))
    mark = httpd.log_size()

    pg.stop()
    try:
        for _ in range(5):       # every pooled connection is dead now, not only the first
            doc = assert_problem(httpd.request("GET", HEALTH), 503)
            assert doc.get("database") == "unreachable", doc
    finally:
        pg.start()

    check_ok_health(wait_for_status(httpd, 200, timeout=10))
    for _ in range(5):
        check_ok_health(httpd.request("GET", HEALTH))
    assert httpd.read_pid() == pid, "Apache was restarted"
    assert harness.pid_alive(pid)

    lines = httpd.error_log_lines(mark)
    named = [l for l in lines
             if re.search(r"\[[^\]]*:(error|crit|alert|emerg)\]", l) and re.search(r"AH\d{5}", l)
             and re.search(r"(?i)database|pgsql|postgres|mysql|mariadb", l)]
    assert named, "no numbered error naming the database during the outage:\n" + "\n".join(lines)


def test_server_schema_mismatch_then_migrate(make_httpd, server_backend):
    httpd = make_httpd(db_args=server_backend.db_args).start()
    httpd.allow(r"(?i)schema")
    pid = httpd.pid
    doc = assert_problem(httpd.request("GET", HEALTH), 503)
    assert doc.get("database") == "schema_mismatch", doc
    # the detail tells the admin what to run: ismsreview-admin [--database ...] migrate
    assert re.search(r"ismsreview-admin\b.*\bmigrate\b", doc.get("detail", "")), doc
    log = httpd.error_log_lines()
    assert any(re.search(r"(?i)schema.*version|version.*schema", l) for l in log), \
        "no error-log line about the schema version:\n" + "\n".join(log)

    rc, out = server_backend.migrate()
    assert rc == 0, out
    check_ok_health(wait_for_status(httpd, 200, timeout=10))
    assert httpd.read_pid() == pid


def _mpm_conf_3_children(mpm):
    if mpm == "prefork":
        return ("StartServers 3\nMinSpareServers 3\nMaxSpareServers 6\n"
                "MaxRequestWorkers 20\nServerLimit 20\n")
    return ("StartServers 3\nServerLimit 4\nThreadsPerChild 10\nMaxRequestWorkers 40\n"
            "MinSpareThreads 5\nMaxSpareThreads 40\n")


@pytest.mark.skipif("sqlite3" not in os.environ.get("ISMS_BACKENDS", "sqlite3"),
                    reason="sqlite3 not in ISMS_BACKENDS")
def test_sqlite_migrates_once_under_concurrency(make_httpd, basedir, built):
    dbdir = os.path.join(basedir, "db")
    os.makedirs(dbdir)
    harness._chown_service(dbdir)
    dbfile = os.path.join(dbdir, "isms.db")
    mpm = os.environ.get("ISMS_MPM", "event")
    httpd = make_httpd(db_args=harness.sqlite_db_args(dbdir), mpm=mpm,
                       mpm_conf=_mpm_conf_3_children(mpm))
    httpd.start()

    # all three children exist (they race to migrate the fresh database)
    deadline = time.time() + 5
    while time.time() < deadline:
        children = [p for p in harness.group_members(httpd.pid) if p != httpd.pid]
        if len(children) >= 3:
            break
        time.sleep(0.05)
    assert len(children) >= 3, children

    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as ex:
        results = list(ex.map(lambda _: httpd.request("GET", HEALTH), range(30)))
    statuses = [r[0] for r in results]
    assert statuses == [200] * 30, [(r[0], r[2][:300]) for r in results if r[0] != 200]
    versions = {check_ok_health(r)["schema_version"] for r in results}
    assert len(versions) == 1, versions

    def sq(sql):
        p = harness.run_as_service_user(["sqlite3", "-batch", dbfile, sql])
        assert p.returncode == 0, p.stderr
        return p.stdout.strip()

    total, distinct, top = sq("SELECT count(*), count(DISTINCT version), max(version) "
                              "FROM schema_version").split("|")
    assert total == distinct, "a migration was applied twice: %s rows, %s versions" % (
        total, distinct)
    assert int(top) == versions.pop()
    assert sq("PRAGMA journal_mode") == "wal"

    if harness.is_root():
        import pwd
        uid = pwd.getpwnam(harness.SERVICE_USER).pw_uid
        for f in os.listdir(dbdir):
            st = os.stat(os.path.join(dbdir, f))
            assert st.st_uid == uid, "%s is owned by uid %d, not %s: the children cannot " \
                "write it" % (f, st.st_uid, harness.SERVICE_USER)


def test_server_down_at_startup(make_httpd, server_backend):
    # Apache starts while the database is down: it must come up anyway, answer 503, and
    # connect once the database is there (no restart)
    rc, out = server_backend.migrate()
    assert rc == 0, out
    pg = server_backend.server
    httpd = make_httpd(db_args=server_backend.db_args)
    httpd.allow(DB_ERROR_ALLOWED)
    pg.stop()
    try:
        httpd.start()
        doc = assert_problem(httpd.request("GET", HEALTH), 503)
        assert doc.get("database") == "unreachable", doc
    finally:
        pg.start()
    pid = httpd.pid
    check_ok_health(wait_for_status(httpd, 200, timeout=10))
    assert httpd.read_pid() == pid
