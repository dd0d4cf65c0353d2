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
