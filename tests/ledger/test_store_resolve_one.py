"""On PostgreSQL, a whole pending transfer posted or voided in one call must agree with the engine.

``ledger_transfer_resolve_one`` (ledger migration 0011) is what a database function of a module
above calls to post or void a pending transfer in full, with the arguments
``transfer_resolve_one_call`` prepares. It takes the clean path only: when the engine would
apply the request it writes exactly what ``transfers_create`` writes for it — the balances, the
stored transfer with its snapshots and numbers, the audit entry and the outbox event —; anything
else it answers ``'engine'`` having written nothing, and the engine says why it refuses (or
records what it must, as an expiry).

Each clean scenario builds the same books twice, on fresh accounts, and sends the same request
once to the function and once to the engine; the outcomes name accounts by the order the
scenario opened them (as ``test_store_create_one`` does).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest

from hujin.core.actors import system_actor
from hujin.core.audit import audit_verify
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.core.sql import Dialect, hot_cursor
from hujin.ledger import store
from hujin.ledger.engine import TransferRequest
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.services import transfer_resolve_one_call, transfers_create
from hujin.ledger.verify import ledger_verify
from tests.ledger.reference_model import ledger_problems
from tests.ledger.test_store_create_one import AUDIT_FIELDS, TRANSFER_FIELDS, ScenarioBook

pytestmark = pytest.mark.postgres

ACTOR = system_actor("payments")  # not the book's: the actor recorded must be the caller's
RESOLVED_ON = date(2026, 3, 3)  # not the book's business date: the one given must be recorded
REQUEST_ID = "<the request's id>"
PENDING_ID = "<the pending transfer's id>"
_RESOLVE_ONE = "SELECT ledger_transfer_resolve_one(" + ", ".join(["%s"] * 23) + ")"
_ACCOUNT_FIELDS = (
    "code", "kind", "currency", "closed", "debits_frozen", "debits_pending", "debits_posted",
    "credits_pending", "credits_posted",
)  # fmt: skip


def resolve_one(book: ScenarioBook, request: TransferRequest, **changed: Any) -> str:
    """Call ``ledger_transfer_resolve_one`` with the arguments ``transfer_resolve_one_call``
    makes for ``request`` (``changed``: arguments replaced by position name)."""
    call = transfer_resolve_one_call(transfer=request, actor=ACTOR, now=book.now,
                                     business_date=RESOLVED_ON)  # fmt: skip
    assert call is not None, "the request cannot be resolved in one call"
    params = list(call.params)
    for name, value in changed.items():
        params[{"kind": 1, "pending_id": 2}[name]] = value
    d = Dialect()
    with hot_cursor(d) as cursor:
        d.execute(cursor, _RESOLVE_ONE, params)
        return cursor.fetchone()[0]


def by_the_engine(book: ScenarioBook, request: TransferRequest) -> str:
    [result] = transfers_create(transfers=[request], actor=ACTOR, now=book.now,
                                business_date=RESOLVED_ON)  # fmt: skip
    return result.result


def traces(book: ScenarioBook) -> tuple:
    """Everything a call could write: the rows of each kind, and every account as it stands."""
    return (
        Transfer.objects.count(), FailedTransfer.objects.count(), AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
        [Account.objects.values(*_ACCOUNT_FIELDS).get(id=a) for a in book.opened],
    )  # fmt: skip


# -- the books -----------------------------------------------------------------------------------


@dataclass
class Held:
    """A scenario's books: a bank and a merchant (and a wallet), and a pending transfer."""

    book: ScenarioBook
    bank: uuid.UUID
    merchant: uuid.UUID
    pending: TransferRequest


def held(book: ScenarioBook, amount: int = 2_500, **fields: Any) -> Held:
    """A pending transfer of ``amount`` from the bank to a merchant, the clock moved on."""
    bank, merchant = book.open("1001.bank", kind="asset"), book.open("2101.merchant")
    pending = book.pending(bank, merchant, amount, code="hold", metadata={"order": "A-17"},
                           **fields)  # fmt: skip
    book.ok(pending)
    book.advance(7)
    return Held(book, bank, merchant, pending)


