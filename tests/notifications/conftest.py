"""Fixtures for the notifications module: customers, channel doubles and kinds made for a test.

The channels' hooks are process-wide; every fixture that sets one puts the old one back.
"""

import itertools
import uuid
from dataclasses import dataclass, field

import pytest

from hujin.core.actors import Actor
from hujin.notifications import channels, kinds
from hujin.notifications.models import Recipient
from tests.customers.conftest import (  # noqa: F401 -- fixtures shared with customers' tests
    consents,
    manual_provider,
    officer,
    second_officer,
    simulated_provider,
)

_mobiles = itertools.count(13700000001)


@pytest.fixture
def make_customer(db):
    """Factory: a customer login with a mainland mobile; ``language=`` sets the language their
    messages are written in."""
    from hujin.identity.models import User

    def make(*, language: str = ""):
        user = User.objects.create(
            username=f"n-{uuid.uuid4().hex[:12]}", kind="customer", mobile=f"+86{next(_mobiles)}"
        )
        if language:
            Recipient.objects.create(user=user, language=language)
        return user

    return make


@pytest.fixture
def customer(make_customer):
    """A customer who chose English for their messages (the default is Chinese)."""
    return make_customer(language="en")


def actor_for(user) -> Actor:
    return Actor(kind="customer", id=str(user.pk), label=user.username)


@dataclass
class SmsDouble:
    """A text-message transport that keeps what it was asked to send; ``fail`` makes it raise."""

    sent: list[dict] = field(default_factory=list)
    fail: Exception | None = None

    def __call__(self, *, user_id, text, purpose, now) -> str:
        if self.fail is not None:
            raise self.fail
        self.sent.append({"user_id": user_id, "text": text, "purpose": purpose, "now": now})
        return f"sms-{len(self.sent)}"


@pytest.fixture
def sms():
    double = SmsDouble()
    before = channels.sms_transport()
    channels.sms_transport_set(double)
    yield double
    channels.sms_transport_set(before)


@pytest.fixture
def email_addresses():
    """Customers' e-mail addresses, as a resolver would find them: ``{user_id: address}``."""
    book: dict[uuid.UUID, str] = {}
    before = channels.email_address_resolver()
    channels.email_address_resolver_set(lambda *, user_id: book.get(uuid.UUID(str(user_id))))
    yield book
    channels.email_address_resolver_set(before)


@pytest.fixture
def no_channels():
    """Neither a text-message transport nor an e-mail resolver is set up."""
    before = channels.sms_transport(), channels.email_address_resolver()
    channels.sms_transport_set(None)
    channels.email_address_resolver_set(None)
    yield
    channels.sms_transport_set(before[0])
    channels.email_address_resolver_set(before[1])


@pytest.fixture
def test_kind(monkeypatch):
    """Factory: register a kind for one test (removed after it): ``test_kind(key, ...)``."""

    monkeypatch.setattr(kinds, "_kinds", dict(kinds._kinds))

    def make(key: str, **options):
        return kinds.notification_kind_register(key, **options)

    return make
