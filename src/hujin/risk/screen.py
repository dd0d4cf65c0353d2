"""The rules in force screen every money movement before it happens (``hujin.core.screening``).

Inside the movement's transaction, for each side of it — the customer it belongs to and, for a
transfer between customers, the payee receiving it — the screen:

1. locks the side's subjects (``windows_store.subjects_lock``), so that two movements of one
   customer take turns however many processes serve them;
2. reads what the rules in force read of the event and nothing more: the movement's values,
   the customer's type and age, when the customer last moved money and whether the counterparty
   is new to them, and every window aggregate, in one statement;
3. decides (``deciding.event_decide``) and keeps the decision with every rule's finding, the
   alerts of the rules that fired with ``alert``, and the event in the windows.

The sides' strongest outcome is the screen's answer: ``block`` refuses the movement, ``review``
holds it for an analyst (payments' review queue), anything else lets it go. A refused
movement's transaction rolls back with all of that; ``on_refused`` then keeps its decisions
(not its window entries: money that did not move is not counted) with an alert for the analyst.
"""

import threading
import uuid
from dataclasses import dataclass

from hujin.core.context import current as request_context
from hujin.core.dates import calendar_date_at
from hujin.core.screening import ALLOW, REFUSE, REVIEW, Movement, Verdict
from hujin.customers.selectors import customers_risk_facts
from hujin.risk import screen_facts, windows_store
from hujin.risk.deciding import BLOCK, LIVE, event_decide
from hujin.risk.deciding import REVIEW as RULE_REVIEW
from hujin.risk.deciding import Decision as RuleDecision
from hujin.risk.decisions import ToKeep, decisions_keep
from hujin.risk.inforce import (
    InForce,
    RuleInForce,
    rules_any_in_force,
    rules_in_force,
    rules_in_force_at,
    rules_last_known,
    stamp_of,
)
from hujin.risk.movements import movement_values
from hujin.risk.types import Aggregate
from hujin.risk.windows import WindowEvent
from hujin.risk.windows_sql import (
    KNOWN,
    LAST_AT,
    NIGHT,
    WATCHLIST,
    SideAsked,
    SideRead,
    sides_read,
)

SCREEN = "risk"
# Before payments' limits (order 10): the rules' locks on a movement's subjects are the first
# locks it takes however payments books it — its two-round-trip booking raises the limits'
# totals after the screens — so that the two ways never wait on each other in a circle.
ORDER = 5
_VERDICT = {BLOCK: REFUSE, RULE_REVIEW: REVIEW}
# The decisions of the movement this thread's screen refused, until ``on_refused`` keeps them
# (the same movement object comes back to it; a later screen replaces what was never kept).
_refused = threading.local()


@dataclass(frozen=True, slots=True)
class Side:
    customer_id: uuid.UUID
    event: WindowEvent
    known: dict  # what the caller knows beyond the movement (the payee side's direction...)


class Lazy:
    """A value that costs a read, read the first time a rule's condition gets to it."""

    __slots__ = ("read",)

    def __init__(self, read):
        self.read = read


class StoreFacts:
    """An event's facts: its values (some ``Lazy``), and the aggregates read for it."""

    def __init__(self, values: dict, aggregates: dict[Aggregate, int]):
        self.values, self.aggregates = values, aggregates

    def value(self, name: str):
        value = self.values.get(name)
        if isinstance(value, Lazy):
            value = self.values[name] = value.read()
        return value

    def aggregate(self, aggregate: Aggregate) -> int:
        return self.aggregates.get(aggregate, 0)


def risk_in_force() -> bool:
    return rules_any_in_force()


def risk_screen(movement: Movement) -> Verdict:
    """The rules in force on ``movement`` (``hujin.core.screening``)."""
    sides = movement_sides(movement)
    in_force = _in_force_locked(sides)
    if not in_force.rules:
        return Verdict(ALLOW)
    decided = _sides_decide(in_force, movement, sides)
    strongest = max((d for _, d in decided), key=lambda d: _rank(d.outcome))
    if strongest.outcome == BLOCK:
        _refused.pending = (movement, decided, in_force)
        return _verdict(strongest, in_force, decision_ids=[])
    # Held for review, the money has left the payer (held on their wallet) and not reached the
    # payee: the payee's side is decided and counted when a reviewer releases it
    # (``risk_payee_released``), as money in on that day.
    kept = decided[:1] if strongest.outcome == RULE_REVIEW else decided
    event_id = movement.reference or uuid.uuid4()  # the payment's id: undone if it fails
    entries = windows_store.entries_insert(*(side.event for side, _ in kept), event_id=event_id)
    ids = _keep(kept, movement, in_force, event_id, refused=False, also=(entries,))
    return _verdict(strongest, in_force, decision_ids=ids)


