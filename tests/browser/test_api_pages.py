"""A strategic lead makes an API token on the account page (after leaving the name out), sees it
once, reads the Excel and Power BI guide, and revokes the token; an administrator reviews the
lead's tokens and revokes another; every page passes axe-core."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_lead_makes_reads_about_and_revokes_an_api_token(page):
    sign_in(page, "lead@demo.example.org")
    page.goto("/account")
    expect(page.locator("#api-tokens")).to_have_text("API tokens")
    page.get_by_role("link", name="Create an API token").click()
    expect(page.locator("h1")).to_have_text("Create an API token")
    assert_accessible(page, "api-token-new")

    page.click("button:has-text('Create token')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    assert_accessible(page, "api-token-new-error")

    page.fill("#name", "Power BI: quarterly outcomes")
    page.click("button:has-text('Create token')")
    expect(page.locator(".govuk-panel__title")).to_have_text("Your API token is ready")
    secret = page.input_value("#api-token")
    assert secret.startswith("hw_")
    assert_accessible(page, "api-token-created")

    page.get_by_role("link", name="How to connect Excel or Power BI").click()
    expect(page.locator("h1")).to_have_text("Connect Excel or Power BI to Homeward")
    expect(page.locator("pre").first).to_contain_text("/api/v1/authorities/demo/actions")
    assert_accessible(page, "api-guide")

    # The token works from outside the browser's session, and only with itself.
    response = page.request.get("/api/v1/authorities/demo/actions?limit=5",
                                headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200 and len(response.json()["items"]) == 5

    page.goto("/account")
    expect(page.locator("#api-tokens ~ dl")).to_contain_text("Power BI: quarterly outcomes")
    assert secret not in page.content()
    assert_accessible(page, "account-with-api-token")
    page.get_by_role("button", name="Revoke Power BI: quarterly outcomes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is revoked")
    response = page.request.get("/api/v1/authorities", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 401

    page.get_by_role("link", name="Create an API token").click()
    page.fill("#name", "Excel on a lost laptop")
    page.click("button:has-text('Create token')")
    lost = page.input_value("#api-token")
    page.click("button:has-text('Sign out')")
    sign_in(page, "admin@demo.example.org")
    page.goto("/admin")
    page.get_by_role("link", name="Sarah Okafor").first.click()
    tokens = page.locator("#api-token-list")
    expect(tokens).to_contain_text("Excel on a lost laptop")
    expect(tokens).to_contain_text("Revoked")
    assert_accessible(page, "admin-user-api-tokens")
    page.get_by_role("button", name="Revoke Excel on a lost laptop").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is revoked")
    expect(tokens.get_by_role("button")).to_have_count(0)
    expect(tokens).to_contain_text("by Site Administrator")
    response = page.request.get("/api/v1/authorities", headers={"Authorization": f"Bearer {lost}"})
    assert response.status == 401
    assert page.console_errors == []
