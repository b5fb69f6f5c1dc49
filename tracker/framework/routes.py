"""The Framework in use: its practice content as reference pages, the training register and
its coverage, fidelity ratings per team per quarter, and the adaptation log."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker import imports
from tracker.errors import RuleBroken
from tracker.extensions import db
from tracker.forms import NONE, ImportForm, choices, edit_versioned, named_choices, page_status
from tracker.framework import content, forms, services
from tracker.models import (
    LEARNING_SET_KINDS,
    AdaptationLevel,
    AdaptationNature,
    FidelityLevel,
    FrameworkTeam,
    KeepsIntent,
    Meeting,
    StaffMember,
    StaffRole,
    TrainingAttendance,
    TrainingEvent,
    TrainingKind,
)
from tracker.models.outcomes import FinancialQuarter
from tracker.permissions import Permission, can, requires
from tracker.tenancy import authority_blueprint, get_in_programme_or_404, in_programme

bp = authority_blueprint("framework", __name__, "/framework")

# Each reference page in checklists/framework.toml, and the page that shows it.
PAGE_ENDPOINTS = {"stages": "framework.stages", "risk-classification": "framework.risk",
                  "when-to-use": "framework.when_to_use", "research": "framework.research"}


@bp.app_template_global()
def framework_pages_for_task(task) -> list[tuple[str, str]]:
    """(title, endpoint) of the reference pages a Checklist task uses."""
    if task.is_local:
        return []
    return [(p.title, PAGE_ENDPOINTS[p.key])
            for p in content.current().pages_for_task(task.phase, task.number)]


@bp.app_template_global()
def framework_pages_for_meeting(meeting) -> list[tuple[str, str]]:
    """(title, endpoint) of the reference pages a learning set or briefing's agenda uses."""
    return [(p.title, PAGE_ENDPOINTS[p.key])
            for p in content.current().pages_for_meeting(meeting.kind.value)]


def _reference(key: str, template: str):
    data = content.current()
    return render_template(template, content=data, page=data.pages[key],
                           pages=data.pages, endpoints=PAGE_ENDPOINTS, risk_rows=content.RISK_ROWS)


@bp.get("")
def index():
    team_list = services.teams(g.programme)
    rating_list = services.ratings(g.programme)
    return render_template(
        "framework/index.html", coverage=services.coverage(g.programme, team_list),
        rules=services.COVERAGE_RULES, summary=services.in_use_summary(rating_list),
        rated_teams=len(services.latest_by_team(rating_list)),
        dropped=services.dropped_elements(g.programme), content=content.current(),
        endpoints=PAGE_ENDPOINTS, levels=list(FidelityLevel),
        recordable=services.recordable_team_ids(g.programme, g.membership))


@bp.get("/stages")
def stages():
    return _reference("stages", "framework/stages.html")


@bp.get("/risk-classification")
def risk():
    return _reference("risk-classification", "framework/risk.html")


@bp.get("/when-to-use")
def when_to_use():
    return _reference("when-to-use", "framework/when_to_use.html")


@bp.get("/research")
def research():
    return _reference("research", "framework/research.html")


# -- teams and staff -------------------------------------------------------------------------

def _team_values(form: forms.TeamForm) -> dict:
    return {"name": form.name.data, "service_area": form.service_area.data or "",
            "practitioners": form.practitioners.data, "managers": form.managers.data}


@bp.route("/teams/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_FRAMEWORK_REGISTER)
def new_team():
    form = forms.TeamForm(data={"practitioners": None, "managers": None})
    if form.validate_on_submit():
        if services.team_name_taken(g.programme, form.name.data):
            form.name.errors.append(f"There is already a team called {form.name.data}")
        else:
            team = services.create_team(g.programme, current_user, **_team_values(form))
            db.session.commit()
            flash(f"Team {team.name} added.", "success")
            return redirect(url_for(".team", team_id=team.id))
    return render_template("framework/team_form.html", form=form, team=None,
                           stale=None), page_status(form)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_FRAMEWORK_REGISTER)
