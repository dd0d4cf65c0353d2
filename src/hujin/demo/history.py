"""The house's chart of accounts and ten business days of trading on the demo customers' wallets.

Two steps for ``hujin.demo.loader.STEPS``: ``demo_chart_step`` opens the chart (``chart.CHART``)
before the first day; ``demo_history_step``, after the customers step, posts the history through
the ledger's services: top-ups, payments between customers with their fee, withdrawals held then
posted (or voided), the channel's settlement and costs, and one hold still open today. Every
transfer's id is derived from its name, so a second load posts nothing.
"""

import random
import uuid
from datetime import date, timedelta

from hujin.core.dates import business_date_get
from hujin.demo.chart import CHART, demo_id
from hujin.demo.customers import demo_wallets
from hujin.demo.loader import DemoContext
from hujin.ledger.errors import Result
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest

CNY = "CNY"
DAYS = 10
CHART_IDS = {spec.key: demo_id(spec.key) for spec in CHART}
# What a transfer of the history may answer: posted now, or by an earlier load (in a linked chain
# the ledger answers ``exists`` for the first and ``linked_event_failed`` for the others).
ACCEPTED = (Result.OK, Result.EXISTS, Result.LINKED_EVENT_FAILED)


def demo_chart_step(ctx: DemoContext) -> None:
    """The house's accounts, opened the day before the history starts."""
    opened_at = ctx.now - timedelta(days=DAYS + 1)
    for spec in CHART:
        _, created = account_create(
            id=CHART_IDS[spec.key],
            currency=CNY,
            code=spec.code,
            kind=spec.kind,
            name=spec.name,
            actor=ctx.actor,
            now=opened_at,
        )
        ctx.report.accounts_created += created


def demo_history_step(ctx: DemoContext) -> None:
    """The history on the wallets of the demo customers who have one (``demo_wallets``)."""
    wallets = demo_wallets(now=ctx.now)
    if len(wallets) < 2:  # payments between customers need two
        return
    today = business_date_get(now=ctx.now)
    for day, batch in history(CHART_IDS, wallets, today):
        when = ctx.now - timedelta(days=(today - day).days)
        results = transfers_create(transfers=batch, actor=ctx.actor, now=when, business_date=day)
        ctx.report.transfers_ok += sum(r.ok for r in results)
        ctx.report.transfers_refused += sum(r.result not in ACCEPTED for r in results)


def history(
    a: dict[str, uuid.UUID], wallets: dict[str, uuid.UUID], today: date
) -> list[tuple[date, list[TransferRequest]]]:
    """Ten business days before ``today`` and today's open hold, day by day. ``a``: the chart's
    account ids by key; ``wallets``: the customers' wallet ids by the customer's key, the first
    one holding today's open withdrawal. Payments and withdrawals stay within what the payer
    has, so the ledger posts every one."""
    rng = random.Random(2026)
    keys = list(wallets)
    balance = dict.fromkeys(keys, 0)  # each wallet's available balance, as the history goes
    days = []
    first = today - timedelta(days=DAYS)

    def t(name, kind="single", **kw):
        return TransferRequest(id=demo_id(name), kind=kind, currency=CNY, **kw)

    days.append((first, [
        t("capital", debit_account_id=a["bank"], credit_account_id=a["equity"],
          amount=50_000_000_00, code="capital.injection"),
    ]))  # fmt: skip
    for n in range(DAYS):
        day = first + timedelta(days=n)
        batch = []
        topped_up = 0
        for key in keys:
            if n == 0 or rng.random() < 0.4:
                amount = rng.randrange(500_00, 20_000_00, 100)
                topped_up += amount
                balance[key] += amount
                batch.append(t(f"topup-{n}-{key}", debit_account_id=a["clearing"],
                               credit_account_id=wallets[key], amount=amount,
                               code="topup"))  # fmt: skip
        for i in range(rng.randrange(2, 6)):
            payer, payee = rng.sample(keys, 2)
            amount = min(rng.randrange(10_00, 3_000_00), balance[payer] * 9 // 10)
            fee = max(1, amount // 1000)
            if amount < 10_00:
                continue
            balance[payer] -= amount + fee
            balance[payee] += amount
            batch.append(t(f"p2p-{n}-{i}-{payer}", debit_account_id=wallets[payer],
                           credit_account_id=wallets[payee], amount=amount, code="p2p",
                           linked=True))  # fmt: skip
            batch.append(t(f"fee-{n}-{i}-{payer}", debit_account_id=wallets[payer],
                           credit_account_id=a["fees"], amount=fee,
                           code="fee.transfer"))  # fmt: skip
        if topped_up:  # the channel settles the day's top-ups into the bank account
            batch.append(t(f"settle-{n}", debit_account_id=a["bank"],
                           credit_account_id=a["clearing"], amount=topped_up,
                           code="settlement"))  # fmt: skip
        key = rng.choice(keys)
        amount = min(rng.randrange(100_00, 1_000_00), balance[key] // 2)
        hold = t(f"withdraw-hold-{n}-{key}", kind="pending", debit_account_id=wallets[key],
                 credit_account_id=a["payable"], amount=amount, code="withdrawal")  # fmt: skip
        batch.append(hold)
        resolution = "void_pending" if n % 4 == 3 else "post_pending"
        if resolution == "post_pending":
            balance[key] -= amount
        batch.append(t(f"withdraw-done-{n}-{key}", kind=resolution, pending_id=hold.id,
                       code="withdrawal"))  # fmt: skip
        batch.append(t(f"channel-cost-{n}", debit_account_id=a["channel_cost"],
                       credit_account_id=a["bank"], amount=rng.randrange(5_00, 50_00),
                       code="channel.cost"))  # fmt: skip
        days.append((day, batch))
    # One hold still open today, so the console and the portal show a pending balance.
    key = keys[0]
    days.append((today, [t(f"withdraw-open-{key}", kind="pending", debit_account_id=wallets[key],
                           credit_account_id=a["payable"], amount=200_00, code="withdrawal",
                           timeout_seconds=7 * 24 * 3600)]))  # fmt: skip
    return days
