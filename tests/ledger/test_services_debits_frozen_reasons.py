"""Frozen debits keep their reasons: an unfreeze lifts one reason, not every freeze.

A customer freeze (``customers.freeze``) and a risk freeze (``risk.case:17``) may hold the same
wallet; lifting one leaves the debits frozen for the other. The account's ``debits_frozen`` flag
is set while at least one reason is active (``AccountDebitFreeze``); every reason added or lifted
is kept in ``AccountDebitFreezeChange``, with an audit entry and an event each.
"""

import pytest

from hujin.core.actors import Actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, AccountDebitFreeze, AccountDebitFreezeChange, Transfer
from hujin.ledger.services import account_debits_freeze, account_debits_unfreeze
from hujin.ledger.verify import ledger_verify

CUSTOMERS = "customers.freeze"
RISK = "risk.case:17"
ANALYST = Actor(kind="staff", id="42", label="analyst")


@pytest.fixture
def wallet(book):
    """A customer's wallet holding 100.00, and the bank and a merchant."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True, owner_ref="customer:1")
    merchant = book.open("2101.merchant")
    assert book.apply(book.single(bank, wallet, 10_000)) == [Result.OK]
    return {"bank": bank, "wallet": wallet, "merchant": merchant}


def freeze(book, account_id, reason: str, **naming) -> list:
    naming = naming or {"account_ids": [account_id]}
    return account_debits_freeze(reason_code=reason, actor=ANALYST, now=book.now, **naming)


def unfreeze(book, account_id, reason: str, **naming) -> list:
    naming = naming or {"account_ids": [account_id]}
    return account_debits_unfreeze(reason_code=reason, actor=ANALYST, now=book.now, **naming)


def flag(account_id) -> bool:
    return Account.objects.values_list("debits_frozen", flat=True).get(id=account_id)


def reasons(account_id) -> list[str]:
    rows = AccountDebitFreeze.objects.filter(account_id=account_id).order_by("reason_code")
    return list(rows.values_list("reason_code", flat=True))


class TestTwoReasons:
    def test_a_customer_unfreeze_does_not_lift_a_risk_freeze(self, book, wallet):
        freeze(book, wallet["wallet"], RISK)
        freeze(book, None, CUSTOMERS, owner_ref="customer:1")

        lifted = unfreeze(book, None, CUSTOMERS, owner_ref="customer:1")

        assert lifted == [wallet["wallet"]]
        assert flag(wallet["wallet"]) and reasons(wallet["wallet"]) == [RISK]
        payment = book.single(wallet["wallet"], wallet["merchant"], 100)
        assert book.apply(payment) == [Result.DEBITS_FROZEN]

    def test_lifting_the_last_reason_lets_debits_through_again(self, book, wallet):
        freeze(book, wallet["wallet"], RISK)
        freeze(book, wallet["wallet"], CUSTOMERS)
        unfreeze(book, wallet["wallet"], CUSTOMERS)

        unfreeze(book, wallet["wallet"], RISK)

        assert not flag(wallet["wallet"]) and reasons(wallet["wallet"]) == []
        payment = book.single(wallet["wallet"], wallet["merchant"], 100)
        assert book.apply(payment) == [Result.OK]
        assert ledger_verify().problems == []

    def test_a_second_reason_is_recorded_with_its_own_audit_entry_and_event(self, book, wallet):
        freeze(book, wallet["wallet"], RISK)

        added = freeze(book, wallet["wallet"], CUSTOMERS)

        assert added == [wallet["wallet"]]
        assert reasons(wallet["wallet"]) == [CUSTOMERS, RISK]
        entry = AuditEntry.objects.filter(action="ledger.account_debits_freeze").latest("id")
        assert entry.before == {"debits_frozen": True}
        assert entry.after["reason_code"] == CUSTOMERS
        assert entry.after["reason_codes"] == [CUSTOMERS, RISK]
        event = OutboxEvent.objects.filter(event_type="ledger.account_debits_frozen").latest("id")
        assert (event.payload["reason_code"], event.payload["debits_frozen"]) == (CUSTOMERS, True)

    def test_each_lift_s_event_says_whether_the_account_is_still_frozen(self, book, wallet):
        freeze(book, wallet["wallet"], RISK)
        freeze(book, wallet["wallet"], CUSTOMERS)

        unfreeze(book, wallet["wallet"], CUSTOMERS)
        unfreeze(book, wallet["wallet"], RISK)

        events = OutboxEvent.objects.filter(event_type="ledger.account_debits_unfrozen")
        assert [
            (e.payload["reason_code"], e.payload["debits_frozen"]) for e in events.order_by("id")
        ] == [(CUSTOMERS, True), (RISK, False)]
        entries = AuditEntry.objects.filter(action="ledger.account_debits_unfreeze")
        assert [(e.before, e.after["debits_frozen"]) for e in entries.order_by("id")] == [
            ({"debits_frozen": True}, True),
            ({"debits_frozen": True}, False),
        ]


class TestLiftingAReason:
    def test_a_reason_that_is_not_active_is_left_alone_and_nothing_is_written(self, book, wallet):
        freeze(book, wallet["wallet"], RISK)
        entries, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
        changes = AccountDebitFreezeChange.objects.count()

        lifted = unfreeze(book, wallet["wallet"], CUSTOMERS)

        assert lifted == []
        assert flag(wallet["wallet"]) and reasons(wallet["wallet"]) == [RISK]
        assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (entries, events)
        assert AccountDebitFreezeChange.objects.count() == changes

    def test_the_reason_is_lifted_by_its_own_code(self, book, wallet):
        freeze(book, wallet["wallet"], "customers.freeze")

        assert unfreeze(book, wallet["wallet"], "customers.freeze") == [wallet["wallet"]]

        assert reasons(wallet["wallet"]) == []

    def test_a_code_that_looks_like_the_lift_of_a_reason_does_not_lift_it(self, book, wallet):
        freeze(book, wallet["wallet"], "customers.freeze")

        assert unfreeze(book, wallet["wallet"], "customers.unfreeze") == []

        assert flag(wallet["wallet"]) and reasons(wallet["wallet"]) == ["customers.freeze"]

    def test_any_code_may_be_a_freeze_s_reason_and_is_lifted_by_that_code(self, book, wallet):
        assert freeze(book, wallet["wallet"], "risk.unfreeze") == [wallet["wallet"]]

        assert reasons(wallet["wallet"]) == ["risk.unfreeze"]
        assert unfreeze(book, wallet["wallet"], "risk.unfreeze") == [wallet["wallet"]]
        assert not flag(wallet["wallet"])

    def test_by_owner_only_the_accounts_frozen_for_that_reason_are_lifted(self, book, wallet):
        savings = book.open("2002.savings", owner_ref="customer:1")
        freeze(book, None, CUSTOMERS, owner_ref="customer:1")
        freeze(book, savings, RISK)
        unfreeze(book, savings, CUSTOMERS)

        lifted = unfreeze(book, None, CUSTOMERS, owner_ref="customer:1")

        assert lifted == [wallet["wallet"]]
        assert (flag(wallet["wallet"]), flag(savings)) == (False, True)


class TestHistory:
    def test_every_reason_added_and_lifted_is_kept_in_order_with_who_and_where(self, book, wallet):
        freeze(book, wallet["wallet"], RISK)
        top_up = book.single(wallet["bank"], wallet["wallet"], 1)
        assert book.apply(top_up) == [Result.OK]
        freeze(book, wallet["wallet"], CUSTOMERS)
        unfreeze(book, wallet["wallet"], RISK)

        before, after = Transfer.objects.order_by("seq").values_list("seq", flat=True)
        history = AccountDebitFreezeChange.objects.filter(account_id=wallet["wallet"])
        assert list(
            history.order_by("id").values_list(
                "reason_code", "frozen", "debits_frozen", "transfers_seq", "actor_kind", "actor_id"
            )
        ) == [
            (RISK, True, True, before, "staff", "42"),
            (CUSTOMERS, True, True, after, "staff", "42"),
            (RISK, False, True, after, "staff", "42"),
        ]
        [current] = AccountDebitFreeze.objects.filter(account_id=wallet["wallet"])
        assert (current.reason_code, current.transfers_seq, current.frozen_at) == (
            CUSTOMERS,
            after,
            book.now,
        )
