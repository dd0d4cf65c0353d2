"""Placing and cancelling orders: subscriptions, redemptions (a money-market fund's fast
redemption settles at once) and cancellations within the window the product allows.

A subscription passes the suitability gate (recorded), needs the product's documents
acknowledged (that acknowledgement and any warning confirmation are used up by it), fits the
product's minimum, increment, per-customer cap and, for a fixed-term product, its fundraising
window and size; then its money is held in the wallet by a pending ledger transfer. A redemption
holds the units the same way. All of it in one transaction with the order's audit entry and
event; a refusal changes nothing. Idempotent on the customer's key: the same key and the same
order return the first one; the same key for another order is refused.
"""

import uuid
from contextlib import contextmanager
from datetime import date, datetime

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.dates import business_date_get
from hujin.core.events import event_emit
from hujin.customers.selectors import OwnStanding
from hujin.ledger.errors import Result
from hujin.products.selectors import product_get, subscription_fee_for
from hujin.products.types import KIND_FIXED_TERM, KIND_MMF, ProductView
from hujin.wealth import errors, events, movements
from hujin.wealth.accounts import holding_account_open, product_accounts_open
from hujin.wealth.confirm import order_confirm_now, order_release, redemption_priced
from hujin.wealth.gate import documents_acknowledge, suitability_check
from hujin.wealth.models import (
    DocumentsAcknowledgement,
    Fundraising,
    Holding,
    Order,
    RiskWarningConfirmation,
)
from hujin.wealth.presenters import order_view
from hujin.wealth.selectors import (
    customer_of,
    documents_acknowledgement_valid,
    fast_redeemed_on,
    suitability_inputs,
)
from hujin.wealth.timing import order_timing, raise_closes_at
from hujin.wealth.types import (
    CANCELLED,
    CONFIRMED,
    REDEEM,
    SUBMITTED,
    SUBSCRIBE,
    OrderView,
)

KEY_MAX = 64
IDEMPOTENT_CONSTRAINT = "wealth_order_idempotent"
# The house's own orders (a maturity payout) are keyed under this prefix: not a customer's key.
RESERVED_KEY_PREFIX = "hujin:"


def _key(value: str) -> str:
    key = (value or "").strip()
    if not key or len(key) > KEY_MAX or key.lower().startswith(RESERVED_KEY_PREFIX):
        raise errors.IdempotencyKeyInvalid(details={"field": "idempotency_key"})
    return key


def _existing(standing: OwnStanding, key: str, same: dict) -> OrderView | None:
    order = Order.objects.select_related("product").filter(
        customer_id=standing.customer_id, idempotency_key=key
    ).first()  # fmt: skip
    if order is None:
        return None
    if any(getattr(order, name) != value for name, value in same.items()):
        raise errors.IdempotencyKeyReused()
    return order_view(order)


def _wallet(standing: OwnStanding) -> uuid.UUID:
    if standing.wallet_account_id is None:
        raise errors.WalletNotOpen()
    return standing.wallet_account_id


def _holding(standing: OwnStanding, product: ProductView, now: datetime) -> Holding:
    """The customer's holding of the product, opened when missing, locked for this order: the
    per-customer cap and the fast-redemption quota are checked under this lock."""
    holding = Holding.objects.select_for_update().filter(
        customer_id=standing.customer_id, product_id=product.id
    ).first()  # fmt: skip
    if holding is not None:
        return holding
    product_accounts_open(product_code=product.code, now=now)
    account_id = holding_account_open(
        customer_id=standing.customer_id, product_code=product.code, now=now
    )
    Holding.objects.get_or_create(
        customer_id=standing.customer_id, product_id=product.id,
        defaults={"account_id": account_id, "opened_at": now},
    )  # fmt: skip
    return Holding.objects.select_for_update().get(
        customer_id=standing.customer_id, product_id=product.id
    )


