"""What the scheduler queues: reminders to action owners and the weekly digest.

Each reminder belongs to a window, and the window is in its key, so it is queued once
however often the job runs:
- "before": from `reminder_days_before` days ahead until the day before the due date;
- "due": on the due date;
- "overdue": once in each week after the due date (days 1–7, 8–14, ...).
Re-dating an action starts its windows afresh (the due date is part of the key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.extensions import db
from tracker.links import Link
from tracker.models import (
    Action,
    ActionStatus,
    Authority,
    Membership,
    Milestone,
    MilestoneStatus,
    Programme,
    Role,
    User,
)
from tracker.notifications.outbox import Draft, queue
from tracker.registry import Registry

MAX_DAYS_BEFORE = 14
OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def reminder_window(due: date, today: date, days_before: int) -> tuple[str, str] | None:
    """(window, key suffix) for an action due on `due`, or None outside every window."""
    if due == today:
        return "due", f"due:{due.isoformat()}"
    if today < due <= today + timedelta(days=days_before):
        return "before", f"before:{due.isoformat()}"
    if due < today:
        week = ((today - due).days - 1) // 7
        return "overdue", f"overdue:{due.isoformat()}:{week}"
    return None


REMINDER_BATCH = 5000


class _Due(NamedTuple):
    """An action a reminder is about, as the reminder shows it."""

    id: int
    title: str
    due_date: date


class _Owner(NamedTuple):
    id: int
    name: str
    email: str
    reminder_days_before: int


class _Place(NamedTuple):
    """The authority an action belongs to, as a reminder names and links it."""

    id: int
    name: str
    slug: str


# Read as plain values, not model objects: a pass reads thousands of actions, and loading them
# as objects took ten times as long as the query.
_READ = ((_Due, (Action.id, Action.title, Action.due_date)),
         (_Owner, (User.id, User.name, User.email, User.reminder_days_before)),
         (_Place, (Authority.id, Authority.name, Authority.slug)))


def queue_reminders(today: date | None = None, batch: int = REMINDER_BATCH) -> int:
    """Queue every reminder due today; returns how many were new. Actions are read a batch at
    a time (by id), each batch queued and committed before the next is read, so memory stays
    bounded however many actions are due across the country."""
    today = today or clock.today()
    new, after = 0, 0
    while True:
        rows = db.session.execute(
            select(*(column for _, columns in _READ for column in columns))
            .join(User, Action.owner_id == User.id)
            .join(Programme, Action.programme_id == Programme.id)
            .join(Authority, Programme.authority_id == Authority.id)
            .join(Membership, (Membership.user_id == User.id)
                  & (Membership.authority_id == Authority.id))
            .where(Action.status.in_(OPEN), Action.due_date.is_not(None),
                   Action.due_date <= today + timedelta(days=MAX_DAYS_BEFORE),
                   User.active.is_(True), User.email_reminders.is_(True), Action.id > after)
            .order_by(Action.id).limit(batch)
        ).all()
        if not rows:
            return new
        after = rows[-1][0]
        new += queue(_reminder_drafts(rows, today))


def _split(row) -> tuple[_Due, _Owner, _Place]:
    values, start = [], 0
    for kind, columns in _READ:
        values.append(kind._make(row[start:start + len(columns)]))
        start += len(columns)
    return tuple(values)


def _reminder_drafts(rows, today: date) -> list[Draft]:
    drafts = []
    for row in rows:
        action, user, authority = _split(row)
        window = reminder_window(action.due_date, today, user.reminder_days_before)
        if window is None:
            continue
        kind, suffix = window
        link = Link.to("actions.show", authority_slug=authority.slug, action_id=action.id)
        drafts.append(Draft(
            key=f"reminder:{action.id}:{suffix}", kind=f"reminder_{kind}", recipient=user,
            template=f"reminder_{kind}", link=link,
            context={"action": action, "authority": authority, "today": today,
                     "days": abs((action.due_date - today).days)}))
    return drafts


# -- the weekly digest ---------------------------------------------------------------------------

@dataclass
class DigestSection:
    title: str
    lines: list[tuple[str, str]]  # (text, link)


@dataclass
class AuthorityDigest:
    authority: Authority
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(s.lines for s in self.sections)


# Other areas add sections: fn(programme_ids, {programme_id: authority}, today) ->
# {programme_id: DigestSection}. Each runs a fixed number of queries for all programmes.
DigestSource = Callable[[list[int], dict[int, Authority], date], dict[int, DigestSection]]
DIGEST_SECTIONS: Registry[DigestSource] = Registry("digest sections")
# What leads the digest: fn(programme_ids, {programme_id: authority}, today) ->
# {programme_id: (text, link)} for authorities that need attention first (health: the
# authorities whose status got worse since the last digest). They come first, in this order.
DigestHeadline = Callable[[list[int], dict[int, Authority], date],
                          dict[int, tuple[str, Link]]]
DIGEST_HEADLINES: Registry[DigestHeadline] = Registry("digest headlines")


def _action_line(action: Action, authority: Authority, today: date) -> tuple[str, str]:
    owner = action.owner_label or "No owner"
    if action.due_date < today:
        days = (today - action.due_date).days
        when = f"{days} day{'s' if days != 1 else ''} overdue"
    else:
        when = f"due {clock.format_date(action.due_date)}"
    return (f"{owner}: {action.title} ({when})",
            Link.to("actions.show", authority_slug=authority.slug, action_id=action.id))


def digest_actions(programme_ids, authorities, today):
    sections: dict[int, list[DigestSection]] = {}
    overdue: dict[int, list] = defaultdict(list)
    upcoming: dict[int, list] = defaultdict(list)
    for action in db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.programme_id.in_(programme_ids), Action.status.in_(OPEN),
               Action.due_date.is_not(None), Action.due_date < today + timedelta(days=8))
        .order_by(Action.owner_name, Action.due_date)
    ).scalars():
        target = overdue if action.due_date < today else upcoming
        target[action.programme_id].append(action)
    for pid in programme_ids:
        authority = authorities[pid]
        by_owner = sorted(overdue[pid], key=lambda a: (a.owner_label or "~", a.due_date))
        sections[pid] = [
            DigestSection("Overdue actions, by owner",
                          [_action_line(a, authority, today) for a in by_owner]),
            DigestSection("Due in the next week",
                          [_action_line(a, authority, today) for a in upcoming[pid]]),
        ]
    return sections


def digest_milestones(programme_ids, authorities, today):
    lines: dict[int, list] = defaultdict(list)
    for m in db.session.execute(
        select(Milestone).where(Milestone.programme_id.in_(programme_ids),
                                Milestone.status == MilestoneStatus.PLANNED,
                                Milestone.target_date >= today,
                                Milestone.target_date <= today + timedelta(days=31))
        .order_by(Milestone.target_date)
    ).scalars():
        authority = authorities[m.programme_id]
        lines[m.programme_id].append(
            (f"{m.title} ({clock.format_date(m.target_date)})",
             Link.to("plan.milestone", authority_slug=authority.slug, milestone_id=m.id)))
    return {pid: [DigestSection("Milestones in the next month", lines[pid])]
            for pid in programme_ids}


def digest_key(user: User, today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"digest:{user.id}:{year}-W{week:02d}"


def queue_digests(today: date | None = None) -> int:
    """One digest per strategic lead and consultant, covering every authority in which they
    hold either role; queued once per ISO week."""
    today = today or clock.today()
    rows = db.session.execute(
        select(User, Programme, Authority)
        .join(Membership, Membership.user_id == User.id)
        .join(Authority, Membership.authority_id == Authority.id)
        .join(Programme, Programme.authority_id == Authority.id)
        .where(Membership.role.in_([Role.LEAD, Role.CONSULTANT]), User.active.is_(True),
               User.email_digest.is_(True))
        .order_by(User.id, Authority.name)
    ).all()
    if not rows:
        return 0
    readers: dict[int, tuple[User, list[int]]] = {}
    authorities: dict[int, Authority] = {}
    for user, programme, authority in rows:
        readers.setdefault(user.id, (user, []))[1].append(programme.id)
        authorities[programme.id] = authority
    programme_ids = list(authorities)
    per_programme: dict[int, list[DigestSection]] = defaultdict(list)
    for source in DIGEST_SECTIONS:
        for pid, found in source(programme_ids, authorities, today).items():
            per_programme[pid].extend(found if isinstance(found, list) else [found])
    headlines: dict[int, tuple[str, Link]] = {}
    for source in DIGEST_HEADLINES:
        for pid, line in source(programme_ids, authorities, today).items():
            headlines.setdefault(pid, line)
    drafts = []
    for user, pids in readers.values():
        pids = sorted(pids, key=lambda pid: pid not in headlines)  # stable: by name within
        digests = [AuthorityDigest(authorities[pid], per_programme[pid]) for pid in pids]
        drafts.append(Draft(
            key=digest_key(user, today), kind="digest", recipient=user, template="digest",
            link=Link.to("main.home"),
            context={"digests": digests, "today": today,
                     "headlines": [(authorities[pid], *headlines[pid])
                                   for pid in pids if pid in headlines]}))
    return queue(drafts)
