"""Practice-set action sheets: each member's answers and the actions they raise."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import form_errors
from tests.factories import MEETING_PAST, add_group_member, date_fields, hold_meeting, make_meeting
from tracker.extensions import db
from tracker.models import (
    Action,
    ActionSheet,
    GroupKind,
    MeetingKind,
    Role,
    SheetQuestion,
)

BASE = "/a/testshire"


# -- action sheets ---------------------------------------------------------------------------------

def _sheet_form(version=0, **answers):
    return {"me": "", "team": "", "others": "", "before_next": "", "version": version, **answers}


def test_a_champion_fills_in_their_action_sheet_and_makes_actions(client, signed_in, programme):
    champion = signed_in(Role.CHAMPION)
    me = add_group_member(programme, GroupKind.PRACTICE, user=champion)
    practice_set = hold_meeting(make_meeting(programme, MeetingKind.PRACTICE_SET, number=1))
    url = f"{BASE}/meetings/{practice_set.id}/sheets/{me.id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data=_sheet_form(me="Use the risk tool in supervision",
                                                 before_next="Bring a case study"))
    assert response.status_code == 302
    sheet = db.session.execute(select(ActionSheet)).scalar_one()
    assert sheet.me == "Use the risk tool in supervision"
    response = client.post(f"{url}/actions", data={
        "question": "before_next", "title": "Bring a case study to Practice Set 2",
        "owner": str(champion.id), "owner_name": "", "due_date": date_fields(MEETING_PAST + timedelta(40))})
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
    add_group_member(programme, GroupKind.PRACTICE, user=champion)
    other = add_group_member(programme, GroupKind.PRACTICE, name="Ben Carter")
    practice_set = hold_meeting(make_meeting(programme, MeetingKind.PRACTICE_SET, number=1))
    steering = make_meeting(programme)
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
    other = add_group_member(programme, GroupKind.PRACTICE, name="Ben Carter")
    practice_set = hold_meeting(make_meeting(programme, MeetingKind.PRACTICE_SET, number=2))
    url = f"{BASE}/meetings/{practice_set.id}/sheets/{other.id}"
    assert client.post(url, data=_sheet_form(me="First")).status_code == 302
    response = client.post(url, data=_sheet_form(me="Second"))
    assert response.status_code == 409
    assert "Second" in response.get_data(as_text=True)
    assert db.session.execute(select(ActionSheet.me)).scalar_one() == "First"
    # The refused page now carries the first save's version: saving again is a knowing overwrite.
    saved = db.session.execute(select(ActionSheet)).scalar_one()
    assert f'name="version" type="hidden" value="{saved.version}"' in response.get_data(as_text=True)
    assert client.post(url, data=_sheet_form(version=saved.version, me="Second")).status_code == 302
    assert db.session.execute(select(ActionSheet.me)).scalar_one() == "Second"
