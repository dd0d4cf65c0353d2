"""Load the demo: staff logins (one per role, with TOTP), an integrator API key, a chart of
accounts and some history.

``demo_load`` runs ``STEPS`` in order; each step takes the DemoContext and adds what it made to
the report. Other modules add their demo data (customers, products...) by appending a step.
Every step is idempotent: a second run reuses what exists.
"""

import base64
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings

from hujin.core.actors import Actor, system_actor
from hujin.core.dates import business_date_get
from hujin.demo.chart import CHART, WALLETS, demo_id
from hujin.identity.mfa.selectors import otpauth_uri
from hujin.identity.roles import ROLE_LABELS
from hujin.identity.services import api_key_create, staff_login_provision
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest

CNY = "CNY"
DAYS = 10


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    name: str
    superuser: bool = False

    @property
    def password(self) -> str:
        return f"hujin-{self.username}-demo"

    @property
    def totp_secret(self) -> str:
        """Fixed per username, so the demo's authenticator entries survive a reload."""
        digest = hashlib.sha256(f"hujin-demo-totp:{self.username}".encode()).digest()
        return base64.b32encode(digest[:20]).decode()


STAFF = [
    # The administrator is also a Django superuser, as before: the demo's "see everything" login.
    DemoStaff("admin", "administrator", "Administrator 管理员", superuser=True),
    DemoStaff("cs", "customer_service", "Customer service 客服"),
    DemoStaff("compliance", "compliance_officer", "Compliance officer 合规"),
    DemoStaff("risk", "risk_analyst", "Risk analyst 风控"),
    DemoStaff("ops", "operations", "Operations 运营"),
    DemoStaff("product", "product_manager", "Product manager 产品"),
    DemoStaff("auditor", "auditor", "Auditor 审计"),
]


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str
    role: str
    role_label: str
    totp_secret: str
    otpauth_uri: str


@dataclass
class DemoReport:
    staff: list[StaffLogin] = field(default_factory=list)
    api_key: str = ""
    accounts_created: int = 0
    transfers_ok: int = 0
    # Lines a step wants printed after the logins (e.g. "Customer login: ...").
    notes: list[str] = field(default_factory=list)

    @property
    def logins(self) -> list[tuple[str, str]]:
        return [(s.username, s.password) for s in self.staff]


@dataclass
class DemoContext:
    now: datetime
    actor: Actor
    report: DemoReport


def demo_load(*, now: datetime) -> DemoReport:
    if settings.PROD:
        raise RuntimeError("demo data is for development databases only")
    ctx = DemoContext(now=now, actor=system_actor("demo"), report=DemoReport())
    for step in STEPS:
        step(ctx)
    return ctx.report


# --- staff ----------------------------------------------------------------------------------------


def _staff_step(ctx: DemoContext) -> None:
    for spec in STAFF:
        login = staff_login_provision(
            username=spec.username,
            display_name=spec.name,
            role=spec.role,
            password=spec.password,
            superuser=spec.superuser,
            totp_secret=spec.totp_secret,
            actor=ctx.actor,
            now=ctx.now,
        )
        ctx.report.staff.append(
            StaffLogin(
                username=spec.username,
                password=spec.password,
                role=spec.role,
                role_label=str(ROLE_LABELS[spec.role]),
                totp_secret=login.totp_secret,
                otpauth_uri=otpauth_uri(secret=login.totp_secret, account=spec.username),
            )
        )


# --- API key and ledger ---------------------------------------------------------------------------


def _api_key_step(ctx: DemoContext) -> None:
    ctx.report.api_key = _api_key(ctx.actor, ctx.now)


def _ledger_step(ctx: DemoContext) -> None:
    now, actor, report = ctx.now, ctx.actor, ctx.report
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


# The demo, in order. Append a step (a function taking the DemoContext) for more demo data; a
# step that needs the staff or the ledger goes after theirs.
def _step(dotted: str) -> Callable[[DemoContext], None]:
    """A step from another demo module, imported when it runs (those modules import this one)."""

    def run(ctx: DemoContext) -> None:
        module, name = dotted.rsplit(".", 1)
        getattr(import_module(module), name)(ctx)

    run.__name__ = dotted.rsplit(".", 1)[1]
    return run


STEPS: list[Callable[[DemoContext], None]] = [
    _staff_step,
    _api_key_step,
    _ledger_step,
    _step("hujin.demo.customers.demo_customers_step"),
    _step("hujin.demo.suitability.demo_suitability_step"),
    _step("hujin.demo.suitability.demo_privacy_step"),
]
