"""Masked forms of personal data, the same on pages, in the API, in exports and in logs.

Each function takes the plaintext and returns what a role without the full-view permission sees:
``张*``, ``138****5678``, ``110105********002X`` (see JR/T 0171-2020 on display masking).
Masking keeps the length of what it hides where the length itself is public (document numbers,
mobiles) and always hides what singles a person out: a document's birth date and sequence, a
card's account digits, a mobile's middle four digits.
"""

from __future__ import annotations

MASK = "*"


def mask_name(name: str) -> str:
    """First character kept: ``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧***``."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + MASK * max(1, len(name) - 1)


def mask_mobile(mobile: str) -> str:
    """Mainland mobile: first 3 and last 4 digits kept: ``13812345678`` -> ``138****5678``.

    A ``+86`` prefix is dropped first; other lengths keep at most the first 3 and last 2.
    """
    digits = mobile.strip().removeprefix("+86").replace(" ", "")
    if len(digits) == 11:
        return digits[:3] + MASK * 4 + digits[-4:]
    if len(digits) <= 4:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 5) + digits[-2:]


def mask_document(number: str) -> str:
    """Identity documents: region (first 6) and last 4 kept: ``110105********002X``.

    Shorter numbers (passports, permits of 9 characters) keep the first and last 2.
    """
    number = number.strip().upper()
    if len(number) >= 15:
        return number[:6] + MASK * (len(number) - 10) + number[-4:]
    if len(number) <= 4:
        return MASK * len(number)
    return number[:2] + MASK * (len(number) - 4) + number[-2:]


def mask_bank_card(number: str) -> str:
    """Bank cards: issuer (first 6) and last 4 kept: ``622202*********0123``."""
    digits = number.replace(" ", "").strip()
    if len(digits) <= 10:
        return MASK * max(0, len(digits) - 4) + digits[-4:]
    return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]


def mask_email(email: str) -> str:
    """First character of the local part kept: ``z*******@example.com``."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return mask_name(email)
    return (local[:1] + MASK * max(1, len(local) - 1)) + "@" + domain


def mask_address(address: str) -> str:
    """First 6 characters kept (province and city), the rest masked: ``北京市朝阳区****``."""
    address = address.strip()
    keep = min(6, len(address) // 2)
    return address[:keep] + MASK * 4 if address else ""


MASKERS = {
    "name": mask_name,
    "mobile": mask_mobile,
    "document": mask_document,
    "bank_card": mask_bank_card,
    "email": mask_email,
    "address": mask_address,
}


def mask(kind: str, value: str | None) -> str:
    """Mask ``value`` as personal data of ``kind`` (one of ``MASKERS``)."""
    if not value:
        return ""
    return MASKERS[kind](value)
