"""Demo customers in every onboarding state, made through the real services.

``load_customers(*, now, stdout)`` is idempotent: a customer whose mobile number is already
registered is left as it is. ``demo_customers_step`` adapts it to ``hujin.demo.loader.STEPS``.
Identity checks go through the manual review queue (whatever ``HUJIN_IDENTITY_PROVIDER`` says)
and are decided by a demo compliance actor.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from hujin.core.actors import Actor, system_actor
from hujin.core.approvals import approval_decide
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


@dataclass(frozen=True)
class DemoCustomer:
    mobile: str  # E.164
    name: str
    document: str  # a valid number (GB 11643 check character), made up for the demo
    state: str  # what load_customers makes of them


CUSTOMERS = [
    DemoCustomer("+8613800138001", "张伟", "110105198805121352", "open"),
    DemoCustomer("+8613800138002", "李娜", "310104199203032462", "open"),
    DemoCustomer("+8613800138003", "王芳", "440305199507073585", "pending"),
    DemoCustomer("+8613800138004", "刘洋", "510107197901014680", "rejected"),
    DemoCustomer("+8613800138005", "陈静", "330106198509095724", "frozen"),
    DemoCustomer("+8613800138006", "", "", "registered"),
    DemoCustomer("+8613800138007", "杭州互金示范科技有限公司", "", "enterprise"),
]
# Authority 9, kind 1, Hangzhou, organisation code MA2H3J4K-3, GB 32100 check character H.
ENTERPRISE_USCC = "91330100MA2H3J4K3H"


def _user(spec: DemoCustomer, *, now: datetime) -> tuple[uuid.UUID, bool]:
    existing = user_id_for_mobile(mobile=spec.mobile)
    if existing is not None:
        return existing, False
    return customer_login_create(mobile=spec.mobile, password=PASSWORD, actor=SYSTEM, now=now), True


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
    reason = "" if approve else "The name does not match the document (demo)."
    kyc_review_decide(
        application_id=application.id,
        approve=approve,
        reason=reason,
        actor=CHECKER,
        now=now + timedelta(minutes=5),
    )


def _make(spec: DemoCustomer, user_id: uuid.UUID, *, now: datetime) -> None:
    actor = customer_actor_get(actor=SYSTEM, user_id=user_id)
    with transaction.atomic():
        if spec.state in ("open", "frozen"):
            _consent_all(user_id, actor, now=now)
            _verify(user_id, actor, spec, approve=True, now=now)
            customer_id = customer_id_for_user(user_id=user_id)
            wallet_open_if_ready(customer_id=customer_id, actor=CHECKER, now=now)
            if spec.state == "frozen":
                request = customer_freeze_request(
                    customer_id=customer_id,
                    freeze=True,
                    reason="Fraud report received (demo)",
                    actor=MAKER,
                    now=now,
                )
                approval_decide(
                    actor=CHECKER,
                    request_id=request.id,
                    approve=True,
                    reason="Confirmed (demo)",
                    now=now,
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


def load_customers(*, now: datetime, stdout=None) -> list[str]:
    """Create the demo customers that do not exist yet; returns (and writes) the login notes."""
    created = 0
    for offset, spec in enumerate(CUSTOMERS):
        when = now + timedelta(seconds=offset)
        user_id, new = _user(spec, now=when)
        if new:
            _make(spec, user_id, now=when)
            created += 1
    notes = [
        f"Customers: {created} created. Portal: http://127.0.0.1:8000/me/ "
        f"(log in with a mobile number, password {PASSWORD})",
        *(f"  {spec.mobile.removeprefix('+86')}  {spec.state}" for spec in CUSTOMERS),
    ]
    out = stdout or io.StringIO()
    for note in notes:
        out.write(note + "\n")
    return notes


def demo_customers_step(ctx) -> None:
    """``hujin.demo.loader.STEPS`` entry: load the customers, add the notes to the report."""
    ctx.report.notes.extend(load_customers(now=ctx.now, stdout=None))
