"""The tenancy mark on a model: a row that belongs to one authority's programme."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column


class ProgrammeOwned:
    """A row of one authority's programme. Pages load such rows only through
    `tenancy.get_in_programme_or_404` and `tenancy.in_programme`, so another authority's row
    is a 404; tests check that every table with a `programme_id` is marked with this."""

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
