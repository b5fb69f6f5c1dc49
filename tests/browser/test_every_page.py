"""Every page the demo's strategic lead can reach by following links from the dashboard passes
the accessibility checks (axe at 1280 and 375 px, reflow at 320 px, with <details> closed
and opened) and shows no HTML escaped into text."""

import re
from urllib.parse import urldefrag, urlsplit

from tests.browser.conftest import accessibility_problems, assert_accessible, sign_in

START = "/a/demo/"
MAX_PAGES = 160
# Pages of one kind (each action, each filter of the log) share a template: check a few of each.
MAX_PER_KIND = 2
# Downloads, not pages.
NOT_PAGES = (".csv", ".ics", ".pdf", "/export", ".zip", ".xlsx")
ESCAPED_MARKUP = ("&lt;a", "&lt;span", "&lt;strong", "&lt;/")


def links_within(page, prefix: str) -> list[str]:
    # getAttribute, not .href: an SVG link's href is an object, not a string.
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")
    found = []
    for href in hrefs:
        url = urlsplit(urldefrag(href)[0])
        if url.path.startswith(prefix) and not url.path.endswith(NOT_PAGES):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def kind(link: str) -> str:
    """/a/demo/actions/12?page=2 -> /a/demo/actions/#: the template a link leads to, roughly."""
    return re.sub(r"/\d+", "/#", link.split("?")[0])


def test_every_page_the_lead_can_reach_is_accessible_and_shows_no_escaped_markup(page):
    sign_in(page, "lead@demo.example.org")
    # The authority's navigation fits one row at desktop width.
    tops = page.eval_on_selector_all(
        ".govuk-service-navigation__item", "items => items.map(i => i.getBoundingClientRect().top)")
    assert len(tops) == 9 and len(set(tops)) == 1, tops
    queue, seen, per_kind = [START], {START}, {}
    visited, problems = [], []
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        visited.append(path)
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        body = page.inner_html("body")
        problems += [f"{path}: escaped markup {mark!r} in the page"
                     for mark in ESCAPED_MARKUP if mark in body]
        name = path.strip("/").replace("/", "-").replace("?", "-")[:80]
        problems += [f"{path}: {p}" for p in accessibility_problems(page, name)]
        for link in links_within(page, START):
            if link in seen or per_kind.get(kind(link), 0) >= MAX_PER_KIND:
                continue
            seen.add(link)
            per_kind[kind(link)] = per_kind.get(kind(link), 0) + 1
            queue.append(link)
    assert len(visited) > 40, f"the crawl reached only {visited}"
    assert not problems, f"{len(problems)} problems on {len(visited)} pages:\n" + "\n".join(problems)
    assert page.console_errors == []


def test_the_consultants_portfolio_pages_are_accessible(page):
    sign_in(page, "consultant@demo.example.org")
    for path in ("/portfolio", "/portfolio/matrix?show=skipped&sort=skipped", "/portfolio/phases"):
        page.goto(path)
        assert_accessible(page, path.strip("/").replace("/", "-").split("?")[0])
    assert page.console_errors == []
