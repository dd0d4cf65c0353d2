"""Demo customers in every onboarding state, made through the real services.

``load_customers(*, now, stdout)`` is idempotent: a customer whose mobile number is already
registered is left as it is. ``demo_customers_step`` adapts it to ``hujin.demo.loader.STEPS``.
Identity checks go through the manual review queue (whatever ``HUJIN_IDENTITY_PROVIDER`` says)
and are decided by a demo compliance actor.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_decide
from hujin.customers import documents
from hujin.customers.models import Customer
from hujin.customers.permissions import ALL as CUSTOMERS_PERMISSIONS
from hujin.customers.providers import ManualReviewProvider
from hujin.customers.services import customer_ensure, kyb_submit, kyc_review_decide, kyc_submit
from hujin.customers.status import customer_freeze_request
from hujin.customers.wallet import wallet_open_if_ready
from hujin.identity.access import customer_actor
from hujin.identity.models import User
from hujin.identity.phones import mobile_index_of
from hujin.privacy.selectors import KINDS
from hujin.privacy.services import consent_accept, current_document

PASSWORD = "hujin-customer-demo"
REVIEW = ManualReviewProvider()
MAKER = Actor(
    kind="system", id="demo-maker", label="demo maker", scopes=frozenset(CUSTOMERS_PERMISSIONS)
)
CHECKER = Actor(
    kind="system", id="demo-checker", label="demo checker", scopes=frozenset(CUSTOMERS_PERMISSIONS)
)


def _resident_id(region: str, birth: str, seq: str) -> str:
    body = f"{region}{birth}{seq}"
    return body + documents.mod11_2_check(body)


@dataclass(frozen=True)
class DemoCustomer:
    mobile: str  # E.164
    name: str
    document: str
    state: str  # what load_customers makes of them


CUSTOMERS = [
    DemoCustomer("+8613800138001", "张伟", _resident_id("110105", "19880512", "135"), "open"),
    DemoCustomer("+8613800138002", "李娜", _resident_id("310104", "19920303", "246"), "open"),
    DemoCustomer("+8613800138003", "王芳", _resident_id("440305", "19950707", "358"), "pending"),
    DemoCustomer("+8613800138004", "刘洋", _resident_id("510107", "19790101", "468"), "rejected"),
    DemoCustomer("+8613800138005", "陈静", _resident_id("330106", "19850909", "572"), "frozen"),
    DemoCustomer("+8613800138006", "", "", "registered"),
    DemoCustomer("+8613800138007", "杭州互金示范科技有限公司", "", "enterprise"),
]
ENTERPRISE_USCC_BODY = "91330100MA2H3J4K"  # authority 9, kind 1, Hangzhou, organisation code


def _uscc() -> str:
    organisation = ENTERPRISE_USCC_BODY[8:16]
    body = ENTERPRISE_USCC_BODY[:8] + organisation + documents.organisation_code_check(organisation)
    return body + documents.uscc_check(body)


def _user(spec: DemoCustomer, *, now: datetime) -> tuple[User, bool]:
    existing = User.objects.filter(mobile_index=mobile_index_of(spec.mobile)).first()
    if existing is not None:
        return existing, False
    user = User(
        username=f"demo-{spec.mobile[-4:]}",
        kind=User.Kind.CUSTOMER,
        mobile=spec.mobile,
        date_joined=now,
    )
    user.set_password(PASSWORD)
    user.save()
    return user, True


def _consent_all(user: User, *, now: datetime) -> None:
    for kind in KINDS:
        document = current_document(kind)
        if document is not None:
            consent_accept(
                user_id=user.pk,
                document_id=document.id,
                channel="web",
                ip=None,
                actor=customer_actor(user),
                now=now,
            )


def _verify(user: User, spec: DemoCustomer, *, approve: bool, now: datetime) -> None:
    application = kyc_submit(
        user_id=user.pk,
        document_type=documents.RESIDENT_ID,
        document_number=spec.document,
        legal_name=spec.name,
        actor=customer_actor(user),
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


def _make(spec: DemoCustomer, user: User, *, now: datetime) -> None:
    with transaction.atomic():
        if spec.state in ("open", "frozen"):
            _consent_all(user, now=now)
            _verify(user, spec, approve=True, now=now)
            customer = Customer.objects.get(user=user)
            wallet_open_if_ready(customer_id=customer.id, actor=CHECKER, now=now)
            if spec.state == "frozen":
                request = customer_freeze_request(
                    customer_id=customer.id,
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
                user_id=user.pk,
                document_type=documents.RESIDENT_ID,
                document_number=spec.document,
                legal_name=spec.name,
                actor=customer_actor(user),
                now=now,
                provider=REVIEW,
            )
        elif spec.state == "rejected":
            _verify(user, spec, approve=False, now=now)
        elif spec.state == "registered":
            customer_ensure(user_id=user.pk, actor=customer_actor(user), now=now)
        elif spec.state == "enterprise":
            representative = CUSTOMERS[0]
            kyb_submit(
                user_id=user.pk,
                uscc=_uscc(),
                company_name=spec.name,
                representative_name=representative.name,
                representative_document_type=documents.RESIDENT_ID,
                representative_document_number=representative.document,
                operator_document_numbers=[CUSTOMERS[1].document],
                actor=customer_actor(user),
                now=now,
            )


def load_customers(*, now: datetime, stdout=None) -> list[str]:
    """Create the demo customers that do not exist yet; returns (and writes) the login notes."""
    created = 0
    for offset, spec in enumerate(CUSTOMERS):
        user, new = _user(spec, now=now)
        if new:
            _make(spec, user, now=now + timedelta(seconds=offset))
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
