"""One way in for every spreadsheet import: a CSV or .xlsx file to rows, the person matching
the file's columns to the importer's fields, and the page's preview-then-confirm flow.

An area declares an `Importer`: its `Field`s, each with the heading people see, the other
headings it goes by (aliases), whether it is required, and a parser for one cell. `Upload`
runs the page: it reads the file (an .xlsx's first sheet becomes CSV text, so the confirm form
carries one kind of text), proposes which column is which field by heading, takes the
person's choices, reads every row under them and runs the area's `check` for what needs the
database (owners, workstreams). Nothing is saved until every row has no problem and the person
confirms; then `save_all` saves every row in one transaction or none.

Problems name columns by the headings in the person's own file, so they can find the cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any, TypeVar

from tracker import validation
from tracker.extensions import db

# Bounds that keep one upload from tying up a worker: the whole file is read into memory and
# every row is checked and, on confirm, saved in one transaction.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_CELL_CHARACTERS = 20_000
MAX_COLUMNS = 100
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
# Rows the preview lists when none has a problem; rows with problems are always all listed.
PREVIEW_ROWS = 100

T = TypeVar("T")


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Problem:
    column: str  # the field's key; "" when the problem is the row's, not one cell's
    message: str
    heading: str = ""  # the column's heading in the person's file

    def __str__(self) -> str:
        return self.message


@dataclass
class Row:
    line: int  # the row's number as a spreadsheet numbers it
    values: dict[str, str]  # field key: the cell as typed
    problems: list[Problem] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)  # what the importer read, ready to save
    headings: dict[str, str] = field(default_factory=dict, repr=False)  # key: file's heading

    def heading(self, column: str) -> str:
        return self.headings.get(column, column)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(column, message, self.heading(column) if column else ""))

    def bad(self, column: str) -> str:
        return "; ".join(p.message for p in self.problems if p.column == column)


# -- What an importer declares ------------------------------------------------------------------

Parser = Callable[[str, str], Any]  # (cell as typed, heading) -> value; ValueError says why


def text(max_length: int | None, *, multiline: bool = False) -> Parser:
    return lambda value, label: validation.check_text(value, label, max_length=max_length,
                                                      multiline=multiline)


@dataclass(frozen=True)
class Field:
    key: str
    heading: str  # as the app shows it, and the template's column heading
    parse: Parser = text(MAX_CELL_CHARACTERS)
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headings that mean this field, e.g. old exports' keys
    hint: str = ""  # what the cell holds, for the matching step and the page
    example: str = ""  # the template's example row
    blank: str = ""  # what a blank cell of a required field says; "<heading> is empty" if ""


def _plain(heading: str) -> str:
    """A heading reduced to letters and digits, so "Due date", "due_date" and "DUE-DATE" match."""
    return re.sub(r"[^0-9a-z]", "", heading.lower())


@dataclass(frozen=True)
class Importer:
    noun: str  # "action": for "3 actions" and messages
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def propose(self, header: Sequence[str]) -> list[str]:
        """The field key each column of the file most likely is ("" for none): a heading that
        is a field's heading or key wins over one that is an alias; each field once, first
        column first."""
        names = {}
        for rank, kind in enumerate(("own", "alias")):
            for f in self.fields:
                said = (f.heading, f.key) if kind == "own" else f.aliases
                for name in said:
                    names.setdefault(_plain(name), (rank, f.key))
        proposal = [""] * len(header)
        taken: set[str] = set()
        for rank in (0, 1):
            for index, heading in enumerate(header):
                found = names.get(_plain(heading))
                if found and found[0] == rank and found[1] not in taken and not proposal[index]:
                    proposal[index] = found[1]
                    taken.add(found[1])
        return proposal

    def with_examples(self, **examples: str) -> Importer:
        """The same importer with a template example that depends on the day, say."""
        return replace(self, fields=tuple(replace(f, example=examples.get(f.key, f.example))
                                          for f in self.fields))

    def template_rows(self) -> list[list[str]]:
        return [[f.heading for f in self.fields], [f.example for f in self.fields]]

    def template_csv(self) -> str:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv_writer(out)
        for row in self.template_rows():
            writer.writerow(row)
        return out.getvalue()

    def template_xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = f"{self.noun.capitalize()}s"
        heading, example = self.template_rows()
        sheet.append(heading)
        # Typed as text, so Excel never runs an example (or a later edit) as a formula.
        sheet.append([spreadsheet_safe(v) for v in example])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for f, letter in zip(self.fields, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", strict=False):
            sheet.column_dimensions[letter].width = max(14, len(f.heading) + 2)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


# -- Cells as people type them ------------------------------------------------------------------

_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})")


def parse_date(value: str, label: str) -> date:
    """A date as people type it in the UK: 31/03/2027, 31/3/27, 31-03-2027, or 2027-03-31
    (what an Excel date cell becomes); between 2000 and 2100."""
    value = value.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return validation.parse_iso_date(value, label)
    found = _DAY_MONTH_YEAR.fullmatch(value)
    if not found:
        raise ValueError(f"{label} {value!r} is not a date like 31/03/2027")
    day, month, year = (int(n) for n in found.groups())
    if len(found.group(3)) == 2:
        year += 2000  # "27" is 2027: a rollout's dates are this century
    try:
        typed = date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{label} {value!r} is not a real date (day/month/year)") from exc
    return validation.check_year(typed, label)


def choice(options: Iterable[Any], label_of: Callable[[Any], str] = lambda o: o.label,
           key_of: Callable[[Any], str] = lambda o: o.value) -> Parser:
    """One of a fixed list, by the label the app shows ("In progress") or its key
    ("in_progress"), ignoring case, spaces and punctuation."""
    options = list(options)
    known = {}
    for option in options:
        known[_plain(label_of(option))] = option
        known[_plain(key_of(option))] = option

    def parse(value: str, label: str):
        try:
            return known[_plain(value)]
        except KeyError:
            raise ValueError(f"{label} {value!r} is not one of "
                             f"{', '.join(label_of(o) for o in options)}") from None
    return parse


def whole_number(value: str, label: str) -> int:
    return validation.parse_whole_number(value, label)


class Members:
    """An authority's members as a cell names them: by email address, or by name exactly as
    Homeward shows it (ignoring case and extra spaces)."""

    def __init__(self, users: Iterable):
        self.by_email = {}
        self.by_name: dict[str, list] = {}
        for user in users:
            self.by_email[user.email.lower()] = user
            self.by_name.setdefault(self._name(user.name), []).append(user)

    @staticmethod
    def _name(name: str) -> str:
        return " ".join(name.split()).casefold()

    def find(self, row: Row, column: str, said: str, *, others_allowed: bool = False):
        """The member the cell names, or None: with the row's problem added unless
        `others_allowed` and the cell is a name that is no member's (someone without an
        account)."""
        if "@" in said:
            found = self.by_email.get(said.lower())
            if found is None:
                row.problem(column, f"{row.heading(column)} {said} is not a member of this "
                                    "authority")
            return found
        named = self.by_name.get(self._name(said), [])
        if len(named) > 1:
            row.problem(column, f"{len(named)} members are called {said}: use the email "
                                "address of the one you mean")
            return None
        if not named and not others_allowed:
            row.problem(column, f"{row.heading(column)}: no member of this authority is "
                                f"called {said}; use their name as Homeward shows it, or "
                                "their email address")
        return named[0] if named else None


# -- Files to records ---------------------------------------------------------------------------

def _too_large() -> FileProblem:
    return FileProblem(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: "
                       "split it into smaller files")


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or Windows-1252 as older Excel saves "CSV"."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
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


def _cell_text(value) -> str:
    """An .xlsx cell as a person typed it: date cells as 2027-03-31, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_text(data: bytes) -> str:
    """The first sheet of an .xlsx workbook as CSV text. Formula cells give the value Excel last
    worked out, as a person sees it; the sheet is read a row at a time within the row limit."""
    from openpyxl import load_workbook

    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    unreadable = FileProblem("The file cannot be read as an Excel workbook: save it again as "
                             ".xlsx or as \"CSV UTF-8\"")
    try:
        # A workbook is a zip: refuse one that unpacks to far more than any real sheet (a
        # "zip bomb") before openpyxl reads its shared strings into memory.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise unreadable from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise FileProblem("The workbook holds more than Homeward can read at once: split it "
                          "into smaller files")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise unreadable from exc
    try:
        sheet = book.worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        size = 0
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(rows, start=1):
            record = [_cell_text(v) for v in cells]
            while record and not record[-1]:
                record.pop()
            size += sum(len(c) for c in record)
            # The header and blank rows are allowed for; read_rows counts the rows exactly.
            if number > MAX_ROWS + 50 and any(record):
                raise FileProblem(f"The file has more than {MAX_ROWS:,} rows: split it into "
                                  "smaller files")
            if size > MAX_FILE_BYTES:
                raise _too_large()
            writer.writerow(record)
    finally:
        book.close()
    text = out.getvalue()
    if not text.strip():
        raise FileProblem("The file is empty")
    return text


