"""The rules for postcards between the strategic and the practice groups: drafting (several
members may edit; sent postcards are fixed), sending (the receiving group is told), answering
each request (plainly, with an action, or by putting it on the group's next meeting), the
review at the receiving group's next set, and the views that follow the conversation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, clock
from tracker.actions.services import create_action
from tracker.errors import RuleBroken
from tracker.extensions import db
from tracker.links import Link
from tracker.meetings import groups as meeting_groups
from tracker.meetings import services as meetings
from tracker.models import (
    FINISHED_ACTION_STATUSES,
    Action,
    AgendaItem,
    AnswerKind,
    Authority,
    GroupKind,
    GroupMember,
    ItemKind,
    Meeting,
    MeetingStatus,
    Postcard,
    PostcardAnswer,
    PostcardItem,
    PostcardStatus,
    Programme,
    User,
)
from tracker.models.meetings import LEARNING_SET_KINDS
from tracker.notifications.jobs import DigestSection
from tracker.notifications.outbox import Draft, queue
from tracker.portfolio.services import Cell

POSTCARD = "postcard"
ITEM = "postcard_item"
ANSWER = "postcard_answer"

DEFAULT_GREETINGS = {
    GroupKind.PRACTICE: "Dear Strategic Group,",
    GroupKind.STRATEGIC: "Dear Practice Group,",
}


class PostcardError(RuleBroken):
    """A request that breaks one of the postcards' rules."""


def other(group: GroupKind) -> GroupKind:
    return GroupKind.PRACTICE if group == GroupKind.STRATEGIC else GroupKind.STRATEGIC


def groups_of(programme: Programme, user: User) -> set[GroupKind]:
    """The groups the person is a current member of: the groups they may write for."""
    return {m.group for m in meeting_groups.member_for_user(programme, user) if m.active}


# -- loading -------------------------------------------------------------------------------------


def page_options():
    """Everything a postcard page shows, in a fixed number of queries."""
    items = selectinload(Postcard.items)
    return (
        joinedload(Postcard.meeting), joinedload(Postcard.sent_by),
        joinedload(Postcard.created_by), joinedload(Postcard.reviewed_by),
        joinedload(Postcard.reviewed_meeting),
        items.selectinload(PostcardItem.answers).options(
            joinedload(PostcardAnswer.answered_by),
            joinedload(PostcardAnswer.action).joinedload(Action.owner),
            joinedload(PostcardAnswer.agenda_item).joinedload(AgendaItem.meeting),
        ),
        items.selectinload(PostcardItem.made_actions).joinedload(Action.owner),
        items.selectinload(PostcardItem.linked_actions).joinedload(Action.owner),
    )


def _summary():
    """What a list of postcards shows: counts of requests and answers, not the answers."""
    return (joinedload(Postcard.meeting), joinedload(Postcard.sent_by),
            joinedload(Postcard.reviewed_meeting),
            selectinload(Postcard.items).selectinload(PostcardItem.answers))


@dataclass
class Inbox:
    received: dict[GroupKind, list[Postcard]]
    drafts: list[Postcard]


def inbox(programme: Programme, my_groups: set[GroupKind]) -> Inbox:
    """Sent postcards by the group that received them, newest first, and the drafts of the
    groups the person belongs to. Three queries whatever the number of postcards."""
    postcards = db.session.execute(
        select(Postcard).options(*_summary())
        .where(Postcard.programme_id == programme.id,
               or_(Postcard.status == PostcardStatus.SENT,
                   Postcard.from_group.in_(my_groups or [None])))
        .order_by(Postcard.sent_at.desc(), Postcard.created_at.desc(), Postcard.id.desc())
    ).unique().scalars().all()
    received: dict[GroupKind, list[Postcard]] = {GroupKind.STRATEGIC: [], GroupKind.PRACTICE: []}
    drafts = []
    for postcard in postcards:
        if postcard.is_draft:
            drafts.append(postcard)
        else:
            received[postcard.to_group].append(postcard)
    return Inbox(received, drafts)


def conversation(programme: Programme) -> list[Postcard]:
    """Every sent postcard between the two groups, oldest first, with its answers and the
    actions that came from it."""
    return list(db.session.execute(
        select(Postcard).options(*page_options())
        .where(Postcard.programme_id == programme.id, Postcard.status == PostcardStatus.SENT)
        .order_by(Postcard.sent_at, Postcard.id)
    ).unique().scalars())


def learning_sets(programme: Programme, group: GroupKind) -> list[Meeting]:
    """The group's learning sets (and briefing or set-up day), for "written at" pickers."""
    return list(db.session.execute(
        select(Meeting).where(Meeting.programme_id == programme.id, Meeting.group == group,
                              Meeting.kind.in_(meetings.SET_SEQUENCE_KINDS),
                              Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.day, Meeting.id)
    ).scalars())


