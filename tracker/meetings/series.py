"""Planning a whole series of learning sets at once, on working days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select

from tracker import audit, clock
from tracker.extensions import db
from tracker.meetings import planner
from tracker.meetings.core import MeetingError, _join
from tracker.meetings.groups import group_members
from tracker.meetings.services import MeetingCounts, counts, create_meeting
from tracker.models import (
    GroupKind,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Membership,
    Programme,
    Role,
    User,
)

# -- planning a series ---------------------------------------------------------------------------

# Default times: a set lasts about four hours (004 line 586); the briefing is a full day.
DEFAULT_TIMES = {
    MeetingKind.BRIEFING: (time(9, 30), time(16, 30)),
    MeetingKind.MIDWAY_REVIEW: (time(14, 0), time(15, 0)),
}
SET_TIMES = (time(9, 30), time(13, 30))
STRATEGIC_LEAD_ROLE = "assistant_director"


def plan_series(
    programme: Programme, *, name: str, start_date: date,
    closures: Sequence[planner.Closure], days: Sequence[date], location: str,
    call_link: str, facilitators: str, actor: User,
) -> MeetingSeries:
    """Save the planner's series: one meeting per row of the proposal, on the days given."""
    shape = planner.propose_series(start_date, closures)
    if len(days) != len(shape):
        raise MeetingError("Every meeting in the series needs a date")
    series = MeetingSeries(programme_id=programme.id, name=name, start_date=start_date,
                           closures=[[a.isoformat(), b.isoformat()] for a, b in closures],
                           created_by=actor)
    db.session.add(series)
    invitees = {GroupKind.STRATEGIC: group_members(programme, GroupKind.STRATEGIC),
                GroupKind.PRACTICE: group_members(programme, GroupKind.PRACTICE)}
    # The mid-way review is the strategic lead's call with the consultant (000 line 1609).
    lead = [m for m in invitees[GroupKind.STRATEGIC] if m.framework_role == STRATEGIC_LEAD_ROLE]
    for planned, day in zip(shape, days, strict=True):
        start, end = DEFAULT_TIMES.get(planned.kind, SET_TIMES)
        is_call = planned.kind == MeetingKind.MIDWAY_REVIEW
        create_meeting(
            programme, kind=planned.kind, number=planned.number, group=planned.group, day=day,
            start_time=start, end_time=end, location=call_link if is_call else location,
            facilitators=facilitators, series=series, actor=actor,
            invitees=lead if is_call else invitees[planned.group],
        )
    audit.created(series, actor,
                  summary=f"Series planned: {name}, from {clock.format_date(start_date)}")
    return series


@dataclass(frozen=True)
class SeriesRow:
    meeting: Meeting
    gap: int | None  # working days since the group's previous set in the series
    warnings: list[str]
    counts: MeetingCounts


def series_rows(series: MeetingSeries) -> list[SeriesRow]:
    meetings = sorted(series.meetings, key=lambda m: (m.day, m.start_time or time(0), m.id))
    live = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    closures = series.closure_ranges
    warnings = planner.check_dates([(m.kind, m.number, m.group, m.day) for m in live],
                                      closures)
    by_meeting: dict[int, list[str]] = defaultdict(list)
    for warning in warnings:
        by_meeting[live[warning.index].id].append(warning.message)
    previous: dict[GroupKind, date] = {}
    gaps: dict[int, int | None] = {}
    for meeting in live:
        if meeting.kind.is_learning_set:
            last = previous.get(meeting.group)
            gaps[meeting.id] = (planner.working_days_between(last, meeting.day, closures)
                                if last else None)
            previous[meeting.group] = meeting.day
    numbers = counts([m.id for m in meetings])
    return [SeriesRow(m, gaps.get(m.id), by_meeting.get(m.id, []), numbers[m.id])
            for m in meetings]


def consultant_names(programme: Programme) -> str:
    """The programme's NSPCC consultants, the usual facilitators."""
    names = db.session.execute(
        select(User.name).join(Membership, Membership.user_id == User.id)
        .join(Programme, Programme.authority_id == Membership.authority_id)
        .where(Programme.id == programme.id, Membership.role == Role.CONSULTANT)
        .order_by(User.name)
    ).scalars()
    return _join(f"{name} (NSPCC)" for name in names)
