"""Sending the outbox over SMTP, with retries and backoff; nothing is ever lost.

What is guaranteed (the README's deploy section says the same): every message is sent at
least once, and twice only in one narrow case. A sender claims a small batch with one UPDATE
(unclaimed rows, or claims older than CLAIM_MINUTES from a sender that died), so senders
running at once split the work. Before each message it renews its claim on that message alone
and sends only if the claim is still its own, so a slow relay never lets a second sender take
a message it is about to send. Each message has an overall time limit (MESSAGE_SECONDS), so a
batch always finishes well inside its claim. The one window: a sender killed, or a database
lost, after the mail server accepted a message and before the sent time was recorded sends
that one message again once its claim expires.

One message's failure is recorded on that message and never stops the others. A permanent
refusal (5xx), an unbuildable message or MAX_ATTEMPTS failures mark it failed: it waits on
/admin/outbox, with its last error, for an administrator to retry it by hand.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import smtplib
import socket
import ssl
import threading
from datetime import timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import or_, select, update

from tracker import clock
from tracker.extensions import db
from tracker.models import OutboxMessage

log = logging.getLogger(__name__)

CLAIM_MINUTES = 10
CLAIM_BATCH = 10
MESSAGE_SECONDS = 45  # connecting included; CLAIM_BATCH of these stay inside CLAIM_MINUTES
SOCKET_SECONDS = 30
MAX_ATTEMPTS = 8  # about four hours of backoff: 1, 2, 4 ... 64 minutes
MAX_BACKOFF_MINUTES = 6 * 60


class Permanent(Exception):
    """A message that cannot be sent however often it is tried."""


class Unreachable(Exception):
    """No connection to the mail server could be opened: the rest of the batch waits."""


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after each failure, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))


def one_line(value: str) -> str:
    """A header value on one line: a line break in a title must not reach a header."""
    return " ".join(value.split())


# The claims' UPDATEs are committed at once, which expires every loaded message anyway: matching
# them against the messages in the session first costs more than the statement.
_UNSYNCHRONISED = {"synchronize_session": False}


def _claimable(now):
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            or_(OutboxMessage.claimed_at.is_(None),
                OutboxMessage.claimed_at < now - timedelta(minutes=CLAIM_MINUTES)))


def _claim(token: str, limit: int) -> list[int]:
    now = clock.now()
    ids = list(db.session.execute(
        select(OutboxMessage.id)
        .where(OutboxMessage.next_attempt_at <= now, *_claimable(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).scalars())
    if not ids:
        db.session.commit()
        return []
    # The claim re-checks the conditions, so of two senders that chose the same rows, only
    # the first UPDATE takes each one.
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids), *_claimable(now))
        .values(claimed_by=token, claimed_at=now),
        execution_options=_UNSYNCHRONISED)
    db.session.commit()
    # Among the rows chosen (by key): the token has no index, and a whole outbox is large.
    return list(db.session.execute(
        select(OutboxMessage.id).where(OutboxMessage.id.in_(ids),
                                       OutboxMessage.claimed_by == token,
                                       OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)).scalars())


def _renew(message_id: int, token: str) -> OutboxMessage | None:
    """The message, if it is still ours, its claim restarted for this one send."""
    taken = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token,
               OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None))
        .values(claimed_at=clock.now()),
        execution_options=_UNSYNCHRONISED)
    db.session.commit()
    if taken.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id)


def _release(token: str) -> None:
    """Give back what this sender claimed and did not send, for the next sender at once."""
    db.session.rollback()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.sent_at.is_(None))
        .values(claimed_by=None, claimed_at=None),
        execution_options=_UNSYNCHRONISED)
    db.session.commit()


# The text and HTML parts in quoted-printable UTF-8: readable as sent, as the default email
# policy would choose, built with the compat32 classes, which cost a fifth as much per message.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def _header(value: str) -> str | Header:
    value = one_line(value)
    return value if value.isascii() else Header(value, "utf-8")


def _email(message: OutboxMessage) -> MIMEBase:
    config = current_app.config
    try:
        name, address = parseaddr(one_line(config["MAIL_FROM"]))
        text = MIMEText(message.body_text, "plain", _UTF8)
        email = (MIMEMultipart("alternative", _subparts=[
            text, MIMEText(message.body_html, "html", _UTF8)]) if message.body_html else text)
        email["Subject"] = _header(message.subject)
        email["From"] = formataddr((name, address), "utf-8")
        email["To"] = _header(message.to_address)
        email["Message-ID"] = make_msgid(domain="homeward")
        # Lets a mail system drop a duplicate if a crash ever came between send and record.
        email["X-Homeward-Key"] = _header(message.key)
    except (ValueError, TypeError, UnicodeError) as exc:
        raise Permanent(f"The message cannot be built: {exc}") from exc
    return email


class _Deadline:
    """Shuts the connection's socket when time is up, so a server that trickles its replies
    cannot hold a send (socket timeouts alone restart with every byte)."""

    def __init__(self, smtp: smtplib.SMTP, seconds: float):
        self.smtp = smtp
        self.expired = False
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def _expire(self) -> None:
        self.expired = True
        sock = getattr(self.smtp, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *_exc):
        self.timer.cancel()


def _new_connection() -> smtplib.SMTP:
    if current_app.config["MAIL_USE_TLS"]:
        return smtplib.SMTP_SSL(timeout=SOCKET_SECONDS, context=ssl.create_default_context())
    return smtplib.SMTP(timeout=SOCKET_SECONDS)


def _open(smtp: smtplib.SMTP) -> None:
    config = current_app.config
    smtp.connect(config["MAIL_SERVER"], config["MAIL_PORT"])
    if config["MAIL_USE_STARTTLS"] and not config["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])


def _describe(exc: Exception) -> str:
    """The server's reply as an administrator reads it, e.g. "550 No such mailbox"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {reply.decode(errors='replace')}"
                         for address, (code, reply) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{exc.smtp_code} {text}"
    return str(exc) or exc.__class__.__name__


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


