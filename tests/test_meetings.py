"""Meetings and learning sets: the agenda templates, planning and editing a meeting, agenda items and
outcomes (decisions; actions that are real actions), the review of the previous set, bounded queries."""

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tests.factories import MEETING_PAST, add_group_member, date_fields, hold_meeting, make_meeting
from tracker import audit, clock
from tracker.actions import services as actions
from tracker.datafiles import ChecklistError
from tracker.extensions import db
from tracker.meetings import agendas, planner, services
from tracker.meetings import core as meeting_core
from tracker.meetings import series as meeting_series
from tracker.meetings import sheets as meeting_sheets
from tracker.models import (
    Action,
    ActionStatus,
    AgendaOutcome,
    AttendanceStatus,
    GroupKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
    Role,
    SheetQuestion,
)

BASE = "/a/testshire"


# -- the agenda templates ------------------------------------------------------------------------

def test_every_seed_agenda_is_in_the_data_with_its_questions():
    data = agendas.load()
    assert {(t.kind, t.number) for t in data.agendas.values()} == {
        (MeetingKind.SETUP, None), (MeetingKind.BRIEFING, None), (MeetingKind.STEERING, None),
        (MeetingKind.MIDWAY_REVIEW, None), (MeetingKind.TASK_AND_FINISH, None),
        *((MeetingKind.STRATEGIC_SET, n) for n in (1, 2, 3)),
        *((MeetingKind.PRACTICE_SET, n) for n in (1, 2, 3)),
    }
    success = next(i for i in data.agenda(MeetingKind.STRATEGIC_SET, 1).items
                   if i.title == "What does success look like?")
    assert len(success.prompts) == 4
    practice_1 = data.agenda(MeetingKind.PRACTICE_SET, 1)
    assert any("action sheet" in i.title for i in practice_1.items)
    assert len(next(i for i in data.agenda(MeetingKind.PRACTICE_SET, 2).items
                    if i.title.startswith("Understanding the Framework")).prompts) == 6
    steering = [i.title for i in data.agenda(MeetingKind.STEERING).items]
    assert "Suggested changes to processes and systems from the pilot group" in steering
    assert "Progress and case outcomes against the agreed outcome indicators" in steering
    assert not data.agenda(MeetingKind.STRATEGIC_SET, 2).reconstructed
    assert data.agenda(MeetingKind.MIDWAY_REVIEW).reconstructed
    assert [r.label for r in data.roles_for(GroupKind.STRATEGIC)] == [
        "Assistant Director", "Head of Service for Looked After Children",
        "Head of Service for Children in Need / Family Support", "Principal Social Worker",
        "Workforce development manager", "IRO lead", "Fostering manager",
        "Data / performance manager",
    ]


def test_practice_set_3_keeps_its_last_item():
    items = agendas.load().agenda(MeetingKind.PRACTICE_SET, 3).items
    assert items[-1].title == "Actions for the next three months"
    assert not any(i.reconstructed for i in items)


def test_every_item_of_an_agenda_homeward_wrote_is_marked_as_homewards():
    data = agendas.load()
    for kind in (MeetingKind.MIDWAY_REVIEW, MeetingKind.TASK_AND_FINISH):
        assert all(i.reconstructed and i.basis for i in data.agenda(kind).items)
    changed = data.agenda(MeetingKind.PRACTICE_SET, 2).items[-1]
    assert changed.reconstructed and "postcard to practice group" in changed.basis


