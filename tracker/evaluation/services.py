"""Evaluation rounds, anonymous responses, and the paired analysis.

Anonymity: a response stores no name, email or account. It stores a keyed hash of the
respondent's matching code, which is what the evaluation asked for (004 Appendix 1, Q4 and Q5):
the first two letters of the first name, the last two letters of the surname, and the day and
month of birth (never the year). The same code at Time 1 and Time 2 pairs the two responses.
The round page counts responses; it never shows who answered.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import case, distinct, func, select

from tracker import audit, clock
from tracker.errors import RuleBroken
from tracker.evaluation import questionnaires, statistics
from tracker.extensions import db
from tracker.health.signals import WARNING, Signal
from tracker.links import Link
from tracker.models import (
    Authority,
    EvaluationResponse,
    EvaluationRound,
    GroupMember,
    Membership,
    Programme,
    User,
)
from tracker.notifications.outbox import Draft, queue
from tracker.portfolio.services import Cell

# Reminders go to the group from this many days before the closing date (one per person).
REMIND_DAYS_BEFORE = 3
LETTERS = re.compile(r"^[A-Za-z]{2}$")


# -- rounds --------------------------------------------------------------------------------------

def instrument_of(round_: EvaluationRound) -> questionnaires.Instrument:
    return questionnaires.current().instrument(round_.audience, round_.time)


def round_title(round_: EvaluationRound) -> str:
    group = "practice group" if round_.audience == "practice" else "strategic group"
    return f"Time {round_.time}, {group}"


def open_round(programme: Programme, *, audience: str, time: int, closes_on: date,
               actor: User | None, today: date | None = None) -> EvaluationRound:
    today = today or clock.today()
    if audience not in questionnaires.AUDIENCES or time not in questionnaires.TIMES:
        raise RuleBroken("Choose Time 1 or Time 2, and the practice or strategic group", "time")
    if closes_on < today:
        raise RuleBroken("The closing date must be today or later", "closes_on")
    round_ = EvaluationRound(
        programme_id=programme.id, audience=audience, time=time, closes_on=closes_on,
        questionnaire_version=questionnaires.current().version,
        token=secrets.token_urlsafe(24), opened_by_id=actor.id if actor else None)
    audit.created(round_, actor, summary=f"Opened questionnaire round: {round_title(round_)}")
    return round_


def close_round(round_: EvaluationRound, actor: User) -> None:
    round_.closed_at = clock.now()
    audit.record("evaluation_round", round_.id, "updated", programme_id=round_.programme_id,
                 actor=actor, summary=f"Closed questionnaire round: {round_title(round_)}")


@dataclass(frozen=True)
class RoundCounts:
    sent: int = 0
    in_progress: int = 0
    group_size: int = 0

    @property
    def rate(self) -> int | None:
        """Responses sent as a percentage of the group's current members (never over 100:
        someone who has left the group may still have answered)."""
        if not self.group_size:
            return None
        return min(100, round(100 * self.sent / self.group_size))


def rounds(programme: Programme) -> list[EvaluationRound]:
    return list(db.session.execute(
        select(EvaluationRound).where(EvaluationRound.programme_id == programme.id)
        .order_by(EvaluationRound.created_at.desc(), EvaluationRound.id.desc())).scalars())


def counts(programme_ids: list[int], round_ids: list[int]) -> dict[int, RoundCounts]:
    """Response counts per round, and the size of each round's group: three queries, none
    for no rounds (an authority that has not run one yet)."""
    if not round_ids:
        return {}
    per_round: dict[int, dict[str, int]] = defaultdict(lambda: {"sent": 0, "in_progress": 0})
    sent = EvaluationResponse.submitted_at.is_not(None)
    # Someone who sent answers twice (the same matching code) is counted once.
    for round_id, people, unsent in db.session.execute(
        select(EvaluationResponse.round_id,
               func.count(distinct(case((sent, EvaluationResponse.matching_hash)))),
               func.count(case((~sent, 1))))
        .where(EvaluationResponse.round_id.in_(round_ids))
        .group_by(EvaluationResponse.round_id)
    ):
        per_round[round_id] = {"sent": people, "in_progress": unsent}
    sizes = group_sizes(programme_ids)
    rows = db.session.execute(select(EvaluationRound.id, EvaluationRound.programme_id,
                                     EvaluationRound.audience)
                              .where(EvaluationRound.id.in_(round_ids))).all()
    return {rid: RoundCounts(per_round[rid]["sent"], per_round[rid]["in_progress"],
                             sizes.get((pid, audience), 0)) for rid, pid, audience in rows}


def group_sizes(programme_ids: list[int]) -> dict[tuple[int, str], int]:
    if not programme_ids:
        return {}
    return {(pid, str(group)): n for pid, group, n in db.session.execute(
        select(GroupMember.programme_id, GroupMember.group, func.count())
        .where(GroupMember.programme_id.in_(programme_ids), GroupMember.left_on.is_(None))
        .group_by(GroupMember.programme_id, GroupMember.group))}


# -- sending the link, and reminders ---------------------------------------------------------------

def _recipients(round_: EvaluationRound) -> list[User]:
    """The group's current members who have an active account in the authority."""
    return list(db.session.execute(
        select(User).join(GroupMember, GroupMember.user_id == User.id)
        .join(Programme, Programme.id == GroupMember.programme_id)
        .join(Membership, (Membership.user_id == User.id)
              & (Membership.authority_id == Programme.authority_id))
        .where(GroupMember.programme_id == round_.programme_id,
               GroupMember.group == round_.audience, GroupMember.left_on.is_(None),
               User.active.is_(True))
        .order_by(User.id)).unique().scalars())


