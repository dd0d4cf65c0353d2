"""The console's reads of the reconciliation, scoped by who asks: ``payments.view_reconciliation``
(or ``reconcile`` / ``resolve_breaks``) to see runs and breaks. Values out, never querysets.

A break's age is counted in days from its business date to the current business date (``as_of``)
and falls in a bucket: 0–1, 2–7, 8–30, over 30 days.
"""

import uuid
from datetime import date

from hujin.core.actors import Actor
from hujin.payments.models_reconciliation import (
    AMOUNT_MISMATCH,
    BREAK_KINDS,
    BREAK_OPEN,
    BREAK_PROPOSED,
    BREAK_RESOLVED,
    DUPLICATE,
    MISSING_AT_CHANNEL,
    MISSING_IN_HUJIN,
    RUN_COMPLETE,
    Break,
    ReconciliationRun,
)
from hujin.payments.permissions import RECONCILE, RESOLVE_BREAKS, VIEW_RECONCILIATION
from hujin.payments.reconciliation.errors import BreakNotFound, ReconciliationNotPermitted
from hujin.payments.reconciliation.resolution import ACTIONS, break_is_open
from hujin.payments.reconciliation.values import (
    ACTION_LABELS,
    BREAK_DONE,
    BREAK_UNRESOLVED,
    BREAK_WAITING,
    BUCKETS,
    KIND_LABELS,
    REASON_LABELS,
    RUN_INCOMPLETE_BADGE,
    RUN_RECONCILED,
    RUN_WITH_BREAKS,
    BreakDetail,
    BreakQueue,
    BreakRow,
    Count,
    RunReport,
    RunRow,
    age_bucket,
    bucket_label,
)

MAX_ROWS = 200


def _may_view(actor: Actor) -> None:
    if not any(actor.has_scope(p) for p in (VIEW_RECONCILIATION, RECONCILE, RESOLVE_BREAKS)):
        raise ReconciliationNotPermitted(details={"required_permission": VIEW_RECONCILIATION})


def _run_row(run: ReconciliationRun) -> RunRow:
    if run.status != RUN_COMPLETE:
        badge = RUN_INCOMPLETE_BADGE
    else:
        badge = RUN_RECONCILED if run.green else RUN_WITH_BREAKS
    return RunRow(
        id=run.id, channel=run.channel, business_date=run.business_date, badge=badge,
        reason=str(REASON_LABELS.get(run.reason, run.reason)) if run.reason else "",
        file_sha256=run.file_sha256, file_lines=run.file_lines, opening_minor=run.opening_minor,
        flows_minor=run.flows_minor, in_transit_minor=run.in_transit_minor,
        breaks_minor=run.breaks_minor, corrections_minor=run.corrections_minor,
        closing_minor=run.closing_minor,
        residual_minor=run.residual_minor, matched_count=run.matched_count,
        in_flight_count=run.in_flight_count, breaks_new=run.breaks_new,
        breaks_persisting=run.breaks_persisting, breaks_resolved=run.breaks_resolved,
        replay=run.replay, started_at=run.started_at, green=run.green,
    )  # fmt: skip


def _break_row(item: Break, as_of: date) -> BreakRow:
    days = max(0, (as_of - item.business_date).days)
    bucket = age_bucket(days)
    if item.status == BREAK_RESOLVED:
        badge = BREAK_DONE
    else:
        badge = BREAK_WAITING if not break_is_open(item) else BREAK_UNRESOLVED
    return BreakRow(
        id=item.id, channel=item.channel, business_date=item.business_date,
        reference=item.reference, kind=item.kind, kind_label=str(KIND_LABELS[item.kind]),
        badge=badge, direction=item.direction, channel_amount_minor=item.channel_amount_minor,
        hujin_amount_minor=item.hujin_amount_minor, currency=item.currency,
        channel_status=item.channel_status, hujin_status=item.hujin_status, age_days=days,
        bucket=bucket, bucket_label=bucket_label(bucket), first_seen_at=item.first_seen_at,
        last_seen_at=item.last_seen_at, times_seen=item.times_seen, payment_id=item.payment_id,
        resolution=item.resolution, resolution_note=item.resolution_note,
        resolved_at=item.resolved_at, resolution_transfer_id=item.resolution_transfer_id,
    )  # fmt: skip


