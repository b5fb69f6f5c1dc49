"""The one source of "now". Times are stored as naive UTC and shown in Europe/London.

Tests freeze time by patching `now`.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """Current time as naive UTC, the form every DateTime column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_london(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


def today() -> date:
    """Today's date in England, which is what 'due today' means to a user."""
    return to_london(now()).date()


def format_date(value: date | datetime | None) -> str:
    """23 November 2026, the GOV.UK style."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return _date_words(value)


@functools.lru_cache(maxsize=4096)
def _date_words(day: date) -> str:
    # A reminder pass writes each of a few hundred due dates thousands of times.
    return f"{day.day} {day:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """23 November 2026 at 3:26pm (London time)."""
    if value is None:
        return ""
    local = to_london(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute:
        return f"{format_date(local.date())} at {hour}:{local.minute:02d}{suffix}"
    return f"{format_date(local.date())} at {hour}{suffix}"
