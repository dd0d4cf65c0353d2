"""The customers module's permissions (Django permission strings; also an Actor's scopes)."""

VIEW_CUSTOMERS = "customers.view_customers"
VIEW_PERSONAL_DATA = "customers.view_personal_data"
REVIEW_KYC = "customers.review_kyc"
REQUEST_FREEZE = "customers.request_freeze"
APPROVE_FREEZE = "customers.approve_freeze"
CLOSE_CUSTOMER = "customers.close_customer"

ALL = (
    VIEW_CUSTOMERS,
    VIEW_PERSONAL_DATA,
    REVIEW_KYC,
    REQUEST_FREEZE,
    APPROVE_FREEZE,
    CLOSE_CUSTOMER,
)

# Role -> permissions (registered with identity's roles in CustomersConfig.ready()).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [VIEW_CUSTOMERS],
    "compliance_officer": [VIEW_CUSTOMERS, VIEW_PERSONAL_DATA, REVIEW_KYC, APPROVE_FREEZE],
    "risk_analyst": [VIEW_CUSTOMERS, REQUEST_FREEZE],
    "operations": [VIEW_CUSTOMERS, CLOSE_CUSTOMER],
    "auditor": [VIEW_CUSTOMERS],
    "administrator": list(ALL),
}
