# SPDX-License-Identifier: Apache-2.0
"""ISMSReviewWriteQueue: with the bound at 1 and one Apache child, concurrent writers beyond
the one running get 503 application/problem+json (write-queue-full) with Retry-After at once;
every write answered 201 is in the database and none answered 503 is, on every backend."""

import http.client
import json
import os
import threading

import pytest

import harness
import workflow_helpers as wh

THREADS = 12
MAX_ROUNDS = 20


def _one_child(mpm):
    return ("StartServers 1\nServerLimit 1\nThreadsPerChild %d\nMaxRequestWorkers %d\n"
            "MinSpareThreads 1\nMaxSpareThreads %d\n" % (THREADS + 2, THREADS + 2, THREADS + 2))


def _post_actions(h, rid, titles):
    """POSTs one action per title at the same moment, each on its own connection; returns
    {title: (status, headers, body)}."""
    barrier = threading.Barrier(len(titles))
    out = {}
    auth = harness.Httpd.auth_header("author")

    def one(title):
        body = json.dumps({"title": title, "type": "OTHER", "owner": "owner",
                           "due_date": "2026-12-31", "priority": "LOW"})
        conn = http.client.HTTPConnection("127.0.0.1", h.port, timeout=60)
        conn.connect()
        barrier.wait()
        conn.request("POST", wh.API + "v1/reviews/%d/actions" % rid, body=body,
                     headers={"Authorization": auth, "Content-Type": "application/json"})
        resp = conn.getresponse()
        out[title] = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        conn.close()

    threads = [threading.Thread(target=one, args=(t,)) for t in titles]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_bounded_write_queue(backend, make_httpd):
    mpm = os.environ.get("ISMS_MPM", "event")
    if mpm == "prefork":
        pytest.skip("a prefork child runs one request at a time: its queue never holds two")
    h = make_httpd(db_args=backend.db_args, mpm=mpm, mpm_conf=_one_child(mpm),
                   htpasswd_hash="sha",
                   extra_conf="ISMSReviewWriteQueue 1\n").start()
    h.allow(r"ISMS21700")
    api = wh.Api(h)
    rid = api.post("v1/reviews", wh.review_body("Queue"))["id"]
    answers = {}
    for n in range(MAX_ROUNDS):
        answers.update(_post_actions(h, rid, ["q%02d-%02d" % (n, k) for k in range(THREADS)]))
        if any(st == 503 for st, _, _ in answers.values()):
            break
    statuses = sorted({st for st, _, _ in answers.values()})
    assert set(statuses) <= {201, 503}, statuses
    refused = {t for t, (st, _, _) in answers.items() if st == 503}
    written = {t for t, (st, _, _) in answers.items() if st == 201}
    assert refused, "no write was refused in %d rounds of %d" % (MAX_ROUNDS, THREADS)
    assert written, "every write was refused"
    for t in refused:
        _, hdrs, body = answers[t]
        assert hdrs.get("retry-after") == "1", hdrs
        assert hdrs.get("content-type", "").startswith("application/problem+json"), hdrs
        doc = json.loads(body)
        assert doc["status"] == 503 and doc["type"].endswith(":write-queue-full"), doc
    # what was acknowledged is there, what was refused is not
    rows = backend.query("SELECT title FROM action WHERE review_id = %d" % rid)
    assert {r[0] for r in rows} == written
    # and the review stays writable: a write alone is not refused
    api.post("v1/reviews/%d/actions" % rid, {"title": "alone", "type": "OTHER",
                                             "owner": "owner", "due_date": "2026-12-31",
                                             "priority": "LOW"})