# -- writing -------------------------------------------------------------------------------------

POSTCARD_FIELDS = {
    "greeting": ("Greeting", None),
    "meeting": ("Written at", lambda m: f"{m.title}, {clock.format_date(m.day)}" if m else ""),
}


def _check_draft(postcard: Postcard) -> None:
    if not postcard.is_draft:
        raise PostcardError("This postcard has been sent and cannot be changed. Write a new "
                            "postcard, or answer it, to add to the conversation.")


def _check_meeting(meeting: Meeting | None, group: GroupKind) -> None:
    if meeting is not None and meeting.group != group:
        raise PostcardError(f"Choose a meeting of the {group.label.lower()}", "meeting")


def create_postcard(programme: Programme, *, from_group: GroupKind, actor: User,
                    greeting: str = "", meeting: Meeting | None = None) -> Postcard:
    _check_meeting(meeting, from_group)
    postcard = Postcard(programme_id=programme.id, from_group=from_group, meeting=meeting,
                        greeting=greeting.strip() or DEFAULT_GREETINGS[from_group],
                        created_by=actor, version=1)
    audit.created(postcard, actor,
                 summary=f"Postcard drafted: {postcard.title.lower()}")
    return postcard


def update_postcard(postcard: Postcard, *, seen_version: int | None, actor: User,
                    greeting: str, meeting: Meeting | None) -> bool:
    _check_draft(postcard)
    audit.refuse_if_stale(postcard, seen_version)
    _check_meeting(meeting, postcard.from_group)
    values = {"greeting": greeting.strip() or DEFAULT_GREETINGS[postcard.from_group],
              "meeting": meeting}
    return audit.updated(postcard, values, seen_version, actor, fields=POSTCARD_FIELDS)


def add_item(postcard: Postcard, *, kind: ItemKind, text: str, actor: User) -> PostcardItem:
    _check_draft(postcard)
    if not text.strip():
        raise PostcardError("Enter the commitment or the request", "text")
    last = max((i.position for i in postcard.items), default=0)
    item = PostcardItem(programme_id=postcard.programme_id, kind=kind, position=last + 1,
                        text=text.strip(), created_by=actor)
    postcard.items.append(item)
    audit.created(item, actor,
                  summary=f"{kind.label} added: {item.text}")
    return item


def update_item(item: PostcardItem, *, seen_version: int | None, actor: User, text: str) -> bool:
    _check_draft(item.postcard)
    return audit.updated(item, {"text": text}, seen_version, actor,
                         fields={"text": (item.kind.label, None)})


def remove_item(item: PostcardItem, actor: User) -> None:
    postcard = item.postcard
    _check_draft(postcard)
    if item.made_actions:
        raise PostcardError("An action was made from this commitment, so it stays on the "
                            "postcard. Change the action in the action log if it is wrong.")
    audit.record(ITEM, item.id, "deleted", programme_id=item.programme_id, actor=actor,
                 summary=f"{item.kind.label} removed: {item.text}")
    postcard.items.remove(item)
    db.session.flush()


def send(postcard: Postcard, actor: User | None, *, notify: bool = True) -> int:
    """Send the draft and queue an email to each member of the receiving group who wants one
    (not for demo data, which is history). Returns the number of emails queued."""
    _check_draft(postcard)
    if not postcard.items:
        raise PostcardError("Add at least one commitment or request before sending")
    postcard.status = PostcardStatus.SENT
    postcard.sent_at = clock.now()
    postcard.sent_by = actor
    postcard.version += 1
    db.session.flush()
    audit.record(POSTCARD, postcard.id, "updated", programme_id=postcard.programme_id,
                 actor=actor, summary=f"Postcard sent to the {postcard.to_group.label.lower()}",
                 changes={"Status": ["Draft", "Sent"]})
    db.session.commit()
    if not notify:
        return 0
    return _notify(
        postcard, postcard.to_group, "postcard_sent",
        lambda user: f"postcard:{postcard.id}:sent:{user.id}",
        {"postcard": postcard, "requests": len(postcard.requests),
         "commitments": len(postcard.commitments),
         "sender": actor.name if actor else "Someone"})


def turn_into_action(item: PostcardItem, *, actor: User, title: str, owner: User | None,
                     owner_name: str, due_date: date | None) -> Action:
    """Follow a commitment with an action; it points back at the line on the postcard."""
    if item.kind != ItemKind.COMMITMENT:
        raise PostcardError("Only a commitment can be made into an action here. Answer a "
                            "request to make an action from it.")
    programme = db.session.get(Programme, item.programme_id)
    action = create_action(programme, title=title, actor=actor, owner=owner,
                           owner_name=owner_name, due_date=due_date, postcard_item_id=item.id)
    audit.record(ITEM, item.id, "updated", programme_id=item.programme_id, actor=actor,
                 summary=f"Action made from the commitment: {title}")
    db.session.expire(item, ["made_actions"])
    return action


