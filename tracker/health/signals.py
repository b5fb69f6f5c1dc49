"""Health signals: each says, in one sentence, something that puts a rollout at risk, how
serious it is, and where the evidence is.

SIGNALS is the one registry of signal sources. A source is a function
`source(ctx: Context) -> {programme_id: [Signal, ...]}` that judges every programme in
`ctx.programmes` at once with a fixed number of aggregate queries (counts, not lists of rows),
so the portfolio of a consultant with 20 authorities costs the same queries as one dashboard.
`ctx.thresholds[programme_id]` holds the values in force (checklists/health.toml, or the
authority's own), `ctx.today` the day judged and `ctx.slugs[programme_id]` the authority's slug
for evidence links. Another area adds its own from its init_app:
`health.SIGNALS.add(my_source)`; signals are shown in the order of the registry within each
severity.

Their statements are built once, with bind parameters (`_prebuilt`): the pages that judge
health run some twenty of them, and building a statement and its cache key each time costs
more than SQLite takes to run it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    union_all,
)

from tracker import clock
from tracker.extensions import db
from tracker.health.thresholds import Thresholds
from tracker.links import Link
from tracker.models import (
    LEARNING_SET_KINDS,
    Action,
    ActionStatus,
    AnswerKind,
    ChecklistTask,
    Engagement,
    EngagementStatus,
    FinancialQuarter,
    GroupKind,
    HealthSnapshot,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Milestone,
    MilestoneStatus,
    OutcomeQuarter,
    Postcard,
    PostcardAnswer,
    PostcardItem,
    PostcardStatus,
    Programme,
    ProgrammePhase,
    Role,
    TaskStatus,
    User,
)
from tracker.registry import Registry

SERIOUS = "serious"
WARNING = "warning"
OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
WORKING_DAYS_A_WEEK = 5


@dataclass(frozen=True)
class Signal:
    key: str
    severity: str  # SERIOUS or WARNING
    sentence: str
    evidence: Link
    # What someone has to decide about it, for the dashboard's "needs a decision"; blank if
    # the signal asks for work rather than a decision.
    decision: str = ""

    @property
    def serious(self) -> bool:
        return self.severity == SERIOUS

    def as_data(self) -> dict:
        return {"key": self.key, "severity": self.severity, "sentence": self.sentence}


@dataclass
class Figures:
    """A programme's headline figures, gathered once and shared by the signals, the pages and
    the snapshots."""

    phase: int
    phase_title: str = ""
    phase_started_on: date | None = None
    done: int = 0
    applicable: int = 0
    days_in_phase: int | None = None
    planned_days: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    # Open actions owned by someone who is no longer a member (left, deactivated, or only an
    # observer now): counted in the same pass as the open actions.
    orphaned_actions: int = 0
    milestones: int = 0
    milestones_red: int = 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.applicable) if self.applicable else 0

    @property
    def expected_percent(self) -> int:
        """The share of the phase's planned length that has passed, as the share of its tasks
        one would expect done by now (after the Stages of Implementation Completion)."""
        if self.days_in_phase is None or not self.planned_days:
            return 0
        return min(100, round(100 * self.days_in_phase / self.planned_days))

    @property
    def pace(self) -> int:
        """Points ahead (+) or behind (-) of the expected share done."""
        return self.done_percent - self.expected_percent

    def as_data(self) -> dict:
        return {"phase": self.phase, "done_percent": self.done_percent,
                "open_actions": self.open_actions, "overdue_actions": self.overdue_actions,
                "milestones": self.milestones, "milestones_red": self.milestones_red}


@dataclass
class Context:
    programmes: list[Programme]
    slugs: dict[int, str]
    thresholds: dict[int, Thresholds]
    today: date
    _figures: dict[int, Figures] | None = field(default=None, repr=False)
    _steering: Steering | None = field(default=None, repr=False)

    @property
    def ids(self) -> list[int]:
        return [p.id for p in self.programmes]

    def link(self, pid: int, endpoint: str, anchor: str = "", **args) -> Link:
        return Link.to(endpoint, anchor, authority_slug=self.slugs[pid], **args)

    @property
    def figures(self) -> dict[int, Figures]:
        if self._figures is None:
            self._figures = gather_figures(self)
        return self._figures

    @property
    def steering(self) -> Steering:
        """Each programme's last steering group meeting and the snapshot from then: read by
        a signal and by the pages' "since the steering group met"."""
        if self._steering is None:
            days = last_steering_meetings(self.ids, self.today)
            self._steering = Steering(days, snapshots_on_or_before(days, within=7))
        return self._steering


