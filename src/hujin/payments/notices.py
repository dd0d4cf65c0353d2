"""The messages a customer gets from payments: a card became bound; a top-up arrived; a
withdrawal was paid or failed (its money back in the wallet); a transfer was sent (to the
payer) and received (to the payee, with the payer's masked name). The kinds are registered with
notifications; subscribers to payments' events send them (idempotent: the event's id is the
message's dedupe key)."""

import uuid

from django.utils.translation import gettext_lazy as _

from hujin.core.actors import system_actor
from hujin.core.events import DomainEvent, event_subscribe
from hujin.core.masking import mask_name
from hujin.core.money import display_amount
from hujin.notifications.services import notification_kind_register, notification_send
from hujin.notifications.types import CATEGORY_ACCOUNT, CATEGORY_MONEY, CHANNEL_INBOX, CHANNEL_SMS
from hujin.payments import events

CARD_BOUND_KIND = "payments.card_bound"
TOPUP_SUCCEEDED_KIND = "payments.topup_succeeded"
WITHDRAWAL_SUCCEEDED_KIND = "payments.withdrawal_succeeded"
WITHDRAWAL_FAILED_KIND = "payments.withdrawal_failed"
TRANSFER_SENT_KIND = "payments.transfer_sent"
TRANSFER_RECEIVED_KIND = "payments.transfer_received"
TRANSFER_REJECTED_KIND = "payments.transfer_rejected"
_KIND_OF = {
    (events.PAYMENT_FAILED, "transfer"): TRANSFER_REJECTED_KIND,
    (events.PAYMENT_SUCCEEDED, "topup"): TOPUP_SUCCEEDED_KIND,
    (events.PAYMENT_SUCCEEDED, "withdrawal"): WITHDRAWAL_SUCCEEDED_KIND,
    (events.PAYMENT_FAILED, "withdrawal"): WITHDRAWAL_FAILED_KIND,
}
ACTOR = system_actor("payments")


def on_card_bound(event: DomainEvent) -> None:
    from hujin.payments.models import Card

    card = Card.objects.filter(id=event.payload["card_id"]).first()
    notification_send(
        user_id=uuid.UUID(event.payload["user_id"]),
        kind=CARD_BOUND_KIND,
        params={"last4": card.last4 if card else ""},
        dedupe_key=str(event.event_id),
        actor=ACTOR,
        now=event.occurred_at,
    )


def on_payment_final(event: DomainEvent) -> None:
    kind = _KIND_OF.get((event.event_type, event.payload["kind"]))
    if kind is None:  # a failed top-up moved nothing: the payment's page says so
        return
    payload = event.payload
    notification_send(
        user_id=uuid.UUID(payload["user_id"]),
        kind=kind,
        params={"amount": display_amount(payload["amount_minor"], payload["currency"])},
        link_args=(payload["payment_id"],),
        dedupe_key=str(event.event_id),
        actor=ACTOR,
        now=event.occurred_at,
    )


def on_transfer_succeeded(event: DomainEvent) -> None:
    from hujin.payments.models import Payment

    payload = event.payload
    payment = Payment.objects.select_related("customer", "payee").get(id=payload["payment_id"])
    amount = display_amount(payload["amount_minor"], payload["currency"])
    for user_id, kind, name in (
        (payload["user_id"], TRANSFER_SENT_KIND, payment.payee.legal_name),
        (payload["payee_user_id"], TRANSFER_RECEIVED_KIND, payment.customer.legal_name),
    ):
        notification_send(
            user_id=uuid.UUID(user_id), kind=kind,
            params={"amount": amount, "name": mask_name(name)},
            link_args=(payload["payment_id"],), dedupe_key=f"{event.event_id}:{kind}",
            actor=ACTOR, now=event.occurred_at,
        )  # fmt: skip


def register() -> None:
    notification_kind_register(
        CARD_BOUND_KIND, category=CATEGORY_ACCOUNT, channels=(CHANNEL_INBOX, CHANNEL_SMS),
        title=_("A bank card is bound to your account"),
        body=_(
            "The bank card ending in %(last4)s is now bound to your Hujin account. If this was "
            "not you, contact customer service now."
        ),
        url_name="payments:cards",
    )  # fmt: skip
    event_subscribe(events.CARD_BOUND, on_card_bound, name="payments.card_bound_notice")
    for key, title, body in (
        (TOPUP_SUCCEEDED_KIND, _("Your top-up has arrived"),
         _("%(amount)s from your bank card is now in your Hujin wallet.")),
        (WITHDRAWAL_SUCCEEDED_KIND, _("Your withdrawal is paid"),
         _("The bank has paid %(amount)s from your Hujin wallet to your bank card.")),
        (WITHDRAWAL_FAILED_KIND, _("Your withdrawal could not be paid"),
         _("The bank could not pay %(amount)s to your bank card. The money is back in your "
           "Hujin wallet.")),
        (TRANSFER_SENT_KIND, _("Your transfer is sent"),
         _("You sent %(amount)s from your Hujin wallet to %(name)s.")),
        (TRANSFER_RECEIVED_KIND, _("You received a transfer"),
         _("%(name)s sent you %(amount)s. It is in your Hujin wallet.")),
        (TRANSFER_REJECTED_KIND, _("Your transfer was not made"),
         _("Your transfer of %(amount)s was stopped after a review. The money is back in your "
           "Hujin wallet.")),
    ):  # fmt: skip
        notification_kind_register(
            key, category=CATEGORY_MONEY, channels=(CHANNEL_INBOX,), title=title, body=body,
            url_name="payments:payment",
        )  # fmt: skip
    event_subscribe(events.PAYMENT_SUCCEEDED, on_payment_final, name="payments.succeeded_notice")
    event_subscribe(events.PAYMENT_FAILED, on_payment_final, name="payments.failed_notice")
    event_subscribe(
        events.TRANSFER_SUCCEEDED, on_transfer_succeeded, name="payments.transfer_notice"
    )
