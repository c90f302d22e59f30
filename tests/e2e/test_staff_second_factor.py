"""A staff member is refused the reports until they set up an authenticator app, then
reaches them; the app's codes come from pyotp, as a phone would show them."""

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, screenshot
from tests.second_factor import browser_log_in, totp_code
from tests.security_data import registrar

PASSWORD = "correct-horse-battery"  # UserFactory's


def test_staff_set_up_an_authenticator_app_and_reach_the_reports(page, db):
    staff = registrar()
    page.goto("/accounts/login/")
    browser_log_in(page, staff)
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuing education courses")

    # Refused: the reports send them to set up a second factor, after their password again.
    page.goto("/staff/reports/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Reports")
    expect(page.get_by_text("Staff pages need a second factor.")).to_be_visible()
    screenshot(page, "staff-mfa-01-password-again")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert axe_violations(page) == []
    screenshot(page, "staff-mfa-02-set-up")

    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    assert page.get_by_label("Unused codes").input_value().count("\n") == 9  # ten codes
    screenshot(page, "staff-mfa-03-recovery-codes")

    page.goto("/staff/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert page.console_errors == []
