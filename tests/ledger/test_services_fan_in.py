"""Worked examples of ``transfers_fan_in``: a loan book's daily interest accrual, one posted
transfer per loan, from each loan's interest receivable account to the one interest income
account, written set-based.

The rows must be exactly the ones ``transfers_create`` would have written for the same transfers
in the same order: each test that compares runs the batch path on a second, identical set of
accounts. The ``book`` fixture replays the whole history afterwards (snapshots, sums, limits).
"""

import threading
import uuid
from datetime import date

import pytest
from django.db import connections, transaction

from hujin.core.actors import Actor
from hujin.core.dates import business_date_get
from hujin.core.ids import new_id
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.errors import AccountNotFound, Result, TransferInvalid
from hujin.ledger.models import Account, Transfer
from hujin.ledger.services import (
    FanInLines,
    FanInRefused,
    FanOutResult,
    transfers_create,
    transfers_fan_in,
    transfers_fan_out,
)
from hujin.ledger.verify import ledger_verify
from tests.ledger.test_services_concurrency import _wait_for_lock_waiters
from tests.ledger.test_services_fan_out import COMPARED_FIELDS
from tests.ledger.test_services_fan_out import lines_of as fan_out_lines_of

COB = Actor(kind="system", id="lending.cob", label="lending.cob")
CODE = "lending.interest_accrual"
METADATA = {"product": "LOAN01", "accrual_date": "2026-03-01"}
MAX_BALANCE = 2**63 - 1


def lines_of(pairs) -> FanInLines:
    """Lines as a query over VALUES, numbered by their position: (account id, amount) pairs."""
    query = fan_out_lines_of(pairs)
    return FanInLines(query.sql, query.params)


class LoanBook:
    """The interest income account and one interest receivable account per loan."""

    def __init__(self, book, loans: int = 3, **receivable_flags):
        self.book = book
        self.income = book.open("6011.interest_income", kind="income")
        self.receivables = [
            book.open("1132.interest_receivable", kind="asset", **receivable_flags)
            for _ in range(loans)
        ]


def fan_in(book, credit, pairs, *, batch_id=None, **overrides) -> FanOutResult:
    arguments = {
        "batch_id": batch_id or uuid.uuid4(),
        "credit_account_id": credit,
        "lines": lines_of(pairs),
        "code": CODE,
        "metadata": METADATA,
        "actor": COB,
        "now": book.now,
        "business_date": book.business_date,
    }
    return transfers_fan_in(**{**arguments, **overrides})


def rows_of(credit) -> list[dict]:
    return list(
        Transfer.objects.filter(credit_account_id=credit).order_by("seq").values(*COMPARED_FIELDS)
    )


def written() -> int:
    return Transfer.objects.count()


@pytest.fixture
def loans(book):
    return LoanBook(book)