def risk_payee_released(movement: Movement) -> bool:
    """A transfer the rules held, released by a reviewer: its payee's side decided and counted
    now (in the caller's transaction), once however often it is asked (False: it was already).
    ``movement`` is the transfer as its payer made it, at the release's moment."""
    (_, theirs) = movement_sides(movement)
    in_force = _in_force_locked([theirs])
    event_id = movement.reference
    if windows_store.entries_counted(event_id=event_id, direction="in"):
        return False
    if in_force.rules:
        _keep(_sides_decide(in_force, movement, [theirs]), movement, in_force, event_id,
              refused=False)  # fmt: skip
    windows_store.entries_record(theirs.event, event_id=event_id)
    return True


def _in_force_locked(sides: list) -> InForce:
    """The rules in force, the sides' subjects locked (what their windows count under). On
    PostgreSQL the statement taking the locks reads the rules' generation too: the rules this
    process knows decide which subjects it locks, and when the generation moved since, the
    rules are read again and what they count under locked as well (locks taken twice are
    held once)."""
    known = rules_last_known() or rules_in_force()
    stamp = _subjects_lock(known, sides)
    if stamp is None:  # SQLite: no locks to take, the generation read on its own
        return rules_in_force()
    if stamp_of(stamp) == (known.generation, known.token):
        return known
    fresh = rules_in_force_at(stamp_of(stamp))
    if _pers(fresh) - _pers(known):
        _subjects_lock(fresh, sides)
    return fresh


def _pers(in_force: InForce) -> set:
    return {"customer"} | {a.per for a in in_force.aggregates}


def _subjects_lock(in_force: InForce, sides: list):
    locked = _pers(in_force)
    return windows_store.subjects_lock(
        (per, subject) for side in sides for per, subject in side.event.keys.items()
        if per in locked
    )  # fmt: skip


def _sides_decide(in_force: InForce, movement: Movement, sides: list) -> list:
    """Each side's decision (its subjects locked: ``_in_force_locked``), the sides' windows
    read in one statement."""
    facts = customers_risk_facts(customer_ids=[side.customer_id for side in sides])
    reads = sides_read([_side_asked(in_force, side, movement) for side in sides])
    decided = []
    for side, read in zip(sides, reads, strict=True):
        values = movement_values(movement, known=side.known)
        values.update(_customer_values(in_force, side, facts.get(side.customer_id), movement,
                                       read))  # fmt: skip
        decided.append((side, event_decide(in_force.rules, StoreFacts(values, read.aggregates),
                                           modes=in_force.modes)))  # fmt: skip
    return decided


def risk_refused(movement: Movement, _decision) -> None:
    """Keep the decisions of a movement the rules refused (in the transaction keeping its
    refusal), with an alert for each live rule that fired."""
    pending = getattr(_refused, "pending", None)
    _refused.pending = None
    if pending is not None and pending[0] is movement:
        _, decided, in_force = pending
        _keep(decided, movement, in_force, movement.reference or uuid.uuid4(), refused=True)


def _keep(decided: list, movement: Movement, in_force: InForce, event_id: uuid.UUID, *,
          refused: bool, also: tuple = ()) -> list[uuid.UUID]:  # fmt: skip
    """Keep each side's decision (with the inserts ``also``, in one statement): alerts for the
    rules that fired with ``alert``, or for every live rule that fired when the movement was
    refused."""
    return decisions_keep(
        [ToKeep(side.customer_id, side.event, d, d.fired if refused else d.alerts)
         for side, d in decided],
        in_force=in_force, event_id=event_id, currency=movement.currency,
        channel=movement.channel, also=also,
    )  # fmt: skip


def movement_sides(movement: Movement) -> list[Side]:
    """The movement as each customer it touches sees it: its customer's side, and for a
    transfer between customers the payee's (money in, from the payer)."""
    ip = request_context().ip
    ip_subject = windows_store.subject_of("ip", ip) if ip else ""
    counterparty = _counterparty(movement)
    own = Side(
        customer_id=movement.customer_id,
        event=WindowEvent(
            occurred_at=movement.occurred_at,
            kind=movement.kind,
            direction=movement.direction,
            amount=movement.amount_minor,
            counterparty=counterparty,
            keys={
                "customer": str(movement.customer_id),
                "ip": ip_subject,
                "counterparty": counterparty,
            },
        ),
        known={},
    )
    payee = (movement.counterparty or {}).get("customer_id")
    if not payee or movement.kind != "transfer":
        return [own]
    theirs = Side(
        customer_id=uuid.UUID(str(payee)),
        event=_payee_side_event(payer_id=movement.customer_id, payee_id=payee,
                               amount=movement.amount_minor, at=movement.occurred_at),
        known={"direction": "in"},
    )  # fmt: skip
    return [own, theirs]


