"""A synthetic, labelled history of customers' movements: ordinary customers, and customers
whose history carries one money-laundering or fraud typology, injected on purpose (in the
spirit of IBM's AMLSim). The shipped rules are measured on it: for each typology, the share of
its customers the rules flag (recall), and the share of ordinary customers they flag (the
alert rate analysts would have to clear).

Everything is drawn from one ``random.Random(seed)``: the same seed gives the same history.
Amounts are in fen. Ordinary customers top up from their card, pay a handful of regular payees
(paid before the history starts) and now and then withdraw, mostly in daytime, in amounts of a
few hundred to a few thousand yuan; 3 % of their payments are large (¥20,000–¥120,000, half of
them round sums); one in ten is a night owl who pays late now and then; one in twenty changes
phone and first withdraws from the new one; one in a hundred buys a car or pays a deposit on a
flat — a large sum to a new payee, which the rules rightly hold for review.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hujin.risk.windows import WindowEvent, replay

NORMAL = "normal"
START = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
DAYS = 60


@dataclass(frozen=True, slots=True)
class Labelled:
    """One event of the history with what the rules read of it and who it belongs to."""

    event: WindowEvent
    values: dict
    customer: str
    typology: str


@dataclass(frozen=True, slots=True)
class Measured:
    customers: Counter  # by typology
    flagged: Counter  # customers flagged by at least one live rule, by typology
    rules_fired: Counter  # by rule code, on ordinary customers

    def recall(self, typology: str) -> Decimal:
        return Decimal(self.flagged[typology]) / Decimal(self.customers[typology])

    @property
    def normal_alert_rate(self) -> Decimal:
        return Decimal(self.flagged[NORMAL]) / Decimal(self.customers[NORMAL])


class _Customer:
    def __init__(self, rng: random.Random, name: str, typology: str):
        self.rng, self.name, self.typology = rng, name, typology
        self.age = rng.randint(20, 85)
        self.night_owl = rng.random() < 0.1  # pays at night now and then, as a habit
        self.night_share = "0.3" if self.night_owl else "0.04"
        self.payees = [f"{name}/payee-{n}" for n in range(rng.randint(2, 6))]
        self.paid: set[str] = set(self.payees)  # paid before the history starts
        self.device, self.region = f"{name}/phone", "CN-31"
        self.events: list[Labelled] = []
        self.last_at: datetime | None = None

    def add(self, at: datetime, kind: str, amount: int, *, direction: str = "",
            payee: str = "", device: str = "", region: str = "", night_share: str = "",
            **known) -> None:  # fmt: skip
        direction = direction or ("in" if kind == "topup" else "out")
        new_payee = bool(payee) and kind == "transfer" and payee not in self.paid
        idle = (at - self.last_at).days if self.last_at else 0
        event = WindowEvent(occurred_at=at, kind=kind, direction=direction, amount=amount,
                            counterparty=payee, keys={"customer": self.name,
                                                      "device": device or self.device})  # fmt: skip
        local_hour = (at + timedelta(hours=8)).hour
        values = {
            "amount": amount, "kind": kind, "direction": direction, "currency": "CNY",
            "channel": "internal" if kind == "transfer" else "sandbox", "hour": local_hour,
            "customer.type": "individual", "customer.age": self.age,
            "customer.days_inactive": idle, "customer.account_age_days": 400,
            "customer.night_share": Decimal(night_share or self.night_share),
            "counterparty.new": new_payee,
            "counterparty.cross_border": False, "counterparty.in_cycle": False,
            "card.bound_today": False, "device.new": bool(device) and device != self.device,
            "ip.region": region or self.region, "ip.region_new": bool(region),
            "watchlist.hit": False, **known,
        }  # fmt: skip
        self.events.append(Labelled(event, values, self.name, self.typology))
        if payee and kind == "transfer":
            self.paid.add(payee)
        self.last_at = at

    def ordinary_life(self, days: int = DAYS) -> None:
        """Top-ups, regular payments and withdrawals, mostly in daytime; now and then a large
        payment (rent, a car: sometimes a round sum), a night-owl's late payment, a new phone."""
        rng = self.rng
        new_phone_on = rng.randrange(days) if rng.random() < 0.05 else None
        big_buy_on = rng.randrange(days) if rng.random() < 0.01 else None
        for day in range(days):
            if day == new_phone_on:  # the first payment from it is a withdrawal, of any size
                self.device = f"{self.name}/phone-2"
                amount = int(rng.lognormvariate(11.5, 1.2)) + rng.randint(1, 99)
                self.add(START + timedelta(days=day, hours=2), "withdrawal", amount,
                         payee=f"{self.name}/card", device=self.device)  # fmt: skip
            if day == big_buy_on:  # a car, a deposit on a flat: a new payee, a large sum
                self.add(START + timedelta(days=day, hours=3), "transfer",
                         rng.randint(60, 300) * 1_000_00 + rng.randint(0, 99_99),
                         payee=f"{self.name}/dealer")  # fmt: skip
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                hours = rng.uniform(15, 17) if self.night_owl and rng.random() < 0.2 \
                    else rng.uniform(0, 12)  # fmt: skip
                at = START + timedelta(days=day, hours=hours)
                kind = rng.choices(("topup", "transfer", "withdrawal"), (3, 5, 1))[0]
                amount = int(rng.lognormvariate(11.5, 0.8))  # fen: about ¥1,000, rarely ¥10,000
                amount = max(1_00, min(amount, 30_000_00)) + rng.randint(1, 99)
                if kind == "transfer" and rng.random() < 0.03:
                    amount = rng.randint(20, 120) * 1_000_00
                    amount += 0 if rng.random() < 0.5 else rng.randint(1, 999_99)
                self.add(at, kind, amount, payee=rng.choice(self.payees) if kind == "transfer"
                         else f"{self.name}/card")  # fmt: skip


