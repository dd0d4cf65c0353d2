"""The suspense account: where the amount of a break nobody can place yet waits, with a note.

``2290.payments.reconciliation.suspense`` (liability), opened idempotently with an id derived
from its code as ``services.house`` derives the clearing account's, so every process opens the
same account.
"""

import uuid
from datetime import datetime

from hujin.core.actors import system_actor
from hujin.ledger.services import account_create
from hujin.payments.services.house import CURRENCY, house_account_id

ACTOR = system_actor("payments")
SUSPENSE_CODE = "2290.payments.reconciliation.suspense"


def suspense_account_open(*, now: datetime) -> uuid.UUID:
    """The suspense account's id, opened when missing."""
    account, _ = account_create(
        id=house_account_id(SUSPENSE_CODE), currency=CURRENCY, code=SUSPENSE_CODE,
        kind="liability", name="Reconciliation suspense", actor=ACTOR, now=now,
    )  # fmt: skip
    return account.id
