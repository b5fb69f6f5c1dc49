#!/usr/bin/env python3
"""The benchmark (`make bench`): build a national-scale data set through the app's models, serve it
with gunicorn, and print per page the queries, p50, p95 and the ratio to a bare one-query endpoint
served the same way in the same run; then throughput under concurrent clients, and the reminder
pass (send-due) over 100,000 actions with its time and peak memory.

    .venv/bin/python scripts/bench.py                      # national: 153 authorities
    .venv/bin/python scripts/bench.py --authorities 10     # a smaller data set
    .venv/bin/python scripts/bench.py --database-url postgresql://...   # on PostgreSQL
    .venv/bin/python scripts/bench.py --compare-with postgresql://...   # SQLite against it
    .venv/bin/python scripts/bench.py --profile dashboard  # where one page spends its time

Absolute times depend on the machine and whatever else it runs; compare the ratios. Data sets are
kept in instance/bench/ (SQLite) and reused while the seed and size are the same.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench-password-2026"
SECRET = "bench-secret-" + "x" * 40
PER_AUTHORITY_USERS = 12
CONSULTANT_SPAN = 10  # authorities per consultant


# -- building the data set -----------------------------------------------------------------------

def _app(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", SECRET)
    sys.path.insert(0, str(ROOT))
    from tracker import create_app

    return create_app()


def build(url: str, authorities: int, actions_per: int, seed: int, *, due_share: float | None = None,
          history: bool = True) -> None:
    """Authorities made by the admin service (each with its Checklist copy), then people,
    plan, meetings, actions, notes and audit rows in bulk inserts through the ORM models.
    `due_share`: make that share of actions open and due or overdue (for send-due), the rest
    finished or far off. `history`: notes and audit rows too."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from tracker import clock
    from tracker.admin import services as admin
    from tracker.extensions import db
    from tracker.models import (
        Action,
        ActionNote,
        ActionStatus,
        AgendaItem,
        AuditEvent,
        ChecklistTask,
        GroupKind,
        GroupMember,
        Meeting,
        MeetingAttendee,
        MeetingKind,
        MeetingStatus,
        Membership,
        Milestone,
        MilestoneStatus,
        Programme,
        Role,
        User,
        Workstream,
    )

    rng = random.Random(seed)
    app = _app(url)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        today = clock.today()
        now = clock.now().replace(microsecond=0)
        ids = {"user": 1, "action": 1, "meeting": 1, "milestone": 1, "workstream": 1, "member": 1,
               "item": 1}

        def next_id(kind: str, n: int = 1) -> int:
            first = ids[kind]
            ids[kind] += n
            return first

        consultants = []
        for k in range((authorities + CONSULTANT_SPAN - 1) // CONSULTANT_SPAN):
            consultants.append({"id": next_id("user"), "email": f"consultant{k + 1}@nspcc.example.org",
                                "name": f"Consultant {k + 1}", "active": True})
        db.session.execute(insert(User), consultants)
        workstream_names = ["Data, monitoring and evaluation", "Workforce development",
                            "Policy and procedure", "Communication", "Partners and commissioning",
                            "Practice quality"]
        kinds = [MeetingKind.STEERING, MeetingKind.STRATEGIC_SET, MeetingKind.PRACTICE_SET,
                 MeetingKind.STEERING, MeetingKind.MIDWAY_REVIEW, MeetingKind.TASK_AND_FINISH]
        for n in range(1, authorities + 1):
            slug = f"bench-{n:03d}"
            authority = admin.create_authority(f"Bench Council {n:03d}", slug=slug,
                                               start_date=today - timedelta(days=400))
            db.session.flush()
            programme_id = db.session.execute(
                select(Programme.id).where(Programme.authority_id == authority.id)).scalar_one()
            task_ids = list(db.session.execute(
                select(ChecklistTask.id).where(ChecklistTask.programme_id == programme_id)).scalars())
            first_user = next_id("user", PER_AUTHORITY_USERS)
            users = list(range(first_user, first_user + PER_AUTHORITY_USERS))
            db.session.execute(insert(User), [
                {"id": u, "email": f"person{i}@{slug}.example.org", "name": f"Person {i} of {n:03d}",
                 "active": True} for i, u in enumerate(users)])
            roles = [Role.LEAD] + [Role.STEERING] * 7 + [Role.CHAMPION] * 3 + [Role.OBSERVER]
            consultant = consultants[(n - 1) // CONSULTANT_SPAN]["id"]
            db.session.execute(insert(Membership), [
                {"user_id": u, "authority_id": authority.id, "role": r, "job_role": r.label}
                for u, r in zip(users, roles, strict=True)
            ] + [{"user_id": consultant, "authority_id": authority.id, "role": Role.CONSULTANT,
                  "job_role": "NSPCC Implementation Consultant"}])
            owners = users[:11] + [consultant]
            first_ws = next_id("workstream", len(workstream_names))
            db.session.execute(insert(Workstream), [
                {"id": first_ws + i, "programme_id": programme_id, "name": name,
                 "lead_id": users[1 + i], "aims": ""} for i, name in enumerate(workstream_names)])
            workstreams = list(range(first_ws, first_ws + len(workstream_names)))
            milestones = []
            for i in range(20):
                target = today + timedelta(days=-180 + 30 * i)
                milestones.append({
                    "id": next_id("milestone"), "programme_id": programme_id,
                    "title": f"Milestone {i + 1}", "target_date": target,
                    "workstream_id": rng.choice(workstreams + [None]),
                    "status": (MilestoneStatus.ACHIEVED if target < today and rng.random() < .7
                               else MilestoneStatus.PLANNED),
                    "notes": ""})
            db.session.execute(insert(Milestone), milestones)
            members = []
            for i, u in enumerate(users[:11]):
                members.append({"id": next_id("member"), "programme_id": programme_id,
                                "group": GroupKind.STRATEGIC if i < 6 else GroupKind.PRACTICE,
                                "user_id": u, "name": "", "job_title": ""})
            db.session.execute(insert(GroupMember), members)
            meetings, items, attendees = [], [], []
            for i in range(60):
                kind = kinds[i % len(kinds)]
                day = today + timedelta(days=-540 + 10 * i)
                group = kind.default_group
                meeting_id = next_id("meeting")
                meetings.append({
                    "id": meeting_id, "programme_id": programme_id, "kind": kind,
                    "number": (i // len(kinds)) % 3 + 1 if kind.numbered else None,
                    "group": group, "day": day, "start_time": clock_time(9, 30),
                    "end_time": clock_time(13, 30), "location": "Town hall",
                    "status": MeetingStatus.HELD if day < today else MeetingStatus.PLANNED,
                    "summary": "", "created_by_id": users[0]})
                for position in range(1, 5):
                    items.append({"id": next_id("item"), "programme_id": programme_id,
                                  "meeting_id": meeting_id, "position": position,
                                  "title": f"Item {position}", "prompts": [], "notes": ""})
                for m in members:
                    if m["group"] == group:
                        attendees.append({"meeting_id": meeting_id, "member_id": m["id"]})
            db.session.execute(insert(Meeting), meetings)
            db.session.execute(insert(AgendaItem), items)
            db.session.execute(insert(MeetingAttendee), attendees)
            past_meetings = [m["id"] for m in meetings if m["day"] < today]
            actions, notes, events = [], [], []
            for i in range(actions_per):
                action_id = next_id("action")
                if due_share is not None:
                    if rng.random() < due_share:
                        due, status = today - timedelta(days=rng.randint(-3, 30)), ActionStatus.OPEN
                    else:
                        due = today + timedelta(days=rng.randint(30, 300))
                        status = rng.choice([ActionStatus.DONE, ActionStatus.OPEN])
                else:
                    due = None if rng.random() < .1 else today + timedelta(days=rng.randint(-300, 300))
                    if due is not None and due < today:
                        status = rng.choices(list(ActionStatus), [20, 15, 60, 5])[0]
                    else:
                        status = rng.choices(list(ActionStatus), [55, 30, 15, 0])[0]
                created = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 600))
                updated = min(now, created + timedelta(days=rng.randint(0, 60)))
                owner = rng.choice(owners)
                creator = rng.choice(users[:8])
                source = rng.random()
                actions.append({
                    "id": action_id, "programme_id": programme_id,
                    "title": f"Action {i + 1}: agree the reunification practice step {rng.randint(1, 99)}",
                    "details": "Details of what was agreed, by whom and why. " * rng.randint(0, 4),
                    "owner_id": owner if rng.random() < .9 else None,
                    "owner_name": "" if rng.random() < .9 else "Head of Commissioning",
                    "due_date": due, "status": status, "dropped_reason": "",
                    "workstream_id": rng.choice(workstreams + [None]),
                    "milestone_id": rng.choice(milestones)["id"] if rng.random() < .3 else None,
                    "checklist_task_id": rng.choice(task_ids) if source < .1 else None,
                    "meeting_id": rng.choice(past_meetings) if .1 <= source < .35 else None,
                    "created_by_id": creator, "created_at": created,
                    "completed_at": updated if status == ActionStatus.DONE else None,
                    "completed_by_id": owner if status == ActionStatus.DONE else None,
                    "updated_at": updated, "noted_at": None})
                if not history:
                    continue
                events.append({"programme_id": programme_id, "entity_type": "action",
                               "entity_id": action_id, "action": "created", "actor_id": creator,
                               "at": created, "changes": {},
                               "summary": f"Action created: Action {i + 1}"})
                if rng.random() < .84:
                    events.append({"programme_id": programme_id, "entity_type": "action",
                                   "entity_id": action_id, "action": "updated", "actor_id": owner,
                                   "at": updated, "changes": {"Status": ["Open", status.label]},
                                   "summary": ""})
                for k in range(rng.choices([0, 1, 2], [63, 27, 10])[0]):
                    notes.append({"action_id": action_id, "author_id": owner,
                                  "at": created + timedelta(days=k + 1),
                                  "text": "Spoke to the team; **next step** agreed."})
                    # As the app keeps it when a note is written (bulk inserts skip that).
                    actions[-1]["noted_at"] = notes[-1]["at"]
            db.session.execute(insert(Action), actions)
            if notes:
                db.session.execute(insert(ActionNote), notes)
            if events:
                db.session.execute(insert(AuditEvent), events)
            db.session.commit()
            if n % 10 == 0 or n == authorities:
                print(f"  built {n}/{authorities} authorities "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)
        lead = db.session.get(User, consultants[-1]["id"] + 1)  # person 0 of bench-001: its lead
        consultant = db.session.get(User, consultants[0]["id"])
        for user in (lead, consultant):
            user.set_password(PASSWORD)
            user.calendar_token = f"bench-feed-{user.id}-" + "x" * 20
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences past them.
            for table in ("user_account", "action", "meeting", "milestone", "workstream",
                          "group_member", "agenda_item"):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
            db.session.commit()
        _analyze(db.engine)
    print(f"  data set built in {time.perf_counter() - started:.0f} s", flush=True)


def _analyze(engine) -> None:
    """As autovacuum would have by the time a real database is this size: statistics (for
    every index, including those a later migration added: SQLite plans with an index that has
    none as if it were very selective), and PostgreSQL's visibility map, which lets counts
    come from an index alone."""
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                                else "ANALYZE"))


