"""Stakeholder engagement rules: the register and its engagement gaps, the power / interest
grid, repeating engagements and their occurrences (derived when read, with RAG), recording an
occurrence, feedback and the actions it raises, and the plan as a document and as CSV.

Every change is audited; stakeholders and engagements refuse stale edits."""

from __future__ import annotations

import io
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil, sqrt

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, calendar, clock, imports
from tracker.actions.services import create_action
from tracker.extensions import db
from tracker.links import Link
from tracker.models import (
    HIGH_FROM,
    Action,
    Engagement,
    EngagementLevel,
    EngagementOccurrence,
    EngagementStatus,
    Feedback,
    FeedbackSource,
    Membership,
    OccurrenceOutcome,
    Programme,
    Quadrant,
    RepeatUnit,
    Stakeholder,
    StakeholderGroup,
    StakeholderType,
    User,
)
from tracker.models.stakeholders import engagement_stakeholder
from tracker.notifications.jobs import DigestSection
from tracker.rag import AMBER_WITHIN_DAYS, RagStatus, rag
from tracker.validation import column_length

STAKEHOLDER = "stakeholder"
ENGAGEMENT = "engagement"
OCCURRENCE = "engagement_occurrence"
FEEDBACK = "feedback"

# The calendar feed carries engagement dates from this far back to this far ahead.
FEED_PAST_DAYS = 60
FEED_AHEAD_DAYS = 366
# How many coming occurrences of a repeating engagement the plan shows, and how far ahead the
# plan's "coming up" list looks.
COMING = 4
COMING_UP_DAYS = 91
# A weekly engagement for almost twenty years: a bound on computing a plan, not a rule.
MAX_OCCURRENCES = 1000


def _user_name(user: User | None) -> str:
    return user.name if user else ""


def _names(rows) -> str:
    return ", ".join(sorted(r.name for r in rows))


STAKEHOLDER_FIELDS = {
    "name": ("Name", None),
    "kind": ("Type", None),
    "group": ("Stakeholder group", None),
    "organisation": ("Organisation", None),
    "contact_owner": ("Contact owner", _user_name),
    "influence": ("Influence", None),
    "interest": ("Interest", None),
    "level_now": ("Engagement now", None),
    "level_wanted": ("Engagement wanted", None),
    "benefits": ("How the Framework could benefit them", None),
    "resistance": ("Expected resistance", None),
    "mitigation": ("How to lessen it", None),
    "needs_to_know": ("What they need to know", None),
    "channels": ("Channels that reach them", None),
}

ENGAGEMENT_FIELDS = {
    "title": ("Engagement", None),
    "stakeholders": ("Stakeholders", _names),
    "method": ("Method", None),
    "message": ("Message", None),
    "owner": ("Owner", _user_name),
    "planned_date": ("Planned date", clock.format_date),
    "repeat_label": ("Repeats", None),
    "status": ("Status", None),
    "notes": ("Notes", None),
}


# -- the register ------------------------------------------------------------------------------

class StakeholderInUse(Exception):
    """Removing the stakeholder would lose the engagements or feedback that name it."""

    def __init__(self, engagements: int, feedback: int):
        super().__init__("stakeholder in use")
        self.engagements = engagements
        self.feedback = feedback


def _added_summary(name: str) -> str:
    return f"Added to the stakeholder register: {name}"


def create_stakeholder(programme: Programme, *, actor: User, **values) -> Stakeholder:
    stakeholder = Stakeholder(programme_id=programme.id, **values)
    audit.created(stakeholder, actor, summary=_added_summary(stakeholder.name))
    return stakeholder


def _score(value: str, label: str) -> int:
    number = imports.whole_number(value, label)
    if not 1 <= number <= 5:
        raise ValueError(f"{label} must be from 1 (low) to 5 (high)")
    return number


def _register_text(key: str, heading: str, hint: str, aliases: tuple[str, ...] = ()):
    return imports.Field(key, heading, imports.text(20_000, multiline=True), aliases=aliases,
                         hint=hint)