def file_text(filename: str, data: bytes) -> str:
    """The uploaded file as CSV text, whichever kind it is (told by its first bytes, as a
    file saved from a spreadsheet may carry either name)."""
    if data.startswith(b"PK\x03\x04"):
        return xlsx_text(data)
    if filename.lower().endswith((".xls", ".xlsm", ".ods", ".numbers")):
        raise FileProblem("Homeward reads .xlsx and .csv files: save the spreadsheet as one "
                          "of those")
    return decode(data)


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet numbers it, cells) for each record of CSV text. A cell
    with line breaks is still one row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    number = 1
    try:
        for cells in reader:
            yield number, cells
            number += 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise FileProblem(f"Row {number}: a cell is longer than "
                              f"{MAX_CELL_CHARACTERS:,} characters") from exc
        raise FileProblem(f"Row {number} cannot be read as CSV ({exc})") from exc


def _header_name(cell: str) -> str:
    return "".join(ch for ch in cell if validation.visible(ch) or ch == " ").strip()


def read_header(records: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The first row with anything in it: the file's column headings, as written."""
    for _line, cells in records:
        if any(c.strip() for c in cells):
            header = [_header_name(c) for c in cells]
            while header and not header[-1]:
                header.pop()
            break
    else:
        raise FileProblem("The file is empty")
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"The first row has more than {MAX_COLUMNS} columns")
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        plain = name.lower()
        if plain and plain in seen:
            raise FileProblem(f"The column {name} appears twice (columns {seen[plain]} and "
                              f"{number}): keep one")
        seen[plain] = number
    return header


