"""Where the identity pages appear (``hujin.core.navigation``)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hujin.core.navigation import AREA_SYSTEM, console_entry_register, portal_entry_register
from hujin.identity.permissions import MANAGE_API_KEYS
from hujin.identity.role_grants import VIEW_STAFF


def register() -> None:
    console_entry_register(
        key="identity.staff", area=AREA_SYSTEM, label=_("Staff and roles"),
        url_name="identity:staff", permission=VIEW_STAFF, order=10,
    )  # fmt: skip
    console_entry_register(
        key="identity.api_keys", area=AREA_SYSTEM, label=_("API keys"),
        url_name="identity:api_keys", permission=MANAGE_API_KEYS, order=20,
    )  # fmt: skip
    if not settings.PROD:
        console_entry_register(
            key="identity.dev_sms", area=AREA_SYSTEM, label=_("SMS outbox (development)"),
            url_name="identity:dev_sms", order=90,
        )  # fmt: skip
    portal_entry_register(
        key="identity.sessions", label=_("Login devices"), url_name="identity:sessions",
        icon="device", order=40, description=_("Where you are signed in; sign out elsewhere"),
    )  # fmt: skip
    portal_entry_register(
        key="identity.mfa", label=_("Two-step verification"), url_name="mfa:manage", icon="key",
        order=50, description=_("A second step when you sign in"),
    )  # fmt: skip
