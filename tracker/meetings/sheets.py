"""Practice-set action sheets: each member's answers and the actions they raise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, clock
from tracker.actions.services import create_action
from tracker.extensions import db
from tracker.meetings.core import SHEET, MeetingError
from tracker.models import (
    Action,
    ActionSheet,
    ActionSheetAction,
    GroupMember,
    Meeting,
    Programme,
    SheetQuestion,
    User,
)

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
