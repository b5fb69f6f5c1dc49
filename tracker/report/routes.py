"""/a/<slug>/report: the steering-group report, to print or save as PDF from the browser."""

from __future__ import annotations

from flask import g, render_template

from tracker.report import services
from tracker.tenancy import authority_blueprint

bp = authority_blueprint("report", __name__, "/report")


@bp.get("")
def show():
    return render_template("report/show.html",
                           report=services.build(g.programme, slug=g.authority.slug),
                           SHOWN=services.SHOWN)