@dataclass(frozen=True)
class Steering:
    days: dict[int, date]
    snapshots: dict[int, HealthSnapshot]


# A statement built once, run with parameters; "ids" is a list of programme ids.
_prebuilt = functools.cache
_IDS = bindparam("ids", expanding=True)
_TODAY = bindparam("today")

SignalSource = Callable[[Context], dict[int, list[Signal]]]
SIGNALS: Registry[SignalSource] = Registry("health signals")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _is_red(today):
    return or_(Milestone.status == MilestoneStatus.MISSED,
               and_(Milestone.status == MilestoneStatus.PLANNED, Milestone.target_date < today))


@_prebuilt
def _phases_query():
    return select(ProgrammePhase).where(ProgrammePhase.programme_id.in_(_IDS))


@_prebuilt
def _task_counts_query():
    return (select(ChecklistTask.programme_id, ChecklistTask.phase, ChecklistTask.status,
                   func.count())
            .where(ChecklistTask.programme_id.in_(_IDS))
            .group_by(ChecklistTask.programme_id, ChecklistTask.phase, ChecklistTask.status))


@_prebuilt
def _open_actions_query():
    """(programme, open actions, open actions whose owner has gone), from one walk of the
    (programme, status, owner) index: open actions are counted per owner first, then each
    owner is checked once, not each action."""
    owned = (select(Action.programme_id, Action.owner_id, func.count().label("n"))
             .where(Action.programme_id.in_(_IDS), Action.status.in_(OPEN))
             .group_by(Action.programme_id, Action.status, Action.owner_id).subquery())
    member = exists().where(Membership.user_id == owned.c.owner_id,
                            Membership.authority_id == Programme.authority_id,
                            Membership.role != Role.OBSERVER)
    gone = and_(owned.c.owner_id.is_not(None), or_(~member, User.active.is_(False)))
    return (select(owned.c.programme_id, func.sum(owned.c.n),
                   func.sum(case((gone, owned.c.n), else_=0)))
            .join(Programme, Programme.id == owned.c.programme_id)
            .outerjoin(User, User.id == owned.c.owner_id)
            .group_by(owned.c.programme_id))


@_prebuilt
def _overdue_actions_query():
    return (select(Action.programme_id, func.count())
            .where(Action.programme_id.in_(_IDS), Action.status.in_(OPEN),
                   Action.due_date < _TODAY)
            .group_by(Action.programme_id))


@_prebuilt
def _milestone_counts_query():
    return (select(Milestone.programme_id, func.count(),
                   func.sum(case((_is_red(_TODAY), 1), else_=0)))
            .where(Milestone.programme_id.in_(_IDS)).group_by(Milestone.programme_id))


def gather_figures(ctx: Context) -> dict[int, Figures]:
    """Five grouped queries for every programme in the context."""
    ids, today = ctx.ids, ctx.today
    out = {p.id: Figures(p.current_phase) for p in ctx.programmes}
    if not ids:
        return out
    params = {"ids": ids, "today": today}
    for phase in db.session.execute(_phases_query(), params).scalars():
        f = out[phase.programme_id]
        if phase.number == f.phase:
            f.phase_title, f.phase_started_on = phase.title, phase.started_on
            f.planned_days = ctx.thresholds[phase.programme_id].planned_days(phase.number)
            if phase.started_on:
                f.days_in_phase = max(0, (today - phase.started_on).days)
    for pid, phase, status, count in db.session.execute(_task_counts_query(), params).all():
        f = out[pid]
        if phase != f.phase or status == TaskStatus.NOT_APPLICABLE:
            continue
        f.applicable += count
        if status == TaskStatus.DONE:
            f.done += count
    for pid, count, orphaned in db.session.execute(_open_actions_query(), params).all():
        out[pid].open_actions, out[pid].orphaned_actions = int(count), int(orphaned)
    for pid, count in db.session.execute(_overdue_actions_query(), params).all():
        out[pid].overdue_actions = count
    for pid, total, red in db.session.execute(_milestone_counts_query(), params).all():
        out[pid].milestones, out[pid].milestones_red = total, int(red or 0)
    return out