def _day(d: int, hour: float = 3) -> datetime:
    return START + timedelta(days=d, hours=hour)


# The typologies: each gives an ordinary customer's life one stretch of the typology's behaviour.


def _structuring(c: _Customer) -> None:
    for n in range(3):
        c.add(_day(40 + n * 2), "transfer", 49_000_00 + c.rng.randint(0, 900_00),
              payee=c.payees[0])  # fmt: skip


def _rapid_in_out(c: _Customer) -> None:
    c.add(_day(41), "topup", 150_000_00, payee=f"{c.name}/card")
    c.add(_day(41, 5), "transfer", 146_000_00, payee=c.payees[0])


def _fan_out(c: _Customer) -> None:
    for n in range(12):
        c.add(_day(42, 2 + n / 2), "transfer", 3_000_00 + n, payee=f"{c.name}/mule-{n}")


def _fan_in(c: _Customer) -> None:
    for n in range(12):
        c.add(_day(42, 2 + n / 2), "transfer", 3_000_00 + n, direction="in",
              payee=f"{c.name}/sender-{n}")  # fmt: skip


def _dormant(c: _Customer) -> None:
    c.events.clear()
    c.last_at = None
    c.add(_day(-300), "topup", 80_000_00, payee=f"{c.name}/card")
    c.add(_day(45), "transfer", 60_000_00 + c.rng.randint(1, 99), payee=c.payees[0])


def _new_device_withdrawal(c: _Customer) -> None:
    c.add(_day(46), "withdrawal", 30_000_00 + c.rng.randint(1, 99), payee=f"{c.name}/card",
          device=f"{c.name}/stranger")  # fmt: skip


def _elderly_new_payee(c: _Customer) -> None:
    c.age = 78
    c.add(_day(47), "transfer", 80_000_00 + c.rng.randint(1, 99), payee=f"{c.name}/caller")


def _night(c: _Customer) -> None:
    at = START + timedelta(days=48, hours=-6)  # 02:00 in Shanghai
    c.add(at, "transfer", 20_000_00 + c.rng.randint(1, 99), payee=c.payees[0],
          night_share="0.01")  # fmt: skip


def _round_amounts(c: _Customer) -> None:
    c.add(_day(49), "transfer", 100_000_00, payee=f"{c.name}/stranger")


