"""Every page that shows the Framework's content, rendered from the demo: each thing Homeward
added carries its visible mark, and no page shows users a seed file name or a line reference."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from tracker import demo, sources
from tracker.costs import calculator
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Authority,
    ChecklistTask,
    Meeting,
    PhaseOutcome,
    Programme,
)
from tracker.outcomes import questions

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}")
LINE_REFERENCE = re.compile(r"\blines? \d+|\(\d{3}, |\bseeds?\b", re.IGNORECASE)
ADDED = "Added by Homeward"
SUGGESTED = "Suggested by Homeward"
BASE = "/a/demo"


@pytest.fixture
def pages(runner, client, auth):
    """Fetch pages as the demo's strategic lead; every page fetched is checked afterwards for
    file names and line references."""
    runner.invoke(args=["demo"])
    auth.login("lead@demo.example.org", demo.DEMO_PASSWORD)
    fetched: dict[str, str] = {}

    def get(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        fetched[url] = response.get_data(as_text=True)
        return fetched[url]

    yield get
    for url, html in fetched.items():
        assert not SEED_FILE.search(html), url
        found = LINE_REFERENCE.search(html)
        assert not found, f"{url} shows {found.group(0)!r}"


def _programme_id() -> int:
    return db.session.execute(select(Programme.id).join(Authority)
                              .where(Authority.slug == "demo")).scalar_one()


def _tasks():
    return db.session.execute(
        select(ChecklistTask).where(ChecklistTask.programme_id == _programme_id(),
                                    ChecklistTask.is_local.is_(False))
        .order_by(ChecklistTask.phase, ChecklistTask.number)).scalars().all()


def _meetings():
    return db.session.execute(
        select(Meeting).where(Meeting.programme_id == _programme_id())).scalars().all()


def test_checklist_pages_mark_everything_homeward_added(pages):
    overview = pages(f"{BASE}/checklist")
    assert "What the sources say, and what Homeward inferred" in overview
    assert overview.count(ADDED) >= 3  # each phase's name

    tasks = _tasks()
    for number in (1, 2, 3):
        page = pages(f"{BASE}/checklist/phase/{number}")
        assert "Name and summary" in page and ADDED in page
        for task in (t for t in tasks if t.phase == number):
            start = page.index(f'/checklist/tasks/{task.id}"')
            row = page[start:page.index("</li>", start)]
            assert (ADDED in row) == task.reconstructed, (number, task.number)
        outcomes = db.session.execute(
            select(PhaseOutcome).where(PhaseOutcome.programme_id == _programme_id(),
                                       PhaseOutcome.phase == number)).scalars().all()
        for outcome in outcomes:
            start = page.index(f">{escape(outcome.text)}")
            cell = page[start:page.index("</td>", start)]
            assert (ADDED in cell) == outcome.reconstructed, outcome.text

    for task in tasks:
        page = pages(f"{BASE}/checklist/tasks/{task.id}")
        about = page[page.index('id="about-task"'):]
        assert (ADDED in page) == task.reconstructed, (task.phase, task.number)
        assert (SUGGESTED in about) == task.responsible_suggested, (task.phase, task.number)
        assert "About the sources" in about


def test_agenda_items_homeward_added_are_marked_on_every_meeting_page(pages):
    meetings = _meetings()
    items = db.session.execute(select(AgendaItem).where(
        AgendaItem.programme_id == _programme_id())).scalars().all()
    assert any(i.reconstructed for i in items)
    for meeting in meetings:
        page = pages(f"{BASE}/meetings/{meeting.id}")
        for item in (i for i in items if i.meeting_id == meeting.id):
            start = page.index(f'id="item-{item.id}"')
            block = page[start:page.index("</li>", start)]
            assert (ADDED in block) == item.reconstructed, (meeting.title, item.title)


def test_outcomes_label_every_figure_and_say_what_is_not_yet_answered(pages):
    page = pages(f"{BASE}/outcomes")
    guide = questions.current()
    for benchmark in guide.benchmarks.values():
        assert f"<strong>{benchmark.percent}%</strong>: {escape(benchmark.label)}" in page
    assert "not a national rate" in guide.benchmarks["breakdown_2_years_study"].label
    assert "35%" in page and "Home again (national survey)" in page
    unanswered = [part for s in guide.sections for q in s.questions for part in q.not_yet_answered]
    assert unanswered and all(str(escape(part)) in page for part in unanswered)


def test_the_cost_calculator_marks_rows_beyond_the_slides_table(pages):
    page = pages(f"{BASE}/costs")
    computed = [n for n in calculator.GRID_RETURNING if n > calculator.TABLE_3_LAST_ROW]
    assert page.count("(computed by Homeward)") == len(computed)
    assert "national figures" not in page and "within the year" not in page
    assert "one study" in page


def test_the_sources_page_lists_each_document_by_title_and_publisher(pages):
    page = pages("/sources")
    for document in sources.current().values():
        assert escape(document.title) in page and escape(document.publisher) in page
    assert 'href="/sources"' in pages(f"{BASE}/")


def test_other_pages_that_show_content_carry_no_file_names(pages):
    for url in (f"{BASE}/", f"{BASE}/meetings", f"{BASE}/report", f"{BASE}/postcards",
                f"{BASE}/timeline", f"{BASE}/stakeholders"):
        pages(url)
    for meeting in _meetings():
        pages(f"{BASE}/meetings/{meeting.id}/action-list")


def test_the_consultants_checklist_matrix_marks_homewards_tasks(runner, client, auth):
    runner.invoke(args=["demo"])
    auth.login("consultant@demo.example.org", demo.DEMO_PASSWORD)
    page = client.get("/portfolio/matrix").get_data(as_text=True)
    for task in _tasks():
        start = page.index(f"Phase {task.phase} Task {task.number}: ")
        row = page[start:page.index("</th>", start)]
        assert (ADDED in row) == task.reconstructed, (task.phase, task.number)
