"""Three weeks of the demo customers' payments, made through payments' services and the sandbox
bank: top-ups, withdrawals (past the month's free ones, with their fee), transfers between demo
customers, one withdrawal the bank declines, one still with the bank, one held for review by a
screen; a second sandbox bank ``sandbox-b`` takes the Agricultural Bank's and Bank of China's
cards; then the reconciliation of two past days: one green, one with a break.

``demo_payments_step`` is a step of ``hujin.demo.loader.STEPS``, after the cards and before the
ledger history of the last ten days: the ledger lists a wallet's movements in the order it
posted them, so the older payments are posted first (today's two are holds, never in a month's
statement). Idempotent: a first customer who has made a payment means the step ran, and it is
left as it is. Times are ``ctx.now`` less an offset, as the history's are; the sandbox's draws
are seeded, so the story is the same every load.

The channel answers come as the payments' recovery gets them (``payments_unknown_resolve``,
public): the sandbox's own callback function is not on payments' public face. The reconciliation
runs through ``hujin payments reconcile`` (the same reason).
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from hujin.core import screening
from hujin.core.actors import Actor, system_actor
from hujin.core.dates import business_date_get, calendar_date_at
from hujin.demo.customers import CUSTOMERS
from hujin.demo.loader import DemoContext
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.payments.permissions import MANAGE_PAYMENT_RULES
from hujin.payments.selectors import my_cards, my_recent_payments
from hujin.payments.services import (
    channel_configure,
    payments_unknown_resolve,
    topup_request,
    transfer_request,
    withdrawal_request,
)

SYSTEM = system_actor("demo")
OPERATIONS = Actor(kind="system", id="demo-operations", label="demo operations",
                   scopes=frozenset({MANAGE_PAYMENT_RULES}))  # fmt: skip
SANDBOX = "hujin.payments.channels.sandbox.SandboxChannel"
SEED = 2026
# The sandbox's callbacks come after a minute; the recovery asks about a payment after ten.
SETTLED_AFTER = timedelta(minutes=15)
STILL_AT_BANK = timedelta(days=3)  # the withdrawal the bank has not answered yet
REVIEW_SCREEN = "demo.review"
REVIEW_REASON = "Withdrawal far above this customer's usual amounts · 提现金额远高于该客户以往水平"
# The customers by their key (the mobile number's last four digits), as the history names them.
ZHANG, LI, CHEN, ZHAO, ZHOU = "8001", "8002", "8005", "8008", "8009"


@dataclass(frozen=True)
class Step:
    """One payment: ``ago`` before the demo's now, by ``who``; ``to`` the payee of a transfer;
    ``how``: "" (the bank says yes), "declined", "at_bank" (no answer yet) or "review"."""

    ago: timedelta
    who: str
    kind: str  # topup, withdrawal, transfer
    yuan: int
    to: str = ""
    how: str = ""


def _at(days: int, hours: float = 0) -> timedelta:
    return timedelta(days=days, hours=hours)


# Oldest first, all before the ledger history's ten days (``hujin.demo.history``), which the
# ledger posts after them, so that a month's statement reads in order; the last two are today's
# holds. 张伟 withdraws eight times: however the month falls, some pay the fee.
STORY = [
    Step(_at(28, 6), ZHANG, "topup", 20_000),
    Step(_at(28, 5), LI, "topup", 15_000),
    Step(_at(27, 8), ZHAO, "topup", 12_000),
    Step(_at(27, 4), ZHOU, "topup", 8_000),
    Step(_at(26, 7), CHEN, "topup", 6_000),
    Step(_at(26, 3), ZHANG, "withdrawal", 1_500),
    Step(_at(25, 5), ZHANG, "transfer", 1_200, to=LI),
    Step(_at(24, 2), LI, "withdrawal", 2_000),
    Step(_at(23, 6), ZHAO, "transfer", 680, to=ZHOU),
    Step(_at(22, 4), ZHANG, "withdrawal", 800),
    Step(_at(21, 3), ZHOU, "withdrawal", 1_000),
    Step(_at(20, 5), CHEN, "transfer", 500, to=ZHANG),
    Step(_at(19, 2), ZHANG, "withdrawal", 2_600),
    Step(_at(18, 6), LI, "topup", 5_000),
    Step(_at(17, 3), ZHANG, "withdrawal", 1_200),
    Step(_at(17, 1), ZHAO, "withdrawal", 1_500),
    Step(_at(16, 4), LI, "transfer", 350, to=ZHAO),
    Step(_at(15, 2), LI, "withdrawal", 3_000, how="declined"),
    Step(_at(14, 6), ZHANG, "withdrawal", 980),
    Step(_at(14, 5), ZHOU, "topup", 2_500),
    Step(_at(14, 4), LI, "withdrawal", 1_800),
    Step(_at(14, 3), LI, "topup", 2_200),
    Step(_at(13, 3), ZHAO, "withdrawal", 600),
    Step(_at(12, 6), ZHANG, "topup", 3_000),
    Step(_at(12, 5), LI, "transfer", 1_500, to=CHEN),
    Step(_at(12, 4), ZHANG, "withdrawal", 1_100),
    Step(_at(11, 5), ZHAO, "topup", 4_000),
    Step(_at(11, 2), ZHOU, "topup", 6_000),
    Step(_at(10, 6), ZHANG, "withdrawal", 700),
    Step(_at(10, 2), ZHOU, "transfer", 260, to=LI),
    Step(_at(0, 2), ZHOU, "withdrawal", 4_500, how="review"),
    Step(_at(0, 1), ZHANG, "withdrawal", 900, how="at_bank"),
]
# Reconciled: the day of the story's payments 14 days ago (green), and of 12 days ago with a
# line the sandbox's file adds that Hujin never asked for (a break: missing in Hujin).
GREEN_DAY = _at(14, 5)
BREAK_DAY = _at(12, 5)


@dataclass(frozen=True)
class Who:
    actor: Actor
    mobile: str
    card_id: object


def _customers() -> dict[str, Who]:
    people = {}
    for spec in CUSTOMERS:
        user_id = user_id_for_mobile(mobile=spec.mobile)
        if user_id is None:
            continue
        actor = customer_actor_get(actor=SYSTEM, user_id=user_id)
        cards = my_cards(actor=actor).cards
        if cards:
            people[spec.key] = Who(actor=actor, mobile=spec.mobile, card_id=cards[0].id)
    return people


def _knobs(how: str) -> dict:
    return {"seed": SEED, "fail_share": 1 if how == "declined" else 0,
            "delay_seconds": STILL_AT_BANK.total_seconds() if how == "at_bank" else 60}  # fmt: skip


def _review(movement: screening.Movement) -> screening.Verdict:
    return screening.Verdict(outcome=screening.REVIEW, code="demo.unusual_amount",
                             message=REVIEW_REASON,
                             details={"amount_minor": movement.amount_minor})  # fmt: skip


def _pay(step: Step, n: int, people: dict[str, Who], when: datetime) -> None:
    who = people[step.who]
    args = dict(actor=who.actor, amount_minor=step.yuan * 100,
                idempotency_key=f"demo-payment-{n}", now=when)  # fmt: skip
    with override_settings(HUJIN_PAYMENTS_SANDBOX=_knobs(step.how)):
        if step.kind == "transfer":
            transfer_request(payee_mobile=people[step.to].mobile, **args)
        elif step.kind == "topup":
            topup_request(card_id=who.card_id, **args)
        else:
            withdrawal_request(card_id=who.card_id, **args)


def _channels(now: datetime) -> None:
    """The sandbox for every bank, and ``sandbox-b`` first for two banks' cards up to ¥20,000."""
    channel_configure(actor=OPERATIONS, name="sandbox", adapter=SANDBOX, priority=20,
                      cost_rate="0.0006", now=now)  # fmt: skip
    channel_configure(actor=OPERATIONS, name="sandbox-b", adapter=SANDBOX, priority=10,
                      banks=["ABC", "BOC"], max_amount_minor=20_000_00, cost_rate="0.0005",
                      cost_fixed_minor=50, now=now)  # fmt: skip


