"""Resolving a break by maker-checker: an operator proposes a correcting transfer (with the
customer's wallet or the withdrawals in flight) or a move to the suspense account, with a note;
another person holding ``payments.resolve_breaks`` approves it in the approvals queue; only then
is the transfer posted (``break_resolve_execute``, inside the approval's transaction). Its id is
derived from the break and the approval, so it can only ever be posted once. No payment and no
earlier transfer is changed: the correction is a new transfer.

The actions (debit → credit; the effect on the channel's clearing account):

- ``wallet_credit``: clearing → wallet (+): the channel collected a top-up Hujin never credited;
- ``wallet_debit``: wallet → clearing (−): Hujin credited a top-up the channel never collected;
- ``in_flight_credit``: withdrawals in flight → wallet: a payout the channel never made;
- ``in_flight_debit``: wallet → withdrawals in flight: a payout made that Hujin thought failed;
- ``suspense_in``: clearing → suspense (+): money the channel has that nobody can place yet;
- ``suspense_out``: suspense → clearing (−): money Hujin counts that the channel does not show.
"""

import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_get, approval_request
from hujin.core.audit import audit_record
from hujin.core.dates import business_date_get
from hujin.core.events import event_emit
from hujin.core.money import format_minor
from hujin.ledger.errors import Result
from hujin.ledger.services import transfers_create
from hujin.ledger.types import TransferRequest
from hujin.payments.models_reconciliation import (
    BREAK_OPEN,
    BREAK_PROPOSED,
    BREAK_RESOLVED,
    RESOLVED_CORRECTED,
    RESOLVED_SUSPENSE,
    Break,
)
from hujin.payments.permissions import RESOLVE_BREAKS
from hujin.payments.reconciliation import events
from hujin.payments.reconciliation.errors import (
    BreakNotFound,
    BreakNotOpen,
    CorrectionRefusedByLedger,
    ReconciliationNotPermitted,
    ResolutionInvalid,
    ResolutionNeedsCustomer,
)
from hujin.payments.reconciliation.suspense import suspense_account_open
from hujin.payments.reconciliation.values import ACTION_LABELS, KIND_LABELS
from hujin.payments.services.house import house_accounts_open

RESOLVE_ACTION = "payments.resolve_break"
TARGET = "payments.break"
CODE = "payments.reconciliation"
NOTE_MAX = 500
MAX_AMOUNT_MINOR = 10_000_000_00
# action -> (debit side, credit side, sign of the effect on the clearing account)
ACTIONS: dict[str, tuple[str, str, int]] = {
    "wallet_credit": ("clearing", "wallet", 1),
    "wallet_debit": ("wallet", "clearing", -1),
    "in_flight_credit": ("in_flight", "wallet", 0),
    "in_flight_debit": ("wallet", "in_flight", 0),
    "suspense_in": ("clearing", "suspense", 1),
    "suspense_out": ("suspense", "clearing", -1),
}


def _may_resolve(actor: Actor) -> None:
    if not actor.has_scope(RESOLVE_BREAKS):
        raise ReconciliationNotPermitted(details={"required_permission": RESOLVE_BREAKS})


def break_is_open(item: Break) -> bool:
    """Open, or proposed with a proposal that was rejected or withdrawn (approvals tells)."""
    if item.status == BREAK_OPEN:
        return True
    if item.status != BREAK_PROPOSED or item.approval_request_id is None:
        return False
    return approval_get(id=item.approval_request_id).status != "pending"


def break_resolution_propose(
    *, break_id: uuid.UUID, action: str, amount_minor: int, note: str, actor: Actor,
    now: datetime,
) -> Break:  # fmt: skip
    """Ask for ``action`` of ``amount_minor`` fen on the break; a checker approves it in the
    approvals queue. Raises ReconciliationNotPermitted, BreakNotFound, BreakNotOpen,
    ResolutionInvalid, ResolutionNeedsCustomer."""
    _may_resolve(actor)
    note = " ".join((note or "").split())[:NOTE_MAX]
    if action not in ACTIONS or type(amount_minor) is not int or not note:
        raise ResolutionInvalid()
    if not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise ResolutionInvalid()
    with transaction.atomic():
        item = Break.objects.select_for_update().filter(id=break_id).first()
        if item is None:
            raise BreakNotFound()
        if not break_is_open(item):
            raise BreakNotOpen()
        if "wallet" in ACTIONS[action][:2] and item.payment_id is None:
            raise ResolutionNeedsCustomer()
        request = approval_request(
            actor=actor, action=RESOLVE_ACTION, target_type=TARGET, target_id=str(item.id),
            payload={"break_id": str(item.id), "action": action, "amount_minor": amount_minor},
            reason=note, now=now,
        )  # fmt: skip
        item.status, item.approval_request_id = BREAK_PROPOSED, request.id
        item.save(update_fields=["status", "approval_request_id"])
        _record(item, actor, "payments.break_resolution_proposed",
                events.BREAK_RESOLUTION_PROPOSED, now, action=action,
                amount_minor=amount_minor, approval_request_id=str(request.id))  # fmt: skip
    return item


