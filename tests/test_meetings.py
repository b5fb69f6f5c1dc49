"""Learning sets and steering-group meetings: agenda templates, meetings and their agendas,
outcomes (decisions; actions that are real actions), the review of the previous set,
attendance, action sheets, the series planner, circulating the action list, the dashboard and
calendar, and bounded queries."""

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests.conftest import form_errors
from tracker import audit, calendar, clock
from tracker.actions import services as actions
from tracker.checklist.data import ChecklistError
from tracker.extensions import db
from tracker.links import Link
from tracker.meetings import agendas, planner, services
from tracker.meetings import contributions as meeting_contributions
from tracker.meetings import core as meeting_core
from tracker.meetings import groups as meeting_groups
from tracker.meetings import minutes as meeting_minutes
from tracker.meetings import series as meeting_series
from tracker.meetings import sheets as meeting_sheets
from tracker.models import (
    Action,
    ActionSheet,
    ActionStatus,
    AgendaOutcome,
    AttendanceStatus,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
    Role,
    SheetQuestion,
)

BASE = "/a/testshire"
PAST = date(2026, 3, 2)  # a Monday, well before any test's today


def _member(programme, group=GroupKind.STRATEGIC, user=None, name="", role=None):
    member = meeting_groups.add_member(programme, group, actor=None, user=user,
                                 name=name if user is None else "", framework_role=role)
    db.session.commit()
    return member


def _meeting(programme, kind=MeetingKind.STEERING, day=PAST, number=None, **kw):
    meeting = services.create_meeting(programme, kind=kind, day=day, number=number, actor=None,
                                      **kw)
    db.session.commit()
    return meeting


def _held(meeting, statuses=None, today=date(2026, 11, 23)):
    services.record_attendance(
        meeting, statuses or {a.member.id: AttendanceStatus.ATTENDED for a in meeting.attendees},
        actor=None, today=today)
    db.session.commit()
    return meeting


def _date(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


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
    me = _member(programme, user=lead, role="assistant_director")
    _member(programme, GroupKind.PRACTICE, name="Ben Carter")
    response = client.post(f"{BASE}/meetings/new", data={
        "kind": "steering", "group": "strategic", "day": _date(PAST), "start_time": "2pm",
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
    meeting = _meeting(programme, MeetingKind.STRATEGIC_SET, number=1)
    first = meeting.items[0].title
    data = agendas.current()
    changed = replace(data.agenda(MeetingKind.STRATEGIC_SET, 1), items=(
        agendas.ItemTemplate("Renamed", (), False, ""),))
    later = replace(data, version="2099.1",
                    agendas={**data.agendas, (MeetingKind.STRATEGIC_SET, 1): changed})
    monkeypatch.setattr(agendas, "current", lambda: later)
    newer = _meeting(programme, MeetingKind.STRATEGIC_SET, number=1)
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
        "kind": "steering", "group": "strategic", "day": _date(PAST), "start_time": "3pm",
        "end_time": "2pm"})
    assert form_errors(response.get_data(as_text=True)) == ["End time must be after the start time"]
    assert db.session.execute(select(func.count()).select_from(Meeting)).scalar() == 0


def test_only_a_task_and_finish_group_chooses_its_group(client, signed_in):
    signed_in(Role.STEERING)
    for kind, group in (("practice_set", "strategic"), ("task_and_finish", "practice")):
        client.post(f"{BASE}/meetings/new", data={"kind": kind, "number": "2", "group": group,
                                                 "day": _date(PAST)})
    groups = dict(db.session.execute(select(Meeting.kind, Meeting.group)).all())
    assert groups == {MeetingKind.PRACTICE_SET: GroupKind.PRACTICE,
                      MeetingKind.TASK_AND_FINISH: GroupKind.PRACTICE}


def _edit_form(meeting, **fields):
    form = {"name": meeting.name, "day": _date(meeting.day), "start_time": "", "end_time": "",
            "location": meeting.location, "facilitators": meeting.facilitators,
            "status": meeting.status.value, "summary": meeting.summary,
            "invitees": [str(a.member_id) for a in meeting.attendees], "version": meeting.version}
    form.update(fields)
    return form


def test_changing_a_meeting_is_audited_and_a_stale_save_is_refused(client, signed_in, programme):
    signed_in(Role.STEERING)
    strategic = _member(programme, name="Farah Begum")
    meeting = _meeting(programme, day=clock.today() + timedelta(days=20))
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
    meeting = _meeting(programme)
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
    meeting = _meeting(programme)
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
    meeting = _meeting(programme)
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
    meeting = _meeting(programme)
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
        "owner_name": "Head of Commissioning", "due_date": _date(PAST)})
    assert response.status_code == 302
    assert db.session.execute(select(Action.owner_name)).scalar_one() == "Head of Commissioning"


