"""The console's page of one wealth order (``views_console.order``): everything about it, its
ledger transfers in words, the suitability decision it rested on and the documents acknowledged.
Read only with ``wealth.view_orders`` (``console_selectors.require_viewer``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.navigation import url_if_mounted
from hujin.ledger.selectors import LEDGER_READ_PERMISSION, transfers_get_many
from hujin.suitability.selectors import LEVEL_LABELS, PRODUCT_LEVEL_LABELS
from hujin.wealth.accounts import ACTOR, CURRENCY, order_transfer_id
from hujin.wealth.console_selectors import OrderRow, order_rows, require_viewer
from hujin.wealth.errors import OrderNotFound
from hujin.wealth.labels import (
    DOCUMENT_LABELS,
)
from hujin.wealth.models import (
    Order,
)
from hujin.wealth.suitability import MESSAGES
from hujin.wealth.types import SUBSCRIBE

OUTCOME_LABELS = {
    "allowed": pgettext_lazy("suitability", "Allowed"),
    "warning_required": pgettext_lazy("suitability", "Warning to confirm"),
    "refused": pgettext_lazy("suitability", "Refused"),
}
POLICY_LABELS = {
    "strict": pgettext_lazy("suitability policy", "Strict: never above the customer's level"),
    "confirm": pgettext_lazy("suitability policy", "Confirm: above the level after a warning"),
}
# The ledger transfers an order's steps may make (movements), by step: what each does, for a
# subscription (money) and for a redemption or payout (units back, money out).
STEP_LABELS = {
    "hold": (pgettext_lazy("order step", "Money held in the wallet"),
             pgettext_lazy("order step", "Units held for the redemption")),
    "hold_fee": (pgettext_lazy("order step", "Fee held in the wallet"),) * 2,
    "post": (pgettext_lazy("order step", "Held money paid for the units"),
             pgettext_lazy("order step", "Held units taken back")),
    "post_fee": (pgettext_lazy("order step", "Held fee charged"),) * 2,
    "units": (pgettext_lazy("order step", "Units issued to the holding"),
              pgettext_lazy("order step", "Units taken back")),
    "pay": (pgettext_lazy("order step", "Paid to the wallet"),) * 2,
    "void": (pgettext_lazy("order step", "Hold released"),) * 2,
    "void_fee": (pgettext_lazy("order step", "Fee hold released"),) * 2,
}  # fmt: skip
# Why an order failed (``failure_code``: the ledger's refusal of its confirmation, or the
# fundraising's failure), in words.
FAILURE_LABELS = {
    "raise_failed": _("The fundraising did not reach its minimum: refunded in full."),
    "exceeds_credits": _("Not enough money or units left for it: the ledger refused it."),
    "debits_frozen": _("The customer's account was frozen: the ledger refused it."),
    "account_closed": _("An account of the order was closed: the ledger refused it."),
}
FAILURE_OTHER = _("The ledger refused it.")
TRANSFER_KINDS = {
    "single": pgettext_lazy("ledger transfer", "Posted"),
    "pending": pgettext_lazy("ledger transfer", "Hold"),
    "post_pending": pgettext_lazy("ledger transfer", "Hold posted"),
    "void_pending": pgettext_lazy("ledger transfer", "Hold released"),
}


@dataclass(frozen=True, slots=True)
class LedgerStep:
    id: uuid.UUID
    label: Promise | str  # what the step did
    kind_label: Promise | str
    amount_minor: int
    currency: str  # CNY, or the product's unit asset
    created_at: datetime
    url: str  # "" when the viewer may not open the ledger's page


@dataclass(frozen=True, slots=True)
class SuitabilityShown:
    outcome: str
    outcome_label: Promise | str
    reason: Promise | str  # as the customer was told
    customer_level: str
    customer_level_label: Promise | str
    product_level: str
    product_level_label: Promise | str
    policy_label: Promise | str
    decided_at: datetime
    warning_confirmed_at: datetime | None
    warning_sha256: str


@dataclass(frozen=True, slots=True)
class DocumentShown:
    label: Promise | str
    file_name: str


@dataclass(frozen=True, slots=True)
class AcknowledgementShown:
    acknowledged_at: datetime
    documents: list[DocumentShown]


@dataclass(frozen=True, slots=True)
class OrderDetail:
    row: OrderRow
    fee_minor: int
    net_minor: int
    nav: Decimal | None
    cooling_off_until: datetime | None
    cancel_until: datetime | None
    confirmed_at: datetime | None
    ended_at: datetime | None
    failure_code: str
    failure_label: Promise | str
    attempts: int
    transfers: list[LedgerStep]
    suitability: SuitabilityShown | None
    acknowledgement: AcknowledgementShown | None


def _transfers(actor: Actor, order: Order, unit: str) -> list[LedgerStep]:
    """The order's ledger transfers (their ids derive from the order's), read as wealth reads
    them: the order's viewer sees its money move; the link to the ledger's page only for who
    may open it."""
    steps = {order_transfer_id(order.id, step): step for step in STEP_LABELS}
    transfers = transfers_get_many(actor=ACTOR, transfer_ids=list(steps))
    linked = actor.has_scope(LEDGER_READ_PERMISSION)
    side = 0 if order.kind == SUBSCRIBE else 1
    return [
        LedgerStep(
            id=t.id, label=STEP_LABELS[steps[t.id]][side],
            kind_label=TRANSFER_KINDS.get(t.kind, ""), amount_minor=t.amount,
            currency=t.currency if t.currency in (CURRENCY, unit) else CURRENCY,
            created_at=t.created_at,
            url=(url_if_mounted("ledger:transfer_detail", args=[t.id]) or "") if linked else "",
        )
        for t in transfers
    ]  # fmt: skip


def _suitability(order: Order) -> SuitabilityShown | None:
    record = order.suitability
    if record is None:
        return None
    confirmation = record.confirmation
    return SuitabilityShown(
        outcome=record.outcome, outcome_label=OUTCOME_LABELS.get(record.outcome, record.outcome),
        reason=MESSAGES.get(record.code, ""), customer_level=record.customer_level,
        customer_level_label=LEVEL_LABELS.get(record.customer_level, ""),
        product_level=record.product_level,
        product_level_label=PRODUCT_LEVEL_LABELS.get(record.product_level, ""),
        policy_label=POLICY_LABELS.get(record.policy, record.policy),
        decided_at=record.decided_at,
        warning_confirmed_at=confirmation.confirmed_at if confirmation else None,
        warning_sha256=confirmation.text_sha256 if confirmation else "",
    )  # fmt: skip


def _acknowledgement(order: Order) -> AcknowledgementShown | None:
    acknowledgement = order.acknowledgement
    if acknowledgement is None:
        return None
    documents = [
        DocumentShown(DOCUMENT_LABELS.get(d.get("kind", ""), ""), str(d.get("file_name", "")))
        for d in acknowledgement.documents or [] if isinstance(d, dict)
    ]  # fmt: skip
    return AcknowledgementShown(acknowledgement.acknowledged_at, documents)


def order_detail(*, actor: Actor, order_id: uuid.UUID, on: date, language: str) -> OrderDetail:
    """One order for the console: everything about it. Raises PermissionDenied,
    OrderNotFound."""
    require_viewer(actor)
    order = (
        Order.objects.select_related("suitability__confirmation", "acknowledgement")
        .filter(id=order_id).first()
    )  # fmt: skip
    if order is None:
        raise OrderNotFound()
    [row] = order_rows(actor, [order], on, language)
    return OrderDetail(
        row=row, fee_minor=order.fee_minor, net_minor=order.net_minor, nav=order.nav,
        cooling_off_until=order.cooling_off_until, cancel_until=order.cancel_until,
        confirmed_at=order.confirmed_at, ended_at=order.ended_at,
        failure_code=order.failure_code,
        failure_label=FAILURE_LABELS.get(order.failure_code, FAILURE_OTHER),
        attempts=order.attempts,
        transfers=_transfers(actor, order, row.unit), suitability=_suitability(order),
        acknowledgement=_acknowledgement(order),
    )  # fmt: skip


# --- income distributions -----------------------------------------------------------------------
