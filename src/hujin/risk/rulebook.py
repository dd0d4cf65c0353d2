"""The rule store's writes: a rule's new version, its proposal for shadow or live, its retirement,
and what the checker's approval does.

A version is written as a ``draft`` by an analyst holding ``risk.edit_rules``; its condition is
parsed and checked when it is written, so a version that exists always parses. Putting a version
in force (``shadow`` or ``live``) and taking one out (``retired``) are one maker-checker action,
``risk.rule_put_in_force``: the analyst proposes, another person holding ``risk.approve_rules``
approves in the approvals inbox, and only then does what is in force change — turning a control
off is as sensitive as turning it on. A draft proposed goes ``proposed``; a version in shadow
proposed live, or a version in force proposed for retirement, stays where it is (it keeps deciding,
or being tried, while the checker decides) with ``proposed_state`` saying what was asked.

The approval (``rule_put_in_force_execute``, inside the approval's transaction) moves the version
and retires the one it replaces, and raises the rule set's generation in the same transaction:
every process reads the rules in force again from its next event. A rejected proposal leaves the
version ``rejected``; a withdrawn one puts a draft back to ``draft`` (``rule_proposal_closed``,
on the approvals' events).

Every write here is one transaction with its audit entry and its event."""

import re
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hujin.core.actors import Actor, require_scope, system_actor
from hujin.core.approvals import approval_get, approval_request
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.models import ApprovalRequest, ApprovalStatus
from hujin.core.text import TextRefused, text_cleaned
from hujin.risk import events
from hujin.risk.errors import RuleInvalid, RuleNotFound, RuleStateInvalid
from hujin.risk.expressions import expression_parse
from hujin.risk.inforce import generation_raise
from hujin.risk.models import (
    DRAFT,
    IN_FORCE,
    LIVE,
    PROPOSED,
    REJECTED,
    RETIRED,
    SHADOW,
    RuleVersion,
)
from hujin.risk.permissions import EDIT_RULES

ACTION = "risk.rule_put_in_force"  # the maker-checker action (payload: version, code, target)
TARGET = "risk.rule_version"  # audit and approvals' target type
TARGETS = (SHADOW, LIVE, RETIRED)
OUTCOMES = ("allow", "review", "block", "alert")
# The shipped rules' codes have hyphens (LV-CASH); an analyst's code may have them too.
CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9_-]{2,63}")
LIMITS = {"name_en": 200, "name_zh": 200, "reason_en": 300, "reason_zh": 300, "source": 300,
          "note": 500}  # fmt: skip
ACTOR = system_actor("risk")  # closes a proposal the approvals rejected or that was withdrawn


def person_id(actor: Actor) -> uuid.UUID | None:
    """The person behind ``actor`` as the versions keep them (a user's id), or None."""
    try:
        return uuid.UUID(str(actor.id))
    except ValueError:
        return None


def _text(value, field: str, *, required: bool = True) -> str:
    try:
        return text_cleaned(value, min_length=1 if required else 0, max_length=LIMITS[field])
    except TextRefused as refused:
        raise RuleInvalid(details={"field": field, "max_length": LIMITS[field],
                                   "problem": refused.problem}) from None  # fmt: skip


def _checked(*, code, outcome, score, texts: dict) -> dict:
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise RuleInvalid(details={"field": "code"})
    if outcome not in OUTCOMES:
        raise RuleInvalid(details={"field": "outcome"})
    if type(score) is not int or not 0 <= score <= 100:
        raise RuleInvalid(details={"field": "score"})
    optional = ("source", "note")
    return {f: _text(v, f, required=f not in optional) for f, v in texts.items()}


def condition_text(condition) -> str:
    """The condition as kept: its lines as written, without the blank space around it (the
    positions of an error are counted in this text)."""
    return "\n".join(str(condition or "").replace("\r\n", "\n").strip().split("\n"))


