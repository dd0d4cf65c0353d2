"""One decision over one event: every rule evaluated, the live ones deciding.

``event_decide(rules, facts)`` evaluates each rule's condition on the event's facts and
returns a ``Decision``:

- the **outcome** is the strongest among the live rules that fired: ``block`` > ``review``
  (hold the movement for an analyst) > ``allow``; a rule whose outcome is ``alert`` raises an
  alert and never holds or blocks anything, one whose outcome is ``review`` raises an alert
  too (the held movement is in payments' review queue, the alert in the analyst's);
- the **score** is the sum of the fired live rules' score contributions, capped at 100;
- a rule in **shadow** mode is evaluated and recorded exactly as a live one, and never counts
  towards the outcome, the score or the alerts: that is how a rule is tried before it decides;
- every rule's **finding** is kept — fired or not, or failed (``EvaluationFailed``: a division
  by zero, a number out of range), with the values it read — so that why it fired, or did not,
  can be read months later. A failed rule never fires; the others still decide.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from hujin.risk.errors import EvaluationFailed
from hujin.risk.expression_nodes import Facts

LIVE, SHADOW = "live", "shadow"
BLOCK, REVIEW, ALERT, ALLOW = "block", "review", "alert", "allow"
_STRENGTH = {ALLOW: 0, ALERT: 0, REVIEW: 1, BLOCK: 2}
MAX_SCORE = 100


@dataclass(frozen=True, slots=True)
class Finding:
    """What one rule found on the event: ``fired``, or ``failed`` with the reason; ``seen``
    holds every value its condition read."""

    code: str
    mode: str
    outcome: str
    fired: bool
    failed: str = ""
    seen: dict | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str
    score: int
    alerts: tuple[str, ...]  # the live rules that fired with outcome ``alert`` or ``review``
    findings: tuple[Finding, ...]

    @property
    def fired(self) -> tuple[str, ...]:
        """The codes of the live rules that fired, in the rules' order."""
        return tuple(f.code for f in self.findings if f.fired and f.mode == LIVE)


def event_decide(rules: Iterable, facts: Facts, *, modes: dict[str, str] | None = None) -> Decision:
    """Decide on one event. ``rules``: objects with ``code``, ``condition`` (an
    ``Expression``), ``outcome`` and ``score`` (the shipped rules, or the rules in force), and
    a ``key`` where it differs from the code (a shadow version beside the live one);
    ``modes``: each rule's mode by its key (``live`` when not given)."""
    modes = modes or {}
    findings, outcome, score, alerts = [], ALLOW, 0, []
    for rule in rules:
        key = getattr(rule, "key", rule.code)  # a shadow version is told from the live one
        mode = modes.get(key, LIVE)
        try:
            evaluated = rule.condition.evaluate(facts)
        except EvaluationFailed as error:
            findings.append(Finding(key, mode, rule.outcome, False, str(error.message)))
            continue
        findings.append(Finding(key, mode, rule.outcome, evaluated.result, "",
                                evaluated.seen))  # fmt: skip
        if not evaluated.result or mode != LIVE:
            continue
        score += rule.score
        if rule.outcome in (ALERT, REVIEW):  # a held movement is an analyst's work too
            alerts.append(rule.code)
        if rule.outcome != ALERT and _STRENGTH[rule.outcome] > _STRENGTH[outcome]:
            outcome = rule.outcome
    return Decision(outcome=outcome, score=min(score, MAX_SCORE), alerts=tuple(alerts),
                    findings=tuple(findings))  # fmt: skip