STAKEHOLDER_IMPORTER = imports.Importer("stakeholder", (
    imports.Field("name", "Name", imports.text(column_length(Stakeholder.name)), required=True,
                  aliases=("stakeholder", "who"), hint="The person, team, agency or group.",
                  example="CAFCASS"),
    imports.Field("kind", "Type", imports.choice(StakeholderType), required=True,
                  aliases=("kind", "stakeholder type"),
                  hint=f"One of {', '.join(t.label for t in StakeholderType)}.",
                  example=StakeholderType.AGENCY.label),
    imports.Field("group", "Group", imports.choice(StakeholderGroup), required=True,
                  aliases=("stakeholder group", "section"),
                  hint=f"One of {'; '.join(g.label for g in StakeholderGroup)}.",
                  example=StakeholderGroup.COURTS.label),
    imports.Field("organisation", "Organisation",
                  imports.text(column_length(Stakeholder.organisation)),
                  aliases=("organization", "agency", "service")),
    imports.Field("contact_owner", "Contact owner", imports.text(254),
                  aliases=("owner", "contact", "relationship owner", "lead"),
                  hint="The member who keeps in touch: their email address or their name as "
                       "Homeward shows it."),
    imports.Field("influence", "Influence", _score, required=True,
                  hint="From 1 (low) to 5 (high).", example="4"),
    imports.Field("interest", "Interest", _score, required=True,
                  hint="From 1 (low) to 5 (high).", example="3"),
    imports.Field("level_now", "Engagement now", imports.choice(EngagementLevel),
                  required=True, aliases=("current engagement", "now", "level now"),
                  hint=f"One of {', '.join(lv.label for lv in EngagementLevel)}.",
                  example=EngagementLevel.NEUTRAL.label),
    imports.Field("level_wanted", "Engagement wanted", imports.choice(EngagementLevel),
                  required=True, aliases=("desired engagement", "wanted", "target", "level wanted"),
                  hint=f"One of {', '.join(lv.label for lv in EngagementLevel)}.",
                  example=EngagementLevel.SUPPORTIVE.label),
    _register_text("benefits", "Benefits", "What they gain from the Framework."),
    _register_text("resistance", "Resistance", "Why they might resist it."),
    _register_text("mitigation", "Mitigation", "How that resistance is met."),
    _register_text("needs_to_know", "Needs to know", "What they need to know.",
                   ("what they need to know", "key messages")),
    _register_text("channels", "Channels", "How to reach them.", ("how to reach them",)),
))


def check_stakeholder_import(rows: list[imports.Row], authority_id: int) -> None:
    """Contact owners among the authority's members. One query."""
    members = imports.Members(db.session.execute(
        select(User).join(Membership).where(Membership.authority_id == authority_id)
    ).scalars())
    for row in rows:
        said = row.parsed.pop("contact_owner", "")
        if said:
            row.parsed["contact_owner"] = members.find(row, "contact_owner", said)


def import_stakeholders(programme: Programme, rows: list[imports.Row], actor: User) -> int:
    assert not any(r.problems for r in rows), "import only rows without problems"
    return len(audit.create_many(
        Stakeholder, [{**row.parsed, "programme_id": programme.id} for row in rows],
        programme_id=programme.id, actor=actor, name=Stakeholder.name, summary=_added_summary))


def update_stakeholder(stakeholder: Stakeholder, *, seen_version: int | None, actor: User,
                       **values) -> bool:
    """False when nothing changed; StaleEdit when someone else saved it since `seen_version`."""
    return audit.updated(stakeholder, values, seen_version, actor, fields=STAKEHOLDER_FIELDS,
                         touch=True)


def delete_stakeholder(stakeholder: Stakeholder, *, actor: User) -> None:
    engagements = db.session.execute(
        select(func.count()).select_from(engagement_stakeholder)
        .where(engagement_stakeholder.c.stakeholder_id == stakeholder.id)
    ).scalar_one()
    feedback = db.session.execute(
        select(func.count()).select_from(Feedback).where(Feedback.stakeholder_id == stakeholder.id)
    ).scalar_one()
    if engagements or feedback:
        raise StakeholderInUse(engagements, feedback)
    audit.record(STAKEHOLDER, stakeholder.id, "deleted", programme_id=stakeholder.programme_id,
                 actor=actor, summary=f"Removed from the stakeholder register: {stakeholder.name}")
    db.session.delete(stakeholder)
    db.session.flush()


