"""Where a loan's money went, as its pages show it (the customer's and the console's): the
wallet, or the bound card chosen at signing with the payout's progress through payments — and,
when that card could not take it, the wallet with the reason in words."""

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR as LENDING
from hujin.lending.models import Loan
from hujin.lending.services.loans import payout_key

# The payout's state (payments') → the status badge's key and its words.
_PAYOUT_STATES = {
    "created": ("pending", _("On its way")),
    "pending": ("pending", _("On its way")),
    "unknown": ("pending", _("On its way")),
    "review": ("needs_review", _("Being checked")),
    "succeeded": ("completed", _("Paid to the card")),
    "failed": ("failed", _("Not accepted by the bank: the money is in the wallet")),
}


@dataclass(frozen=True, slots=True)
class Disbursement:
    """``to``: where the money went, or goes while the loan waits to be paid out (wallet or
    card); ``card``: the card chosen, masked with its bank's name ("" for none);
    ``card_refused``: a card was chosen but could not take the money, so the wallet has it."""

    to: str
    card: str
    amount_minor: int
    disbursed: bool
    card_refused: bool = False
    payout_id: uuid.UUID | None = None
    payout_status: str = ""  # payments': created, review, pending, unknown, succeeded, failed
    status_key: str = ""  # the payout's badge ("" before it exists)
    status_label: str = ""

    @property
    def to_card(self) -> bool:
        return self.to == t.DISBURSE_CARD


def loan_disbursement(*, actor: Actor, loan: Loan) -> Disbursement:
    """``loan``'s disbursement as ``actor`` may see it: the customer their own (the caller has
    scoped the loan to them), anyone else through lending itself (the page's permission)."""
    from hujin.payments.selectors import card_label, payout_get

    reader = actor if actor.kind == "customer" else LENDING
    card = ""
    if loan.disburse_card_id is not None:
        card = card_label(actor=reader, customer_id=loan.customer_id,
                          card_id=loan.disburse_card_id)  # fmt: skip
    disbursed = loan.disbursed_at is not None
    amount = loan.principal_minor - loan.upfront_fee_minor
    if loan.disburse_to != t.DISBURSE_CARD or not disbursed:
        return Disbursement(
            to=loan.disburse_to, card=card, amount_minor=amount, disbursed=disbursed,
            card_refused=disbursed and loan.disburse_card_id is not None,
        )  # fmt: skip
    payout = payout_get(actor=reader, customer_id=loan.customer_id,
                        idempotency_key=payout_key(loan.id))  # fmt: skip
    key, label = _PAYOUT_STATES.get(payout.status if payout else "", ("", ""))
    return Disbursement(
        to=loan.disburse_to, card=card, amount_minor=amount, disbursed=True,
        payout_id=payout.id if payout else None, payout_status=payout.status if payout else "",
        status_key=key, status_label=str(label),
    )  # fmt: skip
