"""Identity's fixtures: people other than the staff superuser of tests/conftest.py."""

import pytest

from hujin.core.actors import Actor


@pytest.fixture
def customer_user(db, staff_password):
    """A customer who knows their password (and so could try the console's login form)."""
    from hujin.identity.models import User

    user = User(username="customer", kind=User.Kind.CUSTOMER)
    user.set_password(staff_password)
    user.save()
    return user


@pytest.fixture
def clerk_user(db, staff_password):
    """A staff member with no permissions at all."""
    from hujin.identity.models import User

    user = User(username="clerk", kind=User.Kind.STAFF)
    user.set_password(staff_password)
    user.save()
    return user


@pytest.fixture
def cli_actor() -> Actor:
    return Actor(kind="system", id="test", label="test")