def rule_version_write(
    *, actor: Actor, code: str, name_en: str, name_zh: str, condition: str, outcome: str,
    score: int, reason_en: str, reason_zh: str, source: str = "", note: str = "", now: datetime,
    new: bool = False,
) -> RuleVersion:  # fmt: skip
    """Write a new ``draft`` version of the rule ``code`` (a new code starts at version 1;
    with ``new``, a code that has versions is refused: the editor of a new rule never adds to
    another's). Raises PermissionDenied, RuleInvalid (``details.field``; ``code`` with
    ``reason`` "exists"), ExpressionInvalid (``line``, ``column``, and ``name`` for an unknown
    name): then nothing is written."""
    require_scope(actor, EDIT_RULES)
    texts = _checked(code=code, outcome=outcome, score=score, texts={
        "name_en": name_en, "name_zh": name_zh, "reason_en": reason_en, "reason_zh": reason_zh,
        "source": source, "note": note,
    })  # fmt: skip
    condition = condition_text(condition)
    expression_parse(condition)
    for attempt in range(3):  # two analysts writing the same rule at once: the later one retries
        try:
            with transaction.atomic():
                last = (RuleVersion.objects.filter(code=code).order_by("-number")
                        .values_list("number", flat=True).first())  # fmt: skip
                if new and last is not None:
                    raise RuleInvalid(details={"field": "code", "reason": "exists"})
                version = RuleVersion(
                    code=code, number=(last or 0) + 1, condition=condition, outcome=outcome,
                    score=score, state=DRAFT, written_by=person_id(actor), written_at=now,
                    **texts,
                )  # fmt: skip
                version.save(force_insert=True)
                version_written_record(actor, version, now)
            return version
        except IntegrityError:
            if attempt == 2:
                raise RuleStateInvalid(details={"field": "code", "state": "busy"}) from None
    raise AssertionError("unreachable")


def version_written_record(actor: Actor, version: RuleVersion, now: datetime) -> None:
    after = {
        "code": version.code, "number": version.number, "condition": version.condition,
        "outcome": version.outcome, "score": version.score, "state": version.state,
    }  # fmt: skip
    audit_record(actor=actor, action="risk.rule_version_written", target_type=TARGET,
                 target_id=str(version.id), occurred_at=now, after=after)  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(version.id),
        event_type=events.RULE_VERSION_WRITTEN, occurred_at=now,
        payload={"version_id": str(version.id), "code": version.code, "number": version.number,
                 "outcome": version.outcome, "score": version.score,
                 "written_by": str(version.written_by or "")},
    )  # fmt: skip


def _locked(version_id) -> RuleVersion:
    try:
        version = RuleVersion.objects.select_for_update().filter(id=version_id).first()
    except (ValidationError, ValueError, TypeError):
        version = None
    if version is None:
        raise RuleNotFound(details={"version_id": str(version_id)})
    return version


def _propose(actor: Actor, version: RuleVersion, target: str, reason: str, now) -> RuleVersion:
    request = approval_request(
        actor=actor, action=ACTION, target_type=TARGET, target_id=str(version.id),
        payload={"version_id": str(version.id), "code": version.code,
                 "number": version.number, "target": target},
        reason=reason, now=now,
    )  # fmt: skip
    before = {"state": version.state, "proposed_state": version.proposed_state}
    if version.state == DRAFT:
        version.state = PROPOSED
    version.proposed_state = target
    version.save(update_fields=["state", "proposed_state"])
    after = {"state": version.state, "proposed_state": target, "approval_id": str(request.id)}
    audit_record(
        actor=actor, action="risk.rule_version_proposed", target_type=TARGET,
        target_id=str(version.id), occurred_at=now, before=before, after=after,
    )  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(version.id),
        event_type=events.RULE_VERSION_PROPOSED, occurred_at=now,
        payload={"version_id": str(version.id), "code": version.code, "number": version.number,
                 "target": target, "approval_id": str(request.id)},
    )  # fmt: skip
    return version


def rule_version_propose(
    *, actor: Actor, version_id, target: str, reason: str, now: datetime
) -> RuleVersion:
    """Ask a checker to put the version in ``target`` (``shadow`` or ``live``): a draft, or
    (for ``live``) the version in shadow. Raises PermissionDenied, RuleInvalid (``target``),
    RuleNotFound, RuleStateInvalid, and the approvals' ApprovalReasonRequired."""
    require_scope(actor, EDIT_RULES)
    if target not in (SHADOW, LIVE):
        raise RuleInvalid(details={"field": "target"})
    with transaction.atomic():
        version = _locked(version_id)
        movable = version.state == DRAFT or (version.state == SHADOW and target == LIVE)
        if not movable or version.proposed_state:
            raise RuleStateInvalid(details={"state": version.state, "target": target,
                                            "proposed_state": version.proposed_state})  # fmt: skip
        return _propose(actor, version, target, reason, now)


def rule_retire(*, actor: Actor, code: str, state: str, reason: str, now: datetime) -> RuleVersion:
    """Ask a checker to take the rule's version in ``state`` (``shadow`` or ``live``) out of
    force. Raises PermissionDenied, RuleInvalid (``state``), RuleNotFound (no version of the
    rule there), RuleStateInvalid (a change of it already waits), ApprovalReasonRequired."""
    require_scope(actor, EDIT_RULES)
    if state not in IN_FORCE:
        raise RuleInvalid(details={"field": "state"})
    with transaction.atomic():
        version = RuleVersion.objects.select_for_update().filter(code=code, state=state).first()
        if version is None:
            raise RuleNotFound(details={"code": str(code)[:64], "state": state})
        if version.proposed_state:
            raise RuleStateInvalid(details={"state": version.state, "target": RETIRED,
                                            "proposed_state": version.proposed_state})  # fmt: skip
        return _propose(actor, version, RETIRED, reason, now)


