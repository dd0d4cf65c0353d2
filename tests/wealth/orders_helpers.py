"""Helpers of the order tests: a customer ready to buy (assessed, wallet open and funded,
documents acknowledged), the products of each kind on sale, prices published, a close of
business's wealth steps run for a date, and what a wallet and a holding hold."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from hujin.core.actors import Actor, system_actor
from hujin.ledger.models import Account
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest
from hujin.products.permissions import PUBLISH_NAV
from hujin.products.selectors import product_get
from hujin.products.services import nav_publish
from hujin.wealth.accounts import holding_account_id
from hujin.wealth.services import documents_acknowledge, wealth_steps_run
from tests.payments.money import open_wallet
from tests.products.factories import TODAY
from tests.wealth.conftest import actor_for

OPERATIONS = Actor(kind="staff", id="303", label="ops", scopes=frozenset({PUBLISH_NAV}))
TEST = system_actor("test")
D = timedelta(days=1)


def funded_wallet(user, amount_minor: int, now: datetime) -> uuid.UUID:
    """Open the customer's wallet and put ``amount_minor`` fen in it from a test bank account."""
    wallet_id = open_wallet(user, now)
    bank, _ = account_create(id=uuid.uuid4(), currency="CNY", code="1002.test.bank",
                             kind="asset", actor=TEST, now=now)  # fmt: skip
    [result] = transfers_create(
        transfers=[TransferRequest(id=uuid.uuid4(), debit_account_id=bank.id,
                                   credit_account_id=wallet_id, amount=amount_minor,
                                   currency="CNY", code="test.fund")],
        actor=TEST, now=now, business_date=TODAY,
    )  # fmt: skip
    assert result.ok
    return wallet_id


def wallet(wallet_id: uuid.UUID) -> dict:
    a = Account.objects.get(id=wallet_id)
    return {"balance": a.credits_posted - a.debits_posted, "held": a.debits_pending}


def units_of(user, product) -> dict:
    from hujin.customers.models import Customer

    customer = Customer.objects.get(user=user)
    a = Account.objects.filter(id=holding_account_id(customer.id, product.code)).first()
    if a is None:
        return {"units": 0, "held": 0}
    return {"units": a.credits_posted - a.debits_posted, "held": a.debits_pending}


def acknowledged(user, product, now) -> uuid.UUID:
    documents = product_get(product_id=product.id).documents
    return documents_acknowledge(actor=actor_for(user), product_id=product.id,
                                 document_ids=[d.id for d in documents], now=now)  # fmt: skip


def publish(product, day: date, now, **values):
    return nav_publish(actor=OPERATIONS, product_id=product.id, business_date_of=day,
                       business_date=day, now=now, confirmed=True, **values)  # fmt: skip


def nav(product, day: date, now, value: str):
    return publish(product, day, now, nav=Decimal(value))


def income(product, day: date, now, per_10k: str):
    return publish(product, day, now, income_per_10k=Decimal(per_10k))


def wealth_cob(day: date, now: datetime) -> dict:
    """The wealth steps of one close of business, in their order: {step: result}."""
    return wealth_steps_run(business_date=day, now=now)
