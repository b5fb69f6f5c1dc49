"""Workstreams, milestones and the timeline."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from tracker import imports
from tracker.actions import services as actions
from tracker.audit import history
from tracker.extensions import db
from tracker.forms import ImportForm, choices, edit_versioned, member_choices, named_choices
from tracker.meetings import contributions as meeting_contributions
from tracker.models import Action, Milestone, MilestoneStatus, Workstream
from tracker.permissions import Permission, requires
from tracker.plan import services
from tracker.plan.forms import MilestoneForm, WorkstreamForm
from tracker.tenancy import authority_blueprint, get_in_programme_or_404, in_programme, programme_members

bp = authority_blueprint("plan", __name__)


# -- workstreams -----------------------------------------------------------------------------

@bp.get("/workstreams")
def workstreams():
    return render_template("plan/workstreams.html", rows=services.workstreams(g.programme.id))


def _workstream_form(members, workstream=None) -> WorkstreamForm:
    data = None
    if workstream is not None:
        data = {"name": workstream.name, "aims": workstream.aims,
                "lead": str(workstream.lead_id or ""),
                "members": [str(u.id) for u in workstream.members]}
    form = WorkstreamForm(data=data)
    form.lead.choices = member_choices(members, "No lead yet")
    form.members.choices = choices((m.user.id, m.user.name) for m in members)
    return form


def _workstream_values(form, members) -> dict:
    users = {str(m.user.id): m.user for m in members}
    return {"name": form.name.data, "aims": form.aims.data, "lead": users.get(form.lead.data),
            "members": [users[i] for i in form.members.data or [] if i in users]}


@bp.route("/workstreams/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_WORKSTREAMS)
def new_workstream():
    members = programme_members()
    form = _workstream_form(members)
    if form.validate_on_submit():
        workstream = services.create_workstream(g.programme, current_user,
                                                **_workstream_values(form, members))
        db.session.commit()
        flash(f"Workstream added: {workstream.name}", "success")
        return redirect(url_for(".workstream", workstream_id=workstream.id))
    return render_template("plan/workstream_form.html", form=form, workstream=None,
                           stale=None), 400 if form.errors else 200


@bp.get("/workstreams/<int:workstream_id>")
def workstream(workstream_id: int):
    workstream = get_in_programme_or_404(Workstream, workstream_id, joinedload(Workstream.lead),
                                         selectinload(Workstream.members))
    open_actions = db.session.execute(
        actions.ActionFilter(workstream=str(workstream.id), statuses=["open", "in_progress"])
        .select(g.programme.id, current_user)).unique().scalars().all()
    views = services.milestone_views(services.milestones(g.programme.id,
                                                         workstream_id=workstream.id))
    return render_template("plan/workstream.html", workstream=workstream, actions=open_actions,
                           milestones=views, rag_of=actions.action_rag,
                           history=history(services.WORKSTREAM, workstream.id))


@bp.route("/workstreams/<int:workstream_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_WORKSTREAMS)
def edit_workstream(workstream_id: int):
    workstream = get_in_programme_or_404(Workstream, workstream_id,
                                         selectinload(Workstream.members))
    members = programme_members()
    form = _workstream_form(members, workstream)
    return edit_versioned(
        form, workstream,
        lambda: services.update_workstream(workstream, seen_version=form.version.data,
                                           actor=current_user, **_workstream_values(form, members)),
        saved="Workstream saved.",
        next_url=lambda: url_for(".workstream", workstream_id=workstream.id),
        template="plan/workstream_form.html", workstream=workstream)


# -- milestones --------------------------------------------------------------------------------

@bp.get("/milestones")
def milestones():
    views = services.milestone_views(services.milestones(g.programme.id))
    return render_template("plan/milestones.html", views=views)


def _milestone_form(workstreams, milestone=None) -> MilestoneForm:
    data = {"status": MilestoneStatus.PLANNED.value}
    if milestone is not None:
        data = {"title": milestone.title, "target_date": milestone.target_date,
                "workstream": str(milestone.workstream_id or ""),
                "status": milestone.status.value, "achieved_on": milestone.achieved_on,
                "notes": milestone.notes}
    form = MilestoneForm(data=data)
    form.workstream.choices = named_choices(workstreams, "None")
    return form


def _milestone_values(form, workstreams) -> dict:
    return {"title": form.title.data, "target_date": form.target_date.data,
            "workstream": next((w for w in workstreams if str(w.id) == form.workstream.data), None),
            "status": MilestoneStatus(form.status.data), "achieved_on": form.achieved_on.data,
            "notes": form.notes.data}


def _all_workstreams():
    return db.session.execute(in_programme(Workstream).order_by(Workstream.name)).scalars().all()


@bp.route("/milestones/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_MILESTONES)
def import_milestones():
    form = ImportForm()
    upload = imports.Upload.from_request(
        services.MILESTONE_IMPORTER, form, request,
        lambda rows: services.check_milestone_import(rows, g.programme.id))
    if upload.ready_to_save:
        created = imports.save_all(
            lambda: services.import_milestones(g.programme, upload.rows, current_user))
        flash(f"{created:,} milestone{'s' if created != 1 else ''} imported.", "success")
        return redirect(url_for(".milestones"))
    return render_template("imports/page.html", form=form, upload=upload,
                           noun_plural="milestones", back=("Milestones", url_for(".milestones")),
                           template_endpoint="plan.milestone_template"), upload.status(form)


@bp.get("/milestones/template.csv")
def milestone_template():
    return imports.template_response(services.MILESTONE_IMPORTER, "csv", "milestones-template")


@bp.get("/milestones/template.xlsx")
def milestone_template_xlsx():
    return imports.template_response(services.MILESTONE_IMPORTER, "xlsx", "milestones-template")


@bp.route("/milestones/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_MILESTONES)
def new_milestone():
    workstreams = _all_workstreams()
    form = _milestone_form(workstreams)
    if form.validate_on_submit():
        milestone = services.create_milestone(g.programme, current_user,
                                              **_milestone_values(form, workstreams))
        db.session.commit()
        flash(f"Milestone added: {milestone.title}", "success")
        return redirect(url_for(".milestone", milestone_id=milestone.id))
    return render_template("plan/milestone_form.html", form=form, milestone=None,
                           stale=None), 400 if form.errors else 200


@bp.get("/milestones/<int:milestone_id>")
def milestone(milestone_id: int):
    milestone = get_in_programme_or_404(Milestone, milestone_id, joinedload(Milestone.workstream))
    linked = db.session.execute(
        in_programme(Action).options(joinedload(Action.owner))
        .where(Action.milestone_id == milestone.id)
        .order_by(Action.due_date.is_(None), Action.due_date)).scalars().all()
    view = services.milestone_views([milestone])[0]
    return render_template("plan/milestone.html", view=view, actions=linked,
                           rag_of=actions.action_rag,
                           history=history(services.MILESTONE, milestone.id))


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_MILESTONES)
def edit_milestone(milestone_id: int):
    milestone = get_in_programme_or_404(Milestone, milestone_id)
    workstreams = _all_workstreams()
    form = _milestone_form(workstreams, milestone)
    return edit_versioned(
        form, milestone,
        lambda: services.update_milestone(milestone, seen_version=form.version.data,
                                          actor=current_user,
                                          **_milestone_values(form, workstreams)),
        saved="Milestone saved.",
        next_url=lambda: url_for(".milestone", milestone_id=milestone.id),
        template="plan/milestone_form.html", milestone=milestone)


# -- timeline ----------------------------------------------------------------------------------

@bp.get("/timeline")
def timeline():
    data = services.timeline(g.programme.id, extra_items=meeting_contributions.timeline_items(g.programme))
    return render_template("plan/timeline.html", timeline=data)
