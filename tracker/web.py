"""What every page shares: sign-in loading, template helpers, error pages, security headers."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Flask,
    Request,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from tracker import clock, markdown, money, validation
from tracker.extensions import db, login_manager
from tracker.forms import error_summary
from tracker.links import external_url
from tracker.models import ROLE_LABELS, User
from tracker.permissions import Permission, can
from tracker.tenancy import add_authority_slug, my_memberships


def _without_controls(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(key, validation.strip_controls(value))
                               for key, value in values.items(multi=True)])


class CleanRequest(Request):
    """Form fields and query parameters without control characters (NUL and the like): no
    one types them, PostgreSQL refuses NUL, and stripping them here covers every form."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_controls(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _without_controls(super().args)


@login_manager.user_loader
def load_user(login_token: str) -> User | None:
    return db.session.execute(
        select(User).where(User.login_token == login_token)
    ).scalar_one_or_none()


def start_session(user: User) -> None:
    """Sign in, and note when: a session ends when idle, and some days after signing in."""
    login_user(user)
    now = clock.now().isoformat()
    session["signed_in_at"] = session["seen_at"] = now


def _session_expired() -> bool:
    config = current_app.config
    now = clock.now()
    try:
        signed_in = datetime.fromisoformat(session["signed_in_at"])
        seen = datetime.fromisoformat(session["seen_at"])
    except (KeyError, TypeError, ValueError):
        return True  # a cookie from before sessions were timed
    return (now - seen > timedelta(hours=config["SESSION_IDLE_HOURS"])
            or now - signed_in > timedelta(days=config["SESSION_MAX_DAYS"]))


def _note_writes(_connection, _cursor, statement, *_args) -> None:
    if has_request_context() and statement.lstrip()[:6].upper() != "SELECT":
        g.database_written = True


def end_unwritten_transaction(error: BaseException | None = None) -> None:
    """A request that sent the database nothing but SELECTs ends its transaction with COMMIT,
    not the ROLLBACK the connection pool would send: the same for the data, but psycopg drops
    its prepared statements at every rollback, so PostgreSQL would plan each page's statements
    again on every request (a third of an action page's time). A request that wrote anything,
    or failed, is left to roll back as before."""
    if error is not None or g.get("database_written") or not db.session().in_transaction():
        return
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def init_app(app: Flask) -> None:
    if not event.contains(Engine, "before_cursor_execute", _note_writes):
        event.listen(Engine, "before_cursor_execute", _note_writes)
    app.teardown_request(end_unwritten_transaction)
    app.request_class = CleanRequest
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    app.url_defaults(add_authority_slug)

    @app.before_request
    def end_stale_sessions():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        if request.blueprint == "api":  # the read API takes tokens: a session plays no part
            return None
        if _session_expired():
            logout_user()
            session.clear()
            flash("You were signed out because your session ended. Sign in again.", "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?"))
                            if request.method == "GET" else url_for("auth.login"))
        # Refreshed at most once a minute, so most responses need not re-send the cookie.
        if clock.now() - datetime.fromisoformat(session["seen_at"]) > timedelta(minutes=1):
            session["seen_at"] = clock.now().isoformat()
        return None

    app.add_template_filter(markdown.render, "markdown")
    app.add_template_filter(clock.format_date, "date")
    app.add_template_filter(clock.format_datetime, "datetime")
    app.add_template_filter(money.format_money, "money")
    app.add_template_filter(money.format_percent, "percent")

    def nav_items(entries: list[tuple]) -> list[dict]:
        """Service navigation items, the current area's marked active. An entry is
        (endpoint, text) or (endpoint, text, blueprints): with blueprints, an entry that holds
        several areas under one sub-navigation is active on any of their pages too."""
        items = []
        for endpoint, text, *also in entries:
            blueprints = {endpoint.split(".")[0], *(also[0] if also else ())}
            items.append({"href": url_for(endpoint), "text": text,
                          "active": request.blueprint in blueprints})
        return items

    def page_items(page, base: str) -> list[dict]:
        """govukPagination items for a Flask-SQLAlchemy page, with ellipses for long runs."""
        items = []
        for number in page.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1):
            if number is None:
                items.append({"ellipsis": True})
            else:
                items.append({"number": number, "href": f"{base}{number}",
                              "current": number == page.page})
        return items

    @app.context_processor
    def shared() -> dict:
        return {
            "nav_items": nav_items,
            "page_items": page_items,
            "error_summary": error_summary,
            "can": can,
            "Permission": Permission,
            "role_labels": ROLE_LABELS,
            "my_memberships": my_memberships,
            "today": clock.today,
            "external_url": external_url,
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; "
            "img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        if app.config["HOMEWARD_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
            response.headers.setdefault(
                "Permissions-Policy",
                "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                "interest-cohort=()")
        if current_user.is_authenticated:
            # Pages hold an authority's working data: keep them out of shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def error_page(status: int, title: str, template: str):
        def handler(error):
            return render_template(template, title=title, error=error), status

        return handler

    app.register_error_handler(403, error_page(403, "You cannot do that", "errors/403.html"))
    app.register_error_handler(404, error_page(404, "Page not found", "errors/404.html"))
    app.register_error_handler(405, error_page(405, "Page not found", "errors/404.html"))
    app.register_error_handler(413, error_page(413, "The file is too large", "errors/413.html"))
    app.register_error_handler(429, error_page(429, "Too many attempts", "errors/429.html"))
    app.register_error_handler(500, error_page(500, "Sorry, there is a problem", "errors/500.html"))
    app.register_error_handler(
        CSRFError, error_page(400, "Your form timed out", "errors/csrf.html")
    )