def _amount_check(product: ProductView, amount_minor: int) -> None:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise errors.AmountInvalid(details={"field": "amount"})
    if amount_minor < product.min_amount_minor:
        raise errors.AmountInvalid(
            details={"field": "amount", "reason": "below_minimum",
                     "min_amount_minor": product.min_amount_minor},
        )  # fmt: skip
    if (amount_minor - product.min_amount_minor) % product.increment_minor:
        raise errors.AmountInvalid(
            details={"field": "amount", "reason": "increment",
                     "increment_minor": product.increment_minor},
        )  # fmt: skip


def _cap_check(holding: Holding, product: ProductView, amount_minor: int) -> None:
    if product.per_customer_cap_minor is None:
        return
    open_minor = sum(
        Order.objects.filter(holding=holding, kind=SUBSCRIBE, state=SUBMITTED).values_list(
            "amount_minor", flat=True
        )
    )
    used = holding.cost_minor + open_minor
    if used + amount_minor > product.per_customer_cap_minor:
        raise errors.OverCap(
            details={"cap_minor": product.per_customer_cap_minor,
                     "left_minor": max(product.per_customer_cap_minor - used, 0)},
        )  # fmt: skip


def _raise_take(product: ProductView, net_minor: int, business_date: date, timing) -> None:
    """A fixed-term subscription: inside the fundraising window, its cooling-off over before
    the window closes, and within the product's size (the fundraising row locked)."""
    if not (product.raise_start_date <= business_date <= product.raise_end_date):
        raise errors.OrderNotAllowed(details={"reason": "outside_fundraising"})
    if timing.cooling_off_until and timing.cooling_off_until > raise_closes_at(product):
        raise errors.OrderNotAllowed(details={"reason": "cooling_off_past_fundraising"})
    Fundraising.objects.get_or_create(product_id=product.id)
    fundraising = Fundraising.objects.select_for_update().get(product_id=product.id)
    if fundraising.outcome:
        raise errors.OrderNotAllowed(details={"reason": "outside_fundraising"})
    left = product.max_size_minor - fundraising.subscribed_minor
    if net_minor > left:
        raise errors.OrderNotAllowed(details={"reason": "product_full", "left_minor": left})
    fundraising.subscribed_minor += net_minor
    fundraising.save(update_fields=["subscribed_minor"])


def _gate(actor: Actor, product: ProductView, now: datetime):
    """The suitability decision (recorded in its own transaction, whatever follows)."""
    decision = suitability_check(actor=actor, product_id=product.id, now=now)
    if decision.outcome != "allowed":
        raise errors.NotSuitable(
            str(decision.message), details={"code": decision.code, "outcome": decision.outcome}
        )
    return decision


def _records_used(standing: OwnStanding, product: ProductView, decision, now: datetime):
    """Use up, for this order, the acknowledgement of the documents and any warning
    confirmation the decision relied on. Called under the holding's lock: two orders at once
    cannot both use one record. Returns the acknowledgement (None: the product has no
    documents)."""
    acknowledgement = None
    if product.documents:
        acknowledgement = documents_acknowledgement_valid(
            customer_id=standing.customer_id, product=product, now=now
        )
        if acknowledgement is None:
            raise errors.DocumentsNotAcknowledged()
        DocumentsAcknowledgement.objects.filter(id=acknowledgement.id).update(used_at=now)
    if decision.confirmation_id is not None:
        used = RiskWarningConfirmation.objects.filter(
            id=decision.confirmation_id, used_at__isnull=True
        ).update(used_at=now)
        if not used:
            raise errors.NotSuitable(details={"code": "warning_used", "outcome": "refused"})
    return acknowledgement