def register(programme: Programme) -> list[Stakeholder]:
    """Every stakeholder with their contact owner, by name, in one query."""
    return list(db.session.execute(
        select(Stakeholder)
        .options(joinedload(Stakeholder.contact_owner))
        .where(Stakeholder.programme_id == programme.id)
        .order_by(func.lower(Stakeholder.name), Stakeholder.id)
    ).scalars())


def engagement_gaps(stakeholders: Iterable[Stakeholder]) -> list[Stakeholder]:
    """Stakeholders engaged less than wanted, largest gap first; among equal gaps, the more
    influential (then the more interested) first, as they matter most to the rollout."""
    return sorted(
        (s for s in stakeholders if s.gap > 0),
        key=lambda s: (-s.gap, -s.influence, -s.interest, s.name.lower()),
    )


# -- the power / interest grid -----------------------------------------------------------------

QUADRANTS = (Quadrant.MANAGE_CLOSELY, Quadrant.KEEP_SATISFIED, Quadrant.KEEP_INFORMED,
             Quadrant.MONITOR)
QUADRANT_FILLS = {
    Quadrant.MANAGE_CLOSELY: "#f6d7d2",
    Quadrant.KEEP_SATISFIED: "#fff2d3",
    Quadrant.KEEP_INFORMED: "#d2e2f1",
    Quadrant.MONITOR: "#f3f2f1",
}
# Geometry of the SVG, in its own units: a cell per scale point, and a band at the top of
# each quadrant for its name so that no point can cover it.
_CELL, _BAND = 80, 28
_LEFT, _TOP, _RIGHT, _BOTTOM = 50, 4, 4, 52
_LOW_POINTS = HIGH_FROM - 1  # scale points 1..2 are low, 3..5 high
_HIGH_POINTS = 5 - _LOW_POINTS


@dataclass(frozen=True)
class GridPoint:
    number: int
    stakeholder: Stakeholder
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class GridBox:
    quadrant: Quadrant
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass
class Grid:
    width: int
    height: int
    plot: tuple[float, float, float, float]  # x, y, width, height
    boxes: list[GridBox]
    points: list[GridPoint]
    x_ticks: list[tuple[int, float]]
    y_ticks: list[tuple[int, float]]
    by_quadrant: dict[Quadrant, list[GridPoint]]

    @property
    def split_y(self) -> float:
        return _TOP + _BAND + _HIGH_POINTS * _CELL


def _x(interest: int) -> float:
    return _LEFT + (interest - 0.5) * _CELL


def _y(influence: int) -> float:
    if influence >= HIGH_FROM:
        return _TOP + _BAND + (5 - influence + 0.5) * _CELL
    split = _TOP + _BAND + _HIGH_POINTS * _CELL
    return split + _BAND + (_LOW_POINTS - influence + 0.5) * _CELL


def grid_order(stakeholders: Iterable[Stakeholder]) -> list[Stakeholder]:
    """Quadrant by quadrant (manage closely first), then most influential and interested."""
    return sorted(stakeholders, key=lambda s: (QUADRANTS.index(s.quadrant), -s.influence,
                                               -s.interest, s.name.lower()))


