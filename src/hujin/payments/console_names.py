"""What the console calls payments where other pages show them (registered from
``navigation.register``): the codes of payments' ledger transfers and its audit actions in words,
and a payment as the object of an audit entry (its kind, linked to its console page for who may
open it)."""

from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import url_if_mounted
from hujin.ledger.selectors import transfer_code_label_register
from hujin.payments.models import Payment
from hujin.payments.permissions import VIEW_PAYMENTS
from hujin.payments.services.requests import TARGET

KIND_NAMES = {
    "topup": pgettext_lazy("payment kind", "Top-up"),
    "withdrawal": pgettext_lazy("payment kind", "Withdrawal"),
    "transfer": pgettext_lazy("payment kind", "Transfer"),
}
# The codes payments' ledger transfers carry (``payments.<kind>``), as the ledger's pages and a
# payment's console page name them.
TRANSFER_CODE_LABELS = {
    "payments.topup": pgettext_lazy("transfer code", "Top-up"),
    "payments.withdrawal": pgettext_lazy("transfer code", "Withdrawal"),
    "payments.transfer": pgettext_lazy("transfer code", "Transfer between customers"),
    "payments.fee": pgettext_lazy("transfer code", "Payment fee"),
}
AUDIT_ACTION_LABELS = {
    "payments.topup_request": pgettext_lazy("audit action", "Top-up requested"),
    "payments.withdrawal_request": pgettext_lazy("audit action", "Withdrawal requested"),
    "payments.transfer": pgettext_lazy("audit action", "Transfer sent"),
    "payments.payment_succeeded": pgettext_lazy("audit action", "Payment confirmed by the bank"),
    "payments.payment_failed": pgettext_lazy("audit action", "Payment failed"),
    "payments.card_bind_started": pgettext_lazy("audit action", "Bank card binding started"),
    "payments.card_bind_failed": pgettext_lazy("audit action", "Bank card binding failed"),
    "payments.card_bound": pgettext_lazy("audit action", "Bank card bound"),
    "payments.card_default_set": pgettext_lazy("audit action", "Default bank card chosen"),
    "payments.card_unbound": pgettext_lazy("audit action", "Bank card unbound"),
}


def payment_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """Audit objects of type ``payments.payment``: named by kind, one query for them all."""
    ids = uuids_parsed(target_ids)
    kinds = dict(Payment.objects.filter(id__in=list(ids.values())).values_list("id", "kind"))
    may_open = actor.has_scope(VIEW_PAYMENTS)
    return {
        raw: TargetLink(
            KIND_NAMES.get(kinds[payment_id], kinds[payment_id]),
            url=(url_if_mounted("payments:console_payment", [payment_id]) or "")
            if may_open
            else "",
        )
        for raw, payment_id in ids.items()
        if payment_id in kinds
    }


def register() -> None:
    target_type_register(
        TARGET, label=pgettext_lazy("audit target", "Payment"), resolve=payment_targets
    )
    for code, label in TRANSFER_CODE_LABELS.items():
        transfer_code_label_register(code, label)
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
