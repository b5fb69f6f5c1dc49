"""Planning a series of learning sets on working days."""

from datetime import date

from sqlalchemy import func, select

from tests.conftest import form_errors
from tests.factories import add_group_member, date_fields
from tracker.extensions import db
from tracker.meetings import planner
from tracker.models import (
    GroupKind,
    Meeting,
    Role,
)

BASE = "/a/testshire"


# -- the planner -----------------------------------------------------------------------------------

def _plan_form(step, start=date(2027, 1, 11), days=None, closures="", **extra):
    form = {"step": step, "start_date": date_fields(start), "closures": closures,
            "name": "Learning sets 2027", "location": "Civic Centre", "call_link": "Teams",
            "facilitators": "Jo Whitfield (NSPCC)", **extra}
    for i, day in enumerate(days or []):
        form[f"day_{i}"] = date_fields(day)
    return form


def test_the_planner_proposes_dates_and_saves_a_series(client, signed_in, programme):
    consultant = signed_in(Role.CONSULTANT)
    add_group_member(programme, name="Sarah", role="assistant_director")
    add_group_member(programme, GroupKind.PRACTICE, name="Ben")
    assert client.get(f"{BASE}/meetings/plan").status_code == 200
    response = client.post(f"{BASE}/meetings/plan", data=_plan_form(
        "propose", closures="15/2/2027 to 19/2/2027"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    proposal = planner.propose_series(date(2027, 1, 11), [(date(2027, 2, 15),
                                                              date(2027, 2, 19))])
    assert "Proposed dates" in page and 'name="day_8"' in page
    assert f'value="{proposal[-1].day.year}"' in page
    response = client.post(f"{BASE}/meetings/plan", data=_plan_form(
        "save", days=[p.day for p in proposal], closures="15/2/2027 to 19/2/2027"))
    assert response.status_code == 302
    meetings = db.session.execute(select(Meeting).order_by(Meeting.day)).scalars().all()
    assert [m.title for m in meetings] == [p.title for p in proposal]
    assert [m.day for m in meetings] == [p.day for p in proposal]
    assert all(m.items and m.created_by_id == consultant.id for m in meetings)
    review = meetings[3]
    assert review.location == "Teams" and [a.member.name for a in review.attendees] == ["Sarah"]
    assert [a.member.name for a in meetings[2].attendees] == ["Ben"]
    series = meetings[0].series
    assert series.closure_ranges == [(date(2027, 2, 15), date(2027, 2, 19))]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Learning sets 2027" in page and "30 working days" in page
    assert "need another look" not in page


def test_the_planner_warns_about_close_dates_but_saves_them(client, signed_in, programme):
    signed_in(Role.STEERING)
    days = [p.day for p in planner.propose_series(date(2027, 1, 11))]
    days[4] = date(2027, 2, 1)  # Strategic Set 2 three weeks after Set 1
    response = client.post(f"{BASE}/meetings/plan", data=_plan_form("check", days=days))
    assert response.status_code == 200
    assert ("Strategic Set 2 is 15 working days after Strategic Set 1" in
            response.get_data(as_text=True))
    assert db.session.execute(select(func.count()).select_from(Meeting)).scalar() == 0
    response = client.post(f"{BASE}/meetings/plan", data=_plan_form("save", days=days))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 meetings need another look at their dates" in page
    assert "Strategic Set 2 is 15 working days after Strategic Set 1" in page
    assert "Mid-way review 1 should fall between Strategic Set 1 and Strategic Set 2" in page


def test_the_planner_says_what_is_wrong(client, signed_in):
    signed_in(Role.STEERING)
    response = client.post(f"{BASE}/meetings/plan", data=_plan_form(
        "propose", closures="15/2/2027 to 19/2/2027\nhalf term"))
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "Line 2 must be a date or a range like 26/10/2026 to 30/10/2026"]
    assert "half term" in response.get_data(as_text=True)
    days = [p.day for p in planner.propose_series(date(2027, 1, 11))]
    form = _plan_form("save", days=days, name="")
    form["day_3"] = ["31", "2", "2027"]
    response = client.post(f"{BASE}/meetings/plan", data=form)
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "Mid-way review 1 must be a real date, like 27 3 2027", "Enter a name for the series"]