def read_rows(records: Iterator[tuple[int, list[str]]], importer: Importer, header: list[str],
              mapping: Sequence[str], max_rows: int = MAX_ROWS) -> list[Row]:
    """Rows after the header, each cell under the field the person matched its column to,
    stripped and parsed by the field's parser. Row problems found here: blank required cells,
    cells the parser refuses, cells beyond the header, overlong cells. FileProblem when there
    are no rows or more than `max_rows`."""
    headings = {key: header[i] for i, key in enumerate(mapping) if key}
    fields = [importer.field(key) if key else None for key in mapping]
    required = [f for f in importer.fields if f.required]
    rows: list[Row] = []
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == max_rows:
            raise FileProblem(f"The file has more than {max_rows:,} {importer.noun}s: split it "
                              "into smaller files")
        row = Row(line, {}, headings=headings)
        for f, cell in zip(fields, cells, strict=False):
            if f:
                row.values[f.key] = _as_typed(cell.strip())
        extra = [c for c in cells[len(header):] if c.strip()]
        unnamed = any(c.strip() for name, c in zip(header, cells, strict=False) if not name)
        if extra or unnamed:
            row.problem("", f"The row has {len(extra) or 'some'} cell(s) with no column name "
                            "in the first row: add the column name or remove the cells")
        for f in fields:
            if f is None:
                continue
            value = row.values.get(f.key, "")
            label = row.heading(f.key)
            if len(value) > MAX_CELL_CHARACTERS:
                row.problem(f.key, f"{label} is longer than {MAX_CELL_CHARACTERS:,} characters")
                row.values[f.key] = value[:MAX_CELL_CHARACTERS]
            elif not validation.visible(value):
                if f.required:
                    row.problem(f.key, f.blank or f"{label} is empty")
            else:
                try:
                    row.parsed[f.key] = f.parse(value, label)
                except ValueError as exc:
                    row.problem(f.key, str(exc))
        for f in required:
            if f.key not in headings:
                row.problem(f.key, f"{f.heading} is empty")
        rows.append(row)
    if not rows:
        raise FileProblem(f"The file has no {importer.noun}s in it, only the row of column "
                          "names")
    return rows


def read_text(importer: Importer, text: str) -> list[Row]:
    """Every row of CSV text under the columns Homeward proposes, as the page reads them
    before the person changes any. FileProblem as read_rows, or when a required field has no
    column."""
    records = csv_records(text)
    header = read_header(records)
    mapping = importer.propose(header)
    missing = [f.heading for f in importer.fields if f.required and f.key not in mapping]
    if missing:
        raise FileProblem(f"No column is matched to {', '.join(missing)}")
    return read_rows(records, importer, header, mapping)


