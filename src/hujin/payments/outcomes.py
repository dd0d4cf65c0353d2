"""What became of the movements payments screened, for the lower modules that ask through
``hujin.core.screening.movement_outcomes`` (risk's large-value and suspicious-transaction
reports): a payment's state in the core's four words.

- ``succeeded`` -> ``done`` (the money moved);
- ``review`` -> ``held`` (a reviewer may still release or reject it);
- ``created``, ``pending``, ``unknown`` -> ``pending`` (on its way, or its answer awaited);
- ``failed`` -> ``failed`` (the channel failed it, a close-of-business step gave it up, or it
  was rejected in review) — whether or not the outbox has told the other modules yet.
"""

import uuid

from hujin.core.screening import (
    MOVEMENT_DONE,
    MOVEMENT_FAILED,
    MOVEMENT_HELD,
    MOVEMENT_PENDING,
)
from hujin.payments.models import Payment
from hujin.payments.types import PAYMENT_FAILED, PAYMENT_REVIEW, PAYMENT_SUCCEEDED

_WORDS = {PAYMENT_SUCCEEDED: MOVEMENT_DONE, PAYMENT_REVIEW: MOVEMENT_HELD,
          PAYMENT_FAILED: MOVEMENT_FAILED}  # fmt: skip
_CHUNK = 1000


def payments_outcomes(references: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """``{payment id: outcome}`` of the payments among ``references`` (the others left out)."""
    out: dict[uuid.UUID, str] = {}
    for start in range(0, len(references), _CHUNK):
        rows = Payment.objects.filter(id__in=references[start : start + _CHUNK])
        for payment_id, status in rows.values_list("id", "status"):
            out[payment_id] = _WORDS.get(status, MOVEMENT_PENDING)
    return out
