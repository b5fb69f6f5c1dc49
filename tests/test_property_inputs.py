"""Property-based: every create form and every importer, given generated text, dates and
numbers, answers with a page (never a 500) and saves all of a submission or none of it.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL points at one (which refuses what
SQLite accepts: NUL bytes, overlong strings). Example counts are small to keep the suite fast.
"""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from tracker.extensions import db
from tracker.models import Role

SLUG = "/a/testshire"
FORM_PAGES = ["actions/new", "engagements/new", "feedback/new", "groups/practice/members/new",
              "groups/strategic/members/new", "meetings/new", "meetings/plan", "milestones/new",
              "outcomes/new", "stakeholders/new", "workstreams/new"]  # postcards need a set first
IMPORTERS = {"actions/import": "title,owner_email,owner_name,due_date,status,details",
             "outcomes/import": "quarter,returned_home,framework_cases,unplanned_returns,"
                                "returned_s20,returned_care_order,not_returned_risk,notes"}
SETTINGS = settings(max_examples=6, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text as people and spreadsheets produce it at its worst: any code point, long runs, NUL.
awkward_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=320),
    st.sampled_from(["\x00", "=HYPERLINK(\"x\")", "\u200b", "٢١", "２１", "²", "- " * 600,
                     "a\r\nb", "9" * 30, "-1", "1900", "2101", "[" * 2000]),
)
numbers = st.one_of(st.integers(min_value=-10**20, max_value=10**20).map(str), awkward_text)


class _Fields(HTMLParser):
    """The named fields of a page's POST forms: name -> options (empty for free text)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag in ("input", "textarea") and name and name != "csrf_token":
            if a.get("type") in ("radio", "checkbox"):
                self.fields.setdefault(name, []).append(a.get("value", "y"))
            elif a.get("type") not in ("submit", "file"):
                self.fields.setdefault(name, [])
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            self.fields[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _rows() -> dict[str, int]:
    counts = {}
    for table in db.metadata.sorted_tables:
        if table.name in set(inspect(db.engine).get_table_names()):
            counts[table.name] = db.session.scalar(select(func.count()).select_from(table))
    return counts


def _check(response, before: dict[str, int]) -> None:
    assert response.status_code != 500, response.get_data(as_text=True)[-2000:]
    db.session.rollback()
    after = _rows()
    if response.status_code >= 400:
        assert after == before, "a refused submission saved nothing"


@pytest.fixture
def lead(client, signed_in, programme):
    signed_in(Role.LEAD)
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client


@pytest.mark.parametrize("page", FORM_PAGES)
def test_forms_never_crash_nor_save_part(lead, page):
    parser = _Fields()
    parser.feed(lead.get(f"{SLUG}/{page}").get_data(as_text=True))
    assert parser.fields, f"{page} has a form"

    @SETTINGS
    @given(st.data())
    def submit(data):
        values = {}
        for name, options in parser.fields.items():
            if options and data.draw(st.booleans()):
                values[name] = data.draw(st.sampled_from(options))
            elif name.endswith(("-day", "-month", "-year")) or "count" in name:
                values[name] = data.draw(numbers)
            else:
                values[name] = data.draw(awkward_text)
        before = _rows()
        _check(lead.post(f"{SLUG}/{page}", data=values), before)

    submit()


@pytest.mark.parametrize("importer", IMPORTERS)
def test_importers_never_crash_nor_save_part(lead, importer):
    header = IMPORTERS[importer]
    width = header.count(",") + 1

    @SETTINGS
    @given(st.lists(st.lists(st.one_of(numbers, awkward_text, st.dates().map(str)),
                             min_size=width - 1, max_size=width + 1), min_size=1, max_size=6))
    def upload(rows):
        lines = [header] + [",".join('"' + c.replace('"', '""') + '"' for c in row)
                            for row in rows]
        before = _rows()
        _check(lead.post(f"{SLUG}/{importer}",
                         data={"csv_text": "\n".join(lines), "confirm": "1"}), before)

    upload()
