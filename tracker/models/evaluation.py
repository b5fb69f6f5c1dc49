"""The evaluation questionnaires: rounds an authority opens, and the anonymous responses.

No respondent's name, email or account is stored with a response. A response carries only a
keyed hash of the matching code the evaluation used (first two letters of the first name,
last two of the surname, day and month of birth: never the year), so Time 1 and Time 2 answers
by the same person pair up, and the hash of a private return key for save-and-return.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db
from tracker.models.accounts import User
from tracker.models.owned import ProgrammeOwned


class EvaluationRound(ProgrammeOwned, db.Model):
    """One sitting of a questionnaire: Time 1 or Time 2, for the practice or strategic group."""

    __tablename__ = "evaluation_round"
    __table_args__ = (
        CheckConstraint("audience IN ('practice', 'strategic')", name="audience"),
        CheckConstraint("time IN (1, 2)", name="time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience: Mapped[str] = mapped_column(String(20))
    time: Mapped[int] = mapped_column(Integer)
    # The questionnaires' version the round was opened with, so later edits to the data file
    # can be told apart from what respondents saw.
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    closes_on: Mapped[date] = mapped_column(Date)
    # The unguessable part of the respondents' link; it is all a respondent needs.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    opened_by: Mapped[User | None] = relationship()

    def is_open(self, today: date) -> bool:
        return self.closed_at is None and today <= self.closes_on


class EvaluationResponse(ProgrammeOwned, db.Model):
    """One respondent's answers to one round, in progress until sent."""

    __tablename__ = "evaluation_response"
    __table_args__ = (Index("ix_evaluation_response_round_code", "round_id", "matching_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id"))
    matching_hash: Mapped[str] = mapped_column(String(64))
    return_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # {item key: answer code (int) or open text (str)}
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    round: Mapped[EvaluationRound] = relationship()
