"""The customer portal's lending entries: "Loans" as a tab (my loans, the products, applying)
and "My loan applications" on the "Me" page."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.navigation import portal_entry_register


def register() -> None:
    portal_entry_register(
        key="lending.home", label=pgettext_lazy("portal tab", "Loans"), url_name="lending:home",
        place="tab", icon="loan", order=35,
    )  # fmt: skip
    portal_entry_register(
        key="lending.applications", label=_("My loan applications"),
        url_name="lending:applications", place="me", icon="doc", order=42,
        description=_("Decisions, offers waiting to be signed, reviews"),
    )  # fmt: skip
