"""The personal-data parts privacy registers itself: its own records, and those of the modules
below it (identity, suitability) that cannot import privacy. Registered from PrivacyConfig.ready.
"""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.privacy.models import ConsentRecord, DataSubjectRequest
from hujin.privacy.registry import register_personal_data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def privacy_export(user_id: uuid.UUID) -> dict:
    consents = ConsentRecord.objects.select_related("document").filter(user_id=user_id)
    requests = DataSubjectRequest.objects.filter(user_id=user_id).order_by("created_at", "id")
    return {
        "consents": [
            {
                "document": c.document.kind,
                "version": c.document.version,
                "accepted_at": _iso(c.accepted_at),
                "channel": c.channel,
                "ip": c.ip,
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents.order_by("accepted_at", "id")
        ],
        "requests": [
            {
                "id": str(r.id),
                "kind": r.kind,
                "field": r.field,
                "details": r.details,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "due_at": _iso(r.due_at),
                "closed_at": _iso(r.closed_at),
                "resolution": r.resolution,
            }
            for r in requests
        ],
    }


def privacy_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Consent records stay as proof of what was agreed and when; their IP addresses go.
    Requests stay as proof they were answered; their free text goes."""
    ConsentRecord.objects.filter(user_id=user_id).exclude(ip=None).update(ip=None)
    DataSubjectRequest.objects.filter(user_id=user_id).update(details="", resolution="")


def suitability_export(user_id: uuid.UUID) -> dict:
    from hujin.suitability.selectors import assessment_export

    return assessment_export(user_id=user_id)


def suitability_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Nothing to change: assessments hold no identifier but the link to the person, who is
    anonymised by identity, and suitability records must be kept (docs/modules/privacy.md)."""


def register_default_parts() -> None:
    from hujin.privacy.identity_part import identity_anonymise, identity_export

    register_personal_data(
        "identity",
        export=identity_export,
        anonymise=identity_anonymise,
        retention="The account row stays as an anonymised tombstone that financial records "
        "point to.",
    )
    register_personal_data(
        "suitability",
        export=suitability_export,
        anonymise=suitability_anonymise,
        retention="Risk assessments are suitability records, kept for at least 20 years "
        "(《证券期货投资者适当性管理办法》), linked only to the anonymised person.",
    )
    register_personal_data(
        "privacy",
        export=privacy_export,
        anonymise=privacy_anonymise,
        retention="Consent records and request history are kept without IP addresses or free "
        "text, as proof of lawful processing (PIPL art. 54 compliance audits).",
    )
