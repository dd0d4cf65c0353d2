"""Smoke test: the console's login page renders and a staff member gets into the console."""

import pytest

from tests.browser.conftest import LOGIN_FORM

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("en", "desktop"), ("zh-hans", "phone")],
    indirect=True,
)
class TestConsoleLogin:
    def test_login_page_renders_in_the_browser_language(self, page, locale):
        page.goto("/auth/login/")

        assert page.locator("html").get_attribute("lang") == locale
        form = page.locator(LOGIN_FORM)
        assert form.locator("input[name=username]").is_visible()
        assert form.locator("input[name=password]").is_visible()
        assert form.locator("[type=submit]").is_visible()

    def test_staff_member_logs_in_and_sees_the_console_home(self, staff_page, live_server, locale):
        assert staff_page.url.rstrip("/") == live_server.url.rstrip("/")
        assert staff_page.locator("html").get_attribute("lang") == locale
        heading = staff_page.locator("h1")
        assert heading.is_visible()
        if locale == "en":
            assert heading.inner_text().startswith("Welcome")
        else:
            assert heading.inner_text().strip()
