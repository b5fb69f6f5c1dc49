"""Actions, their progress notes, workstreams and milestones."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from tracker import clock
from tracker.extensions import db, enum_type
from tracker.models.accounts import User
from tracker.models.owned import ProgrammeOwned
from tracker.models.programme import ChecklistTask

if TYPE_CHECKING:
    from tracker.models.meetings import Meeting
    from tracker.models.postcards import PostcardItem
    from tracker.models.stakeholders import Feedback



class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "Open", "in_progress": "In progress", "done": "Done",
                "dropped": "Dropped"}[self.value]

    @property
    def finished(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


FINISHED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


class MilestoneStatus(enum.StrEnum):
    PLANNED = "planned"
    ACHIEVED = "achieved"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


workstream_member = Table(
    "workstream_member",
    db.metadata,
    Column("workstream_id", ForeignKey("workstream.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True),
)


class Workstream(ProgrammeOwned, db.Model):
    """A sub-group with one area of the rollout, e.g. data, monitoring and evaluation."""

    __tablename__ = "workstream"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    aims: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    lead: Mapped[User | None] = relationship()
    members: Mapped[list[User]] = relationship(secondary=workstream_member, order_by=User.name)

    __mapper_args__ = {"version_id_col": version}


class Milestone(ProgrammeOwned, db.Model):
    __tablename__ = "milestone"
    __table_args__ = (Index("ix_milestone_programme_target", "programme_id", "target_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    target_date: Mapped[date] = mapped_column(Date)
    workstream_id: Mapped[int | None] = mapped_column(ForeignKey("workstream.id"), index=True)
    status: Mapped[MilestoneStatus] = mapped_column(enum_type(MilestoneStatus),
                                                    default=MilestoneStatus.PLANNED)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # For the read API's incremental pulls (updated_since), as on actions.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    workstream: Mapped[Workstream | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Action(ProgrammeOwned, db.Model):
    """Something someone has agreed to do, by a date."""

    __tablename__ = "action"
    __table_args__ = (
        # The action log's default filter (open work) and sorts, within one programme; a
        # person's open actions (calendar feed, "mine").
        Index("ix_action_programme_status_due", "programme_id", "status", "due_date"),
        Index("ix_action_programme_updated", "programme_id", "updated_at"),
        Index("ix_action_programme_created", "programme_id", "created_at"),
        Index("ix_action_owner_status_due", "owner_id", "status", "due_date"),
        # Health: open actions counted per owner (owners who have left), from the index alone.
        Index("ix_action_programme_status_owner", "programme_id", "status", "owner_id"),
        # Open actions changed, or noted but not changed, since a date (programme health's
        # stalled actions are the open ones less these), each a range over the recent rows of
        # an index alone.
        Index("ix_action_programme_status_updated", "programme_id", "status", "updated_at"),
        Index("ix_action_programme_status_noted", "programme_id", "status", "noted_at",
              "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # An owner with no account, e.g. "Head of Commissioning", when owner_id is empty.
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.OPEN)
    dropped_reason: Mapped[str] = mapped_column(Text, default="")
    workstream_id: Mapped[int | None] = mapped_column(ForeignKey("workstream.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestone.id"), index=True)
    # Where it came from: at most one source is set.
    checklist_task_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_task.id"),
                                                          index=True)
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    postcard_item_id: Mapped[int | None] = mapped_column(ForeignKey("postcard_item.id"),
                                                         index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    # When its latest progress note was written: kept by the listener below, so asking whether
    # an action had a note since a date reads the action alone (not one probe per action).
    noted_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    workstream: Mapped[Workstream | None] = relationship()
    milestone: Mapped[Milestone | None] = relationship()
    checklist_task: Mapped[ChecklistTask | None] = relationship()
    feedback: Mapped[Feedback | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    postcard_item: Mapped[PostcardItem | None] = relationship()
    notes: Mapped[list[ActionNote]] = relationship(
        back_populates="action", order_by="ActionNote.at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner else self.owner_name

    @property
    def has_owner(self) -> bool:
        return self.owner_id is not None or bool(self.owner_name)


# The action log sorted by title, within one programme (the sort is case-blind).
Index("ix_action_programme_title", Action.programme_id, func.lower(Action.title))


class ActionNote(db.Model):
    """A dated progress note on an action."""

    __tablename__ = "action_note"
    # An action's notes, and whether it has one since a date (programme health's stalled
    # actions) from the index alone.
    __table_args__ = (Index("ix_action_note_action_at", "action_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    text: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


@event.listens_for(ActionNote, "after_insert")
@event.listens_for(ActionNote, "after_update")
def _note_written(_mapper, connection, note: ActionNote) -> None:
    """The action's noted_at follows its latest note, even one written with an earlier date.
    Written beside the ORM, so a note is not an edit of the action: its version (which guards
    someone's open edit form) and its updated_at stay as they were."""
    action = Action.__table__
    latest = (select(func.max(ActionNote.at)).where(ActionNote.action_id == note.action_id)
              .scalar_subquery())
    noted_at = connection.execute(
        update(action).where(action.c.id == note.action_id)
        .values(noted_at=latest, updated_at=action.c.updated_at)
        .returning(action.c.noted_at)).scalar_one()
    loaded = inspect(note).attrs.action.loaded_value
    if isinstance(loaded, Action):
        set_committed_value(loaded, "noted_at", noted_at)
