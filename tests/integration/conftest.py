# SPDX-License-Identifier: Apache-2.0
"""pytest fixtures for the integration suite: a real Apache with the module from the build tree,
a database per test on every backend in ISMS_BACKENDS (default "sqlite3,pgsql,mysql"), and an
error-log check after every test.

Run: tests/integration/run.sh  (or /usr/bin/python3 -m pytest -q tests/integration)
Env: ISMS_BUILDDIR, ISMS_BACKENDS, ISMS_MPM (see harness.py), ISMS_KEEP=1 keeps the server
roots of the tests for a post-mortem.
"""

import itertools
import os
import shutil
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BACKENDS = [b.strip() for b in
            os.environ.get("ISMS_BACKENDS", "sqlite3,pgsql,mysql").split(",") if b.strip()]
_db_counter = itertools.count(1)


def _sigterm(signum, frame):
    # make check or CI killing us: unwind through the fixtures so no httpd/postgres is left
    raise KeyboardInterrupt("SIGTERM")


def pytest_configure(config):
    config.addinivalue_line("markers", "pgsql: needs the PostgreSQL backend")
    config.addinivalue_line("markers", "mysql: needs the MariaDB backend")
    config.addinivalue_line("markers", "no_migrate: pgsql database left without the schema")
    config.addinivalue_line("markers", "slow: takes more than a couple of seconds")
    signal.signal(signal.SIGTERM, _sigterm)


def pytest_report_header(config):
    return ["isms: builddir=%s backends=%s mpm=%s root=%s"
            % (harness.builddir(), ",".join(BACKENDS), os.environ.get("ISMS_MPM", "event"),
               harness.is_root())]


