"""The published documents Homeward's content comes from, and the one way to cite them.

A source reference in a data file reads "checklist: Phase 1, task 5 | lines 694–698": the key
of a document in checklists/sources.toml, the section a reader can look up, and after "|" a
note for maintainers (line numbers in the seed text files) that users never see.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker.datafiles import (
    CHECKLISTS_DIR,
    MAINTAINER_ONLY,
    ChecklistError,
    DataReader,
    read_data_file,
)

SOURCES_FILE = "sources.toml"


@dataclass(frozen=True)
class Document:
    key: str
    file: str
    short_title: str
    title: str
    publisher: str


def parse(text: str, filename: str) -> dict[str, Document]:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    r.table(data, "top level", {"documents"}, set())
    documents: dict[str, Document] = {}
    fields = {"key", "file", "short_title", "title", "publisher"}
    for i, raw in enumerate(data["documents"], start=1):
        r.table(raw, f"document #{i}", fields, set())
        key = r.text(raw, "key", f"document #{i}")
        if key in documents:
            raise r.fail(f"document {key}", "duplicate key")
        documents[key] = Document(**{f: r.text(raw, f, f"document {key}", for_readers=f != "file")
                                     for f in sorted(fields)})
    return documents


def load(path: Path | None = None) -> dict[str, Document]:
    return read_data_file(path or CHECKLISTS_DIR / SOURCES_FILE, parse)


@lru_cache(maxsize=1)
def current() -> dict[str, Document]:
    """The documents as the app ships them, read once per process."""
    return load()


def _parse(reference: str, documents: dict[str, Document]) -> tuple[Document, str]:
    cited = reference.split("|", 1)[0]
    key, sep, section = cited.partition(":")
    key, section = key.strip(), section.strip()
    if not sep or not section:
        raise ValueError(f"source {reference!r} should read 'document: section | lines'")
    if key not in documents:
        raise ValueError(f"source {reference!r} names no document in {SOURCES_FILE}: "
                         f"use one of {', '.join(documents)}")
    if MAINTAINER_ONLY.search(section):
        raise ValueError(f"source {reference!r}: line references go after the '|'")
    return documents[key], section


def citation(reference: str, documents: dict[str, Document] | None = None) -> str:
    """What a reader sees for one reference: the document's published short title and the
    section, e.g. "NSPCC Implementation Checklist, Phase 1, task 14". Raises ValueError, saying
    what is wrong, for a reference that does not follow the form."""
    document, section = _parse(reference, documents if documents is not None else current())
    return f"{document.short_title}, {section}"


def cite(references: Iterable[str], documents: dict[str, Document] | None = None) -> str:
    """Several references as one line for readers, grouped by document in the order first
    cited: "NSPCC Implementation Checklist: Phase 1, task 8; Annex 4. Bristol evaluation: …"."""
    documents = documents if documents is not None else current()
    grouped: dict[str, tuple[Document, list[str]]] = {}
    for reference in references:
        document, section = _parse(reference, documents)
        grouped.setdefault(document.key, (document, []))[1].append(section)
    if len(grouped) == 1 and len(next(iter(grouped.values()))[1]) == 1:
        document, (section,) = next(iter(grouped.values()))
        return f"{document.short_title}, {section}"
    return ". ".join(f"{document.short_title}: {'; '.join(sections)}"
                     for document, sections in grouped.values())
