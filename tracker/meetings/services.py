"""The rules for learning sets and steering-group meetings: groups and their members, meetings
made from agenda templates, minutes and outcomes (decisions; actions that are real actions),
attendance, action sheets, planning a series, and circulating the action list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import case, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, calendar, clock
from tracker.actions.services import create_action
from tracker.errors import RuleBroken
from tracker.extensions import db
from tracker.links import Link
from tracker.meetings import agendas, planner
from tracker.models import (
    FINISHED_ACTION_STATUSES,
    Action,
    ActionSheet,
    ActionSheetAction,
    AgendaItem,
    AgendaOutcome,
    AttendanceStatus,
    Authority,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Membership,
    OutcomeKind,
    Programme,
    Role,
    SheetQuestion,
    User,
)
from tracker.models.meetings import LEARNING_SET_KINDS, SET_SEQUENCE_KINDS
from tracker.notifications import outbox
from tracker.notifications.jobs import DigestSection
from tracker.plan.services import TimelineItem
from tracker.portfolio.services import Cell

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


# -- meetings ------------------------------------------------------------------------------------

MEETING_FIELDS = {
    "title": ("Title", None),
    "day": ("Date", clock.format_date),
    "time_label": ("Time", None),
    "location": ("Place or link", None),
    "facilitators": ("Facilitators", None),
    "status": ("Status", None),
    "summary": ("Summary", None),
}


class _MeetingView:
    def __init__(self, meeting: Meeting):
        self.title = meeting.title
        self.day = meeting.day
        self.time_label = time_label(meeting)
        self.location = meeting.location
        self.facilitators = meeting.facilitators
        self.status = meeting.status
        self.summary = meeting.summary


def _copy_agenda(meeting: Meeting, template: agendas.AgendaTemplate) -> None:
    for position, item in enumerate(template.items, start=1):
        meeting.items.append(AgendaItem(
            programme_id=meeting.programme_id, position=position, title=item.title,
            prompts=list(item.prompts), reconstructed=item.reconstructed, basis=item.basis,
            version=1,
        ))
    # Says whose agenda it is: the source's, cited by title, or Homeward's own.
    whose = (f"Homeward's agenda for a {template.title.lower()}" if template.reconstructed
             else f"{template.title}: {template.source}")
    meeting.agenda_source = f"{whose} (agendas version {agendas.current().version})"


def create_meeting(
    programme: Programme, *, kind: MeetingKind, day: date, actor: User | None,
    number: int | None = None, group: GroupKind | None = None, name: str = "",
    start_time: time | None = None, end_time: time | None = None, location: str = "",
    facilitators: str = "", series: MeetingSeries | None = None,
    invitees: Sequence[GroupMember] | None = None,
) -> Meeting:
    """A meeting with its agenda copied from the template for its kind, and the group's
    current members invited (or `invitees`)."""
    if kind.numbered and number not in agendas.SET_NUMBERS:
        raise MeetingError("Choose which set this is: 1, 2 or 3", "number")
    # Only a task and finish group may belong to either group; the rest have their own.
    if kind != MeetingKind.TASK_AND_FINISH or group is None:
        group = kind.default_group
    # Sets are numbered, and so are the mid-way reviews between them.
    keep_number = kind.numbered or kind == MeetingKind.MIDWAY_REVIEW
    meeting = Meeting(
        programme_id=programme.id, kind=kind, number=number if keep_number else None,
        name=name, group=group, day=day, start_time=start_time, end_time=end_time,
        location=location, facilitators=facilitators, series=series, created_by=actor,
        status=MeetingStatus.PLANNED,
    )
    _copy_agenda(meeting, agendas.current().agenda(kind, number))
    if invitees is None:
        invitees = group_members(programme, group)
    for member in invitees:
        meeting.attendees.append(MeetingAttendee(member=member))
    audit.created(meeting, actor,
                 summary=f"{meeting.title} planned for {clock.format_date(day)}")
    return meeting


def update_meeting(
    meeting: Meeting, *, seen_version: int | None, actor: User, name: str, day: date,
    start_time: time | None, end_time: time | None, location: str, facilitators: str,
    status: MeetingStatus, summary: str, invitees: Sequence[GroupMember],
    today: date | None = None,
) -> bool:
    audit.refuse_if_stale(meeting, seen_version)
    today = today or clock.today()
    if status == MeetingStatus.HELD and day > today:
        raise MeetingError("A meeting can only be marked held on or after its date", "status")
    values = {"name": name, "day": day, "start_time": start_time, "end_time": end_time,
              "location": location, "facilitators": facilitators, "status": status,
              "summary": summary}

    def invite() -> dict[str, list[str]] | None:
        change = _set_invitees(meeting, invitees)
        return {"Invitees": change} if change else None

    # Invitees alone change no column: `touch` makes the version move.
    return audit.updated(meeting, values, seen_version, actor, fields=MEETING_FIELDS,
                         view=_MeetingView, then=invite, touch=True)


def _set_invitees(meeting: Meeting, invitees: Sequence[GroupMember]) -> list[str] | None:
    """Make the invitees these members; the [before, after] names when that changed them."""
    wanted = {m.id: m for m in invitees}
    current = {a.member.id: a for a in meeting.attendees}
    if set(wanted) == set(current):
        return None
    before = _join(sorted(a.member.display_name for a in current.values()))
    for member_id, attendee in current.items():
        if member_id not in wanted:
            meeting.attendees.remove(attendee)
    for member_id, member in wanted.items():
        if member_id not in current:
            meeting.attendees.append(MeetingAttendee(member=member))
    return [before, _join(sorted(m.display_name for m in wanted.values()))]


def page_options() -> tuple:
    """Everything a meeting's page shows, in a fixed number of queries."""
    return (
        joinedload(Meeting.series), joinedload(Meeting.created_by),
        joinedload(Meeting.circulated_by),
        selectinload(Meeting.items).selectinload(AgendaItem.outcomes)
        .options(joinedload(AgendaOutcome.created_by),
                 joinedload(AgendaOutcome.action).joinedload(Action.owner)),
        selectinload(Meeting.attendees).joinedload(MeetingAttendee.member)
        .joinedload(GroupMember.user),
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting a learning set reviews: the group's previous held set-like meeting (set-up,
    sets, briefing); for other meetings, the group's previous held meeting of the same kind."""
    kinds = SET_SEQUENCE_KINDS if meeting.kind in SET_SEQUENCE_KINDS else (meeting.kind,)
    query = (
        select(Meeting)
        .where(Meeting.programme_id == meeting.programme_id, Meeting.group == meeting.group,
               Meeting.kind.in_(kinds), Meeting.status == MeetingStatus.HELD,
               tuple_(Meeting.day, Meeting.id) < tuple_(meeting.day, meeting.id))
        .order_by(Meeting.day.desc(), Meeting.id.desc()).limit(1)
    )
    if meeting.kind == MeetingKind.TASK_AND_FINISH:
        query = query.where(Meeting.name == meeting.name)
    return db.session.execute(query).scalar_one_or_none()


