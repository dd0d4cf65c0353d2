"""Bank card numbers: what a person types, normalised; the Luhn check; the issuing bank from the
BIN table (``data/bins.csv``, longest prefix wins); the masked form pages show."""

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hujin.payments.errors import CardNumberInvalid

MIN_DIGITS = 16
MAX_DIGITS = 19
BIN_FILE = Path(__file__).resolve().parent / "data" / "bins.csv"


@dataclass(frozen=True, slots=True)
class Bank:
    bin: str
    code: str
    name_en: str
    name_zh: str
    card_type: str

    def name(self, language: str | None) -> str:
        return self.name_zh if (language or "").lower().startswith("zh") else self.name_en


def card_number_normalise(raw: str) -> str:
    """The digits of a card number as typed: spaces and dashes allowed (full-width digits too);
    16 to 19 digits, else CardNumberInvalid."""
    text = unicodedata.normalize("NFKC", raw or "")
    digits = "".join(ch for ch in text if ch not in " -\t")
    if not digits.isascii() or not digits.isdigit():
        raise CardNumberInvalid()
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise CardNumberInvalid()
    return digits


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check of ISO/IEC 7812."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def masked_card(*, first4: str, last4: str) -> str:
    """``6222 **** **** 1234``: the issuer's first four digits (``****`` once anonymised) and
    the last four, in groups of four, whatever the number's length."""
    return f"{first4 or '****'} **** **** {last4}"


def load_bins(path: Path = BIN_FILE) -> dict[str, Bank]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["bin"]: Bank(
                bin=row["bin"],
                code=row["bank_code"],
                name_en=row["bank_name_en"],
                name_zh=row["bank_name_zh"],
                card_type=row["card_type"],
            )
            for row in csv.DictReader(handle)
        }


@cache
def _bins() -> dict[str, Bank]:
    return load_bins()


def bank_for(digits: str, table: dict[str, Bank] | None = None) -> Bank | None:
    """The bank of the longest prefix of ``digits`` in the BIN table; None when unknown."""
    bins = _bins() if table is None else table
    for length in range(min(len(digits), 10), 0, -1):
        bank = bins.get(digits[:length])
        if bank is not None:
            return bank
    return None


def bank_by_code(code: str) -> Bank | None:
    for bank in _bins().values():
        if bank.code == code:
            return bank
    return None
