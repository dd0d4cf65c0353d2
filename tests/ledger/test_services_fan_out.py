"""Worked examples of ``transfers_fan_out``: a money-market fund's daily income paid to every
holder as units, one posted transfer per holding, from the fund's house account of issued units
to each holder's unit account, written set-based.

The rows must be exactly the ones ``transfers_create`` would have written for the same transfers
in the same order: each test that compares runs the batch path on a second, identical set of
accounts. The ``book`` fixture replays the whole history afterwards (snapshots, sums, limits).
"""

import uuid
from datetime import date

import pytest
from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.dates import business_date_get
from hujin.core.ids import new_id
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.errors import AccountNotFound, Result, TransferInvalid
from hujin.ledger.models import Account, Transfer
from hujin.ledger.services import (
    FanOutLines,
    FanOutRefused,
    FanOutResult,
    transfers_create,
    transfers_fan_out,
)
from hujin.ledger.verify import ledger_verify

UNITS = "U:MMF001"
COB = Actor(kind="system", id="wealth.cob", label="wealth.cob")
CODE = "wealth.income"
METADATA = {"product": "MMF001", "accrual_date": "2026-03-01"}
COMPARED_FIELDS = (
    "kind", "currency", "amount", "pending_id", "linked", "timeout_seconds", "expires_at",
    "code", "metadata", "business_date", "created_at",
    "dr_debits_pending", "dr_debits_posted", "dr_credits_pending", "dr_credits_posted",
    "cr_debits_pending", "cr_debits_posted", "cr_credits_pending", "cr_credits_posted",
    "actor_kind", "actor_id",
)  # fmt: skip


def lines_of(pairs) -> FanOutLines:
    """Lines as a query over VALUES, numbered by their position: (account id, amount) pairs."""
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    if not pairs:
        return FanOutLines("SELECT id, 1 FROM ledger_account WHERE 1 = 0")
    row = "(%s, %s::uuid, %s::bigint)" if postgres else "(%s, %s, %s)"
    params = []
    for n, (account_id, amount) in enumerate(pairs):
        params += [n, account_id if postgres else account_id.hex, amount]
    return FanOutLines(
        "SELECT column2, column3 FROM (VALUES " + ", ".join([row] * len(pairs)) + ") AS v "
        "ORDER BY column1",
        tuple(params),
    )


class Fund:
    """A fund's house account of issued units and its holders' unit accounts."""

    def __init__(self, book, holders: int = 3, **holder_flags):
        self.book = book
        self.house = book.open("3001.units_issued", currency=UNITS)
        self.holders = [
            book.open("2301.units", currency=UNITS, **holder_flags) for _ in range(holders)
        ]


def fan_out(book, debit, pairs, *, batch_id=None, **overrides) -> FanOutResult:
    arguments = {
        "batch_id": batch_id or uuid.uuid4(),
        "debit_account_id": debit,
        "lines": lines_of(pairs),
        "code": CODE,
        "metadata": METADATA,
        "actor": COB,
        "now": book.now,
        "business_date": book.business_date,
    }
    return transfers_fan_out(**{**arguments, **overrides})


def rows_of(debit) -> list[dict]:
    return list(
        Transfer.objects.filter(debit_account_id=debit).order_by("seq").values(*COMPARED_FIELDS)
    )


def written() -> int:
    return Transfer.objects.count()


@pytest.fixture
def fund(book):
    return Fund(book)


