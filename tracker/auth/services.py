"""Signing in: password checks, lock-out after repeated failures, invitations."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from flask import current_app, request, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, inspect, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import clock
from tracker.extensions import db
from tracker.models import SignInThrottle, User, normalise_email

GENERIC_FAILURE = "Enter a correct email address and password"
ADDRESS_LOCKED = (
    "There have been too many attempts to sign in with this email address. To show that it is "
    "you, wait {seconds} seconds, then sign in again with your password. If you have forgotten "
    "it, ask your site administrator to reset it."
)
CLIENT_LOCKED = (
    "There have been too many failed attempts to sign in from your network. "
    "Wait {minutes} minutes and try again."
)
_WAITED = "sign_in_waited"  # in the session: {"email": ..., "since": ISO time}


@functools.cache
def dummy_hash() -> str:
    """What a password is checked against when no account matches, so an unknown address takes
    as long to refuse as a wrong password. Made once, when first needed rather than at import:
    a command such as send-due never signs anyone in, and web workers make it as they start
    (gunicorn.conf.py), so not even the first refusal takes longer."""
    return generate_password_hash("no account has this password")


class SignInRefused(Exception):
    pass


def _client() -> str:
    return request.remote_addr or "unknown"


def _throttles(email: str) -> tuple[SignInThrottle, SignInThrottle]:
    """The address's and this client's rows, made if missing, with stale counts reset."""
    keys = (f"address:{email}", f"client:{_client()}")
    found = {row.key: row for row in db.session.execute(
        select(SignInThrottle).where(SignInThrottle.key.in_(keys))).scalars()}
    window = timedelta(minutes=current_app.config["SIGN_IN_LOCK_MINUTES"])
    now = clock.now()
    rows = []
    for key in keys:
        row = found.get(key)
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure_at=now)
            db.session.add(row)
        elif not _locked(row) and (row.locked_until or row.last_failure_at + window <= now):
            row.failures, row.locked_until = 0, None  # the lock or the window has run out
        rows.append(row)
    return rows[0], rows[1]


def _locked(row: SignInThrottle) -> bool:
    return row.locked_until is not None and row.locked_until > clock.now()


def _has_waited(email: str) -> bool:
    """Whether this browser asked to sign in as `email` during its lock, and waited since.
    Otherwise start the wait. A stranger sending wrong passwords cannot keep the owner of the
    address out; they only make each guess cost a wait."""
    waited = session.get(_WAITED)
    delay = timedelta(seconds=current_app.config["SIGN_IN_LOCKED_DELAY_SECONDS"])
    if waited and waited.get("email") == email:
        since = datetime.fromisoformat(waited["since"])
        if since + delay <= clock.now():
            session.pop(_WAITED)
            return True
        return False
    session[_WAITED] = {"email": email, "since": clock.now().isoformat()}
    return False


def _fail(address: SignInThrottle, client: SignInThrottle) -> SignInRefused:
    config = current_app.config
    now = clock.now()
    lock = now + timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"])
    for row, limit in ((address, config["SIGN_IN_MAX_FAILURES"]),
                       (client, config["SIGN_IN_MAX_CLIENT_FAILURES"])):
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= limit:
            row.locked_until = lock
    # Keep the table to the current window, however many made-up addresses are tried.
    db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.last_failure_at < now - timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"]),
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now)))
    # Read before the commit: afterwards another request may already have removed the rows.
    client_locked, address_locked = _locked(client), _locked(address)
    email = address.key.removeprefix("address:")
    db.session.commit()
    if client_locked:
        return SignInRefused(CLIENT_LOCKED.format(minutes=config["SIGN_IN_LOCK_MINUTES"]))
    if address_locked:
        session[_WAITED] = {"email": email, "since": now.isoformat()}
        return SignInRefused(ADDRESS_LOCKED.format(
            seconds=config["SIGN_IN_LOCKED_DELAY_SECONDS"]))
    return SignInRefused(GENERIC_FAILURE)


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, through the throttle; or SignInRefused
    with a message that never says whether an account exists for the email address."""
    email = normalise_email(email)
    address, client = _throttles(email)
    config = current_app.config
    if _locked(client):
        db.session.commit()
        raise SignInRefused(CLIENT_LOCKED.format(minutes=config["SIGN_IN_LOCK_MINUTES"]))
    if _locked(address) and not _has_waited(email):
        db.session.commit()
        raise SignInRefused(ADDRESS_LOCKED.format(seconds=config["SIGN_IN_LOCKED_DELAY_SECONDS"]))
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    stored = user.password_hash if user is not None else None
    user_id = user.id if user is not None and user.active else None
    # Hash outside any transaction: on SQLite a writing request's transaction holds the
    # database's one write lock from its first statement, and hashing takes a noticeable
    # fraction of a second. So the reads end here (nothing is written yet), the hash is
    # checked, and the throttle is read again and written in a transaction of its own.
    db.session.rollback()
    right = check_password_hash(stored or dummy_hash(), password) and stored is not None
    address, client = _throttles(email)
    if not right or user_id is None:
        raise _fail(address, client)
    _forget(address)
    if client.failures == 0:
        _forget(client)
    db.session.commit()
    return db.session.get(User, user_id)


def _forget(row: SignInThrottle) -> None:
    if inspect(row).pending:
        db.session.expunge(row)
    else:
        db.session.delete(row)


def clear_throttle(email: str) -> None:
    """An administrator's reset lets the person straight in with their new password."""
    db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.key == f"address:{normalise_email(email)}"))


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
