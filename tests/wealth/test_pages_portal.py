"""The customer's wealth pages, through the Django test client: the asset overview, buying
(the suitability decision in plain words, the documents, the fee, one order per key, a refusal
shown with nothing changed), cancelling within the cooling-off, redeeming, the orders and the
earnings statement; in English and in Chinese; for customers only.

The pages read the wall clock, so the assessments are made at it; the business date is the
products tests' TODAY (the first one set), which the orders are traded on."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.dates import business_date_set
from hujin.wealth.models import DocumentsAcknowledgement, Order
from tests.products.factories import TODAY, mmf_draft
from tests.products.factories import on_sale as put_on_sale
from tests.wealth.conftest import CHECKER, MAKER
from tests.wealth.orders_helpers import D, funded_wallet, income, units_of, wallet, wealth_cob

pytestmark = pytest.mark.django_db
FUNDS = 50_000_00
LANGUAGES = ["en", "zh-hans"]


@pytest.fixture
def mmf(db, now, documents_dir):
    from hujin.core.dates import business_date_get

    business_date_get(now=now)
    return put_on_sale(MAKER, CHECKER, mmf_draft(min_amount_minor=100_00), now)


@pytest.fixture
def cooling_mmf(db, now, documents_dir):
    """A money-market fund sold with a 24-hour cooling-off (as a private product would be)."""
    from hujin.core.dates import business_date_get

    business_date_get(now=now)
    draft = mmf_draft(
        code="HJ-MMF-24", name_zh="互金冷静宝", name_en="Hujin Calm", cooling_off=True
    )
    return put_on_sale(MAKER, CHECKER, draft, now)


@pytest.fixture
def customer(make_customer, assessed, now):
    """A verified customer assessed C3 (at the wall clock: the pages read it) with ¥50,000."""
    user = make_customer()
    assessed(user, "C3", at=timezone.now())
    user.wallet_id = funded_wallet(user, FUNDS, now)
    return user


def _client(user, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def _form_key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def _buy(client, product, amount: str, *, key: str | None = None, acknowledged=True):
    page = client.get(f"/wealth/buy/{product.id}/")
    data = {"amount": amount, "key": key or _form_key(page.content.decode())}
    if acknowledged:
        data["acknowledged"] = "on"
    return client.post(f"/wealth/buy/{product.id}/", data)


def _holding(customer, mmf, now, amount="1000"):
    """Buy through the page, then the close of business confirms it and the next day's
    income is paid; the business date moves on so "yesterday" is the income's day."""
    client = _client(customer)
    assert _buy(client, mmf, amount).status_code == 302
    wealth_cob(TODAY, now)
    income(mmf, TODAY + D, now, "0.6000")
    wealth_cob(TODAY + D, now + D)
    business_date_set(to_date=TODAY + 2 * D, actor=system_actor("test"), now=now + 2 * D)
    return client


class TestTheOverview:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_a_customer_who_holds_nothing_is_pointed_to_the_products(self, customer, mmf, language):
        page = _client(customer, language).get("/wealth/")

        text = page.content.decode()
        assert page.status_code == 200
        assert "/products/" in text and "/wealth/advice/" in text
        assert ("¥50,000.00" in text) and 'data-testid="holdings"' not in text
        assert ("总资产" in text) == (language == "zh-hans")

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_it_shows_the_holding_and_yesterdays_and_cumulative_earnings(
        self, customer, mmf, now, language
    ):
        _holding(customer, mmf, now)

        page = _client(customer, language).get("/wealth/")

        text = page.content.decode()
        assert page.status_code == 200
        # 100,000 units earn 0.6 per 10,000: ¥0.06.
        assert units_of(customer, mmf)["units"] == 1000_00 + 6
        name = "互金现金宝" if language == "zh-hans" else "Hujin Cash"
        assert name in text and 'data-testid="kind-split"' in text
        assert re.search(r'data-testid="yesterday-earnings">.*?\+¥0\.06', text, re.S)
        assert re.search(r'data-testid="cumulative-earnings">.*?\+¥0\.06', text, re.S)
        assert "earn-up" in text and "HJ-MMF-01" not in re.sub(r'data-product="[^"]*"', "", text)
        assert ("货币基金" in text or "货币市场基金" in text) == (language == "zh-hans")

    def test_it_is_the_portals_wealth_tab(self, customer, mmf):
        text = _client(customer, "zh-hans").get("/wealth/").content.decode()

        assert re.search(r'<a[^>]*href="/wealth/"[^>]*aria-current="page"', text)
        assert "理财" in text


