"""The Checklist's rules: making a programme from a template, progress per phase,
updating tasks (attributed, audited and refused when stale), outcomes and phases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker import audit, clock
from tracker.actions.services import action_rag, actions_for_tasks
from tracker.checklist import data
from tracker.extensions import db
from tracker.models import (
    Action,
    Authority,
    ChecklistTask,
    PhaseOutcome,
    Programme,
    ProgrammePhase,
    TaskStatus,
    User,
)
from tracker.rag import RagStatus, combine, rag

TASK = "checklist_task"
FINISHED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
OUTCOME = "phase_outcome"
OUTCOME_FIELDS = {"achieved_on": ("Achieved", lambda d: clock.format_date(d) or "Not achieved")}
PROGRAMME = "programme"


def _user_name(user: User | None) -> str:
    return user.name if user else ""


TASK_FIELDS = {
    "status": ("Status", None),
    "not_applicable_reason": ("Reason not applicable", None),
    "owner": ("Owner", _user_name),
    "due_date": ("Due date", clock.format_date),
    "notes": ("Notes", None),
    "evidence": ("Evidence", None),
}


def create_programme(
    authority: Authority,
    *,
    start_date: date,
    name: str | None = None,
    template: data.ChecklistTemplate | None = None,
    actor: User | None = None,
) -> Programme:
    """Copy the Checklist template into a new programme, recording the template's version.

    Later changes to the template never reach this programme: its tasks are its own.
    """
    template = template or data.load()
    programme = Programme(
        authority=authority,
        name=name or f"{authority.name}: Reunification Practice Framework",
        start_date=start_date,
        template_key=template.key,
        template_version=template.version,
        current_phase=1,
    )
    db.session.add(programme)
    for phase in template.phases:
        db.session.add(
            ProgrammePhase(
                programme=programme,
                number=phase.number,
                key=phase.key,
                title=phase.title,
                summary=phase.summary,
                started_on=start_date if phase.number == 1 else None,
            )
        )
        for task in phase.tasks:
            db.session.add(
                ChecklistTask(
                    programme=programme,
                    phase=phase.number,
                    number=task.number,
                    is_local=False,
                    title=task.title,
                    guidance=task.guidance,
                    responsible=task.responsible,
                    responsible_suggested=task.responsible_suggested,
                    annexes=[
                        {"number": n, "title": template.annexes[n].title,
                         "reconstructed": template.annexes[n].reconstructed}
                        for n in task.annexes
                    ],
                    subpoints=[{"letter": s.letter, "text": s.text} for s in task.subpoints],
                    source=task.source,
                    reconstructed=task.reconstructed,
                    basis=task.basis,
                )
            )
        for position, outcome in enumerate(phase.outcomes, start=1):
            db.session.add(
                PhaseOutcome(
                    programme=programme,
                    phase=phase.number,
                    position=position,
                    text=outcome.text,
                    reconstructed=outcome.reconstructed,
                    basis=outcome.basis,
                )
            )
    db.session.flush()
    audit.record(
        PROGRAMME, programme.id, "created", programme_id=programme.id, actor=actor,
        summary=f"Programme created from {template.title} version {template.version}",
    )
    return programme


@dataclass(frozen=True)
class PhaseProgress:
    number: int
    title: str
    summary: str
    started_on: date | None
    counts: dict[TaskStatus, int]
    outcomes_total: int
    outcomes_achieved: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, status: TaskStatus) -> int:
        return round(100 * self.counts[status] / self.total) if self.total else 0

    @property
    def applicable(self) -> int:
        return self.total - self.counts[TaskStatus.NOT_APPLICABLE]

    @property
    def done_percent(self) -> int:
        """Done as a share of the tasks that apply: not-applicable tasks are not owed."""
        return round(100 * self.counts[TaskStatus.DONE] / self.applicable) if self.applicable else 0


def phase_provenance() -> dict[int, str]:
    """Why each phase's name (and for Phase 3 the phase itself) is Homeward's, by number. The
    programme keeps its copy of the names; the marks come from the shipped Checklist."""
    return {p.number: p.basis for p in data.current().phases if p.reconstructed}


def phase_progress(programme: Programme) -> list[PhaseProgress]:
    """Task counts by status and outcomes achieved, for every phase, in three queries."""
    phases = db.session.execute(
        select(ProgrammePhase)
        .where(ProgrammePhase.programme_id == programme.id)
        .order_by(ProgrammePhase.number)
    ).scalars()
    task_counts = db.session.execute(
        select(ChecklistTask.phase, ChecklistTask.status, func.count())
        .where(ChecklistTask.programme_id == programme.id)
        .group_by(ChecklistTask.phase, ChecklistTask.status)
    ).all()
    outcome_counts = db.session.execute(
        select(PhaseOutcome.phase, func.count(), func.count(PhaseOutcome.achieved_on))
        .where(PhaseOutcome.programme_id == programme.id)
        .group_by(PhaseOutcome.phase)
    ).all()
    outcomes = {phase: (total, achieved) for phase, total, achieved in outcome_counts}
    result = []
    for phase in phases:
        counts = {status: 0 for status in TaskStatus}
        for number, status, count in task_counts:
            if number == phase.number:
                counts[status] = count
        total, achieved = outcomes.get(phase.number, (0, 0))
        result.append(
            PhaseProgress(phase.number, phase.title, phase.summary, phase.started_on, counts,
                          total, achieved)
        )
    return result


def phase_or_none(programme: Programme, number: int) -> ProgrammePhase | None:
    return db.session.execute(
        select(ProgrammePhase).where(
            ProgrammePhase.programme_id == programme.id, ProgrammePhase.number == number
        )
    ).scalar_one_or_none()


def phase_tasks(programme: Programme, phase: int) -> list[ChecklistTask]:
    """The phase's tasks, the Checklist's own in its order and then local ones, with owners."""
    return list(
        db.session.execute(
            select(ChecklistTask)
            .options(joinedload(ChecklistTask.owner))
            .where(ChecklistTask.programme_id == programme.id, ChecklistTask.phase == phase)
            .order_by(ChecklistTask.is_local, ChecklistTask.number)
        ).scalars()
    )


def task_rag(task: ChecklistTask, actions: list[Action], today: date | None = None) -> RagStatus | None:
    """A task's RAG: its own due date and owner, and the actions beneath it, by the action rule."""
    own = rag(task.due_date, has_owner=task.owner_id is not None,
              finished=task.status in FINISHED_TASK_STATUSES, today=today)
    return combine(own, [action_rag(a, today) for a in actions], "action")


