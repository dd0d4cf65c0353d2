"""Where the rule store's pages appear (``hujin.core.navigation``): "Risk rules" in the console's
risk and compliance area, for who holds ``risk.view_risk`` (analysts, compliance, auditors)."""

from django.utils.translation import gettext_lazy as _

from hujin.core.navigation import AREA_RISK, console_entry_register
from hujin.risk.permissions import VIEW_RISK


def register() -> None:
    console_entry_register(
        key="risk.rules", area=AREA_RISK, label=_("Risk rules"), url_name="risk:rules",
        permission=VIEW_RISK, order=10,
    )  # fmt: skip
