"""The bad-input sweep: a fixed, named list of malformed inputs (issue 14) put into every form
(tests/form_sweep.py finds them on the pages) and both importers. Whatever comes in, the answer
is a page, never a server error; a refused post saves nothing at all; an accepted one saves
every row or none, and the page it leads to still opens.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL points at one: PostgreSQL refuses
what SQLite accepts (NUL bytes, strings longer than their column), so both are needed.
"""

import csv
import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.form_sweep import FORMS, Form, Input, check, fingerprint, forms_for
from tracker import imports
from tracker.extensions import db
from tracker.models import Action, OutcomeQuarter

SLUG = "/a/testshire"

# Put into every free-text field of every form at once; where a case has several values, the
# fields take them in turn (WTForms checks every field, so each value is checked).
BAD_TEXT = {
    "nul-control-characters-line-breaks": ["Brief\x00 the IRO service",
                                           "Brief\x07 the\x1b IRO\x7f\x0b service\x0c",
                                           "One\r\nTwo\rThree\u2028Four\u0085"],
    "zero-width-only": ["\u200b\u200c\u200d\ufeff\u2060"],
    # What a spreadsheet or a browser would run.
    "formula-cells-and-script": ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3",
                                 "@SUM(A1:A9)",
                                 "<script>alert(1)</script><b onmouseover=alert(1)>x</b>"],
    "non-ascii-digits-and-huge-numbers": ["\u0662\u0661", "\uff12\uff11", "\u00b2", "9" * 40],
}
# Put into every textarea (Markdown is shown from them), the single-line fields left as typed.
NESTED_MARKDOWN = ["- " * 600, "> " * 1000, "[" * 2000, "*_" * 900]
# Put into every date (day, month, year) of every form at once, the dates taking them in turn.
BAD_DATES = {
    "huge-numbers": [("99999999999999999999", "1", "2027"), ("1", "1", "99999999999")],
    "before-2000": [("31", "12", "1999"), ("1", "1", "1900")],
    "after-2100": [("1", "1", "2101"), ("31", "12", "9999")],
    "not-a-date": [("0", "1", "2027"), ("30", "2", "2027"), ("-1", "-1", "-2027"),
                   ("1", "1", "27")],
    "non-ascii-digits": [("\u0662\u0661", "\u0663", "\u0662\u0660\u0662\u0667"),
                         ("\uff12\uff11", "\uff13", "\uff12\uff10\uff12\uff17")],
    "nul": [("1\x00", "1", "2027")],
}
# Each length a column has (and each textarea's form limit): one character over them is put
# into one text field at a time, so no shorter field's refusal hides a longer one's.
COLUMN_LENGTHS = sorted({column.type.length for table in db.metadata.sorted_tables
                         for column in table.c if getattr(column.type, "length", None)}
                        | {2000, 5000, 20000})

ACTIONS_HEADER = "title,owner_email,owner_name,due_date,status,details"
OUTCOMES_HEADER = ("quarter,returned_home,framework_cases,unplanned_returns,returned_s20,"
                   "returned_care_order,not_returned_risk,notes")
