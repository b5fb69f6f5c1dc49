"""The consultant's portfolio: every authority they support, side by side.

Every figure is gathered for all the consultant's programmes at once (grouped queries), so
the page runs the same number of queries for 2 authorities or 150.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from tracker import clock
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Authority,
    ChecklistTask,
    Membership,
    Programme,
    ProgrammePhase,
    Role,
    TaskStatus,
    User,
)
from tracker.registry import Registry


@dataclass
class PhaseFigures:
    number: int
    title: str
    started_on: date | None
    ended_on: date | None
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def applicable(self) -> int:
        return sum(self.counts.values()) - self.counts[TaskStatus.NOT_APPLICABLE.value]

    @property
    def done_percent(self) -> int:
        done = self.counts[TaskStatus.DONE.value]
        return round(100 * done / self.applicable) if self.applicable else 0

    def days(self, today: date) -> int | None:
        if self.started_on is None:
            return None
        return ((self.ended_on or today) - self.started_on).days


@dataclass
class PortfolioRow:
    authority: Authority
    programme: Programme
    phases: list[PhaseFigures]
    overdue_actions: int = 0
    last_activity: object | None = None
    # Filled by other areas through COLUMNS: e.g. learning sets and postcards.
    extra: dict[str, Cell] = field(default_factory=dict)
    # Programme health (tracker/health): status, reasons, and pace against the median of the
    # consultant's authorities (points; None before the phase's pace can be told).
    health: object | None = None
    pace_vs_median: int | None = None

    @property
    def current(self) -> PhaseFigures:
        return next(p for p in self.phases if p.number == self.programme.current_phase)


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None  # an endpoint under the authority, e.g. "meetings.index"


# Other areas add columns: fn(programme_ids, today) -> {programme_id: Cell}, registered with
# the column's heading. Each runs a fixed number of queries for all the programmes at once.
ColumnSource = Callable[[list[int], date], dict[int, Cell]]
@dataclass(frozen=True)
class Column:
    heading: str
    source: ColumnSource


COLUMNS: Registry[Column] = Registry("portfolio columns")


def column_headings() -> list[str]:
    return [column.heading for column in COLUMNS]


def supported_programmes(user: User) -> list[tuple[Authority, Programme]]:
    return list(db.session.execute(
        select(Authority, Programme)
        .join(Membership, Membership.authority_id == Authority.id)
        .join(Programme, Programme.authority_id == Authority.id)
        .where(Membership.user_id == user.id, Membership.role == Role.CONSULTANT)
        .order_by(Authority.name)
    ).all())


def rows(user: User, today: date | None = None) -> list[PortfolioRow]:
    today = today or clock.today()
    pairs = supported_programmes(user)
    if not pairs:
        return []
    ids = [p.id for _, p in pairs]
    phases: dict[int, list[PhaseFigures]] = defaultdict(list)
    for phase in db.session.execute(
        select(ProgrammePhase).where(ProgrammePhase.programme_id.in_(ids))
        .order_by(ProgrammePhase.programme_id, ProgrammePhase.number)
    ).scalars():
        figures = phases[phase.programme_id]
        if figures and phase.started_on:
            figures[-1].ended_on = phase.started_on
        figures.append(PhaseFigures(phase.number, phase.title, phase.started_on, None))
    for pid, phase, status, count in db.session.execute(
        select(ChecklistTask.programme_id, ChecklistTask.phase, ChecklistTask.status, func.count())
        .where(ChecklistTask.programme_id.in_(ids))
        .group_by(ChecklistTask.programme_id, ChecklistTask.phase, ChecklistTask.status)
    ).all():
        for figures in phases[pid]:
            if figures.number == phase:
                figures.counts[status.value] += count
    # The latest change of each programme: one lookup each down the (programme, at) index,
    # rather than grouping every audit row.
    latest = (select(func.max(AuditEvent.at)).where(AuditEvent.programme_id == Programme.id)
              .correlate(Programme).scalar_subquery())
    last = dict(db.session.execute(
        select(Programme.id, latest).where(Programme.id.in_(ids))).all())
    extra: dict[int, dict[str, Cell]] = defaultdict(dict)
    for heading, source in ((c.heading, c.source) for c in COLUMNS):
        for pid, cell in source(ids, today).items():
            extra[pid][heading] = cell
    from tracker.health import services as health

    assessments = health.assess_all([(a.slug, p) for a, p in pairs], today)
    paces = health.pace_against_median(assessments)
    # Overdue actions are among the health figures already (open and past their due date).
    overdue = {pid: a.figures.overdue_actions for pid, a in assessments.items()}
    # A phase that started is over when the programme has moved beyond it.
    out = []
    for authority, programme in pairs:
        figures = phases[programme.id]
        for f in figures:
            if f.number >= programme.current_phase:
                f.ended_on = None
        out.append(PortfolioRow(authority, programme, figures, overdue.get(programme.id, 0),
                                last.get(programme.id), extra[programme.id],
                                assessments[programme.id], paces.get(programme.id)))
    return out


SORTS = {
    # Worst first: status, then the most serious signals, then the most signals.
    "status": lambda r: (-r.health.status.rank,
                         -sum(1 for s in r.health.judgement.signals if s.serious),
                         -len(r.health.judgement.signals), r.authority.name.lower()),
    "name": lambda r: r.authority.name.lower(),
    "phase": lambda r: (r.programme.current_phase, r.current.done_percent),
    "overdue": lambda r: -r.overdue_actions,
    "activity": lambda r: r.last_activity or clock.now().replace(year=1970),
}


def is_skipped(status: TaskStatus, task_phase: int, current_phase: int) -> bool:
    """A task is skipped when the authority set it aside, or left its phase without starting
    it. A task in the current or a later phase that is not started yet is not reached yet."""
    if status == TaskStatus.NOT_APPLICABLE:
        return True
    return status == TaskStatus.NOT_STARTED and task_phase < current_phase


MATRIX_SORTS = ("task", "skipped")


@dataclass
class Matrix:
    authorities: list[Authority]
    tasks: list[tuple[int, int, str]]  # (phase, number, title)
    cells: dict[tuple[int, int, int], TaskStatus]  # (programme id, phase, number) -> status
    programmes: list[Programme]
    # (phase, number) of the tasks Homeward added, which the page marks as such.
    homeward: set[tuple[int, int]] = field(default_factory=set)
    # (programme id, phase, number) -> the authority's own task, for each cell's link
    task_ids: dict[tuple[int, int, int], int] = field(default_factory=dict)

    def is_skipped(self, programme: Programme, phase: int, number: int) -> bool:
        status = self.cells.get((programme.id, phase, number))
        return status is not None and is_skipped(status, phase, programme.current_phase)

    def skipped(self, phase: int, number: int) -> int:
        """How many authorities skipped this task (see is_skipped)."""
        return sum(1 for p in self.programmes if self.is_skipped(p, phase, number))

    def rows(self, sort: str = "task", skipped_only: bool = False) -> list[tuple[int, int, str]]:
        """The tasks to show: in Checklist order or most skipped first, all or only skipped."""
        rows = [t for t in self.tasks if not skipped_only or self.skipped(t[0], t[1])]
        if sort == "skipped":
            rows.sort(key=lambda t: -self.skipped(t[0], t[1]))  # stable: Checklist order within
        return rows


def matrix(user: User) -> Matrix:
    """The Checklist's own tasks down the side, the consultant's authorities across."""
    pairs = supported_programmes(user)
    ids = [p.id for _, p in pairs]
    cells: dict[tuple[int, int, int], TaskStatus] = {}
    task_ids: dict[tuple[int, int, int], int] = {}
    titles: dict[tuple[int, int], str] = {}
    homeward: set[tuple[int, int]] = set()
    if ids:
        for task_id, pid, phase, number, title, status, added in db.session.execute(
            select(ChecklistTask.id, ChecklistTask.programme_id, ChecklistTask.phase,
                   ChecklistTask.number, ChecklistTask.title, ChecklistTask.status,
                   ChecklistTask.reconstructed)
            .where(ChecklistTask.programme_id.in_(ids), ChecklistTask.is_local.is_(False))
        ).all():
            cells[(pid, phase, number)] = status
            task_ids[(pid, phase, number)] = task_id
            titles.setdefault((phase, number), title)
            if added:
                homeward.add((phase, number))
    tasks = [(phase, number, titles[(phase, number)]) for phase, number in sorted(titles)]
    return Matrix([a for a, _ in pairs], tasks, cells, [p for _, p in pairs], homeward, task_ids)
