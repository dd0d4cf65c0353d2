"""The demo's bank cards: each customer with a wallet has one debit card in their own name."""

import pytest

from hujin.core.actors import system_actor
from hujin.demo.customers import CUSTOMERS, WALLET_STATES
from hujin.demo.loader import demo_load
from hujin.demo.payments import luhn_completed
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.payments.selectors import my_cards

pytestmark = pytest.mark.django_db

WITH_WALLETS = [spec for spec in CUSTOMERS if spec.state in WALLET_STATES]


@pytest.fixture
def loaded(now, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo_load(now=now)


def _cards(spec):
    actor = customer_actor_get(
        actor=system_actor("test"), user_id=user_id_for_mobile(mobile=spec.mobile)
    )
    return my_cards(actor=actor).cards


def test_a_check_digit_is_the_one_luhn_asks_for():
    assert luhn_completed("7992739871") == "79927398713"  # the textbook example


def test_each_customer_with_a_wallet_has_a_default_card_of_a_known_bank(loaded):
    for spec in WITH_WALLETS:
        (card,) = _cards(spec)

        assert card.is_default and card.bank_name, spec.name
    assert any("Bank cards: 5 bound" in note for note in loaded.notes)


def test_loading_again_binds_no_second_card(loaded, now):
    again = demo_load(now=now)

    assert all(len(_cards(spec)) == 1 for spec in WITH_WALLETS)
    assert any("Bank cards: 0 bound" in note for note in again.notes)
