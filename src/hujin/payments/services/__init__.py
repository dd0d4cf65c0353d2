"""The payments module's writes (its public face, with ``selectors``, ``types``, ``errors``,
``events`` and ``permissions``): binding bank cards; top-ups and withdrawals through the
channel, its signed callbacks and the recovery of payments whose answer never came; transfers
between customers; the limits and fees operations set, and the payments a screen held for
review; the payouts a system makes on a customer's behalf (a loan's money to their card)."""

from hujin.payments.services.callbacks import callback_receive, payment_callback_apply
from hujin.payments.services.cards import (
    card_bind_begin,
    card_bind_confirm,
    card_set_default,
    card_unbind,
    holder_name_normalise,
)
from hujin.payments.services.channels import channel_configure
from hujin.payments.services.payout import LOAN_DISBURSEMENT, PAYOUT_PURPOSES, payout_request
from hujin.payments.services.recovery import payments_unknown_resolve
from hujin.payments.services.review import payment_review_reject, payment_review_release
from hujin.payments.services.rules import fee_rule_set, limit_rule_delete, limit_rule_set
from hujin.payments.services.step_up import confirmation_code_send
from hujin.payments.services.topup import topup_request
from hujin.payments.services.transfer import transfer_preview, transfer_request
from hujin.payments.services.withdrawal import withdrawal_request

__all__ = [
    "LOAN_DISBURSEMENT",
    "PAYOUT_PURPOSES",
    "callback_receive",
    "card_bind_begin",
    "card_bind_confirm",
    "card_set_default",
    "card_unbind",
    "channel_configure",
    "confirmation_code_send",
    "fee_rule_set",
    "holder_name_normalise",
    "limit_rule_delete",
    "limit_rule_set",
    "payment_callback_apply",
    "payment_review_reject",
    "payment_review_release",
    "payments_unknown_resolve",
    "payout_request",
    "topup_request",
    "transfer_preview",
    "transfer_request",
    "withdrawal_request",
]