class TestWhatItWrites:
    def test_a_fan_out_posts_one_transfer_per_line_with_the_rows_the_batch_path_writes(self, book):
        ours, theirs = Fund(book), Fund(book)
        amounts = [1_250, 3, 98_765]
        # Some history first, the same on both sides, so the snapshots are not all zeros.
        for fund in (ours, theirs):
            book.apply(book.single(fund.house, fund.holders[1], 40))

        result = fan_out(book, ours.house, list(zip(ours.holders, amounts, strict=True)))
        book.advance(0)
        by_batch = transfers_create(
            transfers=[
                book.single(theirs.house, holder, amount, code=CODE, metadata=METADATA)
                for holder, amount in zip(theirs.holders, amounts, strict=True)
            ],
            actor=COB,
            now=book.now,
            business_date=book.business_date,
        )

        assert [r.result for r in by_batch] == [Result.OK] * 3
        assert (result.created, result.total, result.already_done, result.refused) == (
            3, sum(amounts), False, ()
        )  # fmt: skip
        assert rows_of(ours.house) == rows_of(theirs.house)
        for mine, other in zip([*ours.holders, ours.house], [*theirs.holders, theirs.house],
                               strict=True):  # fmt: skip
            assert book.balances(mine) == book.balances(other)

    def test_each_row_names_both_accounts_by_id_and_number_and_carries_the_batch_id(
        self, book, fund
    ):
        batch_id = uuid.uuid4()

        fan_out(book, fund.house, [(h, 10) for h in fund.holders], batch_id=batch_id)

        numbers = dict(Account.objects.values_list("id", "number"))
        rows = Transfer.objects.filter(debit_account_id=fund.house).order_by("seq")
        assert [t.credit_account_id for t in rows] == fund.holders
        for t in rows:
            assert (t.debit_number, t.credit_number) == (
                numbers[fund.house], numbers[t.credit_account_id]
            )  # fmt: skip
            assert t.batch_id == batch_id

    def test_the_debit_accounts_snapshots_run_cumulatively_in_the_lines_order(self, book, fund):
        amounts = [500, 20, 7]

        fan_out(book, fund.house, list(zip(reversed(fund.holders), amounts, strict=True)))

        rows = Transfer.objects.filter(debit_account_id=fund.house).order_by("seq")
        assert [t.credit_account_id for t in rows] == list(reversed(fund.holders))
        assert [t.dr_debits_posted for t in rows] == [500, 520, 527]
        assert [t.cr_credits_posted for t in rows] == amounts
        assert book.balances(fund.house) == {"debits_posted": 527}

    def test_transfers_are_numbered_after_the_ones_before_with_ids_that_sort_after_them(
        self, book, fund
    ):
        book.apply(book.single(fund.house, fund.holders[0], 1, id=new_id()))  # time-ordered
        before = Transfer.objects.get()

        fan_out(book, fund.house, [(h, 10) for h in fund.holders])

        rows = list(Transfer.objects.exclude(id=before.id).order_by("seq"))
        assert all(t.seq > before.seq for t in rows)
        assert [t.id for t in rows] == sorted(t.id for t in rows)
        assert all(t.id > before.id for t in rows)
        assert all(t.id.version == 7 for t in rows)

    def test_the_lines_can_be_any_query_with_its_own_parameters(self, book, fund):
        other = book.open("2301.units", currency="U:OTHER")

        result = fan_out(
            book, fund.house, [],
            lines=FanOutLines(
                "SELECT id, 100 FROM ledger_account WHERE code = %s AND currency = %s "
                "ORDER BY number DESC", ("2301.units", UNITS),
            ),
        )  # fmt: skip

        assert (result.created, result.total) == (3, 300)
        assert book.balances(other) == {}
        rows = Transfer.objects.order_by("seq").values_list("credit_account_id", flat=True)
        assert list(rows) == list(reversed(fund.holders))

    def test_verify_passes_afterwards(self, book, fund):
        fan_out(book, fund.house, [(h, 10 * (i + 1)) for i, h in enumerate(fund.holders)])

        report = ledger_verify()

        assert report.problems == []
        assert report.transfers_checked == 3

    def test_the_business_date_defaults_to_the_current_one(self, book, fund):
        fan_out(book, fund.house, [(fund.holders[0], 1)], business_date=None)

        assert Transfer.objects.get().business_date == business_date_get(now=book.now)


