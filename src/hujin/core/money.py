"""Money: integer minor units with an ISO 4217 currency; decimal strings only at the edge.

The ledger also holds **units of a product** (a fund's shares, a wealth product's units) with
the same guarantees as money: their asset code is ``U:`` and the product's code
(``unit_asset("HJ-MMF-01")`` is ``U:HJ-MMF-01``), counted in hundredths of a unit (份额保留两位
小数), and shown as units, never with a currency sign.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from hujin.core.errors import InvalidInput

# ISO 4217 minor-unit exponents for the currencies Hujin handles.
CURRENCY_EXPONENTS: dict[str, int] = {
    "CNY": 2, "HKD": 2, "MOP": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2, "AUD": 2,
    "CAD": 2, "SGD": 2, "CHF": 2, "NZD": 2, "JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3,
}  # fmt: skip

# Units of a product: "U:" and the product's code; two decimal places.
UNIT_PREFIX = "U:"
UNIT_EXPONENT = 2
_UNIT_RE = re.compile(r"^U:[A-Z0-9][A-Z0-9-]{2,31}$")
ASSET_MAX_LENGTH = 34

# Largest amount the ledger stores: a signed 64-bit column.
MAX_MINOR = 2**63 - 1

_DECIMAL_RE = re.compile(r"^(?P<int>[0-9]{1,19})(?:\.(?P<frac>[0-9]+))?$")


class InvalidCurrency(InvalidInput):
    code = "invalid_currency"
    message = "Unknown currency."


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    message = "The amount is not valid."


def unit_asset(product_code: str) -> str:
    """The asset code of a product's units in the ledger."""
    code = UNIT_PREFIX + product_code
    if not _UNIT_RE.match(code):
        raise InvalidCurrency(details={"currency": code[:ASSET_MAX_LENGTH]})
    return code


def is_unit_asset(code: object) -> bool:
    return isinstance(code, str) and bool(_UNIT_RE.match(code))


def currency_exponent(currency: str) -> int:
    """The decimal places of an ISO 4217 currency Hujin handles, or of a product's units."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        if is_unit_asset(currency):
            return UNIT_EXPONENT
        raise InvalidCurrency(details={"currency": str(currency)[:ASSET_MAX_LENGTH]}) from None


def parse_amount(text: str, currency: str) -> int:
    """'1234.50' CNY -> 123450. Refuses signs, exponents, extra decimals and overflow."""
    exponent = currency_exponent(currency)
    match = _DECIMAL_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InvalidAmount("Amount must be a decimal string such as '12.34'.",
                            details={"amount": str(text)[:40]})  # fmt: skip
    frac = match.group("frac") or ""
    if len(frac.rstrip("0")) > exponent:
        raise InvalidAmount(
            f"{currency} amounts have at most {exponent} decimal places.",
            details={"amount": text, "currency": currency},
        )
    frac = frac[:exponent].ljust(exponent, "0") if exponent else ""
    minor = int(match.group("int") + frac)
    if minor > MAX_MINOR:
        raise InvalidAmount("Amount is too large.", details={"amount": text})
    return minor


def format_minor(minor: int, currency: str) -> str:
    """123450 CNY -> '1234.50'."""
    exponent = currency_exponent(currency)
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(exponent + 1, "0")
    if not exponent:
        return sign + digits
    return f"{sign}{digits[:-exponent]}.{digits[-exponent:]}"


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidAmount("Money is held in integer minor units.")
        currency_exponent(self.currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> "Money":
        return cls(parse_amount(text, currency), currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-currency_exponent(self.currency))

    def __str__(self) -> str:
        return f"{format_minor(self.minor, self.currency)} {self.currency}"


# --- as people read it ------------------------------------------------------------------------

# The sign a customer page puts before an amount; a currency without one shows its ISO code.
CURRENCY_SYMBOLS: dict[str, str] = {
    "CNY": "¥", "HKD": "HK$", "MOP": "MOP$", "TWD": "NT$", "USD": "US$", "EUR": "€",
    "GBP": "£", "JPY": "JP¥", "AUD": "A$", "CAD": "C$", "SGD": "S$", "NZD": "NZ$",
}  # fmt: skip
MINUS = "\u2212"  # a real minus sign: as wide as the plus, never broken from its number


def group_thousands(minor: int, currency: str) -> str:
    """123456789 CNY -> '1,234,567.89' (no sign: the caller places it)."""
    plain = format_minor(abs(minor), currency)
    whole, _, frac = plain.partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{frac}" if frac else grouped


def display_amount(
    minor: int, currency: str, *, style: str = "symbol", signed: bool = False
) -> str:
    """An amount as a page shows it.

    style ``symbol``: ``¥1,234.50`` (customer pages; a currency without a symbol shows
    ``CHF 1,234.50``); style ``code``: ``1,234.50 CNY`` (staff pages, where the ISO code matters).
    Negative amounts carry a minus sign; ``signed`` puts a ``+`` before positive ones (activity
    lists, where money in and out sit side by side).
    """
    number = group_thousands(minor, currency)
    sign = MINUS if minor < 0 else ("+" if signed and minor > 0 else "")
    if is_unit_asset(currency):  # units: never a currency sign
        from django.utils.translation import gettext

        return gettext("%(number)s units") % {"number": sign + number}
    if style == "code":
        return f"{sign}{number} {currency}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{currency} {number}"
