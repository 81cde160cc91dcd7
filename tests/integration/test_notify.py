# SPDX-License-Identifier: Apache-2.0
"""ismsreview-admin notify: daily digest mails, end to end against a real SMTP server on
loopback (aiosmtpd) and through a real sendmail-compatible client (msmtp). The mails are parsed
with Python's email package; idempotency per person and day, the audit trail, and a failing MTA
(nothing recorded, exit 1) are checked on every backend."""
import email
import email.policy
import os
import stat
import threading

import pytest

import harness
from workflow_helpers import Api, Db, to_state

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="python3-aiosmtpd is missing")


class Sink:
    """An SMTP server on a free loopback port that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.port = harness.free_port()
        self.controller = aiosmtpd.Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  email.message_from_bytes(envelope.original_content,
                                                           policy=email.policy.default)))
        return "250 OK"

    def stop(self):
        self.controller.stop()


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.stop()


def notify(db_args, *args):
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args, "notify"] +
                                    list(args))
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def column(backend, sql):
    """The values of a one-column query, as text."""
    rc, out = Db(backend).run(sql)
    assert rc == 0, out
    return [line.strip() for line in out.splitlines() if line.strip()]


def body_text(msg, subtype):
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None, "no text/%s part" % subtype
    return part.get_content()


SMTP_ARGS = ["--mail-domain", "example.org", "--base-url", "https://intranet.example/isms/",
             "--from", "Système ISMS <isms@example.org>"]


def test_digests_over_smtp_once_a_day(httpd, backend, sink):
    api = Api(httpd)
    rid = to_state(api, "PUBLISHED")
    draft = to_state(api, "DRAFT")          # a draft's actions are proposals: no reminders
    assert draft != rid
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % sink.port, *SMTP_ARGS)
    assert rc == 0, out
    by_rcpt = {rcpts[0]: msg for _, rcpts, msg in sink.messages}
    assert set(by_rcpt) == {"owner@example.org", "author@example.org"}, out
    assert all(frm == "isms@example.org" for frm, _, _ in sink.messages)

    owner = by_rcpt["owner@example.org"]
    assert str(owner["From"]) == "Système ISMS <isms@example.org>"
    assert "=?UTF-8?" in owner.as_string().split("\n\n", 1)[0] or \
        "=?utf-8?" in owner.as_string().split("\n\n", 1)[0].lower()
    assert owner["Message-ID"].startswith("<") and "@example.org>" in owner["Message-ID"]
    assert owner["Date"].datetime is not None and owner["Date"].datetime.tzinfo is not None
    assert owner["Auto-Submitted"] == "auto-generated"
    text = body_text(owner, "plain")
    assert "Your overdue actions" in text and "Set up an emergency patch window" in text
    assert "https://intranet.example/isms/#/actions" in text
    assert "Scope statement" not in text            # the author's action is the author's
    html = body_text(owner, "html")
    assert '<a href="https://intranet.example/isms/#/actions">' in html

    author = body_text(by_rcpt["author@example.org"], "plain")
    assert "Your overdue actions" in author and "Update the scope statement" in author
    assert "need a re-plan decision" in author and "Set up an emergency patch window" in author
    assert "planned but not sent" in author             # EXEC_SUMMARY still PLANNED
    assert "#/reviews/%d" % rid in author
    # only the published review's actions: the draft's copies are not in any digest
    assert author.count("Set up an emergency patch window") == 1

    # the second run on the same day sends nothing new, and says so
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % sink.port, *SMTP_ARGS)
    assert rc == 0 and "0 digest(s) sent" in out, out
    assert len(sink.messages) == 2

    # every mail sent is on record, and in the audit trail
    assert column(backend, "SELECT recipient FROM notification ORDER BY recipient") == \
        ["author", "owner"]
    assert column(backend, "SELECT message_id FROM notification WHERE recipient = 'owner'") \
        == [owner["Message-ID"]]
    events = api.audit(action="notify")
    assert len(events) == 2 and {e["after"]["recipient"] for e in events} == {"author", "owner"}
    assert api.verify()["valid"] is True


def test_failing_mta_records_nothing_and_exits_1(httpd, backend, sink):
    api = Api(httpd)
    to_state(api, "PUBLISHED")
    dead = harness.free_port()                       # nothing listens there
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % dead, *SMTP_ARGS)
    assert rc == 1, out
    assert "nothing recorded" in out and "cannot connect" in out, out
    assert column(backend, "SELECT COUNT(*) FROM notification") == ["0"]
    assert api.audit(action="notify") == []
    # the next run with a working MTA sends what was not recorded
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % sink.port, *SMTP_ARGS)
    assert rc == 0 and len(sink.messages) == 2, out


def test_sendmail_path_with_msmtp(httpd, backend, sink, basedir):
    """--sendmail PATH runs PATH -t -i with the message on stdin: here msmtp relaying to the
    sink, as a host whose MTA is msmtp-mta would. A sendmail that fails is reported."""
    msmtp = "/usr/bin/msmtp"
    if not os.access(msmtp, os.X_OK):
        pytest.skip("msmtp is missing (apt-get install msmtp)")
    api = Api(httpd)
    to_state(api, "PUBLISHED")
    wrapper = os.path.join(basedir, "sendmail")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec %s --host=127.0.0.1 --port=%d --from=isms@example.org "
                "--auth=off --tls=off \"$@\"\n" % (msmtp, sink.port))
    os.chmod(wrapper, 0o755)
    os.chmod(basedir, 0o755)
    failing = os.path.join(basedir, "sendmail-broken")
    with open(failing, "w") as f:
        f.write("#!/bin/sh\ncat >/dev/null\necho 'relay refused' >&2\nexit 75\n")
    os.chmod(failing, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)

    rc, out = notify(backend.db_args, "--sendmail", failing, "--mail-domain", "example.org")
    assert rc == 1 and "exited with 75" in out, out
    rc, out = notify(backend.db_args, "--sendmail", wrapper, "--mail-domain", "example.org")
    assert rc == 0, out
    assert sorted(r[0] for _, r, _ in sink.messages) == ["author@example.org",
                                                         "owner@example.org"]


def test_dry_run_prints_and_records_nothing(httpd, backend):
    api = Api(httpd)
    to_state(api, "PUBLISHED")
    rc, out = notify(backend.db_args, "--dry-run", "--mail-domain", "example.org")
    assert rc == 0, out
    assert out.count("MIME-Version: 1.0") == 2 and "To: owner@example.org" in out, out
    assert column(backend, "SELECT COUNT(*) FROM notification") == ["0"]


def test_no_address_is_reported_not_sent(httpd, backend, sink):
    api = Api(httpd)
    to_state(api, "PUBLISHED")
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % sink.port)
    assert rc == 0, out
    assert "no e-mail address for owner" in out and sink.messages == [], out


def test_bad_options_are_usage_errors(backend):
    for args in (["--days", "x"], ["--days", "-1"], ["--bogus"], ["extra"]):
        rc, out = notify(backend.db_args, *args)
        assert rc == 2, (args, out)


def test_sent_mails_survive_export_and_import(httpd, backend, sink, basedir, request):
    """The notification table round-trips through export/import (into SQLite), so a restored
    database does not send the day's digests again."""
    import test_export_import as xi
    api = Api(httpd)
    to_state(api, "PUBLISHED")
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % sink.port, *SMTP_ARGS)
    assert rc == 0 and len(sink.messages) == 2, out
    text = xi._export(backend.db_args, os.path.join(xi._shared_dir(basedir, "x"), "e.json"))
    assert len(xi._tables(text)["notification"]["rows"]) == 2
    target = xi._fresh_sqlite(basedir, "restored")
    path = os.path.join(xi._shared_dir(basedir, "x"), "e.json")
    rc, out = xi._admin(target.db_args, "import", path)
    assert rc == 0, out
    assert column(target, "SELECT recipient FROM notification ORDER BY recipient") == \
        ["author", "owner"]
    rc, out = notify(target.db_args, "--smtp", "127.0.0.1:%d" % sink.port, *SMTP_ARGS)
    assert rc == 0 and len(sink.messages) == 2 and "0 digest(s) sent" in out, out


