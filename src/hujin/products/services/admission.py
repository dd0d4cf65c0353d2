"""A product's admission: draft → submitted → (compliance review) approved or returned to
draft → on sale from a date → suspended / resumed → closed.

Every step is one service call, one transaction, with its audit entry, its outbox event and a
line in the product's history. The maker-checker rule: whoever created, edited, attached a
document to or submitted a product (its ``makers``, kept across a return to draft) can never
approve it."""

import uuid
from datetime import date, datetime

from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.products import events
from hujin.products import types as t
from hujin.products.errors import (
    AdmissionStateInvalid,
    ChecklistIncomplete,
    DocumentsMissing,
    MakerCannotApprove,
    ProductInvalid,
    ReasonRequired,
)
from hujin.products.models import Product, ProductDocument
from hujin.products.permissions import MANAGE_PRODUCTS, REVIEW_PRODUCTS
from hujin.products.services._common import maker_add, product_locked, record, step_add

REASON_MAX = 1000


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ReasonRequired(details={"field": "reason"})
    return reason


def _move(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    action: str,
    allowed_from: tuple[str, ...],
    to_state: str,
    now: datetime,
    note: str = "",
    check=None,
    changes: dict | None = None,
    maker: bool = False,
) -> Product:
    with transaction.atomic():
        product = product_locked(product_id)
        if product.state not in allowed_from:
            raise AdmissionStateInvalid(details={"state": product.state, "action": action})
        # check(product) refuses by raising; what it returns is the review's checklist
        checklist = check(product) if check is not None else None
        from_state = product.state
        product.state = to_state
        for field, value in (changes or {}).items():
            setattr(product, field, value)
        makers = ["makers"] if maker and maker_add(product, actor) else []
        product.updated_at = now
        product.save(update_fields=["state", "updated_at", *(changes or {}), *makers])
        step_add(
            product=product,
            action=action,
            from_state=from_state,
            actor=actor,
            now=now,
            note=note,
            checklist=checklist,
        )
        extra = {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in (changes or {}).items()
        }
        record(
            actor=actor,
            product=product,
            action=f"admission_{action}",
            event_type=events.ADMISSION_CHANGED,
            now=now,
            before={"state": from_state},
            after={
                "state": to_state,
                **({"note": note} if note else {}),
                **({"checklist": checklist} if checklist else {}),
                **extra,
            },
            payload={"from_state": from_state, "to_state": to_state, "action": action, **extra},
        )
    return product


def _documents_complete(product: Product) -> None:
    kinds = set(ProductDocument.objects.filter(product=product).values_list("kind", flat=True))
    missing = [k for k in t.DOCUMENT_KINDS if k not in kinds]
    if missing:
        raise DocumentsMissing(details={"missing": missing})


def product_submit(*, actor: Actor, product_id: uuid.UUID, now: datetime) -> Product:
    """Send a draft to compliance review; its three documents must be attached. The submitter
    is the maker the maker-checker rule keeps from approving it.
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid, DocumentsMissing."""
    require_scope(actor, MANAGE_PRODUCTS)
    return _move(
        actor=actor,
        product_id=product_id,
        action="submit",
        allowed_from=(t.STATE_DRAFT,),
        to_state=t.STATE_SUBMITTED,
        now=now,
        check=_documents_complete,
        changes={"submitted_by": actor.id},
        maker=True,
    )


def _checklist(product: Product, ticks: dict[str, str | None]) -> dict[str, str]:
    """``ticks``: item -> its note (optional, empty or None) for every ticked item; an item
    left out is not ticked."""
    items = t.checklist_for(product.kind)
    unknown = [k for k in ticks if k not in items]
    if unknown:
        raise ChecklistIncomplete(details={"unknown": unknown})
    missing = [k for k in items if k not in ticks]
    if missing:
        raise ChecklistIncomplete(details={"missing": missing})
    return {k: (ticks[k] or "").strip()[:500] for k in items}