# -- the built-in signals ---------------------------------------------------------------------

def phase_pace(ctx: Context) -> dict[int, list[Signal]]:
    """Behind when, past the first weeks of a phase, less of it is done than the share of its
    planned length that has passed (times phase_pace_percent); serious once it has run longer
    than planned."""
    out: dict[int, list[Signal]] = {}
    for pid, f in ctx.figures.items():
        t = ctx.thresholds[pid]
        if f.days_in_phase is None or f.days_in_phase < t["phase_pace_grace_days"]:
            continue
        if f.done_percent * 100 >= f.expected_percent * t["phase_pace_percent"]:
            continue
        over = f.days_in_phase > f.planned_days
        sentence = (f"Phase {f.phase} is {f.done_percent}% done after {f.days_in_phase} days"
                    + (f", longer than the {f.planned_days} days planned" if over else
                       f" (about {f.expected_percent}% expected by now)"))
        out[pid] = [Signal("phase_pace", SERIOUS if over else WARNING, sentence,
                           ctx.link(pid, "checklist.phase", number=f.phase))]
    return out


def milestones_red(ctx: Context) -> dict[int, list[Signal]]:
    out: dict[int, list[Signal]] = {}
    for pid, f in ctx.figures.items():
        if not f.milestones_red:
            continue
        serious = f.milestones_red >= ctx.thresholds[pid]["milestones_red_serious"]
        out[pid] = [Signal(
            "milestones", SERIOUS if serious else WARNING,
            f"{f.milestones_red} of {_plural(f.milestones, 'milestone')} "
            f"{'is' if f.milestones_red == 1 else 'are'} red (missed or past their date)",
            ctx.link(pid, "plan.milestones"),
            decision="Re-plan the milestones that are red" if serious else "")]
    return out


def last_steering_meetings(ids: list[int], today: date) -> dict[int, date]:
    """The day of each programme's latest steering group meeting held on or before today."""
    if not ids:
        return {}
    return dict(db.session.execute(_last_held_query(MeetingKind.STEERING),
                                   {"ids": ids, "today": today}).all())


@_prebuilt
def _last_held_query(*kinds: MeetingKind):
    """Each programme's latest meeting of these kinds held on or before today."""
    return (select(Meeting.programme_id, func.max(Meeting.day))
            .where(Meeting.programme_id.in_(_IDS), Meeting.kind.in_(kinds),
                   Meeting.status == MeetingStatus.HELD, Meeting.day <= _TODAY)
            .group_by(Meeting.programme_id))


def snapshots_on_or_before(days: dict[int, date], within: int) -> dict[int, HealthSnapshot]:
    """Each programme's latest snapshot on or before its given day, and no more than `within`
    days before it (an older one does not tell what things were like then). One query."""
    if not days:
        return {}
    earliest = min(days.values()) - timedelta(days=within)
    found: dict[int, HealthSnapshot] = {}
    for snap in db.session.execute(_snapshots_query(), {
        "ids": list(days), "earliest": earliest, "latest": max(days.values())}
    ).scalars():
        day = days[snap.programme_id]
        if day - timedelta(days=within) <= snap.day <= day:
            found[snap.programme_id] = snap
    return found


@_prebuilt
def _snapshots_query():
    return (select(HealthSnapshot)
            .where(HealthSnapshot.programme_id.in_(_IDS),
                   HealthSnapshot.day >= bindparam("earliest"),
                   HealthSnapshot.day <= bindparam("latest"))
            .order_by(HealthSnapshot.day))


