"""The onboarding journey on a phone, in English and in Chinese:

sign-up with a mobile number (agreeing to the documents) and an SMS code, whose "send a new code"
button counts down → password → real-name verification form → a compliance officer approves it
in the console (password + TOTP) → risk questionnaire → agreements → the home shows the open
wallet with ¥0.00, and its eye hides the amounts (remembered across pages).
"""

from datetime import UTC, datetime

import pyotp
import pytest
from django.apps import apps as django_apps

from tests.browser.conftest import DEFAULT_TIMEOUT_MS, LOGIN_FORM, VIEWPORTS
from tests.customers.conftest import resident_id

OFFICER_PASSWORD = "officer-journey-passphrase-42"
OFFICER_TOTP = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
CUSTOMER_PASSWORD = "Lantern-Orbit-4821-quietly"
TEXTS = {
    "en": {"verify": "Verify your identity", "review": "Under review", "again": "Send again in"},
    "zh-hans": {"verify": "实名认证", "review": "审核中", "again": "秒后可重新发送"},
}


def _seed_reference_data() -> None:
    """Questionnaire v1 and the consent documents come from data migrations; a transactional
    test before this one may have flushed them."""
    from hujin.privacy.migrations import _seed_documents
    from hujin.suitability.migrations import _seed_v1

    if not django_apps.get_model("privacy", "ConsentDocument").objects.exists():
        _seed_documents.seed(django_apps, None)
    if not django_apps.get_model("suitability", "Questionnaire").objects.exists():
        _seed_v1.seed(django_apps, None)


def _compliance_officer():
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from hujin.identity.mfa.models import TotpDevice
    from hujin.identity.models import User

    user = User.objects.create(
        username="officer-journey",
        password=make_password(OFFICER_PASSWORD),
        kind=User.Kind.STAFF,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="compliance_officer"))
    enrolled = datetime(2025, 1, 2, tzinfo=UTC)
    TotpDevice.objects.create(
        user=user, secret=OFFICER_TOTP, created_at=enrolled, confirmed_at=enrolled
    )
    return user


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()


def _sign_up(page, mobile_national: str, texts: dict) -> None:
    from hujin.identity.sms import dev_sms_code

    page.goto("/auth/signup/")
    page.locator("input[name=mobile]").fill(mobile_national)
    page.locator("input[name=terms]").check()
    _submit(page, "form:has(input[name=mobile])")
    assert "/auth/signup/verify/" in page.url
    resend = page.locator("[data-resend-wait]")
    assert resend.is_disabled() and texts["again"] in resend.inner_text()
    code = dev_sms_code(mobile_e164=f"+86{mobile_national}", purpose="signup")
    assert code, "the development SMS outbox has no sign-up code"
    page.locator("input[name=code]").fill(code)
    _submit(page, "form:has(input[name=code])")
    assert "/auth/signup/password/" in page.url
    page.locator("input[name=password1]").fill(CUSTOMER_PASSWORD)
    page.locator("input[name=password2]").fill(CUSTOMER_PASSWORD)
    _submit(page, "form:has(input[name=password1])")
    assert page.url.endswith("/me/"), f"sign-up did not land on the portal: {page.url}"


def _verify_identity(page, texts: dict) -> None:
    assert texts["verify"] in page.content()
    with page.expect_navigation():
        page.locator('a[href="/me/verify/"]').first.click()
    page.locator("#id_legal_name").fill("林小雨")
    page.locator("#id_document_type").select_option("resident_id")
    page.locator("#id_document_number").fill(resident_id("350102", "19960214", "527"))
    _submit(page, "form:has(#id_document_number)")
    assert page.url.endswith("/me/")
    assert texts["review"] in page.locator(".steps").inner_text()


def _officer_approves(browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/auth/login/")
        form = page.locator(LOGIN_FORM)
        form.locator("input[name=username]").fill("officer-journey")
        form.locator("input[name=password]").fill(OFFICER_PASSWORD)
        with page.expect_navigation():
            form.locator("[type=submit]").click()
        page.locator("input[name=code]").fill(pyotp.TOTP(OFFICER_TOTP).now())
        _submit(page, "form:has(input[name=code])")
        assert "/auth/" not in page.url, f"officer log-in failed: {page.url}"
        page.goto("/customers/kyc/")
        with page.expect_navigation():
            page.locator("table a[href^='/customers/kyc/']").first.click()
        assert "350102" in page.content()  # the officer may see the full number
        page.locator("input[name=decision][value=approve]").check()
        _submit(page, "form:has(input[name=decision])")
        assert page.url.endswith("/customers/kyc/")
    finally:
        context.close()


def _questionnaire(page) -> None:
    page.goto("/suitability/questionnaire/")
    for fieldset in page.locator("form.questionnaire fieldset").all():
        fieldset.locator("input[type=radio]").nth(1).check()
    _submit(page, "form.questionnaire")
    assert "/suitability/results/" in page.url


def _consents(page) -> None:
    page.goto("/privacy/consents/")
    accept = 'form[action="/privacy/consents/accept/"]'
    while page.locator(accept).count():
        _submit(page, accept)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize(
    ("locale", "mobile"), [("en", "13800138100"), ("zh-hans", "13800138200")], indirect=["locale"]
)
def test_sign_up_verify_questionnaire_consent_and_the_wallet_opens(
    page, browser, live_server, locale, mobile
):
    _seed_reference_data()
    _compliance_officer()
    texts = TEXTS[locale]

    _sign_up(page, mobile, texts)
    _verify_identity(page, texts)
    _officer_approves(browser, live_server.url)
    _questionnaire(page)
    _consents(page)

    page.goto("/me/")
    assert page.locator("[data-testid=wallet-balance]").inner_text() == "¥0.00"
    assert page.locator("[data-testid=wallet-state] [data-status=open]").count() == 1
    assert page.locator(".steps").count() == 0  # onboarding is over: the overview replaces it
    eye = page.locator("[data-amounts-toggle]")
    eye.click()
    assert eye.get_attribute("aria-pressed") == "true"
    assert page.locator("[data-testid=wallet-balance]").inner_text() == "****"
    page.reload()
    assert page.locator("[data-testid=wallet-balance]").inner_text() == "****"
    page.locator("[data-amounts-toggle]").click()
    assert page.locator("[data-testid=wallet-balance]").inner_text() == "¥0.00"