def _reconcile(ctx: DemoContext, ago: timedelta, channel: str, knobs: dict) -> str:
    day = calendar_date_at(ctx.now - ago).isoformat()
    out = io.StringIO()
    with override_settings(HUJIN_PAYMENTS_SANDBOX={"seed": SEED, **knobs}):
        try:
            call_command("payments", "reconcile", "--date", day, "--channel", channel,
                         stdout=out)  # fmt: skip
        except CommandError as error:
            return str(error)
    return out.getvalue().strip()


def demo_payments_step(ctx: DemoContext) -> None:
    people = _customers()
    if len(people) < 5 or my_recent_payments(actor=people[ZHANG].actor, limit=1):
        return
    business_date_get(now=ctx.now)  # today's, before a payment of the past could set it
    _channels(ctx.now - _at(28, 12))  # after the cards were bound, before the first payment
    for n, step in enumerate(STORY):
        when = ctx.now - step.ago
        if step.how == "review":
            screening.movement_screen_register(REVIEW_SCREEN, _review, order=50)
        try:
            _pay(step, n, people, when)
        finally:
            screening._screens.pop(REVIEW_SCREEN, None)  # the screen was for this one only
        with override_settings(HUJIN_PAYMENTS_SANDBOX=_knobs("")):
            payments_unknown_resolve(now=when + SETTLED_AFTER)
    runs = [
        _reconcile(ctx, GREEN_DAY, "sandbox", {}),
        _reconcile(ctx, GREEN_DAY, "sandbox-b", {}),
        _reconcile(ctx, BREAK_DAY, "sandbox", {"recon_extra_lines": 1}),
    ]
    ctx.report.notes.append(f"  Payments: {len(STORY)} made over three weeks; reconciled:")
    ctx.report.notes.extend(f"    {run}" for run in runs)
