"""The alerts' and the decision log's reads, for who holds ``risk.view_risk``: the alert queue
(filtered, newest first, in keyset pages) and its open count for the menu, one alert with its
decision; the decision log (filtered, newest first, in keyset pages) and one decision with every
rule's finding explained — the rule's name in the page's language, fired or not, failed and
why, and the values it read, an amount aggregate as an amount, a count as a number.

Customers are named as the console names them (``hujin.core.links``, the resolver customers
registers: a person's name masked for every viewer, linked to their page for who may open it),
never by an id. Values out, never querysets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language

from hujin.core.actors import Actor, require_scope
from hujin.core.dates import business_time_zone
from hujin.core.links import TargetLink, target_links
from hujin.core.navigation import url_if_mounted
from hujin.core.pages import moment_cursor, moment_cursor_parsed
from hujin.identity.selectors import user_labels
from hujin.risk.errors import AlertNotFound, DecisionNotFound
from hujin.risk.models import IN_FORCE, OPEN, RETIRED, Alert, Decision, RuleVersion
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS

CUSTOMER_TARGET = "customers.customer"
PAGE_SIZE = 50
MAX_PAGE = 200
ALERT_STATES = ("open", "escalated", "dismissed")
ALERT_SOURCES = ("rule", "watchlist", "anomaly")
OUTCOMES = ("allow", "review", "block")
KINDS = ("topup", "withdrawal", "transfer", "login", "login_failed")
SHADOW_SUFFIX = "@shadow"
# Aggregates whose value is an amount in fen; the other aggregates are counts.
AMOUNT_NAMES = ("amount",)
AMOUNT_AGGREGATES = ("total(",)


# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeenValue:
    """One value a rule's condition read: ``label`` (a name or an aggregate's canonical text),
    ``kind`` (amount | count | number | flag | text | missing) and the value (fen for an
    amount)."""

    label: str
    kind: str
    value: object
    currency: str = "CNY"


@dataclass(frozen=True, slots=True)
class FindingView:
    key: str  # the rule's key in the decision: its code, ``CODE@shadow`` for a shadow version
    code: str
    name: str
    shadow: bool
    outcome: str
    fired: bool
    failed: str
    seen: list[SeenValue]


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: uuid.UUID
    occurred_at: datetime
    kind: str
    direction: str
    amount_minor: int
    currency: str
    channel: str
    outcome: str
    score: int
    fired: list[tuple[str, str]]  # (code, name) of the live rules that fired
    shadow_fired: list[tuple[str, str]]
    customer: TargetLink | None
    customer_id: uuid.UUID | None  # for the filter's link only, never shown


@dataclass(frozen=True, slots=True)
class DecisionAlert:
    id: uuid.UUID
    code: str
    name: str
    state: str


@dataclass(frozen=True, slots=True)
class DecisionDetail:
    row: DecisionRow
    findings: list[FindingView]
    alerts: list[DecisionAlert]
    review_url: str  # payments' review queue, for a held movement ("" otherwise)
    generation: int

    @property
    def telling(self) -> list[FindingView]:
        """The findings worth reading first: the rules that fired (live or in shadow) or
        failed."""
        return [f for f in self.findings if f.fired or f.failed]

    @property
    def quiet(self) -> list[FindingView]:
        """The rules that were worked out and did not fire."""
        return [f for f in self.findings if not f.fired and not f.failed]


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
class DecisionFilters:
    outcome: str = ""
    kind: str = ""
    code: str = ""  # a rule that fired (live, or in shadow)
    customer_id: uuid.UUID | None = None
    date_from: date | None = None  # business days (Asia/Shanghai), inclusive
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class AlertPage:
    rows: list[AlertRow]
    next_cursor: str | None  # the ``before`` of the next (older) page
    filters: AlertFilters = field(default_factory=AlertFilters)
    customer: TargetLink | None = None  # the customer filtered on, by name
    open_count: int = 0


@dataclass(frozen=True, slots=True)
class DecisionPage:
    rows: list[DecisionRow]
    next_cursor: str | None
    filters: DecisionFilters = field(default_factory=DecisionFilters)
    customer: TargetLink | None = None


@dataclass(frozen=True, slots=True)
class RuleChoice:
    code: str
    name: str


# -- rules' names -----------------------------------------------------------------------------


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _code_of(key: str) -> str:
    return key.removesuffix(SHADOW_SUFFIX)


def _rule_texts(codes, at: datetime | None = None) -> dict[str, tuple[str, str]]:
    """Each code's rule (name, reason) in the page's language: the version that was in force at
    ``at`` when it can be told (the latest one put in force before it), else the latest."""
    wanted = {_code_of(c) for c in codes if c}
    if not wanted:
        return {}
    latest: dict[str, RuleVersion] = {}
    fitting: dict[str, RuleVersion] = {}
    for v in RuleVersion.objects.filter(code__in=wanted).order_by("code", "-number"):
        latest.setdefault(v.code, v)
        if (at is not None and v.code not in fitting and v.state in (*IN_FORCE, RETIRED)
                and (v.decided_at or v.written_at) <= at):  # fmt: skip
            fitting[v.code] = v
    zh = _zh()
    return {
        code: (v.name_zh, v.reason_zh) if zh else (v.name_en, v.reason_en)
        for code, v in {**latest, **fitting}.items()
    }


def _name(texts: dict, key: str) -> str:
    return texts.get(_code_of(key), (_code_of(key), ""))[0]


def rule_choices(*, actor: Actor) -> list[RuleChoice]:
    """Every rule's code with its name in the page's language (the filters' choices)."""
    require_scope(actor, VIEW_RISK)
    codes = RuleVersion.objects.values_list("code", flat=True).distinct()
    texts = _rule_texts(set(codes))
    return sorted((RuleChoice(c, t[0]) for c, t in texts.items()), key=lambda r: r.code)


# -- customers --------------------------------------------------------------------------------


def _customer_links(actor: Actor, ids) -> dict[uuid.UUID, TargetLink]:
    wanted = {str(i) for i in ids if i is not None}
    links = target_links(actor=actor, targets=[(CUSTOMER_TARGET, i) for i in wanted])
    return {uuid.UUID(i): links[(CUSTOMER_TARGET, i)] for i in wanted}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=business_time_zone())


