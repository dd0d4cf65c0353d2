"""Worked examples of ``transfers_create``: what each kind of money movement does to the books.

The cast: the platform's bank account at the custodian (an asset, debited when money comes in),
customer wallets (liabilities that may not go below zero: their debits must not exceed their
credits), and a merchant settlement account. Amounts are fen.
"""

import uuid
from datetime import timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.engine import TransferRequest, expiry_id
from hujin.ledger.errors import BatchEmpty, BatchTooLarge, Result
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.selectors import transfers_get_many
from hujin.ledger.services import MAX_BATCH, transfers_create


@pytest.fixture
def bank(book):
    return book.open("1001.bank", kind="asset")


@pytest.fixture
def alice(book):
    return book.open("2001.wallet", debits_must_not_exceed_credits=True)


@pytest.fixture
def bob(book):
    return book.open("2001.wallet", debits_must_not_exceed_credits=True)


@pytest.fixture
def merchant(book):
    return book.open("2101.merchant")


@pytest.fixture
def funded(book, bank, alice):
    """Alice has topped up 100.00 CNY."""
    assert book.apply(book.single(bank, alice, 10_000)) == [Result.OK]
    return alice


class TestPostedTransfers:
    def test_a_top_up_debits_the_bank_and_credits_the_wallet(self, book, bank, alice):
        results = book.apply(book.single(bank, alice, 10_000, code="topup"))

        assert results == [Result.OK]
        assert book.balances(bank) == {"debits_posted": 10_000}
        assert book.balances(alice) == {"credits_posted": 10_000}

    def test_a_wallet_to_wallet_payment_moves_money_between_customers(self, book, funded, bob):
        results = book.apply(book.single(funded, bob, 2_500))

        assert results == [Result.OK]
        assert book.balances(funded) == {"debits_posted": 2_500, "credits_posted": 10_000}
        assert book.balances(bob) == {"credits_posted": 2_500}

    def test_a_wallet_may_be_spent_down_to_exactly_zero(self, book, funded, bob):
        assert book.apply(book.single(funded, bob, 10_000)) == [Result.OK]
        assert book.apply(book.single(funded, bob, 1)) == [Result.EXCEEDS_CREDITS]

    def test_an_overdraft_is_refused_with_exceeds_credits_and_changes_nothing(
        self, book, funded, bob
    ):
        results = book.apply(book.single(funded, bob, 10_001))

        assert results == [Result.EXCEEDS_CREDITS]
        assert book.balances(funded) == {"credits_posted": 10_000}
        assert book.balances(bob) == {}
        assert Transfer.objects.count() == 1  # only the top-up

    def test_an_account_whose_credits_must_not_exceed_debits_refuses_extra_credits(
        self, book, bank
    ):
        # A loan-repayment account: repayments (credits) can never exceed what was lent (debits).
        loan = book.open("1201.loan", kind="asset", credits_must_not_exceed_debits=True)
        cash = book.open("1002.cash", kind="asset")
        assert book.apply(book.single(loan, cash, 5_000)) == [Result.OK]  # lend 50.00

        assert book.apply(book.single(bank, loan, 5_001)) == [Result.EXCEEDS_DEBITS]
        assert book.apply(book.single(bank, loan, 5_000)) == [Result.OK]
        assert book.balances(loan) == {"debits_posted": 5_000, "credits_posted": 5_000}

    def test_one_refused_transfer_leaves_the_rest_of_its_batch_alone(self, book, funded, bob):
        results = book.apply(
            book.single(funded, bob, 4_000),
            book.single(funded, bob, 7_000),  # only 60.00 left
            book.single(funded, bob, 6_000),
        )

        assert results == [Result.OK, Result.EXCEEDS_CREDITS, Result.OK]
        assert book.balances(funded) == {"debits_posted": 10_000, "credits_posted": 10_000}
        assert book.balances(bob) == {"credits_posted": 10_000}

    def test_each_transfer_keeps_both_accounts_balances_right_after_it(self, book, funded, bob):
        book.apply(book.single(funded, bob, 2_500, id=uuid.UUID(int=7)))

        row = Transfer.objects.get(id=uuid.UUID(int=7))
        assert (row.dr_debits_posted, row.dr_credits_posted) == (2_500, 10_000)
        assert (row.cr_debits_posted, row.cr_credits_posted) == (0, 2_500)

    @pytest.mark.parametrize("size", [1, 5, 40], ids=["alone", "in a batch", "in a large batch"])
    def test_each_transfer_names_its_accounts_numbers(self, book, funded, bob, size):
        requests = [book.single(funded, bob, 10) for _ in range(size)]

        book.apply(*requests)

        numbers = dict(Account.objects.values_list("id", "number"))
        for row in Transfer.objects.filter(id__in=[r.id for r in requests]):
            assert (row.debit_number, row.credit_number) == (numbers[funded], numbers[bob])

    def test_accounts_in_different_currencies_cannot_trade(self, book, bank, alice):
        usd_wallet = book.open("2001.wallet", currency="USD")

        assert book.apply(book.single(bank, usd_wallet, 100)) == [Result.CURRENCY_MISMATCH]
        assert book.apply(book.single(bank, alice, 100, currency="USD")) == [
            Result.CURRENCY_MISMATCH
        ]
        assert book.apply(book.single(bank, alice, 100, currency="CNY")) == [Result.OK]

    def test_a_balance_never_overflows_its_64_bit_column(self, book, bank, merchant):
        biggest = 2**63 - 1
        assert book.apply(book.single(bank, merchant, biggest)) == [Result.OK]

        assert book.apply(book.single(bank, merchant, 1)) == [Result.OVERFLOWS_BALANCE]
        assert book.balances(merchant) == {"credits_posted": biggest}


