"""ismsreview-admin: usage, migrate (idempotent), status; exit 0 ok, 1 failure, 2 usage."""

import os
import re

import pytest

import harness

NOTHING_TO_DO = re.compile(r"(?i)nothing to (apply|do|migrate)|no (pending|new) migration|"
                           r"up[- ]to[- ]date|already (at|current|migrated)|0 migrations? applied")


def test_help(built):
    rc, out = harness.run_admin(["--help"])
    assert rc == 0, out
    assert "migrate" in out and "status" in out and "--database" in out, out


@pytest.mark.parametrize("args", [["frobnicate"], [], ["--no-such-option"],
                                  ["--database"]], ids=["unknown-command", "no-command",
                                                        "unknown-option", "missing-value"])
def test_usage_errors_exit_2(built, args):
    rc, out = harness.run_admin(args)
    assert rc == 2, "rc %d: %s" % (rc, out)
    assert out.strip(), "no message"


def test_bad_database_spec_fails(built):
    rc, out = harness.run_admin(["--database", "nosuchdriver dbname=x", "status"])
    assert rc in (1, 2), out
    assert "nosuchdriver" in out, out


def test_unreachable_database_exits_1(built):
    port = harness.free_port()
    rc, out = harness.migrate("pgsql host=127.0.0.1 port=%d dbname=isms username=isms "
                              "password=x" % port, "status")
    assert rc == 1, "rc %d: %s" % (rc, out)
    assert out.strip()


def _versions(backend):
    return [int(r[0]) for r in backend.query("SELECT version FROM schema_version "
                                             "ORDER BY version")]


def test_migrate_twice_is_idempotent_server(server_backend):
    b = server_backend
    rc, first = b.migrate()
    assert rc == 0, first
    applied = _versions(b)
    assert applied and applied[0] >= 1, applied
    assert not NOTHING_TO_DO.search(first), "first migrate on an empty database says: " + first

    rc, second = b.migrate()
    assert rc == 0, second
    assert NOTHING_TO_DO.search(second), "second migrate does not say nothing was applied: " + \
        second
    assert _versions(b) == applied


def test_status_prints_schema_version_server(server_backend):
    b = server_backend
    rc, out = b.migrate()
    assert rc == 0, out
    top = max(_versions(b))
    rc, out = b.migrate("status")
    assert rc == 0, out
    assert re.search(r"\b%d\b" % top, out), "status does not print version %d: %s" % (top, out)


def test_migrate_and_status_sqlite(basedir, built):
    # a scratch database, not shared with an Apache
    d = os.path.join(basedir, "admin-db")
    os.makedirs(d)
    args = harness.sqlite_db_args(d)
    rc, out = harness.migrate(args)
    assert rc == 0, out
    rc, out2 = harness.migrate(args)
    assert rc == 0, out2
    assert NOTHING_TO_DO.search(out2), out2
    rc, status = harness.migrate(args, "status")
    assert rc == 0, status
    import sqlite3
    con = sqlite3.connect(os.path.join(d, "isms.db"))
    try:
        total, distinct, top = con.execute(
            "SELECT count(*), count(DISTINCT version), max(version) FROM schema_version"
        ).fetchone()
    finally:
        con.close()
    assert total == distinct
    assert re.search(r"\b%d\b" % top, status), status


def test_status_on_unmigrated_server_reports_it(server_backend):
    # status on an empty database: does not crash; says there is no schema (rc 0 or 1)
    rc, out = server_backend.migrate("status")
    assert rc in (0, 1), "rc %d: %s" % (rc, out)
    assert out.strip()
