"""Reminders, the digest, the outbox and delivery over a real SMTP server on loopback."""

import re
import threading
from datetime import date, datetime, timedelta

import pytest
from flask import template_rendered
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tracker import clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.models import Action, ActionStatus, OutboxMessage, Role
from tracker.notifications import jobs
from tracker.plan import services as plan
from tracker.scheduler import run_once

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def at(monkeypatch):
    """Freeze the clock at a London date (noon)."""

    def freeze(day: date, hour: int = 12):
        monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, hour))

    freeze(TODAY)
    return freeze


def _count(**where) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return db.session.execute(query).scalar()


@pytest.mark.parametrize("due_offset, window", [
    (4, None), (3, "before"), (1, "before"), (0, "due"), (-1, "overdue"), (-7, "overdue"),
    (-8, "overdue"),
])
def test_reminder_windows(due_offset, window):
    found = jobs.reminder_window(TODAY + timedelta(days=due_offset), TODAY, 3)
    assert (found[0] if found else None) == window


def test_overdue_reminders_are_weekly():
    due = TODAY
    keys = {jobs.reminder_window(due, due + timedelta(days=d), 3)[1] for d in range(1, 22)}
    assert len(keys) == 3  # days 1–7, 8–14, 15–21


def test_each_window_is_queued_once(app, programme, member, at):
    owner = member(Role.STEERING)
    actions.create_action(programme, title="Brief IROs", actor=None, owner=owner,
                          due_date=TODAY + timedelta(days=3))
    db.session.commit()
    for day in range(0, 12):  # the scheduler runs every day, and twice on some
        at(TODAY + timedelta(days=day))
        jobs.queue_reminders()
        jobs.queue_reminders()
    kinds = db.session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars().all()
    assert kinds == ["reminder_before", "reminder_due", "reminder_overdue", "reminder_overdue"]


def test_reminder_days_are_each_persons_choice(programme, member, at):
    owner = member(Role.STEERING)
    owner.reminder_days_before = 7
    actions.create_action(programme, title="X", actor=None, owner=owner,
                          due_date=TODAY + timedelta(days=6))
    db.session.commit()
    assert jobs.queue_reminders() == 1


def test_opt_out_and_finished_actions_get_no_reminder(programme, member, at):
    quiet = member(Role.STEERING)
    quiet.email_reminders = False
    busy = member(Role.STEERING)
    actions.create_action(programme, title="Quiet", actor=None, owner=quiet, due_date=TODAY)
    actions.create_action(programme, title="Done", actor=None, owner=busy, due_date=TODAY,
                          status=ActionStatus.DONE)
    actions.create_action(programme, title="Named", actor=None, owner_name="Head of Housing",
                          due_date=TODAY)
    db.session.commit()
    assert jobs.queue_reminders() == 0


def test_delivery_over_smtp_with_a_link_to_preferences(app, smtp, programme, member, at):
    owner = member(Role.STEERING, email="owner@example.org")
    action = actions.create_action(programme, title="Book the venue", actor=None, owner=owner,
                                   due_date=TODAY)
    db.session.commit()
    counts = run_once(app)
    assert counts["reminders"] == 1 and counts["sent"] == 1
    assert len(smtp.messages) == 1
    email = smtp.messages[0]
    assert email.rcpt_tos == ["owner@example.org"]
    text = email.content.decode()
    assert "Due today: Book the venue" in text
    assert f"/a/testshire/actions/{action.id}" in text
    assert "/account#notifications" in text
    assert "text/html" in text
    db.session.expire_all()
    assert _count() == 1 and db.session.execute(select(OutboxMessage)).scalar_one().sent_at


def test_the_html_part_is_sent_in_the_layout_that_is_stored_once(app, smtp, programme, member,
                                                                 at):
    from email import policy
    from email.parser import BytesParser

    owner = member(Role.STEERING, email="owner@example.org")
    actions.create_action(programme, title="Book <the> venue", actor=None, owner=owner,
                          due_date=TODAY)
    db.session.commit()
    jobs.queue_reminders(TODAY)
    stored = db.session.execute(select(OutboxMessage.body_html)).scalar_one()
    assert "Book &lt;the&gt; venue" in stored and "<!DOCTYPE" not in stored
    assert run_once(app)["sent"] == 1
    email = BytesParser(policy=policy.default).parsebytes(smtp.messages[0].content)
    html = email.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert html.startswith("<!DOCTYPE html>") and html.count("<html") == 1
    assert "<title>Due today: Book &lt;the&gt; venue</title>" in html
    assert stored in html
    assert re.search(r'href="http[^"]*/account#notifications"', html)


