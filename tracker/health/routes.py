"""/a/<slug>/health: how the status is worked out, and the lead's own thresholds."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask_login import current_user

from tracker.forms import edit_versioned
from tracker.health import services, snapshots
from tracker.health import thresholds as threshold_data
from tracker.health.signals import SERIOUS, WARNING
from tracker.health.status import TOP_REASONS
from tracker.permissions import Permission, requires
from tracker.tenancy import authority_blueprint

bp = authority_blueprint("health", __name__, "/health")


@bp.get("")
def how():
    assessment = services.assess(g.programme, g.authority.slug)
    return render_template(
        "health/how.html", assessment=assessment, defaults=threshold_data.defaults(),
        trend=services.trend(g.programme), keep_days=snapshots.KEEP_DAYS,
        top_reasons=TOP_REASONS, SERIOUS=SERIOUS, WARNING=WARNING)


@bp.route("/thresholds", methods=["GET", "POST"])
@requires(Permission.SET_HEALTH_THRESHOLDS)
def thresholds():
    from tracker.health.forms import thresholds_form

    row = services.settings_for(g.programme)
    current = threshold_data.merge(row.thresholds if row else {})
    form = thresholds_form(current.values, request.form if request.method == "POST" else None)
    keys = list(threshold_data.defaults())

    def save() -> bool:
        return services.update_thresholds(g.programme, {k: form[k].data for k in keys},
                                          seen_version=form.version.data, actor=current_user)

    return edit_versioned(form, lambda: services.settings_for(g.programme), save, saved="Thresholds saved.",
                          next_url=lambda: url_for(".how"), template="health/thresholds.html",
                          keys=keys, defaults=threshold_data.defaults(), local=current.local)
