"""Red / amber / green, derived at read time from dates and facts; never stored.

The rule, for anything with a due date:
- finished (done, dropped, achieved) has no RAG;
- red when past its due date;
- amber when due within 7 days (today included), or with no owner, or with no due date;
- green otherwise.
A checklist task or milestone takes the worst of its own RAG and its open actions'.

`sql_colour` states the same rule for the database, so lists can filter and count by RAG;
tests hold the two together.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, literal, or_

from tracker import clock

AMBER_WITHIN_DAYS = 7


class Rag(enum.StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.capitalize()


_SEVERITY = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


@dataclass(frozen=True)
class RagStatus:
    colour: Rag
    reason: str

    @property
    def label(self) -> str:
        return f"{self.colour.label}: {self.reason}"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def rag(
    due: date | None,
    *,
    has_owner: bool | None,
    finished: bool = False,
    today: date | None = None,
) -> RagStatus | None:
    """`has_owner=None` for things that have no owner (milestones): judged on dates alone."""
    if finished:
        return None
    today = today or clock.today()
    if due is not None and due < today:
        return RagStatus(Rag.RED, f"{_days((today - due).days)} overdue")
    missing = []
    if has_owner is False:
        missing.append("no owner")
    if due is None:
        missing.append("no due date")
    if missing:
        return RagStatus(Rag.AMBER, " and ".join(missing))
    days = (due - today).days
    when = "due today" if days == 0 else "due tomorrow" if days == 1 else f"due in {days} days"
    return RagStatus(Rag.AMBER if days <= AMBER_WITHIN_DAYS else Rag.GREEN, when)


def combine(own: RagStatus | None, children: Iterable[RagStatus | None], noun: str) -> RagStatus | None:
    """The worst of a thing's own RAG and its children's, with the reason in words."""
    if own is None:
        return None
    children = [c for c in children if c is not None]
    worst = max((c.colour for c in children), key=_SEVERITY.get, default=Rag.GREEN)
    if worst == Rag.GREEN or _SEVERITY[worst] < _SEVERITY[own.colour]:
        return own
    count = sum(1 for c in children if c.colour == worst)
    plural = f"{count} {noun}{'s' if count != 1 else ''}"
    why = f"{plural} overdue" if worst == Rag.RED else (
        f"{plural} {'needs' if count == 1 else 'need'} attention")
    if own.colour == worst:
        return RagStatus(worst, f"{own.reason}; {why}")
    return RagStatus(worst, why)


def sql_colour(
    due: ColumnElement, owner_present: ColumnElement | None, finished: ColumnElement,
    today: date | None = None,
) -> ColumnElement:
    """The same rule as `rag`, as a SQL expression giving 'red', 'amber', 'green' or NULL."""
    today = today or clock.today()
    amber = [due.is_(None), due <= today + timedelta(days=AMBER_WITHIN_DAYS)]
    if owner_present is not None:
        amber.append(~owner_present)
    return case(
        (finished, literal(None)),
        (and_(due.is_not(None), due < today), literal(Rag.RED.value)),
        (or_(*amber), literal(Rag.AMBER.value)),
        else_=literal(Rag.GREEN.value),
    )
