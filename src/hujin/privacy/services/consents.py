"""Privacy's writes: consents and their withdrawal (docs/modules/privacy.md)."""

import ipaddress
import uuid
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.personal_data import withdrawal_guards
from hujin.privacy.errors import (
    ConsentChannelInvalid,
    ConsentDocumentNotFound,
    ConsentDocumentOutdated,
    ConsentNotGiven,
    ConsentNotWithdrawable,
    NotACustomer,
)
from hujin.privacy.models import ConsentDocument, ConsentRecord


def customer_lock(user_id: uuid.UUID | str):
    """Lock and return the customer (serialises their consent and request writes).
    Raises NotACustomer. Must run inside the caller's transaction."""
    try:
        user_id = uuid.UUID(str(user_id))
    except ValueError:
        raise NotACustomer() from None
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None or getattr(user, "kind", None) != "customer":
        raise NotACustomer()
    return user


def current_document(kind: str) -> ConsentDocument | None:
    """The current version of a kind: the highest version published."""
    return ConsentDocument.objects.filter(kind=kind).order_by("-version").first()


def _clean_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None  # a garbled X-Forwarded-For is no reason to refuse a consent


def consent_accept(
    *,
    user_id: uuid.UUID | str,
    document_id: uuid.UUID | str,
    channel: str,
    ip: str | None,
    actor: Actor,
    now: datetime,
) -> ConsentRecord:
    """Record that the customer accepted this document version (the current one of its kind).

    Accepting a version already accepted and not withdrawn returns the standing record and
    changes nothing. Raises NotACustomer, ConsentDocumentNotFound, ConsentDocumentOutdated,
    ConsentChannelInvalid. Emits ``privacy.consent_given``.
    """
    if channel not in ConsentRecord.Channel.values:
        raise ConsentChannelInvalid(details={"channel": str(channel)[:16]})
    try:
        document_id = uuid.UUID(str(document_id))
    except ValueError:
        raise ConsentDocumentNotFound() from None
    with transaction.atomic():
        user = customer_lock(user_id)
        document = ConsentDocument.objects.filter(pk=document_id).first()
        if document is None:
            raise ConsentDocumentNotFound()
        latest = current_document(document.kind)
        if latest.pk != document.pk:
            raise ConsentDocumentOutdated(
                details={"kind": document.kind, "current_version": latest.version}
            )
        standing = ConsentRecord.objects.filter(
            user=user, document=document, withdrawn_at__isnull=True
        ).first()
        if standing is not None:
            return standing
        record = ConsentRecord.objects.create(
            user=user, document=document, accepted_at=now, channel=channel, ip=_clean_ip(ip)
        )
        summary = {"user_id": str(user.pk), "kind": document.kind, "version": document.version}
        audit_record(
            actor=actor,
            action="privacy.consent_given",
            target_type="consent",
            target_id=str(record.id),
            occurred_at=now,
            after={**summary, "channel": channel},
        )
        event_emit(
            aggregate_type="consent",
            aggregate_id=str(user.pk),
            event_type="privacy.consent_given",
            payload=summary,
            occurred_at=now,
        )
    return record


def consent_withdraw(
    *, user_id: uuid.UUID | str, kind: str, actor: Actor, now: datetime
) -> list[ConsentRecord]:
    """Withdraw the customer's standing consent(s) to documents of ``kind``.

    Refused when the current version is not withdrawable or a registered guard objects (the
    service agreement while the customer holds accounts). Raises NotACustomer, ConsentNotGiven,
    ConsentNotWithdrawable. Emits ``privacy.consent_withdrawn``.
    """
    with transaction.atomic():
        user = customer_lock(user_id)
        standing = list(
            ConsentRecord.objects.select_related("document")
            .filter(user=user, document__kind=kind, withdrawn_at__isnull=True)
            .order_by("document__version")
        )
        if not standing:
            raise ConsentNotGiven(details={"kind": str(kind)[:32]})
        latest = current_document(kind)
        if not latest.withdrawable:
            raise ConsentNotWithdrawable(details={"kind": kind})
        reasons = [r for r in (guard(user_id=user.pk) for guard in withdrawal_guards(kind)) if r]
        if reasons:
            raise ConsentNotWithdrawable(" ".join(str(r) for r in reasons), details={"kind": kind})
        for record in standing:
            record.withdrawn_at = now
            record.save(update_fields=["withdrawn_at"])
        versions = [record.document.version for record in standing]
        summary = {"user_id": str(user.pk), "kind": kind, "version": max(versions)}
        audit_record(
            actor=actor,
            action="privacy.consent_withdrawn",
            target_type="consent",
            target_id=str(standing[-1].id),
            occurred_at=now,
            before={"kind": kind, "versions": versions, "withdrawn": False},
            after={"kind": kind, "versions": versions, "withdrawn": True},
        )
        event_emit(
            aggregate_type="consent",
            aggregate_id=str(user.pk),
            event_type="privacy.consent_withdrawn",
            payload=summary,
            occurred_at=now,
        )
    return standing
