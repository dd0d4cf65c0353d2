"""The house's ledger accounts payments moves customer money through, opened idempotently.

- ``1102.payments.<channel>.clearing`` (asset, one per channel): what the channel owes Hujin for
  top-ups it collected from cards and has not settled into the bank account yet.
- ``2202.payments.withdrawals.in_flight`` (liability): money taken from wallets for withdrawals
  the channel is paying out to cards.
- ``6051.payments.fee_income`` (income): the fees customers paid for payments.

Their ids are UUIDv5 of their names, so every process opens the same accounts and a second
opening changes nothing. The demo chart's ``1002.channel.clearing`` is the demo's own history.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from hujin.core.actors import system_actor
from hujin.ledger.services import account_create

ACTOR = system_actor("payments")
NAMESPACE = uuid.UUID("0b7e4c52-6f0d-5a51-9a43-3c1f6f2d9e10")
CURRENCY = "CNY"
IN_FLIGHT_CODE = "2202.payments.withdrawals.in_flight"
FEE_INCOME_CODE = "6051.payments.fee_income"


def clearing_code(channel: str) -> str:
    return f"1102.payments.{channel}.clearing"


def house_account_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"payments.house:{code}")


def payment_transfer_id(payment_id: uuid.UUID, step: str) -> uuid.UUID:
    """The ledger transfer of a payment's ``step`` ("hold", "post", "void"): derived from the
    payment's id, so a retried step can only ever name the same transfer."""
    return uuid.uuid5(payment_id, f"payments.{step}")


def fee_transfer_id(payment) -> uuid.UUID:
    """The pending transfer of a payment's fee: the first channel's, derived from the payment's
    id, or the one its move to another channel placed."""
    return payment.fee_transfer_id or payment_transfer_id(payment.id, "fee")


@dataclass(frozen=True, slots=True)
class HouseAccounts:
    clearing_id: uuid.UUID
    in_flight_id: uuid.UUID
    fee_income_id: uuid.UUID


# The house accounts this process has seen opened by a committed transaction (they are never
# deleted; a test database's flush forgets them: see ``forget_opened``).
_opened: set[uuid.UUID] = set()


def forget_opened(**kwargs) -> None:
    _opened.clear()


def _open(code: str, kind: str, name: str, now: datetime) -> uuid.UUID:
    account_id = house_account_id(code)
    if account_id in _opened:
        return account_id
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a race
            account_create(id=account_id, currency=CURRENCY, code=code, kind=kind, name=name,
                           actor=ACTOR, now=now)  # fmt: skip
    except IntegrityError:  # another process opened it at the same moment: it is there now
        pass
    # Remembered once the caller's transaction commits: one rolled back takes the account with it.
    transaction.on_commit(lambda: _opened.add(account_id))
    return account_id


def fee_income_open(*, now: datetime) -> uuid.UUID:
    """The fee income account alone (a transfer between customers touches no channel)."""
    return _open(FEE_INCOME_CODE, "income", "Payment fees", now)


def house_accounts_open(*, channel: str, now: datetime) -> HouseAccounts:
    """The channel's clearing account, the withdrawals in flight and the fee income, opened
    when missing (two processes opening one at once both get it)."""
    return HouseAccounts(
        clearing_id=_open(clearing_code(channel), "asset", f"Payments clearing: {channel}", now),
        in_flight_id=_open(IN_FLIGHT_CODE, "liability", "Withdrawals in flight", now),
        fee_income_id=fee_income_open(now=now),
    )
