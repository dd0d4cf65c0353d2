"""The message a borrower gets when the bank card they chose at signing could not take their
loan's money (unbound or no longer active by the disbursement, or refused by payments): the
money is in their wallet instead. Sent from ``lending.loan_disbursed`` once it commits; the
loan's id is the message's dedupe key, so it is sent once."""

import uuid

from django.utils.translation import gettext_lazy as _

from hujin.core.money import display_amount
from hujin.customers.selectors import customer_user_id
from hujin.lending.accounts import ACTOR
from hujin.lending.models import Loan
from hujin.notifications.services import notification_kind_register, notification_send
from hujin.notifications.types import CATEGORY_MONEY, CHANNEL_INBOX, CHANNEL_SMS

PAID_TO_WALLET_KIND = "lending.paid_to_wallet"


def register() -> None:
    notification_kind_register(
        PAID_TO_WALLET_KIND, category=CATEGORY_MONEY, channels=(CHANNEL_INBOX, CHANNEL_SMS),
        title=_("Your loan's money is in your wallet"),
        body=_("The bank card you chose could not receive the money of loan %(number)s, so "
               "%(amount)s was paid into your Hujin wallet. You can withdraw it to a bound "
               "card."),
        url_name="lending:loan",
    )  # fmt: skip


def on_loan_disbursed(event) -> None:
    """lending.loan_disbursed: a card that refused the money (``card_refused``) is explained."""
    if not event.payload.get("card_refused"):
        return
    loan = Loan.objects.filter(id=uuid.UUID(event.payload["loan_id"])).first()
    user_id = customer_user_id(customer_id=loan.customer_id) if loan is not None else None
    if user_id is None:
        return
    notification_send(
        user_id=user_id, kind=PAID_TO_WALLET_KIND,
        params={"number": loan.number,
                "amount": display_amount(loan.principal_minor - loan.upfront_fee_minor,
                                         loan.currency)},
        link_args=(str(loan.id),), dedupe_key=f"paid_to_wallet:{loan.id}", actor=ACTOR,
        now=event.occurred_at,
    )  # fmt: skip
