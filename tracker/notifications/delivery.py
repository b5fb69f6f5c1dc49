"""Sending the outbox over SMTP, with retries and backoff; nothing is ever lost.

What is guaranteed (the README's deploy section says the same): every message is sent at
least once, and twice only in one narrow case. A sender claims a small batch with one UPDATE
(unclaimed rows, or claims older than CLAIM_MINUTES from a sender that died), so senders
running at once split the work. Before each message it renews its claim on that message alone
and sends only if the claim is still its own, so a slow relay never lets a second sender take
a message it is about to send. The renewal is committed together with the previous message's
outcome: one commit per message, straight after each send. Each message has an overall time
limit (MESSAGE_SECONDS), so a batch always finishes well inside its claim. The one window: a
sender killed, or a database lost, after the mail server accepted a message and before the
sent time was committed sends that one message again once its claim expires.

One message's failure is recorded on that message and never stops the others. A permanent
refusal (5xx), an unbuildable message or MAX_ATTEMPTS failures mark it failed: it waits on
/admin/outbox, with its last error, for an administrator to retry it by hand.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import secrets
import smtplib
import socket
import ssl
import threading
import time
from datetime import timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import formataddr, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import Row, bindparam, or_, select, update

from tracker import clock
from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.notifications.outbox import in_layout

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


# Delivery runs its statements by the thousand, so each is built once with bind parameters
# (building one costs more than SQLite takes to run it), on the table rather than the model:
# nothing of it is loaded as objects, and the ORM's bookkeeping for an UPDATE costs more than
# the UPDATE.
_outbox = OutboxMessage.__table__
_ID, _IDS, _TOKEN = bindparam("message_id"), bindparam("ids", expanding=True), bindparam("token")
_NOW, _EXPIRED = bindparam("now"), bindparam("expired")  # claims made before EXPIRED are dead


def _claimable():
    c = _outbox.c
    return (c.sent_at.is_(None), c.cancelled_at.is_(None), c.failed_at.is_(None),
            or_(c.claimed_at.is_(None), c.claimed_at < _EXPIRED))


@functools.cache
def _due():
    c = _outbox.c
    return (select(c.id).where(c.next_attempt_at <= _NOW, *_claimable())
            .order_by(c.next_attempt_at, c.id).limit(bindparam("limit")))


@functools.cache
def _claiming():
    # The claim re-checks the conditions, so of two senders that chose the same rows, only the
    # first UPDATE takes each one; it returns what sending them needs.
    c = _outbox.c
    return (update(_outbox).where(c.id.in_(_IDS), *_claimable())
            .values(claimed_by=_TOKEN, claimed_at=_NOW)
            .returning(c.id, c.key, c.to_address, c.subject, c.body_text, c.body_html,
                       c.attempts))


@functools.cache
def _renewal():
    c = _outbox.c
    return (update(_outbox)
            .where(c.id == _ID, c.claimed_by == _TOKEN, c.sent_at.is_(None),
                   c.cancelled_at.is_(None))
            .values(claimed_at=_NOW))


def _ended(**outcome):
    c = _outbox.c
    return (update(_outbox).where(c.id == _ID)
            .values(attempts=c.attempts + 1, claimed_by=None, claimed_at=None, **outcome))


@functools.cache
def _sent():
    return _ended(sent_at=_NOW, last_error="")


@functools.cache
def _failure():
    return _ended(last_error=bindparam("error"), next_attempt_at=bindparam("next_attempt_at"),
                  failed_at=bindparam("failed_at"))


def _claim(token: str, limit: int) -> list[Row]:
    """Up to `limit` messages due now, claimed for this sender (and committed), in id order;
    none only when none are left. Another sender may take the messages chosen between the
    SELECT and the UPDATE: then the next ones are chosen."""
    while True:
        now = clock.now()
        times = {"now": now, "expired": now - timedelta(minutes=CLAIM_MINUTES)}
        ids = db.session.execute(_due(), {**times, "limit": limit}).scalars().all()
        claimed = db.session.execute(_claiming(), {**times, "ids": ids, "token": token}).all() \
            if ids else []
        db.session.commit()
        if claimed or not ids:
            return sorted(claimed, key=lambda message: message.id)


def _renew(message_id: int, token: str) -> bool:
    """Whether the message is still ours, its claim restarted for this one send. The commit
    also records the previous message's outcome."""
    taken = db.session.execute(_renewal(), {"message_id": message_id, "token": token,
                                            "now": clock.now()})
    db.session.commit()
    return taken.rowcount == 1


def _record(statement, message: Row, **values) -> None:
    """The message's outcome, its claim ended; committed with the next renewal or claim."""
    db.session.execute(statement, {"message_id": message.id, **values})


def _release(token: str) -> None:
    """Give back what this sender claimed and did not send, for the next sender at once."""
    db.session.rollback()
    c = _outbox.c
    db.session.execute(update(_outbox).where(c.claimed_by == token, c.sent_at.is_(None))
                       .values(claimed_by=None, claimed_at=None))
    db.session.commit()


