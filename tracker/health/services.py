"""Programme health for the pages: the judgement with its reasons, what changed since the last
steering group meeting, decisions needed, the trend, and the getting-started task list.

Every function here runs a fixed number of queries for any number of programmes."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker import audit, clock
from tracker.extensions import db
from tracker.health import thresholds as threshold_data
from tracker.health.signals import (
    SIGNALS,
    Context,
    Figures,
    Signal,
    snapshots_on_or_before,
)
from tracker.health.status import Judgement, Status, judge
from tracker.health.thresholds import Thresholds
from tracker.links import Link
from tracker.models import (
    LEARNING_SET_KINDS,
    ChecklistTask,
    GroupKind,
    GroupMember,
    HealthSettings,
    HealthSnapshot,
    Meeting,
    OutcomeQuarter,
    Programme,
    Stakeholder,
    TaskStatus,
)

DECISIONS_SHOWN = 3
TREND_DAYS = 182


@dataclass
class Assessment:
    programme: Programme
    judgement: Judgement
    figures: Figures
    thresholds: Thresholds
    steering_day: date | None = None
    steering_snapshot: HealthSnapshot | None = None

    @property
    def status(self) -> Status:
        return self.judgement.status

    @property
    def decisions(self) -> list[Signal]:
        """What needs deciding, each once: two signals can ask for the same decision (an
        element rated dropped by a team and shortened by an adaptation)."""
        seen: dict[str, Signal] = {}
        for s in self.judgement.signals:
            if s.decision:
                seen.setdefault(s.decision, s)
        return list(seen.values())[:DECISIONS_SHOWN]


def assess_all(pairs: list[tuple[str, Programme]], today: date | None = None
               ) -> dict[int, Assessment]:
    """(authority slug, programme) pairs → each programme's assessment."""
    today = today or clock.today()
    programmes = [p for _, p in pairs]
    ids = [p.id for p in programmes]
    ctx = Context(programmes, {p.id: slug for slug, p in pairs},
                  threshold_data.for_programmes(ids), today)
    found: dict[int, list[Signal]] = {pid: [] for pid in ids}
    for source in SIGNALS:
        for pid, signals in source(ctx).items():
            found[pid].extend(signals)
    steering = ctx.steering
    return {p.id: Assessment(p, judge(found[p.id], ctx.thresholds[p.id]), ctx.figures[p.id],
                             ctx.thresholds[p.id], steering.days.get(p.id),
                             steering.snapshots.get(p.id)) for p in programmes}


def assess(programme: Programme, slug: str, today: date | None = None) -> Assessment:
    return assess_all([(slug, programme)], today)[programme.id]


def pace_against_median(assessments: dict[int, Assessment]) -> dict[int, int]:
    """Each programme's pace (points ahead of or behind its expected share done) less the
    median pace of the programmes given: a consultant's authorities."""
    paces = {pid: a.figures.pace for pid, a in assessments.items()
             if a.figures.days_in_phase is not None}
    if not paces:
        return {}
    median = statistics.median(paces.values())
    return {pid: round(pace - median) for pid, pace in paces.items()}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class SinceMeeting:
    meeting_day: date | None
    snapshot_day: date | None
    changes: list[Change]


def _changes(before: HealthSnapshot, now: Assessment) -> list[Change]:
    old, f = before.figures, now.figures
    phase_label = (f"Phase {f.phase}" if old.get("phase") == f.phase
                   else f"Phase {old.get('phase')} → Phase {f.phase}")
    return [
        Change("Status", Status(before.status).label, now.status.label),
        Change("Overdue actions", str(old.get("overdue_actions", 0)), str(f.overdue_actions)),
        Change(f"{phase_label} done", f"{old.get('done_percent', 0)}%", f"{f.done_percent}%"),
        Change("Red milestones", str(old.get("milestones_red", 0)), str(f.milestones_red)),
    ]


def since_last_steering(assessment: Assessment, today: date | None = None) -> SinceMeeting:
    """What changed since the last steering group meeting, from the snapshot taken that day
    (or the latest in the week before it); the signals looked both up already."""
    day = assessment.steering_day
    if day is None:
        return SinceMeeting(None, None, [])
    snap = assessment.steering_snapshot
    if snap is None:
        return SinceMeeting(day, None, [])
    return SinceMeeting(day, snap.day, _changes(snap, assessment))


def previous_statuses(programme_ids: list[int], day: date) -> dict[int, Status]:
    """Each programme's status on the latest snapshot on or before `day` (within a week)."""
    return {pid: Status(s.status) for pid, s in
            snapshots_on_or_before({pid: day for pid in programme_ids}, within=7).items()}


@dataclass(frozen=True)
class TrendPoint:
    day: date
    status: Status
    overdue: int
    done_percent: int
    phase: int


