"""The alerts' reads, for who holds ``risk.view_risk``: the alert queue (filtered, newest first,
in keyset pages) and its open count for the menu, and one alert with its decision explained
(``decisions_selectors``, whose rules' names, customers' links and keyset pages it shares).

Customers are named as the console names them (``hujin.core.links``), never by an id. Values
out, never querysets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext

from hujin.core.actors import Actor, require_scope
from hujin.core.links import TargetLink
from hujin.core.pages import moment_cursor
from hujin.identity.selectors import user_labels
from hujin.risk.decisions_selectors import (
    PAGE_SIZE,
    DecisionDetail,
    customer_links,
    decision_explained,
    finding_versions,
    keyset_page,
    rule_name,
    rule_texts,
)
from hujin.risk.errors import AlertNotFound
from hujin.risk.models import OPEN, Alert, WatchList
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS

ALERT_STATES = ("open", "escalated", "dismissed")
ALERT_SOURCES = ("rule", "watchlist", "anomaly")


# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: uuid.UUID
    source: str
    code: str
    name: str  # the rule's name in the page's language; a list's or a model's code otherwise
    state: str
    score: int
    raised_at: datetime
    customer: TargetLink | None
    customer_id: uuid.UUID | None  # for the filter's link only, never shown
    kind: str  # the movement's, when the alert has a decision
    amount_minor: int | None
    currency: str
    outcome: str


@dataclass(frozen=True, slots=True)
class AlertDetail:
    row: AlertRow
    reason: str  # the rule's reason in the page's language
    details: dict
    triaged_by: str
    triaged_at: datetime | None
    triage_reason: str
    decision: DecisionDetail | None
    may_triage: bool


@dataclass(frozen=True, slots=True)
class AlertFilters:
    state: str = ""
    source: str = ""
    code: str = ""
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class AlertPage:
    rows: list[AlertRow]
    next_cursor: str | None  # the ``before`` of the next (older) page
    filters: AlertFilters = field(default_factory=AlertFilters)
    customer: TargetLink | None = None  # the customer filtered on, by name
    open_count: int = 0


# -- the alert queue --------------------------------------------------------------------------


def _source_name(alert: Alert, texts: dict, lists: dict) -> str:
    """What raised the alert, by name: the rule's, the list's, the model's version."""
    if alert.source == "rule":
        return rule_name(texts, alert.code)
    if alert.source == "watchlist":
        return lists.get(alert.code) or alert.code
    version = alert.code.rpartition("-v")[2]
    if alert.source == "anomaly" and version.isdigit():
        return pgettext("alert source", "Anomaly model v%(version)s") % {"version": version}
    return alert.code


def _alert_rows(actor: Actor, alerts: list[Alert]) -> list[AlertRow]:
    texts = rule_texts({a.code for a in alerts if a.source == "rule"})
    lists = dict(WatchList.objects.filter(code__in={a.code for a in alerts
                                                    if a.source == "watchlist"})
                 .values_list("code", "name"))  # fmt: skip
    customers = customer_links(actor, {a.customer_id for a in alerts})
    rows = []
    for a in alerts:
        d = a.decision
        name = _source_name(a, texts, lists)
        rows.append(AlertRow(
            id=a.id, source=a.source, code=a.code, name=name, state=a.state, score=a.score,
            raised_at=a.raised_at, customer=customers.get(a.customer_id),
            customer_id=a.customer_id,
            kind=d.kind if d else str(a.details.get("kind", "")),
            amount_minor=d.amount if d and d.kind not in ("login", "login_failed") else None,
            currency=(d.currency if d else "") or "CNY", outcome=d.outcome if d else "",
        ))  # fmt: skip
    return rows


def alert_queue(
    *, actor: Actor, filters: AlertFilters, before: str = "", limit: int = PAGE_SIZE
) -> AlertPage:
    """The alerts matching ``filters``, the newest first, in keyset pages (``before``: the
    ``next_cursor`` of the page before), with the open alerts' count. Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    rows = Alert.objects.select_related("decision").defer("decision__findings")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.code:
        rows = rows.filter(code=filters.code)
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    page, more = keyset_page(rows, before, "raised_at", limit)
    customer = None
    if filters.customer_id:
        customer = customer_links(actor, [filters.customer_id])[filters.customer_id]
    next_cursor = moment_cursor(page[-1].raised_at, page[-1].id) if more and page else None
    return AlertPage(_alert_rows(actor, page), next_cursor, filters, customer,
                     open_count=Alert.objects.filter(state=OPEN).count())  # fmt: skip


def alerts_open_count(*, actor: Actor) -> int:
    """The open alerts (the menu's waiting work); 0 for who may not see them."""
    if not actor.has_scope(VIEW_RISK):
        return 0
    return Alert.objects.filter(state=OPEN).count()


def alert_detail(*, actor: Actor, alert_id) -> AlertDetail:
    """One alert: the rule's name and reason, the customer, the decision with its findings, who
    triaged it and why. Raises PermissionDenied, AlertNotFound."""
    require_scope(actor, VIEW_RISK)
    try:
        alert = Alert.objects.select_related("decision").filter(id=alert_id).first()
    except (ValidationError, ValueError, TypeError):
        alert = None
    if alert is None:
        raise AlertNotFound(details={"alert_id": str(alert_id)})
    decision = alert.decision
    texts = {}
    if alert.source == "rule":
        # The live version that fired, when the decision's finding names it.
        versions = finding_versions(decision.findings) if decision else {}
        texts = rule_texts(
            {alert.code},
            at=decision.occurred_at if decision else alert.raised_at,
            versions={k: n for k, n in versions.items() if k == alert.code},
        )
    [row] = _alert_rows(actor, [alert])
    if texts:
        row = replace(row, name=rule_name(texts, alert.code))
    by = user_labels(user_ids=[alert.triaged_by]) if alert.triaged_by else {}
    return AlertDetail(
        row=row, reason=texts.get(alert.code, ("", ""))[1], details=dict(alert.details or {}),
        triaged_by=by.get(str(alert.triaged_by), ""), triaged_at=alert.triaged_at,
        triage_reason=alert.triage_reason,
        decision=decision_explained(actor, decision) if decision else None,
        may_triage=alert.state == OPEN and actor.has_scope(WORK_ALERTS),
    )  # fmt: skip
