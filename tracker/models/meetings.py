"""Learning sets and steering-group meetings: the two groups and their members, meetings with
agendas copied from the templates in checklists/, outcomes, attendance and action sheets."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db, enum_type
from tracker.models.accounts import User
from tracker.models.owned import ProgrammeOwned

if TYPE_CHECKING:
    from tracker.models.actions import Action



class GroupKind(enum.StrEnum):
    """The two groups every programme keeps: managers (strategic) and practitioners."""

    STRATEGIC = "strategic"
    PRACTICE = "practice"

    @property
    def label(self) -> str:
        return {"strategic": "Strategic group", "practice": "Practice group"}[self.value]


class MeetingKind(enum.StrEnum):
    SETUP = "setup"
    STRATEGIC_SET = "strategic_set"
    BRIEFING = "briefing"
    PRACTICE_SET = "practice_set"
    MIDWAY_REVIEW = "midway_review"
    STEERING = "steering"
    TASK_AND_FINISH = "task_and_finish"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    def title(self, number: int | None = None) -> str:
        """ "Strategic Set 2", "Mid-way review 1", "Full-day practice briefing"."""
        if self in (MeetingKind.STRATEGIC_SET, MeetingKind.PRACTICE_SET):
            base = "Strategic Set" if self == MeetingKind.STRATEGIC_SET else "Practice Set"
            return f"{base} {number}" if number else base
        return f"{self.label} {number}" if number else self.label

    @property
    def numbered(self) -> bool:
        """Sets are numbered 1 to 3 and each number has its own agenda."""
        return self in (MeetingKind.STRATEGIC_SET, MeetingKind.PRACTICE_SET)

    @property
    def is_learning_set(self) -> bool:
        return self.numbered

    @property
    def default_group(self) -> GroupKind:
        return GroupKind.PRACTICE if self in (MeetingKind.BRIEFING, MeetingKind.PRACTICE_SET) \
            else GroupKind.STRATEGIC

    @property
    def has_action_sheets(self) -> bool:
        return self == MeetingKind.PRACTICE_SET

    @property
    def counts_for_attendance(self) -> bool:
        """Meetings of the whole group. A mid-way review is a call between the strategic lead
        and the consultant, and a task and finish group is a few people with one job."""
        return self not in (MeetingKind.MIDWAY_REVIEW, MeetingKind.TASK_AND_FINISH)


_KIND_LABELS = {
    MeetingKind.SETUP: "Set-up meeting",
    MeetingKind.STRATEGIC_SET: "Strategic learning set",
    MeetingKind.BRIEFING: "Full-day practice briefing",
    MeetingKind.PRACTICE_SET: "Practice learning set",
    MeetingKind.MIDWAY_REVIEW: "Mid-way review",
    MeetingKind.STEERING: "Steering group meeting",
    MeetingKind.TASK_AND_FINISH: "Task and finish group meeting",
}
LEARNING_SET_KINDS = (MeetingKind.STRATEGIC_SET, MeetingKind.PRACTICE_SET)
# The meetings a learning set looks back to: the group's previous set-like meeting.
SET_SEQUENCE_KINDS = (MeetingKind.SETUP, MeetingKind.STRATEGIC_SET, MeetingKind.BRIEFING,
                      MeetingKind.PRACTICE_SET)


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AttendanceStatus(enum.StrEnum):
    ATTENDED = "attended"
    APOLOGIES = "apologies"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {"attended": "Attended", "apologies": "Sent apologies",
                "absent": "Did not attend"}[self.value]


class OutcomeKind(enum.StrEnum):
    INFORMATION = "information"
    DECISION = "decision"
    ACTION = "action"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SheetQuestion(enum.StrEnum):
    """The four questions on a practice-set action sheet (000, Practice Set 1)."""

    ME = "me"
    TEAM = "team"
    OTHERS = "others"
    BEFORE_NEXT = "before_next"

    @property
    def label(self) -> str:
        return {
            "me": "What do I need to do?",
            "team": "What needs to happen in my team or department?",
            "others": "What do others need to do?",
            "before_next": "What will I do before the next learning set?",
        }[self.value]


class GroupMember(ProgrammeOwned, db.Model):
    """A person in the programme's strategic or practice group: a member of the authority, or
    someone without an account (many practitioners in a practice set never sign in)."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("programme_id", "group", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group: Mapped[GroupKind] = mapped_column(enum_type(GroupKind))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Only for someone without an account; a member's name comes from their account.
    name: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    # One of the roles the group should include (checklists/agendas.toml [[roles]]).
    framework_role: Mapped[str | None] = mapped_column(String(40))
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    user: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        return self.user.name if self.user else self.name

    @property
    def active(self) -> bool:
        return self.left_on is None