def link_action(item: PostcardItem, action: Action, actor: User) -> None:
    """Say that an action the group already had is how a commitment will be kept."""
    if item.kind != ItemKind.COMMITMENT:
        raise PostcardError("Only a commitment can be linked to an action", "action")
    if action in item.linked_actions or action.postcard_item_id == item.id:
        raise PostcardError("That action is already linked to this commitment", "action")
    item.linked_actions.append(action)
    db.session.flush()
    audit.record(ITEM, item.id, "updated", programme_id=item.programme_id, actor=actor,
                 summary=f"Linked to the action: {action.title}")


# -- answering -----------------------------------------------------------------------------------


def next_meeting(programme_id: int, group: GroupKind, today: date | None = None
                 ) -> Meeting | None:
    """The group's next planned meeting, where a request put "to the next meeting" goes."""
    today = today or clock.today()
    return db.session.execute(
        select(Meeting).options(selectinload(Meeting.items))
        .where(Meeting.programme_id == programme_id, Meeting.group == group,
               Meeting.status == MeetingStatus.PLANNED, Meeting.day >= today)
        .order_by(Meeting.day, Meeting.start_time, Meeting.id).limit(1)
    ).scalar_one_or_none()


def answer(item: PostcardItem, *, kind: AnswerKind, text: str, actor: User | None,
           owner: User | None = None, owner_name: str = "", due_date: date | None = None,
           today: date | None = None, notify: bool = True) -> PostcardAnswer:
    postcard = item.postcard
    if postcard.is_draft:
        raise PostcardError("This postcard has not been sent yet")
    if item.kind != ItemKind.REQUEST:
        raise PostcardError("Only questions and requests are answered")
    text = text.strip()
    if not text:
        raise PostcardError("Enter the answer", "text")
    reply = PostcardAnswer(programme_id=item.programme_id, kind=kind, text=text,
                           answered_by=actor)
    if kind == AnswerKind.ACTION:
        programme = db.session.get(Programme, item.programme_id)
        reply.action = create_action(programme, title=text, actor=actor, owner=owner,
                                     owner_name=owner_name, due_date=due_date,
                                     postcard_item_id=item.id)
    elif kind == AnswerKind.DISCUSS:
        meeting = next_meeting(item.programme_id, postcard.to_group, today)
        if meeting is None:
            raise PostcardError(
                f"The {postcard.to_group.label.lower()} has no planned meeting to put this on. "
                f"Add the meeting first, or answer the request now.", "kind")
        source = postcard.from_group.label.lower()
        reply.agenda_item = meetings.add_item(
            meeting, title=f"Postcard from the {source}: {_short(item.text)}",
            prompts=[item.text, text], actor=actor)
    item.answers.append(reply)
    audit.created(reply, actor,
                  summary=f"Request answered ({kind.label.lower()}): {text}")
    db.session.commit()
    if notify:
        _notify(postcard, postcard.from_group, "postcard_answered",
                lambda user: f"postcard-answer:{reply.id}:{user.id}",
                {"postcard": postcard, "item": item, "answer": reply,
                 "sender": actor.name if actor else "Someone"})
    return reply


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _notify(postcard: Postcard, group: GroupKind, template: str, key, context: dict) -> int:
    recipients = db.session.execute(
        select(User).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.programme_id == postcard.programme_id, GroupMember.group == group,
               GroupMember.left_on.is_(None), User.active.is_(True),
               User.email_postcards.is_(True))
        .order_by(User.id)
    ).scalars().all()
    if not recipients:
        return 0
    authority = db.session.execute(
        select(Authority).join(Programme, Programme.authority_id == Authority.id)
        .where(Programme.id == postcard.programme_id)).scalar_one()
    link = Link.to("postcards.show", authority_slug=authority.slug, postcard_id=postcard.id)
    return queue([Draft(key=key(user), kind=template, recipient=user, template=template,
                        context={**context, "authority": authority}, link=link)
                  for user in recipients])


# -- review at the next set ----------------------------------------------------------------------


def for_meeting(meeting: Meeting) -> list[Postcard]:
    """The postcards a learning set reviews: those its group received since its previous set
    (up to the set itself), and any already reviewed at it."""
    if meeting.kind not in LEARNING_SET_KINDS:
        return []
    previous = meetings.previous_meeting(meeting)
    received = and_(Postcard.status == PostcardStatus.SENT,
                    Postcard.from_group == other(meeting.group),
                    Postcard.sent_at < datetime.combine(meeting.day, time.max))
    if previous is not None:
        received = and_(received, Postcard.sent_at > datetime.combine(previous.day, time.min))
    return list(db.session.execute(
        select(Postcard).options(*_summary(), joinedload(Postcard.reviewed_by))
        .where(Postcard.programme_id == meeting.programme_id,
               or_(received, Postcard.reviewed_meeting_id == meeting.id))
        .order_by(Postcard.sent_at)
    ).unique().scalars())


