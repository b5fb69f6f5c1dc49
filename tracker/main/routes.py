"""The front door: where a signed-in person lands, the authority switcher, the dashboard."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from tracker import calendar
from tracker.checklist import services as checklist
from tracker.extensions import db
from tracker.main import services
from tracker.meetings import contributions as meeting_contributions
from tracker.meetings import minutes as meeting_minutes
from tracker.models import Role
from tracker.postcards import services as postcard_services
from tracker.stakeholders import services as stakeholder_services
from tracker.tenancy import authority_blueprint, my_memberships

bp = Blueprint("main", __name__)
authority_bp = authority_blueprint("authority", __name__)


@bp.get("/")
@login_required
def home():
    memberships = my_memberships()
    if any(m.role == Role.CONSULTANT for m in memberships):
        return redirect(url_for("portfolio.index"))
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


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The private feed: the secret token in the address is the only credential."""
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    body = calendar.build(user)
    response = Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": 'inline; filename="homeward.ics"',
                                 "Cache-Control": "private, max-age=900"})
    # Calendar programs poll: an unchanged feed is answered 304 without sending it again.
    response.set_etag(calendar.etag(body))
    return response.make_conditional(request)


@bp.get("/sources")
@login_required
def sources():
    """The published documents Homeward's content cites, with their full titles and publishers."""
    from tracker import sources as documents

    return render_template("main/sources.html", documents=documents.current().values())


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@authority_bp.get("/")
def dashboard():
    from tracker.health import services as health

    assessment = health.assess(g.programme, g.authority.slug)
    observer = g.membership.role == Role.OBSERVER
    starting = [] if observer else health.getting_started(g.programme)
    return render_template(
        "main/dashboard.html",
        health=assessment,
        since=health.since_last_steering(assessment),
        trend=health.trend(g.programme),
        observer=observer,
        # The task list shows while the authority has little set up: two or more to do.
        getting_started=starting if sum(not t.done for t in starting) >= 2 else [],
        facts=services.empty_state_facts(g.programme),
        progress=checklist.phase_progress(g.programme),
        board=services.dashboard(g.programme),
        mine=services.my_open_actions(g.programme, current_user),
        meetings=meeting_contributions.dashboard(g.programme),
        circulation_rule=meeting_minutes.circulation_rule(g.programme),
        engagements_due=stakeholder_services.due_engagements(g.programme),
        postcards=postcard_services.dashboard(g.programme),
    )
