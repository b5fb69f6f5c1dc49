"""A strategic lead enters a quarter's outcome figures (after a mistake) and saves a cost
scenario for the steering-group report; an observer uses the calculator; the outcome, entry,
import, calculator and scenario pages pass axe-core, with and without errors."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tracker import clock
from tracker.outcomes import services as outcomes

FIGURES = {"returned_home": "17", "framework_cases": "4", "unplanned_returns": "3",
           "returned_s20": "9", "returned_care_order": "7", "reentered_3_months": "2",
           "framework_reentered_3_months": "0", "reentered_12_months": "4",
           "framework_reentered_12_months": "1", "repeat_breakdowns": "1",
           "not_returned_risk": "2"}


def _quarter_before_the_demo():
    """The demo holds eight quarters up to the latest ended; this is the one before them."""
    period = outcomes.latest_ended(clock.today())
    for _ in range(8):
        period = period.previous()
    return period


def test_lead_enters_a_quarter_and_saves_a_cost_scenario(page):
    sign_in(page, "lead@demo.example.org")
    nav = page.get_by_role("navigation", name="Programme")
    nav.get_by_role("link", name="Outcomes").click()
    expect(page.locator("h1")).to_have_text("Outcomes")
    expect(page.locator("svg.app-chart__svg")).to_have_count(3)
    assert_accessible(page, "outcomes")

    period = _quarter_before_the_demo()
    page.get_by_role("button", name="Enter a quarter's figures").click()
    page.select_option("#quarter", label=period.label)
    for field, value in FIGURES.items():
        page.fill(f"#{field}", value)
    page.fill("#framework_cases", "40")  # a slip: more Framework cases than children
    page.click("button:has-text('Save figures')")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Framework cases cannot be more than the 17 children who returned home")
    expect(page.locator("#framework_cases")).to_have_value("40")
    assert_accessible(page, "outcomes-entry-errors")
    page.fill("#framework_cases", "4")
    page.click("button:has-text('Save figures')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Figures saved for {period.label}")
    expect(page.locator("#all-figures-caption")).to_be_visible()
    expect(page.locator("table").last).to_contain_text(period.short_label)

    page.get_by_role("navigation", name="Outcomes and evidence").get_by_role("link", name="Costs").click()
    expect(page.locator("h1")).to_have_text("Cost calculator")
    assert_accessible(page, "cost-calculator")
    page.fill("#probability", "120")
    page.fill("#returning", "")
    page.click("button:has-text('Calculate')")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The probability of re-entering care must be 100% or less")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the number of children returning home in a year")
    expect(page.locator("#probability")).to_have_value("120")
    assert_accessible(page, "cost-calculator-errors")

    page.fill("#probability", "45")
    page.fill("#returning", "80")
    page.fill("#reentry_cost", "61,614")
    page.fill("#support_cost", "5,627")
    page.click("button:has-text('Calculate')")
    results = page.locator(".app-cost-results").first
    expect(results).to_contain_text("£2,218,104")
    expect(results).to_contain_text("£450,160")
    expect(results).to_contain_text("7.31, so 8 children")
    page.fill("#name", "The Checklist's worked example")
    page.get_by_label("Use this scenario in the steering-group report").check()
    page.click("button:has-text('Save scenario')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Scenario saved: The Checklist's worked example. It will be in the steering-group report.")
    chosen = page.locator(".app-summary-card--chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("The Checklist's worked example")
    assert_accessible(page, "cost-scenarios")
    assert page.console_errors == []


def test_observer_calculates_without_saving(page):
    sign_in(page, "observer@demo.example.org")
    page.goto("/a/demo/costs")
    page.get_by_role("link", name="Use your authority's figures").click()
    expect(page.locator(".app-cost-results").first).to_contain_text("children")
    expect(page.get_by_role("button", name="Save scenario")).to_have_count(0)
    page.goto("/a/demo/outcomes")
    expect(page.get_by_role("button", name="Enter a quarter's figures")).to_have_count(0)
    assert page.console_errors == []


def test_import_preview_with_bad_cells_is_accessible(page):
    sign_in(page, "steering@demo.example.org")
    page.goto("/a/demo/outcomes/import")
    assert_accessible(page, "outcomes-import")
    text = (",".join(outcomes.CSV_COLUMNS) + "\n"
            "2023-24 Q1,18,6,2,9,8,2,0,3,1,1,3,\n"
            "Spring 2023,18,19,2,9,8,2,0,3,1,1,three,\n")
    page.set_input_files("#file", files=[{"name": "figures.csv", "mimeType": "text/csv",
                                          "buffer": text.encode()}])
    page.click("button:has-text('Check file')")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Row 3, column framework_cases")
    expect(page.locator(".app-cell--error")).to_have_count(3)
    assert_accessible(page, "outcomes-import-errors")
    assert page.console_errors == []


def test_outcome_measures_read_as_spc_charts(page):
    sign_in(page, "observer@demo.example.org")
    page.goto("/a/demo/outcomes")
    page.get_by_role("link", name="Read each measure as an SPC chart").click()
    expect(page.locator("h1")).to_have_text("Outcome measures: signal or noise")
    expect(page.locator("svg.app-chart__svg").first).to_be_visible()
    assert_accessible(page, "outcomes-spc")
    screenshot(page, "outcomes-spc")
    page.check("input[name=run_length][value='6']")
    page.fill("#rebase-day", "31")
    page.fill("#rebase-month", "2")
    page.fill("#rebase-year", "2026")
    page.click("button:has-text('Redraw the charts')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Rebase from must be a real date")
    expect(page.locator("input[name=run_length][value='6']")).to_be_checked()
    assert_accessible(page, "outcomes-spc-errors")