@pytest.mark.parametrize("old, new, message", [
    ('title = "What research tells us about poor outcomes for children"', 'title = ""',
     "agendas.toml: Strategic Set 1 item 3: title is empty"),
    ('kind = "practice_set"\nnumber = 3', 'kind = "practice_set"\nnumber = 4',
     "agendas.toml: agenda #8 (Practice learning set): number must be 1, 2 or 3"),
    ('kind = "midway_review"', 'kind = "midway_call"',
     "agendas.toml: agenda #9: kind 'midway_call' is not one of"),
    ('title = "Conclusions"', 'title = "Conclusions"\nprompts = "Why?"',
     "agendas.toml: Practice Set 3 item 6: prompts must be a list of questions"),
    ('title = "Any other business, and the date of the next meeting"\nadded_by_homeward = true',
     'title = "Any other business, and the date of the next meeting"\nadded_by_homeward = false',
     "agendas.toml: Steering group meeting item 6: basis is only for items with "
     "added_by_homeward = true"),
    ('source = "checklist: Strategic Set 1 | 000 lines 1632–1664"\n', '',
     "agendas.toml: Strategic Set 1: needs a source (document and section), or "
     "added_by_homeward = true with a basis"),
    ('group = "practice"\nkey = "iro"', 'group = "both"\nkey = "iro"',
     "agendas.toml: role iro: group must be one of strategic, practice"),
])
def test_agenda_errors_name_the_file_the_item_and_the_problem(old, new, message):
    text = (agendas.CHECKLISTS_DIR / agendas.AGENDAS_FILE).read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ChecklistError) as error:
        agendas.parse(text.replace(old, new, 1), agendas.AGENDAS_FILE)
    assert str(error.value).startswith(message)


def test_a_missing_agenda_is_named():
    text = (agendas.CHECKLISTS_DIR / agendas.AGENDAS_FILE).read_text(encoding="utf-8")
    start = text.index("[[agendas]]\nkind = \"practice_set\"\nnumber = 3")
    end = text.index("[[agendas]]", start + 10)
    with pytest.raises(ChecklistError, match="agendas.toml: agendas: no agenda for Practice Set 3"):
        agendas.parse(text[:start] + text[end:], agendas.AGENDAS_FILE)


# -- meetings --------------------------------------------------------------------------------------

def test_adding_a_meeting_copies_its_agenda_and_invites_its_group(client, signed_in, programme):
    lead = signed_in(Role.LEAD)
    me = add_group_member(programme, user=lead, role="assistant_director")
    add_group_member(programme, GroupKind.PRACTICE, name="Ben Carter")
    response = client.post(f"{BASE}/meetings/new", data={
        "kind": "steering", "group": "strategic", "day": date_fields(MEETING_PAST), "start_time": "2pm",
        "end_time": "15:30", "location": "Room 4", "facilitators": ""})
    assert response.status_code == 302
    meeting = db.session.execute(select(Meeting)).scalar_one()
    assert meeting.title == "Steering group meeting"
    assert (meeting.start_time, meeting.end_time) == (time(14), time(15, 30))
    template = agendas.current().agenda(MeetingKind.STEERING)
    assert [i.title for i in meeting.items] == [i.title for i in template.items]
    assert [a.member_id for a in meeting.attendees] == [me.id]
    assert "version 2026.2" in meeting.agenda_source
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Suggested changes to processes and systems from the pilot group" in page
    assert "2 March 2026, 2pm to 3:30pm" in page


def test_a_later_template_never_rewrites_a_meeting(programme, monkeypatch):
    meeting = make_meeting(programme, MeetingKind.STRATEGIC_SET, number=1)
    first = meeting.items[0].title
    data = agendas.current()
    changed = replace(data.agenda(MeetingKind.STRATEGIC_SET, 1), items=(
        agendas.ItemTemplate("Renamed", (), False, ""),))
    later = replace(data, version="2099.1",
                    agendas={**data.agendas, (MeetingKind.STRATEGIC_SET, 1): changed})
    monkeypatch.setattr(agendas, "current", lambda: later)
    newer = make_meeting(programme, MeetingKind.STRATEGIC_SET, number=1)
    db.session.refresh(meeting)
    assert meeting.items[0].title == first and len(meeting.items) == 10
    assert [i.title for i in newer.items] == ["Renamed"]


