"""What the rules read of a money movement (``hujin.core.screening.Movement``): its values by
the names of the rules' language (``expressions.EVENT_VOCABULARY``).

``movement_values(movement, known=...)`` gives the movement's own values — amount, currency,
kind, direction, channel, the hour and the weekday in the business time zone (Asia/Shanghai by
default: a payment at 23:30 UTC is at 07:30 the next day there) and what kind of counterparty it
has — merged with what the caller knows of the customer, the device and the counterparty
(``known``, by the vocabulary's names). A name the caller does not know stays missing, which no
comparison finds true (``expressions``); a name outside the vocabulary is refused, so a typo in
the caller cannot silently turn a rule off.
"""

from hujin.core.dates import business_time_zone
from hujin.core.screening import Movement
from hujin.risk.expressions import EVENT_VOCABULARY


def movement_values(movement: Movement, *, known: dict | None = None) -> dict:
    """The values the rules read of ``movement``, with ``known`` (customer, device,
    counterparty facts by the vocabulary's names) merged in. Raises ValueError for a name of
    ``known`` outside the vocabulary."""
    local = movement.occurred_at.astimezone(business_time_zone())
    counterparty = movement.counterparty or {}
    if "customer_id" in counterparty:
        counterparty_kind = "customer"
    elif "card_id" in counterparty or "bank_code" in counterparty:
        counterparty_kind = "card"
    else:
        counterparty_kind = None
    values = {
        "amount": movement.amount_minor, "currency": movement.currency, "kind": movement.kind,
        "direction": movement.direction, "channel": movement.channel, "hour": local.hour,
        "weekday": local.isoweekday(), "counterparty.kind": counterparty_kind,
    }  # fmt: skip
    unknown = sorted(set(known or {}) - set(EVENT_VOCABULARY))
    if unknown:
        raise ValueError(f"not names of the rules' language: {', '.join(unknown)}")
    return {**values, **(known or {})}
