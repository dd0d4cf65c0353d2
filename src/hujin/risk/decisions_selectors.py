"""The decision log's reads, for who holds ``risk.view_risk``: the decisions the screen kept
(filtered, newest first, in keyset pages) and one decision with every rule's finding explained
— the rule's name in the page's language (the very version that decided, when the finding
names it), fired or not, failed and why, and the values it read, an amount aggregate as an
amount, a count as a number. The alerts' reads (``alerts_selectors``) build on these: an alert
shows its decision, and shares the rules' names, the customers' links and the keyset pages.

Customers are named as the console names them (``hujin.core.links``, the resolver customers
registers: a person's name masked for every viewer, linked to their page for who may open it),
never by an id. Values out, never querysets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language

from hujin.core.actors import Actor, require_scope
from hujin.core.dates import business_time_zone
from hujin.core.links import TargetLink, target_links
from hujin.core.navigation import url_if_mounted
from hujin.core.pages import moment_cursor, moment_cursor_parsed
from hujin.risk.errors import DecisionNotFound
from hujin.risk.models import IN_FORCE, RETIRED, Decision, RuleVersion
from hujin.risk.permissions import VIEW_RISK
from hujin.risk.words import CHANNEL_LABELS, DIRECTION_LABELS, KIND_LABELS, word

CUSTOMER_TARGET = "customers.customer"
PAGE_SIZE = 50
MAX_PAGE = 200
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
class DecisionFilters:
    outcome: str = ""
    kind: str = ""
    code: str = ""  # a rule that fired (live, or in shadow)
    customer_id: uuid.UUID | None = None
    date_from: date | None = None  # business days (Asia/Shanghai), inclusive
    date_to: date | None = None


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


def code_of(key: str) -> str:
    """A rule's code from a finding's key (``CODE`` or ``CODE@shadow``)."""
    return key.removesuffix(SHADOW_SUFFIX)


def finding_versions(findings) -> dict[str, int]:
    """Each finding's key -> the number of the rule's version that decided it, for the findings
    that name it (kept with each finding since the rule's version was recorded; older decisions
    do not have it)."""
    out = {}
    for f in findings or []:
        number = f.get("version")
        if isinstance(number, int) and not isinstance(number, bool):
            out[str(f.get("code", ""))] = number
    return out


def rule_texts(
    codes, at: datetime | None = None, versions: dict[str, int] | None = None
) -> dict[str, tuple[str, str]]:
    """Each code's rule (name, reason) in the page's language: the version that was in force at
    ``at`` when it can be told (the latest one put in force before it), else the latest; and
    under each key of ``versions`` (a finding's key, ``CODE`` or ``CODE@shadow``, -> a version's
    number: ``finding_versions``) that very version's, so a live version and one in shadow of
    one rule are each named as they were written."""
    versions = versions or {}
    wanted = {code_of(c) for c in (*codes, *versions) if c}
    if not wanted:
        return {}
    latest: dict[str, RuleVersion] = {}
    fitting: dict[str, RuleVersion] = {}
    numbered: dict[tuple[str, int], RuleVersion] = {}
    for v in RuleVersion.objects.filter(code__in=wanted).order_by("code", "-number"):
        latest.setdefault(v.code, v)
        numbered[(v.code, v.number)] = v
        if (at is not None and v.code not in fitting and v.state in (*IN_FORCE, RETIRED)
                and (v.decided_at or v.written_at) <= at):  # fmt: skip
            fitting[v.code] = v
    chosen: dict[str, RuleVersion] = {**latest, **fitting}
    for key, number in versions.items():
        if (v := numbered.get((code_of(key), number))) is not None:
            chosen[key] = v
    zh = _zh()
    return {
        key: (v.name_zh, v.reason_zh) if zh else (v.name_en, v.reason_en)
        for key, v in chosen.items()
    }


def rule_name(texts: dict, key: str) -> str:
    """The name ``rule_texts`` gave the finding's key, else its code's; the code when unknown."""
    code = code_of(key)
    return texts.get(key, texts.get(code, (code, "")))[0]


def rule_choices(*, actor: Actor) -> list[RuleChoice]:
    """Every rule's code with its name in the page's language (the filters' choices)."""
    require_scope(actor, VIEW_RISK)
    codes = RuleVersion.objects.values_list("code", flat=True).distinct()
    texts = rule_texts(set(codes))
    return sorted((RuleChoice(c, t[0]) for c, t in texts.items()), key=lambda r: r.code)


# -- customers and pages ----------------------------------------------------------------------


def customer_links(actor: Actor, ids) -> dict[uuid.UUID, TargetLink]:
    """Each customer as the console names them (masked, linked for who may open them)."""
    wanted = {str(i) for i in ids if i is not None}
    links = target_links(actor=actor, targets=[(CUSTOMER_TARGET, i) for i in wanted])
    return {uuid.UUID(i): links[(CUSTOMER_TARGET, i)] for i in wanted}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=business_time_zone())