def test_the_new_meeting_form_says_what_is_wrong_and_keeps_what_was_typed(client, signed_in):
    signed_in(Role.STEERING)
    response = client.post(f"{BASE}/meetings/new", data={
        "kind": "practice_set", "group": "practice", "day": ["31", "2", "2027"],
        "start_time": "half nine", "end_time": "", "location": "Town Hall"})
    assert response.status_code == 400
    errors = form_errors(response.get_data(as_text=True))
    assert "Choose which set this is: 1, 2 or 3" in errors
    assert "Date must be a real date, like 27 3 2027" in errors
    assert "Start time must be a time, like 9:30am or 14:00" in errors
    assert 'value="Town Hall"' in response.get_data(as_text=True)
    response = client.post(f"{BASE}/meetings/new", data={
        "kind": "steering", "group": "strategic", "day": date_fields(MEETING_PAST), "start_time": "3pm",
        "end_time": "2pm"})
    assert form_errors(response.get_data(as_text=True)) == ["End time must be after the start time"]
    assert db.session.execute(select(func.count()).select_from(Meeting)).scalar() == 0


def test_only_a_task_and_finish_group_chooses_its_group(client, signed_in):
    signed_in(Role.STEERING)
    for kind, group in (("practice_set", "strategic"), ("task_and_finish", "practice")):
        client.post(f"{BASE}/meetings/new", data={"kind": kind, "number": "2", "group": group,
                                                 "day": date_fields(MEETING_PAST)})
    groups = dict(db.session.execute(select(Meeting.kind, Meeting.group)).all())
    assert groups == {MeetingKind.PRACTICE_SET: GroupKind.PRACTICE,
                      MeetingKind.TASK_AND_FINISH: GroupKind.PRACTICE}


def _edit_form(meeting, **fields):
    form = {"name": meeting.name, "day": date_fields(meeting.day), "start_time": "", "end_time": "",
            "location": meeting.location, "facilitators": meeting.facilitators,
            "status": meeting.status.value, "summary": meeting.summary,
            "invitees": [str(a.member_id) for a in meeting.attendees], "version": meeting.version}
    form.update(fields)
    return form


