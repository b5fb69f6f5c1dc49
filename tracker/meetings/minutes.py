"""Circulating the action list after a meeting, and when it is due."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select

from tracker import audit, clock
from tracker.extensions import db
from tracker.links import Link
from tracker.meetings import planner
from tracker.meetings.core import MEETING, MeetingError
from tracker.meetings.services import meeting_actions
from tracker.models import (
    Authority,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Programme,
    User,
)
from tracker.notifications import outbox

# -- circulating the action list -----------------------------------------------------------------

def circulation_due_by(meeting: Meeting, working_days: bool = False) -> date:
    """The Framework's rule: within two days of the meeting. `working_days` is the authority's
    local choice to count working days instead (Programme.action_list_working_days)."""
    if working_days:
        return planner.add_working_days(meeting.day, planner.CIRCULATE_WITHIN_DAYS)
    return meeting.day + timedelta(days=planner.CIRCULATE_WITHIN_DAYS)


def circulation_rule(programme: Programme) -> str:
    """The deadline in words, saying whose rule it is."""
    if programme.action_list_working_days:
        return "within two working days of the meeting (a local setting of this authority)"
    return "within two days of the meeting, as the Framework asks"


class CirculateTo(StrEnum):
    """Who receives the action list. The evaluation describes the lists going to both groups
    (004 lines 639-640), so that is the default."""

    BOTH = "both"
    MEETING_GROUP = "meeting_group"
    OTHER_GROUP = "other_group"


def circulation_groups(meeting: Meeting, to: CirculateTo) -> list[GroupKind]:
    other = next(g for g in GroupKind if g != meeting.group)
    return {CirculateTo.BOTH: [meeting.group, other], CirculateTo.MEETING_GROUP: [meeting.group],
            CirculateTo.OTHER_GROUP: [other]}[to]


def circulate(meeting: Meeting, actor: User, to: CirculateTo = CirculateTo.BOTH) -> int:
    """Send the action list to the chosen group(s) through the outbox, and record who
    circulated it and when. Returns how many people it was sent to."""
    groups = circulation_groups(meeting, to)
    if meeting.status != MeetingStatus.HELD:
        raise MeetingError("The action list is circulated after the meeting has been held")
    meeting.circulated_at = clock.now()
    meeting.circulated_by = actor
    db.session.flush()
    audit.record(MEETING, meeting.id, "updated", programme_id=meeting.programme_id, actor=actor,
                 summary="Action list circulated to the "
                         + " and ".join(g.label.lower() for g in groups))
    recipients = db.session.execute(
        select(User).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.programme_id == meeting.programme_id,
               GroupMember.group.in_(groups), GroupMember.left_on.is_(None),
               User.active.is_(True))
        .distinct()
    ).scalars().all()
    authority = db.session.execute(
        select(Authority).join(Programme, Programme.authority_id == Authority.id)
        .where(Programme.id == meeting.programme_id)).scalar_one()
    actions = meeting_actions([meeting.id])[meeting.id]
    link = Link.to("meetings.action_list", authority_slug=authority.slug,
                               meeting_id=meeting.id)
    stamp = meeting.circulated_at.isoformat(timespec="seconds")
    # Sending again ("circulated again") is deliberate, so the time is part of the key.
    db.session.commit()
    return outbox.queue([
        outbox.Draft(key=f"action-list:{meeting.id}:{stamp}:{user.id}", kind="action_list",
                     recipient=user, template="action_list", link=link,
                     context={"meeting": meeting, "authority": authority, "actions": actions,
                              "sender": actor})
        for user in recipients if user.email_action_lists
    ])


def circulation_is_overdue(meeting: Meeting, today: date | None = None,
                           working_days: bool = False) -> bool:
    """Held, its action list not circulated, and past the deadline. A mid-way review is a call
    between two people, with no list for a group."""
    today = today or clock.today()
    return (meeting.status == MeetingStatus.HELD and meeting.circulated_at is None
            and meeting.kind != MeetingKind.MIDWAY_REVIEW
            and today > circulation_due_by(meeting, working_days))


def circulation_overdue(programme: Programme, today: date | None = None) -> list[Meeting]:
    """The programme's meetings whose action list is overdue, oldest first."""
    today = today or clock.today()
    candidates = db.session.execute(
        select(Meeting).where(Meeting.programme_id == programme.id,
                              Meeting.status == MeetingStatus.HELD,
                              Meeting.kind != MeetingKind.MIDWAY_REVIEW,
                              Meeting.circulated_at.is_(None), Meeting.day < today)
        .order_by(Meeting.day)
    ).scalars()
    return [m for m in candidates
            if circulation_is_overdue(m, today, programme.action_list_working_days)]
