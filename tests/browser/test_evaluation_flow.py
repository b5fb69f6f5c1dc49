"""A lead opens a questionnaire round (after a mistake) and a practitioner answers it without
an account, saving and coming back; the results of the demo's Time 2 round read as Table 7.
Every page passes axe-core at desktop and phone widths."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_lead_opens_a_round_and_a_practitioner_answers_it(page, browser, live_server):
    sign_in(page, "lead@demo.example.org")
    page.get_by_role("navigation", name="Programme").get_by_role("link", name="Outcomes").click()
    page.get_by_role("link", name="evaluation questionnaires").click()
    expect(page.locator("h1")).to_have_text("Evaluation questionnaires")
    assert_accessible(page, "evaluation")
    page.check("input[name=audience][value=practice]")
    page.click("button:has-text('Open the round')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose Time 1 or Time 2")
    assert_accessible(page, "evaluation-open-errors")
    page.check("input[name=time][value='1']")
    page.fill("#closes_on-day", "31")
    page.fill("#closes_on-month", "12")
    page.fill("#closes_on-year", "2099")
    page.click("button:has-text('Open the round')")
    expect(page.locator("h1")).to_have_text("Time 1, practice group")
    assert_accessible(page, "evaluation-round")
    # The page shows the link as it will be emailed; here it is opened on the test's server.
    link = "/questionnaire/" + page.locator(".app-wrap-anywhere a").get_attribute(
        "href").split("/questionnaire/", 1)[1]

    # The practitioner: another browser, no account.
    other = browser.new_context(base_url=live_server, bypass_csp=True,
                                viewport={"width": 375, "height": 800})
    answer = other.new_page()
    try:
        answer.goto(link)
        expect(answer.locator("h1")).to_have_text("Time 1 questionnaire for practitioners")
        answer.fill("#first_name_start", "J")
        answer.click("button:has-text('Start')")
        expect(answer.locator(".govuk-error-summary")).to_contain_text(
            "Enter the first two letters of your first name")
        assert_accessible(answer, "evaluation-start-errors")
        answer.fill("#first_name_start", "Ja")
        answer.fill("#surname_end", "th")
        answer.fill("#birthday_day", "19")
        answer.fill("#birthday_month", "4")
        answer.click("button:has-text('Start')")
        expect(answer.locator("h1")).to_have_text("Your experience and knowledge of research")
        assert_accessible(answer, "evaluation-question-page")
        answer.check("label:has-text('Quite aware')")
        answer.click("button:has-text('Save and come back later')")
        expect(answer.locator("h1")).to_have_text("Your answers have been saved")
        assert_accessible(answer, "evaluation-saved")
        answer.goto("/questionnaire/" + answer.locator(".app-wrap-anywhere a").get_attribute(
            "href").split("/questionnaire/", 1)[1])
        expect(answer.locator("#research-awareness-2")).to_be_checked()
        answer.click("button:has-text('Save and continue')")
        answer.click("button:has-text('Save and continue')")
        expect(answer.locator("h1")).to_have_text("Your practice: how far do you agree?")
        answer.check("#caseloads-5")
        assert_accessible(answer, "evaluation-statements")
        answer.click("button:has-text('Save and continue')")
        answer.click("button:has-text('Save and check your answers')")
        expect(answer.locator("h1")).to_have_text("Check your answers before sending them")
        assert_accessible(answer, "evaluation-check")
        answer.click("button:has-text('Send my answers')")
        expect(answer.locator("h1")).to_have_text("Your answers have been sent")
        assert_accessible(answer, "evaluation-sent")
    finally:
        other.close()

    page.reload()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Answers sent")


def test_the_demo_results_read_as_table_7(page):
    sign_in(page, "observer@demo.example.org")
    page.goto("/a/demo/evaluation")
    page.get_by_role("link", name="Time 2, practice group").click()
    page.get_by_role("link", name="Compare Time 1 and Time 2 answers").click()
    expect(page.locator("h1")).to_have_text("Results: Time 2, practice group")
    expect(page.locator("body")).to_contain_text("6 people answered both")
    expect(page.locator("body")).to_contain_text("Fewer than 10 pairs: treat with caution")
    assert_accessible(page, "evaluation-results")
