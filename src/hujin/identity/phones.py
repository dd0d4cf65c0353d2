"""Mainland China mobile numbers: validated with ``phonenumbers`` and kept in E.164 form."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from hujin.core.crypto import blind_index
from hujin.identity.errors import MobileInvalid
from hujin.identity.models import MOBILE_INDEX_PURPOSE

_MAX_INPUT = 32


def mobile_normalise(raw: str) -> str:
    """The E.164 form (``+8613812345678``) of a mainland mobile number typed by a person.

    Accepts spaces, dashes and a ``+86``/``0086`` prefix. Refuses (MobileInvalid) anything
    ``phonenumbers`` does not know as a valid mobile number of region CN: landlines, numbers of
    other regions, unallocated prefixes, wrong lengths.
    """
    text = (raw or "").strip()
    if not text or len(text) > _MAX_INPUT:
        raise MobileInvalid()
    if text.startswith("0086"):
        text = "+86" + text[4:]
    try:
        number = phonenumbers.parse(text, "CN")
    except NumberParseException:
        raise MobileInvalid() from None
    if (
        phonenumbers.region_code_for_number(number) != "CN"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != PhoneNumberType.MOBILE
    ):
        raise MobileInvalid()
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def mobile_index_of(mobile_e164: str) -> str:
    """The blind index of a normalised mobile number (``User.mobile_index``)."""
    return blind_index(mobile_e164, purpose=MOBILE_INDEX_PURPOSE)


def mobile_national(mobile_e164: str) -> str:
    """``+8613812345678`` -> ``13812345678``, the form people read and masks apply to."""
    return mobile_e164.removeprefix("+86")
