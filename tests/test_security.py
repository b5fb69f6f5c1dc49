"""Each finding of the security review (issue 20) as a regression test."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import form_errors
from tracker import markdown, permissions
from tracker.extensions import db
from tracker.meetings import services as meetings
from tracker.models import (
    Action,
    EngagementLevel,
    GroupKind,
    GroupMember,
    ItemKind,
    MeetingKind,
    Role,
    SheetQuestion,
    StakeholderGroup,
    StakeholderType,
)
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
    return seat or meetings.add_member(programme, GroupKind.PRACTICE, actor=None, user=user)


@pytest.fixture
def practice_sheet(programme):
    """A function giving a user's action sheet page for a new practice set they sit in."""
    numbers = iter(range(1, 4))

    def sheet_of(user) -> str:
        seat = _seat(programme, user)
        practice_set = meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET,
                                               day=date(2026, 3, 2), number=next(numbers),
                                               actor=None)
        meetings.save_sheet(practice_set, seat, answers={SheetQuestion.ME: "Use the tool"},
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
        if url == "/a/testshire/actions":  # its filter may list anyone; bulk reassign may not
            page = page[page.index("/a/testshire/actions/bulk"):]
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