def respondent_link(round_: EvaluationRound) -> Link:
    return Link.to("respond.start", token=round_.token)


def send_links(round_: EvaluationRound, authority: Authority) -> int:
    """Queue the respondents' link to each member of the round's group, once each."""
    drafts = [Draft(key=f"evaluation:link:{round_.id}:{user.id}", kind="evaluation_link",
                    recipient=user, template="evaluation_link", link=respondent_link(round_),
                    context={"authority": authority, "round": round_,
                             "title": instrument_of(round_).title, "reminder": False})
              for user in _recipients(round_)]
    return queue(drafts)


def queue_round_reminders(today: date | None = None) -> int:
    """Remind each group of every round closing in the next REMIND_DAYS_BEFORE days, once
    per person per round (the key makes reruns harmless). Everyone in the group is reminded:
    responses are anonymous, so nobody knows who has answered."""
    today = today or clock.today()
    due = db.session.execute(
        select(EvaluationRound, Authority)
        .join(Programme, Programme.id == EvaluationRound.programme_id)
        .join(Authority, Authority.id == Programme.authority_id)
        .where(EvaluationRound.closed_at.is_(None), EvaluationRound.closes_on >= today,
               EvaluationRound.closes_on <= today + timedelta(days=REMIND_DAYS_BEFORE))
    ).all()
    drafts = [Draft(key=f"evaluation:reminder:{round_.id}:{user.id}", kind="evaluation_reminder",
                    recipient=user, template="evaluation_link", link=respondent_link(round_),
                    context={"authority": authority, "round": round_,
                             "title": instrument_of(round_).title, "reminder": True})
              for round_, authority in due for user in _recipients(round_)]
    return queue(drafts)


# -- answering -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MatchingCode:
    first_name_start: str
    surname_end: str
    day: int
    month: int

    def text(self) -> str:
        return (f"{self.first_name_start}{self.surname_end}".upper()
                + f"{self.day:02d}{self.month:02d}")


def matching_problems(first: str, last: str, day: str, month: str) -> dict[str, str]:
    problems = {}
    if not LETTERS.match(first.strip()):
        problems["first_name_start"] = "Enter the first two letters of your first name"
    if not LETTERS.match(last.strip()):
        problems["surname_end"] = "Enter the last two letters of your surname"
    try:
        date(2000, int(month), int(day))  # a leap year, so 29 February is a birthday
    except ValueError:
        problems["birthday"] = "Enter the day and month of your birthday, like 19 and 4"
    return problems


def matching_hash(programme_id: int, code: MatchingCode) -> str:
    """A keyed hash of the code: the same person gets the same value in one authority, and
    someone reading the database alone cannot turn it back into initials and a birthday."""
    key = f"{current_app.config['SECRET_KEY']}:evaluation:{programme_id}".encode()
    return hmac.new(key, code.text().encode(), hashlib.sha256).hexdigest()


def _return_hash(return_key: str) -> str:
    return hashlib.sha256(return_key.encode()).hexdigest()


def round_for_token(token: str) -> EvaluationRound | None:
    return db.session.execute(
        select(EvaluationRound).where(EvaluationRound.token == token)).scalar_one_or_none()


def start_response(round_: EvaluationRound, code: MatchingCode) -> tuple[EvaluationResponse, str]:
    """A new response and its return key: the key is shown once and stored only as a hash."""
    return_key = secrets.token_urlsafe(24)
    response = EvaluationResponse(
        programme_id=round_.programme_id, round_id=round_.id,
        matching_hash=matching_hash(round_.programme_id, code),
        return_hash=_return_hash(return_key), answers={})
    db.session.add(response)
    return response, return_key


