"""Each finding of the security review (issue 20) as a regression test."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import Enum, String, Text, select

from tests.conftest import PASSWORD, TEST_CONFIG, form_errors
from tracker import clock, config, create_app, markdown, permissions
from tracker.admin import routes as admin_routes
from tracker.admin import services as admin_services
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.meetings import groups as meeting_groups
from tracker.meetings import planner
from tracker.meetings import services as meetings
from tracker.meetings import sheets as meeting_sheets
from tracker.models import (
    Action,
    EngagementLevel,
    GroupKind,
    GroupMember,
    ItemKind,
    MeetingKind,
    Membership,
    OutboxMessage,
    Role,
    SheetQuestion,
    SignInThrottle,
    StakeholderGroup,
    StakeholderType,
    User,
)
from tracker.notifications import outbox
from tracker.postcards import services as postcards
from tracker.stakeholders import services as stakeholders

# -- stored Markdown renders in linear time, and no stored value breaks a page ---------------

PATHOLOGICAL_MARKDOWN = {
    "brackets": "[" * 20000,
    "image brackets": "![" * 10000,
    "unclosed links": "[a](" * 5000,
    "nested bullets": "- " * 600,
    "nested quotes": "> " * 10000,
    "nested numbers": "1. " * 6000,
    "emphasis runs": "*a" * 10000,
    "backticks": "`a" * 10000,
    "table rows": "a\n|-|\n" * 3000,
    "angle brackets": "<a" * 10000,
    "reference links": "[a]" * 5000 + "\n\n" + "[a]: /b\n" * 1000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL_MARKDOWN.values(), ids=PATHOLOGICAL_MARKDOWN.keys())
def test_pathological_markdown_renders_within_a_second(text):
    started = time.perf_counter()
    html = markdown.render(text)
    assert time.perf_counter() - started < 1.0
    assert "<script" not in html


def test_markdown_still_renders_what_people_write():
    html = markdown.render("Agreed:\n\n- one\n- two\n\n**Bold** and [a link](https://example.org)"
                           "\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert "<strong>Bold</strong>" in html
    assert 'class="govuk-link" href="https://example.org"' in html
    assert '<table class="govuk-table">' in html


def test_a_stored_note_too_deep_or_too_long_shows_as_plain_text():
    assert markdown.render("- " * 600 + "x") == '<p class="govuk-body">' + "- " * 600 + "x</p>"
    long = "<b>" + "a" * markdown.MAX_LENGTH
    assert markdown.render(long).startswith('<p class="govuk-body">&lt;b&gt;aaa')


def test_an_action_page_with_a_pathological_stored_note_answers_quickly(
        client, signed_in, programme):
    signed_in(Role.LEAD)
    action = Action(programme_id=programme.id, title="Hostile", details="- " * 600 + "[" * 19000)
    db.session.add(action)
    db.session.commit()
    started = time.perf_counter()
    response = client.get(f"/a/testshire/actions/{action.id}")
    assert response.status_code == 200
    assert time.perf_counter() - started < 2.0
    assert db.session.execute(select(Action)).scalar_one().details.startswith("- - ")


# -- one rule for who may own an action, from every form that sets an owner -----------------

def _date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _seat(programme, user) -> GroupMember:
    """The user's place in the practice group, made if they have none."""
    seat = db.session.execute(select(GroupMember).where(GroupMember.user_id == user.id)
                              ).scalar_one_or_none()
    return seat or meeting_groups.add_member(programme, GroupKind.PRACTICE, actor=None, user=user)


@pytest.fixture
def practice_sheet(programme):
    """A function giving a user's action sheet page for a new practice set they sit in."""
    numbers = iter(range(1, 4))

    def sheet_of(user) -> str:
        seat = _seat(programme, user)
        practice_set = meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET,
                                               day=date(2026, 3, 2), number=next(numbers),
                                               actor=None)
        meeting_sheets.save_sheet(practice_set, seat, answers={SheetQuestion.ME: "Use the tool"},
                            actor=None, seen_version=0)
        db.session.commit()
        return f"/a/testshire/meetings/{practice_set.id}/sheets/{seat.id}"

    return sheet_of


