"""Putting messages in the outbox, once each.

A message's key says which reminder or digest it is (e.g. "reminder:due:42:2026-11-23").
The key is unique in the table, and inserts that meet an existing key are skipped by the
database itself, so reruns, retries and a second scheduler never queue a message twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from flask import before_render_template, current_app, template_rendered
from jinja2 import Template
from markupsafe import Markup
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.extensions import db
from tracker.links import Link, external_url, external_urls
from tracker.models import Membership, OutboxMessage
from tracker.templating import render_plain


class Recipient(Protocol):
    """Whom a message goes to: a User, or a row read with these of one."""

    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Draft:
    key: str
    kind: str
    recipient: Recipient
    template: str  # templates/email/<template>.txt and .html
    context: dict
    link: Link | None = None


def _authority_id(draft: Draft) -> int | None:
    authority = draft.context.get("authority")
    return authority.id if authority is not None else None


def _still_members(drafts: list[Draft]) -> list[Draft]:
    """Only the drafts whose recipient is still a member of the authority they are about:
    however a list of recipients was made, a removed member is sent nothing."""
    wanted = {(d.recipient.id, a) for d in drafts if (a := _authority_id(d)) is not None}
    if not wanted:
        return drafts
    current = set()
    users = sorted({u for u, _ in wanted})
    for start in range(0, len(users), 500):
        current.update((user, authority) for user, authority in db.session.execute(
            select(Membership.user_id, Membership.authority_id)
            .where(Membership.user_id.in_(users[start:start + 500]))))
    return [d for d in drafts
            if _authority_id(d) is None or (d.recipient.id, _authority_id(d)) in current]


def _email_template(template: str | Template, **context) -> str:
    """An email template rendered with its own context only (tracker.templating): the pages'
    context processors (navigation, permissions, the unread count) cost more than the email
    itself when thousands are queued in one pass. The signals still fire, as for any template."""
    app = current_app._get_current_object()
    if isinstance(template, str):
        template = app.jinja_env.get_template(template)
    before_render_template.send(app, _async_wrapper=app.ensure_sync, template=template,
                                context=context)
    text = render_plain(template, **context)
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template,
                           context=context)
    return text


class _Batch:
    """What every message queued together is rendered with, made once for them all: the URL
    map bound once, the text footer rendered once, each template looked up once."""

    def __init__(self):
        self.preferences_url = preferences_url()
        self.footer = _email_template("email/_footer.txt", preferences_url=self.preferences_url)
        self.external, self.now = external_urls(), clock.now()
        self._templates: dict[str, Template] = {}

    def render(self, name: str, **context) -> str:
        if name not in self._templates:
            self._templates[name] = current_app.jinja_env.get_template(name)
        return _email_template(self._templates[name], **context)


def _render(draft: Draft, batch: _Batch) -> dict:
    address = batch.external(draft.link) if draft.link else ""
    context = {**draft.context, "recipient": draft.recipient, "link": address,
               "preferences_url": batch.preferences_url, "footer": batch.footer}
    # A title typed with a line break must not become a header with one.
    subject = " ".join(batch.render(f"email/{draft.template}.subject.txt", **context).split())
    return {
        "key": draft.key,
        "kind": draft.kind,
        "recipient_id": draft.recipient.id,
        "authority_id": _authority_id(draft),
        "to_address": draft.recipient.email,
        "subject": subject[:300],
        "body_text": batch.render(f"email/{draft.template}.txt", **context),
        # The HTML part's own content: the layout around it, the same for every message, is
        # added as it is sent (`in_layout`), not stored thousands of times over.
        "body_html": batch.render(f"email/{draft.template}.html", **context),
        # Shown in the app as well, so kept relative (the address without scheme and host):
        # right on whatever address serves it.
        "link": urlunsplit(("", "", *urlsplit(address)[2:])),
        "created_at": batch.now,
        "next_attempt_at": batch.now,
        "attempts": 0,
        "last_error": "",
    }


def preferences_url() -> str:
    """Where each email's footer sends its reader to choose which emails they get."""
    return external_url("auth.account") + "#notifications"


def in_layout(subject: str, body_html: str) -> str:
    """A message's HTML part as sent: its content in the email layout."""
    return _email_template("email/_layout.html", subject=subject, body=Markup(body_html),
                           preferences_url=preferences_url())


def queue(drafts: list[Draft]) -> int:
    """Queue the drafts whose keys are new; returns how many were new. Rendering is skipped
    for keys already in the outbox, so a rerun costs one query per batch."""
    drafts = _still_members(drafts)
    if not drafts:
        return 0
    taken = set()
    keys = [d.key for d in drafts]
    for start in range(0, len(keys), 500):
        taken.update(db.session.execute(
            select(OutboxMessage.key).where(OutboxMessage.key.in_(keys[start:start + 500]))
        ).scalars())
    fresh = [d for d in drafts if d.key not in taken]
    if not fresh:
        return 0
    batch = _Batch()
    rows = [_render(d, batch) for d in fresh]
    dialect = db.engine.dialect.name
    statement = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect, insert)(
        OutboxMessage)
    if dialect in ("postgresql", "sqlite"):
        # Another scheduler may have queued the same key since we looked: skip, do not fail.
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    result = db.session.connection().execute(statement, rows)
    db.session.commit()
    return result.rowcount if result.rowcount >= 0 else len(rows)
