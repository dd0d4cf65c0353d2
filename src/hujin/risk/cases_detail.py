"""One case as its page shows it, for who holds ``risk.view_risk``: its header and clock
(``cases_selectors``), the counterparty graph (``cases_graph``), its alerts with their rules'
names, the linked movements (the alerts' decisions and the customer's other movements over the
case's period), the timeline and the files, and who may be given it.

The case's period (``case_period``) runs from ``LOOKBACK`` before its first alert (or its
opening, if earlier) to its closing (or now): long enough to show the month of behaviour a
typology is read from. Its movements (``case_movements``, one definition for the page and the
report draft) are the customer's money movements over the period (log-ins are not movements) and
every movement one of its alerts is about, even from before the period.

Customers and staff are named as the console names them, never by an id. Values out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError

from hujin.core.actors import Actor, require_scope
from hujin.core.navigation import url_if_mounted
from hujin.identity.selectors import user_labels
from hujin.risk.cases_graph import CounterpartyGraph, counterparty_graph
from hujin.risk.cases_movements import NOT_MOVEMENTS, case_movements, case_period
from hujin.risk.cases_names import ENTRY_LABELS, typology_label
from hujin.risk.cases_selectors import CaseRow, case_rows
from hujin.risk.cases_work import assignable_staff
from hujin.risk.decisions_selectors import rule_name, rule_texts
from hujin.risk.errors import CaseNotFound
from hujin.risk.models import ESCALATED, OPEN, Alert, Decision
from hujin.risk.models_cases import CASE_OPEN, Case
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS

MOVEMENTS_MAX = 200
JOINABLE_MAX = 20


@dataclass(frozen=True, slots=True)
class CaseAlert:
    id: uuid.UUID
    name: str
    state: str
    raised_at: datetime
    amount_minor: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class CaseMovement:
    id: uuid.UUID  # the decision's
    occurred_at: datetime
    kind: str
    direction: str
    amount_minor: int
    currency: str
    outcome: str
    fired: list[str]  # the names of the live rules that fired
    alerted: bool  # one of the case's alerts is about it


@dataclass(frozen=True, slots=True)
class CaseEntryView:
    kind: str
    label: str
    at: datetime
    by: str
    text: str
    link: str  # the alert's, the file's or the report's page ("" without one)
    link_text: str


@dataclass(frozen=True, slots=True)
class CaseFile:
    id: uuid.UUID
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class CaseDetail:
    row: CaseRow
    customer_id: uuid.UUID  # for links only, never shown
    typology: str  # in the page's language
    narrative: str
    closed_by: str
    closed_at: datetime | None
    period: tuple[datetime, datetime]
    graph: CounterpartyGraph
    alerts: list[CaseAlert]
    joinable: list[CaseAlert]  # the customer's alerts in no case that may join it (open case)
    movements: list[CaseMovement]
    timeline: list[CaseEntryView]
    files: list[CaseFile]
    reports: list[tuple[str, str]]  # (number, url)
    may_work: bool
    staff: list[tuple[str, str]]  # (id, name) who may be given the case


def _alerts(rows, texts: dict) -> list[CaseAlert]:
    return [
        CaseAlert(
            a.id,
            rule_name(texts, a.code) if a.source == "rule" else a.code,
            a.state,
            a.raised_at,
            a.decision.amount if a.decision and a.decision.kind not in NOT_MOVEMENTS else None,
            (a.decision.currency if a.decision else "") or "CNY",
        )
        for a in rows
    ]


def _movements(case: Case, now: datetime, texts: dict) -> list[CaseMovement]:
    return [
        CaseMovement(d.id, d.occurred_at, d.kind, d.direction, d.amount, d.currency or "CNY",
                     d.outcome, [rule_name(texts, c) for c in d.fired or []], d.alerted)
        for d in case_movements(case, now=now, limit=MOVEMENTS_MAX)
    ]  # fmt: skip


def _timeline(case: Case, texts: dict, people: dict) -> list[CaseEntryView]:
    views = []
    for e in case.entries.order_by("at", "id"):
        d, link, link_text, text = e.details or {}, "", "", e.text
        if e.kind == "alert" and d.get("alert_id"):
            link = url_if_mounted("risk:alert", [d["alert_id"]]) or ""
            link_text = rule_name(texts, str(d.get("code", "")))
        elif e.kind == "assigned":
            text = people.get(str(d.get("assignee")), "")
        elif e.kind == "attachment" and d.get("attachment_id"):
            link = url_if_mounted("risk:case_file", [case.id, d["attachment_id"]]) or ""
            link_text = e.text
            text = ""
        elif e.kind == "report" and d.get("report_id"):
            link = url_if_mounted("risk:report", [d["report_id"]]) or ""
            link_text = str(d.get("number", ""))
        views.append(CaseEntryView(e.kind, str(ENTRY_LABELS.get(e.kind, e.kind)), e.at,
                                   people.get(str(e.by), ""), text, link, link_text))  # fmt: skip
    return views


def case_detail(*, actor: Actor, case_id, now: datetime) -> CaseDetail:
    """One case with its graph, alerts, movements, timeline and files. Raises
    PermissionDenied, CaseNotFound."""
    require_scope(actor, VIEW_RISK)
    try:
        case = Case.objects.filter(id=case_id).first()
    except (ValidationError, ValueError, TypeError):
        case = None
    if case is None:
        raise CaseNotFound(details={"case_id": str(case_id)})
    [row] = case_rows(actor, [case], now)
    codes = set(Alert.objects.filter(case=case).values_list("code", flat=True))
    codes |= set(_joinable(case).values_list("code", flat=True))
    period = case_period(case, now)
    movements_texts = rule_texts(codes | _fired_codes(case, period))
    entries = list(case.entries.values_list("by", "details"))
    files = list(case.attachments.defer("content"))
    may_work = case.state == CASE_OPEN and actor.has_scope(WORK_ALERTS)
    staff = list(assignable_staff().values_list("id", flat=True)) if may_work else []
    people = user_labels(user_ids={*(b for b, _d in entries if b), *staff,
                                   *(str(d.get("assignee")) for _b, d in entries
                                     if d.get("assignee")),
                                   *(f.uploaded_by for f in files if f.uploaded_by),
                                   *([case.closed_by] if case.closed_by else [])})  # fmt: skip
    name = str(row.customer.name) if row.customer else ""
    return CaseDetail(
        row=row, customer_id=case.customer_id, typology=typology_label(case.typology)
        if case.typology else "", narrative=case.narrative,
        closed_by=people.get(str(case.closed_by), ""), closed_at=case.closed_at, period=period,
        graph=counterparty_graph(actor=actor, customer_id=case.customer_id, customer_name=name,
                                 start=period[0], end=period[1]),
        alerts=_alerts(case.alerts.select_related("decision").order_by("raised_at", "id"),
                       movements_texts),
        joinable=_alerts(_joinable(case), movements_texts) if may_work else [],
        movements=_movements(case, now, movements_texts),
        timeline=_timeline(case, movements_texts, people),
        files=[CaseFile(f.id, f.file_name, f.content_type, f.size_bytes, f.sha256,
                        people.get(str(f.uploaded_by), ""), f.uploaded_at) for f in files],
        reports=[(r.number, url_if_mounted("risk:report", [r.id]) or "")
                 for r in case.reports.order_by("number")],
        may_work=may_work,
        staff=sorted(((str(i), people.get(str(i), "")) for i in staff), key=lambda p: p[1]),
    )  # fmt: skip


def _fired_codes(case: Case, period) -> set[str]:
    codes: set[str] = set()
    for fired in Decision.objects.filter(
        customer_id=case.customer_id, occurred_at__gte=period[0], occurred_at__lte=period[1]
    ).values_list("fired", flat=True):
        codes.update(fired or [])
    return codes


def _joinable(case: Case):
    """The customer's open alerts, and escalated ones in no case, the newest first."""
    return (Alert.objects.filter(customer_id=case.customer_id, case=None,
                                 state__in=(OPEN, ESCALATED))
            .select_related("decision").order_by("-raised_at", "-id")[:JOINABLE_MAX])  # fmt: skip
