"""What the customer types on the wealth pages, read into the values the services take: an
amount in yuan (fen out), units (hundredths of a unit out), a period of business dates. Each
reader returns ``(value, error)``: the value, or None and the words to show next to the field.

Which field a service's error belongs to (``field_of``): the page shows the error's message
next to that field, or above the form when it is about the order as a whole."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import HujinError
from hujin.core.money import InvalidAmount, InvalidCurrency, parse_amount, unit_asset
from hujin.wealth import errors

AMOUNT = "amount"
UNITS = "units"
DOCUMENTS = "documents"
FAST = "fast"
FORM = "form"  # above the form: the order as a whole

MAX_TEXT = 24  # what a sane amount or date fits in

_FIELDS = {
    errors.AmountInvalid: AMOUNT,
    errors.OverCap: AMOUNT,
    errors.InsufficientFunds: AMOUNT,
    errors.DocumentsNotAcknowledged: DOCUMENTS,
    errors.DocumentsChanged: DOCUMENTS,
    errors.InsufficientUnits: UNITS,
    errors.FastRedemptionQuota: FAST,
}


def field_of(error: HujinError, *, redeeming: bool = False) -> str:
    """The field a service's error is shown next to (an amount error on the redeem page is
    about the units)."""
    for kind, field in _FIELDS.items():
        if isinstance(error, kind):
            return UNITS if redeeming and field == AMOUNT else field
    return FORM


def amount_read(text: str) -> tuple[int | None, str]:
    """Yuan as typed ("1000", "1,000.50", "¥1000") to fen."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not cleaned:
        return None, str(_("Enter the amount to invest."))
    try:
        minor = parse_amount(cleaned[:MAX_TEXT], "CNY")
    except InvalidAmount:
        return None, str(_("Enter an amount in yuan, such as 1000 or 1000.50."))
    if minor <= 0:
        return None, str(_("Enter an amount above zero."))
    return minor, ""


def units_read(text: str, product_code: str) -> tuple[int | None, str]:
    """Units as typed ("1,000.5") to hundredths of a unit."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "")
    if not cleaned:
        return None, str(_("Enter the number of units to redeem."))
    try:
        minor = parse_amount(cleaned[:MAX_TEXT], unit_asset(product_code))
    except (InvalidAmount, InvalidCurrency):
        return None, str(_("Enter a number of units with at most two decimals, such as 100.50."))
    if minor <= 0:
        return None, str(_("Enter a number of units above zero."))
    return minor, ""


def day_read(text: str | None) -> date | None:
    """A date as ``YYYY-MM-DD`` (an <input type=date>), or None."""
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
