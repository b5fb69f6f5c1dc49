"""Signing in: password checks, lock-out after repeated failures, invitations."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from tracker import clock
from tracker.extensions import db
from tracker.models import SignInThrottle, User, normalise_email

GENERIC_FAILURE = "Enter a correct email address and password"
LOCKED = (
    "There have been too many attempts to sign in with this email address. "
    "Wait {minutes} minutes and try again, or ask your site administrator to reset your password."
)


class SignInRefused(Exception):
    pass


def _throttle(email: str) -> SignInThrottle:
    row = db.session.get(SignInThrottle, email)
    if row is None:
        row = SignInThrottle(email=email, failures=0)
        db.session.add(row)
    return row


def authenticate(email: str, password: str) -> User:
    """The user for these credentials, or SignInRefused with a message that never says
    whether an account exists for the email address."""
    email = normalise_email(email)
    # Hash outside any transaction: on SQLite a writing request's transaction holds the
    # database's one write lock from its first statement, and hashing takes a noticeable
    # fraction of a second. The account is read, the transaction ended, then the hash checked.
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    stored = user.password_hash if user is not None and user.active else None
    db.session.commit()
    right = stored is not None and check_password_hash(stored, password)
    throttle = _throttle(email)
    now = clock.now()
    minutes = current_app.config["SIGN_IN_LOCK_MINUTES"]
    if throttle.locked_until and throttle.locked_until > now:
        db.session.commit()
        raise SignInRefused(LOCKED.format(minutes=minutes))
    if not right:
        if throttle.locked_until and throttle.locked_until <= now:
            throttle.failures = 0  # the lock has run out: count afresh
            throttle.locked_until = None
        throttle.failures += 1
        locked = throttle.failures >= current_app.config["SIGN_IN_MAX_FAILURES"]
        if locked:
            throttle.locked_until = now + timedelta(minutes=minutes)
        db.session.commit()
        raise SignInRefused(LOCKED.format(minutes=minutes) if locked else GENERIC_FAILURE)
    if throttle in db.session.new:  # made just now for this sign-in: nothing to remove
        db.session.expunge(throttle)
    else:
        db.session.delete(throttle)
    db.session.commit()
    return user


def _invite_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def invite_token(user: User) -> str:
    # The login token is part of what is signed, so a link stops working once it is used
    # (setting a password rotates the login token).
    return _invite_serializer().dumps({"id": user.id, "t": user.login_token})


def user_for_invite(token: str) -> User | None:
    max_age = current_app.config["INVITE_MAX_AGE_DAYS"] * 86400
    try:
        payload = _invite_serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, payload.get("id"))
    if user is None or user.login_token != payload.get("t") or not user.active:
        return None
    return user