def meeting_actions(meeting_ids: Sequence[int]) -> dict[int, list[Action]]:
    """Actions arising from each meeting (agenda outcomes and action sheets), by due date."""
    found: dict[int, list[Action]] = {i: [] for i in meeting_ids}
    if not meeting_ids:
        return found
    for action in db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.meeting_id.in_(meeting_ids))
        .order_by(Action.due_date.is_(None), Action.due_date, Action.id)
    ).scalars():
        found[action.meeting_id].append(action)
    return found


@dataclass(frozen=True)
class MeetingCounts:
    invited: int = 0
    recorded: int = 0
    attended: int = 0
    actions: int = 0
    open_actions: int = 0

    @property
    def attendance_recorded(self) -> bool:
        return self.recorded > 0

    @property
    def attendance_percent(self) -> int:
        return round(100 * self.attended / self.invited) if self.invited else 0


def counts(meeting_ids: Sequence[int]) -> dict[int, MeetingCounts]:
    """Attendance and action counts for many meetings, in two aggregate queries."""
    if not meeting_ids:
        return {}
    attendance = {
        row[0]: row[1:] for row in db.session.execute(
            select(MeetingAttendee.meeting_id, func.count(),
                   func.count(MeetingAttendee.status),
                   func.sum(case((MeetingAttendee.status == AttendanceStatus.ATTENDED, 1),
                                 else_=0)))
            .where(MeetingAttendee.meeting_id.in_(meeting_ids))
            .group_by(MeetingAttendee.meeting_id)
        ).all()
    }
    actions = {
        row[0]: row[1:] for row in db.session.execute(
            select(Action.meeting_id, func.count(),
                   func.sum(case((Action.status.in_(FINISHED_ACTION_STATUSES), 0), else_=1)))
            .where(Action.meeting_id.in_(meeting_ids))
            .group_by(Action.meeting_id)
        ).all()
    }
    result = {}
    for meeting_id in meeting_ids:
        invited, recorded, attended = attendance.get(meeting_id, (0, 0, 0))
        total, still_open = actions.get(meeting_id, (0, 0))
        result[meeting_id] = MeetingCounts(invited, recorded, attended or 0, total,
                                           still_open or 0)
    return result


