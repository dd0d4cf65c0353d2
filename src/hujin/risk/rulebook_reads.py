"""The rule store's reads, for who holds ``risk.view_risk``: the rules with what is in force of
each, one rule's versions, and what a version in shadow would have done.

**Shadow results.** A version in shadow is evaluated on every event like a live one and counts
for nothing; each decision keeps the shadow rules that fired (``Decision.shadow_fired``, by key
``CODE@shadow``) and every rule's finding. A rule has one version in shadow at a time, so the
decisions since that version went into shadow (its ``decided_at``) with the key are its own."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast

from hujin.core.actors import Actor, require_scope
from hujin.core.models import ApprovalRequest, ApprovalStatus
from hujin.identity.selectors import user_labels
from hujin.risk.errors import RuleNotFound
from hujin.risk.models import LIVE, SHADOW, Decision, RuleVersion
from hujin.risk.permissions import APPROVE_RULES, EDIT_RULES, VIEW_RISK
from hujin.risk.rulebook import ACTION, CODE_PATTERN, TARGET

SHADOW_EVENTS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: str
    code: str
    number: int
    name_en: str
    name_zh: str
    condition: str
    outcome: str
    score: int
    reason_en: str
    reason_zh: str
    source: str
    note: str
    state: str
    proposed_state: str
    written_by: str  # a person's name; "" for a shipped rule
    written_at: datetime
    decided_by: str  # "" when nobody decided (a draft, a shipped rule)
    decided_at: datetime | None
    approval_id: str  # the pending request for this version, if one waits


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One rule in the list: named by its most telling version (live, else shadow, else the
    newest), with what is in force and what waits."""

    code: str
    name_en: str
    name_zh: str
    outcome: str
    score: int
    live: int | None  # the live version's number
    shadow: int | None
    waiting: tuple[tuple[int, str], ...]  # (number, what was asked: shadow | live | retired)
    latest: int


@dataclass(frozen=True, slots=True)
class RuleHistory:
    code: str
    versions: tuple[VersionRow, ...]  # newest first
    live: VersionRow | None
    shadow: VersionRow | None
    latest: VersionRow
    may_edit: bool
    may_approve: bool


@dataclass(frozen=True, slots=True)
class ShadowEvent:
    decision_id: str
    occurred_at: datetime
    kind: str
    direction: str
    amount: int
    currency: str
    channel: str
    outcome: str  # what the live rules decided
    live_fired: bool  # the rule's live version fired on it too
    seen: dict


@dataclass(frozen=True, slots=True)
class ShadowResults:
    version_id: str
    code: str
    number: int
    since: datetime | None
    decisions: int  # decisions made since it went into shadow
    fired: int  # of which it would have fired on
    live_fired: int  # of which the rule's live version fired on (its comparison)
    events: tuple[ShadowEvent, ...]  # the latest it fired on, newest first


def _row(version: RuleVersion, names: dict, pending: dict) -> VersionRow:
    def named(person) -> str:
        return names.get(str(person), str(person)) if person else ""

    return VersionRow(
        id=str(version.id), code=version.code, number=version.number, name_en=version.name_en,
        name_zh=version.name_zh, condition=version.condition, outcome=version.outcome,
        score=version.score, reason_en=version.reason_en, reason_zh=version.reason_zh,
        source=version.source, note=version.note, state=version.state,
        proposed_state=version.proposed_state, written_by=named(version.written_by),
        written_at=version.written_at, decided_by=named(version.decided_by),
        decided_at=version.decided_at, approval_id=pending.get(str(version.id), ""),
    )  # fmt: skip


