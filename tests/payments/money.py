"""Helpers for the top-up and withdrawal tests: a customer with a bound card and an open wallet,
balances read from the ledger's rows, and a callback signed as a channel signs it."""

import json
import uuid
from dataclasses import dataclass

from hujin.core.ids import new_id
from hujin.ledger.models import Account
from hujin.ledger.services import account_create
from hujin.ledger.verify import ledger_verify
from hujin.payments.services.house import IN_FLIGHT_CODE, clearing_code, house_account_id
from hujin.payments.signing import callback_signature
from tests.payments.conftest import actor_for


@dataclass
class Payer:
    user: object
    card_id: uuid.UUID
    wallet_id: uuid.UUID

    @property
    def actor(self):
        return actor_for(self.user)


def open_wallet(user, now, *, frozen: bool = False) -> uuid.UUID:
    """The customer's wallet, opened directly in the ledger (as customers opens it)."""
    from hujin.core.actors import system_actor
    from hujin.customers.models import Customer

    account, _ = account_create(
        id=new_id(), currency="CNY", code="2001.wallet", kind="liability", name="Customer wallet",
        debits_must_not_exceed_credits=True, actor=system_actor("test"), now=now,
        debits_frozen=frozen, debits_frozen_reason_code="customers.freeze" if frozen else "",
    )  # fmt: skip
    Customer.objects.filter(user=user).update(wallet_account_id=account.id, wallet_opened_at=now)
    return account.id


def wallet(account_id: uuid.UUID) -> dict:
    """The wallet's posted balance and what is held on it or on its way in, in fen."""
    a = Account.objects.get(id=account_id)
    return {
        "balance": a.credits_posted - a.debits_posted,
        "held": a.debits_pending,
        "incoming": a.credits_pending,
    }


def house(code: str) -> Account:
    return Account.objects.get(id=house_account_id(code))


def clearing() -> Account:
    return house(clearing_code("sandbox"))


def in_flight() -> Account:
    return house(IN_FLIGHT_CODE)


def ledger_is_consistent() -> bool:
    report = ledger_verify()
    assert report.problems == []
    return report.ok


def signed(body: dict | bytes, now, *, channel: str = "sandbox", skew: int = 0) -> dict:
    """The keyword arguments of ``callback_receive`` for ``body``, signed at ``now + skew``."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(now.timestamp()) + skew)
    return {
        "channel": channel,
        "timestamp": timestamp,
        "signature": callback_signature(channel=channel, timestamp=timestamp, body=raw),
        "body": raw,
    }


def channel_told(callbacks) -> int:
    """Run, of the on-commit callbacks a test captured, those that hand a payment to its channel
    (a payout is sent once its caller's transaction commits); the others remember accounts
    opened in a transaction the test rolls back, and must not run. How many ran."""
    from hujin.payments.services.sending import payment_send

    sends = [c for c in callbacks if getattr(c, "func", None) is payment_send]
    for send in sends:
        send()
    return len(sends)
