"""The groups and attendance: who sits in each group, who came, joining and leaving."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import form_errors
from tests.factories import MEETING_PAST, add_group_member, hold_meeting, make_meeting
from tracker import audit, clock
from tracker.extensions import db
from tracker.meetings import core as meeting_core
from tracker.meetings import groups as meeting_groups
from tracker.meetings import services
from tracker.models import (
    AttendanceStatus,
    GroupKind,
    GroupMember,
    MeetingKind,
    MeetingStatus,
    Role,
)

BASE = "/a/testshire"


# -- attendance ------------------------------------------------------------------------------------

def test_recording_attendance_marks_the_meeting_held(client, signed_in, programme):
    signed_in(Role.STEERING)
    came = add_group_member(programme, name="Ann")
    sorry = add_group_member(programme, name="Bob")
    other = add_group_member(programme, GroupKind.PRACTICE, name="Cat")
    meeting = make_meeting(programme)
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
    future = make_meeting(programme, day=clock.today() + timedelta(days=3))
    response = client.post(f"{BASE}/meetings/{future.id}/attendance",
                           data={f"member-{came.id}": "attended"})
    assert response.status_code == 400
    assert "Attendance can be recorded from the day of the meeting" in response.get_data(
        as_text=True)


def test_attendance_per_person_and_who_missed_two_in_a_row(client, signed_in, programme):
    signed_in(Role.LEAD)
    ann, bob = add_group_member(programme, name="Ann"), add_group_member(programme, name="Bob")
    a, b = AttendanceStatus.ATTENDED, AttendanceStatus.APOLOGIES
    meetings = [
        (MeetingKind.STRATEGIC_SET, 1, {ann.id: a, bob.id: a}),
        (MeetingKind.STEERING, None, {ann.id: a, bob.id: b}),
        (MeetingKind.MIDWAY_REVIEW, None, {ann.id: a, bob.id: AttendanceStatus.ATTENDED}),
        (MeetingKind.STRATEGIC_SET, 2, {ann.id: a, bob.id: AttendanceStatus.ABSENT}),
    ]
    for n, (kind, number, statuses) in enumerate(meetings):
        day = MEETING_PAST + timedelta(weeks=n)
        hold_meeting(make_meeting(programme, kind, number=number, day=day), statuses)
    make_meeting(programme, MeetingKind.STRATEGIC_SET, number=3, day=MEETING_PAST + timedelta(weeks=9))
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
        add_group_member(programme, name=role, role=role)
    add_group_member(programme, name="Left", role="fostering")
    left = db.session.execute(select(GroupMember).where(GroupMember.name == "Left")).scalar_one()
    left.left_on = MEETING_PAST
    db.session.commit()
    page = client.get(f"{BASE}/groups/strategic").get_data(as_text=True)
    assert "2 of 8 roles have nobody in the group" in page
    missing = page[page.index("roles have nobody"):page.index("Members and attendance")]
    assert "Workforce development manager" in missing and "Fostering manager" in missing
    assert "Principal Social Worker" not in missing.split("Every role")[0].split("</ul>")[0]


def test_a_new_member_is_invited_to_planned_meetings_and_a_leaver_is_not(client, signed_in,
                                                                        programme):
    signed_in(Role.LEAD)
    held = hold_meeting(make_meeting(programme, day=MEETING_PAST))
    coming = make_meeting(programme, day=clock.today() + timedelta(days=10))
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