def test_rerun_sends_nothing_twice(app, smtp, programme, member, at):
    owner = member(Role.STEERING)
    actions.create_action(programme, title="Once only", actor=None, owner=owner, due_date=TODAY)
    db.session.commit()
    run_once(app)
    run_once(app)
    run_once(app)
    assert len(smtp.messages) == 1


@pytest.mark.commits  # two threads, each with its own connection
def test_two_schedulers_at_once_send_each_message_once(app, smtp, programme, member, at):
    owners = [member(Role.STEERING) for _ in range(5)]
    for i in range(40):
        actions.create_action(programme, title=f"Action {i}", actor=None,
                              owner=owners[i % 5], due_date=TODAY)
    db.session.commit()
    errors = []

    def scheduler():
        try:
            run_once(app)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    run_once(app)
    assert len(smtp.messages) == 40
    subjects = [m.content.decode().split("Subject: ")[1].split("\n")[0] for m in smtp.messages]
    assert len(set(subjects)) == 40


def test_a_refusal_is_kept_and_retried_with_backoff(app, smtp, programme, member, at):
    owner = member(Role.STEERING)
    actions.create_action(programme, title="Retry me", actor=None, owner=owner, due_date=TODAY)
    db.session.commit()
    smtp.refuse = 1
    assert run_once(app)["failed"] == 1
    db.session.expire_all()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == 1 and "451" in message.last_error and message.sent_at is None
    assert run_once(app)["sent"] == 0  # not before its backoff has passed
    at(TODAY, hour=13)
    assert run_once(app)["sent"] == 1
    assert len(smtp.messages) == 1


def test_without_a_mail_server_messages_wait_in_the_outbox(app, client, auth, programme, member,
                                                           create_user, at):
    owner = member(Role.STEERING)
    actions.create_action(programme, title="Waits", actor=None, owner=owner, due_date=TODAY)
    db.session.commit()
    assert run_once(app) == {"reminders": 1, "digests": 0, "sent": 0, "failed": 0}
    auth.login(owner)
    assert "Due today: Waits" in client.get("/notifications").get_data(as_text=True)
    auth.logout()
    auth.login(create_user(admin_=True))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Due today: Waits" in page and "No mail server is set" in page
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    client.post(f"/admin/outbox/{message.id}/cancel")
    db.session.refresh(message)
    assert message.cancelled_at is not None


def test_weekly_digest_for_a_consultant_with_two_authorities(app, smtp, create_authority,
                                                             programme, create_user, add_member,
                                                             authority, at):
    other = create_authority("Otherton Council", slug="otherton")
    consultant = create_user("consultant@example.org", "Connie Consultant")
    add_member(consultant, authority, Role.CONSULTANT)
    add_member(consultant, other, Role.CONSULTANT)
    lead = create_user("lead@example.org", "Lee Lead")
    add_member(lead, authority, Role.LEAD)
    champion = create_user("champ@example.org")
    add_member(champion, authority, Role.CHAMPION)
    from tracker.models import Programme
    other_programme = db.session.execute(select(Programme).where(
        Programme.authority_id == other.id)).scalar_one()
    actions.create_action(programme, title="Late in Testshire", actor=None, owner=lead,
                          due_date=TODAY - timedelta(days=5))
    actions.create_action(other_programme, title="Soon in Otherton", actor=None,
                          owner_name="Head of Service", due_date=TODAY + timedelta(days=4))
    plan.create_milestone(other_programme, None, title="Otherton launch",
                          target_date=TODAY + timedelta(days=20))
    db.session.commit()
    counts = run_once(app)  # Monday is digest day by default
    assert counts["digests"] == 2
    digests = {m.rcpt_tos[0]: m.content.decode() for m in smtp.messages
               if "Your Homeward week" in m.content.decode()}
    assert set(digests) == {"consultant@example.org", "lead@example.org"}
    mail = digests["consultant@example.org"]
    for text in ("Testshire County Council", "Otherton Council", "Late in Testshire (5 days overdue)",
                 "Soon in Otherton", "Otherton launch", "Overdue actions, by owner"):
        assert text in mail, text
    assert "Otherton" not in digests["lead@example.org"]
    assert run_once(app, digest=True)["digests"] == 0  # once a week


