"""The rules in force screen payments on payments' short path too (PostgreSQL, outside a
transaction): a transfer or a top-up the rules let go is still booked in a few round trips, with
the same decisions, alerts and window entries the general way keeps; one they hold or refuse
goes the general way and is held or refused there, its decisions kept once; an attempt that
finds the totals moved rolls the screen's writes back with it."""

import threading

import pytest
from django.db import connection

from hujin.core.dates import business_date_get
from hujin.payments import errors
from hujin.payments.models import Payment
from hujin.payments.services import requests as requests_module
from hujin.payments.services import topup as topup_module
from hujin.payments.services import topup_request, transfer_request
from hujin.payments.services import transfer as transfer_module
from hujin.payments.services import transfer_in_one_call as transfer_short
from hujin.risk.models import Alert, Decision, WindowEntry
from tests.payments.conftest import (  # noqa: F401 -- fixtures
    actor_for,
    bound_card,
    customer,
    make_customer,
    sandbox,
)
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.test_services_transfer import _fund
from tests.risk.screening_helpers import rule_in_force

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(make_customer, now):  # noqa: F811
    """A payer with ¥500.00 and a payee, both with open wallets, on a business day."""
    business_date_get(now=now)
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet = open_wallet(payer, now)
    open_wallet(payee, now)
    _fund(payer_wallet, 500_00, now)
    return payer, payee, payer_wallet


def _send(payer, payee, now, amount=100_00, key="short-1"):
    return transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                            amount_minor=amount, idempotency_key=key, now=now)  # fmt: skip


@pytest.fixture
def general_way(monkeypatch):
    """The transfers that went the general way (their movements)."""
    calls = []
    general = transfer_module._post

    def counted(movement, *args, **kwargs):
        calls.append(movement)
        return general(movement, *args, **kwargs)

    monkeypatch.setattr(transfer_module, "_post", counted)
    return calls


def _decisions(payment_id) -> list[tuple]:
    """What the rules decided on one payment, each side's, without ids and times."""
    return sorted(
        (d.direction, d.kind, d.amount, d.outcome, d.score, tuple(d.fired), tuple(d.shadow_fired),
         tuple((f["code"], f["fired"], tuple(sorted(f["seen"].items()))) for f in d.findings))
        for d in Decision.objects.filter(event=payment_id)
    )  # fmt: skip


class TestATransferTheRulesLetGo:
    @pytest.fixture
    def rules(self, now):
        rule_in_force("BIG", 'direction == "out" and amount >= 50_00', "alert", now=now)
        rule_in_force("WATCH", 'direction == "in" and count("24h") >= 2', "review",
                      state="shadow", now=now)  # fmt: skip

    def test_is_booked_without_the_general_way(self, pair, now, rules, general_way):
        payer, payee, payer_wallet = pair

        view = _send(payer, payee, now)

        assert general_way == [] and view.status == "succeeded"
        assert wallet(payer_wallet)["balance"] == 400_00

    def test_keeps_both_sides_decisions_and_window_entries_under_the_payment(
        self, pair, now, rules
    ):
        payer, payee, _ = pair

        view = _send(payer, payee, now)

        assert [d[0] for d in _decisions(view.id)] == ["in", "out"]
        assert WindowEntry.objects.filter(event=view.id, per="customer").count() == 2
        (alert,) = Alert.objects.filter(code="BIG")
        assert alert.decision.event == view.id and alert.decision.direction == "out"

    def test_decides_what_the_general_way_decides(self, make_customer, now, rules, monkeypatch):  # noqa: F811
        sent = []
        for short in (True, False):  # two pairs alike, each with one movement before this one
            payer, payee = make_customer(name="张三"), make_customer(name="王伟")
            _fund(open_wallet(payer, now), 500_00, now)
            open_wallet(payee, now)
            _send(payer, payee, now, amount=10_00, key="before")
            if not short:
                monkeypatch.setattr(transfer_module, "transfer_in_one_call", lambda **kw: None)
            sent.append(_send(payer, payee, now))

        short, general = (_decisions(view.id) for view in sent)
        assert short == general
        assert [d[:6] for d in short] == [
            ("in", "transfer", 100_00, "allow", 0, ()),
            ("out", "transfer", 100_00, "allow", 10, ("BIG",)),
        ]
        assert ledger_is_consistent()


