"""Resolving a break by maker-checker: an operator proposes, another approves, only then the
correcting transfer is posted (its id derived, once); the ledger still verifies; the day
replayed is green; history (the payment, earlier transfers) is never edited."""

import uuid

import pytest

from hujin.core.approvals import MakerCannotCheck, approval_decide
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.models import Transfer
from hujin.payments.models import Break, Payment
from hujin.payments.reconciliation.errors import (
    BreakNotOpen,
    CorrectionRefusedByLedger,
    ResolutionInvalid,
    ResolutionNeedsCustomer,
)
from hujin.payments.reconciliation.resolution import break_resolution_propose
from hujin.payments.reconciliation.suspense import SUSPENSE_CODE
from hujin.payments.services.house import house_account_id
from tests.payments.money import Payer, clearing, house, ledger_is_consistent, open_wallet, wallet
from tests.payments.reconciliation import LATE, operator, reconcile, topup

MAKER, CHECKER = operator("maker"), operator("checker")


@pytest.fixture
def payer(customer, bound_card, now):
    card = bound_card()
    return Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))


@pytest.fixture
def dropped(payer, now, business_date, sandbox):
    """A top-up Hujin credited that the channel's file leaves out: missing at the channel."""
    topup(payer, now)
    sandbox["recon_drop_share"] = 1
    reconcile(business_date)
    return Break.objects.get()


def _propose(item, action="wallet_debit", amount=100_00, actor=MAKER, note="Not at the bank"):
    return break_resolution_propose(break_id=item.id, action=action, amount_minor=amount,
                                    note=note, actor=actor, now=LATE)  # fmt: skip


def _decide(item, actor=CHECKER, approve=True):
    item.refresh_from_db()
    return approval_decide(actor=actor, request_id=item.approval_request_id, approve=approve,
                           reason="Checked the bank statement", now=LATE)  # fmt: skip


class TestMakerChecker:
    def test_a_proposal_moves_no_money_until_another_person_approves_it(self, dropped, payer):
        _propose(dropped)

        dropped.refresh_from_db()
        assert dropped.status == "proposed"
        assert wallet(payer.wallet_id)["balance"] == 100_00
        assert not Transfer.objects.filter(code="payments.reconciliation").exists()

    def test_the_approval_posts_the_correcting_transfer_and_resolves_the_break(
        self, dropped, payer
    ):
        _propose(dropped)

        request = _decide(dropped)

        dropped.refresh_from_db()
        assert (dropped.status, dropped.resolution) == ("resolved", "corrected")
        assert dropped.resolution_note == "Not at the bank"
        assert dropped.correction_clearing_minor == -100_00
        assert dropped.resolution_transfer_id == uuid.uuid5(
            dropped.id, f"payments.reconciliation:{request.id}"
        )
        assert wallet(payer.wallet_id)["balance"] == 0
        assert clearing().debits_posted - clearing().credits_posted == 0
        assert ledger_is_consistent()

    def test_history_is_not_edited_the_payment_stays_as_it_was(self, dropped):
        payment = Payment.objects.get()
        _propose(dropped)
        _decide(dropped)

        again = Payment.objects.get()
        assert (again.status, again.resolution_transfer_id) == (
            payment.status, payment.resolution_transfer_id,
        )  # fmt: skip
        assert Transfer.objects.filter(id=payment.resolution_transfer_id).exists()

    def test_the_maker_cannot_approve_their_own_proposal(self, dropped):
        _propose(dropped)

        with pytest.raises(MakerCannotCheck):
            _decide(dropped, actor=MAKER)

    def test_a_checker_without_the_permission_cannot_approve(self, dropped):
        from dataclasses import replace

        _propose(dropped)

        with pytest.raises(PermissionDenied):
            _decide(dropped, actor=replace(CHECKER, scopes=frozenset()))

    def test_a_rejected_proposal_leaves_the_break_open_for_another(self, dropped):
        _propose(dropped)
        _decide(dropped, approve=False)

        _propose(dropped, note="Second look")

        dropped.refresh_from_db()
        assert dropped.status == "proposed"

    def test_a_break_waiting_for_its_checker_takes_no_second_proposal(self, dropped):
        _propose(dropped)

        with pytest.raises(BreakNotOpen):
            _propose(dropped)

    def test_proposal_and_resolution_are_audited_and_announced(self, dropped):
        _propose(dropped)
        _decide(dropped)

        for name in ("payments.break_resolution_proposed", "payments.break_resolved"):
            assert AuditEntry.objects.filter(action=name, target_id=str(dropped.id)).exists()
            assert OutboxEvent.objects.filter(event_type=name).exists()

    def test_the_day_replayed_after_the_correction_is_green(self, dropped, business_date):
        _propose(dropped)
        _decide(dropped)

        run = reconcile(business_date, replay=True)

        assert run.residual_minor == 0 and run.green
        dropped.refresh_from_db()
        assert dropped.status == "resolved"


class TestWhatCanBeProposed:
    def test_a_line_nobody_can_place_goes_to_suspense(self, payer, now, business_date, sandbox):
        sandbox["recon_extra_lines"] = 1
        reconcile(business_date)
        item = Break.objects.get()

        _propose(item, action="suspense_in", amount=123_45, note="Unknown payer, asked the bank")
        _decide(item)

        item.refresh_from_db()
        suspense = house(SUSPENSE_CODE)
        assert suspense.id == house_account_id(SUSPENSE_CODE)
        assert (item.resolution, suspense.credits_posted) == ("suspense", 123_45)
        assert ledger_is_consistent()

    def test_a_break_without_a_customer_cannot_touch_a_wallet(self, db, business_date, sandbox):
        sandbox["recon_extra_lines"] = 1
        reconcile(business_date)

        with pytest.raises(ResolutionNeedsCustomer):
            _propose(Break.objects.get(), action="wallet_credit")

    def test_a_proposal_needs_an_amount_and_a_note(self, dropped):
        with pytest.raises(ResolutionInvalid):
            _propose(dropped, amount=0)
        with pytest.raises(ResolutionInvalid):
            _propose(dropped, note="  ")
        with pytest.raises(ResolutionInvalid):
            _propose(dropped, action="delete_it")

    def test_a_correction_the_ledger_refuses_approves_nothing(self, dropped, payer):
        _propose(dropped, amount=500_00)  # more than the wallet holds

        with pytest.raises(CorrectionRefusedByLedger):
            _decide(dropped)

        dropped.refresh_from_db()
        assert dropped.status == "proposed"
        assert wallet(payer.wallet_id)["balance"] == 100_00
        assert ledger_is_consistent()


def test_the_approvals_queue_describes_the_request_in_words(dropped):
    from hujin.core.approvals import approval_describe, approval_get

    _propose(dropped)
    dropped.refresh_from_db()

    text = approval_describe(approval_get(id=dropped.approval_request_id))

    assert text == (
        f"Missing at the channel · {dropped.reference} · "
        "Debit the customer's wallet back to the clearing account · ¥100.00"
    )