def _payee_side_event(*, payer_id, payee_id, amount: int, at) -> WindowEvent:
    """A transfer between customers as its payee sees it: money in, from the payer."""
    return WindowEvent(
        occurred_at=at, kind="transfer", direction="in", amount=amount,
        counterparty=str(payer_id),
        keys={"customer": str(payee_id), "counterparty": str(payer_id)},
    )  # fmt: skip


def _counterparty(movement: Movement) -> str:
    other = movement.counterparty or {}
    if other.get("customer_id"):
        return str(other["customer_id"])
    if other.get("card_id"):
        return f"card:{other['card_id']}"
    return ""


_FACTS = {
    "customer.days_inactive": LAST_AT,
    "counterparty.new": KNOWN,
    "customer.night_share": NIGHT,
    "watchlist.hit": WATCHLIST,
}


def _side_asked(in_force: InForce, side: Side, movement: Movement) -> SideAsked:
    """What the side reads of the windows (``windows_sql``, both sides in one statement): only
    what the rules in force read."""
    other = side.event.counterparty
    watched = (side.customer_id, *((other,) if movement.kind == "transfer" and other else ()))
    return SideAsked(
        in_force.aggregates, side.event.keys, side.event.occurred_at,
        facts=frozenset(_FACTS[n] for n in in_force.names if n in _FACTS),
        counterparty=other, watched=watched,
    )  # fmt: skip


def _customer_values(in_force: InForce, side: Side, facts, movement: Movement,
                     read: SideRead) -> dict:  # fmt: skip
    """What the rules in force read of the side's customer and counterparty (only that: each
    may cost a read; ``screen_facts``)."""
    names, at = in_force.names, side.event.occurred_at
    subject, other = side.event.keys["customer"], side.event.counterparty
    values = {"counterparty.cross_border": False}
    if facts is not None:
        values["customer.type"] = facts.type
        values["customer.account_age_days"] = max((at - facts.opened_at).days, 0)
        if facts.birth_date is not None:
            values["customer.age"] = facts.age_on(calendar_date_at(at))
        if "device.new" in names and side.event.direction == movement.direction:
            user_id = facts.user_id  # read when a rule gets that far (a withdrawal's, as a rule)
            values["device.new"] = Lazy(lambda: screen_facts.device_new(user_id, at=at))
    if "customer.days_inactive" in names:
        last = read.last_at
        values["customer.days_inactive"] = (at - last).days if last is not None else None
    if read.known is not None:
        values["counterparty.new"] = not read.known
    if read.night is not None:
        values["customer.night_share"] = screen_facts.night_share(*read.night)
    if "counterparty.in_cycle" in names and movement.kind == "transfer":
        values["counterparty.in_cycle"] = side.event.direction == "out" and \
            screen_facts.in_cycle(subject, other, at=at)  # fmt: skip
    if "card.bound_today" in names:
        values["card.bound_today"] = screen_facts.card_bound_today(movement.counterparty or {},
                                                                   at=at)  # fmt: skip
    if read.watchlist is not None:
        values["watchlist.hit"] = read.watchlist
    return values


def _rank(outcome: str) -> int:
    return {BLOCK: 2, RULE_REVIEW: 1}.get(outcome, 0)


def _verdict(decision: RuleDecision, in_force: InForce, *, decision_ids: list) -> Verdict:
    outcome = _VERDICT.get(decision.outcome, ALLOW)
    details = {"score": decision.score, "fired": list(decision.fired),
               "decisions": [str(i) for i in decision_ids]}  # fmt: skip
    if outcome == ALLOW:
        return Verdict(ALLOW, details=details)
    rule = _deciding_rule(decision, in_force)
    reason = f"{rule.reason_en} · {rule.reason_zh}"  # the reviewer reads it in either language
    return Verdict(outcome, code=f"risk.rule.{rule.code}", message=reason, details=details)


def _deciding_rule(decision: RuleDecision, in_force: InForce) -> RuleInForce:
    """The first live rule that fired with the decision's outcome."""
    by_key = {rule.key: rule for rule in in_force.rules}
    return next(by_key[f.code] for f in decision.findings
                if f.fired and f.mode == LIVE and f.outcome == decision.outcome)  # fmt: skip