def _stakeholder(programme) -> int:
    stakeholder = stakeholders.create_stakeholder(
        programme, actor=None, name="Foster carers", kind=StakeholderType.GROUP,
        group=StakeholderGroup.CARERS, influence=2, interest=5,
        level_now=EngagementLevel.NEUTRAL, level_wanted=EngagementLevel.SUPPORTIVE)
    db.session.commit()
    return stakeholder.id


def _commitment_url(programme, user) -> str:
    _seat(programme, user)
    card = postcards.create_postcard(programme, from_group=GroupKind.PRACTICE, actor=None)
    item = postcards.add_item(card, kind=ItemKind.COMMITMENT, text="Brief the teams", actor=None)
    postcards.send(card, None)
    db.session.commit()
    return f"/a/testshire/postcards/{card.id}/items/{item.id}/action"


def test_a_champion_gives_no_one_else_an_action_from_any_form(
        client, signed_in, member, programme, practice_sheet):
    champion = signed_in(Role.CHAMPION)
    other = member(Role.STEERING)
    due = _date(date(2027, 2, 1))
    refusals = {
        "action log": client.post("/a/testshire/actions/new", data={
            "title": "T", "owner": str(other.id), "status": "open", "due_date": due,
            "workstream": "", "milestone": ""}),
        "postcard commitment": client.post(_commitment_url(programme, champion), data={
            "title": "T", "owner": str(other.id), "due_date": due}),
        "action sheet": client.post(practice_sheet(champion) + "/actions", data={
            "question": "me", "title": "T", "owner": str(other.id), "due_date": due}),
        "stakeholder feedback": client.post("/a/testshire/feedback/new", data={
            "received_on": _date(date(2026, 3, 2)), "feedback_source": "families",
            "feedback_text": "F", "engagement": "", "stakeholder": str(_stakeholder(programme)),
            "action_title": "T",
            "action_owner": str(other.id)}),
    }
    for form, response in refusals.items():
        assert response.status_code == 400, form
        assert permissions.NOT_YOUR_ACTION in form_errors(response.get_data(as_text=True)), form
    assert db.session.execute(select(Action)).first() is None


def test_observers_are_never_offered_or_accepted_as_owners(
        client, signed_in, member, programme, practice_sheet):
    lead = signed_in(Role.LEAD)
    observer = member(Role.OBSERVER, name="Councillor Observer")
    member(Role.CHAMPION, name="Champion Chosen")
    db.session.add(Action(programme_id=programme.id, title="Something to reassign"))
    db.session.commit()
    pages = ["/a/testshire/actions/new", "/a/testshire/actions", "/a/testshire/feedback/new",
             _commitment_url(programme, lead), practice_sheet(lead)]
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "Champion Chosen" in page, url
        assert "Councillor Observer" not in page, url
    refused = client.post("/a/testshire/actions/new", data={
        "title": "T", "owner": str(observer.id), "status": "open", "workstream": "",
        "milestone": ""})
    assert form_errors(refused.get_data(as_text=True)) == [permissions.NOT_AN_OWNER]
    assert db.session.execute(select(Action.title)).scalars().all() == ["Something to reassign"]


def test_the_steering_group_gives_actions_to_any_member_who_can_update_them(
        client, signed_in, member, programme):
    steering = signed_in(Role.STEERING)
    champion = member(Role.CHAMPION)
    response = client.post(_commitment_url(programme, steering), data={
        "title": "T", "owner": str(champion.id), "due_date": _date(date(2027, 2, 1))})
    assert response.status_code == 302
    assert db.session.execute(select(Action)).scalar_one().owner_id == champion.id


# -- sign-in: no stranger can keep a member out -------------------------------------------------

def _fail(client, email, times, ip="203.0.113.9"):
    for _ in range(times):
        response = client.post("/login", data={"email": email, "password": "wrong password!"},
                               environ_base={"REMOTE_ADDR": ip})
    return response


