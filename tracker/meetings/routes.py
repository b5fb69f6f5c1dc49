"""Meetings and learning sets, the two groups, and the decisions log.

URLs: /meetings (list), /meetings/plan (series planner), /meetings/series/<id>,
/meetings/<id> (the meeting: agenda, minutes, outcomes, attendance, action sheets),
/meetings/mine (my groups, attendance and action sheets), /groups/strategic and
/groups/practice, /groups/members/<id>, /decisions.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker import audit, clock
from tracker.actions.services import action_rag
from tracker.extensions import db
from tracker.forms import NONE, edit_versioned, page_status
from tracker.meetings import agendas, forms, planner, services
from tracker.meetings import core as meeting_core
from tracker.meetings import groups as meeting_groups
from tracker.meetings import minutes as meeting_minutes
from tracker.meetings import series as meeting_series
from tracker.meetings import sheets as meeting_sheets
from tracker.models import (
    AttendanceStatus,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    OutcomeKind,
    SheetQuestion,
)
from tracker.permissions import Permission, can, requires
from tracker.tenancy import (
    authority_blueprint,
    get_in_programme_or_404,
    one_of_or_404,
    programme_members,
)

bp = authority_blueprint("meetings", __name__)


def _meeting_or_404(meeting_id: int) -> Meeting:
    return get_in_programme_or_404(Meeting, meeting_id, *services.page_options())


def _member_or_404(member_id: int) -> GroupMember:
    return get_in_programme_or_404(GroupMember, member_id, joinedload(GroupMember.user))


def _owner(form, members):
    """The chosen owner (a member's account) and the typed name, for create_action."""
    if form.owner.data and form.owner.data != NONE:
        return next(m.user for m in members if str(m.user.id) == form.owner.data), ""
    return None, form.owner_name.data or ""


@bp.app_template_global()
def meeting_time(meeting: Meeting) -> str:
    return meeting_core.time_label(meeting)


@bp.app_template_global()
def role_label(key: str | None) -> str:
    return agendas.current().role_label(key)


# -- meetings list, my page ------------------------------------------------------------------


@bp.get("/meetings")
def index():
    meetings = services.programme_meetings(g.programme)
    today = clock.today()
    series = sorted({m.series for m in meetings if m.series}, key=lambda s: s.start_date)
    return render_template(
        "meetings/index.html",
        upcoming=[m for m in meetings if m.day >= today and m.status == MeetingStatus.PLANNED],
        past=[m for m in reversed(meetings)
              if m.day < today or m.status != MeetingStatus.PLANNED],
        series=series,
        counts=services.counts([m.id for m in meetings]),
        overdue={m.id for m in meeting_minutes.circulation_overdue(g.programme, today)},
        circulation_rule=meeting_minutes.circulation_rule(g.programme),
        rule_form=forms.CirculationRuleForm(
            rule=forms.WORKING_DAYS if g.programme.action_list_working_days else forms.DAYS),
    )


@bp.get("/meetings/mine")
def mine():
    members = meeting_groups.member_for_user(g.programme, current_user)
    return render_template("meetings/mine.html", **_member_context(members))


def _member_context(members: list[GroupMember]) -> dict:
    """What a person's page shows: their groups, attendance, invitations and action sheets."""
    attendance = meeting_groups.attendance_by_member(g.programme, members)
    sheets = meeting_sheets.sheets_for_members([m.id for m in members])
    invited = services.invitations([m.id for m in members])
    return {"members": members, "attendance": attendance, "sheets": sheets, "invited": invited,
            "rag_of": action_rag, "questions": list(SheetQuestion), "as_of": clock.today()}


# -- creating and editing a meeting ------------------------------------------------------------


@bp.route("/meetings/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_MEETINGS)
def new():
    kind = request.args.get("kind", MeetingKind.STEERING.value)
    kind = kind if kind in MeetingKind._value2member_map_ else MeetingKind.STEERING.value
    form = forms.NewMeetingForm(data={
        "kind": kind, "group": MeetingKind(kind).default_group.value,
        "facilitators": meeting_series.consultant_names(g.programme),
        "start_time": meeting_series.SET_TIMES[0] if MeetingKind(kind).numbered else None,
    })
    if form.validate_on_submit():
        meeting = services.create_meeting(
            g.programme, kind=MeetingKind(form.kind.data),
            number=int(form.number.data) if form.number.data in ("1", "2", "3") else None,
            group=GroupKind(form.group.data), name=form.name.data, day=form.day.data,
            start_time=form.start_time.time, end_time=form.end_time.time,
            location=form.location.data, facilitators=form.facilitators.data, actor=current_user,
        )
        db.session.commit()
        flash(f"{meeting.title} added, with its agenda.", "success")
        return redirect(url_for(".meeting", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form,
                           agendas=agendas.current()), page_status(form)


def _edit_form(meeting: Meeting, members: list[GroupMember]) -> forms.EditMeetingForm:
    form = forms.EditMeetingForm(data={
        "name": meeting.name, "day": meeting.day, "start_time": meeting.start_time,
        "end_time": meeting.end_time, "location": meeting.location,
        "facilitators": meeting.facilitators, "status": meeting.status.value,
        "summary": meeting.summary,
        "invitees": [str(a.member.id) for a in meeting.attendees],
    })
    invited = {a.member.id: a.member for a in meeting.attendees}
    choices = {m.id: m for m in members} | invited
    form.invitees.choices = forms.choices(
        (m.id, f"{m.display_name}{f', {m.job_title}' if m.job_title else ''} "
               f"({m.group.label.lower()}{', has left' if not m.active else ''})")
        for m in sorted(choices.values(), key=lambda m: (m.group != meeting.group,
                                                         m.display_name.lower())))
    return form


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_MEETINGS)
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    members = meeting_groups.group_members(g.programme)
    form = _edit_form(meeting, members)

    def save() -> bool:
        chosen = {m.id: m for m in members} | {a.member.id: a.member for a in meeting.attendees}
        return services.update_meeting(
            meeting, seen_version=form.version.data, actor=current_user,
            name=form.name.data, day=form.day.data, start_time=form.start_time.time,
            end_time=form.end_time.time, location=form.location.data,
            facilitators=form.facilitators.data, status=MeetingStatus(form.status.data),
            summary=form.summary.data, invitees=[chosen[int(i)] for i in form.invitees.data],
        )

    return edit_versioned(form, meeting, save, saved="Meeting saved.",
                          next_url=lambda: url_for(".meeting", meeting_id=meeting.id),
                          template="meetings/edit.html", rule_field="status", meeting=meeting)


# -- the meeting page ----------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    previous = services.previous_meeting(meeting)
    ids = [meeting.id] + ([previous.id] if previous else [])
    actions = services.meeting_actions(ids)
    sheets = meeting_sheets.sheets_for_meetings([meeting.id]) if meeting.kind.has_action_sheets else []
    mine = [a.member for a in meeting.attendees if a.member.user_id == current_user.id]
    history = audit.history(meeting_core.MEETING, meeting.id) + audit.history(
        meeting_core.ITEM, [i.id for i in meeting.items])
    return render_template(
        "meetings/meeting.html", meeting=meeting, previous=previous,
        previous_actions=actions[previous.id] if previous else [],
        actions=actions[meeting.id], sheets=sheets,
        sheets_by_member={s.member_id: s for s in sheets},
        my_member=mine[0] if mine else None, rag_of=action_rag,
        history=sorted(history, key=lambda e: (e.at, e.id), reverse=True),
        due_by=meeting_minutes.circulation_due_by(meeting, g.programme.action_list_working_days),
        overdue=meeting_minutes.circulation_is_overdue(
            meeting, working_days=g.programme.action_list_working_days),
        circulation_rule=meeting_minutes.circulation_rule(g.programme),
        questions=list(SheetQuestion),
    )


# -- agenda items and outcomes -------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_MEETINGS)
def add_item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.NewItemForm()
    if form.validate_on_submit():
        item = services.add_item(meeting, title=form.title.data, prompts=form.prompt_list,
                                 actor=current_user)
        db.session.commit()
        flash("Item added to the agenda.", "success")
        return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"))
    return render_template("meetings/add_item.html", meeting=meeting, form=form), page_status(form)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.RECORD_MEETINGS)
def edit_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = one_of_or_404(meeting.items, item_id)
    position = meeting.items.index(item) + 1
    form = forms.ItemForm(data={"title": item.title, "prompts": "\n".join(item.prompts),
                                "notes": item.notes, "position": position})
    form.position.choices = forms.choices(
        (n, f"{n}{' (where it is now)' if n == position else ''}")
        for n in range(1, len(meeting.items) + 1))

    def save() -> bool:
        changed = services.update_item(
            item, seen_version=form.version.data, actor=current_user, title=form.title.data,
            prompts=form.prompt_list, notes=form.notes.data)
        return services.move_item(item, form.position.data, current_user) or changed

    return edit_versioned(
        form, item, save, saved="Item saved.",
        next_url=lambda: url_for(".meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"),
        template="meetings/edit_item.html", meeting=meeting, item=item,
        confirm=forms.ConfirmForm())


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_MEETINGS)
def remove_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = one_of_or_404(meeting.items, item_id)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            services.remove_item(item, current_user)
        except meeting_core.MeetingError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"))
        db.session.commit()
        flash(f"“{item.title}” removed from the agenda.", "success")
        return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor="agenda"))
    return render_template("meetings/remove_item.html", meeting=meeting, item=item, form=form)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/outcomes/new",
          methods=["GET", "POST"])