class TestMalformedTransfers:
    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ({"amount": 0}, Result.AMOUNT_MUST_NOT_BE_ZERO),
            ({"amount": -5}, Result.AMOUNT_MUST_NOT_BE_ZERO),
            ({"amount": None}, Result.AMOUNT_MUST_NOT_BE_ZERO),
            ({"credit_account_id": None}, Result.ACCOUNTS_REQUIRED),
            ({"credit_account_id": "debit"}, Result.ACCOUNTS_MUST_BE_DIFFERENT),
            ({"credit_account_id": uuid.UUID(int=404)}, Result.ACCOUNT_NOT_FOUND),
            ({"pending_id": uuid.UUID(int=1)}, Result.PENDING_ID_MUST_NOT_BE_SET),
            ({"timeout_seconds": 60}, Result.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER),
            ({"kind": "post_pending", "pending_id": None}, Result.PENDING_ID_REQUIRED),
            ({"kind": "post_pending", "pending_id": "self"}, Result.PENDING_ID_MUST_BE_DIFFERENT),
        ],
    )
    def test_is_refused_with_a_code_and_writes_nothing(
        self, book, bank, merchant, change, expected
    ):
        request = book.single(bank, merchant, 100)
        for name, value in change.items():
            value = {"debit": bank, "self": request.id}.get(value, value)
            setattr(request, name, value)

        assert book.apply(request) == [expected]
        assert book.balances(bank) == {}
        assert Transfer.objects.count() == 0


