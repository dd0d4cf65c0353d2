"""Identity documents and enterprise codes: validate and normalise (pure functions, no Django).

Each ``*_parse`` function takes what a person typed and returns a ``ParsedDocument`` with the
normalised number (upper case, no spaces or hyphens) and, for people, the birth date written in
the number; or raises ``DocumentInvalid`` carrying a stable ``reason`` code that the services
turn into a translated message.

Sources (see docs/modules/customers.md):

- GB 11643-1999 公民身份号码: 6-digit address code, 8-digit birth date, 3-digit sequence,
  ISO 7064 MOD 11-2 check character (``X`` for 10).
- 港澳台居民居住证 (2018): the same layout with the address code 810000 (Hong Kong),
  820000 (Macao) or 830000 (Taiwan).
- 外国人永久居留身份证: the 2017 card's number is 15 characters, 3 Latin letters (nationality)
  and 12 digits; the 2023 card's number is 18 characters, ``9`` + 2-digit province of issue +
  3-digit numeric nationality code + birth date YYYYMMDD + 3-digit sequence + MOD 11-2 check.
- GB 32100-2015 统一社会信用代码: registration authority, kind, 6-digit region, 9-character
  organisation code with its GB 11714 check character, and a MOD 31 check character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

RESIDENT_ID = "resident_id"
HMT_PERMIT = "hmt_residence_permit"
FOREIGN_PERMANENT = "foreign_permanent_residence"
USCC = "uscc"

PERSON_DOCUMENT_TYPES = (RESIDENT_ID, HMT_PERMIT, FOREIGN_PERMANENT)

# Province-level address codes of GB/T 2260 (the first two digits of a resident ID).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"}
    | {"61", "62", "63", "64", "65"}
)
HMT_PREFIXES = {"810000": "HK", "820000": "MO", "830000": "TW"}

MOD11_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
MOD11_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 32100-2015 appendix A: registration authority -> the kind codes it may issue.
USCC_AUTHORITIES: dict[str, frozenset[str]] = {
    "1": frozenset("1239"),  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": frozenset("19"),  # 外交
    "3": frozenset("123459"),  # 司法行政: 律所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委, 其他
    "4": frozenset("19"),  # 文化
    "5": frozenset("1239"),  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": frozenset("129"),  # 旅游
    "7": frozenset("129"),  # 宗教
    "8": frozenset("19"),  # 工会
    "9": frozenset("123"),  # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": frozenset("19"),  # 中央军委改革和编制办公室
    "N": frozenset("1239"),  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": frozenset("1"),  # 其他
}

EARLIEST_BIRTH = date(1900, 1, 1)
ADULT_AGE = 18

_SEPARATORS = re.compile(r"[\s\-]+")


class DocumentInvalid(ValueError):
    """The number is not a valid document of that type; ``reason`` is a stable code."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    document_type: str
    number: str
    birth_date: date | None = None
    region: str = ""  # province code, HK/MO/TW, or a nationality code


def normalise(number: str) -> str:
    """Upper case without spaces or hyphens; full-width characters folded to ASCII."""
    text = (number or "").translate(_FULL_WIDTH)
    return _SEPARATORS.sub("", text).upper()


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def mod11_2_check(body: str) -> str:
    """ISO 7064 MOD 11-2 check character of 17 digits (GB 11643-1999)."""
    total = sum(int(digit) * weight for digit, weight in zip(body, MOD11_WEIGHTS, strict=True))
    return MOD11_CHECK[total % 11]


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DocumentInvalid("birth_date_invalid") from exc


def _gb11643_layout(number: str) -> date:
    """Checks shared by resident IDs, HMT permits and the 2023 permanent-residence ID."""
    if len(number) == 15 and number.isdigit():
        raise DocumentInvalid("legacy_15_digit")
    if len(number) != 18:
        raise DocumentInvalid("length")
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise DocumentInvalid("format")
    if mod11_2_check(number[:17]) != number[17]:
        raise DocumentInvalid("checksum")
    return _date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_parse(number: str) -> ParsedDocument:
    """Mainland resident identity card (居民身份证), GB 11643-1999."""
    number = normalise(number)
    birth = _gb11643_layout(number)
    if number[:6] in HMT_PREFIXES or number[0] == "9":
        raise DocumentInvalid("wrong_document_type")
    if number[:2] not in PROVINCE_CODES:
        raise DocumentInvalid("region_unknown")
    return ParsedDocument(RESIDENT_ID, number, birth, number[:2])


