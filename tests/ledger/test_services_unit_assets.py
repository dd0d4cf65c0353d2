"""The ledger holds a product's units as it holds money: accounts in the asset ``U:<code>``,
transfers of hundredths of a unit between them, never mixed with money; an asset code that is
neither a currency nor a product's units is refused; units read as units."""

import pytest
from django.utils import translation

from hujin.core.actors import system_actor
from hujin.core.ids import new_id
from hujin.core.money import InvalidCurrency, display_amount, unit_asset
from hujin.ledger.errors import Result
from hujin.ledger.selectors import Balances, account_get
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = system_actor("test")
UNITS = unit_asset("HJ-MMF-01")


def open_account(currency, code="2301.wealth.units", kind="liability", now=None):
    account, _ = account_create(id=new_id(), currency=currency, code=code, kind=kind,
                                name="Units", actor=ACTOR, now=now)  # fmt: skip
    return account


def move(debit, credit, amount, now, currency=UNITS):
    [result] = transfers_create(
        transfers=[TransferRequest(id=new_id(), debit_account_id=debit.id,
                                   credit_account_id=credit.id, amount=amount,
                                   currency=currency)],
        actor=ACTOR, now=now, business_date=now.date(),
    )  # fmt: skip
    return result


def test_units_move_between_unit_accounts(now):
    issued = open_account(UNITS, code="1301.wealth.units_issued", kind="asset", now=now)
    holding = open_account(UNITS, now=now)

    result = move(issued, holding, 1_234_56, now)

    assert result.ok
    account = account_get(actor=ACTOR, account_id=holding.id)
    assert account.currency == "U:HJ-MMF-01"
    assert Balances.of_account(account).credits_posted == 1_234_56


def test_units_never_mix_with_money(now):
    holding = open_account(UNITS, now=now)
    cash = open_account("CNY", code="2001.wallet", now=now)

    result = move(cash, holding, 100, now, currency=None)

    assert result.result == Result.CURRENCY_MISMATCH


@pytest.mark.parametrize("code", ["U:", "U:hj-mmf", "UNITS", "U:A", "XYZ"])
def test_an_asset_that_is_no_currency_and_no_products_units_is_refused(code, now):
    with pytest.raises(InvalidCurrency):
        open_account(code, now=now)


def test_units_read_as_units_never_with_a_currency_sign():
    with translation.override("en"):
        assert display_amount(1_234_56, UNITS) == "1,234.56 units"
    with translation.override("zh-hans"):
        assert display_amount(1_234_56, UNITS) == "1,234.56 份"
    assert display_amount(-5_00, UNITS, style="code").startswith("\u22125.00")


def test_a_product_code_that_cannot_name_units_is_refused():
    with pytest.raises(InvalidCurrency):
        unit_asset("lower case")
