"""Stakeholder engagement pages: the register with its engagement gaps, the power / interest
grid, a stakeholder's page and form, the engagement plan (printable, CSV), engagements and
recording their occurrences, and feedback with the actions it raises."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker import audit, clock, imports
from tracker.extensions import db
from tracker.forms import ImportForm, choices, edit_versioned, owner_choices
from tracker.models import (
    Engagement,
    EngagementLevel,
    EngagementMethod,
    EngagementStatus,
    Feedback,
    FeedbackSource,
    Membership,
    OccurrenceOutcome,
    Stakeholder,
    StakeholderGroup,
    StakeholderType,
    User,
)
from tracker.permissions import (
    Permission,
    action_owner_refusal,
    action_owners,
    can,
    requires,
)
from tracker.stakeholders import forms, services
from tracker.tenancy import (
    authority_blueprint,
    get_in_programme_or_404,
    in_programme,
    programme_members,
)

bp = authority_blueprint("stakeholders", __name__)


def _member(members: list[Membership], value: str | None) -> User | None:
    return next((m.user for m in members if str(m.user.id) == value), None)


# -- the register ------------------------------------------------------------------------------

@bp.get("/stakeholders")
def register():
    stakeholders = services.register(g.programme)
    return render_template("stakeholders/register.html", stakeholders=stakeholders,
                           gaps=services.engagement_gaps(stakeholders),
                           groups=list(StakeholderGroup))


@bp.get("/stakeholders/grid")
def grid():
    stakeholders = services.register(g.programme)
    return render_template("stakeholders/grid.html", grid=services.grid(stakeholders),
                           quadrants=services.QUADRANTS, high_from=services.HIGH_FROM)


def _stakeholder_form(members, stakeholder: Stakeholder | None = None) -> forms.StakeholderForm:
    data = None
    if stakeholder is not None:
        data = {
            "name": stakeholder.name, "kind": stakeholder.kind.value,
            "group": stakeholder.group.value, "organisation": stakeholder.organisation,
            "contact_owner": str(stakeholder.contact_owner_id or ""),
            "influence": str(stakeholder.influence), "interest": str(stakeholder.interest),
            "level_now": stakeholder.level_now.value,
            "level_wanted": stakeholder.level_wanted.value,
            "benefits": stakeholder.benefits, "resistance": stakeholder.resistance,
            "mitigation": stakeholder.mitigation, "needs_to_know": stakeholder.needs_to_know,
            "channels": stakeholder.channels,
        }
    form = forms.StakeholderForm(data=data)
    form.contact_owner.choices = owner_choices(members)
    return form


def _stakeholder_values(form: forms.StakeholderForm, members) -> dict:
    return {
        "name": form.name.data, "kind": StakeholderType(form.kind.data),
        "group": StakeholderGroup(form.group.data), "organisation": form.organisation.data,
        "contact_owner": _member(members, form.contact_owner.data),
        "influence": int(form.influence.data), "interest": int(form.interest.data),
        "level_now": EngagementLevel(form.level_now.data),
        "level_wanted": EngagementLevel(form.level_wanted.data),
        "benefits": form.benefits.data, "resistance": form.resistance.data,
        "mitigation": form.mitigation.data, "needs_to_know": form.needs_to_know.data,
        "channels": form.channels.data,
    }


@bp.route("/stakeholders/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAKEHOLDERS)
def import_stakeholders():
    form = ImportForm()
    upload = imports.Upload.from_request(
        services.STAKEHOLDER_IMPORTER, form, request,
        lambda rows: services.check_stakeholder_import(rows, g.authority.id))
    if upload.ready_to_save:
        created = imports.save_all(
            lambda: services.import_stakeholders(g.programme, upload.rows, current_user))
        flash(f"{created:,} stakeholder{'s' if created != 1 else ''} added to the register.",
              "success")
        return redirect(url_for(".register"))
    return render_template("imports/page.html", form=form, upload=upload,
                           noun_plural="stakeholders",
                           back=("Stakeholders", url_for(".register")),
                           template_endpoint="stakeholders.stakeholder_template"), \
        upload.status(form)


@bp.get("/stakeholders/template.csv")
def stakeholder_template():
    return imports.template_response(services.STAKEHOLDER_IMPORTER, "csv",
                                     "stakeholders-template")


@bp.get("/stakeholders/template.xlsx")
def stakeholder_template_xlsx():
    return imports.template_response(services.STAKEHOLDER_IMPORTER, "xlsx",
                                     "stakeholders-template")


@bp.route("/stakeholders/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAKEHOLDERS)
def new_stakeholder():
    members = programme_members()
    form = _stakeholder_form(members)
    if form.validate_on_submit():
        stakeholder = services.create_stakeholder(g.programme, actor=current_user,
                                                  **_stakeholder_values(form, members))
        db.session.commit()
        flash(f"{stakeholder.name} added to the register, in “{stakeholder.quadrant.label}” "
              f"on the grid.", "success")
        return redirect(url_for(".stakeholder", stakeholder_id=stakeholder.id))
    return render_template("stakeholders/stakeholder_form.html", form=form, stakeholder=None,
                           stale=None, levels=list(EngagementLevel)), 400 if form.errors else 200


@bp.get("/stakeholders/<int:stakeholder_id>")
def stakeholder(stakeholder_id: int):
    stakeholder = get_in_programme_or_404(Stakeholder, stakeholder_id,
                                          joinedload(Stakeholder.contact_owner))
    return render_template(
        "stakeholders/stakeholder.html", stakeholder=stakeholder,
        schedules=services.schedules(services.engagements_with(stakeholder)),
        feedback=services.feedback_list(g.programme, stakeholder_id=stakeholder.id),
        history=audit.history(services.STAKEHOLDER, stakeholder.id),
    )


@bp.route("/stakeholders/<int:stakeholder_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAKEHOLDERS)
def edit_stakeholder(stakeholder_id: int):
    stakeholder = get_in_programme_or_404(Stakeholder, stakeholder_id)
    members = programme_members()
    form = _stakeholder_form(members, stakeholder)
    return edit_versioned(
        form, stakeholder,
        lambda: services.update_stakeholder(stakeholder, seen_version=form.version.data,
                                            actor=current_user,
                                            **_stakeholder_values(form, members)),
        saved=f"{stakeholder.name} saved.",
        next_url=lambda: url_for(".stakeholder", stakeholder_id=stakeholder.id),
        template="stakeholders/stakeholder_form.html", stakeholder=stakeholder,
        levels=list(EngagementLevel))


@bp.route("/stakeholders/<int:stakeholder_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAKEHOLDERS)
def remove_stakeholder(stakeholder_id: int):
    stakeholder = get_in_programme_or_404(Stakeholder, stakeholder_id)
    form = forms.ConfirmForm()
    in_use = None
    if form.validate_on_submit():
        name = stakeholder.name
        try:
            services.delete_stakeholder(stakeholder, actor=current_user)
        except services.StakeholderInUse as exc:
            db.session.rollback()
            in_use = exc
        else:
            db.session.commit()
            flash(f"{name} removed from the register.", "success")
            return redirect(url_for(".register"))
    return render_template("stakeholders/remove.html", stakeholder=stakeholder, form=form,
                           in_use=in_use), 409 if in_use else 200


# -- the engagement plan -----------------------------------------------------------------------

@bp.get("/engagement-plan")
def plan():
    return render_template("stakeholders/plan.html", plan=services.plan(g.programme),
                           printable=False)


@bp.get("/engagement-plan/print")
def plan_print():
    """The same plan with no links or buttons in it, to print or save as PDF."""
    return render_template("stakeholders/plan.html", plan=services.plan(g.programme),
                           printable=True)


@bp.get("/engagement-plan.csv")
def plan_csv():
    rows = services.schedules(services.engagements(g.programme))
    filename = f"{g.authority.slug}-engagement-plan-{clock.today().isoformat()}.csv"
    return Response(services.export_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _engagement_form(form_class, members, stakeholders, engagement=None):
    if engagement is not None:
        data = {
            "title": engagement.title,
            "stakeholders": [str(s.id) for s in engagement.stakeholders],
            "method": engagement.method.value, "message": engagement.message,
            "owner": str(engagement.owner_id or ""), "planned_date": engagement.planned_date,
            "repeat": forms.repeat_value(engagement.repeat_unit, engagement.repeat_every),
            "repeat_until": engagement.repeat_until, "status": engagement.status.value,
            "notes": engagement.notes,
        }
    else:
        preset = request.args.get("stakeholder", "")
        data = {"owner": str(current_user.id),
                "stakeholders": [preset] if any(str(s.id) == preset for s in stakeholders)
                else []}
    form = form_class(data=data)
    form.owner.choices = owner_choices(members)
    form.stakeholders.choices = choices((s.id, s.name) for s in stakeholders)
    return form


def _engagement_values(form, members, stakeholders) -> dict:
    chosen = set(form.stakeholders.data or [])
    unit, every = forms.repeat_rule(form.repeat.data)
    values = {
        "title": form.title.data,
        "stakeholders": [s for s in stakeholders if str(s.id) in chosen],
        "method": EngagementMethod(form.method.data), "message": form.message.data,
        "owner": _member(members, form.owner.data), "planned_date": form.planned_date.data,
        "repeat_unit": unit, "repeat_every": every,
        "repeat_until": form.repeat_until.data if unit else None, "notes": form.notes.data,
    }
    if hasattr(form, "status"):
        values["status"] = EngagementStatus(form.status.data)
    return values


def _all_stakeholders() -> list[Stakeholder]:
    return list(db.session.execute(
        in_programme(Stakeholder).order_by(db.func.lower(Stakeholder.name))).scalars())


@bp.route("/engagements/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENGAGEMENTS)
def new_engagement():
    members = programme_members()
    stakeholders = _all_stakeholders()
    form = _engagement_form(forms.EngagementForm, members, stakeholders)
    if form.validate_on_submit():
        engagement = services.create_engagement(
            g.programme, actor=current_user, **_engagement_values(form, members, stakeholders))
        db.session.commit()
        flash(f"Engagement planned: {engagement.title}", "success")
        return redirect(url_for(".engagement", engagement_id=engagement.id))
    return render_template("stakeholders/engagement_form.html", form=form, engagement=None,
                           stale=None, stakeholders=stakeholders), 400 if form.errors else 200


@bp.get("/engagements/<int:engagement_id>")
def engagement(engagement_id: int):
    engagement = get_in_programme_or_404(Engagement, engagement_id,
                                         *services.engagement_page_options())
    return render_template(
        "stakeholders/engagement.html", engagement=engagement,
        schedule=services.schedule(engagement),
        feedback=services.feedback_list(g.programme, engagement_id=engagement.id),
        history=services.engagement_history(engagement),
    )


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENGAGEMENTS)
def edit_engagement(engagement_id: int):
    engagement = get_in_programme_or_404(Engagement, engagement_id,
                                         *services.engagement_page_options())
    members = programme_members()
    stakeholders = _all_stakeholders()
    form = _engagement_form(forms.EditEngagementForm, members, stakeholders, engagement)
    return edit_versioned(
        form, engagement,
        lambda: services.update_engagement(engagement, seen_version=form.version.data,
                                           actor=current_user,
                                           **_engagement_values(form, members, stakeholders)),
        saved="Engagement saved.",
        next_url=lambda: url_for(".engagement", engagement_id=engagement.id),
        template="stakeholders/engagement_form.html", engagement=engagement,
        stakeholders=stakeholders)


def _occurrence_date(engagement) -> date:
    """The date being recorded: ?on=YYYY-MM-DD, or the earliest not recorded yet. A date that
    is not in the engagement's plan is a wrong address: 404."""
    raw = request.args.get("on", "")
    if not raw:
        first = services.schedule(engagement).first_open
        if first is None:
            abort(404)
        return first
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(404)
    if not services.is_in_plan(engagement, day):
        abort(404)
    return day


