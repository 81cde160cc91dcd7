# SPDX-License-Identifier: Apache-2.0
"""The people register (issue 12 section 1): v1/people (admins write, any role reads), the
top-management snapshot the server takes into each attendee from the register at the meeting
date (the author's tick does not count once the register is in use; a delegate counts only by
being top management), the approver rule (MR-34), v1/me and the reports showing names, and
ismsreview-admin people-import / people-export (CSV) on every backend."""

import csv
import io
import os

import harness
import workflow_helpers as wh

CEO = {"login": "approver", "display_name": "Helga Brandt", "job_title": "Chief Executive Officer",
       "function": "Executive board", "email": "helga@example.org",
       "top_management": [{"from": "2020-01-01", "to": None}]}
CFO = {"login": "Approver2", "display_name": "Marc Oliveira", "job_title": "CFO",
       "function": "Finance", "top_management": [{"from": "2026-04-01", "to": None}]}
ISMS = {"login": "author", "display_name": "Priya Raman", "job_title": "ISMS Manager",
        "function": "Information security"}


def _people(api):
    return {p["login"]: p for p in api.get("v1/people", user="auditor")["items"]}


def _add(api, person):
    return api.post("v1/people", person, user="admin")


def test_register_crud_and_roles(httpd):
    api = wh.Api(httpd)
    # only admins write; authors and approvers cannot
    for user in ("author", "approver"):
        st, _, doc = api.call("POST", "v1/people", user=user, body=CEO)
        assert st == 403 and doc["type"].endswith("forbidden"), doc
    assert api.call("GET", "v1/people", user="nobody")[0] == 403
    ceo = _add(api, CEO)
    assert ceo["login_key"] == "approver" and ceo["active"] is True
    assert ceo["top_management"] == [{"from": "2020-01-01", "to": None}]
    # the login compares under the identity normalisation: " APPROVER " is the same person
    st, _, doc = api.call("POST", "v1/people", user="admin", body=dict(CEO, login=" APPROVER "))
    assert st == 409 and doc["person_id"] == ceo["id"], doc
    # bad input: a clear 422 and nothing stored
    for bad, field in ((dict(ISMS, email="not-an-address"), "email"),
                       (dict(ISMS, top_management=[{"from": "2026-01-01", "to": "2025-01-01"}]),
                        "top_management"),
                       (dict(ISMS, login_key="x"), "login_key"),
                       ({"login": "x"}, "display_name")):
        st, _, doc = api.call("POST", "v1/people", user="admin", body=bad)
        assert st == 422 and field in [e["field"] for e in doc["errors"]], doc
    assert list(_people(api)) == ["approver"]
    # readable by every role, filters
    assert api.get("v1/people?login=APPROVER", user="author")["items"][0]["id"] == ceo["id"]
    assert api.get("v1/people/%d" % ceo["id"], user="auditor")["display_name"] == "Helga Brandt"
    # PATCH needs If-Match; PUT replaces (absent optional fields cleared)
    path = "v1/people/%d" % ceo["id"]
    _, h = api.expect(200, "GET", path, user="admin")
    assert api.call("PATCH", path, user="admin", body={"job_title": "CEO"})[0] == 428
    doc, h = api.expect(200, "PATCH", path, user="admin", body={"job_title": "CEO"},
                        if_match=h["etag"])
    assert doc["job_title"] == "CEO" and doc["email"] == "helga@example.org"
    doc, h = api.expect(200, "PUT", path, user="admin", if_match=h["etag"],
                        body={"login": "approver", "display_name": "Helga Brandt"})
    assert doc["job_title"] is None and doc["top_management"] is None and doc["active"] is True
    # DELETE deactivates: the person stays for the records that name them
    api.expect(204, "DELETE", path, user="admin", if_match=h["etag"])
    assert api.get(path, user="admin")["active"] is False
    assert api.get("v1/people?active=false", user="admin")["items"][0]["id"] == ceo["id"]
    assert api.get("v1/people?active=true", user="admin")["items"] == []
    # every write is in the audit trail under the admin's login
    events = [e for e in api.audit(entity="person") if e["status"] < 300]
    assert [e["actor"] for e in events] == ["admin"] * 4, events