def edit_team(team_id: int):
    team = get_in_programme_or_404(FrameworkTeam, team_id)
    form = forms.TeamForm(obj=team)

    def save() -> bool:
        if services.team_name_taken(g.programme, form.name.data, but=team):
            raise RuleBroken(f"There is already a team called {form.name.data}", field="name")
        return services.update_team(team, _team_values(form), form.version.data, current_user)

    return edit_versioned(form, team, save, saved="Team saved.",
                          next_url=lambda: url_for(".team", team_id=team.id),
                          template="framework/team_form.html", team=team)


@bp.get("/teams/<int:team_id>")
def team(team_id: int):
    team = get_in_programme_or_404(FrameworkTeam, team_id, selectinload(FrameworkTeam.staff))
    cover = services.coverage(g.programme, [team]).teams[0]
    periods, rows = services.trend(services.ratings(g.programme, team))
    recordable = services.recordable_team_ids(g.programme, g.membership)
    return render_template("framework/team.html", team=team, cover=cover, periods=periods,
                           trend=rows, may_rate=can(Permission.RATE_FIDELITY)
                           and services.may_record_for(recordable, team.id))


@bp.route("/teams/<int:team_id>/staff/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_FRAMEWORK_REGISTER)
def add_staff(team_id: int):
    team = get_in_programme_or_404(FrameworkTeam, team_id)
    form = forms.StaffForm()
    if form.validate_on_submit():
        if taken := services.email_taken(g.programme, form.email.data):
            form.email.errors.append(services.taken_problem(taken, form.email.data))
        else:
            person = services.add_staff(team, current_user, name=form.name.data,
                                        email=form.email.data, role=StaffRole(form.role.data),
                                        is_champion=form.is_champion.data)
            db.session.commit()
            flash(f"{person.name} added to {team.name}.", "success")
            return redirect(url_for(".team", team_id=team.id))
    return render_template("framework/staff_form.html", form=form, team=team,
                           person=None), page_status(form)


@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_FRAMEWORK_REGISTER)
def edit_staff(staff_id: int):
    person = get_in_programme_or_404(StaffMember, staff_id, selectinload(StaffMember.team))
    team_list = list(db.session.execute(
        in_programme(FrameworkTeam).order_by(FrameworkTeam.name)).scalars())
    form = forms.StaffForm(obj=person)
    if not form.is_submitted():
        # The entry's `team` is a team, not the select's value: chosen by id, or the page
        # would show (and a save would move them to) the first team in the list.
        form.role.data, form.team.data = person.role.value, str(person.team_id)
    form.team.choices = choices([(t.id, t.name) for t in team_list])
    if form.validate_on_submit():
        team = next((t for t in team_list if str(t.id) == form.team.data), None)
        if team is None:
            form.team.errors.append("Choose the person's team")
        elif taken := services.email_taken(g.programme, form.email.data, but=person):
            form.email.errors.append(services.taken_problem(taken, form.email.data))
        else:
            changed = services.update_staff(person, {
                "name": form.name.data, "email": form.email.data,
                "role": StaffRole(form.role.data), "team": team,
                "is_champion": form.is_champion.data, "left_on": form.left_on.data}, current_user)
            db.session.commit()
            flash("Entry saved." if changed else "No changes to save.", "success")
            return redirect(url_for(".team", team_id=team.id))
    return render_template("framework/staff_form.html", form=form, team=person.team,
                           person=person), page_status(form)


