"""A large batch streamed into COPY stores exactly what the engine-then-write path stores.

On PostgreSQL, ``store.apply`` streams a batch of ``store.COPY_THRESHOLD`` requests or more: the
engine hands each chain's new transfers to ``engine.sink`` as soon as the chain is final, and
they go straight into a binary ``COPY`` while the engine decides the rest. A smaller batch (and
every batch on SQLite) runs the engine first and writes its outcome afterwards
(``store.write_outcome``). A large expiry run streams the same way (``store.expire``).

Each test builds the same books twice, on fresh accounts, and applies the same large batch (or
expiry run) once as it comes and once with ``COPY_THRESHOLD`` raised out of reach, which forces
the engine-then-write path. Everything left behind must be the same: results, balances, the
transfers with their running balances and their order, the burnt ids, the audit entry and the
outbox event. Ids differ between the two runs, so the outcomes name each account and transfer
by the part it plays (``batch[7]`` is the request at position 7 of the batch).

On SQLite both runs take the same path; the comparison still holds them to the same books.
"""

import dataclasses
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection

from hujin.core.actors import SYSTEM
from hujin.core.audit import audit_verify
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger import store
from hujin.ledger.engine import Engine, TransferRequest, expiry_id
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.services import pending_transfers_expire
from hujin.ledger.store import write as store_write
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BALANCE_FIELDS, Book
from tests.ledger.reference_model import ledger_problems

TRANSFER_FIELDS = (
    "kind", "amount", "currency", "linked", "timeout_seconds", "expires_at", "code",
    "business_date", "created_at",
    "dr_debits_pending", "dr_debits_posted", "dr_credits_pending", "dr_credits_posted",
    "cr_debits_pending", "cr_debits_posted", "cr_credits_pending", "cr_credits_posted",
)  # fmt: skip
NO_SUCH_ACCOUNT = uuid.UUID("00000000-0000-4000-8000-000000000404")
RICH_METADATA = {
    "channel": "银联",
    "payer": "Zoë Ødegård",
    "card": "💳 ****1234",
    "refs": [1, 2.5, {"deep": [True, None, False, 0]}],
    "nested": {"a": {"b": {"c": "ü", "d": []}}},
    "escapes": 'quote " backslash \\ tab \t newline \n',
}
LARGE = 10**9  # a COPY_THRESHOLD no batch reaches: forces the engine-then-write path

OK = Result.OK
LEF = Result.LINKED_EVENT_FAILED
EXPIRED = Result.PENDING_TRANSFER_EXPIRED


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


class NamingBook(Book):
    """A Book that names every account and transfer it makes by the part it plays."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[uuid.UUID] = []
        self.names: dict[uuid.UUID, str] = {NO_SUCH_ACCOUNT: "an account nobody opened"}

    def open(self, name: str, code: str, **kwargs) -> uuid.UUID:
        account_id = super().open(code, **kwargs)
        self.opened.append(account_id)
        self.names[account_id] = name
        return account_id

    def named(self, name: str, request: TransferRequest) -> TransferRequest:
        """Name ``request`` (a repeated id keeps its first name) and its pending's expiry."""
        self.names.setdefault(request.id, name)
        self.names.setdefault(expiry_id(request.id), f"the expiry of {name}")
        return request

    def name_of(self, value: uuid.UUID | str | None) -> str | None:
        if value is None:
            return None
        value = uuid.UUID(str(value))
        return self.names.get(value, f"an id this run never named: {value}")

    def ok(self, *requests: TransferRequest) -> None:
        assert self.apply(*requests) == [OK] * len(requests)