def response_for(round_: EvaluationRound, return_key: str) -> EvaluationResponse | None:
    return db.session.execute(
        select(EvaluationResponse).where(EvaluationResponse.round_id == round_.id,
                                         EvaluationResponse.return_hash == _return_hash(return_key))
    ).scalar_one_or_none()


def read_answers(section: questionnaires.Section, form) -> tuple[dict, dict[str, str]]:
    """The section's answers from a submitted form, and a problem per item that has one.
    Every question may be left blank, as on paper; what is given must be one of its answers."""
    answers: dict[str, int | str | None] = {}
    problems = {}
    for item in section.items:
        raw = (form.get(item.key) or "").strip()
        if item.kind == "open":
            if len(raw) > questionnaires.OPEN_TEXT_MAX:
                problems[item.key] = (f"Answer in {questionnaires.OPEN_TEXT_MAX} characters or "
                                      "fewer")
            answers[item.key] = raw or None
            continue
        if not raw:
            answers[item.key] = None
            continue
        try:
            code = int(raw)
        except ValueError:
            code = None
        if code not in item.codes:
            problems[item.key] = "Choose one of the answers"
        else:
            answers[item.key] = code
    return answers, problems


def save_answers(response: EvaluationResponse, answers: dict) -> None:
    if response.submitted_at is not None:
        raise RuleBroken("These answers have been sent and can no longer be changed")
    # A new dict, so the JSON column sees the change.
    response.answers = {**response.answers, **{k: v for k, v in answers.items()}}
    response.updated_at = clock.now()


def submit(response: EvaluationResponse) -> None:
    if response.submitted_at is None:
        response.submitted_at = clock.now()


# -- analysis ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatingRow:
    item: questionnaires.Item
    result: statistics.SignedRank

    @property
    def better_when_lower(self) -> bool:
        return self.item.finding is False or self.item.lower_is_better

    @property
    def improved(self) -> int:
        return self.result.negative if self.better_when_lower else self.result.positive

    @property
    def worse(self) -> int:
        return self.result.positive if self.better_when_lower else self.result.negative


@dataclass(frozen=True)
class YesNoRow:
    item: questionnaires.Item
    result: statistics.McNemar

    @property
    def improved(self) -> int:
        return self.result.no_to_yes

    @property
    def worse(self) -> int:
        return self.result.yes_to_no


@dataclass
class Results:
    first: EvaluationRound | None
    second: EvaluationRound
    matched: int = 0
    ratings: list[RatingRow] = field(default_factory=list)
    yes_no: list[YesNoRow] = field(default_factory=list)

    def verdict(self) -> tuple[int, int, int]:
        """(statements significantly higher-is-better improved, significantly worse, no
        significant change) across the 7-point statements with a test."""
        tested = [r for r in self.ratings if r.result.p is not None]
        up = sum(r.result.significant and r.improved > r.worse for r in tested)
        down = sum(r.result.significant and r.worse > r.improved for r in tested)
        return up, down, len(tested) - up - down


def first_round_for(round_: EvaluationRound) -> EvaluationRound | None:
    """The Time 1 round a Time 2 round is compared with: the latest one for the same group
    opened before it."""
    return db.session.execute(
        select(EvaluationRound).where(
            EvaluationRound.programme_id == round_.programme_id,
            EvaluationRound.audience == round_.audience, EvaluationRound.time == 1,
            EvaluationRound.created_at <= round_.created_at, EvaluationRound.id != round_.id)
        .order_by(EvaluationRound.created_at.desc(), EvaluationRound.id.desc()).limit(1)
    ).scalar_one_or_none()


def _latest_by_person(responses: list[EvaluationResponse], round_id: int) -> dict[str, dict]:
    """Each person's last sent response in a round (someone who answered twice counts once)."""
    latest: dict[str, EvaluationResponse] = {}
    for r in responses:
        if r.round_id == round_id and (r.matching_hash not in latest
                                       or r.submitted_at >= latest[r.matching_hash].submitted_at):
            latest[r.matching_hash] = r
    return {code: r.answers for code, r in latest.items()}


def results(second: EvaluationRound) -> Results:
    """The Table-7-style analysis of a Time 2 round against its Time 1 round: two queries."""
    first = first_round_for(second)
    return _analyse(first, second, _sent_responses([first, second]) if first else [])


def _sent_responses(rounds: list[EvaluationRound]) -> list[EvaluationResponse]:
    return list(db.session.execute(
        select(EvaluationResponse).where(EvaluationResponse.round_id.in_([r.id for r in rounds]),
                                         EvaluationResponse.submitted_at.is_not(None))).scalars())