def reconciliation_runs(
    *, actor: Actor, business_date: date | None = None, channel: str = ""
) -> list[RunRow]:
    """Runs, newest business date first, optionally of one date and channel."""
    _may_view(actor)
    runs = ReconciliationRun.objects.all()
    if business_date:
        runs = runs.filter(business_date=business_date)
    if channel:
        runs = runs.filter(channel=channel)
    return [_run_row(run) for run in runs.order_by("-business_date", "-started_at")[:MAX_ROWS]]


def reconciliation_report(*, actor: Actor, run_id: uuid.UUID, as_of: date) -> RunReport:
    """One run and the breaks of its channel and day as they stand. Raises BreakNotFound for an
    unknown run (the page's 404)."""
    _may_view(actor)
    run = ReconciliationRun.objects.filter(id=run_id).first()
    if run is None:
        raise BreakNotFound()
    breaks = Break.objects.filter(channel=run.channel, business_date=run.business_date)
    rows = [_break_row(b, as_of) for b in breaks.order_by("kind", "reference")[:MAX_ROWS]]
    return RunReport(run=_run_row(run), breaks=rows)


def break_queue(
    *, actor: Actor, as_of: date, kind: str = "", bucket: str = "", resolved: bool = False
) -> BreakQueue:
    """Unresolved breaks (``resolved=True``: the resolved ones), oldest first, filtered by kind
    and age bucket; with the counts by kind and by bucket before those filters."""
    _may_view(actor)
    status = [BREAK_RESOLVED] if resolved else [BREAK_OPEN, BREAK_PROPOSED]
    items = list(Break.objects.filter(status__in=status).order_by("business_date", "pk"))
    rows = [_break_row(b, as_of) for b in items]
    by_kind = [Count(k, str(KIND_LABELS[k]), sum(r.kind == k for r in rows)) for k in BREAK_KINDS]
    by_bucket = [Count(k, str(label), sum(r.bucket == k for r in rows)) for k, label, *_ in BUCKETS]
    rows = [r for r in rows if (not kind or r.kind == kind) and (not bucket or r.bucket == bucket)]
    return BreakQueue(rows=rows[:MAX_ROWS], by_kind=by_kind, by_bucket=by_bucket)


def open_breaks_count(actor: Actor) -> int:
    """Breaks still waiting for a resolution (the console menu's count: one query)."""
    if not actor.has_scope(RESOLVE_BREAKS):
        return 0
    return Break.objects.filter(status__in=[BREAK_OPEN, BREAK_PROPOSED]).count()


def _suggestion(item: Break) -> tuple[str, int]:
    """The usual resolution of a break, for the form's defaults."""
    channel, hujin = item.channel_amount_minor or 0, item.hujin_amount_minor or 0
    incoming = item.direction != "out"
    if item.kind in (MISSING_IN_HUJIN, DUPLICATE):
        return ("suspense_in" if incoming else "suspense_out"), channel
    if item.kind == MISSING_AT_CHANNEL:
        return ("wallet_debit" if incoming else "in_flight_credit"), hujin
    if item.kind == AMOUNT_MISMATCH:
        more = channel > hujin
        if incoming:
            return ("wallet_credit" if more else "wallet_debit"), abs(channel - hujin)
        return ("in_flight_debit" if more else "in_flight_credit"), abs(channel - hujin)
    settled_at_channel = item.channel_status == "succeeded"
    if incoming:
        return ("wallet_credit" if settled_at_channel else "wallet_debit"), channel or hujin
    return ("in_flight_debit" if settled_at_channel else "in_flight_credit"), channel or hujin


def break_detail(*, actor: Actor, break_id: uuid.UUID, as_of: date) -> BreakDetail:
    """One break for its page, with the suggested resolution. Raises BreakNotFound."""
    _may_view(actor)
    item = Break.objects.filter(id=break_id).first()
    if item is None:
        raise BreakNotFound()
    row = _break_row(item, as_of)
    action, amount = _suggestion(item)
    actions = [
        (key, str(ACTION_LABELS[key]))
        for key, sides in ACTIONS.items()
        if item.payment_id is not None or "wallet" not in sides[:2]
    ]
    may_propose = row.badge == BREAK_UNRESOLVED and actor.has_scope(RESOLVE_BREAKS)
    return BreakDetail(
        item=row, may_propose=may_propose, suggested_action=action,
        suggested_amount_minor=amount, actions=actions,
        approval_request_id=item.approval_request_id,
        waiting_for_checker=row.badge == BREAK_WAITING,
    )  # fmt: skip
