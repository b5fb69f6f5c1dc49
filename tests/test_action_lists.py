"""Circulating the action list: the Framework's two days, the local working-days setting, who receives it."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import form_errors
from tests.factories import MEETING_PAST, add_group_member, hold_meeting, make_meeting
from tracker import clock
from tracker.extensions import db
from tracker.meetings import contributions as meeting_contributions
from tracker.meetings import minutes as meeting_minutes
from tracker.meetings import planner, services
from tracker.models import (
    GroupKind,
    MeetingKind,
    OutcomeKind,
    Role,
)

BASE = "/a/testshire"


# -- circulating the action list -------------------------------------------------------------------

def test_circulating_the_action_list_records_who_and_when(client, signed_in, programme):
    steering = signed_in(Role.STEERING)
    meeting = make_meeting(programme)
    services.add_outcome(meeting.items[1], kind=OutcomeKind.ACTION, text="Chase the data",
                         actor=None, owner_name="Helen", due_date=MEETING_PAST + timedelta(10))
    db.session.commit()
    page = client.get(f"{BASE}/meetings/{meeting.id}/action-list").get_data(as_text=True)
    assert "Chase the data" in page and "12 March 2026" in page
    client.post(f"{BASE}/meetings/{meeting.id}/circulate", data={"to": "both"})
    db.session.refresh(meeting)
    assert meeting.circulated_at is None  # not held yet
    hold_meeting(meeting)
    response = client.post(f"{BASE}/meetings/{meeting.id}/circulate")
    assert response.status_code == 400
    assert "Choose who to send the action list to" in form_errors(response.get_data(as_text=True))
    assert client.post(f"{BASE}/meetings/{meeting.id}/circulate",
                       data={"to": "both"}).status_code == 302
    db.session.refresh(meeting)
    assert meeting.circulated_by_id == steering.id and meeting.circulated_at is not None
    page = client.get(f"{BASE}/meetings/{meeting.id}/action-list").get_data(as_text=True)
    assert "Circulated on" in page


def test_circulating_emails_the_chosen_groups_through_the_outbox(client, signed_in, programme,
                                                                  member, monkeypatch):
    from datetime import datetime

    from tracker.models import OutboxMessage

    steering = signed_in(Role.STEERING)
    quiet = member(Role.STEERING, name="Quiet Person")
    quiet.email_action_lists = False
    practice_only = member(Role.CHAMPION, name="Practice Person")
    add_group_member(programme, GroupKind.STRATEGIC, user=steering)
    add_group_member(programme, GroupKind.STRATEGIC, user=quiet)
    add_group_member(programme, GroupKind.STRATEGIC, name="No account")
    add_group_member(programme, GroupKind.PRACTICE, user=practice_only)
    meeting = hold_meeting(make_meeting(programme))
    services.add_outcome(meeting.items[1], kind=OutcomeKind.ACTION, text="Chase the data",
                         actor=None, owner_name="Helen", due_date=MEETING_PAST + timedelta(10))
    db.session.commit()
    page = client.get(f"{BASE}/meetings/{meeting.id}/action-list").get_data(as_text=True)
    assert 'value="both" checked' in page  # the evaluation's practice: both groups
    response = client.post(f"{BASE}/meetings/{meeting.id}/circulate",
                           data={"to": "meeting_group"}, follow_redirects=True)
    assert "has gone to 1 member of the strategic group" in response.get_data(as_text=True)
    messages = db.session.execute(select(OutboxMessage)).scalars().all()
    assert [m.to_address for m in messages] == [steering.email]
    assert "Chase the data" in messages[0].body_text and "Helen" in messages[0].body_text
    assert messages[0].subject.startswith("Action list:")
    # Each sending is its own message: a later time makes a new key.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))
    response = client.post(f"{BASE}/meetings/{meeting.id}/circulate",
                           data={"to": "other_group"}, follow_redirects=True)
    assert "has gone to 1 member of the practice group" in response.get_data(as_text=True)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 5))
    response = client.post(f"{BASE}/meetings/{meeting.id}/circulate", data={"to": "both"},
                           follow_redirects=True)
    assert ("has gone to 2 members of the strategic group and practice group"
            in response.get_data(as_text=True))


@pytest.mark.parametrize("working_days, today, overdue", [
    (False, date(2026, 4, 2), False),  # Thursday, the day itself
    (False, date(2026, 4, 4), False),  # Saturday: two days on, the Framework's deadline
    (False, date(2026, 4, 5), True),   # Sunday: three
    (True, date(2026, 4, 7), False),   # local setting: Good Friday and Easter Monday not counted
    (True, date(2026, 4, 8), False),   # Wednesday: the second working day
    (True, date(2026, 4, 9), True),
])
def test_an_action_list_is_due_within_two_days_or_two_working_days_if_chosen_locally(
        programme, working_days, today, overdue):
    programme.action_list_working_days = working_days
    thursday = hold_meeting(make_meeting(programme, day=date(2026, 4, 2)), today=today)
    hold_meeting(make_meeting(programme, MeetingKind.MIDWAY_REVIEW, day=date(2026, 3, 30)), today=today)
    assert meeting_minutes.circulation_due_by(thursday, working_days) == (
        date(2026, 4, 8) if working_days else date(2026, 4, 4))
    assert [m.id for m in meeting_minutes.circulation_overdue(programme, today)] == (
        [thursday.id] if overdue else [])
    meeting_minutes.circulate(thursday, None)
    assert meeting_minutes.circulation_overdue(programme, today) == []


def test_the_weekly_digest_counts_the_days_as_the_authority_chose(programme, authority):
    hold_meeting(make_meeting(programme, day=date(2026, 4, 2)))

    def late_on(today):
        sections = meeting_contributions.digest_meetings([programme.id], {programme.id: authority}, today)
        return [text for text, _ in sections[programme.id][1].lines]

    assert late_on(date(2026, 4, 7))  # two days: due Saturday 4 April
    programme.action_list_working_days = True
    db.session.commit()
    assert late_on(date(2026, 4, 7)) == []  # two working days: due Wednesday 8 April
    assert late_on(date(2026, 4, 9))


def test_the_pages_say_whose_rule_the_deadline_is(client, signed_in, programme):
    signed_in(Role.LEAD)
    meeting = hold_meeting(make_meeting(programme, day=date(2026, 4, 2)))
    page = client.get(f"{BASE}/meetings/{meeting.id}/action-list").get_data(as_text=True)
    assert "4 April 2026, within two days of the meeting, as the Framework asks" in page
    assert "working days" not in page
    response = client.post(f"{BASE}/meetings/circulation-rule", data={"rule": "working_days"})
    assert response.status_code == 302 and programme.action_list_working_days
    page = client.get(f"{BASE}/meetings/{meeting.id}/action-list").get_data(as_text=True)
    assert ("8 April 2026, within two working days of the meeting (a local setting of this "
            "authority)") in page


def test_only_meeting_managers_change_the_local_deadline_rule(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    assert client.post(f"{BASE}/meetings/circulation-rule",
                       data={"rule": "working_days"}).status_code == 403
    assert not programme.action_list_working_days


def test_the_dashboard_shows_the_next_set_and_late_action_lists(client, signed_in, programme):
    signed_in(Role.LEAD)
    today = clock.today()
    late = hold_meeting(make_meeting(programme, day=planner.on_or_after(today - timedelta(days=10))))
    make_meeting(programme, day=today + timedelta(days=3))
    make_meeting(programme, MeetingKind.PRACTICE_SET, number=3, day=today + timedelta(days=9))
    make_meeting(programme, MeetingKind.STRATEGIC_SET, number=3, day=today + timedelta(days=5),
             start_time=time(9, 30), location="Civic Centre")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    panel = page[page.index('id="next-set-heading"'):page.index('id="not-circulated-heading"')]
    assert "Strategic Set 3" in panel and "Civic Centre" in panel
    late_panel = page[page.index('id="not-circulated-heading"'):]
    assert "app-rag--red" in late_panel and f"/meetings/{late.id}/action-list" in late_panel