def _accounts(item: Break, now: datetime) -> dict[str, uuid.UUID | None]:
    house = house_accounts_open(channel=item.channel, now=now)
    wallet = item.payment.customer.wallet_account_id if item.payment_id else None
    return {
        "clearing": house.clearing_id, "in_flight": house.in_flight_id, "wallet": wallet,
        "suspense": suspense_account_open(now=now),
    }  # fmt: skip


def break_resolve_execute(*, request, actor: Actor, now: datetime) -> Break:
    """Run by approvals when a checker approves ``payments.resolve_break`` (in its transaction):
    post the correcting transfer and resolve the break. Raises BreakNotFound, BreakNotOpen,
    ResolutionNeedsCustomer, CorrectionRefusedByLedger (then nothing is approved)."""
    action, amount = request.payload["action"], int(request.payload["amount_minor"])
    item = (
        Break.objects.select_for_update(of=("self",)).select_related("payment__customer")
        .filter(id=request.payload["break_id"]).first()
    )  # fmt: skip
    if item is None:
        raise BreakNotFound()
    if item.status != BREAK_PROPOSED or item.approval_request_id != request.id:
        raise BreakNotOpen()
    debit, credit, sign = ACTIONS[action]
    accounts = _accounts(item, now)
    if accounts[debit] is None or accounts[credit] is None:
        raise ResolutionNeedsCustomer()
    business_date = business_date_get(now=now)
    correction = TransferRequest(
        id=uuid.uuid5(item.id, f"{CODE}:{request.id}"), kind="single",
        debit_account_id=accounts[debit], credit_account_id=accounts[credit], amount=amount,
        currency=item.currency, code=CODE,
        metadata={"break_id": str(item.id), "approval_request_id": str(request.id),
                  **({"payment_id": str(item.payment_id)} if item.payment_id else {})},
    )  # fmt: skip
    [result] = transfers_create(
        transfers=[correction], actor=actor, now=now, business_date=business_date
    )
    if result.result not in (Result.OK, Result.EXISTS):
        raise CorrectionRefusedByLedger(details={"ledger_result": result.result})
    item.status, item.resolved_at = BREAK_RESOLVED, now
    item.resolution = RESOLVED_SUSPENSE if "suspense" in (debit, credit) else RESOLVED_CORRECTED
    item.resolution_note = (request.maker_reason or "")[:NOTE_MAX]
    item.resolution_transfer_id, item.resolution_business_date = correction.id, business_date
    item.correction_clearing_minor = sign * amount
    item.save()
    _record(item, actor, "payments.break_resolved", events.BREAK_RESOLVED, now, action=action,
            amount_minor=amount, transfer_id=str(correction.id),
            approval_request_id=str(request.id))  # fmt: skip
    return item


def break_request_describe(request) -> str:
    """One line for the approvals inbox: the kind, the channel's reference and the amount."""
    payload = request.payload
    item = Break.objects.filter(id=payload.get("break_id")).first()
    amount = f"¥{format_minor(int(payload.get('amount_minor') or 0), 'CNY')}"
    action = ACTION_LABELS.get(payload.get("action"), payload.get("action"))
    if item is None:
        return f"{action} · {amount}"
    return f"{KIND_LABELS[item.kind]} · {item.reference} · {action} · {amount}"


def _record(item: Break, actor: Actor, audit: str, event: str, now: datetime, **extra) -> None:
    after = {"status": item.status, "kind": item.kind, "reference": item.reference, **extra}
    audit_record(actor=actor, action=audit, target_type=TARGET, target_id=str(item.id),
                 occurred_at=now, after=after)  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(item.id), event_type=event, occurred_at=now,
        payload={"break_id": str(item.id), "channel": item.channel,
                 "business_date": item.business_date.isoformat(), **after},
    )  # fmt: skip
