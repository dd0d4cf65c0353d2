"""Where the wealth pages appear (``hujin.core.navigation``): the suggested portfolio on the
customer's "Me" page; the audit trail's words for wealth's actions."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.links import audit_action_label_register
from hujin.core.navigation import portal_entry_register

AUDIT_ACTION_LABELS = {
    "wealth.suitability_decided": pgettext_lazy("audit action", "Suitability decided"),
    "wealth.risk_warning_confirmed": pgettext_lazy("audit action", "Risk warning confirmed"),
    "wealth.documents_acknowledged": pgettext_lazy("audit action", "Product documents read"),
}


def register() -> None:
    portal_entry_register(
        key="wealth.advice",
        label=_("Suggested portfolio"),
        url_name="wealth:advice",
        place="me",
        icon="chart",
        order=40,
        description=_("A mix of products that suits your risk tolerance"),
    )
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