def wallet_hold(book: ScenarioBook) -> Held:
    """A wallet (debits must not exceed credits) of 100.00 holding 60.00 for a merchant, and
    40.00 held apart: posting the first spends what it holds, nothing more."""
    bank = book.open("1001.bank", kind="asset")
    wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
    merchant = book.open("2101.merchant")
    book.ok(book.single(bank, wallet, 10_000))
    pending = book.pending(wallet, merchant, 6_000, timeout_seconds=300)
    book.ok(pending, book.pending(wallet, merchant, 4_000))
    book.advance(60)
    return Held(book, wallet, merchant, pending)


Arrange = Callable[[ScenarioBook], TransferRequest]


def post(*, before: Callable[[Held], None] | None = None, void: bool = False, books=held,
         **fields: Any) -> Arrange:  # fmt: skip
    """Post (or void) the whole of the books' pending transfer, ``before(held)`` done first."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        h = books(book)
        if before is not None:
            before(h)
        request = (h.book.void if void else h.book.post)(h.pending, **fields)
        return request

    return arrange


def freeze(role: str) -> Callable[[Held], None]:
    return lambda h: h.book.freeze(getattr(h, role))


def close(role: str) -> Callable[[Held], None]:
    return lambda h: h.book.close(getattr(h, role))


def another_pending_on_the_same_accounts(h: Held) -> None:
    h.book.ok(h.book.pending(h.bank, h.merchant, 900))


# -- the clean path: the function writes what the engine writes ----------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    arrange: Arrange


CLEAN = [
    Scenario("a post", post()),
    Scenario("a void", post(void=True)),
    Scenario("a post with its own code and metadata",
             post(code="payments.topup", metadata={"payment_id": "p-1", "n": [1, 2.5]})),
    Scenario("a post before the pending transfer's timeout", post(books=wallet_hold)),
    Scenario("a void of a wallet's hold", post(books=wallet_hold, void=True)),
    Scenario("a post beside another pending transfer on the same accounts",
             post(before=another_pending_on_the_same_accounts)),
    Scenario("a post into an account whose debits are frozen", post(before=freeze("merchant"))),
    Scenario("a void of a hold on an account whose debits are frozen",
             post(before=freeze("bank"), void=True)),
    Scenario("a void onto a closed account", post(before=close("merchant"), void=True)),
    Scenario("a void from a closed account", post(before=close("bank"), void=True)),
]  # fmt: skip


@dataclass
class Outcome:
    """What one request left behind, with ids replaced by names that both runs share."""

    result: str
    balances: list[dict[str, Any]]
    transfer: dict[str, Any]
    audit_entries: list[dict[str, Any]]
    outbox_events: list[dict[str, Any]]


def run(scenario: Scenario, *, through: str) -> Outcome:
    """Build the scenario's books, then send its request to the function or the engine."""
    book = ScenarioBook()
    request = scenario.arrange(book)
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_event = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = resolve_one(book, request) if through == "function" else by_the_engine(book, request)

    def named(value: Any) -> Any:
        return {str(request.id): REQUEST_ID, str(request.pending_id): PENDING_ID}.get(value, value)

    audits = list(AuditEntry.objects.filter(id__gt=last_audit).order_by("id"))
    events = list(OutboxEvent.objects.filter(id__gt=last_event).order_by("id"))
    transfer = Transfer.objects.get(id=request.id)
    numbers = dict(Account.objects.filter(id__in=book.opened).values_list("id", "number"))
    return Outcome(
        result=result,
        balances=[Account.objects.values(*_ACCOUNT_FIELDS).get(id=a) for a in book.opened],
        transfer={
            **{name: getattr(transfer, name) for name in TRANSFER_FIELDS},
            "pending_id": named(str(transfer.pending_id)),
            "debit_account": book.name_of(transfer.debit_account_id),
            "credit_account": book.name_of(transfer.credit_account_id),
            "numbers are the accounts'": (transfer.debit_number, transfer.credit_number)
            == (numbers[transfer.debit_account_id], numbers[transfer.credit_account_id]),
            "batch_id is the audited batch": [str(transfer.batch_id)]
            == [a.target_id for a in audits],
        },
        audit_entries=[
            {
                **{name: getattr(a, name) for name in AUDIT_FIELDS},
                "after": {k: named(v) for k, v in a.after.items()},
                "chain": a.chain,
            }
            for a in audits
        ],
        outbox_events=[
            {
                "aggregate_type": e.aggregate_type,
                "aggregate_id is the audited batch": e.aggregate_id == str(transfer.batch_id),
                "event_type": e.event_type,
                "occurred_at": e.occurred_at,
                "payload": {**e.payload, "batch_id": e.payload["batch_id"] == e.aggregate_id,
                            "transfer_ids": [named(i) for i in e.payload["transfer_ids"]]},
                "attempts": e.attempts,
                "last_error": e.last_error,
            }
            for e in events
        ],
    )  # fmt: skip


