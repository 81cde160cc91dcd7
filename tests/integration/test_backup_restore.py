# SPDX-License-Identifier: Apache-2.0
"""The backup and restore procedures of docs/deployment.md, as written there.

PostgreSQL: pg_dump -Fc while Apache serves, pg_restore into a new empty database, and the
restored database passes `ismsreview-admin verify` and `verify --checkpoint` against the
checkpoint taken before the dump; `verify` and `checkpoint` also work on a database that only
allows read-only transactions (as a hot-standby replica does). SQLite: `sqlite3 DB ".backup
FILE"` under WAL while Apache writes gives a copy that verifies, and Apache serves it.
"""

import json
import os
import threading

import pytest

import harness
from workflow_helpers import Api, build_review


def admin(db_args, *args):
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args] + list(args))
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def some_history(api):
    rid = build_review(api, True, title="Backed up")["id"]
    for action, user in (("submit", "author"), ("approve", "approver"), ("publish", "author")):
        api.move(rid, action, user=user)
    return rid


def checkpoint(db_args, basedir):
    rc, out = admin(db_args, "checkpoint")
    assert rc == 0, out
    cp = json.loads(out.strip().splitlines()[-1])
    path = os.path.join(basedir, "checkpoint.json")
    with open(path, "w") as f:
        json.dump(cp, f)
    os.chmod(path, 0o644)
    return cp, path


@pytest.mark.pgsql
def test_pg_dump_restore_verifies(pgsql_backend, make_httpd, basedir):
    b = pgsql_backend
    assert b.migrate()[0] == 0
    h = make_httpd(db_args=b.db_args).start()
    api = Api(h)
    rid = some_history(api)
    cp, cp_path = checkpoint(b.db_args, basedir)
    pg = b.pg
    dump = os.path.join(pg.basedir, "isms.dump")       # the postgres user writes it
    # the dump runs while the API keeps writing
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            api.post("v1/reviews", {"title": "During the dump", "review_type": "SCHEDULED",
                                    "planned_date": "2027-03-10"})
    t = threading.Thread(target=writer)
    t.start()
    try:
        pg._run([pg._bin("pg_dump"), "-h", pg.sockdir, "-p", str(pg.port), "-U", "postgres",
                 "-Fc", "-f", dump, b.dbname])
    finally:
        stop.set()
        t.join(60)
    restored = b.dbname + "_restored"
    pg.create_db(restored)
    try:
        pg._run([pg._bin("pg_restore"), "-h", pg.sockdir, "-p", str(pg.port), "-U", "postgres",
                 "-d", restored, "--no-owner", "--role=isms", dump])
        args = pg.db_args(restored)
        rc, out = admin(args, "status")
        assert rc == 0, out
        rc, out = admin(args, "verify")
        assert rc == 0, out
        rc, out = admin(args, "--checkpoint", cp_path, "verify")
        assert rc == 0 and "still has hash %s" % cp["head"] in out, out
        # the restored database serves the sealed review as it was
        h2 = make_httpd(db_args=args).start()
        doc = Api(h2).get("v1/reviews/%d" % rid)
        assert doc["status"] == "PUBLISHED" and doc["content_hash"] == \
            api.get("v1/reviews/%d" % rid)["content_hash"]
        h2.stop()
        # read-only transactions only, as on a hot-standby replica: verify still works
        pg.psql("ALTER DATABASE %s SET default_transaction_read_only = on" % restored,
                dbname="postgres")
        rc, out = admin(args, "verify")
        assert rc == 0, out
        rc, out = admin(args, "checkpoint")
        assert rc == 0, out
    finally:
        pg.drop_db(restored)


def test_sqlite_online_backup_verifies(make_httpd, basedir, built):
    dbdir = os.path.join(basedir, "db")
    os.makedirs(dbdir)
    harness._chown_service(dbdir)
    h = make_httpd(db_args=harness.sqlite_db_args(dbdir)).start()
    api = Api(h)
    rid = some_history(api)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            api.post("v1/reviews", {"title": "During the backup", "review_type": "SCHEDULED",
                                    "planned_date": "2027-03-10"})
    t = threading.Thread(target=writer)
    t.start()
    bdir = os.path.join(basedir, "backup")
    os.makedirs(bdir)
    harness._chown_service(bdir)
    try:
        p = harness.run_as_service_user(["sqlite3", os.path.join(dbdir, "isms.db"),
                                         ".timeout 10000",
                                         ".backup %s" % os.path.join(bdir, "isms.db")])
        assert p.returncode == 0, p.stderr
    finally:
        stop.set()
        t.join(60)
    args = harness.sqlite_db_args(bdir)
    rc, out = admin(args, "verify")
    assert rc == 0, out
    h.stop()
    h2 = make_httpd(db_args=args).start()
    assert Api(h2).get("v1/reviews/%d" % rid)["status"] == "PUBLISHED"
