"""The console's "Payment channels" pages, in English and Chinese: the channels in the order
routing tries them, each one's health, banks by name, maximum and cost as people read them and
its payments today and still open; the forms only for who may change the rules; a figure that
makes no sense is said next to its field and changes nothing; a channel marked down shows as
down, with the time its cool-down ends."""

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.payments import selectors
from hujin.payments.channels.routing import COOL_DOWN, channel_mark_down
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import PaymentChannel
from hujin.payments.permissions import VIEW_PAYMENTS
from hujin.payments.services import channel_configure, topup_request
from tests.payments.money import Payer, open_wallet
from tests.payments.rules_helpers import CLERK, OPERATIONS, fund
from tests.web.test_translations_pages import english_words

URL = "/payments/channels/"
SANDBOX = "hujin.payments.channels.sandbox.SandboxChannel"
READER = Actor(kind="staff", id="cs-1", label="cs.liu", scopes=frozenset({VIEW_PAYMENTS}))


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url=URL, language="en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return _main(response)


def _row(main: str, name: str) -> str:
    row = main[main.index(f'data-channel="{name}"') :]
    return row[: row.index("</tr>")]


def _edit(**figures) -> dict:
    return {"enabled": "on", "priority": "20", "banks": ["ICBC", "CMB"], "other_banks": "",
            "max_amount": "50,000.00", "cost_rate": "0.25", "cost_fixed": "0.10",
            **figures}  # fmt: skip


@pytest.fixture
def operations(role_client):
    return role_client("operations")


@pytest.fixture
def unionpay(db, now):
    """A second channel for two banks, up to ¥50,000, at 0.25 % + ¥0.10 a payment."""
    return channel_configure(
        actor=OPERATIONS, name="unionpay", adapter=SANDBOX, priority=200, banks=["ICBC", "CMB"],
        max_amount_minor=50_000_00, cost_rate="0.0025", cost_fixed_minor=10, now=now,
    )  # fmt: skip


class TestTheTable:
    def test_shows_health_banks_maximum_and_cost_as_people_read_them(self, role_client, unionpay):
        main = _get(role_client("customer_service"))

        sandbox, second = _row(main, "sandbox"), _row(main, "unionpay")
        assert main.index('data-channel="sandbox"') < main.index('data-channel="unionpay"')
        assert "Up" in sandbox and "Every bank" in sandbox and "No cost" in sandbox
        assert "China Merchants Bank, Industrial and Commercial Bank of China" in second
        assert "¥50,000.00" in second and "0.25 % + " in second and "¥0.10" in second
        assert SANDBOX not in main  # the adapter is a technical detail of the channel's page

    def test_reads_in_chinese(self, role_client, unionpay):
        main = _get(role_client("auditor"), language="zh-hans")

        assert "支付渠道" in main and "招商银行、中国工商银行" in _row(main, "unionpay")
        assert "所有银行" in _row(main, "sandbox") and "正常" in _row(main, "sandbox")

    def test_leave_no_english_word_in_chinese_with_a_channel_down(self, operations, unionpay):
        channel_mark_down("sandbox", now=timezone.now())
        channel_configure(actor=OPERATIONS, name="unionpay", adapter=SANDBOX, banks=["ZZ9"],
                          now=timezone.now())  # fmt: skip
        pages = [URL, *(reverse("payments:channel", args=[n]) for n in ("sandbox", "unionpay"))]
        refused = operations.post(
            reverse("payments:channel", args=["unionpay"]), _edit(cost_rate="lots"),
            headers={"accept-language": "zh-hans"},
        )  # fmt: skip

        for page in [_get(operations, url, language="zh-hans") for url in pages] + [_main(refused)]:
            assert english_words(page) == []

    def test_staff_who_may_only_read_see_no_form(self, role_client, unionpay):
        client = role_client("auditor")
        main = _get(client)

        assert "channel-add-form" not in main
        assert "channel-form" not in _get(client, reverse("payments:channel", args=["unionpay"]))
        assert client.post(URL, {"name": "x", "adapter": SANDBOX}).status_code == 403
        assert client.post(reverse("payments:channel", args=["unionpay"]), _edit()).status_code \
            == 403  # fmt: skip
        assert not PaymentChannel.objects.filter(name="x").exists()
        assert PaymentChannel.objects.get(name="unionpay").priority == 200

    def test_is_refused_to_staff_without_the_permission_and_to_customers(
        self, role_client, customer_client
    ):
        assert role_client("product_manager").get(URL).status_code == 403
        assert customer_client.get(URL).status_code == 403
        with pytest.raises(PermissionDenied):
            selectors.payment_channels(actor=CLERK, now=timezone.now())

    def test_an_unknown_channel_is_not_found(self, operations):
        assert operations.get(reverse("payments:channel", args=["nowhere"])).status_code == 404


