"""Suitability's part of a person's data: their risk assessments, exported for their data
download. Registered with the personal-data registry (``hujin.core.personal_data``) from
SuitabilityConfig.ready."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.suitability.selectors import assessment_export

RETENTION = (
    "Risk assessments are suitability records, kept for at least 20 years "
    "(《证券期货投资者适当性管理办法》), linked only to the anonymised person."
)


def suitability_export(user_id: uuid.UUID) -> dict:
    return assessment_export(user_id=user_id)


def suitability_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Nothing to change: assessments hold no identifier but the link to the person, who is
    anonymised by identity, and suitability records must be kept (docs/modules/privacy.md)."""
