"""Authorities, people and their memberships."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import clock
from tracker.extensions import db, enum_type

MIN_PASSWORD_LENGTH = 12


def normalise_email(email: str) -> str:
    """Emails are unique whatever their case: keep one lower-case form."""
    return email.strip().lower()


def _new_login_token() -> str:
    return secrets.token_urlsafe(24)


class Role(enum.StrEnum):
    """A person's role in one authority's programme (DESIGN.md section 1)."""

    LEAD = "lead"
    STEERING = "steering"
    CHAMPION = "champion"
    CONSULTANT = "consultant"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LEAD: "Strategic lead",
    Role.STEERING: "Steering group member",
    Role.CHAMPION: "Practice champion",
    Role.CONSULTANT: "NSPCC consultant",
    Role.OBSERVER: "Observer",
}


class Authority(db.Model):
    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="authority", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Authority {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Null until an invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Identifies the session; rotated when the password changes so other sessions end.
    login_token: Mapped[str] = mapped_column(String(64), unique=True, default=_new_login_token)
    # The secret in the user's private calendar feed URL; None while the feed is off.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Email preferences (security messages are always sent).
    reminder_days_before: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    email_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    email_action_lists: Mapped[bool] = mapped_column(Boolean, default=True,
                                                     server_default=true())
    email_postcards: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When the person last opened their notifications: later ones count as unread.
    notifications_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return self.login_token

    def set_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"A password must be at least {MIN_PASSWORD_LENGTH} characters")
        self.password_hash = generate_password_hash(password)
        self.rotate_login_token()
        # Whoever knew the old password may have copied the calendar feed's address too.
        if self.calendar_token:
            self.calendar_token = secrets.token_urlsafe(32)

    def rotate_login_token(self) -> None:
        """End every session of this person, and every set-password link issued so far."""
        self.login_token = _new_login_token()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "authority_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    role: Mapped[Role] = mapped_column(
        enum_type(Role)
    )
    # The person's job in the authority, e.g. "Principal Social Worker".
    job_role: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    user: Mapped[User] = relationship(back_populates="memberships")
    authority: Mapped[Authority] = relationship(back_populates="memberships")


class SignInThrottle(db.Model):
    """Recent failed password checks, per email address (whether or not an account exists for
    it, so the lock-out message cannot tell anyone which addresses are registered) and per
    client (an IP address). Rows older than the lock-out window are pruned as failures come."""

    __tablename__ = "sign_in_throttle"

    # "address:<email>" or "client:<ip>"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
