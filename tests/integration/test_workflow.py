# SPDX-License-Identifier: Apache-2.0
"""The approval workflow of product.md ("The workflow") and domain-model.md §B/§C, end to end
through a real Apache on every backend: who may move a review from which state, If-Match on
transitions, separation of duties with normalised user names and the approval quorum, a race
of parallel approvals, the completeness check with waivers, sealing with amendments and
versions, and the guards below the API (triggers) with the tamper detection behind them.

Tests marked "MODULE BUG" fail because of the module, not the test; the final report of the
test engineer lists them with the exact request and the expected and actual answers.
"""

import json
import os
import subprocess
import threading

import pytest

import harness
from harness import assert_problem
from workflow_helpers import (HEX64, ROLES, TRANSITIONS, Api, Db, ServerEnv, admin_verify,
                              backend_names, build_review, canon, sha256_hex, to_state)

STATES = ["DRAFT", "SUBMITTED", "RETURNED", "APPROVED", "PUBLISHED", "CANCELLED", "DRAFT_V2"]
ACTIONS = ["submit", "return", "approve", "publish", "cancel", "amend"]
USERS = ["author", "approver", "auditor", "admin", "nobody", None]


# ---------------------------------------------------------------------------------------------
# one server per backend for the whole module (the matrix builds ~20 reviews per backend)

def _module_backend_params():
    return [pytest.param(b, marks=[getattr(pytest.mark, b)] if b in ("pgsql", "mysql") else [],
                         id=b) for b in backend_names()]


@pytest.fixture(scope="module", params=_module_backend_params())
def wf_env(request):
    request.getfixturevalue("built")
    pg = {"pgsql": "pg_cluster", "mysql": "mariadb_server"}.get(request.param)
    pg = request.getfixturevalue(pg) if pg else None
    env = ServerEnv(request.param, pg)
    yield env
    problems = env.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def env(wf_env):
    """The module's server for one test; fails the test on warn+ lines it caused."""
    mark = wf_env.httpd.log_size()
    yield wf_env
    bad = wf_env.httpd.bad_log_lines(since=mark)
    assert not bad, "unexpected lines in %s:\n%s" % (wf_env.httpd.error_log, "\n".join(bad))


# ---------------------------------------------------------------------------------------------
# 1. role x action x state

def expected_status(state, action, user, with_comment):
    if user is None:
        return 401                       # Apache's Basic auth, before the module
    role, sources, _, needs_comment = TRANSITIONS[action]
    if role not in ROLES[user]:
        return 403
    if needs_comment and not with_comment:
        return 422                       # the comment is checked before the state
    if ("DRAFT" if state == "DRAFT_V2" else state) not in sources:
        return 409
    if state == "DRAFT_V2" and action == "cancel":
        # MODULE BUG: cancelling an amendment draft cancels the whole, already approved
        # record (see test_cancelling_an_amendment_keeps_the_approved_record); expected:
        # refused (409) -- or the amendment discarded with version n restored
        return 409
    return 200


def _cells():
    out = []
    for state in STATES:
        for action in ACTIONS:
            variants = [True, False] if TRANSITIONS[action][3] else [True]
            for with_comment in variants:
                for user in USERS:
                    out.append(pytest.param(
                        state, action, user, with_comment,
                        id="%s-%s%s-%s" % (state, action, "" if with_comment else "-nocomment",
                                           user or "anonymous")))
    return out


def _review_for(env, state, fresh):
    """A review in state: a fresh one (consumed by a successful transition) or the shared one
    of the state (refusals must leave it as it is)."""
    if fresh:
        return to_state(env.api, state)
    key = ("shared", state)
    if key not in env.cache:
        env.cache[key] = to_state(env.api, state)
    return env.cache[key]


def _short(doc, n=400):
    text = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    return text[:n] + ("..." if len(text) > n else "")


def _audit_seq(api):
    v = api.verify()
    assert v["valid"] is True, v
    return v["events"]


def _new_events(api, after_seq):
    page = api.get("v1/audit?limit=200&cursor=%d" % after_seq, user="auditor")
    return page["items"]


@pytest.mark.parametrize("state,action,user,with_comment", _cells())
def test_transition_matrix(env, state, action, user, with_comment):
    api = env.api
    exp = expected_status(state, action, user, with_comment)
    rid = _review_for(env, state, fresh=(exp == 200))
    before, etag = api.review(rid)
    hist0 = api.history(rid)
    seq0 = _audit_seq(api)
    comment = "matrix: %s by %s" % (action, user) if with_comment else None

    st, hdrs, doc = api.transition(rid, action, user=user, comment=comment, etag=etag)

    after, etag1 = api.review(rid)
    hist1 = api.history(rid)
    events = _new_events(api, seq0)
    if exp != 200 and (st == 200 or after != before):
        env.cache.pop(("shared", state), None)      # do not hand a changed review on
    assert st == exp, "POST v1/reviews/%d/%s as %s (%s %s): expected %d, got %d: %s" % (
        rid, action, user, state, "with comment" if with_comment else "without comment",
        exp, st, _short(doc))
    if exp != 200:
        # nothing changed: the review (status, version, ETag, every field) and its history
        assert after == before, "a refused %s changed the review" % action
        assert etag1 == etag
        assert hist1 == hist0, "a refused %s changed the history" % action
        if user is None:
            assert not events, "Apache's 401 never reaches the module: %s" % events
        else:
            assert doc["status"] == exp and doc["type"], doc
            assert hdrs["content-type"].startswith("application/problem+json"), hdrs
        if exp == 422:
            assert [e["field"] for e in doc["errors"]] == ["comment"], doc
    else:
        _, _, to, _ = TRANSITIONS[action]
        want_version = before["version"] + (1 if action == "amend" else 0)
        assert doc["status"] == to and doc["version"] == want_version, doc
        assert after["status"] == to and after["version"] == want_version, after
        assert etag1 != etag
        t0, t1 = hist0["transitions"], hist1["transitions"]
        assert len(t1) == len(t0) + 1 and t1[:-1] == t0, (t0, t1)
        last = t1[-1]
        assert (last["action"], last["actor"], last["prior_status"], last["to_status"],
                last["comment"]) == (action, user, before["status"], to, comment), last
        if action == "approve":
            assert len(hist1["approvals"]) == len(hist0["approvals"]) + 1
            assert hist1["approvals"][-1]["approver"] == user
            assert HEX64.match(after["content_hash"] or ""), after
            assert after["approved_by"] == user
            v = hist1["versions"][-1]
            assert (v["version"], v["status"], v["content_hash"], v["intact"]) == (
                after["version"], "APPROVED", after["content_hash"], True), hist1["versions"]
            assert hist1["live_matches_seal"] is True
        else:
            assert hist1["approvals"] == hist0["approvals"]
        if action == "publish":
            assert hist1["versions"][-1]["status"] == "PUBLISHED", hist1["versions"]
            assert after["content_hash"] == before["content_hash"]
        elif action == "amend":
            assert after["content_hash"] is None and after["approved_by"] is None, after
            assert [v["version"] for v in hist1["versions"]] == [before["version"]]
            assert hist1["versions"][0]["status"] == before["status"]
        if action != "approve":
            assert len(hist1["versions"]) == len(hist0["versions"])
    if user is not None:
        # every state-changing request, allowed or refused, is one audit event
        assert len(events) == 1, events
        ev = events[0]
        assert (ev["method"], ev["path"], ev["action"], ev["actor"], ev["status"],
                ev["review_id"]) == ("POST", "v1/reviews/%d/%s" % (rid, action), action, user,
                                     st, rid), ev
        if st == 200:
            assert ev["before"]["status"] == before["status"], ev
            assert ev["after"]["status"] == after["status"], ev
            assert ev["after"]["version"] == after["version"], ev
    if exp == 200:
        # last: the version the transition was made on (see test_history_fields_have_their_types)
        assert hist1["transitions"][-1]["version"] == before["version"], hist1["transitions"]


