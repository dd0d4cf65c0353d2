"""The payments module's permissions (Django permission strings; also an Actor's scopes)."""

VIEW_CARDS = "payments.view_cards"
VIEW_PAYMENTS = "payments.view_payments"  # every customer's payments: the monitor, the lists

ALL = (VIEW_CARDS, VIEW_PAYMENTS)

# Role -> permissions (registered with identity's roles in PaymentsConfig.ready()).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [VIEW_CARDS, VIEW_PAYMENTS],
    "compliance_officer": [VIEW_CARDS, VIEW_PAYMENTS],
    "risk_analyst": [VIEW_CARDS, VIEW_PAYMENTS],
    "operations": [VIEW_CARDS, VIEW_PAYMENTS],
    "auditor": [VIEW_CARDS, VIEW_PAYMENTS],
    "administrator": list(ALL),
}

# The daily reconciliation (``payments.reconciliation``): see its runs and breaks, run or replay
# it, resolve breaks (maker and checker both hold it; approvals refuses a maker as checker).
VIEW_RECONCILIATION = "payments.view_reconciliation"
RECONCILE = "payments.reconcile"
RESOLVE_BREAKS = "payments.resolve_breaks"
RECONCILIATION_ALL = (VIEW_RECONCILIATION, RECONCILE, RESOLVE_BREAKS)
ALL = (*ALL, *RECONCILIATION_ALL)
ROLE_PERMISSIONS["operations"] += list(RECONCILIATION_ALL)
ROLE_PERMISSIONS["compliance_officer"].append(VIEW_RECONCILIATION)
ROLE_PERMISSIONS["auditor"].append(VIEW_RECONCILIATION)
ROLE_PERMISSIONS["administrator"] += list(RECONCILIATION_ALL)

# The rules money moves under, and the payments a screen holds for review.
MANAGE_PAYMENT_RULES = "payments.manage_payment_rules"  # limits and fees
REVIEW_PAYMENTS = "payments.review_payments"  # release or reject a held payment
ALL = (*ALL, MANAGE_PAYMENT_RULES, REVIEW_PAYMENTS)
ROLE_PERMISSIONS["operations"].append(MANAGE_PAYMENT_RULES)
ROLE_PERMISSIONS["risk_analyst"].append(REVIEW_PAYMENTS)
ROLE_PERMISSIONS["compliance_officer"].append(REVIEW_PAYMENTS)
ROLE_PERMISSIONS["administrator"] += [MANAGE_PAYMENT_RULES, REVIEW_PAYMENTS]