class TestOneRecordPerFanOut:
    def test_one_audit_entry_and_one_event_name_the_batch_with_its_counts(self, book, fund):
        batch_id = uuid.uuid4()
        closed = book.open("2301.units", currency=UNITS)
        book.close(closed)

        fan_out(book, fund.house, [(h, 5) for h in [*fund.holders, closed]], batch_id=batch_id)

        entry = AuditEntry.objects.get(action="ledger.transfers_fan_out")
        assert (entry.target_type, entry.target_id) == ("ledger.batch", str(batch_id))
        assert (entry.actor_kind, entry.actor_id) == ("system", "wealth.cob")
        assert entry.after["created"] == 3
        assert entry.after["total"] == 15
        assert entry.after["refused"] == 1
        event = OutboxEvent.objects.get(event_type="ledger.transfers_fanned_out")
        assert (event.aggregate_type, event.aggregate_id) == ("ledger.batch", str(batch_id))
        assert event.payload["batch_id"] == str(batch_id)
        assert (event.payload["created"], event.payload["total"]) == (3, 15)

    def test_a_second_call_with_the_same_batch_id_writes_nothing_and_reports_already_done(
        self, book, fund
    ):
        batch_id = uuid.uuid4()
        first = fan_out(book, fund.house, [(h, 7) for h in fund.holders], batch_id=batch_id)

        again = fan_out(book, fund.house, [(h, 9) for h in fund.holders], batch_id=batch_id)

        assert (first.created, first.already_done) == (3, False)
        assert again == FanOutResult(batch_id, created=0, total=21, already_done=True, refused=())
        assert written() == 3
        assert AuditEntry.objects.filter(action="ledger.transfers_fan_out").count() == 1
        assert book.balances(fund.house) == {"debits_posted": 21}

    def test_an_empty_query_writes_nothing_and_records_nothing(self, book, fund):
        result = fan_out(book, fund.house, [])

        assert (result.created, result.total, result.already_done, result.refused) == (
            0, 0, False, ()
        )  # fmt: skip
        assert written() == 0
        assert not AuditEntry.objects.filter(action="ledger.transfers_fan_out").exists()
        assert not OutboxEvent.objects.filter(event_type="ledger.transfers_fanned_out").exists()


class TestRefusedLines:
    def test_closed_other_currency_limit_crossing_and_missing_accounts_are_refused_and_listed(
        self, book, fund
    ):
        closed = book.open("2301.units", currency=UNITS)
        book.close(closed)
        other_currency = book.open("2301.units", currency="U:OTHER")
        limited = book.open("2301.units", currency=UNITS, credits_must_not_exceed_debits=True)
        missing = uuid.uuid4()
        first, second, third = fund.holders

        result = fan_out(book, fund.house, [
            (first, 10), (closed, 20), (second, 30), (other_currency, 40), (limited, 50),
            (missing, 60), (third, 70),
        ])  # fmt: skip

        assert result.refused == (
            (closed, Result.ACCOUNT_CLOSED, 20),
            (other_currency, Result.CURRENCY_MISMATCH, 40),
            (limited, Result.EXCEEDS_DEBITS, 50),
            (missing, Result.ACCOUNT_NOT_FOUND, 60),
        )
        assert (result.created, result.total) == (3, 110)
        rows = Transfer.objects.order_by("seq")
        assert [t.credit_account_id for t in rows] == [first, second, third]
        assert [t.dr_debits_posted for t in rows] == [10, 40, 110]
        for account in (closed, other_currency, limited):
            assert book.balances(account) == {}

    def test_a_fan_out_whose_every_line_is_refused_writes_only_its_audit_entry(self, book, fund):
        closed = book.open("2301.units", currency=UNITS)
        book.close(closed)

        result = fan_out(book, fund.house, [(closed, 5)])

        assert (result.created, result.refused) == (0, ((closed, Result.ACCOUNT_CLOSED, 5),))
        assert written() == 0
        assert AuditEntry.objects.get(action="ledger.transfers_fan_out").after["refused"] == 1
        assert not OutboxEvent.objects.filter(event_type="ledger.transfers_fanned_out").exists()
        again = fan_out(book, fund.house, [(closed, 5)], batch_id=result.batch_id)
        assert not again.already_done  # nothing was written under it


class TestRefusedFanOuts:
    def test_a_debit_account_that_cannot_cover_the_total_refuses_everything(self, book):
        pool = book.open("2301.units_pool", currency=UNITS, debits_must_not_exceed_credits=True)
        issuer = book.open("3001.units_issued", currency=UNITS)
        book.apply(book.single(issuer, pool, 100))
        holders = [book.open("2301.units", currency=UNITS) for _ in range(2)]

        with pytest.raises(FanOutRefused) as refused:
            fan_out(book, pool, [(holders[0], 60), (holders[1], 41)])

        assert refused.value.code == Result.EXCEEDS_CREDITS
        assert refused.value.details["total"] == 101
        assert written() == 1
        assert book.balances(pool) == {"credits_posted": 100}
        assert not AuditEntry.objects.filter(action="ledger.transfers_fan_out").exists()

    def test_a_debit_account_that_covers_the_total_exactly_pays_it_all(self, book):
        pool = book.open("2301.units_pool", currency=UNITS, debits_must_not_exceed_credits=True)
        issuer = book.open("3001.units_issued", currency=UNITS)
        book.apply(book.single(issuer, pool, 100))
        holders = [book.open("2301.units", currency=UNITS) for _ in range(2)]

        result = fan_out(book, pool, [(holders[0], 60), (holders[1], 40)])

        assert result.created == 2
        assert book.balances(pool) == {"credits_posted": 100, "debits_posted": 100}

    @pytest.mark.parametrize("state", ["closed", "frozen"])
    def test_a_closed_or_frozen_debit_account_refuses_everything(self, book, fund, state):
        if state == "closed":
            book.close(fund.house)
        else:
            book.freeze(fund.house)

        with pytest.raises(FanOutRefused) as refused:
            fan_out(book, fund.house, [(h, 1) for h in fund.holders])

        expected = {"closed": Result.ACCOUNT_CLOSED, "frozen": Result.DEBITS_FROZEN}[state]
        assert refused.value.code == expected
        assert written() == 0

    def test_a_missing_debit_account_raises_account_not_found(self, book, fund):
        with pytest.raises(AccountNotFound):
            fan_out(book, uuid.uuid4(), [(fund.holders[0], 1)])


