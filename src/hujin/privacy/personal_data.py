"""Privacy's own part of a person's data (consents and data-subject requests), registered with
the personal-data registry from PrivacyConfig.ready like every other module's part."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.privacy.models import ConsentRecord, DataSubjectRequest


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


RETENTION = (
    "Consent records and request history are kept without IP addresses or free text, as proof "
    "of lawful processing (PIPL art. 54 compliance audits)."
)
