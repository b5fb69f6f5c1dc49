"""Postcards between the strategic and the practice groups.

URLs: /postcards (inbox), /postcards/new, /postcards/<id> (the postcard: a draft to edit, or
a sent postcard to answer), /postcards/<id>/print, /postcards/conversation.

Writing for a group, and answering what was sent to it, takes a role that may write (the
permissions table) and a current place in that group (GroupMember): anyone else gets 403.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import audit, clock
from tracker.actions.services import action_rag
from tracker.extensions import db
from tracker.forms import NONE, edit_versioned, page_status
from tracker.models import (
    FINISHED_ACTION_STATUSES,
    Action,
    AnswerKind,
    GroupKind,
    ItemKind,
    Meeting,
    Postcard,
)
from tracker.permissions import Permission, can, requires
from tracker.postcards import forms, services
from tracker.tenancy import (
    authority_blueprint,
    get_in_programme_or_404,
    one_of_or_404,
    programme_members,
)

bp = authority_blueprint("postcards", __name__, "/postcards")


def _postcard_or_404(postcard_id: int) -> Postcard:
    return get_in_programme_or_404(Postcard, postcard_id, *services.page_options())


def _my_groups() -> set[GroupKind]:
    if "postcard_groups" not in g:
        g.postcard_groups = services.groups_of(g.programme, current_user)
    return g.postcard_groups


def _require_group(group: GroupKind) -> None:
    if group not in _my_groups():
        abort(403)


def _owner(form, members):
    if form.owner.data and form.owner.data != NONE:
        return next(m.user for m in members if str(m.user.id) == form.owner.data), ""
    return None, form.owner_name.data or ""


def _meeting(form) -> Meeting | None:
    if not form.meeting.data or form.meeting.data == NONE:
        return None
    return get_in_programme_or_404(Meeting, int(form.meeting.data))


def _sent_refusal(postcard: Postcard):
    """Sent postcards are fixed: back to the postcard, saying how to add to it."""
    flash("This postcard has been sent and cannot be changed. Write a new postcard, or answer "
          "it, to add to the conversation.", "error")
    return redirect(url_for(".show", postcard_id=postcard.id))


@bp.app_template_global()
def may_write_postcard(group: GroupKind) -> bool:
    """Whether the signed-in person may write for (or answer as) this group."""
    return can(Permission.WRITE_POSTCARDS) and group in _my_groups()


@bp.app_template_global()
def may_answer_postcard(postcard: Postcard) -> bool:
    return (can(Permission.ANSWER_POSTCARDS) and not postcard.is_draft
            and postcard.to_group in _my_groups())


@bp.app_template_global()
def postcard_waiting_label(days: int) -> str:
    return services.waiting_label(days)


@bp.app_template_global()
def postcard_review_context(meeting: Meeting) -> dict:
    """For the learning-set page's list of postcards to review (postcards/_for_meeting.html)."""
    return {"postcards": services.for_meeting(meeting),
            "may_review": can(Permission.ANSWER_POSTCARDS) and meeting.group in _my_groups(),
            "form": forms.ConfirmForm()}


# -- reading -------------------------------------------------------------------------------------


@bp.get("")
def index():
    box = services.inbox(g.programme, _my_groups())
    return render_template("postcards/index.html", inbox=box, groups=list(GroupKind),
                           my_groups=_my_groups())


@bp.get("/conversation")
def conversation():
    return render_template("postcards/conversation.html",
                           postcards=services.conversation(g.programme), rag_of=action_rag,
                           today=clock.today())


@bp.get("/<int:postcard_id>")
def show(postcard_id: int):
    postcard = _postcard_or_404(postcard_id)
    history = audit.history(services.POSTCARD, postcard.id) + audit.history(
        services.ITEM, [i.id for i in postcard.items]) + audit.history(
        services.ANSWER, [a.id for i in postcard.items for a in i.answers])
    return render_template(
        "postcards/show.html", postcard=postcard, rag_of=action_rag,
        history=sorted(history, key=lambda e: (e.at, e.id), reverse=True),
        may_edit=postcard.is_draft and may_write_postcard(postcard.from_group),
        item_form=forms.ItemForm(), confirm=forms.ConfirmForm(),
    )


@bp.get("/<int:postcard_id>/print")
def print_view(postcard_id: int):
    postcard = _postcard_or_404(postcard_id)
    return render_template("postcards/print.html", postcard=postcard, rag_of=action_rag)


# -- writing -------------------------------------------------------------------------------------


def _meeting_choices(form, group: GroupKind | None) -> None:
    groups = [group] if group else list(GroupKind)
    sets = [m for grp in groups for m in services.learning_sets(g.programme, grp)]
    form.meeting.choices = forms.meeting_choices(sets)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.WRITE_POSTCARDS)
