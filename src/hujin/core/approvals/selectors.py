"""Reads of approval requests: one by id, what an actor may decide, the inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from hujin.core.actors import Actor
from hujin.core.approvals import registry
from hujin.core.approvals.errors import ApprovalNotFound
from hujin.core.errors import PermissionDenied
from hujin.core.models import ApprovalRequest, ApprovalStatus

VIEW_APPROVALS = "core.view_approvals"


def _is_maker(request: ApprovalRequest, actor: Actor) -> bool:
    return (request.maker_kind, request.maker_id) == (actor.kind, str(actor.id))


def approval_get(*, id) -> ApprovalRequest:
    """One request by id. Raises ApprovalNotFound (also for a malformed id)."""
    try:
        return ApprovalRequest.objects.get(id=id)
    except (ApprovalRequest.DoesNotExist, ValidationError, ValueError, TypeError):
        raise ApprovalNotFound(details={"id": str(id)}) from None


def approval_may_decide(request: ApprovalRequest, *, actor: Actor) -> bool:
    """Whether ``actor`` could approve or reject ``request`` now."""
    registered = registry._actions.get(request.action)
    return (
        request.status == ApprovalStatus.PENDING
        and registered is not None
        and not _is_maker(request, actor)
        and actor.has_scope(registered.permission)
    )


def _decidable(actor: Actor, action: str | None):
    """The pending requests ``actor`` may decide (holds the permission, is not the maker), as a
    query; None when they may decide none."""
    decidable = [a.action for a in registry._actions.values() if actor.has_scope(a.permission)]
    if action is not None:
        decidable = [a for a in decidable if a == action]
    if not decidable:
        return None
    return ApprovalRequest.objects.filter(
        status=ApprovalStatus.PENDING, action__in=decidable
    ).exclude(maker_kind=actor.kind, maker_id=str(actor.id))


def approvals_pending(*, actor: Actor, action: str | None = None) -> list[ApprovalRequest]:
    """Pending requests ``actor`` may decide (holds the permission, is not the maker), oldest
    first."""
    queryset = _decidable(actor, action)
    return [] if queryset is None else list(queryset.order_by("requested_at", "id"))


def approvals_pending_count(*, actor: Actor) -> int:
    """How many requests wait for ``actor``'s decision (one COUNT: the console's menu)."""
    queryset = _decidable(actor, None)
    return 0 if queryset is None else queryset.count()


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
    registered = registry._actions.get(request.action)
    if registered is None or registered.describe is None:
        return ""
    return str(registered.describe(request))


def approval_label(action: str) -> str:
    registered = registry._actions.get(action)
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
