"""Extension points of one kind. An area that adds to another's page or email (a calendar
feed source, a portfolio column, a digest section, a health signal) adds an entry to that
area's Registry from its own `init_app`; create_app calls the areas in a fixed order, so the
entries come in a known order whatever was imported first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what
        self._entries: list[T] = []

    def add(self, entry: T) -> T:
        # Idempotent: tests and the CLI build several apps in one process.
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry of {self.what}: {len(self._entries)}>"