@bp.route("/engagements/<int:engagement_id>/record", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENGAGEMENTS)
def record(engagement_id: int):
    engagement = get_in_programme_or_404(Engagement, engagement_id,
                                         *services.engagement_page_options())
    due_on = _occurrence_date(engagement)
    existing = next((o for o in engagement.occurrences if o.due_on == due_on), None)
    members = programme_members()
    if existing is not None:
        data = {"outcome": existing.outcome.value, "done_on": existing.done_on,
                "notes": existing.notes}
    else:
        data = {"outcome": OccurrenceOutcome.DONE.value, "done_on": min(due_on, clock.today()),
                "action_owner": str(current_user.id)}
    form = forms.RecordForm(data=data)
    form.action_owner.choices = owner_choices(action_owners(members))
    may_raise = can(Permission.CREATE_ACTION)
    if form.validate_on_submit():
        owner = _member(members, form.action_owner.data)
        if form.action_title.data and not may_raise:
            abort(403)
        refusal = form.action_title.data and action_owner_refusal(form.action_owner.data,
                                                                  members)
        if refusal:
            form.action_owner.errors.append(refusal)
        else:
            occurrence = services.record_occurrence(
                engagement, due_on=due_on, outcome=OccurrenceOutcome(form.outcome.data),
                done_on=form.done_on.data, notes=form.notes.data, actor=current_user)
            message = f"{engagement.title}, {clock.format_date(due_on)}: recorded."
            if form.feedback_text.data:
                feedback = services.create_feedback(
                    g.programme, received_on=form.done_on.data or clock.today(),
                    source=FeedbackSource(form.feedback_source.data), text=form.feedback_text.data,
                    engagement=engagement, occurrence=occurrence, actor=current_user)
                message += " Feedback saved."
                if form.action_title.data:
                    services.raise_action(g.programme, feedback, title=form.action_title.data,
                                          owner=owner, due_date=form.action_due.data,
                                          actor=current_user)
                    message += " Action added to the action log."
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(".engagement", engagement_id=engagement.id))
    return render_template("stakeholders/record.html", form=form, engagement=engagement,
                           due_on=due_on, existing=existing,
                           may_raise=may_raise), 400 if form.errors else 200