def _cycle(c: _Customer) -> None:
    c.add(_day(50), "transfer", 9_000_00, payee=c.payees[0], **{"counterparty.in_cycle": True})


def _velocity(c: _Customer) -> None:
    for n in range(11):
        c.add(_day(51, 2 + n / 12), "transfer", 200_00 + n, payee=c.payees[n % len(c.payees)])


def _card_same_day(c: _Customer) -> None:
    c.add(_day(52), "withdrawal", 5_000_00, payee=f"{c.name}/new-card",
          **{"card.bound_today": True})  # fmt: skip


def _large_value(c: _Customer) -> None:
    for n in range(3):
        c.add(_day(53, 1 + n), "transfer", 180_000_00, payee=c.payees[n % len(c.payees)])


# Each typology, and the shipped rules that describe it: a customer of the typology is caught
# when one of them fires on their history.
CAUGHT_BY = {
    "structuring": {"STRUCTURING"}, "rapid_in_out": {"RAPID-IN-OUT"}, "fan_out": {"FAN-OUT"},
    "fan_in": {"FAN-IN"}, "dormant_reactivated": {"DORMANT-REACTIVATED"},
    "new_device_withdrawal": {"NEW-DEVICE-WITHDRAWAL"},
    "elderly_new_payee": {"ELDERLY-NEW-PAYEE"}, "night_unusual": {"NIGHT-UNUSUAL"},
    "round_amount": {"ROUND-AMOUNT"}, "cycle": {"CYCLE"}, "velocity": {"VELOCITY"},
    "card_bound_and_used": {"CARD-BOUND-AND-USED"}, "large_value": {"LV-IND-DOMESTIC"},
}  # fmt: skip

TYPOLOGIES: dict[str, Callable[[_Customer], None]] = {
    "structuring": _structuring, "rapid_in_out": _rapid_in_out, "fan_out": _fan_out,
    "fan_in": _fan_in, "dormant_reactivated": _dormant,
    "new_device_withdrawal": _new_device_withdrawal, "elderly_new_payee": _elderly_new_payee,
    "night_unusual": _night, "round_amount": _round_amounts, "cycle": _cycle,
    "velocity": _velocity, "card_bound_and_used": _card_same_day, "large_value": _large_value,
}  # fmt: skip


def synthetic_history(*, seed: int, normal: int, per_typology: int) -> list[Labelled]:
    """``normal`` ordinary customers and ``per_typology`` customers of each typology, every
    event in time order."""
    rng = random.Random(seed)
    customers = [_Customer(rng, f"n{n}", NORMAL) for n in range(normal)]
    for typology, inject in TYPOLOGIES.items():
        for n in range(per_typology):
            customer = _Customer(rng, f"{typology}-{n}", typology)
            customer.ordinary_life()
            inject(customer)
            customers.append(customer)
    for customer in customers[:normal]:
        customer.ordinary_life()
    events = [e for c in customers for e in c.events]
    events.sort(key=lambda e: (e.event.occurred_at, e.customer))
    return events


def measure(history: list[Labelled], rules) -> Measured:
    """Replay ``history`` through ``rules``: which customers of each typology were caught by one
    of the typology's rules (``CAUGHT_BY``), and which ordinary customers any rule flagged."""
    customers, flagged_names, fired = defaultdict(set), defaultdict(set), Counter()
    by_event = iter(history)

    def stream() -> Iterator:
        for labelled in history:
            yield labelled.event, labelled.values

    for _, decision in replay(stream(), rules):
        labelled = next(by_event)
        customers[labelled.typology].add(labelled.customer)
        wanted = CAUGHT_BY.get(labelled.typology)
        if decision.fired and (wanted is None or wanted & set(decision.fired)):
            flagged_names[labelled.typology].add(labelled.customer)
        if labelled.typology == NORMAL:
            fired.update(decision.fired)
    return Measured(
        customers=Counter({t: len(names) for t, names in customers.items()}),
        flagged=Counter({t: len(names) for t, names in flagged_names.items()}),
        rules_fired=fired,
    )
