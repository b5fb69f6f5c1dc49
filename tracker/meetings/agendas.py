"""Agenda templates and group roles, loaded from checklists/agendas.toml and validated.

Errors name the file, the agenda or item and the problem, like the Checklist's own loader
(whose reader this shares).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker.datafiles import (
    CHECKLISTS_DIR,
    PROVENANCE,
    ChecklistError,
    DataReader,
    read_data_file,
)
from tracker.models.meetings import GroupKind, MeetingKind

AGENDAS_FILE = "agendas.toml"
SET_NUMBERS = (1, 2, 3)


@dataclass(frozen=True)
class ItemTemplate:
    title: str
    prompts: tuple[str, ...]
    reconstructed: bool
    basis: str


@dataclass(frozen=True)
class AgendaTemplate:
    kind: MeetingKind
    number: int | None
    title: str
    purpose: str
    minutes: int
    source: str
    reconstructed: bool
    basis: str
    items: tuple[ItemTemplate, ...]


@dataclass(frozen=True)
class GroupRole:
    group: GroupKind
    key: str
    label: str
    source: str


@dataclass(frozen=True)
class AgendaSet:
    key: str
    version: str
    title: str
    source: str
    agendas: dict[tuple[MeetingKind, int | None], AgendaTemplate]
    roles: tuple[GroupRole, ...]

    def agenda(self, kind: MeetingKind, number: int | None = None) -> AgendaTemplate:
        return self.agendas[(kind, number if kind.numbered else None)]

    def roles_for(self, group: GroupKind) -> list[GroupRole]:
        return [r for r in self.roles if r.group == group]

    def role_label(self, key: str | None) -> str:
        return next((r.label for r in self.roles if r.key == key), "")


def _expected() -> list[tuple[MeetingKind, int | None]]:
    return [(kind, n) for kind in MeetingKind
            for n in (SET_NUMBERS if kind.numbered else (None,))]


def _label(kind: MeetingKind, number: int | None) -> str:
    return kind.title(number) if kind.numbered else kind.label


def parse(text: str, filename: str) -> AgendaSet:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    r.table(data, "top level", {"template", "roles", "agendas"}, set())
    head = r.table(data["template"], "[template]", {"key", "version", "title", "source"}, set())

    roles: list[GroupRole] = []
    for i, raw in enumerate(data["roles"], start=1):
        where = f"role #{i}"
        r.table(raw, where, {"group", "key", "label"}, PROVENANCE)
        key = r.text(raw, "key", where)
        where = f"role {key}"
        group = r.text(raw, "group", where)
        if group not in {g.value for g in GroupKind}:
            raise r.fail(where, f"group must be one of {', '.join(g.value for g in GroupKind)}")
        if any(role.key == key for role in roles):
            raise r.fail(where, "duplicate role key")
        if len(key) > 40:
            raise r.fail(where, "key must be 40 characters or fewer")
        roles.append(GroupRole(GroupKind(group), key, r.text(raw, "label", where),
                               r.provenance(raw, where)[0]))

    agendas: dict[tuple[MeetingKind, int | None], AgendaTemplate] = {}
    kinds = {k.value for k in MeetingKind}
    for i, raw in enumerate(data["agendas"], start=1):
        where = f"agenda #{i}"
        r.table(raw, where, {"kind", "title", "purpose", "minutes", "items"},
                PROVENANCE | {"number"})
        kind_text = r.text(raw, "kind", where)
        if kind_text not in kinds:
            raise r.fail(where, f"kind {kind_text!r} is not one of {', '.join(sorted(kinds))}")
        kind = MeetingKind(kind_text)
        where = f"agenda #{i} ({kind.label})"
        number = None
        if kind.numbered:
            number = r.integer(raw, "number", where)
            if number not in SET_NUMBERS:
                raise r.fail(where, "number must be 1, 2 or 3")
        elif "number" in raw:
            raise r.fail(where, f"only sets are numbered, not a {kind.label.lower()}")
        where = _label(kind, number)
        if (kind, number) in agendas:
            raise r.fail(where, "there is already an agenda for this meeting")
        source, reconstructed, basis = r.provenance(raw, where)
        items = _parse_items(r, raw["items"], where)
        if reconstructed:
            # Every item of an agenda Homeward wrote is Homeward's, and is marked as such.
            items = [ItemTemplate(i.title, i.prompts, True, i.basis or basis) for i in items]
        agendas[(kind, number)] = AgendaTemplate(
            kind=kind, number=number, title=r.text(raw, "title", where),
            purpose=r.text(raw, "purpose", where), minutes=r.integer(raw, "minutes", where),
            source=source, reconstructed=reconstructed, basis=basis,
            items=tuple(items),
        )
    missing = [_label(*k) for k in _expected() if k not in agendas]
    if missing:
        raise r.fail("agendas", f"no agenda for {', '.join(missing)}")

    return AgendaSet(
        key=r.text(head, "key", "[template]"),
        version=r.text(head, "version", "[template]"),
        title=r.text(head, "title", "[template]"),
        source=r.provenance(head, "[template]")[0],
        agendas=agendas,
        roles=tuple(roles),
    )


def _parse_items(r: DataReader, raws: object, agenda: str) -> list[ItemTemplate]:
    if not isinstance(raws, list) or not raws:
        raise r.fail(agenda, "an agenda needs at least one item")
    items = []
    for i, raw in enumerate(raws, start=1):
        where = f"{agenda} item {i}"
        r.table(raw, where, {"title"}, {"prompts", "added_by_homeward", "basis"})
        title = r.text(raw, "title", where)
        if len(title) > 300:
            raise r.fail(where, "title must be 300 characters or fewer")
        prompts = raw.get("prompts", [])
        if not isinstance(prompts, list):
            raise r.fail(where, "prompts must be a list of questions")
        for j, prompt in enumerate(prompts, start=1):
            if not isinstance(prompt, str) or not prompt.strip():
                raise r.fail(where, f"prompt {j} must be text that is not empty")
        # An item takes its agenda's source unless it says Homeward added it.
        added, basis = False, ""
        if raw.get("added_by_homeward", False) is not False or "basis" in raw:
            _, added, basis = r.provenance(raw, where)
        for prompt in prompts:
            r.text({"prompt": prompt}, "prompt", where)
        items.append(ItemTemplate(title, tuple(p.strip() for p in prompts), added, basis))
    return items


def load(path: Path | None = None) -> AgendaSet:
    return read_data_file(path or CHECKLISTS_DIR / AGENDAS_FILE, parse)


@lru_cache(maxsize=1)
def current() -> AgendaSet:
    """The agendas as the app ships them, read once per process."""
    return load()
