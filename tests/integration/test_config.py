# SPDX-License-Identifier: Apache-2.0
"""Directives are checked when the configuration is read: `apache2 -t` fails on a bad value with
a message naming the directive, and accepts the good ones."""

import os
import re

import pytest

import harness


def _location(body):
    return "<Location /isms/api/x>\n  %s\n</Location>" % body


def assert_rejected(rc, out, directive):
    assert rc != 0, "apache2 -t accepted a bad configuration:\n%s" % out
    assert "Syntax OK" not in out, out
    # The module must know the directive in that context: a failure because it does not exist
    # or is not allowed there would prove nothing about its value checks.
    assert "Invalid command" not in out, out
    assert "not allowed here" not in out, out
    assert directive in out, "the message does not name %s:\n%s" % (directive, out)


def test_good_config_syntax_ok(make_httpd):
    rc, out = make_httpd().config_test()
    assert rc == 0, out
    assert "Syntax OK" in out


def test_good_pgsql_line_syntax_ok(make_httpd):
    # -t checks the form of the options; it does not need the server
    rc, out = make_httpd(db_args="pgsql host=127.0.0.1 port=5432 dbname=isms username=isms "
                                 "password=secret").config_test()
    assert rc == 0, out
    assert "Syntax OK" in out


@pytest.mark.parametrize("extra", [
    _location("ISMSReviewApprovals 1"),
    _location("ISMSReviewApprovals 3"),
    _location("ISMSReviewMaxBody 1048576"),
    _location("ISMSReviewMaxBody 1024"),
    _location("ISMSReviewInterval 6"),
    _location("ISMSReviewRequireTLS On"),
    _location("ISMSReviewRequireTLS off"),
    _location("ISMSReviewRole auditor \"reqenv('OIDC_CLAIM_groups') =~ /isms-auditors/\""),
    "ISMSReviewDurability Full",
    "ISMSReviewDurability Normal",
    "ISMSReviewSQLiteCache 512",
], ids=lambda s: re.sub(r"\W+", "_", s.split("\n")[1] if "\n" in s else s).strip("_"))
def test_good_directive_values(make_httpd, extra):
    rc, out = make_httpd(extra_conf=extra).config_test()
    assert rc == 0, out
    assert "Syntax OK" in out


@pytest.mark.parametrize("line", [
    "ISMSReviewDatabase nosuchdriver dbname=x",
    "ISMSReviewDatabase sqlite3 dbname",
    "ISMSReviewDatabase sqlite3 =x",
    "ISMSReviewDatabase sqlite3 dbname=isms.db sqlite3_dbdir=/nonexistent/dir",
    "ISMSReviewDatabase sqlite3 dbname=isms.db sqlite3_dbdir={db} sqlite3_timeout=abc",
    "ISMSReviewDatabase sqlite3 dbname=isms.db",
    "ISMSReviewDatabase sqlite3 dbname=isms.db sqlite3_dbdir={db} sqlite3_bogus",
    "ISMSReviewDatabase",
], ids=["unknown-driver", "no-equals", "empty-key", "missing-dir", "timeout-not-number",
        "no-dbdir", "option-without-value", "no-arguments"])
def test_bad_database(make_httpd, line):
    h = make_httpd()
    h.database_line = line.format(db=h.db_dir)
    rc, out = h.config_test()
    assert_rejected(rc, out, "ISMSReviewDatabase")


def test_unwritable_sqlite_dir(make_httpd, basedir):
    ro = os.path.join(basedir, "readonly-db")
    os.makedirs(ro)
    # As root the children run as www-data: a root-owned 0755 directory is not theirs to write.
    os.chmod(ro, 0o755 if harness.is_root() else 0o555)
    try:
        h = make_httpd(db_args=harness.sqlite_db_args(ro))
        rc, out = h.config_test()
        assert_rejected(rc, out, "ISMSReviewDatabase")
    finally:
        os.chmod(ro, 0o755)


def test_database_is_server_context_only(make_httpd):
    h = make_httpd(extra_conf="<Location /isms/api/y>\n  ISMSReviewDatabase sqlite3 "
                              "dbname=x.db sqlite3_dbdir=/tmp\n</Location>")
    rc, out = h.config_test()
    assert rc != 0, out
    assert "ISMSReviewDatabase" in out, out


@pytest.mark.parametrize("extra,directive", [
    (_location('ISMSReviewRole author "%{REMOTE_USER} ==="'), "ISMSReviewRole"),
    (_location('ISMSReviewRole superuser "true"'), "ISMSReviewRole"),
    (_location('ISMSReviewRole author'), "ISMSReviewRole"),
    (_location("ISMSReviewApprovals 0"), "ISMSReviewApprovals"),
    (_location("ISMSReviewApprovals abc"), "ISMSReviewApprovals"),
    (_location("ISMSReviewApprovals -2"), "ISMSReviewApprovals"),
    (_location("ISMSReviewApprovals 3x"), "ISMSReviewApprovals"),
    (_location("ISMSReviewMaxBody -1"), "ISMSReviewMaxBody"),
    (_location("ISMSReviewMaxBody lots"), "ISMSReviewMaxBody"),
    (_location("ISMSReviewInterval 0"), "ISMSReviewInterval"),
    (_location("ISMSReviewInterval twelve"), "ISMSReviewInterval"),
    (_location("ISMSReviewRequireTLS maybe"), "ISMSReviewRequireTLS"),
    ("ISMSReviewDurability sometimes", "ISMSReviewDurability"),
    ("ISMSReviewSQLiteCache 15", "ISMSReviewSQLiteCache"),
    (_location("ISMSReviewSQLiteCache 512"), "ISMSReviewSQLiteCache"),
], ids=["role-bad-expr", "role-unknown", "role-no-expr", "approvals-0", "approvals-abc",
        "approvals-negative", "approvals-trailing", "maxbody-negative", "maxbody-word",
        "interval-0", "interval-word", "requiretls-maybe", "durability-sometimes",
        "sqlitecache-too-small", "sqlitecache-in-location"])
def test_bad_directive_values(make_httpd, extra, directive):
    rc, out = make_httpd(extra_conf=extra).config_test()
    assert_rejected(rc, out, directive)