@pytest.fixture(scope="session")
def built():
    """The module and the admin tool exist in the build tree."""
    missing = [p for p in (harness.module_path(), harness.admin_path()) if not os.path.exists(p)]
    if missing:
        pytest.fail("not built (run ./configure && make, or set ISMS_BUILDDIR): %s"
                    % ", ".join(missing), pytrace=False)
    return True


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster for the session; each test gets its own database in it."""
    pg = harness.Postgres()
    yield pg
    pg.destroy()


@pytest.fixture(scope="session")
def mariadb_server():
    """One MariaDB server for the session; each test gets its own database in it."""
    m = harness.MariaDB()
    yield m
    m.destroy()


@pytest.fixture
def basedir(request):
    """The test's scratch directory. Torn down after every fixture that uses it (the servers
    in it are stopped by then), so it also runs the test's late cleanups, e.g. dropping a
    PostgreSQL database only once no Apache holds a connection to it."""
    d = harness.make_basedir()
    request.node.isms_late_cleanups = []
    yield d
    for fn in reversed(request.node.isms_late_cleanups):
        fn()
    if not os.environ.get("ISMS_KEEP"):
        shutil.rmtree(d, ignore_errors=True)


class Backend:
    """The database of one test: name ('sqlite3' or 'pgsql'), db_args for ISMSReviewDatabase
    and ismsreview-admin, and query() to look inside."""

    def __init__(self, name, db_args, pg=None, dbname=None, dbdir=None, dbfile=None,
                 maria=None):
        self.name = name
        self.db_args = db_args
        self.pg = pg
        self.maria = maria
        self.dbname = dbname
        self.dbdir = dbdir
        self.dbfile = dbfile

    def __repr__(self):
        return "Backend(%s)" % self.db_args

    @property
    def server(self):
        """The database server (harness.Postgres or harness.MariaDB), None for SQLite."""
        return self.pg or self.maria

    def migrate(self, command="migrate"):
        return harness.migrate(self.db_args, command)

    def query(self, sql):
        """Run SQL, return the rows as a list of lists of strings."""
        if self.name == "pgsql":
            out = self.pg.psql(sql, dbname=self.dbname)
        elif self.name == "mysql":
            # tab-separated, NULL spelled out: rendered as psql -At and sqlite3 do
            return self.maria.rows(self.maria.sql(sql, dbname=self.dbname))
        else:
            p = harness.run_as_service_user(["sqlite3", "-batch", "-bail", self.dbfile, sql])
            assert p.returncode == 0, "sqlite3 failed: %s%s" % (p.stdout, p.stderr)
            out = p.stdout
        return [line.split("|") for line in out.splitlines() if line.strip()]


def _make_backend(name, basedir, request, migrate=True):
    if name == "sqlite3":
        dbdir = os.path.join(basedir, "db")
        os.makedirs(dbdir, exist_ok=True)
        harness._chown_service(dbdir)
        return Backend(name, harness.sqlite_db_args(dbdir), dbdir=dbdir,
                       dbfile=os.path.join(dbdir, "isms.db"))
    if name == "pgsql":
        pg = request.getfixturevalue("pg_cluster")
        dbname = "isms_t%d" % next(_db_counter)
        pg.create_db(dbname)
        request.node.isms_late_cleanups.append(lambda: pg.drop_db(dbname))
        b = Backend(name, pg.db_args(dbname), pg=pg, dbname=dbname)
        if migrate:
            rc, out = b.migrate()
            assert rc == 0, "ismsreview-admin migrate failed (rc %d):\n%s" % (rc, out)
        return b
    if name == "mysql":
        m = request.getfixturevalue("mariadb_server")
        dbname = "isms_t%d" % next(_db_counter)
        m.create_db(dbname)
        request.node.isms_late_cleanups.append(lambda: m.drop_db(dbname))
        b = Backend(name, m.db_args(dbname), maria=m, dbname=dbname)
        if migrate:
            rc, out = b.migrate()
            assert rc == 0, "ismsreview-admin migrate failed (rc %d):\n%s" % (rc, out)
        return b
    raise ValueError("unknown backend %r (ISMS_BACKENDS)" % name)


def _backend_params():
    return [pytest.param(b, marks=[getattr(pytest.mark, b)] if b in ("pgsql", "mysql") else [],
                         id=b) for b in BACKENDS]


@pytest.fixture(params=_backend_params())
def backend(request, basedir, built):
    """A fresh database on each backend; pgsql ones are migrated with ismsreview-admin (the
    module auto-migrates only SQLite) unless the test is marked no_migrate."""
    migrate = request.node.get_closest_marker("no_migrate") is None
    return _make_backend(request.param, basedir, request, migrate=migrate)


@pytest.fixture
def pgsql_backend(request, basedir, built):
    """A fresh, NOT migrated PostgreSQL database (for tests of pgsql-only behaviour)."""
    if "pgsql" not in BACKENDS:
        pytest.skip("pgsql not in ISMS_BACKENDS")
    return _make_backend("pgsql", basedir, request, migrate=False)


def _server_backend_params():
    params = [pytest.param(b, marks=[getattr(pytest.mark, b)], id=b) for b in BACKENDS
              if b in ("pgsql", "mysql")]
    return params or [pytest.param(None, marks=pytest.mark.skip(
        reason="no database server (pgsql, mysql) in ISMS_BACKENDS"), id="none")]


@pytest.fixture(params=_server_backend_params())
def server_backend(request, basedir, built):
    """A fresh, NOT migrated database on each database server backend (pgsql, mysql):
    .server is the harness.Postgres or harness.MariaDB, with stop() and start()."""
    return _make_backend(request.param, basedir, request, migrate=False)


@pytest.fixture
def make_httpd(basedir, built):
    """Factory: make_httpd(**Httpd kwargs) -> a configured (not started) Httpd in its own
    server root. At teardown every server is stopped and its error log checked: warn and
    above, or raw stderr lines, fail the test unless allowed with httpd.allow(regex)."""
    servers = []
    n = itertools.count(1)

    def make(**kw):
        h = harness.Httpd(os.path.join(basedir, "srv%d" % next(n)), **kw)
        servers.append(h)
        return h

    yield make
    problems = []
    for h in servers:
        try:
            h.stop()
        except Exception as e:   # keep stopping the others
            problems.append("stop failed: %s" % e)
        bad = h.bad_log_lines()
        if bad:
            problems.append("unexpected lines in %s:\n%s" % (h.error_log, "\n".join(bad)))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def httpd(make_httpd, backend):
    """A started Apache with the module on a fresh database of the backend."""
    return make_httpd(db_args=backend.db_args).start()
