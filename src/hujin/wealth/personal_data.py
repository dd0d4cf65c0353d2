"""Wealth's part of a person's data: their suitability decisions, the special risk warnings
they confirmed, the documents they acknowledged, their orders and holdings, exported for their
data download. Registered with the personal-data registry
(``hujin.core.personal_data``) from WealthConfig.ready."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.wealth.models import (
    DocumentsAcknowledgement,
    Holding,
    Order,
    RiskWarningConfirmation,
    SuitabilityRecord,
)

RETENTION = (
    "Suitability decisions and confirmed risk warnings are suitability records, kept for at "
    "least 20 years (《证券期货投资者适当性管理办法》), linked only to the anonymised person. "
    "Orders and holdings are transaction records, kept as the ledger's entries are."
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
    orders = Order.objects.filter(customer__user_id=user_id).select_related("product")
    holdings = Holding.objects.filter(customer__user_id=user_id).select_related("product")
    return {
        "orders": [
            {"submitted_at": o.submitted_at.isoformat(), "product": o.product.code,
             "kind": o.kind, "state": o.state, "amount_minor": o.amount_minor,
             "fee_minor": o.fee_minor, "units_minor": o.units_minor,
             "nav": str(o.nav or ""), "payout_minor": o.payout_minor,
             "trade_date": o.trade_date.isoformat()}
            for o in orders.order_by("submitted_at")
        ],
        "holdings": [
            {"product": h.product.code, "ledger_account": str(h.account_id),
             "cost_minor": h.cost_minor, "realised_minor": h.realised_minor}
            for h in holdings
        ],
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
