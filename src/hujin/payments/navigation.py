"""Where the payments pages appear (``hujin.core.navigation``): "Bank cards" on the portal's
"Me" page; the sandbox channel's verification codes in the console's system area (never in
production)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hujin.core.navigation import AREA_SYSTEM, console_entry_register, portal_entry_register


def register() -> None:
    portal_entry_register(
        key="payments.cards", label=_("Bank cards"), url_name="payments:cards", place="me",
        icon="card", order=30, description=_("Bind a debit card, choose the default, unbind"),
    )  # fmt: skip
    if not settings.PROD:
        console_entry_register(
            key="payments.dev_codes", area=AREA_SYSTEM,
            label=_("Card verification codes (sandbox)"), url_name="payments:dev_codes",
            order=92,
        )  # fmt: skip
