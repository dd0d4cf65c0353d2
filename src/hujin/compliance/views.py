"""Compliance console pages: the audit trail viewer, the maker-checker inbox and the event
deliveries that keep failing (dead letters).

Each view validates its input, makes one domain call and hands the template plain values:
actions by their labels, objects by name and linked (``names``, ``hujin.core.links``), codes and
ids kept for the technical details.
"""

import json
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from hujin.compliance import names, selectors
from hujin.compliance.forms import (
    ApprovalDecisionForm,
    ApprovalFilterForm,
    AuditFilterForm,
    SubscriberDiscardForm,
)
from hujin.core import approvals, event_status
from hujin.core.errors import HujinError, NotFound, PermissionDenied
from hujin.core.links import target_links
from hujin.core.models import ApprovalStatus
from hujin.identity.access import staff_actor, staff_required
from hujin.identity.selectors import user_labels

STATUS_LABELS = dict(ApprovalStatus.choices)


# --- audit trail --------------------------------------------------------------------------------


PEOPLE = ("staff", "customer")


def _people_named(pairs) -> dict[str, str]:
    """How the page names the people among (kind, id) pairs, by id: one query for the page."""
    return user_labels(user_ids=[i for kind, i in pairs if kind in PEOPLE])


def _audit_rows(rows, *, actor) -> list[dict]:
    """Audit rows with the actor's kind and name, the action's label and the object, named for
    ``actor`` (one resolver call per object type on the page)."""
    links = target_links(actor=actor, targets=[(r.target_type, r.target_id) for r in rows])
    people = _people_named((r.actor_kind, r.actor_id) for r in rows)
    return [
        {
            "entry": row,
            "actor_name": people.get(row.actor_id) if row.actor_kind in PEOPLE else None,
            "actor_kind_label": names.actor_kind_label(row.actor_kind),
            "action_label": names.action_label(row.action),
            "target": links[(row.target_type, row.target_id)],
        }
        for row in rows
    ]


@staff_required(permission=selectors.VIEW_AUDIT)
def audit_list(request):
    actor = staff_actor(request.user)
    form = AuditFilterForm(request.GET or None)
    page, rows = None, []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        page = selectors.audit_entry_page(
            actor=actor,
            filters=form.filters() if form.is_bound else selectors.AuditFilters(),
            before=data.get("before"),
            after=data.get("after"),
        )
        rows = _audit_rows(page.rows, actor=actor)
    filtered = form.is_bound and any(
        value for name, value in request.GET.items() if name not in ("before", "after")
    )
    return render(
        request,
        "compliance/audit/list.html",
        {"form": form, "page": page, "rows": rows, "filtered": filtered},
    )