class MeetingSeries(ProgrammeOwned, db.Model):
    """Meetings planned together from one start date: a round of learning sets."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    # [[first ISO date, last ISO date], ...]: the school holidays the planner counted out.
    closures: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    created_by: Mapped[User | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.day"
    )

    @property
    def closure_ranges(self) -> list[tuple[date, date]]:
        return [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in self.closures]


class Meeting(ProgrammeOwned, db.Model):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_programme_day", "programme_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind))
    number: Mapped[int | None] = mapped_column(Integer)
    # A name of the meeting's own, e.g. the task and finish group's; blank means the kind's.
    name: Mapped[str] = mapped_column(String(200), default="")
    group: Mapped[GroupKind] = mapped_column(enum_type(GroupKind))
    # Local (Europe/London) date and times: a meeting is at 9:30 in England whatever the season.
    day: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(500), default="")
    facilitators: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(enum_type(MeetingStatus),
                                                  default=MeetingStatus.PLANNED)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Which agenda template (and version) the agenda was copied from.
    agenda_source: Mapped[str] = mapped_column(String(200), default="")
    circulated_at: Mapped[datetime | None] = mapped_column(DateTime)
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    circulated_by: Mapped[User | None] = relationship(foreign_keys=[circulated_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        return self.name or self.kind.title(self.number)

    @property
    def held(self) -> bool:
        return self.status == MeetingStatus.HELD


class AgendaItem(ProgrammeOwned, db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    # The sub-questions the item asks, one string each.
    prompts: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Copied from the template: an item Homeward added, not in the seed's agendas.
    reconstructed: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    outcomes: Mapped[list[AgendaOutcome]] = relationship(
        back_populates="item", order_by="AgendaOutcome.id"
    )

    # The version moves only when the item's words change (services.update_item), so
    # reordering the agenda does not refuse someone's notes as a stale edit.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class AgendaOutcome(ProgrammeOwned, db.Model):
    """Information noted, a decision made or an action agreed under an agenda item."""

    __tablename__ = "agenda_outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind))
    text: Mapped[str] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    item: Mapped[AgendaItem] = relationship(back_populates="outcomes")
    meeting: Mapped[Meeting] = relationship()
    action: Mapped[Action | None] = relationship("Action")
    created_by: Mapped[User | None] = relationship()


class MeetingAttendee(db.Model):
    """An invitee, and once recorded whether they came. No status yet: not recorded."""

    __tablename__ = "meeting_attendee"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("group_member.id"), index=True)
    status: Mapped[AttendanceStatus | None] = mapped_column(enum_type(AttendanceStatus))

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    member: Mapped[GroupMember] = relationship()


class ActionSheet(ProgrammeOwned, db.Model):
    """One member's answers at a practice set to the four action-sheet questions."""

    __tablename__ = "action_sheet"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("group_member.id"), index=True)
    me: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(Text, default="")
    others: Mapped[str] = mapped_column(Text, default="")
    before_next: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    meeting: Mapped[Meeting] = relationship()
    member: Mapped[GroupMember] = relationship()
    updated_by: Mapped[User | None] = relationship()
    links: Mapped[list[ActionSheetAction]] = relationship(
        back_populates="sheet", order_by="ActionSheetAction.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def answer(self, question: SheetQuestion) -> str:
        return getattr(self, question.value)

    def actions_for(self, question: SheetQuestion) -> list[Action]:
        return [link.action for link in self.links if link.question == question]

    @property
    def is_blank(self) -> bool:
        return not any(self.answer(q) for q in SheetQuestion)


class ActionSheetAction(db.Model):
    """An action made from one answer on an action sheet."""

    __tablename__ = "action_sheet_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("action_sheet.id"), index=True)
    question: Mapped[SheetQuestion] = mapped_column(enum_type(SheetQuestion))
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), unique=True)

    sheet: Mapped[ActionSheet] = relationship(back_populates="links")
    action: Mapped[Action] = relationship("Action")