class TestHealth:
    def test_a_channel_marked_down_shows_as_down_until_its_cool_down_ends(self, operations, db):
        moment = timezone.now()
        for _ in range(3):
            channel_mark_down("sandbox", now=moment)

        main = _get(operations)

        until = (moment + COOL_DOWN).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
        assert f"Down until {until} (3 failures in a row)" in _row(main, "sandbox")
        assert 'data-status="channel_down"' in _row(main, "sandbox")
        assert "1 channel is down" in main
        assert f"{until}" in _get(operations, reverse("payments:channel", args=["sandbox"]))

    def test_after_its_cool_down_a_channel_is_tried_again_and_a_disabled_one_says_so(
        self, unionpay, now
    ):
        channel_mark_down("sandbox", now=now)
        channel_configure(actor=OPERATIONS, name="unionpay", adapter=SANDBOX, enabled=False,
                          now=now)  # fmt: skip

        page = selectors.payment_channels(actor=READER, now=now + COOL_DOWN + timedelta(seconds=1))

        sandbox, second = page.channels
        assert (sandbox.health, sandbox.health_label) == (
            "channel_retrying",
            "Trying again after 1 failure in a row",
        )
        assert (second.health, second.health_label) == ("channel_disabled", "Disabled")
        assert page.down_count == 0


class TestPayments:
    def test_counts_the_payments_a_channel_took_today_and_those_still_open(
        self, make_customer, bound_card, now
    ):
        user = make_customer()
        payer = Payer(user=user, card_id=bound_card(user=user).id, wallet_id=open_wallet(user, now))
        fund(payer.wallet_id, 1_000_00, now)
        for key in ("a", "b"):
            topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=100_00,
                          idempotency_key=key, now=now)  # fmt: skip

        before = selectors.payment_channel_get(actor=READER, name="sandbox", now=now)
        sandbox_callbacks_run(now=now)
        after = selectors.payment_channel_get(actor=READER, name="sandbox", now=now)
        tomorrow = selectors.payment_channel_get(actor=READER, name="sandbox",
                                                 now=now + timedelta(days=1))  # fmt: skip

        assert (before.payments_today, before.payments_open) == (2, 2)
        assert (after.payments_today, after.payments_open) == (2, 0)
        assert tomorrow.payments_today == 0


