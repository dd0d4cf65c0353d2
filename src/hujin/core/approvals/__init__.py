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

The package: ``errors`` (each with a stable code), ``registry`` (the registered actions),
``services`` (request, decide, cancel) and ``selectors`` (the inbox and its reads); every name is
re-exported here, so callers import from ``hujin.core.approvals``.
"""

from hujin.core.approvals.errors import (
    ApprovalActionUnknown,
    ApprovalAlreadyPending,
    ApprovalInputInvalid,
    ApprovalNotFound,
    ApprovalNotPending,
    ApprovalReasonRequired,
    CheckerPermissionMissing,
    MakerCannotCheck,
    OnlyMakerCanCancel,
)
from hujin.core.approvals.registry import (
    ApprovalAction,
    Execute,
    approval_action,
    approval_actions,
    register_approval_action,
)
from hujin.core.approvals.selectors import (
    VIEW_APPROVALS,
    ApprovalInbox,
    approval_describe,
    approval_get,
    approval_inbox,
    approval_label,
    approval_may_decide,
    approvals_decided,
    approvals_pending,
    approvals_pending_count,
    approvals_requested_by,
)
from hujin.core.approvals.services import (
    PAYLOAD_MAX_BYTES,
    REASON_MAX_LENGTH,
    TARGET_TYPE,
    approval_cancel,
    approval_decide,
    approval_request,
)
from hujin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "PAYLOAD_MAX_BYTES",
    "REASON_MAX_LENGTH",
    "TARGET_TYPE",
    "VIEW_APPROVALS",
    "ApprovalAction",
    "ApprovalActionUnknown",
    "ApprovalAlreadyPending",
    "ApprovalInbox",
    "ApprovalInputInvalid",
    "ApprovalNotFound",
    "ApprovalNotPending",
    "ApprovalReasonRequired",
    "CheckerPermissionMissing",
    "Conflict",
    "Execute",
    "InvalidInput",
    "MakerCannotCheck",
    "NotFound",
    "OnlyMakerCanCancel",
    "PermissionDenied",
    "approval_action",
    "approval_actions",
    "approval_cancel",
    "approval_decide",
    "approval_describe",
    "approval_get",
    "approval_inbox",
    "approval_label",
    "approval_may_decide",
    "approval_request",
    "approvals_decided",
    "approvals_pending",
    "approvals_pending_count",
    "approvals_requested_by",
    "register_approval_action",
]
