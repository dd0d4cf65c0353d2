"""Where the suitability pages appear (``hujin.core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from hujin.core.navigation import AREA_RISK, console_entry_register, portal_entry_register
from hujin.suitability.permissions import VIEW_QUESTIONNAIRES


def register() -> None:
    console_entry_register(
        key="suitability.questionnaires", area=AREA_RISK, label=_("Risk questionnaires"),
        url_name="suitability:questionnaires", permission=VIEW_QUESTIONNAIRES, order=40,
    )  # fmt: skip
    portal_entry_register(
        key="suitability.questionnaire", label=_("Risk tolerance assessment"),
        url_name="suitability:questionnaire", icon="chart", order=20,
        description=_("Your risk profile decides which products suit you"),
    )  # fmt: skip
