"""A verified demo customer's money journey on a phone, in English and in Chinese:

sign in → bind a second bank card (the sandbox bank's code, fixed as the card tests fix it) →
top up ¥100 from it (the sandbox bank calls back: the test runs its due callbacks, then the
payment's page says it succeeded) → transfer ¥20 to another demo customer by mobile number,
after the confirmation page shows the payee's masked name → withdraw ¥30 to the card (called
back likewise) → the wallet on the home page holds what those imply. No page is wider than the
phone. The amounts stay small: a large one needs an extra SMS confirmation.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from hujin.demo.payments import CARD_BODIES, luhn_completed
from tests.browser.conftest import LOGIN_FORM
from tests.browser.test_screens import OVERFLOW_TOLERANCE_PX, WIDEST

# The demo's story is told up to today: the live server's clock is the wall clock, so a fixed
# date would let the demo's withdrawal "still at the bank" (answered after three days) settle
# in the middle of a journey once three days had passed.
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
CODE = "246810"
PAYER_MOBILE = "13800138001"  # 张伟, open, a wallet with history and a card
PAYEE_MOBILE = "13800138002"  # 李娜, open
DEMO_CARD = luhn_completed(CARD_BODIES["+86" + PAYER_MOBILE])  # 张伟's card, bound by the demo
# A China Merchants Bank debit card (BIN 622588) of 张伟's that the demo has not bound.
NEW_CARD_BODY = "622588100987654321"
TEXTS = {
    "en": {"bound": "is bound", "succeeded": "Succeeded", "confirm": "Confirm the transfer"},
    "zh-hans": {"bound": "已绑定", "succeeded": "成功", "confirm": "确认转账"},
}


@pytest.fixture
def demo(transactional_db, settings):
    from hujin.demo.loader import demo_load
    from tests.browser.test_journey_onboarding import _seed_reference_data

    _seed_reference_data()
    demo_load(now=NOW)
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE}
    settings.HUJIN_PAYMENTS_CHANNEL = ""


def _fits(page) -> None:
    measured = page.evaluate(WIDEST)
    assert measured["scroll"] <= measured["width"] + OVERFLOW_TOLERANCE_PX, (
        f"{page.url}: {measured['scroll']} px wide on {measured['width']} px: {measured['wide']}"
    )


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()
    _fits(page)


def _yuan_minor(text: str) -> int:
    """An amount as shown ("¥1,234.50", "−¥12.00") in fen."""
    digits = re.sub(r"[^0-9.−-]", "", text)
    sign = -1 if digits.startswith(("−", "-")) else 1
    whole, _, cents = digits.lstrip("−-").partition(".")
    return sign * (int(whole) * 100 + int((cents + "00")[:2]))


def _wallet_minor(page) -> int:
    page.goto("/me/")
    _fits(page)
    return _yuan_minor(page.locator("[data-testid=wallet-balance]").inner_text())


def _sign_in(page) -> None:
    from hujin.demo.customers import PASSWORD

    page.goto("/auth/signin/")
    form = page.locator(LOGIN_FORM)
    form.locator("input[name=mobile]").fill(PAYER_MOBILE)
    form.locator("input[name=password]").fill(PASSWORD)
    _submit(page, LOGIN_FORM)
    assert "/me/" in page.url, f"the customer's sign-in did not land on the portal: {page.url}"


def _bind_card(page, texts) -> str:
    from hujin.demo.payments import luhn_completed

    number = luhn_completed(NEW_CARD_BODY)
    page.goto("/payments/cards/bind/")
    _fits(page)
    page.locator("#id_number").fill(number)
    page.locator("#id_reserved_mobile").fill(PAYER_MOBILE)
    _submit(page, "form:has(#id_number)")
    assert "/verify/" in page.url
    page.locator("#id_code").fill(CODE)
    _submit(page, "form:has(#id_code)")
    assert page.url.endswith("/payments/cards/")
    assert texts["bound"] in page.locator("#messages").inner_text()
    last4 = number[-4:]
    assert last4 in page.content()
    return last4


def _settled_by_the_bank(page, texts) -> None:
    """The payment's page waits for the bank; the sandbox bank's due callbacks run (what its
    task does every minute), and the page, shown again, says it succeeded."""
    from hujin.payments.channels.sandbox import sandbox_callbacks_run

    assert page.locator("[data-status=pending]").count() == 1
    assert sandbox_callbacks_run(now=timezone.now()) >= 1
    page.reload()
    _fits(page)
    assert page.locator("[data-status=succeeded]").count() == 1
    assert texts["succeeded"] in page.locator("main").inner_text()


def _pay_with_card(page, path: str, amount: str, last4: str) -> None:
    page.goto(path)
    _fits(page)
    page.locator("#id_amount").fill(amount)
    page.locator("label.choice", has_text=last4).locator("input[type=radio]").check()
    _submit(page, "form:has(#id_amount)")
    # the confirmation page: the card, the amount, the fee and the total, nothing moved yet
    facts = page.locator("dl.facts").inner_text()
    assert last4 in facts and f"¥{amount}.00" in facts
    _submit(page, "form:has([name=step][value=send])")
    assert re.search(r"/payments/[0-9a-f-]{36}/$", page.url), page.url


def _transfer(page, texts) -> None:
    page.goto("/payments/transfer/")
    _fits(page)
    page.locator("#id_mobile").fill(PAYEE_MOBILE)
    page.locator("#id_amount").fill("20")
    _submit(page, "form:has(#id_mobile)")
    assert texts["confirm"] in page.locator("h1").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert "李*" in facts and "李娜" not in facts and "¥20.00" in facts
    _submit(page, "form:has([name=key])")
    assert re.search(r"/payments/[0-9a-f-]{36}/$", page.url), page.url
    assert page.locator("[data-status=succeeded]").count() == 1


def _fee_minor(page) -> int:
    facts = page.locator("dl.facts").inner_text()
    fee = re.search(r"(?:Fee|手续费)\s*([−-]?¥[0-9,]+\.\d\d)", facts)
    return _yuan_minor(fee.group(1)) if fee else 0


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
def test_bind_a_card_top_up_transfer_and_withdraw(page, live_server, demo, locale):
    texts = TEXTS[locale]
    _sign_in(page)
    before = _wallet_minor(page)

    last4 = _bind_card(page, texts)
    _pay_with_card(page, "/payments/top-up/", "100", last4)
    _settled_by_the_bank(page, texts)
    _transfer(page, texts)
    # to the card bound before today: one bound and cashed out to on the same day is held for
    # review (the shipped rule CARD-BOUND-AND-USED, in force in the demo)
    _pay_with_card(page, "/payments/withdraw/", "30", DEMO_CARD[-4:])
    withdrawal_fee = _fee_minor(page)
    _settled_by_the_bank(page, texts)

    assert _wallet_minor(page) == before + 100_00 - 20_00 - 30_00 - withdrawal_fee
