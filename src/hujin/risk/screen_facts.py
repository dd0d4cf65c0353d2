"""What the screen finds out about a movement beyond its own values and its windows, each only
when a rule in force reads it (``screen._customer_values`` asks): the share of the customer's
movements made at night, whether the money comes back to the payer through other customers, a
new device, a card bound today.

- **Night share**: the customer's movements of the last 90 days made between 00:00 and 06:00
  in the business time zone (counted by ``windows_sql``), as a share rounded half-even to 4
  places; missing for a customer without movements in that time (no habit to break).
- **In a cycle**: a transfer from A to B closes a cycle when B's money reached A through at
  least one other customer, in at most ``CYCLE_HOPS`` transfers between customers in the last
  ``CYCLE_DAYS`` days (B → C → A: A now pays B): one statement over the window entries, a
  layer of customers per transfer, each customer walked from once. Paying back someone who
  paid you (B → A, then A → B) is not a cycle, nor a walk that comes back through the payee.
- **New device**: identity recorded a log-in from a new device or address for the customer's
  login in the last ``NEW_DEVICE_HOURS`` hours.
- **Card bound today**: the card (payments says when it was bound) was bound on the movement's
  calendar day in the business time zone.
- **Watch-list hit** (read by ``windows_sql``): an alert of the screening lists on the customer
  or the payee is open or escalated.
- **Cross-border**: every movement Hujin makes now is domestic (cards of the mainland's banks,
  transfers between its own customers); a cross-border channel will say otherwise.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from hujin.core.dates import business_time_zone
from hujin.core.sql import Dialect, hot_rows
from hujin.identity.selectors import security_events_count

CYCLE_DAYS, CYCLE_HOPS = 30, 4
NEW_DEVICE_HOURS = 24
NEW_DEVICE_EVENT = "new_device_or_ip"  # identity's security event
_SHARE = Decimal("0.0001")


def night_share(at_night: int, every: int) -> Decimal | None:
    """The share of ``every`` movement made ``at_night``, or None for no movement at all."""
    if not every:
        return None
    return (Decimal(at_night) / Decimal(every)).quantize(_SHARE, rounding=ROUND_HALF_EVEN)


def _cycle_sql(hops: int) -> str:
    """The walk as one statement (PostgreSQL and SQLite): ``l1`` the customers the payee paid,
    each next layer the customers those paid that no earlier layer holds — each customer walked
    from once, however many ways lead to them; the payee never, nor the payer, who ends the walk
    (the payer may turn up in several layers: paid back directly, and through others)."""
    moved = ("e.per = 'customer' AND e.kind = 'transfer' AND e.direction = 'out' "
             "AND e.occurred_at > %(start)s AND e.occurred_at <= %(end)s "
             "AND e.counterparty <> '' AND e.counterparty <> %(payee)s")  # fmt: skip
    layers = [f"l1(c) AS (SELECT DISTINCT e.counterparty FROM risk_windowentry e "
              f"WHERE e.subject = %(payee)s AND {moved})"]  # fmt: skip
    for n in range(2, hops + 1):
        earlier = " UNION ".join(f"SELECT c FROM l{k}" for k in range(1, n))
        layers.append(
            f"l{n}(c) AS (SELECT DISTINCT e.counterparty FROM l{n - 1} p "
            f"JOIN risk_windowentry e ON e.subject = p.c WHERE p.c <> %(payer)s AND {moved} "
            f"AND (e.counterparty = %(payer)s OR e.counterparty NOT IN ({earlier})))"
        )
    found = " OR ".join(f"EXISTS (SELECT 1 FROM l{n} WHERE c = %(payer)s)"
                        for n in range(2, hops + 1))  # fmt: skip
    return f"WITH {', '.join(layers)} SELECT CASE WHEN {found} THEN 1 ELSE 0 END"


_CYCLE_SQL = _cycle_sql(CYCLE_HOPS)


def in_cycle(payer: str, payee: str, *, at: datetime) -> bool:
    """Whether ``payee``'s money reached ``payer`` through at least one other customer in the
    last ``CYCLE_DAYS`` days, in at most ``CYCLE_HOPS`` transfers (``_cycle_sql``)."""
    d = Dialect()
    start, end = d.datetime_in(at - timedelta(days=CYCLE_DAYS)), d.datetime_in(at)
    params = {"payee": payee, "payer": payer, "start": start, "end": end}
    return bool(hot_rows(d, _CYCLE_SQL, params)[0][0])


def device_new(user_id, *, at: datetime) -> bool:
    since = at - timedelta(hours=NEW_DEVICE_HOURS)
    return security_events_count(user_id=user_id, since=since, kind=NEW_DEVICE_EVENT) > 0


def card_bound_today(counterparty: dict, *, at: datetime) -> bool | None:
    """Whether the movement's card was bound on its calendar day; None for no card."""
    bound_at = counterparty.get("bound_at")
    if not counterparty.get("card_id"):
        return None
    if not bound_at:
        return False
    zone = business_time_zone()
    return datetime.fromisoformat(bound_at).astimezone(zone).date() == at.astimezone(zone).date()