def _moved(version: RuleVersion, to: str, changes: list) -> None:
    changes.append({"version_id": str(version.id), "number": version.number,
                    "from": version.state, "to": to})  # fmt: skip
    version.state, version.proposed_state = to, ""


def in_force_changed_record(
    actor: Actor, code: str, changes: list, generation: int, now: datetime, *, approval_id=""
) -> None:
    audit_record(actor=actor, action="risk.rule_in_force_changed", target_type=TARGET,
                 target_id=changes[-1]["version_id"], occurred_at=now,
                 after={"code": code, "changes": changes, "generation": generation,
                        "approval_id": approval_id})  # fmt: skip
    event_emit(aggregate_type="risk.rule", aggregate_id=code,
               event_type=events.RULE_IN_FORCE_CHANGED, occurred_at=now,
               payload={"code": code, "changes": changes, "generation": generation,
                        "approval_id": approval_id})  # fmt: skip


def rule_put_in_force_execute(*, request, actor: Actor, now: datetime) -> None:
    """Run by approvals when a checker approves ``risk.rule_put_in_force`` (in its transaction):
    the version goes to the target, the one it replaces is retired, the generation rises.
    Raises RuleNotFound, RuleStateInvalid, ExpressionInvalid (then nothing is approved)."""
    payload = request.payload
    target = payload.get("target")
    locked = RuleVersion.objects.select_for_update().filter(code=payload.get("code"))
    versions = list(locked.order_by("pk"))  # every version of the rule, in one order
    version = next((v for v in versions if str(v.id) == payload.get("version_id")), None)
    if version is None or target not in TARGETS:
        raise RuleNotFound(details={"version_id": str(payload.get("version_id"))})
    allowed = {SHADOW: (PROPOSED,), LIVE: (PROPOSED, SHADOW), RETIRED: IN_FORCE}[target]
    if version.proposed_state != target or version.state not in allowed:
        raise RuleStateInvalid(details={"state": version.state, "target": target})
    expression_parse(version.condition)  # what goes in force must parse in every process
    changes: list[dict] = []
    if target != RETIRED:
        for other in versions:
            if other is not version and other.state == target:
                _moved(other, RETIRED, changes)
                other.save(update_fields=["state", "proposed_state"])  # frees the slot first
    _moved(version, target, changes)
    version.decided_by, version.decided_at = person_id(actor), now
    version.save(update_fields=["state", "proposed_state", "decided_by", "decided_at"])
    generation = generation_raise(now)
    in_force_changed_record(actor, version.code, changes, generation, now,
                            approval_id=str(request.id))  # fmt: skip


def rule_proposal_closed(event) -> None:
    """approval.rejected / approval.cancelled of ``risk.rule_put_in_force``: a proposed draft
    goes ``rejected`` (or back to ``draft`` when the maker withdrew it); a version in force keeps
    its state and forgets what was asked. Idempotent (a request asked again since is left
    alone)."""
    payload = event.payload
    if payload.get("action") != ACTION:
        return
    with transaction.atomic():
        version = RuleVersion.objects.select_for_update().filter(id=payload["target_id"]).first()
        if version is None or not version.proposed_state:
            return
        pending = ApprovalRequest.objects.filter(
            action=ACTION, target_type=TARGET, target_id=str(version.id),
            status=ApprovalStatus.PENDING,
        )  # fmt: skip
        if pending.exists():
            return
        rejected = payload.get("status") == ApprovalStatus.REJECTED
        before = {"state": version.state, "proposed_state": version.proposed_state}
        if version.state == PROPOSED:
            version.state = REJECTED if rejected else DRAFT
        version.proposed_state = ""
        fields = ["state", "proposed_state"]
        if rejected:
            request = approval_get(id=payload["approval_id"])
            version.decided_at = request.decided_at or event.occurred_at
            version.decided_by = _uuid_or_none(request.checker_id)
            fields += ["decided_by", "decided_at"]
        version.save(update_fields=fields)
        after = {"state": version.state, "approval_id": payload["approval_id"],
                 "approval_status": payload.get("status")}  # fmt: skip
        audit_record(actor=ACTOR, action="risk.rule_proposal_closed", target_type=TARGET,
                     target_id=str(version.id), occurred_at=event.occurred_at, before=before,
                     after=after)  # fmt: skip
        event_emit(aggregate_type=TARGET, aggregate_id=str(version.id),
                   event_type=events.RULE_PROPOSAL_CLOSED, occurred_at=event.occurred_at,
                   payload={"version_id": str(version.id), "code": version.code,
                            "number": version.number, "state": version.state})  # fmt: skip


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