def order_subscribe(
    *, actor: Actor, product_id: uuid.UUID, amount_minor: int, idempotency_key: str,
    now: datetime, documents_read: list | None = None,
) -> OrderView:  # fmt: skip
    """Subscribe ``amount_minor`` (fen, the fee included) to a product on sale.

    ``documents_read``: the ids of the product's documents the customer acknowledges with this
    order (the portal's checkbox), recorded as ``documents_acknowledge`` does, in the order's
    transaction: a refused order leaves no acknowledgement behind (the suitability decision,
    recorded first, stays). Without it, an acknowledgement made before is used.

    Raises NotACustomer, ProductNotFound, WalletNotOpen, AmountInvalid, NotSuitable (with the
    gate's code and message), DocumentsNotAcknowledged, OverCap, OrderNotAllowed (outside the
    fundraising, product full, account frozen), InsufficientFunds, IdempotencyKeyReused."""
    key = _key(idempotency_key)
    standing, _, product = suitability_inputs(actor=actor, product_id=product_id, now=now)
    same = {"kind": SUBSCRIBE, "product_id": product.id, "amount_minor": amount_minor}
    found = _existing(standing, key, same)
    if found is not None:
        return found
    wallet_id = _wallet(standing)
    _amount_check(product, amount_minor)
    business_date = business_date_get(now=now)
    fee = subscription_fee_for(product_id=product.id, amount_minor=amount_minor)
    timing = order_timing(product, subscribe=True, business_date=business_date, now=now)
    decision = _gate(actor, product, now)
    with _same_key_at_once(standing, key, same) as again:
        holding = _holding(standing, product, now)
        if documents_read is not None:
            documents_acknowledge(actor=actor, product_id=product.id,
                                  document_ids=documents_read, now=now)  # fmt: skip
        acknowledgement = _records_used(standing, product, decision, now)
        _cap_check(holding, product, amount_minor)
        if product.kind == KIND_FIXED_TERM:
            _raise_take(product, fee.net_minor, business_date, timing)
        order = _order_create(
            standing, product, holding, key, now, timing, kind=SUBSCRIBE,
            amount_minor=amount_minor, fee_minor=fee.fee_minor, net_minor=fee.net_minor,
            suitability_id=decision.record_id, acknowledgement=acknowledgement,
        )  # fmt: skip
        code = movements.book(
            movements.hold_requests(order, code=product.code, wallet_id=wallet_id),
            now=now, business_date=business_date,
        )  # fmt: skip
        if code != Result.OK:
            raise movements.refusal(code, subscribe=True)
        _submitted(actor, standing, order, now)
    return again.order or order_view(order)


def order_redeem(
    *, actor: Actor, product_id: uuid.UUID, units_minor: int, idempotency_key: str,
    now: datetime, fast: bool = False,
) -> OrderView:  # fmt: skip
    """Redeem ``units_minor`` (hundredths of a unit) of a holding. ``fast``: a money-market
    fund's fast redemption, paid to the wallet at once within the product's daily quota per
    customer. Raises NotACustomer, ProductNotFound, WalletNotOpen, AmountInvalid,
    OrderNotAllowed (a fixed-term product; fast for another kind), InsufficientUnits,
    FastRedemptionQuota, IdempotencyKeyReused."""
    key = _key(idempotency_key)
    standing = customer_of(actor)
    product = _redeemable(product_id)
    same = {"kind": REDEEM, "product_id": product.id, "units_minor": units_minor, "fast": fast}
    found = _existing(standing, key, same)
    if found is not None:
        return found
    wallet_id = _wallet(standing)
    if not isinstance(units_minor, int) or isinstance(units_minor, bool) or units_minor <= 0:
        raise errors.AmountInvalid(details={"field": "units"})
    if product.kind == KIND_FIXED_TERM or (fast and product.kind != KIND_MMF):
        raise errors.OrderNotAllowed(details={"reason": "not_redeemable"})
    business_date = business_date_get(now=now)
    timing = order_timing(product, subscribe=False, business_date=business_date, now=now)
    with _same_key_at_once(standing, key, same) as again:
        holding = Holding.objects.select_for_update().filter(
            customer_id=standing.customer_id, product_id=product.id
        ).first()  # fmt: skip
        if holding is None:
            raise errors.InsufficientUnits()
        order = _order_create(standing, product, holding, key, now, timing, kind=REDEEM,
                              units_minor=units_minor, fast=fast)  # fmt: skip
        if fast:
            _fast_quota_check(holding, product, units_minor, business_date)
            redemption_priced(order, product, nav=None)
            code = movements.book(
                movements.take_requests(order, code=product.code, wallet_id=wallet_id),
                now=now, business_date=business_date,
            )  # fmt: skip
        else:
            code = movements.book(
                movements.hold_requests(order, code=product.code, wallet_id=wallet_id),
                now=now, business_date=business_date,
            )  # fmt: skip
        if code != Result.OK:
            raise movements.refusal(code, subscribe=False)
        _submitted(actor, standing, order, now)
        if fast:
            order_confirm_now(order, product, business_date=business_date, now=now, booked=True)
    return again.order or order_view(order)


