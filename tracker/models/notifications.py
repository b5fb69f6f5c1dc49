"""The outbox: every email goes here first, and is delivered from here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db
from tracker.models.accounts import User


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_pending", "sent_at", "cancelled_at",
                            "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What makes the message idempotent, e.g. "reminder:due:42:2026-11-23": a second
    # scheduler, a retry or a rerun that makes the same message finds the key taken.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The authority the message is about (None for one about several, like the digest): a
    # member removed from it is sent nothing more, and no longer sees it under Notifications.
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # The HTML part's own content ("" for none): delivery sets it in the email layout.
    body_html: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # Set when delivery gives up (a permanent refusal, or too many attempts): no sender takes
    # it again until an administrator retries it by hand.
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A sender claims a message before sending it, so two senders never send the same one.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)

    recipient: Mapped[User | None] = relationship()

    @property
    def state(self) -> str:
        if self.cancelled_at:
            return "Cancelled"
        if self.sent_at:
            return "Sent"
        if self.failed_at:
            return "Failed"
        return "Failing" if self.last_error else "Waiting"


class JobRun(db.Model):
    """When each scheduled job last ran, so a scheduler that was down at a job's time runs it
    when it starts again (the jobs are idempotent, so running one twice is harmless)."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(DateTime)
