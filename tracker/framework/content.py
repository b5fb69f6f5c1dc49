"""The Framework's practice content (stages, key elements of practice, the risk
classification table, when to use it, research messages), loaded from
checklists/framework.toml and validated with the shared DataReader: errors name the file, the
item and the problem, and every item carries its provenance."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker.datafiles import CHECKLISTS_DIR, PROVENANCE, ChecklistError, DataReader, read_data_file

CONTENT_FILE = "framework.toml"
RISK_LEVELS = ("low", "medium", "high", "severe")
# The rows of the risk classification table, in the slides' order, with their headings.
RISK_ROWS = (
    ("risk_factors", "Risk factors"),
    ("protective_factors", "Protective factors"),
    ("capacity", "Parents' capacity to change"),
    ("wishes", "Wishes about return home"),
    ("recurrence", "Likelihood that abuse will recur"),
    ("plan", "Action and plan"),
)


@dataclass(frozen=True)
class Provenance:
    citation: str
    added_by_homeward: bool
    basis: str


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    summary: str
    used_by_tasks: tuple[str, ...]
    used_by_meetings: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class Practice:
    """A stage or a key element of practice: what fidelity is rated against."""

    key: str
    kind: str  # "stage" or "element"
    title: str
    number: int
    also_called: str
    provenance: Provenance

    @property
    def label(self) -> str:
        return f"Stage {self.number}: {self.title}" if self.kind == "stage" else self.title


@dataclass(frozen=True)
class RiskLevel:
    key: str
    title: str
    cells: dict[str, str]
    moves: tuple[str, ...]
    provenance: Provenance
    moves_provenance: Provenance


@dataclass(frozen=True)
class Statement:
    text: str
    provenance: Provenance
    not_well_known: bool = False


@dataclass(frozen=True)
class Content:
    key: str
    version: str
    title: str
    pages: dict[str, Page]
    stages: tuple[Practice, ...]
    elements: tuple[Practice, ...]
    risk_caption: str
    risk_note: str
    risk_credit: str
    risk_provenance: Provenance
    risk_levels: tuple[RiskLevel, ...]
    when_to_use: tuple[Statement, ...]
    research: tuple[Statement, ...]

    @property
    def practices(self) -> tuple[Practice, ...]:
        """Stages then key elements: the rows of a fidelity rating."""
        return self.stages + self.elements

    def practice(self, key: str) -> Practice | None:
        return next((p for p in self.practices if p.key == key), None)

    def pages_for_task(self, phase: int, number: int) -> list[Page]:
        ref = f"{phase}.{number}"
        return [p for p in self.pages.values() if ref in p.used_by_tasks]

    def pages_for_meeting(self, kind: str) -> list[Page]:
        return [p for p in self.pages.values() if kind in p.used_by_meetings]


def _provenance(r: DataReader, raw: dict, where: str) -> Provenance:
    return Provenance(*r.provenance(raw, where))


def _texts(r: DataReader, raw: dict, key: str, where: str, *, for_readers: bool = True
           ) -> tuple[str, ...]:
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise r.fail(where, f"{key} must be a list of text")
    return tuple(r.text({key: v}, key, where, for_readers=for_readers) for v in values)


def _list(r: DataReader, data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise r.fail(key, "must be a list that is not empty")
    return value


def _unique(r: DataReader, seen: set, key: str, where: str) -> None:
    if key in seen:
        raise r.fail(where, f"duplicate key {key}")
    seen.add(key)


def parse(text: str, filename: str) -> Content:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    r.table(data, "top level", {"template", "pages", "stages", "elements", "risk",
                                "when_to_use", "research"}, set())
    head = r.table(data["template"], "[template]", {"key", "version", "title"}, PROVENANCE)

    pages: dict[str, Page] = {}
    for i, raw in enumerate(_list(r, data, "pages"), start=1):
        where = f"page #{i}"
        r.table(raw, where, {"key", "title", "summary"},
                {"used_by_tasks", "used_by_meetings"} | PROVENANCE)
        key = r.text(raw, "key", where)
        where = f"page {key}"
        _unique(r, set(pages), key, where)
        tasks = _texts(r, raw, "used_by_tasks", where, for_readers=False)
        if any(not _is_task_ref(t) for t in tasks):
            raise r.fail(where, "used_by_tasks items read phase.number, like 1.13")
        pages[key] = Page(key, r.text(raw, "title", where), r.text(raw, "summary", where),
                          tasks, _texts(r, raw, "used_by_meetings", where, for_readers=False),
                          _provenance(r, raw, where))

    seen: set[str] = set()
    stages = []
    for i, raw in enumerate(_list(r, data, "stages"), start=1):
        where = f"stage #{i}"
        r.table(raw, where, {"key", "number", "title"}, {"also_called"} | PROVENANCE)
        key = r.text(raw, "key", where)
        _unique(r, seen, key, where)
        number = r.integer(raw, "number", where)
        if number != i:
            raise r.fail(where, f"stages must be numbered in order: expected {i}")
        stages.append(Practice(key, "stage", r.text(raw, "title", where), number,
                               r.text(raw, "also_called", where, blank_ok=True),
                               _provenance(r, raw, where)))
    elements = []
    for i, raw in enumerate(_list(r, data, "elements"), start=1):
        where = f"element #{i}"
        r.table(raw, where, {"key", "title"}, PROVENANCE)
        key = r.text(raw, "key", where)
        _unique(r, seen, key, where)
        elements.append(Practice(key, "element", r.text(raw, "title", where), i, "",
                                 _provenance(r, raw, where)))

    risk = r.table(data["risk"], "[risk]", {"caption", "note", "credit", "levels", "moves"},
                   PROVENANCE)
    moves: dict[str, tuple[tuple[str, ...], Provenance]] = {}
    for i, raw in enumerate(_list(r, risk, "moves"), start=1):
        where = f"risk move #{i}"
        r.table(raw, where, {"level", "text"}, PROVENANCE)
        level = r.text(raw, "level", where)
        if level not in RISK_LEVELS or level in moves:
            raise r.fail(where, f"level must be one of {', '.join(RISK_LEVELS)}, once each")
        moves[level] = (_texts(r, raw, "text", where), _provenance(r, raw, where))
    levels = []
    for i, raw in enumerate(_list(r, risk, "levels"), start=1):
        where = f"risk level #{i}"
        r.table(raw, where, {"key", "title"} | {k for k, _ in RISK_ROWS}, PROVENANCE)
        key = r.text(raw, "key", where)
        if i > len(RISK_LEVELS) or key != RISK_LEVELS[i - 1]:
            raise r.fail(where, f"the levels are {', '.join(RISK_LEVELS)}, in that order")
        if key not in moves:
            raise r.fail(where, "has no [[risk.moves]] entry")
        levels.append(RiskLevel(key, r.text(raw, "title", where),
                                {k: r.text(raw, k, where) for k, _ in RISK_ROWS},
                                moves[key][0], _provenance(r, raw, where), moves[key][1]))
    if len(levels) != len(RISK_LEVELS):
        raise r.fail("[risk]", f"needs the four levels {', '.join(RISK_LEVELS)}")

    def statements(name: str, optional: set[str]) -> tuple[Statement, ...]:
        found = []
        for i, raw in enumerate(_list(r, data, name), start=1):
            where = f"{name} #{i}"
            r.table(raw, where, {"text"}, optional | PROVENANCE)
            flag = raw.get("not_well_known", False)
            if not isinstance(flag, bool):
                raise r.fail(where, "not_well_known must be true or false")
            found.append(Statement(r.text(raw, "text", where), _provenance(r, raw, where), flag))
        return tuple(found)

    return Content(
        r.text(head, "key", "[template]"), r.text(head, "version", "[template]"),
        r.text(head, "title", "[template]"), pages, tuple(stages), tuple(elements),
        r.text(risk, "caption", "[risk]"), r.text(risk, "note", "[risk]"),
        r.text(risk, "credit", "[risk]"), _provenance(r, risk, "[risk]"), tuple(levels),
        statements("when_to_use", set()), statements("research", {"not_well_known"}),
    )


def check_links(data: Content, template) -> None:
    """Every page's `used_by_tasks` names a task of the Checklist `template`, and every
    `used_by_meetings` a meeting kind."""
    from tracker.models import MeetingKind

    tasks = {f"{phase.number}.{task.number}" for phase in template.phases for task in phase.tasks}
    kinds = {kind.value for kind in MeetingKind}
    for page in data.pages.values():
        for ref in page.used_by_tasks:
            if ref not in tasks:
                raise ChecklistError(f"{CONTENT_FILE}: page {page.key}: used_by_tasks names "
                                     f"{ref}, which is no task of the Checklist")
        for kind in page.used_by_meetings:
            if kind not in kinds:
                raise ChecklistError(f"{CONTENT_FILE}: page {page.key}: used_by_meetings names "
                                     f"{kind}: use one of {', '.join(sorted(kinds))}")


def _is_task_ref(ref: str) -> bool:
    phase, _, number = ref.partition(".")
    return phase.isdigit() and number.isdigit()


def load(path: Path | None = None) -> Content:
    return read_data_file(path or CHECKLISTS_DIR / CONTENT_FILE, parse)


@lru_cache(maxsize=1)
def current() -> Content:
    """The content as the app ships it, read once per process."""
    return load()