def _analyse(first: EvaluationRound | None, second: EvaluationRound,
             responses: list[EvaluationResponse]) -> Results:
    out = Results(first, second)
    if first is None:
        return out
    before = _latest_by_person(responses, first.id)
    after = _latest_by_person(responses, second.id)
    people = sorted(set(before) & set(after))
    out.matched = len(people)
    for item_1, item_2 in questionnaires.current().paired(second.audience):
        answered = [(before[p].get(item_1.key), after[p].get(item_2.key)) for p in people]
        if item_2.kind == "agreement":
            ratings = [(item_1.rated(a), item_2.rated(b)) for a, b in answered]
            out.ratings.append(RatingRow(item_2, statistics.signed_rank(
                [(a, b) for a, b in ratings if a is not None and b is not None])))
        if item_2.yes_no:
            readings = [(item_1.yes(a), item_2.yes(b)) for a, b in answered]
            out.yes_no.append(YesNoRow(item_2, statistics.mcnemar_exact(
                [(a, b) for a, b in readings if a is not None and b is not None])))
    return out


def _first_among(rounds: list[EvaluationRound], second: EvaluationRound) -> EvaluationRound | None:
    """first_round_for, over rounds already loaded in (created_at, id) order."""
    earlier = [r for r in rounds if r.audience == second.audience and r.time == 1
               and r.created_at <= second.created_at and r.id != second.id]
    return earlier[-1] if earlier else None


# -- for other areas: the portfolio column and the steering report ---------------------------------

@dataclass(frozen=True)
class Headline:
    """One authority's latest questionnaire round and, once a Time 2 round has answers, the
    headline change across its paired statements."""

    round: EvaluationRound
    counts: RoundCounts
    change: tuple[int, int, int] | None  # (improved, worse, no significant change)
    link: Link

    def words(self) -> str:
        rate = f"{self.counts.rate}% responded" if self.counts.rate is not None else (
            f"{self.counts.sent} responded")
        text = f"{round_title(self.round)}: {rate}"
        if self.change:
            up, down, same = self.change
            text += (f"; {up} statement{'s' if up != 1 else ''} improved, {down} worse, "
                     f"{same} no significant change")
        return text


def headlines(programme_ids: list[int]) -> dict[int, Headline]:
    """Per programme id, its latest round's response rate and headline change: four queries
    however many authorities (the rounds, their counts, and the answers of every latest Time 2
    round and its Time 1 round at once)."""
    if not programme_ids:
        return {}
    rounds: dict[int, list[EvaluationRound]] = defaultdict(list)
    slugs: dict[int, str] = {}
    for round_, slug in db.session.execute(
        select(EvaluationRound, Authority.slug)
        .join(Programme, Programme.id == EvaluationRound.programme_id)
        .join(Authority, Authority.id == Programme.authority_id)
        .where(EvaluationRound.programme_id.in_(programme_ids))
        .order_by(EvaluationRound.created_at, EvaluationRound.id)):
        rounds[round_.programme_id].append(round_)
        slugs[round_.programme_id] = slug
    latest = {pid: rs[-1] for pid, rs in rounds.items()}
    pairs = {pid: (_first_among(rounds[pid], r), r) for pid, r in latest.items() if r.time == 2}
    compared = [r for first, second in pairs.values() if first for r in (first, second)]
    responses = _sent_responses(compared) if compared else []
    round_counts = counts(programme_ids, [r.id for r in latest.values()])
    out = {}
    for pid, round_ in latest.items():
        analysis = _analyse(*pairs[pid], responses) if pid in pairs else None
        change = analysis.verdict() if analysis and analysis.first else None
        out[pid] = Headline(round_, round_counts[round_.id], change,
                            Link.to("evaluation.show_round", authority_slug=slugs[pid],
                                    round_id=round_.id))
    return out


def health_signals(ctx) -> dict:
    """Programme health: a Time 2 round in which more statements got significantly worse than
    better is a warning; the evaluation's own result was improvement (004 Table 7)."""
    found = {}
    for pid, headline in headlines(ctx.ids).items():
        if headline.change and headline.change[1] > headline.change[0]:
            up, down, _same = headline.change
            found[pid] = [Signal(
                "evaluation_worse", WARNING,
                f"Staff questionnaires at Time 2: {down} statement{'s' if down != 1 else ''} "
                f"significantly worse, {up} better", headline.link)]
    return found


def portfolio_column(programme_ids: list[int], _today) -> dict[int, Cell]:
    """The portfolio's column: the latest round's response rate and headline change."""
    return {pid: Cell(headline.words(), "evaluation.index")
            for pid, headline in headlines(programme_ids).items()}
