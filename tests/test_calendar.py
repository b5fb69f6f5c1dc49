"""The calendar feed as text: valid RFC 5545 written without icalendar (checked by parsing it
with icalendar), bounded to open items and the next twelve months, and 304 when unchanged."""

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from tracker import calendar, clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.models import ActionStatus, MilestoneStatus, Role
from tracker.plan import services as plan

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _feed_of(user) -> str:
    calendar.turn_on(user)
    db.session.commit()
    return f"/calendar/{user.calendar_token}.ics"


def test_awkward_text_is_escaped_and_folded_so_icalendar_reads_it_back(client, programme, member):
    owner = member(Role.STEERING, name="Zoë O'Brien; Esq., \\ of Ælfheah")
    titles = [
        "Agree the policy; brief the IRO service, then the PSW\\team\r\nand say so",
        "é" * 150,  # two octets each: folding must not split a character
        "Plan 🚸 " * 40,  # four-octet characters across fold points
        "x" * 74,
    ]
    made = [actions.create_action(programme, title=t, actor=None, owner=owner,
                                  due_date=TODAY + timedelta(days=i)) for i, t in enumerate(titles)]
    body = client.get(_feed_of(owner)).get_data()
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # every folded piece is whole UTF-8
    parsed = Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    for action, title in zip(made, titles, strict=True):
        event = events[f"action-{action.id}@homeward"]
        assert str(event["summary"]) == "Action due: " + title.replace("\r\n", "\n")
        assert event.decoded("dtstart") == action.due_date
        assert event.decoded("dtend") == action.due_date + timedelta(days=1)
        assert str(event["url"]).endswith(f"/actions/{action.id}")
        assert str(event["description"]).endswith(str(event["url"]))


def test_fold_keeps_lines_within_75_octets_and_joins_back():
    for text in ["a" * 75, "a" * 76, "é" * 100, "a" + "🚸" * 50, "SUMMARY:" + "ab" * 200]:
        folded = calendar.fold(text)
        pieces = folded.split("\r\n")
        assert all(len(p.encode()) <= 75 for p in pieces)
        assert all(p.startswith(" ") for p in pieces[1:])
        assert pieces[0] + "".join(p[1:] for p in pieces[1:]) == text


def test_the_feed_holds_open_items_and_the_next_twelve_months(client, programme, member):
    owner = member(Role.LEAD)
    late = actions.create_action(programme, title="Overdue and open", actor=None, owner=owner,
                                 due_date=TODAY - timedelta(days=400))
    soon = actions.create_action(programme, title="Within the year", actor=None, owner=owner,
                                 due_date=TODAY + timedelta(days=360))
    actions.create_action(programme, title="Beyond the year", actor=None, owner=owner,
                          due_date=TODAY + timedelta(days=400))
    actions.create_action(programme, title="Done long ago", actor=None, owner=owner,
                          due_date=TODAY - timedelta(days=30), status=ActionStatus.DONE)
    near = plan.create_milestone(programme, None, title="Near", target_date=TODAY + timedelta(days=30),
                                 status=MilestoneStatus.PLANNED)
    plan.create_milestone(programme, None, title="Far", target_date=TODAY + timedelta(days=500),
                          status=MilestoneStatus.PLANNED)
    parsed = Calendar.from_ical(client.get(_feed_of(owner)).get_data())
    assert {str(e["uid"]) for e in parsed.walk("VEVENT")} == {
        f"action-{late.id}@homeward", f"action-{soon.id}@homeward", f"milestone-{near.id}@homeward"}


def test_an_unchanged_feed_is_answered_304_and_a_change_gives_a_new_etag(client, programme, member):
    owner = member(Role.STEERING)
    action = actions.create_action(programme, title="Brief the IRO service", actor=None,
                                   owner=owner, due_date=TODAY + timedelta(days=10))
    url = _feed_of(owner)
    first = client.get(url)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag
    assert client.get(url).headers["ETag"] == tag  # the same bytes on the next fetch
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    actions.update_action(action, seen_version=None, actor=owner, title="Brief the IROs")
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert b"Brief the IROs" in changed.get_data()
