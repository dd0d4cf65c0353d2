"""`account_statement_between`: an account over two moments (a calendar month), by when each
transfer was made: the balances before each moment, the posted totals and the transfers between."""

from datetime import UTC, date, datetime, timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.errors import StatementPeriodInvalid
from hujin.ledger.selectors import account_statement_between


@pytest.fixture
def wallet_over_a_month_end(book):
    """¥10.00 in on 31 March (Shanghai), then in April ¥5.00 in, ¥2.00 out and a ¥1.00 hold
    posted: the transfers straddle Shanghai's midnight, not UTC's."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    book.now = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 23:30 on 31 March in Shanghai
    book.apply(book.single(bank, wallet, 1_000))
    book.now = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 April in Shanghai
    book.apply(book.single(bank, wallet, 500), book.single(wallet, bank, 200))
    hold = book.pending(wallet, bank, 100)
    book.apply(hold)
    book.advance(60)
    book.apply(book.post(hold))
    return wallet


def _april():
    start = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 1 April 00:00 in Shanghai
    return start, datetime(2026, 4, 30, 16, 0, tzinfo=UTC)


def test_the_opening_plus_credits_less_debits_is_the_closing(book, wallet_over_a_month_end):
    from_at, to_at = _april()

    statement = account_statement_between(
        actor=SYSTEM, account_id=wallet_over_a_month_end, from_at=from_at, to_at=to_at
    )

    assert (statement.from_date, statement.to_date) == (date(2026, 4, 1), date(2026, 4, 30))
    assert statement.opening.net("liability") == 1_000
    assert (statement.credits_posted_total, statement.debits_posted_total) == (500, 300)
    assert statement.closing.net("liability") == 1_000 + 500 - 300
    assert [(e.kind, e.amount) for e in statement.entries] == [
        ("single", 500), ("single", 200), ("pending", 100), ("post_pending", 100),
    ]  # fmt: skip


def test_the_entries_come_in_pages_in_order(book, wallet_over_a_month_end):
    from_at, to_at = _april()

    first = account_statement_between(
        actor=SYSTEM, account_id=wallet_over_a_month_end, from_at=from_at, to_at=to_at, limit=3
    )
    rest = account_statement_between(
        actor=SYSTEM, account_id=wallet_over_a_month_end, from_at=from_at, to_at=to_at,
        after_seq=first.next_after_seq, limit=3,
    )  # fmt: skip

    assert [e.amount for e in first.entries + rest.entries] == [500, 200, 100, 100]
    assert rest.next_after_seq is None


def test_a_period_that_ends_before_it_starts_is_refused(book, wallet_over_a_month_end):
    from_at, _ = _april()

    with pytest.raises(StatementPeriodInvalid):
        account_statement_between(
            actor=SYSTEM, account_id=wallet_over_a_month_end, from_at=from_at,
            to_at=from_at - timedelta(seconds=1),
        )  # fmt: skip