class TestEditingAChannel:
    def test_the_form_changes_the_channel(self, operations, unionpay):
        url = reverse("payments:channel", args=["unionpay"])
        form = _get(operations, url)
        assert 'value="50000.00"' in form and 'value="0.25"' in form and 'value="0.10"' in form
        assert 'value="ICBC" checked' in form or re.search(r'value="ICBC"[^>]*checked', form)

        response = operations.post(
            url, _edit(enabled="", banks=["PSBC"], other_banks="zz9, ", max_amount="",
                       cost_rate="1.5", cost_fixed="", priority="5")
        )  # fmt: skip

        assert response.status_code == 302 and response.url == URL
        channel = PaymentChannel.objects.get(name="unionpay")
        assert (channel.enabled, channel.priority, channel.banks) == (False, 5, ["PSBC", "ZZ9"])
        assert (channel.max_amount_minor, channel.cost_rate) == (None, Decimal("0.015"))
        assert channel.cost_fixed_minor == 0
        main = _get(operations)
        assert "The channel is saved" in main and "Disabled" in _row(main, "unionpay")
        assert "Postal Savings Bank of China, ZZ9" in _row(main, "unionpay")

    @pytest.mark.parametrize(
        ("figures", "field", "said"),
        [({"cost_rate": "100"}, "cost_rate", "below 100"),
         ({"cost_rate": "0.00001"}, "cost_rate", "at most four decimals"),
         ({"cost_rate": "lots"}, "cost_rate", "below 100"),
         ({"max_amount": "0"}, "max_amount", "Above zero"),
         ({"max_amount": "1.001"}, "max_amount", "Type an amount in yuan"),
         ({"cost_fixed": "200.00"}, "cost_fixed", "from zero to 100.00"),
         ({"priority": "5000"}, "priority", "1000"),
         ({"other_banks": "IC-BC"}, "other_banks", "letters and digits")],
        ids=["a rate of 100 percent", "a rate too fine", "a rate not a number", "a zero maximum",
             "a thousandth of a yuan", "a fixed cost above 100 yuan", "an order above 1000",
             "a bank code with a dash"],
    )  # fmt: skip
    def test_a_figure_that_makes_no_sense_is_said_next_to_it_and_changes_nothing(
        self, operations, unionpay, figures, field, said
    ):
        before = PaymentChannel.objects.get(name="unionpay")

        response = operations.post(reverse("payments:channel", args=["unionpay"]),
                                   _edit(**figures))  # fmt: skip

        assert response.status_code == 400
        main = _main(response)
        block = main[main.index(f'for="id_{field}"') :]
        assert said in block[: block.index("</div>")]
        after = PaymentChannel.objects.get(name="unionpay")
        assert (after.priority, after.banks, after.max_amount_minor, after.cost_rate,
                after.cost_fixed_minor, after.updated_at) == (
            before.priority, before.banks, before.max_amount_minor, before.cost_rate,
            before.cost_fixed_minor, before.updated_at)  # fmt: skip

    def test_the_adapter_is_under_technical_details(self, role_client, unionpay):
        main = _get(role_client("auditor"), reverse("payments:channel", args=["unionpay"]))

        details = main[main.index('class="technical-details"') :]
        assert SANDBOX in details and SANDBOX not in main[: main.index("technical-details")]


class TestAddingAChannel:
    def test_a_channel_is_added_disabled_after_the_last_one(self, operations, unionpay):
        response = operations.post(URL, {"name": "unionpay-2", "adapter": f" {SANDBOX} "})

        assert response.status_code == 302
        assert response.url == reverse("payments:channel", args=["unionpay-2"])
        channel = PaymentChannel.objects.get(name="unionpay-2")
        assert (channel.enabled, channel.priority, channel.adapter) == (False, 210, SANDBOX)
        assert "takes no payment yet" in _get(operations, response.url)

    @pytest.mark.parametrize(
        ("data", "field", "said"),
        [({"name": "no spaces", "adapter": SANDBOX}, "name", "At most 32 letters"),
         ({"name": "bank", "adapter": "hujin.nowhere.Bank"}, "adapter", "No payment channel"),
         ({"name": "unionpay", "adapter": SANDBOX}, "name", "exists")],
        ids=["a name with spaces", "an adapter that is not there", "a name taken"],
    )  # fmt: skip
    def test_a_refused_channel_is_said_next_to_its_field_and_nothing_is_added(
        self, operations, unionpay, data, field, said
    ):
        response = operations.post(URL, data)

        assert response.status_code == 400
        main = _main(response)
        block = main[main.index(f'for="id_{field}"') :]
        assert said in block[: block.index("</div>")]
        assert PaymentChannel.objects.count() == 2
        assert PaymentChannel.objects.get(name="unionpay").priority == 200
