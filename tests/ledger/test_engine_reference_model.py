"""The real ledger against a reference model, on random histories (TigerBeetle's auditor idea).

Each example opens a few accounts (some with a balance limit, some in another currency), then
runs a random sequence of steps through the real services on the database: batches of single,
pending, post and void transfers (full and partial), linked chains with failing members and chains
left open, retries of earlier ids with the same or different fields, references to unknown holds,
a clock that moves so that holds time out, expiry runs, accounts closed and reopened, and their
debits frozen and unfrozen for one of two reasons (frozen while either is active). After
every step each result code, every account's four balances, the burnt ids, the stored transfers
and the audit and outbox rows must be what the model says; after every example the tables must
pass the auditor. Each example runs in a savepoint that is rolled back, so each starts empty.
"""

import dataclasses
import uuid
from datetime import timedelta

from django.db import transaction
from hypothesis import HealthCheck, event, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hujin.core.actors import SYSTEM
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.models import Account, FailedTransfer, Transfer
from hujin.ledger.services import (
    account_create,
    account_debits_freeze,
    account_debits_unfreeze,
    account_set_closed,
    pending_transfers_expire,
    transfers_create,
)
from hujin.ledger.types import TransferRequest
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import BUSINESS_DATE, START_AT
from tests.ledger.reference_model import (
    BALANCE_NAMES,
    ModelAccount,
    ReferenceLedger,
    ledger_problems,
)

UNKNOWN_ACCOUNT = uuid.UUID(int=0xDEAD)