def review(postcard: Postcard, meeting: Meeting, actor: User) -> None:
    if postcard.is_draft:
        raise PostcardError("A draft cannot be reviewed")
    if meeting.group != postcard.to_group:
        raise PostcardError(f"Choose a meeting of the {postcard.to_group.label.lower()}",
                            "meeting")
    if postcard.reviewed_meeting_id == meeting.id:
        return
    postcard.reviewed_at = clock.now()
    postcard.reviewed_by = actor
    postcard.reviewed_meeting = meeting
    db.session.flush()
    audit.record(POSTCARD, postcard.id, "updated", programme_id=postcard.programme_id,
                 actor=actor, summary=f"Reviewed at {meeting.title}, "
                                      f"{clock.format_date(meeting.day)}")


# -- what is waiting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    postcard: Postcard
    unanswered: int
    days: int


@dataclass
class DashboardPostcards:
    waiting: list[Waiting]
    overdue: list[PostcardAnswer]


def _waiting_counts(programme_ids: Sequence[int]):
    """Per sent postcard to the strategic group: its requests not yet answered (a request only
    put to the next meeting is still waiting)."""
    answered = (select(PostcardAnswer.item_id)
                .where(PostcardAnswer.kind != AnswerKind.DISCUSS))
    return (
        select(Postcard.id, Postcard.programme_id, Postcard.sent_at, func.count(PostcardItem.id))
        .join(PostcardItem, PostcardItem.postcard_id == Postcard.id)
        .where(Postcard.programme_id.in_(programme_ids),
               Postcard.status == PostcardStatus.SENT,
               Postcard.from_group == GroupKind.PRACTICE,
               PostcardItem.kind == ItemKind.REQUEST, PostcardItem.id.not_in(answered))
        .group_by(Postcard.id, Postcard.programme_id, Postcard.sent_at)
        .order_by(Postcard.sent_at)
    )


def _days_since(moment: datetime, today: date) -> int:
    return max((today - clock.to_london(moment).date()).days, 0)


def waiting_label(days: int) -> str:
    if days == 0:
        return "sent today"
    return f"waiting {days} day{'s' if days != 1 else ''}"


def dashboard(programme: Programme, today: date | None = None) -> DashboardPostcards:
    """For the strategic lead: postcards waiting for the strategic group's answer, and answers
    whose actions are now overdue. Three queries."""
    today = today or clock.today()
    counts = db.session.execute(_waiting_counts([programme.id])).all()
    postcards = {p.id: p for p in db.session.execute(
        select(Postcard).options(joinedload(Postcard.meeting))
        .where(Postcard.id.in_([row[0] for row in counts]))).scalars()}
    waiting = [Waiting(postcards[pid], n, _days_since(sent, today))
               for pid, _, sent, n in counts]
    overdue = list(db.session.execute(
        select(PostcardAnswer).join(PostcardAnswer.action)
        .options(joinedload(PostcardAnswer.action).joinedload(Action.owner),
                 joinedload(PostcardAnswer.item).joinedload(PostcardItem.postcard))
        .where(PostcardAnswer.programme_id == programme.id,
               Action.status.not_in(FINISHED_ACTION_STATUSES), Action.due_date < today)
        .order_by(Action.due_date, Action.id)
    ).scalars())
    return DashboardPostcards(waiting, overdue)


def portfolio_waiting(programme_ids: list[int], today: date) -> dict[int, Cell]:
    oldest: dict[int, datetime] = {}
    count: dict[int, int] = defaultdict(int)
    for _pid, programme_id, sent, _n in db.session.execute(_waiting_counts(programme_ids)):
        count[programme_id] += 1
        oldest.setdefault(programme_id, sent)
    cells = {}
    for pid in programme_ids:
        if count[pid]:
            cells[pid] = Cell(f"{count[pid]} ({waiting_label(_days_since(oldest[pid], today))})",
                              "postcards.index")
        else:
            cells[pid] = Cell("None", "postcards.index")
    return cells


def digest_waiting(programme_ids, authorities, today):
    lines: dict[int, list] = defaultdict(list)
    for postcard_id, pid, sent, n in db.session.execute(_waiting_counts(programme_ids)):
        authority = authorities[pid]
        lines[pid].append((
            f"Postcard from the practice group sent {clock.format_date(sent)}: "
            f"{n} request{'s' if n != 1 else ''} unanswered ({waiting_label(_days_since(sent, today))})",
            Link.to("postcards.show", authority_slug=authority.slug,
                         postcard_id=postcard_id)))
    return {pid: [DigestSection("Postcards waiting for the strategic group's answer", lines[pid])]
            for pid in programme_ids}
