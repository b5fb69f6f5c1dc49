"""The health thresholds: defaults from checklists/health.toml, with provenance, and an
authority's own values set by its strategic lead (HealthSettings), merged at read time."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from tracker.datafiles import CHECKLISTS_DIR, DataReader, read_data_file
from tracker.extensions import db
from tracker.models import HealthSettings

FILENAME = "health.toml"
UNITS = ("days", "working days", "working weeks", "percent", "count")


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str
    unit: str
    default: int
    min: int
    max: int
    citation: str
    added_by_homeward: bool
    basis: str


def parse(text: str, filename: str = FILENAME) -> dict[str, Threshold]:
    reader = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise reader.fail("file", f"not valid TOML: {exc}") from exc
    reader.table(data, "file", {"thresholds"}, set())
    out: dict[str, Threshold] = {}
    for i, item in enumerate(data["thresholds"], 1):
        where = f"threshold {i}"
        reader.table(item, where, {"key", "label", "unit", "default", "min", "max"},
                     {"source", "added_by_homeward", "basis"})
        key = reader.text(item, "key", where)
        where = f"threshold {key!r}"
        if key in out:
            raise reader.fail(where, "the key is used twice")
        unit = reader.text(item, "unit", where)
        if unit not in UNITS:
            raise reader.fail(where, f"unit must be one of {', '.join(UNITS)}")
        numbers = {}
        for name in ("default", "min", "max"):
            value = item[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise reader.fail(where, f"{name} must be a whole number from 0")
            numbers[name] = value
        if not numbers["min"] <= numbers["default"] <= numbers["max"]:
            raise reader.fail(where, "default must lie between min and max")
        citation, added, basis = reader.provenance(item, where)
        out[key] = Threshold(key, reader.text(item, "label", where), unit, numbers["default"],
                             numbers["min"], numbers["max"], citation, added, basis)
    return out


def load() -> dict[str, Threshold]:
    return read_data_file(CHECKLISTS_DIR / FILENAME, parse)


@cache
def defaults() -> dict[str, Threshold]:
    return load()


@dataclass(frozen=True)
class Thresholds:
    """The values in force for one programme; `local` names those its lead changed."""

    values: dict[str, int]
    local: frozenset[str]

    def __getitem__(self, key: str) -> int:
        return self.values[key]

    def planned_days(self, phase: int) -> int:
        return self.values.get(f"phase_{phase}_planned_days", self.values["phase_3_planned_days"])


def merge(overrides: dict | None) -> Thresholds:
    known = defaults()
    local = {k: int(v) for k, v in (overrides or {}).items()
             if k in known and isinstance(v, int) and known[k].min <= v <= known[k].max}
    values = {k: local.get(k, t.default) for k, t in known.items()}
    return Thresholds(values, frozenset(k for k in local if local[k] != known[k].default))


def for_programmes(programme_ids: list[int]) -> dict[int, Thresholds]:
    """One query for any number of programmes."""
    rows = dict(db.session.execute(
        select(HealthSettings.programme_id, HealthSettings.thresholds)
        .where(HealthSettings.programme_id.in_(programme_ids))).all()) if programme_ids else {}
    return {pid: merge(rows.get(pid)) for pid in programme_ids}
