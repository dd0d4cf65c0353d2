"""Many writers at once: the ledger's books must still add up, and no writer may see an error.

Eight OS processes on PostgreSQL (each with its own connection), or several threads on SQLite,
send random traffic for a few seconds among eight accounts: single transfers, batches, linked
chains, holds that are posted (fully or partly), voided or left to time out, expiry runs, retries,
and ids that several writers race to use with different fields. Most wallets are limited and
lightly funded, so many transfers must be refused. Afterwards the auditor replays the whole
history: every balance snapshot, every limit, debits equal to credits, and no id both applied and
burnt. Deadlocks and serialisation failures must be retried inside the service, never surface.
"""

import logging
import multiprocessing
import random
import threading
import time
import traceback
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from hujin.core.actors import SYSTEM
from hujin.ledger.engine import TransferRequest
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.services import account_create, pending_transfers_expire, transfers_create
from tests.ledger.reference_model import BURNS_THE_ID, ledger_problems

SHARED_IDS = uuid.UUID("b7a1d3e0-5f0c-4c55-8c1e-3f7e0b9d2a61")
# Codes that the traffic below can never earn: each one means the ledger misread a request.
IMPOSSIBLE = {
    "account_not_found",
    "currency_mismatch",
    "amount_must_not_be_zero",
    "accounts_must_be_different",
    "accounts_required",
    "overflows_balance",
    "pending_transfer_not_found",
    "pending_transfer_not_pending",
    "pending_transfer_has_different_accounts",
    "pending_transfer_has_different_amount",
    "exceeds_pending_amount",
    "linked_event_chain_open",
}


def open_accounts() -> dict[str, list[uuid.UUID]]:
    """A bank, five thinly funded wallets, a merchant and a loan that can be repaid only once."""

    def account(code, kind, **flags):
        created, _ = account_create(
            currency="CNY", code=code, kind=kind, actor=SYSTEM, now=datetime.now(UTC), **flags
        )
        return created.id

    bank = account("1001.bank", "asset")
    wallets = [
        account("2001.wallet", "liability", debits_must_not_exceed_credits=True) for _ in range(5)
    ]
    merchant = account("2101.merchant", "liability")
    loan = account("1201.loan", "asset", credits_must_not_exceed_debits=True)
    seed = [
        TransferRequest(id=uuid.uuid4(), debit_account_id=bank, credit_account_id=w, amount=2_000)
        for w in wallets
    ]
    seed.append(
        TransferRequest(
            id=uuid.uuid4(), debit_account_id=loan, credit_account_id=bank, amount=3_000
        )
    )
    results = transfers_create(
        transfers=seed, actor=SYSTEM, now=datetime.now(UTC), business_date=datetime.now(UTC).date()
    )
    assert {r.result for r in results} == {"ok"}
    return {"bank": [bank], "wallets": wallets, "merchant": [merchant], "loan": [loan]}