# -- feedback ----------------------------------------------------------------------------------

@bp.get("/feedback")
def feedback_list():
    return render_template("stakeholders/feedback_list.html",
                           feedback=services.feedback_list(g.programme))


@bp.route("/feedback/new", methods=["GET", "POST"])
@requires(Permission.RECORD_FEEDBACK)
def new_feedback():
    members = programme_members()
    stakeholders = _all_stakeholders()
    engagements = services.engagements(g.programme)
    form = forms.FeedbackForm(data={
        "received_on": clock.today(), "action_owner": str(current_user.id),
        "engagement": request.args.get("engagement", ""),
        "stakeholder": request.args.get("stakeholder", ""),
    })
    form.action_owner.choices = owner_choices(action_owners(members))
    form.engagement.choices = choices(
        [(forms.NONE, "Not about one engagement")]
        + [(e.id, f"{e.title} ({clock.format_date(e.planned_date)})") for e in engagements])
    form.stakeholder.choices = choices(
        [(forms.NONE, "Not about one stakeholder")] + [(s.id, s.name) for s in stakeholders])
    may_raise = can(Permission.CREATE_ACTION)
    if form.validate_on_submit():
        owner = _member(members, form.action_owner.data)
        if form.action_title.data and not may_raise:
            abort(403)
        refusal = form.action_title.data and action_owner_refusal(form.action_owner.data,
                                                                  members)
        if refusal:
            form.action_owner.errors.append(refusal)
        else:
            feedback = services.create_feedback(
                g.programme, received_on=form.received_on.data,
                source=FeedbackSource(form.feedback_source.data), text=form.feedback_text.data,
                engagement=next((e for e in engagements if str(e.id) == form.engagement.data),
                                None),
                stakeholder=next((s for s in stakeholders if str(s.id) == form.stakeholder.data),
                                 None),
                actor=current_user)
            message = "Feedback saved."
            if form.action_title.data:
                services.raise_action(g.programme, feedback, title=form.action_title.data,
                                      owner=owner, due_date=form.action_due.data,
                                      actor=current_user)
                message += " Action added to the action log."
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(".feedback", feedback_id=feedback.id))
    return render_template("stakeholders/feedback_form.html", form=form,
                           may_raise=may_raise), 400 if form.errors else 200


