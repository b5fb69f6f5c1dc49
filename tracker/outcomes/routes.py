"""Outcome tracking: the trend page with the Annex 2 questions, entering and correcting a
quarter's figures, and CSV import and export."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import audit, clock, imports
from tracker.extensions import db
from tracker.forms import choices, edit_versioned
from tracker.models import OutcomeQuarter
from tracker.outcomes import charts, forms, measures, questions, services, spc_views
from tracker.outcomes.spc import DEFAULT_RUN_LENGTH
from tracker.permissions import Permission, requires
from tracker.tenancy import authority_blueprint, get_in_programme_or_404

bp = authority_blueprint("outcomes", __name__, "/outcomes")


@bp.get("")
def index():
    figures = services.all_figures(g.programme.id)
    rows = services.views(r for r in figures if not r.month)
    guide = questions.current()
    return render_template(
        "outcomes/index.html", rows=rows, guide=guide, figures=services.FIGURES,
        months=services.views(r for r in figures if r.month),
        charts=charts.charts(rows, guide) if rows else {},
        summary=services.summarise([v.row for v in rows]),
    )


@bp.get("/spc")
def spc():
    """Each outcome measure as an XmR chart. The settings come in the address; wrong ones are
    shown as errors and the charts drawn with the defaults meanwhile."""
    rows = services.all_figures(g.programme.id)
    every = spc_views.default_every(rows)
    form = forms.SpcForm(request.args or None,
                         data={"every": every, "run_length": DEFAULT_RUN_LENGTH})
    valid = form.validate() if request.args else True
    if valid:
        settings = spc_views.Settings(form.every.data, form.run_length.data, form.rebase.data)
    else:
        settings = spc_views.Settings(every)
    sets = spc_views.learning_sets(g.programme.id)
    return render_template(
        "outcomes/spc.html", form=form, settings=settings, measure_set=measures.current(),
        readings=spc_views.readings(rows, settings, sets), learning_sets=sets,
        has_months=any(r.month for r in rows), has_quarters=any(not r.month for r in rows),
        start_date=g.programme.start_date,
    ), 200 if valid else 400


def _default_quarter(entered: set) -> str:
    """The quarter after the latest entered, or the latest ended: usually the one due."""
    offered = services.quarters_offered()
    if entered:
        following = max(entered).next()
        if following in offered and following not in entered:
            return following.key
    return offered[0].key if offered[0] not in entered else ""


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.ENTER_OUTCOMES)
def new():
    entered = {r.period for r in services.quarters(g.programme.id)}
    offered = [p for p in services.quarters_offered() if p not in entered]
    form = forms.QuarterForm(data={"quarter": _default_quarter(entered)})
    form.quarter.choices = choices([("", "Choose a quarter")]
                                   + [(p.key, p.label) for p in offered])
    if form.is_submitted():
        # Both checks run, so every problem is shown at once.
        valid = form.validate()
        period = _chosen_period(form, entered)
        if valid and period is not None:
            row = services.create_quarter(g.programme, period, actor=current_user,
                                          notes=form.notes.data, **form.figures())
            db.session.commit()
            flash(f"Figures saved for {row.period.label}.", "success")
            return redirect(url_for(".index"))
    return render_template("outcomes/edit.html", form=form, row=None, stale=None,
                           history=[]), 400 if form.errors else 200


def _chosen_period(form, entered: set):
    value = form.quarter.data or ""
    if not value:
        form.quarter.errors.append("Choose the quarter these figures are for")
        return None
    try:
        period = services.parse_quarter(value)
    except ValueError:
        form.quarter.errors.append("Choose the quarter these figures are for")
        return None
    problem = services.check_period(period)
    if problem is None and period in entered:
        problem = f"Figures for {period.short_label} are already entered: change them instead"
    if problem:
        form.quarter.errors.append(problem)
        return None
    return period


@bp.route("/<int:quarter_id>/edit", methods=["GET", "POST"])
@requires(Permission.ENTER_OUTCOMES)
def edit(quarter_id: int):
    row = get_in_programme_or_404(OutcomeQuarter, quarter_id)
    form = forms.QuarterForm(data={**{f.key: getattr(row, f.key) for f in services.FIGURES},
                                   "notes": row.notes})
    del form.quarter
    return edit_versioned(
        form, row,
        lambda: services.update_quarter(row, seen_version=form.version.data, actor=current_user,
                                        notes=form.notes.data, **form.figures()),
        saved=f"Figures saved for {row.period.label}.", next_url=lambda: url_for(".index"),
        template="outcomes/edit.html", row=row, history=audit.history(services.QUARTER, row.id))


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.ENTER_OUTCOMES)
def import_csv():
    form = forms.ImportForm()
    upload = imports.Upload.from_request(
        services.IMPORTER, form, request,
        lambda rows: services.check_import(rows, g.programme.id))
    if upload.ready_to_save:
        created, changed = imports.save_all(
            lambda: services.import_rows(g.programme, upload.rows, current_user))
        flash(f"{created} quarter{'s' if created != 1 else ''} added, {changed} changed.",
              "success")
        return redirect(url_for(".index"))
    return render_template("outcomes/import.html", form=form, upload=upload), upload.status(form)


@bp.get("/template.csv")
def import_template():
    return imports.template_response(services.import_template(), "csv", "outcomes-template")


@bp.get("/template.xlsx")
def import_template_xlsx():
    return imports.template_response(services.import_template(), "xlsx", "outcomes-template")


@bp.get("/export.csv")
def export():
    filename = f"{g.authority.slug}-outcomes-{clock.today().isoformat()}.csv"
    return Response(services.export_csv(services.all_figures(g.programme.id)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