def _later(monkeypatch, **delta):
    moment = clock.now() + timedelta(**delta)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_a_stranger_cannot_lock_a_member_out(app, client, member, monkeypatch):
    lead = member(Role.LEAD)
    _fail(app.test_client(), lead.email, 25, ip="198.51.100.7")
    # The stranger's own client is locked, even with the right password.
    stranger = client.post("/login", data={"email": lead.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert "from your network" in stranger.get_data(as_text=True)
    # The lead, elsewhere, is asked to wait a moment and then gets in.
    own = app.test_client()
    first = own.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert first.status_code == 400 and "wait 30 seconds" in first.get_data(as_text=True)
    _later(monkeypatch, seconds=31)
    assert own.post("/login", data={"email": lead.email, "password": PASSWORD}).status_code == 302


def test_an_administrators_link_lifts_the_lock_and_only_the_newest_link_works(
        app, client, auth, create_user, member):
    person = member(Role.STEERING)
    _fail(app.test_client(), person.email, 5)
    admin = create_user(admin_=True)
    auth.login(admin)
    links = []
    for _ in range(2):
        client.post(f"/admin/users/{person.id}/password-link")
        page = client.get(f"/admin/users/{person.id}?invite=1").get_data(as_text=True)
        links.append(re.search(r'app-invite-link">([^<]+)<', page).group(1))
    assert all(link.startswith("http://127.0.0.1:5000/set-password/") for link in links)
    own = app.test_client()
    path = [link.removeprefix("http://127.0.0.1:5000") for link in links]
    assert own.get(path[0]).status_code == 404
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    assert own.post(path[1], data=new).status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": person.email,
                                      "password": new["password"]}).status_code == 302


def test_set_password_links_ignore_the_host_header(app, member):
    person = member(Role.STEERING)
    with app.test_request_context(headers={"Host": "evil.example.com"}):
        link = admin_routes._invite_link(person)
    assert link.startswith("http://127.0.0.1:5000/set-password/")


def test_the_throttle_table_stays_bounded(app, client, monkeypatch):
    _fail(client, "made-up-1@example.org", 1)
    _later(monkeypatch, minutes=16)
    for n in range(2, 5):
        _fail(client, f"made-up-{n}@example.org", 1)
    keys = db.session.execute(select(SignInThrottle.key)).scalars().all()
    assert "address:made-up-1@example.org" not in keys
    assert len(keys) == 4  # three addresses and the one client


def test_an_unknown_address_is_checked_against_a_dummy_hash(client, monkeypatch):
    checked = []
    real = auth_services.check_password_hash
    monkeypatch.setattr(auth_services, "check_password_hash",
                        lambda stored, password: checked.append(stored) or real(stored, password))
    _fail(client, "nobody@example.org", 1)
    assert checked == [auth_services.dummy_hash()]


def test_sign_in_has_a_rate_limit_per_client(app, member):
    user = member()
    client = app.test_client()
    statuses = {_fail(client, f"x{n}@example.org", 1, ip="192.0.2.1").status_code
                for n in range(21)}
    assert 429 in statuses
    # Another client is not held up.
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 302


def test_the_account_pages_password_check_is_throttled(client, auth, member):
    user = member()
    auth.login(user)
    for _ in range(5):
        response = client.post("/account", data={
            "form": "password", "password-current_password": "a wrong guess",
            "password-password": "a brand new passphrase",
            "password-confirm": "a brand new passphrase"})
    assert "too many attempts" in response.get_data(as_text=True)
    assert db.session.get(SignInThrottle, f"address:{user.email}").failures == 5


# -- sessions end -------------------------------------------------------------------------------

def test_a_signed_out_cookie_is_dead(app, client, auth, member):
    member(Role.LEAD)
    user = member(Role.LEAD)
    auth.login(user)
    cookie = client.get_cookie("session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/a/testshire/").status_code == 302


