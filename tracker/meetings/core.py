"""What every part of the meetings area shares: the audit names, the rule error and how times read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from tracker.errors import RuleBroken
from tracker.models import Meeting

MEETING = "meeting"
ITEM = "agenda_item"
OUTCOME = "agenda_outcome"
SHEET = "action_sheet"
MEMBER = "group_member"
SERIES = "meeting_series"
PROGRAMME_SETTINGS = "programme"  # the same audit entity as the checklist's programme records


class MeetingError(RuleBroken):
    """A request that breaks one of the meetings' rules."""


def format_time(value: time | None) -> str:
    """9:30am, 2pm: the GOV.UK style."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


def time_label(meeting: Meeting) -> str:
    if meeting.start_time and meeting.end_time:
        return f"{format_time(meeting.start_time)} to {format_time(meeting.end_time)}"
    return format_time(meeting.start_time)


def _join(values: Iterable[str]) -> str:
    return ", ".join(v for v in values if v)
