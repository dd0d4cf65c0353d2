"""The suitability gate's writes (re-exported by ``services``).

- ``suitability_check``: decide whether the customer ``actor`` acts as may buy a product now,
  and record the decision (``SuitabilityRecord``) with its audit entry and event, in one
  transaction. Every purchase asks it first (the orders of issue 14 will).
- ``risk_warning_confirm``: under the ``confirm`` policy, record the customer's explicit
  confirmation of the special risk warning for a product above their level — the exact text
  they were shown (``selectors.risk_warning``), which they send back as its SHA-256 — good for
  ``WARNING_VALID`` and one order.

The policy is ``HUJIN_WEALTH_SUITABILITY_POLICY`` (``strict`` by default; see
``suitability.py`` for the rules and their sources).
"""

import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.context import current as request_context
from hujin.core.events import event_emit
from hujin.wealth import events
from hujin.wealth.errors import DocumentsChanged, WarningNotNeeded, WarningTextChanged
from hujin.wealth.models import DocumentsAcknowledgement, RiskWarningConfirmation, SuitabilityRecord
from hujin.wealth.selectors import (
    ACKNOWLEDGEMENT_VALID,
    WARNING_VALID,
    policy,
    suitability_inputs,
    warning_confirmation_valid,
    warning_of,
)
from hujin.wealth.suitability import WARNING_REQUIRED, suitability_decide
from hujin.wealth.types import SuitabilityDecision

__all__ = ["WARNING_VALID", "documents_acknowledge", "risk_warning_confirm", "suitability_check"]


def _decided(actor: Actor, product_id: uuid.UUID, now: datetime):
    """What the rules say of this customer buying this product now, nothing written: the
    standing, the assessment, the product, the policy, the verdict and the valid warning
    confirmation it may rest on."""
    standing, profile, product = suitability_inputs(actor=actor, product_id=product_id, now=now)
    confirmation = None
    if profile is not None and not profile.is_expired:
        confirmation = warning_confirmation_valid(
            customer_id=standing.customer_id, product_id=product.id,
            assessment_id=profile.assessment_id, now=now,
        )  # fmt: skip
    chosen = policy()
    verdict = suitability_decide(
        verified=standing.verified, active=standing.status == "active",
        customer_level=profile.level if profile else None,
        assessment_expired=bool(profile and profile.is_expired),
        product_level=product.risk_level, policy=chosen,
        warning_confirmed=confirmation is not None,
    )  # fmt: skip
    return standing, profile, product, chosen, verdict, confirmation


def suitability_check(*, actor: Actor, product_id: uuid.UUID, now: datetime) -> SuitabilityDecision:
    """Decide whether the customer ``actor`` acts as may buy ``product_id`` now and record the
    decision. Raises NotACustomer, ProductNotFound (products; also a product not on sale)."""
    standing, profile, product, chosen, verdict, confirmation = _decided(actor, product_id, now)
    relied_on = confirmation if verdict.code == "warning_confirmed" else None
    with transaction.atomic():
        record = SuitabilityRecord.objects.create(
            customer_id=standing.customer_id, product_id=product.id,
            assessment_id=profile.assessment_id if profile else None,
            customer_level=profile.level if profile else "", product_level=product.risk_level,
            policy=chosen, outcome=verdict.outcome, code=verdict.code, confirmation=relied_on,
            decided_at=now,
        )  # fmt: skip
        facts = {
            "product_id": str(product.id), "outcome": verdict.outcome, "code": verdict.code,
            "customer_level": record.customer_level, "product_level": record.product_level,
            "policy": chosen,
        }  # fmt: skip
        _recorded(actor, ("wealth.suitability", "record_id", record.id),
                  events.SUITABILITY_DECIDED, standing, facts, now)  # fmt: skip
    return SuitabilityDecision(
        record_id=record.id, product_id=product.id, outcome=verdict.outcome, code=verdict.code,
        message=verdict.message, customer_level=record.customer_level,
        product_level=record.product_level, policy=chosen,
        confirmation_id=relied_on.id if relied_on else None,
    )  # fmt: skip