def overdue_rising(ctx: Context) -> dict[int, list[Signal]]:
    """Overdue actions now against four weeks ago and against the last steering meeting,
    from the snapshots; warns at a rise of overdue_rise or more."""
    four_weeks = snapshots_on_or_before(
        {pid: ctx.today - timedelta(days=28) for pid in ctx.ids}, within=7)
    steering, at_meeting = ctx.steering.days, ctx.steering.snapshots
    out: dict[int, list[Signal]] = {}
    for pid, f in ctx.figures.items():
        rise = ctx.thresholds[pid]["overdue_rise"]
        parts = []
        if pid in four_weeks:
            before = four_weeks[pid].figures.get("overdue_actions", 0)
            if f.overdue_actions - before >= rise:
                parts.append(f"from {before} four weeks ago")
        if pid in at_meeting:
            before = at_meeting[pid].figures.get("overdue_actions", 0)
            if f.overdue_actions - before >= rise:
                parts.append(f"from {before} at the steering group meeting on "
                             f"{clock.format_date(steering[pid])}")
        if parts:
            out[pid] = [Signal(
                "overdue_rising", WARNING,
                f"Overdue actions rose to {f.overdue_actions}, {' and '.join(parts)}",
                ctx.link(pid, "actions.log", rag="red"))]
    return out


def _working_weeks(earlier: date, later: date) -> int:
    from tracker.meetings import planner

    return planner.working_days_between(earlier, later) // WORKING_DAYS_A_WEEK


def learning_set_rhythm(ctx: Context) -> dict[int, list[Signal]]:
    """In Phases 1 and 2: no learning set held for learning_set_gap_weeks working weeks
    (serious); planned sets of one group closer than learning_set_min_gap_weeks (warning);
    action lists not out within action_list_days of a held meeting (warning)."""
    from tracker.meetings import planner

    out: dict[int, list[Signal]] = defaultdict(list)
    by_id = {p.id: p for p in ctx.programmes}
    ids, today = ctx.ids, ctx.today
    if not ids:
        return out
    params = {"ids": ids, "today": today}
    last_held = dict(db.session.execute(_last_held_query(*LEARNING_SET_KINDS), params).all())
    for pid, programme in by_id.items():
        if programme.current_phase not in (1, 2):
            continue
        since = last_held.get(pid) or programme.start_date
        weeks = _working_weeks(since, today)
        if weeks >= ctx.thresholds[pid]["learning_set_gap_weeks"]:
            sentence = (f"No learning set held for {weeks} working weeks" if pid in last_held
                        else f"No learning set held in the {weeks} working weeks since the "
                             "programme started")
            out[pid].append(Signal("learning_set_gap", SERIOUS, sentence,
                                   ctx.link(pid, "meetings.index"),
                                   decision="Agree dates for the next learning sets"))
    planned: dict[tuple[int, GroupKind], list[Meeting]] = defaultdict(list)
    for m in db.session.execute(_planned_sets_query(), params).scalars():
        planned[(m.programme_id, m.group)].append(m)
    close: dict[int, list[tuple[Meeting, Meeting, int]]] = defaultdict(list)
    for (pid, _group), meetings in planned.items():
        least = ctx.thresholds[pid]["learning_set_min_gap_weeks"] * WORKING_DAYS_A_WEEK
        for a, b in zip(meetings, meetings[1:], strict=False):
            gap = planner.working_days_between(a.day, b.day)
            if gap < least:
                close[pid].append((a, b, gap))
    for pid, pairs in close.items():
        a, b, gap = pairs[0]
        weeks = ctx.thresholds[pid]["learning_set_min_gap_weeks"]
        more = f" ({_plural(len(pairs) - 1, 'other pair')} too)" if len(pairs) > 1 else ""
        out[pid].append(Signal(
            "learning_set_spacing", WARNING,
            f"{a.title} and {b.title} are planned {gap} working days apart, under the "
            f"{weeks} working weeks the Framework's sets kept{more}",
            ctx.link(pid, "meetings.meeting", meeting_id=b.id),
            decision=f"Move {b.title} to at least {weeks} working weeks after {a.title}"))
    late: dict[int, int] = defaultdict(int)
    for m in db.session.execute(_uncirculated_query(), params).all():
        pid, day = m
        days = ctx.thresholds[pid]["action_list_days"]
        due = (planner.add_working_days(day, days) if by_id[pid].action_list_working_days
               else day + timedelta(days=days))
        if today > due:
            late[pid] += 1
    for pid, n in late.items():
        days = ctx.thresholds[pid]["action_list_days"]
        unit = "working days" if by_id[pid].action_list_working_days else "days"
        lists = "1 held meeting's action list has" if n == 1 else \
            f"{n} held meetings' action lists have"
        out[pid].append(Signal("action_lists_late", WARNING,
                               f"{lists} not gone out within {days} {unit} of the meeting",
                               ctx.link(pid, "meetings.index")))
    return out


