"""`account_overview`: everything an account's page shows, in one call."""

import uuid
from datetime import timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.errors import AccountNotFound
from hujin.ledger.selectors import account_overview


@pytest.fixture
def wallet_with_history(book):
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    book.apply(book.single(bank, wallet, 1_000))
    book.advance(60)
    book.apply(book.single(bank, wallet, 500), book.single(bank, wallet, 250))
    return wallet


def test_the_overview_pages_the_history_newest_first(book, wallet_with_history):
    overview = account_overview(actor=SYSTEM, account_id=wallet_with_history, limit=2)

    assert overview.account.credits_posted == 1_750
    assert [e.amount for e in overview.history.entries] == [250, 500]
    older = account_overview(
        actor=SYSTEM,
        account_id=wallet_with_history,
        before_seq=overview.history.next_before_seq,
        limit=2,
    )
    assert [e.amount for e in older.history.entries] == [1_000]
    assert older.history.next_before_seq is None


def test_the_overview_gives_past_balances_only_when_asked(book, wallet_with_history):
    assert account_overview(actor=SYSTEM, account_id=wallet_with_history).balances_as_of is None

    then = account_overview(
        actor=SYSTEM, account_id=wallet_with_history, as_of=book.now - timedelta(seconds=30)
    )

    assert then.balances_as_of.credits_posted == 1_000


def test_an_unknown_account_has_no_overview(db):
    with pytest.raises(AccountNotFound):
        account_overview(actor=SYSTEM, account_id=uuid.uuid4())
