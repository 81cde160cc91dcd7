# SPDX-License-Identifier: Apache-2.0
"""Several front ends on one database: two Apache instances with the module on the same
PostgreSQL or MariaDB database, driven in parallel (threads split over both), the way a load balancer without
sticky sessions would drive them.

What must hold (issue 7): conflicting edits with the same ETag -> exactly one wins; edits of
different fields with fresh ETags and retry-on-412 -> no acknowledged edit is lost; the same
workflow transition fired at both front ends -> it happens exactly once, the quorum is crossed
exactly once, the audit trail has one event per successful transition; item and review
references allocated in parallel are unique and gapless; afterwards the audit chain verifies
(ismsreview-admin verify) and both front ends report the same chain head. Nothing a child keeps
in its memory may go stale: a front end that served version 1 of a review serves version 2
once the other front end approved it, and a schema moved by another node's migration gives
503 at once (not only after the child restarts).

pgsql and mysql (server_backend) only (SQLite is one file on one host: several front ends
would need a shared file system, which the deployment guide rules out).
"""

import json
import threading
import time

import pytest

import harness
from workflow_helpers import Api, admin_verify, build_review, review_body

pytestmark = [pytest.mark.slow]

APPROVALS_2 = "<Location /isms/api>\n  ISMSReviewApprovals 2\n</Location>\n"


@pytest.fixture
def pair(server_backend, make_httpd):
    """(backend, [api_a, api_b]): two started front ends on one migrated PostgreSQL or
    MariaDB database, both requiring two approvals."""
    rc, out = server_backend.migrate()
    assert rc == 0, out
    fronts = []
    for _ in range(2):
        h = make_httpd(db_args=server_backend.db_args, extra_conf=APPROVALS_2).start()
        fronts.append(Api(h))
    assert fronts[0].h.port != fronts[1].h.port
    return server_backend, fronts


def run_parallel(n, fn):
    """Run fn(i) in n threads released together; returns the results in order of i.
    An exception in a thread is re-raised here."""
    barrier = threading.Barrier(n)
    results = [None] * n
    errors = []

    def go(i):
        try:
            barrier.wait(timeout=60)
            results[i] = fn(i)
        except BaseException as e:     # noqa: B902 - reported below
            errors.append(e)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not any(t.is_alive() for t in threads), "a request thread hung"
    if errors:
        raise errors[0]
    return results


def etag_of(api, path, user="author"):
    st, h, doc = api.call("GET", path, user=user)
    assert st == 200, (st, doc)
    return h["etag"], doc


def audit_events(api, **match):
    """Every audit event whose fields equal the given values (filtered here)."""
    return [e for e in api.audit(user="auditor")
            if all(e.get(k) == v for k, v in match.items())]


# ---------------------------------------------------------------------------------------------
# (1) the same ETag from both front ends: exactly one wins


@pytest.mark.parametrize("what", ["review", "action"])
def test_conflicting_edits_one_winner(pair, what):
    backend, (a, b) = pair
    built = build_review(a, True, title="Conflicting edits")
    rid = built["id"]
    path = "v1/reviews/%d" % rid if what == "review" else \
        "v1/reviews/%d/actions/%d" % (rid, built["action"])
    field = "title"
    tag, _ = etag_of(a, path)
    n = 12

    def edit(i):
        api = (a, b)[i % 2]
        st, h, doc = api.call("PATCH", path, body={field: "winner is %d" % i}, if_match=tag)
        return st, h.get("etag"), doc

    res = run_parallel(n, edit)
    statuses = [st for st, _, _ in res]
    winners = [i for i, (st, _, _) in enumerate(res) if 200 <= st < 300]
    assert len(winners) == 1, statuses
    assert sorted(statuses) == sorted([200] + [412] * (n - 1)), statuses
    w = winners[0]
    # both front ends serve the winner's body and the ETag the winner was given
    for api in (a, b):
        now_tag, doc = etag_of(api, path)
        assert doc[field] == "winner is %d" % w, doc[field]
        assert now_tag == res[w][1]
    # the losers were refused and are on record as refusals; one PATCH succeeded
    ev = [e for e in audit_events(a, method="PATCH") if e["path"].endswith(path.split("/", 1)[1])]
    assert sorted(e["status"] for e in ev) == sorted(statuses), ev