def invitations(member_ids: Sequence[int]) -> list[MeetingAttendee]:
    """The meetings these members were invited to, newest first, with whether they came."""
    if not member_ids:
        return []
    return list(db.session.execute(
        select(MeetingAttendee).join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .options(joinedload(MeetingAttendee.meeting))
        .where(MeetingAttendee.member_id.in_(member_ids))
        .order_by(Meeting.day.desc(), Meeting.id.desc())
    ).scalars())


def programme_meetings(programme: Programme) -> list[Meeting]:
    return list(db.session.execute(
        select(Meeting).options(joinedload(Meeting.series))
        .where(Meeting.programme_id == programme.id)
        .order_by(Meeting.day, Meeting.start_time, Meeting.id)
    ).scalars())


# -- agenda --------------------------------------------------------------------------------------

ITEM_FIELDS = {
    "title": ("Title", None),
    "prompts_text": ("Questions", None),
    "notes": ("Notes", None),
}


class _ItemView:
    def __init__(self, item: AgendaItem):
        self.title = item.title
        self.prompts_text = "\n".join(item.prompts)
        self.notes = item.notes


def add_item(meeting: Meeting, *, title: str, prompts: Sequence[str], actor: User) -> AgendaItem:
    last = max((i.position for i in meeting.items), default=0)
    item = AgendaItem(programme_id=meeting.programme_id, position=last + 1, title=title,
                      prompts=list(prompts), version=1)
    meeting.items.append(item)
    audit.created(item, actor,
                  summary=f"Item added to {meeting.title}: {title}")
    return item


def update_item(item: AgendaItem, *, seen_version: int | None, actor: User, title: str,
                prompts: Sequence[str], notes: str) -> bool:
    return audit.updated(item, {"title": title, "prompts": list(prompts), "notes": notes},
                         seen_version, actor, fields=ITEM_FIELDS, view=_ItemView)


def move_item(item: AgendaItem, position: int, actor: User) -> bool:
    """Put the item at `position` (from 1) on the agenda; False when it is there already."""
    items = sorted(item.meeting.items, key=lambda i: i.position)
    old = items.index(item) + 1
    position = min(max(position, 1), len(items))
    if position == old:
        return False
    items.remove(item)
    items.insert(position - 1, item)
    for number, other in enumerate(items, start=1):
        other.position = number
    db.session.flush()
    audit.record(ITEM, item.id, "updated", programme_id=item.programme_id, actor=actor,
                 changes={"Position": [str(old), str(position)]},
                 summary=f"Moved on the agenda: {item.title}")
    return True


