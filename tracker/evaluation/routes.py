"""The authority's evaluation pages: questionnaire rounds, their response rates, and the
Time 1 / Time 2 results."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from tracker import clock
from tracker.errors import RuleBroken
from tracker.evaluation import export, forms, questionnaires, services, statistics
from tracker.extensions import db
from tracker.forms import error_summary
from tracker.models import EvaluationRound
from tracker.permissions import Permission, can, requires
from tracker.tenancy import authority_blueprint, get_in_programme_or_404

bp = authority_blueprint("evaluation", __name__, "/evaluation")


def _index(form: forms.OpenRoundForm, status: int = 200):
    rows = services.rounds(g.programme)
    counts = services.counts([g.programme.id], [r.id for r in rows])
    return render_template("evaluation/index.html", rows=rows, counts=counts, form=form,
                           error_summary=error_summary, title_of=services.round_title,
                           today=clock.today(),
                           can_manage=can(Permission.MANAGE_EVALUATION)), status


@bp.get("")
def index():
    return _index(forms.OpenRoundForm())


@bp.post("/rounds")
@requires(Permission.MANAGE_EVALUATION)
def open_round():
    form = forms.OpenRoundForm()
    if form.validate():
        try:
            round_ = services.open_round(g.programme, audience=form.audience.data,
                                         time=int(form.time.data), closes_on=form.closes_on.data,
                                         actor=current_user)
        except RuleBroken as exc:
            form[exc.field or "closes_on"].errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"Round opened: {services.round_title(round_)}. Send its link to the group.",
                  "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    return _index(form, 400)


@bp.get("/rounds/<int:round_id>")
def show_round(round_id: int):
    round_ = get_in_programme_or_404(EvaluationRound, round_id)
    counts = services.counts([g.programme.id], [round_.id])[round_.id]
    return render_template(
        "evaluation/round.html", round=round_, counts=counts, title=services.round_title(round_),
        instrument=services.instrument_of(round_), today=clock.today(),
        answer_link=services.respondent_link(round_).external(),
        remind_days=services.REMIND_DAYS_BEFORE, can_manage=can(Permission.MANAGE_EVALUATION))


@bp.post("/rounds/<int:round_id>/send")
@requires(Permission.MANAGE_EVALUATION)
def send_links(round_id: int):
    round_ = get_in_programme_or_404(EvaluationRound, round_id)
    if not round_.is_open(clock.today()):
        abort(409)
    queued = services.send_links(round_, g.authority)
    db.session.commit()
    flash(f"Link queued for {queued} member{'s' if queued != 1 else ''} of the group."
          if queued else "Everyone in the group with an account has already been sent the link.",
          "success")
    return redirect(url_for(".show_round", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/close")
@requires(Permission.MANAGE_EVALUATION)
def close_round(round_id: int):
    round_ = get_in_programme_or_404(EvaluationRound, round_id)
    if round_.closed_at is None:
        services.close_round(round_, current_user)
        db.session.commit()
        flash("Round closed: nobody can answer it any more.", "success")
    return redirect(url_for(".show_round", round_id=round_.id))


def _results(round_id: int) -> services.Results:
    round_ = get_in_programme_or_404(EvaluationRound, round_id)
    if round_.time != 2:
        abort(404)
    return services.results(round_)


@bp.get("/rounds/<int:round_id>/results")
def results(round_id: int):
    outcome = _results(round_id)
    return render_template(
        "evaluation/results.html", results=outcome, round=outcome.second,
        title=f"Results: {services.round_title(outcome.second)}",
        first_title=services.round_title(outcome.first) if outcome.first else "",
        stats=statistics, scale=questionnaires.AGREEMENT_WORDS)


@bp.get("/rounds/<int:round_id>/results.csv")
def results_csv(round_id: int):
    outcome = _results(round_id)
    filename = f"{g.authority.slug}-evaluation-{outcome.second.audience}-{clock.today().isoformat()}.csv"
    return Response(export.results_csv(outcome), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
