"""Privacy's permissions, as Django permission strings, and the roles that hold them."""

HANDLE_REQUESTS = "privacy.handle_requests"

ROLE_PERMISSIONS = {
    "compliance_officer": [HANDLE_REQUESTS],
    "administrator": [HANDLE_REQUESTS],
}
