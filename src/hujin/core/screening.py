"""Screening of money movements before they happen: the interface every screen speaks.

A module that moves money (payments) describes each movement it is about to make as a
``Movement`` and asks ``movements_screen``; every registered screen answers ``allow``,
``review`` (hold it until a person decides) or ``refuse``, with a reason. The strongest answer
wins (refuse > review > allow) and every reason is kept with the movement.

Screens run inside the movement's transaction, so a screen may count what it lets through
(payments' limits do: their running totals rise in the same transaction as the ledger's
transfer and fall back if it rolls back). A screen must not call outside services.

Lower modules (risk) register their screens here at start-up with ``movement_screen_register``;
the module moving the money never imports them.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

ALLOW = "allow"
REVIEW = "review"
REFUSE = "refuse"
_STRENGTH = {ALLOW: 0, REVIEW: 1, REFUSE: 2}


@dataclass(frozen=True, slots=True)
class Movement:
    """One movement of a customer's money about to happen. ``direction`` is ``in`` (money
    coming into the customer's wallet) or ``out``. ``counterparty``: what is known of the
    other side (``{"customer_id": ...}`` for a transfer, ``{"bank_code": ...}`` for a card)."""

    customer_id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    direction: str
    amount_minor: int
    currency: str
    occurred_at: datetime
    channel: str = ""
    counterparty: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A screen's answer. ``code`` is stable (``payments.limit.per_day``); ``message`` is for
    the customer or the reviewer, in their language; ``details`` are facts (amounts in fen)."""

    outcome: str
    screen: str = ""
    code: str = ""
    message: str = ""
    details: dict = field(default_factory=dict)

    def as_record(self) -> dict:
        return {"screen": self.screen, "outcome": self.outcome, "code": self.code,
                "message": str(self.message), "details": self.details}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    """The screens' joint answer: the strongest outcome and every verdict that was not a plain
    allow."""

    outcome: str
    verdicts: tuple[Verdict, ...] = ()
    # What the screens that allowed it said of it (``details`` by screen): what they counted.
    facts: dict = field(default_factory=dict)

    @property
    def refusal(self) -> Verdict | None:
        return next((v for v in self.verdicts if v.outcome == REFUSE), None)


Screen = Callable[[Movement], Verdict]
_screens: dict[str, tuple[int, Screen]] = {}


def movement_screen_register(name: str, screen: Screen, *, order: int = 100) -> None:
    """Add ``screen`` (called with a ``Movement``, returning a ``Verdict``) under ``name``;
    registering a name again replaces it. Screens run by ``order``; a refusal stops the rest."""
    _screens[name] = (order, screen)


def movement_screen_names() -> frozenset[str]:
    """The names of the screens registered now."""
    return frozenset(_screens)


def movements_screen(movement: Movement) -> Decision:
    """Run every registered screen on ``movement`` (in the caller's transaction)."""
    verdicts: list[Verdict] = []
    facts: dict = {}
    outcome = ALLOW
    for name, (_, screen) in sorted(_screens.items(), key=lambda item: (item[1][0], item[0])):
        verdict = screen(movement)
        if verdict.outcome not in _STRENGTH:
            raise ValueError(f"screen {name} answered {verdict.outcome!r}")
        if verdict.outcome == ALLOW and not verdict.code:
            facts[name] = verdict.details
            continue
        verdicts.append(verdict if verdict.screen else _named(verdict, name))
        if _STRENGTH[verdict.outcome] > _STRENGTH[outcome]:
            outcome = verdict.outcome
        if outcome == REFUSE:
            break
    return Decision(outcome=outcome, verdicts=tuple(verdicts), facts=facts)


def _named(verdict: Verdict, name: str) -> Verdict:
    return Verdict(outcome=verdict.outcome, screen=name, code=verdict.code,
                   message=verdict.message, details=verdict.details)  # fmt: skip