def _review_with(api, attendees, held="2026-03-10"):
    rid = api.post("v1/reviews", wh.review_body("People test", held_from=held, held_to=held))["id"]
    ids = [api.post("v1/reviews/%d/attendees" % rid, a)["id"] for a in attendees]
    return rid, ids


def _no_tm(api, rid):
    """MR-01's "no member of top management took part"."""
    return any(f["rule"] == "MR-01" and "no member of top management" in f["message"]
               for f in api.check(rid)["findings"])


def test_top_management_comes_from_the_register(httpd):
    api = wh.Api(httpd)
    for p in (CEO, CFO, ISMS):
        _add(api, p)
    # the author ticks the box for the ISMS manager: the register says no
    rid, (a_isms,) = _review_with(api, [{"person": "author", "is_top_management": True,
                                         "participation_role": "SECRETARY",
                                         "attendance": "PRESENT"}])
    doc = api.get("v1/reviews/%d/attendees/%d" % (rid, a_isms))
    assert doc["is_top_management"] is True and doc["is_top_management_snapshot"] is False
    # name, title and function come from the register when left out
    assert (doc["name"], doc["title"], doc["function"]) == (
        "Priya Raman", "ISMS Manager", "Information security")
    assert _no_tm(api, rid)
    # the snapshot is server-owned
    st, _, err = api.call("POST", "v1/reviews/%d/attendees" % rid, body={
        "person": "nobody", "name": "X", "participation_role": "MEMBER",
        "attendance": "PRESENT", "is_top_management_snapshot": True})
    assert st == 422 and err["errors"][0]["code"] == "server_owned", err
    # an unknown login is accepted and shown as typed; not top management
    api.post("v1/reviews/%d/attendees" % rid, {"person": "visitor", "name": "Visitor",
             "participation_role": "INVITEE", "attendance": "PRESENT"})
    # the CFO is top management from 2026-04-01: not at a meeting on 2026-03-10 ...
    a_cfo = api.post("v1/reviews/%d/attendees" % rid, {
        "person": "approver2", "participation_role": "MEMBER", "attendance": "PRESENT",
        "is_top_management": True})["id"]
    assert api.get("v1/reviews/%d/attendees/%d" % (rid, a_cfo))[
        "is_top_management_snapshot"] is False
    assert _no_tm(api, rid)
    # ... but is at one held on 2026-04-15: moving the date re-takes the snapshot
    doc, etag = api.review(rid)
    api.expect(200, "PATCH", "v1/reviews/%d" % rid, body={"held_from": "2026-04-15",
               "held_to": "2026-04-15"}, if_match=etag)
    assert api.get("v1/reviews/%d/attendees/%d" % (rid, a_cfo))[
        "is_top_management_snapshot"] is True
    assert not _no_tm(api, rid)
    # a change in the register reaches the drafts: the CFO's period is cut short
    cfo = _people(api)["Approver2"]
    _, h = api.expect(200, "GET", "v1/people/%d" % cfo["id"], user="admin")
    api.expect(200, "PATCH", "v1/people/%d" % cfo["id"], user="admin", if_match=h["etag"],
               body={"top_management": [{"from": "2026-04-01", "to": "2026-04-10"}]})
    assert api.get("v1/reviews/%d/attendees/%d" % (rid, a_cfo))[
        "is_top_management_snapshot"] is False
    assert _no_tm(api, rid)


def test_delegate_counts_only_as_top_management(httpd):
    api = wh.Api(httpd)
    for p in (CEO, ISMS):
        _add(api, p)
    # the ISMS manager stands in for the CEO: not top management, so nobody took part
    rid, _ = _review_with(api, [
        {"person": "approver", "participation_role": "CHAIR", "attendance": "APOLOGIES"},
        {"person": "author", "participation_role": "MEMBER", "attendance": "DELEGATE",
         "delegate_for": "approver", "is_top_management": True}])
    assert _no_tm(api, rid)
    # a top manager attending as a delegate counts
    rid2, _ = _review_with(api, [
        {"person": "author", "participation_role": "SECRETARY", "attendance": "PRESENT"},
        {"person": "approver", "participation_role": "MEMBER", "attendance": "DELEGATE",
         "delegate_for": "cto"}])
    assert not _no_tm(api, rid2)