# ---------------------------------------------------------------------------------------------
# (2) different fields, fresh ETags, retry on 412: no acknowledged edit is lost

def test_no_lost_updates(pair):
    backend, (a, b) = pair
    rid = a.post("v1/reviews", review_body("No lost updates"))["id"]
    path = "v1/reviews/%d" % rid
    fields = ["title", "location", "agenda", "executive_summary", "chair", "language"]
    rounds = 5

    def worker(i):
        field = fields[i // 2]
        apis = (a, b) if i % 2 == 0 else (b, a)
        acked, retries = [], 0
        for k in range(rounds):
            value = "en-GB" if field == "language" and k % 2 == 0 else \
                "de-DE" if field == "language" else "%s t%d r%d" % (field, i, k)
            api = apis[k % 2]           # read on one front end, write on the other
            while True:
                tag, _ = etag_of(api, path)
                st, h, doc = apis[(k + 1) % 2].call("PATCH", path, body={field: value},
                                                    if_match=tag)
                if st == 412:
                    retries += 1
                    assert retries < 500, "no progress"
                    continue
                assert st == 200, (st, doc)
                assert doc[field] == value
                acked.append((time.monotonic(), field, value))
                break
        return acked, retries

    res = run_parallel(2 * len(fields), worker)
    total = sum(len(acked) for acked, _ in res)
    assert total == 2 * len(fields) * rounds
    # the last acknowledged value of each field is what both front ends show now
    last = {}
    for acked, _ in res:
        for t, field, value in acked:
            if field not in last or t > last[field][0]:
                last[field] = (t, value)
    for api in (a, b):
        _, doc = etag_of(api, path)
        for field, (_, value) in last.items():
            assert doc[field] == value, (field, doc[field], value)
    # every acknowledged edit is one successful PATCH on record, and moved the row version
    ok = [e for e in audit_events(a, method="PATCH", entity="review")
          if e["entity_id"] == rid and e["status"] == 200]
    assert len(ok) == total, (len(ok), total)
    tag, _ = etag_of(a, path)
    assert tag.strip('"').rsplit("-", 1)[1] == str(1 + total), tag
    print("no lost updates: %d edits acknowledged, %d retries after 412"
          % (total, sum(r for _, r in res)))


# ---------------------------------------------------------------------------------------------
# (3) transitions fired at both front ends happen exactly once; quorum 2 crossed once

def fire(apis, rid, action, users, per_user=4):
    """per_user threads per user, alternating front ends, each retrying on 412 with a fresh
    ETag until it gets a 200 or a 409 (the transition is no longer possible). Returns
    {user: [final statuses]}."""
    jobs = [(u, j) for u in users for j in range(per_user)]

    def go(i):
        user, j = jobs[i]
        api = apis[(i + j) % 2]
        for _ in range(200):
            st, h, doc = api.transition(rid, action, user=user,
                                        comment="%s by the test" % action
                                        if action == "amend" else None)
            if st != 412:
                assert st in (200, 409), (action, user, st, doc)
                return user, st
        raise AssertionError("%s: no answer but 412" % action)

    out = {}
    for user, st in run_parallel(len(jobs), go):
        out.setdefault(user, []).append(st)
    return out


def test_transitions_exactly_once_across_front_ends(pair):
    backend, (a, b) = pair
    rid = build_review(a, True, title="Parallel workflow")["id"]
    before = {e["seq"] for e in audit_events(a)}

    res = fire((a, b), rid, "submit", ["author"])
    assert sorted(res["author"]) == [200, 409, 409, 409], res

    res = fire((a, b), rid, "approve", ["approver", "approver2"])
    assert sorted(res["approver"]) == [200, 409, 409, 409], res
    assert sorted(res["approver2"]) == [200, 409, 409, 409], res

    res = fire((a, b), rid, "publish", ["author"])
    assert sorted(res["author"]) == [200, 409, 409, 409], res

    for api in (a, b):
        doc, _ = api.review(rid)
        assert doc["status"] == "PUBLISHED" and doc["version"] == 1
    # one sealed version, sealed once; two approvals; one transition row per success
    rows = backend.query("SELECT version, status FROM review_version WHERE review_id = %d"
                         % rid)
    assert rows == [["1", "PUBLISHED"]], rows
    assert backend.query("SELECT COUNT(*) FROM approval WHERE review_id = %d" % rid) == [["2"]]
    trans = backend.query("SELECT action, to_status FROM workflow_transition WHERE review_id = "
                          "%d ORDER BY id" % rid)
    assert [t[0] for t in trans] == ["submit", "approve", "approve", "publish"], trans
    assert [t[1] for t in trans] == ["SUBMITTED", "SUBMITTED", "APPROVED", "PUBLISHED"], trans
    # the audit trail: exactly one successful event per successful transition, the quorum
    # crossed by exactly one of them
    new = [e for e in audit_events(a, review_id=rid) if e["seq"] not in before]
    ok = [e for e in new if e["status"] == 200 and e["method"] == "POST"]
    assert [e["action"] for e in ok] == ["submit", "approve", "approve", "publish"], \
        [(e["action"], e["status"]) for e in ok]
    crossed = [e for e in ok if e["action"] == "approve"
               and (e.get("after") or {}).get("status") == "APPROVED"]
    assert len(crossed) == 1, ok
    refused = [e for e in new if e["method"] == "POST" and e["status"] != 200]
    assert all(e["status"] in (409, 412) for e in refused), refused


# ---------------------------------------------------------------------------------------------
# a front end that served version 1 serves version 2 approved on the other one

def test_other_front_end_sees_new_version(pair):
    backend, (a, b) = pair
    rid = build_review(a, True, title="Version one")["id"]
    for action, user in (("submit", "author"), ("approve", "approver"),
                         ("approve", "approver2")):
        a.move(rid, action, user=user)
    v1, _ = a.review(rid)
    assert v1["status"] == "APPROVED" and v1["title"] == "Version one"
    # A serves the sealed version 1 many times (every child that could cache it, warmed)
    for _ in range(3 * 2 * 10):
        doc, _ = a.review(rid)
        assert doc["content_hash"] == v1["content_hash"]
    # B amends, edits, and gets version 2 approved
    b.move(rid, "amend", user="author", comment="Corrected title")
    st, h, doc = b.call("PATCH", "v1/reviews/%d" % rid, body={"title": "Version two"},
                        if_match=b.etag(rid))
    assert st == 200, doc
    for action, user in (("submit", "author"), ("approve", "approver"),
                         ("approve", "approver2")):
        b.move(rid, action, user=user)
    v2, _ = b.review(rid)
    assert v2["version"] == 2 and v2["status"] == "APPROVED"
    assert v2["content_hash"] != v1["content_hash"]
    for _ in range(3 * 2 * 10):
        doc, tag = a.review(rid)
        assert (doc["version"], doc["title"], doc["status"], doc["content_hash"]) == \
            (2, "Version two", "APPROVED", v2["content_hash"]), doc
    # version 1 stays readable, as it was sealed, from both
    for api in (a, b):
        old = api.get("v1/reviews/%d?version=1" % rid)
        assert old["title"] == "Version one" and old["content_hash"] == v1["content_hash"]


# ---------------------------------------------------------------------------------------------
# (4) references allocated in parallel on both front ends

def test_parallel_creates_unique_gapless_refs(pair):
    backend, (a, b) = pair
    rid = a.post("v1/reviews", review_body("Parallel items"))["id"]
    review_ref = a.get("v1/reviews/%d" % rid)["ref"]
    threads, per_thread = 8, 4

    def attendees(i):
        api = (a, b)[i % 2]
        out = []
        for k in range(per_thread):
            st, h, doc = api.call("POST", "v1/reviews/%d/attendees" % rid, body={
                "name": "Person %d-%d" % (i, k), "title": "Guest", "function": "Ops",
                "is_top_management": False, "participation_role": "INVITEE",
                "attendance": "PRESENT"})
            assert st == 201, (st, doc)
            out.append(doc["ref"])
        return out

    refs = [r for rs in run_parallel(threads, attendees) for r in rs]
    n = threads * per_thread
    assert len(set(refs)) == n, refs
    assert sorted(refs) == ["%s-AT%02d" % (review_ref, k) for k in range(1, n + 1)], refs
    listed = a.get("v1/reviews/%d/attendees?limit=200" % rid)["items"]
    assert sorted(x["ref"] for x in listed) == sorted(refs)

    # reviews: MR-<year>-NN, one counter per planned year
    def reviews(i):
        api = (a, b)[i % 2]
        return [api.post("v1/reviews", review_body("Parallel review %d-%d" % (i, k),
                                                     planned_date="2031-0%d-15" % (k + 1)))
                ["ref"] for k in range(per_thread)]

    rrefs = [r for rs in run_parallel(threads, reviews) for r in rs]
    assert sorted(rrefs) == ["MR-2031-%02d" % k for k in range(1, n + 1)], rrefs
    assert backend.query("SELECT last_value FROM ref_counter WHERE scope = 'MR-2031'") == \
        [[str(n)]]


# ---------------------------------------------------------------------------------------------
# Idempotency-Key retried at the other front end (a load balancer's retry)

def test_idempotent_post_replayed_across_front_ends(pair):
    backend, (a, b) = pair
    rid = a.post("v1/reviews", review_body("Idempotent retries"))["id"]
    body = {"name": "Retried guest", "title": "Guest", "function": "Ops",
            "is_top_management": False, "participation_role": "INVITEE",
            "attendance": "PRESENT"}
    n = 8

    def post(i):
        api = (a, b)[i % 2]
        st, h, doc = api.call("POST", "v1/reviews/%d/attendees" % rid, body=body,
                              headers={"Idempotency-Key": "lb-retry-0001"})
        return st, h.get("location"), doc

    res = run_parallel(n, post)
    statuses = [st for st, _, _ in res]
    # one attendee created; every answer is that creation, the first one made, the others
    # replayed after waiting for it (before the claim row, the others hit the primary key: 500)
    rows = backend.query("SELECT COUNT(*) FROM attendee WHERE review_id = %d" % rid)
    assert rows == [["1"]], rows
    created = [(loc, doc["id"]) for st, loc, doc in res if st == 201]
    assert created and len(set(created)) == 1, res
    assert statuses == [201] * n, statuses
    assert len({json.dumps(doc, sort_keys=True) for _, _, doc in res}) == 1, res


# ---------------------------------------------------------------------------------------------
# a schema moved by another front end's migration: 503 at once, without a restart

def test_schema_moved_by_another_front_end(pair):
    backend, (a, b) = pair
    # every child of A has checked the schema (child_init) and served requests
    for _ in range(10):
        a.get("v1/reviews")
    expected = int(backend.query("SELECT MAX(version) FROM schema_version")[0][0])
    # B's newer build migrated the shared database one version further
    backend.query("INSERT INTO schema_version (version, name, applied_at) VALUES "
                  "(%d, '%03d_newer_build', CURRENT_TIMESTAMP)" % (expected + 1, expected + 1))
    for api in (a, b):
        api.h.allow(r"AH21011")
    for _ in range(10):
        st, h, doc = a.call("GET", "v1/reviews")
        assert st == 503, (st, doc)
        assert doc["database"] == "schema_mismatch", doc
        st, h, doc = a.call("POST", "v1/reviews", body=review_body("Not with this schema"))
        assert st == 503, (st, doc)
    st, _, doc = a.h.get_json(a.h.api("v1/health"))
    assert st == 503 and doc["database"] == "schema_mismatch", doc
    # the newer migration rolled back: A serves again, no restart needed
    backend.query("DELETE FROM schema_version WHERE version = %d" % (expected + 1))
    for _ in range(10):
        a.get("v1/reviews")
    assert backend.query("SELECT COUNT(*) FROM review WHERE title = 'Not with this schema'") \
        == [["0"]]


# ---------------------------------------------------------------------------------------------
# (5) all of it together, then the chain verifies and both front ends agree on its head

def test_everything_then_chain_verifies_and_heads_agree(pair):
    backend, (a, b) = pair
    rid = build_review(a, True, title="All together")["id"]
    built_b = build_review(b, True, title="All together, other node")
    path = "v1/reviews/%d/actions/%d" % (built_b["id"], built_b["action"])
    tag, _ = etag_of(b, path)

    # transitions on one review while the other is edited and added to, on both nodes
    def mixed(i):
        api = (a, b)[i % 2]
        if i < 4:
            return api.call("PATCH", path, body={"title": "mixed %d" % i}, if_match=tag)[0]
        if i < 8:
            return api.call("POST", "v1/reviews/%d/attendees" % built_b["id"], body={
                "name": "Mixed %d" % i, "title": "Guest", "function": "Ops",
                "is_top_management": False, "participation_role": "INVITEE",
                "attendance": "PRESENT"})[0]
        return api.transition(rid, "submit")[0]

    statuses = run_parallel(12, mixed)
    assert sorted(statuses[:4]) == [200, 412, 412, 412], statuses
    assert statuses[4:8] == [201] * 4, statuses
    assert sorted(statuses[8:]).count(200) == 1, statuses
    assert set(statuses[8:]) <= {200, 409, 412}, statuses
    fire((a, b), rid, "approve", ["approver", "approver2"], per_user=2)

    rc, out = admin_verify(backend.db_args)
    assert rc == 0, out
    heads = [api.verify() for api in (a, b)]
    assert heads[0]["valid"] is True, heads[0]
    assert heads[0] == heads[1], heads
    # and the head they agree on is the last event in the database
    last = backend.query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")[0]
    flat = json.dumps(heads[0])
    assert last[1] in flat and last[0] in flat, (last, heads[0])


# ---------------------------------------------------------------------------------------------
# an edit racing a submit on the other front end: never lands in the submitted review

SLOW_SUBMIT = """
CREATE FUNCTION isms_test_slow_submit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> NEW.status AND NEW.status = 'SUBMITTED' THEN
        PERFORM pg_sleep(2);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER isms_test_slow_submit AFTER UPDATE ON review
    FOR EACH ROW EXECUTE FUNCTION isms_test_slow_submit();
"""
# MariaDB: one statement (the mariadb CLI would split a BEGIN ... END body at its ';')
SLOW_SUBMIT_MYSQL = """
CREATE TRIGGER isms_test_slow_submit AFTER UPDATE ON review FOR EACH ROW
    SET @isms_test_slept = IF(OLD.status <> NEW.status AND NEW.status = 'SUBMITTED',
                              SLEEP(2), 0)
"""
# the submit sits in the trigger's sleep
IN_SLOW_SUBMIT = {
    "pgsql": "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'UPDATE review SET%%' AND "
             "wait_event = 'PgSleep'",
    "mysql": "SELECT 1 FROM information_schema.processlist WHERE info LIKE "
             "'UPDATE review SET%%' AND state = 'User sleep'",
}


@pytest.mark.parametrize("edit", ["delete", "patch", "create"])
def test_item_edit_racing_submit_is_refused(pair, edit):
    """The submit has checked completeness and holds the review's row (a test trigger keeps it
    there for 2 s, as a slow commit would); an item edit on the other front end meanwhile must
    not commit into the now SUBMITTED review (it did: the item was written first and the
    review touched after the submit's commit, so a review with its mandatory input e deleted
    was submitted and could be approved)."""
    backend, (a, b) = pair
    built = build_review(a, True, title="Edit racing submit")
    rid = built["id"]
    backend.query(SLOW_SUBMIT if backend.name == "pgsql" else SLOW_SUBMIT_MYSQL)
    item = "v1/reviews/%d/inputs/%d" % (rid, built["inputs"]["E"])
    tag, _ = etag_of(b, item)
    result = {}

    def submit():
        result["submit"] = a.transition(rid, "submit")[0]
    t = threading.Thread(target=submit)
    t.start()
    deadline = time.time() + 10     # wait until the submit sits in the trigger
    while time.time() < deadline and not backend.query(IN_SLOW_SUBMIT[backend.name]):
        time.sleep(0.02)
    if edit == "delete":
        st, _, doc = b.call("DELETE", item, if_match=tag)
    elif edit == "patch":
        st, _, doc = b.call("PATCH", item, body={"summary": "changed after the check"},
                            if_match=tag)
    else:
        st, _, doc = b.call("POST", "v1/reviews/%d/inputs" % rid, body={
            "category": "G_IMPROVEMENT", "title": "Late input", "summary": "Too late.",
            "status": "PRESENTED", "evidence_refs": ["late.pdf"]})
    t.join(30)
    assert result["submit"] == 200, result
    assert st == 409, (edit, st, doc)
    doc, _ = a.review(rid)
    assert doc["status"] == "SUBMITTED"
    assert a.check(rid)["blocking"] == 0
    ids = [i["id"] for i in doc["inputs"]]
    assert built["inputs"]["E"] in ids and len(ids) == len(built["inputs"]), ids
    assert a.get(item)["summary"] != "changed after the check"