def product_approve(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    checklist: dict[str, str | None],
    note: str = "",
    now: datetime,
) -> Product:
    """Compliance approves a submitted product, every checklist item ticked (a note per item is
    optional; the notes are kept in the history and the audit entry). None of its makers — who
    created, edited, attached a document to or submitted it — can approve it.
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid, MakerCannotApprove,
    ChecklistIncomplete."""
    require_scope(actor, REVIEW_PRODUCTS)

    def check(product: Product) -> dict:
        if actor.id in {product.submitted_by, product.created_by, *(product.makers or [])}:
            raise MakerCannotApprove()
        return _checklist(product, checklist)

    return _move(
        actor=actor,
        product_id=product_id,
        action="approve",
        allowed_from=(t.STATE_SUBMITTED,),
        to_state=t.STATE_APPROVED,
        now=now,
        note=(note or "").strip()[:REASON_MAX],
        check=check,
        changes={"approved_by": actor.id},
    )


def product_return(*, actor: Actor, product_id: uuid.UUID, reason: str, now: datetime) -> Product:
    """Compliance sends a submitted product back to draft, with the reason.
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid, ReasonRequired."""
    require_scope(actor, REVIEW_PRODUCTS)
    reason = _reason(reason)
    return _move(
        actor=actor,
        product_id=product_id,
        action="return",
        allowed_from=(t.STATE_SUBMITTED,),
        to_state=t.STATE_DRAFT,
        now=now,
        note=reason,
        changes={"submitted_by": ""},
    )


def product_put_on_sale(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    on_sale_from: date,
    business_date: date,
    now: datetime,
) -> Product:
    """Put an approved product on sale from ``on_sale_from`` (today's business date or later).
    A fixed-term product goes on sale no later than the end of its fundraising window.
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid, ProductInvalid."""
    require_scope(actor, MANAGE_PRODUCTS)
    if not isinstance(on_sale_from, date) or on_sale_from < business_date:
        raise ProductInvalid(details={"field": "on_sale_from"})

    def check(product: Product) -> None:
        if product.kind == t.KIND_FIXED_TERM and on_sale_from > product.raise_end_date:
            raise ProductInvalid(details={"field": "on_sale_from"})

    return _move(
        actor=actor,
        product_id=product_id,
        action="put_on_sale",
        allowed_from=(t.STATE_APPROVED,),
        to_state=t.STATE_ON_SALE,
        now=now,
        check=check,
        changes={"on_sale_from": on_sale_from},
    )


def product_suspend(*, actor: Actor, product_id: uuid.UUID, reason: str, now: datetime) -> Product:
    """Stop selling a product for now, with the reason (holders keep their holdings).
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid, ReasonRequired."""
    require_scope(actor, MANAGE_PRODUCTS)
    reason = _reason(reason)
    return _move(
        actor=actor,
        product_id=product_id,
        action="suspend",
        allowed_from=(t.STATE_ON_SALE,),
        to_state=t.STATE_SUSPENDED,
        now=now,
        note=reason,
    )


def product_resume(
    *, actor: Actor, product_id: uuid.UUID, note: str = "", now: datetime
) -> Product:
    """Sell a suspended product again.
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid."""
    require_scope(actor, MANAGE_PRODUCTS)
    return _move(
        actor=actor,
        product_id=product_id,
        action="resume",
        allowed_from=(t.STATE_SUSPENDED,),
        to_state=t.STATE_ON_SALE,
        now=now,
        note=(note or "").strip()[:REASON_MAX],
    )


def product_close(*, actor: Actor, product_id: uuid.UUID, reason: str, now: datetime) -> Product:
    """Close a product for good (from approved, on sale or suspended), with the reason.
    Raises PermissionDenied, ProductNotFound, AdmissionStateInvalid, ReasonRequired."""
    require_scope(actor, MANAGE_PRODUCTS)
    reason = _reason(reason)
    return _move(
        actor=actor,
        product_id=product_id,
        action="close",
        allowed_from=(t.STATE_APPROVED, t.STATE_ON_SALE, t.STATE_SUSPENDED),
        to_state=t.STATE_CLOSED,
        now=now,
        note=reason,
    )
