"""Answering a questionnaire: no account, only the round's unguessable link. One page per
section (GOV.UK question pages), a check-your-answers page, and a private return link for
save-and-return. A respondent sees only their own answers, and only until they send them."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from tracker import clock
from tracker.evaluation import questionnaires, services
from tracker.extensions import db, limiter
from tracker.models import EvaluationResponse, EvaluationRound

bp = Blueprint("respond", __name__, url_prefix="/questionnaire")
LINK_FIELDS = ("first_name_start", "surname_end", "birthday_day", "birthday_month")


@bp.after_request
def private(response):
    # The path holds the respondent's return key: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _round(token: str) -> EvaluationRound:
    round_ = services.round_for_token(token)
    if round_ is None:
        abort(404)
    return round_


def _closed(round_: EvaluationRound):
    return render_template("evaluation/respond/closed.html", round=round_,
                           title="This questionnaire has closed"), 410


def _response(token: str, key: str) -> tuple[EvaluationRound, EvaluationResponse]:
    round_ = _round(token)
    response = services.response_for(round_, key)
    if response is None:
        abort(404)
    return round_, response


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def start(token: str):
    round_ = _round(token)
    if not round_.is_open(clock.today()):
        return _closed(round_)
    instrument = services.instrument_of(round_)
    typed = {name: request.form.get(name, "").strip() for name in LINK_FIELDS}
    problems: dict[str, str] = {}
    if request.method == "POST":
        problems = services.matching_problems(typed["first_name_start"], typed["surname_end"],
                                              typed["birthday_day"], typed["birthday_month"])
        if not problems:
            code = services.MatchingCode(typed["first_name_start"], typed["surname_end"],
                                         int(typed["birthday_day"]), int(typed["birthday_month"]))
            _response_row, key = services.start_response(round_, code)
            db.session.commit()
            return redirect(url_for(".section", token=token, key=key, page=1))
    return render_template("evaluation/respond/start.html", round=round_, instrument=instrument,
                           typed=typed, problems=problems,
                           title=instrument.title), 400 if problems else 200


def _pages(round_: EvaluationRound) -> tuple[questionnaires.Section, ...]:
    return services.instrument_of(round_).sections


@bp.route("/<token>/<key>/<int:page>", methods=["GET", "POST"])
def section(token: str, key: str, page: int):
    round_, response = _response(token, key)
    if response.submitted_at is not None:
        return redirect(url_for(".sent", token=token, key=key))
    if not round_.is_open(clock.today()):
        return _closed(round_)
    pages = _pages(round_)
    if not 1 <= page <= len(pages):
        abort(404)
    current = pages[page - 1]
    answers, problems = dict(response.answers), {}
    if request.method == "POST":
        typed, problems = services.read_answers(current, request.form)
        if not problems:
            services.save_answers(response, typed)
            db.session.commit()
            if request.form.get("then") == "later":
                return redirect(url_for(".saved", token=token, key=key))
            if page == len(pages):
                return redirect(url_for(".check", token=token, key=key))
            return redirect(url_for(".section", token=token, key=key, page=page + 1))
        answers.update({k: request.form.get(k, "") for k in typed})
    return render_template(
        "evaluation/respond/section.html", round=round_, section=current, page=page,
        pages=len(pages), answers=answers, problems=problems, key=key,
        instrument=services.instrument_of(round_), scale=questionnaires.AGREEMENT,
        words=questionnaires.AGREEMENT_WORDS, title=current.title,
        return_link=url_for(".section", token=token, key=key, page=page, _external=True),
    ), 400 if problems else 200


@bp.get("/<token>/<key>/saved")
def saved(token: str, key: str):
    round_, response = _response(token, key)
    if response.submitted_at is not None:
        return redirect(url_for(".sent", token=token, key=key))
    return render_template(
        "evaluation/respond/saved.html", round=round_, title="Your answers have been saved",
        return_link=url_for(".section", token=token, key=key, page=1, _external=True))


@bp.route("/<token>/<key>/check", methods=["GET", "POST"])
def check(token: str, key: str):
    round_, response = _response(token, key)
    if response.submitted_at is not None:
        return redirect(url_for(".sent", token=token, key=key))
    if not round_.is_open(clock.today()):
        return _closed(round_)
    if request.method == "POST":
        services.submit(response)
        db.session.commit()
        return redirect(url_for(".sent", token=token, key=key))
    return render_template("evaluation/respond/check.html", round=round_, key=key,
                           sections=_pages(round_), answers=response.answers,
                           title="Check your answers before sending them")


@bp.get("/<token>/<key>/sent")
def sent(token: str, key: str):
    round_, response = _response(token, key)
    if response.submitted_at is None:
        return redirect(url_for(".check", token=token, key=key))
    return render_template("evaluation/respond/sent.html", round=round_,
                           title="Your answers have been sent")

