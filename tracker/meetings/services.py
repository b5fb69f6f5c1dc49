"""Meetings: planning one, its agenda copied from the templates, and attendance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, clock
from tracker.actions.services import create_action
from tracker.extensions import db
from tracker.meetings import agendas
from tracker.meetings.core import ITEM, MEETING, OUTCOME, MeetingError, _join, time_label
from tracker.meetings.groups import group_members
from tracker.models import (
    FINISHED_ACTION_STATUSES,
    Action,
    AgendaItem,
    AgendaOutcome,
    AttendanceStatus,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    OutcomeKind,
    Programme,
    User,
)
from tracker.models.meetings import SET_SEQUENCE_KINDS

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

    was_held = meeting.status == MeetingStatus.HELD
    # Invitees alone change no column: `touch` makes the version move.
    changed = audit.updated(meeting, values, seen_version, actor, fields=MEETING_FIELDS,
                            view=_MeetingView, then=invite, touch=True)
    if meeting.status == MeetingStatus.HELD and not was_held:
        _held(meeting)
    return changed


def _held(meeting: Meeting) -> None:
    """A held meeting is a point health compares with later: snapshot the programme now."""
    from tracker.health import snapshots

    snapshots.on_meeting_held(meeting)


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
    if "Status" in changes:
        _held(meeting)
    return True
