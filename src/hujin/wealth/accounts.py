"""The ledger accounts wealth moves money and units through, opened idempotently.

Per product (its code ``X``):
- ``2210.wealth.settlement`` in CNY (liability), one per product, named after it: what Hujin owes
  the product's issuer for subscriptions it confirmed, less the redemptions and payouts the
  issuer owes customers. The issuer settles it outside the ledger, through the bank.
- ``3110.wealth.units_issued`` in ``U:X`` (equity): the counterpart of every unit in customers'
  hands; its debit balance is the units outstanding.
- ``2230.wealth.holding`` in ``U:X`` (liability, one per customer): the customer's units; its
  debits may never exceed its credits, so no redemption can take more than is held.
And one for all: ``6052.wealth.subscription_fees`` (income), the subscription fees customers pay.

Their ids are UUIDv5 of their names, so every process opens the same accounts; a second opening
changes nothing. The ledger transfers of an order derive from the order's id the same way.
"""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from hujin.core.actors import system_actor
from hujin.core.money import unit_asset
from hujin.customers.services import account_open_for_customer
from hujin.ledger.services import account_create

ACTOR = system_actor("wealth")
NAMESPACE = uuid.UUID("3c0d7a2e-51f4-5b8e-a6c9-2e7d90b41f58")
CURRENCY = "CNY"
SETTLEMENT_CODE = "2210.wealth.settlement"
UNITS_ISSUED_CODE = "3110.wealth.units_issued"
HOLDING_CODE = "2230.wealth.holding"
FEES_CODE = "6052.wealth.subscription_fees"
INCOME_CODE = "wealth.income"  # the transfers of a money-market fund's income to its holders


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def settlement_id(product_code: str) -> uuid.UUID:
    return _id(f"wealth.settlement:{product_code}")


def units_issued_id(product_code: str) -> uuid.UUID:
    return _id(f"wealth.units_issued:{product_code}")


def fees_id() -> uuid.UUID:
    return _id("wealth.subscription_fees")


def holding_account_id(customer_id: uuid.UUID, product_code: str) -> uuid.UUID:
    return _id(f"wealth.holding:{customer_id}:{product_code}")


def order_transfer_id(order_id: uuid.UUID, step: str) -> uuid.UUID:
    """The ledger transfer of an order's ``step`` (``hold``, ``hold_fee``, ``post``,
    ``units``, ``pay``...): a retried step can only ever name the same transfer."""
    return uuid.uuid5(order_id, f"wealth.{step}")


def _open(account_id: uuid.UUID, *, currency: str, code: str, kind: str, name: str,
          now: datetime) -> uuid.UUID:  # fmt: skip
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a race
            account_create(id=account_id, currency=currency, code=code, kind=kind, name=name,
                           actor=ACTOR, now=now)  # fmt: skip
    except IntegrityError:  # another process opened it at the same moment: it is there now
        pass
    return account_id


def product_accounts_open(*, product_code: str, now: datetime) -> None:
    """The product's settlement and units-issued accounts and the fee income account."""
    name = f"Settlement with the issuer: {product_code}"
    _open(settlement_id(product_code), currency=CURRENCY, code=SETTLEMENT_CODE,
          kind="liability", name=name, now=now)  # fmt: skip
    _open(units_issued_id(product_code), currency=unit_asset(product_code),
          code=UNITS_ISSUED_CODE, kind="equity", name=f"Units issued: {product_code}",
          now=now)  # fmt: skip
    _open(fees_id(), currency=CURRENCY, code=FEES_CODE, kind="income",
          name="Wealth subscription fees", now=now)  # fmt: skip


def holding_account_open(*, customer_id: uuid.UUID, product_code: str, now: datetime) -> uuid.UUID:
    """The customer's unit account for the product, owned by the customer (a freeze of the
    customer freezes it)."""
    return account_open_for_customer(
        customer_id=customer_id, id=holding_account_id(customer_id, product_code),
        currency=unit_asset(product_code), code=HOLDING_CODE, kind="liability",
        name=f"Holding: {product_code}", actor=ACTOR, now=now,
        debits_must_not_exceed_credits=True,
    )  # fmt: skip
