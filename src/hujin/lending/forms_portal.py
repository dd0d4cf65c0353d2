"""What the customer types on the lending pages, read into the values the services take: an
amount in yuan (fen out), a term, a repayment day. Each reader returns ``(value, error)``: the
value, or None and the words to show next to the field.

Which field a service's error belongs to (``field_of``): the page shows its message next to that
field, or above the form when it is about the request as a whole."""

from django.utils.translation import gettext_lazy as _

from hujin.core.errors import HujinError
from hujin.core.money import InvalidAmount, parse_amount
from hujin.lending import errors

AMOUNT = "amount"
TERM = "term"
REPAYMENT_DAY = "repayment_day"
PURPOSE = "purpose"
INCOME = "income"
CONSENT = "consent"
CODE = "code"
PRINCIPAL = "principal"
FORM = "form"

MAX_TEXT = 24


def amount_read(text: str | None, *, empty=None) -> tuple[int | None, str]:
    """Yuan as typed ("5000", "5,000.50", "¥5000") to fen."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not cleaned:
        return None, str(empty or _("Enter the amount in yuan."))
    try:
        minor = parse_amount(cleaned[:MAX_TEXT], "CNY")
    except InvalidAmount:
        return None, str(_("Enter an amount in yuan, such as 5000 or 5000.50."))
    if minor <= 0:
        return None, str(_("Enter an amount above zero."))
    return minor, ""


def whole_read(text: str | None, *, empty: str, low: int = 1, high: int = 10_000) -> tuple:
    """A whole number (a term, a day of the month) within ``low``..``high``."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None, empty
    if not cleaned.isdigit() or len(cleaned) > 6 or not low <= int(cleaned) <= high:
        return None, str(_("Enter a whole number from %(low)d to %(high)d.")
                         % {"low": low, "high": high})  # fmt: skip
    return int(cleaned), ""


def day_read(text: str | None) -> tuple[int | None, str]:
    """The repayment day: optional, 1 to 28."""
    if not (text or "").strip():
        return None, ""
    return whole_read(text, empty="", low=1, high=28)


_FIELDS = {
    errors.InsufficientFunds: AMOUNT,
    errors.RepaymentInvalid: AMOUNT,
    errors.ConfirmationRequired: CODE,
    errors.ContractChanged: FORM,
}


def field_of(error: HujinError) -> str:
    """The field a service's error is shown next to; an ``ApplicationInvalid`` names its own."""
    if isinstance(error, errors.ApplicationInvalid):
        name = (error.details or {}).get("field", "")
        return {"amount": AMOUNT, "term": TERM, "repayment_day": REPAYMENT_DAY,
                "purpose": PURPOSE, "monthly_income": INCOME}.get(name, FORM)  # fmt: skip
    if isinstance(error, errors.RepaymentInvalid):
        name = (error.details or {}).get("field", "")
        return PRINCIPAL if name == "principal" else AMOUNT
    for kind, field in _FIELDS.items():
        if isinstance(error, kind):
            return field
    return FORM


def application_message(error: HujinError) -> str:
    """An application's refusal in words that name the limits it broke."""
    from hujin.core.money import display_amount

    details = error.details or {}
    if isinstance(error, errors.ApplicationInvalid):
        if details.get("field") == "amount" and "min_minor" in details:
            return str(_("Choose an amount from %(low)s to %(high)s.") % {
                "low": display_amount(details["min_minor"], "CNY"),
                "high": display_amount(details["max_minor"], "CNY")})  # fmt: skip
        if details.get("field") == "term" and "min" in details:
            return str(_("Choose a term from %(low)d to %(high)d.")
                       % {"low": details["min"], "high": details["max"]})  # fmt: skip
        if details.get("field") == "repayment_day":
            return str(_("Choose a repayment day from 1 to 28."))
    return str(error.message)