def grid(stakeholders: Iterable[Stakeholder]) -> Grid:
    """Each stakeholder placed by influence (up) and interest (across), numbered as in the
    table beside the grid; several in one cell share it in a small block."""
    ordered = grid_order(stakeholders)
    cells: dict[tuple[int, int], list[tuple[int, Stakeholder]]] = {}
    for number, s in enumerate(ordered, start=1):
        cells.setdefault((s.influence, s.interest), []).append((number, s))
    points = []
    for (influence, interest), members in cells.items():
        cols = ceil(sqrt(len(members)))
        rows = ceil(len(members) / cols)
        step = min(28.0, (_CELL - 6) / cols)
        radius = round(min(12.5, step * 0.46), 1)
        for i, (number, s) in enumerate(members):
            row, col = divmod(i, cols)
            points.append(GridPoint(
                number, s,
                round(_x(interest) + (col - (cols - 1) / 2) * step, 1),
                round(_y(influence) + (row - (rows - 1) / 2) * step, 1),
                radius,
            ))
    points.sort(key=lambda p: p.number)
    split = _TOP + _BAND + _HIGH_POINTS * _CELL
    low_w, high_w = _LOW_POINTS * _CELL, _HIGH_POINTS * _CELL
    high_h, low_h = _BAND + _HIGH_POINTS * _CELL, _BAND + _LOW_POINTS * _CELL
    boxes = [
        GridBox(Quadrant.KEEP_SATISFIED, _LEFT, _TOP, low_w, high_h,
                QUADRANT_FILLS[Quadrant.KEEP_SATISFIED]),
        GridBox(Quadrant.MANAGE_CLOSELY, _LEFT + low_w, _TOP, high_w, high_h,
                QUADRANT_FILLS[Quadrant.MANAGE_CLOSELY]),
        GridBox(Quadrant.MONITOR, _LEFT, split, low_w, low_h, QUADRANT_FILLS[Quadrant.MONITOR]),
        GridBox(Quadrant.KEEP_INFORMED, _LEFT + low_w, split, high_w, low_h,
                QUADRANT_FILLS[Quadrant.KEEP_INFORMED]),
    ]
    plot_w, plot_h = 5 * _CELL, high_h + low_h
    return Grid(
        width=_LEFT + plot_w + _RIGHT,
        height=_TOP + plot_h + _BOTTOM,
        plot=(_LEFT, _TOP, plot_w, plot_h),
        boxes=boxes,
        points=points,
        x_ticks=[(v, _x(v)) for v in range(1, 6)],
        y_ticks=[(v, _y(v)) for v in range(1, 6)],
        by_quadrant={q: [p for p in points if p.stakeholder.quadrant == q] for q in QUADRANTS},
    )


# -- repeating engagements ---------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 January
    plus one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def occurrence_dates(engagement: Engagement) -> Iterator[date]:
    """Every date in the engagement's plan, in order: the planned date, then each repeat up to
    the end date. With no end date it runs on: take what you need.

    Each date is counted from the planned date, not from the one before, so a monthly
    engagement on the 31st comes back to the 31st after a short month."""
    if not engagement.repeats:
        yield engagement.planned_date
        return
    every = engagement.repeat_every or 1
    for n in range(MAX_OCCURRENCES):
        if engagement.repeat_unit == RepeatUnit.WEEKS:
            day = engagement.planned_date + timedelta(weeks=n * every)
        else:
            day = add_months(engagement.planned_date, n * every)
        if engagement.repeat_until and day > engagement.repeat_until:
            return
        yield day


def is_in_plan(engagement: Engagement, day: date) -> bool:
    """Whether `day` is one of the engagement's dates, or a date already recorded for it."""
    if any(o.due_on == day for o in engagement.occurrences):
        return True
    for planned in occurrence_dates(engagement):
        if planned >= day:
            return planned == day
    return False


@dataclass(frozen=True)
class Slot:
    """One date in an engagement's plan that has not been recorded yet."""

    engagement: Engagement
    due_on: date
    rag: RagStatus | None


