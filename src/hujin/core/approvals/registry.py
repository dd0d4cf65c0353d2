"""The actions under maker-checker: registered by their modules, usually in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from hujin.core.approvals.errors import ApprovalActionUnknown
from hujin.core.models import ApprovalRequest

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