def test_ten_thousand_due_actions_in_one_pass(app, programme, member, at, count_queries):
    owners = [member(Role.STEERING) for _ in range(20)]
    db.session.execute(Action.__table__.insert(), [
        {"programme_id": programme.id, "title": f"Action {i}", "details": "",
         "owner_id": owners[i % 20].id, "owner_name": "", "dropped_reason": "",
         "due_date": TODAY + timedelta(days=i % 5 - 2), "status": "open",
         "created_at": clock.now(), "updated_at": clock.now(), "version": 1}
        for i in range(10_000)])
    db.session.commit()
    rendered = []

    def on_render(sender, template, context, **extra):
        rendered.append(template.name)

    with count_queries() as first:
        queued = jobs.queue_reminders()
    with count_queries() as again, template_rendered.connected_to(on_render):
        assert jobs.queue_reminders() == 0
    assert queued == 10_000
    # A read, a membership check and an insert per batch of actions (memory stays bounded) and a
    # look-up per 500 keys, never a query per action; a rerun renders nothing.
    batches = -(-10_000 // jobs.REMINDER_BATCH)
    assert first.count <= 1 + 10_000 // 500 + 3 * batches
    assert again.count <= 1 + 10_000 // 500 + 2 * batches
    assert rendered == []


def test_send_due_command(runner, programme, member, at):
    owner = member(Role.STEERING)
    actions.create_action(programme, title="By hand", actor=None, owner=owner, due_date=TODAY)
    db.session.commit()
    result = runner.invoke(args=["send-due", "--no-digest"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 reminders and 0 digests" in result.output
    assert re.search(r"; in \d+\.\d s\.", result.output)  # how long the pass took
    assert "No MAIL_SERVER is set" in result.output


def test_passes_from_cron_take_the_days_health_snapshots_once(app, programme, at,
                                                              monkeypatch):
    from tracker.health import snapshots

    taken = []
    real = snapshots.daily
    monkeypatch.setattr(snapshots, "daily", lambda today: taken.append(today) or real(today))
    # REMINDER_TIME is 07:00: a pass before it, two after it, and one the next morning.
    for day, hour in ((TODAY, 6), (TODAY, 8), (TODAY, 9), (TODAY + timedelta(days=1), 8)):
        at(day, hour)
        run_once(app)
    assert taken == [TODAY, TODAY, TODAY + timedelta(days=1)]


def test_scheduler_has_its_jobs(app):
    from tracker.scheduler import build

    jobs_by_id = {job.id: job for job in build(app).get_jobs()}
    assert set(jobs_by_id) == {"reminders", "digest", "deliver", "health"}
    assert "hour='7'" in str(jobs_by_id["health"].trigger)
    assert "hour='7'" in str(jobs_by_id["reminders"].trigger)
    assert "day_of_week='mon'" in str(jobs_by_id["digest"].trigger)


def test_email_choices_on_the_account_page(client, auth, member):
    user = member(Role.STEERING)
    auth.login(user)
    bad = client.post("/account", data={"form": "notifications",
                                         "notifications-reminder_days_before": "30"})
    assert "Enter a number of days from 1 to 14" in bad.get_data(as_text=True)
    client.post("/account", data={"form": "notifications",
                                  "notifications-reminder_days_before": "5",
                                  "notifications-email_digest": "y"})
    db.session.refresh(user)
    assert (user.reminder_days_before, user.email_reminders, user.email_digest) == (5, False, True)


def test_in_app_notification_links_are_relative_and_only_emails_use_base_url(
        app, client, auth, smtp, programme, member, at):
    app.config["BASE_URL"] = "https://homeward.example.gov.uk"
    from flask import current_app
    current_app.config.update(app.config)
    owner = member(Role.STEERING)
    action = actions.create_action(programme, title="Book the venue", actor=None, owner=owner,
                                   due_date=TODAY)
    db.session.commit()
    run_once(app)
    text = smtp.messages[0].content.decode()
    assert f"https://homeward.example.gov.uk/a/testshire/actions/{action.id}" in text
    auth.login(owner)
    page = client.get("/notifications").get_data(as_text=True)
    assert f'href="/a/testshire/actions/{action.id}"' in page
    assert "homeward.example.gov.uk" not in page


def test_the_header_counts_notifications_until_they_are_opened(app, client, auth, programme,
                                                               member, at):
    owner = member(Role.STEERING)
    auth.login(owner)
    assert "app-count" not in client.get("/account").get_data(as_text=True)
    for title in ("Book the venue", "Send the invitations"):
        actions.create_action(programme, title=title, actor=None, owner=owner, due_date=TODAY)
    db.session.commit()
    run_once(app)
    page = client.get("/account").get_data(as_text=True)
    assert '<span class="app-count">2<span class="govuk-visually-hidden"> unread</span>' in page
    client.get("/notifications")
    assert "app-count" not in client.get("/account").get_data(as_text=True)


def test_a_message_in_other_scripts_arrives_as_written(app, smtp, programme, member, at):
    from email import policy
    from email.parser import BytesParser

    app.config["MAIL_FROM"] = "Équipe Homeward <homeward@example.org>"
    owner = member(Role.STEERING, email="owner@example.org", name="Siân Ó Dálaigh")
    actions.create_action(programme, title="Café plan – ‘first’ draft", actor=None,
                          owner=owner, due_date=TODAY)
    db.session.commit()
    assert run_once(app)["sent"] == 1
    email = BytesParser(policy=policy.default).parsebytes(smtp.messages[0].content)
    assert email["Subject"] == "Due today: Café plan – ‘first’ draft"
    assert email["From"].addresses[0].display_name == "Équipe Homeward"
    assert email["From"].addresses[0].addr_spec == "homeward@example.org"
    assert email["To"] == "owner@example.org"
    assert email.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in email.iter_parts())
    assert "Hello Siân Ó Dálaigh," in text and "Café plan – ‘first’ draft" in text
    assert "Siân Ó Dálaigh" in html


def test_a_message_without_html_is_one_plain_part(app, smtp, programme, member, at):
    owner = member(Role.STEERING, email="owner@example.org")
    actions.create_action(programme, title="Plain", actor=None, owner=owner, due_date=TODAY)
    db.session.commit()
    jobs.queue_reminders(TODAY)
    db.session.execute(OutboxMessage.__table__.update().values(body_html=""))
    db.session.commit()
    assert run_once(app)["sent"] == 1
    from email import policy
    from email.parser import BytesParser

    email = BytesParser(policy=policy.default).parsebytes(smtp.messages[0].content)
    assert email.get_content_type() == "text/plain"
    assert "Due today: Plain" in email["Subject"] and "Plain" in email.get_content()


HEADER_NAMES = st.sampled_from(["Subject", "To", "From", "X-Homeward-Key", "Content-Type"])
HEADER_VALUES = st.one_of(st.text(max_size=120),
                          st.text(alphabet=st.characters(max_codepoint=127), max_size=90),
                          st.text(alphabet=" \ta=?;:,\"\\-é", max_size=90))


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(HEADER_NAMES, HEADER_VALUES)
def test_headers_are_written_exactly_as_compat32_writes_them(name, value):
    from email.policy import compat32

    from tracker.notifications.delivery import HEADERS

    def written(fold):
        try:
            return fold(name, value)
        except Exception as exc:  # what compat32 refuses, ours refuses alike
            return type(exc)

    for policy in (HEADERS, HEADERS.clone(linesep="\r\n")):
        reference = compat32.clone(linesep=policy.linesep)
        assert written(policy.fold) == written(reference.fold)
        assert written(policy.fold_binary) == written(reference.fold_binary)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(max_size=400), st.sampled_from(["plain", "html"]))
def test_a_text_part_is_made_exactly_as_mimetext_makes_it(body, subtype):
    import io
    from email.charset import QP, Charset
    from email.generator import BytesGenerator
    from email.mime.text import MIMEText

    from tracker.notifications.delivery import HEADERS, _part

    def flattened(part):
        out = io.BytesIO()
        BytesGenerator(out).flatten(part, linesep="\r\n")
        return out.getvalue()

    utf8 = Charset("utf-8")
    utf8.body_encoding = QP
    assert flattened(_part(body, subtype)) == flattened(MIMEText(body, subtype, utf8,
                                                                 policy=HEADERS))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(max_size=300), st.text(max_size=300))
def test_the_boundary_given_to_a_message_never_occurs_in_its_parts(text, html):
    """The boundary is given ("=_" and random hex) rather than searched for: whatever the
    parts say, even the boundary itself, the message parses back into the two parts as
    written."""
    from email import policy
    from email.mime.multipart import MIMEMultipart
    from email.parser import BytesParser

    from tracker.notifications.delivery import HEADERS, _boundary, _part

    boundary = _boundary()
    text, html = text + f"\n--{boundary}\n", f"--{boundary}--" + html
    email = MIMEMultipart("alternative", boundary, [_part(text, "plain"), _part(html, "html")],
                          policy=HEADERS)
    parsed = BytesParser(policy=policy.default).parsebytes(email.as_bytes())
    parts = list(parsed.iter_parts())
    assert parsed.get_boundary() == boundary
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]

    def as_read(body):  # a parser reads every line ending as "\n"
        return body.replace("\r\n", "\n").replace("\r", "\n")

    assert [p.get_content() for p in parts] == [as_read(text), as_read(html)]