def task_rags(tasks: list[ChecklistTask], today: date | None = None) -> dict[int, RagStatus | None]:
    """RAG for many tasks with one query for all their actions."""
    beneath = actions_for_tasks([t.id for t in tasks])
    return {t.id: task_rag(t, beneath[t.id], today) for t in tasks}


def late_tasks(programme: Programme, today: date | None = None) -> list[ChecklistTask]:
    """Tasks past their due date and not finished, oldest first."""
    today = today or clock.today()
    return list(db.session.execute(
        select(ChecklistTask).options(joinedload(ChecklistTask.owner))
        .where(ChecklistTask.programme_id == programme.id, ChecklistTask.due_date < today,
               ChecklistTask.status.not_in(FINISHED_TASK_STATUSES))
        .order_by(ChecklistTask.due_date)
    ).scalars())


def phase_outcomes(programme: Programme, phase: int) -> list[PhaseOutcome]:
    return list(
        db.session.execute(
            select(PhaseOutcome)
            .options(joinedload(PhaseOutcome.achieved_by))
            .where(PhaseOutcome.programme_id == programme.id, PhaseOutcome.phase == phase)
            .order_by(PhaseOutcome.position)
        ).scalars()
    )


def update_task(
    task: ChecklistTask,
    *,
    seen_version: int | None,
    status: TaskStatus,
    not_applicable_reason: str,
    owner: User | None,
    due_date: date | None,
    notes: str,
    evidence: str,
    actor: User,
) -> bool:
    """Apply an edit to a task. Returns False when nothing changed.

    Raises StaleEdit when someone else saved the task after `seen_version` was read.
    """
    was_done = task.status == TaskStatus.DONE

    def completion() -> None:
        if status == TaskStatus.DONE and not was_done:
            task.completed_at = clock.now()
            task.completed_by = actor
        elif status != TaskStatus.DONE:
            task.completed_at = None
            task.completed_by = None

    values = {
        "status": status,
        "not_applicable_reason": not_applicable_reason if status == TaskStatus.NOT_APPLICABLE else "",
        "owner": owner, "due_date": due_date, "notes": notes, "evidence": evidence,
    }
    return audit.updated(task, values, seen_version, actor, fields=TASK_FIELDS, then=completion)


def add_local_task(
    programme: Programme, phase: int, *, title: str, guidance: str, owner: User | None,
    due_date: date | None, actor: User,
) -> ChecklistTask:
    """A task the authority adds to a phase; numbered after its other local tasks."""
    last = db.session.execute(
        select(func.max(ChecklistTask.number)).where(
            ChecklistTask.programme_id == programme.id,
            ChecklistTask.phase == phase,
            ChecklistTask.is_local.is_(True),
        )
    ).scalar()
    task = ChecklistTask(
        programme_id=programme.id,
        phase=phase,
        number=(last or 0) + 1,
        is_local=True,
        title=title,
        guidance=guidance,
        responsible=owner.name if owner else "",
        annexes=[],
        subpoints=[],
        source="Added by the authority",
        owner=owner,
        due_date=due_date,
    )
    audit.created(task, actor,
                 summary=f"Added {task.label} to Phase {phase}: {title}")
    return task


def set_outcome(
    outcome: PhaseOutcome, *, achieved_on: date | None, seen_version: int | None, actor: User
) -> bool:
    def achiever() -> None:
        outcome.achieved_by = actor if achieved_on else None

    return audit.updated(outcome, {"achieved_on": achieved_on}, seen_version, actor,
                         fields=OUTCOME_FIELDS, then=achiever,
                         summary=f"Phase {outcome.phase} outcome: {outcome.text}")


def set_current_phase(programme: Programme, number: int, actor: User) -> None:
    """Move the programme to a phase, recording the date it started (the first time)."""
    if number == programme.current_phase:
        return
    phase = phase_or_none(programme, number)
    if phase is None:
        raise ValueError(f"There is no phase {number}")
    before = programme.current_phase
    programme.current_phase = number
    if phase.started_on is None:
        phase.started_on = clock.today()
    db.session.flush()
    audit.record(PROGRAMME, programme.id, "updated", programme_id=programme.id, actor=actor,
                 changes={"Current phase": [f"Phase {before}", f"Phase {number}"]})
