"""Where the wealth pages appear (``hujin.core.navigation``): "Wealth" (the asset overview) as a
tab of the customer portal, "Buy" on the products' product page, the suggested portfolio on the
customer's "Me" page; the audit trail's words for wealth's actions; the orders' "confirmed"
state in the status vocabulary."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.links import audit_action_label_register
from hujin.core.navigation import page_action_register, portal_entry_register
from hujin.core.statuses import TONE_SUCCESS, status_register
from hujin.ledger.selectors import transfer_code_label_register

AUDIT_ACTION_LABELS = {
    "wealth.suitability_decided": pgettext_lazy("audit action", "Suitability decided"),
    "wealth.risk_warning_confirmed": pgettext_lazy("audit action", "Risk warning confirmed"),
    "wealth.documents_acknowledged": pgettext_lazy("audit action", "Product documents read"),
    "wealth.order_submitted": pgettext_lazy("audit action", "Wealth order placed"),
    "wealth.order_confirmed": pgettext_lazy("audit action", "Wealth order confirmed"),
    "wealth.order_failed": pgettext_lazy("audit action", "Wealth order failed"),
    "wealth.order_cancelled": pgettext_lazy("audit action", "Wealth order cancelled"),
    "wealth.income_distributed": pgettext_lazy("audit action", "Money-market income distributed"),
    "wealth.raise_closed": pgettext_lazy("audit action", "Fundraising closed"),
}
_SUBSCRIPTION = pgettext_lazy("transfer code", "Wealth subscription")
_SUBSCRIPTION_FEE = pgettext_lazy("transfer code", "Wealth subscription fee")
_REDEMPTION = pgettext_lazy("transfer code", "Wealth redemption")
_MATURITY = pgettext_lazy("transfer code", "Wealth product matured")
# The ledger transfers of the orders' steps (``movements``) and of the income (``cob``).
TRANSFER_CODE_LABELS = {
    "wealth.subscribe.hold": _SUBSCRIPTION,
    "wealth.subscribe.post": _SUBSCRIPTION,
    "wealth.subscribe.void": pgettext_lazy("transfer code", "Wealth subscription released"),
    "wealth.subscribe.hold_fee": _SUBSCRIPTION_FEE,
    "wealth.subscribe.post_fee": _SUBSCRIPTION_FEE,
    "wealth.subscribe.void_fee": _SUBSCRIPTION_FEE,
    "wealth.subscribe.units": pgettext_lazy("transfer code", "Units bought"),
    "wealth.redeem.hold": _REDEMPTION,
    "wealth.redeem.post": _REDEMPTION,
    "wealth.redeem.void": pgettext_lazy("transfer code", "Wealth redemption released"),
    "wealth.redeem.units": _REDEMPTION,
    "wealth.redeem.pay": pgettext_lazy("transfer code", "Redemption paid"),
    "wealth.maturity.units": _MATURITY,
    "wealth.maturity.pay": pgettext_lazy("transfer code", "Principal and interest paid"),
    "wealth.income": pgettext_lazy("transfer code", "Money-market income"),
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
    portal_entry_register(
        key="wealth.overview", label=_("Wealth"), url_name="wealth:overview", place="tab",
        icon="loan", order=30,
    )  # fmt: skip
    # The products' portal page of a product (products.views_portal.PRODUCT_PAGE).
    page_action_register(
        page="products.portal_product", key="wealth.buy", label=_("Buy"), url_name="wealth:buy",
        order=10, primary=True,
    )  # fmt: skip
    status_register("confirmed", pgettext_lazy("status", "Confirmed"), TONE_SUCCESS)
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    for code, label in TRANSFER_CODE_LABELS.items():
        transfer_code_label_register(code, label)
    _register_console()


def orders_attention(actor) -> int:
    """Orders that need attention (the menu's count; the business date is the page's)."""
    from django.utils import timezone

    from hujin.core.dates import business_date_get
    from hujin.wealth.console_selectors import orders_attention_count

    return orders_attention_count(actor=actor, on=business_date_get(now=timezone.now()))


def _register_console() -> None:
    """The order monitor and the income distributions in the console's operations area, next to
    the products; the monitor's waiting work is the orders that need attention."""
    from django.utils.translation import ngettext_lazy

    from hujin.core.navigation import AREA_OPERATIONS, console_entry_register
    from hujin.wealth.permissions import VIEW_ORDERS

    console_entry_register(
        key="wealth.orders", area=AREA_OPERATIONS, label=_("Wealth orders"),
        url_name="wealth:console_orders", permission=VIEW_ORDERS, order=35,
        waiting=orders_attention,
        waiting_label=ngettext_lazy(
            "%(n)d wealth order needs attention", "%(n)d wealth orders need attention", "n"
        ),
    )  # fmt: skip
    console_entry_register(
        key="wealth.distributions", area=AREA_OPERATIONS, label=_("Income distributions"),
        url_name="wealth:console_distributions", permission=VIEW_ORDERS, order=36,
    )  # fmt: skip
