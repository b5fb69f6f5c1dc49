"""A practice champion writes and sends a postcard with two requests; the assistant director
answers one with an action to a named owner; the champion sees the answer and the action. The
inbox, postcard and conversation pages pass axe-core, and the printed postcard is saved as a
PDF to look at."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_accessible, sign_in


def test_champion_writes_director_answers_with_an_action(page):
    sign_in(page, "champion@demo.example.org")
    page.goto("/a/demo/postcards")
    expect(page.locator("h1")).to_have_text("Postcards")
    assert_accessible(page, "postcards-inbox")

    page.get_by_role("button", name="Write a postcard").click()
    page.select_option("#meeting", page.locator("#meeting option", has_text="Practice Set 2")
                       .first.get_attribute("value"))
    page.click("button:has-text('Start the draft')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft postcard started")

    page.get_by_role("button", name="Add a commitment").click()
    page.fill("#text", "Bring one family's story to Practice Set 3")
    page.click("button:has-text('Add')")
    for request in ("Can the reunification worker join our team meetings?",
                    "Please send us the list of panels a return home goes to"):
        page.get_by_role("button", name="Add a question or request").click()
        page.fill("#text", request)
        page.click("button:has-text('Add')")
    assert_accessible(page, "postcards-draft")

    page.get_by_role("button", name="Send to the strategic group").click()
    page.click("button:has-text('Send the postcard')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Postcard sent to the strategic group")
    url = page.url
    expect(page.locator("main")).to_contain_text("0 of 2 requests answered")

    page.context.clear_cookies()
    sign_in(page, "lead@demo.example.org")
    expect(page.locator("#postcards-heading")).to_be_visible()
    page.goto(url)
    page.locator("li", has_text="Can the reunification worker").get_by_role(
        "link", name="Answer this request").click()
    assert_accessible(page, "postcards-answer")
    page.fill("#text", "Reunification worker to attend each pilot team's meeting monthly")
    page.check("input[name=kind][value=action]")
    page.select_option("#owner", page.locator("#owner option", has_text="David Chen")
                       .first.get_attribute("value"))
    page.fill("#due_date-day", "15")
    page.fill("#due_date-month", "1")
    page.fill("#due_date-year", "2027")
    page.click("button:has-text('Send the answer')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Answer sent")
    expect(page.locator("main")).to_contain_text("Partly answered")

    page.context.clear_cookies()
    sign_in(page, "champion@demo.example.org")
    page.goto(url)
    card = page.locator(".app-postcard")
    expect(card).to_contain_text("Reunification worker to attend each pilot team's meeting")
    expect(card).to_contain_text("Answered by Sarah Okafor")
    expect(card).to_contain_text("Action for David Chen, due 15 January 2027")
    expect(card).to_contain_text("Not answered yet.")
    assert_accessible(page, "postcards-answered")

    page.goto("/a/demo/postcards/conversation")
    expect(page.locator("h1")).to_have_text("The conversation between the groups")
    assert_accessible(page, "postcards-conversation")

    page.goto(url + "/print")
    page.emulate_media(media="print")
    page.pdf(path=str(SCREENSHOTS / "postcards-print.pdf"), format="A4",
             print_background=True)
    page.emulate_media(media="screen")
    assert page.console_errors == []


def test_demo_postcard_and_the_learning_set_review(page):
    sign_in(page, "lead@demo.example.org")
    page.goto("/a/demo/postcards")
    page.get_by_role("link", name=re.compile("From the practice group, Practice Set 1")).click()
    expect(page.locator("main")).to_contain_text("Head of Service to lead a task and finish")
    assert_accessible(page, "postcards-demo")
    page.goto(page.url + "/print")
    page.emulate_media(media="print")
    page.pdf(path=str(SCREENSHOTS / "postcards-demo-print.pdf"), format="A4",
             print_background=True)
    assert page.console_errors == []