def new():
    mine = _my_groups()
    if not mine:
        abort(403)
    only = next(iter(mine)) if len(mine) == 1 else None
    meeting_id = request.args.get("meeting", NONE)
    form = forms.NewPostcardForm(data={"from_group": only.value if only else "",
                                       "meeting": meeting_id})
    form.from_group.choices = forms.choices(
        (grp.value, f"The {grp.label.lower()}") for grp in GroupKind if grp in mine)
    _meeting_choices(form, only)
    if form.validate_on_submit():
        group = GroupKind(form.from_group.data)
        try:
            postcard = services.create_postcard(
                g.programme, from_group=group, actor=current_user, greeting=form.greeting.data,
                meeting=_meeting(form))
        except services.PostcardError as exc:
            db.session.rollback()
            getattr(form, exc.field or "from_group").errors.append(str(exc))
        else:
            db.session.commit()
            flash("Draft postcard started. Add the commitments and the requests.", "success")
            return redirect(url_for(".show", postcard_id=postcard.id))
    return render_template("postcards/new.html", form=form, only=only), page_status(form)


@bp.route("/<int:postcard_id>/edit", methods=["GET", "POST"])
@requires(Permission.WRITE_POSTCARDS)
def edit(postcard_id: int):
    postcard = _postcard_or_404(postcard_id)
    _require_group(postcard.from_group)
    if not postcard.is_draft:
        return _sent_refusal(postcard)
    form = forms.EditPostcardForm(data={"greeting": postcard.greeting,
                                        "meeting": str(postcard.meeting_id or NONE)})
    _meeting_choices(form, postcard.from_group)
    return edit_versioned(
        form, postcard,
        lambda: services.update_postcard(postcard, seen_version=form.version.data,
                                         actor=current_user, greeting=form.greeting.data,
                                         meeting=_meeting(form)),
        saved="Postcard saved.", next_url=lambda: url_for(".show", postcard_id=postcard.id),
        template="postcards/edit.html", postcard=postcard)


@bp.route("/<int:postcard_id>/items/new", methods=["GET", "POST"])
@requires(Permission.WRITE_POSTCARDS)
def add_item(postcard_id: int):
    postcard = _postcard_or_404(postcard_id)
    _require_group(postcard.from_group)
    if not postcard.is_draft:
        return _sent_refusal(postcard)
    form = forms.ItemForm(data={"kind": request.args.get("kind", "")})
    if form.validate_on_submit():
        item = services.add_item(postcard, kind=ItemKind(form.kind.data), text=form.text.data,
                                 actor=current_user)
        db.session.commit()
        flash(f"{item.kind.label} added.", "success")
        return redirect(url_for(".show", postcard_id=postcard.id, _anchor=f"item-{item.id}"))
    return render_template("postcards/add_item.html", postcard=postcard,
                           form=form), page_status(form)


@bp.route("/<int:postcard_id>/items/<int:postcard_item_id>", methods=["GET", "POST"])
@requires(Permission.WRITE_POSTCARDS)
def edit_item(postcard_id: int, postcard_item_id: int):
    postcard = _postcard_or_404(postcard_id)
    item = one_of_or_404(postcard.items, postcard_item_id)
    _require_group(postcard.from_group)
    if not postcard.is_draft:
        return _sent_refusal(postcard)
    form = forms.EditItemForm(data={"text": item.text})
    return edit_versioned(
        form, item,
        lambda: services.update_item(item, seen_version=form.version.data, actor=current_user,
                                     text=form.text.data),
        saved=f"{item.kind.label} saved.",
        next_url=lambda: url_for(".show", postcard_id=postcard.id, _anchor=f"item-{item.id}"),
        template="postcards/edit_item.html", postcard=postcard, item=item,
        confirm=forms.ConfirmForm())


@bp.post("/<int:postcard_id>/items/<int:postcard_item_id>/remove")
@requires(Permission.WRITE_POSTCARDS)
def remove_item(postcard_id: int, postcard_item_id: int):
    postcard = _postcard_or_404(postcard_id)
    item = one_of_or_404(postcard.items, postcard_item_id)
    _require_group(postcard.from_group)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            services.remove_item(item, current_user)
        except services.PostcardError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{item.kind.label} removed.", "success")
    return redirect(url_for(".show", postcard_id=postcard.id))


@bp.route("/<int:postcard_id>/send", methods=["GET", "POST"])
@requires(Permission.WRITE_POSTCARDS)
def send(postcard_id: int):
    postcard = _postcard_or_404(postcard_id)
    _require_group(postcard.from_group)
    if not postcard.is_draft:
        flash("This postcard has already been sent.", "success")
        return redirect(url_for(".show", postcard_id=postcard.id))
    form = forms.ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            services.send(postcard, current_user)
        except services.PostcardError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(f"Postcard sent to the {postcard.to_group.label.lower()}.", "success")
            return redirect(url_for(".show", postcard_id=postcard.id))
    return render_template("postcards/send.html", postcard=postcard, form=form, error=error,
                           rag_of=action_rag), 400 if error else 200


