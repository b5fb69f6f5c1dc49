"""Postcards between the strategic and the practice groups: drafting and sending, who may write
and answer, answers (plain, with an action, to the next meeting), the state of a postcard, the
review at the next set, notifications, the dashboard and portfolio, and bounded queries."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tracker import clock
from tracker.extensions import db
from tracker.meetings import groups as meeting_groups
from tracker.meetings import services as meetings
from tracker.models import (
    Action,
    AgendaItem,
    AnswerKind,
    AnswerState,
    AttendanceStatus,
    GroupKind,
    ItemKind,
    MeetingKind,
    OutboxMessage,
    Postcard,
    PostcardAnswer,
    PostcardStatus,
    Role,
)
from tracker.notifications import jobs
from tracker.portfolio import services as portfolio
from tracker.postcards import services

BASE = "/a/testshire/postcards"


def _join(programme, group, user):
    member = meeting_groups.add_member(programme, group, actor=None, user=user)
    db.session.commit()
    return member


def _date(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _postcard(programme, *, requests=("Who signs off a return home?",),
              commitments=("Share the Framework with our teams",), group=GroupKind.PRACTICE,
              sent=True, actor=None) -> Postcard:
    postcard = services.create_postcard(programme, from_group=group, actor=actor)
    for text in commitments:
        services.add_item(postcard, kind=ItemKind.COMMITMENT, text=text, actor=actor)
    for text in requests:
        services.add_item(postcard, kind=ItemKind.REQUEST, text=text, actor=actor)
    if sent:
        services.send(postcard, actor)
    db.session.commit()
    return postcard


def _outbox(**where) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return db.session.execute(query).scalar_one()


@pytest.fixture
def champion(signed_in, programme):
    """A practice champion in the practice group, signed in."""
    user = signed_in(Role.CHAMPION)
    _join(programme, GroupKind.PRACTICE, user)
    return user


# -- writing and sending -------------------------------------------------------------------------


def test_a_champion_drafts_and_sends_a_postcard_and_the_strategic_group_is_told(
        client, champion, programme, member):
    lead = member(Role.LEAD, name="Ada Director")
    _join(programme, GroupKind.STRATEGIC, lead)
    quiet = member(Role.STEERING)
    quiet.email_postcards = False
    _join(programme, GroupKind.STRATEGIC, quiet)
    db.session.commit()

    response = client.post(f"{BASE}/new", data={"from_group": "practice", "meeting": "",
                                                "greeting": ""})
    assert response.status_code == 302
    postcard = db.session.execute(select(Postcard)).scalar_one()
    assert postcard.greeting == "Dear Strategic Group,"
    assert postcard.created_by_id == champion.id and postcard.is_draft
    for kind, text in (("commitment", "Each team manager will look for families to work with"),
                       ("request", "Please draw the decision-making flow"),
                       ("request", "Can family group conferences be offered to every team?")):
        assert client.post(f"{BASE}/{postcard.id}/items/new",
                           data={"kind": kind, "text": text}).status_code == 302
    assert _outbox() == 0
    page = client.get(f"{BASE}/{postcard.id}/send").get_data(as_text=True)
    assert "Please draw the decision-making flow" in page
    assert client.post(f"{BASE}/{postcard.id}/send").status_code == 302

    db.session.refresh(postcard)
    assert postcard.status == PostcardStatus.SENT and postcard.sent_by_id == champion.id
    assert postcard.state == AnswerState.UNANSWERED
    assert _outbox(kind="postcard_sent", recipient_id=lead.id) == 1
    assert _outbox() == 1  # not the champion's own group; not someone who turned emails off
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.key == f"postcard:{postcard.id}:sent:{lead.id}"
    assert "2 requests" in message.subject and f"/postcards/{postcard.id}" in message.link

    inbox = client.get(BASE).get_data(as_text=True)
    assert "Received by the strategic group" in inbox and "0 of 2" in inbox


def test_sending_needs_a_line_and_happens_once(client, champion, programme):
    postcard = services.create_postcard(programme, from_group=GroupKind.PRACTICE, actor=champion)
    db.session.commit()
    response = client.post(f"{BASE}/{postcard.id}/send")
    assert response.status_code == 400
    assert "Add at least one commitment or request" in response.get_data(as_text=True)
    with pytest.raises(services.PostcardError):
        _postcard(programme, sent=True, requests=(), commitments=())
    db.session.rollback()
    sent = _postcard(programme)
    with pytest.raises(services.PostcardError):
        services.send(sent, champion)


def test_a_sent_postcard_cannot_be_changed(client, champion, programme):
    postcard = _postcard(programme)
    item = postcard.requests[0]
    for url, data in ((f"{BASE}/{postcard.id}/edit", {"greeting": "Hi", "meeting": ""}),
                      (f"{BASE}/{postcard.id}/items/new", {"kind": "request", "text": "More"}),
                      (f"{BASE}/{postcard.id}/items/{item.id}", {"text": "Changed"})):
        response = client.post(url, data=data)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith(f"/postcards/{postcard.id}")
    client.post(f"{BASE}/{postcard.id}/items/{item.id}/remove")
    db.session.refresh(postcard)
    assert [i.text for i in postcard.items] == ["Share the Framework with our teams",
                                                "Who signs off a return home?"]
    assert postcard.greeting == "Dear Strategic Group,"
    with pytest.raises(services.PostcardError):
        services.add_item(postcard, kind=ItemKind.REQUEST, text="Sneaky", actor=None)


def test_several_members_edit_a_draft_and_a_stale_edit_is_refused(client, champion, programme):
    postcard = _postcard(programme, sent=False)
    item = postcard.requests[0]
    seen = item.version
    services.update_item(item, seen_version=seen, actor=None, text="Someone else's words")
    db.session.commit()
    response = client.post(f"{BASE}/{postcard.id}/items/{item.id}",
                           data={"text": "My words", "version": seen})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this" in page and "My words" in page
    db.session.refresh(item)
    assert item.text == "Someone else's words"


def test_blank_lines_are_refused_next_to_the_field(client, champion, programme):
    postcard = _postcard(programme, sent=False)
    response = client.post(f"{BASE}/{postcard.id}/items/new", data={"kind": "", "text": ""})
    assert response.status_code == 400
    assert set(form_errors(response.get_data(as_text=True))) == {
        "Choose a commitment or a question or request",
        "Enter the commitment, or the question or request"}


# -- who may write and answer --------------------------------------------------------------------


def test_only_members_of_a_group_write_for_it_and_answer_what_it_received(
        client, auth, programme, member):
    outsider = member(Role.STEERING)  # in neither group
    strategic = member(Role.STEERING)
    _join(programme, GroupKind.STRATEGIC, strategic)
    draft = _postcard(programme, sent=False)
    sent = _postcard(programme)
    request = sent.requests[0]

    auth.login(outsider)
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.get(f"{BASE}/{sent.id}").status_code == 200  # any member may read
    assert client.get(f"{BASE}/{draft.id}/items/new").status_code == 403
    assert client.post(f"{BASE}/{sent.id}/items/{request.id}/answer",
                       data={"text": "No", "kind": "answer", "owner": ""}).status_code == 403

    auth.logout()
    auth.login(strategic)  # the receiving group: answers, but does not write for practice
    assert client.post(f"{BASE}/{draft.id}/items/new",
                       data={"kind": "request", "text": "x"}).status_code == 403
    assert client.post(f"{BASE}/{draft.id}/send").status_code == 403
    assert client.post(f"{BASE}/{sent.id}/items/{request.id}/answer",
                       data={"text": "Yes", "kind": "answer", "owner": ""}).status_code == 302

    left = member(Role.CHAMPION)
    gm = _join(programme, GroupKind.PRACTICE, left)
    meeting_groups.update_member(gm, seen_version=None, actor=None, name="", job_title="",
                           framework_role=None, left=True)
    db.session.commit()
    auth.logout()
    auth.login(left)  # someone who has left the group no longer writes for it
    assert client.post(f"{BASE}/{draft.id}/items/new",
                       data={"kind": "request", "text": "x"}).status_code == 403


def test_an_observer_in_a_group_still_only_reads(client, signed_in, programme):
    observer = signed_in(Role.OBSERVER)
    _join(programme, GroupKind.PRACTICE, observer)
    postcard = _postcard(programme, sent=False)
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}/{postcard.id}").status_code == 200
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.post(f"{BASE}/{postcard.id}/send").status_code == 403
    assert "Send to the" not in client.get(f"{BASE}/{postcard.id}").get_data(as_text=True)


# -- answering -----------------------------------------------------------------------------------


@pytest.fixture
def director(signed_in, programme):
    user = signed_in(Role.LEAD)
    _join(programme, GroupKind.STRATEGIC, user)
    return user


def test_answering_with_an_action_tracks_it_and_tells_the_sender(
        client, director, programme, member):
    champion = member(Role.CHAMPION)
    _join(programme, GroupKind.PRACTICE, champion)
    head = member(Role.STEERING, name="Hal Head")
    postcard = _postcard(programme, requests=("Draw the decision flow", "More MST capacity"))
    first = postcard.requests[0]
    due = clock.today() + timedelta(days=30)
    response = client.post(f"{BASE}/{postcard.id}/items/{first.id}/answer", data={
        "text": "Head of Service to lead a task and finish group", "kind": "action",
        "owner": str(head.id), "owner_name": "", "due_date": _date(due)})
    assert response.status_code == 302

    answer = db.session.execute(select(PostcardAnswer)).scalar_one()
    assert answer.answered_by_id == director.id and answer.kind == AnswerKind.ACTION
    action = answer.action
    assert action.title == "Head of Service to lead a task and finish group"
    assert action.owner_id == head.id and action.due_date == due
    assert action.postcard_item_id == first.id
    db.session.refresh(postcard)
    assert postcard.state == AnswerState.PARTLY
    assert _outbox(kind="postcard_answered", recipient_id=champion.id) == 1
    assert db.session.execute(select(OutboxMessage.key).where(
        OutboxMessage.kind == "postcard_answered")).scalar_one() == \
        f"postcard-answer:{answer.id}:{champion.id}"

    page = client.get(f"{BASE}/{postcard.id}").get_data(as_text=True)
    assert "Hal Head" in page and "Answered with an action" in page
    log = client.get("/a/testshire/actions?source=postcard").get_data(as_text=True)
    assert "Head of Service to lead a task and finish group" in log


def test_an_action_answer_needs_an_owner_and_a_due_date_and_keeps_what_was_typed(
        client, director, programme):
    postcard = _postcard(programme)
    item = postcard.requests[0]
    response = client.post(f"{BASE}/{postcard.id}/items/{item.id}/answer", data={
        "text": "We will look at it", "kind": "action", "owner": "", "owner_name": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert set(form_errors(page)) == {
        "Choose the owner, or enter the name of an owner without an account",
        "Enter the date the action is due"}
    assert "We will look at it" in page
    assert db.session.execute(select(func.count()).select_from(PostcardAnswer)).scalar_one() == 0


def test_to_be_discussed_goes_on_the_next_meeting_and_is_not_yet_an_answer(
        client, director, programme):
    postcard = _postcard(programme)
    item = postcard.requests[0]
    url = f"{BASE}/{postcard.id}/items/{item.id}/answer"
    response = client.post(url, data={"text": "To be discussed at the next meeting",
                                      "kind": "discuss", "owner": ""})
    assert response.status_code == 400
    assert "has no planned meeting" in " ".join(form_errors(response.get_data(as_text=True)))

    later = meetings.create_meeting(programme, kind=MeetingKind.STEERING,
                                    day=clock.today() + timedelta(days=14), actor=None)
    meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET, number=2,
                            day=clock.today() + timedelta(days=3), actor=None)
    db.session.commit()
    assert client.post(url, data={"text": "To be discussed at the next meeting",
                                  "kind": "discuss", "owner": ""}).status_code == 302
    answer = db.session.execute(select(PostcardAnswer)).scalar_one()
    agenda_item = db.session.get(AgendaItem, answer.agenda_item_id)
    assert agenda_item.meeting_id == later.id  # the strategic group's, not the practice set
    assert agenda_item.title.startswith("Postcard from the practice group: Who signs off")
    db.session.refresh(postcard)
    assert postcard.state == AnswerState.PARTLY
    assert "Waiting for the meeting" in client.get(f"{BASE}/{postcard.id}").get_data(
        as_text=True)

    services.answer(item, kind=AnswerKind.ANSWER, text="The Head of Service signs off",
                    actor=director)
    db.session.refresh(postcard)
    assert postcard.state == AnswerState.ANSWERED


def test_a_commitment_is_made_into_or_linked_to_an_action(client, champion, programme):
    postcard = _postcard(programme)
    item = postcard.commitments[0]
    url = f"{BASE}/{postcard.id}/items/{item.id}/action"
    # A champion's actions are their own, from here as from the action log.
    assert client.post(url, data={"title": "Brief all six teams", "owner": "",
                                  "owner_name": "Team managers",
                                  "due_date": _date(date(2027, 2, 1))}).status_code == 400
    assert client.post(url, data={"title": "Brief all six teams", "owner": str(champion.id),
                                  "due_date": _date(date(2027, 2, 1))}).status_code == 302
    made = db.session.execute(select(Action).where(Action.postcard_item_id == item.id)
                              ).scalar_one()
    assert made.owner_id == champion.id
    other = Action(programme_id=programme.id, title="Run the champions forum")
    db.session.add(other)
    db.session.commit()
    response = client.post(url, data={"link": "1", "link-action": str(other.id)})
    assert response.status_code == 302
    response = client.post(url, data={"link": "1", "link-action": str(other.id)})
    assert "already linked" in " ".join(form_errors(response.get_data(as_text=True)))
    db.session.refresh(item)
    assert [a.title for a in item.actions] == ["Brief all six teams", "Run the champions forum"]
    page = client.get(f"{BASE}/{postcard.id}").get_data(as_text=True)
    assert "Run the champions forum" in page
    with pytest.raises(services.PostcardError):
        services.remove_item(item, champion)


def test_a_postcard_is_unanswered_partly_answered_or_answered(programme):
    postcard = _postcard(programme, requests=("One", "Two"))
    assert postcard.state == AnswerState.UNANSWERED
    services.answer(postcard.requests[0], kind=AnswerKind.ANSWER, text="Yes", actor=None)
    assert postcard.state == AnswerState.PARTLY and postcard.answered_count == 1
    services.answer(postcard.requests[1], kind=AnswerKind.ANSWER, text="No", actor=None)
    assert postcard.state == AnswerState.ANSWERED
    assert _postcard(programme, requests=()).state == AnswerState.NONE
    with pytest.raises(services.PostcardError):
        services.answer(postcard.commitments[0], kind=AnswerKind.ANSWER, text="x", actor=None)


# -- review at the next set ----------------------------------------------------------------------


def test_the_next_set_lists_the_postcards_received_and_records_the_review(
        client, director, programme):
    earlier = meetings.create_meeting(programme, kind=MeetingKind.STRATEGIC_SET, number=1,
                                      day=date(2026, 3, 2), actor=None)
    meetings.record_attendance(earlier, {a.member.id: AttendanceStatus.ATTENDED
                                         for a in earlier.attendees}, actor=None,
                               today=date(2026, 11, 23))
    old = _postcard(programme, requests=("Old request",))
    old.sent_at = clock.now().replace(year=2026, month=2, day=1)
    new = _postcard(programme, requests=("New request",))
    mine = _postcard(programme, group=GroupKind.STRATEGIC, requests=("Ours",))
    set_two = meetings.create_meeting(programme, kind=MeetingKind.STRATEGIC_SET, number=2,
                                      day=clock.today() + timedelta(days=7), actor=None)
    db.session.commit()
    assert [p.id for p in services.for_meeting(set_two)] == [new.id]
    assert mine.id not in [p.id for p in services.for_meeting(set_two)]

    page = client.get(f"/a/testshire/meetings/{set_two.id}").get_data(as_text=True)
    assert "Postcards to review" in page and "Mark reviewed" in page
    response = client.post(f"{BASE}/{new.id}/review",
                           data={"meeting": str(set_two.id), "back": "meeting"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{set_two.id}#postcards")
    db.session.refresh(new)
    assert new.reviewed_meeting_id == set_two.id and new.reviewed_by_id == director.id
    assert new.reviewed_at is not None
    assert "Reviewed at this set" in client.get(
        f"/a/testshire/meetings/{set_two.id}").get_data(as_text=True)
    practice_set = meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET, number=1,
                                           day=clock.today(), actor=None)
    db.session.commit()
    assert client.post(f"{BASE}/{old.id}/review",
                       data={"meeting": str(practice_set.id)}).status_code == 302
    db.session.refresh(old)
    assert old.reviewed_meeting_id is None  # a practice meeting cannot review a strategic card


# -- the conversation, the dashboard, the portfolio and the digest -------------------------------


def test_the_conversation_shows_each_postcard_with_answers_and_action_status(
        client, director, programme):
    first = _postcard(programme, requests=("Flow chart, please",))
    services.answer(first.requests[0], kind=AnswerKind.ACTION, text="Head of Service to draw it",
                    actor=director, owner_name="Head of Service",
                    due_date=clock.today() - timedelta(days=3))
    reply = _postcard(programme, group=GroupKind.STRATEGIC, requests=("Tell us which cases",))
    page = client.get(f"{BASE}/conversation").get_data(as_text=True)
    assert page.index("Flow chart, please") < page.index("Tell us which cases")
    assert "Head of Service to draw it" in page and "3 days overdue" in page
    assert f'id="postcard-{reply.id}"' in page


def test_dashboard_panel_lists_waiting_postcards_and_overdue_answers(
        client, director, programme, authority):
    waiting = _postcard(programme, requests=("One", "Two"))
    answered = _postcard(programme, requests=("Three",))
    services.answer(answered.requests[0], kind=AnswerKind.ACTION, text="Late action",
                    actor=director, owner_name="Head of Commissioning",
                    due_date=clock.today() - timedelta(days=1))
    _postcard(programme, group=GroupKind.STRATEGIC, requests=("Not for the strategic group",))
    board = services.dashboard(programme)
    assert [(w.postcard.id, w.unanswered) for w in board.waiting] == [(waiting.id, 2)]
    assert [a.action.title for a in board.overdue] == ["Late action"]
    page = client.get("/a/testshire/").get_data(as_text=True)
    assert "Postcards waiting for an answer" in page
    assert "Late action" in page

    assert "Postcards waiting" in portfolio.column_headings()
    cell = services.portfolio_waiting([programme.id], clock.today())[programme.id]
    assert cell.text == "1 (sent today)" and cell.href == "postcards.index"
    assert services.digest_waiting in jobs.DIGEST_SECTIONS
    section = services.digest_waiting([programme.id], {programme.id: authority},
                                       clock.today())[programme.id][0]
    assert len(section.lines) == 1 and "2 requests unanswered" in section.lines[0][0]


# -- bounded queries -----------------------------------------------------------------------------


def _grow(programme, director, n: int) -> None:
    for i in range(n):
        postcard = _postcard(programme, requests=(f"Request {i}a", f"Request {i}b"),
                             commitments=(f"Commitment {i}",),
                             group=GroupKind.PRACTICE if i % 2 else GroupKind.STRATEGIC)
        services.answer(postcard.requests[0], kind=AnswerKind.ACTION, text=f"Action {i}",
                        actor=director, owner=director, due_date=date(2027, 1, 1))
        services.turn_into_action(postcard.commitments[0], actor=director, title=f"Do {i}",
                                  owner=None, owner_name="Team", due_date=date(2027, 1, 1))
        _postcard(programme, sent=False)
    db.session.commit()


@pytest.mark.parametrize("path", ["", "/conversation"])
def test_inbox_and_conversation_run_a_fixed_number_of_queries(
        client, director, programme, count_queries, path):
    _grow(programme, director, 1)
    client.get(BASE + path)
    with count_queries() as small:
        assert client.get(BASE + path).status_code == 200
    _grow(programme, director, 8)
    with count_queries() as large:
        assert client.get(BASE + path).status_code == 200
    assert large.count == small.count, large.statements
    print(f"{path or '/'}: {small.count} queries")


def test_postcard_page_runs_a_fixed_number_of_queries(client, director, programme,
                                                     count_queries):
    small_card = _postcard(programme, requests=("One",))
    big_card = _postcard(programme, requests=tuple(f"R{i}" for i in range(12)),
                         commitments=tuple(f"C{i}" for i in range(8)))
    for postcard in (small_card, big_card):
        for item in postcard.requests:
            services.answer(item, kind=AnswerKind.ACTION, text=f"Do {item.text}",
                            actor=director, owner=director, due_date=date(2027, 1, 1))
    db.session.commit()
    with count_queries() as small:
        assert client.get(f"{BASE}/{small_card.id}").status_code == 200
    with count_queries() as large:
        assert client.get(f"{BASE}/{big_card.id}").status_code == 200
    assert large.count == small.count, large.statements

