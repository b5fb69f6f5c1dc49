"""The front door: where a signed-in person lands, the authority switcher, the dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from tracker.checklist import services as checklist
from tracker.extensions import db
from tracker.tenancy import authority_blueprint
from tracker.web import my_memberships

bp = Blueprint("main", __name__)
authority_bp = authority_blueprint("authority", __name__)


@bp.get("/")
@login_required
def home():
    memberships = my_memberships()
    if len(memberships) == 1:
        return redirect(url_for("authority.dashboard", authority_slug=memberships[0].authority.slug))
    if not memberships and current_user.is_site_admin:
        return redirect(url_for("admin.index"))
    return render_template("main/home.html", memberships=memberships)


@bp.get("/switch")
@login_required
def switch_authority():
    """The header's authority switcher posts here without JavaScript."""
    slug = request.args.get("authority", "")
    if not any(m.authority.slug == slug for m in my_memberships()):
        abort(404)
    return redirect(url_for("authority.dashboard", authority_slug=slug))


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@authority_bp.get("/")
def dashboard():
    return render_template("main/dashboard.html", progress=checklist.phase_progress())
