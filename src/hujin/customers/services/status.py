"""Customer status: active, frozen (no outgoing money), closed (only with zero balances).

Freezing and unfreezing are maker-checker actions: one staff member asks
(``customers.request_freeze``), another approves (``customers.approve_freeze``) in the approvals
inbox, which then runs ``customer_freeze_execute`` / ``customer_unfreeze_execute``. Closing is a
direct staff action with a reason.

A freeze also freezes the debits of every ledger account the customer owns, in the same
transaction (``ledger.services.account_debits_freeze``), for the reason
``CUSTOMER_FREEZE_REASON``: the ledger itself refuses any transfer out of them (result
``debits_frozen``), whoever sends it. An unfreeze lifts that one reason, so an account also frozen
for another reason (a risk case) stays frozen. Payments and every other outgoing-money path still
ask ``customers.selectors.customer_may_send`` first, to refuse early.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_request
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.masking import mask
from hujin.customers.errors import (
    BalancesNotZero,
    CustomerClosed,
    CustomerNotFound,
    NotPermitted,
    ReasonRequired,
    StatusUnchanged,
)
from hujin.customers.models import Customer, CustomerStatus
from hujin.customers.permissions import CLOSE_CUSTOMER, REQUEST_FREEZE
from hujin.customers.services.owners import owner_ref_for
from hujin.ledger.errors import AccountsNotAtZero
from hujin.ledger.services import account_debits_freeze, account_debits_unfreeze, accounts_close

FREEZE_ACTION = "customers.freeze"  # the maker-checker actions (approvals, audit)
UNFREEZE_ACTION = "customers.unfreeze"
# Why the ledger freezes a customer's accounts: every account customers freezes, or opens frozen,
# for a frozen customer carries this reason, and the unfreeze lifts this one reason only.
CUSTOMER_FREEZE_REASON = "customers.freeze"
REASON_MAX = 500


def customer_request_describe(request) -> str:
    """One line for the approvals inbox: the customer (masked) and their current status."""
    customer = Customer.objects.filter(id=request.payload.get("customer_id")).first()
    if customer is None:
        return "—"
    name = mask("name", customer.legal_name) or str(customer.id)
    return f"{name} · {customer.get_status_display()}"


def _reason(reason: str) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise ReasonRequired()
    return cleaned[:REASON_MAX]


def _customer(customer_id: uuid.UUID, *, lock: bool = False) -> Customer:
    qs = Customer.objects.select_for_update(no_key=True) if lock else Customer.objects
    customer = qs.filter(id=customer_id).first()
    if customer is None:
        raise CustomerNotFound()
    return customer


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_scope(permission):
        raise NotPermitted(details={"required_permission": permission})


def _check_transition(customer: Customer, *, freeze: bool) -> None:
    if customer.status == CustomerStatus.CLOSED:
        raise CustomerClosed()
    wanted_from = CustomerStatus.ACTIVE if freeze else CustomerStatus.FROZEN
    if customer.status != wanted_from:
        raise StatusUnchanged()


def customer_freeze_request(
    *, customer_id: uuid.UUID, freeze: bool, reason: str, actor: Actor, now: datetime
):
    """Ask for a customer to be frozen (``freeze=True``) or unfrozen; a checker approves.

    Returns the approval request. Raises NotPermitted, CustomerNotFound, CustomerClosed,
    StatusUnchanged, ReasonRequired (and the approvals module's own errors).
    """
    _require(actor, REQUEST_FREEZE)
    reason = _reason(reason)
    customer = _customer(customer_id)
    _check_transition(customer, freeze=freeze)
    return approval_request(
        actor=actor,
        action=FREEZE_ACTION if freeze else UNFREEZE_ACTION,
        target_type="customers.customer",
        target_id=str(customer.id),
        payload={"customer_id": str(customer.id)},
        reason=reason,
        now=now,
    )


def _status_set(
    customer: Customer, status: str, *, reason: str, action: str, actor: Actor, now: datetime
) -> Customer:
    before = customer.status
    customer.status = status
    customer.status_reason = reason
    customer.status_changed_at = now
    customer.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action=action,
        target_type="customers.customer",
        target_id=str(customer.id),
        occurred_at=now,
        before={"status": before},
        # The reason is free text (it may name the person): it stays on the customer row, which
        # an erasure can reach; the append-only trail says only that it changed.
        after={"status": status, "changed": ["status", "status_changed_at", "status_reason"]},
    )
    event_emit(
        aggregate_type="customers.customer",
        aggregate_id=str(customer.id),
        event_type="customers.status_changed",
        occurred_at=now,
        payload={
            "customer_id": str(customer.id),
            "user_id": str(customer.user_id) if customer.user_id else None,
            "from": before,
            "to": status,
        },
    )
    return customer


def _execute(request, *, freeze: bool, actor: Actor, now: datetime) -> Customer:
    action = FREEZE_ACTION if freeze else UNFREEZE_ACTION
    with transaction.atomic():
        customer = _customer(uuid.UUID(request.payload["customer_id"]), lock=True)
        _check_transition(customer, freeze=freeze)
        customer = _status_set(
            customer,
            CustomerStatus.FROZEN if freeze else CustomerStatus.ACTIVE,
            reason=request.maker_reason[:REASON_MAX],
            action=action,
            actor=actor,
            now=now,
        )
        # The ledger locks the customer's accounts and records its own audit entries and events.
        ledger_change = account_debits_freeze if freeze else account_debits_unfreeze
        ledger_change(
            owner_ref=owner_ref_for(customer.id),
            reason_code=CUSTOMER_FREEZE_REASON,
            actor=actor,
            now=now,
        )
        return customer


def customer_freeze_execute(*, request, actor: Actor, now: datetime) -> Customer:
    """Run by the approvals module when a checker approves ``customers.freeze``."""
    return _execute(request, freeze=True, actor=actor, now=now)


def customer_unfreeze_execute(*, request, actor: Actor, now: datetime) -> Customer:
    """Run by the approvals module when a checker approves ``customers.unfreeze``."""
    return _execute(request, freeze=False, actor=actor, now=now)


def customer_close(*, customer_id: uuid.UUID, reason: str, actor: Actor, now: datetime) -> Customer:
    """Close a customer: every ledger account they own must be at zero (posted and pending).

    Their ledger accounts are closed too. Raises NotPermitted, CustomerNotFound, CustomerClosed,
    ReasonRequired, BalancesNotZero (details: the accounts that are not at zero).
    """
    _require(actor, CLOSE_CUSTOMER)
    reason = _reason(reason)
    with transaction.atomic():
        customer = _customer(customer_id, lock=True)
        if customer.status == CustomerStatus.CLOSED:
            raise CustomerClosed()
        try:
            accounts_close(owner_ref=owner_ref_for(customer.id), actor=actor, now=now)
        except AccountsNotAtZero as exc:
            raise BalancesNotZero(details={"accounts": exc.details["accounts"]}) from exc
        return _status_set(
            customer,
            CustomerStatus.CLOSED,
            reason=reason,
            action="customers.close",
            actor=actor,
            now=now,
        )
