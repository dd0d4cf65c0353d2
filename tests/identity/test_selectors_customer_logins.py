"""Identity's reads for the modules that keep customers (hujin.identity.selectors)."""

from datetime import timedelta

import pytest

from hujin.core.actors import Actor
from hujin.identity.access import customer_actor
from hujin.identity.errors import NotACustomerLogin, ProvisioningDenied
from hujin.identity.models import User
from hujin.identity.selectors import (
    customer_actor_get,
    customer_login_exists,
    customer_login_ids,
    user_id_for_mobile,
)

pytestmark = pytest.mark.django_db

STAFF = Actor(kind="staff", id="x", label="officer", scopes=frozenset({"customers.view_customers"}))


@pytest.fixture
def people(now):
    def make(username, kind=User.Kind.CUSTOMER, minutes=0, **fields):
        return User.objects.create(
            username=username, kind=kind, date_joined=now + timedelta(minutes=minutes), **fields
        )

    return {
        "later": make("later", minutes=5, mobile="+8613700000002"),
        "earlier": make("earlier", minutes=1, mobile="+8613700000001"),
        "gone": make("gone", minutes=2, is_active=False),
        "staff": make("staff", kind=User.Kind.STAFF, mobile="+8613700000003"),
    }


class TestUserIdForMobile:
    @pytest.mark.parametrize("typed", ["13700000001", "+86 137 0000 0001", "137-0000-0001"])
    def test_finds_the_login_however_the_number_is_typed(self, people, typed):
        assert user_id_for_mobile(mobile=typed) == people["earlier"].pk

    @pytest.mark.parametrize("typed", ["13799999999", "not a number", ""])
    def test_is_none_for_an_unknown_or_malformed_number(self, people, typed):
        assert user_id_for_mobile(mobile=typed) is None


class TestCustomerLoginExists:
    def test_is_true_only_for_customer_logins(self, people):
        assert customer_login_exists(user_id=people["gone"].pk)
        assert not customer_login_exists(user_id=people["staff"].pk)


class TestCustomerLoginIds:
    def test_lists_active_customers_oldest_first(self, people, cli_actor):
        assert customer_login_ids(actor=cli_actor) == [people["earlier"].pk, people["later"].pk]

    def test_is_for_the_system_only(self, people):
        with pytest.raises(ProvisioningDenied):
            customer_login_ids(actor=STAFF)


class TestCustomerActorGet:
    def test_is_the_actor_the_customer_has_when_logged_in(self, people, cli_actor):
        user = people["earlier"]

        assert customer_actor_get(actor=cli_actor, user_id=user.pk) == customer_actor(user)

    def test_refuses_a_login_that_is_not_a_customer(self, people, cli_actor):
        with pytest.raises(NotACustomerLogin):
            customer_actor_get(actor=cli_actor, user_id=people["staff"].pk)

    def test_is_for_the_system_only(self, people):
        with pytest.raises(ProvisioningDenied):
            customer_actor_get(actor=STAFF, user_id=people["earlier"].pk)