class TestTwoPhaseTransfers:
    def test_a_hold_reserves_funds_and_a_partial_post_releases_the_remainder(
        self, book, funded, merchant
    ):
        # Alice orders goods for 30.00; the shop captures only 24.00 of the authorisation.
        hold = book.pending(funded, merchant, 3_000)
        assert book.apply(hold) == [Result.OK]
        assert book.balances(funded) == {"debits_pending": 3_000, "credits_posted": 10_000}
        assert book.balances(merchant) == {"credits_pending": 3_000}

        assert book.apply(book.post(hold, 2_400)) == [Result.OK]

        assert book.balances(funded) == {"debits_posted": 2_400, "credits_posted": 10_000}
        assert book.balances(merchant) == {"credits_posted": 2_400}

    def test_a_post_without_an_amount_takes_the_whole_hold(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)

        post = book.post(hold)
        assert book.apply(post) == [Result.OK]

        assert Transfer.objects.get(id=post.id).amount == 3_000
        assert book.balances(merchant) == {"credits_posted": 3_000}

    def test_held_funds_cannot_be_spent_twice(self, book, funded, merchant, bob):
        book.apply(book.pending(funded, merchant, 8_000))

        assert book.apply(book.single(funded, bob, 2_001)) == [Result.EXCEEDS_CREDITS]
        assert book.apply(book.single(funded, bob, 2_000)) == [Result.OK]

    def test_incoming_held_funds_cannot_be_spent_before_they_are_posted(
        self, book, bank, alice, bob
    ):
        hold = book.pending(bank, alice, 5_000)
        book.apply(hold)

        assert book.apply(book.single(alice, bob, 1)) == [Result.EXCEEDS_CREDITS]
        book.apply(book.post(hold))
        assert book.apply(book.single(alice, bob, 5_000)) == [Result.OK]

    def test_a_void_releases_the_whole_hold(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)

        assert book.apply(book.void(hold)) == [Result.OK]

        assert book.balances(funded) == {"credits_posted": 10_000}
        assert book.balances(merchant) == {}

    def test_a_void_must_name_the_hold_amount_if_it_names_one(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)

        assert book.apply(book.void(hold, 2_999)) == [Result.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT]
        assert book.apply(book.void(hold, 3_000)) == [Result.OK]

    def test_a_post_cannot_take_more_than_was_held(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)

        assert book.apply(book.post(hold, 3_001)) == [Result.EXCEEDS_PENDING_AMOUNT]
        assert book.balances(funded) == {"debits_pending": 3_000, "credits_posted": 10_000}

    def test_a_post_must_match_the_holds_accounts_if_it_names_them(
        self, book, funded, merchant, bob
    ):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)

        assert book.apply(book.post(hold, credit_account_id=bob)) == [
            Result.PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS
        ]
        assert book.apply(book.post(hold, debit_account_id=funded, credit_account_id=merchant)) == [
            Result.OK
        ]

    def test_a_hold_is_resolved_only_once(self, book, funded, merchant):
        posted, voided = book.pending(funded, merchant, 1_000), book.pending(funded, merchant, 500)
        book.apply(posted, voided, book.post(posted), book.void(voided))

        assert book.apply(book.post(posted), book.void(posted), book.post(voided)) == [
            Result.PENDING_TRANSFER_ALREADY_POSTED,
            Result.PENDING_TRANSFER_ALREADY_POSTED,
            Result.PENDING_TRANSFER_ALREADY_VOIDED,
        ]
        assert book.balances(merchant) == {"credits_posted": 1_000}

    def test_only_a_pending_transfer_can_be_posted(self, book, funded, merchant):
        payment = book.single(funded, merchant, 1_000)
        book.apply(payment)

        assert book.apply(book.post(payment)) == [Result.PENDING_TRANSFER_NOT_PENDING]

    def test_posting_an_unknown_hold_burns_the_posts_id(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 1_000)
        early_post = book.post(hold)

        assert book.apply(early_post) == [Result.PENDING_TRANSFER_NOT_FOUND]
        book.apply(hold)

        assert book.apply(early_post) == [Result.ID_ALREADY_FAILED]
        assert book.balances(merchant) == {"credits_pending": 1_000}


