"""The outcome measures read as SPC charts, loaded from checklists/outcome_measures.toml and
validated: what each measures, its unit, its improvement direction (with why and where that
comes from) and its target line. How each is worked out from a period's figures is code,
keyed by the file's `key`."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
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
from tracker.outcomes import questions, spc
from tracker.outcomes.services import QuarterView, Rate

MEASURES_FILE = "outcome_measures.toml"
UNITS = ("percent", "count")


def _percent(r: Rate | None) -> float | None:
    return None if r is None else float(r.percent)


# A period's value for each measure, None where it is not known (yet).
VALUES: dict[str, Callable[[QuarterView], float | None]] = {
    "reentry_3_months": lambda v: _percent(v.reentry(3)),
    "reentry_12_months": lambda v: _percent(v.reentry(12)),
    "unplanned_share": lambda v: _percent(v.unplanned_share),
    "framework_share": lambda v: _percent(v.framework_share),
    "returned_home": lambda v: float(v.row.returned_home),
}


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    unit: str
    improvement: str  # spc.UP, spc.DOWN or spc.NEITHER
    why: str
    target: questions.Benchmark | None
    source: str
    added_by_homeward: bool
    basis: str

    @property
    def percent(self) -> bool:
        return self.unit == "percent"

    def value(self, view: QuarterView) -> float | None:
        return VALUES[self.key](view)

    def shown(self, value: float) -> str:
        return f"{value:.1f}%" if self.percent else f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class MeasureSet:
    title: str
    basis: str  # the set is Homeward's own reading of the Annex 2 figures
    measures: tuple[Measure, ...]

    def get(self, key: str) -> Measure | None:
        return next((m for m in self.measures if m.key == key), None)


def parse(text: str, filename: str,
          benchmarks: dict[str, questions.Benchmark] | None = None) -> MeasureSet:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    if benchmarks is None:
        benchmarks = questions.current().benchmarks
    r.table(data, "top level", {"template", "measures"}, set())
    head = r.table(data["template"], "[template]", {"key", "version", "title"}, PROVENANCE)
    if not isinstance(data["measures"], list) or not data["measures"]:
        raise r.fail("measures", "there must be at least one measure")
    found: list[Measure] = []
    for i, raw in enumerate(data["measures"], start=1):
        where = f"measure #{i}"
        r.table(raw, where, {"key", "title", "unit", "improvement", "why"},
                {"target"} | PROVENANCE)
        key = r.text(raw, "key", where)
        where = f"measure {key}"
        if key not in VALUES:
            raise r.fail(where, f"unknown measure: use {', '.join(VALUES)}")
        if any(m.key == key for m in found):
            raise r.fail(where, "duplicate measure")
        unit = r.text(raw, "unit", where)
        if unit not in UNITS:
            raise r.fail(where, f"unit must be {' or '.join(UNITS)}")
        improvement = r.text(raw, "improvement", where)
        if improvement not in (spc.UP, spc.DOWN, spc.NEITHER):
            raise r.fail(where, "improvement must be up, down or neither")
        target = None
        if "target" in raw:
            target = benchmarks.get(r.text(raw, "target", where))
            if target is None:
                raise r.fail(where, f"target names no benchmark: use {', '.join(benchmarks)}")
        source, added, basis = r.provenance(raw, where)
        found.append(Measure(key, r.text(raw, "title", where), unit, improvement,
                             r.text(raw, "why", where), target, source, added, basis))
    return MeasureSet(r.text(head, "title", "[template]"), r.provenance(head, "[template]")[2],
                      tuple(found))


def load(path: Path | None = None) -> MeasureSet:
    return read_data_file(path or CHECKLISTS_DIR / MEASURES_FILE, parse)


@lru_cache(maxsize=1)
def current() -> MeasureSet:
    """The measures as the app ships them, read once per process."""
    return load()
