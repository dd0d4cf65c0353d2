"""No personal data from the ledger in the audit log or the outbox.

An account's free-text ``name`` and any ``metadata`` may hold personal data (the demo once put a
customer's legal name in the name). The audit log is append-only, so what lands there can never be
erased for a deletion request: the ledger's audit entries and event payloads carry references
(id, number, code, currency, owner_ref), never the name or the metadata.
"""

import json

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger.errors import Result
from hujin.ledger.services import (
    account_create,
    account_debits_freeze,
    account_debits_unfreeze,
    account_set_closed,
    accounts_close,
)
from tests.ledger.conftest import START_AT

LEGAL_NAME = "张三丰"
ID_NUMBER = "110101199003074514"
PERSONAL = {"holder": LEGAL_NAME, "id_number": ID_NUMBER, "note": "Zhang Sanfeng's wallet"}


def everything_written() -> str:
    """Every audit entry and outbox event, as one text to search."""
    audit = [
        {field.name: getattr(entry, field.name) for field in AuditEntry._meta.concrete_fields}
        for entry in AuditEntry.objects.all()
    ]
    events = [
        {"aggregate_id": e.aggregate_id, "event_type": e.event_type, "payload": e.payload}
        for e in OutboxEvent.objects.all()
    ]
    return json.dumps([audit, events], ensure_ascii=False, default=str)


@pytest.fixture
def wallet(book):
    account, created = account_create(
        currency="CNY",
        code="2001.wallet",
        kind="liability",
        name=f"{LEGAL_NAME} 的钱包 (Zhang Sanfeng)",
        owner_ref="customer:42",
        metadata=PERSONAL,
        debits_must_not_exceed_credits=True,
        actor=SYSTEM,
        now=START_AT,
    )
    assert created
    return account


def test_opening_an_account_records_its_references_and_not_its_name_or_metadata(wallet):
    written = everything_written()

    for secret in (LEGAL_NAME, ID_NUMBER, "Zhang Sanfeng"):
        assert secret not in written
    entry = AuditEntry.objects.get(action="ledger.account_create")
    event = OutboxEvent.objects.get(event_type="ledger.account_created")
    references = {
        "id": str(wallet.id),
        "number": wallet.number,
        "code": "2001.wallet",
        "currency": "CNY",
        "kind": "liability",
        "owner_ref": "customer:42",
        "debits_must_not_exceed_credits": True,
        "credits_must_not_exceed_debits": False,
        "debits_frozen": False,
    }
    assert entry.after == references
    assert event.payload == references


def test_nothing_the_ledger_writes_about_the_account_or_its_transfers_names_the_person(
    book, wallet
):
    bank = book.open("1001.bank", kind="asset")
    merchant = book.open("2101.merchant")
    assert book.apply(
        book.single(bank, wallet.id, 10_000, metadata=PERSONAL),
        book.single(wallet.id, merchant, 2_500, metadata={"payer": LEGAL_NAME}),
    ) == [Result.OK, Result.OK]
    assert book.apply(book.single(wallet.id, merchant, 7_500, metadata=PERSONAL)) == [Result.OK]
    account_debits_freeze(account_ids=[wallet.id], reason_code="x", actor=SYSTEM, now=book.now)
    account_debits_unfreeze(owner_ref="customer:42", reason_code="x", actor=SYSTEM, now=book.now)
    account_set_closed(account_id=merchant, closed=True, actor=SYSTEM, now=book.now)
    assert accounts_close(owner_ref="customer:42", actor=SYSTEM, now=book.now) == [wallet.id]

    written = everything_written()

    assert AuditEntry.objects.count() >= 8
    for secret in (LEGAL_NAME, ID_NUMBER, "Zhang Sanfeng"):
        assert secret not in written
