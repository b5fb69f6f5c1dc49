"""Rules for any value a person types or imports: lengths taken from the model's columns,
control characters, visible text, dates in a sensible range, and whole numbers written with the
digits 0-9. Forms (tracker/forms.py) and imports (tracker/imports.py) both use these, so a value
refused in one is refused in the other with the same words. Each check raises ValueError
carrying the message a person reads."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy.orm import InstrumentedAttribute

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

# C0 and C1 controls and DEL. Tab, line feed and carriage return are allowed in multi-line text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


def column_length(column: InstrumentedAttribute) -> int | None:
    """The character limit of a model's string column, e.g. column_length(Action.title)."""
    return getattr(column.property.columns[0].type, "length", None)


def strip_controls(value: str) -> str:
    """Drop control characters (NUL included) a browser or spreadsheet may have let through;
    PostgreSQL refuses NUL and no one meant any of them."""
    return _CONTROL.sub("", value)


def visible(value: str) -> bool:
    """True when the text has something a reader would see: not only spaces or zero-width
    characters (Unicode format characters such as U+200B)."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in value)


def strip_invisible(value: str) -> str:
    start, end = 0, len(value)
    while start < end and not visible(value[start]):
        start += 1
    while end > start and not visible(value[end - 1]):
        end -= 1
    return value[start:end]


def check_text(value: str, label: str, *, max_length: int | None, multiline: bool = False) -> str:
    """The text as it may be stored; ValueError names what is wrong."""
    if _CONTROL.search(value):
        raise ValueError(f"{label} contains a control character that cannot be stored "
                         f"(U+{ord(_CONTROL.search(value).group()):04X})")
    if not multiline and _LINE_BREAK.search(value):
        raise ValueError(f"{label} has a line break; a cell that runs over several rows usually "
                         "means a quote mark (\") was not closed")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{label} must be {max_length:,} characters or fewer "
                         f"(it has {len(value):,})")
    return value


def check_year(day: date, label: str) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"{label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return day


def parse_iso_date(value: str, label: str) -> date:
    """A date written 2027-03-31, between 2000 and 2100."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(f"{label} {value!r} is not a date like 2027-03-31")
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{label} {value!r} is not a real date") from exc
    return check_year(day, label)


def parse_whole_number(value: str, label: str) -> int:
    """Digits 0-9 only, thousands commas allowed. Other scripts' digits ('٢١', '２１') and
    superscripts ('²') are named, not read as numbers: a spreadsheet that holds them was typed
    in a way the person should see."""
    plain = value.strip().replace(",", "")
    if plain and not plain.isascii() and any(unicodedata.category(ch).startswith("N")
                                             for ch in plain):
        raise ValueError(f"{label} {value!r} uses characters other than the digits 0 to 9")
    if plain.startswith("-") and plain[1:].isdigit():
        raise ValueError(f"{label} must be 0 or more")
    if not (plain.isascii() and plain.isdigit()):
        raise ValueError(f"{label} must be a whole number, like 12")
    return int(plain)
