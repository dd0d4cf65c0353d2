"""Where the ledger's pages appear in the console (``hujin.core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from hujin.core.navigation import AREA_MONEY, console_entry_register
from hujin.ledger.scope import LEDGER_READ_PERMISSION


def register() -> None:
    for order, (name, label) in enumerate(
        [
            ("accounts", _("Ledger accounts")),
            ("transfers", _("Transfers")),
            ("trial_balance", _("Trial balance")),
        ]
    ):
        console_entry_register(
            key=f"ledger.{name}", area=AREA_MONEY, label=label, url_name=f"ledger:{name}",
            permission=LEDGER_READ_PERMISSION, order=10 + order,
        )  # fmt: skip