@_prebuilt
def _planned_sets_query():
    return (select(Meeting).where(Meeting.programme_id.in_(_IDS),
                                  Meeting.kind.in_(LEARNING_SET_KINDS),
                                  Meeting.status == MeetingStatus.PLANNED, Meeting.day >= _TODAY)
            .order_by(Meeting.day))


@_prebuilt
def _uncirculated_query():
    return (select(Meeting.programme_id, Meeting.day)
            .where(Meeting.programme_id.in_(_IDS), Meeting.status == MeetingStatus.HELD,
                   Meeting.kind != MeetingKind.MIDWAY_REVIEW, Meeting.circulated_at.is_(None),
                   Meeting.day < _TODAY))


def postcards_waiting(ctx: Context) -> dict[int, list[Signal]]:
    """Postcards from the practice group with requests unanswered for longer than
    postcard_wait_working_days (a request put to the next meeting is still waiting)."""
    if not ctx.ids:
        return {}
    waiting: dict[int, list[datetime]] = defaultdict(list)
    for pid, sent in db.session.execute(_waiting_postcards_query(), {"ids": ctx.ids}).all():
        waiting[pid].append(sent)
    from tracker.meetings import planner

    out = {}
    for pid, sent_times in waiting.items():
        limit = ctx.thresholds[pid]["postcard_wait_working_days"]
        ages = [planner.working_days_between(clock.to_london(s).date(), ctx.today)
                for s in sent_times]
        late = [a for a in ages if a > limit]
        if late:
            out[pid] = [Signal(
                "postcards_waiting", WARNING,
                f"{_plural(len(late), 'postcard')} from the practice group "
                f"{'has' if len(late) == 1 else 'have'} waited more than {limit} working days "
                f"for an answer (the oldest {max(late)})",
                ctx.link(pid, "postcards.index"),
                decision="Answer the practice group's requests")]
    return out


@_prebuilt
def _waiting_postcards_query():
    answered = select(PostcardAnswer.item_id).where(PostcardAnswer.kind != AnswerKind.DISCUSS)
    return (select(Postcard.programme_id, Postcard.sent_at)
            .where(Postcard.programme_id.in_(_IDS), Postcard.status == PostcardStatus.SENT,
                   Postcard.from_group == GroupKind.PRACTICE,
                   exists().where(PostcardItem.postcard_id == Postcard.id,
                                  PostcardItem.kind == ItemKind.REQUEST,
                                  PostcardItem.id.not_in(answered)))
            .order_by(Postcard.sent_at))


def stalled_actions(ctx: Context) -> dict[int, list[Signal]]:
    if not ctx.ids:
        return {}
    out = {}
    cutoffs = {pid: ctx.thresholds[pid]["stalled_action_days"] for pid in ctx.ids}
    # Stalled: open, with neither a change nor a note since the cut-off. Counted as the open
    # actions less those changed since, and those noted but not changed since: two ranges of
    # indexes over the recent rows alone, where counting the stalled ones would read nearly
    # every open action. Programmes sharing a cut-off (most keep the default) are counted
    # together, each cut-off a plain comparison.
    now = clock.now()
    sharing: dict[int, list[int]] = defaultdict(list)
    for pid, days in cutoffs.items():
        sharing[days].append(pid)
    recent = []
    for days, pids in sharing.items():
        cutoff = now - timedelta(days=days)
        for since in (Action.updated_at >= cutoff,
                      and_(Action.noted_at >= cutoff, Action.updated_at < cutoff)):
            recent.append(select(Action.programme_id, func.count())
                          .where(Action.programme_id.in_(pids), Action.status.in_(OPEN), since)
                          .group_by(Action.programme_id))
    touched: dict[int, int] = defaultdict(int)
    for pid, n in db.session.execute(union_all(*recent)).all():
        touched[pid] += n
    # Each statement sees the data as it is when it runs: on PostgreSQL work saved between
    # the two could make the difference briefly negative.
    counts = {pid: max(0, ctx.figures[pid].open_actions - touched[pid]) for pid in ctx.ids}
    for pid, n in counts.items():
        if not n:
            continue
        out[pid] = [Signal(
            "stalled_actions", WARNING,
            f"{_plural(n, 'open action')} {'has' if n == 1 else 'have'} had no note or change "
            f"for {cutoffs[pid]} days", ctx.link(pid, "actions.log", status=["open", "in_progress"]))]
    return out