@bp.route("/staff/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_FRAMEWORK_REGISTER)
def import_staff():
    form = ImportForm()
    upload = imports.Upload.from_request(
        services.STAFF_IMPORTER, form, request,
        lambda rows: services.check_staff_import(rows, g.programme))
    if upload.ready_to_save:
        created = imports.save_all(lambda: services.import_staff(upload.rows, current_user))
        flash(f"{created:,} {'person' if created == 1 else 'people'} added to the register.",
              "success")
        return redirect(url_for(".index"))
    return render_template("imports/page.html", form=form, upload=upload,
                           noun_plural="staff members",
                           back=("The Framework in use", url_for(".index")),
                           template_endpoint="framework.staff_template",
                           intro="Staff names, work emails and roles only. Add the teams to the "
                                 "register first: each person's team is found by its name."), \
        upload.status(form)


def _staff_template(kind: str):
    """The template, its example row naming one of the programme's own teams when it has one,
    so the template imports back as it is."""
    team = db.session.execute(in_programme(FrameworkTeam).order_by(FrameworkTeam.name)
                              .limit(1)).scalar_one_or_none()
    importer = services.STAFF_IMPORTER
    if team is not None:
        importer = importer.with_examples(team=team.name)
    return imports.template_response(importer, kind, "staff-list-template")


@bp.get("/staff/template.csv")
def staff_template():
    return _staff_template("csv")


@bp.get("/staff/template.xlsx")
def staff_template_xlsx():
    return _staff_template("xlsx")


# -- training -----------------------------------------------------------------------------------

@bp.get("/training")
def training():
    event_list = services.events(g.programme)
    return render_template("framework/training.html", events=event_list,
                           cascade=services.cascade(event_list))


@bp.route("/training/new", methods=["GET", "POST"])
@requires(Permission.RECORD_TRAINING)
def new_event():
    form = forms.EventForm()
    staff = services.staff(g.programme)
    meetings = list(db.session.execute(
        in_programme(Meeting).where(Meeting.kind.in_(LEARNING_SET_KINDS))
        .order_by(Meeting.day)).scalars())
    form.trainer.choices = choices([(NONE, "Not recorded")] + [
        (s.id, f"{s.name} ({s.team.name})") for s in staff])
    form.meeting.choices = named_choices(meetings, "Not a learning set", attr="title")
    if form.validate_on_submit():
        trainer = next((s for s in staff if str(s.id) == form.trainer.data), None)
        meeting = next((m for m in meetings if str(m.id) == form.meeting.data), None)
        kind = TrainingKind(form.kind.data)
        ok = True
        if kind == TrainingKind.LEARNING_SET and meeting is None:
            form.meeting.errors.append("Choose which learning set it was")
            ok = False
        if kind != TrainingKind.LEARNING_SET and meeting is not None:
            form.meeting.errors.append("Only a learning set is one of your meetings: "
                                       "choose “Not a learning set”")
            ok = False
        if ok:
            event = services.create_event(g.programme, current_user, kind=kind,
                                          title=form.title.data, held_on=form.held_on.data,
                                          trainer=trainer,
                                          trainer_name="" if trainer else form.trainer_name.data,
                                          meeting=meeting)
            db.session.commit()
            flash("Event recorded: now record who was there.", "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("framework/event_form.html", form=form), page_status(form)


def _event_and_editable(event_id: int):
    event = get_in_programme_or_404(
        TrainingEvent, event_id,
        selectinload(TrainingEvent.attendances).joinedload(TrainingAttendance.staff))
    recordable = services.recordable_team_ids(g.programme, g.membership)
    may_record = can(Permission.RECORD_TRAINING) and (recordable is None or bool(recordable))
    editable = services.staff(g.programme, recordable, on=event.held_on) if may_record else []
    form = forms.AttendanceForm(data={"present": [str(a.staff_id) for a in event.attendances]})
    form.present.choices = choices([(s.id, f"{s.name} ({s.team.name})") for s in editable])
    return event, editable, form, may_record


@bp.get("/training/<int:event_id>")
def event(event_id: int):
    event, _editable, form, may_record = _event_and_editable(event_id)
    return render_template("framework/event.html", event=event, form=form,
                           may_record=may_record)


@bp.post("/training/<int:event_id>/attendance")
@requires(Permission.RECORD_TRAINING)
def attendance(event_id: int):
    event, editable, form, may_record = _event_and_editable(event_id)
    if not may_record:
        abort(403)  # a champion whose register entry names no team
    if form.validate_on_submit():
        chosen = set(form.present.data or [])
        added, removed = services.set_attendance(
            event, [s for s in editable if str(s.id) in chosen], editable, current_user)
        db.session.commit()
        flash(f"Attendance saved: {added} added, {removed} removed." if added or removed
              else "No changes to save.", "success")
    return redirect(url_for(".event", event_id=event.id))


# -- fidelity -------------------------------------------------------------------------------------

def _quarter(text: str | None) -> FinancialQuarter | None:
    offered = services.quarters_offered()
    return next((q for q in offered if q.key == text), None) if text else offered[0]


@bp.route("/teams/<int:team_id>/fidelity", methods=["GET", "POST"])
@requires(Permission.RATE_FIDELITY)
def rate(team_id: int):
    team = get_in_programme_or_404(FrameworkTeam, team_id)
    if not services.may_record_for(services.recordable_team_ids(g.programme, g.membership),
                                   team.id):
        abort(403)
    period = _quarter(request.args.get("quarter"))
    if period is None:
        abort(404)
    practices = content.current().practices
    current = {r.practice_key: r for r in services.ratings(g.programme, team)
               if r.period == period}
    form = forms.fidelity_form(practices)(data={
        "quarter": period.key,
        **{f"level_{k}": r.level.value for k, r in current.items()},
        **{f"note_{k}": r.note for k, r in current.items()}})
    form.quarter.choices = choices([(q.key, q.label) for q in services.quarters_offered()])
    if form.validate_on_submit():
        changed = services.save_ratings(team, period, {
            p.key: (FidelityLevel(form[f"level_{p.key}"].data), form[f"note_{p.key}"].data or "")
            for p in practices}, current_user)
        db.session.commit()
        flash(f"Ratings saved for {period.short_label}: {changed} changed." if changed
              else "No changes to save.", "success")
        return redirect(url_for(".team", team_id=team.id, _anchor="fidelity"))
    return render_template("framework/rate.html", form=form, team=team, period=period,
                           practices=practices), page_status(form)


# -- adaptations ---------------------------------------------------------------------------------

@bp.get("/adaptations")
def adaptations():
    return render_template("framework/adaptations.html",
                           adaptations=services.adaptations(g.programme),
                           content=content.current())


@bp.route("/adaptations/new", methods=["GET", "POST"])
@requires(Permission.LOG_ADAPTATIONS)
def new_adaptation():
    form = forms.AdaptationForm()
    team_list = list(db.session.execute(
        in_programme(FrameworkTeam).order_by(FrameworkTeam.name)).scalars())
    practices = content.current().practices
    form.practice.choices = choices([(NONE, "None in particular")]
                                    + [(p.key, p.label) for p in practices])
    form.team.choices = named_choices(team_list, "Choose a team")
    if form.validate_on_submit():
        team = next((t for t in team_list if str(t.id) == form.team.data), None)
        level = AdaptationLevel(form.level.data)
        practice_key = form.practice.data if any(
            p.key == form.practice.data for p in practices) else ""
        if level == AdaptationLevel.TEAM and team is None:
            form.team.errors.append("Choose the team that made the change")
        else:
            services.record_adaptation(
                g.programme, current_user, what=form.what.data, practice_key=practice_key,
                level=level, team=team if level == AdaptationLevel.TEAM else None,
                nature=AdaptationNature(form.nature.data), reason=form.reason.data,
                decided_by=form.decided_by.data, decided_on=form.decided_on.data,
                keeps_intent=KeepsIntent(form.keeps_intent.data))
            db.session.commit()
            flash("Adaptation recorded.", "success")
            return redirect(url_for(".adaptations"))
    return render_template("framework/adaptation_form.html", form=form), page_status(form)


