"""Sign in, sign out, set a password from an invitation, and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from tracker import calendar
from tracker.auth import services
from tracker.auth.forms import (
    ChangePasswordForm,
    NotificationsForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
)
from tracker.extensions import db, limiter
from tracker.web import start_session

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an off-site `next` would make sign-in a phishing aid."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("main.home")
    return target


def _sign_in_rate_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_sign_in_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    refusal = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInRefused as exc:
            refusal = str(exc)
        else:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if (form.errors or refusal) else 200
    return render_template("auth/login.html", form=form, refusal=refusal), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # A copy of this session's cookie must not keep working: every session of the
        # person ends with a new login token.
        current_user.rotate_login_token()
        db.session.commit()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = services.user_for_invite(token)
    if user is None:
        return render_template("auth/invite_invalid.html", title="This link has expired"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        db.session.commit()
        logout_user()
        start_session(user)
        flash("Your password is set. Welcome to Homeward.", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/set_password.html", form=form, user=user), (
        400 if form.errors else 200
    )


@bp.post("/account/calendar")
@login_required
def calendar_feed():
    """Turn the private calendar feed on, give it a new address, or turn it off."""
    choice = request.form.get("feed")
    if choice == "on":
        calendar.turn_on(current_user)
        flash("Your calendar feed is on. Add the address below to your calendar program.",
              "success")
    elif choice == "off":
        calendar.turn_off(current_user)
        flash("Your calendar feed is off. The old address no longer works.", "success")
    else:
        abort(400)
    db.session.commit()
    return redirect(url_for(".account") + "#calendar")


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(_sign_in_rate_limit, methods=["POST"])
def account():
    profile = ProfileForm(prefix="profile", obj=current_user)
    password = ChangePasswordForm(current_user, prefix="password")
    notifications = NotificationsForm(prefix="notifications", obj=current_user)
    if request.method == "POST":
        which = request.form.get("form")
        if which == "profile" and profile.validate_on_submit():
            current_user.name = profile.name.data
            db.session.commit()
            flash("Your name has been updated.", "success")
            return redirect(url_for(".account"))
        if which == "password" and password.validate_on_submit():
            current_user.set_password(password.password.data)
            db.session.commit()
            # The login token rotated, ending other sessions; keep this one signed in.
            start_session(current_user._get_current_object())
            flash("Your password has been changed. Other devices have been signed out.",
                  "success")
            return redirect(url_for(".account"))
        if which == "notifications" and notifications.validate_on_submit():
            notifications.populate_obj(current_user)
            db.session.commit()
            flash("Your email choices have been saved.", "success")
            return redirect(url_for(".account") + "#notifications")
        if which not in {"profile", "password", "notifications"}:
            abort(400)
    has_errors = bool(profile.errors or password.errors or notifications.errors)
    return render_template("auth/account.html", profile=profile, password=password,
                           notifications=notifications), (400 if has_errors else 200)