@dataclass
class Schedule:
    """An engagement as it stands today: what is due, what is coming, what was recorded."""

    engagement: Engagement
    first_open: date | None  # the earliest date not recorded yet
    due: list[Slot]  # not recorded and due within the amber window or overdue
    coming: list[date]  # dates from today on that are not recorded yet
    rag: RagStatus | None
    today: date

    @property
    def recorded(self) -> list[EngagementOccurrence]:
        return sorted(self.engagement.occurrences, key=lambda o: o.due_on, reverse=True)

    @property
    def last_done(self) -> EngagementOccurrence | None:
        return next((o for o in self.recorded if o.outcome == OccurrenceOutcome.DONE), None)

    @property
    def status_key(self) -> str:
        """planned, cancelled, or for one with nothing left to do: done, not_held, finished."""
        if self.engagement.status == EngagementStatus.CANCELLED:
            return "cancelled"
        if self.first_open is not None:
            return "planned"
        if self.engagement.repeats:
            return "finished"
        recorded = self.recorded
        return recorded[0].outcome.value if recorded else "finished"

    @property
    def status_text(self) -> str:
        key = self.status_key
        if key == "planned":
            return self.rag.label if self.rag else "Planned"
        if key == "done":
            done = self.recorded[0].done_on
            return f"Done on {clock.format_date(done)}" if done else "Done"
        return {"cancelled": "Cancelled", "not_held": "Did not happen",
                "finished": "Finished"}[key]

    def coming_within(self, days: int) -> list[date]:
        return [d for d in self.coming if d <= self.today + timedelta(days=days)]


def schedule(engagement: Engagement, today: date | None = None, *, coming: int = COMING,
             horizon_days: int = COMING_UP_DAYS) -> Schedule:
    """Work out an engagement's open dates, from its rule and its recorded occurrences. A due
    date not recorded is red once past and amber within a week, as for actions."""
    today = today or clock.today()
    amber_until = today + timedelta(days=AMBER_WITHIN_DAYS)
    horizon = today + timedelta(days=horizon_days)
    recorded = {o.due_on for o in engagement.occurrences}
    has_owner = engagement.owner_id is not None
    first_open, due, upcoming = None, [], []
    if engagement.status == EngagementStatus.PLANNED:
        for day in occurrence_dates(engagement):
            if day in recorded:
                continue
            if first_open is None:
                first_open = day
            if day <= amber_until:
                due.append(Slot(engagement, day, rag(day, has_owner=has_owner, today=today)))
            if day >= today:
                if len(upcoming) >= coming and day > max(horizon, amber_until):
                    break
                upcoming.append(day)
    status = rag(first_open, has_owner=has_owner, today=today) if first_open else None
    return Schedule(engagement, first_open, due, upcoming, status, today)


# -- loading engagements -----------------------------------------------------------------------

def _engagement_options():
    return (joinedload(Engagement.owner), selectinload(Engagement.stakeholders),
            selectinload(Engagement.occurrences))


def engagements(programme: Programme) -> list[Engagement]:
    """Every engagement with its owner, stakeholders and recorded occurrences: three queries."""
    return list(db.session.execute(
        select(Engagement).options(*_engagement_options())
        .where(Engagement.programme_id == programme.id)
        .order_by(Engagement.planned_date, Engagement.id)
    ).scalars())


def engagements_with(stakeholder: Stakeholder) -> list[Engagement]:
    return list(db.session.execute(
        select(Engagement).options(*_engagement_options())
        .join(engagement_stakeholder, engagement_stakeholder.c.engagement_id == Engagement.id)
        .where(engagement_stakeholder.c.stakeholder_id == stakeholder.id,
               Engagement.programme_id == stakeholder.programme_id)
        .order_by(Engagement.planned_date, Engagement.id)
    ).scalars())


def engagement_page_options() -> tuple:
    """Everything an engagement's page shows, in a fixed number of queries."""
    return (joinedload(Engagement.owner), selectinload(Engagement.stakeholders),
            selectinload(Engagement.occurrences).joinedload(EngagementOccurrence.recorded_by))


def _open_first(s: Schedule) -> tuple:
    """Open engagements by their next date; then those with nothing left, latest first."""
    if s.first_open is not None:
        return (0, s.first_open.toordinal(), s.engagement.title.lower())
    return (1, -s.engagement.planned_date.toordinal(), s.engagement.title.lower())


def schedules(rows: Iterable[Engagement], today: date | None = None) -> list[Schedule]:
    today = today or clock.today()
    return sorted((schedule(e, today) for e in rows), key=_open_first)


