"""Programme health: an authority's own thresholds, and the snapshots the pages compare with."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db
from tracker.models.accounts import User
from tracker.models.owned import ProgrammeOwned


class HealthSettings(ProgrammeOwned, db.Model):
    """The thresholds an authority's lead changed from the defaults in checklists/health.toml:
    {key: value}; a key not here takes the default."""

    __tablename__ = "health_settings"
    __table_args__ = (UniqueConstraint("programme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class HealthSnapshot(ProgrammeOwned, db.Model):
    """The headline figures, status and signals on one day: at most one a day per programme
    (a later one that day replaces it). Kept for SNAPSHOT_KEEP_DAYS (tracker/health/snapshots)."""

    __tablename__ = "health_snapshot"
    __table_args__ = (UniqueConstraint("programme_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # What took it: "daily" (the scheduler), "meeting" (a steering meeting or learning set held).
    trigger: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    signals: Mapped[list] = mapped_column(JSON, default=list)
