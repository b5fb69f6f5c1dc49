"""Snapshots of each programme's health: the headline figures, the status and the signals.

Taken once a day by the scheduler (for every programme) and when a steering group meeting or a
learning set is held (for that programme). At most one a day per programme: a later snapshot
the same day replaces the earlier, so running the job twice changes nothing. Snapshots are
kept for KEEP_DAYS (two years: long enough to compare with any steering meeting in the last
year and to draw the six-month trend) and the daily job deletes older ones, so the table
holds at most about 730 rows per authority.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.extensions import db
from tracker.health import services
from tracker.models import Authority, HealthSnapshot, Meeting, MeetingKind, Programme

KEEP_DAYS = 730
DAILY = "daily"
MEETING = "meeting"
# A steering group meeting or a learning set is a point people compare with later.
TAKEN_WHEN_HELD = (MeetingKind.STEERING, MeetingKind.STRATEGIC_SET, MeetingKind.PRACTICE_SET)


def _upsert(rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](HealthSnapshot)
    statement = insert.values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["programme_id", "day"],
        set_={c: statement.excluded[c] for c in ("taken_at", "trigger", "status", "figures",
                                                   "signals")}))


def record(pairs: list[tuple[str, Programme]], trigger: str, today: date | None = None) -> int:
    """Snapshot the programmes given as (authority slug, programme) pairs for today."""
    today = today or clock.today()
    assessments = services.assess_all(pairs, today)
    _upsert([{"programme_id": pid, "day": today, "taken_at": clock.now(), "trigger": trigger,
              "status": a.status.value, "figures": a.figures.as_data(),
              "signals": [s.as_data() for s in a.judgement.signals]}
             for pid, a in assessments.items()])
    return len(assessments)


def daily(today: date | None = None) -> int:
    """The scheduler's job: every programme once today, and snapshots past KEEP_DAYS gone."""
    today = today or clock.today()
    pairs = [(slug, p) for slug, p in db.session.execute(
        select(Authority.slug, Programme).join(Authority, Programme.authority_id == Authority.id)
    ).all()]
    taken = record(pairs, DAILY, today)
    db.session.execute(delete(HealthSnapshot)
                       .where(HealthSnapshot.day < today - timedelta(days=KEEP_DAYS)))
    db.session.commit()
    return taken


def on_meeting_held(meeting: Meeting, today: date | None = None) -> None:
    """Called by the meetings area when a meeting is marked held (in the same transaction)."""
    if meeting.kind not in TAKEN_WHEN_HELD:
        return
    programme = db.session.get(Programme, meeting.programme_id)
    slug = db.session.get(Authority, programme.authority_id).slug
    db.session.flush()
    record([(slug, programme)], MEETING, today)
