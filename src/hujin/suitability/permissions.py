"""Suitability's permissions, as Django permission strings, and the roles that hold them."""

VIEW_QUESTIONNAIRES = "suitability.view_questionnaires"

ROLE_PERMISSIONS = {
    "product_manager": [VIEW_QUESTIONNAIRES],
    "compliance_officer": [VIEW_QUESTIONNAIRES],
    "auditor": [VIEW_QUESTIONNAIRES],
    "administrator": [VIEW_QUESTIONNAIRES],
}
