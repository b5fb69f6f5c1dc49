"""The one CSV importer: each malformed file gets a named problem and nothing is saved."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tracker import clock, imports
from tracker.extensions import db
from tracker.models import Action, OutcomeQuarter, Role

ACTIONS = "/a/testshire/actions/import"
OUTCOMES = "/a/testshire/outcomes/import"
QUARTER_COLUMNS = ("quarter,returned_home,framework_cases,unplanned_returns,returned_s20,"
                   "returned_care_order,not_returned_risk")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _upload(client, url, data: bytes | str):
    """POST the file as a browser would. The body is built here, in memory: Werkzeug's test
    client would spool a large one to a temporary file it never closes."""
    if isinstance(data, str):
        data = data.encode()
    boundary = "----homeward-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + (
            f"\r\n--{boundary}--\r\n").encode()
    return client.post(url, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _page(client, url, data):
    response = _upload(client, url, data)
    assert response.status_code == 400, response.status_code
    return response.get_data(as_text=True)


def _actions() -> int:
    return db.session.scalar(select(func.count()).select_from(Action))


@pytest.mark.parametrize(("data", "problem"), [
    ("title,title\nA,B\n", "The column title appears twice"),
    ("title\nA,extra\n", "cell(s) with no column name"),
    (f"title,owner_name\nA,{'n' * 201}\n", "owner_name must be 200 characters or fewer"),
    (f"title\n{'t' * 301}\n", "title must be 300 characters or fewer"),
    ('title\n"Unclosed\nB\nC\n', "a quote mark (&#34;) was not closed"),
    ("", "The file is empty"),
    ("title\n", "The file has no actions in it"),
    ("title\n\u200b\u200b\n", "title is empty"),
    ("title,due_date\nA,1900-01-01\n", "due_date must be between 2000 and 2100"),
    ("title,due_date\nA,2027-02-31\n", "is not a real date"),
    ("title\nA\x00B\n", "contains a control character"),
    ("title\n" + "x" * 200_000 + "\n", "a cell is longer than 20,000 characters"),
    ("title\n" + "A\n" * 10_001, "The file has more than 10,000 actions"),
    (b"\xff\xfet\x00i\x00", "saved as UTF-16"),
])
def test_action_import_names_each_problem_and_saves_nothing(client, signed_in, programme,
                                                             data, problem):
    signed_in(Role.LEAD)
    assert problem in _page(client, ACTIONS, data)
    assert _actions() == 0


def test_windows_1252_files_are_read(client, signed_in, programme):
    signed_in(Role.LEAD)
    page = _upload(client, ACTIONS, "title\nCosts in \u00a3 \u2013 caf\u00e9\n".encode("cp1252"))
    assert page.status_code == 200
    assert "Costs in \u00a3 \u2013 caf\u00e9" in page.get_data(as_text=True)


@pytest.mark.parametrize("count", ["\u0662\u0661", "\uff12\uff11", "\u00b2"])
def test_outcome_numbers_in_other_digits_are_named(client, signed_in, programme, count):
    signed_in(Role.LEAD)
    page = _page(client, OUTCOMES, f"{QUARTER_COLUMNS}\n2025-26 Q1,{count},0,0,0,0,0\n")
    assert "uses characters other than the digits 0 to 9" in page


def test_outcome_import_of_quarters_from_1900_saves_none(client, signed_in, programme):
    signed_in(Role.LEAD)
    lines = [QUARTER_COLUMNS] + [f"{year}-{(year + 1) % 100:02d} Q{q},5,0,0,0,0,0"
                                         for year in range(1900, 2015) for q in range(1, 5)]
    page = _page(client, OUTCOMES, "\n".join(lines) + "\n")
    assert "the year must be between 2000 and 2099" in page
    response = client.post(OUTCOMES, data={"csv_text": "\n".join(lines), "confirm": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(OutcomeQuarter)) == 0


def test_an_import_that_fails_part_way_saves_no_row(client, signed_in, programme, monkeypatch):
    signed_in(Role.LEAD)
    from tracker import audit

    def fail(*args, **kw):  # the rows are written by now; their audit is not
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "created_many", fail)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post(ACTIONS, data={"csv_text": "title\nA\nB\nC\nD\n", "confirm": "1"})
    assert response.status_code == 500
    assert _actions() == 0


def test_an_upload_over_the_size_limit_gets_a_page_not_a_crash(client, signed_in, programme):
    signed_in(Role.LEAD)
    big = b"title\n" + b"A title\n" * (client.application.config["MAX_CONTENT_LENGTH"] // 8 + 1)
    response = _upload(client, ACTIONS, big)
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


def test_a_file_just_over_the_file_limit_is_named_at_the_field(client, signed_in, programme):
    signed_in(Role.LEAD)
    page = _page(client, ACTIONS, b"title\n" + b"x" * imports.MAX_FILE_BYTES)
    assert "The file is larger than 5 MB" in page


def test_exports_neutralise_formula_cells_and_import_them_back(client, signed_in, programme):
    from tracker.actions import services

    signed_in(Role.LEAD)
    for title in ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1", "-1", "@SUM(A1)"):
        services.create_action(programme, title=title, actor=None, details="\tindented")
    db.session.commit()
    exported = client.get("/a/testshire/actions/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in exported and "'+1" in exported and "'@SUM" in exported
    assert "'\tindented" in exported
    assert "\n=" not in exported and ",=" not in exported
    page = _upload(client, ACTIONS, "title\n'+1\n").get_data(as_text=True)
    assert "<td class=\"govuk-table__cell\">+1</td>" in page
