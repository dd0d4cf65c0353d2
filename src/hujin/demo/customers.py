"""Demo customers in every onboarding state, made through the real services.

``load_customers(*, now, stdout)`` is idempotent: a customer whose mobile number is already
registered is left as it is. ``demo_customers_step`` adapts it to ``hujin.demo.loader.STEPS``.
Identity checks go through the manual review queue (whatever ``HUJIN_IDENTITY_PROVIDER`` says)
and are decided by a demo compliance actor.

The open and frozen customers joined a month ago and got their wallet, the one account the
customers module opens for them: the history (``hujin.demo.history``) runs on those wallets.
``demo_freeze_step`` comes after it: the frozen customer is frozen once the history is over, and
an unfreeze asked for later waits in the approvals inbox for a checker.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from hujin.core.actors import Actor, system_actor
from hujin.core.approvals import approval_decide, approvals_requested_by
from hujin.customers.permissions import ALL as CUSTOMERS_PERMISSIONS
from hujin.customers.selectors import customer_id_for_user
from hujin.customers.services import (
    customer_ensure,
    customer_freeze_request,
    kyb_submit,
    kyc_review_decide,
    kyc_submit,
    wallet_open_if_ready,
)
from hujin.customers.types import RESIDENT_ID, ManualReviewProvider
from hujin.demo.loader import DEFAULT_ADDR, DemoContext, demo_base_url
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.identity.services import customer_login_create
from hujin.privacy.selectors import KINDS
from hujin.privacy.services import consent_accept, current_document

PASSWORD = "hujin-customer-demo"
REVIEW = ManualReviewProvider()
SYSTEM = system_actor("demo")
MAKER = Actor(
    kind="system", id="demo-maker", label="demo maker", scopes=frozenset(CUSTOMERS_PERMISSIONS)
)
CHECKER = Actor(
    kind="system", id="demo-checker", label="demo checker", scopes=frozenset(CUSTOMERS_PERMISSIONS)
)

# What people read in the console and the portal, in both languages.
KYC_REJECTED = "Name does not match the ID document · 姓名与证件不符"
FREEZE_REASON = "Fraud report received · 收到欺诈举报"
FREEZE_CONFIRMED = "Fraud report confirmed · 欺诈举报已核实"
UNFREEZE_REASON = "Investigation closed, no fraud found · 调查结束，未发现欺诈"
# The maker-checker actions of a customer's status (registered by the customers module).
FREEZE_ACTION = "customers.freeze"
UNFREEZE_ACTION = "customers.unfreeze"

WALLET_STATES = ("open", "frozen")
STATE_NOTES = {
    "open": "open, a wallet with ten days of history",
    "frozen": "frozen after a fraud report (history before it); an unfreeze waits for a checker",
    "pending": "identity check waiting for review",
    "rejected": "identity check rejected",
    "registered": "signed up, not verified yet",
    "enterprise": "company verification waiting for review",
}


@dataclass(frozen=True)
class DemoCustomer:
    mobile: str  # E.164
    name: str
    document: str  # a valid number (GB 11643 check character), made up for the demo
    state: str  # what the demo makes of them (STATE_NOTES)
    joined_days_ago: int  # when they signed up (and were verified), before the demo's load

    @property
    def key(self) -> str:
        """Names the customer's demo transfers (the mobile number's last four digits)."""
        return self.mobile[-4:]


CUSTOMERS = [
    DemoCustomer("+8613800138001", "张伟", "110105198805121352", "open", 30),
    DemoCustomer("+8613800138002", "李娜", "310104199203032462", "open", 30),
    DemoCustomer("+8613800138003", "王芳", "440305199507073585", "pending", 1),
    DemoCustomer("+8613800138004", "刘洋", "510107197901014680", "rejected", 5),
    DemoCustomer("+8613800138005", "陈静", "330106198509095724", "frozen", 30),
    DemoCustomer("+8613800138006", "", "", "registered", 1),
    DemoCustomer("+8613800138007", "杭州互金示范科技有限公司", "", "enterprise", 2),
    DemoCustomer("+8613800138008", "赵磊", "320102199006180318", "open", 30),
    DemoCustomer("+8613800138009", "周敏", "420106199311020248", "open", 30),
]
# Authority 9, kind 1, Hangzhou, organisation code MA2H3J4K-3, GB 32100 check character H.
ENTERPRISE_USCC = "91330100MA2H3J4K3H"


def _user(spec: DemoCustomer, *, now: datetime) -> tuple[uuid.UUID, bool]:
    existing = user_id_for_mobile(mobile=spec.mobile)
    if existing is not None:
        return existing, False
    return customer_login_create(mobile=spec.mobile, password=PASSWORD, actor=SYSTEM, now=now), True


def _customer_id(spec: DemoCustomer) -> uuid.UUID | None:
    user_id = user_id_for_mobile(mobile=spec.mobile)
    return None if user_id is None else customer_id_for_user(user_id=user_id)


def _consent_all(user_id: uuid.UUID, actor: Actor, *, now: datetime) -> None:
    for kind in KINDS:
        document = current_document(kind)
        if document is not None:
            consent_accept(
                user_id=user_id,
                document_id=document.id,
                channel="web",
                ip=None,
                actor=actor,
                now=now,
            )


def _verify(user_id: uuid.UUID, actor: Actor, spec: DemoCustomer, *, approve, now) -> None:
    application = kyc_submit(
        user_id=user_id,
        document_type=RESIDENT_ID,
        document_number=spec.document,
        legal_name=spec.name,
        actor=actor,
        now=now,
        provider=REVIEW,
    )
    kyc_review_decide(
        application_id=application.id,
        approve=approve,
        reason="" if approve else KYC_REJECTED,
        actor=CHECKER,
        now=now + timedelta(minutes=5),
    )


def _make(spec: DemoCustomer, user_id: uuid.UUID, *, now: datetime) -> None:
    actor = customer_actor_get(actor=SYSTEM, user_id=user_id)
    with transaction.atomic():
        if spec.state in WALLET_STATES:
            _consent_all(user_id, actor, now=now)
            _verify(user_id, actor, spec, approve=True, now=now)
            customer_id = customer_id_for_user(user_id=user_id)
            wallet_open_if_ready(
                customer_id=customer_id, actor=CHECKER, now=now + timedelta(minutes=10)
            )
        elif spec.state == "pending":
            kyc_submit(
                user_id=user_id,
                document_type=RESIDENT_ID,
                document_number=spec.document,
                legal_name=spec.name,
                actor=actor,
                now=now,
                provider=REVIEW,
            )
        elif spec.state == "rejected":
            _verify(user_id, actor, spec, approve=False, now=now)
        elif spec.state == "registered":
            customer_ensure(user_id=user_id, actor=actor, now=now)
        elif spec.state == "enterprise":
            representative = CUSTOMERS[0]
            kyb_submit(
                user_id=user_id,
                uscc=ENTERPRISE_USCC,
                company_name=spec.name,
                representative_name=representative.name,
                representative_document_type=RESIDENT_ID,
                representative_document_number=representative.document,
                operator_document_numbers=[CUSTOMERS[1].document],
                actor=actor,
                now=now,
            )


def load_customers(*, now: datetime, stdout=None, base_url: str = "") -> list[str]:
    """Create the demo customers that do not exist yet, each as of the day they joined; returns
    (and writes) the login notes, with the portal's sign-in on ``base_url``."""
    created = 0
    for offset, spec in enumerate(CUSTOMERS):
        when = now - timedelta(days=spec.joined_days_ago) + timedelta(minutes=offset)
        user_id, new = _user(spec, now=when)
        if new:
            _make(spec, user_id, now=when)
            created += 1
    base_url = base_url or demo_base_url(DEFAULT_ADDR)
    notes = [
        f"Customer portal: {base_url}/auth/signin/ (a mobile number below, password {PASSWORD});"
        f" {created} customers created this run",
        *(f"  {spec.mobile.removeprefix('+86')}  {STATE_NOTES[spec.state]}" for spec in CUSTOMERS),
    ]
    out = stdout or io.StringIO()
    for note in notes:
        out.write(note + "\n")
    return notes


