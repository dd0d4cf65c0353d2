"""Where the compliance console's pages appear, and the work that waits
(``hujin.core.navigation``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from hujin.compliance.cob_selectors import VIEW_COB
from hujin.core.actors import Actor
from hujin.core.approvals import approvals_pending_count
from hujin.core.event_status import MANAGE_EVENTS, parked_count
from hujin.core.navigation import (
    AREA_OPERATIONS,
    AREA_RISK,
    console_entry_register,
)


def approvals_waiting_count(actor: Actor) -> int:
    """Requests this staff member may decide (holds the permission, is not their maker)."""
    return approvals_pending_count(actor=actor)


def parked_waiting_count(actor: Actor) -> int:
    return parked_count() if actor.has_scope(MANAGE_EVENTS) else 0


def register() -> None:
    console_entry_register(
        key="compliance.approvals", area=AREA_RISK, label=_("Approvals"),
        url_name="compliance:approvals", permission="core.view_approvals", order=10,
        waiting=approvals_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d request waits for your decision", "%(n)d requests wait for your decision", "n"
        ),
    )  # fmt: skip
    console_entry_register(
        key="compliance.audit", area=AREA_RISK, label=_("Audit trail"),
        url_name="compliance:audit", permission="core.view_audit", order=20,
    )  # fmt: skip
    console_entry_register(
        key="compliance.events", area=AREA_OPERATIONS, label=_("Event deliveries"),
        url_name="compliance:events", permission=MANAGE_EVENTS, order=20,
        waiting=parked_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d event delivery is parked", "%(n)d event deliveries are parked", "n"
        ),
    )  # fmt: skip
    console_entry_register(
        key="compliance.cob", area=AREA_OPERATIONS, label=_("Close of business"),
        url_name="compliance:cob", permission=VIEW_COB, order=10,
    )  # fmt: skip
