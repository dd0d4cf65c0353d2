"""What payments suggests on the customer's home page ("what you can do next") and the words of
its transfers in the wallet's activity, registered through customers' hooks."""

import uuid
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.customers.selectors import (
    NextAction,
    customer_may_send,
    portal_activity_label_register,
    portal_next_actions_register,
)
from hujin.payments.models import Card
from hujin.payments.types import CARD_ACTIVE


def next_actions(*, user_id: uuid.UUID, customer_id: uuid.UUID | None, now: datetime):
    """Top up and withdraw, for a customer with a bound card (one cheap read); transfer to
    another customer, for a customer with an open wallet."""
    from django.urls import reverse

    if customer_id is None:
        return []
    transfer = [
        NextAction(key="payments.transfer", text=_("Send money to another Hujin customer."),
                   url=reverse("payments:transfer"), label=_("Transfer")),
    ] if customer_may_send(customer_id=customer_id) else []  # fmt: skip
    if not Card.objects.filter(customer_id=customer_id, status=CARD_ACTIVE).exists():
        return transfer
    topup = _("Move money from your bank card into your wallet.")
    withdraw = _("Send money from your wallet to your bank card.")
    return [
        NextAction(key="payments.topup", text=topup, url=reverse("payments:topup"),
                   label=_("Top up")),
        NextAction(key="payments.withdraw", text=withdraw, url=reverse("payments:withdraw"),
                   label=_("Withdraw")),
        *transfer,
    ]  # fmt: skip


def register() -> None:
    portal_next_actions_register(next_actions)
    portal_activity_label_register("payments.topup", _("Top-up"), _("Top-up"))
    portal_activity_label_register("payments.withdrawal", _("Withdrawal"), _("Withdrawal"))
    portal_activity_label_register(
        "payments.transfer",
        pgettext_lazy("wallet activity", "Transfer received"),
        pgettext_lazy("wallet activity", "Transfer sent"),
    )