def test_decisions_are_on_the_programme_wide_log(client, signed_in, programme):
    signed_in(Role.LEAD)
    older = _meeting(programme, day=PAST)
    newer = _meeting(programme, MeetingKind.STRATEGIC_SET, number=2, day=PAST + timedelta(7))
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
    meeting = _meeting(programme)
    outcome = services.add_outcome(meeting.items[0], kind=OutcomeKind.ACTION, text="Keep me",
                                   actor=None, owner_name="Someone", due_date=PAST)
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
    _member(programme, name="Farah Begum")
    set_1 = _held(_meeting(programme, MeetingKind.STRATEGIC_SET, number=1, day=PAST))
    done = services.add_outcome(set_1.items[8], kind=OutcomeKind.ACTION, text="Brief managers",
                                actor=None, owner_name="David", due_date=PAST + timedelta(20))
    services.add_outcome(set_1.items[8], kind=OutcomeKind.ACTION, text="Map parenting support",
                         actor=None, owner_name="Rachel", due_date=PAST + timedelta(30))
    actions.update_action(done.action, seen_version=None, actor=None, status=ActionStatus.DONE)
    steering = _held(_meeting(programme, day=PAST + timedelta(14)))
    services.add_outcome(steering.items[0], kind=OutcomeKind.ACTION, text="Steering only",
                         actor=None, owner_name="X", due_date=PAST)
    # Planned, never held: not the set to review.
    _meeting(programme, MeetingKind.STRATEGIC_SET, number=1, day=PAST + timedelta(21))
    set_2 = _meeting(programme, MeetingKind.STRATEGIC_SET, number=2, day=PAST + timedelta(42))
    db.session.commit()
    assert services.previous_meeting(set_2).id == set_1.id
    page = client.get(f"{BASE}/meetings/{set_2.id}").get_data(as_text=True)
    review = page[page.index('id="review"'):page.index('id="agenda"')]
    assert "Review of Strategic Set 1" in review
    assert "Brief managers" in review and "Map parenting support" in review
    assert "Done" in review and "Red" in review and "overdue" in review
    assert "Steering only" not in review
    assert services.previous_meeting(steering) is None


# -- attendance ------------------------------------------------------------------------------------