class TestATransferTheRulesStop:
    def test_one_a_rule_holds_is_held_by_the_general_way_and_decided_once(
        self, pair, now, general_way
    ):
        payer, payee, payer_wallet = pair
        rule_in_force("HOLD", 'direction == "out" and amount >= 50_00', "review", now=now)

        view = _send(payer, payee, now)

        assert view.status == "review" and len(general_way) == 1
        assert [d[:4] for d in _decisions(view.id)] == [("out", "transfer", 100_00, "review")]
        assert wallet(payer_wallet)["held"] == 100_00

    def test_one_a_rule_blocks_is_refused_and_its_decisions_kept_once(self, pair, now):
        payer, payee, payer_wallet = pair
        rule_in_force("STOP", 'direction == "out" and amount >= 50_00', "block", now=now)

        with pytest.raises(errors.ScreeningRefused):
            _send(payer, payee, now)

        assert not Payment.objects.exists() and not WindowEntry.objects.exists()
        assert sorted(Decision.objects.values_list("direction", "outcome")) == [
            ("in", "allow"), ("out", "block")]  # fmt: skip
        assert Alert.objects.get().code == "STOP"
        assert wallet(payer_wallet)["balance"] == 500_00


class TestAnAttemptThatFindsTheTotalsMoved:
    def test_rolls_its_decisions_back_and_decides_again_on_what_moved(
        self, pair, now, monkeypatch, general_way
    ):
        payer, payee, payer_wallet = pair
        rule_in_force("BIG", 'direction == "out" and amount >= 50_00', "alert", now=now)
        screened = transfer_short.screens_beside
        pending = [lambda: _send(payer, payee, now, key="meanwhile")]

        def after_another(movement, others):
            while pending:  # another request of the payer commits after this one's read
                worker = threading.Thread(target=_on_its_own_connection(pending.pop()))
                worker.start()
                worker.join()
            return screened(movement, others)

        monkeypatch.setattr(transfer_short, "screens_beside", after_another)

        late = _send(payer, payee, now, key="late")

        assert general_way == [] and Payment.objects.count() == 2
        assert Decision.objects.count() == 4  # each payment's two sides, the first try's undone
        assert Alert.objects.filter(code="BIG").count() == 2
        assert WindowEntry.objects.filter(per="customer", event=late.id).count() == 2
        assert wallet(payer_wallet)["balance"] == 300_00
        assert ledger_is_consistent()


def _on_its_own_connection(call):
    def run():
        try:
            call()
        finally:
            connection.close()

    return run


@pytest.fixture
def card_holder(make_customer, bound_card, now):  # noqa: F811
    """Factory: a verified customer with a card bound today and an open wallet, on a business
    day; (their login, the card)."""
    business_date_get(now=now)

    def make(name: str):
        user = make_customer(name=name)
        card = bound_card(user=user, name=name)
        open_wallet(user, now)
        return user, card

    return make


class TestATopUpTheRulesLetGo:
    def test_is_booked_in_two_round_trips_knowing_the_card_was_bound_today(
        self, card_holder, now, monkeypatch
    ):
        user, card = card_holder("张三")
        rule_in_force("NEW_CARD", "card.bound_today", "alert", now=now)
        general = []

        def general_way(*args, **kwargs):
            general.append(args)
            pytest.fail("the top-up went the general way")

        monkeypatch.setattr(requests_module, "_hold", general_way)

        view = topup_request(actor=actor_for(user), card_id=card.id, amount_minor=100_00,
                             idempotency_key="in-1", now=now)  # fmt: skip

        assert view.status == "pending" and general == []
        (decision,) = Decision.objects.filter(event=view.id)
        assert decision.direction == "in" and decision.fired == ["NEW_CARD"]
        assert Alert.objects.get(code="NEW_CARD").decision_id == decision.id

    def test_decides_what_the_general_way_decides(self, card_holder, now, monkeypatch):
        rule_in_force("NEW_CARD", "card.bound_today", "alert", now=now)
        views = []
        for name, short in (("张三", True), ("王伟", False)):
            user, card = card_holder(name)
            if not short:
                monkeypatch.setattr(topup_module, "topup_in_one_call", lambda **kwargs: None)
            views.append(topup_request(actor=actor_for(user), card_id=card.id,
                                       amount_minor=100_00, idempotency_key="in-1",
                                       now=now))  # fmt: skip

        assert _decisions(views[0].id) == _decisions(views[1].id)
        assert _decisions(views[0].id)[0][5] == ("NEW_CARD",)