def due_engagements(programme: Programme, today: date | None = None) -> list[Slot]:
    """Occurrences due within a week or overdue and not recorded, soonest first: for the
    dashboard. Fixed queries, whatever the number of engagements."""
    today = today or clock.today()
    rows = db.session.execute(
        select(Engagement)
        .options(joinedload(Engagement.owner), selectinload(Engagement.occurrences))
        .where(Engagement.programme_id == programme.id,
               Engagement.status == EngagementStatus.PLANNED,
               Engagement.planned_date <= today + timedelta(days=AMBER_WITHIN_DAYS))
    ).scalars()
    slots = [slot for e in rows for slot in schedule(e, today).due]
    return sorted(slots, key=lambda s: (s.due_on, s.engagement.title.lower()))


# -- changing engagements ----------------------------------------------------------------------

def create_engagement(programme: Programme, *, actor: User, stakeholders: Sequence[Stakeholder],
                      **values) -> Engagement:
    engagement = Engagement(programme_id=programme.id, stakeholders=list(stakeholders), **values)
    audit.created(engagement, actor,
                 summary=f"Planned: {engagement.title} ({engagement.repeat_label.lower()}, "
                         f"from {clock.format_date(engagement.planned_date)})")
    return engagement


def update_engagement(engagement: Engagement, *, seen_version: int | None, actor: User,
                      **values) -> bool:
    """False when nothing changed; StaleEdit when someone else saved it since `seen_version`."""
    if "stakeholders" in values:
        values["stakeholders"] = list(values["stakeholders"])
    return audit.updated(engagement, values, seen_version, actor, fields=ENGAGEMENT_FIELDS,
                         touch=True)


def _occurrence_text(occurrence: EngagementOccurrence | None) -> str:
    if occurrence is None:
        return "Not recorded"
    if occurrence.outcome == OccurrenceOutcome.DONE:
        return f"Done on {clock.format_date(occurrence.done_on)}"
    return "Did not happen"


def record_occurrence(engagement: Engagement, *, due_on: date, outcome: OccurrenceOutcome,
                      done_on: date | None, notes: str, actor: User) -> EngagementOccurrence:
    """Record that the engagement's `due_on` occurrence happened (or did not). Recording the
    same date again corrects it rather than adding another."""
    occurrence = next((o for o in engagement.occurrences if o.due_on == due_on), None)
    before = _occurrence_text(occurrence)
    before_notes = occurrence.notes if occurrence else ""
    if occurrence is None:
        occurrence = EngagementOccurrence(engagement=engagement, due_on=due_on)
        db.session.add(occurrence)
    occurrence.outcome = outcome
    occurrence.done_on = done_on if outcome == OccurrenceOutcome.DONE else None
    occurrence.notes = notes
    occurrence.recorded_by = actor
    occurrence.recorded_at = clock.now()
    db.session.flush()
    changes = {f"{engagement.title}, {clock.format_date(due_on)}": [before,
                                                                      _occurrence_text(occurrence)]}
    if notes != before_notes:
        changes["Notes"] = [before_notes, notes]
    audit.record(OCCURRENCE, occurrence.id, "updated" if before != "Not recorded" else "created",
                 programme_id=engagement.programme_id, actor=actor, changes=changes)
    return occurrence


def engagement_history(engagement: Engagement) -> list:
    """Changes to the engagement and the recording of its occurrences, newest first."""
    events = audit.history(ENGAGEMENT, engagement.id)
    ids = [o.id for o in engagement.occurrences]
    if ids:
        events += audit.history(OCCURRENCE, ids)
    return sorted(events, key=lambda e: (e.at, e.id), reverse=True)


# -- feedback ----------------------------------------------------------------------------------

def _feedback_options():
    return (joinedload(Feedback.engagement), joinedload(Feedback.stakeholder),
            joinedload(Feedback.recorded_by), selectinload(Feedback.actions))


