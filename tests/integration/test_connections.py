# SPDX-License-Identifier: Apache-2.0
"""ISMSReviewConnections: the most database connections an Apache child opens
(docs/admin-guide.md). A request finds a free connection of its child's pool or waits its
turn; nothing fails for it, and the database server never sees more than children x N
connections of the module.

Runs on every backend of the `backend` fixture (sqlite3, pgsql, mysql)."""

import concurrent.futures
import re
import time

import workflow_helpers as wh

CHILDREN = 2
THREADS = 10
# at most CHILDREN children of THREADS threads each
MPM = ("StartServers %d\nServerLimit %d\nThreadsPerChild %d\nMaxRequestWorkers %d\n"
       "MinSpareThreads 5\nMaxSpareThreads %d\n" % (CHILDREN, CHILDREN, THREADS,
                                                    CHILDREN * THREADS, CHILDREN * THREADS))


def server(backend, make_httpd, n):
    h = make_httpd(db_args=backend.db_args, mpm_conf=MPM, loglevel="notice",
                   extra_conf="ISMSReviewConnections %d\n" % n)
    return h.start()


def module_connections(backend):
    """The connections the database server has open for the module's role and database."""
    db = wh.Db(backend)
    if backend.name == "pgsql":
        rows = db.ok("SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND "
                     "usename = '%s'" % (backend.dbname, backend.pg.USER))
        return int(rows[0][0])
    rows = db.ok("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = '%s' "
                 "AND USER <> 'root'" % backend.dbname)
    return int(rows[0]["n"] if isinstance(rows[0], dict) else rows[0][0])


def burst(api, rid, n=24):
    """n requests at once, reads and writes of one review: every one must succeed."""
    def one(i):
        if i % 3 == 0:
            return api.call("POST", "v1/reviews/%d/improvements" % rid,
                            body={"description": "Burst improvement %d" % i, "source": "OTHER"})[0]
        return api.call("GET", "v1/reviews/%d" % rid)[0]

    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_pool_is_bounded_and_requests_wait_their_turn(backend, make_httpd):
    h = server(backend, make_httpd, 1)
    api = wh.Api(h)
    rid = wh.build_review(api)["rid"]
    statuses = burst(api, rid)
    assert sorted(set(statuses)) == [200, 201], statuses
    assert statuses.count(201) == 8
    improvements = api.get("v1/reviews/%d/improvements?limit=200" % rid)["items"]
    assert len([i for i in improvements if i["description"].startswith("Burst")]) == 8
    # the budget each child logs counts the pool it made
    lines = [l for l in h.error_log_text().splitlines() if "ISMS21520" in l]
    assert lines and all(" + 1 connections x " in l for l in lines), lines
    if backend.name != "sqlite3":
        assert module_connections(backend) <= CHILDREN, module_connections(backend)


def test_more_connections_than_threads_is_one_per_thread(backend, make_httpd):
    h = server(backend, make_httpd, 1000)
    deadline = time.time() + 10
    while not re.search(r"ISMS21520", h.error_log_text()) and time.time() < deadline:
        time.sleep(0.1)
    lines = [l for l in h.error_log_text().splitlines() if "ISMS21520" in l]
    assert lines and all(" + %d connections x " % THREADS in l for l in lines), lines
