"""Workstreams, milestones, the timeline, the dashboard and the calendar feed."""

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import form_errors
from tracker import clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.models import ActionStatus, Milestone, MilestoneStatus, Role, Workstream
from tracker.plan import services as plan

TODAY = date(2026, 11, 23)
A = "/a/testshire"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def test_workstream_with_lead_and_members(client, signed_in, programme, member):
    me = signed_in(Role.LEAD)
    other = member(Role.STEERING, name="Dana Data")
    response = client.post(f"{A}/workstreams/new", data={
        "name": "Data, monitoring and evaluation", "lead": str(other.id),
        "members": [str(me.id), str(other.id)], "aims": "Baseline and indicators"})
    assert response.status_code == 302
    workstream = db.session.execute(select(Workstream)).scalar_one()
    assert workstream.lead_id == other.id and {u.id for u in workstream.members} == {me.id, other.id}
    page = client.get(f"{A}/workstreams").get_data(as_text=True)
    assert "Data, monitoring and evaluation" in page and "Dana Data" in page
    edit = client.post(f"{A}/workstreams/{workstream.id}/edit", data={
        "name": "Data", "lead": "", "members": [str(me.id)], "aims": "",
        "version": workstream.version})
    assert edit.status_code == 302
    history = client.get(f"{A}/workstreams/{workstream.id}").get_data(as_text=True)
    assert "Dana Data → " in history and "Data, monitoring and evaluation → Data" in history


def test_workstream_needs_a_name(client, signed_in, programme):
    signed_in(Role.STEERING)
    response = client.post(f"{A}/workstreams/new", data={"name": "", "lead": "", "aims": "kept"})
    assert form_errors(response.get_data(as_text=True)) == ["Enter the workstream's name"]
    assert "kept" in response.get_data(as_text=True)


def test_champions_and_consultants_cannot_change_the_plan(client, signed_in, programme):
    signed_in(Role.CONSULTANT)
    assert client.get(f"{A}/milestones/new").status_code == 403
    assert client.get(f"{A}/workstreams/new").status_code == 403


def test_milestone_rag_and_progress_come_from_its_date_and_actions(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{A}/milestones/new", data={
        "title": "Policy signed off", "target_date": ["1", "3", "2027"], "workstream": "",
        "status": "planned", "achieved_on": ["", "", ""], "notes": ""})
    assert response.status_code == 302
    milestone = db.session.execute(select(Milestone)).scalar_one()
    view = plan.milestone_views([milestone], TODAY)[0]
    assert view.rag.label == "Green: due in 98 days" and view.total == 0
    actions.create_action(programme, title="Draft", actor=None, milestone=milestone,
                          due_date=TODAY - timedelta(days=1), owner_name="PSW")
    actions.create_action(programme, title="Consult", actor=None, milestone=milestone,
                          status=ActionStatus.DONE, owner_name="PSW")
    db.session.commit()
    view = plan.milestone_views([milestone], TODAY)[0]
    assert view.rag.label == "Red: 1 action overdue"
    assert (view.done, view.total) == (1, 2)
    page = client.get(f"{A}/milestones/{milestone.id}").get_data(as_text=True)
    assert "1 of 2 actions done" in page


def test_achieved_milestone_needs_its_date_and_has_no_rag(client, signed_in, programme):
    signed_in(Role.LEAD)
    data = {"title": "Pilot teams trained", "target_date": ["1", "10", "2026"], "workstream": "",
            "status": "achieved", "achieved_on": ["", "", ""], "notes": ""}
    response = client.post(f"{A}/milestones/new", data=data)
    assert form_errors(response.get_data(as_text=True)) == [
        "Enter the date the milestone was achieved"]
    client.post(f"{A}/milestones/new", data={**data, "achieved_on": ["3", "10", "2026"]})
    milestone = db.session.execute(select(Milestone)).scalar_one()
    assert plan.milestone_views([milestone], TODAY)[0].rag is None