def demo_customers_step(ctx: DemoContext) -> None:
    """``hujin.demo.loader.STEPS`` entry: load the customers, add the notes to the report."""
    ctx.report.notes.extend(load_customers(now=ctx.now, stdout=None, base_url=ctx.report.base_url))


def demo_wallets(*, now: datetime) -> dict[str, uuid.UUID]:
    """The wallet account ids of the demo customers who have one, by customer key, in the order
    of CUSTOMERS (``wallet_open_if_ready`` gives an open wallet's id back and changes nothing)."""
    wallets = {}
    for spec in CUSTOMERS:
        customer_id = _customer_id(spec) if spec.state in WALLET_STATES else None
        if customer_id is None:
            continue
        account_id = wallet_open_if_ready(customer_id=customer_id, actor=CHECKER, now=now)
        if account_id is not None:
            wallets[spec.key] = account_id
    return wallets


def _asked(customer_id: uuid.UUID) -> set[str]:
    """The status changes the demo maker ever asked for on this customer (any outcome)."""
    return {
        request.action
        for request in approvals_requested_by(actor=MAKER, status=None)
        if request.target_id == str(customer_id)
    }


def demo_freeze_step(ctx: DemoContext) -> None:
    """After the history: each frozen demo customer is frozen (asked for, and approved by
    another), then an unfreeze is asked for and left waiting for a checker. Each once: a request
    the demo maker made before, whatever became of it, is not made again."""
    for spec in CUSTOMERS:
        customer_id = _customer_id(spec) if spec.state == "frozen" else None
        if customer_id is None:
            continue
        asked = _asked(customer_id)
        if FREEZE_ACTION not in asked:
            with transaction.atomic():
                request = customer_freeze_request(customer_id=customer_id, freeze=True,
                                                  reason=FREEZE_REASON, actor=MAKER,
                                                  now=ctx.now - timedelta(hours=3))  # fmt: skip
                approval_decide(actor=CHECKER, request_id=request.id, approve=True,
                                reason=FREEZE_CONFIRMED,
                                now=ctx.now - timedelta(hours=2))  # fmt: skip
        if UNFREEZE_ACTION not in asked:
            customer_freeze_request(customer_id=customer_id, freeze=False, reason=UNFREEZE_REASON,
                                    actor=MAKER, now=ctx.now - timedelta(hours=1))  # fmt: skip
    waiting = len(approvals_requested_by(actor=MAKER))
    if waiting:
        ctx.report.notes.append(
            f"Approvals inbox: {ctx.report.url('/compliance/approvals/')} ({waiting} waiting for"
            " a checker: log in as compliance or admin)"
        )
