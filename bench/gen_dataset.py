#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A large dataset for the reports, then how long the reports take on it.

Writes years of management reviews straight into a SQLite database through the real schema
(ismsreview-admin migrate, then INSERTs that the schema's checks and sealing triggers accept:
items are inserted while their review is a draft, then the review moves DRAFT -> SUBMITTED ->
APPROVED -> PUBLISHED), starts Apache with the module on it, and times the reports:
GET v1/reports/dashboard (JSON, HTML), v1/reports/actions (HTML, CSV, JSON),
v1/reports/compliance?year=..., v1/calendar.ics and one review record.

Default shape: 1,000 reviews (50 business units x 20 years up to this one), 50,000 actions
(about 50 per review; most of the older ones closed, some carried into the unit's next review
with an input-a snapshot), 3 objectives per review with 4 KPI measurements each, 3 attendees
and 2 decisions per review.

    bench/gen_dataset.py                        # generate, then time (5 runs per row)
    bench/gen_dataset.py --reviews 200 --actions 10000 --runs 3
    bench/gen_dataset.py --db DIR --no-time     # only generate into DIR/isms.db

Needs the build (make) and root or a user that can run Apache through the harness. Runs with
Debian's /usr/bin/python3. Only 127.0.0.1 is targeted. ISMS_KEEP=1 keeps the server root.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import harness  # noqa: E402

CLOSED = ("COMPLETED", "VERIFIED_EFFECTIVE", "CANCELLED")
TYPES = ["IMPROVEMENT", "CORRECTIVE", "CHANGE_IMPLEMENTATION", "OBJECTIVE_PLAN",
         "RESOURCE_PROVISION", "RISK_TREATMENT", "COMMUNICATION", "OTHER"]
PRIORITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
UNITS = 50


def iso(d):
    return d.isoformat()


def date_add(d, days):
    return d + datetime.timedelta(days=days)


