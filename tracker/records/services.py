"""Which rows are an authority's, table by table, and the zip that holds them.

The tables are found from the models, so a new area's tables come out without a change here:
a table with a `programme_id` gives the programme's rows; a table without one that points at
such a table (an action's notes, a meeting's attendees) gives the rows of the programme's
records. The authority, its programme and its members are added by hand, and of a person
only their name and email address. Secrets never leave: no column whose name says token,
password, secret or hash. Operational tables (the outbox, sign-in throttling, job runs) are
not the authority's record. One query per table, whatever the number of rows.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from sqlalchemy import ColumnElement, Table, select

from tracker import clock, imports
from tracker.extensions import db
from tracker.models import Authority, Membership, Programme, User

_SECRET = re.compile(r"token|password|secret|hash", re.IGNORECASE)
_PEOPLE_COLUMNS = ("id", "name", "email")
_SPECIAL = {"authority", "programme", "membership", "user_account"}
# For tables whose model says nothing, or that have no model (links between two records).
_ABOUT = {
    "audit_event": "Who created or changed which record, when, and what changed (from, to).",
    "meeting": "Meetings: steering groups, learning sets and others, with their notes.",
    "milestone": "The implementation plan's milestones, with target dates and status.",
    "postcard": "Postcards between the strategic and practice groups.",
    "postcard_item": "What a postcard said: each update, request or question.",
    "agenda_item": "A meeting's agenda, item by item.",
    "workstream_member": "Who works in which workstream (workstream_id, user_id).",
    "engagement_stakeholder": "Which stakeholders an engagement is with.",
    "postcard_item_action": "Actions that came from a postcard item.",
}


@dataclass(frozen=True)
class Kind:
    """One kind of record: its table, which of its rows are the authority's, and what a
    reader is told it holds."""
    table: Table
    where: ColumnElement[bool]
    about: str

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> list:
        if self.table.name == User.__tablename__:
            return [self.table.c[name] for name in _PEOPLE_COLUMNS]
        return [c for c in self.table.c if not _SECRET.search(c.name)]


def _about(table: Table) -> str:
    """What the table holds, from its model's docstring where it has one."""
    if table.name in _ABOUT:
        return _ABOUT[table.name]
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table and mapper.class_.__doc__:
            said = " ".join(mapper.class_.__doc__.split())
            return re.split(r"(?<!e\.g)\. ", said)[0].rstrip(".") + "."
    return f"Rows of {table.name.replace('_', ' ')}."


def kinds(authority: Authority, programme: Programme) -> list[Kind]:
    """Every kind of record the authority has, parents before children."""
    found: dict[str, Kind] = {}
    people = select(Membership.user_id).where(Membership.authority_id == authority.id)
    for table, where, about in (
        (Authority.__table__, Authority.id == authority.id, "The authority: its name and slug."),
        (Programme.__table__, Programme.id == programme.id,
         "The authority's rollout programme, its current phase and settings."),
        (Membership.__table__, Membership.authority_id == authority.id,
         "Who is a member of the authority, in which role."),
        (User.__table__, User.id.in_(people),
         "The members: id, name and email address only."),
    ):
        found[table.name] = Kind(table, where, about)
    for table in db.metadata.sorted_tables:
        if table.name in _SPECIAL:
            continue
        if "programme_id" in table.c:
            found[table.name] = Kind(table, table.c.programme_id == programme.id, _about(table))
            continue
        for fk in table.foreign_keys:
            parent = found.get(fk.column.table.name)
            if parent is not None and parent.name not in _SPECIAL:
                owned = select(fk.column).where(parent.where)
                found[table.name] = Kind(table, fk.parent.in_(owned), _about(table))
                break
    return list(found.values())


def _plain(value):
    """A cell as JSON and CSV hold it: dates ISO, choices by their key."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _csv(kind: Kind, rows: list[dict]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = imports.csv_writer(out)
    names = [c.name for c in kind.columns]
    writer.writerow(names)
    for row in rows:
        writer.writerow([json.dumps(row[n]) if isinstance(row[n], dict | list) else
                         "" if row[n] is None else row[n] for n in names])
    return out.getvalue()


def readme(authority: Authority, listed: list[tuple[Kind, int]], at: datetime) -> str:
    lines = [
        f"The whole record of {authority.name} in Homeward, taken {at:%d %B %Y at %H:%M}.",
        "",
        "everything.json  Every file below in one: {\"authority\", \"exported_at\", \"tables\": "
        "{file name: [rows]}}.",
        "",
        "One CSV file per kind of record, UTF-8, first row the column names. Dates are written "
        "2027-03-31, times 2027-03-31T14:30:00; a column ending _id holds the id of a row in "
        "another file (owner_id: user_account.csv). A cell that a spreadsheet would run as a formula "
        "starts with an apostrophe, which shows the text as it was typed.",
        "",
    ]
    for kind, count in listed:
        lines.append(f"{kind.name}.csv  ({count:,} row{'' if count == 1 else 's'})  "
                     f"{kind.about}")
    return "\n".join(lines) + "\n"


def export_zip(authority: Authority, programme: Programme) -> io.BytesIO:
    """The zip, positioned at its start. In memory: an authority's record is a few MB."""
    at = clock.now()
    everything: dict[str, list[dict]] = {}
    listed: list[tuple[Kind, int]] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in kinds(authority, programme):
            order = list(kind.table.primary_key.columns) or kind.columns[:1]
            rows = [{k: _plain(v) for k, v in r.items()} for r in db.session.execute(
                select(*kind.columns).where(kind.where).order_by(*order)).mappings()]
            everything[kind.name] = rows
            listed.append((kind, len(rows)))
            archive.writestr(f"{kind.name}.csv", _csv(kind, rows))
        archive.writestr("everything.json", json.dumps(
            {"authority": authority.name, "exported_at": at.isoformat(timespec="seconds"),
             "tables": everything}, indent=1, ensure_ascii=False))
        archive.writestr("README.txt", readme(authority, listed, at))
    out.seek(0)
    return out
