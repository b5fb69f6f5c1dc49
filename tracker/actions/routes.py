"""The action log, one action's page, its edit form and notes, bulk changes, CSV in and out."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from tracker import clock, imports
from tracker.actions import forms, services
from tracker.errors import RuleBroken
from tracker.extensions import db
from tracker.forms import edit_versioned, member_choices, named_choices
from tracker.models import Action, ActionStatus, ChecklistTask, Milestone, Workstream
from tracker.permissions import (
    Permission,
    action_owner_refusal,
    action_owners,
    can_update_action,
    requires,
)
from tracker.tenancy import authority_blueprint, get_in_programme_or_404, in_programme, programme_members

bp = authority_blueprint("actions", __name__, "/actions")
PER_PAGE = 50


def _plan_rows():
    workstreams = db.session.execute(in_programme(Workstream).order_by(Workstream.name)).scalars().all()
    milestones = db.session.execute(
        in_programme(Milestone).order_by(Milestone.target_date)).scalars().all()
    return workstreams, milestones


def _filter_form(members, workstreams, milestones) -> forms.FilterForm:
    # With no filters chosen, the log opens on the work still to do.
    form = forms.FilterForm(request.args or None,
                            data={"status": [ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value]})
    form.owner.choices = forms.choices(
        [("", "Anyone"), ("mine", "Mine"), ("none", "No owner")]
        + [(m.user.id, m.user.name) for m in action_owners(members)])
    form.workstream.choices = named_choices(workstreams, "Any workstream")
    form.milestone.choices = named_choices(milestones, "Any milestone", "title")
    form.source.choices = forms.choices(
        [("", "Anywhere")] + [(k, label) for k, (label, _) in services.SOURCES.items()])
    form.validate()
    return form


def _action_filter(form: forms.FilterForm) -> services.ActionFilter:
    dates_ok = not (form.due_from.errors or form.due_to.errors)
    return services.ActionFilter(
        owner=form.owner.data or "",
        statuses=[s for s in form.status.data or [] if s in ActionStatus._value2member_map_],
        rags=[r for r in form.rag.data or [] if r in ("red", "amber", "green")],
        workstream=form.workstream.data or "",
        milestone=form.milestone.data or "",
        source=form.source.data or "",
        due_from=form.due_from.data if dates_ok else None,
        due_to=form.due_to.data if dates_ok else None,
        q=form.q.data or "",
        sort=form.sort.data or "due",
        checklist_task=request.args.get("task", type=int),
    )


@bp.get("")
def log():
    members = programme_members()
    workstreams, milestones = _plan_rows()
    form = _filter_form(members, workstreams, milestones)
    action_filter = _action_filter(form)
    page = services.log_page(action_filter, g.programme.id, current_user,
                             page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    bulk = forms.BulkForm()
    bulk.owner.choices = member_choices(action_owners(members), "Choose a person")
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    return render_template(
        "actions/log.html", form=form, page=page, bulk=bulk, today=clock.today(),
        filter_query=urlencode(args, doseq=True), rag_of=services.action_rag,
        filtered=any(v for k, v in args.items() if k != "sort"),
    )


@bp.get("/export.csv")
def export():
    members = programme_members()
    workstreams, milestones = _plan_rows()
    form = _filter_form(members, workstreams, milestones)
    rows = db.session.execute(
        services.export_select(_action_filter(form), g.programme.id, current_user))
    filename = f"{g.authority.slug}-actions-{clock.today().isoformat()}.csv"
    return Response(
        stream_with_context(services.export_csv(rows)), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _edit_form_choices(form, members, workstreams, milestones):
    form.owner.choices = member_choices(action_owners(members),
                                              "No member (name someone below)")
    form.workstream.choices = named_choices(workstreams, "None")
    form.milestone.choices = named_choices(milestones, "None", "title")


def _chosen(rows, value):
    return next((r for r in rows if str(r.id) == value), None)


def _values(form, members, workstreams, milestones) -> dict:
    owner = next((m.user for m in members if str(m.user.id) == form.owner.data), None)
    return {
        "title": form.title.data,
        "details": form.details.data,
        "owner": owner,
        "owner_name": "" if owner else form.owner_name.data,
        "due_date": form.due_date.data,
        "status": ActionStatus(form.status.data),
        "dropped_reason": form.dropped_reason.data,
        "workstream": _chosen(workstreams, form.workstream.data),
        "milestone": _chosen(milestones, form.milestone.data),
    }


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CREATE_ACTION)
def new():
    task_id = request.args.get("task", type=int)
    task = get_in_programme_or_404(ChecklistTask, task_id) if task_id else None
    members = programme_members()
    workstreams, milestones = _plan_rows()
    form = forms.ActionForm(data={"status": ActionStatus.OPEN.value,
                                  "owner": str(current_user.id)})
    _edit_form_choices(form, members, workstreams, milestones)
    if form.validate_on_submit():
        if refusal := action_owner_refusal(form.owner.data, members):
            form.owner.errors.append(refusal)
        else:
            values = _values(form, members, workstreams, milestones)
            action = services.create_action(g.programme, actor=current_user,
                                            checklist_task=task, **values)
            db.session.commit()
            flash(f"Action added: {action.title}", "success")
            return redirect(url_for(".show", action_id=action.id))
    return render_template("actions/edit.html", form=form, action=None, task=task,
                           stale=None), 400 if form.errors else 200


@bp.get("/<int:action_id>")
def show(action_id: int):
    action = get_in_programme_or_404(Action, action_id, *services.page_options())
    return render_template(
        "actions/show.html", action=action, rag=services.action_rag(action),
        timeline=services.timeline(action), note_form=forms.NoteForm(),
        may_update=can_update_action(action),
    )


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.UPDATE_OWN_ACTION)
def edit(action_id: int):
    action = get_in_programme_or_404(Action, action_id)
    if not can_update_action(action):
        abort(403)
    members = programme_members()
    workstreams, milestones = _plan_rows()
    form = forms.ActionForm(data={
        "title": action.title, "details": action.details,
        "owner": str(action.owner_id) if action.owner_id else "",
        "owner_name": action.owner_name, "due_date": action.due_date,
        "status": action.status.value, "dropped_reason": action.dropped_reason,
        "workstream": str(action.workstream_id or ""), "milestone": str(action.milestone_id or ""),
    })
    _edit_form_choices(form, members, workstreams, milestones)

    def save() -> bool:
        if refusal := action_owner_refusal(form.owner.data, members):
            raise RuleBroken(refusal, "owner")
        return services.update_action(action, seen_version=form.version.data,
                                      actor=current_user,
                                      **_values(form, members, workstreams, milestones))

    return edit_versioned(form, action, save, saved="Action saved.",
                          next_url=lambda: url_for(".show", action_id=action.id),
                          template="actions/edit.html", action=action,
                          task=action.checklist_task)


@bp.post("/<int:action_id>/notes")
@requires(Permission.UPDATE_OWN_ACTION)
def add_note(action_id: int):
    action = get_in_programme_or_404(Action, action_id, *services.page_options())
    if not can_update_action(action):
        abort(403)
    note_form = forms.NoteForm()
    if note_form.validate_on_submit():
        services.add_note(action, note_form.text.data, current_user)
        db.session.commit()
        flash("Progress note added.", "success")
        return redirect(url_for(".show", action_id=action.id))
    return render_template(
        "actions/show.html", action=action, rag=services.action_rag(action),
        timeline=services.timeline(action), note_form=note_form, may_update=True,
    ), 400


@bp.post("/bulk")
@requires(Permission.BULK_UPDATE_ACTIONS)
def bulk():
    members = programme_members()
    form = forms.BulkForm()
    owners = action_owners(members)
    form.owner.choices = member_choices(owners, "Choose a person")
    # The list's filters, re-encoded: a raw line break would end up in the Location header.
    filters = urlencode(parse_qsl(request.form.get("filters", "")))
    back = url_for(".log") + (f"?{filters}" if filters else "")
    if not form.validate():
        for message in form.action_ids.errors + form.owner.errors + form.due_date.errors:
            flash(message, "error")
        return redirect(back)
    actions = db.session.execute(
        in_programme(Action).where(Action.id.in_(form.action_ids.data))).scalars().all()
    if form.apply_owner.data:
        owner = next((m.user for m in owners if str(m.user.id) == form.owner.data), None)
        if owner is None:
            flash("Choose the person to reassign the actions to", "error")
            return redirect(back)
        changed = services.bulk_update(actions, current_user, owner=owner)
        flash(f"{changed} action{'s' if changed != 1 else ''} reassigned to {owner.name}.",
              "success")
    else:
        if form.due_date.data is None:
            flash("Enter the new due date", "error")
            return redirect(back)
        changed = services.bulk_update(actions, current_user, due_date=form.due_date.data)
        flash(f"{changed} action{'s' if changed != 1 else ''} now due "
              f"{clock.format_date(form.due_date.data)}.", "success")
    db.session.commit()
    return redirect(back)


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.IMPORT_ACTIONS)
def import_csv():
    form = forms.ImportForm()
    upload = imports.Upload.from_request(
        services.IMPORTER, form, request,
        lambda rows: services.check_import(rows, g.programme.id, g.authority.id))
    if upload.ready_to_save:
        created = imports.save_all(
            lambda: services.import_rows(g.programme, upload.rows, current_user))
        flash(f"{len(created):,} action{'s' if len(created) != 1 else ''} imported.", "success")
        return redirect(url_for(".log", sort="created"))
    return render_template("actions/import.html", form=form, upload=upload), upload.status(form)


@bp.get("/template.csv")
def import_template():
    return imports.template_response(services.import_template(g.programme.id, current_user),
                                     "csv", "actions-template")


@bp.get("/template.xlsx")
def import_template_xlsx():
    return imports.template_response(services.import_template(g.programme.id, current_user),
                                     "xlsx", "actions-template")


@bp.app_template_global()
def action_source_label(action: Action) -> str:
    return services.source_label(action)


@bp.app_template_global()
def action_source_link(action: Action):
    return services.source_link(action)
