# SPDX-License-Identifier: Apache-2.0
"""ismsreview-admin checkpoint / verify --checkpoint: a chain truncated or rewritten
consistently below the API (triggers dropped, the head moved along) still passes `verify`,
but not against a checkpoint kept outside the database."""
import json
import os

import harness
import workflow_helpers as wh
from workflow_helpers import Db


def _admin(db_args, *args):
    p = harness.run_as_service_user([harness.admin_path(), "--database", db_args] +
                                    list(args))
    return p.returncode, (p.stdout or "") + (p.stderr or "")


def _some_events(httpd):
    api = wh.Api(httpd)
    review, _ = api.create("v1/reviews", {"title": "Checkpointed", "review_type": "SCHEDULED",
                                          "planned_date": "2026-03-10"})
    for i in range(3):
        api.create("v1/reviews/%d/attendees" % review["id"], {
            "name": "Member %d" % i, "is_top_management": i == 0,
            "participation_role": "MEMBER", "attendance": "PRESENT"})


def _checkpoint(backend, basedir):
    rc, out = _admin(backend.db_args, "checkpoint")
    assert rc == 0, out
    cp = json.loads(out.strip().splitlines()[-1])
    assert set(cp) == {"checkpoint_at", "events", "head"} and cp["events"] >= 4, cp
    path = os.path.join(basedir, "checkpoint.json")
    with open(path, "w") as f:
        json.dump(cp, f)
    os.chmod(path, 0o644)
    os.chmod(basedir, 0o755)
    return cp, path


def test_checkpoint_then_verify(httpd, backend, basedir):
    httpd.allow(r"AH03092")
    _some_events(httpd)
    cp, path = _checkpoint(backend, basedir)
    rc, out = _admin(backend.db_args, "--checkpoint", path, "verify")
    assert rc == 0 and "still has hash %s" % cp["head"] in out, out
    _some_events(httpd)            # later events do not matter
    rc, out = _admin(backend.db_args, "--checkpoint", path, "verify")
    assert rc == 0, out


def test_truncated_chain_passes_verify_but_not_the_checkpoint(httpd, backend, basedir):
    httpd.allow(r"AH03092")
    _some_events(httpd)
    cp, path = _checkpoint(backend, basedir)
    db = Db(backend)
    db.drop_guards()
    n = cp["events"]
    prev = db.ok("SELECT hash FROM audit_event WHERE seq = %d" % (n - 1))[0][0]
    db.ok("DELETE FROM audit_event WHERE seq = %d" % n)
    db.ok("UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1" % (n - 1, prev))
    rc, out = _admin(backend.db_args, "verify")
    assert rc == 0, "a consistent truncation is invisible to the chain alone: " + out
    rc, out = _admin(backend.db_args, "--checkpoint", path, "verify")
    assert rc == 1 and "truncated" in out, out


def test_bad_checkpoint_file_is_a_usage_error(httpd, backend, basedir):
    httpd.allow(r"AH03092")
    # SQLite is migrated by the children at start-up: wait for it (health waits on the
    # migration's lock), or the admin tool may find no tables yet
    assert httpd.request("GET", httpd.api("v1/health"))[0] == 200
    path = os.path.join(basedir, "bad.json")
    with open(path, "w") as f:
        f.write('{"events": "x"}')
    os.chmod(path, 0o644)
    os.chmod(basedir, 0o755)
    rc, out = _admin(backend.db_args, "--checkpoint", path, "verify")
    assert rc == 2 and "not a checkpoint" in out, out
