# SPDX-License-Identifier: Apache-2.0
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


# ---- help and usage (every command listed; errors start with "ismsreview-admin:")

COMMANDS = ("migrate", "status", "verify", "checkpoint", "export", "import", "people-import",
            "people-export", "check-config", "verify-evidence", "help")


@pytest.mark.parametrize("args", [["--help"], ["help"]], ids=["--help", "help"])
def test_help_lists_every_command(built, args):
    rc, out = harness.run_admin(args)
    assert rc == 0, out
    for cmd in COMMANDS:
        assert re.search(r"^  %s\b" % re.escape(cmd), out, re.M), "%s not listed: %s" % (cmd,
                                                                                      out)
    assert "exit codes" in out


@pytest.mark.parametrize("args", [["frobnicate"], ["import"], ["export", "a", "b"],
                                  ["people-import"], ["people-export", "a", "b"],
                                  ["verify", "extra"], ["check-config", "a", "b"],
                                  ["check-config"], ["--database", "sqlite3 dbname=x "
                                                     "sqlite3_dbdir=/tmp", "status", "x"]],
                         ids=["unknown", "import-no-file", "export-two-files",
                              "people-import-no-file", "people-export-two-files", "verify-arg",
                              "check-config-two", "check-config-nothing", "status-arg"])
def test_usage_errors_name_the_problem(built, args):
    rc, out = harness.run_admin(args)
    assert rc == 2, "rc %d: %s" % (rc, out)
    assert out.startswith("ismsreview-admin: "), out
    assert "--help" in out or "check-config needs" in out, out


# ---- check-config

def _admin_as_service(*args):
    p = harness.run_as_service_user([harness.admin_path()] + list(args))
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def _lines(out, level):
    return [l for l in out.splitlines() if l.startswith(level + " ")]


def test_check_config_database_ok(backend):
    rc, out = _admin_as_service("--database", backend.db_args, "migrate")
    assert rc == 0, out
    rc, out = _admin_as_service("--database", backend.db_args, "check-config")
    assert rc == 0, out
    assert "all checks passed" in out and not _lines(out, "FAIL"), out
    assert re.search(r"^OK +schema version \d+ is current", out, re.M), out
    assert re.search(r"^OK .*connected", out, re.M), out
    if backend.name == "sqlite3":
        assert re.search(r"^OK +journal mode wal", out, re.M), out
        assert re.search(r"^OK +SQLite directory .* is writable by www-data", out, re.M), out
    else:
        assert re.search(r"^OK +privileges", out, re.M), out
        if backend.name == "pgsql":
            backend.pg.psql("REVOKE DELETE ON approval FROM %s" % backend.pg.USER,
                            dbname=backend.dbname)
        else:
            # MariaDB: a database-wide grant cannot lose one table; grant per table instead
            m, db = backend.maria, backend.dbname
            user = "'%s'@'127.0.0.1'" % m.USER
            tables = [r[0] for r in backend.query("SHOW TABLES")]
            m.sql("REVOKE DELETE ON %s.* FROM %s; %s" % (db, user, " ".join(
                "GRANT DELETE ON %s.%s TO %s;" % (db, t, user) for t in tables
                if t != "approval")), dbname="")
        rc, out = _admin_as_service("--database", backend.db_args, "check-config")
        assert rc == 1, out
        assert re.search(r"^FAIL privileges: .*DELETE on approval: GRANT", out, re.M), out


def test_check_config_warns_of_a_superuser(backend):
    """The dialect's superuser query (core/isms_dialect.c): a role that can switch off the
    seal triggers, or write past read_only, is a warning of check-config."""
    if backend.name == "sqlite3":
        pytest.skip("PostgreSQL and MariaDB only (SQLite has no roles)")
    rc, out = _admin_as_service("--database", backend.db_args, "migrate")
    assert rc == 0, out
    rc, out = _admin_as_service("--database", backend.db_args, "check-config")
    assert rc == 0 and not _lines(out, "WARN"), out
    if backend.name == "pgsql":
        grant = lambda: backend.pg.psql("ALTER ROLE %s SUPERUSER" % backend.pg.USER,
                                        dbname=backend.dbname)
        revoke = lambda: backend.pg.psql("ALTER ROLE %s NOSUPERUSER" % backend.pg.USER,
                                         dbname=backend.dbname)
        word = "superuser"
    else:
        user = "'%s'@'127.0.0.1'" % backend.maria.USER
        grant = lambda: backend.maria.sql("GRANT SUPER ON *.* TO %s" % user, dbname="")
        revoke = lambda: backend.maria.sql("REVOKE SUPER ON *.* FROM %s" % user, dbname="")
        word = "SUPER"
    grant()
    try:
        rc, out = _admin_as_service("--database", backend.db_args, "check-config")
    finally:
        revoke()
    assert rc == 0, out
    assert any(word in l for l in _lines(out, "WARN")), out