@pytest.mark.parametrize("scenario", [pytest.param(s, id=s.name) for s in CLEAN])
def test_the_function_leaves_what_the_engine_leaves(db, scenario):
    function = run(scenario, through="function")
    engine = run(scenario, through="engine")

    assert function == engine
    assert function.result == "ok" and engine.result == Result.OK
    # What a resolution must leave, so that agreeing on nothing at all cannot pass.
    transfer = function.transfer
    assert transfer["kind"] in ("post_pending", "void_pending")
    assert transfer["pending_id"] == PENDING_ID
    assert (transfer["actor_kind"], transfer["actor_id"]) == ("system", "payments")
    assert transfer["business_date"] == RESOLVED_ON
    assert transfer["numbers are the accounts'"] and transfer["batch_id is the audited batch"]
    assert [a["after"] for a in function.audit_entries] == [
        {"created": 1, "failed": 0, "business_date": "2026-03-03", "first_id": REQUEST_ID}
    ]
    assert [e["payload"]["transfer_ids"] for e in function.outbox_events] == [[REQUEST_ID]]
    assert ledger_problems() == []


def test_a_post_moves_the_hold_to_posted_on_both_sides(db):
    book = ScenarioBook()
    h = held(book)

    assert resolve_one(book, book.post(h.pending)) == "ok"

    assert book.balances(h.bank) == {"debits_posted": 2_500}
    assert book.balances(h.merchant) == {"credits_posted": 2_500}
    transfer = Transfer.objects.get(pending_id=h.pending.id)
    assert (transfer.dr_debits_pending, transfer.dr_debits_posted) == (0, 2_500)
    assert (transfer.cr_credits_pending, transfer.cr_credits_posted) == (0, 2_500)
    assert transfer.amount == 2_500 and transfer.currency == "CNY"
    assert transfer.created_at == book.now and transfer.expires_at is None


def test_a_void_gives_the_hold_back(db):
    book = ScenarioBook()
    h = held(book)

    assert resolve_one(book, book.void(h.pending)) == "ok"

    assert book.balances(h.bank) == {} and book.balances(h.merchant) == {}


def test_the_audit_trail_and_the_ledger_verify_after_every_scenario(db):
    for scenario in CLEAN:
        run(scenario, through="function")
        run(scenario, through="engine")

    assert audit_verify().problems == []
    assert ledger_verify().problems == []
    assert ledger_problems() == []


# -- anything else: 'engine', nothing written ----------------------------------------------------


@dataclass(frozen=True)
class Declined:
    name: str
    engine_says: str  # the engine's result for the same request: why the function declined
    arrange: Arrange


def used_by(kind: str) -> Arrange:
    """A post whose id another transfer has (``kind``: "another transfer", "this very post",
    "a burnt id")."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        h = held(book)
        if kind == "this very post":
            first = book.post(h.pending)
            book.ok(first)
            return first
        if kind == "a burnt id":
            wallet = book.open("2001.wallet", debits_must_not_exceed_credits=True)
            overdraft = book.single(wallet, h.merchant, 1)
            assert book.apply(overdraft) == [Result.EXCEEDS_CREDITS]
            return book.post(h.pending, id=overdraft.id)
        other = book.single(h.bank, h.merchant, 100)
        book.ok(other)
        return book.post(h.pending, id=other.id)

    return arrange


def its_own_id(book: ScenarioBook) -> TransferRequest:
    h = held(book)
    return book.post(h.pending, id=h.pending.id)


def nowhere(book: ScenarioBook) -> TransferRequest:
    h = held(book)
    return book.post(replace(h.pending, id=uuid.uuid4()))


def of_a(kind: str) -> Arrange:
    """A post naming a transfer that is not pending: a single one, or a post itself."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        h = held(book)
        if kind == "single":
            single = book.single(h.bank, h.merchant, 100)
            book.ok(single)
            return book.post(single)
        first = book.post(h.pending)
        book.ok(first)
        return book.post(first)

    return arrange


