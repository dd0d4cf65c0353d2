"""Fixtures for payments: verified customers made directly, card numbers that pass (or fail)
the Luhn check, and the sandbox channel with a fixed code."""

import itertools
import uuid

import pytest

from hujin.core.actors import Actor
from hujin.payments.cardnumbers import luhn_ok

CODE = "246810"
MOBILE = "13812345678"
_mobiles = itertools.count(13600000001)


def card_number(
    prefix: str = "622202", length: int = 19, *, serial: int = 7, valid: bool = True
) -> str:
    """A number of ``length`` digits starting with ``prefix``, then ``serial``, whose check
    digit is right (or, ``valid=False``, wrong)."""
    body = prefix + str(serial).zfill(length - len(prefix) - 1)
    for digit in "0123456789":
        if luhn_ok(body + digit) == valid:
            return body + digit
    raise AssertionError("unreachable")


def actor_for(user) -> Actor:
    return Actor(kind="customer", id=str(user.pk), label=user.username)


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE}
    settings.HUJIN_PAYMENTS_CHANNEL = ""
    return settings.HUJIN_PAYMENTS_SANDBOX


@pytest.fixture
def make_customer(db, now):
    """Factory: a customer login and profile; verified with ``name`` unless ``verified=False``;
    ``status`` active, frozen or closed; ``kind`` individual or enterprise."""
    from hujin.customers.models import Customer
    from hujin.identity.models import User

    def make(
        *, name: str = "张三", verified: bool = True, status: str = "active", kind="individual"
    ):
        user = User.objects.create(
            username=f"p-{uuid.uuid4().hex[:12]}", kind="customer", mobile=f"+86{next(_mobiles)}"
        )
        Customer.objects.create(
            user=user,
            type=kind,
            status=status,
            legal_name=name if verified else "",
            kyc_status="verified" if verified else "unverified",
            verified_at=now if verified else None,
            created_at=now,
        )
        return user

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer()


@pytest.fixture
def bound_card(customer, now):
    """Factory: bind (and confirm) a card for ``user`` (default: ``customer``)."""
    from hujin.payments.services import card_bind_begin, card_bind_confirm

    def bind(prefix: str = "622202", *, user=None, name: str = "张三", at=None):
        user = user or customer
        actor = actor_for(user)
        started = card_bind_begin(
            number=card_number(prefix), holder_name=name, reserved_mobile=MOBILE, actor=actor,
            now=at or now,
        )  # fmt: skip
        return card_bind_confirm(card_id=started.card.id, code=CODE, actor=actor, now=at or now)

    return bind


@pytest.fixture
def funded_payer(make_customer, bound_card, now):
    """Factory: a verified customer with a bound card and an open wallet holding ``amount``
    fen (a ``tests.payments.money.Payer``)."""
    from tests.payments.money import Payer, open_wallet
    from tests.payments.rules_helpers import fund

    def make(amount: int = 10_000_00):
        user = make_customer()
        card = bound_card(user=user)
        wallet_id = open_wallet(user, now)
        fund(wallet_id, amount, now)
        return Payer(user=user, card_id=card.id, wallet_id=wallet_id)

    return make
