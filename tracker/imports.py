"""One way in for every spreadsheet import: bytes to text, text to rows under named columns,
and the page's preview-then-confirm flow.

An area's importer gives `read_sheet` its columns, then checks each row's cells with the rules
in tracker/validation.py, adding a `Problem` per cell. Nothing is saved until every row has no
problem and the person confirms; then `save_all` saves every row in one transaction or none.

The steps are separate so another reader (a spreadsheet's first sheet, say) can hand
`read_sheet` its records, and a column-matching step can rename headers before it.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tracker import validation
from tracker.extensions import db

# Bounds that keep one upload from tying up a worker: the whole file is read into memory and
# every row is checked and, on confirm, saved in one transaction.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_CELL_CHARACTERS = 20_000

T = TypeVar("T")


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Problem:
    column: str  # "" when the problem is the row's, not one cell's
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Row:
    line: int  # the line of the file the row starts on, as a spreadsheet numbers it
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)  # what the importer read, ready to save

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(column, message))

    def bad(self, column: str) -> str:
        return "; ".join(p.message for p in self.problems if p.column == column)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or Windows-1252 as older Excel saves "CSV"."""
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: "
                          "split it into smaller files")
    if not data.strip():
        raise FileProblem("The file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem("The file is saved as UTF-16: save it as \"CSV UTF-8\" instead")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileProblem("The file cannot be read as text: save it as \"CSV UTF-8\"") from exc


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells) for each record of CSV text."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise FileProblem(f"Row {start}: a cell is longer than "
                              f"{MAX_CELL_CHARACTERS:,} characters") from exc
        raise FileProblem(f"Row {start} cannot be read as CSV ({exc})") from exc


def _header_name(cell: str) -> str:
    return "".join(ch for ch in cell if validation.visible(ch)).strip().lower()


def read_sheet(records: Iterable[tuple[int, list[str]]], *, columns: Sequence[str],
               required: Sequence[str], noun: str, max_rows: int = MAX_ROWS) -> list[Row]:
    """Rows under the first row's column names, every cell stripped and at most
    MAX_CELL_CHARACTERS long. FileProblem when the columns are wrong, when there are no rows or
    more than `max_rows`. Row problems found here: cells beyond the header, overlong cells."""
    records = iter(records)
    header: list[str] = []
    for _line, cells in records:
        if any(c.strip() for c in cells):
            header = [_header_name(c) for c in cells]
            break
    if not header:
        raise FileProblem("The file is empty")
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name and name in seen:
            raise FileProblem(f"The column {name} appears twice (columns {seen[name]} and "
                              f"{number}): keep one")
        seen[name] = number
    missing = [c for c in required if c not in seen]
    unknown = [h for h in header if h and h not in columns]
    if missing or unknown:
        said = []
        if missing:
            said.append(f"Missing: {', '.join(missing)}.")
        if unknown:
            said.append(f"Unknown: {', '.join(unknown)}.")
        raise FileProblem(f"The first row must name the columns. {' '.join(said)} "
                          f"Columns you can use: {', '.join(columns)}")
    rows: list[Row] = []
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == max_rows:
            raise FileProblem(f"The file has more than {max_rows:,} {noun}s: split it into "
                              "smaller files")
        row = Row(line, {})
        for name, cell in zip(header, cells, strict=False):
            if name:
                row.values[name] = _as_typed(cell.strip())
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra or any(c.strip() for name, c in zip(header, cells, strict=False) if not name):
            row.problem("", f"The row has {len(extra) or 'some'} cell(s) with no column name "
                            "in the first row: add the column name or remove the cells")
        for name, value in row.values.items():
            if len(value) > MAX_CELL_CHARACTERS:
                row.problem(name, f"{name} is longer than {MAX_CELL_CHARACTERS:,} characters")
                row.values[name] = value[:MAX_CELL_CHARACTERS]
        rows.append(row)
    if not rows:
        raise FileProblem(f"The file has no {noun}s in it, only the row of column names")
    return rows


def _as_typed(cell: str) -> str:
    """An exported cell comes back as it was typed: without the apostrophe the export put
    before text a spreadsheet would read as a formula."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def text_cell(row: Row, column: str, *, max_length: int | None, multiline: bool = False,
              required: str | None = None) -> str:
    """A text cell as it may be stored, or "" with the cell's problem added to the row.
    `required` is the message for a blank cell (blank includes only zero-width characters)."""
    value = row.values.get(column, "")
    if not validation.visible(value):
        if required:
            row.problem(column, required)
        return ""
    try:
        return validation.check_text(value, column, max_length=max_length, multiline=multiline)
    except ValueError as exc:
        row.problem(column, str(exc))
        return ""


def date_cell(row: Row, column: str):
    value = row.values.get(column, "")
    if not value:
        return None
    try:
        return validation.parse_iso_date(value, column)
    except ValueError as exc:
        row.problem(column, str(exc))
        return None


def uploaded_text(form) -> str | None:
    """The text to check: a newly chosen file, or the checked text the confirm form carries.
    Problems go on form.file.errors, so the page shows them at the field."""
    upload = form.file.data
    if upload and upload.filename:
        try:
            return decode(upload.read(MAX_FILE_BYTES + 1))
        except FileProblem as exc:
            form.file.errors.append(str(exc))
            return None
        finally:
            upload.close()  # a large upload is spooled to a temporary file
    if form.csv_text.data:
        return form.csv_text.data
    form.file.errors.append("Choose a CSV file to import")
    return None


def is_confirmed(form, request) -> bool:
    """Saving needs the confirm button on the preview, never the first upload."""
    upload = form.file.data
    return bool(request.form.get("confirm")) and not (upload and upload.filename)


def parse_or_explain(form, parse: Callable[[str], list[Row]], text: str) -> list[Row] | None:
    """Run an importer's parse; a FileProblem becomes the file field's error."""
    try:
        rows = parse(text)
    except FileProblem as exc:
        form.file.errors.append(str(exc))
        return None
    form.csv_text.data = text
    return rows


def save_all(save: Callable[[], T]) -> T:
    """Every row or none: commit once at the end, roll everything back on any error."""
    try:
        result = save()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


# -- CSV out ------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, which shows
    the text as typed; numbers and dates are written as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, out: io.StringIO):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([spreadsheet_safe(v) for v in row])


def csv_writer(out: io.StringIO) -> _SafeWriter:
    """Every CSV export writes through this, after writing the byte-order mark Excel needs."""
    return _SafeWriter(out)