# ---------------------------------------------------------------------------------------------
# 2. If-Match and replays

def _assert_unchanged(api, rid, review, hist):
    now, _ = api.review(rid)
    assert now == review
    assert api.history(rid) == hist


@pytest.mark.parametrize("state,action,user", [
    ("DRAFT", "submit", "author"), ("SUBMITTED", "approve", "approver"),
    ("SUBMITTED", "return", "approver"), ("APPROVED", "publish", "author"),
    ("APPROVED", "amend", "author"), ("DRAFT", "cancel", "author")])
def test_if_match_required_and_checked(env, state, action, user):
    api = env.api
    rid = _review_for(env, state, fresh=False)
    review, etag = api.review(rid)
    hist = api.history(rid)
    body = {"comment": "a reason"}
    st, h, doc = api.transition(rid, action, user=user, body=body, etag=None)
    assert_problem((st, h, json.dumps(doc).encode()), 428)
    _assert_unchanged(api, rid, review, hist)
    stale = '"review-%d-1"' % rid           # an ETag of this review from long ago
    assert stale != etag
    st, h, doc = api.transition(rid, action, user=user, body=body, etag=stale)
    assert_problem((st, h, json.dumps(doc).encode()), 412)
    assert h.get("etag") == etag, "412 should name the current ETag: %s" % h
    _assert_unchanged(api, rid, review, hist)
    # a weak ETag never matches (strong comparison), an ETag of another review neither
    for bad in ("W/" + etag, '"review-%d-%s"' % (rid + 1000, etag.split("-")[-1].strip('"'))):
        st, h, doc = api.transition(rid, action, user=user, body=body, etag=bad)
        assert st == 412, (bad, st, doc)
    _assert_unchanged(api, rid, review, hist)


def test_replayed_submit_and_approve_count_once(env):
    api = env.api
    rid = build_review(api, True, title="Replay")["id"]
    _, etag = api.review(rid)
    st, _, doc = api.transition(rid, "submit", etag=etag)
    assert st == 200 and doc["status"] == "SUBMITTED", doc
    # the very same request again: its ETag is stale now
    st, _, doc = api.transition(rid, "submit", etag=etag)
    assert st in (409, 412), (st, doc)
    # with the current ETag (or *): the state forbids it
    st, _, doc = api.transition(rid, "submit", etag=True)
    assert st == 409, (st, doc)
    st, _, doc = api.transition(rid, "submit", etag="*")
    assert st == 409, (st, doc)
    _, etag = api.review(rid)
    st, _, doc = api.transition(rid, "approve", user="approver", etag=etag)
    assert st == 200 and doc["status"] == "APPROVED", doc
    st, _, doc = api.transition(rid, "approve", user="approver", etag=etag)
    assert st in (409, 412), (st, doc)
    # approve never takes If-Match: * (the approver must name the version read): 428
    st, _, doc = api.transition(rid, "approve", user="approver", etag="*")
    assert st == 428, (st, doc)
    st, _, doc = api.transition(rid, "approve", user="approver2", etag=True)
    assert st == 409, (st, doc)
    hist = api.history(rid)
    assert [(t["action"], t["to_status"]) for t in hist["transitions"]] == [
        ("submit", "SUBMITTED"), ("approve", "APPROVED")], hist["transitions"]
    assert [a["approver"] for a in hist["approvals"]] == ["approver"]
    assert [v["version"] for v in hist["versions"]] == [1]


def test_idempotency_key_replays_a_transition(env):
    """A client retrying a transition with the same Idempotency-Key gets the first answer
    again and nothing happens twice (README: POST + Idempotency-Key)."""
    api = env.api
    rid = build_review(api, True, title="Idempotent submit")["id"]
    etag = api.etag(rid)
    key = {"Idempotency-Key": "submit-%d" % rid}
    first = api.call("POST", "v1/reviews/%d/submit" % rid, body={}, if_match=etag, headers=key)
    assert first[0] == 200, first
    again = api.call("POST", "v1/reviews/%d/submit" % rid, body={}, if_match=etag, headers=key)
    assert again[0] == 200 and again[2] == first[2], again
    assert len(api.history(rid)["transitions"]) == 1


def test_unknown_transition_and_review(env):
    api = env.api
    rid = _review_for(env, "DRAFT", fresh=False)
    assert api.call("POST", "v1/reviews/%d/reopen" % rid, body={}, if_match="*")[0] == 404
    assert api.call("POST", "v1/reviews/999999/submit", body={}, if_match="*")[0] == 404
    st, h, _ = api.call("GET", "v1/reviews/%d/submit" % rid)
    assert st == 405 and "POST" in h.get("allow", ""), (st, h)
    # a transition body is {"comment"} and nothing else
    st, _, doc = api.call("POST", "v1/reviews/%d/submit" % rid, body={"status": "APPROVED"},
                          if_match=api.etag(rid))
    assert st == 422, (st, doc)
    assert api.review(rid)[0]["status"] == "DRAFT"


# ---------------------------------------------------------------------------------------------
# 3. separation of duties, normalised user names, quorum

EXTRA_USERS = {
    # user -> password; the roles come from SOD_ROLES below
    "chief": "pw-chief",          # author AND approver (a small organisation)
    "AUTHOR": "pw-AUTHOR",        # approver: the author's name in capitals
    "Author ": "pw-Author-sp",    # approver: trailing blank
    "APPROVER": "pw-APPROVER",    # approver: approver's name in capitals
}
DBM_USERS = {
    # htpasswd files cannot hold a leading blank (Apache strips it when reading the file):
    # these come from a DBM file (mod_authn_dbm), where any byte is part of the name
    " approver": "pw-sp-approver",
    "\tauthor": "pw-tab-author",
}
UNICODE_USERS = {"jürgen": "pw-j1", "JÜRGEN": "pw-j2"}


