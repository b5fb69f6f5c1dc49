"""A steering member logs an action from the dashboard, finds it under "mine" and marks it
done; the action pages, the timeline and the plan pages pass axe-core."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_steering_member_logs_filters_and_completes_an_action(page):
    sign_in(page, "steering@demo.example.org")
    assert_accessible(page, "dashboard-with-actions")
    page.get_by_role("link", name="Add an action").first.click()
    page.fill("#title", "Brief the fostering team on the Framework")
    page.select_option("#owner", label="David Chen (Head of Service, Looked After Children)")
    page.fill("#due_date-day", "15")
    page.fill("#due_date-month", "1")
    page.fill("#due_date-year", "2030")
    assert_accessible(page, "action-new")
    page.click("button:has-text('Add action')")
    expect(page.locator("h1")).to_have_text("Brief the fostering team on the Framework")
    expect(page.locator(".app-rag--green")).to_be_visible()

    page.get_by_role("navigation", name="Programme").get_by_role("link", name="Actions").click()
    page.get_by_role("link", name="my open actions").click()
    expect(page.locator("table")).to_contain_text("Brief the fostering team on the Framework")
    assert_accessible(page, "action-log-mine")

    page.get_by_role("link", name="Brief the fostering team on the Framework").click()
    page.fill("#text", "Booked for the team meeting on Thursday.")
    page.click("button:has-text('Add note')")
    expect(page.locator(".app-history")).to_contain_text("Booked for the team meeting")
    page.get_by_role("button", name="Update this action").click()
    page.get_by_label("Done").check()
    page.click("button:has-text('Save action')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action saved.")
    expect(page.locator(".app-history")).to_contain_text("Open → Done")
    assert_accessible(page, "action-page")
    assert page.console_errors == []


def test_action_log_filters_and_bulk_controls_are_accessible(page):
    sign_in(page, "lead@demo.example.org")
    page.goto("/a/demo/actions?rag=red")
    expect(page.locator("[role=status]")).to_contain_text("match your filters")
    # The bulk controls sit above the table with labels of their own (the filter has an
    # Owner select too).
    assert page.get_by_label("Reassign to").get_attribute("id") == "bulk-owner"
    assert page.evaluate("""() => {
        const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
        return ids.length === new Set(ids).size;
    }""")
    bulk = page.locator(".app-bulk-actions").bounding_box()
    table = page.locator("table.app-table--actions").bounding_box()
    assert 0 < table["y"] - (bulk["y"] + bulk["height"]) < 100
    assert_accessible(page, "action-log-overdue")
    # On a phone the results come first and the filters start closed.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert not page.locator("#filters details").evaluate("d => d.open")
    results = page.locator("table.app-table--actions").bounding_box()
    assert results["y"] < page.locator("#filters").bounding_box()["y"]
    assert results["y"] < 1200
    page.goto("/a/demo/actions/import")
    assert_accessible(page, "action-import")


def test_timeline_milestones_and_workstreams_are_accessible(page):
    sign_in(page, "observer@demo.example.org")
    page.goto("/a/demo/timeline")
    expect(page.locator("svg.app-timeline__chart")).to_be_visible()
    assert_accessible(page, "timeline")
    page.goto("/a/demo/milestones")
    assert_accessible(page, "milestones")
    page.get_by_role("link", name=re.compile("Reunification policy signed off")).first.click()
    assert_accessible(page, "milestone")
    page.goto("/a/demo/workstreams")
    assert_accessible(page, "workstreams")
    page.get_by_role("link", name="Support planning", exact=True).click()
    assert_accessible(page, "workstream")
    expect(page.get_by_role("button", name="Change workstream")).to_have_count(0)
