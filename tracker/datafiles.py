"""Reading the data files in checklists/: the Checklist, the agendas, the tracking questions,
the sources. One reader checks each table's keys and types and every item's provenance, and its
errors name the file, the item and the problem, so whoever edits the data can fix it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

CHECKLISTS_DIR = Path(__file__).resolve().parents[1] / "checklists"
T = TypeVar("T")
# What only maintainers should see: a seed file's name, or a line reference. Text users read
# must not carry them; they belong after the "|" of a `source`.
MAINTAINER_ONLY = re.compile(r"\b\d{3}_[0-9a-f]{6,}|\blines? \d|\(\d{3}, |\bseeds?\b", re.IGNORECASE)
# Every item says where it comes from: `source`, or added_by_homeward with a `basis`.
PROVENANCE = {"source", "added_by_homeward", "basis"}


class ChecklistError(ValueError):
    """A checklist data file is not valid."""


class DataReader:
    """Checks one table's keys and types, naming where it is in the file. Shared by every
    loader of data in checklists/."""

    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, where: str, problem: str) -> ChecklistError:
        return ChecklistError(f"{self.filename}: {where}: {problem}")

    def table(self, data: object, where: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "expected a table")
        unknown = set(data) - required - optional
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(sorted(unknown))}")
        missing = required - set(data)
        if missing:
            raise self.fail(where, f"missing {', '.join(sorted(missing))}")
        return data

    def text(self, data: dict, key: str, where: str, *, blank_ok: bool = False,
             for_readers: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise self.fail(where, f"{key} must be text")
        if not blank_ok and not value.strip():
            raise self.fail(where, f"{key} is empty")
        found = MAINTAINER_ONLY.search(value) if for_readers else None
        if found:
            raise self.fail(where, f"{key} shows users {found.group(0)!r}: seed file names and "
                                   "line references go in `source`, after the '|'")
        return value.strip()

    def integer(self, data: dict, key: str, where: str) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(where, f"{key} must be a whole number from 1")
        return value

    def provenance(self, data: dict, where: str) -> tuple[str, bool, str]:
        """Where an item comes from, as (citation, added by Homeward, basis). Every item has a
        `source` (one reference or a list), or added_by_homeward = true with a `basis`."""
        added = data.get("added_by_homeward", False)
        if not isinstance(added, bool):
            raise self.fail(where, "added_by_homeward must be true or false")
        basis = self.text(data, "basis", where, blank_ok=True)
        if added and not basis:
            raise self.fail(where, "items added by Homeward need a basis saying what they came from")
        if basis and not added:
            raise self.fail(where, "basis is only for items with added_by_homeward = true")
        refs = data.get("source", [])
        if isinstance(refs, str):
            refs = [refs]
        if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
            raise self.fail(where, "source must be a reference or a list of references")
        if not refs and not added:
            raise self.fail(where, "needs a source (document and section), or "
                                   "added_by_homeward = true with a basis")
        # Imported here: the sources module reads its own file with this reader.
        from tracker import sources

        try:
            return sources.cite(refs), added, basis
        except ValueError as exc:
            raise self.fail(where, str(exc)) from exc


def read_data_file(path: Path, parse_text: Callable[[str, str], T]) -> T:
    """Read one data file in checklists/ and parse it, naming the file in any error."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"{path.name}: cannot be read: {exc.strerror}") from exc
    return parse_text(text, path.name)
