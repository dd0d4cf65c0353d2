"""The rules in force: the versions live or in shadow, parsed once per generation.

Every change of what is in force (a version put live or in shadow, retired) raises
``RuleSet.generation`` in the change's own transaction (``generation_raise``). A process keeps
the rules it parsed for the generation it read; ``rules_in_force()`` reads the number and its
token (one small row) and parses again only when they moved, so every process decides on the
rules in force from the next event after the change commits. (The token is new with every
raise: a number raised in a transaction that rolled back comes again, a token never does.)

``rules_any_in_force()`` answers, without a round trip, whether any rule was in force at the
last read of this process, or in the last ``RECHECK`` seconds: what lets payments keep its
two-round-trip paths while no rule is in force at all (``hujin.core.screening``). The process
that makes a change forgets its answer when the change commits; the others learn it within
``RECHECK``.
"""

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F

from hujin.core.sql import Dialect, hot_rows
from hujin.risk.expressions import Expression, expression_parse
from hujin.risk.models import IN_FORCE, LIVE, RuleSet, RuleVersion
from hujin.risk.types import Aggregate

RECHECK = 2.0  # seconds a process trusts its "no rule is in force" without reading it again


@dataclass(frozen=True, slots=True)
class RuleInForce:
    """One version in force, as ``deciding.event_decide`` takes it (``mode``: live or
    shadow)."""

    code: str
    number: int
    version_id: str
    mode: str
    condition: Expression
    outcome: str
    score: int
    reason_en: str
    reason_zh: str

    @property
    def key(self) -> str:
        """The rule's key in a decision: its code, and ``@shadow`` for a shadow version (a rule
        may have a live version and a newer one tried in shadow at once)."""
        return self.code if self.mode == LIVE else f"{self.code}@shadow"


@dataclass(frozen=True, slots=True)
class InForce:
    """The rules in force at one ``generation``; ``names`` and ``aggregates``: what any of
    them reads (what an evaluation has to find out, and nothing more)."""

    generation: int
    rules: tuple[RuleInForce, ...]
    names: frozenset = frozenset()
    aggregates: tuple[Aggregate, ...] = ()
    token: str = ""

    @property
    def modes(self) -> dict[str, str]:
        return {rule.key: rule.mode for rule in self.rules}


_cached: InForce | None = None
_any: tuple[bool, float] | None = None  # (any rule in force, when read: time.monotonic())


def generation_read() -> int:
    """The generation in force."""
    return _stamp()[0]


# The generation in force and its token: one row, read by every screen (on PostgreSQL in the
# statement that takes its locks: ``windows_store.subjects_lock``).
STAMP_SQL = "SELECT generation, token FROM risk_ruleset WHERE id = 1"


def _stamp() -> tuple[int, str]:
    rows = hot_rows(Dialect(), STAMP_SQL, [])
    return stamp_of(rows[0] if rows else None)


def stamp_of(row) -> tuple[int, str]:
    """A generation and its token from ``STAMP_SQL``'s row (none: nothing ever in force)."""
    return (row[0], row[1]) if row is not None and row[0] is not None else (0, "")


def rules_in_force() -> InForce:
    """The rules in force now (in the caller's transaction: the generation it sees)."""
    return rules_in_force_at(_stamp())


def rules_in_force_at(stamp: tuple[int, str]) -> InForce:
    """The rules in force at ``stamp`` (a generation and its token, as ``STAMP_SQL`` read them
    in the caller's transaction): parsed again only when it is not the one this process
    knows."""
    global _cached, _any
    generation, token = stamp
    cached = _cached
    if cached is None or (cached.generation, cached.token) != (generation, token):
        cached = _cached = _in_force(generation, token, _parsed())
    _any = (bool(cached.rules), time.monotonic())
    return cached


def rules_last_known() -> InForce | None:
    """The rules in force as this process last read them (None: not read since it started, or
    since a change it made): what a screen locks by before it reads the generation again."""
    return _cached


def rules_any_in_force() -> bool:
    """Whether any rule is in force, as this process last knew it (read again when the answer
    was "none" and is older than ``RECHECK``)."""
    known = _any
    if known is not None and (known[0] or time.monotonic() - known[1] < RECHECK):
        return known[0]
    return bool(rules_in_force().rules)


def generation_raise(now: datetime) -> int:
    """Raise the generation (inside the change's transaction); this process reads the rules
    again once it commits. Returns the new generation."""
    with transaction.atomic():
        RuleSet.objects.get_or_create(id=1)
        RuleSet.objects.filter(id=1).update(generation=F("generation") + 1, changed_at=now,
                                            token=uuid.uuid4().hex)  # fmt: skip
        transaction.on_commit(forget)
        return generation_read()


def forget() -> None:
    """Forget what this process knew of the rules in force (after a change, and in tests)."""
    global _cached, _any
    _cached, _any = None, None


def _in_force(generation: int, token: str, rules: tuple[RuleInForce, ...]) -> InForce:
    names = frozenset().union(*(rule.condition.names for rule in rules))
    aggregates = {a: None for rule in rules for a in rule.condition.aggregates}
    return InForce(generation, rules, names, tuple(aggregates), token)


def _parsed() -> tuple[RuleInForce, ...]:
    versions = RuleVersion.objects.filter(state__in=IN_FORCE).order_by("code", "state")
    return tuple(
        RuleInForce(
            code=v.code,
            number=v.number,
            version_id=str(v.id),
            mode=v.state,
            condition=expression_parse(v.condition),
            outcome=v.outcome,
            score=v.score,
            reason_en=v.reason_en,
            reason_zh=v.reason_zh,
        )
        for v in versions
    )
