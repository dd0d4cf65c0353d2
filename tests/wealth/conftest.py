"""Fixtures of the wealth tests.

make_customer   factory: a verified, active customer login (``status``, ``verified`` to change)
assessed        factory: the customer's risk assessment at C1, C3 or C5 (questionnaire v1)
make_product    factory: a product of a risk level on sale (or a draft)
"""

import itertools
import uuid

import pytest

from hujin.core.actors import Actor
from hujin.products.permissions import MANAGE_PRODUCTS, REVIEW_PRODUCTS, VIEW_PRODUCTS
from hujin.suitability.services import assessment_submit
from tests.products.conftest import documents_dir  # noqa: F401 -- documents in a temporary dir
from tests.products.factories import fund_draft
from tests.products.factories import on_sale as put_on_sale
from tests.suitability.conftest import answers

_serial = itertools.count(1)

# Questionnaire v1 answers landing on a level (the demo's profiles).
PROFILES = {
    "C1": dict(age=3, annual_income=2, investable_assets=2, experience=2, knowledge=2, horizon=2,
               loss_tolerance=1, purpose=1, income_stability=3, asset_share=3),
    "C3": dict(age=1, annual_income=2, investable_assets=2, experience=2, knowledge=2, horizon=2,
               loss_tolerance=2, purpose=2, income_stability=3, asset_share=3),
    "C5": dict(age=2, annual_income=3, investable_assets=3, experience=4, knowledge=3, horizon=4,
               loss_tolerance=4, purpose=3, income_stability=4, asset_share=3),
}  # fmt: skip


def actor_for(user) -> Actor:
    return Actor(kind="customer", id=str(user.pk), label=user.username)


@pytest.fixture
def make_customer(db, now):
    from hujin.customers.models import Customer
    from hujin.identity.models import User

    def make(*, verified: bool = True, status: str = "active"):
        user = User.objects.create(username=f"w-{uuid.uuid4().hex[:12]}", kind="customer")
        Customer.objects.create(
            user=user, type="individual", status=status, legal_name="张三" if verified else "",
            kyc_status="verified" if verified else "unverified",
            verified_at=now if verified else None, created_at=now,
        )  # fmt: skip
        return user

    return make


@pytest.fixture
def assessed(now):
    def assess(user, level: str, *, at=None):
        profile = assessment_submit(user_id=user.pk, answers=answers(**PROFILES[level]),
                                    actor=actor_for(user), now=at or now)  # fmt: skip
        assert profile.level == level
        return profile

    return assess


MAKER = Actor(
    kind="staff", id="101", label="pm", scopes=frozenset({VIEW_PRODUCTS, MANAGE_PRODUCTS})
)
CHECKER = Actor(kind="staff", id="202", label="compliance",
                scopes=frozenset({VIEW_PRODUCTS, REVIEW_PRODUCTS}))  # fmt: skip


@pytest.fixture
def make_product(db, now, documents_dir):  # noqa: F811 -- the products tests' fixture
    """Factory: a NAV fund of ``risk_level`` on sale (with its three documents) from the
    business date, which it sets (the ``now`` fixture's day) when there is none yet;
    ``on_sale=False``: a draft."""
    from hujin.core.dates import business_date_get
    from hujin.products.services import product_create

    business_date_get(now=now)

    def make(risk_level: str, *, on_sale: bool = True):
        draft = fund_draft(code=f"HJ-T-{next(_serial):03d}", risk_level=risk_level)
        if not on_sale:
            return product_create(actor=MAKER, draft=draft, now=now)
        return put_on_sale(MAKER, CHECKER, draft, now)

    return make
