"""Loan products: a product manager drafts and edits a product, submits it for admission, and
a compliance officer other than the maker admits it through the maker-checker approval request
(``lending.product_admit``); it is then on sale until suspended or closed.

A product whose worst APR (pricing.worst_apr) is above the cap can be neither submitted nor
admitted; the check runs again at admission, since the cap is configuration."""

import uuid
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_request
from hujin.core.audit import audit_record
from hujin.core.errors import PermissionDenied
from hujin.core.events import event_emit
from hujin.lending import events
from hujin.lending import types as t
from hujin.lending.errors import (
    AprAboveCap,
    LoanProductInvalid,
    LoanProductNotFound,
    LoanProductStateInvalid,
)
from hujin.lending.models import LoanProduct
from hujin.lending.permissions import MANAGE_PRODUCTS
from hujin.lending.pricing import apr_cap, worst_apr

ADMIT_ACTION = "lending.product_admit"
MAX_TERM = {t.TERM_MONTHS: 360, t.TERM_DAYS: 366}
RATE_FIELDS = ("min_rate", "max_rate", "penalty_rate", "upfront_fee_rate",
               "instalment_fee_rate", "prepayment_fee_rate")  # fmt: skip


def _invalid(field: str, reason: str) -> LoanProductInvalid:
    return LoanProductInvalid(details={"field": field, "reason": reason})


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_scope(permission):
        raise PermissionDenied(details={"required_permission": permission})