class PathSpy:
    """Watches which path wrote a batch.

    Every chain the engine keeps goes through ``Engine._keep``: the spy notes whether a sink was
    streaming it at that moment. Only the engine-then-write path calls ``store.write_outcome``
    (watched where ``store.write`` calls it).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kept: list[tuple[bool, int]] = []  # (streamed?, transfers) per kept chain
        self.outcomes_written = 0
        keep, write_outcome = Engine._keep, store_write.write_outcome

        def spy_keep(engine, created):
            self.kept.append((engine.sink is not None, len(created)))
            return keep(engine, created)

        def spy_write_outcome(*args, **kwargs):
            self.outcomes_written += 1
            return write_outcome(*args, **kwargs)

        monkeypatch.setattr(Engine, "_keep", spy_keep)
        monkeypatch.setattr(store_write, "write_outcome", spy_write_outcome)

    def reset(self) -> None:
        self.kept.clear()
        self.outcomes_written = 0

    @property
    def streamed(self) -> bool:
        return bool(self.kept) and all(streamed for streamed, _ in self.kept)

    @property
    def unstreamed(self) -> bool:
        return bool(self.kept) and not any(streamed for streamed, _ in self.kept)


@pytest.fixture
def spy(monkeypatch) -> PathSpy:
    return PathSpy(monkeypatch)


# -- what a run leaves behind --------------------------------------------------------------------


@dataclass
class Outcome:
    """What the batch (or expiry run) left behind, with ids replaced by the names of the run."""

    results: list[str] | int
    balances: dict[str, dict[str, int]]
    transfers: list[dict[str, Any]]  # in seq order: the order the ledger applied them
    burnt: dict[str, str]  # every burnt id the run named, with its code
    audit_afters: list[dict[str, Any]]
    outbox_events: list[dict[str, Any]]
    stored_metadata: dict[str, Any] = field(compare=False)  # as loaded, by transfer name


def canonical(metadata: dict) -> str:
    """Metadata as canonical JSON text, where ``true`` is not ``1`` (though ``True == 1``)."""
    return json.dumps(metadata, sort_keys=True, ensure_ascii=False)


class Marks:
    """Where the tables stood before the operation under test."""

    def __init__(self) -> None:
        self.seq = Transfer.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        self.audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.event = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def outcome_of(book: NamingBook, results: list[str] | int, marks: Marks) -> Outcome:
    name = book.name_of
    transfers = list(Transfer.objects.filter(seq__gt=marks.seq).order_by("seq"))
    audits = list(AuditEntry.objects.filter(id__gt=marks.audit).order_by("id"))
    events = list(OutboxEvent.objects.filter(id__gt=marks.event).order_by("id"))
    burnt = FailedTransfer.objects.filter(id__in=list(book.names)).values_list("id", "code")
    return Outcome(
        results=results,
        balances={
            name(a["id"]): {f: a[f] for f in BALANCE_FIELDS}
            for a in Account.objects.filter(id__in=book.opened).values("id", *BALANCE_FIELDS)
        },
        transfers=[
            {
                "id": name(t.id),
                "debit_account": name(t.debit_account_id),
                "credit_account": name(t.credit_account_id),
                "pending": name(t.pending_id),
                **{f: getattr(t, f) for f in TRANSFER_FIELDS},
                "metadata": canonical(t.metadata),
            }
            for t in transfers
        ],
        burnt={name(i): code for i, code in burnt},
        audit_afters=[
            {**a.after, "first_id": name(a.after["first_id"]), "action": a.action} for a in audits
        ],
        outbox_events=[
            {
                "event_type": e.event_type,
                "announces the audited batch": e.aggregate_id in [a.target_id for a in audits],
                "business_date": e.payload["business_date"],
                "count": e.payload["count"],
                "transfer_ids": [name(i) for i in e.payload["transfer_ids"]],
            }
            for e in events
        ],
        stored_metadata={name(t.id): t.metadata for t in transfers},
    )


def assert_the_same(one: Outcome, other: Outcome) -> None:
    """Compare part by part, so that a failure names what differs."""
    assert one.results == other.results
    assert one.balances == other.balances
    assert [t["id"] for t in one.transfers] == [t["id"] for t in other.transfers], "seq order"
    for position, (mine, theirs) in enumerate(zip(one.transfers, other.transfers, strict=True)):
        assert mine == theirs, f"transfer {position} in seq order"
    assert one.burnt == other.burnt
    assert one.audit_afters == other.audit_afters
    assert one.outbox_events == other.outbox_events
    assert one == other


# -- the large batch -----------------------------------------------------------------------------


@dataclass
class Cast:
    bank: uuid.UUID
    alice: uuid.UUID
    bob: uuid.UUID
    carol: uuid.UUID
    merchant: uuid.UUID
    fees: uuid.UUID
    loan: uuid.UUID
    closed: uuid.UUID
    stale_hold: TransferRequest
    stale_hold_in_a_chain: TransferRequest
    open_hold: TransferRequest
    paid: TransferRequest
    paid_too: TransferRequest
    overdraft: TransferRequest


def books_before_the_batch(book: NamingBook) -> Cast:
    """Funded wallets, a closed account, a loan, holds (two of them about to time out), two
    payments to be retried and a burnt id, all from earlier batches; then 10 seconds pass."""
    bank = book.open("bank", "1001.bank", kind="asset")
    alice = book.open("alice", "2001.wallet", debits_must_not_exceed_credits=True)
    bob = book.open("bob", "2001.wallet", debits_must_not_exceed_credits=True)
    carol = book.open("carol", "2001.wallet", debits_must_not_exceed_credits=True)
    merchant = book.open("merchant", "2101.merchant")
    fees = book.open("fees", "4001.fees", kind="income")
    loan = book.open("loan", "1201.loan", kind="asset", credits_must_not_exceed_debits=True)
    closed = book.open("closed", "2001.wallet", debits_must_not_exceed_credits=True)
    book.ok(
        book.single(bank, alice, 10_000, code="topup"),
        book.single(bank, bob, 5_000, code="topup"),
        book.single(bank, carol, 2_000, code="topup"),
        book.single(bank, closed, 1_000, code="topup"),
        book.single(loan, bank, 5_000, code="lend"),
    )
    book.close(closed)
    c = Cast(
        bank, alice, bob, carol, merchant, fees, loan, closed,
        stale_hold=book.pending(alice, merchant, 1_500, timeout_seconds=5, code="hold.stale",
                                metadata={"order": "Ω-1"}),
        stale_hold_in_a_chain=book.pending(bob, merchant, 250, timeout_seconds=5),
        open_hold=book.pending(bob, merchant, 700),
        paid=book.single(alice, bob, 300, code="p2p", metadata={"note": "午饭"}),
        paid_too=book.single(bob, carol, 200, code="p2p"),
        overdraft=book.single(carol, bob, 99_999),
    )  # fmt: skip
    for part in ("stale_hold", "stale_hold_in_a_chain", "open_hold", "paid", "paid_too"):
        book.named(f"the earlier {part}", getattr(c, part))
    book.named("the earlier overdraft", c.overdraft)
    assert book.apply(
        c.stale_hold, c.stale_hold_in_a_chain, c.open_hold, c.paid, c.paid_too, c.overdraft
    ) == [OK, OK, OK, OK, OK, Result.EXCEEDS_CREDITS]
    book.advance(10)  # both stale holds time out
    return c


def the_large_batch(book: NamingBook, c: Cast) -> list[TransferRequest]:
    b = book
    batch: list[TransferRequest] = []

    def add(request: TransferRequest) -> TransferRequest:
        batch.append(b.named(f"batch[{len(batch)}]", request))
        return request

    # 0-3: plain transfers, one a hold that is captured later in the batch.
    add(b.single(c.bank, c.alice, 2_000, code="topup", metadata=RICH_METADATA))
    paid_in_batch = add(b.single(c.alice, c.bob, 250, code="p2p"))
    order = {"order": {"id": "Ж-42", "items": ["茶", "☕", "😀"]}}
    hold = add(
        b.pending(c.alice, c.merchant, 3_000, timeout_seconds=60, code="auth", metadata=order)
    )
    add(b.single(c.bob, c.carol, 100, metadata={}))
    # 4-7: a chain whose third member overdraws: all of it is undone, only that id burns.
    add(b.single(c.carol, c.merchant, 500, linked=True))
    add(b.single(c.alice, c.fees, 100, linked=True))
    add(b.single(c.carol, c.bob, 1_000_000, linked=True))
    add(b.single(c.bank, c.carol, 10))
    # 8-9: a chain that posts a hold and then overdraws: the post is undone too.
    add(b.post(c.open_hold, linked=True))
    add(b.single(c.bob, c.merchant, 10**9))
    # 10-13: a chain that succeeds.
    add(b.single(c.alice, c.merchant, 400, linked=True, code="order",
                 metadata={"lines": [{"sku": "Ä-1", "qty": 2, "price": 1.5}]}))  # fmt: skip
    add(b.single(c.merchant, c.fees, 12, linked=True, code="fee"))
    add(b.pending(c.bob, c.merchant, 600, linked=True, timeout_seconds=30))
    add(b.single(c.bank, c.bob, 50, linked=False))
    # 14-18: failures that burn their ids.
    add(b.single(c.alice, NO_SUCH_ACCOUNT, 10))
    add(b.single(c.closed, c.bank, 10))
    add(b.single(c.bank, c.closed, 10))
    add(b.single(c.alice, c.bob, 10**7))
    add(b.single(c.bank, c.loan, 10**6))
    # 19-21: failures that do not.
    add(b.single(c.alice, c.alice, 10))
    add(b.single(c.alice, c.bob, 0))
    add(b.single(c.alice, c.bob, 10, currency="USD"))
    # 22-25: two-phase transfers within the batch.
    add(b.post(hold, 2_400, code="capture", metadata={"receipt": "№ 7"}))
    voided = add(b.pending(c.bob, c.merchant, 800, timeout_seconds=0, metadata={"why": "预授权"}))
    add(b.void(voided))
    add(b.post(hold))
    # 26-29: holds whose timeout passed are released as they are found, even by a failing chain.
    add(b.post(c.stale_hold))
    add(b.single(c.alice, c.bob, 10, linked=True))
    add(b.post(c.stale_hold_in_a_chain))
    add(b.void(c.stale_hold))
    # 30-34: retries.
    add(dataclasses.replace(c.paid))
    add(dataclasses.replace(c.paid_too, amount=201))
    add(dataclasses.replace(c.overdraft))
    add(b.post(c.open_hold))
    add(dataclasses.replace(paid_in_batch))
    # 35-46: plain transfers, every other one with metadata.
    for n in range(12):
        metadata = {"n": n, "note": f"第{n}笔", "more": {"list": [n, n / 2, None, True]}}
        add(b.single(c.bank, (c.alice, c.bob, c.merchant)[n % 3], n + 1, code=f"bulk.{n}",
                     metadata=metadata if n % 2 else {}))  # fmt: skip
    # 47-48: the batch ends inside a chain.
    add(b.single(c.alice, c.bob, 5, linked=True))
    add(b.single(c.bob, c.carol, 5, linked=True))
    return batch


EXPECTED_RESULTS = [
    OK, OK, OK, OK,
    LEF, LEF, Result.EXCEEDS_CREDITS, LEF,
    LEF, Result.EXCEEDS_CREDITS,
    OK, OK, OK, OK,
    Result.ACCOUNT_NOT_FOUND, Result.ACCOUNT_CLOSED, Result.ACCOUNT_CLOSED,
    Result.EXCEEDS_CREDITS, Result.EXCEEDS_DEBITS,
    Result.ACCOUNTS_MUST_BE_DIFFERENT, Result.AMOUNT_MUST_NOT_BE_ZERO, Result.CURRENCY_MISMATCH,
    OK, OK, OK, Result.PENDING_TRANSFER_ALREADY_POSTED,
    EXPIRED, LEF, EXPIRED, EXPIRED,
    Result.EXISTS, Result.EXISTS_WITH_DIFFERENT_FIELDS, Result.ID_ALREADY_FAILED, OK, Result.EXISTS,
    *[OK] * 12,
    LEF, Result.LINKED_EVENT_CHAIN_OPEN,
]  # fmt: skip
# The order the ledger applies the batch's transfers: each chain once it is final, and a timed
# out hold's expiry right after the chain that found it.
EXPECTED_ORDER = [
    *(f"batch[{i}]" for i in (0, 1, 2, 3, 10, 11, 12, 13, 22, 23, 24)),
    "the expiry of the earlier stale_hold",
    "the expiry of the earlier stale_hold_in_a_chain",
    "batch[33]",
    *(f"batch[{i}]" for i in range(35, 47)),
]
EXPECTED_BURNT = {
    "the earlier overdraft": Result.EXCEEDS_CREDITS,
    "batch[6]": Result.EXCEEDS_CREDITS,
    "batch[9]": Result.EXCEEDS_CREDITS,
    "batch[14]": Result.ACCOUNT_NOT_FOUND,
    "batch[15]": Result.ACCOUNT_CLOSED,
    "batch[16]": Result.ACCOUNT_CLOSED,
    "batch[17]": Result.EXCEEDS_CREDITS,
    "batch[18]": Result.EXCEEDS_DEBITS,
}


def run_the_large_batch(spy: PathSpy, monkeypatch, *, forced_unstreamed: bool) -> Outcome:
    book = NamingBook()
    cast = books_before_the_batch(book)
    batch = the_large_batch(book, cast)
    marks = Marks()
    spy.reset()
    with monkeypatch.context() as patch:
        if forced_unstreamed:
            patch.setattr(store_write, "COPY_THRESHOLD", LARGE)
        results = book.apply(*batch)
    outcome = outcome_of(book, results, marks)
    # Each created transfer holds what its request said (the comparison alone would let both
    # paths agree on the same mistake).
    for i, request in enumerate(batch):
        if results[i] == OK:
            assert canonical(outcome.stored_metadata[f"batch[{i}]"]) == canonical(
                request.metadata
            ), f"batch[{i}]"
    return outcome


def test_a_streamed_batch_stores_what_the_engine_then_write_path_stores(db, spy, monkeypatch):
    streamed = run_the_large_batch(spy, monkeypatch, forced_unstreamed=False)
    streamed_path = (spy.streamed, spy.unstreamed, spy.outcomes_written)
    kept = sum(n for _, n in spy.kept)
    unstreamed = run_the_large_batch(spy, monkeypatch, forced_unstreamed=True)
    unstreamed_path = (spy.streamed, spy.unstreamed, spy.outcomes_written)

    if on_postgres():
        assert streamed_path == (True, False, 0), "the first run did not stream its batch"
    else:
        assert streamed_path == (False, True, 1), "SQLite writes every batch afterwards"
    assert unstreamed_path == (False, True, 1), "the forced run streamed anyway"
    assert kept == len(EXPECTED_ORDER)
    # Both runs did what the batch asks for...
    assert streamed.results == EXPECTED_RESULTS
    assert len(EXPECTED_RESULTS) >= max(40, store.COPY_THRESHOLD)
    assert [t["id"] for t in streamed.transfers] == EXPECTED_ORDER
    assert streamed.burnt == EXPECTED_BURNT
    assert streamed.audit_afters == [{"action": "ledger.transfers_create", "created": 26,
        "failed": 7, "business_date": "2026-03-02", "first_id": "batch[0]"}]  # fmt: skip
    assert [e["transfer_ids"] for e in streamed.outbox_events] == [EXPECTED_ORDER]
    # ...and stored it the same way, field by field.
    assert_the_same(streamed, unstreamed)
    assert ledger_verify().problems == []
    assert audit_verify().problems == []
    assert ledger_problems() == []


# -- a large expiry run --------------------------------------------------------------------------

DUE_HOLDS = 45


def books_with_due_holds(book: NamingBook) -> None:
    """45 holds time out one second apart (so both runs expire them in the same order), next to
    holds that are not due, have no timeout, or were resolved already; one account is closed."""
    bank = book.open("bank", "1001.bank", kind="asset")
    wallets = [
        book.open(f"wallet {n}", "2001.wallet", debits_must_not_exceed_credits=True)
        for n in range(3)
    ]
    merchant = book.open("merchant", "2101.merchant")
    shop = book.open("shop", "2101.merchant")
    book.ok(*(book.single(bank, w, 100_000, code="topup") for w in wallets))
    holds = [
        book.named(f"hold {n}", book.pending(
            wallets[n % 3], (merchant, shop)[n % 2], 100 + n, timeout_seconds=n + 1,
            code=f"hold.{n % 4}", metadata={"n": n, "note": f"订单 {n} ✓"} if n % 3 else {},
        ))
        for n in range(DUE_HOLDS)
    ]  # fmt: skip
    not_due = book.named("not due", book.pending(wallets[0], merchant, 7, timeout_seconds=3600))
    no_timeout = book.named("no timeout", book.pending(wallets[1], merchant, 8))
    posted = book.named("posted", book.pending(wallets[2], merchant, 9, timeout_seconds=1))
    voided = book.named("voided", book.pending(wallets[0], shop, 10, timeout_seconds=1))
    book.ok(*holds, not_due, no_timeout, posted, voided, book.post(posted, 4), book.void(voided))
    book.close(shop)
    book.advance(DUE_HOLDS + 10)


def run_an_expiry(spy: PathSpy, monkeypatch, *, forced_unstreamed: bool) -> Outcome:
    book = NamingBook()
    books_with_due_holds(book)
    marks = Marks()
    spy.reset()
    with monkeypatch.context() as patch:
        if forced_unstreamed:
            patch.setattr(store_write, "COPY_THRESHOLD", LARGE)
        expired = pending_transfers_expire(
            now=book.now, business_date=book.business_date, actor=SYSTEM
        )
    return outcome_of(book, expired, marks)


def test_a_large_expiry_run_stores_what_it_stores_when_inserted_row_by_row(db, spy, monkeypatch):
    copied = run_an_expiry(spy, monkeypatch, forced_unstreamed=False)
    copied_path = (spy.streamed, spy.outcomes_written)
    inserted = run_an_expiry(spy, monkeypatch, forced_unstreamed=True)
    inserted_path = (spy.streamed, spy.unstreamed, spy.outcomes_written)

    assert copied_path == ((True, 0) if on_postgres() else (False, 1)), (
        "the first run did not COPY its rows"
    )
    assert inserted_path == (False, True, 1), "the forced run used COPY anyway"
    assert copied.results == DUE_HOLDS >= max(40, store.COPY_THRESHOLD)
    assert [t["id"] for t in copied.transfers] == [
        f"the expiry of hold {n}" for n in range(DUE_HOLDS)
    ]
    assert {t["kind"] for t in copied.transfers} == {"expire_pending"}
    assert [t["pending"] for t in copied.transfers] == [f"hold {n}" for n in range(DUE_HOLDS)]
    assert copied.audit_afters == [{"action": "ledger.transfers_create", "created": DUE_HOLDS,
        "failed": 0, "business_date": "2026-03-02",
        "first_id": "the expiry of hold 0"}]  # fmt: skip
    assert [e["count"] for e in copied.outbox_events] == [DUE_HOLDS]
    assert copied.balances["shop"]["credits_pending"] == 0
    assert copied.balances["merchant"]["credits_pending"] == 7 + 8

    assert_the_same(copied, inserted)
    assert ledger_verify().problems == []
    assert audit_verify().problems == []
    assert ledger_problems() == []
