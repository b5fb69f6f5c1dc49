"""A strategic lead answers "how many of our staff are trained, which teams use which parts of
the Framework, and what have we changed?" from the Framework area, reads the risk
classification table, records that someone left a team, records a team briefing and who
attended, and the champion rates her team's use of the Framework; every page passes axe-core."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.browser.test_imports_flow import _xlsx


def test_lead_reads_coverage_reference_and_records_a_briefing(page):
    sign_in(page, "lead@demo.example.org")
    page.goto(page.url.rstrip("/") + "/framework")
    expect(page.locator("h1")).to_have_text("The Framework in use")
    expect(page.locator("table").first).to_contain_text("Fostering Support team")
    expect(page.locator("body")).to_contain_text("Mo Farah-Jones")  # new and untrained
    expect(page.locator("body")).to_contain_text("Analytical chronology or case history")
    assert_accessible(page, "framework-index")

    page.get_by_role("link", name="The risk classification table").first.click()
    expect(page.locator("caption")).to_contain_text("the four levels of risk")
    assert_accessible(page, "framework-risk")
    for name, shot in (("The five stages and the key elements of practice", "framework-stages"),
                       ("When to use the Framework", "framework-when"),
                       ("Research messages to teach directly", "framework-research")):
        page.get_by_role("link", name=name).first.click()
        expect(page.locator("h1")).to_have_text(name)
        assert_accessible(page, shot)

    page.goto(page.url.rsplit("/framework", 1)[0] + "/framework")
    page.get_by_role("link", name="Children in Care team").click()
    expect(page.locator("#fidelity")).to_be_visible()
    assert_accessible(page, "framework-team")

    # Someone has left: kept in the register, no longer counted.
    page.get_by_role("link", name="Femi Adeyemi").click()
    page.fill("#left_on-day", "2")
    page.fill("#left_on-month", "11")
    page.fill("#left_on-year", "2100")
    page.click("button:has-text('Save entry')")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Date they left the team must be today or in the past")
    expect(page.locator("#left_on-year")).to_have_value("2100")
    assert_accessible(page, "framework-staff-left-error")
    page.fill("#left_on-year", "2026")
    page.click("button:has-text('Save entry')")
    expect(page.locator("#left-the-team ~ ul")).to_contain_text(
        "(practitioner), left on 2 November 2026; not trained or briefed")
    expect(page.locator("table").first).not_to_contain_text("Femi Adeyemi")
    assert_accessible(page, "framework-team-with-leaver")
    # Added again by mistake: the message says how to bring them back instead.
    page.get_by_role("button", name="Add a person").click()
    page.fill("#name", "Femi Adeyemi")
    page.fill("#email", "femi.adeyemi@demo.example.org")
    page.get_by_label("Practitioner").check()
    page.click("button:has-text('Add person')")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "who left Children in Care team on 2 November 2026. To bring them back, change their "
        "entry and clear the date they left")
    expect(page.locator("#email")).to_have_value("femi.adeyemi@demo.example.org")
    assert_accessible(page, "framework-staff-added-again")
    page.get_by_role("link", name="Children in Care team", exact=True).click()

    page.get_by_role("link", name="Training", exact=True).click()
    expect(page.locator("body")).to_contain_text("Train the trainer: who trained whom")
    assert_accessible(page, "framework-training")
    page.get_by_role("button", name="Record an event").click()
    page.click("button:has-text('Record event')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what kind of event")
    assert_accessible(page, "framework-event-form-errors")
    page.get_by_label("Team briefing").check()
    page.fill("#title", "Fostering Support team briefing")
    page.fill("#held_on-day", "2")
    page.fill("#held_on-month", "11")
    page.fill("#held_on-year", "2026")
    page.click("button:has-text('Record event')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("now record who was there")
    page.get_by_label("Kate Bell (Fostering Support team)").check()
    page.get_by_label("Liam Ford (Fostering Support team)").check()
    page.click("button:has-text('Save attendance')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 added")
    assert_accessible(page, "framework-event")

    page.get_by_role("link", name="The Framework in use").first.click()
    page.get_by_role("link", name="Adaptations", exact=True).click()
    expect(page.locator("body")).to_contain_text("one-page case summary")
    assert_accessible(page, "framework-adaptations")
    page.get_by_role("button", name="Record an adaptation").click()
    page.click("button:has-text('Record adaptation')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what was changed")
    assert_accessible(page, "framework-adaptation-form-errors")

    page.goto(page.url.rsplit("/framework", 1)[0] + "/framework/staff/import")
    assert_accessible(page, "framework-import")
    rows = [["Full name", "Work email address", "Team", "Role", "Champion"],
            ["Nia Okafor", "nia.okafor@demo.example.org", "Children in Care team",
             "Practitioner", "No"],
            ["Omar Reid", "omar.reid@demo.example.org", "No such team", "Manager", ""]]
    page.set_input_files("#file", files=[{"name": "staff.xlsx", "buffer": _xlsx(rows),
                                          "mimeType": "application/octet-stream"}])
    page.get_by_role("button", name="Check file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is no team called "
                                                                 "No such team")
    assert_accessible(page, "framework-import-problems")
    screenshot(page, "framework-import-problems")
    rows[2][2] = "Fostering Support team"
    page.set_input_files("#file", files=[{"name": "staff.xlsx", "buffer": _xlsx(rows),
                                          "mimeType": "application/octet-stream"}])
    page.get_by_role("button", name="Check file").click()
    assert_accessible(page, "framework-import-preview")
    screenshot(page, "framework-import-preview")
    page.get_by_role("button", name="Import 2 staff members").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "2 people added to the register")


def test_champion_rates_her_teams_use_of_the_framework(page):
    sign_in(page, "champion@demo.example.org")
    page.goto(page.url.rstrip("/") + "/framework")
    page.get_by_role("link", name="Children in Care team").click()
    page.get_by_role("button", name="Rate this quarter").click()
    expect(page.locator("h1")).to_contain_text("How far the team uses the Framework")
    assert_accessible(page, "framework-rate")
    page.fill("#note_supervision", "Monthly group supervision now covers Framework cases.")
    page.check("input[name=level_supervision][value='in_use']")
    page.click("button:has-text('Save ratings')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 changed")
    expect(page.locator("#fidelity")).to_be_visible()