def feedback_list(programme: Programme, *, engagement_id: int | None = None,
                  stakeholder_id: int | None = None) -> list[Feedback]:
    """Feedback newest first with what it is about and the actions it raised: two queries."""
    query = (select(Feedback).options(*_feedback_options())
             .where(Feedback.programme_id == programme.id))
    if engagement_id is not None:
        query = query.where(Feedback.engagement_id == engagement_id)
    if stakeholder_id is not None:
        query = query.where(Feedback.stakeholder_id == stakeholder_id)
    return list(db.session.execute(
        query.order_by(Feedback.received_on.desc(), Feedback.id.desc())).scalars())


def feedback_page_options() -> tuple:
    """Everything a piece of feedback's page shows."""
    return _feedback_options()


def feedback_about(feedback: Feedback) -> str:
    parts = []
    if feedback.engagement is not None:
        parts.append(feedback.engagement.title)
    if feedback.stakeholder is not None:
        parts.append(feedback.stakeholder.name)
    return ", ".join(parts)


def create_feedback(programme: Programme, *, received_on: date, source: FeedbackSource,
                    text: str, actor: User, engagement: Engagement | None = None,
                    occurrence: EngagementOccurrence | None = None,
                    stakeholder: Stakeholder | None = None) -> Feedback:
    if engagement is None and stakeholder is None:
        raise ValueError("Feedback is about an engagement or a stakeholder")
    feedback = Feedback(programme_id=programme.id, received_on=received_on, source=source,
                        text=text, engagement=engagement, occurrence=occurrence,
                        stakeholder=stakeholder, recorded_by=actor)
    audit.created(feedback, actor,
                 summary=f"Feedback from {source.label.lower()} about {feedback_about(feedback)}")
    return feedback


def raise_action(programme: Programme, feedback: Feedback, *, title: str, owner: User | None,
                 due_date: date | None, actor: User) -> Action:
    """A real action in the action log, its source this feedback."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in feedback.text.splitlines())
    details = (f"Raised from feedback from {feedback.source.label.lower()}, received "
               f"{clock.format_date(feedback.received_on)}, about {feedback_about(feedback)}:"
               f"\n\n{quoted}")
    action = create_action(programme, title=title, actor=actor, owner=owner, due_date=due_date,
                           details=details, feedback_id=feedback.id)
    audit.record(FEEDBACK, feedback.id, "updated", programme_id=programme.id, actor=actor,
                 summary=f"Raised an action: {title}")
    return action


# -- the plan ----------------------------------------------------------------------------------

@dataclass
class PlanRow:
    schedule: Schedule
    stakeholders: list[Stakeholder]  # those of the engagement's stakeholders in this group


@dataclass
class PlanSection:
    group: StakeholderGroup
    stakeholders: list[Stakeholder]
    rows: list[PlanRow]


@dataclass
class Plan:
    sections: list[PlanSection]
    coming_up: list[tuple[date, Schedule]]
    cancelled: list[Engagement]
    today: date


def plan(programme: Programme, today: date | None = None) -> Plan:
    """The engagement plan as a communications lead would present it: for each stakeholder
    group, who is in it and what will reach them, how, from whom and when. Four queries."""
    today = today or clock.today()
    stakeholders = register(programme)
    everything = schedules(engagements(programme), today)
    live = [s for s in everything if s.engagement.status == EngagementStatus.PLANNED]
    sections = []
    for group in StakeholderGroup:
        in_group = [s for s in stakeholders if s.group == group]
        rows = [PlanRow(s, [k for k in s.engagement.stakeholders if k.group == group])
                for s in live]
        rows = [r for r in rows if r.stakeholders]
        if in_group or rows:
            sections.append(PlanSection(group, in_group, rows))
    coming_up = sorted(
        ((day, s) for s in live for day in s.coming_within(COMING_UP_DAYS)),
        key=lambda pair: (pair[0], pair[1].engagement.title.lower()),
    )
    cancelled = [s.engagement for s in everything
                 if s.engagement.status == EngagementStatus.CANCELLED]
    return Plan(sections, coming_up, cancelled, today)


CSV_COLUMNS = ["id", "engagement", "stakeholder_groups", "stakeholders", "method", "message",
               "owner", "owner_email", "planned_date", "repeats", "repeat_until", "next_date",
               "coming_dates", "status", "rag", "last_done_on", "notes"]


def export_csv(rows: Iterable[Schedule]) -> str:
    """One row per engagement. UTF-8 with a byte-order mark so Excel reads it as UTF-8; ISO
    dates; dates in one cell separated by semicolons."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = imports.csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in rows:
        e = s.engagement
        groups = [g for g in StakeholderGroup if any(k.group == g for k in e.stakeholders)]
        last = s.last_done
        writer.writerow([
            e.id, e.title, "; ".join(g.label for g in groups),
            "; ".join(k.name for k in e.stakeholders), e.method.label, e.message,
            e.owner.name if e.owner else "", e.owner.email if e.owner else "",
            e.planned_date.isoformat(),
            f"every {e.repeat_every} {e.repeat_unit.value}" if e.repeats else "",
            e.repeat_until.isoformat() if e.repeats and e.repeat_until else "",
            s.first_open.isoformat() if s.first_open else "",
            "; ".join(d.isoformat() for d in s.coming[:COMING]),
            s.status_key, s.rag.colour.value if s.rag else "",
            last.done_on.isoformat() if last and last.done_on else "", e.notes,
        ])
    return out.getvalue()


