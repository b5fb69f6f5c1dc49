"""The strategic and practice groups: who sits in each, joining and leaving, and the
minimum strategic roles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import audit, clock
from tracker.extensions import db
from tracker.meetings import agendas
from tracker.meetings.core import MEMBER, MeetingError
from tracker.models import (
    AttendanceStatus,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingStatus,
    Programme,
    User,
)
from tracker.models.meetings import LEARNING_SET_KINDS

# -- groups --------------------------------------------------------------------------------------

MEMBER_FIELDS = {
    "display_name": ("Name", None),
    "job_title": ("Job title", None),
    "role_label": ("Role in the group", None),
    "left_on": ("Left the group", clock.format_date),
}


class _MemberView:
    """What the audit sees of a member: names, not keys."""

    def __init__(self, member: GroupMember):
        self.display_name = member.display_name
        self.job_title = member.job_title
        self.role_label = agendas.current().role_label(member.framework_role)
        self.left_on = member.left_on


def group_members(programme: Programme, group: GroupKind | None = None, *,
                  include_left: bool = False) -> list[GroupMember]:
    """A group's members (both groups' if `group` is None), with their accounts, by name."""
    query = (select(GroupMember).options(joinedload(GroupMember.user))
             .where(GroupMember.programme_id == programme.id))
    if group is not None:
        query = query.where(GroupMember.group == group)
    if not include_left:
        query = query.where(GroupMember.left_on.is_(None))
    members = list(db.session.execute(query).scalars())
    return sorted(members, key=lambda m: (m.group != GroupKind.STRATEGIC,
                                          m.display_name.lower()))


def member_for_user(programme: Programme, user: User) -> list[GroupMember]:
    return list(db.session.execute(
        select(GroupMember).options(joinedload(GroupMember.user))
        .where(GroupMember.programme_id == programme.id, GroupMember.user_id == user.id)
        .order_by(GroupMember.group)
    ).scalars())


def add_member(
    programme: Programme, group: GroupKind, *, actor: User | None, user: User | None = None,
    name: str = "", job_title: str = "", framework_role: str | None = None,
    today: date | None = None,
) -> GroupMember:
    """Add someone to a group, and invite them to the group's planned meetings still to come.

    Someone who left and is added again rejoins with their history.
    """
    today = today or clock.today()
    if user is None and not name.strip():
        raise MeetingError("Choose a member of the authority or enter a name", "user")
    existing = None
    if user is not None:
        existing = db.session.execute(
            select(GroupMember).where(GroupMember.programme_id == programme.id,
                                      GroupMember.group == group, GroupMember.user_id == user.id)
        ).scalar_one_or_none()
        if existing is not None and existing.active:
            raise MeetingError(f"{user.name} is already in the {group.label.lower()}", "user")
    member = existing or GroupMember(programme_id=programme.id, group=group, user=user)
    member.name = "" if user else name.strip()
    member.job_title = job_title
    member.framework_role = framework_role or None
    member.left_on = None
    db.session.add(member)
    db.session.flush()
    planned = db.session.execute(
        select(Meeting.id).where(
            Meeting.programme_id == programme.id, Meeting.group == group,
            Meeting.status == MeetingStatus.PLANNED, Meeting.day >= today,
            Meeting.id.not_in(select(MeetingAttendee.meeting_id)
                              .where(MeetingAttendee.member_id == member.id)))
    ).scalars().all()
    for meeting_id in planned:
        db.session.add(MeetingAttendee(meeting_id=meeting_id, member_id=member.id))
    audit.record(MEMBER, member.id, "created" if existing is None else "updated",
                 programme_id=programme.id, actor=actor,
                 summary=f"{member.display_name} {'re' if existing else ''}joined the "
                         f"{group.label.lower()}")
    return member


def update_member(
    member: GroupMember, *, seen_version: int | None, actor: User, name: str, job_title: str,
    framework_role: str | None, left: bool, today: date | None = None,
) -> bool:
    today = today or clock.today()
    values: dict = {"job_title": job_title, "framework_role": framework_role or None,
                    "left_on": (member.left_on or today) if left else None}
    if member.user is None:
        if not name.strip():
            raise MeetingError("Enter the person's name", "name")
        values["name"] = name.strip()
    was_active = member.active

    def drop_future_invitations() -> None:
        if was_active and left:
            # Someone who has left is not expected at meetings still to come.
            for attendee in db.session.execute(
                select(MeetingAttendee).join(Meeting).where(
                    MeetingAttendee.member_id == member.id, MeetingAttendee.status.is_(None),
                    Meeting.status == MeetingStatus.PLANNED, Meeting.day >= today)
            ).scalars():
                db.session.delete(attendee)

    return audit.updated(member, values, seen_version, actor, fields=MEMBER_FIELDS,
                         view=_MemberView, then=drop_future_invitations)


def missing_roles(group: GroupKind, members: Sequence[GroupMember]) -> list[agendas.GroupRole]:
    """The roles the group should include that no current member holds."""
    held = {m.framework_role for m in members if m.active and m.group == group}
    return [r for r in agendas.current().roles_for(group) if r.key not in held]


@dataclass
class MemberAttendance:
    member: GroupMember
    sets_held: int = 0
    sets_attended: int = 0
    meetings_held: int = 0
    meetings_attended: int = 0
    # The recorded misses at the end of the member's run of meetings, oldest first.
    missed_run: list[Meeting] = field(default_factory=list)

    @property
    def missed_two_in_a_row(self) -> bool:
        return len(self.missed_run) >= 2


def attendance_by_member(programme: Programme, members: Sequence[GroupMember],
                         ) -> dict[int, MemberAttendance]:
    """Per person, from the held meetings of their group they were invited to, in one query.

    "Sets" are learning sets; "meetings" are every meeting of the whole group (a mid-way
    review or a task and finish group is not). A run of misses counts only recorded misses:
    a meeting whose attendance nobody recorded tells us nothing.
    """
    result = {m.id: MemberAttendance(m) for m in members}
    if not result:
        return result
    rows = db.session.execute(
        select(MeetingAttendee.member_id, MeetingAttendee.status, Meeting)
        .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .where(MeetingAttendee.member_id.in_(result), Meeting.programme_id == programme.id,
               Meeting.status == MeetingStatus.HELD,
               Meeting.kind.not_in([MeetingKind.MIDWAY_REVIEW, MeetingKind.TASK_AND_FINISH]))
        .order_by(Meeting.day, Meeting.id)
    ).all()
    for member_id, status, meeting in rows:
        summary = result[member_id]
        if meeting.group != summary.member.group:
            continue
        attended = status == AttendanceStatus.ATTENDED
        summary.meetings_held += 1
        summary.meetings_attended += attended
        if meeting.kind in LEARNING_SET_KINDS:
            summary.sets_held += 1
            summary.sets_attended += attended
        if attended:
            summary.missed_run = []
        elif status is not None:
            summary.missed_run.append(meeting)
    return result