def rule_list(*, actor: Actor) -> list[RuleRow]:
    """Every rule by code. Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    fields = ("code", "number", "name_en", "name_zh", "outcome", "score", "state",
              "proposed_state")  # fmt: skip
    by_code: dict[str, list[RuleVersion]] = {}
    for version in RuleVersion.objects.only(*fields).order_by("code", "-number"):
        by_code.setdefault(version.code, []).append(version)
    rows = []
    for code, versions in by_code.items():
        live = next((v for v in versions if v.state == LIVE), None)
        shadow = next((v for v in versions if v.state == SHADOW), None)
        shown = live or shadow or versions[0]
        waiting = tuple((v.number, v.proposed_state) for v in versions if v.proposed_state)
        rows.append(RuleRow(
            code=code, name_en=shown.name_en, name_zh=shown.name_zh, outcome=shown.outcome,
            score=shown.score, live=live.number if live else None,
            shadow=shadow.number if shadow else None, waiting=waiting,
            latest=versions[0].number,
        ))  # fmt: skip
    return rows


def _pending(version_ids: list[str]) -> dict[str, str]:
    requests = ApprovalRequest.objects.filter(
        action=ACTION, target_type=TARGET, target_id__in=version_ids,
        status=ApprovalStatus.PENDING,
    ).values_list("target_id", "id")  # fmt: skip
    return {target: str(request) for target, request in requests}


def rule_history(*, actor: Actor, code: str) -> RuleHistory:
    """One rule's versions, newest first, with who wrote and who decided each. Raises
    PermissionDenied, RuleNotFound."""
    require_scope(actor, VIEW_RISK)
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise RuleNotFound(details={"code": str(code)[:64]})
    versions = list(RuleVersion.objects.filter(code=code).order_by("-number"))
    if not versions:
        raise RuleNotFound(details={"code": code})
    people = {str(p) for v in versions for p in (v.written_by, v.decided_by) if p}
    names = user_labels(user_ids=list(people)) if people else {}
    pending = _pending([str(v.id) for v in versions])
    rows = tuple(_row(v, names, pending) for v in versions)
    return RuleHistory(
        code=code, versions=rows, live=next((r for r in rows if r.state == LIVE), None),
        shadow=next((r for r in rows if r.state == SHADOW), None), latest=rows[0],
        may_edit=actor.has_scope(EDIT_RULES), may_approve=actor.has_scope(APPROVE_RULES),
    )  # fmt: skip


def _with_key(decisions, field: str, key: str):
    """The decisions whose list ``field`` holds ``key`` (its JSON text holds it in quotes: the
    same on SQLite and PostgreSQL; a code is letters, digits, ``_`` and ``-``)."""
    return decisions.annotate(**{f"{field}_text": Cast(field, TextField())}).filter(
        **{f"{field}_text__contains": f'"{key}"'}
    )


def _finding(findings, code: str) -> dict:
    for finding in findings or ():
        if finding.get("code") == code and finding.get("mode") == SHADOW:
            return finding
    return {}


def shadow_results(*, actor: Actor, version_id, limit: int = SHADOW_EVENTS_SHOWN) -> ShadowResults:
    """What the version in shadow would have fired on since it went there; a version not in
    shadow has none. Raises PermissionDenied, RuleNotFound."""
    require_scope(actor, VIEW_RISK)
    try:
        version = RuleVersion.objects.filter(id=version_id).first()
    except (ValidationError, ValueError, TypeError):
        version = None
    if version is None:
        raise RuleNotFound(details={"version_id": str(version_id)})
    if version.state != SHADOW or version.decided_at is None:
        return ShadowResults(version_id=str(version.id), code=version.code,
                             number=version.number, since=None, decisions=0, fired=0,
                             live_fired=0, events=())  # fmt: skip
    since = version.decided_at
    decisions = Decision.objects.filter(occurred_at__gte=since)
    fired = _with_key(decisions, "shadow_fired", f"{version.code}@shadow")
    live_fired = _with_key(fired, "fired", version.code)
    latest = fired.order_by("-occurred_at", "-id")[:limit]
    shown = tuple(
        ShadowEvent(
            decision_id=str(d.id), occurred_at=d.occurred_at, kind=d.kind,
            direction=d.direction, amount=d.amount, currency=d.currency, channel=d.channel,
            outcome=d.outcome, live_fired=version.code in (d.fired or ()),
            seen=dict(_finding(d.findings, version.code).get("seen") or {}),
        )
        for d in latest
    )  # fmt: skip
    return ShadowResults(
        version_id=str(version.id), code=version.code, number=version.number, since=since,
        decisions=decisions.count(), fired=fired.count(), live_fired=live_fired.count(),
        events=shown,
    )  # fmt: skip