def test_recording_attendance_marks_the_meeting_held(client, signed_in, programme):
    signed_in(Role.STEERING)
    came = _member(programme, name="Ann")
    sorry = _member(programme, name="Bob")
    other = _member(programme, GroupKind.PRACTICE, name="Cat")
    meeting = _meeting(programme)
    response = client.post(f"{BASE}/meetings/{meeting.id}/attendance", data={
        f"member-{came.id}": "attended", f"member-{sorry.id}": "apologies", "also": str(other.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.status == MeetingStatus.HELD
    assert {a.member.name: a.status for a in meeting.attendees} == {
        "Ann": AttendanceStatus.ATTENDED, "Bob": AttendanceStatus.APOLOGIES,
        "Cat": AttendanceStatus.ATTENDED}
    assert services.counts([meeting.id])[meeting.id].attendance_percent == 67
    assert "2 of 3 attended (67%)" in client.get(f"{BASE}/meetings/{meeting.id}").get_data(
        as_text=True)
    assert audit.history(meeting_core.MEETING, meeting.id)[0].changes["Bob"] == [
        "Not recorded", "Sent apologies"]
    future = _meeting(programme, day=clock.today() + timedelta(days=3))
    response = client.post(f"{BASE}/meetings/{future.id}/attendance",
                           data={f"member-{came.id}": "attended"})
    assert response.status_code == 400
    assert "Attendance can be recorded from the day of the meeting" in response.get_data(
        as_text=True)


def test_attendance_per_person_and_who_missed_two_in_a_row(client, signed_in, programme):
    signed_in(Role.LEAD)
    ann, bob = _member(programme, name="Ann"), _member(programme, name="Bob")
    a, b = AttendanceStatus.ATTENDED, AttendanceStatus.APOLOGIES
    meetings = [
        (MeetingKind.STRATEGIC_SET, 1, {ann.id: a, bob.id: a}),
        (MeetingKind.STEERING, None, {ann.id: a, bob.id: b}),
        (MeetingKind.MIDWAY_REVIEW, None, {ann.id: a, bob.id: AttendanceStatus.ATTENDED}),
        (MeetingKind.STRATEGIC_SET, 2, {ann.id: a, bob.id: AttendanceStatus.ABSENT}),
    ]
    for n, (kind, number, statuses) in enumerate(meetings):
        _held(_meeting(programme, kind, number=number, day=PAST + timedelta(weeks=n)), statuses)
    _meeting(programme, MeetingKind.STRATEGIC_SET, number=3, day=PAST + timedelta(weeks=9))
    summary = meeting_groups.attendance_by_member(programme, [ann, bob])
    assert (summary[ann.id].sets_attended, summary[ann.id].sets_held) == (2, 2)
    assert (summary[bob.id].sets_attended, summary[bob.id].sets_held) == (1, 2)
    assert (summary[bob.id].meetings_attended, summary[bob.id].meetings_held) == (1, 3)
    assert summary[bob.id].missed_two_in_a_row and not summary[ann.id].missed_two_in_a_row
    assert [m.title for m in summary[bob.id].missed_run] == ["Steering group meeting",
                                                              "Strategic Set 2"]
    page = client.get(f"{BASE}/groups/strategic").get_data(as_text=True)
    assert "Missed two meetings in a row or more" in page
    assert "Steering group meeting, Strategic Set 2" in page
    assert "1 of 2" in page
    assert "Bob</a> (2 in a row)" in client.get(f"{BASE}/groups").get_data(as_text=True)


def test_the_strategic_group_shows_the_missing_minimum_roles(client, signed_in, programme):
    signed_in(Role.LEAD)
    for role in ("assistant_director", "head_lac", "head_cin", "psw", "iro_lead", "data"):
        _member(programme, name=role, role=role)
    _member(programme, name="Left", role="fostering")
    left = db.session.execute(select(GroupMember).where(GroupMember.name == "Left")).scalar_one()
    left.left_on = PAST
    db.session.commit()
    page = client.get(f"{BASE}/groups/strategic").get_data(as_text=True)
    assert "2 of 8 roles have nobody in the group" in page
    missing = page[page.index("roles have nobody"):page.index("Members and attendance")]
    assert "Workforce development manager" in missing and "Fostering manager" in missing
    assert "Principal Social Worker" not in missing.split("Every role")[0].split("</ul>")[0]


def test_a_new_member_is_invited_to_planned_meetings_and_a_leaver_is_not(client, signed_in,
                                                                        programme):
    signed_in(Role.LEAD)
    held = _held(_meeting(programme, day=PAST))
    coming = _meeting(programme, day=clock.today() + timedelta(days=10))
    response = client.post(f"{BASE}/groups/strategic/members/new", data={
        "user": "none", "name": "Farah Begum", "job_title": "Solicitor", "framework_role": ""})
    assert response.status_code == 302
    farah = db.session.execute(select(GroupMember)).scalar_one()
    db.session.expire_all()
    assert [a.member_id for a in coming.attendees] == [farah.id]
    assert held.attendees == []
    response = client.post(f"{BASE}/groups/members/{farah.id}/edit", data={
        "name": "Farah Begum", "job_title": "Solicitor", "framework_role": "", "left": "y",
        "version": farah.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert coming.attendees == [] and farah.left_on == clock.today()
    response = client.post(f"{BASE}/groups/strategic/members/new", data={
        "user": "none", "name": "", "job_title": "", "framework_role": ""})
    assert form_errors(response.get_data(as_text=True)) == [
        "Enter the name of the person without an account"]


def test_a_member_of_the_authority_joins_a_group_once(client, signed_in, programme):
    lead = signed_in(Role.LEAD)
    data = {"user": str(lead.id), "name": "", "job_title": "", "framework_role": "head_lac"}
    assert client.post(f"{BASE}/groups/strategic/members/new", data=data).status_code == 302
    response = client.post(f"{BASE}/groups/strategic/members/new", data=data)
    assert response.status_code == 400  # no longer offered
    response = client.post(f"{BASE}/groups/practice/members/new",
                           data={**data, "framework_role": ""})
    assert response.status_code == 302


# -- action sheets ---------------------------------------------------------------------------------

def _sheet_form(version=0, **answers):
    return {"me": "", "team": "", "others": "", "before_next": "", "version": version, **answers}


def test_a_champion_fills_in_their_action_sheet_and_makes_actions(client, signed_in, programme):
    champion = signed_in(Role.CHAMPION)
    me = _member(programme, GroupKind.PRACTICE, user=champion)
    practice_set = _held(_meeting(programme, MeetingKind.PRACTICE_SET, number=1))
    url = f"{BASE}/meetings/{practice_set.id}/sheets/{me.id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data=_sheet_form(me="Use the risk tool in supervision",
                                                 before_next="Bring a case study"))
    assert response.status_code == 302
    sheet = db.session.execute(select(ActionSheet)).scalar_one()
    assert sheet.me == "Use the risk tool in supervision"
    response = client.post(f"{url}/actions", data={
        "question": "before_next", "title": "Bring a case study to Practice Set 2",
        "owner": str(champion.id), "owner_name": "", "due_date": _date(PAST + timedelta(40))})
    assert response.status_code == 302
    action = db.session.execute(select(Action)).scalar_one()
    assert action.meeting_id == practice_set.id and action.owner_id == champion.id
    db.session.refresh(sheet)
    assert sheet.actions_for(SheetQuestion.BEFORE_NEXT) == [action]
    for page in (f"{BASE}/meetings/{practice_set.id}", f"{BASE}/meetings/mine",
                 f"{BASE}/groups/members/{me.id}"):
        text = client.get(page).get_data(as_text=True)
        assert "Use the risk tool in supervision" in text, page
        assert "Bring a case study to Practice Set 2" in text, page
    response = client.post(f"{url}/actions", data={"question": "me", "title": "",
                                                   "owner": "", "due_date": ["", "", ""]})
    assert response.status_code == 400
    assert "Enter what needs to be done" in form_errors(response.get_data(as_text=True))


def test_a_champion_cannot_fill_in_someone_elses_sheet(client, auth, signed_in, programme,
                                                        member):
    champion = signed_in(Role.CHAMPION)
    _member(programme, GroupKind.PRACTICE, user=champion)
    other = _member(programme, GroupKind.PRACTICE, name="Ben Carter")
    practice_set = _held(_meeting(programme, MeetingKind.PRACTICE_SET, number=1))
    steering = _meeting(programme)
    url = f"{BASE}/meetings/{practice_set.id}/sheets/{other.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data=_sheet_form(me="x")).status_code == 403
    assert client.get(f"{BASE}/meetings/{steering.id}/sheets/{other.id}").status_code == 404
    auth.logout()
    auth.login(member(Role.STEERING))
    assert client.post(url, data=_sheet_form(me="Chronology")).status_code == 302
    assert db.session.execute(select(ActionSheet.me)).scalar_one() == "Chronology"


def test_two_people_starting_the_same_sheet_do_not_overwrite_each_other(client, signed_in,
                                                                      programme):
    signed_in(Role.STEERING)
    other = _member(programme, GroupKind.PRACTICE, name="Ben Carter")
    practice_set = _held(_meeting(programme, MeetingKind.PRACTICE_SET, number=2))
    url = f"{BASE}/meetings/{practice_set.id}/sheets/{other.id}"
    assert client.post(url, data=_sheet_form(me="First")).status_code == 302
    response = client.post(url, data=_sheet_form(me="Second"))
    assert response.status_code == 409
    assert "Second" in response.get_data(as_text=True)
    assert db.session.execute(select(ActionSheet.me)).scalar_one() == "First"


# -- circulating the action list -------------------------------------------------------------------

def test_circulating_the_action_list_records_who_and_when(client, signed_in, programme):
    steering = signed_in(Role.STEERING)
    meeting = _meeting(programme)
    services.add_outcome(meeting.items[1], kind=OutcomeKind.ACTION, text="Chase the data",
                         actor=None, owner_name="Helen", due_date=PAST + timedelta(10))
    db.session.commit()
    page = client.get(f"{BASE}/meetings/{meeting.id}/action-list").get_data(as_text=True)
    assert "Chase the data" in page and "12 March 2026" in page
    client.post(f"{BASE}/meetings/{meeting.id}/circulate", data={"to": "both"})
    db.session.refresh(meeting)
    assert meeting.circulated_at is None  # not held yet
    _held(meeting)
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
    _member(programme, GroupKind.STRATEGIC, user=steering)
    _member(programme, GroupKind.STRATEGIC, user=quiet)
    _member(programme, GroupKind.STRATEGIC, name="No account")
    _member(programme, GroupKind.PRACTICE, user=practice_only)
    meeting = _held(_meeting(programme))
    services.add_outcome(meeting.items[1], kind=OutcomeKind.ACTION, text="Chase the data",
                         actor=None, owner_name="Helen", due_date=PAST + timedelta(10))
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
    thursday = _held(_meeting(programme, day=date(2026, 4, 2)), today=today)
    _held(_meeting(programme, MeetingKind.MIDWAY_REVIEW, day=date(2026, 3, 30)), today=today)
    assert meeting_minutes.circulation_due_by(thursday, working_days) == (
        date(2026, 4, 8) if working_days else date(2026, 4, 4))
    assert [m.id for m in meeting_minutes.circulation_overdue(programme, today)] == (
        [thursday.id] if overdue else [])
    meeting_minutes.circulate(thursday, None)
    assert meeting_minutes.circulation_overdue(programme, today) == []


def test_the_weekly_digest_counts_the_days_as_the_authority_chose(programme, authority):
    _held(_meeting(programme, day=date(2026, 4, 2)))

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
    meeting = _held(_meeting(programme, day=date(2026, 4, 2)))
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
    late = _held(_meeting(programme, day=planner.on_or_after(today - timedelta(days=10))))
    _meeting(programme, day=today + timedelta(days=3))
    _meeting(programme, MeetingKind.PRACTICE_SET, number=3, day=today + timedelta(days=9))
    _meeting(programme, MeetingKind.STRATEGIC_SET, number=3, day=today + timedelta(days=5),
             start_time=time(9, 30), location="Civic Centre")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    panel = page[page.index('id="next-set-heading"'):page.index('id="not-circulated-heading"')]
    assert "Strategic Set 3" in panel and "Civic Centre" in panel
    late_panel = page[page.index('id="not-circulated-heading"'):]
    assert "app-rag--red" in late_panel and f"/meetings/{late.id}/action-list" in late_panel


# -- the planner -----------------------------------------------------------------------------------

def _plan_form(step, start=date(2027, 1, 11), days=None, closures="", **extra):
    form = {"step": step, "start_date": _date(start), "closures": closures,
            "name": "Learning sets 2027", "location": "Civic Centre", "call_link": "Teams",
            "facilitators": "Jo Whitfield (NSPCC)", **extra}
    for i, day in enumerate(days or []):
        form[f"day_{i}"] = _date(day)
    return form


def test_the_planner_proposes_dates_and_saves_a_series(client, signed_in, programme):
    consultant = signed_in(Role.CONSULTANT)
    _member(programme, name="Sarah", role="assistant_director")
    _member(programme, GroupKind.PRACTICE, name="Ben")
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


# -- the calendar feed -----------------------------------------------------------------------------

def test_meetings_are_in_the_calendar_feed_of_invitees(client, programme, member):
    user = member(Role.STEERING)
    _member(programme, user=user)
    meeting = _meeting(programme, day=clock.today() + timedelta(days=7),
                       start_time=time(9, 30), end_time=time(13, 30))
    cancelled = _meeting(programme, day=clock.today() + timedelta(days=8))
    cancelled.status = MeetingStatus.CANCELLED
    not_invited = _meeting(programme, day=clock.today() + timedelta(days=9), invitees=[])
    calendar.turn_on(user)
    db.session.commit()
    feed = Calendar.from_ical(client.get(f"/calendar/{user.calendar_token}.ics").data)
    events = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    event = events[f"meeting-{meeting.id}@homeward"]
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(0)
    assert start.astimezone(clock.LONDON).time() == time(9, 30)
    assert event.decoded("dtend").astimezone(clock.LONDON).time() == time(13, 30)
    assert f"meeting-{cancelled.id}@homeward" not in events
    assert f"meeting-{not_invited.id}@homeward" not in events


def test_meetings_are_ready_for_the_programme_timeline(app, programme):
    from tracker.plan import services as plan

    held = _held(_meeting(programme, MeetingKind.STRATEGIC_SET, number=1,
                          day=clock.today() - timedelta(days=20)))
    _meeting(programme, day=clock.today() + timedelta(days=30))
    cancelled = _meeting(programme, day=clock.today() + timedelta(days=40))
    cancelled.status = MeetingStatus.CANCELLED
    db.session.commit()
    items = meeting_contributions.timeline_items(programme)
    timeline = plan.timeline(programme.id, extra_items=items)
    assert [(i.title, i.lane, i.status) for i in timeline.items] == [
        ("Strategic Set 1", "Learning sets", "Held"),
        ("Steering group meeting", "Steering group", "Planned")]
    assert timeline.items[0].href == Link.to("meetings.meeting", meeting_id=held.id)


# -- bounded queries -------------------------------------------------------------------------------

def _grow_meeting(programme, meeting, previous, n):
    """n more people, items, outcomes, sheets and actions on the meeting and its predecessor."""
    for i in range(n):
        person = _member(programme, GroupKind.PRACTICE, name=f"Person {i} {meeting.id}")
        meeting.attendees.append(services.MeetingAttendee(member=person,
                                                          status=AttendanceStatus.ATTENDED))
        item = services.add_item(meeting, title=f"Extra {i}", prompts=["Why?"], actor=None)
        services.add_outcome(item, kind=OutcomeKind.DECISION, text=f"Decided {i}", actor=None)
        services.add_outcome(item, kind=OutcomeKind.ACTION, text=f"Do {i}", actor=None,
                             owner_name=f"Owner {i}", due_date=PAST)
        services.add_outcome(previous.items[0], kind=OutcomeKind.ACTION, text=f"Before {i}",
                             actor=None, owner_name="Someone", due_date=PAST)
        db.session.flush()
        sheet, _ = meeting_sheets.save_sheet(meeting, person, answers={SheetQuestion.ME: "Me"},
                                       seen_version=None, actor=None)
        meeting_sheets.add_sheet_action(sheet, SheetQuestion.ME, title=f"Sheet {i}", actor=None,
                                  owner_name="Someone", due_date=PAST)
    db.session.commit()


def test_the_meeting_page_runs_a_fixed_number_of_queries(client, signed_in, programme,
                                                         count_queries):
    signed_in(Role.STEERING)
    previous = _held(_meeting(programme, MeetingKind.PRACTICE_SET, number=1, day=PAST))
    meeting = _held(_meeting(programme, MeetingKind.PRACTICE_SET, number=2,
                             day=PAST + timedelta(weeks=7)))
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
    me = _member(programme, GroupKind.PRACTICE, user=champion)

    def grow(n):
        series = meeting_series.plan_series(
            programme, name="Sets", start_date=date(2026, 1, 5), closures=[], location="",
            call_link="", facilitators="", actor=None,
            days=[p.day for p in planner.propose_series(date(2026, 1, 5))])
        for meeting in series.meetings:
            for i in range(n):
                person = _member(programme, GroupKind.PRACTICE, name=f"P{i} {meeting.id}")
                meeting.attendees.append(services.MeetingAttendee(
                    member=person, status=AttendanceStatus.APOLOGIES))
                services.add_outcome(meeting.items[0], kind=OutcomeKind.DECISION,
                                     text=f"D{i}", actor=None)
                services.add_outcome(meeting.items[0], kind=OutcomeKind.ACTION, text=f"A{i}",
                                     actor=None, owner_name="X", due_date=PAST)
            meeting.status = MeetingStatus.HELD
            if meeting.kind.has_action_sheets:
                sheet, _ = meeting_sheets.save_sheet(meeting, me, answers={SheetQuestion.ME: "x"},
                                               seen_version=None, actor=None)
                meeting_sheets.add_sheet_action(sheet, SheetQuestion.ME, title="S", actor=None,
                                          owner_name="X", due_date=PAST)
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
