"""Each person's private calendar feed (iCalendar): their own actions' due dates and the
milestones of the authorities they belong to, and whatever else areas add to FEED_SOURCES.

Events are all-day (they are dates, not times), with UIDs that stay the same from one fetch
to the next so calendar programs update an event rather than duplicating it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.extensions import db
from tracker.links import Link, external_urls
from tracker.models import (
    Authority,
    Membership,
    Programme,
    User,
)
from tracker.registry import Registry

UID_DOMAIN = "homeward"
AHEAD_DAYS = 365
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


def horizon(today: date | None = None) -> date:
    """The feed carries open items and what falls in the next twelve months: calendar programs
    poll it, so it stays small however long an authority's history grows."""
    return (today or clock.today()) + timedelta(days=AHEAD_DAYS)


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
    # Today's date, not the clock: the same content fetched twice is the same bytes, so the
    # feed's ETag holds until something in it changes (or the day turns).
    stamp = _utc(datetime.combine(clock.today(), datetime.min.time(), tzinfo=UTC))
    external = external_urls()
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Homeward//Reunification Practice Framework rollout//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(f'Homeward: {user.name}')}",
        "X-WR-TIMEZONE:Europe/London",
    ]
    events = [e for source in FEED_SOURCES for e in source(user, programmes)]
    for item in sorted(events, key=lambda e: (e.day, e.uid)):
        try:
            lines += _event(item, stamp, external(item.link))
        except (ValueError, OverflowError, TypeError):
            # One odd stored value (a date at the end of time, say) must not break the feed.
            log.exception("calendar event %s left out of %s's feed", item.uid, user.id)
    lines.append("END:VCALENDAR")
    lines.append("")  # the last line ends with CRLF too
    # Most lines are short ASCII: only the others go through fold().
    return "\r\n".join(line if len(line) <= 75 and line.isascii() else fold(line)
                        for line in lines).encode()


def etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


# -- RFC 5545 text, written directly: icalendar's Event.add and to_ical cost milliseconds an
# event, and a consultant's feed has hundreds. Tests parse the output with icalendar.

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def escape(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as
    \\n, and no other control characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROLS.sub("", value)
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Lines of at most 75 octets (RFC 5545 3.1), continued after CRLF and a space, never
    splitting a UTF-8 character."""
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a character
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # the leading space counts
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(item: FeedEvent, stamp: str, url: str) -> list[str]:
    """An all-day event for a date, or a timed one (in UTC, which every calendar program reads
    without a VTIMEZONE block) for a meeting."""
    if item.start is not None:
        start = f"DTSTART:{_utc(item.start)}"
        end = f"DTEND:{_utc(item.end or item.start + timedelta(hours=1))}"
    else:
        start = f"DTSTART;VALUE=DATE:{item.day:%Y%m%d}"
        end = f"DTEND;VALUE=DATE:{item.day + timedelta(days=1):%Y%m%d}"
    return [
        "BEGIN:VEVENT",
        f"UID:{escape(item.uid)}",
        f"DTSTAMP:{stamp}",
        start,
        end,
        f"SUMMARY:{escape(item.summary)}",
        f"DESCRIPTION:{escape(item.description + chr(10) + url)}",
        f"URL:{_CONTROLS.sub('', url)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
