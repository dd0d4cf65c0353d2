"""An operator resolves a reconciliation break and a checker approves it, in a browser: the
break queue, the break's page and its proposal form, the approvals queue, and the break
resolved — in English and Chinese, on a desktop and a phone (no page wider than the screen)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import LOGIN_FORM

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"queue": "Break queue", "kind": "Missing at the channel", "proposed": "proposed",
           "waiting": "Waiting for a checker", "approved": "Approved", "resolved": "Resolved"},
    "zh-hans": {"queue": "差错队列", "kind": "渠道缺失", "proposed": "处理已提交",
                "waiting": "待复核", "approved": "已批准", "resolved": "已处理"},
}  # fmt: skip
NOT_WIDER = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.fixture
def dropped_top_up(transactional_db, settings):
    """Yesterday a customer topped up ¥250.00; the channel's file leaves it out; this morning's
    reconciliation found the break."""
    from hujin.core.actors import Actor, system_actor
    from hujin.core.dates import business_date_get
    from hujin.customers.models import Customer
    from hujin.identity.models import User
    from hujin.payments.models import Break
    from hujin.payments.reconciliation.runs import reconciliation_run
    from hujin.payments.services import card_bind_begin, card_bind_confirm
    from tests.payments.conftest import CODE, MOBILE, card_number
    from tests.payments.money import Payer, open_wallet
    from tests.payments.reconciliation import topup

    settings.HUJIN_PAYMENTS_CHANNEL = ""
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE}
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    user = User.objects.create(username=f"p-{uuid.uuid4().hex[:12]}", kind="customer",
                               mobile="+8613600009999")  # fmt: skip
    Customer.objects.create(user=user, type="individual", status="active", legal_name="张三",
                            kyc_status="verified", verified_at=yesterday,
                            created_at=yesterday)  # fmt: skip
    actor = Actor(kind="customer", id=str(user.pk), label=user.username)
    started = card_bind_begin(number=card_number(), holder_name="张三", reserved_mobile=MOBILE,
                              actor=actor, now=yesterday)  # fmt: skip
    card = card_bind_confirm(card_id=started.card.id, code=CODE, actor=actor, now=yesterday)
    topup(Payer(user, card.id, open_wallet(user, yesterday)), yesterday, 250_00, "t-1")
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE, "recon_drop_share": 1}
    reconciliation_run(business_date=business_date_get(now=yesterday),
                       actor=system_actor("test"), now=now)  # fmt: skip
    return Break.objects.get()


@pytest.fixture
def checker(transactional_db, staff_password, staff_totp_secret):
    from django.contrib.auth.models import Group

    from hujin.identity.models import User
    from tests.conftest import _password_hash, _totp_device_confirmed

    user = User.objects.create(username="checker", password=_password_hash(staff_password),
                               kind=User.Kind.STAFF, is_staff=True)  # fmt: skip
    user.groups.add(Group.objects.get(name="operations"))
    _totp_device_confirmed(user)
    return user


def _log_in(page, user, password, secret):
    import pyotp

    page.goto("/auth/login/")
    form = page.locator(LOGIN_FORM)
    form.locator("input[name=username]").fill(user.username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    if "/auth/mfa/verify/" in page.url:
        page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
        with page.expect_navigation():
            page.locator("form:has(input[name=code]) [type=submit]").click()
    assert "/auth/" not in page.url, f"log-in failed: {page.url}"


def _fits(page):
    assert page.evaluate(NOT_WIDER), f"{page.url} is wider than the screen"


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("en", "desktop"), ("en", "phone"), ("zh-hans", "desktop"), ("zh-hans", "phone")],
    indirect=True,
)
def test_an_operator_proposes_a_resolution_and_a_checker_approves_it(
    dropped_top_up, checker, staff_page, browser, live_server, locale, viewport,
    staff_password, staff_totp_secret,
):  # fmt: skip
    from hujin.payments.models import Break
    from tests.browser.conftest import LOCALES

    words = WORDS[locale]
    maker = staff_page
    maker.goto("/payments/reconciliation/")
    _fits(maker)
    with maker.expect_navigation():
        maker.get_by_test_id("reconciliation-runs").locator("a").first.click()
    assert maker.get_by_test_id("balance-statement").is_visible()
    _fits(maker)
    maker.goto("/payments/reconciliation/breaks/")
    assert words["queue"] in maker.locator("h1").inner_text()
    _fits(maker)
    rows = maker.get_by_test_id("break-rows")
    rows.get_by_role("link", name=words["kind"]).click()
    maker.wait_for_url(f"**/payments/reconciliation/{dropped_top_up.id}/")
    _fits(maker)
    form = maker.get_by_test_id("propose-form")
    assert form.locator("input[name=amount]").input_value() == "250.00"
    form.locator("input[value=wallet_debit]").check()
    form.locator("textarea[name=note]").fill("Not on the bank's file; customer told")
    with maker.expect_navigation():
        form.locator("[type=submit]").click()
    assert words["proposed"] in maker.locator("#messages").inner_text()
    assert words["waiting"] in maker.get_by_test_id("break-details").inner_text()

    browser_locale, accept_language = LOCALES[locale]
    context = browser.new_context(
        base_url=live_server.url, viewport=maker.viewport_size, locale=browser_locale,
        extra_http_headers={"Accept-Language": accept_language},
    )  # fmt: skip
    try:
        other = context.new_page()
        _log_in(other, checker, staff_password, staff_totp_secret)
        other.goto(f"/payments/reconciliation/{dropped_top_up.id}/")
        with other.expect_navigation():
            other.get_by_test_id("approval-link").click()
        _fits(other)
        other.locator("textarea[name=reason]").fill("Bank statement checked")
        with other.expect_navigation():
            other.locator("button[name=decision][value=approve]").click()
        assert words["approved"] in other.locator("#messages").inner_text()
        other.goto(f"/payments/reconciliation/{dropped_top_up.id}/")
        assert words["resolved"] in other.get_by_test_id("break-details").inner_text()
        _fits(other)
    finally:
        context.close()

    item = Break.objects.get()
    assert (item.status, item.resolution) == ("resolved", "corrected")