def test_register_addresses_names_and_approvers(httpd, backend, sink):
    """Addresses and names come from the people register (an encoded word for a non-ASCII
    name); a SUBMITTED review reaches every current top manager who may approve it, not a
    former one, not its author."""
    api = Api(httpd)
    people = [
        {"login": "approver", "display_name": "Jürgen Böhm", "job_title": "CEO",
         "email": "jb@corp.example", "top_management": [{"from": "2020-01-01", "to": None}]},
        {"login": "approver2", "display_name": "Ann Former", "email": "af@corp.example",
         "top_management": [{"from": "2019-01-01", "to": "2020-12-31"}]},
        {"login": "owner", "display_name": "Olivia Owner", "email": "olivia@corp.example"},
    ]
    for p in people:
        api.post("v1/people", p, user="admin")
    to_state(api, "PUBLISHED")
    submitted = to_state(api, "SUBMITTED")
    rc, out = notify(backend.db_args, "--smtp", "127.0.0.1:%d" % sink.port, *SMTP_ARGS)
    assert rc == 0, out
    by_rcpt = {rcpts[0]: msg for _, rcpts, msg in sink.messages}
    assert set(by_rcpt) == {"jb@corp.example", "olivia@corp.example", "author@example.org"}, out
    jb = by_rcpt["jb@corp.example"]
    assert jb["To"].addresses[0].display_name == "Jürgen Böhm"
    raw_to = [l for l in jb.as_string().splitlines() if l.startswith("To:")][0]
    assert "=?UTF-8?B?" in raw_to, raw_to                   # RFC 2047 on the wire
    text = body_text(jb, "plain")
    assert "Hello Jürgen Böhm" in text and "Reviews awaiting your approval" in text
    assert "#/reviews/%d" % submitted in text
    assert "Hello Olivia Owner" in body_text(by_rcpt["olivia@corp.example"], "plain")
    assert "awaiting your approval" not in body_text(by_rcpt["author@example.org"], "plain")
