"""Outcome tracking (Checklist Annex 2) and saved cost scenarios (Annex 3).

Outcome figures are aggregate counts per financial quarter, or per month where an authority
has them: no child is recorded. English local authorities report in financial years (April to
March), so quarters are financial: 2026–27 Q2 is July to September 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db
from tracker.models.accounts import User
from tracker.models.owned import ProgrammeOwned

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    """`year` is the year the financial year starts: 2026 is 2026–27, April 2026 to March 2027."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1, 2, 3 or 4")

    @classmethod
    def containing(cls, day: date) -> FinancialQuarter:
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> FinancialQuarter:
        return FinancialQuarter(self.year + 1, 1) if self.quarter == 4 else FinancialQuarter(
            self.year, self.quarter + 1)

    def previous(self) -> FinancialQuarter:
        return FinancialQuarter(self.year - 1, 4) if self.quarter == 1 else FinancialQuarter(
            self.year, self.quarter - 1)

    @property
    def year_label(self) -> str:
        return f"{self.year}–{(self.year + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        """2026–27 Q2"""
        return f"{self.year_label} Q{self.quarter}"

    @property
    def months(self) -> str:
        """July to September 2026"""
        start, end = self.start, self.end
        return f"{MONTHS[start.month - 1]} to {MONTHS[end.month - 1]} {end.year}"

    @property
    def label(self) -> str:
        """2026–27 Q2 (July to September 2026)"""
        return f"{self.short_label} ({self.months})"

    @property
    def key(self) -> str:
        """2026-Q2, for forms and CSV round trips."""
        return f"{self.year}-Q{self.quarter}"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, for authorities that have their figures monthly: `year` is the
    calendar year, so April 2026 is Month(2026, 4), in financial quarter 2026–27 Q1."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError("month must be from 1 to 12")

    @classmethod
    def containing(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def quarter(self) -> FinancialQuarter:
        return FinancialQuarter.containing(self.start)

    @property
    def short_label(self) -> str:
        """Apr 2026"""
        return f"{MONTHS[self.month - 1][:3]} {self.year}"

    @property
    def label(self) -> str:
        """April 2026"""
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def months(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """2026-04, for CSV round trips."""
        return f"{self.year}-{self.month:02d}"


class OutcomeQuarter(ProgrammeOwned, db.Model):
    """One quarter's aggregate reunification figures for a programme.

    The return-home figures count children who stopped being looked after by returning home
    during the quarter; the breakdown figures follow that same group of children for 3 and
    12 months, so they stay blank (None) until they are known.
    """

    __tablename__ = "outcome_quarter"
    __table_args__ = (
        UniqueConstraint("programme_id", "year", "quarter", "month"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("month BETWEEN 0 AND 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    # The period the figures cover: 0 for the whole financial quarter (`year` and `quarter`),
    # or a calendar month 1–12 within that quarter for authorities that have monthly figures.
    # Not null, so the unique constraint holds for quarters as it does for months.
    month: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    returned_home: Mapped[int] = mapped_column(Integer)
    framework_cases: Mapped[int] = mapped_column(Integer)
    reentered_3_months: Mapped[int | None] = mapped_column(Integer)
    framework_reentered_3_months: Mapped[int | None] = mapped_column(Integer)
    reentered_12_months: Mapped[int | None] = mapped_column(Integer)
    framework_reentered_12_months: Mapped[int | None] = mapped_column(Integer)
    repeat_breakdowns: Mapped[int | None] = mapped_column(Integer)
    # Not returning a child because the assessment showed the risk too high is a good outcome
    # for that child (Annex 2), so it is counted rather than hidden in a lower return rate.
    not_returned_risk: Mapped[int] = mapped_column(Integer)
    unplanned_returns: Mapped[int] = mapped_column(Integer)
    returned_s20: Mapped[int] = mapped_column(Integer)
    returned_care_order: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def period(self) -> FinancialQuarter | Month:
        if self.month:
            return Month(self.year + (self.month < 4), self.month)
        return FinancialQuarter(self.year, self.quarter)


class CostScenario(ProgrammeOwned, db.Model):
    """A named set of the cost calculator's four inputs. At most one per programme is the one
    shown in the steering-group report. Money is held in pence and the probability in
    hundredths of a percent, so every figure typed comes back exactly."""

    __tablename__ = "cost_scenario"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    probability_hundredths: Mapped[int] = mapped_column(Integer)
    # "returning" is a reserved word in SQL, so the column has a longer name.
    returning: Mapped[int] = mapped_column("children_returning", Integer)
    reentry_cost_pence: Mapped[int] = mapped_column(Integer)
    support_cost_pence: Mapped[int] = mapped_column(Integer)
    in_report: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    created_by: Mapped[User | None] = relationship()

    @property
    def probability(self) -> Decimal:
        return Decimal(self.probability_hundredths) / 100

    @property
    def reentry_cost(self) -> Decimal:
        return Decimal(self.reentry_cost_pence) / 100

    @property
    def support_cost(self) -> Decimal:
        return Decimal(self.support_cost_pence) / 100


# The database, not only the service, keeps the report to one scenario per programme.
# Written as text so the migration's SQL suits both SQLite and PostgreSQL.
Index("ix_cost_scenario_one_in_report", CostScenario.programme_id, unique=True,
      sqlite_where=text("in_report"), postgresql_where=text("in_report"))
