"""The Framework in use: the teams that should use it and the staff in them (names, emails and
roles only: no child is ever recorded), training events and who attended them, each team's
quarterly fidelity ratings against the stages and key elements, and the adaptation log."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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
from tracker.models.accounts import User
from tracker.models.meetings import Meeting
from tracker.models.outcomes import FinancialQuarter
from tracker.models.owned import ProgrammeOwned


class StaffRole(enum.StrEnum):
    PRACTITIONER = "practitioner"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        return {"practitioner": "Practitioner", "manager": "Manager"}[self.value]


class TrainingKind(enum.StrEnum):
    FULL_DAY_BRIEFING = "full_day_briefing"
    TEAM_BRIEFING = "team_briefing"
    LEARNING_SET = "learning_set"
    TRAIN_THE_TRAINER = "train_the_trainer"

    @property
    def label(self) -> str:
        return {"full_day_briefing": "Full-day briefing", "team_briefing": "Team briefing",
                "learning_set": "Learning set",
                "train_the_trainer": "Train the trainer"}[self.value]


class FidelityLevel(enum.StrEnum):
    IN_USE = "in_use"
    PARTLY = "partly"
    NOT_YET = "not_yet"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"in_use": "In use", "partly": "Partly", "not_yet": "Not yet",
                "dropped": "Dropped"}[self.value]


class AdaptationLevel(enum.StrEnum):
    AUTHORITY = "authority"
    TEAM = "team"

    @property
    def label(self) -> str:
        return {"authority": "The whole authority", "team": "One team"}[self.value]


class AdaptationNature(enum.StrEnum):
    """FRAME's kinds of modification to content, as the issue names them."""

    ADDED = "added"
    REMOVED = "removed"
    SHORTENED = "shortened"
    REORDERED = "reordered"
    SUBSTITUTED = "substituted"

    @property
    def label(self) -> str:
        return {"added": "Added", "removed": "Removed", "shortened": "Shortened",
                "reordered": "Re-ordered", "substituted": "Substituted"}[self.value]


class KeepsIntent(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "unsure": "Not sure yet"}[self.value]


class FrameworkTeam(ProgrammeOwned, db.Model):
    """A team that should use the Framework, with its establishment (how many practitioners
    and managers it has, whether or not each is named in the register)."""

    __tablename__ = "framework_team"
    __table_args__ = (
        UniqueConstraint("programme_id", "name"),
        CheckConstraint("practitioners >= 0 AND managers >= 0", name="team_sizes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str] = mapped_column(String(200), default="")
    practitioners: Mapped[int] = mapped_column(Integer, default=0)
    managers: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Everyone ever in the team's register, those who left included (their training stays on
    # record); coverage counts `current_staff`.
    staff: Mapped[list[StaffMember]] = relationship(back_populates="team",
                                                    order_by="StaffMember.name")

    __mapper_args__ = {"version_id_col": version}

    @property
    def current_staff(self) -> list[StaffMember]:
        return [s for s in self.staff if s.left_on is None]

    @property
    def leavers(self) -> list[StaffMember]:
        return [s for s in self.staff if s.left_on is not None]


class StaffMember(ProgrammeOwned, db.Model):
    """Someone in a team: name, work email and role only."""

    __tablename__ = "staff_member"
    __table_args__ = (UniqueConstraint("programme_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("framework_team.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole))
    # The team's practice champion (there may be more than one); a champion who is also a
    # member of the authority records the team's training and fidelity, matched by email.
    is_champion: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the person was added to the register: "new since the last training" is judged by it.
    added_on: Mapped[date] = mapped_column(Date, default=clock.today)
    # Left the team (or the authority): kept in the register, no longer counted or offered.
    left_on: Mapped[date | None] = mapped_column(Date)

    team: Mapped[FrameworkTeam] = relationship(back_populates="staff")


class TrainingEvent(ProgrammeOwned, db.Model):
    __tablename__ = "training_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TrainingKind] = mapped_column(enum_type(TrainingKind))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    # Who delivered it: for train-the-trainer, the cascade's "trained by".
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    trainer_name: Mapped[str] = mapped_column(String(200), default="")
    # A learning set is one of the programme's meetings.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    trainer: Mapped[StaffMember | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    attendances: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="event", cascade="all, delete-orphan")


class TrainingAttendance(db.Model):
    """One person at one event. Belongs to the programme through its event."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("event_id", "staff_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("training_event.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)

    event: Mapped[TrainingEvent] = relationship(back_populates="attendances")
    staff: Mapped[StaffMember] = relationship()


class FidelityRating(ProgrammeOwned, db.Model):
    """How far one team uses one stage or key element in one financial quarter."""

    __tablename__ = "fidelity_rating"
    __table_args__ = (
        UniqueConstraint("team_id", "year", "quarter", "practice_key"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="fidelity_quarter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("framework_team.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    # A stage or key element's key in checklists/framework.toml.
    practice_key: Mapped[str] = mapped_column(String(40))
    level: Mapped[FidelityLevel] = mapped_column(enum_type(FidelityLevel))
    note: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)

    rated_by: Mapped[User | None] = relationship()

    @property
    def period(self) -> FinancialQuarter:
        return FinancialQuarter(self.year, self.quarter)


class Adaptation(ProgrammeOwned, db.Model):
    """One change made to the Framework, recorded in the shape of FRAME (the framework for
    reporting adaptations and modifications): what, at what level, its nature, why, who
    decided, when, and whether it keeps the element's intent."""

    __tablename__ = "framework_adaptation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    what: Mapped[str] = mapped_column(Text)
    practice_key: Mapped[str] = mapped_column(String(40), default="")  # "" for none in particular
    level: Mapped[AdaptationLevel] = mapped_column(enum_type(AdaptationLevel))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("framework_team.id"))
    nature: Mapped[AdaptationNature] = mapped_column(enum_type(AdaptationNature))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    keeps_intent: Mapped[KeepsIntent] = mapped_column(enum_type(KeepsIntent))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    team: Mapped[FrameworkTeam | None] = relationship()
