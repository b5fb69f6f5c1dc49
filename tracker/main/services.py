"""What the dashboard shows: the assistant director's one screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.actions.services import ACTION, action_rag
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
    """The latest changes, each named and linked, in two queries whatever the changes: the
    events, then the things they name, each kind among them joined to its events. (Joining all
    eight kinds' tables whatever the events took PostgreSQL 10 ms to plan; a query per kind
    would make the count depend on the mix.)"""
    events = db.session.execute(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.programme_id == programme.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).scalars().all()
    present = [kind for kind in _ENTITIES if any(e.entity_type == kind for e in events)]
    query = select(AuditEvent.id, *(_ENTITIES[kind][0] for kind in present)).where(
        AuditEvent.id.in_([e.id for e in events]))
    for kind in present:
        model = _ENTITIES[kind][0]
        query = query.outerjoin(model, and_(AuditEvent.entity_type == kind,
                                            model.id == AuditEvent.entity_id,
                                            model.programme_id == programme.id))
    named = {event_id: next((row for row in rows if row is not None), None)
             for event_id, *rows in db.session.execute(query).all()}
    out = []
    for e in events:
        row = named.get(e.id)
        if row is None:
            out.append(Activity(e, e.summary or e.entity_type.replace("_", " "), _linked_by_id(e)))
            continue
        _, name, endpoint, arg = _ENTITIES[e.entity_type]
        href = Link.to(endpoint, **{arg: e.entity_id}) if endpoint else None
        out.append(Activity(e, name(row), href))
    return out


@dataclass(frozen=True)
class OverdueGroup:
    """One owner's overdue actions: how many, and the most overdue few (id, title, due_date,
    owner_id, owner_label), oldest first."""

    owner: str
    count: int
    first: list


@dataclass
class Dashboard:
    overdue_by_owner: list[OverdueGroup]
    overdue_count: int
    due_soon: list  # the first DUE_SOON_SHOWN, with the columns the panel shows
    due_soon_count: int
    due_soon_until: date
    next_milestones: list
    late_tasks: list[ChecklistTask]
    activity: list[Activity]


# Of each owner's overdue actions the dashboard lists three and the report the five most
# overdue of all, which are among the first five of their owner's.
OVERDUE_PER_OWNER = 5
DUE_SOON_SHOWN = 8
_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def _overdue_by_owner(programme: Programme, today: date) -> list[OverdueGroup]:
    """One query: each owner's count and most overdue few, by window functions over the
    (programme, status, due) index, rather than every overdue row."""
    label = func.coalesce(User.name, Action.owner_name)
    ranked = (
        select(Action.id, Action.title, Action.due_date, Action.owner_id,
               label.label("owner_label"),
               func.row_number().over(partition_by=label,
                                      order_by=(Action.due_date, Action.id)).label("place"),
               func.count().over(partition_by=label).label("in_group"))
        .outerjoin(User, User.id == Action.owner_id)
        .where(Action.programme_id == programme.id, Action.status.in_(_OPEN),
               Action.due_date < today)
        .subquery())
    groups: dict[str, OverdueGroup] = {}
    for row in db.session.execute(
        select(ranked).where(ranked.c.place <= OVERDUE_PER_OWNER)
        .order_by(ranked.c.due_date, ranked.c.id)
    ).all():
        owner = row.owner_label or "No owner"
        group = groups.setdefault(owner, OverdueGroup(owner, row.in_group, []))
        group.first.append(row)
    return sorted(groups.values(), key=lambda g: (-g.count, g.owner))


def dashboard(programme: Programme, today: date | None = None, *,
              with_activity: bool = True) -> Dashboard:
    today = today or clock.today()
    overdue = _overdue_by_owner(programme, today)
    until = today + timedelta(days=DUE_SOON_DAYS)
    # The first few, each with the count of all (a window over the same rows): one query.
    due_soon = db.session.execute(
        select(Action.id, Action.title, Action.due_date,
               func.coalesce(User.name, Action.owner_name).label("owner_label"),
               func.count().over().label("total"))
        .outerjoin(User, User.id == Action.owner_id)
        .where(Action.programme_id == programme.id, Action.status.in_(_OPEN),
               Action.due_date >= today, Action.due_date <= until)
        .order_by(Action.due_date, Action.id).limit(DUE_SOON_SHOWN)
    ).all()
    return Dashboard(
        overdue_by_owner=overdue,
        overdue_count=sum(g.count for g in overdue),
        due_soon=due_soon,
        due_soon_count=due_soon[0].total if due_soon else 0,
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
