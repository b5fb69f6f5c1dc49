"""Tenancy: every URL under /a/<slug>/ belongs to one authority, and every query for its rows
is scoped to that authority's programme through the helpers here.

A signed-in person who is not a member of the authority gets 404, never 403, so the
existence of another authority's data is not revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, g
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db, login_manager
from tracker.models import Authority, Membership, Programme, User
from tracker.models.owned import ProgrammeOwned

M = TypeVar("M")


def authority_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose every route lives under /a/<authority_slug>/ and is tenancy-checked."""
    bp = Blueprint(name, import_name, url_prefix=f"/a/<authority_slug>{url_prefix}")
    bp.url_value_preprocessor(_take_slug)
    bp.before_request(_load_authority)
    return bp


def _take_slug(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.authority_slug = (values or {}).pop("authority_slug", None)


def _load_authority():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    # From the memberships the header shows: one query for both.
    membership = next((m for m in my_memberships() if m.authority.slug == g.authority_slug),
                      None)
    if membership is None:
        abort(404)
    g.authority, g.membership = membership.authority, membership
    g.programme = g.my_programmes[membership.authority_id]
    return None


def my_memberships() -> list[Membership]:
    """The signed-in person's memberships by authority name, each authority's programme kept
    beside them (g.my_programmes): loaded once per request, for the header and for the check
    that the person belongs to the authority of the page."""
    if "my_memberships" not in g:
        rows = db.session.execute(
            select(Membership, Programme)
            .join(Programme, Programme.authority_id == Membership.authority_id)
            .options(joinedload(Membership.authority))
            .where(Membership.user_id == current_user.id)
        ).all() if current_user.is_authenticated else []
        g.my_memberships = sorted((m for m, _ in rows), key=lambda m: m.authority.name)
        g.my_programmes = {p.authority_id: p for _, p in rows}
    return g.my_memberships


def member_of(slug: str, user_id: int) -> tuple[Authority, Membership, Programme] | None:
    """The authority with this slug, the person's membership of it and its programme, in one
    query; None when there is no such authority or the person is not a member of it. For the
    read API, whose token holder is not the session's user; pages find the same row among
    my_memberships(), which the header loads anyway."""
    row = db.session.execute(
        select(Authority, Membership, Programme)
        .join(Membership, Membership.authority_id == Authority.id)
        .join(Programme, Programme.authority_id == Authority.id)
        .where(Authority.slug == slug, Membership.user_id == user_id)
    ).first()
    return None if row is None else tuple(row)


def add_authority_slug(endpoint: str, values: dict[str, Any]) -> None:
    """url_for inside an authority fills in its slug, so templates need not pass it."""
    if "authority_slug" in values or g.get("authority") is None:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "authority_slug"):
        values["authority_slug"] = g.authority.slug


def authority_slugs(programme_ids: Iterable[int]) -> dict[int, str]:
    """Programme id → its authority's slug, for links made outside the authority's own pages
    (the portfolio, the API, programme health): one query for them all."""
    return dict(db.session.execute(
        select(Programme.id, Authority.slug).join(Authority, Authority.id == Programme.authority_id)
        .where(Programme.id.in_(list(programme_ids)))).all())


def in_programme(model: type[M], programme: Programme | None = None) -> Select:
    """SELECT rows of `model` belonging to `programme` (by default the current authority's)."""
    if not issubclass(model, ProgrammeOwned):
        raise TypeError(f"{model.__name__} does not belong to a programme")
    programme_id = (programme or g.programme).id
    return select(model).where(model.programme_id == programme_id)


def get_in_programme_or_404(model: type[M], ident: int, *options,
                            programme: Programme | None = None) -> M:
    """The one way a page loads a programme's row by id: 404 when it is another's or none.
    `options` are the loader options the page needs, so it runs a fixed number of queries."""
    row = db.session.execute(
        in_programme(model, programme).where(model.id == ident).options(*options)  # type: ignore[attr-defined]
    ).unique().scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def one_of_or_404(rows: Iterable[M], ident: int) -> M:
    """A child row by id from its parent's loaded collection (an item of a meeting or a
    postcard): the parent was loaded through get_in_programme_or_404, so tenancy holds."""
    row = next((r for r in rows if r.id == ident), None)  # type: ignore[attr-defined]
    if row is None:
        abort(404)
    return row


def programme_members() -> list[Membership]:
    """The current authority's active members with their users, for owner pickers."""
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.user)
            .options(joinedload(Membership.user))
            .where(Membership.authority_id == g.authority.id, User.active.is_(True))
            .order_by(User.name)
        ).scalars()
    )
