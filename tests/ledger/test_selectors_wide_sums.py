"""Sums past 2**63 - 1: every balance fits in a BIGINT, but a trial balance adds balances across
accounts, and past balances add every hold an account ever had. The reads give the exact sum on
both databases (SQLite's SUM() would stop with ``integer overflow``) and the API and the pages
show it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hujin.core.actors import SYSTEM
from hujin.ledger.selectors import Balances, account_balances, account_statement, trial_balance

MAX = 2**63 - 1
BASE = "/api/v1/ledger"


@pytest.fixture
def past_the_limit_across_accounts(book):
    """Two legal transfers into two wallets from two banks, the first of 2**63 - 1 fen; two
    holds the same way: every column of the trial balance adds up to 2**63."""
    banks = [book.open("1001.bank", kind="asset") for _ in range(4)]
    wallets = [book.open("2001.wallet") for _ in range(4)]
    assert (
        book.apply(
            book.single(banks[0], wallets[0], MAX),
            book.single(banks[1], wallets[1], 1),
            book.pending(banks[2], wallets[2], MAX),
            book.pending(banks[3], wallets[3], 1),
        )
        == ["ok"] * 4
    )


@pytest.fixture
def holds_past_the_limit(book):
    """A wallet that had holds of 2**63 - 1, 5 and 1 fen: the first voided, the second posted
    at 3, the last still held. Its holds add up past 2**63 - 1; its balances never did."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet")
    huge, five, one = (book.pending(bank, wallet, amount) for amount in (MAX, 5, 1))
    assert book.apply(huge, book.void(huge)) == ["ok", "ok"]
    assert book.apply(five, book.post(five, 3), one) == ["ok", "ok", "ok"]
    return wallet


WALLET_NOW = Balances(debits_pending=0, debits_posted=0, credits_pending=1, credits_posted=3)


class TestTrialBalance:
    def test_adds_balances_past_the_largest_bigint(self, past_the_limit_across_accounts):
        rows = {(r.kind, r.code): r for r in trial_balance(actor=SYSTEM)}

        bank, wallet = rows[("asset", "1001.bank")], rows[("liability", "2001.wallet")]
        assert (bank.accounts, bank.debits_posted, bank.debits_pending) == (4, 2**63, 2**63)
        assert (wallet.accounts, wallet.credits_posted, wallet.credits_pending) == (
            4, 2**63, 2**63,
        )  # fmt: skip
        assert (bank.credits_posted, bank.credits_pending) == (0, 0)
        assert all(isinstance(getattr(bank, f), int) for f in ("debits_posted", "accounts"))

    def test_filters_by_currency_with_the_same_sums(self, past_the_limit_across_accounts, book):
        book.open("1001.bank", kind="asset", currency="USD")

        rows = trial_balance(actor=SYSTEM, currency="CNY")

        assert {r.currency for r in rows} == {"CNY"}
        assert sum(r.debits_posted for r in rows) == 2**63

    def test_the_api_answers_with_the_sums(self, past_the_limit_across_accounts, api_client):
        reader = api_client("ledger:read", name="reader")

        response = reader.get(f"{BASE}/trial-balance")

        assert response.status_code == 200, response.content
        (cny,) = response.json()["currencies"]
        assert cny["total"]["debits_posted"] == "92233720368547758.08"
        assert cny["balanced"] is True

    def test_the_page_shows_the_sums(self, past_the_limit_across_accounts, staff_client):
        response = staff_client.get(reverse("ledger:trial_balance"))

        assert response.status_code == 200
        assert "92,233,720,368,547,758.08 CNY" in response.content.decode()


class TestPastBalances:
    def test_balances_as_of_now_add_every_hold_exactly(self, book, holds_past_the_limit):
        then = account_balances(actor=SYSTEM, account_id=holds_past_the_limit, as_of=book.now)

        assert then == WALLET_NOW

    def test_balances_at_a_business_date_add_every_hold_exactly(self, book, holds_past_the_limit):
        then = account_balances(
            actor=SYSTEM, account_id=holds_past_the_limit, business_date=book.business_date
        )

        assert then == WALLET_NOW
        assert all(type(v) is int for v in (then.credits_pending, then.credits_posted))

    def test_the_api_answers_with_past_balances(self, book, holds_past_the_limit, api_client):
        reader = api_client("ledger:read", name="reader")

        response = reader.get(
            f"{BASE}/accounts/{holds_past_the_limit}",
            {"business_date": book.business_date.isoformat()},
        )

        assert response.status_code == 200, response.content
        assert response.json()["balances"]["credits_pending"] == "0.01"
        assert response.json()["balances"]["credits_posted"] == "0.03"


class TestStatement:
    def test_opening_and_closing_add_every_hold_exactly(self, book, holds_past_the_limit):
        day = book.business_date
        book.business_date = day + timedelta(days=1)
        bank = book.open("1001.bank", kind="asset")
        assert book.apply(book.single(bank, holds_past_the_limit, 7)) == ["ok"]

        statement = account_statement(
            actor=SYSTEM, account_id=holds_past_the_limit, from_date=day + timedelta(days=1),
            to_date=day + timedelta(days=1),
        )  # fmt: skip

        assert statement.opening == WALLET_NOW
        assert statement.closing == Balances(0, 0, 1, 10)
        assert (statement.credits_posted_total, statement.debits_posted_total) == (7, 0)

    def test_a_period_with_every_hold_in_it(self, book, holds_past_the_limit, api_client):
        reader = api_client("ledger:read", name="reader")
        day = book.business_date.isoformat()

        response = reader.get(
            f"{BASE}/accounts/{holds_past_the_limit}/statement", {"from_date": day, "to_date": day}
        )

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["closing"]["credits_pending"] == "0.01"
        assert body["closing"]["credits_posted"] == "0.03"
        assert len(body["entries"]) == 5


@pytest.mark.postgres
class TestBothWaysOfSumming:
    """PostgreSQL adds in the database; SQLite's way, in Python, must give the same answers."""

    def test_past_balances_agree(self, book, holds_past_the_limit):
        from django.db.models import Q

        from hujin.ledger.models import Account
        from hujin.ledger.selectors.accounts import _summed_in_database, _summed_in_python

        account = Account.objects.get(id=holds_past_the_limit)
        for cut in (Q(business_date__lte=book.business_date), Q(created_at__lt=book.now)):
            assert _summed_in_python(account, cut) == _summed_in_database(account, cut)
        assert _summed_in_python(account, Q()) == WALLET_NOW

    def test_trial_balances_agree(self, past_the_limit_across_accounts):
        from hujin.ledger.models import Account
        from hujin.ledger.selectors.transfers import _totals_in_database, _totals_in_python

        accounts = Account.objects.all()
        assert dict(_totals_in_python(accounts)) == _totals_in_database(accounts)
