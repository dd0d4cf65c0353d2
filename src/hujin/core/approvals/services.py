"""Asking for an action, and deciding or cancelling the request: each one transaction with its
audit entry and event."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.approvals.errors import (
    ApprovalAlreadyPending,
    ApprovalInputInvalid,
    ApprovalNotFound,
    ApprovalNotPending,
    ApprovalReasonRequired,
    CheckerPermissionMissing,
    MakerCannotCheck,
    OnlyMakerCanCancel,
)
from hujin.core.approvals.registry import approval_action
from hujin.core.approvals.selectors import _is_maker
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.core.models import ApprovalRequest, ApprovalStatus

REASON_MAX_LENGTH = 1000
PAYLOAD_MAX_BYTES = 8192
TARGET_TYPE = "core.approval_request"


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalReasonRequired(details={"field": "reason"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ApprovalInputInvalid(
            _("The reason is too long (at most %(max)d characters).") % {"max": REASON_MAX_LENGTH},
            details={"field": "reason", "max_length": REASON_MAX_LENGTH},
        )
    return reason


def _payload(payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApprovalInputInvalid(details={"field": "payload"})
    try:
        text = json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError):
        raise ApprovalInputInvalid(
            _("The payload must be plain JSON data."), details={"field": "payload"}
        ) from None
    if len(text.encode()) > PAYLOAD_MAX_BYTES:
        raise ApprovalInputInvalid(details={"field": "payload", "max_bytes": PAYLOAD_MAX_BYTES})
    return json.loads(text)


def _summary(request: ApprovalRequest) -> dict[str, Any]:
    """What the audit trail and the events say about any request: references only. The audit
    entries add the payload (never personal data) and whether a reason was given
    (``_reason_given``); the reasons' text stays on the request."""
    return {
        "action": request.action,
        "target_type": request.target_type,
        "target_id": request.target_id,
        "status": request.status,
    }


def _reason_given(reason: str) -> dict[str, Any]:
    """What the append-only trail keeps of a reason: that there was one and how long it was (the
    text may name a person, so it stays on the request row, where it can be erased)."""
    return {"reason_given": bool(reason), "reason_length": len(reason)}


def _record(request: ApprovalRequest, *, actor: Actor, event: str, now: datetime, before=None):
    after = _summary(request)
    if event == "approval.requested":
        after |= {"payload": request.payload, **_reason_given(request.maker_reason)}
    elif event in ("approval.approved", "approval.rejected"):
        after |= _reason_given(request.checker_reason)
    audit_record(
        actor=actor,
        action=event,
        target_type=TARGET_TYPE,
        target_id=str(request.id),
        occurred_at=now,
        before=before,
        after=after,
    )
    event_emit(
        aggregate_type=TARGET_TYPE,
        aggregate_id=str(request.id),
        event_type=event,
        payload={"approval_id": str(request.id), **_summary(request)},
        occurred_at=now,
    )


def approval_request(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    payload: dict[str, Any],
    reason: str,
    now: datetime,
) -> ApprovalRequest:
    """Ask for ``action`` on one object; it runs once someone else approves.

    Raises ApprovalActionUnknown, ApprovalReasonRequired, ApprovalInputInvalid (InvalidInput)
    and ApprovalAlreadyPending (Conflict).
    """
    approval_action(action)
    reason = _reason(reason)
    payload = _payload(payload)
    target_type, target_id = str(target_type), str(target_id)
    if not target_type or not target_id or len(target_type) > 64 or len(target_id) > 64:
        raise ApprovalInputInvalid(details={"field": "target"})
    request = ApprovalRequest(
        id=new_id(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        payload=payload,
        status=ApprovalStatus.PENDING,
        maker_kind=actor.kind,
        maker_id=str(actor.id)[:64],
        maker_label=actor.label[:150],
        maker_reason=reason,
        requested_at=now,
    )
    try:
        with transaction.atomic():
            request.save(force_insert=True)
            _record(request, actor=actor, event="approval.requested", now=now)
    except IntegrityError:
        raise ApprovalAlreadyPending(
            details={"action": action, "target_type": target_type, "target_id": target_id}
        ) from None
    return request


def _locked(request_id) -> ApprovalRequest:
    try:
        return ApprovalRequest.objects.select_for_update().get(id=request_id)
    except (ApprovalRequest.DoesNotExist, ValidationError, ValueError, TypeError):
        raise ApprovalNotFound(details={"id": str(request_id)}) from None


def approval_decide(
    *,
    actor: Actor,
    request_id,
    approve: bool,
    reason: str,
    now: datetime,
) -> ApprovalRequest:
    """Approve (and run the action) or reject a pending request.

    Raises ApprovalNotFound, MakerCannotCheck / CheckerPermissionMissing (PermissionDenied),
    ApprovalReasonRequired, ApprovalNotPending (Conflict), ApprovalActionUnknown when the action
    is no longer registered, and whatever ``execute`` raises (then nothing changes).
    """
    reason = _reason(reason)
    with transaction.atomic():
        request = _locked(request_id)
        if _is_maker(request, actor):
            raise MakerCannotCheck(details={"id": str(request.id)})
        registered = approval_action(request.action)
        if not actor.has_scope(registered.permission):
            raise CheckerPermissionMissing(details={"required_permission": registered.permission})
        if request.status != ApprovalStatus.PENDING:
            raise ApprovalNotPending(details={"id": str(request.id), "status": request.status})
        before = _summary(request)
        request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        request.checker_kind = actor.kind
        request.checker_id = str(actor.id)[:64]
        request.checker_label = actor.label[:150]
        request.checker_reason = reason
        request.decided_at = now
        if approve:
            registered.execute(request=request, actor=actor, now=now)
        request.save(
            update_fields=[
                "status",
                "checker_kind",
                "checker_id",
                "checker_label",
                "checker_reason",
                "decided_at",
            ]
        )
        event = "approval.approved" if approve else "approval.rejected"
        _record(request, actor=actor, event=event, now=now, before=before)
    return request


def approval_cancel(*, actor: Actor, request_id, now: datetime) -> ApprovalRequest:
    """The maker withdraws a pending request.

    Raises ApprovalNotFound, OnlyMakerCanCancel (PermissionDenied), ApprovalNotPending (Conflict).
    """
    with transaction.atomic():
        request = _locked(request_id)
        if not _is_maker(request, actor):
            raise OnlyMakerCanCancel(details={"id": str(request.id)})
        if request.status != ApprovalStatus.PENDING:
            raise ApprovalNotPending(details={"id": str(request.id), "status": request.status})
        before = _summary(request)
        request.status = ApprovalStatus.CANCELLED
        request.decided_at = now
        request.save(update_fields=["status", "decided_at"])
        _record(request, actor=actor, event="approval.cancelled", now=now, before=before)
    return request