def people_gone(ctx: Context) -> dict[int, list[Signal]]:
    """No strategic lead (serious) or no practice champion left (warning); open actions owned
    by someone who is no longer a member (warning)."""
    if not ctx.ids:
        return {}
    authority_of = {p.id: p.authority_id for p in ctx.programmes}
    roles: dict[int, set[Role]] = defaultdict(set)
    for authority_id, role in db.session.execute(
            _lead_roles_query(), {"ids": list(authority_of.values())}).all():
        roles[authority_id].add(role)
    out: dict[int, list[Signal]] = defaultdict(list)
    for pid, authority_id in authority_of.items():
        if Role.LEAD not in roles[authority_id]:
            out[pid].append(Signal("no_lead", SERIOUS,
                                   "Nobody holds the strategic lead role",
                                   ctx.link(pid, "meetings.groups"),
                                   decision="Name a strategic lead for the rollout"))
        if Role.CHAMPION not in roles[authority_id]:
            out[pid].append(Signal("no_champion", WARNING,
                                   "No practice champion is a member any more",
                                   ctx.link(pid, "meetings.groups")))
        n = ctx.figures[pid].orphaned_actions
        if n:
            out[pid].append(Signal(
                "orphaned_actions", WARNING,
                f"{_plural(n, 'open action')} {'is' if n == 1 else 'are'} owned by someone who "
                "is no longer a member", ctx.link(pid, "actions.log", status=["open", "in_progress"]),
                decision=f"Give {_plural(n, 'action')} owned by people who have left to "
                         "someone else"))
    return out


@_prebuilt
def _lead_roles_query():
    """Which of the lead and champion roles each authority (by id) has an active holder of."""
    return (select(Membership.authority_id, Membership.role).join(User)
            .where(Membership.authority_id.in_(_IDS),
                   Membership.role.in_([Role.LEAD, Role.CHAMPION]), User.active.is_(True))
            .distinct())


def engagements_overdue(ctx: Context) -> dict[int, list[Signal]]:
    from sqlalchemy.orm import selectinload

    from tracker.stakeholders import services as stakeholders

    if not ctx.ids:
        return {}
    counts: dict[int, int] = defaultdict(int)
    for engagement in db.session.execute(
        select(Engagement).options(selectinload(Engagement.occurrences))
        .where(Engagement.programme_id.in_(ctx.ids),
               Engagement.status == EngagementStatus.PLANNED,
               Engagement.planned_date < ctx.today)
    ).scalars():
        counts[engagement.programme_id] += sum(
            1 for slot in stakeholders.schedule(engagement, ctx.today).due
            if slot.due_on < ctx.today)
    return {pid: [Signal("engagements_overdue", WARNING,
                         f"{_plural(n, 'engagement')} in the stakeholder plan "
                         f"{'is' if n == 1 else 'are'} overdue",
                         ctx.link(pid, "stakeholders.plan"))]
            for pid, n in counts.items() if n}


def outcome_figures_missing(ctx: Context) -> dict[int, list[Signal]]:
    """No figures for the last complete financial quarter, once the programme ran in it."""
    quarter = FinancialQuarter.containing(ctx.today).previous()
    if not ctx.ids:
        return {}
    have = set(db.session.execute(_quarter_figures_query(), {
        "ids": ctx.ids, "year": quarter.year, "quarter": quarter.quarter}).scalars())
    return {p.id: [Signal("outcomes_missing", WARNING,
                          f"No outcome figures for the last complete quarter, "
                          f"{quarter.short_label}", ctx.link(p.id, "outcomes.index"))]
            for p in ctx.programmes if p.id not in have and p.start_date <= quarter.end}


@_prebuilt
def _quarter_figures_query():
    return select(OutcomeQuarter.programme_id).where(
        OutcomeQuarter.programme_id.in_(_IDS), OutcomeQuarter.year == bindparam("year"),
        OutcomeQuarter.quarter == bindparam("quarter"))


for _source in (phase_pace, milestones_red, overdue_rising, learning_set_rhythm,
                postcards_waiting, stalled_actions, people_gone, engagements_overdue,
                outcome_figures_missing):
    SIGNALS.add(_source)