class TestWhatItWrites:
    def test_a_fan_in_posts_one_transfer_per_line_with_the_rows_the_batch_path_writes(self, book):
        ours, theirs = LoanBook(book), LoanBook(book)
        amounts = [1_250, 3, 98_765]
        # Some history first, the same on both sides, so the snapshots are not all zeros.
        for loan_book in (ours, theirs):
            book.apply(book.single(loan_book.receivables[1], loan_book.income, 40))

        result = fan_in(book, ours.income, list(zip(ours.receivables, amounts, strict=True)))
        book.advance(0)
        by_batch = transfers_create(
            transfers=[
                book.single(receivable, theirs.income, amount, code=CODE, metadata=METADATA)
                for receivable, amount in zip(theirs.receivables, amounts, strict=True)
            ],
            actor=COB,
            now=book.now,
            business_date=book.business_date,
        )

        assert [r.result for r in by_batch] == [Result.OK] * 3
        assert (result.created, result.total, result.already_done, result.refused) == (
            3, sum(amounts), False, ()
        )  # fmt: skip
        assert rows_of(ours.income) == rows_of(theirs.income)
        for mine, other in zip([*ours.receivables, ours.income],
                               [*theirs.receivables, theirs.income], strict=True):  # fmt: skip
            assert book.balances(mine) == book.balances(other)

    def test_each_row_names_both_accounts_by_id_and_number_and_carries_the_batch_id(
        self, book, loans
    ):
        batch_id = uuid.uuid4()

        fan_in(book, loans.income, [(r, 10) for r in loans.receivables], batch_id=batch_id)

        numbers = dict(Account.objects.values_list("id", "number"))
        rows = Transfer.objects.filter(credit_account_id=loans.income).order_by("seq")
        assert [t.debit_account_id for t in rows] == loans.receivables
        for t in rows:
            assert (t.debit_number, t.credit_number) == (
                numbers[t.debit_account_id], numbers[loans.income]
            )  # fmt: skip
            assert t.batch_id == batch_id

    def test_the_credit_accounts_snapshots_run_cumulatively_in_the_lines_order(self, book, loans):
        amounts = [500, 20, 7]

        fan_in(book, loans.income, list(zip(reversed(loans.receivables), amounts, strict=True)))

        rows = Transfer.objects.filter(credit_account_id=loans.income).order_by("seq")
        assert [t.debit_account_id for t in rows] == list(reversed(loans.receivables))
        assert [t.cr_credits_posted for t in rows] == [500, 520, 527]
        assert [t.dr_debits_posted for t in rows] == amounts
        assert book.balances(loans.income) == {"credits_posted": 527}
        assert [book.balances(r) for r in reversed(loans.receivables)] == [
            {"debits_posted": amount} for amount in amounts
        ]

    def test_transfers_are_numbered_after_the_ones_before_with_ids_that_sort_after_them(
        self, book, loans
    ):
        book.apply(book.single(loans.receivables[0], loans.income, 1, id=new_id()))
        before = Transfer.objects.get()

        fan_in(book, loans.income, [(r, 10) for r in loans.receivables])

        rows = list(Transfer.objects.exclude(id=before.id).order_by("seq"))
        assert all(t.seq > before.seq for t in rows)
        assert [t.id for t in rows] == sorted(t.id for t in rows)
        assert all(t.id > before.id for t in rows)
        assert all(t.id.version == 7 for t in rows)

    def test_the_lines_can_be_any_query_with_its_own_parameters(self, book, loans):
        other = book.open("1132.interest_receivable", kind="asset", currency="USD")

        result = fan_in(
            book, loans.income, [],
            lines=FanInLines(
                "SELECT id, 100 FROM ledger_account WHERE code = %s AND currency = %s "
                "ORDER BY number DESC", ("1132.interest_receivable", "CNY"),
            ),
        )  # fmt: skip

        assert (result.created, result.total) == (3, 300)
        assert book.balances(other) == {}
        rows = Transfer.objects.order_by("seq").values_list("debit_account_id", flat=True)
        assert list(rows) == list(reversed(loans.receivables))

    def test_verify_passes_afterwards(self, book, loans):
        fan_in(book, loans.income, [(r, 10 * (i + 1)) for i, r in enumerate(loans.receivables)])

        report = ledger_verify()

        assert report.problems == []
        assert report.transfers_checked == 3

    def test_a_fan_in_after_a_fan_out_on_the_same_house_account_writes_the_batch_paths_rows(
        self, book
    ):
        ours, theirs = LoanBook(book), LoanBook(book)
        for loan_book in (ours, theirs):
            book.apply(book.single(loan_book.receivables[0], loan_book.income, 900))

        transfers_fan_out(
            batch_id=uuid.uuid4(), debit_account_id=ours.income,
            lines=fan_out_lines_of([(ours.receivables[0], 300)]),
            code=CODE, metadata=METADATA, actor=COB, now=book.now,
            business_date=book.business_date,
        )  # fmt: skip
        fan_in(book, ours.income, [(r, 50) for r in ours.receivables])
        transfers_create(
            transfers=[
                book.single(theirs.income, theirs.receivables[0], 300, code=CODE,
                            metadata=METADATA),
                *(book.single(r, theirs.income, 50, code=CODE, metadata=METADATA)
                  for r in theirs.receivables),
            ],
            actor=COB, now=book.now, business_date=book.business_date,
        )  # fmt: skip

        assert rows_of(ours.income) == rows_of(theirs.income)
        assert book.balances(ours.income) == book.balances(theirs.income)
        assert ledger_verify().problems == []

    def test_no_metadata_is_written_as_an_empty_object(self, book, loans):
        fan_in(book, loans.income, [(loans.receivables[0], 1)], metadata=None)

        assert Transfer.objects.get().metadata == {}

    def test_the_business_date_defaults_to_the_current_one(self, book, loans):
        fan_in(book, loans.income, [(loans.receivables[0], 1)], business_date=None)

        assert Transfer.objects.get().business_date == business_date_get(now=book.now)


