"""Labels the ledger's pages put on its codes: ``{% load ledger_labels %}``."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hujin.ledger.naming import transfer_code_label

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


@register.simple_tag
def transfer_code(code: str):
    """A transfer code by its registered label (the code itself in its title), or the code as
    it is, in ``<code>``, when no module named it (``hujin.ledger.naming``)."""
    if not code:
        return "—"
    label = transfer_code_label(code)
    if label is None:
        return format_html("<code>{}</code>", code)
    return format_html('<span class="transfer-code" title="{}">{}</span>', code, label)
