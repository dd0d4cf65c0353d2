"""The anomaly model page in a browser (Debian's Chromium), on a phone (390 px) and a desktop, in
English and Chinese: the versions and the top anomalies with their bars fit the screen; an
analyst proposes the candidate for activation and sees it wait for a checker; the anomaly
alert's page gives its reasons. Screenshots are left in /tmp/shots-models."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_payments_journey import _fits
from tests.browser.test_screens import _signed_in
from tests.risk.anomaly_helpers import MAKER, fan_out_night, made_active, ordinary_month
from tests.risk.lists_helpers import verified_customer

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-models")


@pytest.fixture(scope="module")
def trained():
    from hujin.risk.anomaly_train import train
    from hujin.risk.shipped import shipped_rules

    return train(seed=11, customers=200, per_typology=2, rules=shipped_rules())


@pytest.fixture
def scored(trained, settings):
    """Version 1 active, version 2 a candidate; yesterday 张伟 and 李明 each paid 12 strangers
    at night, 王芳 paid her usual payee."""
    from hujin.core.dates import business_time_zone
    from hujin.risk.anomaly_registry import anomaly_model_register
    from hujin.risk.anomaly_score import cob_anomaly_score
    from tests.risk.anomaly_helpers import at_local, entry

    now = timezone.now()
    day = (now.astimezone(business_time_zone()) - timedelta(days=1)).date()
    first = anomaly_model_register(actor=MAKER, trained=trained, now=now)
    made_active(first, now)
    anomaly_model_register(actor=MAKER, trained=trained, now=now)
    for name, unusual in (("张伟", True), ("李明", True), ("王芳", False)):
        customer = verified_customer(name, now=now, settings=settings)
        ordinary_month(customer, day)
        if unusual:
            fan_out_night(customer, day)
        else:
            entry(customer, at_local(day, 10), amount=95_000, counterparty="payee-1")
    cob_anomaly_score(day, now)


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_the_model_page_fits_and_a_candidate_is_proposed(
    page, live_server, scored, staff_user, locale, viewport
):
    from hujin.risk.models import Alert

    _signed_in(page, live_server, staff_user, mfa_verified=True)
    size = "390" if viewport["width"] == 390 else "desktop"
    SHOTS.mkdir(exist_ok=True)

    def shot(name: str) -> None:
        _fits(page)
        page.screenshot(path=str(SHOTS / f"models-{name}-{size}-{locale}.png"), full_page=True)

    page.goto("/risk/models/")
    expect(page.locator("[data-testid=anomalies] > li")).to_have_count(2)
    assert page.locator("[data-testid=anomalies] svg.bars").count() == 6
    expect(page.locator("[data-testid=model-versions] > section")).to_have_count(2)
    assert "王*" not in page.locator("[data-testid=anomalies]").inner_text()
    shot("page")

    form = page.locator("[data-testid=propose-form]")
    form.locator("input[name=reason]").fill("Measured on a fresh history: better recall.")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    expect(page.locator("[data-testid=propose-form]")).to_have_count(0)
    expect(page.locator("[data-version='2'] [data-testid=pending]")).to_have_count(1)
    shot("proposed")

    alert = Alert.objects.filter(source="anomaly").order_by("-score").first()
    page.goto(f"/risk/alerts/{alert.id}/")
    expect(page.locator("[data-testid=anomaly-reasons] li")).to_have_count(3)
    shot("alert")
