"""Maker-checker: a sensitive action asked for by one person runs only once another approves it.

A module registers each action it wants guarded, usually in its AppConfig.ready()::

    register_approval_action(
        "customers.freeze",
        permission="customers.approve_freeze",   # what the checker must hold
        execute=customer_freeze_execute,         # runs inside approval_decide's transaction
        describe=lambda request: ...,            # short text for the inbox, no personal data
        label=_("Freeze a customer"),
    )

and asks for it with ``approval_request``; a checker holding the permission decides with
``approval_decide``. Rules:

- the maker never decides their own request (``maker_cannot_check``), not even with the
  permission; the database refuses it too;
- one pending request per (action, target);
- approving runs ``execute`` in the same transaction: if it raises, nothing is approved and
  nothing changes;
- the maker's right to *ask* is the calling module's business: check it before calling
  ``approval_request``;
- ``payload`` holds what ``execute`` needs (ids, codes, amounts) and never personal data: it is
  shown in the inbox and recorded in the audit trail;
- the maker's and the checker's reasons are free text that may name a person: they stay on the
  request (shown in the inbox, erasable) and the append-only audit trail records only that a
  reason was given and its length.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.core.models import ApprovalRequest, ApprovalStatus

VIEW_APPROVALS = "core.view_approvals"
REASON_MAX_LENGTH = 1000
PAYLOAD_MAX_BYTES = 8192
TARGET_TYPE = "core.approval_request"


# --- errors -------------------------------------------------------------------------------------


class ApprovalActionUnknown(InvalidInput):
    code = "approval_action_unknown"
    message = _("This action does not go through approval.")


class ApprovalReasonRequired(InvalidInput):
    code = "approval_reason_required"
    message = _("Give a reason.")


class ApprovalInputInvalid(InvalidInput):
    code = "approval_input_invalid"
    message = _("The approval request is not valid.")


class ApprovalAlreadyPending(Conflict):
    code = "approval_already_pending"
    message = _("A request for this action on this object is already waiting for approval.")


class ApprovalNotPending(Conflict):
    code = "approval_not_pending"
    message = _("This request has already been decided or cancelled.")


class ApprovalNotFound(NotFound):
    code = "approval_not_found"
    message = _("No such approval request.")


class MakerCannotCheck(PermissionDenied):
    code = "maker_cannot_check"
    message = _("You asked for this action: another person must approve or reject it.")


class CheckerPermissionMissing(PermissionDenied):
    code = "approval_permission_missing"
    message = _("You may not decide requests of this kind.")


class OnlyMakerCanCancel(PermissionDenied):
    code = "approval_only_maker_can_cancel"
    message = _("Only the person who asked can cancel this request.")


# --- registry -----------------------------------------------------------------------------------

Execute = Callable[..., None]  # execute(*, request, actor, now) -> None


@dataclass(frozen=True, slots=True)
class ApprovalAction:
    action: str
    permission: str
    execute: Execute
    describe: Callable[[ApprovalRequest], str] | None
    label: Any  # a (lazily) translated string


_actions: dict[str, ApprovalAction] = {}


def register_approval_action(
    action: str,
    *,
    permission: str,
    execute: Execute,
    describe: Callable[[ApprovalRequest], str] | None = None,
    label: Any = None,
) -> ApprovalAction:
    """Put ``action`` under maker-checker. Registering the same action again with the same
    ``execute`` is a no-op (ready() may run twice in tests); with another one it is an error."""
    if not action or len(action) > 64:
        raise ImproperlyConfigured(f"approval action name {action!r} must be 1-64 characters")
    registered = ApprovalAction(
        action=action,
        permission=permission,
        execute=execute,
        describe=describe,
        label=label if label is not None else action,
    )
    existing = _actions.get(action)
    if existing is not None and existing.execute != execute:
        raise ImproperlyConfigured(f"approval action {action!r} is already registered")
    _actions[action] = registered
    return registered


def approval_actions() -> dict[str, ApprovalAction]:
    return dict(_actions)


def approval_action(action: str) -> ApprovalAction:
    try:
        return _actions[action]
    except KeyError:
        raise ApprovalActionUnknown(details={"action": action}) from None


# --- services -----------------------------------------------------------------------------------


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


def _is_maker(request: ApprovalRequest, actor: Actor) -> bool:
    return (request.maker_kind, request.maker_id) == (actor.kind, str(actor.id))


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


# --- selectors ----------------------------------------------------------------------------------


def approval_get(*, id) -> ApprovalRequest:
    """One request by id. Raises ApprovalNotFound (also for a malformed id)."""
    try:
        return ApprovalRequest.objects.get(id=id)
    except (ApprovalRequest.DoesNotExist, ValidationError, ValueError, TypeError):
        raise ApprovalNotFound(details={"id": str(id)}) from None


def approval_may_decide(request: ApprovalRequest, *, actor: Actor) -> bool:
    """Whether ``actor`` could approve or reject ``request`` now."""
    registered = _actions.get(request.action)
    return (
        request.status == ApprovalStatus.PENDING
        and registered is not None
        and not _is_maker(request, actor)
        and actor.has_scope(registered.permission)
    )


def approvals_pending(*, actor: Actor, action: str | None = None) -> list[ApprovalRequest]:
    """Pending requests ``actor`` may decide (holds the permission, is not the maker), oldest
    first."""
    decidable = [a.action for a in _actions.values() if actor.has_scope(a.permission)]
    if action is not None:
        decidable = [a for a in decidable if a == action]
    if not decidable:
        return []
    queryset = (
        ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING, action__in=decidable)
        .exclude(maker_kind=actor.kind, maker_id=str(actor.id))
        .order_by("requested_at", "id")
    )
    return list(queryset)


def approvals_requested_by(
    *, actor: Actor, status: str | None = ApprovalStatus.PENDING, action: str | None = None
) -> list[ApprovalRequest]:
    """The requests ``actor`` made (pending ones by default), newest first."""
    queryset = ApprovalRequest.objects.filter(maker_kind=actor.kind, maker_id=str(actor.id))
    if status:
        queryset = queryset.filter(status=status)
    if action:
        queryset = queryset.filter(action=action)
    return list(queryset.order_by("-requested_at", "-id")[:200])


def approvals_decided(
    *, actor: Actor, action: str | None = None, limit: int = 50
) -> list[ApprovalRequest]:
    """Recently decided or cancelled requests, newest first; needs ``core.view_approvals``."""
    if not actor.has_scope(VIEW_APPROVALS):
        raise PermissionDenied(details={"required_permission": VIEW_APPROVALS})
    queryset = ApprovalRequest.objects.exclude(status=ApprovalStatus.PENDING)
    if action:
        queryset = queryset.filter(action=action)
    return list(queryset.order_by("-decided_at", "-id")[:limit])


def approval_describe(request: ApprovalRequest) -> str:
    """The registered describe() text, or "" when the action has none."""
    registered = _actions.get(request.action)
    if registered is None or registered.describe is None:
        return ""
    return str(registered.describe(request))


def approval_label(action: str) -> str:
    registered = _actions.get(action)
    return str(registered.label) if registered is not None else action


@dataclass(frozen=True, slots=True)
class ApprovalInbox:
    waiting: list[ApprovalRequest]  # pending, and this actor may decide them
    mine: list[ApprovalRequest]  # pending, asked for by this actor
    decided: list[ApprovalRequest]  # recently decided or cancelled


def approval_inbox(*, actor: Actor, action: str | None = None, decided_limit: int = 20):
    """Everything the inbox page shows, for ``actor``. Needs ``core.view_approvals``."""
    return ApprovalInbox(
        waiting=approvals_pending(actor=actor, action=action),
        mine=approvals_requested_by(actor=actor, action=action),
        decided=approvals_decided(actor=actor, action=action, limit=decided_limit),
    )
