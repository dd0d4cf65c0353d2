"""Load the demo: staff logins (one per role, with TOTP), an integrator API key, a chart of
accounts, customers in every onboarding state and ten days of history on their wallets.

``demo_load`` runs ``STEPS`` in order; each step takes the DemoContext and adds what it made to
the report. Other modules add their demo data (products...) by appending a step. Every step is
idempotent: a second run reuses what exists and changes nothing.
"""

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from hujin.core.actors import Actor, system_actor
from hujin.identity.mfa.selectors import otpauth_uri
from hujin.identity.mfa.services import recovery_codes_regenerate
from hujin.identity.roles import ROLE_LABELS
from hujin.identity.services import api_key_create, staff_login_provision

DEFAULT_ADDR = "127.0.0.1:8000"  # what `make demo` serves on unless DEMO_ADDR says otherwise


def demo_base_url(addr: str) -> str:
    """The base URL of a demo served on ``addr``, as ``hujin serve`` takes it: ``host:port``, a
    bare port (``8000``: on 127.0.0.1) or a whole URL (behind a proxy), which is kept."""
    addr = (addr or DEFAULT_ADDR).strip().rstrip("/")
    if "://" in addr:
        return addr
    if addr.isdigit():
        addr = f"127.0.0.1:{addr}"
    return f"http://{addr}"


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
    base_url: str = demo_base_url(DEFAULT_ADDR)
    staff: list[StaffLogin] = field(default_factory=list)
    api_key: str = ""
    accounts_created: int = 0
    transfers_ok: int = 0
    # The history's transfers the ledger refused (not posted, and not there from a first run):
    # zero unless the database holds demo data of another shape.
    transfers_refused: int = 0
    # Lines a step wants printed after the logins (e.g. "Customer portal: ...").
    notes: list[str] = field(default_factory=list)

    @property
    def logins(self) -> list[tuple[str, str]]:
        return [(s.username, s.password) for s in self.staff]

    def url(self, path: str) -> str:
        """The address of ``path`` ("/auth/signin/") on the demo's server."""
        return f"{self.base_url}{path}"


@dataclass
class DemoContext:
    now: datetime
    actor: Actor
    report: DemoReport


def demo_load(*, now: datetime, addr: str = DEFAULT_ADDR) -> DemoReport:
    """Load every step's demo data; ``addr`` is where the demo serves (for the addresses the
    report prints)."""
    if settings.PROD:
        raise RuntimeError("demo data is for development databases only")
    report = DemoReport(base_url=demo_base_url(addr))
    ctx = DemoContext(now=now, actor=system_actor("demo"), report=report)
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
        if login.created:
            # As enrolment in the console does: ten recovery codes (not printed; the demo's
            # logins have their TOTP secrets), so the console does not warn that none is left.
            staff = get_user_model().objects.get(pk=login.user_id)
            recovery_codes_regenerate(user=staff, password=spec.password, now=ctx.now)
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


# --- API key --------------------------------------------------------------------------------------


def _api_key_step(ctx: DemoContext) -> None:
    ctx.report.api_key = _api_key(ctx.actor, ctx.now)


def _api_key(actor: Actor, now: datetime) -> str:
    """The integrator key; its secret is kept under var/ so a second `make demo` can show it."""
    path = Path(settings.VAR_DIR) / "demo_api_key"
    if path.exists():
        return path.read_text().strip()
    _, secret = api_key_create(name="Demo integrator (演示集成方)",
                               scopes=["ledger:read", "ledger:write"], actor=actor,
                               now=now)  # fmt: skip
    path.write_text(secret)
    path.chmod(0o600)
    return secret


# The demo, in order. Append a step (a function taking the DemoContext) for more demo data; a
# step goes after the steps whose data it needs. The history runs on the customers' wallets, so
# it comes after the customers, and after the payments of the weeks before it (the ledger lists
# a wallet's movements in the order it posted them); the freeze comes after the history it must
# not interrupt.
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
    _step("hujin.demo.history.demo_chart_step"),
    _step("hujin.demo.customers.demo_customers_step"),
    _step("hujin.demo.suitability.demo_suitability_step"),
    _step("hujin.demo.suitability.demo_privacy_step"),
    _step("hujin.demo.payments.demo_cards_step"),
    _step("hujin.demo.payments_history.demo_payments_step"),
    _step("hujin.demo.history.demo_history_step"),
    _step("hujin.demo.customers.demo_freeze_step"),
    _step("hujin.demo.risk.demo_risk_step"),
    _step("hujin.demo.products.demo_products_step"),
    _step("hujin.demo.wealth.demo_wealth_step"),
    _step("hujin.demo.lending.demo_lending_step"),
]
