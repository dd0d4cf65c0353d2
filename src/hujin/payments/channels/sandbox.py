"""The SANDBOX channel: a stand-in bank gateway for development, tests and the demo.

It sends no text message. Identity's public SMS function texts a customer's login number only,
not a card's reserved mobile, so the sandbox keeps each code in its own table
(``payments.SandboxCode``) and staff read it on the console's development page
(/payments/dev/codes/), as they read the development SMS outbox. Refused in production.

Knobs (``settings.HUJIN_PAYMENTS_SANDBOX``, a dict):

- ``verify_decline_share`` (0 to 1, default 0): the share of verifications the "bank" declines.
- ``code``: a fixed code instead of a random one (tests and the demo).
"""

import random
import secrets
from datetime import datetime

from django.conf import settings

from hujin.core.masking import mask_mobile
from hujin.payments.errors import CardVerificationDeclined
from hujin.payments.models import SandboxCode

CODE_DIGITS = 6
_random = random.Random()


def _knobs() -> dict:
    return dict(getattr(settings, "HUJIN_PAYMENTS_SANDBOX", None) or {})


class SandboxChannel:
    name = "sandbox"
    development_only = True

    def card_verify_begin(
        self,
        *,
        card_number: str,
        holder_name: str,
        reserved_mobile: str,
        id_number: str | None = None,
        now: datetime,
    ) -> str:
        knobs = _knobs()
        share = float(knobs.get("verify_decline_share", 0) or 0)
        if share and _random.random() < share:
            raise CardVerificationDeclined()
        code = str(knobs.get("code") or "").strip() or "".join(
            secrets.choice("0123456789") for _ in range(CODE_DIGITS)
        )
        reference = f"sbx-{secrets.token_hex(12)}"
        SandboxCode.objects.create(
            reference=reference,
            code=code,
            last4=card_number[-4:],
            mobile_masked=mask_mobile(reserved_mobile),
            created_at=now,
        )
        return reference

    def card_verify_confirm(self, *, reference: str, code: str, now: datetime) -> bool:
        row = SandboxCode.objects.filter(reference=reference).first()
        if row is None or not secrets.compare_digest(row.code, (code or "").strip()):
            return False
        SandboxCode.objects.filter(reference=reference).update(confirmed_at=now)
        return True


def sandbox_codes_recent(*, limit: int = 50) -> list[SandboxCode]:
    return list(SandboxCode.objects.all()[:limit])
