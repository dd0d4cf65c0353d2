"""The main pages on a desktop and a phone, in English and in Chinese, over the demo's data: each
answers, and none is wider than the screen (a table scrolls inside its own box instead).

Set HUJIN_SCREENSHOTS=<directory> to keep a full-page screenshot of every page there, named
``<locale>-<viewport>-<page>.png``, for people to look at.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.browser

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
COMBINATIONS = [
    ("en", "desktop"),
    ("en", "phone"),
    ("zh-hans", "desktop"),
    ("zh-hans", "phone"),
]
STAFF_PAGES = [
    ("console-home", "/"),
    ("customers", "/customers/"),
    ("kyc-queue", "/customers/kyc/"),
    ("ledger-accounts", "/ledger/accounts/"),
    ("ledger-transfers", "/ledger/transfers/"),
    ("trial-balance", "/ledger/trial-balance/"),
    ("approvals", "/compliance/approvals/"),
    ("audit", "/compliance/audit/"),
    ("events", "/compliance/events/"),
    ("privacy-requests", "/privacy/requests/"),
    ("questionnaires", "/suitability/"),
    ("staff", "/auth/staff/"),
    ("api-keys", "/auth/api-keys/"),
    ("sandbox-codes", "/payments/dev/codes/"),
    ("payment-monitor", "/payments/monitor/"),
    ("payments-list", "/payments/monitor/list/"),
    ("limits-and-fees", "/payments/rules/"),
    ("withdrawal-fee", "/payments/rules/fees/withdrawal/"),
    ("payments-held-for-review", "/payments/review/"),
    ("payment-channels", "/payments/channels/"),
    ("payment-channel", "/payments/channels/sandbox/"),
    ("products", "/products/console/"),
    ("product-admission", "/products/console/admission/"),
    ("loan-products", "/lending/console/products/"),
    ("loan-applications", "/lending/console/applications/"),
    ("loans", "/lending/console/loans/"),
    ("loan-collections", "/lending/console/collections/"),
    ("score-models", "/lending/console/models/"),
    ("loan-portfolio", "/lending/console/portfolio/"),
    ("lending-funds", "/lending/console/funding/"),
]
CUSTOMER_PAGES = [
    ("portal-home", "/me/"),
    ("portal-me", "/me/account/"),
    ("verification", "/me/status/"),
    ("consents", "/privacy/consents/"),
    ("my-data", "/privacy/my-data/"),
    ("login-devices", "/auth/sessions/"),
    ("messages", "/notifications/"),
    ("bank-cards", "/payments/cards/"),
    ("bind-card", "/payments/cards/bind/"),
    ("transfer", "/payments/transfer/"),
    ("top-up", "/payments/top-up/"),
    ("message-settings", "/notifications/settings/"),
    ("product-list", "/products/"),
    ("suggested-portfolio", "/wealth/advice/"),
    ("portal-loans", "/lending/"),
    ("portal-loan-products", "/lending/products/"),
    ("portal-loan-applications", "/lending/applications/"),
]
PUBLIC_PAGES = [
    ("customer-sign-in", "/auth/signin/"),
    ("sign-up", "/auth/signup/"),
    ("staff-log-in", "/auth/login/"),
    ("not-found", "/no/such/page/"),
]
# How wide the page may be beyond the viewport: none (a pixel for rounding).
OVERFLOW_TOLERANCE_PX = 1
WIDEST = r"""() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && !element.closest('.table-scroll')) {
      const classes = String(element.className || '').trim().split(/\s+/).join('.');
      wide.push(element.tagName.toLowerCase() + (classes ? '.' + classes : ''));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 5)};
}"""


def _detail_pages() -> list[tuple[str, str]]:
    from hujin.core.models import ApprovalRequest
    from hujin.customers.models import Customer
    from hujin.ledger.models import Account, Transfer

    wallet = Account.objects.filter(owner_ref__startswith="customer:").order_by("code").first()
    # One of each kind the pages show differently, the same on every database.
    transfers = {
        kind: Transfer.objects.filter(kind=kind).order_by("id").first()
        for kind in ("single", "pending", "post_pending", "void_pending")
    }
    customer = Customer.objects.order_by("created_at").first()
    approval = ApprovalRequest.objects.order_by("requested_at").first()
    return [
        ("account-detail", f"/ledger/accounts/{wallet.id}/"),
        *(
            (f"transfer-detail-{kind}", f"/ledger/transfers/{transfer.id}/")
            for kind, transfer in transfers.items()
            if transfer is not None
        ),
        ("customer-detail", f"/customers/{customer.id}/"),
        ("approval-detail", f"/compliance/approvals/{approval.id}/"),
        *((f"product-{kind}", f"/products/console/{pid}/") for kind, pid in _products()),
    ]


def _products() -> list[tuple[str, str]]:
    """One product of each kind (the demo's first by code)."""
    from hujin.core.dates import business_date_get
    from hujin.products.selectors import products_on_sale

    first = {}
    for product in sorted(products_on_sale(on=business_date_get()), key=lambda p: p.code):
        first.setdefault(product.kind, product.id)
    return sorted(first.items())


def _signed_in(page, live_server, user, *, mfa_verified: bool) -> None:
    """Give the browser the session cookie of a Django client logged in as ``user``."""
    from hujin.identity.access import MFA_VERIFIED_SESSION_KEY

    client = Client()
    client.force_login(user)
    if mfa_verified:
        session = client.session
        session[MFA_VERIFIED_SESSION_KEY] = True
        session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _visit(page, name: str, path: str, *, locale: str, viewport_name: str) -> list[str]:
    """Open ``path``; the problems found there (none when it is fine)."""
    response = page.goto(path)
    problems = []
    expected = 404 if name == "not-found" else 200
    if response is None or response.status != expected:
        problems.append(f"{name} {path}: status {response and response.status}")
    measured = page.evaluate(WIDEST)
    if measured["scroll"] > measured["width"] + OVERFLOW_TOLERANCE_PX:
        problems.append(
            f"{name} {path}: {measured['scroll']} px wide on a {measured['width']} px screen; "
            f"too wide: {measured['wide']}"
        )
    directory = os.environ.get("HUJIN_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        target = Path(directory) / f"{locale}-{viewport_name}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
    return problems


@pytest.fixture
def demo(transactional_db):
    from hujin.demo.loader import demo_load
    from tests.browser.test_journey_onboarding import _seed_reference_data

    _seed_reference_data()
    demo_load(now=NOW)


@pytest.mark.parametrize(
    ("locale", "viewport"), COMBINATIONS, indirect=True, ids=[f"{a}-{b}" for a, b in COMBINATIONS]
)
def test_the_main_pages_answer_and_fit_the_screen(page, live_server, demo, locale, viewport):
    from hujin.identity.models import User

    viewport_name = "phone" if viewport["width"] < 500 else "desktop"
    problems = []
    for name, path in PUBLIC_PAGES:
        problems += _visit(page, name, path, locale=locale, viewport_name=viewport_name)

    _signed_in(page, live_server, User.objects.get(username="admin"), mfa_verified=True)
    for name, path in STAFF_PAGES + _detail_pages():
        problems += _visit(page, name, path, locale=locale, viewport_name=viewport_name)

    from hujin.identity.selectors import user_id_for_mobile

    customer = User.objects.get(id=user_id_for_mobile(mobile="+8613800138001"))
    _signed_in(page, live_server, customer, mfa_verified=False)
    portal_products = [(f"portal-product-{k}", f"/products/{pid}/") for k, pid in _products()]
    for name, path in CUSTOMER_PAGES + portal_products:
        problems += _visit(page, name, path, locale=locale, viewport_name=viewport_name)

    assert not problems, "\n".join(problems)
