"""The channels' webhook, POST /payments/callbacks/<channel>/: the signature and the timestamp
are checked before anything is read, bad input gets a clear 4xx that changes nothing, and a
replay of an applied callback is answered 200 without moving money again."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hujin.payments.models import Payment
from hujin.payments.services import topup_request
from hujin.payments.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.payments.money import Payer, ledger_is_consistent, open_wallet, signed, wallet

URL = "/payments/callbacks/sandbox/"


@pytest.fixture
def pending(customer, bound_card):
    now = timezone.now()
    card = bound_card(at=now)
    payer = Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))
    payment = topup_request(actor=payer.actor, card_id=card.id, amount_minor=88_00,
                            idempotency_key="k-1", now=now)  # fmt: skip
    return payer, payment


def _post(client, body, *, channel="sandbox", skew=0, signature=None, url=URL):
    args = signed(body, timezone.now(), channel=channel, skew=skew)
    headers = {
        TIMESTAMP_HEADER: args["timestamp"],
        SIGNATURE_HEADER: signature if signature is not None else args["signature"],
    }
    return client.post(url, data=args["body"], content_type="application/json", headers=headers)


def _body(payment, outcome="succeeded"):
    return {"payment_id": str(payment.id), "reference": payment.channel_reference,
            "outcome": outcome}  # fmt: skip


class TestWebhook:
    def test_a_signed_success_posts_the_top_up(self, client, pending):
        payer, payment = pending

        response = _post(client, _body(payment))

        assert response.status_code == 200
        assert response.json() == {"payment_id": str(payment.id), "status": "succeeded",
                                   "applied": True}  # fmt: skip
        assert wallet(payer.wallet_id)["balance"] == 88_00
        assert ledger_is_consistent()

    def test_a_replay_is_answered_200_and_moves_nothing(self, client, pending):
        payer, payment = pending
        _post(client, _body(payment))

        response = _post(client, _body(payment))

        assert response.status_code == 200 and response.json()["applied"] is False
        assert wallet(payer.wallet_id)["balance"] == 88_00
        assert ledger_is_consistent()

    def test_a_bad_signature_is_401_and_changes_nothing(self, client, pending):
        payer, payment = pending

        response = _post(client, _body(payment), signature="00" * 32)

        assert response.status_code == 401
        assert response.json()["error"]["code"] == "callback_signature_invalid"
        assert Payment.objects.get(id=payment.id).status == "pending"
        assert wallet(payer.wallet_id)["incoming"] == 88_00

    def test_a_stale_timestamp_is_401(self, client, pending):
        _, payment = pending

        response = _post(client, _body(payment), skew=-301)

        assert response.status_code == 401
        assert Payment.objects.get(id=payment.id).status == "pending"

    def test_a_body_that_is_not_a_callback_is_400(self, client, pending):
        response = _post(client, b"{not json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "callback_malformed"

    def test_an_unknown_outcome_is_400(self, client, pending):
        _, payment = pending
        assert _post(client, _body(payment, outcome="maybe")).status_code == 400

    def test_an_unknown_reference_is_404(self, client, pending):
        body = {"reference": "sbx-nothing", "outcome": "succeeded"}
        assert _post(client, body).status_code == 404

    def test_an_unknown_channel_is_404(self, client, pending):
        _, payment = pending
        response = _post(client, _body(payment), channel="other",
                         url="/payments/callbacks/other/")  # fmt: skip
        assert response.status_code == 404

    def test_a_failure_after_a_success_is_409_and_nothing_moves(self, client, pending):
        payer, payment = pending
        _post(client, _body(payment))

        response = _post(client, _body(payment, outcome="failed"))

        assert response.status_code == 409
        assert Payment.objects.get(id=payment.id).status == "succeeded"
        assert wallet(payer.wallet_id)["balance"] == 88_00
        assert ledger_is_consistent()

    def test_only_post_is_accepted(self, client, pending):
        assert client.get(URL).status_code == 405

    def test_a_callback_signed_for_another_moment_does_not_verify(self, client, pending):
        _, payment = pending
        args = signed(_body(payment), timezone.now() - timedelta(seconds=10))
        headers = {TIMESTAMP_HEADER: str(int(timezone.now().timestamp())),
                   SIGNATURE_HEADER: args["signature"]}  # fmt: skip

        response = client.post(URL, data=json.dumps(_body(payment)),
                               content_type="application/json", headers=headers)  # fmt: skip

        assert response.status_code == 401


class RealChannel:
    name = "realbank"
    development_only = False


def test_production_without_the_channels_secret_is_warned(settings):
    from hujin.payments.checks import payment_channel_secret_check

    settings.PROD = True
    settings.HUJIN_PAYMENTS_CHANNEL = f"{__name__}.RealChannel"
    settings.HUJIN_PAYMENTS_CHANNEL_SECRETS = {}

    assert [w.id for w in payment_channel_secret_check()] == ["payments.W002"]

    settings.HUJIN_PAYMENTS_CHANNEL_SECRETS = {"realbank": "s" * 48}
    assert payment_channel_secret_check() == []