class TestOneRecordPerFanIn:
    def test_one_audit_entry_and_one_event_name_the_batch_with_its_counts(self, book, loans):
        batch_id = uuid.uuid4()
        closed = book.open("1132.interest_receivable", kind="asset")
        book.close(closed)

        fan_in(book, loans.income, [(r, 5) for r in [*loans.receivables, closed]],
               batch_id=batch_id)  # fmt: skip

        entry = AuditEntry.objects.get(action="ledger.transfers_fan_in")
        assert (entry.target_type, entry.target_id) == ("ledger.batch", str(batch_id))
        assert (entry.actor_kind, entry.actor_id) == ("system", "lending.cob")
        assert (entry.after["created"], entry.after["total"], entry.after["refused"]) == (3, 15, 1)
        assert entry.after["credit_account_id"] == str(loans.income)
        event = OutboxEvent.objects.get(event_type="ledger.transfers_fanned_in")
        assert (event.aggregate_type, event.aggregate_id) == ("ledger.batch", str(batch_id))
        assert (event.payload["batch_id"], event.payload["code"]) == (str(batch_id), CODE)
        assert (event.payload["created"], event.payload["total"]) == (3, 15)
        assert not AuditEntry.objects.filter(action="ledger.transfers_fan_out").exists()

    def test_a_second_call_with_the_same_batch_id_writes_nothing_and_reports_already_done(
        self, book, loans
    ):
        batch_id = uuid.uuid4()
        first = fan_in(book, loans.income, [(r, 7) for r in loans.receivables], batch_id=batch_id)

        again = fan_in(book, loans.income, [(r, 9) for r in loans.receivables], batch_id=batch_id)

        assert (first.created, first.already_done) == (3, False)
        assert again == FanOutResult(batch_id, created=0, total=21, already_done=True, refused=())
        assert written() == 3
        assert AuditEntry.objects.filter(action="ledger.transfers_fan_in").count() == 1
        assert book.balances(loans.income) == {"credits_posted": 21}

    def test_a_fan_out_under_the_same_batch_id_does_not_make_a_fan_in_already_done(
        self, book, loans
    ):
        batch_id = uuid.uuid4()
        transfers_fan_out(
            batch_id=batch_id, debit_account_id=loans.receivables[0],
            lines=fan_out_lines_of([(loans.income, 4)]), code=CODE, metadata=METADATA,
            actor=COB, now=book.now, business_date=book.business_date,
        )  # fmt: skip

        result = fan_in(book, loans.income, [(loans.receivables[1], 6)], batch_id=batch_id)

        assert (result.created, result.already_done) == (1, False)

    def test_an_empty_query_writes_nothing_and_records_nothing(self, book, loans):
        result = fan_in(book, loans.income, [])

        assert (result.created, result.total, result.already_done, result.refused) == (
            0, 0, False, ()
        )  # fmt: skip
        assert written() == 0
        assert not AuditEntry.objects.filter(action="ledger.transfers_fan_in").exists()
        assert not OutboxEvent.objects.filter(event_type="ledger.transfers_fanned_in").exists()


def _open_receivable(book, state: str) -> uuid.UUID:
    """A receivable in ``state``: several states at once test the order of the checks."""
    currency = "USD" if "other_currency" in state else "CNY"
    limited = "limited" in state
    account = book.open("1132.interest_receivable", kind="asset", currency=currency,
                        debits_must_not_exceed_credits=limited)  # fmt: skip
    if "full" in state:  # credits first, so that a limited account can take the debits
        source, sink = (book.open("2001.other", currency=currency) for _ in range(2))
        book.apply(
            book.single(source, account, MAX_BALANCE), book.single(account, sink, MAX_BALANCE)
        )
    if "frozen" in state:
        book.freeze(account)
    if "closed" in state:
        book.close(account)
    return account


