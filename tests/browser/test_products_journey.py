"""In a browser (Debian's Chromium, a 390 px phone, English and Chinese): a product manager
creates a money-market fund and submits it, a compliance officer approves it against the
checklist, the manager puts it on sale, and a customer finds it in the portal. Every page fits
the phone's width."""

import pytest

from tests.browser.test_payments_journey import _fits
from tests.browser.test_screens import _signed_in
from tests.products.conftest import documents_dir  # noqa: F401 -- documents in a temporary dir
from tests.products.factories import PDF

pytestmark = pytest.mark.browser


def _staff(role: str, username: str):
    from django.contrib.auth.models import Group

    from hujin.identity.models import User

    user = User.objects.create(username=username, kind=User.Kind.STAFF, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{selector} [type=submit]").first.click()
    _fits(page)


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_product_goes_from_draft_to_the_portal(
    page, live_server, transactional_db, tmp_path, customer_user, locale
):
    from hujin.products.models import Product

    pm = _staff("product_manager", "pm-browser")
    reviewer = _staff("compliance_officer", "compliance-browser")
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(PDF)

    # The product manager makes the draft, attaches its documents and submits it.
    _signed_in(page, live_server, pm, mfa_verified=True)
    page.goto("/products/console/new/mmf/")
    _fits(page)
    form = page.locator("[data-testid=product-form]")
    for name, value in {
        "code": "HJ-MMF-09",
        "name_zh": "互金零钱通",
        "name_en": "Hujin Pocket",
        "issuer": "互金基金",
        "min_amount": "0.01",
        "increment": "0.01",
    }.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=risk_level]").select_option("R1")
    _submit(page, "[data-testid=product-form]")
    product = Product.objects.get(code="HJ-MMF-09")
    assert page.url.endswith(f"/products/console/{product.id}/")
    for kind in ("prospectus", "risk_disclosure", "contract"):
        upload = page.locator("[data-testid=document-form]")
        upload.locator("[name=kind]").select_option(kind)
        upload.locator("[name=file]").set_input_files(str(pdf))
        _submit(page, "[data-testid=document-form]")
    assert page.locator("[data-testid=documents] li").count() == 3
    _submit(page, "[data-testid=submit-form]")
    assert page.locator("[data-testid=submit-form]").count() == 0

    # Compliance reviews it from the queue, ticks every item and approves.
    _signed_in(page, live_server, reviewer, mfa_verified=True)
    page.goto("/products/console/admission/")
    _fits(page)
    with page.expect_navigation():
        page.locator("[data-product='HJ-MMF-09'] a.button").click()
    _fits(page)
    for box in page.locator("[data-testid=approve-form] input[type=checkbox]").all():
        box.check()
    page.locator("[data-testid=approve-form] [name=note_fees_disclosed]").fill("No fees")
    _submit(page, "[data-testid=approve-form]")
    assert page.locator("[data-product='HJ-MMF-09']").count() == 0
    product.refresh_from_db()
    assert product.state == "approved"

    # The product manager puts it on sale today.
    _signed_in(page, live_server, pm, mfa_verified=True)
    page.goto(f"/products/console/{product.id}/")
    _submit(page, "[data-testid=on-sale-form]")
    product.refresh_from_db()
    assert product.state == "on_sale"

    # The customer finds it in the portal, in their language, and opens it: "Buy" (wealth's).
    _signed_in(page, live_server, customer_user, mfa_verified=False)
    page.goto("/products/")
    _fits(page)
    name = "互金零钱通" if locale == "zh-hans" else "Hujin Pocket"
    card = page.locator("[data-testid=portal-products] li", has_text=name)
    assert card.count() == 1
    with page.expect_navigation():
        card.locator("a").first.click()
    _fits(page)
    assert page.locator("[data-testid=risk-explained]").count() == 1
    assert page.locator("[data-testid=documents] a").count() == 3
    buy = page.locator("[data-testid=product-actions] [data-action='wealth.buy']")
    assert buy.inner_text() == ("购买" if locale == "zh-hans" else "Buy")