class _Sender:
    """One SMTP connection, opened when first needed and again after it breaks."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None

    def send(self, email: MIMEBase) -> None:
        smtp = self.smtp or _new_connection()
        with _Deadline(smtp, MESSAGE_SECONDS) as deadline:
            if self.smtp is None:
                try:
                    _open(smtp)
                except (OSError, smtplib.SMTPException) as exc:
                    smtp.close()
                    raise Unreachable(f"Could not connect to the mail server: {exc}") from exc
                self.smtp = smtp
            try:
                smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as exc:
                if deadline.expired or not isinstance(exc, smtplib.SMTPResponseException) \
                        or exc.smtp_code == 421:
                    self.close()  # broken or timed out: the next message reconnects
                if deadline.expired:
                    raise TimeoutError(f"The mail server took longer than {MESSAGE_SECONDS} "
                                       "seconds") from exc
                raise

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()


def deliver(limit: int = 500) -> tuple[int, int]:
    """Send what is due, at most `limit` messages; returns (sent, failed). Without an SMTP
    server configured, messages stay in the outbox for the administrator's outbox page and
    each person's notifications."""
    if not smtp_configured():
        return 0, 0
    sent = failed = 0
    token = secrets.token_hex(16)
    sender = _Sender()
    try:
        while sent + failed < limit:
            batch = _claim(token, min(CLAIM_BATCH, limit - sent - failed))
            if not batch:
                break
            for number, message_id in enumerate(batch):
                message = _renew(message_id, token)
                if message is None:  # cancelled meanwhile, or taken after our claim expired
                    continue
                try:
                    went = _send_one(sender, message)
                except Unreachable as exc:
                    # The server is down: every message of the batch waits its backoff.
                    waiting = [message, *(db.session.get(OutboxMessage, i)
                                          for i in batch[number + 1:])]
                    for m in waiting:
                        _failed(m, str(exc))
                    db.session.commit()
                    return sent, failed + len(waiting)
                sent += went
                failed += not went
                db.session.commit()
    finally:
        sender.close()
        _release(token)
    return sent, failed


def _send_one(sender: _Sender, message: OutboxMessage) -> bool:
    """Send one message and record the outcome on it; True when it went."""
    try:
        sender.send(_email(message))
    except Permanent as exc:
        _failed(message, str(exc), permanent=True)
    except (OSError, smtplib.SMTPException) as exc:
        _failed(message, _describe(exc), permanent=_is_permanent(exc))
    except Unreachable:
        raise
    except Exception as exc:  # one message's fault, whatever it is, must not stop the rest
        log.exception("message %s could not be sent", message.id)
        _failed(message, f"{exc.__class__.__name__}: {exc}", permanent=True)
    else:
        message.sent_at = clock.now()
        message.attempts += 1
        message.last_error = ""
        message.claimed_by = None
        message.claimed_at = None
        return True
    return False


def _failed(message: OutboxMessage, error: str, *, permanent: bool = False) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.next_attempt_at = clock.now() + backoff(message.attempts)
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.failed_at = clock.now()
    message.claimed_by = None
    message.claimed_at = None