class History:
    """One example: the real ledger, the model, and what has been sent so far."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.model = ReferenceLedger()
        self.accounts: list[uuid.UUID] = []
        self.sent: list[TransferRequest] = []
        self.now = START_AT
        # Each example is rolled back, so the same ids serve every example (and replays).
        self.namespace = uuid.UUID("3d5c8e1a-77a2-4c1e-9f0b-5e1f2a9c0d44")
        self.serial = 0
        # The reasons each account's debits are frozen for (two reasons may hold one account).
        self.freeze_reasons: dict[uuid.UUID, set[str]] = {}

    def draw(self, strategy, label: str = ""):
        return self.data.draw(strategy, label=label or None)

    def one_in(self, n: int) -> bool:
        # sampled_from draws evenly; integers() would favour 0 and make rare cases common.
        return self.draw(st.sampled_from([False] * (n - 1) + [True]))

    def fresh_id(self) -> uuid.UUID:
        self.serial += 1
        return uuid.uuid5(self.namespace, str(self.serial))

    # -- accounts --------------------------------------------------------------------------------

    def open_accounts(self) -> None:
        count = self.draw(st.integers(2, 6), "accounts")
        for i in range(count):
            currency = "USD" if i > 0 and self.one_in(4) else "CNY"
            limit = "none" if i == 0 else self.draw(st.sampled_from(["none", "debits", "credits"]))
            flags = {
                "debits_must_not_exceed_credits": limit == "debits",
                "credits_must_not_exceed_debits": limit == "credits",
            }
            account, _ = account_create(
                currency=currency,
                code=f"9{i}.test",
                kind="asset",
                actor=SYSTEM,
                now=self.now,
                id=self.fresh_id(),
                **flags,
            )
            self.model.open_account(ModelAccount(account.id, currency, **flags))
            self.accounts.append(account.id)
            note(f"account {i}: {currency} {limit} {account.id}")

    def seed_balances(self) -> None:
        """Give the limited accounts room to move, so that not every transfer is refused."""
        source = self.accounts[0]
        batch = []
        for account_id in self.accounts[1:]:
            account = self.model.accounts[account_id]
            if account.currency != "CNY" or self.one_in(3):
                continue
            dr, cr = (source, account_id)
            if account.credits_must_not_exceed_debits:
                dr, cr = (account_id, source)
            batch.append(
                TransferRequest(
                    id=self.fresh_id(),
                    debit_account_id=dr,
                    credit_account_id=cr,
                    amount=300,
                    code="seed",
                )
            )
        if batch:
            self.send(batch)

    def draw_account(self) -> uuid.UUID:
        if self.one_in(25):
            return UNKNOWN_ACCOUNT
        return self.draw(st.sampled_from(self.accounts))

    # -- requests --------------------------------------------------------------------------------

    def draw_request(self, batch: list[TransferRequest]) -> TransferRequest:
        how = self.draw(st.sampled_from(["new"] * 8 + ["retry", "retry_changed"]))
        if how != "new" and self.sent + batch:
            applied = [r for r in self.sent if r.id in self.model.transfers]
            pool = applied if applied and not self.one_in(3) else self.sent + batch
            earlier = self.draw(st.sampled_from(pool))
            request = dataclasses.replace(earlier, metadata=dict(earlier.metadata))
            if how == "retry_changed":
                change = self.draw(st.sampled_from(["amount", "code", "linked", "kind"]))
                if change == "amount":
                    request.amount = (request.amount or 0) + 1
                elif change == "code":
                    request.code = "changed"
                elif change == "linked":
                    request.linked = not request.linked
                else:
                    request.kind = "single" if request.kind != "single" else "pending"
            return request

        kind = self.draw(
            st.sampled_from(
                ["single"] * 3 + ["pending"] * 3 + ["post_pending"] * 2 + ["void_pending"]
            )
        )
        request = TransferRequest(
            id=self.fresh_id(),
            kind=kind,
            linked=self.one_in(5),
            currency=self.draw(st.sampled_from([None] * 16 + ["CNY", "USD"])),
            code=self.draw(st.sampled_from(["", "", "fee"])),
        )
        if kind in ("single", "pending"):
            request.debit_account_id = self.draw_account()
            request.credit_account_id = self.draw_counterparty(request.debit_account_id)
            request.amount = self.draw_amount(request.debit_account_id, request.credit_account_id)
            if kind == "pending":
                request.timeout_seconds = self.draw(st.sampled_from([None, 1, 5, 30]))
            if self.one_in(40):
                request.timeout_seconds = 10  # reserved for pending transfers
        else:
            self.fill_resolution(request, batch)
        return request

    def draw_counterparty(self, debit_id: uuid.UUID) -> uuid.UUID:
        """Usually another account in the same currency; sometimes any account at all."""
        debit = self.model.accounts.get(debit_id)
        peers = [
            a
            for a in self.accounts
            if a != debit_id and debit and self.model.accounts[a].currency == debit.currency
        ]
        if peers and not self.one_in(8):
            return self.draw(st.sampled_from(peers))
        return self.draw_account()

    def draw_amount(self, debit_id: uuid.UUID, credit_id: uuid.UUID) -> int:
        """Mostly any amount; sometimes exactly the room a balance limit leaves, or one more."""
        how = self.draw(st.sampled_from(["any"] * 16 + ["room"] * 3 + ["room+1"] * 2 + ["zero"]))
        debit, credit = self.model.accounts.get(debit_id), self.model.accounts.get(credit_id)
        room = None
        if debit and debit.debits_must_not_exceed_credits:
            room = debit.credits_posted - debit.debits_pending - debit.debits_posted
        elif credit and credit.credits_must_not_exceed_debits:
            room = credit.debits_posted - credit.credits_pending - credit.credits_posted
        if how == "zero":
            return 0
        if how.startswith("room") and room:
            return room + (how == "room+1")
        return self.draw(st.integers(1, 150))

    def fill_resolution(self, request: TransferRequest, batch: list[TransferRequest]) -> None:
        """Point a post or void at a hold: usually a real one, sometimes not."""
        holds = [t for t in self.model.transfers.values() if t.kind == "pending"]
        candidates = {
            "open": [t.id for t in holds if t.state == "pending"],
            "resolved": [t.id for t in holds if t.state != "pending"],
            "in_batch": [r.id for r in batch if r.kind == "pending"],
        }
        target = self.draw(
            st.sampled_from(["open"] * 6 + ["in_batch"] * 3 + ["resolved"] * 2 + ["any", "unknown"])
        )
        pool = candidates.get(target) or [i for ids in candidates.values() for i in ids]
        if target == "any" and self.model.transfers:
            request.pending_id = self.draw(st.sampled_from(list(self.model.transfers)))
        elif target != "unknown" and pool:
            request.pending_id = self.draw(st.sampled_from(pool))
        else:
            request.pending_id = self.fresh_id()
        held = self.held_amount(request.pending_id, batch)
        amount = self.draw(st.sampled_from(["omitted"] * 4 + ["exact", "less", "more"]))
        if amount == "exact":
            request.amount = held
        elif amount == "less":
            request.amount = self.draw(st.integers(0, max(held - 1, 0)))
        elif amount == "more":
            request.amount = held + self.draw(st.integers(1, 20))
        accounts = self.draw(st.sampled_from(["omitted"] * 4 + ["same", "other"]))
        if accounts != "omitted":
            known = self.model.transfers.get(request.pending_id)
            same = accounts == "same" and known is not None
            request.debit_account_id = known.debit_account_id if same else self.draw_account()
            request.credit_account_id = known.credit_account_id if same else None

    def held_amount(self, pending_id: uuid.UUID, batch: list[TransferRequest]) -> int:
        if pending_id in self.model.transfers:
            return self.model.transfers[pending_id].amount
        for r in batch:
            if r.id == pending_id and r.amount:
                return r.amount
        return 50

    # -- steps -----------------------------------------------------------------------------------

    def step(self) -> None:
        action = self.draw(
            st.sampled_from(["batch"] * 5 + ["tick", "expire"] * 2 + ["close", "freeze"])
        )
        if action == "batch":
            self.send_batch()
        elif action == "tick":
            self.tick()
        elif action == "expire":
            self.expire()
        elif action == "close":
            self.toggle_closed()
        else:
            self.toggle_debits_frozen()

    def send_batch(self) -> None:
        batch: list[TransferRequest] = []
        for _ in range(self.draw(st.integers(1, 6), "batch size")):
            batch.append(self.draw_request(batch))
        self.send(batch)

    def send(self, batch: list[TransferRequest]) -> None:
        for r in batch:
            note(f"  {r}")
        expected = self.model.apply(batch, self.now)
        audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        results = transfers_create(
            transfers=batch, actor=SYSTEM, now=self.now, business_date=BUSINESS_DATE
        )

        note(f"batch at {self.now:%H:%M:%S.%f}: {[r.result for r in results]}")
        assert [r.id for r in results] == [r.id for r in batch]
        assert [r.result for r in results] == expected
        for r, code in zip(batch, expected, strict=True):
            event(f"{r.kind}: {code}")  # pytest --hypothesis-show-statistics: what was covered
        self.sent.extend(batch)
        self.compare(audits, events)

    def tick(self) -> None:
        due = [
            t.expires_at
            for t in self.model.transfers.values()
            if t.state == "pending" and t.expires_at and t.expires_at > self.now
        ]
        how = self.draw(st.sampled_from(["to_next_expiry"] * 3 + ["0.5", "1", "7", "40"]))
        if how == "to_next_expiry" and due:
            self.now = min(due)  # exactly at a timeout: the hold is due
        elif how != "to_next_expiry":
            self.now += timedelta(seconds=float(how))
        note(f"clock: {self.now:%H:%M:%S.%f}")

    def expire(self) -> None:
        expected = self.model.expire_due(self.now)
        audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

        expired = pending_transfers_expire(now=self.now, business_date=BUSINESS_DATE, actor=SYSTEM)

        note(f"expiry run at {self.now:%H:%M:%S.%f}: {expired}")
        event("expiry run: " + ("released holds" if expected else "nothing due"))
        assert expired == expected
        self.compare(audits, events)

    def toggle_closed(self) -> None:
        account_id = self.draw(st.sampled_from(self.accounts))
        closed = not self.model.accounts[account_id].closed
        account_set_closed(account_id=account_id, closed=closed, actor=SYSTEM, now=self.now)
        self.model.set_closed(account_id, closed)
        note(f"account {self.accounts.index(account_id)} closed={closed}")

    def toggle_debits_frozen(self) -> None:
        """Add or lift one of two reasons: the debits stay frozen while either is active."""
        account_id = self.draw(st.sampled_from(self.accounts))
        reason = self.draw(st.sampled_from(["customers.freeze", "risk.case:1"]), "reason")
        reasons = self.freeze_reasons.setdefault(account_id, set())
        frozen = reason not in reasons
        change = account_debits_freeze if frozen else account_debits_unfreeze
        change(account_ids=[account_id], reason_code=reason, actor=SYSTEM, now=self.now)
        (reasons.add if frozen else reasons.discard)(reason)
        self.model.set_debits_frozen(account_id, bool(reasons))
        note(f"account {self.accounts.index(account_id)} {reason} frozen={frozen}")

    # -- comparison ------------------------------------------------------------------------------

    def compare(self, audits_before: int, events_before: int) -> None:
        stored = {
            a["id"]: a
            for a in Account.objects.values("id", "closed", "debits_frozen", *BALANCE_NAMES)
        }
        for account_id, expected in self.model.accounts.items():
            row = stored[account_id]
            actual = tuple(row[name] for name in BALANCE_NAMES)
            assert actual == expected.balances(), f"account {self.accounts.index(account_id)}"
            assert row["closed"] == expected.closed
            assert row["debits_frozen"] == expected.debits_frozen

        assert dict(FailedTransfer.objects.values_list("id", "code")) == self.model.burnt

        rows = Transfer.objects.values_list(
            "id", "kind", "debit_account_id", "credit_account_id", "amount", "pending_id"
        )
        assert {r[0]: r[1:] for r in rows if r[1] != "expire_pending"} == {
            t.id: (t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id)
            for t in self.model.transfers.values()
        }
        assert {r[5] for r in rows if r[1] == "expire_pending"} == self.model.expired

        wrote = self.model.last_created or self.model.last_burnt
        assert AuditEntry.objects.count() == audits_before + (1 if wrote else 0)
        assert OutboxEvent.objects.count() == events_before + (1 if self.model.last_created else 0)


@hypothesis_settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_the_ledger_agrees_with_the_reference_model(db, data):
    with transaction.atomic():
        history = History(data)
        history.open_accounts()
        history.seed_balances()
        for _ in range(history.draw(st.integers(3, 16), "steps")):
            history.step()
        assert ledger_problems() == []
        assert ledger_verify().problems == []
        transaction.set_rollback(True)
