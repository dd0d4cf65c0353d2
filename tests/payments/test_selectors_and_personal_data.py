"""Who sees whose cards, masked; a person's cards in their data download and after deletion;
the message a customer gets when a card is bound."""

import pytest
from django.utils import translation

from hujin.core.actors import Actor
from hujin.core.personal_data import personal_data_parts
from hujin.payments import errors
from hujin.payments.models import Card
from hujin.payments.permissions import VIEW_CARDS
from hujin.payments.selectors import cards_of, my_cards
from tests.payments.conftest import actor_for, card_number


def _customer_id(user):
    from hujin.customers.models import Customer

    return Customer.objects.get(user=user).id


class TestCardsOf:
    def test_the_customer_sees_their_cards_masked_with_the_bank_in_their_language(
        self, customer, bound_card
    ):
        bound_card()

        with translation.override("zh-hans"):
            [view] = cards_of(actor=actor_for(customer), customer_id=_customer_id(customer))

        number = card_number()
        assert view.masked_number == f"6222 **** **** {number[-4:]}"
        assert view.bank_name == "中国工商银行" and view.is_default and view.status == "active"
        assert number not in repr(view)

    def test_another_customer_is_told_there_is_no_such_card(
        self, customer, bound_card, make_customer
    ):
        bound_card()

        with pytest.raises(errors.CardNotFound):
            cards_of(actor=actor_for(make_customer()), customer_id=_customer_id(customer))

    def test_staff_need_the_view_permission(self, customer, bound_card):
        bound_card()
        clerk = Actor(kind="staff", id="1", label="clerk")
        agent = Actor(kind="staff", id="2", label="agent", scopes=frozenset({VIEW_CARDS}))

        with pytest.raises(errors.NotPermitted):
            cards_of(actor=clerk, customer_id=_customer_id(customer))
        assert len(cards_of(actor=agent, customer_id=_customer_id(customer))) == 1

    def test_a_frozen_customer_sees_their_cards_and_why_they_cannot_bind(
        self, make_customer, bound_card
    ):
        from hujin.customers.models import Customer

        user = make_customer()
        bound_card(user=user)
        Customer.objects.filter(user=user).update(status="frozen")

        mine = my_cards(actor=actor_for(user))

        assert len(mine.cards) == 1 and not mine.may_bind and "frozen" in mine.bind_refusal


def _part():
    return next(p for p in personal_data_parts() if p.name == "payments")


class TestPersonalData:
    def test_the_person_gets_their_full_card_number_in_their_export(self, customer, bound_card):
        bound_card()

        [row] = _part().export(customer.pk)["bank_cards"]

        assert row["number"] == card_number() and row["holder_name"] == "张三"

    def test_anonymising_blanks_number_name_and_mobile_but_keeps_last4_and_bank(
        self, customer, bound_card, now
    ):
        bound_card()

        _part().anonymise(user_id=customer.pk, actor=actor_for(customer), now=now)

        card = Card.objects.get()
        assert (card.number, card.number_index, card.holder_name, card.reserved_mobile) == (
            "",
            "",
            "",
            "",
        )
        assert card.last4 == card_number()[-4:] and card.bank_code == "ICBC"
        assert card.status == "unbound" and not card.is_default


def test_a_bound_card_sends_the_customer_a_message(customer, bound_card, now):
    from hujin.core.events import outbox_dispatch
    from hujin.notifications.models import Message

    card = bound_card()
    outbox_dispatch(now=now)

    message = Message.objects.get(recipient=customer, kind="payments.card_bound")
    assert card.last4 in message.body
