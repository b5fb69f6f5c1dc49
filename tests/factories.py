"""Factories for the things most tests start from: people, authorities, memberships, and the
default authority with its programme; and `smtp`, a real SMTP server on loopback that keeps
what it receives. Loaded by tests/conftest.py as a plugin, so every test
can ask for them by name."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD
from tracker.admin import services as admin
from tracker.api import services as api_tokens
from tracker.extensions import db
from tracker.meetings import groups as meeting_groups
from tracker.meetings import services
from tracker.models import AttendanceStatus, Authority, GroupKind, MeetingKind, Programme, Role, User


@pytest.fixture(scope="session")
def _password_hash() -> str:
    # Sign-in checks a hash by the method it names: a cheap one keeps each test's sign-in quick
    # (the app's own scrypt takes a fifth of a second, by design).
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture
def create_user(app, _password_hash) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, name: str | None = None, *, password: str = PASSWORD,
             admin_: bool = False) -> User:
        n = next(counter)
        # The usual test password is hashed once per session: hashing is slow by design.
        user = admin.create_user(email or f"person{n}@example.org", name or f"Person {n}",
                                 password=None if password == PASSWORD else password,
                                 is_site_admin=admin_)
        if password == PASSWORD:
            user.password_hash = _password_hash
        db.session.commit()
        return user

    return make


@pytest.fixture
def create_authority(app) -> Callable[..., Authority]:
    def make(name: str = "Testshire County Council", slug: str | None = None,
             start_date: date = date(2026, 1, 5)) -> Authority:
        authority = admin.create_authority(name, slug=slug, start_date=start_date)
        db.session.commit()
        return authority

    return make


@pytest.fixture
def add_member(app) -> Callable[..., None]:
    def make(user: User, authority: Authority, role: Role | str, job_role: str | None = None):
        membership = admin.add_member(user, authority, Role(role), job_role=job_role)
        db.session.commit()
        return membership

    return make


@pytest.fixture
def member(create_user, add_member, authority) -> Callable[..., User]:
    """A new user holding `role` in the default authority."""

    def make(role: Role | str = Role.STEERING, **kwargs) -> User:
        user = create_user(**kwargs)
        add_member(user, authority, role)
        return user

    return make


@pytest.fixture
def token_for(app) -> Callable[..., str]:
    """`token_for(user)`: a new personal API token's secret, as the account page makes it."""

    def make(user: User, name: str = "Power BI") -> str:
        secret = api_tokens.create_token(user, name)
        db.session.commit()
        return secret

    return make


@pytest.fixture
def authority(create_authority) -> Authority:
    return create_authority("Testshire County Council", slug="testshire")


@pytest.fixture
def programme(authority) -> Programme:
    return db.session.execute(
        db.select(Programme).where(Programme.authority_id == authority.id)
    ).scalar_one()


# -- meetings ---------------------------------------------------------------------------------

MEETING_PAST = date(2026, 3, 2)  # a Monday, well before any test's today


def add_group_member(programme, group=GroupKind.STRATEGIC, user=None, name="", role=None):
    member = meeting_groups.add_member(programme, group, actor=None, user=user,
                                       name=name if user is None else "", framework_role=role)
    db.session.commit()
    return member


def make_meeting(programme, kind=MeetingKind.STEERING, day=MEETING_PAST, number=None, **kw):
    meeting = services.create_meeting(programme, kind=kind, day=day, number=number, actor=None,
                                      **kw)
    db.session.commit()
    return meeting


def hold_meeting(meeting, statuses=None, today=None):
    """Record attendance as of `today`, by default the meeting's own day, so that the helper holds
    a meeting whatever the date the suite runs on."""
    services.record_attendance(
        meeting, statuses or {a.member.id: AttendanceStatus.ATTENDED for a in meeting.attendees},
        actor=None, today=today or meeting.day)
    db.session.commit()
    return meeting


def date_fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, and can refuse the first N."""

    def __init__(self):
        self.messages = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback for this test's server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_USE_STARTTLS=False, MAIL_USE_TLS=False, MAIL_USERNAME="")
    from flask import current_app
    current_app.config.update(app.config)  # the twin context the test code runs in
    yield inbox
    controller.stop()
