"""Fixtures for the customers module: customer logins, valid document numbers, staff with roles.

Document numbers are built here with the check-digit code under test, and the tests cross-check
mainland IDs and USCCs against python-stdnum.
"""

import itertools
import uuid

import pytest

from hujin.core.actors import Actor
from hujin.customers import documents
from hujin.customers.permissions import ALL

_mobiles = itertools.count(13800000001)


def resident_id(region: str = "110105", birth: str = "19900101", seq: str = "123") -> str:
    body = f"{region}{birth}{seq}"
    return body + documents.mod11_2_check(body)


def foreign_2023(
    province: str = "11", nationality: str = "840", birth: str = "19850615", seq: str = "123"
) -> str:
    body = f"9{province}{nationality}{birth}{seq}"
    return body + documents.mod11_2_check(body)


def uscc(
    authority: str = "9", kind: str = "1", region: str = "110000", organisation: str = "60003734"
) -> str:
    org = organisation + documents.organisation_code_check(organisation)
    body = f"{authority}{kind}{region}{org}"
    return body + documents.uscc_check(body)


@pytest.fixture
def make_customer_user(db):
    """Factory: a customer login (identity User of kind "customer") with a mainland mobile."""
    from hujin.identity.models import User

    def make(mobile: str | None = None):
        number = mobile or f"+86{next(_mobiles)}"
        return User.objects.create(
            username=f"c-{uuid.uuid4().hex[:12]}", kind="customer", mobile=number
        )

    return make


def actor_for(user) -> Actor:
    return Actor(kind="customer", id=str(user.pk), label=user.username)


def _staff_actor(username: str, scopes) -> Actor:
    from hujin.identity.models import User

    user = User.objects.create(username=username, kind="staff", is_staff=True)
    return Actor(kind="staff", id=str(user.pk), label=username, scopes=frozenset(scopes))


@pytest.fixture
def officer(db):
    """A staff member's Actor holding every customers permission (reviewer, checker...)."""
    return _staff_actor("officer", ALL)


@pytest.fixture
def second_officer(db):
    return _staff_actor("officer2", ALL)


@pytest.fixture
def clerk(db):
    """A staff member's Actor with no customers permission."""
    return _staff_actor("clerk", ())


@pytest.fixture
def consents(monkeypatch):
    """Control what privacy reports as outstanding consents: ``consents.outstanding = [...]``."""

    class Consents:
        outstanding: list[str] = []

    state = Consents()
    monkeypatch.setattr(
        "hujin.customers.services.wallet.consents_outstanding",
        lambda *, user_id: list(state.outstanding),
    )
    return state


@pytest.fixture
def simulated_provider(settings):
    settings.HUJIN_IDENTITY_PROVIDER = "hujin.customers.providers.LocalSimulatedProvider"


@pytest.fixture
def manual_provider(settings):
    settings.HUJIN_IDENTITY_PROVIDER = "hujin.customers.providers.ManualReviewProvider"
