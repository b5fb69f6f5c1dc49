"""What the meetings area adds to other areas' pages: the dashboard panel, the calendar
feed, the consultant's portfolio columns and the weekly digest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from tracker import calendar, clock
from tracker.extensions import db
from tracker.links import Link
from tracker.meetings.minutes import circulation_is_overdue, circulation_overdue
from tracker.models import (
    GroupMember,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingStatus,
    Membership,
    Programme,
    Role,
    User,
)
from tracker.models.meetings import LEARNING_SET_KINDS
from tracker.notifications.jobs import DigestSection
from tracker.plan.services import TimelineItem
from tracker.portfolio.services import Cell

# -- the dashboard -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DashboardMeetings:
    next_set: Meeting | None
    upcoming: list[Meeting]
    not_circulated: list[Meeting]


def dashboard(programme: Programme, today: date | None = None) -> DashboardMeetings:
    today = today or clock.today()
    planned = (select(Meeting)
               .where(Meeting.programme_id == programme.id,
                      Meeting.status == MeetingStatus.PLANNED, Meeting.day >= today)
               .order_by(Meeting.day, Meeting.start_time, Meeting.id))
    next_set = db.session.execute(
        planned.where(Meeting.kind.in_([*LEARNING_SET_KINDS, MeetingKind.BRIEFING])).limit(1)
    ).scalar_one_or_none()
    return DashboardMeetings(
        next_set=next_set,
        upcoming=list(db.session.execute(planned.limit(4)).scalars()),
        not_circulated=circulation_overdue(programme, today),
    )


TIMELINE_LANES = {
    MeetingKind.STEERING: "Steering group",
    MeetingKind.TASK_AND_FINISH: "Task and finish groups",
}


def timeline_items(programme: Programme) -> list[TimelineItem]:
    """Meetings for the programme timeline (tracker/plan's `timeline(extra_items=...)`): the
    learning sets in one lane, steering and task and finish meetings in their own."""
    return [
        TimelineItem(m.day, m.title, TIMELINE_LANES.get(m.kind, "Learning sets"), "meeting",
                     Link.to("meetings.meeting", meeting_id=m.id), m.status.label)
        for m in db.session.execute(
            select(Meeting).where(Meeting.programme_id == programme.id,
                                  Meeting.status != MeetingStatus.CANCELLED)
            .order_by(Meeting.day, Meeting.id)
        ).scalars()
    ]


# -- the calendar feed ---------------------------------------------------------------------------

FEED_PAST_DAYS = 60


def calendar_meetings(user: User, programmes: dict) -> Iterable[calendar.FeedEvent]:
    """Meetings the person is invited to, and every meeting of the authorities where they are
    the consultant (who facilitates the sets), from two months back; with a stable UID."""
    if not programmes:
        return
    facilitating = select(Programme.id).join(
        Membership, Membership.authority_id == Programme.authority_id).where(
        Membership.user_id == user.id, Membership.role == Role.CONSULTANT)
    invited = select(MeetingAttendee.meeting_id).join(
        GroupMember, GroupMember.id == MeetingAttendee.member_id).where(
        GroupMember.user_id == user.id)
    rows = db.session.execute(
        select(Meeting).where(
            Meeting.programme_id.in_(programmes), Meeting.status != MeetingStatus.CANCELLED,
            Meeting.day >= clock.today() - timedelta(days=FEED_PAST_DAYS),
            Meeting.day <= calendar.horizon(),
            or_(Meeting.id.in_(invited), Meeting.programme_id.in_(facilitating)))
    ).scalars()
    for meeting in rows:
        authority = programmes[meeting.programme_id]
        start = end = None
        if meeting.start_time:
            start = datetime.combine(meeting.day, meeting.start_time, tzinfo=clock.LONDON)
            if meeting.end_time:
                end = datetime.combine(meeting.day, meeting.end_time, tzinfo=clock.LONDON)
        yield calendar.FeedEvent(
            f"meeting-{meeting.id}@{calendar.UID_DOMAIN}", meeting.day,
            f"{meeting.title} ({authority.name})",
            f"{meeting.group.label}. {meeting.location}".strip(),
            Link.to("meetings.meeting", authority_slug=authority.slug, meeting_id=meeting.id),
            start, end)


# -- the consultant's portfolio and the weekly digest ----------------------------------------------

def portfolio_last_set(programme_ids: list[int], today: date) -> dict[int, Cell]:
    rows = db.session.execute(
        select(Meeting.programme_id, func.max(Meeting.day))
        .where(Meeting.programme_id.in_(programme_ids), Meeting.kind.in_(LEARNING_SET_KINDS),
               Meeting.status == MeetingStatus.HELD, Meeting.day <= today)
        .group_by(Meeting.programme_id)
    ).all()
    held = dict(rows)
    return {pid: Cell(f"{(today - held[pid]).days} days ago" if pid in held else "None held",
                      "meetings.index")
            for pid in programme_ids}


def portfolio_next_set(programme_ids: list[int], today: date) -> dict[int, Cell]:
    rows = db.session.execute(
        select(Meeting.programme_id, func.min(Meeting.day))
        .where(Meeting.programme_id.in_(programme_ids), Meeting.kind.in_(LEARNING_SET_KINDS),
               Meeting.status == MeetingStatus.PLANNED, Meeting.day >= today)
        .group_by(Meeting.programme_id)
    ).all()
    planned = dict(rows)
    return {pid: Cell(clock.format_date(planned[pid]) if pid in planned else "None planned",
                      "meetings.index")
            for pid in programme_ids}


def digest_meetings(programme_ids, authorities, today):
    """Learning sets in the next fortnight, and held meetings whose action list has not gone."""
    coming: dict[int, list] = defaultdict(list)
    late: dict[int, list] = defaultdict(list)
    # Authorities that count the two days as working days (a local setting).
    working_days = set(db.session.execute(
        select(Programme.id).where(Programme.id.in_(programme_ids),
                                   Programme.action_list_working_days.is_(True))).scalars())
    for meeting in db.session.execute(
        select(Meeting).where(
            Meeting.programme_id.in_(programme_ids),
            or_((Meeting.status == MeetingStatus.PLANNED) & Meeting.kind.in_(
                    [*LEARNING_SET_KINDS, MeetingKind.BRIEFING])
                & (Meeting.day >= today) & (Meeting.day <= today + timedelta(days=14)),
                (Meeting.status == MeetingStatus.HELD) & Meeting.circulated_at.is_(None)
                & (Meeting.kind != MeetingKind.MIDWAY_REVIEW) & (Meeting.day < today)))
        .order_by(Meeting.day)
    ).scalars():
        slug = authorities[meeting.programme_id].slug
        if meeting.status == MeetingStatus.PLANNED:
            coming[meeting.programme_id].append((
                f"{meeting.title} ({clock.format_date(meeting.day)})",
                Link.to("meetings.meeting", authority_slug=slug,
                                    meeting_id=meeting.id)))
        elif circulation_is_overdue(meeting, today, meeting.programme_id in working_days):
            late[meeting.programme_id].append((
                f"{meeting.title}, held {clock.format_date(meeting.day)}",
                Link.to("meetings.action_list", authority_slug=slug,
                                    meeting_id=meeting.id)))
    return {pid: [DigestSection("Learning sets in the next fortnight", coming[pid]),
                  DigestSection("Action lists not yet circulated", late[pid])]
            for pid in programme_ids}