def hmt_permit_parse(number: str) -> ParsedDocument:
    """Residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证)."""
    number = normalise(number)
    birth = _gb11643_layout(number)
    if number[:6] not in HMT_PREFIXES:
        raise DocumentInvalid("region_unknown")
    return ParsedDocument(HMT_PERMIT, number, birth, HMT_PREFIXES[number[:6]])


def foreign_permanent_parse(number: str, *, today: date) -> ParsedDocument:
    """Foreigner's permanent residence ID card (外国人永久居留身份证), 2017 or 2023 edition.

    ``today`` resolves the two-digit birth year of the 2017 edition: the latest century that
    does not put the birth date in the future.
    """
    number = normalise(number)
    if len(number) == 18:
        birth = _gb11643_layout(number)
        if number[0] != "9":
            raise DocumentInvalid("format")
        if number[1:3] not in PROVINCE_CODES:
            raise DocumentInvalid("region_unknown")
        if number[3:6] in ("000", "156"):  # no country, or China itself
            raise DocumentInvalid("nationality_unknown")
        return ParsedDocument(FOREIGN_PERMANENT, number, birth, number[3:6])
    if len(number) != 15:
        raise DocumentInvalid("length")
    letters, digits = number[:3], number[3:]
    if not (letters.isascii() and letters.isalpha() and digits.isascii() and digits.isdigit()):
        raise DocumentInvalid("format")
    if digits[:2] not in PROVINCE_CODES:
        raise DocumentInvalid("region_unknown")
    yy, month, day = int(digits[2:4]), int(digits[4:6]), int(digits[6:8])
    year = 2000 + yy
    if year > today.year:
        year -= 100
    birth = _date(year, month, day)
    if birth > today:
        birth = _date(year - 100, month, day)
    return ParsedDocument(FOREIGN_PERMANENT, number, birth, letters)


def person_document_parse(document_type: str, number: str, *, today: date) -> ParsedDocument:
    """Parse a person's document of ``document_type`` and check the birth date it carries."""
    if document_type == RESIDENT_ID:
        parsed = resident_id_parse(number)
    elif document_type == HMT_PERMIT:
        parsed = hmt_permit_parse(number)
    elif document_type == FOREIGN_PERMANENT:
        parsed = foreign_permanent_parse(number, today=today)
    else:
        raise DocumentInvalid("document_type_unknown")
    birth_date_check(parsed.birth_date, today=today)
    return parsed


def birth_date_check(birth: date | None, *, today: date) -> None:
    """A plausible birth date (1900-01-01 to today) of an adult (18 or older on ``today``)."""
    if birth is None:
        raise DocumentInvalid("birth_date_invalid")
    if birth < EARLIEST_BIRTH or birth > today:
        raise DocumentInvalid("birth_date_implausible")
    if age_on(birth, today) < ADULT_AGE:
        raise DocumentInvalid("under_age")


def age_on(birth: date, today: date) -> int:
    """Full years of age on ``today``; someone born on 29 February turns a year older on 1 March
    in common years."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def organisation_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    # Letters count A=10 ... Z=35 here (GB 11714), unlike in the USCC's own check.
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_check(body: str) -> str:
    """GB 32100-2015 check character of the first 17 characters."""
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_parse(number: str) -> ParsedDocument:
    """Unified Social Credit Code (统一社会信用代码), GB 32100-2015."""
    number = normalise(number)
    if len(number) != 18:
        raise DocumentInvalid("length")
    if any(char not in USCC_ALPHABET for char in number):
        raise DocumentInvalid("format")
    authority, kind = number[0], number[1]
    if authority not in USCC_AUTHORITIES:
        raise DocumentInvalid("authority_unknown")
    if kind not in USCC_AUTHORITIES[authority]:
        raise DocumentInvalid("kind_unknown")
    if not number[2:8].isdigit():
        raise DocumentInvalid("format")
    if number[2:4] not in PROVINCE_CODES and number[2:8] != "100000":  # 100000: national level
        raise DocumentInvalid("region_unknown")
    organisation = number[8:17]
    if organisation_code_check(organisation[:8]) != organisation[8]:
        raise DocumentInvalid("organisation_code_checksum")
    if uscc_check(number[:17]) != number[17]:
        raise DocumentInvalid("checksum")
    return ParsedDocument(USCC, number, None, number[2:4])