def _rate(value, field: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(field, "not_a_number") from None
    if not rate.is_finite() or not Decimal(0) <= rate < 1 or rate != rate.quantize(Decimal("1e-6")):
        raise _invalid(field, "out_of_range")
    return rate


def validated(data: t.ProductInput) -> dict:
    """The product's fields, checked; raises LoanProductInvalid naming the first wrong one."""
    fields = asdict(data)
    code = (data.code or "").strip()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
        raise _invalid("code", "format")
    fields["code"] = code
    for name in ("name_zh", "name_en"):
        fields[name] = (fields[name] or "").strip()
        if not fields[name] or len(fields[name]) > 100:
            raise _invalid(name, "required")
    if data.term_unit not in t.TERM_UNITS:
        raise _invalid("term_unit", "unknown")
    if data.method not in t.METHODS:
        raise _invalid("method", "unknown")
    if data.term_unit == t.TERM_DAYS and data.method != t.BULLET:
        raise _invalid("method", "days_need_bullet")
    if data.day_count not in t.DAY_COUNTS:
        raise _invalid("day_count", "unknown")
    if not 0 < data.min_amount_minor <= data.max_amount_minor <= 10**12:
        raise _invalid("max_amount_minor", "range")
    if not 0 < data.min_term <= data.max_term <= MAX_TERM[data.term_unit]:
        raise _invalid("max_term", "range")
    for name in RATE_FIELDS:
        fields[name] = _rate(fields[name], name)
    if fields["min_rate"] > fields["max_rate"]:
        raise _invalid("max_rate", "range")
    if fields["penalty_rate"] > apr_cap():
        raise _invalid("penalty_rate", "above_cap")
    order = tuple(data.allocation_order)
    if sorted(order) != sorted(t.PARTS):
        raise _invalid("allocation_order", "not_a_permutation")
    fields["allocation_order"] = list(order)
    if not 0 <= data.grace_days <= 30:
        raise _invalid("grace_days", "range")
    if not 18 <= data.min_age <= data.max_age <= 100:
        raise _invalid("max_age", "range")
    if not 0 <= data.min_score <= 1000:
        raise _invalid("min_score", "range")
    fields["max_debt_to_income"] = Decimal(str(data.max_debt_to_income))
    if not Decimal(0) < fields["max_debt_to_income"] <= Decimal(5):
        raise _invalid("max_debt_to_income", "range")
    return fields


def _view(product: LoanProduct, *, on: date) -> t.ProductView:
    names = [f.name for f in t.ProductView.__dataclass_fields__.values()]
    values = {n: getattr(product, n) for n in names if n != "worst_apr"}
    values["allocation_order"] = tuple(product.allocation_order)
    return t.ProductView(**values, worst_apr=product.worst_apr)


def product_view(product: LoanProduct, *, on: date) -> t.ProductView:
    return _view(product, on=on)


def _record(actor: Actor, product: LoanProduct, action: str, now: datetime, **after) -> None:
    audit_record(actor=actor, action=f"lending.product.{action}", target_type="loan_product",
                 target_id=str(product.id), occurred_at=now,
                 after={"code": product.code, "state": product.state, **after})  # fmt: skip
    event_emit(aggregate_type="loan_product", aggregate_id=str(product.id),
               event_type=events.PRODUCT_CHANGED, occurred_at=now,
               payload={"product_id": str(product.id), "code": product.code,
                        "state": product.state, "action": action})  # fmt: skip


def _locked(product_id) -> LoanProduct:
    try:
        return LoanProduct.objects.select_for_update().get(id=product_id)
    except (LoanProduct.DoesNotExist, ValueError, TypeError):
        raise LoanProductNotFound() from None


def _check_cap(product: LoanProduct, on: date) -> Decimal:
    """Worked out again (the terms are the same, the start date is today's), held to today's
    cap."""
    apr, cap = worst_apr(product, start=on), apr_cap()
    if apr > cap:
        raise AprAboveCap(details={"apr": str(apr), "cap": str(cap)})
    if apr != product.worst_apr:
        product.worst_apr = apr
        product.save(update_fields=["worst_apr"])
    return apr


def product_create(*, actor: Actor, data: t.ProductInput, now: datetime) -> t.ProductView:
    _require(actor, MANAGE_PRODUCTS)
    fields = validated(data)
    product = LoanProduct(**fields, state=t.PRODUCT_DRAFT, created_by=str(actor.id)[:64],
                          created_at=now, updated_at=now)  # fmt: skip
    product.worst_apr = worst_apr(product, start=now.date())
    try:
        with transaction.atomic():
            product.save(force_insert=True)
            _record(actor, product, "created", now)
    except IntegrityError:
        raise _invalid("code", "taken") from None
    return _view(product, on=now.date())


def product_update(*, actor: Actor, product_id: uuid.UUID, data: t.ProductInput,
                   now: datetime) -> t.ProductView:  # fmt: skip
    """Edit a draft (a product on sale is suspended, changed as a new product, or closed)."""
    _require(actor, MANAGE_PRODUCTS)
    fields = validated(data)
    with transaction.atomic():
        product = _locked(product_id)
        if product.state != t.PRODUCT_DRAFT:
            raise LoanProductStateInvalid(details={"state": product.state, "action": "update"})
        changed = [k for k, v in fields.items() if getattr(product, k) != v]
        for key, value in fields.items():
            setattr(product, key, value)
        product.worst_apr = worst_apr(product, start=now.date())
        product.updated_at = now
        try:
            with transaction.atomic():
                product.save()
        except IntegrityError:
            raise _invalid("code", "taken") from None
        _record(actor, product, "updated", now, fields=sorted(changed))
    return _view(product, on=now.date())


def product_submit(*, actor: Actor, product_id: uuid.UUID, reason: str, now: datetime,
                   business_date: date) -> t.ProductView:  # fmt: skip
    """Ask compliance to admit a draft: an approval request someone other than the maker
    decides. Refused when its worst APR is above the cap."""
    _require(actor, MANAGE_PRODUCTS)
    with transaction.atomic():
        product = _locked(product_id)
        if product.state != t.PRODUCT_DRAFT:
            raise LoanProductStateInvalid(details={"state": product.state, "action": "submit"})
        apr = _check_cap(product, business_date)
        request = approval_request(actor=actor, action=ADMIT_ACTION, target_type="loan_product",
                                   target_id=str(product.id), reason=reason, now=now,
                                   payload={"code": product.code,
                                            "worst_apr": str(apr)})  # fmt: skip
        product.state = t.PRODUCT_SUBMITTED
        product.approval_request_id = request.id
        product.updated_at = now
        product.save(update_fields=["state", "approval_request_id", "updated_at"])
        _record(actor, product, "submitted", now, worst_apr=str(apr))
    return _view(product, on=business_date)


def product_admit_execute(*, request, actor: Actor, now: datetime) -> None:
    """The approval's action: the checker admits the product and it goes on sale. Runs inside
    the approval's transaction; the maker-checker rule is the approval's."""
    product = _locked(request.target_id)
    if product.state != t.PRODUCT_SUBMITTED or product.approval_request_id != request.id:
        raise LoanProductStateInvalid(details={"state": product.state, "action": "admit"})
    _check_cap(product, now.date())
    product.state = t.PRODUCT_ON_SALE
    product.approved_by = str(actor.id)[:64]
    product.updated_at = now
    product.save(update_fields=["state", "approved_by", "updated_at"])
    _record(actor, product, "admitted", now)


def product_admit_describe(request) -> str:
    apr = Decimal(request.payload.get("worst_apr") or 0) * 100
    return f"{request.payload.get('code', '')} (APR ≤ {apr:.2f}%)"


def product_return_on_rejection(*, actor: Actor, product_id: uuid.UUID, now: datetime) -> None:
    """A rejected or cancelled admission sends the product back to draft."""
    with transaction.atomic():
        product = _locked(product_id)
        if product.state == t.PRODUCT_SUBMITTED:
            product.state = t.PRODUCT_DRAFT
            product.updated_at = now
            product.save(update_fields=["state", "updated_at"])
            _record(actor, product, "returned", now)


MOVES = {
    "suspend": ((t.PRODUCT_ON_SALE,), t.PRODUCT_SUSPENDED),
    "resume": ((t.PRODUCT_SUSPENDED,), t.PRODUCT_ON_SALE),
    "close": ((t.PRODUCT_ON_SALE, t.PRODUCT_SUSPENDED, t.PRODUCT_DRAFT), t.PRODUCT_CLOSED),
}


def product_move(*, actor: Actor, product_id: uuid.UUID, action: str,
                 now: datetime) -> t.ProductView:  # fmt: skip
    """Suspend, resume or close a product. Loans already made keep their terms."""
    _require(actor, MANAGE_PRODUCTS)
    if action not in MOVES:
        raise LoanProductStateInvalid(details={"action": action})
    allowed, to_state = MOVES[action]
    with transaction.atomic():
        product = _locked(product_id)
        if product.state not in allowed:
            raise LoanProductStateInvalid(details={"state": product.state, "action": action})
        product.state = to_state
        product.updated_at = now
        product.save(update_fields=["state", "updated_at"])
        _record(actor, product, action, now)
    return _view(product, on=now.date())


def on_admission_closed(event) -> None:
    """approval.rejected / approval.cancelled: a product whose admission was turned down or
    withdrawn goes back to draft, to be edited and submitted again."""
    from hujin.lending.accounts import ACTOR

    payload = event.payload
    if payload.get("action") == ADMIT_ACTION:
        product_return_on_rejection(actor=ACTOR, product_id=payload["target_id"],
                                    now=event.occurred_at)  # fmt: skip