def resolved_already(first: str, then: str) -> Arrange:
    def arrange(book: ScenarioBook) -> TransferRequest:
        h = held(book)
        book.ok((book.post if first == "posted" else book.void)(h.pending))
        return (book.post if then == "post" else book.void)(h.pending)

    return arrange


def expired(*, by_the_job: bool, void: bool = False) -> Arrange:
    """A pending transfer with a 30 s timeout, 31 s later (expired by the job, or not yet)."""

    def arrange(book: ScenarioBook) -> TransferRequest:
        h = held(book, timeout_seconds=30)
        book.advance(24)
        if by_the_job:
            assert book.expire_due() == 1
        return (book.void if void else book.post)(h.pending)

    return arrange


def at_its_timeout(book: ScenarioBook) -> TransferRequest:
    """Exactly at its expiry: expired already, as the engine counts it."""
    h = held(book, timeout_seconds=30)
    book.advance(23)
    return book.post(h.pending)


DECLINED = [
    Declined("an id another transfer has", Result.EXISTS_WITH_DIFFERENT_FIELDS,
             used_by("another transfer")),
    Declined("the same post again", Result.EXISTS, used_by("this very post")),
    Declined("an id burnt by a refusal", Result.ID_ALREADY_FAILED, used_by("a burnt id")),
    Declined("the pending transfer's own id", Result.EXISTS_WITH_DIFFERENT_FIELDS, its_own_id),
    Declined("a pending transfer not found", Result.PENDING_TRANSFER_NOT_FOUND, nowhere),
    Declined("a single transfer", Result.PENDING_TRANSFER_NOT_PENDING, of_a("single")),
    Declined("a post", Result.PENDING_TRANSFER_NOT_PENDING, of_a("post")),
    Declined("posted already, posted again", Result.PENDING_TRANSFER_ALREADY_POSTED,
             resolved_already("posted", "post")),
    Declined("posted already, then voided", Result.PENDING_TRANSFER_ALREADY_POSTED,
             resolved_already("posted", "void")),
    Declined("voided already, then posted", Result.PENDING_TRANSFER_ALREADY_VOIDED,
             resolved_already("voided", "post")),
    Declined("voided already, voided again", Result.PENDING_TRANSFER_ALREADY_VOIDED,
             resolved_already("voided", "void")),
    Declined("expired by the job", Result.PENDING_TRANSFER_EXPIRED, expired(by_the_job=True)),
    Declined("a void of one expired by the job", Result.PENDING_TRANSFER_EXPIRED,
             expired(by_the_job=True, void=True)),
    Declined("past its timeout, not yet expired", Result.PENDING_TRANSFER_EXPIRED,
             expired(by_the_job=False)),
    Declined("a void past its timeout", Result.PENDING_TRANSFER_EXPIRED,
             expired(by_the_job=False, void=True)),
    Declined("exactly at its timeout", Result.PENDING_TRANSFER_EXPIRED, at_its_timeout),
    Declined("a post from a closed account", Result.ACCOUNT_CLOSED, post(before=close("bank"))),
    Declined("a post onto a closed account", Result.ACCOUNT_CLOSED,
             post(before=close("merchant"))),
    Declined("a post from an account whose debits are frozen", Result.DEBITS_FROZEN,
             post(before=freeze("bank"))),
    Declined("a post of a wallet's hold, the wallet frozen", Result.DEBITS_FROZEN,
             post(books=wallet_hold, before=freeze("bank"))),
]  # fmt: skip


@pytest.mark.parametrize("scenario", [pytest.param(s, id=s.name) for s in DECLINED])
def test_anything_else_is_left_to_the_engine_and_nothing_is_written(db, scenario):
    book = ScenarioBook()
    request = scenario.arrange(book)
    before = traces(book)

    assert resolve_one(book, request) == "engine"

    assert traces(book) == before
    assert by_the_engine(book, request) == scenario.engine_says
    assert ledger_problems() == []


