"""What the console calls the reconciliation's objects where other pages show them (the audit
trail, the approvals queue): a break by its kind and the channel's reference, a run by its
channel and date, each linked to its page for who may open it; its audit actions in words."""

from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import url_if_mounted
from hujin.payments.models_reconciliation import Break, ReconciliationRun
from hujin.payments.permissions import RECONCILE, RESOLVE_BREAKS, VIEW_RECONCILIATION
from hujin.payments.reconciliation import resolution, runs
from hujin.payments.reconciliation.values import KIND_LABELS

AUDIT_ACTION_LABELS = {
    "payments.reconciliation_run": pgettext_lazy("audit action", "Reconciliation run"),
    "payments.break_resolution_proposed": pgettext_lazy(
        "audit action", "Break resolution proposed"
    ),
    "payments.break_resolved": pgettext_lazy("audit action", "Break resolved"),
}


def _may_open(actor: Actor) -> bool:
    return any(actor.has_scope(p) for p in (VIEW_RECONCILIATION, RECONCILE, RESOLVE_BREAKS))


def break_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    ids = uuids_parsed(target_ids)
    rows = {b.id: b for b in Break.objects.filter(id__in=list(ids.values()))}
    return {
        raw: TargetLink(
            f"{KIND_LABELS[rows[key].kind]} · {rows[key].reference}",
            url=(url_if_mounted("payments:recon_break", [key]) or "") if _may_open(actor) else "",
        )
        for raw, key in ids.items()
        if key in rows
    }


def run_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    ids = uuids_parsed(target_ids)
    rows = {r.id: r for r in ReconciliationRun.objects.filter(id__in=list(ids.values()))}
    return {
        raw: TargetLink(
            f"{rows[key].channel} · {rows[key].business_date.isoformat()}",
            url=(url_if_mounted("payments:recon_report", [key]) or "") if _may_open(actor) else "",
        )
        for raw, key in ids.items()
        if key in rows
    }


def register() -> None:
    target_type_register(
        resolution.TARGET, label=pgettext_lazy("audit target", "Reconciliation break"),
        resolve=break_targets,
    )  # fmt: skip
    target_type_register(
        runs.TARGET, label=pgettext_lazy("audit target", "Reconciliation run"),
        resolve=run_targets,
    )  # fmt: skip
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
