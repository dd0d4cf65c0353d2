"""What the products services share: the locked fetch, the admission step and its record."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.products.errors import ProductNotFound
from hujin.products.models import AdmissionStep, Product

TARGET = "products.product"


def product_locked(product_id: uuid.UUID | str) -> Product:
    """The product, its row locked for the transaction. Raises ProductNotFound."""
    try:
        product_id = uuid.UUID(str(product_id))
    except ValueError:
        raise ProductNotFound() from None
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound()
    return product


def maker_add(product: Product, actor: Actor) -> bool:
    """Count ``actor`` among the product's makers (who may never approve it); True when the
    list changed and the caller must save ``makers``."""
    makers = list(product.makers or [])
    if actor.id in makers:
        return False
    product.makers = [*makers, actor.id]
    return True


def record(
    *,
    actor: Actor,
    product: Product,
    action: str,
    event_type: str,
    now: datetime,
    before: dict | None = None,
    after: dict | None = None,
    payload: dict | None = None,
) -> None:
    """The audit entry and the outbox event of a change, in the caller's transaction."""
    audit_record(
        actor=actor,
        action=f"products.{action}",
        target_type=TARGET,
        target_id=str(product.id),
        occurred_at=now,
        before=before,
        after=after,
    )
    event_emit(
        aggregate_type=TARGET,
        aggregate_id=str(product.id),
        event_type=event_type,
        occurred_at=now,
        payload={"product_id": str(product.id), "code": product.code, **(payload or {})},
    )


def step_add(
    *,
    product: Product,
    action: str,
    from_state: str,
    actor: Actor,
    now: datetime,
    note: str = "",
    checklist: dict | None = None,
) -> AdmissionStep:
    return AdmissionStep.objects.create(
        product=product,
        action=action,
        from_state=from_state,
        to_state=product.state,
        actor_id=actor.id,
        actor_label=actor.label or actor.id,
        note=note,
        checklist=checklist or {},
        occurred_at=now,
    )
