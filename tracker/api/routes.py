"""The read API under /api/v1/ (JSON, personal tokens) and the account pages that make and
revoke tokens and explain how to connect Excel and Power BI."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest import current_api
from flask_smorest.error_handler import ErrorSchema
from marshmallow import RAISE
from werkzeug.exceptions import HTTPException, Unauthorized

from tracker.api import schemas, services
from tracker.api.forms import TokenForm
from tracker.extensions import db, limiter
from tracker.links import external_url
from tracker.models.api import hash_token
from tracker.tenancy import my_memberships

api_bp = ApiBlueprint("api", __name__, url_prefix="/api/v1",
                      description="Read-only: an authority's programme, as its members see it")
pages = Blueprint("api_tokens", __name__)


# -- who is asking -------------------------------------------------------------------------------


def _bearer() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def _rate_key() -> str:
    """Count per token, so a council behind one proxy address shares no limit; per address for
    requests without one."""
    secret = _bearer()
    return f"token:{hash_token(secret)}" if secret else get_remote_address()


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_rate_limit, key_func=_rate_key)(api_bp)


@api_bp.before_request
def _authenticate():
    """A token, never the session: a page's cookie must not open the API (a site that got a
    member's browser to fetch it would read JSON without the CSRF checks forms have)."""
    secret = _bearer()
    user = services.user_for_token(secret) if secret else None
    if user is None:
        raise Unauthorized("Send a personal API token: Authorization: Bearer <token>")
    g.api_user = user


def _json_error(error: HTTPException):
    """The Api's own JSON errors (the ErrorSchema its document gives), for this blueprint
    alone: the rest of Homeward answers errors with pages."""
    payload, status, headers = current_api.handle_http_exception(error)
    payload.setdefault("message", error.description or "")
    return payload, status, headers


# Flask prefers a handler for the exact code, even the app's, to a blueprint's for every
# HTTPException: so the codes the app has pages for are named here too.
api_bp.register_error_handler(HTTPException, _json_error)
for _code in (403, 404, 405, 413, 429, 500):
    api_bp.register_error_handler(_code, _json_error)


@api_bp.after_request
def _headers(response):
    response.headers["Cache-Control"] = "private, no-cache"
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="homeward"'
    response.vary.add("Authorization")
    return response


def _authority_or_404(slug: str):
    row = services.readable(slug, g.api_user)
    if row is None:
        abort(404)
    return row


def _page(items: list, next_after: int | None, slug: str) -> dict:
    """A page of rows with the address of the next, built from BASE_URL like every link that
    leaves the app, keeping the request's filters."""
    next_url = None
    if next_after is not None:
        values = request.args.to_dict(flat=False)
        values["after"] = [str(next_after)]
        next_url = external_url(request.endpoint, slug=slug, **values)
    return {"items": items, "next_after": next_after, "next": next_url}


ERRORS = {401: "No token, or a token that is revoked or unknown",
          404: "No such authority among the token owner's",
          429: "Too many requests: wait and try again"}


def _documented(*codes: int):
    def decorate(view):
        for code in codes:
            view = api_bp.alt_response(code, schema=ErrorSchema,
                                       description=ERRORS[code])(view)
        return view
    return decorate


# -- the endpoints -------------------------------------------------------------------------------


@api_bp.route("/authorities")
@api_bp.etag
@api_bp.response(200, schemas.AuthorityListSchema)
@_documented(401, 429)
def authorities():
    """The authorities the token's owner is a member of, with their role in each."""
    return {"items": services.authorities(g.api_user)}


@api_bp.route("/authorities/<slug>")
@api_bp.etag
@api_bp.response(200, schemas.ProgrammeSchema)
@_documented(401, 404, 429)
def programme(slug: str):
    """The authority's programme: its phases and where it stands."""
    return services.programme(*_authority_or_404(slug))


@api_bp.route("/authorities/<slug>/tasks")
@api_bp.etag
@api_bp.arguments(schemas.TaskArgs, location="query", as_kwargs=True,
                    unknown=RAISE)
@api_bp.response(200, schemas.TaskPage)
@_documented(401, 404, 429)
def tasks(slug: str, **filters):
    """The Implementation Checklist's tasks, with the authority's progress on each."""
    _authority, _membership, programme = _authority_or_404(slug)
    return _page(*services.tasks(programme, **filters), slug)


@api_bp.route("/authorities/<slug>/actions")
@api_bp.etag
@api_bp.arguments(schemas.ActionArgs, location="query", as_kwargs=True,
                    unknown=RAISE)
@api_bp.response(200, schemas.ActionPage)
@_documented(401, 404, 429)
def actions(slug: str, **filters):
    """The action log."""
    _authority, _membership, programme = _authority_or_404(slug)
    return _page(*services.actions(programme, **filters), slug)


@api_bp.route("/authorities/<slug>/milestones")
@api_bp.etag
@api_bp.arguments(schemas.MilestoneArgs, location="query", as_kwargs=True,
                    unknown=RAISE)
@api_bp.response(200, schemas.MilestonePage)
@_documented(401, 404, 429)
def milestones(slug: str, **filters):
    """The implementation plan's milestones."""
    _authority, _membership, programme = _authority_or_404(slug)
    return _page(*services.milestones(programme, **filters), slug)


@api_bp.route("/authorities/<slug>/meetings")
@api_bp.etag
@api_bp.arguments(schemas.MeetingArgs, location="query", as_kwargs=True,
                    unknown=RAISE)
@api_bp.response(200, schemas.MeetingPage)
@_documented(401, 404, 429)
def meetings(slug: str, **filters):
    """Learning sets, steering group and other meetings."""
    _authority, _membership, programme = _authority_or_404(slug)
    return _page(*services.meetings(programme, **filters), slug)


@api_bp.route("/authorities/<slug>/outcomes")
@api_bp.etag
@api_bp.arguments(schemas.ChangedArgs, location="query", as_kwargs=True,
                    unknown=RAISE)
@api_bp.response(200, schemas.OutcomePage)
@_documented(401, 404, 429)
def outcomes(slug: str, **filters):
    """Outcome figures: aggregate counts per financial quarter (Checklist Annex 2)."""
    _authority, _membership, programme = _authority_or_404(slug)
    return _page(*services.outcomes(programme, **filters), slug)


# -- tokens on the account page ------------------------------------------------------------------


@pages.get("/account/api")
@login_required
def guide():
    return render_template("api/guide.html", title="Connect Excel or Power BI to Homeward",
                           authorities_url=external_url("api.authorities"),
                           openapi_url=external_url("api-docs.openapi_json"),
                           memberships=my_memberships())


@pages.route("/account/api-tokens/new", methods=["GET", "POST"])
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            secret = services.create_token(current_user, form.name.data)
        except services.TokenRefused as refusal:
            form.name.errors.append(str(refusal))
        else:
            db.session.commit()
            # Shown in this response only: never in a redirect's session cookie, never again.
            return render_template("api/token_created.html", title="Your new API token",
                                   secret=secret, name=form.name.data)
    return render_template("api/token_new.html", title="Create an API token", form=form), (
        400 if form.errors else 200)


@pages.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    me = current_user._get_current_object()
    token = services.revoke_token(me, token_id, me)
    if token is None:
        abort(404)
    db.session.commit()
    flash(f"The token ‘{token.name}’ is revoked: it no longer works.", "success")
    return redirect(url_for("auth.account") + "#api-tokens")