REFUSING_STATES = [
    "closed", "other_currency", "frozen", "limited", "full",
    "closed+other_currency", "closed+frozen", "frozen+limited", "frozen+full", "full+limited",
]  # fmt: skip


class TestRefusedLines:
    def test_missing_closed_frozen_limited_and_full_accounts_are_refused_and_listed(
        self, book, loans
    ):
        closed = _open_receivable(book, "closed")
        other_currency = _open_receivable(book, "other_currency")
        frozen = _open_receivable(book, "frozen")
        limited = _open_receivable(book, "limited")
        full = _open_receivable(book, "full")
        missing = uuid.uuid4()
        first, second, third = loans.receivables
        before = written()

        result = fan_in(book, loans.income, [
            (first, 10), (closed, 20), (second, 30), (other_currency, 40), (frozen, 50),
            (limited, 60), (missing, 70), (full, 80), (third, 90),
        ])  # fmt: skip

        assert result.refused == (
            (closed, Result.ACCOUNT_CLOSED, 20),
            (other_currency, Result.CURRENCY_MISMATCH, 40),
            (frozen, Result.DEBITS_FROZEN, 50),
            (limited, Result.EXCEEDS_CREDITS, 60),
            (missing, Result.ACCOUNT_NOT_FOUND, 70),
            (full, Result.OVERFLOWS_BALANCE, 80),
        )
        assert (result.created, result.total) == (3, 130)
        rows = Transfer.objects.filter(credit_account_id=loans.income).order_by("seq")
        assert [t.debit_account_id for t in rows] == [first, second, third]
        assert [t.cr_credits_posted for t in rows] == [10, 40, 130]
        assert written() == before + 3
        for account in (closed, other_currency, frozen, limited):
            assert book.balances(account) == {}

    @pytest.mark.parametrize("state", REFUSING_STATES)
    def test_a_line_is_refused_with_the_code_the_engine_gives_the_same_transfer(
        self, book, loans, state
    ):
        ours, theirs = _open_receivable(book, state), _open_receivable(book, state)
        other_income = book.open("6011.interest_income", kind="income")

        result = fan_in(book, loans.income, [(loans.receivables[0], 5), (ours, 5)])
        [engine_says] = book.apply(book.single(theirs, other_income, 5))

        assert engine_says != Result.OK
        assert result.refused == ((ours, engine_says, 5),)
        assert result.created == 1

    def test_a_limited_account_with_enough_credits_is_debited(self, book, loans):
        limited = _open_receivable(book, "limited")
        book.apply(book.single(loans.receivables[0], limited, 100))

        result = fan_in(book, loans.income, [(limited, 100)])

        assert (result.created, result.refused) == (1, ())
        assert book.balances(limited) == {"credits_posted": 100, "debits_posted": 100}

    def test_a_fan_in_whose_every_line_is_refused_writes_only_its_audit_entry(self, book, loans):
        closed = _open_receivable(book, "closed")

        result = fan_in(book, loans.income, [(closed, 5)])

        assert (result.created, result.refused) == (0, ((closed, Result.ACCOUNT_CLOSED, 5),))
        assert written() == 0
        assert AuditEntry.objects.get(action="ledger.transfers_fan_in").after["refused"] == 1
        assert not OutboxEvent.objects.filter(event_type="ledger.transfers_fanned_in").exists()
        again = fan_in(book, loans.income, [(closed, 5)], batch_id=result.batch_id)
        assert not again.already_done  # nothing was written under it