def remove_item(item: AgendaItem, actor: User) -> None:
    if item.outcomes:
        raise MeetingError("This item has outcomes recorded under it, so it stays on the "
                           "agenda. Its decisions and actions are part of the record.")
    meeting = item.meeting
    audit.record(ITEM, item.id, "deleted", programme_id=item.programme_id, actor=actor,
                 summary=f"Item removed from {meeting.title}: {item.title}",
                 changes={"Notes": [item.notes, ""]} if item.notes else None)
    meeting.items.remove(item)
    for position, other in enumerate(sorted(meeting.items, key=lambda i: i.position), start=1):
        other.position = position
    db.session.flush()


def add_outcome(
    item: AgendaItem, *, kind: OutcomeKind, text: str, actor: User, owner: User | None = None,
    owner_name: str = "", due_date: date | None = None,
) -> AgendaOutcome:
    """An outcome under an agenda item. An action outcome makes a real action whose source is
    the meeting, so it is followed up in the action log like any other."""
    meeting = item.meeting
    action = None
    if kind == OutcomeKind.ACTION:
        action = create_action(
            db.session.get(Programme, meeting.programme_id), title=text, actor=actor,
            owner=owner, owner_name=owner_name, due_date=due_date, meeting_id=meeting.id,
            details=f"Agreed at {meeting.title} on {clock.format_date(meeting.day)}, under "
                    f"“{item.title}”.",
        )
    outcome = AgendaOutcome(programme_id=meeting.programme_id, meeting_id=meeting.id, item=item,
                            kind=kind, text=text, action=action, created_by=actor)
    audit.created(outcome, actor,
                 summary=f"{kind.label} recorded at {meeting.title}: {text}")
    return outcome


def remove_outcome(outcome: AgendaOutcome, actor: User) -> None:
    if outcome.kind == OutcomeKind.ACTION:
        raise MeetingError("An action stays in the action log: drop it there if it is no "
                           "longer needed, saying why.")
    audit.record(OUTCOME, outcome.id, "deleted", programme_id=outcome.programme_id, actor=actor,
                 summary=f"{outcome.kind.label} removed from {outcome.meeting.title}",
                 changes={outcome.kind.label: [outcome.text, ""]})
    db.session.delete(outcome)
    db.session.flush()


def decisions(programme: Programme) -> list[AgendaOutcome]:
    """Every decision recorded at a meeting, newest meeting first."""
    return list(db.session.execute(
        select(AgendaOutcome).join(Meeting, Meeting.id == AgendaOutcome.meeting_id)
        .options(joinedload(AgendaOutcome.meeting), joinedload(AgendaOutcome.item),
                 joinedload(AgendaOutcome.created_by))
        .where(AgendaOutcome.programme_id == programme.id,
               AgendaOutcome.kind == OutcomeKind.DECISION)
        .order_by(Meeting.day.desc(), Meeting.id.desc(), AgendaOutcome.id)
    ).scalars())


# -- attendance ----------------------------------------------------------------------------------

def record_attendance(
    meeting: Meeting, statuses: dict[int, AttendanceStatus | None], *, actor: User,
    add: Sequence[GroupMember] = (), today: date | None = None,
) -> bool:
    """Record who came. Recording attendance for a planned meeting on or after its date marks
    it held; before its date it is refused."""
    today = today or clock.today()
    if meeting.day > today:
        raise MeetingError(f"Attendance can be recorded from the day of the meeting, "
                           f"{clock.format_date(meeting.day)}")
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("This meeting was cancelled: change its status first")
    changes: dict[str, list[str]] = {}
    for member in add:
        if all(a.member.id != member.id for a in meeting.attendees):
            meeting.attendees.append(MeetingAttendee(member=member))
    for attendee in meeting.attendees:
        if attendee.member.id not in statuses:
            continue
        new = statuses[attendee.member.id]
        if attendee.status != new:
            changes[attendee.member.display_name] = [
                attendee.status.label if attendee.status else "Not recorded",
                new.label if new else "Not recorded"]
            attendee.status = new
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        changes["Status"] = [MeetingStatus.PLANNED.label, MeetingStatus.HELD.label]
    if not changes:
        return False
    meeting.updated_at = clock.now()
    db.session.flush()
    audit.record(MEETING, meeting.id, "updated", programme_id=meeting.programme_id,
                 changes=changes, actor=actor, summary="Attendance recorded")
    return True


