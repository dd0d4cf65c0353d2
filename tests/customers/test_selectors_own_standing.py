"""A customer's own standing: theirs only, with the verified name once verified."""

import pytest

from hujin.core.actors import Actor
from hujin.customers.models import Customer
from hujin.customers.selectors import own_standing
from tests.customers.conftest import actor_for


@pytest.fixture
def profile(make_customer_user, now):
    def make(*, name: str = "", kind: str = "individual"):
        user = make_customer_user()
        Customer.objects.create(
            user=user, type=kind, legal_name=name, created_at=now,
            kyc_status="verified" if name else "unverified", verified_at=now if name else None,
        )  # fmt: skip
        return user

    return make


def test_the_customer_gets_their_standing_and_verified_name(profile):
    user = profile(name="王五")

    standing = own_standing(actor=actor_for(user))

    assert (standing.type, standing.status, standing.verified) == ("individual", "active", True)
    assert standing.legal_name == "王五" and standing.user_id == user.pk


def test_an_unverified_customer_has_no_name_yet(profile):
    standing = own_standing(actor=actor_for(profile()))

    assert not standing.verified and standing.legal_name == ""


def test_staff_and_logins_without_a_profile_get_nothing(make_customer_user):
    assert own_standing(actor=Actor(kind="staff", id="1", label="clerk")) is None
    assert own_standing(actor=actor_for(make_customer_user())) is None