@bp.get("/feedback/<int:feedback_id>")
def feedback(feedback_id: int):
    feedback = get_in_programme_or_404(Feedback, feedback_id, *services.feedback_page_options())
    return render_template("stakeholders/feedback.html", feedback=feedback,
                           history=audit.history(services.FEEDBACK, feedback.id))


@bp.route("/feedback/<int:feedback_id>/action", methods=["GET", "POST"])
@requires(Permission.CREATE_ACTION)
def raise_action(feedback_id: int):
    feedback = get_in_programme_or_404(Feedback, feedback_id, *services.feedback_page_options())
    members = programme_members()
    form = forms.RaiseActionForm(data={"action_owner": str(current_user.id)})
    form.action_owner.choices = owner_choices(action_owners(members))
    if form.validate_on_submit():
        owner = _member(members, form.action_owner.data)
        if refusal := action_owner_refusal(form.action_owner.data, members):
            form.action_owner.errors.append(refusal)
        else:
            services.raise_action(g.programme, feedback, title=form.action_title.data,
                                  owner=owner, due_date=form.action_due.data, actor=current_user)
            db.session.commit()
            flash("Action added to the action log.", "success")
            return redirect(url_for(".feedback", feedback_id=feedback.id))
    return render_template("stakeholders/raise_action.html", form=form,
                           feedback=feedback), 400 if form.errors else 200