class _Again:
    order: OrderView | None = None


@contextmanager
def _same_key_at_once(standing: OwnStanding, key: str, same: dict):
    """The order's transaction. The same key sent twice at once: the second waits on the
    first's row, finds the key taken when the first commits, and answers the first order
    (``again.order``) instead of an error."""
    again = _Again()
    try:
        with transaction.atomic():
            yield again
    except IntegrityError as exc:
        if IDEMPOTENT_CONSTRAINT not in str(exc):
            raise
        again.order = _existing(standing, key, same)
        if again.order is None:
            raise errors.IdempotencyKeyReused() from exc


def _redeemable(product_id) -> ProductView:
    """A product one may redeem from: any admitted product, on sale or no longer (a customer
    keeps their units when a product is suspended)."""
    return product_get(product_id=product_id)


def _fast_quota_check(holding, product: ProductView, units_minor: int, business_date) -> None:
    quota = product.fast_redemption_quota_minor or 0
    used = fast_redeemed_on(holding_id=holding.id, business_date=business_date)
    if used + units_minor > quota:
        raise errors.FastRedemptionQuota(
            details={"quota_minor": quota, "left_minor": max(quota - used, 0)}
        )


def _order_create(standing, product, holding, key, now, timing, *, kind, **fields) -> Order:
    return Order.objects.create(
        customer_id=standing.customer_id, product_id=product.id, holding=holding, kind=kind,
        state=SUBMITTED, idempotency_key=key, trade_date=timing.trade_date,
        confirm_on=timing.confirm_on, cooling_off_until=timing.cooling_off_until,
        cancel_until=timing.cancel_until, submitted_at=now, **fields,
    )  # fmt: skip


def order_cancel(*, actor: Actor, order_id: uuid.UUID, now: datetime) -> OrderView:
    """Cancel one's own order within its window (cooling-off; a NAV fund's order until the
    cut-off of its trade date): the held money or units are released. Raises NotACustomer,
    OrderNotFound, OrderNotCancellable."""
    standing = customer_of(actor)
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("holding")
            .filter(id=order_id, customer_id=standing.customer_id).first()
        )  # fmt: skip
        if order is None:
            raise errors.OrderNotFound()
        if not order_view(order).cancellable(now):
            raise errors.OrderNotCancellable(details={"state": order.state})
        order_release(order, state=CANCELLED, failure_code="", actor=actor, now=now)
    return order_view(order)


def _submitted(actor: Actor, standing: OwnStanding, order: Order, now: datetime) -> None:
    facts = {
        "product_id": str(order.product_id), "kind": order.kind, "fast": order.fast,
        "amount_minor": order.amount_minor, "fee_minor": order.fee_minor,
        "units_minor": order.units_minor, "trade_date": order.trade_date.isoformat(),
        "confirm_on": order.confirm_on.isoformat(),
    }  # fmt: skip
    audit_record(actor=actor, action=events.ORDER_SUBMITTED, target_type="wealth.order",
                 target_id=str(order.id), occurred_at=now, after=facts)  # fmt: skip
    event_emit(
        aggregate_type="wealth.order", aggregate_id=str(order.id),
        event_type=events.ORDER_SUBMITTED, occurred_at=now,
        payload={"order_id": str(order.id), "customer_id": str(standing.customer_id),
                 "user_id": str(standing.user_id), **facts},
    )  # fmt: skip


__all__ = ["CONFIRMED", "order_cancel", "order_redeem", "order_subscribe"]
