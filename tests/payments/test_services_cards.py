"""Binding a bank card: the checks before the bank is asked, the bank's code, the default card,
unbinding, and the audit entry and event each change writes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.payments import errors
from hujin.payments.channels import card_channel
from hujin.payments.checks import payment_channel_check
from hujin.payments.models import Card, SandboxCode
from hujin.payments.selectors import cards_of
from hujin.payments.services import (
    card_bind_begin,
    card_bind_confirm,
    card_set_default,
    card_unbind,
)
from tests.payments.conftest import CODE, MOBILE, actor_for, card_number


def _begin(user, now, *, number=None, name="张三", mobile=MOBILE):
    return card_bind_begin(
        number=number or card_number(), holder_name=name, reserved_mobile=mobile,
        actor=actor_for(user), now=now,
    )  # fmt: skip


class TestCardBindBegin:
    def test_starts_a_pending_binding_and_the_sandbox_keeps_the_code(self, customer, now):
        started = _begin(customer, now)

        card = Card.objects.get(id=started.card.id)
        assert card.status == "pending_verification" and card.bank_code == "ICBC"
        assert started.card.masked_number.startswith("6222 **** **** ")
        assert started.reserved_mobile_masked == "138****5678"
        assert SandboxCode.objects.get(reference=card.channel_reference).code == CODE
        assert not started.luhn_warning

    def test_a_number_failing_the_luhn_check_is_a_warning_not_a_refusal(self, customer, now):
        started = _begin(customer, now, number=card_number(valid=False))

        assert started.luhn_warning
        assert Card.objects.get(id=started.card.id).luhn_ok is False

    def test_a_number_of_the_wrong_length_is_refused(self, customer, now):
        with pytest.raises(errors.CardNumberInvalid):
            _begin(customer, now, number="6222 0212 3456 789")
        assert not Card.objects.exists()

    def test_a_reserved_mobile_that_is_not_a_mainland_mobile_is_refused(self, customer, now):
        with pytest.raises(errors.ReservedMobileInvalid):
            _begin(customer, now, mobile="010 6512 3456")

    def test_an_unknown_bin_is_allowed_with_no_bank(self, customer, now):
        started = _begin(customer, now, number=card_number("999999"))

        assert started.card.bank_name == "" and Card.objects.get().bank_code == ""

    def test_the_holder_must_be_the_verified_legal_name(self, customer, now):
        with pytest.raises(errors.HolderNameMismatch):
            _begin(customer, now, name="李四")

    def test_the_name_is_compared_without_spaces_width_or_case(self, make_customer, now):
        user = make_customer(name="ZHANG SAN")

        assert _begin(user, now, name=" Ｚｈａｎｇ san ").card.status == "pending_verification"

    def test_an_unverified_customer_may_not_bind(self, make_customer, now):
        with pytest.raises(errors.CustomerNotVerified):
            _begin(make_customer(verified=False), now)

    def test_an_enterprise_may_not_bind_a_personal_debit_card(self, make_customer, now):
        with pytest.raises(errors.NotAnIndividual):
            _begin(make_customer(kind="enterprise"), now)

    def test_a_frozen_customer_may_not_bind(self, make_customer, now):
        with pytest.raises(errors.CustomerFrozen) as raised:
            _begin(make_customer(status="frozen"), now)
        assert "unbind" in raised.value.message

    def test_a_card_already_bound_by_the_customer_is_refused(self, customer, bound_card, now):
        bound_card()

        with pytest.raises(errors.CardAlreadyBound):
            _begin(customer, now)

    def test_the_same_card_may_be_bound_by_another_customer(self, make_customer, bound_card, now):
        bound_card()
        assert _begin(make_customer(), now).card.status == "pending_verification"

    def test_the_bank_declining_the_card_writes_nothing(self, customer, now, settings):
        settings.HUJIN_PAYMENTS_SANDBOX = {"verify_decline_share": 1}

        with pytest.raises(errors.CardVerificationDeclined):
            _begin(customer, now)
        assert not Card.objects.exists()


class TestCardBindConfirm:
    def test_the_right_code_binds_the_first_card_as_default(self, customer, now):
        started = _begin(customer, now)

        card = card_bind_confirm(
            card_id=started.card.id, code=CODE, actor=actor_for(customer), now=now
        )

        assert card.status == "active" and card.is_default and card.bound_at == now

    def test_a_wrong_code_counts_and_says_how_many_tries_are_left(self, customer, now):
        started = _begin(customer, now)

        with pytest.raises(errors.VerificationCodeWrong) as raised:
            card_bind_confirm(
                card_id=started.card.id, code="000000", actor=actor_for(customer), now=now
            )

        assert raised.value.details == {"attempts_left": 4}
        assert Card.objects.get().code_attempts == 1

    def test_the_fifth_wrong_code_fails_the_binding(self, customer, now):
        started = _begin(customer, now)
        actor = actor_for(customer)
        for _ in range(4):
            with pytest.raises(errors.VerificationCodeWrong):
                card_bind_confirm(card_id=started.card.id, code="000000", actor=actor, now=now)

        with pytest.raises(errors.VerificationAttemptsExhausted):
            card_bind_confirm(card_id=started.card.id, code="000000", actor=actor, now=now)
        with pytest.raises(errors.BindingNotPending):
            card_bind_confirm(card_id=started.card.id, code=CODE, actor=actor, now=now)
        assert Card.objects.get().status == "failed"
        assert OutboxEvent.objects.filter(event_type="payments.card_bind_failed").count() == 1

    def test_another_customer_cannot_confirm_the_binding(self, customer, make_customer, now):
        started = _begin(customer, now)

        with pytest.raises(errors.CardNotFound):
            card_bind_confirm(
                card_id=started.card.id, code=CODE, actor=actor_for(make_customer()), now=now
            )

    def test_binding_writes_an_audit_entry_and_an_event_without_the_number(self, customer, now):
        started = _begin(customer, now)
        card_bind_confirm(card_id=started.card.id, code=CODE, actor=actor_for(customer), now=now)

        entry = AuditEntry.objects.get(action="payments.card_bound")
        event = OutboxEvent.objects.get(event_type="payments.card_bound")
        number = Card.objects.get().number
        assert entry.target_id == str(started.card.id) and entry.actor_id == str(customer.pk)
        assert event.payload["card_id"] == str(started.card.id)
        assert event.payload["user_id"] == str(customer.pk)
        assert number not in str(entry.after) + str(event.payload)


class TestDefaultAndUnbind:
    def test_a_second_card_is_not_the_default_until_chosen(self, customer, bound_card, now):
        first = bound_card("622202")
        second = bound_card("621700")

        assert not second.is_default
        card_set_default(card_id=second.id, actor=actor_for(customer), now=now)

        views = cards_of(
            actor=actor_for(customer), customer_id=Card.objects.get(id=first.id).customer_id
        )
        assert [(v.id, v.is_default) for v in views] == [(second.id, True), (first.id, False)]
        assert AuditEntry.objects.filter(action="payments.card_default_set").count() == 1

    def test_unbinding_the_default_makes_the_newest_other_card_the_default(
        self, customer, bound_card, now
    ):
        first = bound_card("622202", at=now)
        older = bound_card("621700", at=now + timedelta(minutes=1))
        newest = bound_card("622848", at=now + timedelta(minutes=2))

        card_unbind(card_id=first.id, actor=actor_for(customer), now=now + timedelta(minutes=3))

        assert Card.objects.get(id=newest.id).is_default
        assert not Card.objects.get(id=older.id).is_default
        assert Card.objects.get(id=first.id).status == "unbound"
        event = OutboxEvent.objects.get(event_type="payments.card_unbound")
        assert event.payload["new_default_card_id"] == str(newest.id)

    def test_unbinding_the_only_card_leaves_no_default(self, customer, bound_card, now):
        card = bound_card()

        card_unbind(card_id=card.id, actor=actor_for(customer), now=now)

        assert not Card.objects.filter(is_default=True).exists()

    def test_an_unbound_card_may_be_bound_again(self, customer, bound_card, now):
        card = bound_card()
        card_unbind(card_id=card.id, actor=actor_for(customer), now=now)

        assert bound_card().status == "active"

    def test_a_frozen_customer_may_still_unbind_and_choose_the_default(
        self, customer, bound_card, now
    ):
        from hujin.customers.models import Customer

        first, second = bound_card("622202"), bound_card("621700")
        Customer.objects.filter(user=customer).update(status="frozen")

        card_set_default(card_id=second.id, actor=actor_for(customer), now=now)
        card_unbind(card_id=first.id, actor=actor_for(customer), now=now)

        assert Card.objects.get(id=first.id).status == "unbound"

    def test_another_customer_cannot_unbind_or_choose_the_default(
        self, bound_card, make_customer, now
    ):
        card = bound_card()
        stranger = actor_for(make_customer())

        with pytest.raises(errors.CardNotFound):
            card_unbind(card_id=card.id, actor=stranger, now=now)
        with pytest.raises(errors.CardNotFound):
            card_set_default(card_id=card.id, actor=stranger, now=now)


def test_the_sandbox_channel_is_refused_in_production(db, settings):
    settings.PROD = True

    with pytest.raises(ImproperlyConfigured, match="for development only"):
        card_channel()
    assert [error.id for error in payment_channel_check()] == ["payments.W001"]


def test_the_sandbox_channel_passes_the_start_up_check_outside_production(settings):
    settings.PROD = False

    assert payment_channel_check() == []
