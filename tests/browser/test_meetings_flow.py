"""A consultant plans a series of learning sets; a steering member records attendance and
minutes with an action outcome and circulates the action list; a champion fills in an action
sheet. The meetings pages pass axe-core."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def _fill_date(page, field: str, day: int, month: int, year: int) -> None:
    page.fill(f"#{field}-day", str(day))
    page.fill(f"#{field}-month", str(month))
    page.fill(f"#{field}-year", str(year))


def test_consultant_plans_a_series_of_learning_sets(page):
    sign_in(page, "consultant@demo.example.org")
    page.goto("/a/demo/meetings")
    expect(page.locator("h1")).to_have_text("Meetings and learning sets")
    assert_accessible(page, "meetings-index")

    page.get_by_role("button", name="Plan a series of learning sets").click()
    _fill_date(page, "start_date", 6, 9, 2027)
    page.fill("#closures", "25/10/2027 to 29/10/2027")
    page.click("button:has-text('Propose dates')")
    expect(page.get_by_role("heading", name="Proposed dates")).to_be_visible()
    expect(page.locator("#day_0-day")).to_have_value("06")
    assert_accessible(page, "meetings-plan-proposal")

    # Strategic Set 2 three weeks after Set 1: warned about, not refused.
    _fill_date(page, "day_4", 27, 9, 2027)
    page.click("button:has-text('Check the dates again')")
    expect(page.get_by_text("Strategic Set 2 is 15 working days after Strategic Set 1")) \
        .to_be_visible()
    expect(page.get_by_text("Mid-way review 1 should fall between")).to_be_visible()
    expect(page.locator("#day_4-day")).to_have_value("27")
    assert_accessible(page, "meetings-plan-warning")

    page.fill("#name", "Learning sets 2027 to 2028")
    page.click("button:has-text('Save these meetings')")
    expect(page.locator("h1")).to_have_text("Learning sets 2027 to 2028")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("9 meetings")
    expect(page.locator("table")).to_contain_text("Strategic Set 2 is 15 working days after")
    assert_accessible(page, "meetings-series")

    page.get_by_role("link", name="Practice Set 1").click()
    expect(page.locator("h1")).to_have_text("Practice Set 1")
    expect(page.locator("#agenda")).to_be_visible()
    expect(page.get_by_text("Hearts and minds check-in activity")).to_be_visible()
    assert page.console_errors == []


def test_steering_member_records_attendance_minutes_and_an_action(page):
    sign_in(page, "steering@demo.example.org")
    expect(page.locator("#next-set-heading")).to_be_visible()
    expect(page.locator("#not-circulated-heading + p + ul")).to_contain_text(
        "Implementation Board 6")
    assert_accessible(page, "dashboard-meetings")

    page.get_by_role("navigation", name="Programme").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Implementation Board 6").click()
    expect(page.locator("h1")).to_have_text("Implementation Board 6")
    expect(page.get_by_text("Action list not circulated")).to_be_visible()

    page.get_by_role("button", name="Record attendance").click()
    grace = page.get_by_role("group", name=re.compile(r"^Grace Mensah"))
    expect(grace.get_by_label("Apologies")).to_be_checked()
    page.get_by_role("group", name=re.compile(r"^Tom Baker")).get_by_label(
        "Absent").check()
    assert_accessible(page, "meeting-attendance")
    page.click("button:has-text('Save attendance')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Attendance saved.")
    expect(page.locator("#attendance + .app-table-scroll table")).to_contain_text("Did not attend")

    item = page.locator("li", has=page.get_by_role(
        "heading", name=re.compile(r"Suggested changes to processes")))
    item.get_by_role("link", name=re.compile("^(Add|Change) notes")).click()
    page.fill("#notes", "The pilot teams want **one** referral form for Early Help.")
    page.click("button:has-text('Save item')")
    expect(page.locator(".app-markdown strong", has_text="one")).to_be_visible()

    item = page.locator("li", has=page.get_by_role(
        "heading", name=re.compile(r"Suggested changes to processes")))
    item.get_by_role("link", name=re.compile("^Record an outcome")).click()
    page.get_by_label("Action: someone will do something by a date").check()
    page.fill("#text", "Draft one Early Help referral form for reunification cases")
    page.click("button:has-text('Save outcome')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the owner")
    expect(page.locator("#text")).to_have_value(
        "Draft one Early Help referral form for reunification cases")
    assert_accessible(page, "meeting-outcome-errors")
    page.select_option("#owner", label="Rachel Green (Head of Service, Children in Need and "
                                       "Family Support)")
    _fill_date(page, "due_date", 15, 1, 2030)
    page.click("button:has-text('Save outcome')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Action recorded and added to the action log.")
    expect(page.locator("#actions + .app-table-scroll table")).to_contain_text(
        "Draft one Early Help referral form for reunification cases")
    assert_accessible(page, "meeting-page")

    page.get_by_role("link", name="See and print the action list").click()
    expect(page.locator("table")).to_contain_text("Rachel Green")
    page.click("button:has-text('Circulate the action list')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has gone to")
    assert_accessible(page, "meeting-action-list")
    page.goto("/a/demo/")
    expect(page.locator("#not-circulated-heading + p")).to_contain_text(
        "Every held meeting's action list has gone out")

    page.goto("/a/demo/actions?source=meeting")
    expect(page.locator("table")).to_contain_text("Draft one Early Help referral form")
    assert page.console_errors == []


def test_champion_fills_in_an_action_sheet(page):
    sign_in(page, "champion@demo.example.org")
    page.goto("/a/demo/meetings/mine")
    expect(page.locator("h1")).to_have_text("Your meetings and action sheets")
    assert_accessible(page, "meetings-mine")

    page.get_by_role("link", name=re.compile("Fill in the action sheet for Practice Set 2")).click()
    expect(page.locator("h1")).to_have_text("Your action sheet")
    page.fill("#me", "Coach the team on writing the support plan before a return.")
    page.fill("#team", "All reunification cases use the Framework from next month.")
    page.fill("#others", "IROs to ask for the support plan at every review.")
    page.fill("#before_next", "Collect two examples of good support plans.")
    page.click("button:has-text('Save action sheet')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action sheet saved.")

    page.get_by_role("radio", name="What will I do before the next learning set?").check()
    page.fill("#title", "Collect two examples of good support plans")
    page.select_option("#owner", label="Aisha Rahman (Team Manager, Children in Care)")
    _fill_date(page, "due_date", 1, 2, 2030)
    page.click("button:has-text('Add action')")
    expect(page.locator("#sheet-actions + .app-table-scroll table")).to_contain_text(
        "Collect two examples of good support plans")
    assert_accessible(page, "meeting-action-sheet")

    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.locator("#sheets ~ h3", has_text="Aisha Rahman")).to_be_visible()
    expect(page.get_by_text("Coach the team on writing the support plan")).to_be_visible()
    expect(page.get_by_role("button", name="Record attendance")).to_have_count(0)
    assert_accessible(page, "meeting-practice-set")

    page.goto("/a/demo/meetings/mine")
    expect(page.get_by_text("Collect two examples of good support plans").first).to_be_visible()
    assert page.console_errors == []


def test_groups_and_decisions_are_accessible(page):
    sign_in(page, "observer@demo.example.org")
    page.goto("/a/demo/groups/strategic")
    expect(page.locator("h1")).to_have_text("Strategic group")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Grace Mensah")
    assert_accessible(page, "group-strategic")
    page.locator("table").get_by_role("link", name="Grace Mensah").click()
    expect(page.locator("h1")).to_have_text("Grace Mensah")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Implementation Board 5")
    assert_accessible(page, "group-member")
    page.goto("/a/demo/groups")
    assert_accessible(page, "groups")
    page.goto("/a/demo/groups/practice")
    assert_accessible(page, "group-practice")
    page.goto("/a/demo/decisions")
    expect(page.locator("table")).to_contain_text("Four workstreams")
    assert_accessible(page, "decisions")
    page.goto("/a/demo/meetings/plan")
    expect(page.locator("h1")).to_have_text("You cannot do that")