class TestTimeouts:
    def test_a_post_before_the_timeout_succeeds(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000, timeout_seconds=60)
        book.apply(hold)
        book.advance(59.999)

        assert book.apply(book.post(hold)) == [Result.OK]

    def test_a_post_at_the_timeout_fails_and_the_hold_is_released(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000, timeout_seconds=60)
        book.apply(hold)
        book.advance(60)

        assert book.apply(book.post(hold)) == [Result.PENDING_TRANSFER_EXPIRED]

        assert book.balances(funded) == {"credits_posted": 10_000}
        assert book.balances(merchant) == {}
        expiry = Transfer.objects.get(pending_id=hold.id)
        assert (expiry.kind, expiry.id, expiry.amount) == (
            "expire_pending",
            expiry_id(hold.id),
            3_000,
        )
        assert book.apply(book.void(hold)) == [Result.PENDING_TRANSFER_EXPIRED]

    def test_an_expired_hold_is_released_even_though_the_chain_that_found_it_fails(
        self, book, funded, merchant, bob
    ):
        hold = book.pending(funded, merchant, 3_000, timeout_seconds=10)
        book.apply(hold)
        book.advance(11)

        results = book.apply(
            book.single(funded, bob, 1_000, linked=True),
            book.post(hold),
        )

        assert results == [Result.LINKED_EVENT_FAILED, Result.PENDING_TRANSFER_EXPIRED]
        assert book.balances(funded) == {"credits_posted": 10_000}
        assert book.balances(bob) == {}
        assert Transfer.objects.filter(kind="expire_pending").count() == 1

    def test_a_hold_without_a_timeout_never_expires(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)
        book.advance(365 * 24 * 3600)

        assert book.expire_due() == 0
        assert book.apply(book.post(hold)) == [Result.OK]

    def test_pending_transfers_expire_releases_every_due_hold_and_only_those(
        self, book, funded, merchant
    ):
        soon = book.pending(funded, merchant, 1_000, timeout_seconds=30)
        exactly_due = book.pending(funded, merchant, 2_000, timeout_seconds=60)
        later = book.pending(funded, merchant, 4_000, timeout_seconds=61)
        posted = book.pending(funded, merchant, 500, timeout_seconds=1)
        book.apply(soon, exactly_due, later, posted, book.post(posted))
        book.advance(60)

        assert book.expire_due() == 2

        assert book.balances(funded) == {
            "debits_pending": 4_000,
            "debits_posted": 500,
            "credits_posted": 10_000,
        }
        expired = set(
            Transfer.objects.filter(kind="expire_pending").values_list("pending_id", flat=True)
        )
        assert expired == {soon.id, exactly_due.id}
        assert book.expire_due() == 0
        assert book.apply(book.post(later)) == [Result.OK]

    def test_an_expiry_run_writes_one_audit_entry_and_one_event(self, book, funded, merchant):
        book.apply(
            book.pending(funded, merchant, 1_000, timeout_seconds=5),
            book.pending(funded, merchant, 2_000, timeout_seconds=5),
        )
        book.advance(5)
        audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        book.expire_due()

        assert AuditEntry.objects.count() == audits + 1
        assert OutboxEvent.objects.count() == events + 1
        event = OutboxEvent.objects.latest("id")
        announced = transfers_get_many(actor=SYSTEM, transfer_ids=event.payload["transfer_ids"])
        assert [t.kind for t in announced] == ["expire_pending"] * 2


class TestLinkedChains:
    def test_a_chain_succeeds_as_a_whole(self, book, funded, merchant, bank):
        # Alice pays 50.00 and the merchant pays a 0.30 fee to the platform, atomically.
        fee_income = book.open("4001.fees", kind="income")
        results = book.apply(
            book.single(funded, merchant, 5_000, linked=True),
            book.single(merchant, fee_income, 30),
        )

        assert results == [Result.OK, Result.OK]
        assert book.balances(merchant) == {"debits_posted": 30, "credits_posted": 5_000}

    def test_a_chain_is_rolled_back_when_one_member_fails(self, book, funded, bob, merchant):
        results = book.apply(
            book.single(funded, bob, 6_000, linked=True),
            book.single(funded, merchant, 3_000, linked=True),
            book.single(funded, merchant, 2_000),  # 110.00 in all: Alice has 100.00
            book.single(funded, merchant, 100),  # not in the chain
        )

        assert results == [
            Result.LINKED_EVENT_FAILED,
            Result.LINKED_EVENT_FAILED,
            Result.EXCEEDS_CREDITS,
            Result.OK,
        ]
        assert book.balances(bob) == {}
        assert book.balances(merchant) == {"credits_posted": 100}

    def test_a_failed_chain_undoes_a_post_it_made(self, book, funded, merchant, bob):
        hold = book.pending(funded, merchant, 3_000)
        book.apply(hold)

        results = book.apply(book.post(hold, linked=True), book.single(bob, merchant, 1))

        assert results == [Result.LINKED_EVENT_FAILED, Result.EXCEEDS_CREDITS]
        assert book.balances(merchant) == {"credits_pending": 3_000}
        assert book.apply(book.post(hold)) == [Result.OK]

    def test_a_batch_ending_inside_a_chain_applies_nothing_of_that_chain(
        self, book, funded, bob, merchant
    ):
        results = book.apply(
            book.single(funded, merchant, 100),
            book.single(funded, bob, 1_000, linked=True),
            book.single(funded, bob, 2_000, linked=True),
        )

        assert results == [
            Result.OK,
            Result.LINKED_EVENT_FAILED,
            Result.LINKED_EVENT_CHAIN_OPEN,
        ]
        assert book.balances(bob) == {}

    def test_only_the_failing_member_of_a_chain_burns_its_id(self, book, funded, bob, bank):
        first = book.single(funded, bob, 100, linked=True)
        failing = book.single(funded, bob, 20_000)
        book.apply(first, failing)

        book.apply(book.single(bank, funded, 50_000))

        assert book.apply(first, failing) == [Result.LINKED_EVENT_FAILED, Result.ID_ALREADY_FAILED]
        first.linked = False
        assert book.apply(first) == [Result.OK]


