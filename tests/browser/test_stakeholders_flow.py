"""A steering member adds a stakeholder, sees it placed on the grid, plans a repeating
engagement and records one as done with feedback that raises an action; the pages pass
axe-core."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tracker import clock


def _fill_date(page, field: str, day) -> None:
    page.fill(f"#{field}-day", str(day.day))
    page.fill(f"#{field}-month", str(day.month))
    page.fill(f"#{field}-year", str(day.year))


def test_steering_member_keeps_the_engagement_plan(page):
    sign_in(page, "steering@demo.example.org")
    page.get_by_role("link", name="Stakeholders", exact=True).click()
    expect(page.locator("h1")).to_have_text("Stakeholders")
    expect(page.locator("#gaps")).to_be_visible()
    assert_accessible(page, "stakeholders-register")

    # Add a stakeholder, first leaving out what the form needs.
    page.get_by_role("button", name="Add a stakeholder").click()
    page.fill("#name", "Youth Justice Service")
    page.fill("#benefits", "Fewer young people returning home into the same risks.")
    page.click("button:has-text('Add stakeholder')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the type of stakeholder")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select how much influence they have")
    expect(page.locator("#benefits")).to_have_value(
        "Fewer young people returning home into the same risks.")
    assert_accessible(page, "stakeholder-form-errors")
    page.get_by_label("Team or service").check()
    page.select_option("#group", "partners")
    page.fill("#organisation", "Youth Justice Partnership")
    page.check("input[name=influence][value='4']")
    page.check("input[name=interest][value='2']")
    page.check("input[name=level_now][value='unaware']")
    page.check("input[name=level_wanted][value='supportive']")
    page.fill("#needs_to_know", "How a planned return changes supervision and support.")
    page.click("button:has-text('Add stakeholder')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Youth Justice Service added to the register, in “Keep satisfied” on the grid.")
    expect(page.locator("h1")).to_have_text("Youth Justice Service")
    assert_accessible(page, "stakeholder")

    # It is placed on the grid, and in the table beside it.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Stakeholders").click()
    page.get_by_role("navigation", name="Stakeholder engagement").get_by_role(
        "link", name="Power / interest grid").click()
    expect(page.locator("h1")).to_have_text("Power / interest grid")
    expect(page.locator("svg[role=img] desc")).to_contain_text("Youth Justice Service")
    satisfied = page.locator("tbody", has=page.locator("th", has_text="Keep satisfied"))
    expect(satisfied).to_contain_text("Youth Justice Service")
    assert page.locator("svg[role=img] circle").count() >= 16
    assert_accessible(page, "stakeholders-grid")

    # Plan a repeating engagement with them: a briefing every three months from last week.
    satisfied.get_by_role("link", name="Youth Justice Service").click()
    page.get_by_role("button", name="Plan an engagement with them").click()
    expect(page.get_by_label("Youth Justice Service")).to_be_checked()
    page.fill("#title", "Youth justice team briefing")
    page.select_option("#method", "briefing")
    page.fill("#message", "What the Framework asks of partners when a young person goes home.")
    started = clock.today() - timedelta(days=7)
    _fill_date(page, "planned_date", started)
    page.select_option("#repeat", "3m")
    assert_accessible(page, "engagement-form")
    page.click("button:has-text('Add to the plan')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Engagement planned: Youth justice team briefing")
    expect(page.locator("p.govuk-body .app-rag--red")).to_have_text("Red")
    expect(page.locator("#dates ~ .app-table-scroll table").first).to_contain_text(
        f"{started.day} {started:%B %Y}")
    assert_accessible(page, "engagement")

    # Record last week's briefing as done, with feedback that raises an action.
    page.get_by_role("link", name=re.compile(r"^Record")).first.click()
    expect(page.locator("h1")).to_contain_text("Record the")
    page.fill("#notes", "Eight case managers came.")
    page.fill("#feedback_text", "They want to be told before a return date is set.")
    page.check("input[name=feedback_source][value=partners]")
    page.fill("#action_title", "Add youth justice to the return planning checklist")
    _fill_date(page, "action_due", clock.today() + timedelta(days=21))
    assert_accessible(page, "engagement-record")
    page.click("button:has-text('Save')")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("recorded. Feedback saved. Action added to the action log.")
    expect(page.locator("#recorded ~ .app-table-scroll table").first).to_contain_text(
        "Eight case managers came.")
    expect(page.locator("p.govuk-body .app-rag--green")).to_have_text("Green")
    assert_accessible(page, "engagement-recorded")

    page.get_by_role("link", name="Add youth justice to the return planning checklist").click()
    expect(page.locator("h1")).to_have_text("Add youth justice to the return planning checklist")
    expect(page.locator("main")).to_contain_text("They want to be told before a return date is set.")
    assert page.console_errors == []


def test_the_plan_feedback_and_dashboard_panel_are_accessible(page):
    sign_in(page, "lead@demo.example.org")
    panel = page.locator("section", has=page.locator("#engagements-due-heading"))
    expect(panel).to_contain_text("Briefing for new starters")
    expect(panel.locator(".app-rag--red").first).to_be_visible()

    page.goto("/a/demo/engagement-plan")
    expect(page.locator("h1")).to_have_text("Engagement plan")
    expect(page.locator("#group-staff")).to_have_text("Children's social care staff")
    assert_accessible(page, "engagement-plan")

    page.get_by_role("link", name="Printable version").click()
    expect(page.locator("main a[href*='/engagements/']")).to_have_count(0)
    assert_accessible(page, "engagement-plan-print")

    page.goto("/a/demo/feedback")
    expect(page.locator("h1")).to_have_text("Feedback")
    assert_accessible(page, "stakeholders-feedback")
    page.get_by_role("row", name=re.compile("Carers want to know earlier")).get_by_role(
        "link", name=re.compile("feedback from partners")).click()
    expect(page.locator("main")).to_contain_text(
        "Add the carer's view and notice period to the reunification plan template")
    assert_accessible(page, "stakeholders-feedback-item")
    assert page.console_errors == []