def test_an_expired_hold_the_function_declined_is_expired_by_the_engine(db):
    """The function records nothing; the engine, asked next, records the expiry."""
    book = ScenarioBook()
    request = expired(by_the_job=False)(book)
    before = Transfer.objects.count()

    assert resolve_one(book, request) == "engine"
    assert Transfer.objects.count() == before

    assert by_the_engine(book, request) == Result.PENDING_TRANSFER_EXPIRED
    assert Transfer.objects.filter(pending_id=request.pending_id).get().kind == "expire_pending"


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"kind": "single"}, id="a kind that is neither post nor void"),
        pytest.param({"kind": "pending"}, id="a pending kind"),
        pytest.param({"pending_id": None}, id="no pending transfer named"),
    ],
)
def test_a_request_that_is_no_resolution_is_left_to_the_engine(db, changed):
    book = ScenarioBook()
    h = held(book)
    before = traces(book)

    assert resolve_one(book, book.post(h.pending), **changed) == "engine"

    assert traces(book) == before


def test_a_request_left_to_the_engine_leaves_the_id_free(db):
    """Declined, the post can still be made: by the function once the account is open again."""
    book = ScenarioBook()
    h = held(book)
    book.close(h.merchant)
    request = book.post(h.pending)
    assert resolve_one(book, request) == "engine"

    book.reopen(h.merchant)

    assert resolve_one(book, request) == "ok"
    assert book.balances(h.merchant) == {"credits_posted": 2_500}
    assert not FailedTransfer.objects.filter(id=request.id).exists()


# -- what may go this way at all -----------------------------------------------------------------


class TestCanResolveOne:
    @pytest.fixture
    def pending(self, db) -> tuple[ScenarioBook, Held]:
        book = ScenarioBook()
        return book, held(book)

    def test_a_whole_post_or_void_may(self, pending):
        book, h = pending

        assert store.can_resolve_one(book.post(h.pending))
        assert store.can_resolve_one(book.void(h.pending))
        assert store.can_resolve_one(book.post(h.pending, timeout_seconds=0))

    @pytest.mark.parametrize(
        "fields",
        [
            pytest.param({"linked": True}, id="linked"),
            pytest.param({"amount": 1_000}, id="a partial amount"),
            pytest.param({"amount": 2_500}, id="the whole amount named"),
            pytest.param({"debit_account_id": "bank"}, id="naming the debit account"),
            pytest.param({"credit_account_id": "merchant"}, id="naming the credit account"),
            pytest.param({"currency": "CNY"}, id="naming the currency"),
            pytest.param({"timeout_seconds": 30}, id="with a timeout"),
            pytest.param({"pending_id": None}, id="no pending transfer named"),
            pytest.param({"kind": "single"}, id="a single transfer"),
            pytest.param({"kind": "pending"}, id="a pending transfer"),
        ],
    )
    def test_anything_else_may_not(self, pending, fields):
        book, h = pending
        fields = {k: getattr(h, v) if k.endswith("_account_id") else v
                  for k, v in fields.items()}  # fmt: skip
        request = replace(book.post(h.pending), **fields)
        before = traces(book)

        assert not store.can_resolve_one(request)
        assert transfer_resolve_one_call(transfer=request, actor=ACTOR, now=book.now,
                                         business_date=RESOLVED_ON) is None  # fmt: skip
        assert traces(book) == before


def test_the_prepared_call_has_the_functions_23_arguments(db):
    book = ScenarioBook()
    h = held(book)
    request = book.post(h.pending, code="c", metadata={"k": "v"})

    call = transfer_resolve_one_call(transfer=request, actor=ACTOR, now=book.now,
                                     business_date=RESOLVED_ON)  # fmt: skip

    assert len(call.params) == 23
    assert call.params[:3] == [request.id, "post_pending", h.pending.id]
    assert call.params[5:7] == [RESOLVED_ON, book.now]
    assert call.params[9] == call.audit_chain
    assert call.params[10:13] == ["system", "payments", ACTOR.label]
