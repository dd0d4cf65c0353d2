"""The lending module's permissions (Django permission strings; also an Actor's scopes)."""

VIEW_LENDING = "lending.view_lending"  # loan products, applications, loans, the portfolio
MANAGE_PRODUCTS = "lending.manage_loan_products"  # the product manager: the maker
REVIEW_PRODUCTS = "lending.review_loan_products"  # compliance: admits a product (the checker)
DECIDE_APPLICATIONS = "lending.decide_applications"  # the risk analyst's manual review
MANAGE_COLLECTIONS = "lending.manage_collections"  # notes and promises to pay
MANAGE_LOANS = "lending.manage_loans"  # restructuring, downgrade and write-off (maker)
MANAGE_MODELS = "lending.manage_models"  # register, promote and retire score models
FUND_LENDING = "lending.fund_lending"  # record the lender's funds arriving at the custodian

ALL = (
    VIEW_LENDING,
    MANAGE_PRODUCTS,
    REVIEW_PRODUCTS,
    DECIDE_APPLICATIONS,
    MANAGE_COLLECTIONS,
    MANAGE_LOANS,
    MANAGE_MODELS,
    FUND_LENDING,
)

# Role -> permissions (registered with identity's roles in LendingConfig.ready()).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [VIEW_LENDING, MANAGE_COLLECTIONS],
    "compliance_officer": [VIEW_LENDING, REVIEW_PRODUCTS],
    "risk_analyst": [VIEW_LENDING, DECIDE_APPLICATIONS, MANAGE_LOANS, MANAGE_MODELS],
    "operations": [VIEW_LENDING, MANAGE_COLLECTIONS, FUND_LENDING],
    "product_manager": [VIEW_LENDING, MANAGE_PRODUCTS],
    "auditor": [VIEW_LENDING],
    "administrator": list(ALL),
}
