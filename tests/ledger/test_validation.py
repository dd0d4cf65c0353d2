"""A request the ledger could never store is refused before it reaches the database, with the
same rules whether it arrives through the API or from Python."""

import uuid

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.engine import TransferRequest
from hujin.ledger.errors import AccountInvalid, TransferInvalid
from hujin.ledger.models import Transfer
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.validation import MAX_METADATA_BYTES, metadata_problem, transfer_request_problem


def request(**fields) -> TransferRequest:
    base = dict(id=uuid.uuid4(), debit_account_id=uuid.uuid4(), credit_account_id=uuid.uuid4(),
                amount=100, currency="CNY", code="p2p")  # fmt: skip
    base.update(fields)
    return TransferRequest(**base)


def test_an_ordinary_request_has_no_problem():
    assert transfer_request_problem(request()) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id": "not-a-uuid"}, "id"),
        ({"kind": "refund"}, "kind"),
        ({"debit_account_id": 7}, "debit_account_id"),
        ({"amount": 2**63}, "amount"),
        ({"amount": -(2**63)}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"amount": True}, "amount"),
        ({"currency": "RMB¥"}, "currency"),
        ({"linked": "yes"}, "linked"),
        ({"kind": "pending", "timeout_seconds": -1}, "timeout_seconds"),
        ({"kind": "pending", "timeout_seconds": 2**31}, "timeout_seconds"),
        ({"code": "no spaces"}, "code"),
        ({"code": "x" * 65}, "code"),
        ({"metadata": {"note": "x" * MAX_METADATA_BYTES}}, "metadata"),
        ({"metadata": {"nan": float("nan")}}, "metadata"),
    ],
)
def test_a_request_that_cannot_be_stored_names_its_field(fields, field):
    assert transfer_request_problem(request(**fields))[0] == field


def test_a_zero_or_negative_amount_that_fits_a_bigint_is_left_to_the_engine():
    # The engine answers amount_must_not_be_zero for it, as TigerBeetle does.
    assert transfer_request_problem(request(amount=0)) is None
    assert transfer_request_problem(request(amount=-(2**63) + 1)) is None


def test_metadata_that_nests_too_deep_is_refused():
    deep: dict = {}
    node = deep
    for _ in range(10):
        node["n"] = {}
        node = node["n"]
    assert "levels" in metadata_problem(deep)


@pytest.mark.django_db
def test_the_service_refuses_the_whole_batch_and_writes_nothing(now, business_date):
    good, bad = request(), request(kind="pending", timeout_seconds=-5)

    with pytest.raises(TransferInvalid) as refused:
        transfers_create(transfers=[good, bad], actor=SYSTEM, now=now, business_date=business_date)

    assert refused.value.details == {"index": 1, "field": "timeout_seconds"}
    assert Transfer.objects.count() == 0


@pytest.mark.django_db
def test_a_single_transfer_no_column_could_hold_is_refused_on_every_path(now, business_date):
    # On PostgreSQL a single transfer goes to a database function whose amount is a BIGINT.
    with pytest.raises(TransferInvalid) as refused:
        transfers_create(
            transfers=[request(amount=-(2**70))], actor=SYSTEM, now=now,
            business_date=business_date,
        )  # fmt: skip

    assert refused.value.details == {"index": 0, "field": "amount"}
    assert Transfer.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"name": "n" * 1000}, {"owner_ref": "o" * 1000}, {"metadata": {"x": float("inf")}}],
)
def test_an_account_that_cannot_be_stored_is_refused(now, fields):
    with pytest.raises(AccountInvalid):
        account_create(currency="CNY", code="2001.wallet", kind="liability", actor=SYSTEM,
                       now=now, **fields)  # fmt: skip