@pytest.mark.parametrize("delta", [{"hours": 13}, {"days": 7}])
def test_sessions_end_when_idle_and_after_a_week(client, auth, member, monkeypatch, delta):
    user = member(Role.LEAD)
    auth.login(user)
    if "days" in delta:  # in use every 11 hours all week: it still ends after 7 days
        for _ in range(15):
            _later(monkeypatch, hours=11)
            assert client.get("/a/testshire/").status_code == 200
        _later(monkeypatch, hours=11)
    else:
        _later(monkeypatch, **delta)
    assert client.get("/a/testshire/").status_code == 302


def test_a_password_change_gives_the_calendar_feed_a_new_address(client, auth, member):
    user = member(Role.LEAD)
    auth.login(user)
    client.post("/account/calendar", data={"feed": "on"})
    db.session.expire_all()
    old = db.session.get(User, user.id).calendar_token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    client.post("/account", data={
        "form": "password", "password-current_password": PASSWORD,
        "password-password": "a brand new passphrase",
        "password-confirm": "a brand new passphrase"})
    db.session.expire_all()
    assert db.session.get(User, user.id).calendar_token not in (None, old)
    assert client.get(f"/calendar/{old}.ics").status_code == 404


# -- production settings -------------------------------------------------------------------------

def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMEWARD_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 31)
    with pytest.raises(config.ConfigError, match="too short"):
        config.from_environment(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert config.from_environment(tmp_path)["SECRET_KEY"] == "x" * 32


def test_production_sends_hsts_and_permissions_policy(database_url):
    production = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                             "HOMEWARD_ENV": "production"})
    headers = production.test_client().get("/login").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "camera=()" in headers["Permissions-Policy"]
    with production.app_context():
        db.engine.dispose()


# -- a removed member receives nothing more ------------------------------------------------------

def _postcard_to_practice(programme, text):
    card = postcards.create_postcard(programme, from_group=GroupKind.STRATEGIC, actor=None)
    postcards.add_item(card, kind=ItemKind.REQUEST, text=text, actor=None)
    postcards.send(card, None)
    db.session.commit()


def _messages_to(user) -> list[OutboxMessage]:
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id)
                              .order_by(OutboxMessage.id)).scalars().all()


def test_a_removed_member_receives_nothing_more(client, auth, member, programme, authority,
                                                create_authority, add_member):
    champion = member(Role.CHAMPION, name="Removed Champion")
    elsewhere = create_authority("Otherton Borough Council", slug="otherton")
    add_member(champion, elsewhere, Role.CHAMPION)
    _seat(programme, champion)
    db.session.commit()
    _postcard_to_practice(programme, "Before removal")
    [queued] = _messages_to(champion)
    assert queued.authority_id == authority.id
    subject = queued.subject
    auth.login(champion)
    assert subject in client.get("/notifications").get_data(as_text=True)
    membership = db.session.execute(select(Membership).where(
        Membership.user_id == champion.id, Membership.authority_id == authority.id)).scalar_one()
    admin_services.remove_member(membership, actor=None)
    db.session.commit()

    db.session.expire_all()
    assert _messages_to(champion)[0].cancelled_at is not None
    assert db.session.execute(select(GroupMember.left_on).where(
        GroupMember.user_id == champion.id)).scalar_one() is not None
    _postcard_to_practice(programme, "After removal")
    assert len(_messages_to(champion)) == 1
    # Even a list of recipients made without the membership check sends them nothing.
    draft = outbox.Draft(key="stray", kind="postcard_sent", recipient=champion,
                         template="postcard_sent", context={"authority": authority})
    assert outbox.queue([draft]) == 0
    assert subject not in client.get("/notifications").get_data(as_text=True)


# -- the series planner's work is bounded --------------------------------------------------------

def _plan(step, start, closures="", days=()):
    form = {"step": step, "start_date": _date(start), "closures": closures, "name": "Sets",
            "location": "", "call_link": "", "facilitators": ""}
    form.update({f"day_{i}": _date(day) for i, day in enumerate(days)})
    return form