def _keyset(rows, before: str, moment: str, limit: int):
    position = moment_cursor_parsed(before) if before else None
    if position is not None:
        at, last_id = position
        rows = rows.filter(Q(**{f"{moment}__lt": at}) | Q(**{moment: at, "id__lt": last_id}))
    limit = max(1, min(limit, MAX_PAGE))
    window = list(rows.order_by(f"-{moment}", "-id")[: limit + 1])
    return window[:limit], len(window) > limit


# -- the decision log -------------------------------------------------------------------------


def _seen_value(label: str, value, currency: str) -> SeenValue:
    if value is None:
        return SeenValue(label, "missing", None)
    if isinstance(value, bool):
        return SeenValue(label, "flag", value)
    if isinstance(value, int):
        if label in AMOUNT_NAMES or label.startswith(AMOUNT_AGGREGATES):
            return SeenValue(label, "amount", value, currency or "CNY")
        if label.endswith(")"):
            return SeenValue(label, "count", value)
        return SeenValue(label, "number", value)
    return SeenValue(label, "text", str(value))


def _in_order(seen: dict) -> list[tuple[str, object]]:
    """The values a rule read in one order whatever the database kept (PostgreSQL's jsonb
    sorts an object's keys its own way): the event's names, then the aggregates."""
    return sorted(((str(k), v) for k, v in seen.items()), key=lambda kv: (kv[0].endswith(")"),
                                                                       kv[0]))  # fmt: skip


def _finding(f: dict, texts: dict, currency: str) -> FindingView:
    key = str(f.get("code", ""))
    return FindingView(
        key=key, code=_code_of(key), name=_name(texts, key),
        shadow=f.get("mode") != "live" or key.endswith(SHADOW_SUFFIX),
        outcome=str(f.get("outcome", "")), fired=bool(f.get("fired")),
        failed=str(f.get("failed") or ""),
        seen=[_seen_value(k, v, currency) for k, v in _in_order(f.get("seen") or {})],
    )  # fmt: skip


def _decision_row(d: Decision, texts: dict, customers: dict) -> DecisionRow:
    return DecisionRow(
        id=d.id, occurred_at=d.occurred_at, kind=d.kind, direction=d.direction,
        amount_minor=d.amount, currency=d.currency or "CNY", channel=d.channel,
        outcome=d.outcome, score=d.score,
        fired=[(_code_of(c), _name(texts, c)) for c in d.fired or []],
        shadow_fired=[(_code_of(c), _name(texts, c)) for c in d.shadow_fired or []],
        customer=customers.get(d.customer_id), customer_id=d.customer_id,
    )  # fmt: skip


