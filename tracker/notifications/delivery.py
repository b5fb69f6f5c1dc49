"""Sending the outbox over SMTP, with retries and backoff; nothing is ever lost.

A sender first claims a batch with one UPDATE (only unclaimed rows, or claims older than
CLAIM_MINUTES from a sender that died), so two senders running at once split the work
instead of both sending it.
"""

from __future__ import annotations

import secrets
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from tracker import clock
from tracker.extensions import db
from tracker.models import OutboxMessage

CLAIM_MINUTES = 10
MAX_BACKOFF_MINUTES = 6 * 60


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after each failure, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))


def _claim(limit: int) -> list[OutboxMessage]:
    now = clock.now()
    token = secrets.token_hex(16)
    pending = (
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None),
               OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_at.is_(None),
                   OutboxMessage.claimed_at < now - timedelta(minutes=CLAIM_MINUTES)))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    ids = list(db.session.execute(pending).scalars())
    if not ids:
        return []
    # The claim re-checks the conditions, so of two senders that chose the same rows, only
    # the first UPDATE takes each one.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None),
               or_(OutboxMessage.claimed_at.is_(None),
                   OutboxMessage.claimed_at < now - timedelta(minutes=CLAIM_MINUTES)))
        .values(claimed_by=token, claimed_at=now)
    )
    db.session.commit()
    return list(db.session.execute(
        select(OutboxMessage).where(OutboxMessage.claimed_by == token)
        .order_by(OutboxMessage.id)).scalars())


def _email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Message-ID"] = make_msgid(domain="homeward")
    # Lets a mail system drop a duplicate if a crash ever came between send and record.
    email["X-Homeward-Key"] = message.key
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config["MAIL_USE_TLS"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=30, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=30)
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def deliver(limit: int = 500) -> tuple[int, int]:
    """Send what is due; returns (sent, failed). Without an SMTP server configured, messages
    stay in the outbox for the administrator's outbox page and each person's notifications."""
    if not smtp_configured():
        return 0, 0
    sent = failed = 0
    while True:
        batch = _claim(limit)
        if not batch:
            return sent, failed
        try:
            smtp = _connect()
        except (OSError, smtplib.SMTPException) as exc:
            for message in batch:
                _failed(message, f"Could not connect to the mail server: {exc}")
            db.session.commit()
            return sent, failed + len(batch)
        with smtp:
            for message in batch:
                try:
                    smtp.send_message(_email(message))
                except (OSError, smtplib.SMTPException) as exc:
                    _failed(message, str(exc))
                    failed += 1
                else:
                    message.sent_at = clock.now()
                    message.attempts += 1
                    message.last_error = ""
                    sent += 1
                message.claimed_by = None
                message.claimed_at = None
                db.session.commit()
        if len(batch) < limit:
            return sent, failed


def _failed(message: OutboxMessage, error: str) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.next_attempt_at = clock.now() + backoff(message.attempts)
    message.claimed_by = None
    message.claimed_at = None