@pytest.mark.parametrize(("start", "closures", "days", "message"), [
    (date(2027, 1, 11), "1/1/2000 to 31/12/2099", (), "longer than 120 days"),
    (date(2027, 1, 11), "\n".join(f"{d}/1/2027" for d in range(1, 32)) + "\n"
     + "\n".join(f"{d}/3/2027" for d in range(1, 32)), (), "at most 40 holidays"),
    (date(2027, 1, 11), "\n".join(f"1/{m}/{y} to 30/{m}/{y}" for y in range(2027, 2034)
                                  for m in (4, 6, 9, 11)), (), "more than 730 days"),
    (date(9999, 12, 30), "", (), "between 2000 and 2100"),
    (date(2027, 1, 11), "", [date(2027, 1, 11)] * 8 + [date(9999, 1, 1)], "between 2000 and 2100"),
])
def test_the_series_planner_refuses_huge_ranges_quickly(client, signed_in, programme, start,
                                                         closures, days, message):
    signed_in(Role.CONSULTANT)
    client.get("/a/testshire/meetings/plan")  # templates compiled outside the time taken
    started = time.perf_counter()
    response = client.post("/a/testshire/meetings/plan",
                           data=_plan("save" if days else "propose", start, closures, days))
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 400
    assert any(message in error for error in form_errors(response.get_data(as_text=True)))


def test_working_days_are_counted_over_a_bounded_span():
    started = time.perf_counter()
    assert planner.working_days_between(date(2000, 1, 3), date(2100, 1, 1)) > 700
    assert time.perf_counter() - started < 0.5


# -- stored XSS: every free-text value, every page --------------------------------------------

XSS = ('"\'><script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))'
       "<svg onload=alert(1)>")
SHORT_XSS = "<script>alert(1)</script>"
LIVE_MARKUP = re.compile(r"<script>alert|<img[^>]*onerror|<svg[^>]*onload|href=\"javascript:",
                         re.IGNORECASE)
# Not free text: keys, addresses, secrets, and what Homeward itself writes.
NOT_FREE_TEXT = {"slug", "key", "email", "password_hash", "login_token", "calendar_token",
                 "kind", "to_address", "link", "claimed_by", "template_key", "template_version",
                 "entity_type", "action", "framework_role", "agenda_source", "body_html"}
NOT_PAGES = {"/logout", "/static/<path:filename>", "/calendar/<token>.ics",
             "/set-password/<token>"}
# A respondent's pages need their own round link and return key, and show only the answers
# they typed: tests/test_evaluation.py opens them with stored markup.
RESPONDENT_PAGES = "/questionnaire/"


def _fill_every_free_text_column() -> int:
    filled = 0
    for table in db.metadata.sorted_tables:
        values = {}
        for column in table.columns:
            if (not isinstance(column.type, String | Text) or isinstance(column.type, Enum)
                    or column.name in NOT_FREE_TEXT or column.primary_key):
                continue
            length = getattr(column.type, "length", None)
            payload = XSS if not length or length >= len(XSS) else SHORT_XSS
            if length is None or length >= len(payload):
                values[column.name] = payload
        if values:
            db.session.execute(table.update().values(**values))
            filled += len(values)
    db.session.commit()
    return filled


def test_no_stored_value_comes_out_as_live_markup_on_any_page(app, client, auth, create_user,
                                                              add_member, authority):
    from tests.test_tenancy import _ids_for, _url

    lead = create_user("lead@example.org", admin_=True)
    add_member(lead, authority, Role.LEAD)
    ids = _ids_for(authority)
    auth.login(lead)
    assert _fill_every_free_text_column() >= 60
    checked = shown = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule in NOT_PAGES or rule.rule.endswith(
                (".csv", ".ics")) or rule.rule.startswith(RESPONDENT_PAGES):
            continue
        url = _url(rule, ids)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            live = LIVE_MARKUP.search(page)
            assert live is None, f"{url}: {live and live.group(0)}"
            checked += 1
            shown += "&lt;script&gt;alert(1)" in page
    assert checked >= 60
    assert shown >= 40  # the values are on the pages, escaped