def _pretty(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@staff_required(permission=selectors.VIEW_AUDIT)
def audit_detail(request, entry_id: int):
    actor = staff_actor(request.user)
    try:
        detail = selectors.audit_entry_get(actor=actor, entry_id=entry_id)
    except NotFound:
        raise Http404("no such audit entry") from None
    context = {
        **_audit_rows([detail.row], actor=actor)[0],
        "before": _pretty(detail.before),
        "after": _pretty(detail.after),
        "prev_hash": detail.prev_hash,
        "entry_hash": detail.entry_hash,
    }
    return render(request, "compliance/audit/detail.html", context)


# --- approvals ----------------------------------------------------------------------------------


def _targets(requests, *, actor) -> dict:
    """The requests' objects, named for ``actor`` in one go (one call per object type)."""
    return target_links(actor=actor, targets=[(r.target_type, r.target_id) for r in requests])


def _approval_people(requests) -> dict[str, str]:
    return _people_named(
        pair
        for r in requests
        for pair in ((r.maker_kind, r.maker_id), (r.checker_kind, r.checker_id))
    )


def _approval_row(request_obj, *, actor, targets: dict, people: dict) -> dict:
    def named(kind, person_id, label):
        return (people.get(person_id) if kind in PEOPLE else None) or label or person_id

    return {
        "id": request_obj.id,
        "action": request_obj.action,
        "action_label": approvals.approval_label(request_obj.action),
        "description": approvals.approval_describe(request_obj),
        "target_type": request_obj.target_type,
        "target_id": request_obj.target_id,
        "target": targets[(request_obj.target_type, request_obj.target_id)],
        "payload": request_obj.payload,
        "status": request_obj.status,
        "status_label": STATUS_LABELS.get(request_obj.status, request_obj.status),
        "maker_label": named(request_obj.maker_kind, request_obj.maker_id, request_obj.maker_label),
        "maker_reason": request_obj.maker_reason,
        "requested_at": request_obj.requested_at,
        "checker_label": named(
            request_obj.checker_kind, request_obj.checker_id, request_obj.checker_label
        ),
        "checker_reason": request_obj.checker_reason,
        "decided_at": request_obj.decided_at,
        "is_mine": (request_obj.maker_kind, request_obj.maker_id) == (actor.kind, str(actor.id)),
        "may_decide": approvals.approval_may_decide(request_obj, actor=actor),
    }


@staff_required(permission=approvals.VIEW_APPROVALS)
def approval_inbox(request):
    actor = staff_actor(request.user)
    registered = approvals.approval_actions()
    choices = sorted(((a, str(r.label)) for a, r in registered.items()), key=lambda c: c[1])
    form = ApprovalFilterForm(request.GET or None, action_choices=choices)
    action = (form.cleaned_data["action"] or None) if form.is_valid() else None
    inbox = approvals.approval_inbox(actor=actor, action=action)
    listed = [*inbox.waiting, *inbox.mine, *inbox.decided]
    targets = _targets(listed, actor=actor)
    people = _approval_people(listed)
    context = {
        "form": form,
        "waiting": [
            _approval_row(r, actor=actor, targets=targets, people=people) for r in inbox.waiting
        ],
        "mine": [_approval_row(r, actor=actor, targets=targets, people=people) for r in inbox.mine],
        "decided": [
            _approval_row(r, actor=actor, targets=targets, people=people) for r in inbox.decided
        ],
    }
    return render(request, "compliance/approvals/inbox.html", context)


@staff_required(permission=approvals.VIEW_APPROVALS)
@require_http_methods(["GET", "POST"])
def approval_detail(request, approval_id: uuid.UUID):
    actor = staff_actor(request.user)
    try:
        approval = approvals.approval_get(id=approval_id)
    except NotFound:
        raise Http404("no such approval request") from None
    form = ApprovalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            approvals.approval_decide(
                actor=actor,
                request_id=approval.id,
                approve=approve,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except HujinError as exc:
            form.add_error(None, exc.message)
            approval = approvals.approval_get(id=approval_id)
        else:
            messages.success(request, _("Approved.") if approve else _("Rejected."))
            return redirect("compliance:approval_detail", approval_id=approval.id)
    targets = _targets([approval], actor=actor)
    row = _approval_row(approval, actor=actor, targets=targets, people=_approval_people([approval]))
    context = {"approval": row, "form": form}
    status = 400 if form.errors else 200
    return render(request, "compliance/approvals/detail.html", context, status=status)


@staff_required(permission=approvals.VIEW_APPROVALS)
@require_POST
def approval_cancel(request, approval_id: uuid.UUID):
    try:
        approvals.approval_cancel(
            actor=staff_actor(request.user), request_id=approval_id, now=timezone.now()
        )
    except NotFound:
        raise Http404("no such approval request") from None
    except (PermissionDenied, HujinError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request cancelled."))
    return redirect("compliance:approval_detail", approval_id=approval_id)


# --- event deliveries: lag and dead letters ---------------------------------------------------

_MAX_ID = 2**63 - 1


def _cursor(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) <= _MAX_ID else None


@staff_required(permission=event_status.MANAGE_EVENTS)
def event_deliveries(request):
    actor = staff_actor(request.user)
    overview = event_status.dead_letters_get(
        actor=actor, now=timezone.now(), after=_cursor(request.GET.get("after"))
    )
    links = target_links(
        actor=actor, targets=[(d.aggregate_type, d.aggregate_id) for d in overview.parked]
    )
    parked = [
        {"delivery": d, "target": links[(d.aggregate_type, d.aggregate_id)]}
        for d in overview.parked
    ]
    return render(
        request, "compliance/events/deliveries.html", {"overview": overview, "parked": parked}
    )


def _delivery_action(request, delivery_id: int, action, done: str):
    if delivery_id > _MAX_ID:
        raise Http404("no such event delivery")
    try:
        result = action(
            actor=staff_actor(request.user), delivery_id=delivery_id, now=timezone.now()
        )
    except event_status.EventDeliveryNotFound:
        raise Http404("no such event delivery") from None
    if result.changed:
        messages.success(request, done)
    else:
        messages.info(request, _("That delivery is no longer parked; nothing was changed."))
    return redirect("compliance:events")


@staff_required(permission=event_status.MANAGE_EVENTS)
@require_POST
def event_delivery_retry(request, delivery_id: int):
    return _delivery_action(
        request,
        delivery_id,
        event_status.event_delivery_retry,
        _("Delivery queued again: it is tried within a minute."),
    )


@staff_required(permission=event_status.MANAGE_EVENTS)
@require_POST
def event_delivery_discard(request, delivery_id: int):
    return _delivery_action(
        request,
        delivery_id,
        event_status.event_delivery_discard,
        _("Delivery discarded: the subscriber will not get that event."),
    )


@staff_required(permission=event_status.MANAGE_EVENTS)
@require_POST
def event_subscriber_discard(request):
    """Discard every open delivery of a subscriber this deployment does not know."""
    form = SubscriberDiscardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a subscriber from the list."))
        return redirect("compliance:events")
    subscriber = form.cleaned_data["subscriber"]
    try:
        result = event_status.event_subscriber_deliveries_discard(
            actor=staff_actor(request.user), subscriber=subscriber, now=timezone.now()
        )
    except event_status.EventSubscriberRegistered as exc:
        messages.error(request, exc.message)
    else:
        if result.changed:
            done = ngettext(
                "Discarded %(count)d delivery for %(subscriber)s: it will not get that event.",
                "Discarded %(count)d deliveries for %(subscriber)s: it will not get those events.",
                result.discarded,
            )
            messages.success(request, done % {"count": result.discarded, "subscriber": subscriber})
        else:
            messages.info(
                request,
                _("%(subscriber)s has no open deliveries; nothing was changed.")
                % {"subscriber": subscriber},
            )
    return redirect("compliance:events")
