# SPDX-License-Identifier: Apache-2.0
"""The memory budget of a child (ISMS21520, docs/admin-guide.md "Memory of a child"): each
child logs, once per database, its render cache (ISMSReviewCacheSize), its pool's
connections times each one's SQLite page cache (ISMSReviewSQLiteCache; none on a database
server) and its threads times httpd's MaxMemFree, and their sum. The values come from the
directives as configured, so a directive that stopped reaching the store fails here; that
the page cache reaches every SQLite connection is the unit test sqlite_cache_configured."""

import re
import time

CACHE_KIB = 1024
SQLITE_KIB = 384
MAXMEMFREE_KIB = 256


def _budget_lines(h, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        lines = [l for l in h.error_log_text().splitlines() if "ISMS21520" in l]
        if lines or time.time() > deadline:
            return lines
        time.sleep(0.1)


def _threads(h):
    """The threads of a child under the harness's default MPM block (harness._mpm_block)."""
    if h.mpm == "prefork":
        return 1
    return int(re.search(r"ThreadsPerChild (\d+)", h._mpm_block()).group(1))


def test_budget_logged_at_start(backend, make_httpd):
    h = make_httpd(db_args=backend.db_args, loglevel="notice",
                   extra_conf="ISMSReviewCacheSize %d\nISMSReviewSQLiteCache %d\n"
                              "MaxMemFree %d\n" % (CACHE_KIB * 1024, SQLITE_KIB,
                                                   MAXMEMFREE_KIB)).start()
    lines = _budget_lines(h)
    threads = _threads(h)
    if backend.name == "sqlite3":
        per_conn = "%d KiB sqlite3 page cache" % SQLITE_KIB
        total = CACHE_KIB + threads * SQLITE_KIB + threads * MAXMEMFREE_KIB
    else:
        per_conn = "0 KiB (%s caches pages in the server)" % backend.name
        total = CACHE_KIB + threads * MAXMEMFREE_KIB
    want = ("memory budget of a child for %s" % backend.name,
            "render cache %d KiB + %d connections x %s + %d threads x %d KiB MaxMemFree = "
            "%d KiB" % (CACHE_KIB, threads, per_conn, threads, MAXMEMFREE_KIB, total))
    assert lines, h.error_log_text()
    for line in lines:           # one per child (StartServers)
        assert want[0] in line and want[1] in line, (want, line)
        assert "[ismsreview:notice]" in line, line


def test_unlimited_maxmemfree_has_no_bound(make_httpd):
    """At the default LogLevel (warn): a notice is logged whatever the LogLevel."""
    h = make_httpd(extra_conf="MaxMemFree 0\n").start()
    lines = _budget_lines(h)
    assert lines, h.error_log_text()
    # the defaults: SQLite's own 2000 KiB per connection, a 64 MiB render cache
    assert "render cache 65536 KiB + %d connections x 2000 KiB sqlite3 page cache" % (
        _threads(h)) in lines[0], lines[0]
    assert "unlimited MaxMemFree (0) = no bound: set MaxMemFree" in lines[0], lines[0]
