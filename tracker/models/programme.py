"""An authority's rollout: the programme, its copy of the Checklist and the phase outcomes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db, enum_type
from tracker.models.accounts import Authority, User
from tracker.models.owned import ProgrammeOwned


class TaskStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "done": "Done",
            "not_applicable": "Not applicable",
        }[self.value]


class Programme(db.Model):
    """One authority's rollout of the Framework, made from a Checklist template version."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    template_key: Mapped[str] = mapped_column(String(80))
    template_version: Mapped[str] = mapped_column(String(40))
    current_phase: Mapped[int] = mapped_column(Integer, default=1)
    # Local setting: count the two days for circulating action lists as working days. The
    # Framework's rule is two (calendar) days.
    action_list_working_days: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    authority: Mapped[Authority] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ProgrammePhase(ProgrammeOwned, db.Model):
    """A phase of the programme, copied from the template, with when the programme entered it."""

    __tablename__ = "programme_phase"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date | None] = mapped_column(Date)

    programme: Mapped[Programme] = relationship()


class ChecklistTask(ProgrammeOwned, db.Model):
    """A programme's copy of one Checklist task, or a task the authority added (local)."""

    __tablename__ = "checklist_task"
    __table_args__ = (UniqueConstraint("programme_id", "phase", "is_local", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phase: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)

    # Copied from the template when the programme was made; never rewritten by a later template.
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    # "Usually led by" is Homeward's suggestion, not the source's.
    responsible_suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    annexes: Mapped[list] = mapped_column(JSON, default=list)
    subpoints: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(300), default="")
    # Added by Homeward: not in the surviving sources (basis says what it was built from).
    reconstructed: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(Text, default="")

    # The authority's progress.
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), default=TaskStatus.NOT_STARTED)
    not_applicable_reason: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    programme: Mapped[Programme] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return f"Local task {self.number}" if self.is_local else f"Task {self.number}"


class PhaseOutcome(ProgrammeOwned, db.Model):
    """One "by the end of this phase" outcome, which the programme can mark achieved."""

    __tablename__ = "phase_outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phase: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reconstructed: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(Text, default="")
    achieved_on: Mapped[date | None] = mapped_column(Date)
    achieved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    programme: Mapped[Programme] = relationship()
    achieved_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
