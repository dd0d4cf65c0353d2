"""Privacy's writes for data-subject requests (PIPL arts. 44–47): the customer's data download,
correction and deletion requests, and staff working them (docs/modules/privacy.md)."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.audit import audit_personal_data_viewed, audit_record
from hujin.core.errors import PermissionDenied
from hujin.core.events import event_emit
from hujin.core.personal_data import personal_data_parts
from hujin.privacy.errors import (
    DataRequestClosed,
    DataRequestDuplicate,
    DataRequestInvalid,
    DataRequestNotFound,
    DeletionBlocked,
)
from hujin.privacy.models import DataSubjectRequest
from hujin.privacy.permissions import HANDLE_REQUESTS
from hujin.privacy.services.consents import customer_lock

# PIPL art. 50 asks for timely handling without a number; GB/T 35273-2020 §8.7 allows 30 days.
# Hujin answers within 15 calendar days: stricter than the customary "15 working days" and
# needs no holiday calendar.
DUE_DAYS = 15
DETAILS_MAX_CHARS = 2000
RESOLUTION_MAX_CHARS = 2000

CORRECTION_FIELDS = {
    "name": _("Legal name"),
    "document": _("Identity document"),
    "mobile": _("Mobile number"),
    "email": _("E-mail address"),
    "address": _("Address"),
    "bank_card": _("Bank card"),
    "other": _("Something else"),
}

Kind = DataSubjectRequest.Kind
Status = DataSubjectRequest.Status


def _snapshot(request: DataSubjectRequest) -> dict[str, Any]:
    """What audit and events say about a request: never its free text."""
    return {
        "user_id": str(request.user_id),
        "kind": request.kind,
        "field": request.field,
        "status": request.status,
        "due_at": request.due_at.isoformat(),
    }


def _record(request: DataSubjectRequest, *, action: str, actor: Actor, now: datetime, before=None):
    audit_record(
        actor=actor,
        action=f"privacy.request_{action}",
        target_type="data_subject_request",
        target_id=str(request.id),
        occurred_at=now,
        before=before,
        after=_snapshot(request),
    )
    event_emit(
        aggregate_type="data_subject_request",
        aggregate_id=str(request.id),
        event_type=f"privacy.request_{action}",
        payload={"request_id": str(request.id), **_snapshot(request)},
        occurred_at=now,
    )


def data_request_create(
    *,
    user_id: uuid.UUID | str,
    kind: str,
    actor: Actor,
    now: datetime,
    field: str = "",
    details: str = "",
) -> DataSubjectRequest:
    """Open a correction or deletion request, due DUE_DAYS later.

    A correction names the item (CORRECTION_FIELDS) and says what is wrong; a deletion may give
    a reason. One open request per kind at a time. Raises NotACustomer, DataRequestInvalid,
    DataRequestDuplicate. Emits ``privacy.request_created``.
    """
    details = (details or "").strip()
    if kind not in (Kind.CORRECTION, Kind.DELETION):
        raise DataRequestInvalid(details={"kind": str(kind)[:16]})
    if kind == Kind.CORRECTION:
        if field not in CORRECTION_FIELDS:
            raise DataRequestInvalid(
                _("Choose which information is wrong."), details={"field": str(field)[:32]}
            )
        if not details:
            raise DataRequestInvalid(
                _("Tell us what is wrong and what it should be."), details={"details": "empty"}
            )
    else:
        field = ""
    if len(details) > DETAILS_MAX_CHARS:
        raise DataRequestInvalid(
            _("Please keep the description under %(limit)s characters.")
            % {"limit": DETAILS_MAX_CHARS},
            details={"details": "too_long"},
        )
    with transaction.atomic():
        user = customer_lock(user_id)
        if DataSubjectRequest.objects.filter(
            user=user, kind=kind, status__in=[Status.OPEN, Status.IN_PROGRESS]
        ).exists():
            raise DataRequestDuplicate(details={"kind": kind})
        request = DataSubjectRequest.objects.create(
            user=user,
            kind=kind,
            field=field,
            details=details,
            created_at=now,
            due_at=now + timedelta(days=DUE_DAYS),
        )
        _record(request, action="created", actor=actor, now=now)
    return request


def personal_data_export(*, user_id: uuid.UUID | str, actor: Actor, now: datetime) -> dict:
    """Everything Hujin holds about the customer, from every registered part, as one dict.

    Recorded as an access request completed at once (the customer's own download), with an
    audit entry naming the parts exported. Raises NotACustomer.
    """
    with transaction.atomic():
        user = customer_lock(user_id)
        parts = personal_data_parts()
        data = {
            "format": "hujin.personal-data.v1",
            "generated_at": now.isoformat(),
            "user_id": str(user.pk),
            "parts": {part.name: part.export(user.pk) for part in parts},
        }
        request = DataSubjectRequest.objects.create(
            user=user,
            kind=Kind.ACCESS,
            status=Status.COMPLETED,
            created_at=now,
            due_at=now + timedelta(days=DUE_DAYS),
            closed_at=now,
            handled_by_label="self-service",
            resolution="Downloaded by the customer.",
        )
        audit_record(
            actor=actor,
            action="privacy.data_exported",
            target_type="data_subject_request",
            target_id=str(request.id),
            occurred_at=now,
            after={"user_id": str(user.pk), "parts": [p.name for p in parts]},
        )
        event_emit(
            aggregate_type="data_subject_request",
            aggregate_id=str(request.id),
            event_type="privacy.data_exported",
            payload={"request_id": str(request.id), "user_id": str(user.pk)},
            occurred_at=now,
        )
    return data


def require_request_handler(actor: Actor) -> None:
    if actor.kind == "system" or (actor.kind == "staff" and actor.has_scope(HANDLE_REQUESTS)):
        return
    raise PermissionDenied(_("You do not have permission to work personal-data requests."))


def _lock_request(request_id: uuid.UUID | str) -> DataSubjectRequest:
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        raise DataRequestNotFound() from None
    request = DataSubjectRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise DataRequestNotFound()
    if request.status in (Status.COMPLETED, Status.REJECTED):
        raise DataRequestClosed(details={"status": request.status})
    return request


def _staff_id(actor: Actor) -> uuid.UUID | None:
    return uuid.UUID(actor.id) if actor.kind == "staff" else None


def _clean_resolution(resolution: str, *, required: bool) -> str:
    resolution = (resolution or "").strip()
    if required and not resolution:
        raise DataRequestInvalid(
            _("Write the resolution the customer will read."), details={"resolution": "empty"}
        )
    if len(resolution) > RESOLUTION_MAX_CHARS:
        raise DataRequestInvalid(details={"resolution": "too_long"})
    return resolution


def data_request_start(
    *, request_id: uuid.UUID | str, actor: Actor, now: datetime
) -> DataSubjectRequest:
    """A handler takes an open request. Raises PermissionDenied, DataRequestNotFound,
    DataRequestClosed (also when it is already in progress)."""
    require_request_handler(actor)
    with transaction.atomic():
        request = _lock_request(request_id)
        if request.status != Status.OPEN:
            raise DataRequestClosed(details={"status": request.status})
        before = _snapshot(request)
        request.status = Status.IN_PROGRESS
        request.handled_by_id = _staff_id(actor)
        request.handled_by_label = actor.label[:150]
        request.save(update_fields=["status", "handled_by", "handled_by_label"])
        _record(request, action="started", actor=actor, now=now, before=before)
    return request


def _anonymise_person(user_id: uuid.UUID, *, actor: Actor, now: datetime) -> list[str]:
    """Run every registered anonymiser, then make sure the login is dead. Returns part names."""
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    parts = personal_data_parts()
    reasons = [
        str(reason)
        for part in parts
        if part.deletion_blocker is not None and (reason := part.deletion_blocker(user_id=user_id))
    ]
    if reasons:
        raise DeletionBlocked(
            str(DeletionBlocked.message) % {"reasons": " ".join(reasons)},
            details={"reasons": reasons},
        )
    for part in parts:
        part.anonymise(user_id=user_id, actor=actor, now=now)
    # Whatever identity's anonymiser did, the person can no longer log in: an inactive user is
    # refused by the authentication backend, also for sessions that already exist.
    user.refresh_from_db()
    if user.is_active or user.has_usable_password():
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
    return [part.name for part in parts]


def data_request_complete(
    *, request_id: uuid.UUID | str, resolution: str, actor: Actor, now: datetime
) -> DataSubjectRequest:
    """Close a request as done. For a deletion, every registered anonymiser runs in this same
    transaction (financial records stay, linked to the anonymised person) and the login is
    deactivated. Raises PermissionDenied, DataRequestNotFound, DataRequestClosed,
    DataRequestInvalid, DeletionBlocked."""
    require_request_handler(actor)
    resolution = _clean_resolution(resolution, required=True)
    with transaction.atomic():
        request = _lock_request(request_id)
        before = _snapshot(request)
        anonymised: list[str] = []
        if request.kind == Kind.DELETION:
            anonymised = _anonymise_person(request.user_id, actor=actor, now=now)
        request.refresh_from_db()  # an anonymiser may have cleared this request's own text
        request.status = Status.COMPLETED
        request.resolution = resolution
        request.closed_at = now
        if request.handled_by_id is None:
            request.handled_by_id = _staff_id(actor)
            request.handled_by_label = actor.label[:150]
        request.save(
            update_fields=["status", "resolution", "closed_at", "handled_by", "handled_by_label"]
        )
        _record(request, action="completed", actor=actor, now=now, before=before)
        if anonymised:
            audit_record(
                actor=actor,
                action="privacy.personal_data_anonymised",
                target_type="user",
                target_id=str(request.user_id),
                occurred_at=now,
                after={"parts": anonymised, "request_id": str(request.id)},
            )
            event_emit(
                aggregate_type="user",
                aggregate_id=str(request.user_id),
                event_type="privacy.personal_data_anonymised",
                payload={"user_id": str(request.user_id), "request_id": str(request.id)},
                occurred_at=now,
            )
    return request


def data_request_reject(
    *, request_id: uuid.UUID | str, resolution: str, actor: Actor, now: datetime
) -> DataSubjectRequest:
    """Close a request as refused; the resolution gives the customer the reason (PIPL art. 50:
    a refusal must be explained). Raises PermissionDenied, DataRequestNotFound,
    DataRequestClosed, DataRequestInvalid."""
    require_request_handler(actor)
    resolution = _clean_resolution(resolution, required=True)
    with transaction.atomic():
        request = _lock_request(request_id)
        before = _snapshot(request)
        request.status = Status.REJECTED
        request.resolution = resolution
        request.closed_at = now
        if request.handled_by_id is None:
            request.handled_by_id = _staff_id(actor)
            request.handled_by_label = actor.label[:150]
        request.save(
            update_fields=["status", "resolution", "closed_at", "handled_by", "handled_by_label"]
        )
        _record(request, action="rejected", actor=actor, now=now, before=before)
    return request


def data_request_details_read(*, request_id: uuid.UUID | str, actor: Actor, now: datetime) -> None:
    """Record that a handler read a request's free text (it may carry personal data).
    Raises PermissionDenied."""
    require_request_handler(actor)
    with transaction.atomic():
        audit_personal_data_viewed(
            actor=actor,
            target_type="data_subject_request",
            target_id=str(request_id),
            fields=["details"],
            occurred_at=now,
        )