@requires(Permission.RECORD_MEETINGS)
def add_outcome(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = one_of_or_404(meeting.items, item_id)
    members = programme_members()
    form = forms.OutcomeForm(data={"kind": request.args.get("kind", "")})
    form.set_owner_choices(members)
    if form.validate_on_submit():
        owner, owner_name = _owner(form, members)
        outcome = services.add_outcome(
            item, kind=OutcomeKind(form.kind.data), text=form.text.data, actor=current_user,
            owner=owner, owner_name=owner_name, due_date=form.due_date.data,
        )
        db.session.commit()
        flash(f"{outcome.kind.label} recorded"
              f"{' and added to the action log' if outcome.action else ''}.", "success")
        return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"))
    return render_template("meetings/add_outcome.html", meeting=meeting, item=item,
                           form=form), page_status(form)


@bp.post("/meetings/<int:meeting_id>/outcomes/<int:agenda_outcome_id>/remove")
@requires(Permission.RECORD_MEETINGS)
def remove_outcome(meeting_id: int, agenda_outcome_id: int):
    meeting = _meeting_or_404(meeting_id)
    outcome = next((o for i in meeting.items for o in i.outcomes if o.id == agenda_outcome_id),
                   None)
    if outcome is None:
        abort(404)
    item_id = outcome.agenda_item_id
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            services.remove_outcome(outcome, current_user)
        except meeting_core.MeetingError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{outcome.kind.label} removed.", "success")
    return redirect(url_for(".edit_item", meeting_id=meeting.id, item_id=item_id))


# -- attendance ----------------------------------------------------------------------------------

NOT_RECORDED = ""


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@requires(Permission.RECORD_MEETINGS)
def attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    invited = {a.member.id for a in meeting.attendees}
    others = [m for m in meeting_groups.group_members(g.programme) if m.id not in invited]
    form = forms.ConfirmForm()
    error = None
    if form.validate_on_submit():
        statuses = {}
        for attendee in meeting.attendees:
            value = request.form.get(f"member-{attendee.member.id}", NOT_RECORDED)
            statuses[attendee.member.id] = (AttendanceStatus(value) if value in
                                            AttendanceStatus._value2member_map_ else None)
        wanted = set(request.form.getlist("also"))
        add = [m for m in others if str(m.id) in wanted]
        statuses.update({m.id: AttendanceStatus.ATTENDED for m in add})
        try:
            changed = services.record_attendance(meeting, statuses, add=add, actor=current_user)
        except meeting_core.MeetingError as exc:
            db.session.rollback()
            error = str(exc)
            meeting = _meeting_or_404(meeting_id)
        else:
            db.session.commit()
            flash("Attendance saved." if changed else "No changes to save.", "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor="attendance"))
    attendees = sorted(meeting.attendees, key=lambda a: a.member.display_name.lower())
    return render_template(
        "meetings/attendance.html", meeting=meeting, form=form, attendees=attendees,
        others=others, error=error,
        other_items=[{"value": str(m.id), "text": f"{m.display_name} ({m.group.label.lower()})",
                      "checked": str(m.id) in request.form.getlist("also")} for m in others],
    ), (400 if error else 200)


# -- action sheets -------------------------------------------------------------------------------


def _sheet_member_or_403(meeting: Meeting, member_id: int) -> GroupMember:
    """Members fill in their own sheet; someone minuting the meeting may fill in anyone's."""
    attendee = next((a for a in meeting.attendees if a.member.id == member_id), None)
    if attendee is None or not meeting.kind.has_action_sheets:
        abort(404)
    if attendee.member.user_id != current_user.id and not can(Permission.RECORD_MEETINGS):
        abort(403)
    return attendee.member


def _sheet_page(meeting, member, sheet, sheet_form, action_form, status):
    return render_template(
        "meetings/sheet.html", meeting=meeting, member=member, sheet=sheet, form=sheet_form,
        action_form=action_form, stale=None, questions=list(SheetQuestion), rag_of=action_rag,
    ), status


def _sheet_form(sheet) -> forms.SheetForm:
    return forms.SheetForm(data={q.value: sheet.answer(q) for q in SheetQuestion} if sheet else {})


@bp.route("/meetings/<int:meeting_id>/sheets/<int:member_id>", methods=["GET", "POST"])
@requires(Permission.FILL_ACTION_SHEET)
def sheet(meeting_id: int, member_id: int):
    meeting = _meeting_or_404(meeting_id)
    member = _sheet_member_or_403(meeting, member_id)
    sheet = meeting_sheets.sheet_for(meeting, member)
    form = _sheet_form(sheet)
    action_form = forms.SheetActionForm(formdata=None)
    action_form.set_owner_choices(programme_members())
    action_form.owner.data = str(member.user_id) if member.user_id else NONE
    answers = {q: getattr(form, q.value).data or "" for q in SheetQuestion}
    return edit_versioned(
        form, lambda: meeting_sheets.sheet_for(meeting, member),
        lambda: meeting_sheets.save_sheet(meeting, member, answers=answers, actor=current_user,
                                          seen_version=form.version.data)[1],
        saved="Action sheet saved.",
        next_url=lambda: url_for(".sheet", meeting_id=meeting.id, member_id=member.id),
        template="meetings/sheet.html", meeting=meeting, member=member, sheet=sheet,
        action_form=action_form, questions=list(SheetQuestion), rag_of=action_rag)


@bp.post("/meetings/<int:meeting_id>/sheets/<int:member_id>/actions")
@requires(Permission.FILL_ACTION_SHEET)
def add_sheet_action(meeting_id: int, member_id: int):
    meeting = _meeting_or_404(meeting_id)
    member = _sheet_member_or_403(meeting, member_id)
    sheet = meeting_sheets.sheet_for(meeting, member)
    members = programme_members()
    action_form = forms.SheetActionForm()
    action_form.set_owner_choices(members)
    if sheet is None:
        flash("Save your answers first, then turn them into actions.", "error")
        return redirect(url_for(".sheet", meeting_id=meeting.id, member_id=member.id))
    if action_form.validate_on_submit():
        owner, owner_name = _owner(action_form, members)
        meeting_sheets.add_sheet_action(
            sheet, SheetQuestion(action_form.question.data), title=action_form.title.data,
            owner=owner, owner_name=owner_name, due_date=action_form.due_date.data,
            actor=current_user)
        db.session.commit()
        flash("Action added to the action log.", "success")
        return redirect(url_for(".sheet", meeting_id=meeting.id, member_id=member.id,
                                _anchor="sheet-actions"))
    form = _sheet_form(sheet)
    form.version.set(sheet.version)
    return _sheet_page(meeting, member, sheet, form, action_form, 400)


# -- the action list -----------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/action-list")
def action_list(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    return _action_list_page(meeting, forms.CirculateForm(meeting.group))


def _action_list_page(meeting, form, status: int = 200):
    actions = services.meeting_actions([meeting.id])[meeting.id]
    decisions = [o for i in meeting.items for o in i.outcomes if o.kind == OutcomeKind.DECISION]
    return render_template(
        "meetings/action_list.html", meeting=meeting, actions=actions, decisions=decisions,
        form=form, due_by=meeting_minutes.circulation_due_by(meeting,
                                                      g.programme.action_list_working_days),
        circulation_rule=meeting_minutes.circulation_rule(g.programme)), status


@bp.post("/meetings/<int:meeting_id>/circulate")
@requires(Permission.RECORD_MEETINGS)
def circulate(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.CirculateForm(meeting.group)
    if not form.validate_on_submit():
        return _action_list_page(meeting, form, status=400)
    to = meeting_minutes.CirculateTo(form.to.data)
    try:
        sent = meeting_minutes.circulate(meeting, current_user, to)
    except meeting_core.MeetingError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        groups = " and ".join(g.label.lower() for g in meeting_minutes.circulation_groups(meeting, to))
        flash(f"The action list has gone to {sent} member{'s' if sent != 1 else ''} of the "
              f"{groups} by email, and is recorded as circulated.", "success")
    return redirect(url_for(".action_list", meeting_id=meeting.id))


@bp.post("/meetings/circulation-rule")
@requires(Permission.MANAGE_MEETINGS)
def circulation_rule():
    """The authority's local choice of how to count the two days for action lists."""
    form = forms.CirculationRuleForm()
    if form.validate_on_submit():
        g.programme.action_list_working_days = form.rule.data == forms.WORKING_DAYS
        audit.record(meeting_core.PROGRAMME_SETTINGS, g.programme.id, "updated",
                     programme_id=g.programme.id, actor=current_user,
                     summary="Action lists due " + meeting_minutes.circulation_rule(g.programme))
        db.session.commit()
        flash("Action lists are now due " + meeting_minutes.circulation_rule(g.programme) + ".",
              "success")
    return redirect(url_for(".index", _anchor="circulation-rule"))


# -- planning a series ---------------------------------------------------------------------------


# Which fields' errors each button shows: a proposal needs only the start and the holidays.
_PLAN_STEPS = {"propose": {"start_date", "closures"}, "check": {"start_date", "closures", "days"}}


@bp.route("/meetings/plan", methods=["GET", "POST"])
@requires(Permission.MANAGE_MEETINGS)
def plan():
    step = request.form.get("step", "propose")
    form = forms.PlanForm(data={
        "name": f"Learning sets {clock.today().year + (clock.today().month > 9)}",
        "facilitators": meeting_series.consultant_names(g.programme),
    })
    day_fields = form.day_fields()
    proposal = None
    warnings: dict[int, list[str]] = {}
    if form.is_submitted():
        form.validate()
        if step in _PLAN_STEPS:
            for field in form:
                shown = "days" if field in day_fields else field.name
                if shown not in _PLAN_STEPS[step]:
                    field.errors = []
        closures = [] if form.closures.errors else form.closures.data
        if step == "propose" and form.start_date.data and not (
                form.start_date.errors or form.closures.errors):
            proposal = planner.propose_series(form.start_date.data, closures)
            for field, planned in zip(day_fields, proposal, strict=True):
                field.data, field.raw_data = planned.day, None
        elif step != "propose" and not any(f.errors for f in day_fields):
            proposal = [planner.PlannedMeeting(kind, number, group, field.data)
                        for (_n, kind, number, group, _after), field
                        in zip(planner.SERIES_SHAPE, day_fields, strict=True)]
        if proposal:
            for warning in planner.check_dates(
                    [(p.kind, p.number, p.group, p.day) for p in proposal], closures):
                warnings.setdefault(warning.index, []).append(warning.message)
        has_errors = any(field.errors for field in form)
        if step == "save" and proposal and not has_errors:
            series = meeting_series.plan_series(
                g.programme, name=form.name.data, start_date=form.start_date.data,
                closures=closures, days=[p.day for p in proposal], location=form.location.data,
                call_link=form.call_link.data, facilitators=form.facilitators.data,
                actor=current_user)
            db.session.commit()
            count = sum(len(w) for w in warnings.values())
            flash(f"{series.name} saved: {len(proposal)} meetings, each with its agenda."
                  + (f" Check the {count} warning{'s' if count != 1 else ''} about dates."
                     if count else ""), "success")
            return redirect(url_for(".series", series_id=series.id))
    else:
        has_errors = False
    return render_template(
        "meetings/plan.html", form=form, proposal=proposal,
        show_rows=proposal is not None or (form.is_submitted() and step != "propose"),
        start_parts=form.start_date.raw_data or (
            form.start_date.data.strftime("%d %m %Y").split() if form.start_date.data
            else ["", "", ""]),
        rows=_plan_rows(day_fields, warnings, [] if form.closures.errors else form.closures.data),
        gap=planner.MIN_GAP_WORKING_DAYS,
    ), (400 if has_errors else 200)


def _plan_rows(day_fields, warnings: dict[int, list[str]], closures) -> list[dict]:
    """Each date field with its hint (group, working days since the group's last set) and
    the warnings about it."""
    rows = []
    last: dict[GroupKind, tuple[date, str]] = {}
    for i, ((_n, kind, number, group, _after), field) in enumerate(
            zip(planner.SERIES_SHAPE, day_fields, strict=True)):
        hint = group.label
        if kind.is_learning_set and isinstance(field.data, date) and not field.errors:
            if group in last:
                gap = planner.working_days_between(last[group][0], field.data, closures)
                hint += f" · {gap} working days after {last[group][1]}"
            last[group] = (field.data, kind.title(number))
        rows.append({"field": field, "hint": hint, "warnings": warnings.get(i, [])})
    return rows


@bp.get("/meetings/series/<int:series_id>")
def series(series_id: int):
    series = get_in_programme_or_404(MeetingSeries, series_id,
                                     joinedload(MeetingSeries.created_by))
    return render_template("meetings/series.html", series=series,
                           rows=meeting_series.series_rows(series))


# -- groups --------------------------------------------------------------------------------------


@bp.get("/groups")
def groups():
    members = meeting_groups.group_members(g.programme, include_left=True)
    attendance = meeting_groups.attendance_by_member(g.programme, members)
    return render_template(
        "meetings/groups.html", members=members, attendance=attendance,
        missed_ids=[i for i, a in attendance.items() if a.missed_two_in_a_row],
        missing={group: meeting_groups.missing_roles(group, members) for group in GroupKind},
        GroupKind=GroupKind,
    )


def _group_page(group: GroupKind):
    members = meeting_groups.group_members(g.programme, group, include_left=True)
    attendance = meeting_groups.attendance_by_member(g.programme, members)
    return render_template(
        "meetings/group.html", group=group, members=members, attendance=attendance,
        missed_ids=[i for i, a in attendance.items() if a.missed_two_in_a_row],
        missing=meeting_groups.missing_roles(group, members),
        roles=agendas.current().roles_for(group), agenda_set=agendas.current(),
    )


@bp.get("/groups/strategic")
def strategic_group():
    return _group_page(GroupKind.STRATEGIC)


@bp.get("/groups/practice")
def practice_group():
    return _group_page(GroupKind.PRACTICE)


def _add_member(group: GroupKind):
    memberships = programme_members()
    current = {m.user_id for m in meeting_groups.group_members(g.programme, group) if m.user_id}
    roles = agendas.current().roles_for(group)
    form = forms.MemberForm(data={"framework_role": request.args.get("role", NONE)})
    form.user.choices = forms.choices(
        [(NONE, "Choose a person"), (forms.NO_ACCOUNT, "Someone without an account")]
        + [(m.user.id, f"{m.user.name}{f' ({m.job_role})' if m.job_role else ''}")
           for m in memberships if m.user.id not in current])
    form.framework_role.choices = forms.role_choices(roles)
    if form.validate_on_submit():
        membership = next((m for m in memberships if str(m.user.id) == form.user.data), None)
        job_title = form.job_title.data
        if not job_title and membership is not None:
            job_title = membership.job_role or ""
        try:
            member = meeting_groups.add_member(
                g.programme, group, actor=current_user,
                user=membership.user if membership else None,
                name=form.name.data if membership is None else "", job_title=job_title,
                framework_role=form.framework_role.data or None,
            )
        except meeting_core.MeetingError as exc:
            db.session.rollback()
            getattr(form, exc.field or "user").errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{member.display_name} added to the {group.label.lower()}.", "success")
            return redirect(url_for(f".{group.value}_group"))
    return render_template("meetings/add_member.html", group=group, form=form), page_status(form)


@bp.route("/groups/strategic/members/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_GROUPS)
def add_strategic_member():
    return _add_member(GroupKind.STRATEGIC)


@bp.route("/groups/practice/members/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_GROUPS)
def add_practice_member():
    return _add_member(GroupKind.PRACTICE)


@bp.get("/groups/members/<int:member_id>")
def member(member_id: int):
    member = _member_or_404(member_id)
    return render_template("meetings/member.html", member=member, **_member_context([member]))


@bp.route("/groups/members/<int:member_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_GROUPS)
def edit_member(member_id: int):
    member = _member_or_404(member_id)
    form = forms.EditMemberForm(data={
        "name": member.name, "job_title": member.job_title,
        "framework_role": member.framework_role or NONE, "left": not member.active,
    })
    form.framework_role.choices = forms.role_choices(agendas.current().roles_for(member.group))
    return edit_versioned(
        form, member,
        lambda: meeting_groups.update_member(
            member, seen_version=form.version.data, actor=current_user, name=form.name.data,
            job_title=form.job_title.data, framework_role=form.framework_role.data or None,
            left=form.left.data),
        saved="Saved.", next_url=lambda: url_for(".member", member_id=member.id),
        template="meetings/edit_member.html", rule_field="name", member=member)


# -- decisions -----------------------------------------------------------------------------------


@bp.get("/decisions")
def decisions():
    return render_template("meetings/decisions.html",
                           decisions=services.decisions(g.programme))


@bp.get("/meetings/<int:meeting_id>/agenda/print")
def agenda_print(meeting_id: int):
    """The agenda as a paper document for the meeting: no edit links, no forms."""
    meeting = _meeting_or_404(meeting_id)
    return render_template("meetings/agenda_print.html", meeting=meeting)


@bp.get("/meetings/<int:meeting_id>/sheets/print")
def sheets_print(meeting_id: int):
    """A blank action sheet for each invitee, with their name on it, one to a page."""
    meeting = _meeting_or_404(meeting_id)
    if not meeting.kind.has_action_sheets:
        abort(404)
    return render_template("meetings/sheets_print.html", meeting=meeting,
                           questions=list(SheetQuestion))
