"""The console's "Payments held for review", in English and Chinese: the queue oldest first with
the customer masked and what the screens said, a held payment's page with the customer's
recent payments, and Release / Reject, each with its required note, moving the payment on."""

import re

import pytest
from django.urls import reverse

from hujin.payments.models import Payment, SandboxInstruction
from hujin.payments.services import topup_request, withdrawal_request
from tests.payments.money import Payer, open_wallet, wallet
from tests.payments.rules_helpers import fund, screen

QUEUE = "/payments/review/"


@pytest.fixture
def payer(make_customer, bound_card, now):
    user = make_customer()
    card = bound_card(user=user)
    wallet_id = open_wallet(user, now)
    fund(wallet_id, 2_000_00, now)
    return Payer(user=user, card_id=card.id, wallet_id=wallet_id)


@pytest.fixture
def held(payer, now):
    """A top-up that went through, then a withdrawal of ¥300 a screen held for review."""
    topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=50_00,
                  idempotency_key="t", now=now)  # fmt: skip
    with screen("review", code="test.unusual", message="Unusual for this customer"):
        return withdrawal_request(actor=payer.actor, card_id=payer.card_id,
                                  amount_minor=300_00, idempotency_key="w", now=now)  # fmt: skip


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url=QUEUE, language="en") -> tuple[str, str]:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return response.content.decode(), _main(response)


def _page(payment) -> str:
    return reverse("payments:review_payment", args=[payment.id])


class TestTheQueue:
    def test_lists_the_held_payment_with_the_customer_masked_and_the_reason(
        self, held, role_client
    ):
        html, main = _get(role_client("risk_analyst"))

        assert str(held.id) in main and "张*" in main and "张三" not in main
        assert "300.00 CNY" in main and "Withdrawal" in main
        assert "Unusual for this customer" in main and "test.unusual" not in main
        assert "1 payment held for review" in html  # the menu's waiting count

    def test_lists_the_oldest_first(self, payer, held, role_client, now):
        from datetime import timedelta

        with screen("review"):
            newer = withdrawal_request(actor=payer.actor, card_id=payer.card_id,
                                       amount_minor=10_00, idempotency_key="w2",
                                       now=now + timedelta(minutes=5))  # fmt: skip

        _, main = _get(role_client("compliance_officer"))

        assert main.index(str(held.id)) < main.index(str(newer.id))

    def test_says_when_nothing_waits(self, role_client):
        _, main = _get(role_client("risk_analyst"))

        assert "Nothing held" in main

    def test_reads_in_chinese(self, held, role_client):
        _, main = _get(role_client("risk_analyst"), language="zh-hans")

        assert "待审核的付款" in main and "提现" in main and "张*" in main

    def test_is_refused_to_staff_who_may_not_review_and_to_customers(
        self, held, role_client, customer_client
    ):
        for client in (role_client("customer_service"), role_client("operations"),
                       customer_client):  # fmt: skip
            assert client.get(QUEUE).status_code == 403
            assert client.get(_page(held)).status_code == 403
            assert client.post(_page(held), {"action": "release", "note": "x"}).status_code == 403
        assert Payment.objects.get(pk=held.id).status == "review"


class TestAHeldPayment:
    def test_shows_the_reasons_the_card_masked_and_the_customers_recent_payments(
        self, held, role_client
    ):
        _, main = _get(role_client("risk_analyst"), _page(held))

        assert "Unusual for this customer" in main and "6222 **** ****" in main
        recent = main[main.index("recent payments") :]
        assert "50.00 CNY" in recent and "Top-up" in recent
        assert 'data-testid="release-form"' in main and 'data-testid="reject-form"' in main

    def test_a_payment_never_held_is_not_found(self, payer, role_client, now):
        paid = topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=10_00,
                             idempotency_key="t", now=now)  # fmt: skip

        assert role_client("risk_analyst").get(_page(paid)).status_code == 404


class TestDeciding:
    def test_a_release_sends_the_withdrawal_on_and_goes_back_to_the_queue(self, held, role_client):
        client = role_client("risk_analyst", username="risk.wang")
        sent_before = SandboxInstruction.objects.count()

        response = client.post(_page(held), {"action": "release", "note": "Known payee"})

        assert response.status_code == 302 and response.url == QUEUE
        payment = Payment.objects.select_related("screening").get(pk=held.id)
        assert payment.status == "pending" and SandboxInstruction.objects.count() == sent_before + 1
        assert payment.screening.review_note == "Known payee"
        assert payment.screening.reviewed_by == "risk.wang"
        _, main = _get(client)
        assert "Released" in main and "Nothing held" in main

    def test_a_rejection_releases_the_hold(self, held, payer, role_client):
        client = role_client("compliance_officer")

        response = client.post(_page(held), {"action": "reject", "note": "Mule pattern"})

        assert response.status_code == 302
        payment = Payment.objects.get(pk=held.id)
        assert (payment.status, payment.failure_code) == ("failed", "rejected_in_review")
        assert wallet(payer.wallet_id)["held"] == 0
        _, main = _get(client, _page(held))
        assert "Mule pattern" in main and "release-form" not in main

    @pytest.mark.parametrize("action", ["release", "reject"])
    def test_without_a_note_nothing_moves_and_the_note_says_why(self, held, role_client, action):
        response = role_client("risk_analyst").post(_page(held), {"action": action, "note": " "})

        assert response.status_code == 400
        main = _main(response)
        form = main[main.index(f'data-testid="{action}-form"') :]
        assert "Write a note" in form[: form.index("</form>")]
        assert Payment.objects.get(pk=held.id).status == "review"

    def test_a_payment_decided_already_is_said_not_decided_twice(self, held, role_client):
        client = role_client("risk_analyst")
        client.post(_page(held), {"action": "reject", "note": "no"})

        response = client.post(_page(held), {"action": "release", "note": "yes"})

        assert response.status_code == 400
        assert "not waiting for review" in _main(response)
        assert Payment.objects.get(pk=held.id).status == "failed"
