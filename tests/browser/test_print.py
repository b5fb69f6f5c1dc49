"""Each page people take into a meeting prints as a paper document of a known length for the
demo data: a visible Print button, no URLs after links, nothing to type into or click."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, sign_in

# What a printed page must not hold: edit links and forms are for the screen.
ON_PAPER = """() => {
    const shown = e => e.checkVisibility();
    return {
        urls: [...document.querySelectorAll('a[href]')].filter(shown)
            .map(a => getComputedStyle(a, '::after').content)
            .filter(c => c && c !== 'none' && c !== 'normal'),
        forms: [...document.querySelectorAll('form, input, textarea, select, .govuk-button')]
            .filter(shown).length,
    };
}"""


def printed_pages(page, name: str) -> int:
    """Prints the page to an A4 PDF (as the browser's Print would) and counts its pages."""
    page.emulate_media(media="print")
    try:
        on_paper = page.evaluate(ON_PAPER)
        assert on_paper == {"urls": [], "forms": 0}, f"{name} on paper: {on_paper}"
        SCREENSHOTS.mkdir(exist_ok=True)
        pdf = page.pdf(path=str(SCREENSHOTS / f"{name}.pdf"), format="A4")
    finally:
        page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def open_meeting(page, title: str) -> None:
    page.goto("/a/demo/meetings")
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.locator("h1")).to_have_text(title)


@pytest.mark.parametrize("view, button, pages", [
    ("agenda", "Print the agenda", 1),
    ("sheets", "Print the action sheets", "one per invitee"),
    ("action list", "Print the action list", 1),
    ("postcard", "Print the postcard", 1),
    ("engagement plan", "Print the engagement plan", 6),
])
def test_print_views_are_paper_documents_of_a_known_length(page, view, button, pages):
    sign_in(page, "lead@demo.example.org")
    if view in ("agenda", "sheets"):
        open_meeting(page, "Practice Set 3")
        invitees = page.locator("#attendance ~ div table tbody tr").count()
        link = "Print the agenda" if view == "agenda" else "Print a blank action sheet for each invitee"
        page.get_by_role("link", name=link).click()
        if view == "sheets":
            pages = invitees
            # expect() waits for the print page to load; a bare count() would race the click.
            expect(page.locator(".app-print-sheet h2")).to_have_count(invitees)
            expect(page.locator(".app-print-sheet h2").first).to_contain_text("Action sheet: ")
    elif view == "action list":
        open_meeting(page, "Practice Set 2")
        page.get_by_role("link", name="See and print the action list").click()
    elif view == "postcard":
        page.goto("/a/demo/postcards")
        page.get_by_role("link", name="From the practice group, Practice Set 1").click()
        page.get_by_role("link", name="Print this postcard").click()
    else:
        page.goto("/a/demo/engagement-plan")
        page.get_by_role("link", name="Printable version").click()
    print_button = page.get_by_role("button", name=button)
    expect(print_button).to_be_visible()
    assert printed_pages(page, "print-" + view.replace(" ", "-")) == pages
    assert page.console_errors == []


def test_the_steering_report_prints_on_two_a4_pages_with_no_table_split(page):
    """Issue 15: the summary first, and at most two A4 pages for the demo authority, with each
    of the report's short tables kept whole so no header is stranded at a page foot."""
    sign_in(page, "lead@demo.example.org")
    page.goto("/a/demo/report")
    expect(page.get_by_role("button", name="Print the report")).to_be_visible()
    headings = page.locator(".app-report h2").all_inner_texts()
    assert headings[:2] == ["Summary", "The most overdue actions"]
    page.emulate_media(media="print")
    splits = page.evaluate("""() => [...document.querySelectorAll('.app-report table')]
        .map(t => getComputedStyle(t).breakInside)""")
    page.emulate_media(media="screen")
    assert splits and set(splits) == {"avoid"}
    assert printed_pages(page, "print-report") <= 2
    assert page.console_errors == []
