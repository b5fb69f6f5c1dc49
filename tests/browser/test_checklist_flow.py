"""A person signs in, finds the Checklist, updates a task and signs out; champions read only;
the pages pass axe-core and work from the keyboard."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_sign_in_page_is_accessible_and_keyboard_first(page):
    page.goto("/login")
    assert_accessible(page, "sign-in")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("id", "email")


def test_sign_in_errors_are_shown_and_accessible(page):
    page.goto("/login")
    page.fill("#email", "lead@demo.example.org")
    page.click("button:has-text('Sign in')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
    expect(page.locator("#email")).to_have_value("lead@demo.example.org")
    assert_accessible(page, "sign-in-errors")


def test_lead_updates_a_checklist_task(page):
    sign_in(page, "lead@demo.example.org")
    expect(page.locator("h1")).to_have_text("Dashboard")
    assert_accessible(page, "dashboard")

    page.get_by_role("link", name="Checklist", exact=True).click()
    expect(page.locator("h1")).to_have_text("Implementation Checklist")
    assert_accessible(page, "checklist-overview")

    page.get_by_role("link", name="Phase 2: Pilot and scale-up").first.click()
    expect(page.locator("h1")).to_have_text("Phase 2: Pilot and scale-up")
    assert_accessible(page, "checklist-phase-2")

    page.get_by_role("link", name=re.compile(r"^Task 5:")).click()
    expect(page.locator("h1")).to_contain_text("Task 5:")
    assert_accessible(page, "checklist-task")
    expect(page.locator("#about-task").locator("..")).to_contain_text("Suggested by Homeward")
    page.get_by_role("link", name="About the sources").click()
    expect(page.locator("h1")).to_have_text("Sources")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Home again")
    assert_accessible(page, "sources")
    page.go_back()

    page.get_by_role("button", name="Update this task").click()
    page.get_by_label("In progress").check()
    page.fill("#due_date-day", "31")
    page.fill("#due_date-month", "2")
    page.fill("#due_date-year", "2027")
    page.fill("#notes", "QA audit tool agreed with the **Quality Assurance Board**.")
    page.click("button:has-text('Save task')")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Due date must be a real date")
    expect(page.locator("#notes")).to_have_value(
        "QA audit tool agreed with the **Quality Assurance Board**.")
    assert_accessible(page, "checklist-task-edit-errors")

    page.fill("#due_date-day", "26")
    page.click("button:has-text('Save task')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Task 5 saved.")
    expect(page.locator(".govuk-summary-list")).to_contain_text("26 February 2027")
    expect(page.locator("strong", has_text="Quality Assurance Board")).to_be_visible()
    expect(page.locator(".app-history").first).to_contain_text("Sarah Okafor")
    expect(page.locator(".app-history").first).to_contain_text("Not started → In progress")

    page.click("button:has-text('Sign out')")
    expect(page.locator("h1")).to_have_text("Sign in to Homeward")
    page.goto("/a/demo/checklist")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert page.console_errors == []


def test_not_applicable_asks_for_the_reason(page):
    sign_in(page, "steering@demo.example.org")
    page.goto("/a/demo/checklist/phase/3")
    page.get_by_role("link", name=re.compile(r"^Task 8:")).click()
    page.get_by_role("button", name="Update this task").click()
    page.get_by_label("Not applicable").check()
    page.click("button:has-text('Save task')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why this task does not apply")
    assert_accessible(page, "checklist-task-na-reason")
    page.locator(".govuk-error-summary a").click()
    expect(page.locator("#not_applicable_reason")).to_be_focused()
    page.keyboard.type("The region runs this for us.")
    page.click("button:has-text('Save task')")
    expect(page.locator(".govuk-summary-list")).to_contain_text("The region runs this for us.")


def test_champion_reads_but_cannot_change_the_checklist(page):
    sign_in(page, "champion@demo.example.org")
    page.goto("/a/demo/checklist/phase/1")
    page.get_by_role("link", name=re.compile(r"^Task 9:")).click()
    expect(page.locator("h1")).to_contain_text("Task 9:")
    expect(page.get_by_role("button", name="Update this task")).to_have_count(0)
    page.goto(page.url + "/edit")
    expect(page.locator("h1")).to_have_text("You cannot do that")
    page.goto("/a/northshire/")
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_accessible(page, "not-found")


def test_consultant_switches_authority(page):
    sign_in(page, "consultant@demo.example.org")
    expect(page.locator("h1")).to_have_text("Your portfolio")
    assert_accessible(page, "portfolio")
    page.select_option("#authority-switcher", "northshire")
    page.click("button:has-text('Go')")
    expect(page.locator(".govuk-service-navigation")).to_contain_text("Northshire County Council")
    assert_accessible(page, "dashboard-northshire")


def test_pages_run_under_the_content_security_policy(browser, live_server):
    context = browser.new_context(base_url=live_server)  # CSP enforced, as for a user
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto("/login")
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    # The password input's Show button exists only once govuk-frontend's script has run.
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    context.close()
    assert errors == []
