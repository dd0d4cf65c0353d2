"""The payments module's permissions (Django permission strings; also an Actor's scopes)."""

VIEW_CARDS = "payments.view_cards"

ALL = (VIEW_CARDS,)

# Role -> permissions (registered with identity's roles in PaymentsConfig.ready()).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [VIEW_CARDS],
    "compliance_officer": [VIEW_CARDS],
    "risk_analyst": [VIEW_CARDS],
    "operations": [VIEW_CARDS],
    "auditor": [VIEW_CARDS],
    "administrator": list(ALL),
}
