"""Fixtures of the wealth tests.

make_customer   factory: a verified, active customer login (``status``, ``verified`` to change)
assessed        factory: the customer's risk assessment at C1, C3 or C5 (questionnaire v1)
make_product    factory: a product of a risk level, as a product manager creates it
"""

import itertools
import uuid

import pytest

from hujin.core.actors import Actor
from hujin.products.permissions import MANAGE_PRODUCTS, VIEW_PRODUCTS
from hujin.suitability.services import assessment_submit
from tests.products.factories import fund_draft
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


@pytest.fixture
def make_product(db, now):
    from hujin.products.services import product_create

    maker = Actor(kind="staff", id="101", label="pm",
                  scopes=frozenset({VIEW_PRODUCTS, MANAGE_PRODUCTS}))  # fmt: skip

    def make(risk_level: str):
        draft = fund_draft(code=f"HJ-T-{next(_serial):03d}", risk_level=risk_level)
        return product_create(actor=maker, draft=draft, now=now)

    return make