def _as_typed(cell: str) -> str:
    """An exported cell comes back as it was typed: without the apostrophe the export put
    before text a spreadsheet would read as a formula."""
    if cell.startswith("'") and cell[1:2] in FORMULA_START:
        return cell[1:]
    return cell


# -- The page: upload, match columns, preview, confirm ------------------------------------------

NOT_IMPORTED = ""


@dataclass
class Upload:
    """One import page's state, from the request: the file's text and headings, the field
    each column is matched to, problems with the matching, and the rows read under it."""
    importer: Importer
    text: str | None = None
    header: list[str] = field(default_factory=list)
    mapping: list[str] = field(default_factory=list)
    matching_errors: dict[int, str] = field(default_factory=dict)  # column index: problem
    missing: list[Field] = field(default_factory=list)  # required fields no column matches
    rows: list[Row] | None = None
    confirmed: bool = False

    @classmethod
    def from_request(cls, importer: Importer, form, request,
                     check: Callable[[list[Row]], Any]) -> Upload:
        """Read what the page posted. `check` adds the problems that need the database."""
        upload = cls(importer)
        if not form.validate_on_submit():
            return upload
        upload.text = uploaded_text(form)
        if upload.text is None:
            return upload
        try:
            records = csv_records(upload.text)
            upload.header = read_header(records)
            upload.mapping = upload._chosen(request.form)
            if upload.matching_errors or upload.missing:
                return upload
            upload.rows = read_rows(records, importer, upload.header, upload.mapping)
        except FileProblem as exc:
            form.file.errors.append(str(exc))
            upload.rows = None
            return upload
        check(upload.rows)
        form.csv_text.data = upload.text
        upload.confirmed = is_confirmed(form, request)
        return upload

    def _chosen(self, posted) -> list[str]:
        """The person's choices where the page posted them, else Homeward's proposal."""
        proposal = self.importer.propose(self.header)
        keys = {f.key for f in self.importer.fields}
        mapping = []
        for index, proposed in enumerate(proposal):
            chosen = posted.get(f"column-{index}", proposed)
            mapping.append(chosen if chosen in keys else NOT_IMPORTED)
        first: dict[str, int] = {}
        for index, key in enumerate(mapping):
            if key and key in first:
                heading = self.importer.field(key).heading
                self.matching_errors[index] = (f"{heading} is already matched to column "
                                               f"{first[key] + 1}: choose one column for it")
            first.setdefault(key, index)
        self.missing = [f for f in self.importer.fields if f.required and f.key not in first]
        return mapping

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows or () if r.problems]

    @property
    def ready_to_save(self) -> bool:
        return bool(self.rows) and not self.bad and self.confirmed

    @property
    def preview(self) -> list[Row]:
        """The rows the preview lists: those with problems, or the first ones."""
        return self.bad or (self.rows or [])[:PREVIEW_ROWS]

    @property
    def columns(self) -> list[tuple[int, str, str]]:
        """(index, the file's heading, the field key it is matched to) for the matching step."""
        return [(i, h or f"Column {i + 1} (no heading)", self.mapping[i] if i < len(self.mapping)
                 else "") for i, h in enumerate(self.header)]

    def status(self, form) -> int:
        return 400 if (form.errors or self.matching_errors or self.missing or self.bad) else 200


def uploaded_text(form) -> str | None:
    """The text to check: a newly chosen file, or the checked text the confirm form carries.
    Problems go on form.file.errors, so the page shows them at the field."""
    upload = form.file.data
    if upload and upload.filename:
        try:
            return file_text(upload.filename, upload.read(MAX_FILE_BYTES + 1))
        except FileProblem as exc:
            form.file.errors.append(str(exc))
            return None
        finally:
            upload.close()  # a large upload is spooled to a temporary file
    if form.csv_text.data:
        return form.csv_text.data
    form.file.errors.append("Choose a CSV or Excel (.xlsx) file to import")
    return None


def is_confirmed(form, request) -> bool:
    """Saving needs the confirm button on the preview, never the first upload."""
    upload = form.file.data
    return bool(request.form.get("confirm")) and not (upload and upload.filename)


def template_response(importer: Importer, kind: str, name: str):
    """The importer's template to download: its headings and an example row."""
    from flask import Response

    if kind == "xlsx":
        return Response(importer.template_xlsx(), mimetype="application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return Response(importer.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


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
FORMULA_START = frozenset("=+-@\t\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, which shows
    the text as typed; numbers and dates are written as they are."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
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
