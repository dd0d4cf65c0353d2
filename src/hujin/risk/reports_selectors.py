"""Reads of the reports to the authority for the console (``risk.view_risk``): the queue with
each report's clock, and one report as its page shows it. Values out, never querysets.

A customer is named as the console names them (masked unless the viewer may see personal data);
the identity document is shown masked (customers' selectors); the full values go only into the
exported file. The clock counts working days (``hujin.core.workdays``) from the business date
the caller passes in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError

from hujin.core.actors import Actor, require_scope
from hujin.core.dates import business_time_zone, calendar_date_at
from hujin.core.errors import NotFound, PermissionDenied
from hujin.core.links import TargetLink
from hujin.core.models import ApprovalRequest, ApprovalStatus
from hujin.core.navigation import url_if_mounted
from hujin.core.workdays import working_days_between
from hujin.customers.selectors import customer_360
from hujin.risk.cases_names import TYPOLOGIES
from hujin.risk.decisions_selectors import customer_links, rule_name, rule_texts
from hujin.risk.errors import ReportNotFound
from hujin.risk.models_cases import LV, R_APPROVED, R_DRAFT, R_FILED, REPORT_KINDS, Report
from hujin.risk.permissions import APPROVE_REPORTS, VIEW_RISK, WORK_ALERTS

QUEUE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ReportFilters:
    kind: str = ""
    state: str = ""  # "" every state but filed; "all"; or one state
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class Clock:
    due_on: date
    working_days_left: int  # 0 on the due date; negative: working days overdue
    overdue: bool
    done: bool  # filed
    on_time: bool = True  # filed by the due date (Asia/Shanghai), when filed

    @property
    def working_days_overdue(self) -> int:
        return max(0, -self.working_days_left)


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: uuid.UUID
    number: str
    kind: str
    state: str
    customer: TargetLink | None
    occurred_on: date
    clock: Clock
    # (currency, received, paid) in minor units, one per currency: sums never mix currencies
    totals: tuple[tuple[str, int, int], ...]
    transaction_count: int


@dataclass(frozen=True, slots=True)
class TransactionView:
    occurred_at: datetime
    kind: str
    direction: str
    amount_minor: int
    currency: str
    channel: str
    counterparty: TargetLink | None
    counterparty_kind: str  # customer | card | not_kept | ""
    status: str  # completed | held | pending | failed | refused (risk/reports_moves.py)


@dataclass(frozen=True, slots=True)
class ReportDetail:
    row: ReportRow
    institution: dict
    document_type: str  # in words
    document_number: str  # masked
    transactions: list[TransactionView]
    typology: str
    narrative: str
    rules: list[str]  # large-value rules' names
    rejection: dict | None
    case_url: str
    approval_url: str
    export_name: str
    export_sha256: str
    filed_at: datetime | None
    may_edit: bool
    may_propose: bool
    may_export: bool
    batch_on: date | None = None  # a large-value report's date, for the day's batch
    makers: list[str] = field(default_factory=list)


def clock_of(report: Report, today: date) -> Clock:
    done = report.state == R_FILED
    if today <= report.due_on:
        left = working_days_between(today, report.due_on)
    else:
        left = -working_days_between(report.due_on, today)
    on_time = not done or calendar_date_at(report.filed_at) <= report.due_on
    return Clock(report.due_on, left, not done and today > report.due_on, done, on_time)


def totals_of(transactions: list[dict]) -> tuple[tuple[str, int, int], ...]:
    """The money received and paid over ``transactions``, one sum per currency (a movement that
    did not move — refused, failed — counts too: the report lists what was attempted)."""
    sums: dict[str, list[int]] = {}
    for t in transactions:
        pair = sums.setdefault(t.get("currency") or "CNY", [0, 0])
        pair[0 if t.get("direction") == "in" else 1] += int(t["amount_minor"])
    return tuple((c, i, o) for c, (i, o) in sorted(sums.items())) or (("CNY", 0, 0),)


def _row(report: Report, customers: dict, today: date) -> ReportRow:
    return ReportRow(
        id=report.id, number=report.number, kind=report.kind, state=report.state,
        customer=customers.get(report.customer_id), occurred_on=report.occurred_on,
        clock=clock_of(report, today),
        totals=totals_of(report.content.get("transactions", [])),
        transaction_count=len(report.content.get("transactions", [])),
    )  # fmt: skip


def reports_queue(*, actor: Actor, filters: ReportFilters, today: date) -> list[ReportRow]:
    """The reports by kind and state (not yet filed unless asked), the soonest due first; with
    ``overdue`` only those past their due date and not filed. Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    rows = Report.objects.all()
    if filters.kind in REPORT_KINDS:
        rows = rows.filter(kind=filters.kind)
    if filters.state == "":
        rows = rows.exclude(state=R_FILED)
    elif filters.state != "all":
        rows = rows.filter(state=filters.state)
    if filters.overdue:
        rows = rows.exclude(state=R_FILED).filter(due_on__lt=today)
    reports = list(rows.order_by("due_on", "number")[:QUEUE_LIMIT])
    customers = customer_links(actor, {r.customer_id for r in reports})
    return [_row(r, customers, today) for r in reports]


