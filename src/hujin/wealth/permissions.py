"""The wealth module's permissions (Django permission strings; also an Actor's scopes)."""

VIEW_ORDERS = "wealth.view_orders"  # every customer's orders and the income distributions

ALL = (VIEW_ORDERS,)

# Role -> permissions (registered with identity's roles in WealthConfig.ready()): the roles that
# see payments' monitor see the order monitor.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [VIEW_ORDERS],
    "compliance_officer": [VIEW_ORDERS],
    "risk_analyst": [VIEW_ORDERS],
    "operations": [VIEW_ORDERS],
    "auditor": [VIEW_ORDERS],
    "administrator": list(ALL),
}