class TestMalformedLines:
    @pytest.mark.parametrize("amount", [0, -5])
    def test_a_non_positive_amount_raises_and_writes_nothing(self, book, fund, amount):
        with pytest.raises(TransferInvalid):
            fan_out(book, fund.house, [(fund.holders[0], 10), (fund.holders[1], amount)])

        assert written() == 0
        assert book.balances(fund.holders[0]) == {}

    def test_a_duplicate_account_raises_and_writes_nothing(self, book, fund):
        with pytest.raises(TransferInvalid) as invalid:
            fan_out(book, fund.house, [(fund.holders[0], 10), (fund.holders[1], 1),
                                       (fund.holders[0], 5)])  # fmt: skip

        assert "more than one line" in invalid.value.message
        assert written() == 0

    def test_a_missing_account_named_twice_is_a_duplicate_too(self, book, fund):
        missing = uuid.uuid4()

        with pytest.raises(TransferInvalid):
            fan_out(book, fund.house, [(missing, 1), (fund.holders[0], 2), (missing, 3)])

    def test_a_line_crediting_the_debit_account_raises(self, book, fund):
        with pytest.raises(TransferInvalid):
            fan_out(book, fund.house, [(fund.holders[0], 1), (fund.house, 1)])

        assert written() == 0

    @pytest.mark.parametrize(
        "sql",
        [
            "SELECT id, 1, 2 FROM ledger_account",
            "SELECT id FROM ledger_account",
            "SELEC id, 1 FROM ledger_account",
            "SELECT id, 1 FROM no_such_table",
        ],
        ids=["three-columns", "one-column", "syntax", "no-table"],
    )
    def test_a_malformed_query_raises_and_writes_nothing(self, book, fund, sql):
        with pytest.raises(TransferInvalid) as invalid:
            fan_out(book, fund.house, [], lines=FanOutLines(sql))

        assert invalid.value.details["field"] == "lines"
        assert written() == 0

    def test_a_bad_code_or_metadata_raises(self, book, fund):
        with pytest.raises(TransferInvalid):
            fan_out(book, fund.house, [(fund.holders[0], 1)], code="no spaces")
        with pytest.raises(TransferInvalid):
            fan_out(book, fund.house, [(fund.holders[0], 1)], metadata={"x": float("nan")})


class TestInsideACallersTransaction:
    def test_it_joins_the_callers_transaction_and_rolls_back_with_it(self, book, fund):
        class Abandoned(Exception):
            pass

        with pytest.raises(Abandoned), transaction.atomic():
            fan_out(book, fund.house, [(h, 1) for h in fund.holders])
            assert written() == 3
            raise Abandoned

        assert written() == 0
        assert book.balances(fund.house) == {}

    def test_a_refused_fan_out_leaves_the_callers_transaction_usable(self, book, fund):
        with transaction.atomic():
            with pytest.raises(TransferInvalid):
                fan_out(book, fund.house, [(fund.holders[0], 1), (fund.holders[0], 1)])
            result = fan_out(book, fund.house, [(h, 2) for h in fund.holders])
            second = fan_out(book, fund.house, [(fund.holders[0], 3)])

        assert (result.created, second.created) == (3, 1)
        assert book.balances(fund.house) == {"debits_posted": 9}


def test_business_dates_are_written_as_given(book, fund):
    fan_out(book, fund.house, [(fund.holders[0], 1)], business_date=date(2026, 3, 3))

    assert Transfer.objects.get().business_date == date(2026, 3, 3)
