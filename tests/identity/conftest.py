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


# --- customers, SMS codes, log-in (sign-up, sessions, lock-out tests) ---------------------------

CUSTOMER_MOBILE = "+8613812345678"
CUSTOMER_MOBILE_NATIONAL = "13812345678"
CUSTOMER_PASSWORD = "plum-blossom-river-42"


@pytest.fixture
def customer_password() -> str:
    return CUSTOMER_PASSWORD


@pytest.fixture
def registered_customer(db):
    """A customer who signed up with CUSTOMER_MOBILE and CUSTOMER_PASSWORD."""
    from hujin.identity.models import User
    from hujin.identity.signup import customer_username_new
    from tests.conftest import _password_hash

    return User.objects.create(
        username=customer_username_new(),
        kind=User.Kind.CUSTOMER,
        mobile=CUSTOMER_MOBILE,
        password=_password_hash(CUSTOMER_PASSWORD),
    )


@pytest.fixture
def no_mfa(monkeypatch):
    """Log-in pages log straight in (no second factor asked), to test what comes before it."""
    from hujin.identity import views_auth

    monkeypatch.setattr(views_auth, "_mfa_required", lambda user: False)


def sms_code(mobile_e164: str, purpose: str) -> str:
    from hujin.identity.sms import dev_sms_code

    code = dev_sms_code(mobile_e164=mobile_e164, purpose=purpose)
    assert code is not None, f"no {purpose} code was sent to the number"
    return code
