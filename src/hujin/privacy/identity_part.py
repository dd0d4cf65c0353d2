"""Identity's personal data, registered by privacy (identity sits below privacy and cannot).

Identity owns the export and the anonymisation of its user row
(``hujin.identity.personal_data``); these wrappers adapt them to the registry's calling convention.
"""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.identity.personal_data import user_anonymise, user_personal_data


def identity_export(user_id: uuid.UUID) -> dict:
    return user_personal_data(user_id=user_id)


def identity_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    user_anonymise(actor=actor, user_id=user_id, now=now)
