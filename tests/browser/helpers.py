"""Steps the browser journeys share."""

from tests.factories import PASSWORD


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()  # LOGIN_REDIRECT_URL
