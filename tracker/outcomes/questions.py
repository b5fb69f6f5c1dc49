"""Annex 2's ongoing tracking questions and the national re-entry figures, loaded from
checklists/tracking_questions.toml and validated.

Errors name the file, the section or question and the problem, like the Checklist's own loader
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

QUESTIONS_FILE = "tracking_questions.toml"
# The outcome page's charts a question can point at.
CHARTS = ("returns", "reentry", "framework", "legal_status")
# The national figures the re-entry chart draws as lines; the file may list other figures too,
# each saying what it measures, over what period and where it comes from.
BENCHMARKS = ("reentry_3_months", "reentry_12_months")


@dataclass(frozen=True)
class Benchmark:
    key: str
    label: str
    percent: int
    source: str  # the citation readers see


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    note: str
    prompts: tuple[str, ...]
    answered_by: tuple[str, ...]
    # Parts of the question Homeward's figures do not answer, each saying why.
    not_yet_answered: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    source: str


@dataclass(frozen=True)
class TrackingGuide:
    key: str
    version: str
    title: str
    source: str
    benchmarks: dict[str, Benchmark]
    sections: tuple[Section, ...]

    def for_chart(self, chart: str) -> list[Question]:
        """The questions a chart helps answer, in the file's order."""
        return [q for s in self.sections for q in s.questions if chart in q.answered_by]

    def unanswered(self) -> list[Section]:
        """Sections holding questions no chart answers, with only those questions."""
        found = []
        for section in self.sections:
            questions = tuple(q for q in section.questions if not q.answered_by)
            if questions:
                found.append(Section(section.key, section.title, section.intro, questions,
                                     section.source))
        return found


def _strings(r: DataReader, raw: dict, key: str, where: str) -> tuple[str, ...]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise r.fail(where, f"{key} must be a list of text")
    for i, value in enumerate(values, start=1):
        if not isinstance(value, str) or not value.strip():
            raise r.fail(where, f"{key} item {i} must be text that is not empty")
        r.text({key: value}, key, f"{where} {key} item {i}")
    return tuple(v.strip() for v in values)


def parse(text: str, filename: str) -> TrackingGuide:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    r.table(data, "top level", {"template", "benchmarks", "sections"}, set())
    head = r.table(data["template"], "[template]", {"key", "version", "title", "source"}, set())

    benchmarks: dict[str, Benchmark] = {}
    for i, raw in enumerate(data["benchmarks"], start=1):
        where = f"benchmark #{i}"
        r.table(raw, where, {"key", "label", "percent", "source"}, set())
        key = r.text(raw, "key", where)
        where = f"benchmark {key}"
        if key in benchmarks:
            raise r.fail(where, "duplicate benchmark")
        percent = raw["percent"]
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            raise r.fail(where, "percent must be a whole number from 0 to 100")
        benchmarks[key] = Benchmark(key, r.text(raw, "label", where), percent,
                                    r.provenance(raw, where)[0])
    missing = set(BENCHMARKS) - set(benchmarks)
    if missing:
        raise r.fail("benchmarks", f"missing {', '.join(sorted(missing))}")

    sections: list[Section] = []
    keys: set[str] = set()
    for i, raw in enumerate(data["sections"], start=1):
        where = f"section #{i}"
        r.table(raw, where, {"key", "title", "questions"}, {"intro"} | PROVENANCE)
        key = r.text(raw, "key", where)
        where = f"section {key}"
        if any(s.key == key for s in sections):
            raise r.fail(where, "duplicate section key")
        if not isinstance(raw["questions"], list) or not raw["questions"]:
            raise r.fail(where, "questions must be a list that is not empty")
        questions = []
        for j, rq in enumerate(raw["questions"], start=1):
            qwhere = f"{where}, question #{j}"
            r.table(rq, qwhere, {"key", "text"},
                    {"note", "prompts", "answered_by", "not_yet_answered"})
            qkey = r.text(rq, "key", qwhere)
            qwhere = f"question {qkey}"
            if qkey in keys:
                raise r.fail(qwhere, "duplicate question key")
            keys.add(qkey)
            charts = _strings(r, rq, "answered_by", qwhere)
            unknown = [c for c in charts if c not in CHARTS]
            if unknown:
                raise r.fail(qwhere, f"answered_by names unknown chart(s) {', '.join(unknown)}: "
                                     f"use {', '.join(CHARTS)}")
            questions.append(Question(qkey, r.text(rq, "text", qwhere),
                                      r.text(rq, "note", qwhere, blank_ok=True),
                                      _strings(r, rq, "prompts", qwhere), charts,
                                      _strings(r, rq, "not_yet_answered", qwhere)))
        sections.append(Section(key, r.text(raw, "title", where),
                                r.text(raw, "intro", where, blank_ok=True), tuple(questions),
                                r.provenance(raw, where)[0]))
    if not sections:
        raise r.fail("sections", "there must be at least one section")
    return TrackingGuide(r.text(head, "key", "[template]"), r.text(head, "version", "[template]"),
                         r.text(head, "title", "[template]"), r.provenance(head, "[template]")[0],
                         benchmarks, tuple(sections))


def load(path: Path | None = None) -> TrackingGuide:
    return read_data_file(path or CHECKLISTS_DIR / QUESTIONS_FILE, parse)


@lru_cache(maxsize=1)
def current() -> TrackingGuide:
    """The questions as the app ships them, read once per process."""
    return load()