class TestIdempotency:
    def test_the_same_transfer_sent_twice_is_applied_once(self, book, funded, bob):
        payment = book.single(funded, bob, 2_500, code="p2p", metadata={"note": "lunch"})
        book.apply(payment)

        assert book.apply(payment) == [Result.EXISTS]
        assert book.balances(bob) == {"credits_posted": 2_500}

    @pytest.mark.parametrize(
        "change",
        [
            {"amount": 2_501},
            {"code": "other"},
            {"metadata": {"note": "dinner"}},
            {"kind": "pending"},
        ],
    )
    def test_a_retry_with_different_fields_is_refused(self, book, funded, bob, change):
        payment = book.single(funded, bob, 2_500, code="p2p", metadata={"note": "lunch"})
        book.apply(payment)
        for name, value in change.items():
            setattr(payment, name, value)

        assert book.apply(payment) == [Result.EXISTS_WITH_DIFFERENT_FIELDS]
        assert book.balances(bob) == {"credits_posted": 2_500}

    def test_a_retried_post_may_leave_out_what_the_hold_already_says(self, book, funded, merchant):
        hold = book.pending(funded, merchant, 3_000)
        post = book.post(hold, 2_000)
        book.apply(hold, post)

        assert book.apply(book.post(hold, id=post.id)) == [Result.EXISTS]
        assert book.apply(book.post(hold, 2_000, id=post.id, debit_account_id=funded)) == [
            Result.EXISTS
        ]
        assert book.apply(book.post(hold, 1_000, id=post.id)) == [
            Result.EXISTS_WITH_DIFFERENT_FIELDS
        ]

    def test_an_id_refused_for_lack_of_funds_stays_failed_after_funds_arrive(
        self, book, bank, funded, bob
    ):
        payment = book.single(funded, bob, 15_000)
        assert book.apply(payment) == [Result.EXCEEDS_CREDITS]
        book.apply(book.single(bank, funded, 10_000))

        assert book.apply(payment) == [Result.ID_ALREADY_FAILED]
        assert FailedTransfer.objects.get(id=payment.id).code == Result.EXCEEDS_CREDITS
        assert book.balances(bob) == {}

    def test_an_id_refused_for_its_own_shape_may_be_sent_again_corrected(self, book, funded, bob):
        payment = book.single(funded, bob, 1_000, currency="USD")
        assert book.apply(payment) == [Result.CURRENCY_MISMATCH]

        payment.currency = "CNY"

        assert book.apply(payment) == [Result.OK]
        assert FailedTransfer.objects.count() == 0

    def test_an_id_repeated_inside_one_batch_is_applied_once(self, book, funded, bob):
        payment = book.single(funded, bob, 1_000)

        assert book.apply(payment, payment) == [Result.OK, Result.EXISTS]


class TestClosedAccounts:
    def test_a_closed_account_takes_no_new_transfers_in_either_direction(self, book, funded, bob):
        book.close(bob)

        assert book.apply(book.single(funded, bob, 100)) == [Result.ACCOUNT_CLOSED]
        assert book.apply(book.single(bob, funded, 100)) == [Result.ACCOUNT_CLOSED]
        assert book.apply(book.pending(funded, bob, 100)) == [Result.ACCOUNT_CLOSED]

    def test_a_hold_on_a_closed_account_can_be_voided_but_not_posted(self, book, funded, merchant):
        posted_later, voided_later = (
            book.pending(funded, merchant, 1_000),
            book.pending(funded, merchant, 2_000),
        )
        book.apply(posted_later, voided_later)
        book.close(merchant)

        assert book.apply(book.post(posted_later)) == [Result.ACCOUNT_CLOSED]
        assert book.apply(book.void(voided_later)) == [Result.OK]
        assert book.balances(merchant) == {"credits_pending": 1_000}

    def test_a_reopened_account_takes_transfers_again(self, book, funded, bob):
        book.close(bob)
        book.reopen(bob)

        assert book.apply(book.single(funded, bob, 100)) == [Result.OK]


