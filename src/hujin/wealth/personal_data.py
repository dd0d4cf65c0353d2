"""Wealth's part of a person's data: their suitability decisions and the special risk warnings
they confirmed, exported for their data download. Registered with the personal-data registry
(``hujin.core.personal_data``) from WealthConfig.ready."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.wealth.models import (
    DocumentsAcknowledgement,
    RiskWarningConfirmation,
    SuitabilityRecord,
)

RETENTION = (
    "Suitability decisions and confirmed risk warnings are suitability records, kept for at "
    "least 20 years (《证券期货投资者适当性管理办法》), linked only to the anonymised person."
)


def wealth_export(user_id: uuid.UUID) -> dict:
    decisions = SuitabilityRecord.objects.filter(customer__user_id=user_id).select_related(
        "product"
    )
    warnings = RiskWarningConfirmation.objects.filter(customer__user_id=user_id).select_related(
        "product"
    )
    acknowledgements = DocumentsAcknowledgement.objects.filter(
        customer__user_id=user_id
    ).select_related("product")
    return {
        "documents_acknowledged": [
            {"acknowledged_at": a.acknowledged_at.isoformat(), "product": a.product.code,
             "documents": ", ".join(d["file_name"] for d in a.documents), "ip": a.ip}
            for a in acknowledgements
        ],
        "suitability_decisions": [
            {"decided_at": r.decided_at.isoformat(), "product": r.product.code,
             "customer_level": r.customer_level, "product_level": r.product_level,
             "policy": r.policy, "outcome": r.outcome, "reason": r.code}
            for r in decisions
        ],
        "risk_warnings_confirmed": [
            {"confirmed_at": w.confirmed_at.isoformat(), "product": w.product.code,
             "customer_level": w.customer_level, "product_level": w.product_level,
             "language": w.language, "text": w.text, "ip": w.ip}
            for w in warnings
        ],
    }  # fmt: skip


def wealth_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Nothing to change: the records hold no identifier but the link to the person, who is
    anonymised by identity (the confirmation's address is part of the sales record the law
    requires kept; docs/modules/wealth.md)."""