# -- action sheets -------------------------------------------------------------------------------

def sheets_for_meetings(meeting_ids: Sequence[int]) -> list[ActionSheet]:
    if not meeting_ids:
        return []
    return list(db.session.execute(
        select(ActionSheet)
        .options(joinedload(ActionSheet.member).joinedload(GroupMember.user),
                 joinedload(ActionSheet.updated_by),
                 selectinload(ActionSheet.links).joinedload(ActionSheetAction.action)
                 .joinedload(Action.owner))
        .where(ActionSheet.meeting_id.in_(meeting_ids))
    ).unique().scalars())


def sheets_for_members(member_ids: Sequence[int]) -> list[ActionSheet]:
    if not member_ids:
        return []
    return list(db.session.execute(
        select(ActionSheet).join(Meeting, Meeting.id == ActionSheet.meeting_id)
        .options(joinedload(ActionSheet.meeting),
                 selectinload(ActionSheet.links).joinedload(ActionSheetAction.action)
                 .joinedload(Action.owner))
        .where(ActionSheet.member_id.in_(member_ids))
        .order_by(Meeting.day.desc())
    ).unique().scalars())


def sheet_for(meeting: Meeting, member: GroupMember) -> ActionSheet | None:
    return db.session.execute(
        select(ActionSheet)
        .options(selectinload(ActionSheet.links).joinedload(ActionSheetAction.action)
                 .joinedload(Action.owner))
        .where(ActionSheet.meeting_id == meeting.id, ActionSheet.member_id == member.id)
    ).scalar_one_or_none()


def check_sheet_allowed(meeting: Meeting, member: GroupMember) -> None:
    if not meeting.kind.has_action_sheets:
        raise MeetingError("Action sheets are filled in at practice learning sets")
    if all(a.member.id != member.id for a in meeting.attendees):
        raise MeetingError(f"{member.display_name} was not invited to {meeting.title}")


def save_sheet(
    meeting: Meeting, member: GroupMember, *, answers: dict[SheetQuestion, str],
    seen_version: int | None, actor: User,
) -> tuple[ActionSheet, bool]:
    """Create or change a member's action sheet. Returns the sheet and whether it changed."""
    check_sheet_allowed(meeting, member)
    sheet = sheet_for(meeting, member)
    created = sheet is None
    if sheet is None:
        sheet = ActionSheet(programme_id=meeting.programme_id, meeting=meeting, member=member)
        db.session.add(sheet)
    else:
        # A form opened before the sheet existed carries version 0.
        audit.refuse_if_stale(sheet, seen_version)
    changes = {}
    for question in SheetQuestion:
        old, new = sheet.answer(question) or "", answers.get(question, "")
        if old != new:
            changes[question.label] = [old, new]
            setattr(sheet, question.value, new)
    if not changes and not created:
        return sheet, False
    sheet.updated_by = actor
    try:
        db.session.flush()
    except IntegrityError as exc:  # two first saves at once: the other one won
        raise audit.StaleEdit(sheet, []) from exc
    audit.record(SHEET, sheet.id, "created" if created else "updated",
                 programme_id=meeting.programme_id, changes=changes, actor=actor,
                 summary=f"{member.display_name}'s action sheet for {meeting.title}")
    return sheet, True


def add_sheet_action(
    sheet: ActionSheet, question: SheetQuestion, *, title: str, actor: User,
    owner: User | None = None, owner_name: str = "", due_date: date | None = None,
) -> Action:
    meeting = sheet.meeting
    action = create_action(
        db.session.get(Programme, sheet.programme_id), title=title, actor=actor, owner=owner,
        owner_name=owner_name, due_date=due_date, meeting_id=meeting.id,
        details=f"From {sheet.member.display_name}'s action sheet at {meeting.title} on "
                f"{clock.format_date(meeting.day)}: “{question.label}”",
    )
    sheet.links.append(ActionSheetAction(question=question, action=action))
    db.session.flush()
    return action


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
