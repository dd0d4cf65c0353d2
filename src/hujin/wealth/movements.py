"""The ledger transfers of an order's steps, and what a refusal of them means to a customer.

Every step is one linked batch (all or nothing), its transfer ids derived from the order's id,
so a step retried after a crash names the same transfers and the ledger answers ``exists``.

- hold (submission): a subscription's money, net and fee, pending from the wallet to the
  product's settlement account and the fee income; a redemption's units pending from the
  holding back to the units issued.
- confirm: the holds posted; a subscription's units issued to the holding; a redemption's
  payout from the settlement account to the wallet.
- release (failure, cancellation): the holds voided.
- take (fast redemption, maturity): units back and money out at once, nothing held.
"""

import uuid
from datetime import date, datetime

from hujin.core.money import unit_asset
from hujin.ledger.errors import Result
from hujin.ledger.services import transfers_chain
from hujin.ledger.types import TransferRequest
from hujin.wealth import errors
from hujin.wealth.accounts import (
    ACTOR,
    CURRENCY,
    fees_id,
    order_transfer_id,
    settlement_id,
    units_issued_id,
)

PENDING = "pending"
POST = "post_pending"
VOID = "void_pending"
SINGLE = "single"


def _request(order, step: str, kind: str, **fields) -> TransferRequest:
    return TransferRequest(
        id=order_transfer_id(order.id, step), kind=kind, code=f"wealth.{order.kind}.{step}",
        metadata={"order_id": str(order.id)}, **fields,
    )  # fmt: skip


def _money(order, step, kind, debit, credit, amount) -> TransferRequest:
    return _request(order, step, kind, debit_account_id=debit, credit_account_id=credit,
                    amount=amount, currency=CURRENCY)  # fmt: skip


def _units(order, step, kind, debit, credit, units, code) -> TransferRequest:
    return _request(order, step, kind, debit_account_id=debit, credit_account_id=credit,
                    amount=units, currency=unit_asset(code))  # fmt: skip


def _resolve(order, step: str, kind: str, pending_step: str) -> TransferRequest:
    return _request(order, step, kind, pending_id=order_transfer_id(order.id, pending_step))


def hold_requests(order, *, code: str, wallet_id: uuid.UUID) -> list[TransferRequest]:
    if order.kind == "subscribe":
        requests = [_money(order, "hold", PENDING, wallet_id, settlement_id(code), order.net_minor)]
        if order.fee_minor:
            requests.append(_money(order, "hold_fee", PENDING, wallet_id, fees_id(),
                                   order.fee_minor))  # fmt: skip
        return requests
    return [_units(order, "hold", PENDING, order.holding.account_id, units_issued_id(code),
                   order.units_minor, code)]  # fmt: skip


def confirm_requests(order, *, code: str, wallet_id: uuid.UUID) -> list[TransferRequest]:
    requests = [_resolve(order, "post", POST, "hold")]
    if order.kind == "subscribe":
        if order.fee_minor:
            requests.append(_resolve(order, "post_fee", POST, "hold_fee"))
        requests.append(_units(order, "units", SINGLE, units_issued_id(code),
                               order.holding.account_id, order.units_minor, code))  # fmt: skip
    elif order.payout_minor:
        requests.append(_money(order, "pay", SINGLE, settlement_id(code), wallet_id,
                               order.payout_minor))  # fmt: skip
    return requests


def release_requests(order) -> list[TransferRequest]:
    requests = [_resolve(order, "void", VOID, "hold")]
    if order.kind == "subscribe" and order.fee_minor:
        requests.append(_resolve(order, "void_fee", VOID, "hold_fee"))
    return requests


def take_requests(order, *, code: str, wallet_id: uuid.UUID) -> list[TransferRequest]:
    requests = [_units(order, "units", SINGLE, order.holding.account_id, units_issued_id(code),
                       order.units_minor, code)]  # fmt: skip
    if order.payout_minor:
        requests.append(_money(order, "pay", SINGLE, settlement_id(code), wallet_id,
                               order.payout_minor))  # fmt: skip
    return requests


def book(requests: list[TransferRequest], *, now: datetime, business_date: date) -> str:
    """Apply the step's transfers as one linked chain; returns ``ok`` or the first refusal's
    result code (``exists`` counts as done: the step was booked before)."""
    return transfers_chain(transfers=requests, actor=ACTOR, now=now, business_date=business_date)


def refusal(code: str, *, subscribe: bool) -> Exception:
    """The customer's error for a ledger refusal of a hold or a take."""
    if code == Result.EXCEEDS_CREDITS:
        return errors.InsufficientFunds() if subscribe else errors.InsufficientUnits()
    return errors.OrderNotAllowed(details={"reason": code})  # frozen, closed...