def test_approver_not_top_management_is_a_finding(httpd):
    api = wh.Api(httpd)
    # a complete review (meeting 2026-03-10) approved by "approver", top management at the
    # meeting but no longer on the day of the approval
    _add(api, dict(CEO, top_management=[{"from": "2020-01-01", "to": "2026-06-30"}]))
    _add(api, dict(CFO, login="approver2", top_management=[{"from": "2020-01-01"}]))
    _add(api, ISMS)
    rev = wh.build_review(api, complete=True)
    rid = rev["id"]
    api.post("v1/reviews/%d/attendees" % rid, {"person": "approver2", "participation_role":
             "MEMBER", "attendance": "PRESENT"})
    assert [f for f in api.check(rid)["findings"] if f["rule"] == "MR-34"] == []
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    found = [f for f in api.check(rid)["findings"] if f["rule"] == "MR-34"]
    assert len(found) == 1 and "approver was not top management" in found[0]["message"], found
    # the minutes (JSON report) show it, with names instead of logins
    rep = api.get("v1/reviews/%d/report?format=json" % rid, user="auditor")
    assert any(f["rule"] == "MR-34" for f in rep["findings"]["findings"])
    assert rep["document"]["approvals"][0]["approver_display"] == "Helga Brandt, Chief Executive Officer"
    assert rep["review"]["attendees"][0]["person_display"] == "Helga Brandt, Chief Executive Officer"
    # the HTML minutes and the CSV show names where the record has logins
    st, _, html = api.call("GET", "v1/reviews/%d/report?format=html" % rid, user="auditor")
    html = html.decode() if isinstance(html, bytes) else html
    assert st == 200 and "Helga Brandt, Chief Executive Officer" in html
    assert "Priya Raman, ISMS Manager" in html     # the author
    st, _, text = api.call("GET", "v1/reviews/%d/report?format=csv" % rid, user="auditor")
    text = text.decode() if isinstance(text, bytes) else text
    assert st == 200 and "Priya Raman, ISMS Manager" in text   # an action's owner
    # the action register and the dashboard too (the login stays beside the name)
    st, _, text = api.call("GET", "v1/reports/actions?format=csv", user="auditor")
    text = text.decode() if isinstance(text, bytes) else text
    assert st == 200 and "owner_display" in text.splitlines()[0]
    assert ",author,Priya Raman, ISMS Manager" in text.replace('"', ""), text
    dash = api.get("v1/reports/dashboard", user="auditor")
    owners = {o["owner"]: o["owner_display"] for o in dash["actions_by_owner"]}
    assert owners["author"] == "Priya Raman, ISMS Manager", owners
    assert owners["owner"] == "owner", owners                 # unknown: shown as the login
    # the login stays in the audit trail
    assert any(e["actor"] == "approver" and e["action"] == "approve" for e in api.audit())


def test_me_shows_the_person(httpd):
    api = wh.Api(httpd)
    me = api.get("v1/me", user="author")
    assert me["display_name"] == "author" and me["in_people_register"] is False
    _add(api, ISMS)
    me = api.get("v1/me", user="author")
    assert (me["user"], me["display_name"], me["job_title"], me["in_people_register"]) == (
        "author", "Priya Raman", "ISMS Manager", True)


CSV_OK = ('login,display_name,job_title,function,email,top_management,active\r\n'
          'approver,Helga Brandt,"Chief Executive Officer, Board",Executive board,'
          'helga@example.org,2020-01-01..,true\r\n'
          'approver2,"Marc ""the CFO"" Oliveira",CFO,Finance,,2020-01-01..2024-12-31;2026-01-01..,'
          '\r\n'
          'author,Priya Raman,"ISMS Manager, Security",,,,false\r\n')


def _admin(backend, *args, stdin=None):
    p = harness.run_as_service_user([harness.admin_path(), "--database", backend.db_args]
                                    + list(args), input=stdin, timeout=120)
    return p.returncode, p.stdout or "", p.stderr or ""