# importer id -> (importer, CSV text or bytes)
BAD_CSV = {
    "10000-rows": ("actions", ACTIONS_HEADER + "\n" + "Brief the IRO,,,,,\n" * 10_000),
    "100000-rows": ("actions", ACTIONS_HEADER + "\n" + "A,,,,,\n" * 100_000),
    "10-mb-upload": ("actions", b"title\n" + b"Brief the IRO service\n" * 500_000),
    "field-over-pythons-csv-limit": ("actions", "title\n" + "x" * 131_073 + "\n"),
    "cell-over-import-limit": ("actions", f"title,details\nA,{'x' * 20_001}\n"),
    "unterminated-quote": ("actions", 'title\n"Brief the IRO\nSecond\nThird\n'),
    "duplicate-headers": ("actions", "title,title\nA,B\n"),
    "cells-beyond-header": ("actions", "title\nA,B,C\n"),
    "empty-file": ("actions", ""),
    "header-only": ("actions", ACTIONS_HEADER + "\n"),
    "overlong-title": ("actions", "title\n" + "t" * 301 + "\n"),
    "overlong-owner-name": ("actions", "title,owner_name\nA," + "n" * 201 + "\n"),
    "nul-in-cells": ("actions", "title,details\nBrief\x00 the IRO,Line\x00\n"),
    "zero-width-title": ("actions", "title\n\u200b\u200b\n"),
    "line-break-in-title": ("actions", 'title\n"Brief the\nIRO service"\n'),
    "formula-cells": ("actions", 'title,details\n"=HYPERLINK(""http://x"")",+1\n@SUM(A1),-1\n'),
    "dates-out-of-range": ("actions", "title,due_date\nA,1900-01-01\nB,2101-01-01\nC,9999-12-31\n"),
    "nested-markdown": ("actions", "title,details\nA," + "- " * 600 + "\n"),
    "not-utf8": ("actions", b"title\n\xff\xfe\xfa\n"),
    "outcomes-quarters-from-1900": ("outcomes", "\n".join(
        [OUTCOMES_HEADER] + [f"{y}-{(y + 1) % 100:02d} Q{q},5,0,0,0,0,0,"
                             for y in range(1900, 2015) for q in range(1, 5)]) + "\n"),
    "outcomes-other-digits": ("outcomes", OUTCOMES_HEADER + "\n2025-26 Q1,\u0662\u0661,"
                              "\uff12,\u00b2,0,0,0,\n"),
    "outcomes-huge-number": ("outcomes", OUTCOMES_HEADER + "\n2025-26 Q1," + "9" * 40
                             + ",0,0,0,0,0,\n"),
    "outcomes-negative": ("outcomes", OUTCOMES_HEADER + "\n2025-26 Q1,-5,0,0,0,0,0,\n"),
    "outcomes-nul-in-notes": ("outcomes", OUTCOMES_HEADER + "\n2025-26 Q1,5,0,0,0,0,0,a\x00b\n"),
}


def _baseline(field: Input) -> str | None:
    """A value a person could well have entered, so a form is refused only for the bad input."""
    if field.value:
        return field.value
    if field.kind == "radio":
        return field.options[0]
    if field.kind in ("text", "textarea"):
        return "10:00" if "time" in field.name else "1"
    return {"date-day": "1", "date-month": "6", "date-year": "2027"}.get(field.kind)


def _post(client, form: Form, put, label: str) -> int:
    """Post `form` with `put(field) -> value | None` over its baseline; the status."""
    def fill(field):
        value = put(field)
        return _baseline(field) if value is None else value

    before = fingerprint()
    response = client.post(form.action, data=form.values(fill))
    check(client, response, before, f"{label} {form.action}")
    return response.status_code


def _sweep(app, client, world, put) -> int:
    """Post every form that has a field `put` fills; count the posts."""
    posted = 0
    for endpoint in FORMS:
        for form in forms_for(app, client, world, endpoint):
            if any(put(f) is not None for f in form.inputs):
                _post(client, form, put, endpoint)
                posted += 1
    return posted


def _in_turn(values, kinds):
    """`put` giving the fields of `kinds` the values in turn, one value to each field."""
    given: dict[int, str] = {}

    def put(field):
        if field.kind not in kinds:
            return None
        return given.setdefault(id(field), values[len(given) % len(values)])

    return put


