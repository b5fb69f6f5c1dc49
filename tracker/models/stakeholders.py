"""Stakeholder engagement (Checklist Annex 10): the register of stakeholders, the engagement
plan (one-off and repeating engagements, each occurrence recorded when it has happened) and
the feedback that comes back."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db, enum_type
from tracker.models.accounts import User
from tracker.models.owned import ProgrammeOwned

if TYPE_CHECKING:
    from tracker.models.actions import Action

# On the 1–5 scales, 3 and above counts as high when placing a stakeholder on the grid.
HIGH_FROM = 3



class StakeholderType(enum.StrEnum):
    PERSON = "person"
    TEAM = "team"
    AGENCY = "agency"
    BOARD = "board"
    GROUP = "group"

    @property
    def label(self) -> str:
        return {"person": "Person", "team": "Team or service", "agency": "Agency",
                "board": "Board or partnership", "group": "Group of people"}[self.value]


class StakeholderGroup(enum.StrEnum):
    """Who a stakeholder is, as the engagement plan is presented: one section per group."""

    STAFF = "staff"
    PARTNERS = "partners"
    COURTS = "courts"
    CARERS = "carers"
    FAMILIES = "families"
    GOVERNANCE = "governance"

    @property
    def label(self) -> str:
        return {
            "staff": "Children's social care staff",
            "partners": "Partner agencies and services",
            "courts": "Courts and legal",
            "carers": "Carers",
            "families": "Children, young people and families",
            "governance": "Boards, commissioners and elected members",
        }[self.value]


class EngagementLevel(enum.StrEnum):
    """Where a stakeholder stands on the Framework, lowest first."""

    UNAWARE = "unaware"
    RESISTANT = "resistant"
    NEUTRAL = "neutral"
    SUPPORTIVE = "supportive"
    LEADING = "leading"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return list(EngagementLevel).index(self)

    @property
    def description(self) -> str:
        return {
            "unaware": "Does not know about the Framework or what it means for them",
            "resistant": "Knows about it and resists the change",
            "neutral": "Knows about it and neither supports nor resists it",
            "supportive": "Knows about it and supports the change",
            "leading": "Actively helps the Framework succeed",
        }[self.value]


class Quadrant(enum.StrEnum):
    MANAGE_CLOSELY = "manage_closely"
    KEEP_SATISFIED = "keep_satisfied"
    KEEP_INFORMED = "keep_informed"
    MONITOR = "monitor"

    @property
    def label(self) -> str:
        return {"manage_closely": "Manage closely", "keep_satisfied": "Keep satisfied",
                "keep_informed": "Keep informed", "monitor": "Monitor"}[self.value]

    @property
    def description(self) -> str:
        return {
            "manage_closely": "High influence, high interest",
            "keep_satisfied": "High influence, low interest",
            "keep_informed": "Low influence, high interest",
            "monitor": "Low influence, low interest",
        }[self.value]


def quadrant_of(influence: int, interest: int) -> Quadrant:
    high_influence, high_interest = influence >= HIGH_FROM, interest >= HIGH_FROM
    if high_influence:
        return Quadrant.MANAGE_CLOSELY if high_interest else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if high_interest else Quadrant.MONITOR


class EngagementMethod(enum.StrEnum):
    BRIEFING = "briefing"
    SEMINAR = "seminar"
    CONFERENCE = "conference"
    TEAM_MEETING = "team_meeting"
    NEWSLETTER = "newsletter"
    ONE_MINUTE_GUIDE = "one_minute_guide"
    BOARD_PAPER = "board_paper"
    FEEDBACK_SESSION = "feedback_session"
    TRAINING = "training"
    MEETING = "meeting"
    EMAIL = "email"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "briefing": "Briefing", "seminar": "Seminar", "conference": "Conference",
            "team_meeting": "Team meeting", "newsletter": "Newsletter",
            "one_minute_guide": "One-minute guide", "board_paper": "Board paper",
            "feedback_session": "Feedback session", "training": "Training",
            "meeting": "Meeting", "email": "Email", "other": "Other",
        }[self.value]


class EngagementStatus(enum.StrEnum):
    """What people decide about an engagement; whether it has happened is recorded per
    occurrence, so "done" is derived, not stored."""

    PLANNED = "planned"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class RepeatUnit(enum.StrEnum):
    WEEKS = "weeks"
    MONTHS = "months"


class OccurrenceOutcome(enum.StrEnum):
    DONE = "done"
    NOT_HELD = "not_held"

    @property
    def label(self) -> str:
        return {"done": "Done", "not_held": "Did not happen"}[self.value]


class FeedbackSource(enum.StrEnum):
    STAFF = "staff"
    FAMILIES = "families"
    PARTNERS = "partners"

    @property
    def label(self) -> str:
        return {"staff": "Staff", "families": "Children, young people and families",
                "partners": "Partners"}[self.value]


class Stakeholder(ProgrammeOwned, db.Model):
    """A person, team, agency, board or group who needs to know about, or take part in,
    the Framework."""

    __tablename__ = "stakeholder"
    __table_args__ = (
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[StakeholderType] = mapped_column(enum_type(StakeholderType))
    group: Mapped[StakeholderGroup] = mapped_column("stakeholder_group", enum_type(StakeholderGroup))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact_owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    influence: Mapped[int] = mapped_column(Integer)
    interest: Mapped[int] = mapped_column(Integer)
    level_now: Mapped[EngagementLevel] = mapped_column(enum_type(EngagementLevel))
    level_wanted: Mapped[EngagementLevel] = mapped_column(enum_type(EngagementLevel))
    benefits: Mapped[str] = mapped_column(Text, default="")
    resistance: Mapped[str] = mapped_column(Text, default="")
    mitigation: Mapped[str] = mapped_column(Text, default="")
    needs_to_know: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    contact_owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.influence, self.interest)

    @property
    def gap(self) -> int:
        """How many levels below the level wanted it stands now (0 when there already)."""
        return max(self.level_wanted.rank - self.level_now.rank, 0)


engagement_stakeholder = Table(
    "engagement_stakeholder",
    db.metadata,
    Column("engagement_id", ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True),
    Column("stakeholder_id", ForeignKey("stakeholder.id"), primary_key=True, index=True),
)


class Engagement(ProgrammeOwned, db.Model):
    """A planned piece of engagement: once, or repeating from its planned date (a rolling
    briefing for new starters). Occurrences are computed from the rule when read."""

    __tablename__ = "engagement"
    __table_args__ = (
        CheckConstraint("repeat_every IS NULL OR repeat_every > 0", name="repeat_every_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    method: Mapped[EngagementMethod] = mapped_column(enum_type(EngagementMethod))
    message: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    planned_date: Mapped[date] = mapped_column(Date, index=True)
    # Both set for a repeating engagement, both empty for a one-off.
    repeat_unit: Mapped[RepeatUnit | None] = mapped_column(enum_type(RepeatUnit))
    repeat_every: Mapped[int | None] = mapped_column(Integer)
    repeat_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[EngagementStatus] = mapped_column(enum_type(EngagementStatus),
                                                     default=EngagementStatus.PLANNED)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    owner: Mapped[User | None] = relationship()
    stakeholders: Mapped[list[Stakeholder]] = relationship(
        secondary=engagement_stakeholder, order_by=Stakeholder.name
    )
    occurrences: Mapped[list[EngagementOccurrence]] = relationship(
        back_populates="engagement", order_by="EngagementOccurrence.due_on",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def repeats(self) -> bool:
        return self.repeat_unit is not None and bool(self.repeat_every)

    @property
    def repeat_rule(self) -> str:
        """"Every 3 months", "Every year", or "Once"."""
        if not self.repeats:
            return "Once"
        every = self.repeat_every or 1
        if self.repeat_unit == RepeatUnit.MONTHS and every == 12:
            return "Every year"
        unit = self.repeat_unit.value
        return f"Every {unit[:-1]}" if every == 1 else f"Every {every} {unit}"

    @property
    def repeat_label(self) -> str:
        """"Every 3 months until 6 March 2028", or "Once"."""
        if self.repeats and self.repeat_until:
            return f"{self.repeat_rule} until {clock.format_date(self.repeat_until)}"
        return self.repeat_rule


class EngagementOccurrence(db.Model):
    """One occurrence of an engagement that has been recorded: it happened, or it did not."""

    __tablename__ = "engagement_occurrence"
    __table_args__ = (UniqueConstraint("engagement_id", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"),
                                               index=True)
    # The date in the plan this records, which identifies the occurrence.
    due_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[OccurrenceOutcome] = mapped_column(enum_type(OccurrenceOutcome))
    done_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    engagement: Mapped[Engagement] = relationship(back_populates="occurrences")
    recorded_by: Mapped[User | None] = relationship()


class Feedback(ProgrammeOwned, db.Model):
    """What staff, families and young people, or partners said, about an engagement or a
    stakeholder. It can raise actions (Action.feedback_id)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[FeedbackSource] = mapped_column(enum_type(FeedbackSource))
    text: Mapped[str] = mapped_column(Text)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"), index=True)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("engagement_occurrence.id"))
    stakeholder_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    engagement: Mapped[Engagement | None] = relationship()
    occurrence: Mapped[EngagementOccurrence | None] = relationship()
    stakeholder: Mapped[Stakeholder | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    actions: Mapped[list[Action]] = relationship(
        "Action", primaryjoin="Action.feedback_id == Feedback.id", viewonly=True,
        order_by="Action.id",
    )
