"""Stakeholder engagement: the register and its gaps, the grid, repeating engagements and their
RAG, recording an occurrence with feedback that raises an action, the plan, CSV, the dashboard
panel, the calendar feed, stale edits, permissions and query counts."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests.conftest import form_errors
from tracker import clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.models import (
    Action,
    AuditEvent,
    Engagement,
    EngagementLevel,
    EngagementMethod,
    EngagementOccurrence,
    EngagementStatus,
    Feedback,
    FeedbackSource,
    OccurrenceOutcome,
    Quadrant,
    RepeatUnit,
    Role,
    Stakeholder,
    StakeholderGroup,
    StakeholderType,
    quadrant_of,
)
from tracker.rag import Rag
from tracker.stakeholders import services

BASE = "/a/testshire"
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _stakeholder(programme, name="CAFCASS", influence=4, interest=3,
                 now=EngagementLevel.NEUTRAL, wanted=EngagementLevel.SUPPORTIVE,
                 group=StakeholderGroup.COURTS, **kw) -> Stakeholder:
    s = services.create_stakeholder(
        programme, actor=None, name=name, kind=kw.pop("kind", StakeholderType.AGENCY),
        group=group, influence=influence, interest=interest, level_now=now, level_wanted=wanted,
        **kw)
    db.session.commit()
    return s


def _engagement(programme, stakeholders, title="Seminar", planned=TODAY, owner=None,
                unit=None, every=None, until=None, **kw) -> Engagement:
    e = services.create_engagement(
        programme, actor=None, stakeholders=stakeholders, title=title,
        method=kw.pop("method", EngagementMethod.SEMINAR), planned_date=planned, owner=owner,
        repeat_unit=unit, repeat_every=every, repeat_until=until, **kw)
    db.session.commit()
    return e


def _stakeholder_form(**fields):
    form = {"name": "Foster carers", "kind": "group", "group": "carers", "organisation": "",
            "contact_owner": "", "influence": "2", "interest": "5", "level_now": "neutral",
            "level_wanted": "supportive", "benefits": "", "resistance": "", "mitigation": "",
            "needs_to_know": "", "channels": ""}
    form.update(fields)
    return form


def _engagement_form(stakeholders, **fields):
    form = {"title": "Briefing for new starters", "stakeholders": [str(s.id) for s in stakeholders],
            "method": "briefing", "message": "", "owner": "", "planned_date": ["5", "1", "2027"],
            "repeat": "", "repeat_until": ["", "", ""], "notes": ""}
    form.update(fields)
    return form


# -- rules -------------------------------------------------------------------------------------

@pytest.mark.parametrize("influence, interest, quadrant", [
    (3, 3, Quadrant.MANAGE_CLOSELY), (5, 5, Quadrant.MANAGE_CLOSELY),
    (3, 2, Quadrant.KEEP_SATISFIED), (5, 1, Quadrant.KEEP_SATISFIED),
    (2, 3, Quadrant.KEEP_INFORMED), (1, 5, Quadrant.KEEP_INFORMED),
    (2, 2, Quadrant.MONITOR), (1, 1, Quadrant.MONITOR),
])
def test_three_or_more_counts_as_high(influence, interest, quadrant):
    assert quadrant_of(influence, interest) == quadrant


def test_engagement_gaps_largest_first_then_most_influential(programme):
    L = EngagementLevel
    small = _stakeholder(programme, "Schools", 2, 3, L.NEUTRAL, L.SUPPORTIVE)
    big = _stakeholder(programme, "Adult services", 3, 2, L.UNAWARE, L.SUPPORTIVE)
    big_influential = _stakeholder(programme, "Family court", 5, 2, L.RESISTANT, L.LEADING)
    _stakeholder(programme, "There already", 4, 4, L.SUPPORTIVE, L.SUPPORTIVE)
    _stakeholder(programme, "Above the target", 4, 4, L.LEADING, L.SUPPORTIVE)
    gaps = services.engagement_gaps(services.register(programme))
    assert [s.name for s in gaps] == [big_influential.name, big.name, small.name]
    assert [s.gap for s in gaps] == [3, 3, 1]


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert services.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert services.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert services.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert services.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_occurrences_repeat_from_the_planned_date_until_the_end_date(programme):
    s = _stakeholder(programme)
    monthly = _engagement(programme, [s], planned=date(2027, 1, 31), unit=RepeatUnit.MONTHS,
                          every=1, until=date(2027, 5, 1))
    assert list(services.occurrence_dates(monthly)) == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    fortnightly = _engagement(programme, [s], planned=date(2027, 1, 4), unit=RepeatUnit.WEEKS,
                              every=2)
    dates = services.occurrence_dates(fortnightly)
    assert [next(dates) for _ in range(3)] == [date(2027, 1, 4), date(2027, 1, 18),
                                                date(2027, 2, 1)]
    once = _engagement(programme, [s], planned=date(2027, 3, 3))
    assert list(services.occurrence_dates(once)) == [date(2027, 3, 3)]
    assert once.repeat_label == "Once"
    assert monthly.repeat_label == "Every month until 1 May 2027"
    assert fortnightly.repeat_rule == "Every 2 weeks"


def test_schedule_rag_follows_the_action_rules(programme, member):
    owner = member(Role.STEERING)
    s = _stakeholder(programme)
    overdue = services.schedule(_engagement(programme, [s], planned=TODAY - timedelta(days=3),
                                            owner=owner), TODAY)
    assert overdue.rag.colour == Rag.RED and overdue.rag.label == "Red: 3 days overdue"
    soon = services.schedule(_engagement(programme, [s], planned=TODAY + timedelta(days=7),
                                         owner=owner), TODAY)
    assert soon.rag.colour == Rag.AMBER and [d.due_on for d in soon.due] == [soon.first_open]
    later = services.schedule(_engagement(programme, [s], planned=TODAY + timedelta(days=8),
                                          owner=owner), TODAY)
    assert later.rag.colour == Rag.GREEN and later.due == []
    ownerless = services.schedule(_engagement(programme, [s], planned=TODAY + timedelta(days=30)),
                                  TODAY)
    assert ownerless.rag.label == "Amber: no owner"
    cancelled = _engagement(programme, [s], planned=TODAY - timedelta(days=3), owner=owner,
                            status=EngagementStatus.CANCELLED)
    assert services.schedule(cancelled, TODAY).rag is None
    assert services.schedule(cancelled, TODAY).status_text == "Cancelled"


def test_repeating_schedule_shows_coming_dates_and_clears_when_recorded(programme, member):
    owner = member(Role.STEERING)
    s = _stakeholder(programme)
    e = _engagement(programme, [s], planned=TODAY - timedelta(weeks=4), owner=owner,
                    unit=RepeatUnit.WEEKS, every=2)
    sched = services.schedule(e, TODAY)
    assert [slot.due_on for slot in sched.due] == [TODAY - timedelta(weeks=4),
                                                    TODAY - timedelta(weeks=2), TODAY]
    assert sched.rag.label == "Red: 28 days overdue"
    assert sched.coming[:3] == [TODAY, TODAY + timedelta(weeks=2), TODAY + timedelta(weeks=4)]
    for day in (TODAY - timedelta(weeks=4), TODAY - timedelta(weeks=2)):
        services.record_occurrence(e, due_on=day, outcome=OccurrenceOutcome.DONE, done_on=day,
                                   notes="", actor=owner)
    db.session.commit()
    sched = services.schedule(e, TODAY)
    assert sched.rag.label == "Amber: due today"
    assert sched.status_key == "planned"


def test_one_off_done_is_done(programme, member):
    s = _stakeholder(programme)
    e = _engagement(programme, [s], planned=TODAY - timedelta(days=5))
    services.record_occurrence(e, due_on=e.planned_date, outcome=OccurrenceOutcome.DONE,
                               done_on=TODAY - timedelta(days=4), notes="", actor=None)
    db.session.commit()
    sched = services.schedule(e, TODAY)
    assert sched.rag is None and sched.due == []
    assert sched.status_text == "Done on 19 November 2026"


# -- the register and the grid -------------------------------------------------------------------

def test_register_lists_stakeholders_and_the_gap_list(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    _stakeholder(programme, "Family court", 5, 2, EngagementLevel.UNAWARE, EngagementLevel.NEUTRAL,
                 organisation="HMCTS")
    page = client.get(f"{BASE}/stakeholders").get_data(as_text=True)
    assert "Family court" in page and "HMCTS" in page and "Keep satisfied" in page
    assert "Engagement gaps" in page and "2 levels" in page
    assert "Add a stakeholder" not in page  # observers read only


def test_grid_is_an_accessible_svg_with_the_data_beside_it(client, signed_in, programme):
    signed_in(Role.CHAMPION)
    _stakeholder(programme, "IRO service", 4, 4)
    _stakeholder(programme, "Housing", 3, 1)
    _stakeholder(programme, "Schools", 2, 3)
    _stakeholder(programme, "Police", 1, 1)
    page = client.get(f"{BASE}/stakeholders/grid").get_data(as_text=True)
    assert 'role="img"' in page and '<title id="grid-title">' in page
    assert "<desc id=\"grid-desc\">Manage closely (high influence, high interest): 1: 1 IRO service." in page
    assert "3 or more counts as high" in page
    assert page.count("<circle ") == 4
    for name in ("IRO service", "Housing", "Schools", "Police"):
        assert f">{name}</a>" in page
    assert "Keep satisfied" in page and "Keep informed" in page and "Monitor" in page


def test_grid_places_each_stakeholder_in_its_quadrant(programme):
    stakeholders = [_stakeholder(programme, f"S{i}", inf, intr)
                    for i, (inf, intr) in enumerate([(5, 5), (5, 1), (1, 5), (1, 1), (3, 3)])]
    grid = services.grid(stakeholders)
    boxes = {b.quadrant: b for b in grid.boxes}
    for point in grid.points:
        box = boxes[point.stakeholder.quadrant]
        assert box.x < point.x < box.x + box.width
        assert box.y + 20 < point.y < box.y + box.height  # below the quadrant's name
    many = [_stakeholder(programme, f"Same {i}", 4, 4) for i in range(9)]
    points = services.grid(many).points
    assert len({(p.x, p.y) for p in points}) == 9  # sharing a cell, none on top of another


def test_adding_a_stakeholder_validates_and_keeps_what_was_typed(client, signed_in, programme):
    signed_in(Role.STEERING)
    response = client.post(f"{BASE}/stakeholders/new", data=_stakeholder_form(
        name="", influence="", group="", benefits="Fewer breakdowns"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == ["Enter the stakeholder's name", "Choose the stakeholder group",
                                 "Select how much influence they have"]
    assert "Fewer breakdowns" in page
    response = client.post(f"{BASE}/stakeholders/new", data=_stakeholder_form(influence="7"))
    assert response.status_code == 400


def test_a_steering_member_adds_a_stakeholder(client, signed_in, programme, member):
    me = signed_in(Role.STEERING)
    owner = member(Role.STEERING, name="Grace Mensah")
    response = client.post(f"{BASE}/stakeholders/new", data=_stakeholder_form(
        contact_owner=str(owner.id), resistance="Worry that returns are rushed"))
    assert response.status_code == 302
    s = db.session.execute(select(Stakeholder)).scalar_one()
    assert (s.name, s.quadrant, s.contact_owner_id, s.gap) == (
        "Foster carers", Quadrant.KEEP_INFORMED, owner.id, 1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "in “Keep informed” on the grid" in page
    assert "Worry that returns are rushed" in page and "Grace Mensah" in page
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "stakeholder")).scalar_one()
    assert event.actor_id == me.id


def test_editing_a_stakeholder_is_audited_and_refuses_a_stale_save(client, signed_in, programme):
    signed_in(Role.LEAD)
    s = _stakeholder(programme, "CAFCASS")
    url = f"{BASE}/stakeholders/{s.id}/edit"
    first = client.post(url, data=_stakeholder_form(name="CAFCASS", kind="agency",
                                                    group="courts", influence="4",
                                                    interest="3", level_now="supportive",
                                                    version=s.version))
    assert first.status_code == 302
    page = client.get(f"{BASE}/stakeholders/{s.id}").get_data(as_text=True)
    assert "Neutral → Supportive" in page
    stale = client.post(url, data=_stakeholder_form(name="CAFCASS local service", kind="agency",
                                                    group="courts", version=1))
    assert stale.status_code == 409
    assert "Someone else changed this stakeholder" in stale.get_data(as_text=True)
    db.session.refresh(s)
    assert s.name == "CAFCASS"


def test_removing_a_stakeholder_is_refused_while_it_is_in_the_plan(client, signed_in, programme):
    signed_in(Role.LEAD)
    kept = _stakeholder(programme, "CAFCASS")
    _engagement(programme, [kept])
    spare = _stakeholder(programme, "Added by mistake")
    refused = client.post(f"{BASE}/stakeholders/{kept.id}/remove")
    assert refused.status_code == 409
    assert "named in 1 engagement" in refused.get_data(as_text=True)
    assert client.post(f"{BASE}/stakeholders/{spare.id}/remove").status_code == 302
    assert db.session.execute(select(func.count()).select_from(Stakeholder)).scalar() == 1


def test_champions_read_but_cannot_change_the_register(client, signed_in, programme):
    signed_in(Role.CHAMPION)
    s = _stakeholder(programme)
    assert client.get(f"{BASE}/stakeholders/{s.id}").status_code == 200
    assert client.get(f"{BASE}/stakeholders/{s.id}/edit").status_code == 403
    assert client.post(f"{BASE}/engagements/new", data=_engagement_form([s])).status_code == 403


# -- engagements ---------------------------------------------------------------------------------

def test_planning_a_repeating_engagement(client, signed_in, programme):
    me = signed_in(Role.STEERING)
    s = _stakeholder(programme, "Children in Care teams", group=StakeholderGroup.STAFF)
    response = client.post(f"{BASE}/engagements/new", data=_engagement_form(
        [s], owner=str(me.id), repeat="3m", message="What the Framework is"))
    assert response.status_code == 302
    e = db.session.execute(select(Engagement)).scalar_one()
    assert (e.repeat_unit, e.repeat_every, e.planned_date) == (RepeatUnit.MONTHS, 3,
                                                              date(2027, 1, 5))
    assert [k.name for k in e.stakeholders] == ["Children in Care teams"]
    page = client.get(f"{BASE}/engagements/{e.id}").get_data(as_text=True)
    assert "Every 3 months" in page
    for day in ("5 January 2027", "5 April 2027", "5 July 2027", "5 October 2027"):
        assert day in page


def test_engagement_form_errors(client, signed_in, programme):
    signed_in(Role.STEERING)
    s = _stakeholder(programme)
    response = client.post(f"{BASE}/engagements/new", data=_engagement_form(
        [], title="", method="", planned_date=["", "", ""], message="Keep this"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == ["Enter what the engagement is", "Choose at least one stakeholder",
                                 "Choose how you will engage them", "Enter the date"]
    assert "Keep this" in page
    response = client.post(f"{BASE}/engagements/new", data=_engagement_form(
        [s], repeat="", repeat_until=["1", "1", "2028"]))
    assert form_errors(response.get_data(as_text=True)) == [
        "Choose how often it repeats, or leave Repeat until blank"]
    response = client.post(f"{BASE}/engagements/new", data=_engagement_form(
        [s], repeat="1m", repeat_until=["1", "1", "2026"]))
    assert form_errors(response.get_data(as_text=True)) == [
        "Repeat until must be on or after the date"]
    unknown = {**_engagement_form([s]), "stakeholders": [str(s.id + 1000)]}
    assert client.post(f"{BASE}/engagements/new", data=unknown).status_code == 400


def test_changing_only_who_an_engagement_is_for_moves_its_version_on(programme):
    first, second = _stakeholder(programme, "CAFCASS"), _stakeholder(programme, "Family court")
    e = _engagement(programme, [first])
    version = e.version
    assert services.update_engagement(e, seen_version=version, actor=None,
                                      stakeholders=[first, second])
    db.session.commit()
    assert e.version == version + 1
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "engagement", AuditEvent.action == "updated")).scalar_one()
    assert event.changes == {"Stakeholders": ["CAFCASS", "CAFCASS, Family court"]}


def test_editing_an_engagement_cancels_it_and_refuses_a_stale_save(client, signed_in, programme):
    signed_in(Role.LEAD)
    s = _stakeholder(programme)
    e = _engagement(programme, [s], title="Seminar", planned=TODAY + timedelta(days=10))
    url = f"{BASE}/engagements/{e.id}/edit"
    ok = client.post(url, data=_engagement_form([s], title="Seminar", method="seminar",
                                                planned_date=["3", "12", "2026"],
                                                status="cancelled", version=e.version))
    assert ok.status_code == 302
    db.session.refresh(e)
    assert e.status == EngagementStatus.CANCELLED
    page = client.get(f"{BASE}/engagements/{e.id}").get_data(as_text=True)
    assert "Planned → Cancelled" in page
    stale = client.post(url, data=_engagement_form([s], title="Renamed", method="seminar",
                                                   status="planned", version=1))
    assert stale.status_code == 409
    plan_page = client.get(f"{BASE}/engagement-plan").get_data(as_text=True)
    assert "Cancelled" in plan_page


def test_recording_an_occurrence_with_feedback_that_raises_an_action(client, signed_in, programme,
                                                                     member):
    me = signed_in(Role.STEERING)
    owner = member(Role.STEERING, name="Rachel Green")
    s = _stakeholder(programme, "Adult drug and alcohol services", 3, 2,
                     group=StakeholderGroup.PARTNERS)
    e = _engagement(programme, [s], title="Briefing for new starters", owner=me,
                    planned=TODAY - timedelta(days=14), unit=RepeatUnit.WEEKS, every=2)
    assert [slot.due_on for slot in services.due_engagements(programme)] == [
        TODAY - timedelta(days=14), TODAY]
    url = f"{BASE}/engagements/{e.id}/record?on={TODAY.isoformat()}"
    missing = client.post(url, data={"outcome": "done", "done_on": ["23", "11", "2026"],
                                     "feedback_text": "", "action_title": "Do something",
                                     "action_owner": ""})
    assert missing.status_code == 400
    assert form_errors(missing.get_data(as_text=True)) == [
        "Enter the feedback the action comes from"]
    response = client.post(url, data={
        "outcome": "done", "done_on": ["23", "11", "2026"], "notes": "Twelve new starters",
        "feedback_text": "They need two weeks' notice", "feedback_source": "partners",
        "action_title": "Set up a two-week notice route", "action_owner": str(owner.id),
        "action_due": ["14", "12", "2026"]})
    assert response.status_code == 302
    occurrence = db.session.execute(select(EngagementOccurrence)).scalar_one()
    assert (occurrence.due_on, occurrence.done_on, occurrence.recorded_by_id) == (
        TODAY, TODAY, me.id)
    feedback = db.session.execute(select(Feedback)).scalar_one()
    assert (feedback.engagement_id, feedback.occurrence_id, feedback.source) == (
        e.id, occurrence.id, FeedbackSource.PARTNERS)
    action = db.session.execute(select(Action)).scalar_one()
    assert (action.feedback_id, action.owner_id, action.due_date) == (
        feedback.id, owner.id, date(2026, 12, 14))
    assert actions.source_label(action) == "Stakeholder feedback"
    assert "They need two weeks' notice" in action.details
    # Today's date is recorded; the one two weeks ago is still overdue.
    db.session.expire_all()
    assert [slot.due_on for slot in services.due_engagements(programme)] == [
        TODAY - timedelta(days=14)]
    page = client.get(f"{BASE}/engagements/{e.id}").get_data(as_text=True)
    assert "Done on 23 November 2026" in page and "Twelve new starters" in page
    assert "Set up a two-week notice route" in page
    assert "Not recorded → Done on 23 November 2026" in page
    # Recording the same date again corrects it rather than adding another.
    again = client.post(url, data={"outcome": "not_held", "done_on": ["", "", ""]})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(EngagementOccurrence)).scalar() == 1
    assert occurrence.outcome == OccurrenceOutcome.NOT_HELD and occurrence.done_on is None


def test_record_refuses_dates_outside_the_plan_and_dates_in_the_future(client, signed_in,
                                                                        programme):
    signed_in(Role.LEAD)
    s = _stakeholder(programme)
    e = _engagement(programme, [s], planned=date(2026, 11, 2), unit=RepeatUnit.WEEKS, every=1)
    base = f"{BASE}/engagements/{e.id}/record"
    assert client.get(f"{base}?on=2026-11-03").status_code == 404
    assert client.get(f"{base}?on=nonsense").status_code == 404
    assert client.get(f"{base}?on=2026-11-09").status_code == 200
    assert "Record the 2 November 2026 seminar" in client.get(base).get_data(as_text=True)
    future = client.post(f"{base}?on=2026-11-30", data={"outcome": "done",
                                                         "done_on": ["30", "11", "2026"]})
    assert form_errors(future.get_data(as_text=True)) == [
        "Date it happened must be today or in the past"]


# -- feedback ------------------------------------------------------------------------------------

def test_champion_records_feedback_but_raises_actions_only_for_themselves(client, signed_in,
                                                                          programme, member):
    me = signed_in(Role.CHAMPION)
    other = member(Role.STEERING)
    s = _stakeholder(programme, "Children and young people in care",
                     group=StakeholderGroup.FAMILIES)
    nothing = client.post(f"{BASE}/feedback/new", data={
        "received_on": ["20", "11", "2026"], "feedback_source": "families",
        "feedback_text": "Say what happens if going home does not work out",
        "engagement": "", "stakeholder": "", "action_owner": ""})
    assert form_errors(nothing.get_data(as_text=True)) == [
        "Choose the engagement or the stakeholder the feedback is about"]
    data = {"received_on": ["20", "11", "2026"], "feedback_source": "families",
            "feedback_text": "Say what happens if going home does not work out",
            "engagement": "", "stakeholder": str(s.id),
            "action_title": "Add a contingency section to the plan template",
            "action_owner": str(other.id)}
    refused = client.post(f"{BASE}/feedback/new", data=data)
    assert form_errors(refused.get_data(as_text=True)) == ["You can only add actions that you own"]
    assert client.post(f"{BASE}/feedback/new",
                       data={**data, "action_owner": str(me.id)}).status_code == 302
    feedback = db.session.execute(select(Feedback)).scalar_one()
    assert feedback.stakeholder_id == s.id and feedback.recorded_by_id == me.id
    assert [a.title for a in feedback.actions] == ["Add a contingency section to the plan template"]
    page = client.get(f"{BASE}/feedback").get_data(as_text=True)
    assert "Children and young people in care" in page and "contingency section" in page


def test_feedback_cannot_be_received_in_the_future(client, signed_in, programme):
    from tracker import clock

    signed_in(Role.LEAD)
    s = _stakeholder(programme, "CAFCASS")
    tomorrow = clock.today() + timedelta(days=1)
    response = client.post(f"{BASE}/feedback/new", data={
        "received_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        "feedback_source": "partners", "feedback_text": "Useful seminar",
        "engagement": "", "stakeholder": str(s.id), "action_owner": ""})
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "Date received must be today or in the past"]
    assert "Useful seminar" in response.get_data(as_text=True)


def test_raising_an_action_from_earlier_feedback(client, signed_in, programme):
    me = signed_in(Role.LEAD)
    s = _stakeholder(programme)
    feedback = services.create_feedback(programme, received_on=TODAY, source=FeedbackSource.STAFF,
                                        text="More on chronologies", stakeholder=s, actor=me)
    db.session.commit()
    assert client.get(f"{BASE}/feedback/{feedback.id}").status_code == 200
    response = client.post(f"{BASE}/feedback/{feedback.id}/action", data={
        "action_title": "Run a chronology workshop", "action_owner": str(me.id),
        "action_due": ["", "", ""]})
    assert response.status_code == 302
    action = db.session.execute(select(Action)).scalar_one()
    assert action.feedback_id == feedback.id
    assert actions.SOURCES["feedback"][0] == "Stakeholder feedback"
    found = db.session.execute(
        select(Action).where(actions.SOURCES["feedback"][1])).scalars().all()
    assert found == [action]
    assert db.session.execute(select(Action).where(actions.SOURCES["none"][1])).first() is None


# -- the plan, CSV, dashboard and calendar -------------------------------------------------------

def _plan_data(programme, owner):
    staff = _stakeholder(programme, "Children in Care teams", 4, 5, group=StakeholderGroup.STAFF,
                         needs_to_know="Where the templates are")
    court = _stakeholder(programme, "Family court", 5, 2, group=StakeholderGroup.COURTS)
    briefing = _engagement(programme, [staff], title="Briefing for new starters", owner=owner,
                           planned=date(2026, 10, 5), unit=RepeatUnit.MONTHS, every=3,
                           method=EngagementMethod.BRIEFING)
    seminar = _engagement(programme, [staff, court], title="Seminar for the court", owner=owner,
                          planned=date(2027, 1, 12), message="How plans for return are tested")
    return staff, court, briefing, seminar


def test_plan_reads_by_stakeholder_group(client, signed_in, programme):
    me = signed_in(Role.OBSERVER)
    _plan_data(programme, me)
    page = client.get(f"{BASE}/engagement-plan").get_data(as_text=True)
    staff_at = page.index('id="group-staff"')
    courts_at = page.index('id="group-courts"')
    assert staff_at < courts_at
    staff_section, courts_section = page[staff_at:courts_at], page[courts_at:]
    assert "Briefing for new starters" in staff_section and "Seminar for the court" in staff_section
    assert "Seminar for the court" in courts_section
    assert "Briefing for new starters" not in courts_section
    assert "Where the templates are" in staff_section
    assert "Every 3 months from 5 October 2026" in page
    assert "Next: 5 January 2027, 5 April 2027, 5 July 2027, 5 October 2027" in page
    assert "Coming up in the next three months" in page and "12 January 2027" in page
    assert "Plan an engagement" not in page
    printable = client.get(f"{BASE}/engagement-plan/print").get_data(as_text=True)
    main = printable[printable.index("<main"):printable.index("</main>")]
    assert "Seminar for the court" in main and 'href="/a/testshire/engagements' not in main


def test_plan_csv_is_utf8_with_bom_and_iso_dates(client, signed_in, programme):
    me = signed_in(Role.CHAMPION)
    _plan_data(programme, me)
    response = client.get(f"{BASE}/engagement-plan.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == services.CSV_COLUMNS
    by_title = {r["engagement"]: r for r in rows}
    briefing = by_title["Briefing for new starters"]
    assert briefing["planned_date"] == "2026-10-05" and briefing["repeats"] == "every 3 months"
    assert briefing["next_date"] == "2026-10-05" and briefing["rag"] == "red"
    assert briefing["coming_dates"] == "2027-01-05; 2027-04-05; 2027-07-05; 2027-10-05"
    seminar = by_title["Seminar for the court"]
    assert seminar["stakeholder_groups"] == "Children's social care staff; Courts and legal"
    assert seminar["owner_email"] == me.email and seminar["rag"] == "green"


def test_dashboard_shows_engagements_due(client, signed_in, programme):
    me = signed_in(Role.LEAD)
    s = _stakeholder(programme)
    _engagement(programme, [s], title="Paper to the partnership", owner=me,
                planned=TODAY + timedelta(days=3))
    _engagement(programme, [s], title="Not for weeks", owner=me, planned=TODAY + timedelta(days=30))
    page = client.get(f"{BASE}/").get_data(as_text=True)
    start = page.index('id="engagements-due-heading"')
    panel = page[start:page.index("</section>", start)]
    assert "Paper to the partnership" in panel and "due in 3 days" in panel
    assert "Not for weeks" not in panel


def test_calendar_feed_carries_engagement_dates_with_stable_uids(client, signed_in, programme):
    me = signed_in(Role.STEERING)
    s = _stakeholder(programme)
    once = _engagement(programme, [s], title="Seminar for CAFCASS", owner=me,
                       planned=date(2027, 1, 12))
    rolling = _engagement(programme, [s], title="Briefing for new starters", owner=me,
                          planned=date(2026, 10, 5), unit=RepeatUnit.MONTHS, every=3,
                          until=date(2027, 6, 30))
    _engagement(programme, [s], title="Cancelled one", planned=date(2027, 1, 1),
                status=EngagementStatus.CANCELLED)
    client.post("/account/calendar", data={"feed": "on"})
    db.session.refresh(me)
    feed = Calendar.from_ical(client.get(f"/calendar/{me.calendar_token}.ics").get_data())
    events = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    expected = {f"engagement-{once.id}@homeward"} | {
        f"engagement-{rolling.id}-{d}@homeward" for d in ("20261005", "20270105", "20270405")}
    assert expected <= set(events)
    assert not any("Cancelled one" in str(e["summary"]) for e in events.values())
    assert events[f"engagement-{once.id}@homeward"].decoded("dtstart") == date(2027, 1, 12)
    assert "Seminar: Seminar for CAFCASS" in str(events[f"engagement-{once.id}@homeward"]["summary"])


# -- query counts ------------------------------------------------------------------------------

def _grow(programme, users, n: int) -> None:
    groups = list(StakeholderGroup)
    made = [_stakeholder(programme, f"Stakeholder {i}", 1 + i % 5, 1 + (i * 2) % 5,
                         group=groups[i % len(groups)], contact_owner=users[i % len(users)])
            for i in range(n)]
    for i in range(n):
        e = _engagement(programme, made[i:i + 3], title=f"Engagement {i}",
                        owner=users[i % len(users)], planned=TODAY + timedelta(days=i - n // 2),
                        unit=RepeatUnit.MONTHS if i % 2 else None, every=1 if i % 2 else None)
        if i % 3 == 0:
            occurrence = services.record_occurrence(
                e, due_on=e.planned_date, outcome=OccurrenceOutcome.DONE, done_on=e.planned_date,
                notes="", actor=users[0])
            feedback = services.create_feedback(
                programme, received_on=e.planned_date, source=FeedbackSource.STAFF, text="Fine",
                engagement=e, occurrence=occurrence, stakeholder=made[i], actor=users[0])
            services.raise_action(programme, feedback, title=f"Follow up {i}", owner=users[0],
                                  due_date=None, actor=users[0])
    db.session.commit()


@pytest.mark.parametrize("path", [
    "/stakeholders", "/stakeholders/grid", "/engagement-plan", "/engagement-plan/print",
    "/engagement-plan.csv", "/feedback", "/",
])
def test_pages_run_a_fixed_number_of_queries(client, signed_in, programme, member, count_queries,
                                             path):
    lead = signed_in(Role.LEAD)
    users = [lead] + [member(Role.STEERING) for _ in range(3)]
    _grow(programme, users, 3)
    client.get(BASE + path)
    with count_queries() as small:
        assert client.get(BASE + path).status_code == 200
    _grow(programme, users, 30)
    with count_queries() as large:
        assert client.get(BASE + path).status_code == 200
    assert large.count == small.count, large.statements


def test_stakeholder_and_engagement_pages_run_a_fixed_number_of_queries(
        client, signed_in, programme, member, count_queries):
    lead = signed_in(Role.LEAD)
    users = [lead, member(Role.STEERING)]
    _grow(programme, users, 3)
    s = db.session.execute(select(Stakeholder).order_by(Stakeholder.id)).scalars().first()
    e = db.session.execute(select(Engagement).order_by(Engagement.id)).scalars().first()
    paths = [f"/stakeholders/{s.id}", f"/engagements/{e.id}"]
    with count_queries() as small:
        for path in paths:
            assert client.get(BASE + path).status_code == 200
    for i in range(15):
        extra = _engagement(programme, [s], title=f"More {i}", owner=users[i % 2],
                            planned=TODAY - timedelta(days=i))
        services.record_occurrence(extra, due_on=extra.planned_date,
                                   outcome=OccurrenceOutcome.DONE, done_on=extra.planned_date,
                                   notes="", actor=lead)
        services.create_feedback(programme, received_on=TODAY, source=FeedbackSource.PARTNERS,
                                 text=f"Said {i}", engagement=e, stakeholder=s, actor=users[i % 2])
        services.record_occurrence(e, due_on=e.planned_date, outcome=OccurrenceOutcome.DONE,
                                   done_on=e.planned_date, notes=f"edit {i}", actor=users[i % 2])
    db.session.commit()
    with count_queries() as large:
        for path in paths:
            assert client.get(BASE + path).status_code == 200
    assert large.count == small.count, large.statements
