"""Screening of money movements before they happen: the interface every screen speaks.

A module that moves money (payments) describes each movement it is about to make as a
``Movement`` and asks ``movements_screen``; every registered screen answers ``allow``,
``review`` (hold it until a person decides) or ``refuse``, with a reason. The strongest answer
wins (refuse > review > allow) and every reason is kept with the movement.

Screens run inside the movement's transaction, so a screen may count what it lets through
(payments' limits do: their running totals rise in the same transaction as the ledger's
transfer and fall back if it rolls back). A screen must not call outside services.

Lower modules (risk) register their screens here at start-up with ``movement_screen_register``;
the module moving the money never imports them. Log-in attempts are told the same way: identity
calls ``logins_observe`` and risk registers an observer (``login_observer_register``).
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

logger = logging.getLogger(__name__)

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
    # The id the movement will be known by once made (its payment's), so that a screen can undo
    # what it counted of a movement that later fails.
    reference: uuid.UUID | None = None


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
InForce = Callable[[], bool]
Refused = Callable[[Movement, Decision], None]


@dataclass(frozen=True, slots=True)
class _Registered:
    order: int
    screen: Screen
    in_force: InForce | None
    on_refused: Refused | None


_screens: dict[str, _Registered] = {}


def movement_screen_register(
    name: str, screen: Screen, *, order: int = 100, in_force: InForce | None = None,
    on_refused: Refused | None = None,
) -> None:  # fmt: skip
    """Add ``screen`` (called with a ``Movement``, returning a ``Verdict``) under ``name``;
    registering a name again replaces it. Screens run by ``order``; a refusal stops the rest.

    ``in_force()``, when given, tells cheaply (no round trip, as a rule) whether the screen has
    anything to say at all now: a screen with nothing in force answers ``allow`` to everything,
    and a caller may leave it out (``movement_screens_in_force``). ``on_refused(movement,
    decision)`` is called by ``movement_refusal_keep`` in the transaction that keeps a refused
    movement's decision, after the movement's own transaction rolled back with everything the
    screens wrote in it."""
    _screens[name] = _Registered(order, screen, in_force, on_refused)


def movement_screen_names() -> frozenset[str]:
    """The names of the screens registered now."""
    return frozenset(_screens)


def movement_screens_in_force() -> frozenset[str]:
    """The names of the screens that may have something to say now (see ``in_force``)."""
    return frozenset(n for n, r in _screens.items() if r.in_force is None or r.in_force())


def movement_refusal_keep(movement: Movement, decision: Decision) -> None:
    """Let each screen keep what it needs of a refused movement (in the caller's transaction,
    after the movement's own rolled back)."""
    for _, registered in _ordered():
        if registered.on_refused is not None:
            registered.on_refused(movement, decision)


def _ordered() -> list[tuple[str, _Registered]]:
    return sorted(_screens.items(), key=lambda item: (item[1].order, item[0]))


def movements_screen(movement: Movement, *, only: frozenset[str] | None = None) -> Decision:
    """Run every registered screen on ``movement`` (in the caller's transaction); with
    ``only``, the screens of those names (a caller that decided the others itself, the same
    way: payments' short path decides its own limits)."""
    verdicts: list[Verdict] = []
    facts: dict = {}
    outcome = ALLOW
    for name, registered in _ordered():
        if only is not None and name not in only:
            continue
        screen = registered.screen
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


# --- log-ins ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Login:
    """One log-in attempt as identity saw it: ``user_id`` None for an account that does not
    exist; ``succeeded`` False for a wrong password (or a refused attempt)."""

    user_id: uuid.UUID | None
    ip: str
    user_agent: str
    succeeded: bool
    occurred_at: datetime


LoginObserver = Callable[[Login], None]
_login_observers: dict[str, LoginObserver] = {}


def login_observer_register(name: str, observer: LoginObserver) -> None:
    """Have ``observer(login)`` told of every log-in attempt, inside the transaction identity
    records it in (it must only read and write, never refuse: the attempt's own answer is
    identity's). Registering a name again replaces it."""
    _login_observers[name] = observer


def logins_observe(login: Login) -> None:
    """Tell every registered observer of ``login`` (identity calls it, in its transaction).
    Each runs in a savepoint of its own: an observer that fails is logged and undone, never the
    log-in's record (a lock-out must still count the failure)."""
    for name in sorted(_login_observers):
        try:
            with transaction.atomic():
                _login_observers[name](login)
        except Exception:
            logger.exception("login observer %s failed; the log-in is recorded without it", name)


# --- what became of screened movements ---------------------------------------------------------

# A screened movement's outcome as the module that moved the money knows it now.
MOVEMENT_DONE = "done"  # the money moved
MOVEMENT_HELD = "held"  # held for review: it may still move or be rejected
MOVEMENT_PENDING = "pending"  # on its way (or its answer not known yet)
MOVEMENT_FAILED = "failed"  # it did not move (failed, or rejected in review)
MovementOutcomes = Callable[[list[uuid.UUID]], dict[uuid.UUID, str]]
_outcome_sources: dict[str, MovementOutcomes] = {}


def movement_outcomes_register(name: str, outcomes: MovementOutcomes) -> None:
    """Have ``outcomes(references)`` answer what became of the movements it knows (by the
    ``Movement.reference`` they were screened with): ``{reference: "done" | "held" | "pending" |
    "failed"}``, leaving out the references it does not know. Registering a name again replaces
    it. The module that moves money registers it (payments), so that a lower module (risk) can
    ask without importing it."""
    _outcome_sources[name] = outcomes


def movement_outcomes(references) -> dict[uuid.UUID, str]:
    """What became of each movement ``references`` names, as the registered sources know it
    now; a reference no source knows is left out (a movement refused by its screen is never
    made, so no source knows it)."""
    wanted = [uuid.UUID(str(r)) for r in references]
    out: dict[uuid.UUID, str] = {}
    if not wanted:
        return out
    for name in sorted(_outcome_sources):
        out.update(_outcome_sources[name](wanted))
    return out
