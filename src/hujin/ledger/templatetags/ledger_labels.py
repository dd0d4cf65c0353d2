"""Labels the ledger's pages put on its codes: ``{% load ledger_labels %}``."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The reasons an account's debits are frozen for that have a name for people; any other code
# (``risk.case:17``) is shown as it is.
DEBITS_FROZEN_REASON_LABELS = {
    "customers.freeze": _("Customer frozen"),
    "legacy": _("Frozen before reasons were recorded"),
}


@register.filter
def debits_frozen_reason_label(code: str) -> str:
    """The reason's name where the ledger knows one, else its code."""
    return DEBITS_FROZEN_REASON_LABELS.get(code, code)