# The text and HTML parts in quoted-printable UTF-8: readable as sent, as the default email
# policy would choose, built with the compat32 classes, which cost a fifth as much per message.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


class _Headers(Compat32):
    """compat32, writing a header that is short, printable ASCII as it stands: what compat32
    writes for one (tests hold the two equal), without the Header class, which took most of
    the time of flattening a message."""

    def _as_it_stands(self, name: str, value) -> str | None:
        if isinstance(value, str) and value.isascii() and value.isprintable() and (
                not self.max_line_length
                or len(name) + len(value) + 2 <= self.max_line_length):
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name, value):
        return self._as_it_stands(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._as_it_stands(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


HEADERS = _Headers()


def _part(body: str, subtype: str) -> MIMENonMultipart:
    """A text part in quoted-printable UTF-8: what MIMEText makes (tests hold the two equal),
    without parsing again the Content-Type it has just written, which took half its time."""
    part = MIMENonMultipart("text", subtype, policy=HEADERS, charset="utf-8")
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(_UTF8.body_encode(body.encode("utf-8")))
    return part


def _header(value: str) -> str | Header:
    value = one_line(value)
    return value if value.isascii() else Header(value, "utf-8")


@functools.lru_cache(maxsize=4)
def _from(mail_from: str) -> str:
    return formataddr(parseaddr(one_line(mail_from)), "utf-8")


def _boundary() -> str:
    """A boundary no quoted-printable part can hold: it writes every "=" of its text as "=3D",
    so "=_" never appears in one. Given, it spares the generator searching the parts for a
    boundary that does not occur in them, which took a fifth of the time of building one."""
    return f"=_{secrets.token_hex(16)}"


def _email(message: Row) -> MIMEBase:
    try:
        text = _part(message.body_text, "plain")
        email = (MIMEMultipart("alternative", _boundary(), [
            text, _part(in_layout(message.subject, message.body_html), "html")], policy=HEADERS)
            if message.body_html else text)
        email["Subject"] = _header(message.subject)
        email["From"] = _from(current_app.config["MAIL_FROM"])
        email["To"] = _header(message.to_address)
        email["Message-ID"] = make_msgid(domain="homeward")
        # Lets a mail system drop a duplicate if a crash ever came between send and record.
        email["X-Homeward-Key"] = _header(message.key)
    except (ValueError, TypeError, UnicodeError) as exc:
        raise Permanent(f"The message cannot be built: {exc}") from exc
    return email


class _Watchdog:
    """Shuts the connection's socket when a send's time is up, so a server that trickles its
    replies cannot hold a send (socket timeouts alone restart with every byte). One thread
    for all a sender's messages: a timer thread for each took longer to start than SQLite
    takes to record the message."""

    def __init__(self):
        self._changed = threading.Condition()
        self._smtp: smtplib.SMTP | None = None
        self._deadline: float | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.expired = False

    @contextlib.contextmanager
    def watching(self, smtp: smtplib.SMTP, seconds: float):
        with self._changed:
            self._smtp, self._deadline, self.expired = smtp, time.monotonic() + seconds, False
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, daemon=True,
                                                name="homeward-smtp-watchdog")
                self._thread.start()
            self._changed.notify()
        try:
            yield self
        finally:
            with self._changed:
                self._smtp = self._deadline = None

    def _watch(self) -> None:
        with self._changed:
            while not self._stopped:
                if self._deadline is None:
                    self._changed.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._changed.wait(remaining)
                    continue
                self.expired, self._deadline = True, None
                sock = getattr(self._smtp, "sock", None)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()


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
        self.watchdog = _Watchdog()

    def send(self, email: MIMEBase) -> None:
        smtp = self.smtp or _new_connection()
        with self.watchdog.watching(smtp, MESSAGE_SECONDS) as deadline:
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

    def finish(self) -> None:
        self.close()
        self.watchdog.stop()


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
            for number, message in enumerate(batch):
                if not _renew(message.id, token):  # cancelled meanwhile, or taken after our
                    continue                       # claim expired
                try:
                    went = _send_one(sender, message)
                except Unreachable as exc:
                    # The server is down: every message of the batch waits its backoff.
                    for waiting in batch[number:]:
                        _failed(waiting, str(exc))
                    db.session.commit()
                    return sent, failed + len(batch) - number
                sent += went
                failed += not went
        db.session.commit()
    finally:
        sender.finish()
        _release(token)
    return sent, failed


def _send_one(sender: _Sender, message: Row) -> bool:
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
        _record(_sent(), message, now=clock.now())
        return True
    return False


def _failed(message: Row, error: str, *, permanent: bool = False) -> None:
    attempts = message.attempts + 1
    _record(_failure(), message, error=error[:2000],
            next_attempt_at=clock.now() + backoff(attempts),
            failed_at=clock.now() if permanent or attempts >= MAX_ATTEMPTS else None)