def risk_warning_confirm(
    *, actor: Actor, product_id: uuid.UUID, text_sha256: str, now: datetime
) -> uuid.UUID:
    """Record that the customer ``actor`` acts as read and confirmed the special risk warning
    for ``product_id`` whose text has the SHA-256 ``text_sha256`` (as ``risk_warning`` showed
    it, in the language of this request). Returns the confirmation's id.

    Raises NotACustomer, ProductNotFound; WarningNotNeeded when the product is within their
    level or cannot be bought above it (policy ``strict``, level C1, no valid assessment);
    WarningTextChanged when the text they confirm is not the one shown now."""
    customer, profile, product, _, verdict, _ = _decided(actor, product_id, now)
    if verdict.outcome != WARNING_REQUIRED:
        raise WarningNotNeeded(details={"code": verdict.code})
    warning = warning_of(profile, product)
    if warning is None or (text_sha256 or "").strip().lower() != warning.text_sha256:
        raise WarningTextChanged()
    ctx = request_context()
    with transaction.atomic():
        confirmation = RiskWarningConfirmation.objects.create(
            customer_id=customer.customer_id, product_id=warning.product_id,
            assessment_id=warning.assessment_id, customer_level=warning.customer_level,
            product_level=warning.product_level, language=warning.language, text=warning.text,
            text_sha256=warning.text_sha256, confirmed_at=now, expires_at=now + WARNING_VALID,
            ip=ctx.ip or "", request_id=ctx.request_id or "",
        )  # fmt: skip
        facts = {
            "product_id": str(warning.product_id), "customer_level": warning.customer_level,
            "product_level": warning.product_level, "text_sha256": warning.text_sha256,
        }  # fmt: skip
        _recorded(actor, ("wealth.risk_warning", "confirmation_id", confirmation.id),
                  events.RISK_WARNING_CONFIRMED, customer, facts, now)  # fmt: skip
    return confirmation.id


def documents_acknowledge(
    *, actor: Actor, product_id: uuid.UUID, document_ids: list, now: datetime
) -> uuid.UUID:
    """Record that the customer ``actor`` acts as read the documents of ``product_id`` (the
    ids of every document it has now, as the product page listed them). Good for
    ``ACKNOWLEDGEMENT_VALID`` and one order. Returns the acknowledgement's id.

    Raises NotACustomer, ProductNotFound; DocumentsChanged when ``document_ids`` are not
    exactly the product's documents now (one missing, one replaced, one of another product)."""
    customer, _, product = suitability_inputs(actor=actor, product_id=product_id, now=now)
    current = {str(d.id): d for d in product.documents}
    given = {str(i).strip().lower() for i in (document_ids or [])}
    if not current or given != set(current):
        raise DocumentsChanged(details={"document_ids": sorted(current)})
    ctx = request_context()
    documents = [{"id": key, "kind": d.kind, "file_name": d.file_name}
                 for key, d in sorted(current.items())]  # fmt: skip
    with transaction.atomic():
        acknowledgement = DocumentsAcknowledgement.objects.create(
            customer_id=customer.customer_id, product_id=product.id, documents=documents,
            acknowledged_at=now, expires_at=now + ACKNOWLEDGEMENT_VALID, ip=ctx.ip or "",
            request_id=ctx.request_id or "",
        )  # fmt: skip
        facts = {"product_id": str(product.id), "document_ids": sorted(current)}
        _recorded(actor, ("wealth.documents_acknowledgement", "acknowledgement_id",
                          acknowledgement.id), events.DOCUMENTS_ACKNOWLEDGED, customer, facts,
                  now)  # fmt: skip
    return acknowledgement.id


def _recorded(actor, target: tuple, event_type: str, customer, facts: dict, now) -> None:
    """A change's audit entry (its action is the event's name: ``wealth.suitability_decided``,
    ``wealth.risk_warning_confirmed``; ``facts`` after it) and its event (the target's id under
    its name, the customer's references and the facts). ``target``: (type, name, id)."""
    target_type, id_name, target_id = target
    audit_record(
        actor=actor, action=event_type, target_type=target_type, target_id=str(target_id),
        occurred_at=now, after=facts,
    )  # fmt: skip
    event_emit(
        aggregate_type=target_type, aggregate_id=str(target_id), event_type=event_type,
        occurred_at=now,
        payload={id_name: str(target_id), "customer_id": str(customer.customer_id),
                 "user_id": str(customer.user_id), **facts},
    )  # fmt: skip