@dataclass(frozen=True)
class Trend:
    points: list[TrendPoint]
    width: int = 480
    height: int = 120
    pad: int = 24

    @property
    def most_overdue(self) -> int:
        return max([p.overdue for p in self.points] + [1])

    def x(self, i: int) -> float:
        span = max(len(self.points) - 1, 1)
        return self.pad + i * (self.width - 2 * self.pad) / span

    def y(self, value: float, top: float) -> float:
        return self.height - self.pad - value * (self.height - 2 * self.pad) / top

    def line(self, attr: str) -> str:
        top = 100 if attr == "done_percent" else self.most_overdue
        return " ".join(f"{self.x(i):.1f},{self.y(getattr(p, attr), top):.1f}"
                        for i, p in enumerate(self.points))

    @property
    def weekly(self) -> list[TrendPoint]:
        """One point a week (the last snapshot of each), for the table beside the chart."""
        by_week: dict[tuple[int, int], TrendPoint] = {}
        for p in self.points:
            by_week[p.day.isocalendar()[:2]] = p
        return list(by_week.values())


def trend(programme: Programme, today: date | None = None) -> Trend:
    """The last six months of snapshots, one query."""
    today = today or clock.today()
    rows = db.session.execute(
        select(HealthSnapshot.day, HealthSnapshot.status, HealthSnapshot.figures)
        .where(HealthSnapshot.programme_id == programme.id,
               HealthSnapshot.day >= today - timedelta(days=TREND_DAYS))
        .order_by(HealthSnapshot.day)).all()
    return Trend([TrendPoint(day, Status(status), figures.get("overdue_actions", 0),
                             figures.get("done_percent", 0), figures.get("phase", 0))
                  for day, status, figures in rows])


# -- getting started ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StartingTask:
    text: str
    done: bool
    link: Link
    hint: str = ""


def getting_started(programme: Programme) -> list[StartingTask]:
    """The first things an authority sets up, each done when its data is there. One query."""
    pid = programme.id

    def count(model, *where):
        return (select(func.count()).select_from(model)
                .where(model.programme_id == pid, *where).scalar_subquery())

    unplanned, strategic, practice, sets, stakeholders, figures = db.session.execute(select(
        count(ChecklistTask, ChecklistTask.phase == 1,
              ChecklistTask.status.not_in([TaskStatus.DONE, TaskStatus.NOT_APPLICABLE]),
              ChecklistTask.owner_id.is_(None) | ChecklistTask.due_date.is_(None)),
        count(GroupMember, GroupMember.group == GroupKind.STRATEGIC,
              GroupMember.left_on.is_(None)),
        count(GroupMember, GroupMember.group == GroupKind.PRACTICE,
              GroupMember.left_on.is_(None)),
        count(Meeting, Meeting.kind.in_(LEARNING_SET_KINDS)),
        count(Stakeholder),
        count(OutcomeQuarter),
    )).one()
    groups = {g for g, n in ((GroupKind.STRATEGIC, strategic), (GroupKind.PRACTICE, practice))
              if n}
    missing = [g.label.lower() for g in GroupKind if g not in groups]
    return [
        StartingTask("Give the Phase 1 tasks owners and dates", not unplanned,
                     Link.to("checklist.phase", number=1),
                     f"{unplanned} task{'s' if unplanned != 1 else ''} without an owner or date"
                     if unplanned else ""),
        StartingTask("Set up the strategic and practice groups", not missing,
                     Link.to("meetings.groups"),
                     f"No members in the {' or '.join(missing)} yet" if missing else ""),
        StartingTask("Plan the learning-set series", bool(sets), Link.to("meetings.plan")),
        StartingTask("Add the stakeholders", bool(stakeholders), Link.to("stakeholders.register")),
        StartingTask("Enter baseline outcome figures", bool(figures), Link.to("outcomes.index")),
    ]


# -- the lead's own thresholds -----------------------------------------------------------------

def settings_for(programme: Programme) -> HealthSettings | None:
    """The authority's own thresholds, or None while it uses the defaults (a form opened
    then stands at version 0: see forms.edit_versioned)."""
    return db.session.execute(select(HealthSettings).where(
        HealthSettings.programme_id == programme.id)).scalar_one_or_none()


class _SettingsView:
    """Each threshold as an attribute, for the audit trail's from → to."""

    def __init__(self, row: HealthSettings):
        self.values = threshold_data.merge(row.thresholds).values

    def __getattr__(self, key: str) -> int:
        return self.__dict__["values"][key]


def update_thresholds(programme: Programme, values: dict[str, int], *,
                      seen_version: int | None, actor) -> bool:
    """Keep only the values that differ from the defaults, so a later change of a default
    reaches every authority that did not choose its own. The authority's row is made by its
    first save, not by opening the form."""
    known = threshold_data.defaults()
    local = {k: v for k, v in values.items() if k in known and v != known[k].default}
    row = settings_for(programme)
    if row is None:
        if not local:
            return False
        row = HealthSettings(programme_id=programme.id, thresholds=local, updated_by_id=actor.id)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError as exc:  # two first saves at once: the other one won
            raise audit.StaleEdit(row, []) from exc
        audit.created(row, actor, summary="Health thresholds changed")
        return True
    fields = {k: (t.label, None) for k, t in known.items()}
    return audit.updated(row, {"thresholds": local, "updated_by_id": actor.id}, seen_version,
                         actor, fields=fields, view=_SettingsView,
                         summary="Health thresholds changed")
