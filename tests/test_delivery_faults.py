"""Delivery under faults, against real SMTP servers on loopback that refuse, drop and stall:
one message's failure never stops the others, nothing is sent twice, nothing is stuck; and a
real `flask send-due` killed mid-send loses nothing and doubles only the documented message."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import bindparam, func, select

from tracker import clock
from tracker.extensions import db
from tracker.models import OutboxMessage, Role
from tracker.notifications import delivery

NOW = datetime(2026, 11, 23, 12, 0)


class Server:
    """An aiosmtpd handler: `script` gives, per message received, the reply or "drop"."""

    def __init__(self):
        self.received = []
        self.script: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        reply = self.script.pop(0) if self.script else "250 OK"
        if reply == "drop":
            server.transport.close()
            return "250 OK"
        if reply.startswith("250"):
            self.received.append(envelope)
        return reply


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _use_server(app, port: int) -> None:
    from flask import current_app

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_STARTTLS=False,
                      MAIL_USE_TLS=False, MAIL_USERNAME="")
    current_app.config.update(app.config)


@pytest.fixture
def server(app):
    handler = Server()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    _use_server(app, port)
    yield handler
    controller.stop()


@pytest.fixture
def now(monkeypatch):
    moment = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


def _queue(count: int, member, subject="Due today: action {}") -> list[OutboxMessage]:
    person = member(Role.STEERING)
    messages = [OutboxMessage(key=f"test:{i}", kind="reminder", recipient_id=person.id,
                              to_address=person.email, subject=subject.format(i),
                              body_text="Hello", next_attempt_at=NOW - timedelta(minutes=1))
                for i in range(count)]
    db.session.add_all(messages)
    db.session.commit()
    return messages


def _states() -> dict[str, int]:
    db.session.expire_all()
    found: dict[str, int] = {}
    for m in db.session.execute(select(OutboxMessage)).scalars():
        found[m.state] = found.get(m.state, 0) + 1
        assert m.claimed_by is None, "no claim is left behind"
    return found


def test_a_line_break_in_a_subject_is_sent_on_one_line_and_stops_nothing(app, server, member,
                                                                         now):
    _queue(3, member, subject="Action {}\nBcc: everyone@example.org")
    assert delivery.deliver() == (3, 0)
    first = server.received[0].content.decode()
    assert "Subject: Action 0 Bcc: everyone@example.org" in first
    assert "\nBcc:" not in first


def test_a_permanent_refusal_fails_at_once_and_can_be_retried_by_hand(
        app, server, member, now, client, auth, create_user):
    messages = _queue(3, member)
    server.script = ["250 OK", "550 No such mailbox", "250 OK"]
    assert delivery.deliver() == (2, 1)
    assert _states() == {"Sent": 2, "Failed": 1}
    now["now"] = NOW + timedelta(days=1)
    assert delivery.deliver() == (0, 0), "a failed message is not tried again by itself"
    auth.login(create_user(admin_=True))
    page = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "550 No such mailbox" in page and "Retry now" in page
    client.post(f"/admin/outbox/{messages[1].id}/retry")
    assert delivery.deliver() == (1, 0)
    assert len(server.received) == 3


def test_temporary_refusals_stop_after_a_bounded_number_of_attempts(app, server, member, now):
    _queue(1, member)
    server.script = ["451 Try later"] * (delivery.MAX_ATTEMPTS + 1)
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        assert delivery.deliver() == (0, 1)
        now["now"] += delivery.backoff(attempt) + timedelta(seconds=1)
    assert _states() == {"Failed": 1}
    assert delivery.deliver() == (0, 0)


def test_a_dropped_connection_is_reopened_for_the_rest(app, server, member, now):
    _queue(6, member)
    server.script = ["250 OK", "drop"]
    sent, failed = delivery.deliver()
    assert (sent, failed) == (5, 1)
    assert len(server.received) == 5
    assert _states() == {"Sent": 5, "Failing": 1}


def test_a_server_that_refuses_connections_leaves_everything_waiting(app, member, now):
    _use_server(app, _free_port())  # nothing listens there
    _queue(4, member)
    assert delivery.deliver() == (0, 4)
    assert _states() == {"Failing": 4}


def test_a_server_that_trickles_its_reply_cannot_hold_delivery(app, member, now, monkeypatch):
    monkeypatch.setattr(delivery, "MESSAGE_SECONDS", 1)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def trickle():
        conn, _ = listener.accept()
        with conn:
            while not stop.is_set():  # a byte of greeting every tenth of a second, for ever
                try:
                    conn.sendall(b"2")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    _use_server(app, listener.getsockname()[1])
    _queue(2, member)
    started = time.monotonic()
    delivery.deliver()
    assert time.monotonic() - started < 10
    assert _states() == {"Failing": 2}
    stop.set()
    listener.close()


def test_a_sender_whose_claim_expired_never_sends_what_another_took(app, server, member, now):
    _queue(3, member)
    slow = delivery._claim("slow-sender", 10)
    assert len(slow) == 3
    now["now"] = NOW + timedelta(minutes=delivery.CLAIM_MINUTES + 1)
    assert delivery.deliver() == (3, 0)  # the slow sender's claim had expired
    assert not any(delivery._renew(m.id, "slow-sender") for m in slow)
    assert len(server.received) == 3


def test_a_sender_that_chose_messages_another_took_goes_on_to_the_next(app, server, member,
                                                                      now, monkeypatch):
    queued = [m.id for m in _queue(4, member)]
    taken = delivery._claim("quicker-sender", 2)
    # Our SELECT chose the same first two, as it would had the other sender's UPDATE come
    # between our SELECT and our UPDATE.
    real_due = delivery._due
    c = OutboxMessage.__table__.c
    choices = [select(c.id).order_by(c.id).limit(bindparam("limit"))]
    monkeypatch.setattr(delivery, "_due", lambda: choices.pop() if choices else real_due())
    mine = delivery._claim("slower-sender", 2)
    assert [m.id for m in taken] == queued[:2]
    assert [m.id for m in mine] == queued[2:], "not none: the next two"


def test_a_live_claim_is_left_alone_and_a_dead_senders_claim_expires(app, server, member, now):
    _queue(2, member)
    delivery._claim("killed-sender", 10)
    assert delivery.deliver() == (0, 0)
    now["now"] = NOW + timedelta(minutes=delivery.CLAIM_MINUTES + 1)
    assert delivery.deliver() == (2, 0)


def test_a_sender_that_fails_mid_batch_releases_its_claims(app, server, member, now,
                                                           monkeypatch):
    _queue(4, member)
    real = delivery._send_one
    calls = []

    def database_lost_after_two(sender, message):
        calls.append(message.id)
        if len(calls) == 3:
            raise RuntimeError("database is locked")
        return real(sender, message)

    monkeypatch.setattr(delivery, "_send_one", database_lost_after_two)
    with pytest.raises(RuntimeError):
        delivery.deliver()
    assert _states() == {"Sent": 2, "Waiting": 2}
    monkeypatch.setattr(delivery, "_send_one", real)
    assert delivery.deliver() == (2, 0), "released at once, not after the claim expires"
    assert len(server.received) == 4



def test_a_scheduler_down_at_reminder_time_catches_up_once_on_start(app, member, programme,
                                                                     monkeypatch):
    from tracker.actions import services as actions
    from tracker.scheduler import catch_up

    lead = member(Role.LEAD)
    for i in range(3):
        actions.create_action(programme, title=f"Due {i}", actor=None, owner=lead,
                              due_date=date(2026, 11, 23))
    db.session.commit()
    # Monday 23 November 2026, 07:00:30 in London (UTC in winter): 30 s after both jobs' time
    # (reminders 07:00 and, with DIGEST_TIME at 07:00, the digest) while the scheduler was down.
    app.config.update(DIGEST_TIME="07:00")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 7, 0, 30))
    assert catch_up(app) == ["reminders", "health", "digest"]
    queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert queued == 4  # three reminders and the lead's digest
    assert catch_up(app) == [], "a second start finds nothing missed"
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 24, 6, 59))
    assert catch_up(app) == [], "before Tuesday's time nothing is due"
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 24, 9, 0))
    assert catch_up(app) == ["reminders", "health"]


class _KillingSink:
    """A slow mail server that, on receiving message number `kill_at`, SIGKILLs the sender
    before answering: the message has arrived, but the sender never learns it went."""

    def __init__(self, kill_at: int):
        self.kill_at = kill_at
        self.keys: list[str] = []
        self.sender: subprocess.Popen | None = None

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)  # a slow relay: the batch is mid-send when the kill comes
        self.keys.append(BytesParser().parsebytes(envelope.content)["X-Homeward-Key"])
        if len(self.keys) == self.kill_at and self.sender is not None:
            os.kill(self.sender.pid, signal.SIGKILL)
            await asyncio.sleep(0.2)
        return "250 OK"


@pytest.mark.commits  # a real `flask send-due` process reads the queued rows
def test_a_sender_killed_mid_send_loses_nothing_and_sends_one_message_twice(
        app, member, database_url, monkeypatch):
    count, kill_at = 25, 13  # the kill comes in the second batch of CLAIM_BATCH
    sink = _KillingSink(kill_at)
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _queue(count, member)
        env = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
               "MAIL_PORT": str(port), "MAIL_USE_STARTTLS": "0", "MAIL_USE_TLS": "0",
               "MAIL_USERNAME": "", "SECRET_KEY": "test-secret-key-not-for-production"}
        sink.sender = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tracker", "send-due", "--no-digest"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = sink.sender.communicate(timeout=60)[0].decode()
        assert sink.sender.returncode == -signal.SIGKILL, output

        db.session.expire_all()
        rows = db.session.execute(select(OutboxMessage)).scalars().all()
        assert sum(m.sent_at is not None for m in rows) == kill_at - 1
        stuck = [m for m in rows if m.claimed_by is not None]
        # Only the dead sender's batch in hand waits for its claim to expire: the message in
        # flight and the rest of its batch of ten.
        assert len(stuck) == 2 * delivery.CLAIM_BATCH - kill_at + 1
        assert all(m.claimed_at >= clock.now() - timedelta(minutes=1) for m in stuck)

        _use_server(app, port)
        # A second sender at once sends everything not claimed, and leaves the claimed alone.
        assert delivery.deliver() == (count - 2 * delivery.CLAIM_BATCH, 0)
        # Once the claim time has passed, the rest goes.
        later = clock.now() + timedelta(minutes=delivery.CLAIM_MINUTES, seconds=1)
        monkeypatch.setattr(clock, "now", lambda: later)
        assert delivery.deliver() == (len(stuck), 0)
    finally:
        controller.stop()

    assert _states() == {"Sent": count}  # and nothing is left claimed
    # The documented window, exactly: the one message the server took as the sender died.
    assert sorted(set(sink.keys)) == sorted(f"test:{i}" for i in range(count))
    assert len(sink.keys) == count + 1
    assert sink.keys.count(f"test:{kill_at - 1}") == 2