class TestBuying:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_page_says_the_suitability_decision_and_lists_the_documents(
        self, customer, mmf, language
    ):
        page = _client(customer, language).get(f"/wealth/buy/{mmf.id}/")

        text = page.content.decode()
        assert page.status_code == 200
        assert 'data-outcome="allowed"' in text
        assert text.count("/products/documents/") == 3 or text.count('href="/products/') >= 3
        assert 'name="acknowledged"' in text and re.search(r'name="key" value="[0-9a-f]{32}"', text)

    def test_a_purchase_is_placed_once_for_one_key(self, customer, mmf):
        client = _client(customer)
        page = client.get(f"/wealth/buy/{mmf.id}/")
        key = _form_key(page.content.decode())

        first = _buy(client, mmf, "1,000.00", key=key)
        again = _buy(client, mmf, "1,000.00", key=key)

        [order] = Order.objects.filter(customer__user=customer)
        assert first.status_code == again.status_code == 302
        assert first["Location"] == again["Location"] == f"/wealth/orders/{order.id}/"
        assert order.amount_minor == 1000_00
        # The documents were acknowledged with the order, and that acknowledgement used by it.
        assert DocumentsAcknowledgement.objects.filter(used_at__isnull=False).count() == 1
        assert wallet(customer.wallet_id) == {"balance": FUNDS, "held": 1000_00}
        shown = client.get(first["Location"]).content.decode()
        assert "¥1,000.00" in shown and 'data-testid="timeline"' in shown

    def test_too_small_an_amount_is_refused_next_to_it_and_nothing_changes(self, customer, mmf):
        client = _client(customer)

        page = _buy(client, mmf, "50")

        text = page.content.decode()
        assert page.status_code == 400
        assert re.search(r'data-testid="amount-error"><li>[^<]+</li>', text)
        assert "minimum" in text
        assert not Order.objects.exists() and not DocumentsAcknowledgement.objects.exists()
        assert wallet(customer.wallet_id) == {"balance": FUNDS, "held": 0}

    def test_the_documents_must_be_acknowledged(self, customer, mmf):
        page = _buy(_client(customer), mmf, "1000", acknowledged=False)

        assert page.status_code == 400
        assert 'data-testid="documents-error"' in page.content.decode()
        assert not Order.objects.exists()

    def test_a_product_above_the_customers_level_is_refused_in_plain_words(
        self, make_customer, assessed, make_product
    ):
        user = make_customer()
        assessed(user, "C1", at=timezone.now())
        fund = make_product("R4")

        page = _client(user).get(f"/wealth/buy/{fund.id}/")

        text = page.content.decode()
        assert 'data-outcome="refused"' in text and "/suitability/questionnaire/" in text
        assert 'name="amount"' not in text

    def test_under_the_confirm_policy_the_warning_is_confirmed_before_buying(
        self, make_customer, assessed, make_product, settings
    ):
        settings.HUJIN_WEALTH_SUITABILITY_POLICY = "confirm"
        user = make_customer()
        assessed(user, "C3", at=timezone.now())
        fund = make_product("R4")
        client = _client(user)

        page = client.get(f"/wealth/buy/{fund.id}/").content.decode()
        assert 'data-outcome="warning_required"' in page and 'name="amount"' not in page
        digest = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', page).group(1)

        confirmed = client.post(f"/wealth/buy/{fund.id}/warning/", {"text_sha256": digest})

        assert confirmed.status_code == 302
        after = client.get(confirmed["Location"]).content.decode()
        assert 'data-outcome="allowed"' in after and 'name="amount"' in after

    def test_the_fee_is_shown_before_confirming(self, customer, make_product):
        fund = make_product("R3")

        fragment = _client(customer).get(f"/wealth/buy/{fund.id}/fee/", {"amount": "1015"})

        # 1.5 %, charged out of the amount: net = 1015 / 1.015 = 1000.00, fee 15.00.
        text = fragment.content.decode()
        assert "¥15.00" in text and "¥1,000.00" in text

    def test_a_product_not_on_sale_cannot_be_bought(self, customer, make_product):
        draft = make_product("R1", on_sale=False)

        page = _client(customer).get(f"/wealth/buy/{draft.id}/")

        assert page.status_code == 404 and "/products/" in page.content.decode()

    def test_the_products_page_offers_buy(self, customer, mmf):
        text = _client(customer).get(f"/products/{mmf.id}/").content.decode()

        assert f'href="/wealth/buy/{mmf.id}/"' in text


class TestCancelling:
    def test_within_the_cooling_off_the_order_is_cancelled_after_a_confirmation(
        self, customer, cooling_mmf
    ):
        client = _client(customer)
        placed = _buy(client, cooling_mmf, "2000")
        order = Order.objects.get()
        overview = client.get("/wealth/").content.decode()
        assert 'data-testid="cancel-countdown"' in overview
        assert re.search(r"within 23 hours 5\d minutes|within 1 day", overview)
        assert f'action="/wealth/orders/{order.id}/cancel/"' in overview

        asked = client.post(f"/wealth/orders/{order.id}/cancel/")
        assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
        assert Order.objects.get().state == "submitted"

        done = client.post(f"/wealth/orders/{order.id}/cancel/", {"confirmed": "yes"})

        assert placed.status_code == done.status_code == 302
        assert Order.objects.get().state == "cancelled"
        assert wallet(customer.wallet_id) == {"balance": FUNDS, "held": 0}
        assert 'data-testid="cancel-button"' not in client.get(done["Location"]).content.decode()

    def test_an_order_without_a_cooling_off_has_no_cancel_button(self, customer, mmf):
        client = _client(customer)
        _buy(client, mmf, "2000")
        order = Order.objects.get()

        text = client.get(f"/wealth/orders/{order.id}/").content.decode()

        assert 'data-testid="cancel-button"' not in text
        assert (
            client.post(f"/wealth/orders/{order.id}/cancel/", {"confirmed": "yes"}).status_code
            == 302
        )
        assert Order.objects.get().state == "submitted"