def test_csv_import_export_round_trip(httpd, backend):
    api = wh.Api(httpd)
    assert _people(api) == {}       # (the first request: the module has migrated SQLite)
    rc, out, err = _admin(backend, "people-import", "-", stdin=CSV_OK)
    assert rc == 0 and "3 created, 0 updated, 0 unchanged" in out, (out, err)
    people = _people(api)
    assert people["approver"]["job_title"] == "Chief Executive Officer, Board"
    assert people["approver2"]["display_name"] == 'Marc "the CFO" Oliveira'
    assert people["approver2"]["top_management"] == [
        {"from": "2020-01-01", "to": "2024-12-31"}, {"from": "2026-01-01", "to": None}]
    assert people["author"]["active"] is False
    # one audit event, under the tool's name, and the chain still verifies
    events = api.audit(action="people-import")
    assert [(e["actor"], e["status"]) for e in events] == [("ismsreview-admin", 200)], events
    assert api.get("v1/audit/verify", user="auditor")["valid"] is True
    # the import is idempotent
    rc, out, err = _admin(backend, "people-import", "-", stdin=CSV_OK)
    assert rc == 0 and "0 created, 0 updated, 3 unchanged" in out, (out, err)
    # export -> import gives the same register; the CSV parses back (RFC 4180)
    rc, exported, err = _admin(backend, "people-export")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    assert [r["login"] for r in rows] == ["approver", "approver2", "author"]
    assert rows[1]["top_management"] == "2020-01-01..2024-12-31;2026-01-01.."
    assert rows[2]["job_title"] == "ISMS Manager, Security"
    rc, out, err = _admin(backend, "people-import", "-", stdin=exported)
    assert rc == 0 and "3 unchanged" in out, (out, err)
    # an update by login (case-folded)
    rc, out, err = _admin(backend, "people-import", "-", stdin=(
        "display_name,login\r\nHelga B.,APPROVER\r\n"))
    assert rc == 0 and "1 updated" in out, (out, err)
    # a row replaces the person: columns left out are cleared, the login is as written
    helga = api.get("v1/people?login=approver", user="admin")["items"]
    assert [(p["login"], p["display_name"], p["job_title"]) for p in helga] == [
        ("APPROVER", "Helga B.", None)]


def test_csv_import_refuses_bad_rows_and_changes_nothing(httpd, backend):
    api = wh.Api(httpd)
    before = api.get("v1/audit/verify", user="auditor")["events"]
    bad = ("login,display_name,email,top_management\n"
           "ok1,Good Person,,\n"
           "bad1,Bad Mail,no-at-sign,\n"
           ",No Login,,\n"
           "ok1,Twice,,\n"
           "bad2,Bad Period,,2026-01-01\n")
    rc, out, err = _admin(backend, "people-import", "-", stdin=bad)
    assert rc == 1, (out, err)
    for line in ("line 3: email", "line 4: login", "line 5: login ok1 is also on line 2",
                 "line 6: top_management"):
        assert line in err, err
    assert "nothing changed" in err
    assert _people(api) == {}
    rc, out, err = _admin(backend, "people-import", "-", stdin="name,login\nx,y\n")
    assert rc == 1 and "line 1: column 'name'" in err, err
    rc, out, err = _admin(backend, "people-import", "-", stdin='login,display_name\n"x,Open\n')
    assert rc == 1 and "line 2: a quoted field is not closed" in err, err
    rc, out, err = _admin(backend, "people-import", os.path.join(backend.dbdir or "/nonexistent",
                                                                "missing.csv"))
    assert rc == 2 and "cannot read" in err, err
    assert _people(api) == {}
    # a spreadsheet's byte order mark is not part of the first column's name
    rc, out, err = _admin(backend, "people-import", "-", stdin="\ufefflogin,display_name\nx,X\n")
    assert rc == 0 and "1 created" in out, (out, err)
    # the refusal is audited, nothing else
    assert api.get("v1/audit/verify", user="auditor")["valid"] is True
    assert api.get("v1/audit/verify", user="auditor")["events"] >= before