class TestRefusedFanIns:
    def test_a_credit_account_whose_debits_cannot_cover_the_total_refuses_everything(
        self, book, loans
    ):
        capped = book.open("2241.capped_income", credits_must_not_exceed_debits=True)
        book.apply(book.single(capped, loans.income, 100))

        with pytest.raises(FanInRefused) as refused:
            fan_in(book, capped, [(loans.receivables[0], 60), (loans.receivables[1], 41)])

        assert refused.value.code == Result.EXCEEDS_DEBITS
        assert (refused.value.details["total"], refused.value.details["available"]) == (101, 100)
        assert written() == 1
        assert book.balances(capped) == {"debits_posted": 100}
        assert not AuditEntry.objects.filter(action="ledger.transfers_fan_in").exists()

    def test_a_credit_account_whose_debits_cover_the_total_exactly_takes_it_all(self, book, loans):
        capped = book.open("2241.capped_income", credits_must_not_exceed_debits=True)
        book.apply(book.single(capped, loans.income, 100))

        result = fan_in(book, capped, [(loans.receivables[0], 60), (loans.receivables[1], 40)])

        assert result.created == 2
        assert book.balances(capped) == {"debits_posted": 100, "credits_posted": 100}

    def test_a_closed_credit_account_refuses_everything(self, book, loans):
        book.close(loans.income)

        with pytest.raises(FanInRefused) as refused:
            fan_in(book, loans.income, [(r, 1) for r in loans.receivables])

        assert refused.value.code == Result.ACCOUNT_CLOSED
        assert written() == 0

    def test_a_credit_account_the_total_would_overflow_refuses_everything(self, book, loans):
        book.apply(book.single(loans.receivables[2], loans.income, MAX_BALANCE - 10))

        with pytest.raises(FanInRefused) as refused:
            fan_in(book, loans.income, [(loans.receivables[0], 6), (loans.receivables[1], 5)])

        assert refused.value.code == Result.OVERFLOWS_BALANCE
        assert written() == 1

    def test_a_credit_account_with_frozen_debits_still_takes_credits_as_in_the_engine(
        self, book, loans
    ):
        book.freeze(loans.income)

        result = fan_in(book, loans.income, [(r, 1) for r in loans.receivables])
        [engine_says] = book.apply(book.single(loans.receivables[0], loans.income, 1))

        assert (result.created, engine_says) == (3, Result.OK)

    def test_a_missing_credit_account_raises_account_not_found(self, book, loans):
        with pytest.raises(AccountNotFound):
            fan_in(book, uuid.uuid4(), [(loans.receivables[0], 1)])


class TestMalformedLines:
    @pytest.mark.parametrize("amount", [0, -5])
    def test_a_non_positive_amount_raises_and_writes_nothing(self, book, loans, amount):
        with pytest.raises(TransferInvalid):
            fan_in(book, loans.income, [(loans.receivables[0], 10), (loans.receivables[1], amount)])

        assert written() == 0
        assert book.balances(loans.receivables[0]) == {}

    def test_a_duplicate_account_raises_and_writes_nothing(self, book, loans):
        first, second, _ = loans.receivables

        with pytest.raises(TransferInvalid) as invalid:
            fan_in(book, loans.income, [(first, 10), (second, 1), (first, 5)])

        assert invalid.value.message == "A debit account appears on more than one line."
        assert written() == 0

    def test_a_missing_account_named_twice_is_a_duplicate_too(self, book, loans):
        missing = uuid.uuid4()

        with pytest.raises(TransferInvalid):
            fan_in(book, loans.income, [(missing, 1), (loans.receivables[0], 2), (missing, 3)])

    def test_a_line_debiting_the_credit_account_raises(self, book, loans):
        with pytest.raises(TransferInvalid) as invalid:
            fan_in(book, loans.income, [(loans.receivables[0], 1), (loans.income, 1)])

        assert invalid.value.message == "A line debits the credit account itself."
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
    def test_a_malformed_query_raises_and_writes_nothing(self, book, loans, sql):
        with pytest.raises(TransferInvalid) as invalid:
            fan_in(book, loans.income, [], lines=FanInLines(sql))

        assert invalid.value.details["field"] == "lines"
        assert written() == 0

    def test_a_fan_outs_lines_are_not_a_fan_ins(self, book, loans):
        with pytest.raises(TransferInvalid) as invalid:
            fan_in(book, loans.income, [], lines=fan_out_lines_of([(loans.receivables[0], 1)]))

        assert invalid.value.details == {"field": "lines"}

    def test_a_bad_code_or_metadata_or_account_id_raises(self, book, loans):
        line = [(loans.receivables[0], 1)]
        with pytest.raises(TransferInvalid):
            fan_in(book, loans.income, line, code="no spaces")
        with pytest.raises(TransferInvalid):
            fan_in(book, loans.income, line, metadata={"x": float("nan")})
        with pytest.raises(TransferInvalid) as invalid:
            fan_in(book, str(loans.income), line)
        assert invalid.value.details == {"field": "credit_account_id"}