class Gen:
    def __init__(self, db, reviews, actions, today, seed=9301):
        self.db = db
        self.n_reviews = reviews
        self.n_actions = actions
        self.today = today
        self.rnd = random.Random(seed)
        self.owners = ["user%03d" % i for i in range(200)]
        self.counters = {}

    # ---- rows
    def insert(self, table, row):
        cols = ", ".join('"%s"' % c for c in row)
        marks = ", ".join("?" for _ in row)
        cur = self.db.execute("INSERT INTO %s (%s) VALUES (%s)" % (table, cols, marks),
                              list(row.values()))
        return cur.lastrowid

    def review_ref(self, year):
        n = self.counters.get(year, 0) + 1
        self.counters[year] = n
        return "MR-%d-%02d" % (year, n)

    def review(self, unit, year, latest):
        planned = datetime.date(year, 1 + unit % 12, 1 + unit % 27)
        held = planned <= self.today
        ref = self.review_ref(year)
        ts = iso(planned) + "T09:00:00Z"
        row = {"ref": ref, "created_at": ts, "created_by": "author",
               "title": "Management review unit %02d %d" % (unit, year),
               "review_type": "SCHEDULED", "planned_date": iso(planned),
               "held_frm": iso(planned) if held else None,
               "held_to": iso(planned) if held else None,
               "period_frm": "%d-01-01" % (year - 1), "period_to": "%d-12-31" % (year - 1),
               "format": "HYBRID", "chair": "approver", "classification": "INTERNAL",
               "status": "DRAFT", "version": 1, "author": "author",
               "planned_interval_months": 12, "agenda": "1. Actions\n2. Inputs\n3. Results",
               "executive_summary": "Unit %02d: the ISMS remains suitable." % unit,
               "suitability_rating": "CONFIRMED", "adequacy_rating": "CONFIRMED",
               "effectiveness_rating": "PARTIALLY"}
        if held and not latest:
            row.update(submitted_at=ts, submitted_by="author", approved_at=ts,
                       approved_by="approver", content_hash="0" * 64)
        return self.insert("review", row), ref, planned, held

    def items(self, rid, ref, planned):
        ts = iso(planned) + "T10:00:00Z"
        for i, (name, tm) in enumerate((("Chief Executive", 1), ("CFO", 1), ("ISMS Manager", 0))):
            self.insert("attendee", {"review_id": rid, "seq": i + 1, "ref": "%s-AT%02d" % (ref, i + 1),
                                     "created_at": ts, "created_by": "author", "name": name,
                                     "is_top_management": tm, "participation_role":
                                     "CHAIR" if i == 0 else "MEMBER", "attendance": "PRESENT"})
        for i in range(2):
            self.insert("decision", {"review_id": rid, "seq": i + 1,
                                     "ref": "%s-D%02d" % (ref, i + 1), "created_at": ts,
                                     "created_by": "author", "statement": "Decision %d" % i,
                                     "category": "CONTINUAL_IMPROVEMENT",
                                     "clause_933_aspect": "BOTH", "outcome": "APPROVED"})

    def action_status(self, planned, due):
        age = (self.today - planned).days
        r = self.rnd.random()
        if age > 730:          # older than two years: nearly all closed
            return "OPEN" if r < 0.03 else "CANCELLED" if r < 0.06 else \
                "VERIFIED_EFFECTIVE" if r < 0.5 else "COMPLETED"
        if age > 0:
            return ["OPEN", "IN_PROGRESS", "BLOCKED", "COMPLETED", "COMPLETED",
                    "VERIFIED_EFFECTIVE"][int(r * 6)]
        return "OPEN"

    def actions(self, rid, ref, planned, count):
        ts = iso(planned) + "T11:00:00Z"
        made = []
        for i in range(count):
            due = date_add(planned, self.rnd.randint(30, 365))
            status = self.action_status(planned, due)
            done = status in ("COMPLETED", "VERIFIED_EFFECTIVE")
            closed_on = min(date_add(due, self.rnd.randint(-60, 90)), self.today)
            closed_on = max(closed_on, planned)
            aid = self.insert("action", {
                "review_id": rid, "seq": i + 1, "ref": "%s-A%02d" % (ref, i + 1),
                "created_at": ts, "created_by": "author",
                "updated_at": iso(closed_on) + "T12:00:00Z" if status in CLOSED else None,
                "title": "Action %d of %s" % (i + 1, ref), "description": "Do the thing.",
                "type": self.rnd.choice(TYPES), "owner": self.rnd.choice(self.owners),
                "due_date": iso(due), "original_due_date": iso(due),
                "priority": self.rnd.choice(PRIORITIES), "expected_outcome": "Done well.",
                "status": status, "progress": 100 if done else self.rnd.choice([0, 25, 50, 75]),
                "completed_at": iso(closed_on) + "T12:00:00Z" if status == "COMPLETED" else None})
            made.append((aid, "%s-A%02d" % (ref, i + 1), status, iso(due)))
        return made

    def carry(self, rid, ref, planned, previous):
        """Input a of this review: a snapshot of every still-open action of the previous one."""
        still_open = [a for a in previous if a[2] not in CLOSED]
        ts = iso(planned) + "T09:30:00Z"
        iid = self.insert("input_item", {
            "review_id": rid, "seq": 1, "ref": "%s-IN01" % ref, "created_at": ts,
            "created_by": "author", "category": "A_PREV_ACTIONS",
            "title": "Status of actions from previous management reviews",
            "status": "PRESENTED", "summary": "%d open" % len(still_open)})
        for aid, aref, status, due in still_open:
            late = max(0, (planned - datetime.date.fromisoformat(due)).days)
            self.insert("action_snapshot", {
                "review_id": rid, "input_id": iid, "action_id": aid, "action_ref": aref,
                "title": "carried", "owner": "owner", "status_at_review": status,
                "progress_at_review": 0, "due_date_at_review": due, "days_overdue": late,
                "carry_over_count": 1})

    def objectives(self, rid, ref, planned, latest):
        ts = iso(planned) + "T10:30:00Z"
        for i in range(3):
            oid = self.insert("objective", {
                "review_id": rid, "seq": i + 1, "ref": "%s-OB%02d" % (ref, i + 1),
                "created_at": ts, "created_by": "author",
                "statement": "Objective %d of %s" % (i + 1, ref), "owner":
                self.rnd.choice(self.owners), "status": "ACTIVE" if latest else "ACHIEVED",
                "kpi_name": "KPI %d" % (i + 1), "kpi_unit": "%", "kpi_direction":
                "HIGHER_BETTER", "kpi_baseline": 50.0, "kpi_target": 90.0,
                "current_revision": 1})
            # the register's identity (migration 007): a new objective is its own first
            # revision; without it no objective is current and the dashboard shows none
            self.db.execute("UPDATE objective SET objective_id = id, revision_no = 1, "
                            "revision_type = 'CREATED' WHERE id = ?", (oid,))
            for m in range(4):
                to = date_add(planned, 90 * (m + 1))
                v = 50 + 10 * m + self.rnd.randint(-5, 5)
                self.insert("kpi_measurement", {
                    "objective_id": oid, "period_frm": iso(date_add(to, -89)),
                    "period_to": iso(to), "value": float(v), "target_at_time": 90.0,
                    "direction": "HIGHER_BETTER",
                    "rag": "GREEN" if v >= 90 else "AMBER" if v >= 86 else "RED",
                    "created_at": iso(to) + "T08:00:00Z", "created_by": "author"})

    def seal(self, rid, held, latest, year):
        if not held:
            return
        moves = ["SUBMITTED"] if latest else ["SUBMITTED", "APPROVED"] + (
            ["PUBLISHED"] if year < self.today.year - 1 else [])
        for status in moves:
            self.db.execute("UPDATE review SET status = ? WHERE id = ?", (status, rid))

    def run(self):
        years = max(1, self.n_reviews // UNITS)
        per_review = [self.n_actions // self.n_reviews] * self.n_reviews
        for i in range(self.n_actions - sum(per_review)):
            per_review[i] += 1
        k = 0
        for unit in range(UNITS):
            previous = None
            for y in range(years):
                if k >= self.n_reviews:
                    break
                year = self.today.year - years + 1 + y
                latest = y == years - 1
                rid, ref, planned, held = self.review(unit, year, latest)
                self.items(rid, ref, planned)
                if previous:
                    self.carry(rid, ref, planned, previous)
                previous = self.actions(rid, ref, planned, per_review[k])
                self.objectives(rid, ref, planned, latest)
                self.seal(rid, held, latest, year)
                k += 1
        for year, n in self.counters.items():
            self.db.execute("INSERT INTO ref_counter (scope, last_value) VALUES (?, ?) "
                            "ON CONFLICT (scope) DO UPDATE SET last_value = excluded.last_value",
                            ("MR-%d" % year, n))
        return k


def generate(dbdir, reviews, actions):
    os.makedirs(dbdir, exist_ok=True)
    db_args = harness.sqlite_db_args(dbdir)
    rc, out = harness.migrate(db_args)
    if rc != 0:
        sys.exit("ismsreview-admin migrate failed:\n" + out)
    path = os.path.join(dbdir, "isms.db")
    t0 = time.time()
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    with db:
        n = Gen(db, reviews, actions, datetime.datetime.now(datetime.timezone.utc).date()).run()
    counts = {t: db.execute("SELECT COUNT(*) FROM %s" % t).fetchone()[0] for t in
              ("review", "action", "action_snapshot", "objective", "kpi_measurement")}
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for name in os.listdir(dbdir):
        harness._chown_service(os.path.join(dbdir, name))
    harness._chown_service(dbdir)
    print("generated %d reviews in %.1f s: %s" % (n, time.time() - t0, ", ".join(
        "%s %d" % kv for kv in counts.items())))
    return db_args


ROWS = [
    ("dashboard (JSON)", "v1/reports/dashboard"),
    ("dashboard (HTML)", "v1/reports/dashboard?format=html"),
    ("action register (HTML)", "v1/reports/actions"),
    ("action register (CSV)", "v1/reports/actions?format=csv"),
    ("action register (JSON)", "v1/reports/actions?format=json"),
    ("action register, overdue only (HTML)", "v1/reports/actions?overdue=true"),
    ("compliance matrix, one year (HTML)", "v1/reports/compliance?year=2026"),
    ("calendar.ics", "v1/calendar.ics"),
    ("review record, 50 actions (HTML)", "v1/reviews/%d/report"),
]


def timed(port, path, auth):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.perf_counter()
    conn.request("GET", "/isms/api/" + path, headers={"Authorization": auth})
    resp = conn.getresponse()
    body = resp.read()
    ms = (time.perf_counter() - t0) * 1000
    conn.close()
    if resp.status != 200:
        raise SystemExit("GET %s: %d %s" % (path, resp.status, body[:300]))
    return ms, len(body)


def post(port, path, auth, body):
    """POST JSON; returns the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("POST", "/isms/api/" + path, body=json.dumps(body),
                 headers={"Authorization": auth, "Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


def open_action(dbdir):
    """An open action of a review that is not cancelled (for writes between dashboards)."""
    db = sqlite3.connect(os.path.join(dbdir, "isms.db"))
    try:
        return db.execute("SELECT a.id FROM action a JOIN review r ON r.id = a.review_id "
                          "WHERE r.status <> 'CANCELLED' AND a.status IN ('OPEN', "
                          "'IN_PROGRESS') ORDER BY a.id DESC LIMIT 1").fetchone()[0]
    finally:
        db.close()


def time_reports(base, db_args, runs, review_id):
    httpd = harness.Httpd(os.path.join(base, "srv"), db_args=db_args, htpasswd_hash="sha")
    httpd.start()
    try:
        auth = harness.Httpd.auth_header("auditor")
        print("\n%-40s %10s %10s %10s" % ("report", "min ms", "median ms", "bytes"))
        for name, path in ROWS:
            path = path % review_id if "%d" in path else path
            timed(httpd.port, path, auth)                      # warm the child's cache
            samples = [timed(httpd.port, path, auth) for _ in range(runs)]
            ms = [s[0] for s in samples]
            print("%-40s %10.1f %10.1f %10d" % (name, min(ms), statistics.median(ms),
                                                 samples[0][1]))
        bad = httpd.bad_log_lines()
        if bad:
            print("unexpected error-log lines:\n" + "\n".join(bad))
            return 1
    finally:
        httpd.stop()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviews", type=int, default=1000)
    ap.add_argument("--actions", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", help="directory for isms.db (default: a temporary server root)")
    ap.add_argument("--no-time", action="store_true", help="only generate the database")
    args = ap.parse_args()
    if args.reviews < 1 or args.actions < args.reviews:
        sys.exit("need at least one review and one action per review")
    base = harness.make_basedir("isms-dataset-")
    dbdir = os.path.abspath(args.db) if args.db else os.path.join(base, "db")
    rc = 0
    try:
        db_args = generate(dbdir, args.reviews, args.actions)
        if not args.no_time:
            rc = time_reports(base, db_args, args.runs, review_id=args.reviews)
    finally:
        if not os.environ.get("ISMS_KEEP"):
            shutil.rmtree(base, ignore_errors=True)
        else:
            print("kept %s" % base)
    return rc


if __name__ == "__main__":
    sys.exit(main())
