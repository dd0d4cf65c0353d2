"""A withdrawal or a transfer of ¥5,000 or more needs the customer's confirmation: a code texted
to their own mobile that names the payment and confirms only it, once — or a code from their
authenticator app. Without it, or with a wrong one, nothing moves."""

from datetime import timedelta

import pyotp
import pytest

from hujin.identity.mfa.services import totp_enrol_begin, totp_enrol_confirm
from hujin.identity.models import DevSmsMessage, User
from hujin.payments import errors
from hujin.payments.models import Payment
from hujin.payments.services import confirmation_code_send, transfer_request, withdrawal_request
from hujin.payments.types import Confirmation
from tests.payments.money import open_wallet, wallet

CODE_IN_TEXT = r"\b(\d{6})\b"


@pytest.fixture
def payer(funded_payer):
    return funded_payer(20_000_00)


def _withdraw(payer, amount, key, now, confirmation=None):
    return withdrawal_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                              idempotency_key=key, now=now, confirmation=confirmation)  # fmt: skip


def _texted_code() -> tuple[str, str]:
    import re

    text = DevSmsMessage.objects.filter(purpose="step_up").latest("sent_at").text
    return re.search(CODE_IN_TEXT, text).group(1), text


def test_a_withdrawal_of_five_thousand_yuan_without_a_code_asks_for_one_and_moves_nothing(
    payer, now
):
    with pytest.raises(errors.ConfirmationRequired) as asked:
        _withdraw(payer, 5_000_00, "big", now)

    assert asked.value.details == {"methods": ["sms"]}
    assert Payment.objects.count() == 0 and wallet(payer.wallet_id)["held"] == 0


def test_just_below_the_threshold_no_code_is_needed(payer, now):
    assert _withdraw(payer, 4_999_99, "small", now).status == "pending"


def test_the_texted_code_names_the_payment_and_confirms_it_once(payer, now):
    sent = confirmation_code_send(actor=payer.actor, kind="withdrawal", amount_minor=6_000_00,
                                  card_id=payer.card_id, now=now)  # fmt: skip
    code, text = _texted_code()
    assert "¥6,000.00" in text and "1234" not in sent.mobile_masked[:3]

    done = _withdraw(payer, 6_000_00, "big", now, Confirmation("sms", code))

    assert done.status == "pending" and wallet(payer.wallet_id)["held"] == 6_000_00
    with pytest.raises(errors.ConfirmationInvalid):
        _withdraw(payer, 6_000_00, "again", now + timedelta(seconds=5), Confirmation("sms", code))


def test_a_code_sent_for_one_amount_does_not_confirm_another(payer, now):
    confirmation_code_send(actor=payer.actor, kind="withdrawal", amount_minor=6_000_00,
                           card_id=payer.card_id, now=now)  # fmt: skip
    code, _ = _texted_code()

    with pytest.raises(errors.ConfirmationInvalid):
        _withdraw(payer, 9_000_00, "other", now, Confirmation("sms", code))
    assert Payment.objects.count() == 0


def test_a_wrong_code_moves_nothing(payer, now):
    confirmation_code_send(actor=payer.actor, kind="withdrawal", amount_minor=6_000_00,
                           card_id=payer.card_id, now=now)  # fmt: skip

    with pytest.raises(errors.ConfirmationInvalid):
        _withdraw(payer, 6_000_00, "wrong", now, Confirmation("sms", "000000"))
    assert wallet(payer.wallet_id)["held"] == 0


def test_a_customer_with_an_authenticator_may_confirm_with_its_code(payer, now):
    user = User.objects.get(pk=payer.user.pk)
    device = totp_enrol_begin(user=user, now=now - timedelta(minutes=5))
    totp_enrol_confirm(user=user, code=pyotp.TOTP(device.secret).at(now - timedelta(minutes=5)),
                       now=now - timedelta(minutes=5))  # fmt: skip

    with pytest.raises(errors.ConfirmationRequired) as asked:
        _withdraw(payer, 8_000_00, "totp", now)
    assert asked.value.details == {"methods": ["totp", "sms"]}

    done = _withdraw(payer, 8_000_00, "totp", now,
                     Confirmation("totp", pyotp.TOTP(device.secret).at(now)))  # fmt: skip
    assert done.status == "pending"


def test_a_large_transfer_is_confirmed_by_a_code_naming_the_payee_masked(payer, make_customer, now):
    payee = make_customer(name="王伟")
    open_wallet(payee, now)
    confirmation_code_send(actor=payer.actor, kind="transfer", amount_minor=5_000_00,
                           payee_mobile=payee.mobile, now=now)  # fmt: skip
    code, text = _texted_code()
    assert "王*" in text and "王伟" not in text

    sent = transfer_request(actor=payer.actor, payee_mobile=payee.mobile, amount_minor=5_000_00,
                            idempotency_key="t", now=now,
                            confirmation=Confirmation("sms", code))  # fmt: skip

    assert sent.status == "succeeded"


def test_a_large_withdrawal_the_wallet_cannot_pay_is_refused_before_any_code_is_asked(payer, now):
    with pytest.raises(errors.InsufficientFunds):
        _withdraw(payer, 30_000_00, "too-much", now)

    assert DevSmsMessage.objects.filter(purpose="step_up").count() == 0