def test_changing_a_meeting_is_audited_and_a_stale_save_is_refused(client, signed_in, programme):
    signed_in(Role.STEERING)
    strategic = add_group_member(programme, name="Farah Begum")
    meeting = make_meeting(programme, day=clock.today() + timedelta(days=20))
    opened = _edit_form(meeting, location="Room 1", invitees=[])
    response = client.post(f"{BASE}/meetings/{meeting.id}/edit", data=opened)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.location == "Room 1" and meeting.attendees == []
    event = audit.history(meeting_core.MEETING, meeting.id)[0]
    assert event.changes["Place or link"] == ["", "Room 1"]
    assert event.changes["Invitees"] == ["Farah Begum", ""]
    response = client.post(f"{BASE}/meetings/{meeting.id}/edit",
                           data={**opened, "location": "Room 2"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this meeting" in page and 'value="Room 2"' in page
    response = client.post(f"{BASE}/meetings/{meeting.id}/edit", data=_edit_form(
        meeting, status="held", invitees=[str(strategic.id)]))
    assert response.status_code == 400
    assert "A meeting can only be marked held on or after its date" in form_errors(
        response.get_data(as_text=True))


# -- agenda items and outcomes ---------------------------------------------------------------------

def test_agenda_items_are_added_changed_moved_and_removed(client, signed_in, programme):
    signed_in(Role.STEERING)
    meeting = make_meeting(programme)
    count = len(meeting.items)
    url = f"{BASE}/meetings/{meeting.id}"
    response = client.post(f"{url}/items/new", data={"title": "Scale-up options",
                                                     "prompts": "- How fast?\n\n- Where first?"})
    assert response.status_code == 302
    db.session.refresh(meeting)
    added = meeting.items[-1]
    assert (added.title, added.prompts, added.position) == (
        "Scale-up options", ["How fast?", "Where first?"], count + 1)
    response = client.post(f"{url}/items/{added.id}", data={
        "title": "Scale-up options", "prompts": "How fast?", "position": "1",
        "notes": "Agreed to start with **two teams**.<script>alert(1)</script>",
        "version": added.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert [i.id for i in meeting.items][0] == added.id
    page = client.get(url).get_data(as_text=True)
    assert "<strong>two teams</strong>" in page and "<script>alert" not in page
    changes = {k for e in audit.history(meeting_core.ITEM, added.id) for k in e.changes}
    assert {"Notes", "Questions", "Position"} <= changes
    assert client.get(f"{url}/items/{added.id}/remove").status_code == 200
    added_id = added.id
    assert client.post(f"{url}/items/{added_id}/remove").status_code == 302
    db.session.expire_all()
    assert len(meeting.items) == count
    assert [i.position for i in meeting.items] == list(range(1, count + 1))
    assert audit.history(meeting_core.ITEM, added_id)[0].action == "deleted"


def test_reordering_does_not_refuse_someone_elses_notes(client, signed_in, programme):
    signed_in(Role.STEERING)
    meeting = make_meeting(programme)
    first, second = meeting.items[0], meeting.items[1]
    opened = {"title": second.title, "prompts": "\n".join(second.prompts), "position": "2",
              "notes": "", "version": second.version}
    client.post(f"{BASE}/meetings/{meeting.id}/items/{first.id}", data={
        "title": first.title, "prompts": "\n".join(first.prompts), "position": "3", "notes": "",
        "version": first.version})
    response = client.post(f"{BASE}/meetings/{meeting.id}/items/{second.id}",
                           data={**opened, "notes": "Pilot data is late."})
    assert response.status_code == 302
    stale = client.post(f"{BASE}/meetings/{meeting.id}/items/{second.id}",
                        data={**opened, "notes": "Overwrite"})
    assert stale.status_code == 409
    db.session.refresh(second)
    assert second.notes == "Pilot data is late."


def test_an_action_outcome_is_a_real_action_from_the_meeting(client, signed_in, programme,
                                                             member):
    signed_in(Role.STEERING)
    owner = member(Role.STEERING, name="Helen Wright")
    meeting = make_meeting(programme)
    item = meeting.items[3]
    response = client.post(f"{BASE}/meetings/{meeting.id}/items/{item.id}/outcomes/new", data={
        "kind": "action", "text": "Fix the late pilot data", "owner": str(owner.id),
        "owner_name": "", "due_date": ["20", "3", "2026"]})
    assert response.status_code == 302
    action = db.session.execute(select(Action)).scalar_one()
    assert (action.meeting_id, action.owner_id, action.due_date) == (
        meeting.id, owner.id, date(2026, 3, 20))
    assert actions.source_label(action) == "Steering group meeting, 2 March 2026"
    found = db.session.execute(actions.ActionFilter(source="meeting").select(
        programme.id, owner)).scalars().all()
    assert found == [action]
    assert db.session.execute(actions.ActionFilter(source="none").select(
        programme.id, owner)).scalars().all() == []
    outcome = db.session.execute(select(AgendaOutcome)).scalar_one()
    assert outcome.action_id == action.id and outcome.agenda_item_id == item.id
    page = client.get(f"{BASE}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Fix the late pilot data" in page and "Helen Wright" in page
    assert client.get(f"{BASE}/actions?source=meeting").status_code == 200


def test_an_action_outcome_needs_an_owner_and_a_due_date(client, signed_in, programme):
    signed_in(Role.STEERING)
    meeting = make_meeting(programme)
    item = meeting.items[0]
    response = client.post(f"{BASE}/meetings/{meeting.id}/items/{item.id}/outcomes/new", data={
        "kind": "action", "text": "Do something", "owner": "", "owner_name": "",
        "due_date": ["", "", ""]})
    assert response.status_code == 400
    errors = form_errors(response.get_data(as_text=True))
    assert errors == ["Choose the owner, or enter the name of an owner without an account",
                      "Enter the date the action is due"]
    response = client.post(f"{BASE}/meetings/{meeting.id}/items/{item.id}/outcomes/new", data={
        "kind": "action", "text": "Review eligibility", "owner": "",
        "owner_name": "Head of Commissioning", "due_date": date_fields(MEETING_PAST)})
    assert response.status_code == 302
    assert db.session.execute(select(Action.owner_name)).scalar_one() == "Head of Commissioning"


def test_decisions_are_on_the_programme_wide_log(client, signed_in, programme):
    signed_in(Role.LEAD)
    older = make_meeting(programme, day=MEETING_PAST)
    newer = make_meeting(programme, MeetingKind.STRATEGIC_SET, number=2, day=MEETING_PAST + timedelta(7))
    services.add_outcome(older.items[2], kind=OutcomeKind.DECISION, text="Pilot extends",
                         actor=None)
    services.add_outcome(newer.items[3], kind=OutcomeKind.DECISION, text="Four workstreams",
                         actor=None)
    services.add_outcome(newer.items[1], kind=OutcomeKind.INFORMATION, text="Noted only",
                         actor=None)
    db.session.commit()
    page = client.get(f"{BASE}/decisions").get_data(as_text=True)
    assert page.index("Four workstreams") < page.index("Pilot extends")
    assert "Noted only" not in page
    decision = db.session.execute(select(AgendaOutcome).where(
        AgendaOutcome.text == "Pilot extends")).scalar_one()
    response = client.post(f"{BASE}/meetings/{older.id}/outcomes/{decision.id}/remove")
    assert response.status_code == 302
    assert "Pilot extends" not in client.get(f"{BASE}/decisions").get_data(as_text=True)
    assert audit.history(meeting_core.OUTCOME, decision.id)[0].changes == {
        "Decision": ["Pilot extends", ""]}
    assert client.post(f"{BASE}/meetings/{older.id}/outcomes/999999/remove").status_code == 404


def test_an_action_outcome_cannot_be_removed_from_the_meeting(client, signed_in, programme):
    signed_in(Role.LEAD)
    meeting = make_meeting(programme)
    outcome = services.add_outcome(meeting.items[0], kind=OutcomeKind.ACTION, text="Keep me",
                                   actor=None, owner_name="Someone", due_date=MEETING_PAST)
    db.session.commit()
    client.post(f"{BASE}/meetings/{meeting.id}/outcomes/{outcome.id}/remove")
    page = client.get(f"{BASE}/meetings/{meeting.id}/items/{meeting.items[0].id}")
    assert "An action stays in the action log" in page.get_data(as_text=True)
    assert db.session.get(AgendaOutcome, outcome.id) is not None
    response = client.post(f"{BASE}/meetings/{meeting.id}/items/{meeting.items[0].id}/remove")
    assert response.status_code == 302
    assert db.session.execute(select(func.count()).select_from(AgendaOutcome)).scalar() == 1


# -- the review of the previous set ----------------------------------------------------------------

def test_a_set_shows_every_action_from_the_groups_previous_set(client, signed_in, programme):
    signed_in(Role.STEERING)
    add_group_member(programme, name="Farah Begum")
    set_1 = hold_meeting(make_meeting(programme, MeetingKind.STRATEGIC_SET, number=1, day=MEETING_PAST))
    done = services.add_outcome(set_1.items[8], kind=OutcomeKind.ACTION, text="Brief managers",
                                actor=None, owner_name="David", due_date=MEETING_PAST + timedelta(20))
    services.add_outcome(set_1.items[8], kind=OutcomeKind.ACTION, text="Map parenting support",
                         actor=None, owner_name="Rachel", due_date=MEETING_PAST + timedelta(30))
    actions.update_action(done.action, seen_version=None, actor=None, status=ActionStatus.DONE)
    steering = hold_meeting(make_meeting(programme, day=MEETING_PAST + timedelta(14)))
    services.add_outcome(steering.items[0], kind=OutcomeKind.ACTION, text="Steering only",
                         actor=None, owner_name="X", due_date=MEETING_PAST)
    # Planned, never held: not the set to review.
    make_meeting(programme, MeetingKind.STRATEGIC_SET, number=1, day=MEETING_PAST + timedelta(21))
    set_2 = make_meeting(programme, MeetingKind.STRATEGIC_SET, number=2, day=MEETING_PAST + timedelta(42))
    db.session.commit()
    assert services.previous_meeting(set_2).id == set_1.id
    page = client.get(f"{BASE}/meetings/{set_2.id}").get_data(as_text=True)
    review = page[page.index('id="review"'):page.index('id="agenda"')]
    assert "Review of Strategic Set 1" in review
    assert "Brief managers" in review and "Map parenting support" in review
    assert "Done" in review and "Red" in review and "overdue" in review
    assert "Steering only" not in review
    assert services.previous_meeting(steering) is None


# -- bounded queries -------------------------------------------------------------------------------

def _grow_meeting(programme, meeting, previous, n):
    """n more people, items, outcomes, sheets and actions on the meeting and its predecessor."""
    for i in range(n):
        person = add_group_member(programme, GroupKind.PRACTICE, name=f"Person {i} {meeting.id}")
        meeting.attendees.append(services.MeetingAttendee(member=person,
                                                          status=AttendanceStatus.ATTENDED))
        item = services.add_item(meeting, title=f"Extra {i}", prompts=["Why?"], actor=None)
        services.add_outcome(item, kind=OutcomeKind.DECISION, text=f"Decided {i}", actor=None)
        services.add_outcome(item, kind=OutcomeKind.ACTION, text=f"Do {i}", actor=None,
                             owner_name=f"Owner {i}", due_date=MEETING_PAST)
        services.add_outcome(previous.items[0], kind=OutcomeKind.ACTION, text=f"Before {i}",
                             actor=None, owner_name="Someone", due_date=MEETING_PAST)
        db.session.flush()
        sheet, _ = meeting_sheets.save_sheet(meeting, person, answers={SheetQuestion.ME: "Me"},
                                       seen_version=None, actor=None)
        meeting_sheets.add_sheet_action(sheet, SheetQuestion.ME, title=f"Sheet {i}", actor=None,
                                  owner_name="Someone", due_date=MEETING_PAST)
    db.session.commit()


def test_the_meeting_page_runs_a_fixed_number_of_queries(client, signed_in, programme,
                                                         count_queries):
    signed_in(Role.STEERING)
    previous = hold_meeting(make_meeting(programme, MeetingKind.PRACTICE_SET, number=1, day=MEETING_PAST))
    meeting = hold_meeting(make_meeting(programme, MeetingKind.PRACTICE_SET, number=2,
                             day=MEETING_PAST + timedelta(weeks=7)))
    _grow_meeting(programme, meeting, previous, 2)
    url = f"{BASE}/meetings/{meeting.id}"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _grow_meeting(programme, meeting, previous, 25)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, large.statements
    assert small.count <= 20


@pytest.mark.parametrize("path", ["/meetings", "/meetings/series/{series}", "/groups",
                                  "/groups/practice", "/decisions", "/meetings/mine",
                                  "/groups/members/{member}", "/meetings/{meeting}/action-list"])
def test_lists_run_a_fixed_number_of_queries(client, signed_in, programme, count_queries, path):
    champion = signed_in(Role.CHAMPION)
    me = add_group_member(programme, GroupKind.PRACTICE, user=champion)

    def grow(n):
        series = meeting_series.plan_series(
            programme, name="Sets", start_date=date(2026, 1, 5), closures=[], location="",
            call_link="", facilitators="", actor=None,
            days=[p.day for p in planner.propose_series(date(2026, 1, 5))])
        for meeting in series.meetings:
            for i in range(n):
                person = add_group_member(programme, GroupKind.PRACTICE, name=f"P{i} {meeting.id}")
                meeting.attendees.append(services.MeetingAttendee(
                    member=person, status=AttendanceStatus.APOLOGIES))
                services.add_outcome(meeting.items[0], kind=OutcomeKind.DECISION,
                                     text=f"D{i}", actor=None)
                services.add_outcome(meeting.items[0], kind=OutcomeKind.ACTION, text=f"A{i}",
                                     actor=None, owner_name="X", due_date=MEETING_PAST)
            meeting.status = MeetingStatus.HELD
            if meeting.kind.has_action_sheets:
                sheet, _ = meeting_sheets.save_sheet(meeting, me, answers={SheetQuestion.ME: "x"},
                                               seen_version=None, actor=None)
                meeting_sheets.add_sheet_action(sheet, SheetQuestion.ME, title="S", actor=None,
                                          owner_name="X", due_date=MEETING_PAST)
        db.session.commit()
        return series

    first = grow(1)
    url = BASE + path.format(series=first.id, member=me.id, meeting=first.meetings[2].id)
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    grow(6)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, large.statements
    assert small.count <= 15