def _kind(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def _holds_data_set(url: str, authorities: int) -> bool:
    """Whether the database already holds a data set of this size (built by an earlier run)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM authority WHERE slug LIKE 'bench-%'")).scalar() == authorities
    except SQLAlchemyError:
        return False  # no tables yet
    finally:
        engine.dispose()


def _revision(engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def bench_people(url: str) -> dict:
    """The signed-in people and the ids the pages need."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Action, ActionNote, Meeting, MeetingStatus, User

    app = _app(url)
    with app.app_context():
        before = _revision(db.engine)
        upgrade()  # a kept data set gets the migrations (indexes) added since it was built
        if _revision(db.engine) != before:
            _analyze(db.engine)
        lead = db.session.execute(select(User).where(
            User.email == "person0@bench-001.example.org")).scalar_one()
        consultant = db.session.execute(select(User).where(
            User.email == "consultant1@nspcc.example.org")).scalar_one()
        programme_id = db.session.execute(
            select(Action.programme_id).where(Action.created_by_id.is_not(None)).limit(1)).scalar()
        action_id = db.session.execute(
            select(ActionNote.action_id).join(Action).where(Action.programme_id == programme_id)
            .group_by(ActionNote.action_id).order_by(func.count().desc()).limit(1)).scalar()
        meeting_id = db.session.execute(
            select(Action.meeting_id).where(Action.programme_id == programme_id,
                                            Action.meeting_id.is_not(None))
            .join(Meeting, Meeting.id == Action.meeting_id)
            .where(Meeting.status == MeetingStatus.HELD)
            .group_by(Action.meeting_id).order_by(func.count().desc()).limit(1)).scalar()
        return {"lead": (lead.email, lead.calendar_token),
                "consultant": (consultant.email, consultant.calendar_token),
                "action": action_id, "meeting": meeting_id}


def pages(ids: dict) -> list[tuple[str, str, str]]:
    """(name, who, path) in the order of the table."""
    a = "/a/bench-001"
    every_status = urlencode([("status", s) for s in ("open", "in_progress", "done", "dropped")])
    return [
        ("bare endpoint (one query)", "lead", "/bench/bare"),
        ("dashboard", "lead", f"{a}/"),
        ("action log, page 1", "lead", f"{a}/actions"),
        ("action log, sorted, page 3", "lead", f"{a}/actions?sort=updated&page=3"),
        ("action log, by title, page 30", "lead", f"{a}/actions?{every_status}&sort=title&page=30"),
        ("one action", "lead", f"{a}/actions/{ids['action']}"),
        ("one meeting", "lead", f"{a}/meetings/{ids['meeting']}"),
        ("timeline", "lead", f"{a}/timeline"),
        ("steering report", "lead", f"{a}/report"),
        ("portfolio (consultant, 10 authorities)", "consultant", "/portfolio"),
        ("CSV export (2,000 actions)", "lead", f"{a}/actions/export.csv?{every_status}"),
        ("calendar feed (lead)", "anyone", f"/calendar/{ids['lead'][1]}.ics"),
        ("calendar feed (consultant)", "anyone", f"/calendar/{ids['consultant'][1]}.ics"),
        ("calendar feed, unchanged (304)", "anyone", f"/calendar/{ids['consultant'][1]}.ics#etag"),
    ]


# -- serving and measuring -----------------------------------------------------------------------

class Server:
    def __init__(self, url: str, workers: int, port: int):
        env = {**os.environ, "DATABASE_URL": url, "HOMEWARD_BENCH": "1", "SECRET_KEY": SECRET,
               "SIGN_IN_RATE_LIMIT": "1000 per minute"}
        self.port = port
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "tracker:create_app()"], cwd=ROOT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if request(port, "/bench/bare")[0] == 200:
                    return
            except OSError:
                time.sleep(.3)
        raise SystemExit("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def request(port: int, path: str, cookie: str = "", method: str = "GET", body: str = "",
            headers: dict | None = None, connection: http.client.HTTPConnection | None = None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = {"Cookie": cookie} if cookie else {}
    if body:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    sent.update(headers or {})
    conn.request(method, path, body=body or None, headers=sent)
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, response.headers, data


def sign_in(port: int, email: str) -> str:
    status, headers, body = request(port, "/login")
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    status, headers, _ = request(port, "/login", cookie, "POST",
                                 urlencode({"csrf_token": token, "email": email, "password": PASSWORD}))
    if status != 302:
        raise SystemExit(f"could not sign in as {email} ({status})")
    return headers["Set-Cookie"].split(";")[0]


def latency(targets: list[tuple[int, dict, list]], rounds: int) -> list[dict]:
    """Every page once per round, round after round, so noise from the machine falls on all of
    them alike. `targets` are (port, cookies, pages) of servers of the same data set on
    different databases: each request of a page to one is followed by the same request to the
    next, so that the machine's changes of speed fall on them alike too."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                   for port, _, _ in targets]
    timings = [{name: [] for name, _, _ in page_list} for _, _, page_list in targets]
    queries = [{} for _ in targets]
    statuses = [{} for _ in targets]
    etags = [{} for _ in targets]
    for round_number in range(rounds + 2):  # two rounds to warm up
        for pages_at_once in zip(*(page_list for _, _, page_list in targets), strict=True):
            for i, ((port, cookies, _), (name, who, path)) in enumerate(
                    zip(targets, pages_at_once, strict=True)):
                headers = {}
                if path.endswith("#etag"):
                    path = path[:-5]
                    tag = etags[i].get(path)
                    headers = {"If-None-Match": tag} if tag else {}
                started = time.perf_counter()
                status, response_headers, _ = request(port, path, cookies.get(who, ""),
                                                      headers=headers, connection=connections[i])
                elapsed = (time.perf_counter() - started) * 1000
                if response_headers.get("ETag"):
                    etags[i][path] = response_headers["ETag"]
                statuses[i][name] = status
                queries[i][name] = response_headers.get("X-Bench-Queries", "?")
                if round_number >= 2:
                    timings[i][name].append(elapsed)
    return [{name: (queries[i][name], statuses[i][name], timings[i][name])
             for name in timings[i]} for i in range(len(targets))]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def throughput(port: int, cookie: str, path: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def client(i: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < stop:
            request(port, path, cookie, connection=connection)
            done[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


# -- the reminder pass ---------------------------------------------------------------------------

def send_due(url: str, port: int) -> tuple[float, float, float, int]:
    """Run `flask send-due` against the data set, delivering to a local SMTP sink: (seconds
    for the whole process, seconds for the pass itself as the command reports it, peak memory
    in MB, messages the sink received)."""
    from aiosmtpd.controller import Controller

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    # Timed as on a server, where the app's bytecode was written at install or on its first run;
    # a machine that sets PYTHONDONTWRITEBYTECODE (this one) would otherwise compile every module
    # of the app from source at every start, about 0.35 s of each cron run.
    compileall.compile_dir(ROOT / "tracker", quiet=1)
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(port), "MAIL_USE_STARTTLS": "0", "MAIL_USE_TLS": "0"}
    try:
        # Started through a small launcher: a process started straight from this one would
        # report this one's peak memory (Linux keeps the larger peak across exec), and this one
        # may just have built a data set of hundreds of megabytes.
        output = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(BIN / "flask"), "--app", "tracker", "send-due",
             "--no-digest"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True).stdout
        print(output, end="")
        measured = re.search(r"^launcher: status (\d+), ([0-9.]+) s, ([0-9]+) kB$", output, re.M)
        if not measured or measured.group(1) != "0":
            raise SystemExit("send-due failed")
    finally:
        controller.stop()
    passed = re.search(r"in ([0-9.]+) s\.", output)
    return float(measured.group(2)), float(passed.group(1)) if passed else float("nan"), \
        int(measured.group(3)) / 1024, Sink.received


_LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
print(f"launcher: status {status}, {time.perf_counter() - started} s, {usage.ru_maxrss} kB")
"""


# -- profiling one page in-process ---------------------------------------------------------------

def profile(url: str, page_name: str, repeat: int) -> None:
    import cProfile
    import pstats

    ids = bench_people(url)
    app = _app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    chosen = [p for p in pages(ids) if page_name.lower() in p[0].lower()]
    if not chosen:
        raise SystemExit(f"no page named like {page_name!r}")
    name, who, path = chosen[0]
    client = app.test_client()
    if who != "anyone":
        client.post("/login", data={"email": ids[who][0], "password": PASSWORD})
    path = path.split("#")[0]
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    print(f"{name}: {path}, {repeat} requests")
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(35)


# -- the whole run -------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=153)
    parser.add_argument("--actions", type=int, default=2000, help="actions per authority")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--database-url", help="an empty PostgreSQL database, or one this "
                                               "benchmark built before with the same size, "
                                               "reused (default: SQLite files in "
                                               "instance/bench/)")
    parser.add_argument("--compare-with", metavar="DATABASE_URL",
                        help="a second database (e.g. PostgreSQL, empty or built before) whose "
                             "pages are timed in the same run, each request alternating with "
                             "the first database's, and compared with it")
    parser.add_argument("--rounds", type=int, default=40, help="requests per page for p50/p95")
    parser.add_argument("--seconds", type=float, default=10, help="per throughput measurement")
    parser.add_argument("--send-due-actions", type=int, default=100_000)
    parser.add_argument("--skip", action="append", default=[],
                        choices=["latency", "throughput", "send-due"])
    parser.add_argument("--profile", metavar="PAGE", help="profile one page in-process instead")
    parser.add_argument("--pages", help="only the pages whose names contain this (and the bare "
                                            "endpoint)")
    parser.add_argument("--port", type=int, default=8719)
    args = parser.parse_args()

    folder = ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        url = args.database_url
        fresh = not _holds_data_set(url, args.authorities)
    else:
        path = folder / f"national-{args.authorities}x{args.actions}-seed{args.seed}.db"
        url = f"sqlite:///{path}"
        fresh = not path.exists()
    if fresh:
        print(f"Building {args.authorities} authorities x {args.actions} actions (seed {args.seed})")
        build(url, args.authorities, args.actions, args.seed)
    if args.compare_with and not _holds_data_set(args.compare_with, args.authorities):
        print(f"Building the same data set on {_kind(args.compare_with)}")
        build(args.compare_with, args.authorities, args.actions, args.seed)
    if args.profile:
        profile(url, args.profile, 20)
        return

    ids = bench_people(url)
    print(f"\nData: {args.authorities} authorities x {args.actions} actions; {_kind(url)}; "
          f"{os.cpu_count()} CPUs (load average now {os.getloadavg()[0]:.1f})")
    if "latency" not in args.skip:
        databases = [(url, ids, args.port)]
        if args.compare_with:
            databases.append((args.compare_with, bench_people(args.compare_with), args.port + 2))
        servers = []
        try:
            targets = []
            for database, people, port in databases:
                servers.append(Server(database, 1, port))
                cookies = {"lead": sign_in(port, people["lead"][0]),
                           "consultant": sign_in(port, people["consultant"][0])}
                targets.append((port, cookies, [
                    p for p in pages(people) if p[2] == "/bench/bare"
                    or (args.pages or "").lower() in p[0].lower()]))
            found = latency(targets, args.rounds)
        finally:
            for server in servers:
                server.stop()
        results = found[0]
        bare50 = statistics.median(results["bare endpoint (one query)"][2])
        bare95 = percentile(results["bare endpoint (one query)"][2], .95)
        if not args.compare_with:
            print(f"\nLatency, gunicorn 1 worker, {args.rounds} requests a page\n")
            print(f"| {'page':<40} | status | queries | p50 ms | p95 ms | x bare p50 | "
                  "x bare p95 |")
            print(f"| {'-' * 40} | --- | --- | --- | --- | --- | --- |")
            for name, (count, status, times) in results.items():
                p50, p95 = statistics.median(times), percentile(times, .95)
                print(f"| {name:<40} | {status} | {count} | {p50:.1f} | {p95:.1f} | "
                      f"{p50 / bare50:.1f} | {p95 / bare95:.1f} |")
        else:
            # Each server waits while the other answers, but not idle: its database's own
            # processes go on working. These p95s are wider than a run of one database's;
            # measure the targets' p95 without --compare-with.
            first, second = _kind(url), _kind(args.compare_with)
            print(f"\n{second} against {first}, gunicorn 1 worker each, each request "
                  f"alternating between them, {args.rounds} a page\n")
            print(f"| {'page':<40} | queries | {first} p50 / p95 ms | {second} p50 / p95 ms | "
                  f"{second} / {first}, p50 |")
            print(f"| {'-' * 40} | --- | --- | --- | --- |")
            for name, (count, _status, times) in results.items():
                other_count, _other_status, other = found[1][name]
                p50, other50 = statistics.median(times), statistics.median(other)
                print(f"| {name:<40} | {count} / {other_count} | {p50:.1f} / "
                      f"{percentile(times, .95):.1f} | {other50:.1f} / "
                      f"{percentile(other, .95):.1f} | {other50 / p50:.2f} |")
    if "throughput" not in args.skip:
        server = Server(url, 2, args.port)
        try:
            cookie = sign_in(args.port, ids["lead"][0])
            print(f"\nThroughput, gunicorn 2 workers, 8 clients, {args.seconds:.0f} s each\n")
            bare = throughput(args.port, cookie, "/bench/bare", 8, args.seconds)
            print(f"| {'page':<20} | requests/s | share of bare |")
            print(f"| {'-' * 20} | --- | --- |")
            print(f"| {'bare endpoint':<20} | {bare:.1f} | 1 |")
            for name, path in (("dashboard", "/a/bench-001/"), ("action log", "/a/bench-001/actions")):
                rate = throughput(args.port, cookie, path, 8, args.seconds)
                print(f"| {name:<20} | {rate:.1f} | 1/{bare / rate:.0f} |")
        finally:
            server.stop()
    if "send-due" not in args.skip and not args.database_url:
        authorities = max(1, args.send_due_actions // 2000)
        path = folder / f"send-due-{authorities}x2000-seed{args.seed}.db"
        due_url = f"sqlite:///{path}"
        if path.exists():
            # A kept data set gets the migrations added since it was built.
            subprocess.run([str(BIN / "flask"), "--app", "tracker", "db", "upgrade"], cwd=ROOT,
                           env={**os.environ, "DATABASE_URL": due_url, "SECRET_KEY": SECRET},
                           check=True, stderr=subprocess.DEVNULL)
            # The pass writes only the outbox (and when jobs ran): empty them for a fresh pass,
            # and give any index a migration added its statistics (see _analyze).
            with sqlite3.connect(path) as connection:
                connection.execute("DELETE FROM outbox_message")
                connection.execute("DELETE FROM job_run")
                connection.execute("ANALYZE")
        else:
            print(f"\nBuilding {authorities * 2000} actions, 10% due or overdue, for send-due")
            build(due_url, authorities, 2000, args.seed, due_share=.1, history=False)
        seconds, pass_seconds, megabytes, received = send_due(due_url, args.port + 1)
        print(f"\nsend-due over {authorities * 2000} actions: {seconds:.1f} s for the process, "
              f"of which the pass (queueing, health snapshots, delivery) {pass_seconds:.1f} s; "
              f"peak memory {megabytes:.0f} MB, {received} messages delivered to the sink")


if __name__ == "__main__":
    main()
