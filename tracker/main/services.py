"""What the dashboard shows: the assistant director's one screen."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.actions.services import ACTION, action_rag, rag_column
from tracker.checklist.services import OUTCOME, TASK, late_tasks
from tracker.extensions import db
from tracker.links import Link
from tracker.models import (
    Action,
    ActionStatus,
    AuditEvent,
    ChecklistTask,
    Engagement,
    Meeting,
    MeetingStatus,
    Milestone,
    PhaseOutcome,
    Postcard,
    PostcardStatus,
    Programme,
    Stakeholder,
    User,
    Workstream,
)
from tracker.plan.services import MILESTONE, WORKSTREAM, milestone_views, milestones

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class Activity:
    event: AuditEvent
    what: str
    href: Link | None


# entity type → (model, how to name one, endpoint and its id argument)
_ENTITIES = {
    TASK: (ChecklistTask, lambda t: f"Phase {t.phase} {t.label}: {t.title}", "checklist.task",
           "task_id"),
    ACTION: (Action, lambda a: a.title, "actions.show", "action_id"),
    MILESTONE: (Milestone, lambda m: m.title, "plan.milestone", "milestone_id"),
    WORKSTREAM: (Workstream, lambda w: w.name, "plan.workstream", "workstream_id"),
    OUTCOME: (PhaseOutcome, lambda o: f"Phase {o.phase} outcome: {o.text}", None, None),
    "meeting": (Meeting, lambda m: f"{m.title}, {clock.format_date(m.day)}", "meetings.meeting",
                "meeting_id"),
    "stakeholder": (Stakeholder, lambda s: s.name, "stakeholders.stakeholder", "stakeholder_id"),
    "engagement": (Engagement, lambda e: e.title, "stakeholders.engagement", "engagement_id"),
}


# Kinds named by their audit summary and linked by id alone, with no query: the dashboard's
# query count stays where it is as areas are added. A link to a row since removed is a 404.
_LINKED_BY_ID = {
    "framework_team": ("framework.team", "team_id", ""),
    "staff_member": ("framework.edit_staff", "staff_id", ""),
    "training_event": ("framework.event", "event_id", ""),
    "fidelity_rating": ("framework.index", None, "fidelity"),
    "framework_adaptation": ("framework.adaptations", None, "adaptation-{id}"),
    "evaluation_round": ("evaluation.show_round", "round_id", ""),
    "health_settings": ("health.how", None, ""),
}


def _linked_by_id(event: AuditEvent) -> Link | None:
    if event.entity_type not in _LINKED_BY_ID:
        return None
    endpoint, arg, anchor = _LINKED_BY_ID[event.entity_type]
    return Link.to(endpoint, anchor.format(id=event.entity_id),
                   **({arg: event.entity_id} if arg else {}))


def recent_activity(programme: Programme, limit: int = 10) -> list[Activity]:
    """The latest changes, each named and linked; one query per kind of thing, not per event."""
    events = db.session.execute(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.programme_id == programme.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).scalars().all()
    ids: dict[str, set[int]] = defaultdict(set)
    for e in events:
        if e.entity_type in _ENTITIES:
            ids[e.entity_type].add(e.entity_id)
    named: dict[tuple[str, int], object] = {}
    # One query for each kind of thing, even a kind with nothing to name, so the page runs the
    # same queries whatever mix of changes happened last.
    for kind, (model, *_rest) in _ENTITIES.items():
        for row in db.session.execute(
            select(model).where(model.id.in_(ids[kind]), model.programme_id == programme.id)
        ).scalars():
            named[(kind, row.id)] = row
    out = []
    for e in events:
        row = named.get((e.entity_type, e.entity_id))
        if row is None:
            out.append(Activity(e, e.summary or e.entity_type.replace("_", " "), _linked_by_id(e)))
            continue
        _, name, endpoint, arg = _ENTITIES[e.entity_type]
        href = Link.to(endpoint, **{arg: e.entity_id}) if endpoint else None
        out.append(Activity(e, name(row), href))
    return out


@dataclass
class Dashboard:
    overdue_by_owner: list[tuple[str, list[Action]]]
    overdue_count: int
    due_soon: list[Action]
    due_soon_until: date
    next_milestones: list
    late_tasks: list[ChecklistTask]
    activity: list[Activity]


def dashboard(programme: Programme, today: date | None = None, *,
              with_activity: bool = True) -> Dashboard:
    today = today or clock.today()
    open_statuses = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    overdue = db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.programme_id == programme.id, rag_column(today) == "red")
        .order_by(Action.due_date)
    ).scalars().all()
    groups: dict[str, list[Action]] = defaultdict(list)
    for action in overdue:
        groups[action.owner_label or "No owner"].append(action)
    until = today + timedelta(days=DUE_SOON_DAYS)
    due_soon = db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.programme_id == programme.id, Action.status.in_(open_statuses),
               Action.due_date >= today, Action.due_date <= until)
        .order_by(Action.due_date, Action.id)
    ).scalars().all()
    return Dashboard(
        overdue_by_owner=sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])),
        overdue_count=len(overdue),
        due_soon=list(due_soon),
        due_soon_until=until,
        next_milestones=milestone_views(milestones(programme.id, upcoming_only=True, limit=5),
                                        today),
        late_tasks=late_tasks(programme, today),
        activity=recent_activity(programme) if with_activity else [],
    )


def my_open_actions(programme: Programme, user: User, today: date | None = None):
    rows = db.session.execute(
        select(Action).where(Action.programme_id == programme.id, Action.owner_id == user.id,
                             Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
        .order_by(Action.due_date.is_(None), Action.due_date).limit(5)
    ).scalars().all()
    return [(a, action_rag(a, today)) for a in rows]



@dataclass(frozen=True)
class Facts:
    """What the dashboard's empty states need to say what is true: "No meetings held yet" is
    not "every action list has gone out"."""

    held_meetings: int
    sent_postcards: int
    dated_tasks: int


def empty_state_facts(programme: Programme) -> Facts:
    """One query."""
    pid = programme.id
    held = (select(func.count()).select_from(Meeting)
            .where(Meeting.programme_id == pid, Meeting.status == MeetingStatus.HELD)
            .scalar_subquery())
    sent = (select(func.count()).select_from(Postcard)
            .where(Postcard.programme_id == pid, Postcard.status == PostcardStatus.SENT)
            .scalar_subquery())
    dated = (select(func.count()).select_from(ChecklistTask)
             .where(ChecklistTask.programme_id == pid, ChecklistTask.due_date.is_not(None))
             .scalar_subquery())
    return Facts(*db.session.execute(select(held, sent, dated)).one())
