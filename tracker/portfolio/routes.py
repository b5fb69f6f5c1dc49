"""/portfolio: the NSPCC consultant's view across every authority they support.

Only the authorities where the person is a consultant appear; anyone who supports none gets
404, like any other page that is not theirs."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from tracker import clock, imports
from tracker.models import Role
from tracker.portfolio import services
from tracker.tenancy import my_memberships

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


@bp.before_request
@login_required
def consultants_only():
    # From the memberships the header loads anyway: the page then asks for the programmes once.
    if not any(m.role == Role.CONSULTANT for m in my_memberships()):
        abort(404)


@bp.get("")
def index():
    sort = request.args.get("sort", "status")
    if sort not in services.SORTS:
        sort = "status"
    rows = sorted(services.rows(current_user), key=services.SORTS[sort])
    return render_template("portfolio/index.html", rows=rows, sort=sort, today=clock.today(),
                           columns=services.column_headings())


@bp.get("/matrix")
def matrix():
    sort = request.args.get("sort", "task")
    if sort not in services.MATRIX_SORTS:
        sort = "task"
    skipped_only = request.args.get("show") == "skipped"
    m = services.matrix(current_user)
    return render_template("portfolio/matrix.html", matrix=m, sort=sort,
                           skipped_only=skipped_only, rows=m.rows(sort, skipped_only))


@bp.get("/matrix.csv")
def matrix_csv():
    m = services.matrix(current_user)
    out = io.StringIO()
    out.write("\ufeff")
    writer = imports.csv_writer(out)
    writer.writerow(["phase", "task", "title", *(a.name for a in m.authorities)])
    for phase, number, title in m.tasks:
        writer.writerow([phase, number, title, *(
            m.cells[(p.id, phase, number)].value if (p.id, phase, number) in m.cells else ""
            for p in m.programmes)])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="checklist-matrix-{clock.today()}.csv"'})


@bp.get("/phases")
def phases():
    return render_template("portfolio/phases.html", rows=services.rows(current_user),
                           today=clock.today())
