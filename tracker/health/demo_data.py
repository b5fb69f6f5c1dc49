"""Demo data for programme health.

Demo Borough Council shows a mix: its history of snapshots is made up here (marked as the
demo's, in the trigger) so the trend and "since the steering group met" have something to
show; Homeward records real ones daily from then on. Northshire County Council is a stalled
rollout: its strategic lead has left, leaving actions behind that nobody has touched, and its
first milestones have passed undone.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from tracker import clock
from tracker.actions import services as actions
from tracker.admin import services as admin
from tracker.extensions import db
from tracker.health import services, snapshots
from tracker.health.signals import last_steering_meetings
from tracker.health.status import Status
from tracker.models import Action, HealthSnapshot, Programme
from tracker.plan import services as plan

WEEKS_OF_HISTORY = 26
DEMO = "demo"  # the trigger of a made-up snapshot


def load(demo: Programme, stalled: Programme, today: date) -> None:
    _stalled(stalled, today)
    _history(demo, today)
    db.session.flush()
    snapshots.record([("demo", demo), ("northshire", stalled)], snapshots.DAILY, today)


def _stalled(programme: Programme, today: date) -> None:
    former = admin.create_user("k.doyle@northshire.example.org", "Kieran Doyle")
    for title, days_ago in (("Name the members of the implementation team", 35),
                            ("Brief the Director of Children's Services", 33),
                            ("Find a room for the set-up meeting", 30)):
        action = actions.create_action(programme, title=title, actor=None, owner=former,
                                       due_date=today - timedelta(days=days_ago - 14))
        db.session.flush()
        db.session.execute(update(Action).where(Action.id == action.id).values(
            created_at=clock.now() - timedelta(days=days_ago),
            updated_at=clock.now() - timedelta(days=days_ago)))
    for title, days_ago in (("Implementation team agreed", 20), ("Set-up meeting held", 10),
                            ("Strategic group terms of reference agreed", 3)):
        plan.create_milestone(programme, None, title=title,
                              target_date=today - timedelta(days=days_ago))


def _history(programme: Programme, today: date) -> None:
    """A made-up weekly history ending near today's figures: the status slipping from On track
    to At risk as overdue actions built up through Phase 2."""
    now = services.assess(programme, "demo", today).figures
    steering = last_steering_meetings([programme.id], today).get(programme.id)
    rows: dict[date, tuple] = {}
    for weeks_ago in range(WEEKS_OF_HISTORY, 0, -1):
        day = today - timedelta(weeks=weeks_ago)
        share = (WEEKS_OF_HISTORY - weeks_ago) / WEEKS_OF_HISTORY
        overdue = round(now.overdue_actions * (0.3 + 0.55 * share))
        in_phase_2 = day >= today - timedelta(days=now.days_in_phase or 0)
        done = round(now.done_percent * share) if in_phase_2 else round(60 + 35 * share)
        rows[day] = (overdue, done, 2 if in_phase_2 else 1,
                     Status.ON_TRACK if share < 0.5 else Status.AT_RISK)
    if steering:
        rows[steering] = (now.overdue_actions - 6, 0, 2, Status.AT_RISK)
    for day, (overdue, done, phase, status) in rows.items():
        red = now.milestones_red - (1 if day < today - timedelta(days=60) else 0)
        db.session.add(HealthSnapshot(
            programme_id=programme.id, day=day, taken_at=clock.now(), trigger=DEMO,
            status=status.value, signals=[],
            figures={"phase": phase, "done_percent": done, "overdue_actions": overdue,
                     "open_actions": now.open_actions, "milestones": now.milestones,
                     "milestones_red": max(0, red)}))
