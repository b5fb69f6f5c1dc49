"""Each person's private calendar feed (iCalendar): their own actions' due dates and the
milestones of the authorities they belong to. Other areas add their events by registering
a source with `feed_source`.

Events are all-day (they are dates, not times), with UIDs that stay the same from one fetch
to the next so calendar programs update an event rather than duplicating it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.extensions import db
from tracker.models import (
    Action,
    ActionStatus,
    Authority,
    Membership,
    Milestone,
    MilestoneStatus,
    Programme,
    User,
)

UID_DOMAIN = "homeward"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: date
    summary: str
    description: str
    url: str
    # A timed event (a meeting), as aware datetimes; an all-day event without them.
    start: datetime | None = None
    end: datetime | None = None


FeedSource = Callable[[User, dict[int, Authority], Callable[..., str]], Iterable[FeedEvent]]
_SOURCES: list[FeedSource] = []


def feed_source(source: FeedSource) -> FeedSource:
    """Register a function (user, {programme_id: authority}, url_for) -> events."""
    _SOURCES.append(source)
    return source


def turn_on(user: User) -> None:
    """Turn the feed on, or give it a new secret address (the old one stops working)."""
    user.calendar_token = secrets.token_urlsafe(32)


def turn_off(user: User) -> None:
    user.calendar_token = None


def user_for_token(token: str) -> User | None:
    if not token:
        return None
    return db.session.execute(
        select(User).where(User.calendar_token == token, User.active.is_(True))
    ).scalar_one_or_none()


@feed_source
def _my_actions(user, programmes, url_for):
    rows = db.session.execute(
        select(Action).where(
            Action.owner_id == user.id, Action.programme_id.in_(programmes),
            Action.due_date.is_not(None),
            Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
    ).scalars()
    for a in rows:
        authority = programmes[a.programme_id]
        yield FeedEvent(
            f"action-{a.id}@{UID_DOMAIN}", a.due_date, f"Action due: {a.title}",
            f"{authority.name}. {a.status.label}.",
            url_for("actions.show", authority_slug=authority.slug, action_id=a.id, _external=True))


@feed_source
def _milestones(user, programmes, url_for):
    rows = db.session.execute(
        select(Milestone).where(Milestone.programme_id.in_(programmes),
                                Milestone.status == MilestoneStatus.PLANNED)
    ).scalars()
    for m in rows:
        authority = programmes[m.programme_id]
        yield FeedEvent(
            f"milestone-{m.id}@{UID_DOMAIN}", m.target_date, f"Milestone: {m.title}",
            f"{authority.name} milestone.",
            url_for("plan.milestone", authority_slug=authority.slug, milestone_id=m.id,
                    _external=True))


def build(user: User, url_for) -> bytes:
    programmes = {
        programme.id: authority
        for programme, authority in db.session.execute(
            select(Programme, Authority)
            .join(Authority, Programme.authority_id == Authority.id)
            .join(Membership, Membership.authority_id == Authority.id)
            .where(Membership.user_id == user.id)
            .options(joinedload(Programme.authority))
        ).all()
    }
    calendar = Calendar()
    calendar.add("prodid", "-//Homeward//Reunification Practice Framework rollout//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Homeward: {user.name}")
    calendar.add("x-wr-timezone", "Europe/London")
    stamp = clock.now().replace(microsecond=0)
    events = [e for source in _SOURCES for e in source(user, programmes, url_for)]
    for item in sorted(events, key=lambda e: (e.day, e.uid)):
        try:
            calendar.add_component(_event(item, stamp))
        except (ValueError, OverflowError, TypeError):
            # One odd stored value (a date at the end of time, say) must not break the feed.
            log.exception("calendar event %s left out of %s's feed", item.uid, user.id)
    return calendar.to_ical()


def _event(item: FeedEvent, stamp: datetime) -> Event:
    """An all-day event for a date, or a timed one for a meeting."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp.replace(tzinfo=UTC))
    if item.start is not None:
        # In UTC, which every calendar program reads without a VTIMEZONE block.
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", (item.end or item.start + timedelta(hours=1)).astimezone(UTC))
    else:
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
    event.add("summary", item.summary)
    event.add("description", f"{item.description}\n{item.url}")
    event.add("url", item.url)
    event.add("transp", "TRANSPARENT")
    return event