def _sod_conf(approvals=None):
    appr = ["approver", "approver2", "chief", "AUTHOR", "Author ", "APPROVER", " approver",
            "\tauthor", "JÜRGEN"]
    lines = [
        "LoadModule authn_dbm_module %s/mod_authn_dbm.so" % harness.apache_moddir(),
        "<Location /isms/api>",
        "  AuthBasicProvider file dbm",
        "  AuthDBMType SDBM",
        '  AuthDBMUserFile "@DBM@"',
        "  ISMSReviewRole author \"%{REMOTE_USER} in {'author', 'chief', 'jürgen'}\"",
        "  ISMSReviewRole approver \"%%{REMOTE_USER} in {%s}\"" % ", ".join(
            "'%s'" % u for u in appr),
        "  ISMSReviewRole auditor \"%{REMOTE_USER} == 'auditor'\"",
        "  ISMSReviewRole admin \"%{REMOTE_USER} == 'admin'\"",
    ]
    if approvals:
        lines.append("  ISMSReviewApprovals %d" % approvals)
    lines.append("</Location>")
    return "\n".join(lines) + "\n"


def sod_server(make_httpd, backend, approvals=None):
    """A server where 'chief' is author and approver, and where variants of the demo users'
    names (case, leading/trailing blanks, a tab) are approvers."""
    h = make_httpd(db_args=backend.db_args, extra_conf=_sod_conf(approvals))
    dbm = os.path.join(h.basedir, "conf", "users-dbm")
    h.extra_conf = h.extra_conf.replace("@DBM@", dbm)
    for user, pw in list(EXTRA_USERS.items()) + list(UNICODE_USERS.items()):
        p = subprocess.run([harness.HTPASSWD_BIN, "-b", "-B", "-C", "5", h.htpasswd, user, pw],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    for i, (user, pw) in enumerate(DBM_USERS.items()):
        p = subprocess.run(["htdbm", "-b", "-TSDBM"] + (["-c"] if i == 0 else []) +
                           [dbm, user, pw], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    for f in os.listdir(os.path.dirname(dbm)):
        if f.startswith("users-dbm"):
            os.chmod(os.path.join(os.path.dirname(dbm), f), 0o644)
    os.chmod(h.htpasswd, 0o644)
    h.start()
    api = Api(h, passwords=PASSWORDS)
    # a user name with a control character (the tab) is refused at the door (issue 15)
    h.allow(r'AH21021: user name "\\\\tauthor" refused: it contains the control character')
    for user in list(EXTRA_USERS) + list(DBM_USERS) + list(UNICODE_USERS):
        me = api.call("GET", "v1/me", user=user)
        if user == "\tauthor":
            assert me[0] == 403 and me[2]["type"].endswith("user-name-refused"), (user, me)
        else:
            assert me[0] == 200 and me[2]["user"] == user, (user, me)
    return h, api


PASSWORDS = dict(EXTRA_USERS, **DBM_USERS, **UNICODE_USERS)


def _approve(api, rid, user, comment=None):
    return api.transition(rid, "approve", user=user, comment=comment)


def _submit(api, rid, user="author"):
    return api.transition(rid, "submit", user=user)


def test_author_cannot_approve(env):
    """The demo author has no approver role: 403, and nothing changes."""
    api = env.api
    rid = _review_for(env, "SUBMITTED", fresh=False)
    review, _ = api.review(rid)
    st, _, doc = api.transition(rid, "approve", user="author")
    assert st == 403, doc
    assert api.review(rid)[0] == review


def test_separation_of_duties(make_httpd, backend):
    h, api = sod_server(make_httpd, backend)
    # 1. chief (author + approver) wrote the review: may not approve it
    rid = build_review(api, True, title="Written by the chief", user="chief")["id"]
    st, _, doc = _submit(api, rid, "chief")
    assert st == 200, doc
    review, _ = api.review(rid)
    st, _, doc = _approve(api, rid, "chief")
    assert st == 403 and doc["type"].endswith("separation-of-duties"), (st, doc)
    assert api.review(rid)[0] == review
    st, _, doc = _approve(api, rid, "approver")
    assert st == 200 and doc["status"] == "APPROVED", doc

    # 2. the author wrote it, chief submitted it: chief may not approve; approver2 may
    rid = build_review(api, True, title="Submitted by the chief")["id"]
    assert _submit(api, rid, "chief")[0] == 200
    assert api.review(rid)[0]["submitted_by"] == "chief"
    st, _, doc = _approve(api, rid, "chief")
    assert st == 403, (st, doc)
    st, _, doc = _approve(api, rid, "approver2")
    assert st == 200 and doc["status"] == "APPROVED", doc

    # 3. whoever opened the amendment authored version 2: chief amends, the author submits,
    #    chief may not approve version 2
    st, _, doc = api.transition(rid, "amend", user="chief", comment="typo in D3")
    assert st == 200 and doc["version"] == 2, doc
    assert _submit(api, rid)[0] == 200
    st, _, doc = _approve(api, rid, "chief")
    assert st == 403, (st, doc)
    st, _, doc = _approve(api, rid, "approver")
    assert st == 200 and doc["status"] == "APPROVED" and doc["version"] == 2, doc
    hist = api.history(rid)
    assert [a["approver"] for a in hist["approvals"]] == ["approver2", "approver"]


def test_name_variants_of_the_author_cannot_approve(make_httpd, backend):
    """isms_user_key: case and surrounding white space do not make another person."""
    h, api = sod_server(make_httpd, backend)
    rid = build_review(api, True)["id"]
    assert _submit(api, rid)[0] == 200
    review, _ = api.review(rid)
    answers = {}
    for variant in ("AUTHOR", "Author ", "\tauthor"):
        answers[variant] = _approve(api, rid, variant)[0]
    assert answers == {"AUTHOR": 403, "Author ": 403, "\tauthor": 403}, answers
    assert api.review(rid)[0] == review
    assert api.history(rid)["approvals"] == []
    # the real approver still can
    assert _approve(api, rid, "approver")[0] == 200


def test_unicode_case_variant_of_the_author_cannot_approve(make_httpd, backend):
    """MODULE BUG: isms_user_key folds ASCII only (apr_tolower), so 'JÜRGEN' approves what
    'jürgen' wrote. With mod_authnz_ldap (case-insensitive directory, r->user as typed) both
    are the same account. Expected 403 separation-of-duties; actual 200 APPROVED."""
    h, api = sod_server(make_httpd, backend)
    rid = build_review(api, True, title="Written by jürgen", user="jürgen")["id"]
    assert _submit(api, rid, "jürgen")[0] == 200
    st, _, doc = _approve(api, rid, "JÜRGEN")
    assert st == 403, "JÜRGEN approved jürgen's review: %d %s" % (st, _short(doc))


def test_quorum_of_two_distinct_approvers(make_httpd, backend):
    h, api = sod_server(make_httpd, backend, approvals=2)
    rid = build_review(api, True)["id"]
    assert _submit(api, rid)[0] == 200
    st, _, doc = _approve(api, rid, "approver", comment="first")
    assert st == 200 and doc["status"] == "SUBMITTED", doc
    assert doc.get("content_hash") is None
    hist = api.history(rid)
    assert [a["approver"] for a in hist["approvals"]] == ["approver"]
    assert hist["transitions"][-1]["action"] == "approve"
    assert hist["transitions"][-1]["to_status"] == "SUBMITTED"
    assert hist["versions"] == []
    # the same person again, under any spelling: 409, not counted
    for same in ("approver", "APPROVER", " approver"):
        review, _ = api.review(rid)
        st, _, doc = _approve(api, rid, same)
        assert st == 409, (same, st, doc)
        assert api.review(rid)[0] == review
        assert len(api.history(rid)["approvals"]) == 1
    st, _, doc = _approve(api, rid, "approver2", comment="second")
    assert st == 200 and doc["status"] == "APPROVED", doc
    assert HEX64.match(doc["content_hash"]), doc
    hist = api.history(rid)
    assert [(a["approver"], a["comment"]) for a in hist["approvals"]] == [
        ("approver", "first"), ("approver2", "second")]
    assert [(v["version"], v["status"], v["intact"]) for v in hist["versions"]] == [
        (1, "APPROVED", True)]
    assert [t["to_status"] for t in hist["transitions"] if t["action"] == "approve"] == [
        "SUBMITTED", "APPROVED"]
    # the sealed version records both approvals
    sealed = api.get("v1/reviews/%d?version=1" % rid)
    assert [a["approver"] for a in sealed["approvals"]] == ["approver", "approver2"]


def test_return_resets_the_quorum(make_httpd, backend):
    """A new submission needs new approvals: one approval, return, resubmit; one approval of
    the new submission does not reach a quorum of two."""
    h, api = sod_server(make_httpd, backend, approvals=2)
    rid = build_review(api, True)["id"]
    assert _submit(api, rid)[0] == 200
    assert _approve(api, rid, "approver")[0] == 200
    st, _, doc = api.call("POST", "v1/reviews/%d/return" % rid, user="approver2",
                          body={"comment": "D2 metrics missing"}, if_match=api.etag(rid))
    assert st == 200 and doc["status"] == "RETURNED", doc
    assert _submit(api, rid)[0] == 200
    st, _, doc = _approve(api, rid, "approver2")
    assert st == 200 and doc["status"] == "SUBMITTED", doc
    st, _, doc = _approve(api, rid, "approver")
    assert st == 200 and doc["status"] == "APPROVED", doc


# ---------------------------------------------------------------------------------------------
# 4. parallel approvals

def _race(api, rid, users):
    """Both approvers fire at once with the same ETag; returns [(user, status, doc)]."""
    etag = api.etag(rid)
    barrier = threading.Barrier(len(users))
    results = [None] * len(users)

    def go(i, user):
        barrier.wait()
        try:
            results[i] = (user,) + tuple(api.call("POST", "v1/reviews/%d/approve" % rid,
                                                  user=user, body={}, if_match=etag)[0::2])
        except Exception as e:          # noqa: BLE001 - reported below
            results[i] = (user, -1, repr(e))

    threads = [threading.Thread(target=go, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("quorum", [2, 1])
def test_parallel_approvals(make_httpd, backend, quorum):
    """approver and approver2 approve the same submission at the same moment, 10 rounds.
    Quorum 2: both approvals count and the review is APPROVED exactly once. A loser may get
    412 (it read the ETag before the winner's commit: SQLite serializes whole transactions),
    then its retry with the current ETag must succeed. Quorum 1: exactly one approval wins;
    the other is 409 (the state moved on under the row lock: PostgreSQL) or 412 (stale ETag:
    SQLite), and its retry is 409 because the review is already approved."""
    extra = "<Location /isms/api>\n  ISMSReviewApprovals %d\n</Location>\n" % quorum
    h = make_httpd(db_args=backend.db_args, extra_conf=extra).start()
    api = Api(h)
    seen = []
    for round_no in range(10):
        rid = build_review(api, True, title="Race %d" % round_no)["id"]
        api.move(rid, "submit")
        results = _race(api, rid, ["approver", "approver2"])
        seen.append([r[:2] for r in results])
        assert all(0 < r[1] < 500 for r in results), "round %d: %s" % (round_no, results)
        for user, st, doc in results:
            assert st in (200, 409, 412), (round_no, user, st, doc)
            if st != 200:
                retry = api.transition(rid, "approve", user=user)
                if quorum == 2:
                    assert retry[0] == 200, (round_no, user, st, retry)
                else:
                    assert retry[0] == 409, (round_no, user, st, retry)
        if quorum == 1:
            assert sorted(r[1] for r in results)[0] == 200 and \
                [r[1] for r in results].count(200) == 1, (round_no, results)
        review, _ = api.review(rid)
        hist = api.history(rid)
        assert review["status"] == "APPROVED", (round_no, review["status"])
        to_approved = [t for t in hist["transitions"]
                       if t["action"] == "approve" and t["to_status"] == "APPROVED"]
        assert len(to_approved) == 1, (round_no, hist["transitions"])
        assert len([t for t in hist["transitions"] if t["action"] == "approve"]) == quorum
        assert sorted(a["approver"] for a in hist["approvals"]) == (
            ["approver", "approver2"] if quorum == 2 else [to_approved[0]["actor"]])
        assert [v["version"] for v in hist["versions"]] == [1], (round_no, hist["versions"])
        assert hist["versions"][0]["intact"] is True and hist["live_matches_seal"] is True
        assert hist["versions"][0]["content_hash"] == review["content_hash"]
        assert review["approved_by"] == to_approved[0]["actor"]
    v = api.verify()
    assert v["valid"] is True, v
    print("outcomes per round (%s, quorum %d): %s" % (backend.name, quorum, seen))


# ---------------------------------------------------------------------------------------------
# 5. completeness check and waivers

def test_completeness_and_waivers(env):
    api = env.api
    r = build_review(api, False, title="Incomplete")
    rid = r["id"]
    review, etag = api.review(rid)
    st, h, doc = api.transition(rid, "submit", etag=etag)
    assert_problem((st, h, json.dumps(doc).encode()), 422)
    found = {(f["rule"], f["field"]) for f in doc["findings"] if f["severity"] == "E"}
    assert found == {("MR-14", "category"), ("MR-15", "rtp_completion_pct")}, doc["findings"]
    assert all(f["clause"] and f["message"] for f in doc["findings"]), doc["findings"]
    f15 = [f for f in doc["findings"] if f["rule"] == "MR-15"][0]
    assert f15["entity"] == "input" and f15["entity_id"] == r["inputs"]["F"], f15
    assert doc["blocking"] == 2
    assert api.review(rid)[0] == review
    assert api.history(rid)["transitions"] == []

    wpath = "v1/reviews/%d/waivers" % rid
    waiver = {"rule": "MR-14", "justification": "Customer survey postponed to Q2; "
                                                  "feedback covered in the next review."}
    for user in ("author", "auditor", "admin", "nobody"):
        st, _, doc = api.call("POST", wpath, user=user, body=waiver)
        assert st == 403, (user, st, doc)
    assert api.check(rid)["blocking"] == 2
    # rules without an open E finding cannot be waived: none at all, a W rule, unknown
    for rule in ("MR-20", "MR-13", "MR-99"):
        st, _, doc = api.call("POST", wpath, user="approver",
                              body={"rule": rule, "justification": "x"})
        assert st == 422, (rule, st, doc)
        assert doc["errors"][0]["field"] == "rule", doc
    st, _, doc = api.call("POST", wpath, user="approver", body={"rule": "MR-14"})
    assert st == 422 and doc["errors"][0]["field"] == "justification", doc
    assert api.history(rid)["waivers"] == []

    st, h, doc = api.call("POST", wpath, user="approver", body=waiver)
    assert st == 201, doc
    assert h.get("location", "").endswith("v1/reviews/%d/check" % rid), h
    chk = api.check(rid)
    f14 = [f for f in chk["findings"] if f["rule"] == "MR-14"]
    assert len(f14) == 1 and f14[0]["waived"] is True, f14
    assert f14[0]["waiver"]["justification"] == waiver["justification"], f14
    assert f14[0]["waiver"]["waived_by"] == "approver", f14
    assert chk["blocking"] == 1
    st, _, doc = api.call("POST", wpath, user="approver2", body=waiver)
    assert st == 409, (st, doc)             # already waived
    hist = api.history(rid)
    assert [(w["waived_by"], w["justification"]) for w in hist["waivers"]] == [
        ("approver", waiver["justification"])]
    waiver_history = hist["waivers"]           # rule and version checked at the end
    st, _, doc = api.transition(rid, "submit")
    assert st == 422 and doc["blocking"] == 1, doc
    assert {f["rule"] for f in doc["findings"] if f["severity"] == "E" and not f["waived"]} \
        == {"MR-15"}, doc
    assert api.call("POST", wpath, user="approver2", body={
        "rule": "MR-15", "justification": "RTP status reported orally; minutes to follow."}
    )[0] == 201
    st, _, doc = api.transition(rid, "submit")
    assert st == 200 and doc["status"] == "SUBMITTED", doc
    # once submitted, nothing more is waived
    st, _, doc = api.call("POST", wpath, user="approver", body={"rule": "MR-14",
                                                                  "justification": "again"})
    assert st == 409, (st, doc)
    # the waivers are part of what is approved
    assert api.transition(rid, "approve", user="approver")[0] == 200
    assert len(api.history(rid)["waivers"]) == 2
    events = api.audit(review=rid)
    waives = [e for e in events if e["path"] == wpath]
    assert [(e["actor"], e["status"]) for e in waives] == [
        ("author", 403), ("auditor", 403), ("admin", 403), ("nobody", 403),
        ("approver", 422), ("approver", 422), ("approver", 422), ("approver", 422),
        ("approver", 201), ("approver2", 409), ("approver2", 201),
        ("approver", 409)], waives
    assert [(w["rule_id"], w["version"]) for w in waiver_history] == [("MR-14", 1)], \
        waiver_history


@pytest.mark.parametrize("justification", ["", "  \t "])
def test_waiver_needs_a_written_justification(env, justification):
    """MODULE BUG for "" (and blanks): an approver waives an E finding "with a written
    justification" (product.md, domain-model.md §B.2). POST v1/reviews/{id}/waivers
    {"rule": "MR-14", "justification": ""} answers 201 and the finding counts as waived.
    Expected: 422 with an error on "justification"; the finding stays blocking."""
    api = env.api
    rid = build_review(api, False, title="Blank justification")["id"]
    st, _, doc = api.call("POST", "v1/reviews/%d/waivers" % rid, user="approver",
                          body={"rule": "MR-14", "justification": justification})
    assert st == 422, "waiver with justification %r: %d %s" % (justification, st, _short(doc))
    assert [e["field"] for e in doc["errors"]] == ["justification"], doc
    assert api.check(rid)["blocking"] == 2
    assert api.history(rid)["waivers"] == []


# ---------------------------------------------------------------------------------------------
# 6. sealing, tracking after approval, amendments and versions

def test_sealing_tracking_and_amendment(env):
    api = env.api
    r = build_review(api, True, title="Sealed review v1")
    rid = r["id"]
    base = "v1/reviews/%d" % rid
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    v1, etag = api.review(rid)
    assert v1["status"] == "APPROVED" and HEX64.match(v1["content_hash"]), v1
    hist = api.history(rid)
    assert hist["versions"][0]["content_hash"] == v1["content_hash"]

    # the hash is SHA-256 over the canonical JSON of the sealed content
    sealed = api.get(base + "?version=1")
    assert sealed["content_hash"] == v1["content_hash"] and sealed["sealed"] is True
    content = {k: v for k, v in sealed.items() if k not in ("status", "content_hash", "sealed")}
    assert sha256_hex(canon(content)) == v1["content_hash"]

    # content writes: 409, nothing changes
    att = v1["attendees"][0]
    writes = [
        ("PATCH", base, {"title": "Changed after approval"}, etag),
        ("POST", base + "/attendees", {"name": "Late", "is_top_management": False,
                                       "participation_role": "OBSERVER",
                                       "attendance": "PRESENT"}, None),
        ("PATCH", base + "/attendees/%d" % att["id"], {"name": "Renamed"}, att["etag"]),
        ("DELETE", base + "/attendees/%d" % att["id"], None, att["etag"]),
        ("POST", base + "/decisions", {"statement": "x", "category": "OTHER",
                                       "clause_933_aspect": "NONE", "outcome": "NOTED"}, None),
        ("PATCH", base + "/inputs/%d" % r["inputs"]["F"], {"rtp_completion_pct": 99},
         api.get(base + "/inputs/%d" % r["inputs"]["F"])["etag"]),
        ("PATCH", base + "/actions/%d" % r["action"], {"title": "Renamed action"},
         api.get(base + "/actions/%d" % r["action"])["etag"]),
        ("DELETE", base + "/changes/%d" % r["change"], None,
         api.get(base + "/changes/%d" % r["change"])["etag"]),
    ]
    for method, path, body, im in writes:
        st, _, doc = api.call(method, path, body=body, if_match=im)
        assert st == 409, (method, path, st, doc)
    assert api.review(rid)[0] == v1

    # tracking stays writable and audited
    seq0 = api.verify()["events"]
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % r["action"], user="owner",
                          body={"status": "IN_PROGRESS", "progress": 40,
                                "note": "Patch window agreed with the CAB"})
    assert st == 201 and doc["status"] == "IN_PROGRESS" and doc["progress"] == 40, doc
    ch = api.get(base + "/changes/%d" % r["change"])
    st, _, doc = api.call("PATCH", base + "/changes/%d" % r["change"],
                          body={"status": "IN_PROGRESS"}, if_match=ch["etag"])
    assert st == 200 and doc["status"] == "IN_PROGRESS", doc
    st, _, doc = api.call("PATCH", base + "/changes/%d" % r["change"],
                          body={"status": "IMPLEMENTED"}, if_match=ch["etag"])
    assert st == 412, (st, doc)                 # stale: If-Match still applies
    st, _, doc = api.call("POST", "v1/objectives/%d/measurements" % r["objective"],
                          user="owner", body={"period_from": "2026-03-01",
                                              "period_to": "2026-03-31", "value": 12})
    assert st == 201, doc
    cm = api.get(base + "/communications/%d" % r["communication"])
    st, _, doc = api.call("PATCH", base + "/communications/%d" % r["communication"],
                          body={"status": "SENT", "evidence_ref": "MAIL-2026-03-20"},
                          if_match=cm["etag"])
    assert st == 200, doc
    events = [e for e in api.audit() if e["seq"] > seq0]
    assert [(e["method"], e["path"], e["actor"], e["status"]) for e in events] == [
        ("POST", "v1/actions/%d/updates" % r["action"], "owner", 201),
        ("PATCH", base + "/changes/%d" % r["change"], "author", 200),
        ("PATCH", base + "/changes/%d" % r["change"], "author", 412),
        ("POST", "v1/objectives/%d/measurements" % r["objective"], "owner", 201),
        ("PATCH", base + "/communications/%d" % r["communication"], "author", 200),
    ], events
    assert events[1]["after"]["status"] == "IN_PROGRESS"
    hist = api.history(rid)
    assert hist["versions"][0]["intact"] is True
    assert hist["live_matches_seal"] is True, "tracking writes broke the seal"
    assert api.review(rid)[0]["content_hash"] == v1["content_hash"]

    # amend: a comment is required; version 2 is a DRAFT without a hash
    st, _, doc = api.transition(rid, "amend", body={})
    assert st == 422, doc
    st, _, doc = api.transition(rid, "amend", comment="Add the decision on the SIEM")
    assert st == 200 and (doc["status"], doc["version"]) == ("DRAFT", 2), doc
    assert doc["content_hash"] is None and doc["version_reason"] == \
        "Add the decision on the SIEM", doc
    assert api.history(rid)["live_matches_seal"] is None
    st, _, doc = api.call("PATCH", base, body={"title": "Sealed review v2"},
                          if_match=api.etag(rid))
    assert st == 200, doc
    api.post(base + "/decisions", {
        "statement": "Consolidate the SIEMs in 2027.", "category": "CONTINUAL_IMPROVEMENT",
        "clause_933_aspect": "IMPROVEMENT", "outcome": "DEFERRED",
        "rationale": "Budget 2027.", "basis_input_ids": [r["inputs"]["G"]]})
    # the old version stays readable while version 2 is drafted
    old = api.get(base + "?version=1")
    assert old["title"] == "Sealed review v1" and old["content_hash"] == v1["content_hash"]
    assert api.call("GET", base + "?version=2")[0] == 404
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver2")
    v2, _ = api.review(rid)
    assert (v2["status"], v2["version"]) == ("APPROVED", 2)
    assert HEX64.match(v2["content_hash"]) and v2["content_hash"] != v1["content_hash"]
    hist = api.history(rid)
    assert [(v["version"], v["status"], v["intact"]) for v in hist["versions"]] == [
        (1, "SUPERSEDED", True), (2, "APPROVED", True)], hist["versions"]
    assert hist["live_matches_seal"] is True
    old = api.get(base + "?version=1")
    assert (old["title"], old["status"], old["content_hash"], old["version"]) == (
        "Sealed review v1", "SUPERSEDED", v1["content_hash"], 1), old
    assert len(old["decisions"]) == 2
    new = api.get(base + "?version=2")
    assert (new["title"], new["status"], new["content_hash"], new["version"]) == (
        "Sealed review v2", "APPROVED", v2["content_hash"], 2), new
    assert len(new["decisions"]) == 3
    assert new["version_reason"] == "Add the decision on the SIEM"
    for bad, status in (("9", 404), ("0", 400), ("x", 400), ("-1", 400)):
        assert api.call("GET", base + "?version=" + bad)[0] == status, bad
    assert [t["action"] for t in hist["transitions"]] == [
        "submit", "approve", "amend", "submit", "approve"]
    # tracking continues on the new version; the actions are the same rows
    st, _, doc = api.call("POST", "v1/actions/%d/updates" % r["action"], user="owner",
                          body={"progress": 60})
    assert st == 201, doc
    assert api.history(rid)["live_matches_seal"] is True
    assert [t["version"] for t in hist["transitions"]] == [1, 1, 1, 2, 2]


@pytest.mark.parametrize("state", ["DRAFT_V2", "RETURNED_V2"])
def test_cancelling_an_amendment_keeps_the_approved_record(env, state):
    """MODULE BUG: 'cancel' is allowed from DRAFT, and an amendment is a DRAFT of version n+1,
    so the author alone can turn an APPROVED record into CANCELLED (APPROVED -> CANCELLED is
    not a transition of domain-model.md §B.2): its actions leave the register and their
    tracking is refused. Expected: the cancel refused (409), or the amendment discarded and
    version n back in force; in both cases the approved record and its actions remain."""
    api = env.api
    rid = to_state(api, "DRAFT_V2")
    if state == "RETURNED_V2":
        api.move(rid, "submit")
        api.move(rid, "return", user="approver")
    actions = [a["id"] for a in api.get("v1/actions?review=%d" % rid)["items"]]
    assert actions
    st, _, doc = api.transition(rid, "cancel", comment="amendment not needed after all")
    review, _ = api.review(rid)
    assert review["status"] != "CANCELLED", (
        "POST v1/reviews/%d/cancel on %s answered %d and the approved record is now "
        "CANCELLED" % (rid, state, st))
    assert st in (200, 409), (st, _short(doc))
    if st == 200:      # the amendment discarded: version 1 in force again
        assert (review["status"], review["version"]) in (("APPROVED", 1), ("PUBLISHED", 1))
        assert review["content_hash"] == api.history(rid)["versions"][0]["content_hash"]
    assert [a["id"] for a in api.get("v1/actions?review=%d" % rid)["items"]] == actions
    assert api.call("POST", "v1/actions/%d/updates" % actions[0], user="owner",
                    body={"progress": 10})[0] == 201


def test_deleting_a_draft_action_does_not_change_a_sealed_review(env):
    """MODULE BUG: review B (created after draft review A) lists A's open action in its
    input a (action_snapshot). B is approved and sealed. Deleting the action from A, which
    is still a DRAFT, is allowed (204) and the foreign key ON DELETE CASCADE silently deletes
    the snapshot inside sealed B: B's live record no longer matches its seal. Expected: the
    delete refused (409) while a sealed review references the action (or the snapshot
    kept); B's history live_matches_seal stays true."""
    api = env.api
    a = build_review(api, True, title="A (still a draft)")
    b = build_review(api, True, title="B (approved)")
    bid = b["id"]
    snaps = [s for i in api.review(bid)[0]["inputs"] if i["category"] == "A_PREV_ACTIONS"
             for s in i.get("action_snapshots") or []]
    assert a["action"] in [s["action_id"] for s in snaps], snaps
    api.move(bid, "submit")
    api.move(bid, "approve", user="approver")
    assert api.history(bid)["live_matches_seal"] is True
    sealed_b = api.review(bid)[0]
    path = "v1/reviews/%d/actions/%d" % (a["id"], a["action"])
    st, _, doc = api.call("DELETE", path, if_match=api.get(path)["etag"])
    after_b = api.review(bid)[0]
    assert api.history(bid)["live_matches_seal"] is True and \
        after_b["inputs"] == sealed_b["inputs"], (
            "DELETE %s answered %d and changed sealed review %d's input a" % (path, st, bid))


# ---------------------------------------------------------------------------------------------
# 7. below the API: the database refuses, and what the checks detect when it does not

def _sealed_setup(httpd):
    api = Api(httpd)
    first = build_review(api, True, title="Earlier review")       # its action is carried over
    r = build_review(api, True, title="Sealed below the API")
    rid = r["id"]
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    draft = build_review(api, True, title="A draft")["id"]
    return api, r, rid, draft, first


def test_database_refuses_changes_to_sealed_content_and_audit(httpd, backend):
    api, r, rid, draft, _ = _sealed_setup(httpd)
    db = Db(backend)
    head = api.verify()
    assert head["valid"] is True
    mid = head["events"] // 2
    refused = {
        "review title": "UPDATE review SET title = 'forged' WHERE id = %d" % rid,
        "attendee": "UPDATE attendee SET name = 'forged' WHERE review_id = %d" % rid,
        "attendee added": "INSERT INTO attendee (review_id, seq, ref, name, is_top_management,"
                          " participation_role, attendance, created_at, created_by) VALUES "
                          "(%d, 99, 'X-AT99', 'ghost', 1, 'MEMBER', 'PRESENT', "
                          "'2026-01-01T00:00:00Z', 'mallory')"
                          % rid,
        "decision deleted": "DELETE FROM decision WHERE review_id = %d" % rid,
        "input changed": "UPDATE input_item SET rtp_completion_pct = 100 WHERE review_id = %d"
                         % rid,
        "action definition": "UPDATE action SET owner = 'mallory' WHERE review_id = %d" % rid,
        "review status": "UPDATE review SET status = 'DRAFT' WHERE id = %d" % rid,
        "review deleted": "DELETE FROM review WHERE id = %d" % rid,
        "audit updated": "UPDATE audit_event SET actor = 'mallory' WHERE seq = %d" % mid,
        "audit deleted": "DELETE FROM audit_event WHERE seq = %d" % mid,
        "audit truncated": "DELETE FROM audit_event",
        "sealed content": "UPDATE review_version SET content = '{}' WHERE review_id = %d" % rid,
        "sealed hash": "UPDATE review_version SET content_hash = '%s' WHERE review_id = %d"
                       % ("0" * 64, rid),
        "sealed deleted": "DELETE FROM review_version WHERE review_id = %d" % rid,
    }
    for what, sql in refused.items():
        db.refused(sql)
    # the guards are specific: a draft's content and the tracking columns may change
    db.ok("UPDATE review SET title = 'retitled below the API' WHERE id = %d" % draft)
    db.ok("UPDATE action SET progress = 5 WHERE review_id = %d" % rid)
    after = api.verify()
    assert after["valid"] is True and after["events"] == head["events"], after
    hist = api.history(rid)
    assert hist["versions"][0]["intact"] is True
    assert hist["live_matches_seal"] is True


@pytest.mark.parametrize("what", ["approved_by", "version_reason", "approval", "snapshot",
                                  "item id"])
def test_database_refuses_changes_to_approval_evidence(httpd, backend, what):
    """MODULE BUG: the triggers of 003_workflow.sql guard the content columns but not all of
    what the seal covers or what proves the approval: the review's approved_by/approved_at/
    submitted_by/version_reason (PostgreSQL lists them as workflow columns; SQLite's trigger
    does not name them), the approval rows (in the sealed content as "approvals"), the
    action_snapshot rows (input a, in the sealed content) and the workflow_transition rows
    (the history) have no trigger at all. Each statement below is accepted by the database;
    expected: refused like any other change of a sealed record."""
    api, r, rid, draft, _ = _sealed_setup(httpd)
    sql = {
        "approved_by": "UPDATE review SET approved_by = 'mallory' WHERE id = %d" % rid,
        "version_reason": "UPDATE review SET version_reason = 'forged' WHERE id = %d" % rid,
        "approval": "UPDATE approval SET approver = 'mallory' WHERE review_id = %d" % rid,
        "snapshot": "UPDATE action_snapshot SET status_at_review = 'COMPLETED' WHERE "
                    "review_id = %d" % rid,
        # the items' ids are in the seal; SQLite's item triggers do not compare them
        "item id": "UPDATE attendee SET id = id + 1000 WHERE review_id = %d" % rid,
    }[what]
    Db(backend).refused(sql)


def test_history_fields_have_their_types(env):
    """GET v1/reviews/{id}/history: versions are integers (as the review's "version"), a
    waiver names its rule. MODULE BUG (regression of 426a85d, "one row-to-JSON helper"):
    isms_rows_json() guesses types from column names, so "version" comes back as the string
    "1" (PostgreSQL; SQLite too where the value is text) and "rule_id" -- containing "_id" --
    as the integer 0 (atoll("MR-14"))."""
    api = env.api
    rid = build_review(api, False, title="History types")["id"]
    for rule in ("MR-14", "MR-15"):
        api.post("v1/reviews/%d/waivers" % rid, {"rule": rule, "justification": "later"},
                 user="approver")
    api.move(rid, "submit")
    api.move(rid, "approve", user="approver")
    hist = api.history(rid)
    got = {
        "transitions": [(t["action"], t["version"]) for t in hist["transitions"]],
        "approvals": [(a["approver"], a["version"]) for a in hist["approvals"]],
        "waivers": [(w["rule_id"], w["version"]) for w in hist["waivers"]],
        "versions": [v["version"] for v in hist["versions"]],
        "current_version": hist["current_version"],
    }
    assert got == {
        "transitions": [("submit", 1), ("approve", 1)],
        "approvals": [("approver", 1)],
        "waivers": [("MR-14", 1), ("MR-15", 1)],
        "versions": [1],
        "current_version": 1,
    }, got


def _backup(db, table):
    db.ok("DROP TABLE IF EXISTS bak_%s" % table)
    db.ok("CREATE TABLE bak_%s AS SELECT * FROM %s" % (table, table))


def _restore(db, table):
    db.ok("DELETE FROM %s" % table)
    db.ok("INSERT INTO %s SELECT * FROM bak_%s" % (table, table))


def test_tamper_detection_without_the_guards(httpd, backend):
    api, r, rid, draft, _ = _sealed_setup(httpd)
    db = Db(backend)
    good = api.verify()
    assert good["valid"] is True and good["first_bad"] is None and good["reason"] is None
    n = good["events"]
    assert n >= 10
    db.drop_guards()
    _backup(db, "audit_event")
    _backup(db, "audit_head")

    def verdict():
        v = api.get("v1/audit/verify", user="auditor")
        assert v["events"] == len(db.ok("SELECT seq FROM audit_event")), v
        return v

    def restore():
        _restore(db, "audit_event")
        _restore(db, "audit_head")
        v = verdict()
        assert v == good, v

    rc, out = admin_verify(backend.db_args)
    assert rc == 0, out
    k = n // 2
    # 1. one changed event: first_bad is that event; the offline verifier agrees
    db.ok("UPDATE audit_event SET actor = 'mallory' WHERE seq = %d" % k)
    v = verdict()
    assert (v["valid"], v["first_bad"]) == (False, k), v
    assert v["reason"] and v["head"] is None, v
    rc, out = admin_verify(backend.db_args)
    assert rc == 1 and str(k) in out, (rc, out)
    restore()
    assert admin_verify(backend.db_args)[0] == 0
    # the status of a refused request turned into a success
    db.ok("UPDATE audit_event SET status = 200 WHERE seq = %d" % n)
    v = verdict()
    assert (v["valid"], v["first_bad"]) == (False, n), v
    restore()
    # 2. a removed event in the middle
    db.ok("DELETE FROM audit_event WHERE seq = %d" % k)
    v = verdict()
    assert (v["valid"], v["first_bad"]) == (False, k), v
    restore()
    # 3. the last events removed: the chain no longer ends at the head
    db.ok("DELETE FROM audit_event WHERE seq > %d" % (n - 2))
    v = verdict()
    assert v["valid"] is False and v["events"] == n - 2, v
    restore()
    db.ok("DELETE FROM audit_event WHERE seq = %d" % n)
    v = verdict()
    assert v["valid"] is False, v
    restore()
    # 4. two events swapped (their contents, keeping the sequence numbers)
    a, b = k, k + 2
    cols = ["created_at", "actor", "roles", "client", "request_id", "method", "path", "action",
            "entity", "entity_id", "review_id", "status", "before_state", "after_state",
            "prev_hash", "hash"]
    sets = ", ".join("%s = (SELECT %s FROM bak_audit_event x WHERE x.seq = "
                     "CASE WHEN audit_event.seq = %d THEN %d ELSE %d END)" % (c, c, a, b, a)
                     for c in cols)
    db.ok("UPDATE audit_event SET %s WHERE seq IN (%d, %d)" % (sets, a, b))
    assert db.ok("SELECT actor FROM audit_event WHERE seq = %d" % a) == \
        db.ok("SELECT actor FROM bak_audit_event WHERE seq = %d" % b)
    v = verdict()
    assert (v["valid"], v["first_bad"]) == (False, a), v
    restore()
    # 5. a forged event appended after the head (and the head moved to it)
    forged_hash = "f" * 64
    db.ok("INSERT INTO audit_event (seq, created_at, actor, roles, client, request_id, method,"
          " path, action, entity, entity_id, review_id, status, before_state, after_state, "
          "prev_hash, hash) VALUES (%d, '2026-01-01T00:00:00Z', 'approver', 'approver', "
          "'127.0.0.1', 'forged', 'POST', 'v1/reviews/%d/approve', 'approve', 'review', %d, "
          "%d, 200, NULL, NULL, '%s', '%s')" % (n + 1, rid, rid, rid, good["head"],
                                                 forged_hash))
    v = verdict()
    assert v["valid"] is False, v
    db.ok("UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1" % (n + 1, forged_hash))
    v = verdict()
    assert (v["valid"], v["first_bad"]) == (False, n + 1), v
    restore()
    # ... and one forged into the middle, renumbering the rest
    db.ok("UPDATE audit_event SET seq = seq + 1000 WHERE seq > %d" % k)
    db.ok("UPDATE audit_event SET seq = seq - 999 WHERE seq > 1000")
    db.ok("INSERT INTO audit_event SELECT %d, created_at, 'mallory', roles, client, request_id,"
          " method, path, action, entity, entity_id, review_id, status, before_state, "
          "after_state, prev_hash, hash FROM bak_audit_event WHERE seq = %d" % (k + 1, k))
    v = verdict()
    assert (v["valid"], v["first_bad"]) == (False, k + 1), v
    restore()

    # 6. the live rows of the sealed review changed: the history says so
    hist = api.history(rid)
    assert hist["live_matches_seal"] is True and hist["versions"][0]["intact"] is True
    for table, col, val in (("review", "title", "'forged title'"),
                            ("attendee", "name", "'forged name'"),
                            ("decision", "outcome", "'REJECTED'"),
                            ("action", "expected_outcome", "'whatever'")):
        where = "id = %d" % rid if table == "review" else "review_id = %d" % rid
        _backup(db, table)
        db.ok("UPDATE %s SET %s = %s WHERE %s" % (table, col, val, where))
        hist = api.history(rid)
        assert hist["live_matches_seal"] is False, (table, col)
        assert hist["versions"][0]["intact"] is True
        db.ok("UPDATE %s SET %s = (SELECT b.%s FROM bak_%s b WHERE b.id = %s.id) WHERE %s"
              % (table, col, col, table, table, where))
        assert api.history(rid)["live_matches_seal"] is True, table
    # 7. the sealed copy changed: that version is no longer intact
    db.ok("UPDATE review_version SET content = REPLACE(content, 'Sealed below', 'Forged below')"
          " WHERE review_id = %d" % rid)
    hist = api.history(rid)
    assert hist["versions"][0]["intact"] is False, hist["versions"]
    assert api.get("v1/reviews/%d?version=1" % rid)["title"] == "Forged below the API"
    rc, out = admin_verify(backend.db_args)
    assert rc == 1, (rc, out)
    # the audit trail was not touched by any of this
    assert api.verify() == good


def test_forged_sealed_copy_with_matching_hash_is_detected(httpd, backend):
    """MODULE BUG: with the guards gone, the sealed copy of version 1 is rewritten AND its
    content_hash column recomputed (SHA-256 over canonical JSON is no secret). The approval
    recorded another hash (review.content_hash, and the 'approve' audit event), yet
    GET v1/reviews/{id}/history answers "intact": true and "live_matches_seal": true, and
    ?version=1 serves the forgery. Expected: the version flagged (intact false, or a
    mismatch against the hash the approval recorded)."""
    api, r, rid, draft, _ = _sealed_setup(httpd)
    db = Db(backend)
    approved_hash = api.review(rid)[0]["content_hash"]
    db.drop_guards()
    db.ok("UPDATE review_version SET content = REPLACE(content, 'Sealed below', 'Forged below')"
          " WHERE review_id = %d" % rid)
    forged = api.get("v1/reviews/%d?version=1" % rid)
    assert forged["title"] == "Forged below the API"
    content = {k: v for k, v in forged.items() if k not in ("status", "content_hash", "sealed")}
    db.ok("UPDATE review_version SET content_hash = '%s' WHERE review_id = %d"
          % (sha256_hex(canon(content)), rid))
    hist = api.history(rid)
    assert hist["versions"][0]["content_hash"] != approved_hash
    assert hist["versions"][0]["intact"] is False or hist["live_matches_seal"] is False, (
        "forged sealed copy reported as intact and matching: %s" % hist["versions"])