def _decision_rows(actor: Actor, decisions: list[Decision]) -> list[DecisionRow]:
    texts = _rule_texts({c for d in decisions for c in [*(d.fired or []),
                                                          *(d.shadow_fired or [])]})  # fmt: skip
    customers = _customer_links(actor, {d.customer_id for d in decisions})
    return [_decision_row(d, texts, customers) for d in decisions]


def decision_log(
    *, actor: Actor, filters: DecisionFilters, before: str = "", limit: int = PAGE_SIZE
) -> DecisionPage:
    """The decisions matching ``filters``, the newest first, in keyset pages: ``before`` is the
    ``next_cursor`` of the page before (unparseable: the first page). Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    rows = Decision.objects.defer("findings")
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.code:
        rows = rows.filter(
            Q(fired__icontains=f'"{filters.code}"')
            | Q(shadow_fired__icontains=f'"{filters.code}{SHADOW_SUFFIX}"')
        )
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    if filters.date_from:
        rows = rows.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(occurred_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    page, more = _keyset(rows, before, "occurred_at", limit)
    customer = None
    if filters.customer_id:
        customer = _customer_links(actor, [filters.customer_id])[filters.customer_id]
    next_cursor = moment_cursor(page[-1].occurred_at, page[-1].id) if more and page else None
    return DecisionPage(_decision_rows(actor, page), next_cursor, filters, customer)


def _decision_detail(actor: Actor, d: Decision) -> DecisionDetail:
    keys = [str(f.get("code", "")) for f in d.findings or []]
    texts = _rule_texts({*keys, *(d.fired or []), *(d.shadow_fired or [])}, at=d.occurred_at)
    customers = _customer_links(actor, [d.customer_id])
    alerts = list(d.alerts.order_by("raised_at", "id"))
    review = d.outcome == "review" and d.kind in ("topup", "withdrawal", "transfer")
    return DecisionDetail(
        row=_decision_row(d, texts, customers),
        findings=[_finding(f, texts, d.currency) for f in d.findings or []],
        alerts=[DecisionAlert(a.id, a.code, _name(texts, a.code), a.state) for a in alerts],
        review_url=(url_if_mounted("payments:review") or "") if review else "",
        generation=d.generation,
    )  # fmt: skip


def decision_detail(*, actor: Actor, decision_id) -> DecisionDetail:
    """One decision with every rule's finding explained. Raises PermissionDenied,
    DecisionNotFound."""
    require_scope(actor, VIEW_RISK)
    try:
        decision = Decision.objects.filter(id=decision_id).first()
    except (ValidationError, ValueError, TypeError):
        decision = None
    if decision is None:
        raise DecisionNotFound(details={"decision_id": str(decision_id)})
    return _decision_detail(actor, decision)


# -- the alert queue --------------------------------------------------------------------------


def _alert_rows(actor: Actor, alerts: list[Alert]) -> list[AlertRow]:
    texts = _rule_texts({a.code for a in alerts if a.source == "rule"})
    customers = _customer_links(actor, {a.customer_id for a in alerts})
    rows = []
    for a in alerts:
        d = a.decision
        name = _name(texts, a.code) if a.source == "rule" else a.code
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
    page, more = _keyset(rows, before, "raised_at", limit)
    customer = None
    if filters.customer_id:
        customer = _customer_links(actor, [filters.customer_id])[filters.customer_id]
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
    at = alert.decision.occurred_at if alert.decision else alert.raised_at
    texts = _rule_texts({alert.code}, at=at) if alert.source == "rule" else {}
    [row] = _alert_rows(actor, [alert])
    if texts:
        row = replace(row, name=_name(texts, alert.code))
    by = user_labels(user_ids=[alert.triaged_by]) if alert.triaged_by else {}
    return AlertDetail(
        row=row, reason=texts.get(alert.code, ("", ""))[1], details=dict(alert.details or {}),
        triaged_by=by.get(str(alert.triaged_by), ""), triaged_at=alert.triaged_at,
        triage_reason=alert.triage_reason,
        decision=_decision_detail(actor, alert.decision) if alert.decision else None,
        may_triage=alert.state == OPEN and actor.has_scope(WORK_ALERTS),
    )  # fmt: skip
