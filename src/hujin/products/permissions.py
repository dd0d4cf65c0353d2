"""The products module's permissions (Django permission strings; also an Actor's scopes)."""

VIEW_PRODUCTS = "products.view_products"  # the console's catalogue, a product's page
MANAGE_PRODUCTS = "products.manage_products"  # create, edit, submit, put on sale, suspend, close
REVIEW_PRODUCTS = "products.review_products"  # compliance: approve or return (never their own)
PUBLISH_NAV = "products.publish_nav"  # operations: NAV and money-market income

ALL = (VIEW_PRODUCTS, MANAGE_PRODUCTS, REVIEW_PRODUCTS, PUBLISH_NAV)

# Role -> permissions (registered with identity's roles in ProductsConfig.ready()).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "product_manager": [VIEW_PRODUCTS, MANAGE_PRODUCTS],
    "compliance_officer": [VIEW_PRODUCTS, REVIEW_PRODUCTS],
    "operations": [VIEW_PRODUCTS, PUBLISH_NAV],
    "customer_service": [VIEW_PRODUCTS],
    "risk_analyst": [VIEW_PRODUCTS],
    "auditor": [VIEW_PRODUCTS],
    "administrator": list(ALL),
}
