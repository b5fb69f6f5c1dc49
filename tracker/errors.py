"""Errors the services raise when a request breaks one of the programme's rules."""

from __future__ import annotations


class RuleBroken(ValueError):
    """A request that breaks a rule; `field` names the form field the message belongs to, so
    the page can show it next to that field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
