"""``ledger_verify`` checks frozen debits from the ledger's own rows, whoever set the flag.

Each reason an account is frozen for is a row (``AccountDebitFreeze``) with ``transfers_seq``, the
highest transfer ``seq`` when it was added; the history of reasons added and lifted is
append-only (``AccountDebitFreezeChange``). Verify reports a flag that disagrees with the reasons,
reasons that disagree with their history, and any debit (single, pending, post of a hold) of the
account after a freeze and before its lift. Voids, expiries and credits are not debits.
"""

import pytest
from django.db import DatabaseError, transaction

from hujin.core.actors import SYSTEM
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, AccountDebitFreeze, AccountDebitFreezeChange, Transfer
from hujin.ledger.services import account_debits_freeze, account_debits_unfreeze
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import Book


@pytest.fixture
def book(db):
    """These tests damage the ledger on purpose, so it is not checked afterwards."""
    return Book()


@pytest.fixture
def wallet(book):
    """A wallet holding 100.00, and the bank and a merchant."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    merchant = book.open("2101.merchant")
    assert book.apply(book.single(bank, wallet, 10_000)) == [Result.OK]
    return {"bank": bank, "wallet": wallet, "merchant": merchant}


def set_flag(account_id, frozen: bool) -> None:
    """What a migration or a hand-written UPDATE does: the flag alone."""
    Account.objects.filter(id=account_id).update(debits_frozen=frozen)


def sneaked(book, *transfers) -> None:
    """Debits the ledger would refuse, written as if it had not: every flag lifted around them."""
    frozen = list(Account.objects.filter(debits_frozen=True).values_list("id", flat=True))
    Account.objects.filter(id__in=frozen).update(debits_frozen=False)
    assert book.apply(*transfers) == [Result.OK] * len(transfers)
    Account.objects.filter(id__in=frozen).update(debits_frozen=True)


class TestTheFlagAndTheReasons:
    def test_a_flag_set_around_the_services_is_reported(self, book, wallet):
        set_flag(wallet["wallet"], True)

        assert ledger_verify().problems == [
            f"account {wallet['wallet']}: debits frozen with no reason recorded"
        ]

    def test_a_flag_cleared_around_the_services_is_reported(self, book, wallet):
        book.freeze(wallet["wallet"])
        set_flag(wallet["wallet"], False)

        assert ledger_verify().problems == [
            f"account {wallet['wallet']}: debits not frozen though frozen for test.freeze"
        ]

    def test_a_reason_deleted_around_the_services_is_reported(self, book, wallet):
        book.freeze(wallet["wallet"])
        AccountDebitFreeze.objects.filter(account_id=wallet["wallet"]).delete()

        problems = ledger_verify().problems

        assert problems == [
            f"account {wallet['wallet']}: debits frozen with no reason recorded",
            f"account {wallet['wallet']}: its history freezes it for test.freeze, which is not "
            "recorded",
        ]

    def test_a_reason_inserted_around_the_services_is_reported_and_checked(self, book, wallet):
        AccountDebitFreeze.objects.create(
            account_id=wallet["wallet"], reason_code="by.hand", frozen_at=book.now,
            actor_kind="system", actor_id="psql", transfers_seq=Transfer.objects.get().seq,
        )  # fmt: skip
        payment = book.single(wallet["wallet"], wallet["merchant"], 100)
        assert book.apply(payment) == [Result.OK]  # the flag was never set
        set_flag(wallet["wallet"], True)

        problems = ledger_verify().problems

        assert problems == [
            f"account {wallet['wallet']}: frozen for by.hand with no such freeze in its history",
            f"transfer {payment.id}: debited account {wallet['wallet']} while its debits were "
            "frozen",
        ]

    def test_the_history_refuses_to_be_rewritten_on_both_databases(self, book, wallet):
        book.freeze(wallet["wallet"])
        change = AccountDebitFreezeChange.objects.get(account_id=wallet["wallet"])

        with (
            pytest.raises(DatabaseError, match="ledger rows are immutable: UPDATE"),
            transaction.atomic(),
        ):
            AccountDebitFreezeChange.objects.filter(id=change.id).update(transfers_seq=99)

        assert (
            AccountDebitFreezeChange.objects.get(id=change.id).transfers_seq == change.transfers_seq
        )


class TestDebitsAfterAFreeze:
    def test_a_payment_and_a_hold_after_the_freeze_are_reported(self, book, wallet):
        before = book.single(wallet["wallet"], wallet["merchant"], 100)
        assert book.apply(before) == [Result.OK]
        book.freeze(wallet["wallet"])
        payment = book.single(wallet["wallet"], wallet["merchant"], 100)
        hold = book.pending(wallet["wallet"], wallet["merchant"], 200)

        sneaked(book, payment, hold)

        assert ledger_verify().problems == [
            f"transfer {t.id}: debited account {wallet['wallet']} while its debits were frozen"
            for t in (payment, hold)
        ]

    def test_the_post_of_a_hold_made_before_the_freeze_is_reported(self, book, wallet):
        hold = book.pending(wallet["wallet"], wallet["merchant"], 200)
        assert book.apply(hold) == [Result.OK]
        book.freeze(wallet["wallet"])
        post = book.post(hold)

        sneaked(book, post)

        assert ledger_verify().problems == [
            f"transfer {post.id}: debited account {wallet['wallet']} while its debits were frozen"
        ]

    def test_voids_expiries_and_credits_of_a_frozen_account_are_not_debits(self, book, wallet):
        voided = book.pending(wallet["wallet"], wallet["merchant"], 200)
        expiring = book.pending(wallet["wallet"], wallet["merchant"], 300, timeout_seconds=60)
        assert book.apply(voided, expiring) == [Result.OK, Result.OK]
        book.freeze(wallet["wallet"])

        assert book.apply(book.void(voided)) == [Result.OK]
        book.advance(60)
        assert book.expire_due() == 1
        assert book.apply(book.single(wallet["bank"], wallet["wallet"], 100)) == [Result.OK]

        assert ledger_verify().problems == []

    def test_a_debit_under_two_reasons_at_once_is_reported_once(self, book, wallet):
        book.freeze(wallet["wallet"])
        account_debits_freeze(
            account_ids=[wallet["wallet"]], reason_code="risk.case:17", actor=SYSTEM, now=book.now
        )
        payment = book.single(wallet["wallet"], wallet["merchant"], 100)
        sneaked(book, payment)
        account_debits_unfreeze(
            account_ids=[wallet["wallet"]], reason_code="risk.case:17", actor=SYSTEM, now=book.now
        )

        assert ledger_verify().problems == [
            f"transfer {payment.id}: debited account {wallet['wallet']} while its debits were "
            "frozen"
        ]

    def test_a_debit_after_the_last_reason_was_lifted_is_not_reported(self, book, wallet):
        book.freeze(wallet["wallet"])
        book.unfreeze(wallet["wallet"])

        assert book.apply(book.single(wallet["wallet"], wallet["merchant"], 100)) == [Result.OK]

        assert ledger_verify().problems == []
