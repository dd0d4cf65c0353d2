"""Identity's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ApiKeyNameInvalid(InvalidInput):
    code = "api_key_name_invalid"
    message = _("Give the key a name of 1 to 100 characters.")


class ApiKeyScopesInvalid(InvalidInput):
    code = "api_key_scopes_invalid"
    message = _("Choose at least one scope from the catalogue.")


class ApiKeyExpiryInvalid(InvalidInput):
    code = "api_key_expiry_invalid"
    message = _("The expiry must be in the future.")


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    message = _("No such API key.")


class ApiKeyAlreadyRevoked(Conflict):
    code = "api_key_already_revoked"
    message = _("This API key has already been revoked.")


class ApiKeyManagementDenied(PermissionDenied):
    code = "api_key_management_denied"
    message = _("You do not have permission to manage API keys.")
