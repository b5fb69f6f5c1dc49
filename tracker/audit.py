"""Recording who changed what. One place builds the from → to record for every audited model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_login import current_user
from sqlalchemy import insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.extensions import db
from tracker.models import AuditEvent, User

Shown = Callable[[Any], str]


def _plain(value: Any) -> str:
    if value is None or value == "":
        return ""
    if hasattr(value, "label"):
        return value.label
    return str(value)


def snapshot(record: Any, fields: dict[str, tuple[str, Shown | None]]) -> dict[str, str]:
    """The record's audited fields as a reader would see them: {attribute: shown value}."""
    return {attr: (show or _plain)(getattr(record, attr)) for attr, (_label, show) in fields.items()}


def diff(
    before: dict[str, str], after: dict[str, str], fields: dict[str, tuple[str, Shown | None]]
) -> dict[str, list[str]]:
    return {
        fields[attr][0]: [before[attr], after[attr]]
        for attr in fields
        if before[attr] != after[attr]
    }


def entity_type(record: Any) -> str:
    """Audit events name a record by its table, so every area uses the same names."""
    return record.__tablename__


def record(
    entity_type: str,
    entity_id: int,
    action: str,
    *,
    programme_id: int | None,
    changes: dict[str, list[str]] | None = None,
    summary: str = "",
    actor: User | None = None,
) -> AuditEvent:
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        programme_id=programme_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        actor=actor,
        changes=changes or {},
        summary=_fitted(summary),
    )
    db.session.add(event)
    return event


def _fitted(summary: str) -> str:
    """A summary quotes what was typed (a decision's 2,000 characters, say): shortened to its
    column, or PostgreSQL refuses the whole save."""
    limit = AuditEvent.summary.type.length
    return summary if len(summary) <= limit else summary[:limit - 1] + "…"


def created(row: Any, actor: User | None, *, summary: str = "") -> AuditEvent:
    """Add a new record and say who created it."""
    db.session.add(row)
    db.session.flush()
    return record(entity_type(row), row.id, "created", programme_id=row.programme_id,
                  actor=actor, summary=summary)


def create_many(model: Any, values: list[dict[str, Any]], *, programme_id: int,
                actor: User | None, name: Any, summary: Callable[[str], str]) -> list[int]:
    """Insert many new records of one kind (an import) and say who created them: an INSERT a
    thousand rows and one for the audit, rather than an object and a flush a row (10,000
    milestones took 8 s so). Each of `values` is what the model's constructor would take:
    related records as objects, and what a row leaves out takes the column's default.
    `name` is the column `summary` words each record's entry from. The new ids come back in no
    particular order: asking for them in the order given makes SQLAlchemy insert one row a
    statement on SQLite."""
    if not values:
        return []
    rows = [_as_columns(model, v) for v in values]
    # One set of keys for every row, so they go in one statement.
    keys = set().union(*rows)
    for row in rows:
        for key in keys - row.keys():
            row[key] = _column_default(model, key)
    inserted = db.session.execute(insert(model).returning(model.id, name), rows).all()
    created_many(model, [id_ for id_, _ in inserted], programme_id=programme_id, actor=actor,
                 summaries=[summary(named) for _, named in inserted])
    return [id_ for id_, _ in inserted]


def _as_columns(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A related record given as an object (a milestone's workstream) becomes its id."""
    mapper = sa_inspect(model)
    out = {}
    for key, value in values.items():
        if key in mapper.relationships:
            (column,) = mapper.relationships[key].local_columns
            out[mapper.get_property_by_column(column).key] = value.id if value else None
        else:
            out[key] = value
    return out


def _column_default(model: Any, key: str) -> Any:
    column = sa_inspect(model).attrs[key].columns[0]
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    if column.default is None and column.nullable:
        return None
    raise ValueError(f"{model.__name__}.{key} is in some rows only and has no fixed default")


def created_many(model: Any, ids: list[int], *, programme_id: int, actor: User | None,
                 summaries: list[str]) -> None:
    """Say who created many new records of one kind at once (an import), in one INSERT."""
    now = clock.now()
    if ids:
        db.session.execute(insert(AuditEvent), [
            {"programme_id": programme_id, "entity_type": model.__tablename__, "entity_id": id_,
             "action": "created", "actor_id": actor.id if actor else None, "at": now,
             "changes": {}, "summary": summary[:300]}
            for id_, summary in zip(ids, summaries, strict=True)])


def updated(row: Any, values: dict[str, Any], seen_version: int | None, actor: User | None, *,
            fields: dict[str, tuple[str, Shown | None]], view: Callable[[Any], Any] | None = None,
            then: Callable[[], dict[str, list[str]] | None] | None = None,
            touch: bool = False, summary: str = "") -> bool:
    """Set `values` on a versioned row and record what changed, from → to.

    Raises StaleEdit when someone saved the row after the form showed `seen_version`
    (None means a write by the system, not from a form). `view` wraps the row for the
    snapshot when the audited fields are derived. `then` runs after the values are set, for
    rules that touch other fields or tables, and may return more changes to record. `touch`
    moves `updated_at` on, so the version moves even when only another table changed.
    Returns whether anything changed.
    """
    refuse_if_stale(row, seen_version)
    def shown() -> dict[str, str]:
        return snapshot(view(row) if view else row, fields)

    before = shown()
    for key, value in values.items():
        setattr(row, key, value)
    more = then() if then is not None else None
    changes = diff(before, shown(), fields) | (more or {})
    if not changes:
        return False
    if touch:
        row.updated_at = clock.now()
    if row.__mapper__.version_id_generator is False:  # the version moves by hand on these
        row.version += 1
    db.session.flush()  # the version check happens here: a racing save raises StaleDataError
    record(entity_type(row), row.id, "updated", programme_id=row.programme_id,
           changes=changes, actor=actor, summary=summary)
    return True


class StaleEdit(Exception):
    """Someone else saved the record after this form was opened: `events` says what they did."""

    def __init__(self, record, events):
        super().__init__("stale edit")
        self.record = record
        self.events = events


def refuse_if_stale(record, seen_version: int | None) -> None:
    """Raise StaleEdit when the record's version moved on since the form showed `seen_version`.

    Each audited save bumps the version once, so the newest events are the ones missed.
    """
    if seen_version is not None and seen_version != record.version:
        missed = max(record.version - seen_version, 1)
        raise StaleEdit(record, history(entity_type(record), record.id)[:missed])


def history(entity_type: str, entity_ids: Iterable[int] | int) -> list[AuditEvent]:
    """Newest first, with who did it, in one query."""
    ids = [entity_ids] if isinstance(entity_ids, int) else list(entity_ids)
    return list(
        db.session.execute(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_(ids))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        ).scalars()
    )