def keyset_page(rows, before: str, moment: str, limit: int):
    """The rows older than the cursor ``before`` by ``moment`` then id, newest first: (at most
    ``limit`` rows, whether more follow)."""
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
    if label in _WORDS:  # a code the page names: "out" is 支出 on a Chinese page
        return SeenValue(label, "text", word(_WORDS[label], str(value)))
    return SeenValue(label, "text", str(value))


_WORDS = {"kind": KIND_LABELS, "direction": DIRECTION_LABELS, "channel": CHANNEL_LABELS}


def _in_order(seen: dict) -> list[tuple[str, object]]:
    """The values a rule read in one order whatever the database kept (PostgreSQL's jsonb
    sorts an object's keys its own way): the event's names, then the aggregates."""
    return sorted(((str(k), v) for k, v in seen.items()), key=lambda kv: (kv[0].endswith(")"),
                                                                       kv[0]))  # fmt: skip


def _finding(f: dict, texts: dict, currency: str) -> FindingView:
    key = str(f.get("code", ""))
    return FindingView(
        key=key, code=code_of(key), name=rule_name(texts, key),
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
        fired=[(code_of(c), rule_name(texts, c)) for c in d.fired or []],
        shadow_fired=[(code_of(c), rule_name(texts, c)) for c in d.shadow_fired or []],
        customer=customers.get(d.customer_id), customer_id=d.customer_id,
    )  # fmt: skip


def _decision_rows(actor: Actor, decisions: list[Decision]) -> list[DecisionRow]:
    texts = rule_texts({c for d in decisions for c in [*(d.fired or []),
                                                         *(d.shadow_fired or [])]})  # fmt: skip
    customers = customer_links(actor, {d.customer_id for d in decisions})
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
    page, more = keyset_page(rows, before, "occurred_at", limit)
    customer = None
    if filters.customer_id:
        customer = customer_links(actor, [filters.customer_id])[filters.customer_id]
    next_cursor = moment_cursor(page[-1].occurred_at, page[-1].id) if more and page else None
    return DecisionPage(_decision_rows(actor, page), next_cursor, filters, customer)


def decision_explained(actor: Actor, d: Decision) -> DecisionDetail:
    """``d`` with every rule's finding explained: each rule named by the version that decided
    (the finding's ``version``), else by the version in force when the event was decided."""
    keys = [str(f.get("code", "")) for f in d.findings or []]
    texts = rule_texts({*keys, *(d.fired or []), *(d.shadow_fired or [])}, at=d.occurred_at,
                       versions=finding_versions(d.findings))  # fmt: skip
    customers = customer_links(actor, [d.customer_id])
    alerts = list(d.alerts.order_by("raised_at", "id"))
    review = d.outcome == "review" and d.kind in ("topup", "withdrawal", "transfer")
    return DecisionDetail(
        row=_decision_row(d, texts, customers),
        findings=[_finding(f, texts, d.currency) for f in d.findings or []],
        alerts=[DecisionAlert(a.id, a.code, rule_name(texts, a.code), a.state) for a in alerts],
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
    return decision_explained(actor, decision)
