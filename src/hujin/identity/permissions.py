"""Identity's permissions, as Django permission strings.

A staff member's Actor carries their Django permissions as scopes (see ``access.staff_actor``),
so services check them the same way they check an API key's scopes.
"""

MANAGE_API_KEYS = "identity.manage_api_keys"