@pytest.mark.parametrize("values", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_bad_text_in_every_form(app, client, world, values):
    assert _sweep(app, client, world, _in_turn(values, ("text", "textarea", "password"))) > 30


def test_nested_markdown_in_every_form(app, client, world):
    assert _sweep(app, client, world, _in_turn(NESTED_MARKDOWN, ("textarea",))) > 20


@pytest.mark.parametrize("days", BAD_DATES.values(), ids=BAD_DATES.keys())
def test_bad_dates_in_every_form(app, client, world, days):
    # A date's three inputs come together: the day of a date takes the next value.
    part = {"date-day": 0, "date-month": 1, "date-year": 2}
    given: dict[int, tuple] = {}
    turn = [0]

    def put(field):
        if field.kind not in part:
            return None
        if id(field) not in given:
            if field.kind == "date-day":
                turn[0] += 1
            given[id(field)] = days[turn[0] % len(days)]
        return given[id(field)][part[field.kind]]

    assert _sweep(app, client, world, put) > 15


def test_overlong_text_in_every_field(app, client, world):
    """Each text field, alone, at one character over each column length: the longest that
    its form accepts must fit the column it is saved to (PostgreSQL says so with a 500 when
    it does not). Acceptance only falls as text grows, so a binary search over the lengths
    finds that longest accepted one in a few posts per field, and always posts it."""
    lengths = [n + 1 for n in COLUMN_LENGTHS]
    fields = 0
    for endpoint in FORMS:
        for number, form in enumerate(forms_for(app, client, world, endpoint)):
            for index, field in enumerate(form.inputs):
                if field.kind not in ("text", "textarea"):
                    continue
                fields += 1
                accepted, refused = -1, len(lengths)
                while refused - accepted > 1:
                    middle = (accepted + refused) // 2
                    target = form.inputs[index]
                    status = _post(client, form, lambda f, t=target, n=lengths[middle]:
                                   "x" * n if f is t else None, f"{endpoint} {field.name}")
                    if status < 400:
                        accepted = middle
                        # The form as it is now: the save changed the record's version.
                        form = forms_for(app, client, world, endpoint)[number]
                    else:
                        refused = middle
    assert fields > 80


def _records(data: bytes) -> int:
    """How many rows the file holds as a spreadsheet reads it (-1: unreadable, none may save)."""
    try:
        return len(list(csv.reader(io.StringIO(data.decode())))) - 1
    except (csv.Error, UnicodeDecodeError):
        return -1


def _imported() -> int:
    return (db.session.scalar(select(func.count()).select_from(Action))
            + db.session.scalar(select(func.count()).select_from(OutcomeQuarter)))


@pytest.mark.parametrize("case", BAD_CSV.values(), ids=BAD_CSV.keys())
def test_bad_csv_in_every_importer(client, world, case):
    importer, content = case
    url = f"{SLUG}/{importer}/import"
    data = content if isinstance(content, bytes) else content.encode()
    rows = _records(data)
    # The upload, as a browser sends it: a preview that saves nothing.
    before, count = fingerprint(), _imported()
    # Encoded here: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "bad.csv")})
    response = client.post(url, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    check(client, response, before, f"{importer} upload")
    assert fingerprint() == before, "a preview saves nothing"
    # The confirm form posted straight away with the text: all rows or none.
    if len(data) <= imports.MAX_FILE_BYTES:
        text = data.decode(errors="replace")
        response = client.post(url, data={"csv_text": text, "confirm": "1"})
        check(client, response, before, f"{importer} confirm")
        assert _imported() - count in (0, rows), "every row saved, or none"


def test_a_long_decision_is_recorded_with_its_summary_shortened(client, world):
    from tracker.models import AgendaOutcome, AuditEvent

    url = f"{SLUG}/meetings/{world['meeting_id']}/items/{world['item_id']}/outcomes/new"
    response = client.post(url, data={"kind": "decision", "text": "d" * 2000})
    assert response.status_code == 302
    assert db.session.execute(select(AgendaOutcome.text)).scalars().all()[-1] == "d" * 2000
    summary = db.session.execute(select(AuditEvent.summary).order_by(AuditEvent.id.desc())
                                 ).scalars().first()
    assert len(summary) == 300 and summary.endswith("…")