class RetryCounter(logging.Handler):
    """Counts the service's 'lost a race, retrying' log lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            self.count += 1


class Writer:
    """One writer's random traffic, and what it saw."""

    def __init__(self, seed: int, accounts: dict[str, list[uuid.UUID]]) -> None:
        self.rng = random.Random(seed)
        self.accounts = accounts
        self.everyone = [a for group in accounts.values() for a in group]
        self.codes: Counter[str] = Counter()
        self.errors: list[str] = []
        self.applied: list[str] = []  # ids of this writer's own transfers that came back ok
        self.burnt: dict[str, str] = {}  # own ids refused in a way that burns them
        self.holds: list[TransferRequest] = []
        self.may_expire: dict[uuid.UUID, bool] = {}  # post or void id -> its hold has a timeout
        self.sent: list[TransferRequest] = []  # unlinked requests, for retries
        self.sent_ids: set[uuid.UUID] = set()

    # -- requests --------------------------------------------------------------------------------

    def pair(self) -> tuple[uuid.UUID, uuid.UUID]:
        rng, wallets = self.rng, self.accounts["wallets"]
        debit = rng.choice(wallets + wallets + self.everyone)
        credit = rng.choice([a for a in self.everyone if a != debit])
        return debit, credit

    def single(self, kind: str = "single", linked: bool = False) -> TransferRequest:
        debit, credit = self.pair()
        request = TransferRequest(
            id=uuid.uuid4(),
            kind=kind,
            debit_account_id=debit,
            credit_account_id=credit,
            amount=self.rng.randint(1, 600),
            linked=linked,
        )
        if kind == "pending" and self.rng.random() < 0.4:
            request.timeout_seconds = 1
        return request

    def resolution(self) -> TransferRequest | None:
        if not self.holds:
            return None
        hold = self.holds.pop(self.rng.randrange(len(self.holds)))
        kind = self.rng.choice(["post_pending", "post_pending", "void_pending"])
        amount = None
        if kind == "post_pending" and self.rng.random() < 0.5:
            amount = self.rng.randint(1, hold.amount)
        request = TransferRequest(id=uuid.uuid4(), kind=kind, pending_id=hold.id, amount=amount)
        self.may_expire[request.id] = bool(hold.timeout_seconds)
        return request

    def contended(self) -> TransferRequest:
        """An id that other writers are likely using at this very moment, with other fields:
        only one version may win, and the losers must learn that it exists.

        Between unlimited accounts, so that no version can fail on the balances; a version that
        does fail that way is test_an_id_sent_twice_at_once_is_told_what_became_of_the_first.
        """
        moment = time.time_ns() // 50_000_000  # a new set of ids every 50 ms
        return TransferRequest(
            id=uuid.uuid5(SHARED_IDS, f"{moment}:{self.rng.randrange(3)}"),
            debit_account_id=self.accounts["bank"][0],
            credit_account_id=self.accounts["merchant"][0],
            amount=self.rng.choice([5, 50, 500]),
        )

    # -- traffic ---------------------------------------------------------------------------------

    def run_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.one_round()
            except Exception:  # any exception is the finding; report them all
                self.errors.append(traceback.format_exc())
                if len(self.errors) > 5:
                    return

    def one_round(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            batch = [self.single()]
        elif roll < 0.40:
            batch = [self.single() for _ in range(rng.randint(2, 8))]
        elif roll < 0.55:
            size = rng.randint(2, 4)
            batch = [self.single(linked=i < size - 1) for i in range(size)]
        elif roll < 0.70:
            batch = [self.single("pending") for _ in range(rng.randint(1, 3))]
        elif roll < 0.85:
            batch = [r for r in (self.resolution() for _ in range(rng.randint(1, 3))) if r]
            if batch and rng.random() < 0.3:  # resolve inside a chain with a new payment
                batch[-1].linked = True
                batch.append(self.single())
        elif roll < 0.95:
            batch = [self.contended() for _ in range(rng.randint(1, 3))]
        elif roll < 0.97 and self.sent:
            batch = [rng.choice(self.sent)]  # a retry
        else:
            now = datetime.now(UTC)
            pending_transfers_expire(now=now, business_date=now.date(), actor=SYSTEM)
            return
        if batch:
            self.send(batch)

    def send(self, batch: list[TransferRequest]) -> None:
        now = datetime.now(UTC)
        results = transfers_create(transfers=batch, actor=SYSTEM, now=now, business_date=now.date())
        for request, result in zip(batch, results, strict=True):
            code = result.result
            self.codes[code] += 1
            self.check(request, code)
        self.sent.extend(r for r in batch if r.id.version == 4 and not r.linked)
        self.sent_ids.update(r.id for r in batch)

    def check(self, request: TransferRequest, code: str) -> None:
        # A first use of one of this writer's own ids (not a retry, not a contended id).
        own = request.id.version == 4 and request.id not in self.sent_ids
        if code in IMPOSSIBLE:
            self.errors.append(f"{request}: {code}")
        if own and code == "ok":
            self.applied.append(str(request.id))
            if request.kind == "pending":
                self.holds.append(request)
        if own and code in BURNS_THE_ID:
            self.burnt[str(request.id)] = code
        if own and code in ("exists", "exists_with_different_fields", "id_already_failed"):
            self.errors.append(f"{request}: a fresh id answered {code}")
        if request.kind in ("post_pending", "void_pending") and own:
            allowed = {"ok", "linked_event_failed"}
            if self.may_expire[request.id]:
                allowed.add("pending_transfer_expired")
            if code not in allowed:
                self.errors.append(f"{request}: resolving this writer's own hold gave {code}")

    def report(self, retries: int) -> dict:
        return {
            "codes": self.codes,
            "errors": self.errors,
            "applied": self.applied,
            "burnt": self.burnt,
            "retries": retries,
        }


def write_for(seed: int, accounts: dict, seconds: float) -> dict:
    """Run one writer and report what it saw; each caller holds its own database connection."""
    counter = RetryCounter()
    logging.getLogger("hujin.ledger.services").addHandler(counter)
    logging.getLogger("hujin.ledger.services").setLevel(logging.INFO)
    writer = Writer(seed, accounts)
    try:
        writer.run_for(seconds)
    finally:
        logging.getLogger("hujin.ledger.services").removeHandler(counter)
        connections.close_all()
    return writer.report(counter.count)


def _process_main(seed: int, db_name: str, accounts: dict, seconds: float, queue) -> None:
    # A forked child must never use the parent's connection: drop any, and open its own
    # to the same test database.
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = db_name
    connections["default"].settings_dict["NAME"] = db_name
    try:
        queue.put(write_for(seed, accounts, seconds))
    except Exception:  # reported to the parent, which fails the test
        queue.put(
            {
                "errors": [traceback.format_exc()],
                "codes": Counter(),
                "applied": [],
                "burnt": {},
                "retries": 0,
            }
        )


def assert_books_add_up(reports: list[dict]) -> None:
    errors = [e for r in reports for e in r["errors"]]
    assert errors == [], "\n".join(errors[:5])
    codes = sum((Counter(r["codes"]) for r in reports), Counter())
    summary = f"codes {dict(codes)}; retries {sum(r['retries'] for r in reports)}"
    # The traffic did what it is for: plenty applied, plenty refused by the limits.
    assert codes["ok"] > 100, summary
    assert codes["exceeds_credits"] + codes["exceeds_debits"] > 20, summary
    assert codes["linked_event_failed"] > 0, summary

    applied = {i for r in reports for i in r["applied"]}
    stored = {str(i) for i in Transfer.objects.values_list("id", flat=True)}
    assert applied - stored == set(), "an applied transfer is missing"
    burnt = {i: code for r in reports for i, code in r["burnt"].items()}
    assert {
        str(i): c for i, c in FailedTransfer.objects.values_list("id", "code") if str(i) in burnt
    } == burnt
    assert ledger_problems() == []
    print(summary)  # shown with pytest -s


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_processes_writing_at_once_keep_the_books_balanced():
    accounts = open_accounts()
    db_name = settings.DATABASES["default"]["NAME"]
    connections.close_all()  # the children must not inherit an open connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_process_main, args=(seed, db_name, accounts, 6.0, queue))
        for seed in range(8)
    ]
    for process in processes:
        process.start()
    reports = [queue.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    assert_books_add_up(reports)


@pytest.mark.django_db(transaction=True)
def test_several_threads_writing_at_once_keep_the_books_balanced():
    accounts = open_accounts()
    reports: list[dict] = []

    def thread_main(seed: int) -> None:
        try:
            reports.append(write_for(seed, accounts, 5.0))
        except Exception:  # reported to the test, which fails
            reports.append(
                {
                    "errors": [traceback.format_exc()],
                    "codes": Counter(),
                    "applied": [],
                    "burnt": {},
                    "retries": 0,
                }
            )

    threads = [threading.Thread(target=thread_main, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == len(threads)

    assert_books_add_up(reports)


def _wait_for_lock_waiters(count: int) -> None:
    """Wait until ``count`` other sessions of this test database are blocked on a lock."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.01)
    raise AssertionError(f"{count} writers never queued for the account locks")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first_amount", "second_amount", "expected"),
    [
        # A retry of a payment that went through, which the balance could not afford twice.
        pytest.param(1_600, 1_600, {"first": "ok", "second": "exists"}, id="applied-then-retry"),
        # A payment refused for lack of funds burns its id, even for a smaller resend.
        pytest.param(
            3_000,
            1_000,
            {"first": "exceeds_credits", "second": "id_already_failed"},
            id="burnt-then-resend",
        ),
    ],
)
def test_an_id_sent_twice_at_once_is_told_what_became_of_the_first(
    first_amount, second_amount, expected
):
    """A client times out and sends its payment again while the first attempt still runs.

    The wallet holds 20.00. Both attempts read the ledger, then queue for the accounts' locks;
    the first decides. The second must then learn the first's outcome: the id exists, or the id
    is burnt. Deciding afresh on the balance would either tell the client that a payment which
    went through had failed, or apply an id that is already burnt.
    """
    accounts = open_accounts()
    wallet, merchant = accounts["wallets"][0], accounts["merchant"][0]
    payment_id = uuid.uuid4()
    results: dict[str, str] = {}

    def attempt(name: str, amount: int) -> None:
        payment = TransferRequest(
            id=payment_id, debit_account_id=wallet, credit_account_id=merchant, amount=amount
        )
        try:
            now = datetime.now(UTC)
            [result] = transfers_create(
                transfers=[payment], actor=SYSTEM, now=now, business_date=now.date()
            )
            results[name] = result.result
        finally:
            connections.close_all()

    first = threading.Thread(target=attempt, args=("first", first_amount))
    second = threading.Thread(target=attempt, args=("second", second_amount))
    with transaction.atomic():  # hold both accounts' locks until both attempts are queued
        list(Account.objects.select_for_update().filter(id__in=[wallet, merchant]).order_by("id"))
        first.start()
        _wait_for_lock_waiters(1)
        second.start()
        _wait_for_lock_waiters(2)
    first.join(timeout=30)
    second.join(timeout=30)

    assert results == expected
    assert ledger_problems() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_id_sent_twice_at_once_for_different_accounts_is_still_decided_once():
    """Two requests share an id but no account, so no account lock orders them.

    The first is refused (the wallet holds 20.00) and burns the id; the second, which on its own
    would go through, must wait for the first's claim on the id and then be told the id is burnt.
    Without the claim it would be applied, leaving one id both transferred and failed.
    """
    accounts = open_accounts()
    wallets, merchant, bank = accounts["wallets"], accounts["merchant"][0], accounts["bank"][0]
    shared_id = uuid.uuid4()
    results: dict[str, str] = {}

    def attempt(name: str, debit: uuid.UUID, credit: uuid.UUID, amount: int) -> None:
        request = TransferRequest(
            id=shared_id, debit_account_id=debit, credit_account_id=credit, amount=amount
        )
        try:
            now = datetime.now(UTC)
            [result] = transfers_create(
                transfers=[request], actor=SYSTEM, now=now, business_date=now.date()
            )
            results[name] = result.result
        finally:
            connections.close_all()

    first = threading.Thread(target=attempt, args=("first", wallets[0], merchant, 3_000))
    second = threading.Thread(target=attempt, args=("second", wallets[1], bank, 1_000))
    with transaction.atomic():  # hold the first's accounts until the second is queued too
        accounts_of_first = Account.objects.select_for_update().filter(
            id__in=[wallets[0], merchant]
        )
        list(accounts_of_first.order_by("id"))
        first.start()
        _wait_for_lock_waiters(1)
        second.start()
        _wait_for_lock_waiters(2)
    first.join(timeout=30)
    second.join(timeout=30)

    assert results == {"first": "exceeds_credits", "second": "id_already_failed"}
    assert not Transfer.objects.filter(id=shared_id).exists()
    assert ledger_problems() == []
