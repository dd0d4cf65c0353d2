"""The screening-list pages in a browser (Debian's Chromium), on a phone (390 px) and a desktop,
in English and Chinese: each fits the screen; a screenshot of each is left in /tmp/shots."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_payments_journey import _fits
from tests.browser.test_screens import _signed_in
from tests.risk.lists_helpers import ANALYST, CSV_SAMPLE, UN_SAMPLE, un_changed, verified_customer

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots")


@pytest.fixture
def screened(settings):
    """Two versions of the UN sample and the CSV sample; 张伟 (a hit), 李明 (a hit on the CSV
    list), 王芳 (none)."""
    from hujin.risk.lists import watchlist_import
    from hujin.risk.lists_screening import watchlists_rescreen

    now = timezone.now()
    for name, birth in (("张伟", "19680314"), ("李明", "19750802"), ("王芳", "19800101")):
        verified_customer(name, birth=birth, now=now, settings=settings)
    for content, code, fmt, kind in (
        (UN_SAMPLE, "un_consolidated", "un_xml", "sanctions"),
        (un_changed(), "un_consolidated", "un_xml", "sanctions"),
        (CSV_SAMPLE, "internal_watch", "csv", "internal"),
    ):
        watchlist_import(actor=ANALYST, list_code=code, kind=kind, file_name=f"{code}.{fmt}",
                         content=content, fmt=fmt, now=now, queue_screening=False,
                         name="Platform watch list" if fmt == "csv" else "")  # fmt: skip
    watchlists_rescreen(now=now)


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_the_list_pages_fit_the_screen(page, live_server, screened, staff_user, locale, viewport):
    from hujin.risk.models_lists import WatchListVersion

    _signed_in(page, live_server, staff_user, mfa_verified=True)
    size = "390" if viewport["width"] == 390 else "desktop"
    SHOTS.mkdir(exist_ok=True)

    def shot(name: str) -> None:
        _fits(page)
        page.screenshot(path=str(SHOTS / f"risk-lists-{name}-{size}-{locale}.png"), full_page=True)

    page.goto("/risk/lists/")
    assert page.locator("[data-testid=watchlist]").count() == 2
    shot("lists")
    version = WatchListVersion.objects.get(watchlist__code="un_consolidated", state="current")
    page.goto(f"/risk/lists/versions/{version.id}/")
    page.locator("#entry-q").fill("张伟")
    expect(page.locator("#entry-results [data-reference]")).to_have_count(1)
    assert page.locator("[data-reference='SMP.001']").count() == 1
    shot("version")
    page.goto("/risk/lists/hits/")
    assert page.locator("[data-testid=list-hits] tbody tr").count() == 2
    shot("hits")
