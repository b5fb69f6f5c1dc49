"""Demo postcards: a full round between the groups of the demo authority, in the spirit of the
Checklist's example postcard but in Homeward's own words. Practice Set 1 writes to the strategic
group, which answers every request (two with actions, one put to its next meeting) and reviews
it at Strategic Set 2; Strategic Set 2 writes back, and the practice group answers and reviews
it at Practice Set 2; Practice Set 2's postcard is still waiting for some answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from tracker.extensions import db
from tracker.models import (
    Action,
    AnswerKind,
    AuditEvent,
    GroupKind,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Postcard,
    PostcardAnswer,
    Programme,
    User,
)
from tracker.postcards import services

PRACTICE_1 = {
    "commitments": [
        "Be the Framework's champions in our teams: talk it through at every team meeting "
        "this term",
        "Each team manager will go through their team's cases and list the families the "
        "Framework could help, and send the list to the strategic group",
        "Use chronologies and the assessment of risk and protective factors on every case we "
        "are thinking of returning home",
        "Use looked-after reviews to ask whether going home is being considered, and bring in "
        "the other agencies who would need to support it",
        "Join the task and finish groups the rollout needs",
    ],
    "requests": [
        "What is the authority aiming for with reunification, and how will we all know whether "
        "it is working?",
        "Should we use the Framework's assessment template or our usual child and family "
        "assessment? How does it fit with our case recording system?",
        "Please give us a flow chart of who makes and signs off a decision to return a child "
        "home, and which panels a case goes to",
        "Support for families must not stop when the child stops being looked after: we need "
        "partner agencies signed up to that",
        "Can family group conferences be offered by every team, not just the Children in Care "
        "teams?",
        "The intensive family support service has a waiting list. Can it take more families "
        "who are preparing for a return home?",
    ],
}

STRATEGIC_2 = {
    "commitments": [
        "Hold a briefing for all staff on why we are doing this and what success looks like",
        "Report progress on returns home to the Corporate Parenting Board every quarter",
        "Protect time for practice champions to attend the learning sets",
    ],
    "requests": [
        "Tell us which of the families you listed in your scoping are ready to start with the "
        "Framework, so we can plan support around them",
        "What is getting in the way of using chronologies on every case?",
        "Which training would help your teams most before Practice Set 3?",
    ],
}

PRACTICE_2 = {
    "commitments": [
        "Each team manager will start the Framework with two families before Practice Set 3",
        "Share one worked example of an analytical chronology in each team",
    ],
    "requests": [
        "Can the Framework's documents be added to the case recording system as forms?",
        "Who do we go to for advice when we use the Framework for the first time?",
    ],
}


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0)


def _date(model, ident: int, **values) -> None:
    db.session.execute(update(model).where(model.id == ident).values(**values))


def _redate_events(since: int, when: datetime) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.id > since).values(at=when))


def _last_event() -> int:
    return db.session.execute(select(db.func.max(AuditEvent.id))).scalar() or 0


def _write(programme: Programme, group: GroupKind, meeting: Meeting, text: dict, author: User,
           sender: User) -> Postcard:
    since = _last_event()
    postcard = services.create_postcard(programme, from_group=group, actor=author,
                                        meeting=meeting)
    for line in text["commitments"]:
        services.add_item(postcard, kind=ItemKind.COMMITMENT, text=line, actor=author)
    for line in text["requests"]:
        services.add_item(postcard, kind=ItemKind.REQUEST, text=line, actor=author)
    services.send(postcard, sender, notify=False)
    when = _at(meeting.day, 15)
    _date(Postcard, postcard.id, created_at=when, updated_at=when, sent_at=when)
    _redate_events(since, when)
    db.session.commit()
    db.session.refresh(postcard)
    return postcard


def _answer(item, kind: AnswerKind, text: str, actor: User, when: datetime, today: date,
            **action) -> PostcardAnswer:
    since = _last_event()
    actions_before = db.session.execute(select(db.func.max(Action.id))).scalar() or 0
    reply = services.answer(item, kind=kind, text=text, actor=actor, today=today, notify=False,
                            **action)
    _date(PostcardAnswer, reply.id, created_at=when)
    db.session.execute(update(Action).where(Action.id > actions_before)
                       .values(created_at=when, updated_at=when))
    _redate_events(since, when)
    db.session.commit()
    return reply


def _review(postcard: Postcard, meeting: Meeting, actor: User) -> None:
    since = _last_event()
    services.review(postcard, meeting, actor)
    when = _at(meeting.day, 12)
    _date(Postcard, postcard.id, reviewed_at=when)
    _redate_events(since, when)
    db.session.commit()


def load(programme: Programme, people: dict[str, User], today: date) -> None:
    held = {(m.kind, m.number): m for m in db.session.execute(
        select(Meeting).where(Meeting.programme_id == programme.id,
                              Meeting.status == MeetingStatus.HELD,
                              Meeting.kind.in_([MeetingKind.PRACTICE_SET,
                                                MeetingKind.STRATEGIC_SET]))
    ).scalars()}
    p1 = held.get((MeetingKind.PRACTICE_SET, 1))
    s2 = held.get((MeetingKind.STRATEGIC_SET, 2))
    p2 = held.get((MeetingKind.PRACTICE_SET, 2))
    if p1 is None:
        return
    lead, head, champion = people["lead"], people["steering"], people["champion"]

    first = _write(programme, GroupKind.PRACTICE, p1, PRACTICE_1, champion, champion)
    services.turn_into_action(first.commitments[1], actor=champion,
                              title="Send the strategic group the list of families the "
                                    "Framework could help", owner=champion, owner_name="",
                              due_date=p1.day + timedelta(days=21))
    db.session.commit()
    one, two, three, four, five, six = first.requests
    day = p1.day + timedelta(days=6)
    _answer(one, AnswerKind.ANSWER, "The Assistant Director will hold a briefing for all staff "
            "that answers these questions, and the aims and measures will be in the "
            "implementation plan.", lead, _at(day, 10), today)
    _answer(two, AnswerKind.ACTION, "A task and finish group will see how the child and "
            "family assessment can carry the Framework's questions", head, _at(day, 11), today,
            owner=head, due_date=day + timedelta(days=42))
    _answer(three, AnswerKind.ACTION, "Head of Service to lead a task and finish group on the "
            "decision-making flow chart", head, _at(day, 11), today, owner=head,
            due_date=day + timedelta(days=28))
    _answer(four, AnswerKind.ACTION, "Assistant Director and Head of Commissioning to take "
            "this to the commissioning boards and the safeguarding partnership", lead,
            _at(day, 12), today, owner=lead, due_date=day + timedelta(days=90))
    _answer(five, AnswerKind.ANSWER, "Yes. Family group conferences are open to every team "
            "from next month.", lead, _at(day, 12), today)
    _answer(six, AnswerKind.DISCUSS, "To be discussed at the next meeting", lead, _at(day, 13),
            today)
    if s2 is None:
        return
    _review(first, s2, lead)

    second = _write(programme, GroupKind.STRATEGIC, s2, STRATEGIC_2, lead, lead)
    answered = s2.day + timedelta(days=3)
    _answer(second.requests[0], AnswerKind.ANSWER, "Eleven families across the two pilot "
            "teams; the list is with David.", champion, _at(answered, 10), today)
    _answer(second.requests[1], AnswerKind.ANSWER, "Time, mostly, and not being sure what a "
            "good one looks like. A worked example would help.", champion, _at(answered, 11),
            today)
    if p2 is None:
        return
    _review(second, p2, champion)
    third = _write(programme, GroupKind.PRACTICE, p2, PRACTICE_2, champion, champion)
    _answer(third.requests[1], AnswerKind.ANSWER, "Jo Whitfield, the NSPCC consultant, and "
            "Priya Sharma, the Principal Social Worker, will both take calls.", head,
            _at(p2.day + timedelta(days=2), 10), today)
