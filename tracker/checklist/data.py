"""The Implementation Checklist as data: loaded from checklists/*.toml and validated.

Errors name the file, the item and the problem, so whoever edits the data can fix it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tracker.datafiles import (
    CHECKLISTS_DIR,
    PROVENANCE,
    ChecklistError,
    DataReader,
    read_data_file,
)

CHECKLIST_FILE = "implementation_checklist.toml"


# Throughout, `reconstructed` means "added by Homeward" (added_by_homeward in the data files):
# not in the surviving sources, with a `basis` saying what Homeward built it from; `source` is
# the citation readers see.

@dataclass(frozen=True)
class Annex:
    number: int
    title: str
    reconstructed: bool
    basis: str


@dataclass(frozen=True)
class SubPoint:
    letter: str
    text: str


@dataclass(frozen=True)
class TaskTemplate:
    number: int
    title: str
    responsible: str
    annexes: tuple[int, ...]
    guidance: str
    source: str
    reconstructed: bool
    basis: str
    subpoints: tuple[SubPoint, ...]
    # "Usually led by" is Homeward's suggestion unless the source names who leads.
    responsible_suggested: bool


@dataclass(frozen=True)
class OutcomeTemplate:
    text: str
    source: str
    reconstructed: bool
    basis: str


@dataclass(frozen=True)
class PhaseTemplate:
    number: int
    key: str
    title: str
    summary: str
    tasks: tuple[TaskTemplate, ...]
    outcomes: tuple[OutcomeTemplate, ...]
    # The phase's name and summary (and for Phase 3 its existence) are Homeward's.
    source: str
    reconstructed: bool
    basis: str


@dataclass(frozen=True)
class ChecklistTemplate:
    key: str
    version: str
    title: str
    source: str
    annexes: dict[int, Annex]
    phases: tuple[PhaseTemplate, ...] = field(default_factory=tuple)

    def phase(self, number: int) -> PhaseTemplate:
        return next(p for p in self.phases if p.number == number)





def parse(text: str, filename: str) -> ChecklistTemplate:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    r.table(data, "top level", {"template", "annexes", "phases"}, set())
    head = r.table(data["template"], "[template]", {"key", "version", "title", "source"}, set())

    annexes: dict[int, Annex] = {}
    for i, raw in enumerate(data["annexes"], start=1):
        where = f"annex #{i}"
        r.table(raw, where, {"number", "title"}, PROVENANCE)
        number = r.integer(raw, "number", where)
        where = f"Annex {number}"
        if number in annexes:
            raise r.fail(where, "duplicate annex number")
        _, added, basis = r.provenance(raw, where)
        annexes[number] = Annex(number, r.text(raw, "title", where), added, basis)

    phases: list[PhaseTemplate] = []
    for i, raw in enumerate(data["phases"], start=1):
        where = f"phase #{i}"
        r.table(raw, where, {"number", "key", "title", "summary", "tasks", "outcomes"}, PROVENANCE)
        number = r.integer(raw, "number", where)
        where = f"Phase {number}"
        if any(p.number == number for p in phases):
            raise r.fail(where, "duplicate phase number")
        tasks = _parse_tasks(r, raw["tasks"], where, annexes)
        outcomes = []
        for j, out in enumerate(raw["outcomes"], start=1):
            owhere = f"{where} outcome {j}"
            r.table(out, owhere, {"text"}, PROVENANCE)
            outcomes.append(OutcomeTemplate(r.text(out, "text", owhere), *r.provenance(out, owhere)))
        phases.append(
            PhaseTemplate(
                number=number,
                key=r.text(raw, "key", where),
                title=r.text(raw, "title", where),
                summary=r.text(raw, "summary", where),
                tasks=tuple(tasks),
                outcomes=tuple(outcomes),
                **dict(zip(("source", "reconstructed", "basis"), r.provenance(raw, where),
                           strict=True)),
            )
        )
    if [p.number for p in phases] != list(range(1, len(phases) + 1)):
        raise r.fail("phases", "phases must be numbered 1, 2, 3... in order")

    return ChecklistTemplate(
        key=r.text(head, "key", "[template]"),
        version=r.text(head, "version", "[template]"),
        title=r.text(head, "title", "[template]"),
        source=r.provenance(head, "[template]")[0],
        annexes=annexes,
        phases=tuple(phases),
    )


_TASK_REQUIRED = {"number", "title", "responsible", "annexes", "guidance"}
_TASK_OPTIONAL = PROVENANCE | {"subpoints", "responsible_source"}


def _parse_tasks(r: DataReader, raws: list, phase_where: str, annexes: dict) -> list[TaskTemplate]:
    tasks: list[TaskTemplate] = []
    for i, raw in enumerate(raws, start=1):
        where = f"{phase_where} task #{i}"
        if isinstance(raw, dict) and isinstance(raw.get("number"), int):
            where = f"{phase_where} task {raw['number']}"
        r.table(raw, where, _TASK_REQUIRED, _TASK_OPTIONAL)
        number = r.integer(raw, "number", where)
        if any(t.number == number for t in tasks):
            raise r.fail(where, "duplicate task number")
        refs = raw["annexes"]
        if not isinstance(refs, list) or not all(isinstance(a, int) for a in refs):
            raise r.fail(where, "annexes must be a list of annex numbers")
        for ref in refs:
            if ref not in annexes:
                raise r.fail(where, f"refers to Annex {ref}, which is not listed under [[annexes]]")
        subpoints = []
        for sub in raw.get("subpoints", []):
            r.table(sub, f"{where} sub-point", {"letter", "text"}, set())
            letter = r.text(sub, "letter", f"{where} sub-point")
            if any(s.letter == letter for s in subpoints):
                raise r.fail(where, f"duplicate sub-point {letter}")
            subpoints.append(SubPoint(letter, r.text(sub, "text", f"{where} sub-point {letter}")))
        source, added, basis = r.provenance(raw, where)
        if "responsible_source" in raw:
            r.provenance({"source": raw["responsible_source"]}, f"{where} responsible_source")
        tasks.append(
            TaskTemplate(
                number=number,
                title=r.text(raw, "title", where),
                responsible=r.text(raw, "responsible", where),
                annexes=tuple(refs),
                guidance=r.text(raw, "guidance", where),
                source=source,
                reconstructed=added,
                basis=basis,
                subpoints=tuple(subpoints),
                responsible_suggested="responsible_source" not in raw,
            )
        )
    return tasks


def load(path: Path | None = None) -> ChecklistTemplate:
    return read_data_file(path or CHECKLISTS_DIR / CHECKLIST_FILE, parse)


@lru_cache(maxsize=1)
def current() -> ChecklistTemplate:
    """The Checklist as the app ships it, read once per process."""
    return load()
