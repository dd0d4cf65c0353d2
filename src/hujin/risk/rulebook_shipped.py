"""The house's initial rule set: the rules Hujin ships (``data/rules.json``) written into the
store and put in force at once.

This is the one way into force without a checker, and only the system takes it (``hujin risk
rules load-shipped [--shadow]``, ``make demo``): the rules are the house's own, reviewed in the
code that ships them, and written by nobody (``written_by`` None). It is audited like any other
change — one entry per version written and one per rule put in force, with their events, and
the generation raised once, all in one transaction. A code that already has a version is left
alone, so loading twice changes nothing, and an analyst's rule is never overwritten."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.risk.inforce import generation_raise
from hujin.risk.models import IN_FORCE, LIVE, RuleVersion
from hujin.risk.rulebook import in_force_changed_record, version_written_record
from hujin.risk.shipped import shipped_rules

NOTE = ""  # the version says it was shipped: written by nobody


@dataclass(frozen=True, slots=True)
class ShippedLoad:
    """What a load did: the codes written and put in ``state``, the codes left alone, and the
    generation in force after it (unchanged when nothing was written)."""

    state: str
    written: tuple[str, ...]
    kept: tuple[str, ...]
    generation: int | None


def shipped_rules_load(*, actor: Actor, now: datetime, state: str = LIVE) -> ShippedLoad:
    """Write every shipped rule whose code has no version yet as version 1 and put it in
    ``state`` (``live`` or ``shadow``). Only a system actor (a command, the demo) may.
    Raises PermissionDenied, ValueError (a state outside shadow and live)."""
    if getattr(actor, "kind", None) != "system":
        raise PermissionDenied(details={"required_actor": "system"})
    if state not in IN_FORCE:
        raise ValueError(f"shipped rules go live or in shadow, not {state!r}")
    rules = shipped_rules()
    written, kept = [], []
    with transaction.atomic():
        existing = set(
            RuleVersion.objects.select_for_update()
            .filter(code__in=[r.code for r in rules]).values_list("code", flat=True)
        )  # fmt: skip
        made = []
        for rule in rules:
            if rule.code in existing:
                kept.append(rule.code)
                continue
            version = RuleVersion(
                code=rule.code, number=1, name_en=rule.name["en"], name_zh=rule.name["zh-hans"],
                condition=rule.condition.text.strip(), outcome=rule.outcome, score=rule.score,
                reason_en=rule.reason["en"], reason_zh=rule.reason["zh-hans"],
                source=rule.source[:300], state=state, note=NOTE, written_by=None,
                written_at=now, decided_by=None, decided_at=now,
            )  # fmt: skip
            version.save(force_insert=True)
            version_written_record(actor, version, now)
            made.append(version)
            written.append(rule.code)
        generation = generation_raise(now) if made else None
        for version in made:
            change = {"version_id": str(version.id), "number": 1, "from": "", "to": state}
            in_force_changed_record(actor, version.code, [change], generation, now)
    return ShippedLoad(state=state, written=tuple(written), kept=tuple(kept), generation=generation)
