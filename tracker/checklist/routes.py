"""Checklist pages: overview, one page per phase, the task page and its edit form."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker import audit
from tracker.actions.services import action_rag, actions_for_tasks
from tracker.checklist import services
from tracker.checklist.forms import CurrentPhaseForm, LocalTaskForm, OutcomeForm, TaskForm
from tracker.extensions import db
from tracker.forms import NONE, choices, edit_versioned, owner_choices
from tracker.models import ChecklistTask, PhaseOutcome, TaskStatus
from tracker.permissions import Permission, requires
from tracker.tenancy import authority_blueprint, get_in_programme_or_404, programme_members

bp = authority_blueprint("checklist", __name__, "/checklist")


def _phase_or_404(number: int):
    phase = services.phase_or_none(g.programme, number)
    if phase is None:
        abort(404)
    return phase


def _chosen_owner(form, members):
    if form.owner.data == NONE:
        return None
    return next(m.user for m in members if str(m.user.id) == form.owner.data)


@bp.get("")
def overview():
    form = CurrentPhaseForm(phase=g.programme.current_phase)
    progress = services.phase_progress(g.programme)
    form.phase.choices = choices((p.number, f"Phase {p.number}: {p.title}") for p in progress)
    return render_template("checklist/overview.html", progress=progress, phase_form=form,
                           phase_notes=services.phase_provenance())


@bp.post("/current-phase")
@requires(Permission.SET_CURRENT_PHASE)
def set_current_phase():
    progress = services.phase_progress(g.programme)
    form = CurrentPhaseForm()
    form.phase.choices = choices((p.number, f"Phase {p.number}: {p.title}") for p in progress)
    if form.validate_on_submit():
        services.set_current_phase(g.programme, form.phase.data, current_user)
        db.session.commit()
        flash(f"The programme is now in Phase {form.phase.data}.", "success")
        return redirect(url_for(".overview"))
    return render_template("checklist/overview.html", progress=progress, phase_form=form,
                           phase_notes=services.phase_provenance()), 400


@bp.get("/phase/<int:number>")
def phase(number: int):
    phase = _phase_or_404(number)
    tasks = services.phase_tasks(g.programme, number)
    progress = next(p for p in services.phase_progress(g.programme) if p.number == number)
    return render_template(
        "checklist/phase.html",
        phase=phase,
        tasks=tasks,
        rags=services.task_rags(tasks),
        outcomes=services.phase_outcomes(g.programme, number),
        progress=progress,
        phase_note=services.phase_provenance().get(number),
    )


@bp.get("/tasks/<int:task_id>")
def task(task_id: int):
    task = get_in_programme_or_404(
        ChecklistTask, task_id, joinedload(ChecklistTask.owner), joinedload(ChecklistTask.completed_by)
    )
    beneath = actions_for_tasks([task.id])[task.id]
    return render_template(
        "checklist/task.html",
        task=task,
        actions=beneath,
        rag=services.task_rag(task, beneath),
        action_rag=action_rag,
        phase=_phase_or_404(task.phase),
        history=audit.history(services.TASK, task.id),
    )


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_CHECKLIST_TASK)
def edit_task(task_id: int):
    task = get_in_programme_or_404(ChecklistTask, task_id, joinedload(ChecklistTask.owner))
    members = programme_members()
    form = TaskForm(
        data={
            "status": task.status.value,
            "not_applicable_reason": task.not_applicable_reason,
            "owner": str(task.owner_id) if task.owner_id else NONE,
            "due_date": task.due_date,
            "notes": task.notes,
            "evidence": task.evidence,
        }
    )
    form.owner.choices = owner_choices(members)
    return edit_versioned(
        form, task,
        lambda: services.update_task(
            task,
            seen_version=form.version.data,
            status=TaskStatus(form.status.data),
            not_applicable_reason=form.not_applicable_reason.data,
            owner=_chosen_owner(form, members),
            due_date=form.due_date.data,
            notes=form.notes.data,
            evidence=form.evidence.data,
            actor=current_user,
        ),
        saved=f"{task.label} saved.", next_url=lambda: url_for(".task", task_id=task.id),
        template="checklist/edit_task.html", task=task, phase=_phase_or_404(task.phase))


@bp.route("/phase/<int:number>/tasks/new", methods=["GET", "POST"])
@requires(Permission.ADD_LOCAL_TASK)
def add_local_task(number: int):
    phase = _phase_or_404(number)
    members = programme_members()
    form = LocalTaskForm()
    form.owner.choices = owner_choices(members)
    if form.validate_on_submit():
        task = services.add_local_task(
            g.programme,
            number,
            title=form.title.data,
            guidance=form.guidance.data,
            owner=_chosen_owner(form, members),
            due_date=form.due_date.data,
            actor=current_user,
        )
        db.session.commit()
        flash(f"{task.label} added to Phase {number}.", "success")
        return redirect(url_for(".phase", number=number))
    return render_template(
        "checklist/add_task.html", phase=phase, form=form
    ), (400 if form.errors else 200)


@bp.route("/outcomes/<int:outcome_id>", methods=["GET", "POST"])
@requires(Permission.MARK_PHASE_OUTCOME)
def outcome(outcome_id: int):
    outcome = get_in_programme_or_404(PhaseOutcome, outcome_id)
    form = OutcomeForm(data={"achieved_on": outcome.achieved_on})
    return edit_versioned(
        form, outcome,
        lambda: services.set_outcome(outcome, achieved_on=form.achieved_on.data,
                                     seen_version=form.version.data, actor=current_user),
        saved="Outcome saved.", next_url=lambda: url_for(".phase", number=outcome.phase),
        template="checklist/outcome.html", outcome=outcome, phase=_phase_or_404(outcome.phase))
