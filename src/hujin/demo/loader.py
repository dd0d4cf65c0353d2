"""Load the demo: staff logins, an integrator API key, a chart of accounts and some history."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hujin.core.actors import Actor, system_actor
from hujin.core.dates import business_date_get
from hujin.demo.chart import CHART, WALLETS, demo_id
from hujin.identity.models import User
from hujin.identity.services import api_key_create
from hujin.ledger.engine import TransferRequest
from hujin.ledger.services import account_create, transfers_create

CNY = "CNY"
DAYS = 10

STAFF = [
    # username, password, superuser, display name
    ("admin", "hujin-admin-demo", True, "Administrator 管理员"),
    ("ops", "hujin-ops-demo", False, "Operations 运营"),
]


@dataclass
class DemoReport:
    logins: list[tuple[str, str]] = field(default_factory=list)
    api_key: str = ""
    accounts_created: int = 0
    transfers_ok: int = 0


def demo_load(*, now: datetime) -> DemoReport:
    if settings.PROD:
        raise RuntimeError("demo data is for development databases only")
    actor = system_actor("demo")
    report = DemoReport()
    _staff(report)
    report.api_key = _api_key(actor, now)
    today = business_date_get(now=now)
    accounts = {}
    for spec in CHART + WALLETS:
        account, created = account_create(
            id=demo_id(spec.key), currency=CNY, code=spec.code, kind=spec.kind, name=spec.name,
            owner_ref=spec.owner_ref, actor=actor, now=now - timedelta(days=DAYS + 1),
            debits_must_not_exceed_credits=spec.debits_must_not_exceed_credits,
            credits_must_not_exceed_debits=spec.credits_must_not_exceed_debits,
        )  # fmt: skip
        accounts[spec.key] = account.id
        report.accounts_created += created
    for day, batch in _history(accounts, today):
        when = now - timedelta(days=(today - day).days)
        results = transfers_create(transfers=batch, actor=actor, now=when, business_date=day)
        report.transfers_ok += sum(r.ok for r in results)
    return report


def _staff(report: DemoReport) -> None:
    for username, password, superuser, name in STAFF:
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=name, is_staff=True,
                            is_superuser=superuser, kind="staff")  # fmt: skip
                user.set_password(password)
                user.save()
        report.logins.append((username, password))


def _api_key(actor: Actor, now: datetime) -> str:
    """The integrator key; its secret is kept under var/ so a second `make demo` can show it."""
    path = Path(settings.VAR_DIR) / "demo_api_key"
    if path.exists():
        return path.read_text().strip()
    _, secret = api_key_create(name="Demo integrator", scopes=["ledger:read", "ledger:write"],
                               actor=actor, now=now)  # fmt: skip
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def _history(a: dict, today: date) -> list[tuple[date, list[TransferRequest]]]:
    """Ten business days of top-ups, payments between customers, fees, holds and withdrawals."""
    rng = random.Random(2026)
    wallets = [k for k in a if k.startswith("wallet_")]
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
        for w in wallets:
            if n == 0 or rng.random() < 0.4:
                amount = rng.randrange(500_00, 20_000_00, 100)
                topped_up += amount
                batch.append(t(f"topup-{n}-{w}", debit_account_id=a["clearing"],
                               credit_account_id=a[w], amount=amount, code="topup"))  # fmt: skip
        for i in range(rng.randrange(2, 6)):
            payer, payee = rng.sample(wallets, 2)
            amount = rng.randrange(10_00, 3_000_00)
            fee = max(1, amount // 1000)
            batch.append(t(f"p2p-{n}-{i}", debit_account_id=a[payer], credit_account_id=a[payee],
                           amount=amount, code="p2p", linked=True))  # fmt: skip
            batch.append(t(f"fee-{n}-{i}", debit_account_id=a[payer], credit_account_id=a["fees"],
                           amount=fee, code="fee.transfer"))  # fmt: skip
        if topped_up:  # the channel settles the day's top-ups into the bank account
            batch.append(t(f"settle-{n}", debit_account_id=a["bank"],
                           credit_account_id=a["clearing"], amount=topped_up,
                           code="settlement"))  # fmt: skip
        w = rng.choice(wallets)
        hold = t(f"withdraw-hold-{n}", kind="pending", debit_account_id=a[w],
                 credit_account_id=a["payable"], amount=rng.randrange(100_00, 1_000_00),
                 code="withdrawal")  # fmt: skip
        batch.append(hold)
        resolution = "void_pending" if n % 4 == 3 else "post_pending"
        batch.append(t(f"withdraw-done-{n}", kind=resolution, pending_id=hold.id,
                       code="withdrawal"))  # fmt: skip
        batch.append(t(f"channel-cost-{n}", debit_account_id=a["channel_cost"],
                       credit_account_id=a["bank"], amount=rng.randrange(5_00, 50_00),
                       code="channel.cost"))  # fmt: skip
        days.append((day, batch))
    # One hold still open today, so the console shows a pending balance.
    w = wallets[0]
    days.append((today, [t("withdraw-open", kind="pending", debit_account_id=a[w],
                           credit_account_id=a["payable"], amount=200_00, code="withdrawal",
                           timeout_seconds=7 * 24 * 3600)]))  # fmt: skip
    return days