def reports_waiting_count(*, actor: Actor) -> int:
    """How many reports are not filed yet (the console's waiting work)."""
    if not actor.has_scope(VIEW_RISK):
        return 0
    return Report.objects.exclude(state=R_FILED).count()


def lv_dates_open(*, actor: Actor) -> list[tuple[date, int, int]]:
    """The dates with large-value reports to propose or to file: (date, drafts, approved)."""
    require_scope(actor, VIEW_RISK)
    out: dict[date, list[int]] = {}
    pending = Report.objects.filter(kind=LV, state__in=(R_DRAFT, R_APPROVED))
    for on, state in pending.values_list("occurred_on", "state"):
        counts = out.setdefault(on, [0, 0])
        counts[0 if state == R_DRAFT else 1] += 1
    return [(on, drafts, approved) for on, (drafts, approved) in sorted(out.items())]


def _document(actor: Actor, customer_id, now: datetime) -> tuple[str, str]:
    try:
        seen = customer_360(actor=actor, customer_id=customer_id, reveal=False, now=now)
    except (PermissionDenied, NotFound):  # no right to see customers, or anonymised since
        return "", ""
    verified = [a for a in seen.applications if a.status == "verified"]  # as the file has it
    if not verified:
        return "", ""
    return str(verified[0].document_type_label), verified[0].document_number


def _transactions(actor: Actor, report: Report) -> list[TransactionView]:
    listed = report.content.get("transactions", [])
    ids = {t["counterparty"] for t in listed if t.get("counterparty", "")[:5] not in ("", "card:")}
    names = customer_links(actor, {uuid.UUID(i) for i in ids})
    zone = business_time_zone()
    out = []
    for t in listed:
        other = t.get("counterparty", "")
        kind = "card" if other.startswith("card:") else ("customer" if other else "")
        kind = kind if t.get("counterparty_kept", True) else "not_kept"
        out.append(TransactionView(
            occurred_at=datetime.fromisoformat(t["occurred_at"]).astimezone(zone),
            kind=t.get("kind", ""), direction=t.get("direction", ""),
            amount_minor=int(t["amount_minor"]), currency=t.get("currency") or "CNY",
            channel=t.get("channel", ""),
            counterparty=names.get(uuid.UUID(other)) if kind == "customer" else None,
            counterparty_kind=kind, status=t.get("status", ""),
        ))  # fmt: skip
    return out


def pending_request_of(report: Report) -> ApprovalRequest | None:
    """The pending approval request that holds ``report``: its own (``risk.report``, its id), or
    for a large-value report its date's batch whose ``report_ids`` name it."""
    own = ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING, target_type="risk.report",
                                         target_id=str(report.id)).first()  # fmt: skip
    if own is not None or report.kind != LV:
        return own
    batches = ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING,
                                             target_type="risk.lv_reports",
                                             target_id=report.occurred_on.isoformat())  # fmt: skip
    return next((b for b in batches if str(report.id) in b.payload.get("report_ids", [])), None)


def _approval_url(report: Report) -> str:
    pending = pending_request_of(report)
    if pending is None:
        return ""
    return url_if_mounted("compliance:approval_detail", [pending.id]) or ""


def report_detail(*, actor: Actor, report_id, today: date, now: datetime) -> ReportDetail:
    """One report as its page shows it. Raises PermissionDenied, ReportNotFound."""
    require_scope(actor, VIEW_RISK)
    try:
        report = Report.objects.filter(id=report_id).select_related("case").first()
    except (ValidationError, ValueError, TypeError):
        report = None
    if report is None:
        raise ReportNotFound(details={"report_id": str(report_id)[:64]})
    customers = customer_links(actor, [report.customer_id])
    document_type, document_number = _document(actor, report.customer_id, now)
    codes = report.content.get("rules", [])
    texts = rule_texts(codes)
    may_work = actor.has_scope(WORK_ALERTS)
    return ReportDetail(
        row=_row(report, customers, today),
        institution=report.content.get("institution", {}),
        document_type=document_type, document_number=document_number,
        transactions=_transactions(actor, report),
        typology=str(TYPOLOGIES.get(report.content.get("typology", ""),
                                    report.content.get("typology", ""))),
        narrative=report.content.get("narrative", ""),
        rules=[rule_name(texts, c) for c in codes],
        rejection=report.content.get("rejection"),
        case_url=(url_if_mounted("risk:case", [report.case_id]) or "") if report.case_id else "",
        approval_url=_approval_url(report),
        export_name=report.export_name, export_sha256=report.export_sha256,
        filed_at=report.filed_at,
        may_edit=may_work and report.state == R_DRAFT and report.kind != LV,
        may_propose=may_work and report.state == R_DRAFT,
        may_export=actor.has_scope(APPROVE_REPORTS) and report.state in (R_APPROVED, R_FILED),
        batch_on=report.occurred_on if report.kind == LV else None,
        makers=list(report.content.get("makers", [])),
    )  # fmt: skip
