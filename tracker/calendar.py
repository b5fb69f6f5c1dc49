"""Each person's private calendar feed (iCalendar): their own actions' due dates and the
milestones of the authorities they belong to, and whatever else areas add to FEED_SOURCES.

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
from tracker.links import Link
from tracker.models import (
    Authority,
    Membership,
    Programme,
    User,
)
from tracker.registry import Registry

UID_DOMAIN = "homeward"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: date
    summary: str
    description: str
    link: Link
    # A timed event (a meeting), as aware datetimes; an all-day event without them.
    start: datetime | None = None
    end: datetime | None = None


# Areas add sources: fn(user, {programme_id: authority}) -> events, each running a fixed
# number of queries for all the person's authorities.
FeedSource = Callable[[User, dict[int, Authority]], Iterable[FeedEvent]]
FEED_SOURCES: Registry[FeedSource] = Registry("calendar feed sources")


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


def build(user: User) -> bytes:
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
    events = [e for source in FEED_SOURCES for e in source(user, programmes)]
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
    url = item.link.external()
    event.add("description", f"{item.description}\n{url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event
