"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live server.

Only Debian's /usr/bin/chromium is used (`make test` installs it with apt-get); never a browser
that Playwright downloads. Without it the tests skip, unless HUJIN_REQUIRE_BROWSER=1.

Fixtures:
    chromium_path   Path of the Chromium binary (session)
    browser         a headless playwright Browser (session, one per xdist worker)
    viewport        "desktop" (1280x800) by default; parametrize indirectly with "phone" (390x844)
    locale          "en" by default; parametrize indirectly with "zh-hans"
    page            a fresh Page in its own context, base_url = live_server.url
    staff_page      `page` after logging in as staff_user through /auth/login/

Example:

    @pytest.mark.parametrize("viewport", ["phone"], indirect=True)
    @pytest.mark.parametrize("locale", ["zh-hans"], indirect=True)
    def test_something(staff_page): staff_page.goto("/")

A failing test leaves a screenshot in test-results/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
# Playwright locale (navigator.language) and the Accept-Language header the browser sends.
LOCALES = {
    "en": ("en-US", "en-US,en;q=0.9"),
    "zh-hans": ("zh-CN", "zh-CN,zh-Hans;q=0.9,zh;q=0.8"),
}
DEFAULT_TIMEOUT_MS = 15_000
# The page has other forms (the language switcher); this is the one that logs in.
LOGIN_FORM = "form:has(input[name=password])"
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = (
        f"{CHROMIUM} is missing: browser tests need Debian's Chromium "
        "(`make test` installs it: apt-get install chromium)"
    )
    if os.environ.get("HUJIN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"HUJIN_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _playwright(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the test's own (synchronous) database calls as "called from an async context".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright, chromium_path):
    browser = _playwright.chromium.launch(
        executable_path=str(chromium_path), headless=True, args=LAUNCH_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def viewport(request) -> dict:
    name = getattr(request, "param", "desktop")
    return VIEWPORTS[name]


@pytest.fixture
def locale(request) -> str:
    name = getattr(request, "param", "en")
    assert name in LOCALES, f"unknown locale {name!r}; known: {sorted(LOCALES)}"
    return name


@pytest.fixture
def page(request, browser, live_server, viewport, locale):
    browser_locale, accept_language = LOCALES[locale]
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale=browser_locale,
        extra_http_headers={"Accept-Language": accept_language},
        is_mobile=viewport == VIEWPORTS["phone"],
        has_touch=viewport == VIEWPORTS["phone"],
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        context.close()


@pytest.fixture
def staff_page(page, staff_user, staff_password, staff_totp_secret):
    """`page`, logged in as staff_user through the login form and the TOTP step; left on the
    page after login."""
    import pyotp

    page.goto("/auth/login/")
    form = page.locator(LOGIN_FORM)
    form.locator("input[name=username]").fill(staff_user.username)
    form.locator("input[name=password]").fill(staff_password)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    assert "/auth/login/" not in page.url, "staff login failed: still on the login page"
    if "/auth/mfa/verify/" in page.url:
        page.locator("input[name=code]").fill(pyotp.TOTP(staff_totp_secret).now())
        with page.expect_navigation():
            page.locator("form:has(input[name=code]) [type=submit]").click()
        assert "/auth/mfa/" not in page.url, "staff login failed: the TOTP code was refused"
    return page