def test_timeline_draws_milestones_with_a_table_of_the_same_data(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    ws = plan.create_workstream(programme, None, name="Support planning")
    plan.create_milestone(programme, None, title="Launch", target_date=date(2027, 6, 1),
                          workstream=ws)
    plan.create_milestone(programme, None, title="Too far", target_date=date(2030, 1, 1))
    plan.create_milestone(programme, None, title="Review", target_date=date(2027, 12, 1))
    db.session.commit()
    page = client.get(f"{A}/timeline").get_data(as_text=True)
    assert page.count("<polygon") == 2 and "Too far" not in page
    assert "Timeline as a table" in page and "1 June 2027" in page
    assert "Support planning" in page and "No workstream" in page
    assert 'class="app-timeline__today"' in page


def test_timeline_spans_12_to_24_months():
    timeline = plan.Timeline(date(2026, 9, 1), date(2027, 12, 31), TODAY, [], [])
    assert timeline.x(date(2026, 9, 1), 100) == 0
    assert timeline.x(date(2027, 12, 31), 100) == 100
    assert len(timeline.months()) == 16


def test_dashboard_numbers_link_to_the_lists_behind_them(client, signed_in, programme, member):
    me = signed_in(Role.LEAD)
    other = member(Role.STEERING, name="Olu Owner")
    actions.create_action(programme, title="Late one", actor=None, owner=other,
                          due_date=TODAY - timedelta(days=4))
    actions.create_action(programme, title="Soon one", actor=None, owner=me,
                          due_date=TODAY + timedelta(days=10))
    plan.create_milestone(programme, None, title="Next big thing", target_date=TODAY + timedelta(days=30))
    db.session.commit()
    page = client.get(f"{A}/").get_data(as_text=True)
    assert "Olu Owner" in page and "Late one" in page and "Soon one" in page
    assert "Next big thing" in page
    assert f'{A}/actions?rag=red' in page
    assert "Recent activity" in page and "Late one" in page
    overdue = client.get(f"{A}/actions?rag=red").get_data(as_text=True)
    assert "Late one" in overdue and "Soon one" not in overdue


def test_calendar_feed(client, signed_in, programme, member, app):
    me = signed_in(Role.STEERING)
    action = actions.create_action(programme, title="Brief the IRO service", actor=None, owner=me,
                                   due_date=date(2027, 2, 1))
    actions.create_action(programme, title="Someone else's", actor=None,
                          owner=member(Role.STEERING), due_date=date(2027, 2, 2))
    milestone = plan.create_milestone(programme, None, title="Policy signed off",
                                      target_date=date(2027, 3, 1))
    db.session.commit()
    assert client.post("/account/calendar", data={"feed": "on"}).status_code == 302
    db.session.refresh(me)
    token = me.calendar_token
    assert token
    response = client.get(f"/calendar/{token}.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"action-{action.id}@homeward", f"milestone-{milestone.id}@homeward"}
    due = events[f"action-{action.id}@homeward"]
    assert due.decoded("dtstart") == date(2027, 2, 1)
    assert due.decoded("dtend") == date(2027, 2, 2)
    assert "dtstamp" in due and "Brief the IRO service" in str(due["summary"])
    # The same UIDs on the next fetch, so calendar programs update rather than duplicate.
    again = Calendar.from_ical(client.get(f"/calendar/{token}.ics").get_data())
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)
    # A new address retires the old one; turning it off retires it too.
    client.post("/account/calendar", data={"feed": "on"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    client.post("/account/calendar", data={"feed": "off"})
    db.session.refresh(me)
    assert me.calendar_token is None
    assert client.get("/calendar/nothing.ics").status_code == 404


def test_calendar_feed_runs_fixed_queries(client, signed_in, programme, count_queries):
    me = signed_in(Role.LEAD)
    client.post("/account/calendar", data={"feed": "on"})
    db.session.refresh(me)
    url = f"/calendar/{me.calendar_token}.ics"
    with count_queries() as small:
        client.get(url)
    for i in range(30):
        actions.create_action(programme, title=f"A{i}", actor=None, owner=me,
                              due_date=TODAY + timedelta(days=i))
        plan.create_milestone(programme, None, title=f"M{i}", target_date=TODAY + timedelta(days=i),
                              status=MilestoneStatus.PLANNED)
    db.session.commit()
    with count_queries() as large:
        client.get(url)
    assert large.count == small.count


def test_timeline_labels_never_overlap_and_stack_only_when_they_would():
    def item(day, title, lane="Practice"):
        return plan.TimelineItem(day, title, lane, "milestone", "#", "Not achieved")

    items = [item(date(2027, 3, 1), "Practice Set 2"), item(date(2027, 3, 3), "Strategic Set 3"),
             item(date(2027, 3, 5), "Full-day briefing"), item(date(2027, 11, 1), "Review"),
             item(date(2027, 3, 1), "Policy signed off", lane="Policy")]
    timeline = plan.Timeline(date(2026, 9, 1), date(2027, 12, 31), TODAY,
                             ["Policy", "Practice"], items)
    placed = timeline.placed(chart_width=630)
    practice = placed["Practice"]
    assert [p.row for p in practice] == [0, 1, 2, 0]
    assert placed["Policy"][0].row == 0
    for lane in placed.values():
        for a in lane:
            for b in lane:
                if a is not b and a.row == b.row:
                    assert a.right < b.left or b.right < a.left
    assert timeline.rows_in("Practice", 630) == 3