class TestBatches:
    def test_an_empty_batch_is_refused(self, book):
        with pytest.raises(BatchEmpty):
            book.apply()

    def test_a_batch_of_more_than_8000_transfers_is_refused_whole(self, book, bank, merchant):
        batch = [book.single(bank, merchant, 1) for _ in range(MAX_BATCH + 1)]

        with pytest.raises(BatchTooLarge):
            book.apply(*batch)
        assert Transfer.objects.count() == 0

    def test_a_batch_of_8000_transfers_is_accepted(self, book, bank, merchant):
        batch = [book.single(bank, merchant, 1) for _ in range(MAX_BATCH)]

        assert set(book.apply(*batch)) == {Result.OK}
        assert book.balances(merchant) == {"credits_posted": MAX_BATCH}

    def test_a_large_batch_stores_every_field_as_a_small_one_does(self, book, bank, merchant):
        # Large batches take the bulk path (COPY on PostgreSQL); what it stores must not differ.
        batch = [
            book.pending(bank, merchant, n + 1, timeout_seconds=60, code="bulk",
                         metadata={"n": n, "note": "甲乙"} if n % 2 else {})
            for n in range(40)
        ]  # fmt: skip

        assert set(book.apply(*batch)) == {Result.OK}
        stored = {t.id: t for t in Transfer.objects.filter(code="bulk")}
        for n, request in enumerate(batch):
            t = stored[request.id]
            assert (t.amount, t.kind, t.timeout_seconds) == (n + 1, "pending", 60)
            assert t.metadata == request.metadata
            assert t.expires_at == book.now + timedelta(seconds=60)
        assert sorted(t.seq for t in stored.values()) == [
            stored[r.id].seq for r in batch
        ]  # numbered in the order applied

    def test_a_batch_leaves_one_audit_entry_and_one_outbox_event(self, book, funded, bob):
        audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        book.apply(
            book.single(funded, bob, 100, code="p2p"),
            book.single(funded, bob, 99_999),  # refused: exceeds_credits
            book.single(funded, bob, 200),
        )

        assert AuditEntry.objects.count() == audits + 1
        audit = AuditEntry.objects.latest("id")
        assert (audit.action, audit.actor_kind) == ("ledger.transfers_create", "system")
        assert (audit.after["created"], audit.after["failed"]) == (2, 1)
        assert OutboxEvent.objects.count() == events + 1
        event = OutboxEvent.objects.latest("id")
        assert event.event_type == "ledger.transfers_created"
        assert event.aggregate_id == audit.target_id
        assert event.payload["count"] == 2
        announced = transfers_get_many(actor=SYSTEM, transfer_ids=event.payload["transfer_ids"])
        assert [t.amount for t in announced] == [100, 200]

    def test_a_batch_that_only_burns_ids_is_audited_but_announces_nothing(self, book, funded, bob):
        audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        book.apply(book.single(funded, bob, 99_999))

        assert AuditEntry.objects.count() == audits + 1
        assert OutboxEvent.objects.count() == events

    def test_a_batch_that_changes_nothing_leaves_no_trace(self, book, funded, bob):
        payment = book.single(funded, bob, 100)
        book.apply(payment)
        audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        book.apply(payment, book.single(funded, bob, 0))

        assert AuditEntry.objects.count() == audits
        assert OutboxEvent.objects.count() == events


def test_transfers_create_answers_in_request_order_with_the_requests_ids(book, bank, merchant):
    requests = [
        TransferRequest(
            id=uuid.UUID(int=n), debit_account_id=bank, credit_account_id=merchant, amount=n
        )
        for n in (3, 1, 2)
    ]

    results = transfers_create(
        transfers=requests, actor=SYSTEM, now=book.now, business_date=book.business_date
    )

    assert [(r.id.int, r.ok) for r in results] == [(3, True), (1, True), (2, True)]
    assert list(Transfer.objects.order_by("seq").values_list("amount", flat=True)) == [3, 1, 2]
