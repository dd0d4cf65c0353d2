"""What became of the movements a report lists, and who was on their other side.

- **Status** (``completed``, ``held``, ``pending``, ``failed``, ``refused``): a movement the
  screen refused (its decision's outcome) never moved; for the others, the module that moved the
  money says (``hujin.core.screening.movement_outcomes``: payments' state — succeeded, under
  review, on its way, failed or rejected in review), whether or not its outbox has told risk
  yet. A movement no such module knows (screened but never made by payments, as the synthetic
  history's) stands while its window entries do.
- **Counterparty**: as the movement's window entries keep it (a customer's id, ``card:<id>``, or
  "" when the movement has none); once the entries are gone (a refused or failed movement, or
  pruned), from the decision of the transfer's other side (both sides share the event); when
  neither keeps it, ``None`` ("not kept": a refused card payment's card is not kept by risk).
"""

import uuid

from hujin.core.screening import (
    MOVEMENT_DONE,
    MOVEMENT_FAILED,
    MOVEMENT_HELD,
    MOVEMENT_PENDING,
    movement_outcomes,
)
from hujin.risk.models import Decision, WindowEntry

COMPLETED, HELD, PENDING, FAILED, REFUSED = "completed", "held", "pending", "failed", "refused"
STATUSES = (COMPLETED, HELD, PENDING, FAILED, REFUSED)
_OUTCOMES = {MOVEMENT_DONE: COMPLETED, MOVEMENT_HELD: HELD, MOVEMENT_PENDING: PENDING,
             MOVEMENT_FAILED: FAILED}  # fmt: skip
_REFUSE = "refuse"  # a decision's outcome when the screen refused the movement


def _entries(decisions) -> dict[uuid.UUID, str]:
    """decision id -> the counterparty its window entry keeps, for those with an entry."""
    wanted = {(d.event, str(d.customer_id)): d.id for d in decisions}
    rows = WindowEntry.objects.filter(
        per="customer", event__in={event for event, _ in wanted}
    ).values_list("event", "subject", "counterparty")
    return {wanted[(e, s)]: c for e, s, c in rows if (e, s) in wanted}


def movements_status(decisions) -> dict[uuid.UUID, str]:
    """decision id -> the status of its movement now (see the module's docstring)."""
    decisions = list(decisions)
    told = movement_outcomes({d.event for d in decisions})
    entries = _entries([d for d in decisions if d.event not in told])
    out = {}
    for d in decisions:
        if d.outcome == _REFUSE:
            out[d.id] = REFUSED
        elif d.event in told:
            out[d.id] = _OUTCOMES.get(told[d.event], PENDING)
        else:
            out[d.id] = COMPLETED if d.id in entries else FAILED
    return out


def counterparties(decisions) -> dict[uuid.UUID, str | None]:
    """decision id -> its counterparty (see the module's docstring); ``None``: not kept."""
    decisions = list(decisions)
    kept: dict[uuid.UUID, str | None] = dict(_entries(decisions))
    missing = [d for d in decisions if d.id not in kept]
    others: dict[uuid.UUID, list] = {}
    rows = Decision.objects.filter(event__in={d.event for d in missing}, kind="transfer")
    for event, customer_id in rows.values_list("event", "customer_id"):
        others.setdefault(event, []).append(customer_id)
    for d in missing:
        other = [c for c in others.get(d.event, []) if c and c != d.customer_id]
        kept[d.id] = str(other[0]) if d.kind == "transfer" and other else None
    return kept
