"""Wealth's words for codes, for its pages and its API: product kinds (the products module's
words, said again with the same msgids: its labels are not its public face), order kinds and
states, document kinds."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.products.types import KIND_FIXED_TERM, KIND_MMF, KIND_NAV_FUND
from hujin.wealth.types import (
    CANCELLED,
    CONFIRMED,
    FAILED,
    MATURITY,
    REDEEM,
    SUBMITTED,
    SUBSCRIBE,
)

PRODUCT_KIND_LABELS = {
    KIND_MMF: _("Money-market fund"),
    KIND_FIXED_TERM: _("Fixed-term wealth product"),
    KIND_NAV_FUND: _("Fund"),
}
ORDER_KIND_LABELS = {
    SUBSCRIBE: pgettext_lazy("order kind", "Purchase"),
    REDEEM: pgettext_lazy("order kind", "Redemption"),
    MATURITY: pgettext_lazy("order kind", "Maturity payout"),
}
FAST_LABEL = pgettext_lazy("order kind", "Fast redemption")
ORDER_STATES = (SUBMITTED, CONFIRMED, FAILED, CANCELLED)
STATE_LABELS = {
    SUBMITTED: pgettext_lazy("status", "Submitted"),
    CONFIRMED: pgettext_lazy("status", "Confirmed"),
    FAILED: pgettext_lazy("status", "Failed"),
    CANCELLED: pgettext_lazy("status", "Cancelled"),
}
DOCUMENT_LABELS = {
    "prospectus": _("Prospectus"),
    "risk_disclosure": _("Risk disclosure"),
    "contract": _("Contract"),
}
