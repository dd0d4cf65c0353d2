"""Frozen debits: while an account's debits are frozen the ledger itself refuses to debit it.

``account_debits_freeze`` sets the flag for a reason and ``account_debits_unfreeze`` lifts that
reason (the flag stays while another remains: ``test_services_debits_frozen_reasons.py``); every
path that writes transfers (a batch through the engine, one transfer through the database
function on PostgreSQL) answers ``debits_frozen`` and burns the id. Credits still arrive, a hold
made before the freeze can be voided and still expires, but it cannot be posted.
"""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hujin.core.actors import SYSTEM
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.errors import AccountInvalid, AccountNotFound, Result
from hujin.ledger.models import Account, FailedTransfer
from hujin.ledger.services import account_debits_freeze, account_debits_unfreeze
from hujin.ledger.verify import ledger_verify


@pytest.fixture
def wallet(book):
    """A customer's wallet holding 100.00, and the bank and a merchant."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True, owner_ref="customer:1")
    merchant = book.open("2101.merchant")
    assert book.apply(book.single(bank, wallet, 10_000)) == [Result.OK]
    return {"bank": bank, "wallet": wallet, "merchant": merchant}


def frozen_flag(account_id: uuid.UUID) -> bool:
    return Account.objects.values_list("debits_frozen", flat=True).get(id=account_id)


class TestTransfersFromAFrozenAccount:
    def test_a_payment_alone_is_refused_and_its_id_burnt(self, book, wallet):
        book.freeze(wallet["wallet"])
        payment = book.single(wallet["wallet"], wallet["merchant"], 2_500)

        assert book.apply(payment) == [Result.DEBITS_FROZEN]

        assert FailedTransfer.objects.get(id=payment.id).code == Result.DEBITS_FROZEN
        assert book.balances(wallet["wallet"]) == {"credits_posted": 10_000}

    def test_a_payment_in_a_batch_is_refused_and_the_others_applied(self, book, wallet):
        book.freeze(wallet["wallet"])

        results = book.apply(
            book.single(wallet["bank"], wallet["merchant"], 700),
            book.single(wallet["wallet"], wallet["merchant"], 2_500),
            book.pending(wallet["wallet"], wallet["merchant"], 100),
        )

        assert results == [Result.OK, Result.DEBITS_FROZEN, Result.DEBITS_FROZEN]
        assert book.balances(wallet["wallet"]) == {"credits_posted": 10_000}

    def test_a_linked_chain_that_debits_it_fails_as_a_whole(self, book, wallet):
        book.freeze(wallet["wallet"])

        results = book.apply(
            book.single(wallet["bank"], wallet["merchant"], 700, linked=True),
            book.single(wallet["wallet"], wallet["merchant"], 2_500),
        )

        assert results == [Result.LINKED_EVENT_FAILED, Result.DEBITS_FROZEN]
        assert book.balances(wallet["merchant"]) == {}

    def test_money_still_comes_in(self, book, wallet):
        book.freeze(wallet["wallet"])

        assert book.apply(book.single(wallet["bank"], wallet["wallet"], 500)) == [Result.OK]
        assert book.apply(book.pending(wallet["bank"], wallet["wallet"], 300)) == [Result.OK]

        assert book.balances(wallet["wallet"]) == {
            "credits_posted": 10_500,
            "credits_pending": 300,
        }

    def test_a_hold_made_before_the_freeze_cannot_be_posted(self, book, wallet):
        hold = book.pending(wallet["wallet"], wallet["merchant"], 4_000)
        assert book.apply(hold) == [Result.OK]
        book.freeze(wallet["wallet"])

        post = book.post(hold)
        assert book.apply(post) == [Result.DEBITS_FROZEN]

        assert FailedTransfer.objects.get(id=post.id).code == Result.DEBITS_FROZEN
        assert book.balances(wallet["wallet"]) == {
            "credits_posted": 10_000,
            "debits_pending": 4_000,
        }

    def test_a_hold_made_before_the_freeze_can_still_be_voided(self, book, wallet):
        hold = book.pending(wallet["wallet"], wallet["merchant"], 4_000)
        assert book.apply(hold) == [Result.OK]
        book.freeze(wallet["wallet"])

        assert book.apply(book.void(hold)) == [Result.OK]

        assert book.balances(wallet["wallet"]) == {"credits_posted": 10_000}

    def test_a_hold_made_before_the_freeze_still_expires(self, book, wallet):
        hold = book.pending(wallet["wallet"], wallet["merchant"], 4_000, timeout_seconds=60)
        assert book.apply(hold) == [Result.OK]
        book.freeze(wallet["wallet"])
        book.advance(60)

        assert book.expire_due() == 1

        assert book.balances(wallet["wallet"]) == {"credits_posted": 10_000}

    def test_a_hold_into_a_frozen_account_can_be_posted(self, book, wallet):
        hold = book.pending(wallet["bank"], wallet["wallet"], 500)
        assert book.apply(hold) == [Result.OK]
        book.freeze(wallet["wallet"])

        assert book.apply(book.post(hold)) == [Result.OK]

        assert book.balances(wallet["wallet"]) == {"credits_posted": 10_500}

    def test_after_the_unfreeze_a_new_payment_goes_through_and_the_refused_id_stays_burnt(
        self, book, wallet
    ):
        book.freeze(wallet["wallet"])
        refused = book.single(wallet["wallet"], wallet["merchant"], 2_500)
        assert book.apply(refused) == [Result.DEBITS_FROZEN]

        book.unfreeze(wallet["wallet"])

        assert book.apply(refused) == [Result.ID_ALREADY_FAILED]
        assert book.apply(book.single(wallet["wallet"], wallet["merchant"], 2_500)) == [Result.OK]
        assert book.balances(wallet["wallet"]) == {
            "credits_posted": 10_000,
            "debits_posted": 2_500,
        }


class TestAccountDebitsFreeze:
    def test_sets_the_flag_with_an_audit_entry_and_an_event_per_account(self, book, wallet):
        frozen = account_debits_freeze(
            account_ids=[wallet["merchant"], wallet["wallet"]],
            reason_code="risk.case:17",
            actor=SYSTEM,
            now=book.now,
        )

        assert frozen == sorted([wallet["merchant"], wallet["wallet"]])
        assert frozen_flag(wallet["wallet"]) and frozen_flag(wallet["merchant"])
        entries = AuditEntry.objects.filter(action="ledger.account_debits_freeze").order_by("id")
        assert [e.target_id for e in entries] == [str(i) for i in frozen]
        assert entries[0].before == {"debits_frozen": False}
        assert entries[0].after["debits_frozen"] is True
        assert entries[0].after["reason_code"] == "risk.case:17"
        events = OutboxEvent.objects.filter(event_type="ledger.account_debits_frozen")
        assert sorted(e.aggregate_id for e in events) == [str(i) for i in frozen]

    def test_by_owner_freezes_every_account_of_that_owner_and_no_other(self, book, wallet):
        savings = book.open("2002.savings", owner_ref="customer:1")

        frozen = account_debits_freeze(
            owner_ref="customer:1", reason_code="customers.freeze", actor=SYSTEM, now=book.now
        )

        assert frozen == sorted([wallet["wallet"], savings])
        assert not frozen_flag(wallet["merchant"])

    def test_freezing_a_frozen_account_for_the_same_reason_changes_nothing(self, book, wallet):
        book.freeze(wallet["wallet"])
        entries, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        again = account_debits_freeze(
            account_ids=[wallet["wallet"]], reason_code="test.freeze", actor=SYSTEM, now=book.now
        )

        assert again == []
        assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (entries, events)

    def test_unfreeze_clears_the_flag_with_its_own_audit_entry_and_event(self, book, wallet):
        book.freeze(wallet["wallet"])

        unfrozen = account_debits_unfreeze(
            account_ids=[wallet["wallet"]], reason_code="test.freeze", actor=SYSTEM, now=book.now
        )

        assert unfrozen == [wallet["wallet"]]
        assert not frozen_flag(wallet["wallet"])
        entry = AuditEntry.objects.get(action="ledger.account_debits_unfreeze")
        assert (entry.before, entry.after["debits_frozen"]) == ({"debits_frozen": True}, False)
        assert OutboxEvent.objects.filter(event_type="ledger.account_debits_unfrozen").count() == 1

    def test_inside_a_callers_transaction_it_rolls_back_with_it(self, book, wallet):
        entries = AuditEntry.objects.count()
        with transaction.atomic():
            account_debits_freeze(
                account_ids=[wallet["wallet"]], reason_code="x", actor=SYSTEM, now=book.now
            )
            transaction.set_rollback(True)

        assert not frozen_flag(wallet["wallet"])
        assert AuditEntry.objects.count() == entries

    @pytest.mark.parametrize(
        "naming",
        [{}, {"account_ids": [uuid.uuid4()], "owner_ref": "customer:1"}],
        ids=["neither", "both"],
    )
    def test_needs_the_accounts_named_one_way(self, book, naming):
        with pytest.raises(AccountInvalid):
            account_debits_freeze(reason_code="x", actor=SYSTEM, now=book.now, **naming)

    @pytest.mark.parametrize("reason_code", ["", "suspected fraud by Zhang San", "a" * 65])
    def test_the_reason_is_a_code_not_prose(self, book, wallet, reason_code):
        with pytest.raises(AccountInvalid):
            account_debits_freeze(
                account_ids=[wallet["wallet"]], reason_code=reason_code, actor=SYSTEM, now=book.now
            )

        assert not frozen_flag(wallet["wallet"])

    def test_an_unknown_account_is_refused_and_nothing_is_frozen(self, book, wallet):
        with pytest.raises(AccountNotFound):
            account_debits_freeze(
                account_ids=[wallet["wallet"], uuid.uuid4()],
                reason_code="x",
                actor=SYSTEM,
                now=book.now,
            )

        assert not frozen_flag(wallet["wallet"])

    @pytest.mark.postgres
    def test_locks_the_accounts_in_primary_key_order(self, book, wallet):
        with CaptureQueriesContext(connection) as queries:
            book.freeze(wallet["wallet"])

        [locking] = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        assert 'ORDER BY "ledger_account"."id" ASC FOR UPDATE' in locking


class TestVerify:
    def test_a_ledger_with_frozen_and_unfrozen_accounts_verifies(self, book, wallet):
        assert book.apply(book.single(wallet["wallet"], wallet["merchant"], 100)) == [Result.OK]
        book.freeze(wallet["wallet"])
        assert book.apply(book.single(wallet["bank"], wallet["wallet"], 100)) == [Result.OK]
        book.unfreeze(wallet["wallet"])
        assert book.apply(book.single(wallet["wallet"], wallet["merchant"], 100)) == [Result.OK]

        assert ledger_verify().problems == []

    @pytest.mark.parametrize("unfrozen_since", [False, True])
    def test_a_debit_written_around_the_ledger_while_frozen_is_reported(
        self, book, wallet, unfrozen_since
    ):
        before = book.single(wallet["wallet"], wallet["merchant"], 100)
        assert book.apply(before) == [Result.OK]
        book.freeze(wallet["wallet"])
        # A payment the ledger refuses, written as if it had not: the flag lifted around it.
        Account.objects.filter(id=wallet["wallet"]).update(debits_frozen=False)
        sneaked = book.single(wallet["wallet"], wallet["merchant"], 100)
        assert book.apply(sneaked) == [Result.OK]
        Account.objects.filter(id=wallet["wallet"]).update(debits_frozen=True)
        if unfrozen_since:
            book.unfreeze(wallet["wallet"])
            assert book.apply(book.single(wallet["wallet"], wallet["merchant"], 1)) == [Result.OK]

        problems = ledger_verify().problems

        assert problems == [
            f"transfer {sneaked.id}: debited account {wallet['wallet']} while its debits "
            "were frozen"
        ]