# -- the calendar feed -------------------------------------------------------------------------

def calendar_engagements(user: User, programmes: dict) -> Iterable[calendar.FeedEvent]:
    """Every planned engagement date of the person's authorities, like milestones, from two
    months back to a year ahead. A one-off keeps one UID when its date moves; each date of a
    repeating engagement has its own."""
    if not programmes:
        return
    today = clock.today()
    first, last = today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_AHEAD_DAYS)
    rows = db.session.execute(
        select(Engagement).options(*_engagement_options())
        .where(Engagement.programme_id.in_(programmes),
               Engagement.status == EngagementStatus.PLANNED, Engagement.planned_date <= last)
    ).scalars()
    for e in rows:
        authority = programmes[e.programme_id]
        link = Link.to("stakeholders.engagement", authority_slug=authority.slug,
                       engagement_id=e.id)
        done = {o.due_on: o for o in e.occurrences}
        who = ", ".join(k.name for k in e.stakeholders)
        owner = e.owner.name if e.owner else "no owner yet"
        for day in occurrence_dates(e):
            if day > last:
                break
            if day < first:
                continue
            uid = f"engagement-{e.id}-{day:%Y%m%d}" if e.repeats else f"engagement-{e.id}"
            state = f" {_occurrence_text(done[day])}." if day in done else ""
            yield calendar.FeedEvent(
                f"{uid}@{calendar.UID_DOMAIN}", day, f"{e.method.label}: {e.title}",
                f"{authority.name} engagement plan. For {who}. Owner: {owner}.{state}", link)


def digest_engagements(programme_ids, authorities, today):
    """Engagements due within a week or overdue and not recorded, for the weekly digest."""
    due: dict[int, list] = defaultdict(list)
    rows = db.session.execute(
        select(Engagement)
        .options(joinedload(Engagement.owner), selectinload(Engagement.occurrences))
        .where(Engagement.programme_id.in_(programme_ids),
               Engagement.status == EngagementStatus.PLANNED,
               Engagement.planned_date <= today + timedelta(days=AMBER_WITHIN_DAYS))
    ).scalars()
    for engagement in rows:
        slug = authorities[engagement.programme_id].slug
        for slot in schedule(engagement, today).due:
            due[engagement.programme_id].append((
                f"{engagement.title} ({clock.format_date(slot.due_on)}"
                f"{', ' + slot.rag.reason if slot.rag else ''})",
                Link.to("stakeholders.engagement", authority_slug=slug,
                                    engagement_id=engagement.id)))
    return {pid: [DigestSection("Engagements due", sorted(due[pid]))] for pid in programme_ids}
