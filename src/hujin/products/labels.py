"""The words pages use for the products module's codes (kinds, states, documents, checklist
items, refusals), in the viewer's language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.products import types as t

KIND_LABELS = {
    t.KIND_MMF: _("Money-market fund"),
    t.KIND_FIXED_TERM: _("Fixed-term wealth product"),
    t.KIND_NAV_FUND: _("Fund"),
}
SUBTYPE_LABELS = {
    t.SUBTYPE_BOND: _("Bond fund"),
    t.SUBTYPE_EQUITY: _("Equity fund"),
    t.SUBTYPE_MIXED: _("Mixed fund"),
}
STATE_LABELS = {
    t.STATE_DRAFT: pgettext_lazy("product state", "Draft"),
    t.STATE_SUBMITTED: pgettext_lazy("product state", "Waiting for review"),
    t.STATE_APPROVED: pgettext_lazy("product state", "Approved"),
    t.STATE_ON_SALE: pgettext_lazy("product state", "On sale"),
    t.STATE_SUSPENDED: pgettext_lazy("product state", "Suspended"),
    t.STATE_CLOSED: pgettext_lazy("product state", "Closed"),
}
ACTION_LABELS = {
    "create": pgettext_lazy("admission", "Created"),
    "submit": pgettext_lazy("admission", "Submitted for review"),
    "approve": pgettext_lazy("admission", "Approved"),
    "return": pgettext_lazy("admission", "Returned to draft"),
    "put_on_sale": pgettext_lazy("admission", "Put on sale"),
    "suspend": pgettext_lazy("admission", "Suspended"),
    "resume": pgettext_lazy("admission", "Resumed"),
    "close": pgettext_lazy("admission", "Closed"),
}
DOCUMENT_LABELS = {
    t.DOC_PROSPECTUS: _("Prospectus"),
    t.DOC_RISK_DISCLOSURE: _("Risk disclosure"),
    t.DOC_CONTRACT: _("Contract"),
}
CHECKLIST_LABELS = {
    t.CHECK_PROSPECTUS: _("The prospectus is attached and matches the parameters"),
    t.CHECK_RISK_DISCLOSURE: _("The risk disclosure is attached"),
    t.CHECK_CONTRACT: _("The contract is attached"),
    t.CHECK_RISK_LEVEL: _("The risk level is justified"),
    t.CHECK_FEES: _("The fees are disclosed"),
    t.CHECK_RAISE_TERMS: _("The raise terms (window, minimum raise, size) are sound"),
}
# The risk levels in plain words, for customers.
RISK_LABELS = {
    "R1": _("Low risk"),
    "R2": _("Medium-low risk"),
    "R3": _("Medium risk"),
    "R4": _("Medium-high risk"),
    "R5": _("High risk"),
}
RISK_EXPLAINED = {
    "R1": _("Your capital is very unlikely to lose value; returns are modest and steady."),
    "R2": _("The value may dip a little now and then; losing capital is unlikely."),
    "R3": _("The value goes up and down; you may lose part of your capital over short periods."),
    "R4": _("The value can swing widely; losing a sizeable part of your capital is possible."),
    "R5": _("The value can fall sharply; you could lose a large part of your capital."),
}
TERM_LABELS = {
    "open": _("Open-ended"),
    "3m": _("Up to 3 months"),
    "1y": _("3 months to 1 year"),
    "long": _("Over 1 year"),
}
# Why a NAV publication was refused (NavInvalid.details.reason).
NAV_REASONS = {
    "kind": _("This product publishes no NAV."),
    "empty": _("There is nothing to publish."),
    "too_many": _("The file has too many lines (at most 5,000)."),
    "future": _("The date is after the current business date."),
    "duplicate": _("This date is already published."),
    "not_after_last": _("The date is before the last date published."),
    "gap": _("The date leaves a gap after the last date published."),
    "nav": _("The NAV must be a number above zero with at most 4 decimals."),
    "cumulative_nav": _("The cumulative NAV must be a number above zero with at most 4 decimals."),
    "income_per_10k": _(
        "The income per 10,000 units must be a number from −100 to 100 with at most 4 decimals."
    ),
    "yield_7d": _("The 7-day yield must be a rate with at most 6 decimals, such as 0.022141."),
    "yield_7d_mismatch": _("The 7-day yield differs from the last 7 days' income."),
    "yield_7d_range": _(
        "The 7-day yield computed from the last 7 days' income is not between −100 % and 100 %."
    ),
    "jump": _('The change from the day before is unusually large: tick "confirmed".'),
    "columns": _("A line has the wrong number of columns."),
    "date": _("The date is not a date such as 2026-12-06."),
}
FIELD_LABELS = {
    "code": _("Code"),
    "kind": _("Type"),
    "subtype": _("Fund type"),
    "name_zh": _("Name in Chinese"),
    "name_en": _("Name in English"),
    "issuer": _("Issuer or manager"),
    "risk_level": _("Risk level"),
    "min_amount_minor": _("Minimum amount"),
    "increment_minor": _("Increment"),
    "per_customer_cap_minor": _("Cap per customer"),
    "fast_redemption_quota_minor": _("Fast redemption quota per day"),
    "raise_start_date": _("Fundraising starts"),
    "raise_end_date": _("Fundraising ends"),
    "min_raise_minor": _("Minimum raise"),
    "max_size_minor": _("Maximum size"),
    "value_date": _("Value date"),
    "maturity_date": _("Maturity date"),
    "expected_rate": _("Expected annual rate"),
    "confirm_days": _("Confirmation (T+n)"),
    "redemption_days": _("Redemption paid (T+n)"),
    "subscription_fees": _("Subscription fees"),
    "redemption_fees": _("Redemption fees"),
    "on_sale_from": _("On sale from"),
    "description_zh": _("Description in Chinese"),
    "description_en": _("Description in English"),
}


def nav_reason(details: dict) -> str:
    return str(NAV_REASONS.get(str(details.get("reason", "")), ""))


UNIT_PRICE = _("Unit price")
DAY_COUNT = _("Day count")
CUTOFF = _("Cut-off time (Beijing time)")
COOLING_OFF = _("24-hour cooling-off")
NAV = _("NAV per unit")
CUMULATIVE_NAV = _("Cumulative NAV")
YIELD_7D = _("7-day annualised yield")
INCOME_PER_10K = _("Income per 10,000 units")


def yes_no(value: bool) -> str:
    return str(_("Yes") if value else _("No"))


def _yuan(minor: int, portal: bool = True) -> str:
    """Customers read ¥1,000.00; staff read 1,000.00 CNY."""
    digits = f"{minor // 100:,}.{minor % 100:02d}"
    return f"¥{digits}" if portal else f"{digits} CNY"


def fixed_fee(minor: int | None, portal: bool = True) -> str:
    from django.utils.translation import gettext

    return gettext("%(amount)s per order") % {"amount": _yuan(minor or 0, portal)}


def amount_band(lower: int, upper: int | None, fee: str, portal: bool = True) -> str:
    from django.utils.translation import gettext

    if upper is None:
        return gettext("%(lower)s and more: %(fee)s") % {"lower": _yuan(lower, portal), "fee": fee}
    return gettext("%(lower)s to under %(upper)s: %(fee)s") % {
        "lower": _yuan(lower, portal),
        "upper": _yuan(upper, portal),
        "fee": fee,
    }


def days_band(lower: int, upper: int | None, fee: str) -> str:
    from django.utils.translation import gettext

    if upper is None:
        return gettext("Held %(lower)d days or more: %(fee)s") % {"lower": lower, "fee": fee}
    return gettext("Held %(lower)d to under %(upper)d days: %(fee)s") % {
        "lower": lower,
        "upper": upper,
        "fee": fee,
    }
