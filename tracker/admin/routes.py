"""Site administration: authorities, accounts and memberships.

Administrators see no authority's content here, only who belongs where.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.admin import services
from tracker.admin.forms import (
    AuthorityForm,
    ChangeRoleForm,
    EditUserForm,
    MembershipForm,
    UserForm,
)
from tracker.api import services as api_tokens
from tracker.auth.services import clear_throttle, invite_token
from tracker.extensions import db
from tracker.links import external_url
from tracker.models import Authority, Membership, OutboxMessage, Role, User
from tracker.notifications.delivery import smtp_configured

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_site_admins():
    if not current_user.is_site_admin:
        abort(404)


def _invite_link(user: User) -> str:
    # From BASE_URL, never from the request's Host header, which the client chooses.
    return external_url("auth.set_password", token=invite_token(user))


def _authority_or_404(slug: str) -> Authority:
    authority = services.authority_by_slug(slug)
    if authority is None:
        abort(404)
    return authority


@bp.get("")
def index():
    counts = dict(
        db.session.execute(
            select(Membership.authority_id, func.count()).group_by(Membership.authority_id)
        ).all()
    )
    authorities = db.session.execute(select(Authority).order_by(Authority.name)).scalars().all()
    users = db.session.execute(select(User).order_by(User.name)).scalars().all()
    return render_template(
        "admin/index.html", authorities=authorities, counts=counts, users=users
    )


@bp.route("/authorities/new", methods=["GET", "POST"])
def new_authority():
    form = AuthorityForm()
    if form.validate_on_submit():
        try:
            authority = services.create_authority(
                form.name.data, slug=form.slug.data or None, start_date=form.start_date.data,
                actor=current_user,
            )
        except services.AdminError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{authority.name} created with its programme.", "success")
            return redirect(url_for(".authority", slug=authority.slug))
    return render_template("admin/new_authority.html", form=form), 400 if form.errors else 200


@bp.route("/authorities/<slug>", methods=["GET", "POST"])
def authority(slug: str):
    authority = _authority_or_404(slug)
    form = MembershipForm()
    if form.validate_on_submit():
        user = services.user_by_email(form.email.data)
        try:
            if user is None:
                raise services.AdminError(
                    "email", "There is no account with that email address: create it first"
                )
            services.add_member(user, authority, Role(form.role.data),
                                job_role=form.job_role.data, actor=current_user)
        except services.AdminError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{user.name} added to {authority.name}.", "success")
            return redirect(url_for(".authority", slug=slug))
    members = db.session.execute(
        select(Membership)
        .join(Membership.user)
        .options(joinedload(Membership.user))
        .where(Membership.authority_id == authority.id)
        .order_by(User.name)
    ).scalars().all()
    return render_template(
        "admin/authority.html", authority=authority, members=members, form=form
    ), 400 if form.errors else 200


def _membership_or_404(slug: str, membership_id: int) -> Membership:
    membership = db.session.execute(
        select(Membership)
        .join(Membership.authority)
        .options(joinedload(Membership.user), joinedload(Membership.authority))
        .where(Membership.id == membership_id, Authority.slug == slug)
    ).scalar_one_or_none()
    if membership is None:
        abort(404)
    return membership


@bp.route("/authorities/<slug>/members/<int:membership_id>", methods=["GET", "POST"])
def membership(slug: str, membership_id: int):
    membership = _membership_or_404(slug, membership_id)
    form = ChangeRoleForm(data={"role": membership.role.value, "job_role": membership.job_role})
    if form.validate_on_submit():
        services.change_role(membership, Role(form.role.data), form.job_role.data, current_user)
        db.session.commit()
        flash(f"{membership.user.name}'s membership updated.", "success")
        return redirect(url_for(".authority", slug=slug))
    return render_template(
        "admin/membership.html", membership=membership, form=form
    ), 400 if form.errors else 200


@bp.post("/authorities/<slug>/members/<int:membership_id>/remove")
def remove_membership(slug: str, membership_id: int):
    membership = _membership_or_404(slug, membership_id)
    name = membership.user.name
    services.remove_member(membership, current_user)
    db.session.commit()
    flash(f"{name} removed from {membership.authority.name}.", "success")
    return redirect(url_for(".authority", slug=slug))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.name.data, password=form.password.data or None,
                is_site_admin=form.is_site_admin.data,
            )
        except services.AdminError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            if user.password_hash is None:
                flash(f"Account created for {user.name}. Send them the link below so they can "
                      "set a password.", "success")
                return redirect(url_for(".user", user_id=user.id, invite=1))
            flash(f"Account created for {user.name}.", "success")
            return redirect(url_for(".user", user_id=user.id))
    return render_template("admin/new_user.html", form=form), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/password-link")
def password_link(user_id: int):
    """A new set-password link: the earlier ones stop working, the person's sessions end, and
    any sign-in lock on their address is lifted so the new password works at once."""
    user = db.session.get(User, user_id) or abort(404)
    user.rotate_login_token()
    clear_throttle(user.email)
    db.session.commit()
    return redirect(url_for(".user", user_id=user.id, invite=1))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and not (form.active.data and form.is_site_admin.data):
            form.is_site_admin.errors.append(
                "You cannot remove your own administrator rights or deactivate yourself"
            )
        else:
            user.name = form.name.data
            user.active = form.active.data
            user.is_site_admin = form.is_site_admin.data
            db.session.commit()
            flash(f"{user.name}'s account updated.", "success")
            return redirect(url_for(".user", user_id=user.id))
    memberships = db.session.execute(
        select(Membership)
        .options(joinedload(Membership.authority))
        .where(Membership.user_id == user.id)
    ).scalars().all()
    invite = _invite_link(user) if request.args.get("invite") else None
    return render_template(
        "admin/user.html", user=user, form=form, memberships=memberships, invite=invite,
        tokens=api_tokens.every_token(user),
    ), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/api-tokens/<int:token_id>/revoke")
def revoke_api_token(user_id: int, token_id: int):
    user = db.session.get(User, user_id) or abort(404)
    token = api_tokens.revoke_token(user, token_id, current_user._get_current_object()) or abort(404)
    db.session.commit()
    told = " An email tells them so." if user.active and user.id != current_user.id else ""
    flash(f"{user.name}'s token ‘{token.name}’ is revoked: it no longer works.{told}", "success")
    return redirect(url_for(".user", user_id=user.id) + "#api-tokens")


@bp.get("/outbox")
def outbox():
    """Every message, newest first: what waits (e.g. with no mail server set), what failed
    and why, what went."""
    state = request.args.get("state", "waiting")
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if state == "waiting":
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None))
    elif state == "failing":
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None),
                            OutboxMessage.last_error != "")
    elif state == "failed":
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None),
                            OutboxMessage.failed_at.is_not(None))
    elif state == "sent":
        query = query.where(OutboxMessage.sent_at.is_not(None))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50,
                       error_out=False)
    return render_template("admin/outbox.html", page=page, state=state,
                           smtp=smtp_configured())


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("admin/outbox_message.html", message=message)


@bp.post("/outbox/<int:message_id>/cancel")
def cancel_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.sent_at is None:
        message.cancelled_at = clock.now()
        db.session.commit()
        flash(f"“{message.subject}” will not be sent.", "success")
    return redirect(url_for(".outbox"))


@bp.post("/outbox/<int:message_id>/retry")
def retry_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.sent_at is None:
        message.cancelled_at = None
        message.failed_at = None  # one more try; a further failure marks it failed again
        message.next_attempt_at = clock.now()
        db.session.commit()
        flash(f"“{message.subject}” will be tried again within a minute.", "success")
    return redirect(url_for(".outbox"))
