"""Where the payments pages appear (``hujin.core.navigation``): "Bank cards" on the portal's
"Me" page; the sandbox channel's verification codes in the console's system area (never in
production); the payment monitor in the money area, with the unresolved payments older than an
hour as its waiting work, and a customer's payments on their console page."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from hujin.core.actors import Actor
from hujin.core.navigation import (
    AREA_MONEY,
    AREA_SYSTEM,
    console_entry_register,
    portal_entry_register,
)
from hujin.customers.selectors import customer_console_section_register
from hujin.payments import console_names
from hujin.payments.monitor import payments_waiting_count
from hujin.payments.monitor_detail import customer_payments_section
from hujin.payments.permissions import VIEW_PAYMENTS


def payments_waiting(actor: Actor) -> int:
    """Unresolved payments older than an hour (the menu's count; the moment is the page's)."""
    return payments_waiting_count(actor=actor, now=timezone.now())


def register() -> None:
    portal_entry_register(
        key="payments.cards", label=_("Bank cards"), url_name="payments:cards", place="me",
        icon="card", order=30, description=_("Bind a debit card, choose the default, unbind"),
    )  # fmt: skip
    portal_entry_register(
        key="payments.statements", label=_("Statements"), url_name="payments:statements",
        place="me", icon="chart", order=31,
        description=_("Your payments, a CSV download and a statement for each month"),
    )  # fmt: skip
    console_entry_register(
        key="payments.monitor", area=AREA_MONEY, label=_("Payment monitor"),
        url_name="payments:monitor", permission=VIEW_PAYMENTS, order=20,
        waiting=payments_waiting,
        waiting_label=ngettext_lazy(
            "%(n)d payment unresolved for over an hour",
            "%(n)d payments unresolved for over an hour", "n",
        ),
    )  # fmt: skip
    customer_console_section_register("payments", customer_payments_section, order=30)
    console_names.register()
    _register_reconciliation()
    _register_rules()
    _register_channels()
    if not settings.PROD:
        console_entry_register(
            key="payments.dev_codes", area=AREA_SYSTEM,
            label=_("Card verification codes (sandbox)"), url_name="payments:dev_codes",
            order=92,
        )  # fmt: skip


def _register_reconciliation() -> None:
    """The reconciliation runs and the break queue in the money area; the queue's waiting work
    is the breaks still without a resolution."""
    from hujin.payments.permissions import VIEW_RECONCILIATION
    from hujin.payments.reconciliation import console_names as reconciliation_names
    from hujin.payments.reconciliation.selectors import open_breaks_count

    reconciliation_names.register()

    console_entry_register(
        key="payments.reconciliation", area=AREA_MONEY, label=_("Reconciliation"),
        url_name="payments:reconciliation", permission=VIEW_RECONCILIATION, order=40,
    )  # fmt: skip
    console_entry_register(
        key="payments.reconciliation_breaks", area=AREA_MONEY, label=_("Break queue"),
        url_name="payments:reconciliation_breaks", permission=VIEW_RECONCILIATION, order=41,
        waiting=open_breaks_count,
        waiting_label=ngettext_lazy(
            "%(n)d reconciliation break waits for a resolution",
            "%(n)d reconciliation breaks wait for a resolution", "n",
        ),
    )  # fmt: skip


def _register_rules() -> None:
    """The limits and fees in the money area (read by who sees payments, changed by operations);
    the payments a screen held in the risk and compliance area, its waiting work the queue."""
    from hujin.core.navigation import AREA_RISK
    from hujin.payments.permissions import REVIEW_PAYMENTS
    from hujin.payments.rules_selectors import review_waiting_count

    console_entry_register(
        key="payments.rules", area=AREA_MONEY, label=_("Limits and fees"),
        url_name="payments:rules", permission=VIEW_PAYMENTS, order=50,
    )  # fmt: skip
    console_entry_register(
        key="payments.review", area=AREA_RISK, label=_("Payments held for review"),
        url_name="payments:review", permission=REVIEW_PAYMENTS, order=30,
        waiting=review_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d payment held for review", "%(n)d payments held for review", "n"
        ),
    )  # fmt: skip


def _register_channels() -> None:
    """The payment channels next to the limits and fees (read by who sees payments, changed by
    operations), and the words of a channel's health."""
    from hujin.core.statuses import status_register
    from hujin.payments.channels_selectors import HEALTH_STATES

    for key, word, tone in HEALTH_STATES:
        status_register(key, word, tone)
    console_entry_register(
        key="payments.channels", area=AREA_MONEY, label=_("Payment channels"),
        url_name="payments:channels", permission=VIEW_PAYMENTS, order=51,
    )  # fmt: skip
