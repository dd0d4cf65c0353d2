"""What the compliance console calls the codes the audit trail and approvals record: who acted
(kind and name), what they did (an action's label where a module named it) and what it was about
(``hujin.core.links``: the object by name, linked where the reader may open it).

An action nobody named shows as its code; an object no module names shows as its type and id.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core import approvals
from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import (
    TargetLink,
    audit_action_label,
    audit_action_label_register,
    target_type_register,
)
from hujin.core.models import ApprovalRequest

ACTOR_KIND_LABELS = {
    "staff": _("Staff member"),
    "customer": _("Customer"),
    "system": _("System"),
    "api_key": _("API key"),
}

# The actions core records itself, named here (registered in ``register_target_types``); other
# modules register theirs with hujin.core.links, and a maker-checker action without one is named
# by its approval registration (``register_approval_action(label=...)``).
CORE_ACTION_LABELS = {
    "approval.requested": pgettext_lazy("audit action", "Approval requested"),
    "approval.approved": pgettext_lazy("audit action", "Request approved"),
    "approval.rejected": pgettext_lazy("audit action", "Request rejected"),
    "approval.cancelled": pgettext_lazy("audit action", "Request cancelled"),
    "personal_data.viewed": pgettext_lazy("audit action", "Personal data shown in full"),
    "events.delivery_retried": pgettext_lazy("audit action", "Event delivery retried"),
    "events.delivery_discarded": pgettext_lazy("audit action", "Event delivery discarded"),
    "events.subscriber_deliveries_discarded": pgettext_lazy(
        "audit action", "A subscriber's deliveries discarded"
    ),
    "keys.rotated": pgettext_lazy("audit action", "Encryption key rotated"),
    "business_date.set": pgettext_lazy("audit action", "Business date set"),
    "business_date.initialise": pgettext_lazy("audit action", "Business date initialised"),
    "cob.run_started": pgettext_lazy("audit action", "Close of business started"),
}

APPROVAL_TARGET = "core.approval_request"


def actor_kind_label(kind: str):
    return ACTOR_KIND_LABELS.get(kind, kind)


def action_label(action: str):
    """The action's label, or None when no one named it (the page shows the code)."""
    label = audit_action_label(action)
    if label is not None:
        return label
    registered = approvals.approval_actions().get(action)
    if registered is not None and str(registered.label) != action:
        return registered.label
    return None


def approval_request_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """Audit objects of type ``core.approval_request``: the request by what it asks for,
    linked to its page for who may read approvals."""
    ids = uuids_parsed(target_ids)
    rows = ApprovalRequest.objects.filter(id__in=list(ids.values())).only("id", "action")
    by_id = {row.id: row.action for row in rows}
    may_open = actor.has_scope(approvals.VIEW_APPROVALS)
    return {
        raw: TargetLink(
            approvals.approval_label(by_id[request_id]),
            url=reverse("compliance:approval_detail", args=[request_id]) if may_open else "",
        )
        for raw, request_id in ids.items()
        if request_id in by_id
    }


def register_target_types() -> None:
    """Called from ``ComplianceConfig.ready``: the objects core records that this console shows."""
    target_type_register(
        APPROVAL_TARGET,
        label=pgettext_lazy("target", "Approval request"),
        resolve=approval_request_targets,
    )
    target_type_register("event_delivery", label=pgettext_lazy("target", "Event delivery"))
    for action, label in CORE_ACTION_LABELS.items():
        audit_action_label_register(action, label)