class TestInsideACallersTransaction:
    def test_it_joins_the_callers_transaction_and_rolls_back_with_it(self, book, loans):
        class Abandoned(Exception):
            pass

        with pytest.raises(Abandoned), transaction.atomic():
            fan_in(book, loans.income, [(r, 1) for r in loans.receivables])
            assert written() == 3
            raise Abandoned

        assert written() == 0
        assert book.balances(loans.income) == {}

    def test_a_refused_fan_in_leaves_the_callers_transaction_usable(self, book, loans):
        first = loans.receivables[0]
        with transaction.atomic():
            with pytest.raises(TransferInvalid):
                fan_in(book, loans.income, [(first, 1), (first, 1)])
            result = fan_in(book, loans.income, [(r, 2) for r in loans.receivables])
            second = fan_in(book, loans.income, [(first, 3)])

        assert (result.created, second.created) == (3, 1)
        assert book.balances(loans.income) == {"credits_posted": 9}


def test_business_dates_are_written_as_given(book, loans):
    fan_in(book, loans.income, [(loans.receivables[0], 1)], business_date=date(2026, 3, 3))

    assert Transfer.objects.get().business_date == date(2026, 3, 3)


@pytest.mark.postgres
def test_a_lines_query_selecting_text_amounts_is_refused_on_postgres(book, loans):
    with pytest.raises(TransferInvalid) as invalid:
        fan_in(book, loans.income, [],
               lines=FanInLines("SELECT id, '1' FROM ledger_account"))  # fmt: skip

    assert invalid.value.message == "The lines query selects a uuid and an integer (bigint) amount."


@pytest.mark.postgres
def test_a_summed_amount_is_numeric_on_postgres_and_must_be_cast_to_bigint(book, loans):
    summed = (
        "SELECT id, {} FROM ledger_account a JOIN (VALUES (2::bigint), (3::bigint)) AS v(x) "
        "ON TRUE WHERE a.code = '1132.interest_receivable' GROUP BY id ORDER BY id"
    )

    with pytest.raises(TransferInvalid):
        fan_in(book, loans.income, [], lines=FanInLines(summed.format("sum(x)")))
    result = fan_in(book, loans.income, [], lines=FanInLines(summed.format("sum(x)::bigint")))

    assert (result.created, result.total) == (3, 15)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_fan_ins_with_one_batch_id_at_once_write_once(book, loans):
    """The close of business is run twice at once. Both calls pass the first already-done check
    and queue for the accounts' locks; the second must see the first's audit entry once it holds
    them, not write the accrual again."""
    batch_id = uuid.uuid4()
    results: list[FanOutResult] = []

    def attempt() -> None:
        try:
            results.append(fan_in(book, loans.income, [(r, 7) for r in loans.receivables],
                                  batch_id=batch_id))  # fmt: skip
        finally:
            connections.close_all()

    callers = [threading.Thread(target=attempt) for _ in range(2)]
    with transaction.atomic():  # hold the income account until both calls queue behind it
        list(Account.objects.select_for_update().filter(id=loans.income))
        callers[0].start()
        _wait_for_lock_waiters(1)
        callers[1].start()
        _wait_for_lock_waiters(2)
    for caller in callers:
        caller.join(timeout=30)

    assert sorted((r.created, r.already_done) for r in results) == [(0, True), (3, False)]
    assert written() == 3
    assert book.balances(loans.income) == {"credits_posted": 21}
    assert AuditEntry.objects.filter(action="ledger.transfers_fan_in").count() == 1