@pytest.mark.parametrize("spec,word", [
    ("nosuchdriver dbname=x", "nosuchdriver"),
    ("sqlite3 dbname=isms.db sqlite3_dbdir=/tmp bogus=1", "bogus"),
    ("sqlite3 dbname=isms.db", "sqlite3_dbdir"),
    ("pgsql host=127.0.0.1 dbname=isms port=abc", "port")],
    ids=["driver", "option", "missing-dir", "port"])
def test_check_config_bad_database_names_it(built, spec, word):
    rc, out = harness.run_admin(["--database", spec, "check-config"])
    assert rc == 1, "rc %d: %s" % (rc, out)
    fails = _lines(out, "FAIL")
    assert fails and word in fails[0], out


@pytest.mark.pgsql
def test_check_config_unmigrated_says_migrate(pgsql_backend):
    rc, out = harness.run_admin(["--database", pgsql_backend.db_args, "check-config"])
    assert rc == 1, out
    assert any("ismsreview-admin" in l and "migrate" in l for l in _lines(out, "FAIL")), out


def test_check_config_unreachable_database(built):
    port = harness.free_port()
    rc, out = harness.run_admin(["--database", "pgsql host=127.0.0.1 port=%d dbname=isms "
                                 "username=isms password=x" % port, "check-config"])
    assert rc == 1 and "cannot connect" in out and "password=***" in out, out


def test_check_config_apache_file_with_includes(basedir, built):
    """The directives of an Apache configuration, with Include/IncludeOptional, Define and
    ${VAR}, each checked with the module's rules and named by file and line."""
    conf = os.path.join(basedir, "conf")
    dbdir = os.path.join(basedir, "db")
    os.makedirs(os.path.join(conf, "conf.d"))
    os.makedirs(dbdir)
    harness._chown_service(dbdir)
    with open(os.path.join(conf, "apache2.conf"), "w") as f:
        f.write('ServerRoot "%s"\nDefine ISMS_DB %s\n# a comment\n'
                'ISMSReviewDatabase sqlite3 dbname=isms.db \\\n    "sqlite3_dbdir=${ISMS_DB}"\n'
                'ISMSReviewDurability Full\n'
                'Include conf.d/*.conf\nIncludeOptional sites/*.conf\n' % (conf, dbdir))
    with open(os.path.join(conf, "conf.d", "isms.conf"), "w") as f:
        f.write('<Location /isms/api>\n  SetHandler ismsreview\n'
                '  ISMSReviewRole author "%{REMOTE_USER} == \'author\'"\n'
                '  ISMSReviewApprovals 2\n  ISMSReviewRequireTLS On\n</Location>\n')
    main = os.path.join(conf, "apache2.conf")
    rc, out = harness.run_admin(["check-config", main])
    assert rc == 0, out
    assert len(_lines(out, "OK")) >= 5, out
    assert "apache2.conf:4: ISMSReviewDatabase" in out, out
    assert "does not exist yet" in out, out          # not created by the check
    assert not os.path.exists(os.path.join(dbdir, "isms.db"))

    with open(os.path.join(conf, "conf.d", "typos.conf"), "w") as f:
        f.write('ISMSReviewApprovals 99\nISMSReviewRole boss "true"\n'
                'ISMSReviewDurabilty Full\nISMSReviewMaxBody 10\n')
    rc, out = harness.run_admin(["check-config", main])
    assert rc == 1, out
    fails = "\n".join(_lines(out, "FAIL"))
    assert "typos.conf:1: ISMSReviewApprovals: '99' is not a whole number from 1 to 20" in \
        fails, out
    assert "typos.conf:2: ISMSReviewRole: unknown role 'boss'" in fails, out
    assert "typos.conf:3: ISMSReviewDurabilty: unknown directive" in fails, out
    assert "typos.conf:4: ISMSReviewMaxBody" in fails, out
    assert "4 check(s) failed" in out, out

    rc, out = harness.run_admin(["check-config", os.path.join(conf, "missing.conf")])
    assert rc == 2 and "ismsreview-admin: cannot read" in out, out