# -- following commitments with actions ---------------------------------------------------------


def _open_actions() -> list[Action]:
    return list(db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.programme_id == g.programme.id,
               Action.status.not_in(FINISHED_ACTION_STATUSES))
        .order_by(Action.due_date.is_(None), Action.due_date, Action.id)
    ).scalars())


@bp.route("/<int:postcard_id>/items/<int:postcard_item_id>/action", methods=["GET", "POST"])
@requires(Permission.CREATE_ACTION)
def commitment_action(postcard_id: int, postcard_item_id: int):
    postcard = _postcard_or_404(postcard_id)
    item = one_of_or_404(postcard.items, postcard_item_id)
    _require_group(postcard.from_group)
    if item.kind != ItemKind.COMMITMENT:
        abort(404)
    members = programme_members()
    form = forms.CommitmentActionForm(data={"title": item.text[:300]})
    form.set_owner_choices(members)
    link = forms.LinkActionForm(prefix="link")
    link.action.choices = forms.choices([(NONE, "Choose an action")] + [
        (a.id, f"{a.title} ({a.owner_label or 'no owner'}"
               f"{', due ' + clock.format_date(a.due_date) if a.due_date else ''})")
        for a in _open_actions()])
    if request.method == "POST" and "link" in request.form:
        if link.validate_on_submit():
            action = get_in_programme_or_404(Action, int(link.action.data))
            try:
                services.link_action(item, action, current_user)
            except services.PostcardError as exc:
                db.session.rollback()
                link.action.errors.append(str(exc))
            else:
                db.session.commit()
                flash("Commitment linked to the action.", "success")
                return redirect(url_for(".show", postcard_id=postcard.id,
                                        _anchor=f"item-{item.id}"))
    elif form.validate_on_submit():
        owner, owner_name = _owner(form, members)
        services.turn_into_action(item, actor=current_user, title=form.title.data, owner=owner,
                                  owner_name=owner_name, due_date=form.due_date.data)
        db.session.commit()
        flash("Action made from the commitment and added to the action log.", "success")
        return redirect(url_for(".show", postcard_id=postcard.id, _anchor=f"item-{item.id}"))
    errors = form.errors or link.errors
    return render_template("postcards/commitment_action.html", postcard=postcard, item=item,
                           form=form, link_form=link), 400 if errors else 200


# -- answering and reviewing ---------------------------------------------------------------------


@bp.route("/<int:postcard_id>/items/<int:postcard_item_id>/answer", methods=["GET", "POST"])
@requires(Permission.ANSWER_POSTCARDS)
def answer(postcard_id: int, postcard_item_id: int):
    postcard = _postcard_or_404(postcard_id)
    item = one_of_or_404(postcard.items, postcard_item_id)
    _require_group(postcard.to_group)
    if postcard.is_draft or item.kind != ItemKind.REQUEST:
        abort(404)
    members = programme_members()
    form = forms.AnswerForm(data={"kind": AnswerKind.ANSWER.value})
    form.set_owner_choices(members)
    meeting = services.next_meeting(g.programme.id, postcard.to_group)
    if form.validate_on_submit():
        kind = AnswerKind(form.kind.data)
        if kind == AnswerKind.ACTION and not can(Permission.CREATE_ACTION):
            abort(403)
        owner, owner_name = _owner(form, members)
        try:
            services.answer(item, kind=kind, text=form.text.data, actor=current_user,
                            owner=owner, owner_name=owner_name, due_date=form.due_date.data)
        except services.PostcardError as exc:
            db.session.rollback()
            getattr(form, exc.field or "text").errors.append(str(exc))
            postcard = _postcard_or_404(postcard_id)
            item = one_of_or_404(postcard.items, postcard_item_id)
        else:
            flash("Answer sent to the " + postcard.from_group.label.lower() + ".", "success")
            return redirect(url_for(".show", postcard_id=postcard.id, _anchor=f"item-{item.id}"))
    return render_template("postcards/answer.html", postcard=postcard, item=item, form=form,
                           next_meeting=meeting, rag_of=action_rag), page_status(form)


@bp.post("/<int:postcard_id>/review")
@requires(Permission.ANSWER_POSTCARDS)
def review(postcard_id: int):
    postcard = _postcard_or_404(postcard_id)
    _require_group(postcard.to_group)
    form = forms.ConfirmForm()
    meeting_id = request.form.get("meeting", "")
    meeting = get_in_programme_or_404(Meeting, int(meeting_id)) if meeting_id.isdigit() else None
    if form.validate_on_submit():
        if meeting is None:
            flash("Choose the meeting the postcard was reviewed at.", "error")
        else:
            try:
                services.review(postcard, meeting, current_user)
            except services.PostcardError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(f"Postcard marked as reviewed at {meeting.title}.", "success")
    back = request.form.get("back", "")
    if back == "meeting" and meeting is not None:
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="postcards"))
    return redirect(url_for(".show", postcard_id=postcard.id))
