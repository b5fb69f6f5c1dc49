"""Issue 15 in the browser: a lead sees in one screen whether the rollout is on track and why;
an observer gets the read-only summary; a consultant's portfolio puts the stalled authority
first with its reason."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_the_top_block_fits_the_first_screen_at_1280_by_900(page):
    sign_in(page, "lead@demo.example.org")
    page.goto("/a/demo/")
    expect(page.locator(".app-health")).to_contain_text("Status: At risk")
    for selector in (".app-health", "#mine-heading + ul", "text=Needs a decision"):
        box = page.locator(selector).first.bounding_box()
        assert box["y"] + box["height"] <= 900, selector
    page.get_by_role("link", name="how this is worked out").click()
    expect(page.locator("h1")).to_have_text("How the status is worked out")
    assert_accessible(page, "health-how")
    assert page.console_errors == []


def test_an_observer_sees_the_summary_without_prompts(page):
    sign_in(page, "observer@demo.example.org")
    page.goto("/a/demo/")
    expect(page.locator(".app-health")).to_be_visible()
    expect(page.get_by_role("heading", name="Your open actions")).to_have_count(0)
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)


def test_the_portfolio_puts_the_stalled_authority_first_with_its_reason(page):
    sign_in(page, "consultant@demo.example.org")
    page.goto("/portfolio")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("Northshire County Council")
    expect(first).to_contain_text("Off track")
    page.goto("/a/northshire/")
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    assert_accessible(page, "dashboard-northshire-getting-started")