class TestRedeeming:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_estimate_and_a_fast_redemption(self, customer, mmf, now, language):
        client = _holding(customer, mmf, now)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

        page = client.get(f"/wealth/redeem/{mmf.id}/", {"units": "all"}).content.decode()
        assert 'value="1000.06"' in page and 'data-testid="redeem-quote"' in page
        assert "¥1,000.06" in page
        estimate = client.get(f"/wealth/redeem/{mmf.id}/quote/", {"units": "100"})
        assert "¥100.00" in estimate.content.decode()

        done = client.post(f"/wealth/redeem/{mmf.id}/", {"units": "100", "fast": "on",
                                                          "key": "fast-1"})  # fmt: skip

        assert done.status_code == 302
        assert units_of(customer, mmf)["units"] == 900_06
        assert wallet(customer.wallet_id)["balance"] == FUNDS - 1000_00 + 100_00

    def test_more_units_than_held_are_refused_next_to_the_units(self, customer, mmf, now):
        client = _holding(customer, mmf, now)

        page = client.post(f"/wealth/redeem/{mmf.id}/", {"units": "5000", "key": "k"})

        assert page.status_code == 400 and 'data-testid="units-error"' in page.content.decode()
        assert Order.objects.filter(kind="redeem").count() == 0


class TestOrdersAndEarnings:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_orders_list_filters_by_state(self, customer, mmf, language):
        client = _client(customer, language)
        _buy(client, mmf, "1000")

        everything = client.get("/wealth/orders/").content.decode()
        confirmed = client.get("/wealth/orders/", {"state": "confirmed"}).content.decode()

        assert everything.count('data-state="submitted"') == 1
        assert 'data-state="submitted"' not in confirmed

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_order_page_tells_its_progress(self, customer, mmf, now, language):
        _holding(customer, mmf, now)
        order = Order.objects.get()

        text = _client(customer, language).get(f"/wealth/orders/{order.id}/").content.decode()

        assert 'data-step="submitted"' in text and 'data-step="confirmed"' in text
        assert "1,000.00" in text

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_earnings_statement_over_a_period(self, customer, mmf, now, language):
        _holding(customer, mmf, now)
        client = _client(customer, language)

        page = client.get("/wealth/earnings/", {"start": str(TODAY), "end": str(TODAY + D)})

        text = page.content.decode()
        assert page.status_code == 200
        assert 'data-testid="earnings-chart"' in text and "<svg" in text
        assert re.search(r'data-testid="earnings-total">.*?\+¥0\.06', text, re.S)

    def test_the_earnings_default_to_this_month_so_far(self, customer, mmf, now):
        _holding(customer, mmf, now)

        text = _client(customer).get("/wealth/earnings/").content.decode()

        first = (TODAY + D).replace(day=1)
        assert f'value="{first}"' in text and f'value="{TODAY + D}"' in text


def _urls(product, order) -> list[str]:
    return [
        "/wealth/", f"/wealth/buy/{product.id}/", f"/wealth/redeem/{product.id}/",
        "/wealth/orders/", f"/wealth/orders/{order.id}/", f"/wealth/orders/{order.id}/cancel/",
        "/wealth/earnings/",
    ]  # fmt: skip


class TestWhoMayOpenThem:
    def test_anonymous_visitors_are_sent_to_the_log_in(self, customer, mmf):
        _buy(_client(customer), mmf, "1000")
        for url in _urls(mmf, Order.objects.get()):
            page = Client().get(url)
            assert page.status_code == 302 and "/auth/signin/" in page["Location"], url

    def test_staff_get_the_forbidden_page(self, customer, mmf, staff_user):
        _buy(_client(customer), mmf, "1000")
        client = Client()
        client.force_login(staff_user)
        for url in _urls(mmf, Order.objects.get()):
            assert client.get(url).status_code == 403, url

    def test_another_customers_order_is_not_found(self, customer, mmf, make_customer):
        _buy(_client(customer), mmf, "1000")
        other = _client(make_customer())

        order = Order.objects.get()

        assert other.get(f"/wealth/orders/{order.id}/").status_code == 404
        assert (
            other.post(f"/wealth/orders/{order.id}/cancel/", {"confirmed": "yes"}).status_code
            == 404
        )
        assert timezone.now() - order.submitted_at < timedelta(minutes=5)
